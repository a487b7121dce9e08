"""The article's geographic context: its main governorate and its anchor places.

``article_context(title, sentences)`` reads the title and the first ``LEAD_SENTENCES`` sentences:
the governorate named most often is the context that breaks ties between namesakes elsewhere in
the article, and the places named there with a single namesake (or resolved by a container) are
anchors: among namesakes later on, the one nearest to an anchor is chosen
(``find_places(..., context_admin1=ctx.admin1, anchors=ctx.anchors)``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from etl.geo.lookup import Gazetteer
from etl.geo.resolve import find_places
from etl.geo.sources import Place

LOGGER = logging.getLogger(__name__)

LEAD_SENTENCES = 2  # sentences after the title read for the context (the lead names the main place)
MAX_ANCHORS = 6  # anchors kept (the first named): more adds time, not precision


@dataclass(frozen=True)
class ArticleContext:
    """``admin1``: P-code of the article's main governorate (None when no place is named);
    ``anchors``: resolved places of the title and lead that have their own point."""

    admin1: str | None = None
    anchors: tuple[Place, ...] = ()


def article_context(title: str, sentences: Sequence[str], gazetteer: Gazetteer | None = None) -> ArticleContext:
    """The context of an article from its title and first sentences."""
    gaz = gazetteer or Gazetteer.load()
    counts: Counter[str] = Counter()
    anchors: dict[str, Place] = {}
    for text in [title, *sentences[:LEAD_SENTENCES]]:
        for m in find_places(text, gazetteer=gaz) if text else []:
            if m.relation == "origin" or not m.admin1_pcode:
                continue
            counts[m.admin1_pcode] += 1
            if m.resolved and m.place is not None and m.place.has_own_point:
                anchors.setdefault(m.place.pcode, m.place)
    admin1 = counts.most_common(1)[0][0] if counts else None
    kept = [p for p in anchors.values() if admin1 is None or p.admin1_pcode == admin1][:MAX_ANCHORS]
    return ArticleContext(admin1, tuple(kept))

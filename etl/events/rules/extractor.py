"""``RulesExtractor``: Article -> ExtractionResult.

Confidence (0..1) of an event: 0.35 base, +0.2 resolved place (gazetteer hit), +0.15 explicit
date expression (not the publication-day default), +0.15 named agent (not the unidentified
default), +0.05 named target, +0.1 precise place (geo_precision 1). Low scores flag events for
review; they never filter.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import UTC, datetime, time

from etl.arabic import normalize, split_sentences_with_spans
from etl.arabic.dates import find_event_dates
from etl.events.base import ExtractionResult
from etl.events.model import Article, Event, Evidence
from etl.events.rules import lexicon
from etl.events.rules.actors import ActorFinder
from etl.events.rules.assemble import Draft, State, sentence_drafts
from etl.events.rules.merge import merge
from etl.events.rules.sentences import analyse
from etl.geo.resolve import find_places
from etl.settings import LOCAL_ZONE

LOGGER = logging.getLogger(__name__)

NAME = "rules"
VERSION = "0.1.0"
CONTEXT_SENTENCES = 2  # sentences (after the title) read for the article's main governorate
BASE_CONFIDENCE = 0.35
CONFIDENCE_WEIGHTS = {"resolved": 0.2, "explicit_date": 0.15, "agent": 0.15, "target": 0.05, "precise": 0.1}
_PARAGRAPHS = re.compile(r"\n\s*\n|\n")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPHS.split(text) if p.strip()]


def _context_admin1(title: str, sentences: list[str]) -> str | None:
    counts: Counter[str] = Counter()
    for text in [title, *sentences[:CONTEXT_SENTENCES]]:
        for m in find_places(text) if text else []:
            if m.relation != "origin" and m.admin1_pcode:
                counts[m.admin1_pcode] += 1
    return counts.most_common(1)[0][0] if counts else None


WRITING_LAG_DAYS = 2  # "صباح اليوم الاثنين" in copy published on Tuesday: written the day before
LEAD_SCAN = 4  # sentences searched for the copy's own "today"
_TODAY = "اليوم"


def _writing_day(sents: list[tuple[int, str]], published: datetime) -> datetime:
    """The day the copy calls "today" when it names its weekday ("اليوم الاثنين") and that day is a
    day or two before publication (wire copy, late uploads): relative dates are read from it."""
    pub_day = published.date()
    for _para, text in sents[:LEAD_SCAN]:
        for found in find_event_dates(text, published):
            folded = normalize(found.expression)
            days_back = (pub_day - found.date).days
            if _TODAY in folded and found.expression.strip() != _TODAY and 0 < days_back <= WRITING_LAG_DAYS \
                    and len(folded.split()) >= 2:
                return datetime.combine(found.date, time(12, 0), tzinfo=published.tzinfo)
    return published


def _confidence(d: Draft) -> float:
    w = CONFIDENCE_WEIGHTS
    score = BASE_CONFIDENCE + w["resolved"] * d.place.resolved + w["explicit_date"] * d.explicit_date
    score += w["agent"] * d.agent_known + w["target"] * bool(d.actor2) + w["precise"] * (d.place.geo_precision == 1)
    return round(min(1.0, score), 2)


NON_VIOLENT_TYPES = {"Strategic developments"}  # ACLED: non-violent, so never any fatalities


def _event(d: Draft, article: Article) -> Event:
    p = d.place
    fatalities = 0 if d.etype in NON_VIOLENT_TYPES else d.fatalities
    return Event(
        event_date=d.day, time_precision=d.precision, event_type=d.etype, sub_event_type=d.sub,
        actor1=d.actor1, inter1=d.inter1, actor2=d.actor2, inter2=d.inter2 if d.actor2 else None,
        assoc_actor_1="; ".join(d.assoc1), assoc_actor_2="; ".join(d.assoc2) if d.actor2 else "",
        civilian_targeting=d.civilian_targeting, admin1=p.admin1, admin1_pcode=p.admin1_pcode,
        admin2=p.admin2, admin2_pcode=p.admin2_pcode, admin3=p.admin3, admin3_pcode=p.admin3_pcode,
        location=p.location, location_ar=p.location_ar or p.text_ar,
        location_pcode=p.place.pcode if (p.place is not None and p.resolved) else "",
        latitude=p.latitude, longitude=p.longitude, geo_precision=p.geo_precision, fatalities=fatalities,
        source=article.source_name or article.outlet,
        evidence=[Evidence(i, s) for i, s in sorted(d.sentences.items())],
        confidence=_confidence(d), extractor=NAME, extractor_version=VERSION, place_resolved=p.resolved,
    )


class RulesExtractor:
    name = NAME
    version = VERSION

    def __init__(self) -> None:
        self.lex = lexicon.load()

    def extract(self, article: Article) -> ExtractionResult:
        if not article.text or not article.text.strip():
            return ExtractionResult(skipped_reason="empty")
        published = article.published or datetime.now(UTC)
        if published.tzinfo is None:
            published = published.replace(tzinfo=LOCAL_ZONE)  # naive: Damascus local time
        sents = [(pi, s) for pi, para in enumerate(paragraphs(article.text))
                 for _a, _b, s in split_sentences_with_spans(para)]
        context = _context_admin1(article.title, [s for _p, s in sents])
        finder, state = ActorFinder(self.lex), State()
        published = _writing_day(sents, published)
        pub_day = published.astimezone(published.tzinfo).date()
        for index, (para, text) in enumerate(sents):
            analysis = analyse(self.lex, finder, index, para, text, published, context)
            state.drafts.extend(sentence_drafts(self.lex, analysis, state, pub_day))
        drafts = merge(self.lex, state.drafts)
        events = [_event(d, article) for d in drafts]
        unresolved = sorted({(e.location_ar, e.admin1 or None) for e in events if not e.place_resolved},
                            key=lambda x: x[0])
        return ExtractionResult(events=events, unresolved=unresolved)

"""Place resolution against hand-coded gold events: right governorate, right P-code.

Two measures, both over the gold events that name a place (``location_ar``):

- ``place_resolution(gold, predicted)``: the extractor's events. A gold place is *found* when a
  predicted event names it (normalised ``location_ar`` equal or contained, or the same P-code; an
  event of the same day and type is preferred); it is *right* when that event's ``admin1`` is the
  gold ``admin1``, and its P-code is right when ``location_pcode`` equals the gold one.
- ``mention_resolution(gold, article)``: the geocoder alone (``find_places`` over every sentence,
  with the article's context), whether or not an event was coded there.

P-code figures count only gold events that carry a ``location_pcode`` (OCHA C-codes, added where
the place is unambiguous); sub-district figures only those with an ``admin3_pcode``. Usage: ``python -m etl.geo.evaluate DIR`` (a gold folder such as
``tests/gold``) prints both measures; exit 2 when DIR is not a gold folder.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.arabic import normalize, split_sentences
from etl.errors import HadathError
from etl.events.model import Article
from etl.geo.context import article_context
from etl.geo.lookup import Gazetteer
from etl.geo.resolve import PlaceMention, find_places

LOGGER = logging.getLogger(__name__)

MAX_LISTED = 15  # wrong / missed places listed by the command


@dataclass
class PlaceScore:
    """Counts of gold places and how they were resolved (add scores of several articles with +=)."""

    places: int = 0
    found: int = 0
    admin1_right: int = 0
    with_pcode: int = 0
    pcode_right: int = 0
    with_admin3: int = 0
    admin3_right: int = 0
    wrong: list[str] = field(default_factory=list)

    def __iadd__(self, other: PlaceScore) -> PlaceScore:
        for name in ("places", "found", "admin1_right", "with_pcode", "pcode_right", "with_admin3", "admin3_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.wrong.extend(other.wrong)
        return self

    def figures(self) -> dict[str, float]:
        """Shares: found and right governorate (of all gold places), right P-code (of those with one)."""
        return {"gold_places": self.places, "found": share(self.found, self.places),
                "admin1": share(self.admin1_right, self.places), "gold_pcodes": self.with_pcode,
                "pcode": share(self.pcode_right, self.with_pcode), "gold_admin3": self.with_admin3,
                "admin3": share(self.admin3_right, self.with_admin3)}


def share(part: int, whole: int) -> float:
    """part / whole rounded to 3 decimals, 0.0 when whole is 0."""
    return round(part / whole, 3) if whole else 0.0


def _get(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def _names_agree(gold: str, other: str) -> bool:
    g, o = normalize(gold or ""), normalize(other or "")
    return bool(g and o and (g == o or g in o or o in g))


def _score(gold: dict, admin1: str | None, pcode: str | None, found: bool, admin3: str | None = None) -> PlaceScore:
    score = PlaceScore(places=1, found=int(found))
    score.admin1_right = int(found and admin1 == gold.get("admin1"))
    if gold.get("admin3_pcode"):
        score.with_admin3 = 1
        score.admin3_right = int(found and admin3 == gold["admin3_pcode"])
    want = gold.get("location_pcode")
    if want:
        score.with_pcode = 1
        score.pcode_right = int(found and pcode == want)
    if not (score.admin1_right and (not want or score.pcode_right)):
        got = f"{admin1 or '-'} {pcode or '-'}" if found else "not found"
        score.wrong.append(f"{gold.get('location_ar')} ({gold.get('admin1')} {want or ''}): {got}")
    return score


def _best_event(gold: dict, predicted: Sequence[Any]) -> Any | None:
    named = [p for p in predicted if _names_agree(gold.get("location_ar", ""), _get(p, "location_ar"))
             or (gold.get("location_pcode") and gold.get("location_pcode") == _get(p, "location_pcode"))]
    day, etype = str(gold.get("event_date", "")), gold.get("event_type")
    return min(named, key=lambda p: (str(_get(p, "event_date")) != day, _get(p, "event_type") != etype),
               default=None)


def place_resolution(gold_events: Iterable[dict], predicted_events: Sequence[Any]) -> PlaceScore:
    """Gold places found among the predicted events (``Event`` objects or dicts) and resolved right."""
    total = PlaceScore()
    for gold in gold_events:
        if not gold.get("location_ar"):
            continue
        event = _best_event(gold, predicted_events)
        if event is None:
            total += _score(gold, None, None, False)
            continue
        total += _score(gold, _get(event, "admin1"), _get(event, "location_pcode"), True, _get(event, "admin3_pcode"))
    return total


def article_mentions(article: Article, gazetteer: Gazetteer | None = None) -> list[PlaceMention]:
    """Every place mention of an article, resolved in the article's context (home towns included:
    "من أهالي بلدة الطيانة" names the place as well as an event sentence would)."""
    gaz = gazetteer or Gazetteer.load()
    sentences = split_sentences(article.text or "")
    ctx = article_context(article.title or "", sentences, gaz)
    return [m for s in [article.title or "", *sentences] if s
            for m in find_places(s, context_admin1=ctx.admin1, gazetteer=gaz, anchors=ctx.anchors)]


def mention_resolution(gold_events: Iterable[dict], article: Article,
                       gazetteer: Gazetteer | None = None) -> PlaceScore:
    """Gold places of one article found by the geocoder alone, and resolved right."""
    mentions = article_mentions(article, gazetteer)
    total = PlaceScore()
    for gold in gold_events:
        if not gold.get("location_ar"):
            continue
        named = [m for m in mentions if _names_agree(gold["location_ar"], m.text_ar)]
        best = min(named, key=lambda m: (not m.resolved, m.admin1 != gold.get("admin1"),
                                         m.place is None or m.place.is_admin), default=None)
        if best is None:
            total += _score(gold, None, None, False)
            continue
        pcode = best.place.pcode if best.resolved and best.place is not None else None
        total += _score(gold, best.admin1, pcode, True, best.admin3_pcode)
    return total


def evaluate_dir(gold_dir: Path, extractor: str = "rules") -> tuple[PlaceScore, PlaceScore]:
    """(events measure, geocoder measure) over a gold folder."""
    from etl.evaluate import load_gold  # the gold-folder format is owned by etl.evaluate
    from etl.events.base import get_extractor

    ext = get_extractor(extractor)
    files, _skipped = load_gold(gold_dir)
    events, mentions = PlaceScore(), PlaceScore()
    for gf in files:
        events += place_resolution(gf.events, ext.extract(gf.article).events)
        mentions += mention_resolution(gf.events, gf.article)
    return events, mentions


def _line(label: str, score: PlaceScore) -> str:
    f = score.figures()
    return (f"{label}: {f['gold_places']} gold places, found {f['found']:.3f}, right governorate "
            f"{f['admin1']:.3f}, right P-code {f['pcode']:.3f} (of {f['gold_pcodes']} with a P-code)")


def main(argv: list[str] | None = None) -> int:
    """``python -m etl.geo.evaluate DIR``: both measures; exit 2 on a bad folder, 1 on other errors."""
    parser = argparse.ArgumentParser(prog="python -m etl.geo.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("gold_dir", type=Path)
    parser.add_argument("--list", action="store_true", help="list the places resolved wrong or not found")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        events, mentions = evaluate_dir(args.gold_dir)
    except HadathError as err:
        print(f"error: {err}", file=sys.stderr)
        return getattr(err, "exit_code", 1)
    print(_line("events (extractor)", events))
    print(_line("mentions (geocoder)", mentions))
    if args.list:
        print("\n".join(f"  {w}" for w in mentions.wrong[:MAX_LISTED]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

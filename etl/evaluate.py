"""Evaluate an extractor against hand-coded gold events.

Two kinds of gold folders share one format for events (docs/DEVELOPING.md, "Gold codings"):

- ``tests/gold/<id>.yaml``: one file per article, the text inline, in a snapshot source file or
  in ../shared;
- a real-text set (``tests/realtext``): ``cases/<id>.yaml`` hold the coded facts, the texts live
  outside the repository (``<texts>/<id>.txt``, see tests/realtext/README.md); each case belongs
  to the ``dev`` or the held-back ``test`` split. Cases whose text is absent are skipped.

Matching (per article): a predicted and a gold event match when admin1 and event_type agree, the
place agrees (normalised location_ar equal or contained in the other, or the same location P-code)
and the dates are at most ``date_slack`` days apart (0 for tests/gold; 1 for the real-text set,
so that a wrong day shows as a date error instead of a miss and a false alarm). Among candidate
pairs the best-scoring pair is taken first (greedy, one-to-one); the score counts agreeing fields.

Reported: event-level precision, recall and F1; the accuracy of actor1, actor2, fatalities,
geo_precision, sub_event_type and event_date on matched pairs, and of the place P-code on matched
pairs whose gold has one; the same by period and by event type; and the share of gold places
that the extractor resolved to the right governorate and P-code (``place_resolution``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from etl import settings
from etl.arabic import normalize
from etl.errors import BadInput
from etl.events.base import get_extractor
from etl.events.model import Article, Event

LOGGER = logging.getLogger(__name__)

FIELDS = ("actor1", "actor2", "fatalities", "geo_precision", "sub_event_type", "event_date")
PLACE_FIELD = "place_pcode"  # accuracy over matched pairs whose gold event carries a P-code
FLOOR_KEYS = ("precision", "recall", "f1", *FIELDS, PLACE_FIELD, "places_resolved")
CASES_DIR = "cases"  # a gold folder with this subfolder is a real-text set
REALTEXT_DATE_SLACK = 1  # days: a real-text event one day off still matches (its date is scored apart)
PERIODS = ((2016, "2011-16"), (2023, "2017-23"), (9999, "2024-25"))


@dataclass
class GoldFile:
    path: Path
    article: Article
    events: list[dict[str, Any]]
    split: str = ""  # "dev" / "test" in a real-text set


@dataclass
class FileResult:
    name: str
    gold: int
    predicted: int
    matched: list[tuple[dict, Event]] = field(default_factory=list)
    misses: list[dict] = field(default_factory=list)
    false_alarms: list[Event] = field(default_factory=list)
    split: str = ""
    gold_events: list[dict] = field(default_factory=list)
    predicted_events: list[Event] = field(default_factory=list)


def period_of(day: date) -> str:
    return next(label for last, label in PERIODS if day.year <= last)


def _scores(gold: int, predicted: int, matched: int) -> dict[str, float]:
    precision = matched / predicted if predicted else 0.0
    recall = matched / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "gold_events": gold, "predicted_events": predicted, "matched_events": matched}


@dataclass
class Report:
    files: list[FileResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def subset(self, split: str | None) -> list[FileResult]:
        return [f for f in self.files if split is None or f.split == split]

    def figures(self, split: str | None = None) -> dict[str, float]:
        files = self.subset(split)
        pairs = [p for f in files for p in f.matched]
        out = _scores(sum(f.gold for f in files), sum(f.predicted for f in files), len(pairs))
        for name in FIELDS:
            out[name] = sum(field_agrees(g, e, name) for g, e in pairs) / len(pairs) if pairs else 0.0
        coded = [(g, e) for g, e in pairs if gold_pcode(g)]
        out[PLACE_FIELD] = sum(pcode_agrees(g, e) for g, e in coded) / len(coded) if coded else 0.0
        out["place_pcode_pairs"] = len(coded)
        resolution = place_resolution(files)
        out["places_resolved"] = resolution["share"]
        out["gold_places"] = resolution["places"]
        return out

    def breakdown(self, key: str, split: str | None = None) -> dict[str, dict[str, float]]:
        """P/R/F1 by ``period`` (of the event date) or ``event_type``."""
        of: Callable[[Any], str] = ((lambda d: period_of(_day(d))) if key == "period" else str)
        groups: dict[str, list[int]] = {}
        for f in self.subset(split):
            for g in f.gold_events:
                groups.setdefault(of(g.get("event_date") if key == "period" else g.get(key)), [0, 0, 0])[0] += 1
            for e in f.predicted_events:
                groups.setdefault(of(e.event_date if key == "period" else getattr(e, key)), [0, 0, 0])[1] += 1
            for g, _e in f.matched:
                groups[of(g.get("event_date") if key == "period" else g.get(key))][2] += 1
        return {name: _scores(*counts) for name, counts in sorted(groups.items())}


# --- loading ---------------------------------------------------------------------------------


def _root_for(gold_dir: Path, relative: str) -> Path:
    for base in (gold_dir.parent.parent, gold_dir.parent, Path.cwd()):
        if (base / relative).exists():
            return base / relative
    return gold_dir.parent.parent / relative


def _published(value: Any) -> datetime | None:
    if value is None:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _article(data: dict, gold_dir: Path) -> Article | None:
    if "article" in data:
        src = yaml.safe_load(_root_for(gold_dir, data["article"]).read_text(encoding="utf-8"))
        outlet = Path(data["article"]).parent.name
        return Article(text=src["body"], published=_published(src.get("published")), outlet=outlet,
                       title=src.get("title", ""))
    if "text" in data:
        path = _root_for(gold_dir, data["text"])
        if not path.exists():
            return None  # ../shared absent
        return Article(text=path.read_text(encoding="utf-8"), published=_published(data.get("published")),
                       outlet=data.get("outlet", ""), title=data.get("title", ""))
    return Article(text=data["body"], published=_published(data.get("published")), outlet=data.get("outlet", ""),
                   title=data.get("title", ""))


def default_texts_dir() -> Path:
    """Where the real-text excerpts are fetched to (tests/realtext/README.md)."""
    return settings.state_dir() / "realtext"


def is_realtext(gold_dir: Path) -> bool:
    return (gold_dir / CASES_DIR).is_dir()


def _case_article(data: dict, texts: Path) -> Article | None:
    path = texts / f"{data.get('id')}.txt"
    if not path.exists():
        return None
    return Article(text=path.read_text(encoding="utf-8"), published=_published(data.get("published")),
                   outlet=str(data.get("outlet", "")), url=str(data.get("url", "")))


def _yaml(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise BadInput(f"cannot read gold file {path}: {err}") from err


def load_gold(gold_dir: Path, texts: Path | None = None) -> tuple[list[GoldFile], list[str]]:
    """Gold files of ``gold_dir`` and the names skipped (../shared absent, excerpt not fetched)."""
    if not gold_dir.is_dir():
        raise BadInput(f"not a directory: {gold_dir}")
    realtext = is_realtext(gold_dir)
    paths = sorted((gold_dir / CASES_DIR if realtext else gold_dir).glob("*.yaml"))
    files, skipped = [], []
    for path in paths:
        if path.name == "floors.yaml":
            continue
        data = _yaml(path)
        article = _case_article(data, texts or default_texts_dir()) if realtext else _article(data, gold_dir)
        if article is None:
            skipped.append(path.name)
            continue
        files.append(GoldFile(path, article, data.get("events") or [], str(data.get("split", ""))))
    return files, skipped


# --- matching --------------------------------------------------------------------------------


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def same_place(gold: dict, event: Event) -> bool:
    g, p = normalize(str(gold.get("location_ar", ""))), normalize(event.location_ar or "")
    if g and p and (g == p or g in p or p in g):
        return True
    pcode = gold.get("location_pcode")
    return bool(pcode and pcode == event.location_pcode)


def matches(gold: dict, event: Event, date_slack: int = 0) -> bool:
    return (gold.get("admin1") == event.admin1 and gold.get("event_type") == event.event_type
            and abs((_day(gold.get("event_date")) - event.event_date).days) <= date_slack
            and same_place(gold, event))


def field_agrees(gold: dict, event: Event, name: str) -> bool:
    expected = gold.get(name)
    if name in ("fatalities", "geo_precision"):
        return int(expected or 0) == int(getattr(event, name) or 0)
    if name == "event_date":
        return _day(expected) == event.event_date
    return str(expected or "") == str(getattr(event, name) or "")


def gold_pcode(gold: dict) -> str:
    """The most specific P-code a gold event carries: its OCHA community, else its sub-district."""
    return str(gold.get("location_pcode") or gold.get("admin3_pcode") or "")


def pcode_agrees(gold: dict, event: Event) -> bool:
    """The event is placed at the gold P-code (a community) or in the gold sub-district."""
    if gold.get("admin1") != event.admin1:
        return False
    if gold.get("location_pcode"):
        return gold["location_pcode"] == event.location_pcode
    return bool(gold.get("admin3_pcode")) and gold["admin3_pcode"] == event.admin3_pcode


def place_resolution(files: Iterable[FileResult]) -> dict[str, float]:
    """Share of the gold places (one per article and P-code) that some event of the same article
    puts at the right governorate and P-code, whatever its type or date."""
    places = resolved = 0
    for f in files:
        seen: dict[str, dict] = {}
        for g in f.gold_events:
            if gold_pcode(g):
                seen.setdefault(gold_pcode(g), g)
        places += len(seen)
        resolved += sum(any(pcode_agrees(g, e) for e in f.predicted_events) for g in seen.values())
    return {"places": places, "resolved": resolved, "share": resolved / places if places else 0.0}


def match_events(gold: list[dict], predicted: list[Event], date_slack: int = 0,
                 ) -> tuple[list[tuple[dict, Event]], list[dict], list[Event]]:
    """Greedy one-to-one matching, best-scoring pairs first -> (pairs, misses, false alarms)."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            if matches(g, p, date_slack):
                score = sum(field_agrees(g, p, name) for name in FIELDS) + pcode_agrees(g, p)
                candidates.append((-score, gi, pi))
    used_g, used_p, pairs = set(), set(), []
    for _score, gi, pi in sorted(candidates):
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gold[gi], predicted[pi]))
    misses = [g for i, g in enumerate(gold) if i not in used_g]
    alarms = [p for i, p in enumerate(predicted) if i not in used_p]
    return pairs, misses, alarms


def evaluate(gold_dir: Path, extractor: str = "rules", *, texts: Path | None = None,
             date_slack: int | None = None) -> Report:
    """Score ``extractor`` on a gold folder (tests/gold or a real-text set)."""
    ext = get_extractor(extractor)
    files, skipped = load_gold(gold_dir, texts)
    slack = date_slack if date_slack is not None else (REALTEXT_DATE_SLACK if is_realtext(gold_dir) else 0)
    report = Report(skipped=skipped)
    for gf in files:
        events = ext.extract(gf.article).events
        pairs, misses, alarms = match_events(gf.events, events, slack)
        report.files.append(FileResult(gf.path.name, len(gf.events), len(events), pairs, misses, alarms,
                                       gf.split, gf.events, events))
    return report


def below_floors(figures: dict[str, float], floors: dict[str, float]) -> list[str]:
    """Names of figures under their floor ("recall 0.81 < 0.85")."""
    return [f"{k} {figures[k]:.3f} < {v}" for k, v in floors.items() if k in figures and figures[k] < float(v)]


def load_floors(path: Path) -> dict[str, float]:
    if not path.exists():
        raise BadInput(f"floors file not found: {path}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    floors = data.get("floors", data)
    unknown = set(floors) - set(FLOOR_KEYS)
    if unknown:
        raise BadInput(f"unknown floor names in {path}: {', '.join(sorted(unknown))}")
    return {k: float(v) for k, v in floors.items()}

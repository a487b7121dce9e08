"""Evaluate an extractor against the hand-coded gold set (tests/gold/*.yaml).

Matching (per article): a predicted and a gold event match when admin1, event_type and
event_date agree and the place agrees (normalised location_ar equal, the same location P-code,
or one name contains the other). Among candidate pairs, the best-scoring pair is taken first
(greedy, one-to-one); the score counts agreeing fields (sub-event type, actors, fatalities,
geo_precision). Reported: event-level precision, recall and F1, and the accuracy of actor1,
actor2, fatalities and geo_precision (and sub_event_type) on matched pairs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from etl.arabic import normalize
from etl.errors import BadInput
from etl.events.base import get_extractor
from etl.events.model import Article, Event

LOGGER = logging.getLogger(__name__)

FIELDS = ("actor1", "actor2", "fatalities", "geo_precision", "sub_event_type")
FLOOR_KEYS = ("precision", "recall", "f1", *FIELDS)


@dataclass
class GoldFile:
    path: Path
    article: Article
    events: list[dict[str, Any]]


@dataclass
class FileResult:
    name: str
    gold: int
    predicted: int
    matched: list[tuple[dict, Event]] = field(default_factory=list)
    misses: list[dict] = field(default_factory=list)
    false_alarms: list[Event] = field(default_factory=list)


@dataclass
class Report:
    files: list[FileResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        gold = sum(f.gold for f in self.files)
        pred = sum(f.predicted for f in self.files)
        pairs = [p for f in self.files for p in f.matched]
        precision = len(pairs) / pred if pred else 0.0
        recall = len(pairs) / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out = {"precision": precision, "recall": recall, "f1": f1}
        for name in FIELDS:
            out[name] = sum(field_agrees(g, e, name) for g, e in pairs) / len(pairs) if pairs else 0.0
        out.update({"gold_events": gold, "predicted_events": pred, "matched_events": len(pairs)})
        return out


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


def load_gold(gold_dir: Path) -> tuple[list[GoldFile], list[str]]:
    """Gold files of ``gold_dir`` (floors.yaml excluded) and the names skipped (../shared absent)."""
    if not gold_dir.is_dir():
        raise BadInput(f"not a directory: {gold_dir}")
    files, skipped = [], []
    for path in sorted(gold_dir.glob("*.yaml")):
        if path.name == "floors.yaml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        article = _article(data, gold_dir)
        if article is None:
            skipped.append(path.name)
            continue
        files.append(GoldFile(path, article, data.get("events") or []))
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


def matches(gold: dict, event: Event) -> bool:
    return (gold.get("admin1") == event.admin1 and gold.get("event_type") == event.event_type
            and _day(gold.get("event_date")) == event.event_date and same_place(gold, event))


def field_agrees(gold: dict, event: Event, name: str) -> bool:
    expected = gold.get(name)
    if name in ("fatalities", "geo_precision"):
        return int(expected or 0) == int(getattr(event, name) or 0)
    return str(expected or "") == str(getattr(event, name) or "")


def match_events(gold: list[dict], predicted: list[Event]) -> tuple[list[tuple[dict, Event]], list[dict], list[Event]]:
    """Greedy one-to-one matching, best-scoring pairs first -> (pairs, misses, false alarms)."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            if matches(g, p):
                score = sum(field_agrees(g, p, name) for name in FIELDS)
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


def evaluate(gold_dir: Path, extractor: str = "rules") -> Report:
    ext = get_extractor(extractor)
    files, skipped = load_gold(gold_dir)
    report = Report(skipped=skipped)
    for gf in files:
        events = ext.extract(gf.article).events
        pairs, misses, alarms = match_events(gf.events, events)
        report.files.append(FileResult(gf.path.name, len(gf.events), len(events), pairs, misses, alarms))
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

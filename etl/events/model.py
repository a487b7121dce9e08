"""The event record shared by extractors, the loader, the CLI and the evaluator.

Fields follow ACLED's export columns (../shared/docs/ACLED_CODING.md) plus P-codes, the
Arabic place name, evidence and provenance.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from etl.arabic import normalize

DISORDER_TYPES = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
CIVILIANS_TARGETED = "Civilians targeted"


@dataclass(frozen=True)
class Article:
    """What an extractor reads: a cleaned article."""

    text: str  # body (title excluded)
    published: datetime | None  # timezone-aware publication time
    outlet: str = ""  # slug, e.g. "orient"
    title: str = ""
    article_id: int | None = None
    url: str = ""
    source_name: str = ""  # outlet display name for ACLED's `source` column


@dataclass(frozen=True)
class Evidence:
    sentence_index: int
    sentence: str


@dataclass
class Event:
    event_date: date
    time_precision: int
    event_type: str
    sub_event_type: str
    actor1: str
    inter1: int
    actor2: str = ""
    inter2: int | None = None
    assoc_actor_1: str = ""
    assoc_actor_2: str = ""
    civilian_targeting: str = ""
    admin1: str = ""
    admin1_pcode: str = ""
    admin2: str = ""
    admin2_pcode: str = ""
    admin3: str = ""
    admin3_pcode: str = ""
    location: str = ""
    location_ar: str = ""
    location_pcode: str = ""
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int = 3
    fatalities: int = 0
    source: str = ""
    notes: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5
    extractor: str = ""
    extractor_version: str = ""
    place_resolved: bool = True  # False: location_ar is not in the gazetteer (unresolved queue)

    @property
    def disorder_type(self) -> str:
        return DISORDER_TYPES[self.event_type]

    @property
    def interaction(self) -> int:
        """ACLED interaction: both inter codes, smaller first (10 * inter1 when no actor2)."""
        if not self.inter2:
            return self.inter1 * 10
        low, high = sorted((self.inter1, self.inter2))
        return low * 10 + high

    def place_key(self) -> str:
        """The place's identity: its P-code when resolved, else the normalised name as written
        (two unresolved villages in one subdistrict must not collapse onto its P-code)."""
        if self.place_resolved and self.location_pcode:
            return self.location_pcode
        return "ar:" + normalize(self.location_ar or self.admin1)

    def key(self) -> str:
        """Identity of the event within its article: day, type, place and actor pair."""
        return "|".join([self.event_date.isoformat(), self.event_type, self.sub_event_type,
                         self.place_key(), self.actor1, self.actor2])

    def merge_key(self) -> str:
        """Identity across reports (ACLED: same day, place, type and actors), actor order ignored."""
        actors = "+".join(sorted(a for a in (self.actor1, self.actor2) if a))
        return "|".join([self.event_date.isoformat(), self.event_type, self.place_key(), actors])

    def event_id(self, article_key: str) -> str:
        """Stable id: the same article (canonical URL) and the same event give the same id."""
        digest = hashlib.sha1(f"{article_key}#{self.key()}".encode()).hexdigest()[:16]
        return f"SYR-{digest}"

    def to_json(self) -> dict[str, Any]:
        """The `hadath extract` output record (one JSON object per event)."""
        out = asdict(self)
        out["event_date"] = self.event_date.isoformat()
        out["disorder_type"] = self.disorder_type
        out["interaction"] = self.interaction
        out["evidence"] = [e.sentence for e in self.evidence]
        out.pop("place_resolved")
        out["place_resolved"] = self.place_resolved
        return out

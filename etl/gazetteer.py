"""Gazetteer loading and lookup: admin1-3 units and finer places, matched on normalised Arabic names.

Data: ``etl/data/gazetteer/admin.csv`` and ``places.csv`` (built by ``tools/build_gazetteer.py``).
``Gazetteer.load()`` is cached; ``lookup(name, admin1_pcode)`` returns the places whose name or
alias normalises to ``normalize(name)``, best first (own coordinates before admin units, the given
governorate before others).
"""

from __future__ import annotations

import csv
import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from etl.arabic import normalize
from etl.errors import HadathError

LOGGER = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data" / "gazetteer"
ALIAS_SEP = "|"
# Syria's bounding box (degrees): every shipped coordinate lies inside it.
SYRIA_BBOX = (32.3, 35.6, 37.4, 42.4)  # (min_lat, min_lon, max_lat, max_lon)
ADMIN_KINDS = {1: "admin1", 2: "admin2", 3: "admin3"}
COORD_ADMIN3_CENTROID = "admin3_centroid"
# Alias prefixes (normalised) dropped from the index: the resolver reads them as cue words instead.
DROPPED_ALIAS_PREFIXES = ("مدينه ", "ناحيه ", "محافظه ")
# Lookup order among namesakes (lower first): a placed point beats an admin unit, which beats
# an OCHA community that only has its admin3 centroid.
KIND_RANK = {
    "city": 0, "town": 0, "village": 0, "neighbourhood": 0, "camp": 0, "facility": 0,
    "region": 1, "road": 1, "admin1": 2, "admin2": 3, "admin3": 4, "community": 5,
}


class GazetteerError(HadathError):
    """The shipped gazetteer files are missing or malformed."""


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry: an admin unit (level 1-3) or a finer place (level 4)."""

    pcode: str
    level: int
    kind: str
    name_en: str
    name_ar: str
    admin1_pcode: str
    admin1: str
    admin2_pcode: str = ""
    admin2: str = ""
    admin3_pcode: str = ""
    admin3: str = ""
    lat: float | None = None
    lon: float | None = None
    coord_source: str = ""
    source: str = ""
    aliases_ar: tuple[str, ...] = ()
    precision_note: str = ""
    capital: bool = False

    @property
    def is_admin(self) -> bool:
        """True for governorates, districts and sub-districts."""
        return self.level <= 3

    @property
    def has_own_point(self) -> bool:
        """True when the coordinates locate the place itself (not an area centroid)."""
        return not self.is_admin and self.coord_source != COORD_ADMIN3_CENTROID

    def names(self) -> tuple[str, ...]:
        """Arabic name and aliases."""
        return (self.name_ar, *self.aliases_ar)


def in_syria(lat: float | None, lon: float | None) -> bool:
    """True when the point lies inside SYRIA_BBOX."""
    if lat is None or lon is None:
        return False
    min_lat, min_lon, max_lat, max_lon = SYRIA_BBOX
    return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon


def _float(value: str) -> float | None:
    return float(value) if value else None


def _aliases(value: str) -> tuple[str, ...]:
    return tuple(a for a in value.split(ALIAS_SEP) if a)


def _read(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except OSError as err:
        raise GazetteerError(f"cannot read gazetteer file {path}: {err.strerror}") from err


@dataclass
class Gazetteer:
    """All places, indexed by normalised Arabic name (and by pcode)."""

    places: list[Place]
    by_pcode: dict[str, Place] = field(default_factory=dict)
    index: dict[str, list[Place]] = field(default_factory=dict)
    capitals: dict[str, Place] = field(default_factory=dict)
    joinable_prefixes: tuple[str, ...] = ("كفر",)
    first_words: set[str] = field(default_factory=set)  # first word of every indexed name (fast reject)

    def __post_init__(self) -> None:
        for place in self.places:
            self.by_pcode[place.pcode] = place
            if place.capital:
                self.capitals[place.admin1_pcode] = place
            for key in self._keys(place):
                self.index.setdefault(key, []).append(place)
        for key, entries in self.index.items():
            self.index[key] = sorted(set(entries), key=_rank_key)
            self.first_words.add(key.split(" ", 1)[0])

    def _keys(self, place: Place) -> set[str]:
        keys = set()
        for name in place.names():
            key = normalize(name)
            if not key or key.startswith(DROPPED_ALIAS_PREFIXES):
                continue
            keys.add(key)
            keys.update(_join_variants(key, self.joinable_prefixes))
        return keys

    @classmethod
    def load(cls, path: Path | str | None = None) -> Gazetteer:
        """The gazetteer shipped in ``path`` (default etl/data/gazetteer), loaded once per path."""
        return _load_cached(str(Path(path) if path else DATA_DIR))

    @functools.cached_property
    def max_name_tokens(self) -> int:
        """Longest indexed name in tokens."""
        return max((key.count(" ") + 1 for key in self.index), default=1)

    def lookup(self, name_ar: str, admin1_pcode: str | None = None) -> list[Place]:
        """Places named ``name_ar`` (name or alias, normalised), best first.

        With ``admin1_pcode`` the places of that governorate come first (namesakes elsewhere
        follow), so ``lookup(x, ctx)[0]`` is the best reading of ``x`` in that context.
        """
        return self.lookup_key(normalize(name_ar), admin1_pcode)

    def lookup_key(self, key: str, admin1_pcode: str | None = None) -> list[Place]:
        """Like ``lookup`` for an already normalised name."""
        found = self.index.get(key, [])
        if admin1_pcode and len(found) > 1:
            return sorted(found, key=lambda p: p.admin1_pcode != admin1_pcode)
        return list(found)

    def admin1_by_name(self, name: str) -> Place | None:
        """A governorate by English name ("Dar'a", "Idleb") or Arabic name/alias ("درعا")."""
        for place in self.admin_units(1):
            if name.casefold() == place.name_en.casefold():
                return place
        return next((p for p in self.lookup(name) if p.level == 1), None)

    def admin1_by_pcode(self, pcode: str) -> Place | None:
        """A governorate by pcode (SY01..SY14)."""
        place = self.by_pcode.get(pcode)
        return place if place and place.level == 1 else None

    def admin_units(self, level: int) -> list[Place]:
        """All admin units of one level, in pcode order."""
        return [p for p in self.places if p.level == level]

    def capital_of(self, admin1_pcode: str) -> Place | None:
        """The provincial capital that stands in for a governorate (ACLED geo_precision 3)."""
        return self.capitals.get(admin1_pcode)

    def get(self, pcode: str) -> Place | None:
        """A place by pcode or id."""
        return self.by_pcode.get(pcode)


def _rank_key(place: Place) -> tuple[int, int, str]:
    return (KIND_RANK.get(place.kind, 9), 0 if place.capital else 1, place.pcode)


def _join_variants(key: str, prefixes: Iterable[str]) -> set[str]:
    """"كفر نبل" <-> "كفرنبل" for the joinable prefixes."""
    out = set()
    for prefix in prefixes:
        prefix = normalize(prefix)
        if key.startswith(prefix + " "):
            out.add(prefix + key[len(prefix) + 1 :])
        elif key.startswith(prefix) and len(key) > len(prefix) + 2 and " " not in key:
            out.add(prefix + " " + key[len(prefix) :])
    return out


def _admin_place(row: dict[str, str], names: dict[str, str]) -> Place:
    level = int(row["level"])
    return Place(
        pcode=row["pcode"], level=level, kind=ADMIN_KINDS[level], name_en=row["name_en"],
        name_ar=row["name_ar"], admin1_pcode=row["admin1_pcode"], admin1=names[row["admin1_pcode"]],
        admin2_pcode=row["admin2_pcode"], admin2=names.get(row["admin2_pcode"], ""),
        admin3_pcode=row["pcode"] if level == 3 else "", admin3=row["name_en"] if level == 3 else "",
        lat=_float(row["lat"]), lon=_float(row["lon"]), coord_source=row["coord_source"],
        source=row["source"], aliases_ar=_aliases(row["aliases_ar"]),
    )


def _finer_place(row: dict[str, str], names: dict[str, str]) -> Place:
    return Place(
        pcode=row["id"], level=4, kind=row["kind"], name_en=row["name_en"], name_ar=row["name_ar"],
        admin1_pcode=row["admin1_pcode"], admin1=names[row["admin1_pcode"]],
        admin2_pcode=row["admin2_pcode"], admin2=names[row["admin2_pcode"]],
        admin3_pcode=row["admin3_pcode"], admin3=names[row["admin3_pcode"]],
        lat=_float(row["lat"]), lon=_float(row["lon"]), coord_source=row["coord_source"],
        source=row["source"], aliases_ar=_aliases(row["aliases_ar"]),
        precision_note=row["precision_note"], capital=row["capital"] == "1",
    )


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> Gazetteer:
    folder = Path(path)
    admin_rows = _read(folder / "admin.csv")
    names = {row["pcode"]: row["name_en"] for row in admin_rows}
    try:
        places = [_admin_place(r, names) for r in admin_rows]
        places += [_finer_place(r, names) for r in _read(folder / "places.csv")]
    except (KeyError, ValueError) as err:
        raise GazetteerError(f"malformed gazetteer in {folder}: {err}") from err
    LOGGER.debug("gazetteer: %d places from %s", len(places), folder)
    return Gazetteer(places)

"""The gazetteer index: places by normalised Arabic name and by P-code, namesakes ranked.

``Gazetteer.load()`` is cached per folder; ``lookup(name, admin1_pcode)`` returns the places whose
name or alias normalises to ``normalize(name)``, best first (own points before admin units, the
given governorate before others). ``common_tier(key)`` tells whether a name is also a frequent
Arabic word (``common_names.csv``: the resolver then needs a cue). ``contains`` and
``distance_km`` answer "is X inside Y / how far apart" for resolution in context and for merging
the mentions of one incident.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from etl.arabic import normalize
from etl.geo.sources import (
    DATA_DIR,
    INSIDE_KINDS,
    Place,
    distance_km,
    read_common_names,
    read_places,
)

LOGGER = logging.getLogger(__name__)

# Alias prefixes (normalised) dropped from the index: the resolver reads them as cue words instead.
DROPPED_ALIAS_PREFIXES = ("مدينه ", "ناحيه ", "محافظه ")
# Lookup order among namesakes (lower first): a place placed by the editors beats an OCHA
# community, which beats a GeoNames-only locality, an admin unit, and a community without a point.
KIND_RANK = {
    "city": 0, "town": 0, "village": 0, "neighbourhood": 0, "camp": 0, "facility": 0, "square": 0,
    "region": 1, "road": 1, "community": 2, "locality": 3, "admin1": 4, "admin2": 5, "admin3": 6,
}
NEAR_KM = 10.0  # "a nearby place": within this distance of another place named in the article


@dataclass
class Gazetteer:
    """All places, indexed by normalised Arabic name (and by pcode)."""

    places: list[Place]
    common: dict[str, int] = field(default_factory=dict)
    by_pcode: dict[str, Place] = field(default_factory=dict)
    index: dict[str, list[Place]] = field(default_factory=dict)
    capitals: dict[str, Place] = field(default_factory=dict)
    joinable_prefixes: tuple[str, ...] = ("كفر",)
    # first word of every indexed name -> the lengths (in words) of the names it starts: a fast
    # reject, and only those lengths are tried
    first_words: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        keys = _normalized_names(self.places)
        for place, names in zip(self.places, keys, strict=True):
            self.by_pcode[place.pcode] = place
            if place.capital:
                self.capitals[place.admin1_pcode] = place
            for key in self._keys(names):
                self.index.setdefault(key, []).append(place)
        lengths: dict[str, set[int]] = {}
        for key, entries in self.index.items():
            if len(entries) > 1:
                entries.sort(key=_rank_key)
            lengths.setdefault(key.split(" ", 1)[0], set()).add(key.count(" ") + 1)
        self.first_words = {word: tuple(sorted(n)) for word, n in lengths.items()}

    def _keys(self, names: list[str]) -> set[str]:
        keys = set()
        prefixes = _normalized_prefixes(self.joinable_prefixes)
        for key in names:
            if not key or key.startswith(DROPPED_ALIAS_PREFIXES):
                continue
            keys.add(key)
            if key.startswith(prefixes):
                keys.update(_join_variants(key, prefixes))
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

    def common_tier(self, key: str) -> int:
        """0 for an ordinary name, 1 for a common Arabic word, 2 for a very common one."""
        return self.common.get(key, 0)

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

    def parent(self, place: Place) -> Place | None:
        """The settlement a neighbourhood, facility, camp or square belongs to (else None)."""
        return self.by_pcode.get(place.parent_id) if place.parent_id else None

    def contains(self, outer: Place, inner: Place) -> bool:
        """True when ``inner`` lies in ``outer``: an admin unit and its places, or a settlement and
        its neighbourhoods / facilities (``parent_id``), or the same place."""
        if outer.pcode == inner.pcode:
            return True
        if outer.is_admin:
            codes = {1: inner.admin1_pcode, 2: inner.admin2_pcode, 3: inner.admin3_pcode}
            return codes[outer.level] == outer.pcode and inner.level > outer.level
        return inner.kind in INSIDE_KINDS and inner.parent_id == outer.pcode

    def near(self, a: Place, b: Place, km: float = NEAR_KM) -> bool:
        """True when two places are the same, one contains the other, or they lie within ``km``."""
        if self.contains(a, b) or self.contains(b, a):
            return True
        if a.is_admin or b.is_admin:
            return False
        dist = distance_km(a, b)
        return dist is not None and dist <= km


NAME_SEP = "|"  # never in a name (the alias separator) and left alone by normalize()
PLACE_SEP = "§"  # never in a name, left alone by normalize()


def _normalized_names(places: list[Place]) -> list[list[str]]:
    """Normalised names of every place, computed with ONE normalize() call over all of them
    (per-name calls were two thirds of the load time)."""
    blob = PLACE_SEP.join(NAME_SEP.join(p.names()) for p in places)
    return [[n.strip() for n in chunk.split(NAME_SEP)] for chunk in normalize(blob).split(PLACE_SEP)]


def _rank_key(place: Place) -> tuple[int, int, str]:
    return (KIND_RANK.get(place.kind, 9), 0 if place.capital else 1, place.pcode)


@functools.lru_cache(maxsize=8)
def _normalized_prefixes(prefixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(normalize(p) for p in prefixes)


def _join_variants(key: str, prefixes: Iterable[str]) -> set[str]:
    """"كفر نبل" <-> "كفرنبل" for the (normalised) joinable prefixes."""
    out = set()
    for prefix in prefixes:
        if key.startswith(prefix + " "):
            out.add(prefix + key[len(prefix) + 1 :])
        elif key.startswith(prefix) and len(key) > len(prefix) + 2 and " " not in key:
            out.add(prefix + " " + key[len(prefix) :])
    return out


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> Gazetteer:
    folder = Path(path)
    places = read_places(folder)
    gaz = Gazetteer(places, common=read_common_names(folder))
    LOGGER.debug("gazetteer: %d places, %d common-word names from %s", len(places), len(gaz.common), folder)
    return gaz

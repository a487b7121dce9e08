"""The shipped gazetteer files: ``Place`` records read from ``etl/data/gazetteer/``.

Files (built by ``tools/build_gazetteer.py`` from the shared OCHA / Who's On First sources and the
hand-curated ``extensions.csv``; formats in ``etl/data/gazetteer/README.md``):

- ``admin.csv``: governorates, districts and sub-districts (levels 1-3);
- ``places.csv``: communities, localities, neighbourhoods, facilities... (level 4);
- ``common_names.csv``: normalised names that are also frequent Arabic words (``tier`` 1 or 2),
  which the resolver accepts only with a cue (``etl.geo.resolve``).

The runtime reads only these files (no build-time dependency such as wordfreq).
"""

from __future__ import annotations

import csv
import logging
import math
from pathlib import Path
from typing import NamedTuple

from etl.errors import HadathError

LOGGER = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteer"
ALIAS_SEP = "|"
# Syria's bounding box (degrees): every shipped coordinate lies inside it.
SYRIA_BBOX = (32.3, 35.6, 37.4, 42.4)  # (min_lat, min_lon, max_lat, max_lon)
ADMIN_KINDS = {1: "admin1", 2: "admin2", 3: "admin3"}
COORD_ADMIN3_CENTROID = "admin3_centroid"
EARTH_RADIUS_KM = 6371.0
# Kinds placed inside a city or town: they resolve to their parent settlement for containment.
INSIDE_KINDS = frozenset({"neighbourhood", "facility", "camp", "square"})


class GazetteerError(HadathError):
    """The shipped gazetteer files are missing or malformed."""


class Place(NamedTuple):
    """One gazetteer entry: an admin unit (level 1-3) or a finer place (level 4). Immutable; a
    NamedTuple rather than a frozen dataclass because it is built ~14,000 times at every load
    (a frozen dataclass sets each field through object.__setattr__)."""

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
    category: str = ""  # facilities: airport, airbase, base, dam, bridge, prison, crossing, ...
    parent_id: str = ""  # neighbourhoods, facilities, camps, squares: the settlement they belong to

    @property
    def is_admin(self) -> bool:
        """True for governorates, districts and sub-districts."""
        return self.level <= 3

    @property
    def has_own_point(self) -> bool:
        """True when the coordinates locate the place itself (not an area centroid)."""
        return not self.is_admin and self.coord_source != COORD_ADMIN3_CENTROID and self.lat is not None

    def names(self) -> tuple[str, ...]:
        """Arabic name and aliases."""
        return (self.name_ar, *self.aliases_ar)


def in_syria(lat: float | None, lon: float | None) -> bool:
    """True when the point lies inside SYRIA_BBOX."""
    if lat is None or lon is None:
        return False
    min_lat, min_lon, max_lat, max_lon = SYRIA_BBOX
    return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon


def distance_km(a: Place, b: Place) -> float | None:
    """Great-circle distance between two places' points, None when one has no point."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _float(value: str) -> float | None:
    return float(value) if value else None


def _aliases(value: str) -> tuple[str, ...]:
    return tuple(a for a in value.split(ALIAS_SEP) if a)


def read_rows(path: Path) -> list[dict[str, str]]:
    """All rows of one gazetteer CSV file; GazetteerError when it cannot be read."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except OSError as err:
        raise GazetteerError(f"cannot read gazetteer file {path}: {err.strerror}") from err


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


def _finer_places(rows: list[list[str]], header: list[str], names: dict[str, str]) -> list[Place]:
    """Level-4 places from raw CSV rows (positional access: ~2x faster than DictReader)."""
    col = {name: i for i, name in enumerate(header)}
    c = [col[n] for n in ("id", "kind", "name_en", "name_ar", "admin1_pcode", "admin2_pcode", "admin3_pcode",
                          "lat", "lon", "coord_source", "source", "aliases_ar", "precision_note", "capital")]
    extra = [col.get("category"), col.get("parent_id")]
    out = []
    for r in rows:
        out.append(Place(
            r[c[0]], 4, r[c[1]], r[c[2]], r[c[3]], r[c[4]], names[r[c[4]]], r[c[5]], names[r[c[5]]], r[c[6]],
            names[r[c[6]]], float(r[c[7]]) if r[c[7]] else None, float(r[c[8]]) if r[c[8]] else None, r[c[9]],
            r[c[10]], tuple(r[c[11]].split(ALIAS_SEP)) if r[c[11]] else (), r[c[12]], r[c[13]] == "1",
            r[extra[0]] if extra[0] is not None else "", r[extra[1]] if extra[1] is not None else "",
        ))
    return out


def _raw_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            return header, list(reader)
    except OSError as err:
        raise GazetteerError(f"cannot read gazetteer file {path}: {err.strerror}") from err


def read_places(folder: Path) -> list[Place]:
    """Admin units, then finer places, as shipped in ``folder``."""
    admin_rows = read_rows(folder / "admin.csv")
    names = {row["pcode"]: row["name_en"] for row in admin_rows}
    try:
        places = [_admin_place(r, names) for r in admin_rows]
        header, rows = _raw_rows(folder / "places.csv")
        places += _finer_places(rows, header, names)
    except (KeyError, ValueError, IndexError) as err:
        raise GazetteerError(f"malformed gazetteer in {folder}: {err}") from err
    return places


def read_common_names(folder: Path) -> dict[str, int]:
    """Normalised names that are frequent Arabic words -> tier (1 common, 2 very common)."""
    path = folder / "common_names.csv"
    if not path.exists():
        return {}
    try:
        return {row["name"]: int(row["tier"]) for row in read_rows(path)}
    except (KeyError, ValueError) as err:
        raise GazetteerError(f"malformed {path}: {err}") from err

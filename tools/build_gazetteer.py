"""Build the shipped gazetteer (etl/data/gazetteer/) from the shared sources.

Inputs (read-only; see the source folder's README.txt for provenance and licences):
  syria_admin_levels_1to3.csv        OCHA COD admin1-3 names and P-codes (whole country)
  opensyria_admin_flat_derived.csv   Open-Syria admin1-3 centroids and Arabic aliases (CC BY 4.0)
  ocha_syr_communities.csv           7,693 OCHA communities: C-codes, admin1-3 P-codes, points (CC BY 3.0 IGO)
  syria_admin4_communities.csv       OCHA admin4 list (Aleppo): the few C-codes the file above lacks
  wof_syr_localities.csv             10,599 Who's On First / GeoNames localities: points, no P-codes
and the hand-curated etl/data/gazetteer/extensions.csv (source=hadath-editors).

Outputs: admin.csv, places.csv and common_names.csv (names that are frequent Arabic words,
measured with the ``wordfreq`` package at build time; the runtime never needs wordfreq).
Deterministic: rows sorted, floats rounded, no timestamps.
Usage: python tools/build_gazetteer.py [SOURCE_DIR] [--out OUT_DIR] [--extensions FILE]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import logging
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from etl.arabic import normalize  # noqa: E402

LOGGER = logging.getLogger(__name__)

DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "gazetteer"
DEFAULT_OUT = REPO / "etl" / "data" / "gazetteer"
EXTENSIONS = DEFAULT_OUT / "extensions.csv"
COORD_DECIMALS = 3  # ~100 m: more than the sources can honestly claim
ALIAS_SEP = "|"
# OCHA's CSV spells Dar'a "Dara"; the project publishes OCHA's usual "Dar'a" (docs/DEVELOPING.md).
ADMIN1_RENAMES = {"SY12": "Dar'a"}
ADMIN_SOURCE = "ocha-cod;open-syria"
OCHA_SOURCE = "ocha-hdx"
WOF_SOURCE = "wof-geonames"
EDITOR_SOURCE = "hadath-editors"
COORD_ADMIN3_CENTROID = "admin3_centroid"
COORD_OPEN_SYRIA = "open-syria"
ID_PREFIX = "HX"  # stable ids for hand-curated places without an OCHA pcode
WOF_PREFIX = "WOF"  # Who's On First localities that match no OCHA community: WOF + wof_id
ID_HASH_CHARS = 10
SETTLEMENT_KINDS = frozenset({"city", "town", "village"})
INSIDE_KINDS = frozenset({"neighbourhood", "facility", "camp", "square"})
PLACE_KINDS = SETTLEMENT_KINDS | INSIDE_KINDS | {"road", "region", "community", "locality"}
# a WOF locality this close to an OCHA community of the same name is that community (GeoNames and
# OCHA put a city's point up to ~5 km apart: "حمص", "حلب")
WOF_MERGE_KM = 6.0
WOF_DUPLICATE_KM = 2.0  # two WOF localities of the same name this close are one place
EXT_MERGE_KM = 6.0  # an editors' settlement this close to an OCHA community of the same name is that community
# ... and one this close in the same sub-district (the editors' points were placed from memory, ±3-5 km)
EXT_MERGE_SAME_ADMIN3_KM = 15.0
PARENT_CITY_KM = 8.0  # a neighbourhood / facility within this distance of a city belongs to it
PARENT_TOWN_KM = 4.0  # ... else to the nearest town or community this close
GRID_DEG = 0.1  # cell size of the nearest-neighbour grid (~10 km)
# wordfreq Zipf frequency (log10 of occurrences per billion words) of a name as an Arabic word:
COMMON_ZIPF = 3.0  # >= this: a common word ("حيان", "عكرمة"): needs a cue, a locative word or a matching context
VERY_COMMON_ZIPF = 4.5  # >= this: a very common word ("مركز", "عين", "القدم"): needs a settlement cue
# wordfreq rates a phrase about as often as its rarest word, so "أبو حمام" would count as common as
# "حمام": names of several words are flagged (tier 1 only) from this higher value (person names
# such as "أبو بكر الصديق", "شيخ أحمد").
COMMON_PHRASE_ZIPF = 4.0
SHORT_NAME_LETTERS = 2  # a name this short ("طي") is treated as very common
# Names frequent because they ARE places (governorates, districts, the editors' cities, and the
# editors' names of several words) are not flagged; the editors' one-word names are ("دمر").
EXEMPT_KINDS = frozenset({"city"})
_ARABIC = re.compile(r"[\u0621-\u064a]")

ADMIN_COLUMNS = [
    "pcode", "level", "name_en", "name_ar", "aliases_ar", "admin1_pcode", "admin2_pcode",
    "parent_pcode", "lat", "lon", "coord_source", "source",
]
PLACE_COLUMNS = [
    "id", "kind", "category", "name_en", "name_ar", "aliases_ar", "admin1_pcode", "admin2_pcode",
    "admin3_pcode", "parent_id", "lat", "lon", "coord_source", "precision_note", "source", "capital",
]
COMMON_COLUMNS = ["name", "zipf", "tier"]


class BuildError(Exception):
    """The sources or the extensions file are inconsistent."""


# --- small helpers ---------------------------------------------------------------------------
def read_csv(path: Path) -> list[dict[str, str]]:
    """All rows of a UTF-8 CSV file as dicts."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def fmt_coord(value: str | float | None) -> str:
    """Round a coordinate to COORD_DECIMALS, '' when missing."""
    if value in (None, ""):
        return ""
    return f"{round(float(value), COORD_DECIMALS):.{COORD_DECIMALS}f}"


def join_aliases(names: Iterable[str], exclude: Iterable[str] = ()) -> str:
    """Unique, sorted aliases (by normalised form), without the excluded names."""
    seen = {normalize(n) for n in exclude}
    out: dict[str, str] = {}
    for name in names:
        name = name.strip()
        key = normalize(name)
        if name and key not in seen and key not in out:
            out[key] = name
    return ALIAS_SEP.join(sorted(out.values()))


def split_aliases(value: str) -> list[str]:
    """Aliases from a '|' or ' | ' separated field."""
    return [a.strip() for a in value.split(ALIAS_SEP) if a.strip()]


def loose_key(name: str) -> str:
    """Comparison key across sources: normalised, without the article, hyphens or spaces."""
    key = normalize(name.replace("-", " "))
    key = " ".join(w[2:] if w.startswith("ال") and len(w) > 4 else w for w in key.split())
    return key.replace(" ", "")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def all_names(row: dict[str, str]) -> list[str]:
    """Arabic name and aliases of a place row."""
    return [row["name_ar"], *split_aliases(row["aliases_ar"])]


class Grid:
    """Rows with a point, bucketed in GRID_DEG cells, for nearest-neighbour queries."""

    def __init__(self, rows: Iterable[dict[str, str]]) -> None:
        self.cells: dict[tuple[int, int], list[dict[str, str]]] = defaultdict(list)
        for row in rows:
            if row["lat"]:
                self.cells[self._cell(float(row["lat"]), float(row["lon"]))].append(row)

    @staticmethod
    def _cell(lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / GRID_DEG), math.floor(lon / GRID_DEG)

    def add(self, row: dict[str, str]) -> None:
        """Index one more row."""
        self.cells[self._cell(float(row["lat"]), float(row["lon"]))].append(row)

    def within(self, lat: float, lon: float, km: float) -> list[tuple[float, dict[str, str]]]:
        """(distance, row) of the rows within ``km``, nearest first (ties by id)."""
        ci, cj = self._cell(lat, lon)
        reach = int(km / (GRID_DEG * 80)) + 1  # a 0.1-degree cell is >= ~8 km wide at Syria's latitudes
        found = []
        for i in range(ci - reach, ci + reach + 1):
            for j in range(cj - reach, cj + reach + 1):
                for row in self.cells.get((i, j), ()):
                    dist = haversine_km(lat, lon, float(row["lat"]), float(row["lon"]))
                    if dist <= km:
                        found.append((dist, row))
        return sorted(found, key=lambda x: (x[0], x[1]["id"]))

    def nearest(self, lat: float, lon: float) -> tuple[float, dict[str, str]]:
        """The nearest row (searching ever wider)."""
        km = 10.0
        while True:
            found = self.within(lat, lon, km)
            if found:
                return found[0]
            km *= 2


# --- admin units -----------------------------------------------------------------------------
def admin_parents(pcode: str, level: int) -> tuple[str, str]:
    """admin1 and admin2 pcodes implied by an OCHA pcode (a unit is its own admin1/admin2)."""
    return pcode[:4], pcode[:6] if level >= 2 else ""


def build_admin(source: Path) -> list[dict[str, str]]:
    """admin.csv rows: OCHA names joined with Open-Syria centroids and aliases by pcode."""
    opensyria = {r["ocha_pcode"]: r for r in read_csv(source / "opensyria_admin_flat_derived.csv")}
    rows = []
    for ocha in read_csv(source / "syria_admin_levels_1to3.csv"):
        pcode, level = ocha["pcode"], int(ocha["level"])
        extra = opensyria.get(pcode)
        if extra is None:
            raise BuildError(f"no Open-Syria record for {pcode}")
        admin1, admin2 = admin_parents(pcode, level)
        aliases = [extra["name_ar"], *split_aliases(extra["aliases_ar"])]
        rows.append({
            "pcode": pcode, "level": str(level),
            "name_en": ADMIN1_RENAMES.get(pcode, ocha["name_en"]) if level == 1 else ocha["name_en"],
            "name_ar": ocha["name_ar"], "aliases_ar": join_aliases(aliases, exclude=[ocha["name_ar"]]),
            "admin1_pcode": admin1, "admin2_pcode": admin2,
            "parent_pcode": "" if level == 1 else ocha["parent_pcode"],
            "lat": fmt_coord(extra["lat"]), "lon": fmt_coord(extra["lon"]),
            "coord_source": COORD_OPEN_SYRIA, "source": ADMIN_SOURCE,
        })
    rows.sort(key=lambda r: (int(r["level"]), r["pcode"]))
    return rows


# --- OCHA communities ------------------------------------------------------------------------
def _place(pid: str, kind: str, name_en: str, name_ar: str, aliases: Iterable[str], admin3: str) -> dict[str, str]:
    return {
        "id": pid, "kind": kind, "category": "", "name_en": name_en, "name_ar": name_ar,
        "aliases_ar": join_aliases(aliases, exclude=[name_ar]), "admin1_pcode": admin3[:4],
        "admin2_pcode": admin3[:6], "admin3_pcode": admin3, "parent_id": "", "lat": "", "lon": "",
        "coord_source": "", "precision_note": "", "source": "", "capital": "",
    }


def community_rows(source: Path, admin: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """OCHA communities keyed by C-code: "_"-joined names split into a name and aliases."""
    out = {}
    for com in read_csv(source / "ocha_syr_communities.csv"):
        names = [n.strip() for n in com["admin4Name_ar"].split("_") if n.strip()]
        local = com["LocationName_ar"].split(" - ")[0].strip()
        row = _place(com["Location_Pcode"], "community", com["admin4Name_en"].strip(), names[0],
                     [*names[1:], *local.split("_")], com["admin3Pcode"])
        if com["admin3Pcode"] not in admin:
            raise BuildError(f"community {row['id']}: unknown admin3 {com['admin3Pcode']}")
        row.update(lat=fmt_coord(com["Latitude_y"]), lon=fmt_coord(com["Longitude_x"]), coord_source=OCHA_SOURCE,
                   precision_note="OCHA community point", source=OCHA_SOURCE)
        out[row["id"]] = row
    for com in read_csv(source / "syria_admin4_communities.csv"):  # Aleppo C-codes missing above
        if com["admin4_pcode"] in out:
            continue
        adm3 = admin[com["admin3_pcode"]]
        row = _place(com["admin4_pcode"], "community", com["admin4_name_en"], com["admin4_name_ar"], [],
                     com["admin3_pcode"])
        row.update(lat=adm3["lat"], lon=adm3["lon"], coord_source=COORD_ADMIN3_CENTROID,
                   precision_note="community without own coordinates: admin3 centroid", source="ocha-cod")
        out[row["id"]] = row
    return out


# --- Who's On First --------------------------------------------------------------------------
def wof_names(row: dict[str, str]) -> list[str]:
    """Arabic-script names of a WOF record (preferred first; romanised ones dropped)."""
    names = split_aliases(row["name_ar_preferred"]) + split_aliases(row["name_ar_variants"])
    return list(dict.fromkeys(n for n in names if _ARABIC.search(n)))


def _same_name(names: list[str], row: dict[str, str]) -> bool:
    keys = {loose_key(n) for n in all_names(row)}
    return any(loose_key(n) in keys for n in names)


def _merge_names(row: dict[str, str], names: Iterable[str]) -> None:
    row["aliases_ar"] = join_aliases([*split_aliases(row["aliases_ar"]), *names], exclude=[row["name_ar"]])


def add_wof(source: Path, places: dict[str, dict[str, str]]) -> tuple[int, int]:
    """Merge WOF localities into the OCHA community of the same name nearby, else add them with the
    admin1-3 of the nearest community. Returns (merged, added)."""
    communities = Grid(r for r in places.values() if r["coord_source"] == OCHA_SOURCE)
    added_grid = Grid(())
    merged = added = 0
    rows = sorted(read_csv(source / "wof_syr_localities.csv"), key=lambda r: int(r["wof_id"]))
    for wof in rows:
        names = wof_names(wof)
        lat, lon = float(wof["lat"]), float(wof["lon"])
        if not names or not _in_bbox(lat, lon):
            continue
        twin = _named_near(communities, lat, lon, WOF_MERGE_KM, names) or \
            _named_near(added_grid, lat, lon, WOF_DUPLICATE_KM, names)
        if twin is not None:
            _merge_names(twin, names)
            if WOF_SOURCE not in twin["source"]:
                twin["source"] += ";" + WOF_SOURCE
            merged += 1
            continue
        row = _wof_place(wof, names, lat, lon, communities)
        places[row["id"]] = row
        added_grid.add(row)
        added += 1
    return merged, added


def _named_near(grid: Grid, lat: float, lon: float, km: float, names: list[str]) -> dict[str, str] | None:
    return next((row for _d, row in grid.within(lat, lon, km) if _same_name(names, row)), None)


def _wof_place(wof: dict[str, str], names: list[str], lat: float, lon: float, communities: Grid) -> dict[str, str]:
    dist, near = communities.nearest(lat, lon)
    kind = "neighbourhood" if wof["placetype"] == "neighbourhood" else "locality"
    name = names[0].removeprefix("حي ").strip() if kind == "neighbourhood" else names[0]
    row = _place(WOF_PREFIX + wof["wof_id"], kind, wof["name_en"], name, names[1:], near["admin3_pcode"])
    row.update(lat=fmt_coord(lat), lon=fmt_coord(lon), coord_source=WOF_SOURCE, source=WOF_SOURCE,
               precision_note=f"GeoNames point; admin1-3 of the nearest OCHA community ({dist:.1f} km)")
    return row


def _in_bbox(lat: float, lon: float) -> bool:
    return SYRIA_LAT[0] <= lat <= SYRIA_LAT[1] and SYRIA_LON[0] <= lon <= SYRIA_LON[1]


# Duplicated from etl.geo.sources.SYRIA_BBOX so the build does not import the runtime module.
SYRIA_LAT = (32.3, 37.4)
SYRIA_LON = (35.6, 42.4)


# --- hand-curated extensions -----------------------------------------------------------------
def extension_id(row: dict[str, str]) -> str:
    """A stable id for a hand-curated place: hash of its admin3 pcode and normalised name."""
    key = f"{row['admin3_pcode']}|{normalize(row['name_ar'])}".encode()
    return ID_PREFIX + hashlib.sha1(key).hexdigest()[:ID_HASH_CHARS].upper()


def check_extension(row: dict[str, str], admin: dict[str, dict[str, str]], line: int) -> None:
    """Raise BuildError on an unknown admin3, kind, a missing precision note or a point outside Syria."""
    where = f"extensions.csv line {line} ({row['name_ar']})"
    adm3 = admin.get(row["admin3_pcode"]) if row["admin3_pcode"] else {"level": "3"}
    if adm3 is None or adm3["level"] != "3":
        raise BuildError(f"{where}: unknown admin3 pcode {row['admin3_pcode']!r}")
    if row["kind"] not in PLACE_KINDS:
        raise BuildError(f"{where}: unknown kind {row['kind']!r}")
    if not row["precision_note"]:
        raise BuildError(f"{where}: no precision note")
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except ValueError as err:
        raise BuildError(f"{where}: bad coordinates") from err
    if not _in_bbox(lat, lon):
        raise BuildError(f"{where}: point {lat},{lon} outside Syria")


def apply_extension(row: dict[str, str], places: dict[str, dict[str, str]], grid: Grid) -> None:
    """Merge one extensions.csv row: place an OCHA community (by C-code, or a settlement of the same
    name within EXT_MERGE_KM, or within EXT_MERGE_SAME_ADMIN3_KM in the same sub-district), or add
    a new place."""
    lat, lon = float(row["lat"]), float(row["lon"])
    if not row["admin3_pcode"]:
        row = {**row, "admin3_pcode": grid.nearest(lat, lon)[1]["admin3_pcode"]}
    com = places.get(row["pcode"]) if row["pcode"] else None
    if row["pcode"] and (com is None or com["admin3_pcode"] != row["admin3_pcode"]):
        raise BuildError(f"extensions.csv: {row['pcode']} is not a community of {row['admin3_pcode']}")
    if com is None and row["kind"] in SETTLEMENT_KINDS:
        names = [row["name_ar"], *split_aliases(row["aliases_ar"])]
        com = _named_near(grid, lat, lon, EXT_MERGE_KM, names) or next(
            (c for _d, c in grid.within(lat, lon, EXT_MERGE_SAME_ADMIN3_KM)
             if c["admin3_pcode"] == row["admin3_pcode"] and _same_name(names, c)), None)
    if com is not None:
        _curate(com, row)
        return
    pid = extension_id(row)
    if pid in places:
        raise BuildError(f"extensions.csv: duplicate place {row['name_ar']} in {row['admin3_pcode']}")
    new = _place(pid, row["kind"], row["name_en"], row["name_ar"], split_aliases(row["aliases_ar"]),
                 row["admin3_pcode"])
    new.update(category=row["category"], lat=fmt_coord(lat), lon=fmt_coord(lon), coord_source=EDITOR_SOURCE,
               precision_note=row["precision_note"], source=EDITOR_SOURCE, capital=row["capital"])
    places[pid] = new


def _curate(com: dict[str, str], row: dict[str, str]) -> None:
    """The editors' kind, English name, aliases and capital flag on an OCHA community; a community
    that had no point (admin3 centroid) takes the editors' point."""
    _merge_names(com, [row["name_ar"], *split_aliases(row["aliases_ar"])])
    com.update(kind=row["kind"], category=row["category"], name_en=row["name_en"], capital=row["capital"])
    if EDITOR_SOURCE not in com["source"]:
        com["source"] += ";" + EDITOR_SOURCE
    if com["coord_source"] == COORD_ADMIN3_CENTROID:
        com.update(lat=fmt_coord(row["lat"]), lon=fmt_coord(row["lon"]), coord_source=EDITOR_SOURCE,
                   precision_note=row["precision_note"])
    else:
        com["precision_note"] = "OCHA community point; kind and English name by the Hadath editors"


def assign_parents(places: dict[str, dict[str, str]]) -> None:
    """parent_id of neighbourhoods, facilities, camps and squares: a city within PARENT_CITY_KM,
    else a town or community within PARENT_TOWN_KM; one of the same sub-district (then district)
    first, then the nearest."""
    cities = Grid(r for r in places.values() if r["kind"] == "city")
    towns = Grid(r for r in places.values() if r["kind"] in ("town", "community") and r["coord_source"] != COORD_ADMIN3_CENTROID)
    for row in places.values():
        if row["kind"] not in INSIDE_KINDS or not row["lat"]:
            continue
        lat, lon = float(row["lat"]), float(row["lon"])
        found = cities.within(lat, lon, PARENT_CITY_KM) or towns.within(lat, lon, PARENT_TOWN_KM)
        found = sorted(((r["admin3_pcode"] != row["admin3_pcode"], r["admin2_pcode"] != row["admin2_pcode"], d, r["id"])
                        for d, r in found if r["id"] != row["id"]))
        row["parent_id"] = found[0][3] if found else ""


def build_places(source: Path, extensions: Path, admin_rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """places.csv rows: OCHA communities, WOF localities and the editors' places, sorted."""
    admin = {r["pcode"]: r for r in admin_rows}
    places = community_rows(source, admin)
    merged, added = add_wof(source, places)
    LOGGER.info("Who's On First: %d merged into OCHA communities or each other, %d added", merged, added)
    grid = Grid(r for r in places.values() if r["coord_source"] == OCHA_SOURCE)
    for line, row in enumerate(read_csv(extensions), start=2):
        check_extension(row, admin, line)
        apply_extension(row, places, grid)
    assign_parents(places)
    return sorted(places.values(), key=lambda r: (r["admin3_pcode"], r["id"]))


# --- common words ----------------------------------------------------------------------------
def common_names(admin_rows: list[dict[str, str]], place_rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Normalised names that are frequent Arabic words (wordfreq), with their tier."""
    try:
        from wordfreq import zipf_frequency
    except ImportError as err:
        raise BuildError("the wordfreq package is needed to build the gazetteer (pip install wordfreq)") from err
    exempt = {normalize(n) for r in admin_rows if r["level"] in ("1", "2") for n in all_names(r)}
    exempt |= {normalize(r["name_ar"]) for r in place_rows if r["kind"] in EXEMPT_KINDS}
    exempt |= {key for r in place_rows if EDITOR_SOURCE in r["source"] for n in all_names(r)
               if " " in (key := normalize(n))}  # the editors' names of several words ("درعا البلد")
    surfaces: dict[str, set[str]] = defaultdict(set)
    for row in [*admin_rows, *place_rows]:
        for name in all_names(row):
            surfaces[normalize(name)].add(name)
    out = []
    for key in sorted(surfaces):
        if key in exempt:
            continue
        zipf = max(zipf_frequency(v, "ar") for s in sorted(surfaces[key]) for v in spellings(s))
        tier = _tier(key, zipf)
        if tier:
            out.append({"name": key, "zipf": f"{zipf:.2f}", "tier": str(tier)})
    return out


def spellings(name: str) -> list[str]:
    """A name and its usual spelling variants (final ة / ه, initial أ / إ / ا), which wordfreq
    counts apart: "مقتلة" is rare, "مقتله" ("his killing") is not."""
    out = {name}
    if name.endswith(("ة", "ه")):
        out |= {name[:-1] + "ة", name[:-1] + "ه"}
    for form in list(out):
        if form[:1] in "أإا":
            out |= {h + form[1:] for h in "أإا"}
    return sorted(out)


def _tier(key: str, zipf: float) -> int:
    if " " in key:
        return 1 if zipf >= COMMON_PHRASE_ZIPF else 0
    if zipf >= VERY_COMMON_ZIPF or len(key) <= SHORT_NAME_LETTERS:
        return 2
    return 1 if zipf >= COMMON_ZIPF else 0


# --- output ----------------------------------------------------------------------------------
def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    """Write rows with a fixed column order and '\\n' line endings."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def build(source: Path, out: Path, extensions: Path = EXTENSIONS) -> tuple[int, int, int]:
    """Build admin.csv, places.csv and common_names.csv into ``out``; return their row counts."""
    if not source.is_dir():
        raise BuildError(f"gazetteer source directory not found: {source}")
    admin_rows = build_admin(source)
    place_rows = build_places(source, extensions, admin_rows)
    common = common_names(admin_rows, place_rows)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "admin.csv", ADMIN_COLUMNS, admin_rows)
    write_csv(out / "places.csv", PLACE_COLUMNS, place_rows)
    write_csv(out / "common_names.csv", COMMON_COLUMNS, common)
    LOGGER.info("wrote %d admin rows, %d places, %d common-word names to %s",
                len(admin_rows), len(place_rows), len(common), out)
    return len(admin_rows), len(place_rows), len(common)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; exit 0 on success, 1 on a build error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--extensions", type=Path, default=EXTENSIONS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        n_admin, n_places, n_common = build(args.source, args.out, args.extensions)
    except (BuildError, OSError, KeyError, ValueError) as err:
        print(f"build_gazetteer: {err}", file=sys.stderr)
        return 1
    print(f"admin.csv: {n_admin} rows, places.csv: {n_places} rows, common_names.csv: {n_common} rows -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

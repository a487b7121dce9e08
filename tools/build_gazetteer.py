"""Build the shipped gazetteer (etl/data/gazetteer/admin.csv, places.csv) from the shared sources.

Inputs (read-only, see the source README.txt):
  syria_admin_levels_1to3.csv          OCHA COD admin1-3 names and pcodes (whole country)
  opensyria_admin_flat_derived.csv     Open-Syria centroids and Arabic aliases for admin1-3 (CC BY 4.0)
  syria_admin4_communities.csv         OCHA admin4 communities (Aleppo only, no coordinates)
and the hand-curated etl/data/gazetteer/extensions.csv (source=hadath-editors).

Output is deterministic: rows sorted, floats rounded, no timestamps.
Usage: python tools/build_gazetteer.py [SOURCE_DIR] [--out OUT_DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import logging
import sys
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
COMMUNITY_SOURCE = "ocha-cod"
EDITOR_SOURCE = "hadath-editors"
COORD_ADMIN3_CENTROID = "admin3_centroid"
COORD_OPEN_SYRIA = "open-syria"
ID_PREFIX = "HX"  # stable ids for hand-curated places without an OCHA pcode
ID_HASH_CHARS = 10
PLACE_KINDS = frozenset(
    {"city", "town", "village", "neighbourhood", "camp", "facility", "road", "region", "community"}
)

ADMIN_COLUMNS = [
    "pcode", "level", "name_en", "name_ar", "aliases_ar", "admin1_pcode", "admin2_pcode",
    "parent_pcode", "lat", "lon", "coord_source", "source",
]
PLACE_COLUMNS = [
    "id", "kind", "name_en", "name_ar", "aliases_ar", "admin1_pcode", "admin2_pcode", "admin3_pcode",
    "lat", "lon", "coord_source", "precision_note", "source", "capital",
]


class BuildError(Exception):
    """The sources or the extensions file are inconsistent."""


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


def admin_parents(pcode: str, level: int) -> tuple[str, str]:
    """admin1 and admin2 pcodes implied by an OCHA pcode (a unit is its own admin1/admin2)."""
    admin1 = pcode[:4]
    admin2 = pcode[:6] if level >= 2 else ""
    return admin1, admin2


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


def community_rows(source: Path, admin: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Aleppo admin4 communities keyed by C-code, with the admin3 centroid as coordinates."""
    out = {}
    for com in read_csv(source / "syria_admin4_communities.csv"):
        adm3 = admin[com["admin3_pcode"]]
        out[com["admin4_pcode"]] = {
            "id": com["admin4_pcode"], "kind": "community", "name_en": com["admin4_name_en"],
            "name_ar": com["admin4_name_ar"], "aliases_ar": "",
            "admin1_pcode": com["admin1_pcode"], "admin2_pcode": com["admin2_pcode"],
            "admin3_pcode": com["admin3_pcode"], "lat": adm3["lat"], "lon": adm3["lon"],
            "coord_source": COORD_ADMIN3_CENTROID,
            "precision_note": "community without own coordinates: admin3 centroid",
            "source": COMMUNITY_SOURCE, "capital": "",
        }
    return out


def extension_id(row: dict[str, str]) -> str:
    """A stable id for a hand-curated place: hash of its admin3 pcode and normalised name."""
    key = f"{row['admin3_pcode']}|{normalize(row['name_ar'])}".encode()
    return ID_PREFIX + hashlib.sha1(key).hexdigest()[:ID_HASH_CHARS].upper()


def check_extension(row: dict[str, str], admin: dict[str, dict[str, str]], line: int) -> None:
    """Raise BuildError on an unknown admin3, kind, or a point outside Syria."""
    where = f"extensions.csv line {line} ({row['name_ar']})"
    adm3 = admin.get(row["admin3_pcode"])
    if adm3 is None or adm3["level"] != "3":
        raise BuildError(f"{where}: unknown admin3 pcode {row['admin3_pcode']!r}")
    if row["kind"] not in PLACE_KINDS:
        raise BuildError(f"{where}: unknown kind {row['kind']!r}")
    lat, lon = float(row["lat"]), float(row["lon"])
    if not (SYRIA_LAT[0] <= lat <= SYRIA_LAT[1] and SYRIA_LON[0] <= lon <= SYRIA_LON[1]):
        raise BuildError(f"{where}: point {lat},{lon} outside Syria")


# Duplicated from etl.geo.sources.SYRIA_BBOX so the build does not import the runtime module.
SYRIA_LAT = (32.3, 37.4)
SYRIA_LON = (35.6, 42.4)


def apply_extension(row: dict[str, str], places: dict[str, dict[str, str]],
                    communities: dict[str, dict[str, str]]) -> None:
    """Merge one extensions.csv row: override an OCHA community's coordinates or add a new place."""
    adm3 = row["admin3_pcode"]
    base = {
        "kind": row["kind"], "lat": fmt_coord(row["lat"]), "lon": fmt_coord(row["lon"]),
        "coord_source": EDITOR_SOURCE, "precision_note": row["precision_note"],
        "capital": row["capital"],
    }
    if row["pcode"]:
        com = communities.get(row["pcode"])
        if com is None or com["admin3_pcode"] != adm3:
            raise BuildError(f"extensions.csv: {row['pcode']} is not a community of {adm3}")
        aliases = [*split_aliases(com["aliases_ar"]), row["name_ar"], *split_aliases(row["aliases_ar"])]
        com.update(base, aliases_ar=join_aliases(aliases, exclude=[com["name_ar"]]))
        return
    pid = extension_id(row)
    if pid in places:
        raise BuildError(f"extensions.csv: duplicate place {row['name_ar']} in {adm3}")
    places[pid] = {
        **base, "id": pid, "name_en": row["name_en"], "name_ar": row["name_ar"],
        "aliases_ar": join_aliases(split_aliases(row["aliases_ar"]), exclude=[row["name_ar"]]),
        "admin1_pcode": adm3[:4], "admin2_pcode": adm3[:6], "admin3_pcode": adm3,
        "source": EDITOR_SOURCE,
    }


def build_places(source: Path, extensions: Path, admin_rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """places.csv rows: OCHA communities plus hand-curated extensions, sorted by admin3 then id."""
    admin = {r["pcode"]: r for r in admin_rows}
    communities = community_rows(source, admin)
    places: dict[str, dict[str, str]] = {}
    for line, row in enumerate(read_csv(extensions), start=2):
        check_extension(row, admin, line)
        apply_extension(row, places, communities)
    merged = list(communities.values()) + list(places.values())
    merged.sort(key=lambda r: (r["admin3_pcode"], r["id"]))
    return merged


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    """Write rows with a fixed column order and '\\n' line endings."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def build(source: Path, out: Path, extensions: Path = EXTENSIONS) -> tuple[int, int]:
    """Build admin.csv and places.csv into ``out``; return their row counts."""
    if not source.is_dir():
        raise BuildError(f"gazetteer source directory not found: {source}")
    admin_rows = build_admin(source)
    place_rows = build_places(source, extensions, admin_rows)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "admin.csv", ADMIN_COLUMNS, admin_rows)
    write_csv(out / "places.csv", PLACE_COLUMNS, place_rows)
    LOGGER.info("wrote %d admin rows and %d places to %s", len(admin_rows), len(place_rows), out)
    return len(admin_rows), len(place_rows)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; exit 0 on success, 1 on a build error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--extensions", type=Path, default=EXTENSIONS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        n_admin, n_places = build(args.source, args.out, args.extensions)
    except (BuildError, OSError, KeyError, ValueError) as err:
        print(f"build_gazetteer: {err}", file=sys.stderr)
        return 1
    print(f"admin.csv: {n_admin} rows, places.csv: {n_places} rows -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

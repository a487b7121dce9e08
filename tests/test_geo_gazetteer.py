"""Gazetteer data and lookup (shipped CSVs only; the build test needs ../shared and skips without it)."""

from __future__ import annotations

import csv
import filecmp
import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from etl.geo.lookup import Gazetteer
from etl.geo.sources import DATA_DIR, SYRIA_BBOX, in_syria

ROOT = Path(__file__).resolve().parent.parent
MIN_EXTENSIONS = 250


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def test_admin_counts_and_governorate_names(gaz: Gazetteer) -> None:
    assert [len(gaz.admin_units(level)) for level in (1, 2, 3)] == [14, 62, 272]
    names = {p.pcode: p.name_en for p in gaz.admin_units(1)}
    assert names["SY12"] == "Dar'a"
    assert names["SY07"] == "Idleb" and names["SY08"] == "Al-Hasakeh" and names["SY09"] == "Deir-ez-Zor"
    assert names["SY03"] == "Rural Damascus" and names["SY13"] == "As-Sweida"


def test_admin1_by_name_and_pcode(gaz: Gazetteer) -> None:
    assert gaz.admin1_by_name("Dar'a").pcode == "SY12"
    assert gaz.admin1_by_name("درعا").pcode == "SY12"
    assert gaz.admin1_by_name("Idleb").pcode == "SY07"
    assert gaz.admin1_by_name("حماة").pcode == "SY05"
    assert gaz.admin1_by_pcode("SY09").name_ar == "دير الزور"
    assert gaz.admin1_by_pcode("SY0901") is None


def test_every_coordinate_inside_syria() -> None:
    rows = _rows("admin.csv") + _rows("places.csv")
    outside = [r for r in rows if not in_syria(float(r["lat"]), float(r["lon"]))]
    assert outside == []
    assert SYRIA_BBOX == (32.3, 35.6, 37.4, 42.4)


def test_extensions_are_many_and_well_formed() -> None:
    ext = _rows("extensions.csv")
    assert len(ext) >= MIN_EXTENSIONS
    for row in ext:
        assert row["lat"].count(".") == 1 and len(row["lat"].split(".")[1]) == 3, row
        assert row["precision_note"], row
        assert row["kind"] != "facility" or row["category"], row
    editors = [r for r in _rows("places.csv") if "hadath-editors" in r["source"]]
    assert len(editors) >= 250
    assert {r["admin1_pcode"] for r in editors} >= {f"SY{n:02d}" for n in range(1, 15)}


def test_national_coverage_from_ocha_and_whos_on_first() -> None:
    rows = _rows("places.csv")
    sources = Counter(src for r in rows for src in r["source"].split(";"))
    assert sources["ocha-hdx"] >= 7600  # every OCHA community with a point
    assert sources["wof-geonames"] >= 9000  # merged into a community or added as a locality
    localities = [r for r in rows if r["id"].startswith("WOF")]
    assert len(localities) >= 5000
    assert all(r["admin3_pcode"] and r["precision_note"].startswith("GeoNames point") for r in localities)
    per_admin1 = Counter(r["admin1_pcode"] for r in rows)
    assert min(per_admin1.values()) >= 30 and len(per_admin1) == 14


def test_lookup_hamza_and_ta_marbuta_variants(gaz: Gazetteer) -> None:
    for spelling in ("الأتارب", "الاتارب", "الأتارِب"):
        best = gaz.lookup(spelling)[0]
        assert (best.pcode, best.name_en, best.admin1_pcode) == ("C1022", "Atareb", "SY02")
    assert gaz.lookup("حماه")[0].name_en == "Hama"
    assert gaz.lookup("معارة النعسان")[0].admin3_pcode == "SY070004"


def test_lookup_joined_and_split_kafr(gaz: Gazetteer) -> None:
    assert gaz.lookup("كفرنوران")[0].pcode == "C1041"
    assert gaz.lookup("كفر نبل")[0].name_en == "Kafr Nabl"


def test_lookup_disambiguates_by_governorate(gaz: Gazetteer) -> None:
    assert {p.admin1_pcode for p in gaz.lookup("الصالحية")} >= {"SY01", "SY08", "SY09"}
    assert gaz.lookup("الصالحية", "SY09")[0].name_en == "Al-Salhiyeh"
    assert gaz.lookup("الصالحية", "SY01")[0].name_en == "Al-Salhiyeh (Damascus)"
    assert gaz.lookup("الصالحية", "SY08")[0].admin3_pcode == "SY080000"


def test_place_fields(gaz: Gazetteer) -> None:
    thiban = gaz.lookup("ذيبان")[0]
    assert (thiban.pcode, thiban.kind, thiban.level, thiban.admin1, thiban.admin2, thiban.admin3) == (
        "C5202", "town", 4, "Deir-ez-Zor", "Al Mayadin", "Thiban")
    assert (thiban.admin2_pcode, thiban.admin3_pcode) == ("SY0903", "SY090301")
    assert thiban.source == "ocha-hdx;wof-geonames;hadath-editors"  # OCHA point, GeoNames spelling, editors' kind
    assert (thiban.lat, thiban.lon, thiban.coord_source) == (35.011, 40.505, "ocha-hdx")
    assert "ديبان" in thiban.aliases_ar  # the GeoNames variant
    with pytest.raises(AttributeError):
        thiban.lat = 0.0  # type: ignore[misc]


def test_community_without_a_point_uses_admin3_centroid(gaz: Gazetteer) -> None:
    community = gaz.get("C9044")  # in the admin4 list, not in the OCHA points file
    admin3 = gaz.get(community.admin3_pcode)
    assert community.coord_source == "admin3_centroid" and not community.has_own_point
    assert (community.lat, community.lon) == (admin3.lat, admin3.lon)
    assert gaz.get("C1570").has_own_point  # Maraanaz: an OCHA point now
    assert gaz.get("C1007").has_own_point


def test_whos_on_first_locality_gets_admin_codes_of_the_nearest_community(gaz: Gazetteer) -> None:
    place = gaz.get("WOF1309698723")  # Mazzat Jabal, Damascus: a GeoNames point, no OCHA row
    assert (place.kind, place.admin1_pcode, place.admin3_pcode, place.source) == (
        "locality", "SY01", "SY010000", "wof-geonames")
    assert (place.lat, place.lon) == (33.503, 36.243)


def test_common_word_flags_come_from_the_data(gaz: Gazetteer) -> None:
    assert gaz.common_tier("دمر") == 1  # the verb دمّر
    assert gaz.common_tier("حيان") == 1  # a first name
    assert gaz.common_tier("ذيبان") == 0 and gaz.common_tier("الشحيل") == 0
    assert gaz.common_tier("حلب") == 0  # frequent because it is a place: governorate names are exempt
    rows = _rows("common_names.csv")
    assert len(rows) >= 1000 and {r["tier"] for r in rows} == {"1", "2"}


def test_facilities_and_neighbourhoods_belong_to_their_city(gaz: Gazetteer) -> None:
    damascus = gaz.capital_of("SY01")
    mezzeh_airport = gaz.lookup("مطار المزة العسكري")[0]
    assert (mezzeh_airport.kind, mezzeh_airport.category) == ("facility", "airbase")
    assert gaz.parent(mezzeh_airport) == damascus
    qaboun = gaz.lookup("القابون")[0]
    assert gaz.contains(damascus, qaboun) and not gaz.contains(qaboun, damascus)
    assert gaz.contains(gaz.get("SY01"), qaboun) and gaz.contains(gaz.get("SY0903"), gaz.get("C5202"))
    assert gaz.near(gaz.get("C5202"), gaz.lookup("الشحيل", "SY09")[0], km=15)  # Thiban - Shuhayl ~12 km
    assert not gaz.near(gaz.get("C5202"), damascus)


def test_capitals(gaz: Gazetteer) -> None:
    assert gaz.capital_of("SY09").name_ar == "دير الزور"
    assert gaz.capital_of("SY12").name_en == "Dar'a"
    assert gaz.capital_of("SY03") is None  # Rural Damascus: the governorate centroid stands in


def test_load_is_cached_per_folder() -> None:
    """Load time and memory are measured in bench/bench_gazetteer.py, not here."""
    from etl.geo import lookup as module

    module._load_cached.cache_clear()
    first = Gazetteer.load()
    assert Gazetteer.load() is first and Gazetteer.load(DATA_DIR) is first
    assert len(first.places) >= 13000 and len(first.index) >= 13000


def test_build_is_deterministic(shared_dir: Path, tmp_path: Path) -> None:
    source = shared_dir / "data" / "gazetteer"
    if not source.is_dir():
        pytest.skip("../shared/data/gazetteer is not present")
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "tools" / "build_gazetteer.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert build.build(source, tmp_path / "a") == build.build(source, tmp_path / "b")
    for name in ("admin.csv", "places.csv", "common_names.csv"):
        assert filecmp.cmp(tmp_path / "a" / name, tmp_path / "b" / name, shallow=False)
        assert filecmp.cmp(tmp_path / "a" / name, DATA_DIR / name, shallow=False), f"{name} is stale"

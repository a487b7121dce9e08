"""Place-resolution measures (etl.geo.evaluate) and the article context (etl.geo.context)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from etl.evaluate import load_gold
from etl.events.model import Article
from etl.geo.context import article_context
from etl.geo.evaluate import mention_resolution, place_resolution

ROOT = Path(__file__).resolve().parent.parent
GOLD = [
    {"event_date": date(2022, 1, 20), "event_type": "Battles", "admin1": "Deir-ez-Zor", "location_ar": "ذيبان",
     "location_pcode": "C5202"},
    {"event_date": date(2022, 1, 20), "event_type": "Battles", "admin1": "Deir-ez-Zor", "location_ar": "الشحيل",
     "admin3_pcode": "SY090102"},
    {"event_date": date(2022, 1, 20), "event_type": "Battles", "admin1": "Al-Hasakeh", "location_ar": "الصالحية",
     "location_pcode": "HX-made-up"},
]


def test_place_resolution_counts_found_governorate_and_pcode() -> None:
    predicted = [
        {"event_date": date(2022, 1, 20), "event_type": "Battles", "admin1": "Deir-ez-Zor", "location_ar": "ذيبان",
         "location_pcode": "C5202"},
        {"event_date": date(2022, 1, 20), "event_type": "Battles", "admin1": "Deir-ez-Zor",
         "location_ar": "الصالحية", "location_pcode": "HX123"},  # the namesake in the wrong governorate
    ]
    score = place_resolution(GOLD, predicted)
    assert (score.places, score.found, score.admin1_right, score.with_pcode, score.pcode_right) == (3, 2, 1, 2, 1)
    assert score.figures() == {"gold_places": 3, "found": 0.667, "admin1": 0.333, "gold_pcodes": 2, "pcode": 0.5,
                               "gold_admin3": 1, "admin3": 0.0}
    assert len(score.wrong) == 2 and score.wrong[0].startswith("الشحيل")


def test_mention_resolution_runs_the_geocoder_on_the_article() -> None:
    article = Article(text="اشتباكات بين داعش وقسد في بلدة ذيبان بريف دير الزور الشرقي.\n"
                           "وقصفت قسد مواقع في الشحيل.", published=datetime(2022, 1, 21), title="")
    score = mention_resolution(GOLD[:2], article)
    assert (score.places, score.found, score.admin1_right, score.with_pcode, score.pcode_right) == (2, 2, 2, 1, 1)
    assert (score.with_admin3, score.admin3_right) == (1, 1)  # الشحيل in Al-Busayrah sub-district


def test_article_context_gives_governorate_and_anchors() -> None:
    ctx = article_context("هجوم على حاجز لقسد في ذيبان", ["قتل ثلاثة عناصر في بلدة ذيبان بريف دير الزور الشرقي."])
    assert ctx.admin1 == "SY09"
    assert [p.pcode for p in ctx.anchors] == ["C5202"]
    assert article_context("", []).admin1 is None


def test_command_on_the_gold_set_and_on_a_bad_folder() -> None:
    run = [sys.executable, "-m", "etl.geo.evaluate"]
    ok = subprocess.run([*run, str(ROOT / "tests" / "gold")], capture_output=True, text=True, cwd=ROOT, check=False)
    assert ok.returncode == 0, ok.stderr
    files, _skipped = load_gold(ROOT / "tests" / "gold")  # 175 events; 171 without ../shared
    places = sum(1 for f in files for e in f.events if e.get("location_ar"))
    lines = ok.stdout.splitlines()
    assert lines[0].startswith(f"events (extractor): {places} gold places") and places >= 170
    assert lines[1].startswith(f"mentions (geocoder): {places} gold places") and "right P-code" in lines[1]
    bad = subprocess.run([*run, "/nonexistent-gold"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert (bad.returncode, bad.stderr.strip()) == (2, "error: not a directory: /nonexistent-gold")

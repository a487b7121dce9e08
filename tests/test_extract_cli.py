"""`hadath extract` contract: JSON lines, exit codes on bad input, HTML vs text detection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from etl.events.io import MAX_INPUT_BYTES
from tests.conftest import ROOT


def file_for(path: str, ext: str) -> Path:
    """snapshot/build.py's URL path -> file rule (the build script is not a package)."""
    sys.path.insert(0, str(ROOT / "snapshot"))
    import build

    return build.file_for(path, ext)

ARTICLE = ("قصفت قوات النظام أمس بلدة البارة بقذائف المدفعية، ما أسفر عن مقتل مدني. "
           "وشنت طائرات حربية روسية اليوم غارات على محيط بلدة كنصفرة.")
REQUIRED = ("event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1",
            "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "admin1", "admin1_pcode",
            "admin2", "admin2_pcode", "admin3", "admin3_pcode", "location", "location_ar", "location_pcode",
            "latitude", "longitude", "geo_precision", "fatalities", "source", "evidence", "confidence")


def hadath(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl.cli", "extract", *args], cwd=ROOT, env=dict(os.environ),
                          capture_output=True, text=True, timeout=120, check=False)


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def test_text_article_prints_one_json_object_per_event(tmp_path):
    res = hadath(write(tmp_path, "a.txt", ARTICLE), "--published", "2022-01-20T18:00:00+02:00", "--outlet", "orient")
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    events = [json.loads(line) for line in res.stdout.splitlines()]
    assert [(e["location_ar"], e["event_date"], e["sub_event_type"]) for e in events] == [
        ("البارة", "2022-01-19", "Shelling/artillery/missile attack"),
        ("كنصفرة", "2022-01-20", "Air/drone strike"),
    ]
    for event in events:
        assert set(REQUIRED) <= set(event)
    assert events[0]["fatalities"] == 1 and events[0]["source"] == "orient"
    assert events[0]["interaction"] == 17


def test_html_page_is_cleaned_first():
    source = yaml.safe_load((ROOT / "snapshot/content/orient/01-zawiya-shelling-roundup.yaml").read_text(encoding="utf-8"))
    page = ROOT / "snapshot/sites/orient" / file_for(source["path"], ".html")  # the path follows the content
    if not page.exists():
        pytest.skip("snapshot site not built")
    res = hadath(str(page))
    assert res.returncode == 0, res.stderr
    events = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(events) >= 5
    assert {e["event_date"] for e in events} <= {"2022-01-19", "2022-01-20"}  # the page's own date


def test_no_events_is_exit_0_and_no_output(tmp_path):
    res = hadath(write(tmp_path, "econ.txt", "ارتفعت أسعار المحروقات في الأسواق السورية هذا الأسبوع بنسبة كبيرة."))
    assert (res.returncode, res.stdout) == (0, "")


@pytest.mark.parametrize("name, data, needle", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t\n", "empty"),
    ("binary.bin", bytes(range(256)) * 8, "binary"),
    ("latin1.txt", "café crème brûlée à la française ".encode("latin-1") * 5, "UTF-8"),
    ("english.txt", b"The regime shelled the town of al-Bara today, killing one civilian.", "not Arabic"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, name, data, needle):
    res = hadath(write(tmp_path, name, data))
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""


def test_huge_input_exits_2(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        out.truncate(MAX_INPUT_BYTES + 1)  # sparse file: size check happens before reading
    res = hadath(str(path))
    assert res.returncode == 2 and "limit" in res.stderr


def test_missing_file_exits_2(tmp_path):
    res = hadath(str(tmp_path / "nope.txt"))
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1


def test_path_and_window_are_mutually_exclusive(tmp_path):
    res = hadath(write(tmp_path, "a.txt", ARTICLE), "--since", "2022-01-20", "--until", "2022-01-21")
    assert res.returncode == 2 and "not both" in res.stderr


def test_nothing_given_is_a_usage_error():
    res = hadath()
    assert res.returncode == 2


def test_bad_published_is_a_usage_error(tmp_path):
    res = hadath(write(tmp_path, "a.txt", ARTICLE), "--published", "yesterday")
    assert res.returncode == 2

"""The real-text development set (tests/realtext): its manifest always, its scores when the
excerpts have been fetched (.hadath/realtext, see tests/realtext/README.md); skipped otherwise."""

from __future__ import annotations

import importlib.util
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

from etl.evaluate import default_texts_dir, evaluate, period_of
from tests.conftest import ROOT

REALTEXT = ROOT / "tests" / "realtext"
FLOORS = REALTEXT / "floors.yaml"


def _tool():
    spec = importlib.util.spec_from_file_location("realtext_tool", ROOT / "tools" / "realtext.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = _tool()
CASES = TOOL.load_cases(REALTEXT / "cases")
EVENTS = [e for c in CASES for e in c.get("events") or []]


def test_every_case_passes_the_checks(tmp_path: Path):
    actors, subs = TOOL._vocab()
    problems = {c["id"]: TOOL.check_case(c, actors, subs, tmp_path) for c in CASES}
    assert {k: v for k, v in problems.items() if v} == {}


def test_the_set_covers_what_the_issue_asks():
    outlets = {c["outlet"] for c in CASES}
    assert len(CASES) >= 80 and len(EVENTS) >= 200 and len(outlets) >= 12
    assert sum(1 for c in CASES if c.get("no_event")) >= 10
    assert len({e["admin1"] for e in EVENTS}) == 14
    assert {e["event_type"] for e in EVENTS} == {
        "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
        "Strategic developments"}
    years = {int(str(c["published"])[:4]) for c in CASES}
    assert min(years) == 2011 and max(years) == 2025
    assert set(Counter(period_of(e["event_date"]) for e in EVENTS)) == {"2011-16", "2017-23", "2024-25"}


def test_a_quarter_is_held_back_by_id_never_by_hand():
    splits = Counter(c["split"] for c in CASES)
    assert all(c["split"] == TOOL.split_for(c["id"]) for c in CASES)
    assert 0.2 <= splits["test"] / len(CASES) <= 0.3


def test_the_manifest_holds_facts_not_texts():
    for path in (REALTEXT / "cases").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(data) <= TOOL.CASE_KEYS, path.name  # no field for the excerpt itself
        assert len(data["fingerprint"]) == TOOL.FINGERPRINT_CHARS


def test_fingerprint_ignores_spacing_but_not_letters():
    one, _ = TOOL.fingerprint("قصفت قوات النظام\n\n بلدة   البارة")
    assert one == TOOL.fingerprint("قصفت قوات النظام بلدة البارة")[0]
    assert one != TOOL.fingerprint("قصفت قوات النظام بلدة البارا")[0]
    assert TOOL.split_for("rt-a001") == TOOL.split_for("rt-a001")


@pytest.fixture(scope="module")
def fetched() -> Path:
    texts = default_texts_dir()
    present = [c for c in CASES if (texts / f"{c['id']}.txt").exists()]
    if len(present) < len(CASES):
        pytest.skip(f"real-text excerpts not fetched ({len(present)}/{len(CASES)} in {texts}); "
                    "see tests/realtext/README.md")
    return texts


@pytest.mark.parametrize("split", ["dev", "test"])
def test_real_text_scores_stay_above_their_floors(fetched: Path, split: str):
    floors = yaml.safe_load(FLOORS.read_text(encoding="utf-8"))["floors"][split]
    figures = evaluate(REALTEXT, texts=fetched).figures(split)
    below = {k: round(figures[k], 3) for k, v in floors.items() if figures[k] < v}
    assert below == {}, f"{split}: {below} (floors {floors})"


def test_every_fetched_excerpt_is_the_one_coded(fetched: Path):
    assert [c["id"] for c in CASES if TOOL._state(c, fetched) != "ok"] == []


def test_event_dates_are_dates():
    assert all(isinstance(e["event_date"], date) for e in EVENTS)

"""The evaluation gate (tests/gold vs tests/gold/floors.yaml) and the event matcher."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from etl.errors import BadInput
from etl.evaluate import below_floors, evaluate, load_floors, match_events, matches
from etl.events.model import Event
from tests.conftest import ROOT

GOLD = ROOT / "tests" / "gold"


def ev(place: str, admin1: str = "Idleb", etype: str = "Battles", day: date = date(2022, 1, 20),
       pcode: str = "", **kw) -> Event:
    return Event(event_date=day, time_precision=1, event_type=etype, sub_event_type=kw.pop("sub", "Armed clash"),
                 actor1=kw.pop("actor1", "A"), inter1=2, admin1=admin1, location_ar=place, location_pcode=pcode, **kw)


def gold(place: str, admin1: str = "Idleb", etype: str = "Battles", day: str = "2022-01-20", **kw) -> dict:
    return {"location_ar": place, "admin1": admin1, "event_type": etype, "event_date": day,
            "sub_event_type": kw.pop("sub", "Armed clash"), "actor1": kw.pop("actor1", "A"), **kw}


def test_match_needs_admin1_type_date_and_place():
    assert matches(gold("البارة"), ev("البارة"))
    assert not matches(gold("البارة", admin1="Hama"), ev("البارة"))
    assert not matches(gold("البارة", etype="Protests"), ev("البارة"))
    assert not matches(gold("البارة", day="2022-01-19"), ev("البارة"))
    assert not matches(gold("البارة"), ev("كنصفرة"))


def test_place_matches_on_normalised_name_containment_or_pcode():
    assert matches(gold("قرية البارة"), ev("البارة"))  # one contains the other
    assert matches(gold("كفرنبل"), ev("كفرنبل"))
    assert matches(gold("مدينة إدلب"), ev("مدينه ادلب"))  # alef / ta marbuta folded
    assert matches(gold("X", location_pcode="C1"), ev("Y", pcode="C1"))


def test_greedy_matching_is_one_to_one_and_prefers_agreeing_fields():
    golds = [gold("البارة", actor1="B"), gold("البارة", actor1="A")]
    pairs, misses, alarms = match_events(golds, [ev("البارة", actor1="A")])
    assert len(pairs) == 1 and pairs[0][0]["actor1"] == "A"
    assert misses == [golds[0]] and alarms == []


def test_unmatched_prediction_is_a_false_alarm():
    pairs, misses, alarms = match_events([gold("البارة")], [ev("البارة"), ev("كنصفرة")])
    assert len(pairs) == 1 and misses == [] and [a.location_ar for a in alarms] == ["كنصفرة"]


def test_below_floors_and_floor_file(tmp_path):
    assert below_floors({"precision": 0.8, "recall": 0.95}, {"precision": 0.85, "recall": 0.9}) == [
        "precision 0.800 < 0.85"]
    path = tmp_path / "floors.yaml"
    path.write_text("floors:\n  precision: 0.5\n  bogus: 1\n", encoding="utf-8")
    with pytest.raises(BadInput):
        load_floors(path)


def test_evaluate_runs_on_a_small_inline_gold_dir(tmp_path: Path):
    (tmp_path / "one.yaml").write_text(
        "outlet: orient\npublished: '2022-01-20T18:00:00+02:00'\ntitle: ''\n"
        "body: 'قصفت قوات النظام أمس بلدة البارة بقذائف الهاون.'\n"
        "events:\n- {event_date: 2022-01-19, event_type: Explosions/Remote violence, "
        "sub_event_type: Shelling/artillery/missile attack, actor1: Military Forces of Syria (2000-2024), "
        "actor2: '', admin1: Idleb, location_ar: البارة, geo_precision: 1, fatalities: 0}\n",
        encoding="utf-8")
    figures = evaluate(tmp_path).figures()
    assert (figures["precision"], figures["recall"], figures["actor1"]) == (1.0, 1.0, 1.0)


def test_gold_set_meets_the_floors():
    """CI gate: the rule extractor on tests/gold must not fall below tests/gold/floors.yaml."""
    floors = load_floors(GOLD / "floors.yaml")
    figures = evaluate(GOLD).figures()
    assert below_floors(figures, floors) == [], figures


def test_cli_exits_1_below_a_floor_and_prints_per_file_lines(tmp_path: Path):
    import subprocess
    import sys

    floors = tmp_path / "floors.yaml"
    floors.write_text("floors:\n  precision: 0.999\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "etl.cli", "evaluate", str(GOLD), "--floors", str(floors), "--verbose"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert res.returncode == 1, res.stderr
    assert "below floor: precision" in res.stdout
    assert "orient-01.yaml: gold 9" in res.stdout
    assert "precision" in res.stdout and "recall" in res.stdout and "f1" in res.stdout

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


# --- real-text sets (tests/realtext layout: cases/ + texts outside the repository) ----------------

_CASE = """id: {id}
query: "q"
url: https://example.org/{id}
outlet: example.org
published: "2022-01-20T18:00:00+02:00"
published_basis: test
fingerprint: "0"
chars: 1
split: {split}
events:
- {{event_date: 2022-01-19, time_precision: 1, event_type: Explosions/Remote violence,
   sub_event_type: Shelling/artillery/missile attack, actor1: Military Forces of Syria (2000-2024),
   actor2: '', admin1: Idleb, admin3_pcode: SY070501, location_ar: البارة, location_pcode: C4302,
   geo_precision: 1, fatalities: 0}}
"""


def _realtext(tmp_path: Path, texts: dict[str, str], splits: dict[str, str]) -> tuple[Path, Path]:
    root, folder = tmp_path / "set", tmp_path / "texts"
    (root / "cases").mkdir(parents=True)
    folder.mkdir()
    for case_id, split in splits.items():
        (root / "cases" / f"{case_id}.yaml").write_text(_CASE.format(id=case_id, split=split), encoding="utf-8")
    for case_id, text in texts.items():
        (folder / f"{case_id}.txt").write_text(text, encoding="utf-8")
    return root, folder


def test_realtext_set_reads_fetched_texts_skips_missing_ones_and_keeps_splits(tmp_path: Path):
    root, texts = _realtext(tmp_path, {"rt-x001": "قصفت قوات النظام أمس بلدة البارة بقذائف الهاون."},
                            {"rt-x001": "dev", "rt-x002": "test"})
    report = evaluate(root, texts=texts)
    assert report.skipped == ["rt-x002.yaml"]
    assert [(f.name, f.split) for f in report.files] == [("rt-x001.yaml", "dev")]
    assert report.figures("dev")["recall"] == 1.0 and report.figures("test")["gold_events"] == 0


def test_date_slack_matches_a_day_off_and_scores_the_date_apart():
    g = gold("البارة", day="2022-01-20")
    assert not matches(g, ev("البارة", day=date(2022, 1, 19)))
    assert matches(g, ev("البارة", day=date(2022, 1, 19)), date_slack=1)
    assert not matches(g, ev("البارة", day=date(2022, 1, 18)), date_slack=1)
    pairs, _m, _a = match_events([g], [ev("البارة", day=date(2022, 1, 19))], date_slack=1)
    from etl.evaluate import field_agrees
    assert len(pairs) == 1 and not field_agrees(pairs[0][0], pairs[0][1], "event_date")


def test_place_resolution_needs_the_right_governorate_and_pcode():
    from etl.evaluate import FileResult, place_resolution
    golds = [gold("البارة", location_pcode="C4302"), gold("كنصفرة", admin3_pcode="SY070501"),
             gold("البارة", location_pcode="C4302", etype="Battles")]
    right = ev("البارة", pcode="C4302")
    sub = ev("قرية", admin3_pcode="SY070501")
    elsewhere = ev("البارة", admin1="Hama", pcode="C4302")
    one = place_resolution([FileResult("a", 3, 2, gold_events=golds, predicted_events=[right, elsewhere])])
    assert (one["places"], one["resolved"]) == (2, 1)
    both = place_resolution([FileResult("a", 3, 2, gold_events=golds, predicted_events=[right, sub])])
    assert both["share"] == 1.0


def test_cli_never_prints_held_back_cases(tmp_path: Path):
    import subprocess
    import sys

    text = "قصفت قوات النظام أمس بلدة البارة بقذائف الهاون."
    root, texts = _realtext(tmp_path, {"rt-x001": text, "rt-x002": text}, {"rt-x001": "dev", "rt-x002": "test"})
    res = subprocess.run([sys.executable, "-m", "etl.cli", "evaluate", str(root), "--texts", str(texts), "-v",
                          "--breakdown"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert res.returncode == 0, res.stderr
    assert "rt-x001.yaml: gold 1" in res.stdout and "rt-x002" not in res.stdout
    assert "== split dev: 1 cases ==" in res.stdout and "== split test: 1 cases ==" in res.stdout
    assert "2017-23" in res.stdout and "places resolved" in res.stdout


def test_realtext_without_texts_says_how_to_fetch_them(tmp_path: Path):
    import subprocess
    import sys

    root, texts = _realtext(tmp_path, {}, {"rt-x001": "dev"})
    res = subprocess.run([sys.executable, "-m", "etl.cli", "evaluate", str(root), "--texts", str(texts)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert res.returncode == 1 and "README.md to fetch them" in res.stdout and "Traceback" not in res.stderr

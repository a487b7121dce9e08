"""Cleaning quality gate: snippet precision / recall, title and date accuracy on saved pages
(tests/quality/clean/cases.yaml) must stay at or above tests/quality/clean/floors.yaml."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "quality" / "clean"))
import gate  # noqa: E402

METRICS = ("precision", "recall", "date_accuracy", "fallback_date_accuracy", "title_accuracy")


def _check(group: str, cases: list[dict]) -> None:
    score = gate.evaluate(cases).get(group)
    assert score is not None and score.pages == len(cases), f"{group}: some listed pages are missing"
    floors = gate.load_floors()[group]
    got = score.as_dict()
    below = [f"{m} {got[m]:.3f} < floor {floors[m]}" for m in METRICS if got[m] < floors[m]]
    assert not below, f"{group}: " + "; ".join(below) + "\n" + "\n".join(score.failures)


def test_snapshot_pages_meet_the_floors():
    cases = [c for c in gate.load_cases() if gate.group_of(c) == "snapshot"]
    if not any(gate.page_path(c).is_file() for c in cases):
        pytest.skip("snapshot/sites is not built: run snapshot/build.py (then make_cases.py for new pages)")
    _check("snapshot", cases)


def test_shared_real_pages_meet_the_floors(shared_dir):
    cases = [c for c in gate.load_cases() if gate.group_of(c) == "shared"]
    assert cases and all(gate.page_path(c).is_file() for c in cases)
    _check("shared", cases)


def test_real_outlet_pages_meet_the_floors(shared_dir):
    """SANA's saved article pages and the Assabah page (trafilatura's own snippets)."""
    cases = [c for c in gate.load_cases() if gate.group_of(c) == "real_sites"]
    assert {c["id"] for c in cases} == {"real-sana-article1", "real-sana-article2", "real-assabah"}
    _check("real_sites", cases)


def test_cases_file_is_well_formed():
    for case in gate.load_cases():
        assert set(case) >= {"id", "page", "outlet", "url", "title", "published", "must_contain", "must_not_contain"}
        assert case["must_contain"], case["id"]


def test_every_built_snapshot_article_is_a_case():
    """When snapshot/sites gains pages (new outlets, new articles), cases.yaml must be regenerated."""
    listed = {c["page"] for c in gate.load_cases()}
    built = {c["page"] for c in gate.snapshot_candidates() if gate.page_path(c).is_file()}
    assert built <= listed, f"run tests/quality/clean/make_cases.py: {len(built - listed)} built page(s) not in cases.yaml"

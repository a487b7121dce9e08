"""The real nightly DAG, end to end: `hadath run` drives `airflow dags test` (dag.test()) against
the offline snapshot served on 127.0.0.1 and a real PostgreSQL. Rows must land in every layer,
and a second run of the same interval must change no counts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, query

pytestmark = pytest.mark.slow
DAY = "2022-01-21"
COUNTS = {
    "raw": "SELECT count(*) FROM raw.articles",
    "staging": "SELECT count(*) FROM staging.articles",
    "extractions": "SELECT count(*) FROM staging.extractions",
    "events": "SELECT count(*) FROM warehouse.events",
    "evidence": "SELECT count(*) FROM warehouse.event_evidence",
    "canonical": "SELECT count(*) FROM warehouse.canonical_events",
    "revisions": "SELECT count(*) FROM warehouse.canonical_event_revisions",
    "export": "SELECT count(*) FROM reporting.acled_events",
    "summaries": "SELECT count(*) FROM hadath_meta.run_summaries",
    "event_ids": "SELECT md5(string_agg(event_id, ',' ORDER BY event_id)) FROM warehouse.events",
}


@pytest.fixture(scope="module")
def snapshot_url():
    snapshot = pytest.importorskip("etl.snapshot")
    with snapshot.start_server() as server:
        yield server.base_url


def _run(db_url: str, state: Path, base_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url, "HADATH_STATE_DIR": str(state), "HADATH_RETRY_DELAY_S": "1"}
    return subprocess.run([sys.executable, "-m", "etl.cli", "run", "--date", DAY, "--base-url", base_url],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)


def _counts(url: str) -> dict:
    return {name: query(url, sql)[0][0] for name, sql in COUNTS.items()}


def test_nightly_dag_against_snapshot_is_complete_and_idempotent(fresh_db_url, snapshot_url, tmp_path):
    first = _run(fresh_db_url, tmp_path, snapshot_url)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-2000:]
    after_first = _counts(fresh_db_url)
    for layer in ("raw", "staging", "extractions", "events", "evidence", "canonical", "export", "summaries"):
        assert after_first[layer] > 0, (layer, after_first, first.stdout[-2000:])
    assert "Hadath run summary for 2022-01-21" in first.stdout
    # every task of the run, including the quality checks, ran
    for task in ("crawl", "clean", "extract", "load", "check_every_event_has_evidence", "summary"):
        assert f"· {task}" in first.stdout, task

    second = _run(fresh_db_url, tmp_path, snapshot_url)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-2000:]
    assert _counts(fresh_db_url) == after_first  # same rows, same event ids, no new revisions


def test_backfill_create_plans_one_run_per_past_day(fresh_db_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": fresh_db_url, "HADATH_STATE_DIR": str(tmp_path)}
    # in a deployment the dag-processor serializes the DAG; on a fresh home do it once by hand
    subprocess.run([sys.executable, "-m", "etl.cli", "airflow", "dags", "reserialize"], cwd=ROOT, env=env,
                   capture_output=True, timeout=300, check=True)
    res = subprocess.run([sys.executable, "-m", "etl.cli", "airflow", "backfill", "create", "--dag-id",
                          "hadath_nightly", "--from-date", "2022-01-20", "--to-date", "2022-01-22", "--dry-run"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert res.returncode == 0, res.stderr[-2000:]
    planned = sorted(set(re.findall(r"\| (2022-01-\d\d \d\d:\d\d:\d\d\+00:00) \|", res.stdout)))
    # 02:00 Asia/Damascus (UTC+2 in January 2022) is 00:00 UTC: one run per night
    assert planned == ["2022-01-20 00:00:00+00:00", "2022-01-21 00:00:00+00:00", "2022-01-22 00:00:00+00:00"]

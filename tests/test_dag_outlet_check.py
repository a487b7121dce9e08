"""The weekly DAG `hadath_outlet_check`: its shape, its verdict, and a real run (`airflow dags test`
through `hadath airflow`) against the offline snapshot with outlets broken on purpose: it fails and
alerts once through the failure callback (a local webhook receives it). (Tags, owner, retries and
timeouts of every DAG: tests/test_dags.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_outlets_cli import broken_on_purpose

DAG_ID = "hadath_outlet_check"
LOGICAL_DATE = "2026-12-07T06:00:00+02:00"  # a Monday, 06:00 Damascus


@pytest.fixture(scope="module")
def dag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags"))
    assert bag.import_errors == {}
    return bag.dags[DAG_ID]


def test_weekly_on_monday_morning_damascus(dag):
    from airflow.timetables.trigger import CronTriggerTimetable

    assert isinstance(dag.timetable, CronTriggerTimetable)
    assert dag.timetable._expression == "0 6 * * 1"
    assert str(dag.timetable._timezone) in ("Asia/Damascus", "Timezone('Asia/Damascus')")
    assert not dag.catchup


def test_checks_are_mapped_per_outlet_and_the_verdict_waits_for_all(dag):
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    tasks = dag.task_dict
    assert set(tasks) == {"outlets", "check", "verdict"}
    assert isinstance(tasks["check"], MappedOperator) and tasks["check"].upstream_task_ids == {"outlets"}
    assert tasks["verdict"].upstream_task_ids == {"outlets", "check"}
    assert tasks["verdict"].trigger_rule == "all_done"  # runs (and alerts) even when a check task failed
    assert tasks["verdict"].on_failure_callback  # the alert


class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server API)
        _Hook.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def airflow_run(tmp_path_factory, admin_url, db_url) -> Iterator:
    """Run the DAG once per call with an outlets file and conf; a webhook collects the alerts."""
    from etl.db import server_execute, with_dbname
    from etl.snapshot import start_server

    name = "hadath_oc_" + os.urandom(4).hex()
    server_execute(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{db_url.rsplit("/", 1)[1]}"')
    state = tmp_path_factory.mktemp("state")  # the run's own Airflow home
    hook = HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()

    def run(outlets: Path, slugs: list[str]) -> tuple[subprocess.CompletedProcess, list[dict]]:
        _Hook.received = []
        env = {**os.environ, "DATABASE_URL": with_dbname(admin_url, name), "HADATH_STATE_DIR": str(state),
               "HADATH_RETRY_DELAY_S": "1", "HADATH_OUTLETS_FILE": str(outlets),
               "HADATH_ALERT_WEBHOOK": f"http://127.0.0.1:{hook.server_port}/alert"}
        conf = json.dumps({"base_url": server.base_url, "outlets": slugs})
        res = subprocess.run([sys.executable, "-m", "etl.cli", "airflow", "dags", "test", DAG_ID, LOGICAL_DATE,
                              "-c", conf], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
                             check=False)
        return res, list(_Hook.received)

    try:
        with start_server() as server:
            yield run
    finally:
        hook.shutdown()
        hook.server_close()
        server_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
def test_broken_and_blocked_outlets_fail_the_run_and_alert_once(airflow_run, tmp_path):
    res, alerts = airflow_run(broken_on_purpose(tmp_path), ["enab", "sohr-cloudflare"])
    assert res.returncode != 0, res.stdout[-3000:]
    assert len(alerts) == 1, alerts  # after the retries, once
    alert = alerts[0]
    assert (alert["dag_id"], alert["task_id"]) == (DAG_ID, "verdict")
    assert alert["error"] == (
        "outlet check: 2 of 2 outlet(s) broken or blocked: enab broken (article_url_pattern: "
        "^/no-such-section/\\d+/$ matches no link of feed, sitemap, listing); "
        'sohr-cloudflare blocked (feed: challenge (Cloudflare "Just a moment...", HTTP 503))')
    assert "sohr-cloudflare feed     /feed/" in res.stdout + res.stderr  # the probe table is in the task log


def test_verdict_passes_healthy_reports_and_fails_a_check_that_did_not_run():
    from etl.errors import HadathError
    from etl.outlet_check import Probe, Report, weekly_verdict

    ok = Report("orient", [Probe("article", "https://www.orient-news.net/ar/news_show/1/0/x", "ok", "article")])
    degraded = Report("horrya", [Probe("feed", "https://horrya.net/feed/", "warn", "2 entries (malformed XML)")],
                      "degraded", "feed: 2 entries (malformed XML)")
    text = weekly_verdict(["orient", "horrya"], [ok.as_dict(), degraded.as_dict()])
    assert text.splitlines()[-2:] == ["orient  ok", "horrya  degraded: feed: 2 entries (malformed XML)"]
    with pytest.raises(HadathError) as caught:
        weekly_verdict(["orient", "horrya", "sohr"], [ok.as_dict(), degraded.as_dict(), None])
    assert str(caught.value) == ("outlet check: 1 of 3 outlet(s) broken or blocked: sohr broken "
                                 "(check: the check of this outlet did not run)")

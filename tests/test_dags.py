"""DAG files: import cleanly, carry the defaults we promise, and have the expected shape."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(ROOT / "dags"))


@pytest.fixture(scope="module")
def nightly(dagbag):
    return dagbag.dags["hadath_nightly"]


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "hadath_nightly" in dagbag.dags


def test_every_dag_has_tags_owner_retries_docs(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, dag_id
        assert dag.doc_md, dag_id
        assert dag.max_active_runs == 1, dag_id
        for task in dag.tasks:
            assert task.retries >= 2, task.task_id
            assert task.owner == "hadath", task.task_id
            assert task.execution_timeout is not None, task.task_id
            assert task.retry_delay > timedelta(0), task.task_id


def test_schedule_is_daily_interval_at_2am_damascus(nightly):
    from airflow.timetables.interval import CronDataIntervalTimetable

    assert isinstance(nightly.timetable, CronDataIntervalTimetable)
    assert nightly.timetable._expression == "0 2 * * *"
    assert str(nightly.timetable._timezone) in ("Asia/Damascus", "Timezone('Asia/Damascus')")


def test_pipeline_order(nightly):
    t = nightly.task_dict
    assert t["crawl"].upstream_task_ids == {"window", "outlets"}
    assert "crawl" in t["clean"].upstream_task_ids and t["clean"].trigger_rule == "all_done"
    assert t["extract"].upstream_task_ids == {"window", "clean"}
    assert t["load"].upstream_task_ids == {"window", "extract"}
    checks = {k for k in t if k.startswith("check_")}
    assert checks == {"check_valid_event_types", "check_dates_in_window", "check_coordinates_in_syria",
                      "check_fatalities_non_negative", "check_every_event_has_evidence"}
    for name in checks:
        assert t[name].upstream_task_ids == {"load"}
        assert not t[name].downstream_task_ids  # leaves: a failed check fails the run
        assert t[name].conn_id == "hadath_db"
    assert not t["crawl_health"].downstream_task_ids


def test_crawl_is_mapped_per_outlet(nightly):
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    assert isinstance(nightly.task_dict["crawl"], MappedOperator)


def test_window_is_previous_calendar_day():
    from etl.orchestrate import window_for_interval

    tz = ZoneInfo("Asia/Damascus")
    win = window_for_interval(datetime(2022, 1, 20, 2, 0, tzinfo=tz))
    assert win.since == datetime(2022, 1, 20, 0, 0, tzinfo=tz)
    assert win.until == datetime(2022, 1, 21, 0, 0, tzinfo=tz)
    # the same instant given in UTC lands on the same Damascus day
    assert window_for_interval(datetime(2022, 1, 20, 0, 0, tzinfo=ZoneInfo("UTC"))).day.isoformat() == "2022-01-20"
    # across the 2022 switch to permanent UTC+3 the window is still 24 h of local days
    late = window_for_interval(datetime(2022, 10, 28, 2, 0, tzinfo=tz))
    assert late.since.date().isoformat() == "2022-10-28"


def test_hadath_run_date_maps_to_the_run_that_processes_that_day(nightly):
    """`hadath run --date D` triggers the run whose inferred data interval starts on D."""
    from etl.commands.run import logical_date
    from etl.orchestrate import window_for_interval

    run_after = datetime.fromisoformat(logical_date(datetime(2022, 1, 21).date()))
    interval = nightly.timetable.infer_manual_data_interval(run_after=run_after)
    assert window_for_interval(interval.start).day.isoformat() == "2022-01-21"
    assert interval.end == run_after

"""A processing task that dies midway (after some batches committed) and is re-run ends with
every article processed exactly once: nothing duplicated, nothing missing."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

import etl.clean.pipeline as clean_pipeline
import etl.events.pipeline as extract_pipeline
from bench.corpus import insert_corpus
from etl import orchestrate
from etl.audit import audit
from tests.conftest import query

DAY = date(2022, 3, 14)
WINDOW = orchestrate.day_window(DAY)
N = 24


class Killed(BaseException):
    """Stands in for SIGKILL / an Airflow task timeout: not an Exception, so nothing catches it."""


def _die_on_second_call(real):
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise Killed
        return real(*args, **kwargs)

    return wrapper


def test_clean_and_extract_resume_after_a_crash(fresh_db_url, monkeypatch):
    insert_corpus(fresh_db_url, N, datetime.combine(DAY, datetime.min.time(), ZoneInfo("Asia/Damascus")))
    monkeypatch.setattr(clean_pipeline, "BATCH_SIZE", 8)
    with monkeypatch.context() as m:
        m.setattr(clean_pipeline, "run_batch", _die_on_second_call(clean_pipeline.run_batch))
        with pytest.raises(Killed):
            clean_pipeline.clean(fresh_db_url, since=WINDOW.since, until=WINDOW.until, batch_size=8, workers=1)
    assert query(fresh_db_url, "SELECT count(*) FROM staging.articles") == [(8,)]  # first batch committed only
    clean_pipeline.clean(fresh_db_url, since=WINDOW.since, until=WINDOW.until, batch_size=8, workers=1)
    assert query(fresh_db_url, "SELECT count(*), count(DISTINCT article_id) FROM staging.articles") == [(N, N)]

    monkeypatch.setattr(extract_pipeline, "BATCH_SIZE", 8)
    with monkeypatch.context() as m:
        m.setattr(extract_pipeline, "load_article_events", _die_on_second_call(extract_pipeline.load_article_events))
        with pytest.raises(Killed):
            orchestrate.extract(WINDOW, fresh_db_url)
    partial = query(fresh_db_url, "SELECT count(*) FROM staging.extractions")[0][0]
    assert 0 < partial < N
    orchestrate.extract(WINDOW, fresh_db_url)
    events = query(fresh_db_url, "SELECT count(*), count(DISTINCT event_id) FROM warehouse.events")[0]
    assert events[0] == events[1] > 0
    orchestrate.extract(WINDOW, fresh_db_url)  # and once more: nothing changes
    assert query(fresh_db_url, "SELECT count(*) FROM warehouse.events")[0][0] == events[0]
    report = audit(WINDOW.since, WINDOW.until, fresh_db_url)
    assert report.reconciles and report.problems == [] and report.clean_states["cleaned"] == N

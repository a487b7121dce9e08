"""Extraction with several worker processes loads exactly what a single process loads."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bench.corpus import insert_corpus
from etl.clean.pipeline import clean
from etl.events.pipeline import extract_window
from tests.conftest import query

DAY = date(2022, 3, 15)
TZ = ZoneInfo("Asia/Damascus")


def test_two_workers_match_one(fresh_db_url):
    insert_corpus(fresh_db_url, 30, datetime.combine(DAY, datetime.min.time(), TZ))
    clean(fresh_db_url, since=DAY, until=DAY, workers=1)
    first = extract_window(DAY, DAY, fresh_db_url, workers=2)
    assert first["failed"] == 0 and first["events"] > 0 and first["inserted"] == first["events"]
    dump = query(fresh_db_url, "SELECT event_id, fatalities, location_ar, updated_at FROM warehouse.events ORDER BY 1")
    again = extract_window(DAY, DAY, fresh_db_url, workers=1)
    assert (again["inserted"], again["updated"], again["removed"]) == (0, 0, 0)
    assert query(fresh_db_url, "SELECT event_id, fatalities, location_ar, updated_at FROM warehouse.events "
                               "ORDER BY 1") == dump

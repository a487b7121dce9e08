"""Data-quality checks and the run summary on a real PostgreSQL."""

from __future__ import annotations

import gzip
from dataclasses import replace
from datetime import date

import pytest

from etl.errors import HadathError
from etl.events.model import Event, Evidence
from etl.load import ArticleEvents, load_article_events
from etl.orchestrate import connection_dsn, day_window, format_summary, run_summary
from etl.quality import CHECKS, run_checks
from tests.conftest import query

WINDOW = day_window(date(2022, 1, 20))


def _staged_article(url: str, n: int = 1) -> int:
    aid = query(url, """INSERT INTO raw.articles (outlet, canonical_url, url, fetched_at, http_status, html_gz,
                        content_hash) VALUES ('sohr', %s, %s, now(), 200, %s, 'h') RETURNING article_id""",
                (f"https://www.syriahr.com/{n}/",) * 2 + (gzip.compress(b"x"),))[0][0]
    query(url, """INSERT INTO staging.articles (article_id, outlet, url, raw_content_hash, body, published_at,
                  text_hash, cleaner_version) VALUES (%s, 'sohr', 'u', 'h', 'نص', '2022-01-20 15:00+02', 't', '1')""",
          (aid,))
    return aid


def _event(**kw) -> Event:
    base = Event(event_date=date(2022, 1, 19), time_precision=1, event_type="Violence against civilians",
                 sub_event_type="Attack", actor1="Unidentified Armed Group (Syria)", inter1=3,
                 actor2="Civilians (Syria)", inter2=7, civilian_targeting="Civilians targeted", admin1="Dar'a",
                 admin1_pcode="SY12", location_ar="المزيريب", latitude=32.71, longitude=35.96, geo_precision=1,
                 fatalities=1, source="SOHR", evidence=[Evidence(0, "ملثمون يقتلون شابا")], confidence=0.7,
                 extractor="rules", extractor_version="t")
    return replace(base, **kw)


def _load(url: str, aid: int, events: list[Event]) -> None:
    load_article_events([ArticleEvents(aid, f"k{aid}", "sohr", "u", events)], url)


def test_clean_night_passes_all_checks(fresh_db_url):
    _load(fresh_db_url, _staged_article(fresh_db_url), [_event()])
    assert run_checks(WINDOW, fresh_db_url) == {name: True for name in CHECKS}


@pytest.mark.parametrize("bad, check", [
    ({"latitude": 48.1}, "coordinates_in_syria"),
    ({"latitude": None}, "coordinates_in_syria"),
    ({"event_date": date(2022, 1, 21)}, "dates_in_window"),   # after its own report
    ({"event_date": date(2021, 11, 1)}, "dates_in_window"),   # beyond the look-back
    ({"evidence": []}, "every_event_has_evidence"),
])
def test_each_violation_fails_its_check(fresh_db_url, bad, check):
    _load(fresh_db_url, _staged_article(fresh_db_url), [_event(**bad)])
    with pytest.raises(HadathError, match=check):
        run_checks(WINDOW, fresh_db_url)


def test_negative_fatalities_cannot_even_be_stored(fresh_db_url):
    import psycopg2

    with pytest.raises(psycopg2.errors.CheckViolation):
        _load(fresh_db_url, _staged_article(fresh_db_url), [_event(fatalities=-1)])


def test_run_summary_counts_and_is_idempotent(fresh_db_url):
    aid = _staged_article(fresh_db_url)
    _load(fresh_db_url, aid, [_event(), _event(location_ar="طفس", latitude=32.74)])
    query(fresh_db_url, "INSERT INTO warehouse.unresolved_places (name_norm, article_id, name_ar) VALUES ('x', %s, 'x')",
          (aid,))
    first = run_summary(WINDOW, "run-1", fresh_db_url)
    assert [(r["outlet"], r["articles_cleaned"], r["events"], r["unresolved_places"]) for r in first] == \
        [("sohr", 1, 2, 1)]
    assert first[0]["events_by_type"] == {"Violence against civilians": 2}
    run_summary(WINDOW, "run-2", fresh_db_url)
    assert query(fresh_db_url, "SELECT count(*), max(run_id) FROM hadath_meta.run_summaries") == [(1, "run-2")]
    assert "sohr" in format_summary(WINDOW, first)


def test_connection_dsn_keeps_socket_hosts():
    dsn = connection_dsn("", None, "hadath", "postgres", None, {"host": "/srv/run", "port": 5432})
    assert "host=/srv/run" in dsn and "dbname=hadath" in dsn and "port=5432" in dsn

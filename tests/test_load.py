"""Warehouse load: COPY + upsert in one transaction, idempotent, atomic."""

from __future__ import annotations

import gzip
from dataclasses import replace
from datetime import date

import psycopg2
import pytest

from etl.events.model import Event, Evidence
from etl.load import ArticleEvents, load_article_events
from tests.conftest import query


def _article(url: str, canonical: str) -> int:
    rows = query(url, """INSERT INTO raw.articles (outlet, canonical_url, url, fetched_at, http_status,
                         html_gz, content_hash) VALUES ('npa', %s, %s, now(), 200, %s, 'h')
                         RETURNING article_id""", (canonical, canonical, gzip.compress(b"<html/>")))
    return rows[0][0]


def _event(place: str, fatalities: int = 0, sub: str = "Armed clash") -> Event:
    return Event(event_date=date(2022, 1, 20), time_precision=1, event_type="Battles", sub_event_type=sub,
                 actor1="Islamic State (Syria)", inter1=2, actor2="SDF: Syrian Democratic Forces", inter2=2,
                 admin1="Deir-ez-Zor", admin1_pcode="SY09", location_ar=place, location=place,
                 latitude=35.0, longitude=40.5, geo_precision=1, fatalities=fatalities, source="North Press",
                 evidence=[Evidence(0, f"اشتباكات في {place}\tمع\\خلايا")], confidence=0.8,
                 extractor="rules", extractor_version="test-1")


def _batch(aid: int, events: list[Event], unresolved=()) -> list[ArticleEvents]:
    return [ArticleEvents(aid, "https://npasyria.com/1/", "npa", "https://npasyria.com/1/", events,
                          list(unresolved))]


def _dump(url: str) -> list[tuple]:
    return query(url, "SELECT event_id, location_ar, fatalities, updated_at FROM warehouse.events ORDER BY 1")


def test_load_is_idempotent_and_keeps_ids(fresh_db_url):
    aid = _article(fresh_db_url, "https://npasyria.com/1/")
    batch = _batch(aid, [_event("ذيبان", 3), _event("الشحيل", 1)], [("الكبر", "SY09"), ("الكبر", "SY09")])
    first = load_article_events(batch)
    assert (first.inserted, first.updated, first.removed) == (2, 0, 0)
    before = _dump(fresh_db_url)
    again = load_article_events(batch)
    assert (again.inserted, again.updated, again.removed) == (0, 0, 0)
    assert _dump(fresh_db_url) == before  # nothing touched, not even updated_at
    assert query(fresh_db_url, "SELECT count(*) FROM warehouse.event_evidence") == [(2,)]
    assert query(fresh_db_url, "SELECT name_ar, occurrences FROM warehouse.unresolved_places") == [("الكبر", 2)]
    # text with tabs/backslashes survives COPY verbatim
    assert query(fresh_db_url, "SELECT sentence FROM warehouse.event_evidence ORDER BY 1 LIMIT 1")[0][0] \
        .endswith("\tمع\\خلايا")


def test_reload_replaces_changed_and_removes_stale(fresh_db_url):
    aid = _article(fresh_db_url, "https://npasyria.com/1/")
    load_article_events(_batch(aid, [_event("ذيبان", 3), _event("الشحيل", 1)]))
    ids = dict((r[1], r[0]) for r in _dump(fresh_db_url))
    res = load_article_events(_batch(aid, [_event("ذيبان", 2)]))
    assert (res.inserted, res.updated, res.removed) == (0, 1, 1)
    rows = _dump(fresh_db_url)
    assert [(r[0], r[1], r[2]) for r in rows] == [(ids["ذيبان"], "ذيبان", 2)]  # same id, corrected figure
    assert query(fresh_db_url, "SELECT count(*) FROM warehouse.event_sources") == [(1,)]


def test_failed_batch_leaves_no_partial_rows(fresh_db_url):
    aid = _article(fresh_db_url, "https://npasyria.com/1/")
    bad = replace(_event("الشحيل"), sub_event_type="Not a sub-event type")
    with pytest.raises(psycopg2.errors.ForeignKeyViolation):
        load_article_events(_batch(aid, [_event("ذيبان", 3), bad], [("الكبر", None)]))
    for table in ("events", "event_evidence", "event_sources", "unresolved_places"):
        assert query(fresh_db_url, f"SELECT count(*) FROM warehouse.{table}") == [(0,)], table


def test_extraction_record_lands_with_the_events(fresh_db_url):
    aid = _article(fresh_db_url, "https://npasyria.com/1/")
    other = _article(fresh_db_url, "https://npasyria.com/2/")
    batch = _batch(aid, [_event("ذيبان", 3)], [("الكبر", "SY09")])
    batch[0].text_hash, batch[0].extractor, batch[0].extractor_version = "t1", "rules", "1.0"
    batch.append(ArticleEvents(other, "https://npasyria.com/2/", "npa", "u", [], text_hash="t2",
                               extractor="rules", extractor_version="1.0", skipped_reason="not Arabic"))
    load_article_events(batch)
    rows = query(fresh_db_url, "SELECT article_id, status, skipped_reason, events, unresolved, extracted_at "
                               "FROM staging.extractions ORDER BY article_id")
    assert [r[:5] for r in rows] == [(aid, "ok", "", 1, 1), (other, "skipped", "not Arabic", 0, 0)]
    load_article_events(batch)  # unchanged: the record is not rewritten
    assert query(fresh_db_url, "SELECT extracted_at FROM staging.extractions ORDER BY article_id") == \
        [(r[5],) for r in rows]


def test_connection_lost_mid_load_rolls_back_and_retry_completes(fresh_db_url, monkeypatch):
    """The server drops the connection after the COPY, inside the transaction: nothing of that
    attempt survives, and the automatic retry loads the whole batch exactly once."""
    import etl.load as load_mod

    aid = _article(fresh_db_url, "https://npasyria.com/1/")
    real_apply, calls = load_mod._apply, []

    def dying_apply(cur, batch, summary):
        calls.append(1)
        if len(calls) == 1:
            cur.execute("SELECT 1")
            _copy_then_die(cur)
        return real_apply(cur, batch, summary)

    def _copy_then_die(cur):
        real_apply(cur, batch, load_mod.LoadSummary())  # everything written inside the transaction...
        cur.execute("SELECT pg_terminate_backend(pg_backend_pid())")  # ...then the connection is lost

    batch = _batch(aid, [_event("ذيبان", 3), _event("الشحيل", 1)], [("الكبر", "SY09")])
    monkeypatch.setattr(load_mod, "_apply", dying_apply)
    monkeypatch.setattr(load_mod, "RETRY_BASE_DELAY_S", 0.01)
    summary = load_article_events(batch)
    assert len(calls) == 2 and summary.attempts == 2
    assert (summary.inserted, summary.updated) == (2, 0)  # the retry saw an empty table: rollback worked
    assert query(fresh_db_url, "SELECT count(*) FROM warehouse.events") == [(2,)]
    assert query(fresh_db_url, "SELECT count(*) FROM warehouse.event_evidence") == [(2,)]
    assert query(fresh_db_url, "SELECT occurrences FROM warehouse.unresolved_places") == [(1,)]

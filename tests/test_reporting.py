"""Reporting layer: ACLED export columns, views, and the read-only role."""

from __future__ import annotations

import csv
import gzip
import io
import subprocess
import sys
from datetime import date

import psycopg2
import pytest

from etl.canonical import reconcile
from etl.events.model import Event, Evidence
from etl.export import ACLED_COLUMNS, export_csv
from etl.load import ArticleEvents, load_article_events
from tests.conftest import ROOT, query

# ACLED's column list as written in the shared coding notes (the reference), split here independently.
ACLED_DOC_ORDER = """event_id_cnty, event_date, year, time_precision, disorder_type, event_type, sub_event_type,
actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction, civilian_targeting, iso, region,
country, admin1, admin2, admin3, location, latitude, longitude, geo_precision, source, source_scale, notes,
fatalities, tags, timestamp"""


def _seed(url: str) -> None:
    aid = query(url, """INSERT INTO raw.articles (outlet, canonical_url, url, fetched_at, http_status, html_gz,
                        content_hash) VALUES ('orient', 'k', 'u', now(), 200, %s, 'h') RETURNING article_id""",
                (gzip.compress(b"x"),))[0][0]
    ev = Event(event_date=date(2022, 1, 21), time_precision=1, event_type="Explosions/Remote violence",
               sub_event_type="Shelling/artillery/missile attack", actor1="Military Forces of Syria (2000-2024)",
               inter1=1, actor2="Civilians (Syria)", inter2=7, civilian_targeting="Civilians targeted",
               admin1="Aleppo", admin1_pcode="SY02", admin2="Atareb", admin2_pcode="SY0200",
               admin3="Atareb", admin3_pcode="SY020001", location="Atareb", location_ar="الأتارب",
               location_pcode="C1234", latitude=36.14, longitude=36.83, geo_precision=2, fatalities=2,
               source="Orient Net", evidence=[Evidence(0, 'قصف مدفعي على "أطراف" الأتارب, <b>')],
               confidence=0.7, extractor="rules", extractor_version="t")
    load_article_events([ArticleEvents(aid, "k", "orient", "u", [ev])], url)
    reconcile([aid], url)


def test_acled_columns_match_the_codebook():
    assert ACLED_COLUMNS == tuple(c.strip() for c in ACLED_DOC_ORDER.replace("\n", " ").split(","))


def test_export_writes_acled_csv(fresh_db_url):
    _seed(fresh_db_url)
    out = io.StringIO()
    assert export_csv(out, date(2022, 1, 1), date(2022, 1, 31), fresh_db_url) == 1
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == ACLED_COLUMNS
    rec = dict(zip(rows[0], rows[1], strict=True))
    assert rec["event_id_cnty"].startswith("SYR") and rec["iso"] == "760" and rec["country"] == "Syria"
    assert rec["interaction"] == "17" and rec["civilian_targeting"] == "Civilians targeted"
    assert rec["notes"] == 'قصف مدفعي على "أطراف" الأتارب, <b>'  # stored and exported verbatim
    assert export_csv(io.StringIO(), date(2022, 2, 1), date(2022, 2, 28), fresh_db_url) == 0


def test_export_cli_bad_range_exits_2(fresh_db_url):
    res = subprocess.run([sys.executable, "-m", "etl.cli", "export", "--since", "2022-02-01", "--until",
                          "2022-01-01"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert res.returncode == 2 and "before" in res.stderr


def test_views_answer(fresh_db_url):
    _seed(fresh_db_url)
    assert query(fresh_db_url, "SELECT admin1, event_type, events, fatalities FROM reporting.daily_events") == \
        [("Aleppo", "Explosions/Remote violence", 1, 2)]
    assert query(fresh_db_url, "SELECT actor1, actor2, events FROM reporting.actor_dyads") == \
        [("Military Forces of Syria (2000-2024)", "Civilians (Syria)", 1)]
    assert query(fresh_db_url, "SELECT admin3_pcode, events FROM reporting.hotspots_subdistrict") == \
        [("SY020001", 1)]
    assert query(fresh_db_url, "SELECT outlet, articles_fetched, event_reports FROM reporting.outlet_coverage") == \
        [("orient", 1, 1)]
    assert query(fresh_db_url, "SELECT count(*) FROM reporting.crawl_health") == [(0,)]


def _as_reader(url: str, sql: str) -> None:
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SET ROLE hadath_reader")
            cur.execute(sql)
    finally:
        conn.close()


def test_reader_can_select_reporting(fresh_db_url):
    _seed(fresh_db_url)
    _as_reader(fresh_db_url, "SELECT * FROM reporting.acled_events")
    _as_reader(fresh_db_url, "SELECT * FROM reporting.outlet_coverage")


@pytest.mark.parametrize("sql", [
    "INSERT INTO warehouse.events (event_id) VALUES ('x')",
    "DELETE FROM warehouse.canonical_events",
    "UPDATE raw.articles SET outlet = 'x'",
    "SELECT * FROM raw.articles",
    "SELECT * FROM warehouse.events",
    "CREATE TABLE reporting.sneaky (x int)",
    "CREATE VIEW reporting.sneaky AS SELECT 1",
])
def test_reader_cannot_write_or_read_beyond_reporting(fresh_db_url, sql):
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        _as_reader(fresh_db_url, sql)


def _as(url: str, role: str, sql: str) -> None:
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(f"SET ROLE {role}")
            cur.execute(sql)
    finally:
        conn.close()


def test_writer_writes_data_but_cannot_change_the_schema(fresh_db_url):
    _as(fresh_db_url, "hadath_writer", """INSERT INTO raw.articles (outlet, canonical_url, url, fetched_at,
        http_status, html_gz, content_hash) VALUES ('t', 'w', 'w', now(), 200, '\\x00', 'h')""")
    _as(fresh_db_url, "hadath_writer", "UPDATE raw.articles SET outlet = 'u' WHERE canonical_url = 'w'")
    for ddl in ("CREATE TABLE raw.sneaky (x int)", "DROP TABLE warehouse.events", "ALTER TABLE raw.articles ADD x int",
                "TRUNCATE raw.articles"):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            _as(fresh_db_url, "hadath_writer", ddl)


def test_load_cli_merges_a_window_into_canonical_events(fresh_db_url):
    import gzip as _gzip
    import os

    from etl.events.model import Event as _Event

    aid = query(fresh_db_url, """INSERT INTO raw.articles (outlet, canonical_url, url, fetched_at, http_status,
                                 html_gz, content_hash) VALUES ('npa', 'k', 'u', now(), 200, %s, 'h')
                                 RETURNING article_id""", (_gzip.compress(b"x"),))[0][0]
    query(fresh_db_url, """INSERT INTO staging.articles (article_id, outlet, url, raw_content_hash, body, text_hash,
                           cleaner_version, published_at) VALUES (%s, 'npa', 'u', 'h', 'نص', 't', '1',
                           '2022-01-20 12:00+02')""", (aid,))
    ev = _Event(event_date=date(2022, 1, 20), time_precision=1, event_type="Battles", sub_event_type="Armed clash",
                actor1="Islamic State (Syria)", inter1=2, admin1="Deir-ez-Zor", location_ar="ذيبان", geo_precision=1,
                latitude=35.0, longitude=40.5, source="North Press", evidence=[Evidence(0, "x")], confidence=0.5,
                extractor="r", extractor_version="t")
    load_article_events([ArticleEvents(aid, "k", "npa", "u", [ev])], fresh_db_url)
    env = {**os.environ, "DATABASE_URL": fresh_db_url}
    res = subprocess.run([sys.executable, "-m", "etl.cli", "load", "--since", "2022-01-20", "--until", "2022-01-20"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    assert "1 created" in res.stdout
    assert query(fresh_db_url, "SELECT count(*) FROM reporting.acled_events") == [(1,)]

"""Monthly partitions (sql/0010): layout, the upgrade of a v1 database, on-demand months, identity."""

from __future__ import annotations

import gzip
import shutil
import threading
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg2
import pytest
from scrapy.utils.test import get_crawler

from etl import canonical, migrate, partitions
from etl.db import server_execute, with_dbname
from etl.events.model import Event, Evidence
from etl.load import ArticleEvents, load_article_events
from scrapers.items import ArticleItem
from scrapers.pipelines import PostgresArticlePipeline
from scrapers.spiders.outlet import OutletSpider
from scrapers.stats import NEW_KEY
from tests.conftest import ROOT, query

PARTITIONED = {"raw.articles": "RANGE (article_month)", "warehouse.events": "RANGE (event_date)",
               "warehouse.event_evidence": "RANGE (event_date)",
               "warehouse.canonical_events": "RANGE (event_date)"}


def _event(day: date, place: str = "ذيبان", fatalities: int = 2) -> Event:
    return Event(event_date=day, time_precision=1, event_type="Battles", sub_event_type="Armed clash",
                 actor1="Islamic State (Syria)", inter1=2, actor2="SDF: Syrian Democratic Forces", inter2=2,
                 admin1="Deir-ez-Zor", admin1_pcode="SY09", location_ar=place, location=place, latitude=35.0,
                 longitude=40.5, geo_precision=1, fatalities=fatalities, source="North Press",
                 evidence=[Evidence(0, f"اشتباكات في {place}")], confidence=0.8, extractor="rules",
                 extractor_version="test-1")


def _article(url: str, canonical_url: str, month: str | None = None) -> int:
    cols, vals = ("article_month,", "%s,") if month else ("", "")
    params = ((month,) if month else ()) + (canonical_url, canonical_url, gzip.compress(b"<html/>"))
    return query(url, f"""INSERT INTO raw.articles ({cols} outlet, canonical_url, url, fetched_at, http_status,
                          html_gz, content_hash) VALUES ({vals} 'npa', %s, %s, now(), 200, %s, 'h')
                          RETURNING article_id""", params)[0][0]


def _where(url: str, table: str, key_sql: str) -> list[tuple]:
    return query(url, f"SELECT tableoid::regclass::text, {key_sql} FROM {table} ORDER BY 2")  # noqa: S608


def test_tables_are_partitioned_by_month(db_url):
    rows = query(db_url, """SELECT c.oid::regclass::text, pg_get_partkeydef(c.oid)
                            FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid""")
    assert dict(rows) == PARTITIONED
    # the month the database was created in, and the next two, exist ahead of the first write
    month = partitions.month_of(datetime.now(UTC))
    assert query(db_url, "SELECT to_regclass(%s) IS NOT NULL", (f"raw.articles_p{month:%Y_%m}",)) == [(True,)]


def test_a_new_month_is_created_by_the_load_and_rows_land_in_it(fresh_db_url):
    aid = _article(fresh_db_url, "https://npasyria.com/1/")
    assert query(fresh_db_url, "SELECT to_regclass('warehouse.events_p2014_06')") == [(None,)]
    batch = [ArticleEvents(aid, "https://npasyria.com/1/", "npa", "https://npasyria.com/1/",
                           [_event(date(2014, 6, 30)), _event(date(2014, 7, 1), "الشحيل")])]
    assert load_article_events(batch).inserted == 2
    canonical.reconcile([aid])
    assert [r[0] for r in _where(fresh_db_url, "warehouse.events", "event_date")] == [
        "warehouse.events_p2014_06", "warehouse.events_p2014_07"]
    assert [r[0] for r in _where(fresh_db_url, "warehouse.event_evidence", "event_date")] == [
        "warehouse.event_evidence_p2014_06", "warehouse.event_evidence_p2014_07"]
    assert [r[0] for r in _where(fresh_db_url, "warehouse.canonical_events", "event_date")] == [
        "warehouse.canonical_events_p2014_06", "warehouse.canonical_events_p2014_07"]
    # a reload is idempotent, and a query over one month reads one partition
    again = load_article_events(batch)
    assert (again.inserted, again.updated, again.removed) == (0, 0, 0)
    plan = "\n".join(r[0] for r in query(fresh_db_url, """EXPLAIN SELECT * FROM reporting.acled_events
                                                          WHERE event_date BETWEEN '2014-06-01' AND '2014-06-30'"""))
    assert "canonical_events_p2014_06" in plan and "p2014_07" not in plan


def test_canonical_urls_stay_unique_across_months(fresh_db_url):
    query(fresh_db_url, "SELECT hadath_meta.ensure_month_partition('raw.articles', '2020-01-01')")
    _article(fresh_db_url, "https://npasyria.com/1/", "2020-01-01")
    with pytest.raises(psycopg2.errors.UniqueViolation):
        _article(fresh_db_url, "https://npasyria.com/1/")
    assert query(fresh_db_url, "SELECT count(*) FROM raw.articles") == [(1,)]
    with pytest.raises(psycopg2.errors.CheckViolation):  # a month is its first day
        _article(fresh_db_url, "https://npasyria.com/2/", "2020-01-15")


def test_crawler_files_by_discovery_date_and_a_refetch_keeps_the_month(fresh_db_url):
    pipeline = PostgresArticlePipeline.from_crawler(get_crawler(OutletSpider, {"HADATH_BATCH_SIZE": 10}))
    pipeline.open_spider()

    def item(filed_at: datetime | None, fetched: datetime) -> ArticleItem:
        return ArticleItem(outlet="halab", canonical_url="https://halab.example/1/", url="https://halab.example/1/",
                           fetched_at=fetched, http_status=200, headers={}, body=b"<html>x</html>",
                           encoding="utf-8", filed_at=filed_at)

    # 2016-02-29 22:30 UTC is 1 March in Damascus (UTC+2): the month is read in local time
    pipeline.process_item(item(datetime(2016, 2, 29, 22, 30, tzinfo=UTC), datetime(2026, 11, 25, tzinfo=UTC)))
    pipeline.flush()
    pipeline.process_item(item(None, datetime(2026, 11, 26, tzinfo=UTC)))
    pipeline.close_spider()
    rows = query(fresh_db_url, "SELECT tableoid::regclass::text, article_month, fetch_count FROM raw.articles")
    assert rows == [("raw.articles_p2016_03", date(2016, 3, 1), 2)]
    assert query(fresh_db_url, "SELECT article_month FROM raw.article_keys") == [(date(2016, 3, 1),)]
    assert pipeline.crawler.stats.get_value(NEW_KEY) == 1


def test_writer_role_can_add_a_month_and_concurrent_workers_agree(fresh_db_url):
    results, errors = [], []

    def worker() -> None:
        conn = psycopg2.connect(fresh_db_url)
        try:
            with conn, conn.cursor() as cur:
                cur.execute("SET ROLE hadath_writer")
                results.append(partitions.ensure(cur, partitions.EVENT_TABLES, [date(2011, 3, 15)]))
        except psycopg2.Error as err:
            errors.append(err)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(len(r) for r in results) == 3  # each table's month created exactly once
    assert query(fresh_db_url, "SELECT count(*) FROM pg_class WHERE relname LIKE '%%_p2011_03'") == [(3,)]
    conn = psycopg2.connect(fresh_db_url)
    try:
        with conn, conn.cursor() as cur:  # once a month exists, asking again changes nothing
            assert partitions.ensure(cur, partitions.EVENT_TABLES, [date(2011, 3, 1), date(2011, 3, 31)]) == []
    finally:
        conn.close()


@pytest.fixture
def v1_db(admin_url: str):
    """A database at schema 0009 (before partitioning), with rows in every moved table."""
    name = f"hadath_v1_{uuid.uuid4().hex[:10]}"
    server_execute(admin_url, f'CREATE DATABASE "{name}"')
    url = with_dbname(admin_url, name)
    try:
        yield url
    finally:
        server_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_v1_database_is_upgraded_with_every_row_and_reference(v1_db, tmp_path: Path):
    old = tmp_path / "sql"
    old.mkdir()
    for path in sorted((ROOT / "sql").glob("*.sql")):
        if int(path.name[:4]) <= 9:
            shutil.copy(path, old)
    migrate.upgrade(v1_db, old)
    query(v1_db, """
        INSERT INTO raw.articles (outlet, canonical_url, url, fetched_at, first_fetched_at, http_status, html_gz,
                                  content_hash)
        VALUES ('npa', 'https://a/1', 'https://a/1', '2025-03-04 23:30+00', '2025-03-04 23:30+00', 200, '\\x00', 'h'),
               ('npa', 'https://a/2', 'https://a/2', '2025-05-01', '2025-05-01', 200, '\\x00', 'h');
        INSERT INTO staging.articles (article_id, outlet, url, raw_content_hash, body, text_hash, cleaner_version)
        VALUES (1, 'npa', 'https://a/1', 'h', 'b', 'x', '1');
        INSERT INTO warehouse.canonical_events (merge_key, event_date, time_precision, disorder_type, event_type,
            sub_event_type, actor1, inter1, interaction, geo_precision, source, source_count)
        VALUES ('k1', '2025-03-02', 1, 'Political violence', 'Battles', 'Armed clash', 'A', 1, 11, 1, 'npa', 1);
        INSERT INTO warehouse.canonical_event_revisions (canonical_id, revision, caused_by_article_id, changes)
        VALUES (100001, 1, 1, '{"created": true}');
        INSERT INTO warehouse.events (event_id, article_id, event_date, time_precision, disorder_type, event_type,
            sub_event_type, actor1, inter1, interaction, geo_precision, source, extractor, extractor_version,
            confidence, canonical_id, merge_key)
        VALUES ('e1', 1, '2025-03-02', 1, 'Political violence', 'Battles', 'Armed clash', 'A', 1, 11, 1, 'npa',
                'rules', '1', 0.9, 100001, 'k1');
        INSERT INTO warehouse.event_evidence VALUES ('e1', 1, 0, 'جملة', 'https://a/1', 'npa', '1', 0.9);
    """)
    applied = migrate.upgrade(v1_db)
    assert [m.version for m in applied] == [m.version for m in migrate.discover() if m.version > 9]

    # every row moved, into the month it belongs to (first fetch, Damascus time: 5 March)
    assert _where(v1_db, "raw.articles", "article_id") == [("raw.articles_p2025_03", 1), ("raw.articles_p2025_05", 2)]
    assert query(v1_db, "SELECT article_id, canonical_url, article_month FROM raw.article_keys ORDER BY 1") == [
        (1, "https://a/1", date(2025, 3, 1)), (2, "https://a/2", date(2025, 5, 1))]
    assert _where(v1_db, "warehouse.events", "event_id") == [("warehouse.events_p2025_03", "e1")]
    assert query(v1_db, "SELECT event_id, event_date, sentence FROM warehouse.event_evidence") == [
        ("e1", date(2025, 3, 2), "جملة")]
    assert query(v1_db, "SELECT event_id_cnty, merge_key FROM warehouse.canonical_events") == [("SYR100001", "k1")]
    assert query(v1_db, "SELECT canonical_id, event_date FROM warehouse.canonical_event_revisions") == [
        (100001, date(2025, 3, 2))]
    # the views read the new tables; the old ones are kept, rows and all, in `legacy`
    assert query(v1_db, "SELECT event_id, outlet FROM warehouse.event_sources") == [("e1", "npa")]
    assert query(v1_db, "SELECT event_id_cnty FROM reporting.acled_events") == [("SYR100001",)]
    assert query(v1_db, """SELECT count(*) FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
                           JOIN pg_class c ON c.oid = d.refobjid
                           WHERE c.relnamespace = 'legacy'::regnamespace AND r.ev_class <> d.refobjid""") == [(0,)]
    assert query(v1_db, "SELECT count(*) FROM legacy.articles") == [(2,)]
    # references follow the registry; ids continue where v1 stopped
    assert query(v1_db, """SELECT count(*) FROM pg_constraint WHERE contype = 'f'
                           AND confrelid = 'legacy.articles'::regclass
                           AND connamespace <> 'legacy'::regnamespace""") == [(0,)]
    with pytest.raises(psycopg2.errors.ForeignKeyViolation):
        query(v1_db, """INSERT INTO staging.quarantine (article_id, stage, error, raw_content_hash)
                        VALUES (99, 'clean', 'x', 'h')""")
    assert _article(v1_db, "https://a/3") == 3


def test_evidence_integrity_is_kept_per_statement(fresh_db_url):
    aid = _article(fresh_db_url, "https://npasyria.com/1/")
    other = _article(fresh_db_url, "https://npasyria.com/2/")
    load_article_events([ArticleEvents(aid, "https://npasyria.com/1/", "npa", "https://npasyria.com/1/",
                                       [_event(date(2022, 1, 20))])])
    (event_id,) = query(fresh_db_url, "SELECT event_id FROM warehouse.events")[0]
    insert = """INSERT INTO warehouse.event_evidence (event_id, event_date, article_id, sentence_index, sentence,
                url, outlet, extractor_version, confidence) VALUES (%s, %s, %s, 5, 's', 'u', 'npa', '1', 0.5)"""
    for bad in [("SYR-nope", date(2022, 1, 20), aid),  # no such event
                (event_id, date(2022, 1, 21), aid),    # right id, wrong date
                (event_id, date(2022, 1, 20), other)]:  # another article's evidence for this event
        with pytest.raises(psycopg2.errors.ForeignKeyViolation):
            query(fresh_db_url, insert, bad)
    with pytest.raises(psycopg2.errors.ForeignKeyViolation, match="still has evidence"):
        query(fresh_db_url, "DELETE FROM warehouse.events")
    with pytest.raises(psycopg2.errors.ForeignKeyViolation):
        query(fresh_db_url, "UPDATE warehouse.event_evidence SET article_id = %s", (other,))
    assert query(fresh_db_url, "SELECT count(*) FROM warehouse.event_evidence") == [(1,)]
    # the loader's own order (evidence first) removes an event cleanly when re-extraction drops it
    load_article_events([ArticleEvents(aid, "https://npasyria.com/1/", "npa", "https://npasyria.com/1/", [])])
    assert query(fresh_db_url, "SELECT count(*) FROM warehouse.events") == [(0,)]

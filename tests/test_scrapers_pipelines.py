"""Pipelines (validation, batched upsert into raw.articles) and crawl_runs bookkeeping."""

from __future__ import annotations

import gzip
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from scrapers.items import ArticleItem
from scrapers.pipelines import ArticleValidationPipeline, PostgresArticlePipeline
from scrapers.spiders.outlet import OutletSpider
from scrapers.stats import CrawlRunRecorder, record_error, record_skip, run_status
from tests.conftest import query

TEST_OUTLETS = str(Path(__file__).parent / "fixtures" / "scrapers" / "outlets_test.yaml")
BODY = "<html><h1>خبر</h1></html>".encode("cp1256")
T0 = datetime(2022, 1, 21, 12, 0, tzinfo=UTC)


def item(url: str = "https://halab-today.example/news/1/x/", body: bytes = BODY, when: datetime = T0,
         **kw) -> ArticleItem:
    fields = {"outlet": "halab", "canonical_url": url, "url": url, "fetched_at": when, "http_status": 200,
              "headers": {"Content-Type": "text/html; charset=windows-1256"}, "body": body,
              "encoding": "windows-1256", "feed_meta": {"title": "خبر"}}
    return ArticleItem(**{**fields, **kw})


def make_pipeline(batch: int = 2) -> PostgresArticlePipeline:
    crawler = get_crawler(OutletSpider, {"HADATH_BATCH_SIZE": batch})
    pipeline = PostgresArticlePipeline.from_crawler(crawler)
    pipeline.open_spider()
    return pipeline


@pytest.mark.parametrize("bad, reason", [
    ({"canonical_url": "/relative"}, "not absolute"),
    ({"http_status": 404}, "HTTP 404"),
    ({"body": b""}, "empty body"),
])
def test_validation_drops_with_a_reason(bad, reason):
    with pytest.raises(DropItem, match=reason):
        ArticleValidationPipeline().process_item(item(**bad))


def test_upsert_stores_exact_bytes_and_updates_without_duplicating(fresh_db_url):
    first = make_pipeline(batch=2)
    first.process_item(item())
    first.process_item(item("https://halab-today.example/news/2/y/"))  # batch full -> flushed
    first.close_spider()
    assert first.crawler.stats.get_value("hadath/new_articles") == 2
    rows = query(fresh_db_url, "SELECT html_gz, content_hash, encoding, headers, feed_meta, fetch_count "
                               "FROM raw.articles ORDER BY canonical_url")
    html_gz, content_hash, encoding, headers, feed_meta, count = rows[0]
    assert gzip.decompress(bytes(html_gz)) == BODY and content_hash == hashlib.sha256(BODY).hexdigest()
    assert (encoding, headers["Content-Type"], feed_meta, count) == (
        "windows-1256", "text/html; charset=windows-1256", {"title": "خبر"}, 1)

    second = make_pipeline(batch=10)
    later = T0 + timedelta(days=1)
    second.process_item(item(body=b"<html>v2</html>", when=later, feed_meta={"author": "x"}))
    second.process_item(item(body=b"<html>v3</html>", when=later))  # same key twice in one batch
    second.close_spider()
    assert second.crawler.stats.get_value("hadath/updated_articles") == 1
    assert second.crawler.stats.get_value("hadath/new_articles") == 0
    rows = query(fresh_db_url, "SELECT fetch_count, first_fetched_at, fetched_at, feed_meta FROM raw.articles "
                               "WHERE canonical_url = 'https://halab-today.example/news/1/x/'")
    assert rows == [(2, T0, later, {"title": "خبر"})]
    assert query(fresh_db_url, "SELECT count(*) FROM raw.articles") == [(2,)]


def test_run_status_rules():
    base = {"hadath/discovery_ok": 3}
    assert run_status(base, "finished") == "ok"
    assert run_status({**base, "hadath/errors/http_500_retried": 2}, "finished") == "ok"
    assert run_status({**base, "hadath/errors/http_404": 1}, "finished") == "partial"
    assert run_status(base, "shutdown") == "failed"
    assert run_status({}, "finished") == "failed"  # nothing could be discovered


def test_crawl_run_row_is_finalised_even_when_the_crawl_aborts(fresh_db_url, monkeypatch):
    monkeypatch.setattr(CrawlRunRecorder, "start_progress", lambda self: None)
    crawler = get_crawler(OutletSpider, {})
    spider = OutletSpider.from_crawler(crawler, outlet="halab", outlets_file=TEST_OUTLETS, since="2022-01-20",
                                       until="2022-01-22", mirror="http://127.0.0.1:1/halab")
    crawler.spider = spider
    recorder = CrawlRunRecorder.from_crawler(crawler)
    recorder.spider_opened(spider)
    assert spider.crawl_run_id == recorder.run_id
    assert query(fresh_db_url, "SELECT status FROM raw.crawl_runs") == [("running",)]
    record_error(crawler.stats, "timeout", 2)
    record_skip(crawler.stats, "known")
    crawler.stats.set_value("downloader/response_count", 5)
    recorder.spider_closed(spider, "shutdown")
    row = query(fresh_db_url, "SELECT outlet, status, pages_fetched, errors, skipped, base_url, options->>'spider', "
                              "finished_at IS NOT NULL FROM raw.crawl_runs")
    assert row == [("halab", "failed", 5, {"timeout": 2}, {"known": 1}, "http://127.0.0.1:1/halab", "outlet", True)]

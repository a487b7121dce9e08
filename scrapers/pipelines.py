"""Item pipelines: validate articles, then upsert them into raw.articles in batches.

A refetch updates the row (fetch_count + 1, first_fetched_at kept), never duplicates it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from typing import Any

import psycopg2.extensions
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from etl import db, partitions
from scrapers.items import ArticleItem
from scrapers.stats import NEW_KEY, UPDATED_KEY

LOGGER = logging.getLogger(__name__)

GZIP_LEVEL = 6  # zlib default: ~4x smaller Arabic HTML at a fraction of level 9's CPU
DEFAULT_BATCH_SIZE = 50

# raw.articles is partitioned by month (sql/0010): an article's identity lives in raw.article_keys,
# claimed first (one row per canonical URL, its month fixed at the first fetch), then the page row is
# upserted into that month's partition.
CLAIM = """
INSERT INTO raw.article_keys (canonical_url, article_month) VALUES %s
ON CONFLICT (canonical_url) DO UPDATE SET canonical_url = EXCLUDED.canonical_url
RETURNING canonical_url, article_id, article_month
"""
UPSERT = """
INSERT INTO raw.articles (article_id, article_month, outlet, canonical_url, url, fetched_at, first_fetched_at,
                          http_status, headers, html_gz, encoding, content_hash, feed_meta, crawl_run_id)
VALUES %s
ON CONFLICT (article_id, article_month) DO UPDATE SET
    url = EXCLUDED.url, fetched_at = EXCLUDED.fetched_at, fetch_count = raw.articles.fetch_count + 1,
    http_status = EXCLUDED.http_status, headers = EXCLUDED.headers, html_gz = EXCLUDED.html_gz,
    encoding = EXCLUDED.encoding, content_hash = EXCLUDED.content_hash,
    feed_meta = raw.articles.feed_meta || EXCLUDED.feed_meta, crawl_run_id = EXCLUDED.crawl_run_id
RETURNING (fetch_count = 1) AS inserted  -- (partitioned tables cannot return xmax)
"""


class ArticleValidationPipeline:
    """Drop items that cannot be stored, with the reason."""

    def process_item(self, item: ArticleItem, spider: Spider | None = None) -> ArticleItem:
        if not isinstance(item, ArticleItem):
            raise DropItem(f"not an ArticleItem: {type(item).__name__}")
        if not item.canonical_url.startswith(("http://", "https://")):
            raise DropItem(f"canonical URL is not absolute: {item.canonical_url!r}")
        if item.http_status != 200:
            raise DropItem(f"HTTP {item.http_status} is not an article page: {item.url}")
        if not item.body:
            raise DropItem(f"empty body: {item.url}")
        return item


def row(item: ArticleItem) -> tuple[Any, ...]:
    """The raw.articles values for an item: gzip of the exact bytes, sha256 of the same bytes; its month."""
    return (item.outlet, item.canonical_url, item.url, item.fetched_at, item.fetched_at, item.http_status,
            json.dumps(item.headers, ensure_ascii=False),
            psycopg2.Binary(gzip.compress(item.body, compresslevel=GZIP_LEVEL, mtime=0)),
            item.encoding, hashlib.sha256(item.body).hexdigest(),
            json.dumps(item.feed_meta, ensure_ascii=False, default=str), item.crawl_run_id,
            partitions.month_of(item.filed_at or item.fetched_at))


class PostgresArticlePipeline:
    """Batched upserts (execute_values ... ON CONFLICT DO UPDATE); counts new vs updated rows."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.batch_size = crawler.settings.getint("HADATH_BATCH_SIZE", DEFAULT_BATCH_SIZE)
        self.batch: dict[str, ArticleItem] = {}  # by canonical URL: one row per key per statement
        self.conn: psycopg2.extensions.connection | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PostgresArticlePipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        self.conn = db.connect()

    def process_item(self, item: ArticleItem, spider: Spider | None = None) -> ArticleItem:
        self.batch[item.canonical_url] = item
        if len(self.batch) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        try:
            self.flush()
        finally:
            if self.conn is not None:
                self.conn.close()

    def flush(self) -> None:
        if not self.batch or self.conn is None:
            return
        rows = [row(item) for item in self.batch.values()]
        with self.conn, self.conn.cursor() as cur:
            results = db_execute_values(cur, rows)
        inserted = sum(1 for (flag,) in results if flag)
        self.crawler.stats.inc_value(NEW_KEY, inserted)
        self.crawler.stats.inc_value(UPDATED_KEY, len(results) - inserted)
        LOGGER.debug("stored %d articles (%d new)", len(results), inserted)
        self.batch.clear()


def db_execute_values(cur: psycopg2.extensions.cursor, rows: list[tuple]) -> list[tuple]:
    """Store rows of :func:`row` (plus their month, last) in two statements; one (inserted,) per row.

    The month's partition is made sure of first, in the caller's transaction (a new month's first
    batch briefly locks raw.articles; every other batch costs one catalog lookup).
    """
    import psycopg2.extras

    partitions.ensure(cur, partitions.ARTICLES, {r[-1] for r in rows})
    claimed = {url: (aid, month) for url, aid, month in psycopg2.extras.execute_values(
        cur, CLAIM, [(r[1], r[-1]) for r in rows], page_size=len(rows), fetch=True)}
    values = [(*claimed[r[1]], *r[:-1]) for r in rows]
    return psycopg2.extras.execute_values(cur, UPSERT, values, page_size=len(rows), fetch=True)

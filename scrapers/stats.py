"""Crawl-run bookkeeping: error kinds, skip counts, progress lines, and the raw.crawl_runs row.

Counts live in Scrapy's stats under `hadath/errors/<kind>` and `hadath/skipped/<reason>`.
The CrawlRunRecorder extension inserts the raw.crawl_runs row when the spider opens and
finalises it when it closes (a bound-method signal handler, so it runs even when the crawl
errors). It logs machine-readable lines for etl/crawl.py:
  HADATH_RUN {"crawl_run_id": N}      once, at start
  HADATH_PROGRESS {"pages": N, ...}   every HADATH_PROGRESS_INTERVAL seconds when changed
  HADATH_SUMMARY {...}                once, at the end
"""

from __future__ import annotations

import json
import logging
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from twisted.internet import task

from etl import db
from scrapers.blocks import BLOCK_KINDS

LOGGER = logging.getLogger(__name__)

ERRORS_PREFIX = "hadath/errors/"
SKIPPED_PREFIX = "hadath/skipped/"
NEW_KEY = "hadath/new_articles"
UPDATED_KEY = "hadath/updated_articles"
DISCOVERY_OK_KEY = "hadath/discovery_ok"  # feeds/sitemaps/listing pages that parsed
BLOCKED_ARTICLES_KEY = "hadath/blocked_articles"  # article pages that were a block (scrapers.blocks)
ITEMS_KEY = "item_scraped_count"  # Scrapy's count of article items that passed the pipelines
PAGES_KEY = "downloader/response_count"  # every HTTP response, feeds and errors included
INFORMATIONAL_SUFFIX = "_retried"  # a retried failure is not an error unless the retries ran out
OK_REASONS = ("finished",)

INSERT_RUN = """
INSERT INTO raw.crawl_runs (outlet, window_start, window_end, base_url, options)
VALUES (%s, %s, %s, %s, %s) RETURNING crawl_run_id
"""
FINISH_RUN = """
UPDATE raw.crawl_runs SET finished_at = now(), status = %s, pages_fetched = %s, new_articles = %s,
       updated_articles = %s, errors = %s, skipped = %s, discovery = %s
WHERE crawl_run_id = %s
"""


# Exception class name -> error kind (Scrapy's own classes and Twisted's, by name).
EXCEPTION_KINDS = {
    "DownloadTimeoutError": "timeout", "TimeoutError": "timeout", "TCPTimedOutError": "timeout",
    "CannotResolveHostError": "dns_error", "DNSLookupError": "dns_error",
    "DownloadConnectionRefusedError": "connection_refused", "ConnectionRefusedError": "connection_refused",
    "DownloadCancelledError": "too_large", "CancelledError": "too_large",  # only DOWNLOAD_MAXSIZE cancels
    "ResponseDataLossError": "data_loss", "ResponseFailed": "connection_error",
    "DownloadFailedError": "connection_error", "ConnectionLost": "connection_error",
    "ConnectionDone": "connection_error", "UnsupportedURLSchemeError": "unsupported_scheme",
}


def exception_kind(exc: BaseException) -> str:
    """Error kind of a download exception (walks the MRO, so subclasses map too)."""
    for klass in type(exc).__mro__:
        if klass.__name__ in EXCEPTION_KINDS:
            return EXCEPTION_KINDS[klass.__name__]
    return "connection_error"


def record_error(stats: StatsCollector, kind: str, count: int = 1) -> None:
    stats.inc_value(ERRORS_PREFIX + kind, count)


def record_skip(stats: StatsCollector, reason: str, count: int = 1) -> None:
    stats.inc_value(SKIPPED_PREFIX + reason, count)


def counts(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix):]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}


def run_status(stats: dict[str, Any], reason: str) -> str:
    """failed: aborted or nothing discovered; blocked: blocks stood between us and every article (no
    discovery source answered but with blocks, or every article page that answered was one);
    partial: some errors; ok otherwise."""
    if reason not in OK_REASONS:
        return "failed"
    if is_blocked(stats):
        return "blocked"
    if not stats.get(DISCOVERY_OK_KEY):
        return "failed"
    errors = counts(stats, ERRORS_PREFIX)
    real = [k for k in errors if not k.endswith(INFORMATIONAL_SUFFIX)]
    return "partial" if real else "ok"


def is_blocked(stats: dict[str, Any]) -> bool:
    blocks = sum(counts(stats, ERRORS_PREFIX).get(kind, 0) for kind in BLOCK_KINDS)
    if not blocks or stats.get(ITEMS_KEY):
        return False
    return not stats.get(DISCOVERY_OK_KEY) or bool(stats.get(BLOCKED_ARTICLES_KEY))


def summary(stats: dict[str, Any], reason: str, run_id: int | None) -> dict[str, Any]:
    return {
        "crawl_run_id": run_id,
        "status": run_status(stats, reason),
        "reason": reason,
        "pages_fetched": int(stats.get(PAGES_KEY, 0)),
        "new_articles": int(stats.get(NEW_KEY, 0)),
        "updated_articles": int(stats.get(UPDATED_KEY, 0)),
        "errors": counts(stats, ERRORS_PREFIX),
        "skipped": counts(stats, SKIPPED_PREFIX),
        "elapsed_s": round(float(stats.get("elapsed_time_seconds", 0.0)), 3),
    }


class CrawlRunRecorder:
    """Scrapy extension: one raw.crawl_runs row per crawl, finalised on spider_closed."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run_id: int | None = None
        self.loop: task.LoopingCall | None = None
        self.last_progress: dict[str, int] = {}
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        info = spider.run_info() if hasattr(spider, "run_info") else {"outlet": spider.name}
        with db.transaction() as cur:
            cur.execute(INSERT_RUN, (info["outlet"], info.get("window_start"), info.get("window_end"),
                                     info.get("base_url"), json.dumps(info.get("options", {}))))
            self.run_id = cur.fetchone()[0]
        spider.crawl_run_id = self.run_id
        LOGGER.info("HADATH_RUN %s", json.dumps({"crawl_run_id": self.run_id}))
        self.start_progress()

    def start_progress(self) -> None:
        interval = self.crawler.settings.getfloat("HADATH_PROGRESS_INTERVAL", 2.0)
        self.loop = task.LoopingCall(self.log_progress)
        self.loop.start(interval, now=False)

    def log_progress(self) -> None:
        stats = self.crawler.stats.get_stats()
        now = {"pages": int(stats.get(PAGES_KEY, 0)), "new": int(stats.get(NEW_KEY, 0)),
               "updated": int(stats.get(UPDATED_KEY, 0)), "errors": sum(counts(stats, ERRORS_PREFIX).values())}
        if now != self.last_progress:
            self.last_progress = now
            LOGGER.info("HADATH_PROGRESS %s", json.dumps(now))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.log_progress()  # a last progress line, so even a sub-interval crawl shows one
        stats = self.crawler.stats.get_stats()
        stats.setdefault("elapsed_time_seconds", _elapsed(stats))
        result = summary(stats, reason, self.run_id)
        result["discovery"] = spider.discovery_report() if hasattr(spider, "discovery_report") else []
        result["blocks"] = dict(getattr(spider, "block_details", {}))
        if self.run_id is not None:
            with db.transaction() as cur:
                cur.execute(FINISH_RUN, (result["status"], result["pages_fetched"], result["new_articles"],
                                         result["updated_articles"], json.dumps(result["errors"]),
                                         json.dumps(result["skipped"]),
                                         json.dumps(result["discovery"], ensure_ascii=False), self.run_id))
        LOGGER.info("HADATH_SUMMARY %s", json.dumps(result, ensure_ascii=False))


def _elapsed(stats: dict[str, Any]) -> float:
    start = stats.get("start_time")
    if start is None:
        return 0.0
    from datetime import UTC, datetime

    return (datetime.now(UTC) - start).total_seconds()

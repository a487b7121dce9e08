"""Staging -> warehouse for a publication window: ``extract_window(since, until, url=None)``.

Reads ``staging.articles`` where ``is_arabic`` and ``published_at`` falls in [since, until]
(Asia/Damascus days, until inclusive). By default only canonical articles (the representative of
each near-duplicate cluster: ``canonical_article_id`` null or equal to ``article_id``) are
extracted, so one story syndicated by two outlets is not coded twice; ``canonical_only=False``
takes every article. Articles without a publication time are not in any window.

Each article runs through the extractor; a failure quarantines the article in
``staging.quarantine`` (stage 'extract') and the batch goes on. Events are loaded per batch of
``BATCH_SIZE`` articles through ``etl.load.load_article_events`` (one transaction per batch).
Progress goes to the log; the summary is printed and returned.
"""

from __future__ import annotations

import logging
import sys
import time
from concurrent.futures import Executor
from datetime import date, datetime, timedelta

import psycopg2.extras

from etl import db, parallel
from etl.events.base import get_extractor
from etl.events.model import Article
from etl.load import ArticleEvents, load_article_events
from etl.settings import LOCAL_ZONE

LOGGER = logging.getLogger(__name__)

BATCH_SIZE = 200  # articles per load transaction
STAGE = "extract"

SELECT_SQL = """
SELECT s.article_id, s.outlet, s.url, r.canonical_url, s.title, s.body, s.published_at, s.text_hash
FROM staging.articles s JOIN raw.articles r USING (article_id)
WHERE s.is_arabic AND s.published_at >= %(since)s AND s.published_at < %(until)s
  AND (NOT %(canonical)s OR s.canonical_article_id IS NULL OR s.canonical_article_id = s.article_id)
ORDER BY s.published_at, s.article_id
"""
QUARANTINE_SQL = """
INSERT INTO staging.quarantine (article_id, stage, error, raw_content_hash) VALUES %s
ON CONFLICT (article_id, stage) DO UPDATE
SET error = EXCLUDED.error, attempts = staging.quarantine.attempts + 1, last_failed_at = now()
"""


def _bounds(since: date, until: date) -> tuple[datetime, datetime]:
    start = datetime.combine(since, datetime.min.time(), LOCAL_ZONE)
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), LOCAL_ZONE)
    return start, end


def _rows(url: str | None, since: date, until: date, canonical: bool) -> list[tuple]:
    start, end = _bounds(since, until)
    with db.transaction(url) as cur:
        cur.execute(SELECT_SQL, {"since": start, "until": end, "canonical": canonical})
        return cur.fetchall()


def _one(extractor, row: tuple) -> ArticleEvents:
    article_id, outlet, url, canonical_url, title, body, published, text_hash = row
    article = Article(text=body, published=published, outlet=outlet, title=title or "", article_id=article_id,
                      url=url, source_name=outlet)
    result = extractor.extract(article)
    return ArticleEvents(article_id=article_id, article_key=canonical_url or url, outlet=outlet, url=url,
                         events=result.events, unresolved=result.unresolved, text_hash=text_hash or "",
                         extractor=extractor.name, extractor_version=extractor.version,
                         skipped_reason=result.skipped_reason)


def _quarantine(url: str | None, failed: list[tuple[int, str]]) -> None:
    if failed:
        with db.transaction(url) as cur:
            psycopg2.extras.execute_values(cur, QUARANTINE_SQL, [(a, STAGE, err, None) for a, err in failed])


def extract_rows(extractor: str, rows: list[tuple]) -> tuple[list[ArticleEvents], list[tuple[int, str]]]:
    """Run the extractor over staging rows: (results, failures as (article_id, one-line error))."""
    ext = get_extractor(extractor)
    batch, failed = [], []
    for row in rows:
        try:
            batch.append(_one(ext, row))
        except Exception as err:  # noqa: BLE001 - one bad article must not stop the batch
            LOGGER.warning("extract failed for article %s: %s", row[0], err)
            failed.append((row[0], f"{type(err).__name__}: {err}".splitlines()[0][:500]))
    return batch, failed


def extract_window(since: date, until: date, url: str | None = None, *, canonical_only: bool = True,
                   extractor: str = "rules", workers: int | None = None) -> dict:
    """Extract and load every article of the window; returns the summary dict.
    `workers` processes extract in parallel (default settings.workers()); one writer loads."""
    get_extractor(extractor)  # fail fast on an unknown extractor
    with parallel.worker_pool(workers) as pool:
        return _extract_window(since, until, url, canonical_only, extractor, pool)


def _extract_window(since, until, url, canonical_only: bool, extractor: str, pool: Executor | None) -> dict:
    started = time.monotonic()
    rows = _rows(url, since, until, canonical_only)
    summary = {"articles": len(rows), "extracted": 0, "events": 0, "unresolved": 0, "failed": 0,
               "inserted": 0, "updated": 0, "removed": 0}
    for offset in range(0, len(rows), BATCH_SIZE):
        batch, failed = parallel.map_rows(pool, extract_rows, rows[offset:offset + BATCH_SIZE], extractor,
                                          key=lambda art: art.article_id)
        loaded = load_article_events(batch, url)
        _quarantine(url, failed)
        summary["extracted"] += len(batch)
        summary["failed"] += len(failed)
        summary["events"] += sum(len(a.events) for a in batch)
        summary["unresolved"] += sum(len(a.unresolved) for a in batch)
        for key in ("inserted", "updated", "removed"):
            summary[key] += getattr(loaded, key)
        LOGGER.info("extract: %d/%d articles, %d events", min(offset + BATCH_SIZE, len(rows)), len(rows),
                    summary["events"])
    summary["seconds"] = round(time.monotonic() - started, 2)
    print(" ".join(f"{k}={v}" for k, v in summary.items()), file=sys.stderr)
    return summary

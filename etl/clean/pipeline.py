"""Batch cleaning raw.articles -> staging.articles (the ``hadath clean`` command and the DAG task).

Contract: ``clean(url=None, since=None, until=None, crawl_run_id=None, all_rows=False,
batch_size=BATCH_SIZE) -> CleanSummary``.

Selection
- Only raw rows that are new (no staging row) or changed (``raw.content_hash`` differs from
  ``staging.raw_content_hash``); ``all_rows`` re-cleans every selected row (after a cleaner
  upgrade). Raw rows are only read, never modified.
- Window: a raw row is in [since, until) when it was FETCHED in it (``raw.fetched_at``) or fetched
  by a crawl run whose window overlaps it (``raw.crawl_runs.window_start/end``). The nightly DAG
  passes the day it crawled; the crawl itself runs after that day ends, and the second rule makes
  sure that night's crawl is cleaned by that night's run. A ``date`` ``since`` is that day's
  00:00, a ``date`` ``until`` is INCLUSIVE (next day's 00:00); naive datetimes are Asia/Damascus.
- ``crawl_run_id`` selects the rows of one crawl run instead (combinable with the window).

Writing (one transaction per batch of ``batch_size`` articles, serialised by an advisory lock)
- ``INSERT ... ON CONFLICT (article_id) DO UPDATE ... WHERE (columns) IS DISTINCT FROM (new)``:
  a row whose cleaned content did not change is not touched, ``cleaned_at`` included, so re-runs
  give byte-identical rows.
- A page that fails (corrupt gzip, no text, non-2xx page, any bug) is upserted into
  ``staging.quarantine`` (stage 'clean', one-line error, attempts + 1) and the batch goes on. It
  is retried on every later run while it has no current staging row. When it finally cleans, its
  quarantine row MOVES to ``staging.quarantine_resolved`` (nothing is lost; quarantine keeps
  meaning "broken now"). An article that cleaned before and now fails keeps its previous staging
  row (its raw_content_hash shows it is stale) and gets a quarantine row.
- Near-duplicate clusters are recomputed for the articles that changed (see ``dedup``).
"""

from __future__ import annotations

import logging
import time as clock
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import psycopg2.extras

from etl import db, parallel
from etl.clean import CLEANER_VERSION, dedup
from etl.clean.decode import gunzip
from etl.clean.page import CleanedPage, RawPage, clean_page
from etl.errors import BadInput
from etl.settings import LOCAL_ZONE  # zone of date / naive window bounds (the project's day)

LOGGER = logging.getLogger(__name__)

BATCH_SIZE = 200  # articles per transaction: ~2 s of work, small enough to retry cheaply
PROGRESS_EVERY = 500  # log a progress line every this many articles
ADVISORY_LOCK = 0x436C_6E21  # "Cln!": one cleaning batch at a time (clusters span batches)
STAGE = "clean"
MAX_ERROR_CHARS = 300  # quarantine errors are one line, truncated


@dataclass
class CleanSummary:
    selected: int = 0  # raw rows selected (new or changed, or all with all_rows)
    processed: int = 0  # rows attempted
    cleaned: int = 0  # staging rows inserted or changed
    unchanged: int = 0  # cleaned again with an identical result (row not touched)
    quarantined: int = 0
    duplicates: int = 0  # cleaned rows whose canonical article is another article
    no_date: int = 0
    non_arabic: int = 0
    seconds: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)  # quarantine reasons by error class

    def line(self) -> str:
        return (f"processed {self.processed} (selected {self.selected}): cleaned {self.cleaned}, "
                f"unchanged {self.unchanged}, quarantined {self.quarantined}, duplicates {self.duplicates}, "
                f"no-date {self.no_date}, non-Arabic {self.non_arabic} in {self.seconds:.1f}s")


def window_bounds(since: date | datetime | None, until: date | datetime | None) -> tuple[datetime | None, datetime | None]:
    """Aware [since, until) bounds: dates are local days (until inclusive), naive datetimes local."""
    def bound(value: date | datetime | None, inclusive_day: bool) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            value = datetime.combine(value + timedelta(days=1 if inclusive_day else 0), time(0))
        return value if value.tzinfo else value.replace(tzinfo=LOCAL_ZONE)

    start, end = bound(since, False), bound(until, True)
    if start and end and end <= start:
        raise BadInput(f"empty window: until ({end.isoformat()}) is not after since ({start.isoformat()})")
    return start, end


SELECT_SQL = """
SELECT r.article_id
FROM raw.articles r
LEFT JOIN staging.articles s USING (article_id)
WHERE (%(crawl_run_id)s::bigint IS NULL OR r.crawl_run_id = %(crawl_run_id)s)
  AND ((%(since)s::timestamptz IS NULL AND %(until)s::timestamptz IS NULL)
       OR ((%(since)s::timestamptz IS NULL OR r.fetched_at >= %(since)s)
           AND (%(until)s::timestamptz IS NULL OR r.fetched_at < %(until)s))
       OR r.crawl_run_id IN (
           SELECT c.crawl_run_id FROM raw.crawl_runs c
           WHERE c.window_start IS NOT NULL AND c.window_end IS NOT NULL
             AND (%(since)s::timestamptz IS NULL OR c.window_end > %(since)s)
             AND (%(until)s::timestamptz IS NULL OR c.window_start < %(until)s)))
  AND (%(all_rows)s OR s.article_id IS NULL OR s.raw_content_hash <> r.content_hash)
ORDER BY r.article_id
"""

RAW_SQL = """
SELECT article_id, outlet, url, html_gz, headers, encoding, feed_meta, fetched_at, content_hash, http_status
FROM raw.articles WHERE article_id = ANY(%s) ORDER BY article_id
"""


def select_ids(url: str | None, since: datetime | None, until: datetime | None,
               crawl_run_id: int | None, all_rows: bool) -> list[int]:
    """article_ids to clean, ascending (see the module docstring for the rules)."""
    params = {"since": since, "until": until, "crawl_run_id": crawl_run_id, "all_rows": all_rows}
    with db.transaction(url) as cur:
        cur.execute(SELECT_SQL, params)
        return [row[0] for row in cur.fetchall()]


class PageFailed(Exception):
    """Wraps the one-line reason a page could not be cleaned."""


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:MAX_ERROR_CHARS]


def _clean_row(row: tuple) -> CleanedPage:
    article_id, outlet, page_url, html_gz, headers, encoding, feed_meta, fetched_at, content_hash, status = row
    if not 200 <= status < 300:
        raise PageFailed(f"HTTP {status}: not an article page")
    raw = RawPage(article_id, outlet, page_url, gunzip(html_gz), headers or {}, encoding,
                  feed_meta or {}, fetched_at, content_hash)
    return clean_page(raw)


def clean_rows(rows: list[tuple], pool: Executor | None = None) -> tuple[list[CleanedPage], list[tuple[int, str, str]]]:
    """Clean fetched raw rows: (cleaned pages, failures as (article_id, content_hash, error)).
    With a process pool the pages are cleaned in parallel chunks (results keep the row order)."""
    return parallel.map_rows(pool, _clean_chunk, rows, key=lambda page: page.article_id)


def _clean_chunk(rows: list[tuple]) -> tuple[list[CleanedPage], list[tuple[int, str, str]]]:
    done, failed = [], []
    for row in rows:
        try:
            done.append(_clean_row(row))
        except Exception as err:  # any failure of one page is quarantined, never fatal to the batch
            kind = "" if isinstance(err, PageFailed) else f"{type(err).__name__}: "
            LOGGER.warning("article %s quarantined: %s%s", row[0], kind, _one_line(err))
            LOGGER.debug("traceback of article %s", row[0], exc_info=True)
            failed.append((row[0], row[8], kind + _one_line(err)))
    return done, failed


COLUMNS = ("article_id", "outlet", "url", "raw_content_hash", "title", "body", "author", "tags",
           "published_at", "date_source", "date_missing", "language", "is_arabic", "text_hash",
           "extraction_method", "cleaner_version", "minhash", "minhash_bands", "cluster_id",
           "canonical_article_id")
# Columns a re-clean may change; cluster columns are owned by the clustering step.
_CONTENT = COLUMNS[1:-2]
UPSERT_SQL = f"""
INSERT INTO staging.articles AS s ({", ".join(COLUMNS)}) VALUES %s
ON CONFLICT (article_id) DO UPDATE SET
  {", ".join(f"{c} = EXCLUDED.{c}" for c in _CONTENT)}, cleaned_at = now()
WHERE ({", ".join(f"s.{c}" for c in _CONTENT)}) IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in _CONTENT)})
RETURNING article_id
"""  # noqa: S608 - only the COLUMNS constant is interpolated
# minhash_bands is the third-last column: cast so that an all-small-ints list stays bigint[].
ROW_TEMPLATE = "(" + ", ".join("%s::bigint[]" if c == "minhash_bands" else "%s" for c in COLUMNS) + ")"
QUARANTINE_SQL = """
INSERT INTO staging.quarantine AS q (article_id, stage, error, raw_content_hash) VALUES %s
ON CONFLICT (article_id, stage) DO UPDATE SET
  error = EXCLUDED.error, raw_content_hash = EXCLUDED.raw_content_hash,
  attempts = q.attempts + 1, last_failed_at = now()
"""
RESOLVE_SQL = """
WITH moved AS (
  DELETE FROM staging.quarantine q USING staging.articles s
  WHERE q.stage = %(stage)s AND q.article_id = ANY(%(ids)s) AND s.article_id = q.article_id
  RETURNING q.*, s.raw_content_hash AS resolved_by_hash
)
INSERT INTO staging.quarantine_resolved
  (article_id, stage, error, raw_content_hash, attempts, first_failed_at, last_failed_at, resolved_by_hash)
SELECT article_id, stage, error, raw_content_hash, attempts, first_failed_at, last_failed_at, resolved_by_hash
FROM moved RETURNING article_id, attempts
"""


def _row(page: CleanedPage) -> tuple:
    return (page.article_id, page.outlet, page.url, page.raw_content_hash, page.title, page.body,
            page.author, page.tags, page.published_at, page.date_source, page.date_missing,
            page.language, page.is_arabic, page.text_hash, page.extraction_method, CLEANER_VERSION,
            page.minhash, page.minhash_bands, page.article_id, page.article_id)


def upsert(cur, pages: list[CleanedPage]) -> set[int]:
    """Insert or update staging rows; returns the ids actually written (new or changed)."""
    if not pages:
        return set()
    returned = psycopg2.extras.execute_values(cur, UPSERT_SQL, [_row(p) for p in pages],
                                              template=ROW_TEMPLATE, page_size=len(pages), fetch=True)
    return {r[0] for r in returned}


def quarantine(cur, failed: list[tuple[int, str, str]]) -> None:
    """Record failures (attempts + 1 for articles already in quarantine)."""
    if failed:
        rows = [(article_id, STAGE, error, content_hash) for article_id, content_hash, error in failed]
        psycopg2.extras.execute_values(cur, QUARANTINE_SQL, rows)


def resolve(cur, ids: list[int]) -> None:
    """Move the quarantine rows of articles that now cleaned to staging.quarantine_resolved."""
    if ids:
        cur.execute(RESOLVE_SQL, {"stage": STAGE, "ids": ids})
        for article_id, attempts in cur.fetchall():
            LOGGER.info("article %s cleaned after %d failed attempt(s); quarantine row moved to history",
                        article_id, attempts)


AFFECTED_SQL = """
SELECT DISTINCT cluster_id FROM staging.articles
WHERE minhash_bands && %(bands)s::bigint[] OR article_id = ANY(%(ids)s)
"""
MEMBERS_SQL = """
SELECT article_id, published_at, minhash, minhash_bands FROM staging.articles
WHERE (cluster_id = ANY(%(clusters)s) OR article_id = ANY(%(ids)s)) AND minhash IS NOT NULL
"""
ASSIGN_SQL = """
UPDATE staging.articles s SET cluster_id = v.cluster_id, canonical_article_id = v.canonical
FROM (VALUES %s) AS v (article_id, cluster_id, canonical)
WHERE s.article_id = v.article_id
  AND (s.cluster_id, s.canonical_article_id) IS DISTINCT FROM (v.cluster_id, v.canonical)
"""


def recluster(cur, changed: list[CleanedPage], old_clusters: dict[int, int]) -> None:
    """Recompute the near-duplicate components touched by the changed articles.

    Touched = the changed articles' previous clusters plus every cluster holding an article that
    shares an LSH band with a changed article. Components never extend beyond touched clusters
    (an edge to another cluster would have merged it earlier), so the result equals clustering
    everything from scratch.
    """
    if not changed:
        return
    ids = [p.article_id for p in changed]
    bands = sorted({key for p in changed for key in p.minhash_bands})
    cur.execute(AFFECTED_SQL, {"bands": bands, "ids": ids})
    touched = {row[0] for row in cur.fetchall() if row[0] is not None} | set(old_clusters.values())
    cur.execute(MEMBERS_SQL, {"clusters": sorted(touched), "ids": ids})
    members = [dedup.Member(a, p, bytes(sig), tuple(b)) for a, p, sig, b in cur.fetchall()]
    assignment = dedup.clusters(members)
    rows = sorted((article_id, cid, canon) for article_id, (cid, canon) in assignment.items())
    psycopg2.extras.execute_values(cur, ASSIGN_SQL, rows, template="(%s::bigint, %s::bigint, %s::bigint)")


def _old_clusters(cur, ids: list[int]) -> dict[int, int]:
    cur.execute("SELECT article_id, cluster_id FROM staging.articles WHERE article_id = ANY(%s)", (ids,))
    return {a: c for a, c in cur.fetchall() if c is not None}


def _duplicates(cur, ids: list[int]) -> int:
    cur.execute("SELECT count(*) FROM staging.articles WHERE article_id = ANY(%s) "
                "AND canonical_article_id <> article_id", (ids,))
    return cur.fetchone()[0]


def run_batch(url: str | None, ids: list[int], summary: CleanSummary, pool: Executor | None = None) -> None:
    """Clean one batch in one transaction: upsert, quarantine, resolve, recluster."""
    with db.transaction(url) as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK,))
        cur.execute(RAW_SQL, (ids,))
        pages, failed = clean_rows(cur.fetchall(), pool)
        old = _old_clusters(cur, [p.article_id for p in pages])
        written = upsert(cur, pages)
        changed = [p for p in pages if p.article_id in written]
        quarantine(cur, failed)
        resolve(cur, [p.article_id for p in pages])
        recluster(cur, changed, {a: c for a, c in old.items() if a in written})
        summary.duplicates += _duplicates(cur, [p.article_id for p in pages])
    summary.processed += len(ids)
    summary.cleaned += len(written)
    summary.unchanged += len(pages) - len(written)
    summary.quarantined += len(failed)
    summary.no_date += sum(p.date_missing for p in pages)
    summary.non_arabic += sum(not p.is_arabic for p in pages)
    for _, _, error in failed:
        kind = error.split(":", 1)[0] if ":" in error[:40] else "error"
        summary.errors[kind] = summary.errors.get(kind, 0) + 1


def clean(url: str | None = None, since: date | datetime | None = None, until: date | datetime | None = None,
          crawl_run_id: int | None = None, all_rows: bool = False, batch_size: int = BATCH_SIZE,
          workers: int | None = None) -> CleanSummary:
    """Clean new or changed raw articles (see the module docstring); returns the counts.
    `workers` processes clean pages in parallel (default settings.workers()); one writer commits."""
    if batch_size < 1:
        raise BadInput("batch size must be at least 1")
    with parallel.worker_pool(workers) as pool:
        return _clean(url, since, until, crawl_run_id, all_rows, batch_size, pool)


def _clean(url, since, until, crawl_run_id, all_rows, batch_size, pool: Executor | None) -> CleanSummary:
    started = clock.monotonic()
    start, end = window_bounds(since, until)
    ids = select_ids(url, start, end, crawl_run_id, all_rows)
    summary = CleanSummary(selected=len(ids))
    LOGGER.info("clean: %d article(s) to process", len(ids))
    next_report = PROGRESS_EVERY
    for offset in range(0, len(ids), batch_size):
        run_batch(url, ids[offset:offset + batch_size], summary, pool)
        if summary.processed >= next_report or summary.processed == len(ids):
            LOGGER.info("clean: %d/%d articles (%d%%)", summary.processed, len(ids), 100 * summary.processed // len(ids))
            next_report = summary.processed + PROGRESS_EVERY
    summary.seconds = round(clock.monotonic() - started, 3)
    LOGGER.info("clean: %s", summary.line())
    return summary

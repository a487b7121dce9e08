"""Load extracted events into the warehouse.

One transaction per batch (pgstac / pg-bulk-ingest style):
  1. COPY the batch into temporary tables (ON COMMIT DROP);
  2. delete the batch articles' evidence, and their events that the new extraction no longer produces;
  3. INSERT ... SELECT ... ON CONFLICT DO UPDATE (only rows whose values changed are touched);
  4. COPY the batch's evidence straight into its table, upsert unresolved toponyms
     (warehouse.event_sources is a view over events and raw articles).
Events and evidence are partitioned by month of event_date: a batch first makes sure its months
exist (etl.partitions), in a short transaction of its own.
Re-loading the same batch changes nothing. Deadlocks and serialization failures are retried.
"""

from __future__ import annotations

import io
import logging
import operator
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import psycopg2
import psycopg2.errors

from etl import db, partitions
from etl.arabic import normalize
from etl.events.model import Event

LOGGER = logging.getLogger(__name__)

MAX_ATTEMPTS = 4  # retries of a batch on deadlock / serialization failure
RETRY_BASE_DELAY_S = 0.2  # exponential backoff base
# Transient failures worth retrying: conflicts, and a connection lost mid-batch (the server
# rolls the open transaction back, so a retry starts clean).
RETRYABLE = (psycopg2.errors.DeadlockDetected, psycopg2.errors.SerializationFailure,
             psycopg2.OperationalError, psycopg2.InterfaceError)

EVENT_COLUMNS = (
    "event_id", "article_id", "event_date", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "admin1", "admin1_pcode", "admin2", "admin2_pcode", "admin3",
    "admin3_pcode", "location", "location_ar", "location_pcode", "latitude", "longitude", "geo_precision",
    "source", "notes", "fatalities", "extractor", "extractor_version", "confidence", "merge_key",
)
EVIDENCE_COLUMNS = ("event_id", "article_id", "sentence_index", "sentence", "url", "outlet",
                    "extractor_version", "confidence", "event_date")
UNRESOLVED_COLUMNS = ("name_norm", "article_id", "name_ar", "admin1_hint", "occurrences")
EXTRACTION_COLUMNS = ("article_id", "text_hash", "extractor", "extractor_version", "status", "skipped_reason",
                      "events", "unresolved")


@dataclass
class ArticleEvents:
    """Everything one article contributes to the warehouse."""

    article_id: int
    article_key: str  # canonical URL: the stable part of event ids
    outlet: str
    url: str
    events: list[Event] = field(default_factory=list)
    unresolved: list[tuple[str, str | None]] = field(default_factory=list)  # (name_ar, admin1 hint)
    # The extraction record (staging.extractions), written in the same transaction as the events.
    text_hash: str = ""
    extractor: str = ""
    extractor_version: str = ""
    skipped_reason: str = ""  # non-empty: the extractor skipped the article (e.g. not Arabic)


@dataclass
class LoadSummary:
    articles: int = 0
    events: int = 0
    inserted: int = 0
    updated: int = 0
    removed: int = 0
    unresolved: int = 0
    attempts: int = 0


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: object) -> str:
    """A value in COPY's text format (NULL is \\N; backslash, tab and newlines escaped)."""
    if value is None:
        return "\\N"
    if value.__class__ is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    return str(value)


def _copy(cur, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    buf = io.StringIO()
    buf.writelines("\t".join(map(_copy_value, row)) + "\n" for row in rows)
    buf.seek(0)
    cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf)


# EVENT_COLUMNS minus event_id, article_id (first) and merge_key (last) are Event attributes.
_EVENT_VALUES = operator.attrgetter(*EVENT_COLUMNS[2:-1])


def _event_row(art: ArticleEvents, ev: Event, event_id: str) -> tuple:
    return (event_id, art.article_id, *_EVENT_VALUES(ev), ev.merge_key())


def _rows(batch: list[ArticleEvents]) -> tuple[list, list, list]:
    events, evidence, unresolved = {}, {}, []
    for art in batch:
        for ev in art.events:
            eid = ev.event_id(art.article_key)
            if eid in events:  # the extractor produced the same event twice: keep the first
                continue
            events[eid] = _event_row(art, ev, eid)
            for evd in ev.evidence:
                evidence[(eid, evd.sentence_index)] = (eid, art.article_id, evd.sentence_index, evd.sentence,
                                                       art.url, art.outlet, ev.extractor_version, ev.confidence,
                                                       ev.event_date)
        counts = Counter((normalize(name), name, hint) for name, hint in art.unresolved)
        merged: dict[str, tuple] = {}
        for (norm, name, hint), n in counts.items():
            prev = merged.get(norm)
            merged[norm] = (norm, art.article_id, name, hint, n + (prev[4] if prev else 0))
        unresolved.extend(merged.values())
    return list(events.values()), list(evidence.values()), unresolved


TEMP_TABLES = """
CREATE TEMP TABLE tmp_events (LIKE warehouse.events INCLUDING DEFAULTS) ON COMMIT DROP;
CREATE TEMP TABLE tmp_unresolved (LIKE warehouse.unresolved_places INCLUDING DEFAULTS) ON COMMIT DROP;
CREATE TEMP TABLE tmp_extractions (LIKE staging.extractions INCLUDING DEFAULTS) ON COMMIT DROP;
"""

UPSERT_EXTRACTIONS = f"""
INSERT INTO staging.extractions ({', '.join(EXTRACTION_COLUMNS)})
SELECT {', '.join(EXTRACTION_COLUMNS)} FROM tmp_extractions
ON CONFLICT (article_id) DO UPDATE SET
  {', '.join(f'{c} = EXCLUDED.{c}' for c in EXTRACTION_COLUMNS[1:])}, extracted_at = now()
WHERE ({', '.join('staging.extractions.' + c for c in EXTRACTION_COLUMNS[1:])})
      IS DISTINCT FROM ({', '.join('EXCLUDED.' + c for c in EXTRACTION_COLUMNS[1:])})
"""  # noqa: S608 -- identifiers are module constants

_UPDATABLE = [c for c in EVENT_COLUMNS if c not in ("event_id", "event_date")]  # canonical_id is set by etl.canonical
UPSERT_EVENTS = f"""
INSERT INTO warehouse.events ({', '.join(EVENT_COLUMNS)})
SELECT {', '.join(EVENT_COLUMNS)} FROM tmp_events
ON CONFLICT (event_id, event_date) DO UPDATE SET
  {', '.join(f'{c} = EXCLUDED.{c}' for c in _UPDATABLE)}, updated_at = now()
WHERE ({', '.join('warehouse.events.' + c for c in _UPDATABLE)})
      IS DISTINCT FROM ({', '.join('EXCLUDED.' + c for c in _UPDATABLE)})
RETURNING (created_at = now()) AS inserted  -- a new row; partitioned tables cannot return xmax
"""  # noqa: S608 -- identifiers are module constants, values go through COPY


def _apply(cur, batch: list[ArticleEvents], summary: LoadSummary) -> None:
    ids = [a.article_id for a in batch]
    events, evidence, unresolved = _rows(batch)
    cur.execute(TEMP_TABLES)
    _copy(cur, "tmp_events", EVENT_COLUMNS, events)
    _copy(cur, "tmp_unresolved", UNRESOLVED_COLUMNS, unresolved)
    # evidence first: an event cannot be deleted while evidence names it (sql/0010)
    cur.execute("DELETE FROM warehouse.event_evidence WHERE article_id = ANY(%s)", (ids,))
    cur.execute("""DELETE FROM warehouse.events e WHERE e.article_id = ANY(%s)
                   AND NOT EXISTS (SELECT 1 FROM tmp_events t WHERE t.event_id = e.event_id)""", (ids,))
    summary.removed += cur.rowcount
    cur.execute(UPSERT_EVENTS)
    flags = [r[0] for r in cur.fetchall()]
    summary.inserted += sum(flags)
    summary.updated += len(flags) - sum(flags)
    _copy(cur, "warehouse.event_evidence", EVIDENCE_COLUMNS, evidence)  # straight in: replaced, not upserted
    cur.execute("DELETE FROM warehouse.unresolved_places u WHERE u.article_id = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM tmp_unresolved t WHERE t.name_norm = u.name_norm AND t.article_id = u.article_id)",
                (ids,))
    cur.execute(f"""INSERT INTO warehouse.unresolved_places ({', '.join(UNRESOLVED_COLUMNS)})
                    SELECT {', '.join(UNRESOLVED_COLUMNS)} FROM tmp_unresolved
                    ON CONFLICT (name_norm, article_id) DO UPDATE SET
                      name_ar = EXCLUDED.name_ar, admin1_hint = EXCLUDED.admin1_hint,
                      occurrences = EXCLUDED.occurrences, last_seen = now()
                    WHERE (warehouse.unresolved_places.occurrences, warehouse.unresolved_places.admin1_hint)
                          IS DISTINCT FROM (EXCLUDED.occurrences, EXCLUDED.admin1_hint)""")  # noqa: S608
    records = [(a.article_id, a.text_hash, a.extractor, a.extractor_version,
                "skipped" if a.skipped_reason else "ok", a.skipped_reason, len(a.events), len(a.unresolved))
               for a in batch if a.extractor]
    if records:
        _copy(cur, "tmp_extractions", EXTRACTION_COLUMNS, records)
        cur.execute(UPSERT_EXTRACTIONS)
    summary.articles += len(batch)
    summary.events += len(events)
    summary.unresolved += len(unresolved)


def load_article_events(batch: list[ArticleEvents], url: str | None = None) -> LoadSummary:
    """Replace the events of the batch's articles, atomically; retried on transient conflicts."""
    summary = LoadSummary()
    if not batch:
        return summary
    for attempt in range(1, MAX_ATTEMPTS + 1):
        summary = LoadSummary(attempts=attempt)
        try:
            conn = db.connect(url)
            try:
                with conn, conn.cursor() as cur:  # a new month gets its partitions first, in a short transaction
                    partitions.ensure(cur, partitions.EVENT_TABLES, {ev.event_date for a in batch for ev in a.events})
                with conn, conn.cursor() as cur:
                    _apply(cur, batch, summary)
            finally:
                conn.close()
            return summary
        except RETRYABLE as err:
            if attempt == MAX_ATTEMPTS:
                raise
            delay = RETRY_BASE_DELAY_S * 2 ** (attempt - 1)
            LOGGER.warning("load batch conflict (%s); retry %d in %.1fs", type(err).__name__, attempt, delay)
            time.sleep(delay)
    return summary

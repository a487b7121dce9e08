"""ACLED-style CSV export of canonical events (reporting.acled_events)."""

from __future__ import annotations

import csv
import logging
from datetime import date
from typing import TextIO

from etl import db
from etl.errors import HadathError

LOGGER = logging.getLogger(__name__)

# ACLED's export columns, in ACLED's order (../shared/docs/ACLED_CODING.md).
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
FETCH_SIZE = 5000  # server-side cursor batch: memory stays flat on large exports


def export_csv(out: TextIO, since: date, until: date, url: str | None = None) -> int:
    """Write canonical events with since <= event_date <= until as ACLED CSV; return the row count."""
    conn = db.connect(url)
    try:
        with conn, conn.cursor(name="hadath_export") as cur:
            cur.itersize = FETCH_SIZE
            cur.execute("SELECT * FROM reporting.acled_events WHERE event_date BETWEEN %s AND %s "
                        "ORDER BY event_date, event_id_cnty", (since, until))
            first = cur.fetchmany(FETCH_SIZE)
            columns = tuple(d[0] for d in cur.description)
            if columns != ACLED_COLUMNS:
                raise HadathError("reporting.acled_events does not match ACLED's columns; run `hadath db upgrade`")
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(columns)
            count, rows = 0, first
            while rows:
                writer.writerows(("" if v is None else v for v in row) for row in rows)
                count += len(rows)
                rows = cur.fetchmany(FETCH_SIZE)
    finally:
        conn.close()
    return count

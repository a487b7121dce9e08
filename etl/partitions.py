"""Monthly partitions (sql/0010_monthly_partitions.sql): make sure a month exists before writing to it.

raw.articles is partitioned by ``article_month``; warehouse.events, warehouse.event_evidence and
warehouse.canonical_events by ``event_date``. Writers call :func:`ensure` with the dates they are about
to write, best in a short transaction of its own (creating a partition briefly locks the parent table), and
the database function does the rest: idempotent, safe under concurrent workers, allowed for
``hadath_writer``. When every month exists it costs one query.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime

from etl.settings import LOCAL_ZONE

LOGGER = logging.getLogger(__name__)

ARTICLES = ("raw.articles",)
EVENT_TABLES = ("warehouse.canonical_events", "warehouse.events", "warehouse.event_evidence")


def month_of(value: date | datetime) -> date:
    """First day of the month holding this date (aware datetimes are read in Damascus time)."""
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_ZONE).date() if value.tzinfo else value.date()
    return value.replace(day=1)


def ensure(cur, tables: Iterable[str], dates: Iterable[date | datetime]) -> list[str]:
    """Create any missing monthly partition of these tables for these dates; returns the new ones.

    One round trip when nothing is missing. Best run in its own transaction, before the one that writes.
    """
    months = sorted({month_of(d) for d in dates})
    if not months:
        return []
    cur.execute("""SELECT t, m FROM unnest(%s::text[]) AS t, unnest(%s::date[]) AS m
                   WHERE to_regclass(t || '_p' || to_char(m, 'YYYY_MM')) IS NULL ORDER BY t, m""",
                (list(tables), months))
    created = []
    for table, month in cur.fetchall():
        cur.execute("SELECT hadath_meta.ensure_month_partition(%s::regclass, %s)", (table, month))
        name = cur.fetchone()[0]
        if name:  # None: a concurrent worker created it first
            created.append(name)
    if created:
        LOGGER.info("created partitions: %s", ", ".join(created))
    return created

"""What the nightly DAG does, as plain functions (the DAG file only wires them).

Window: a run scheduled at 02:00 Asia/Damascus on day D has the data interval
[D-1 02:00, D 02:00); it processes the *calendar day* D-1 (00:00-24:00 Damascus time),
i.e. the local date of the interval start. Backfills use the same rule, so every night
is one day and re-running a night replaces exactly that day's results.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from etl import db, settings

LOGGER = logging.getLogger(__name__)

TIMEZONE = settings.TIMEZONE
CONN_ID = "hadath_db"
CRAWL_TIMEOUT_S = 45 * 60  # one outlet's crawl; the task's execution_timeout is a little longer
EVENT_LOOKBACK_DAYS = 31  # an event reported tonight may have happened up to a month earlier


@dataclass(frozen=True)
class Window:
    since: datetime  # inclusive, timezone-aware
    until: datetime  # exclusive

    @property
    def day(self) -> date:
        return self.since.date()

    def as_dict(self) -> dict[str, str]:
        return {"since": self.since.isoformat(), "until": self.until.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Window:
        return cls(datetime.fromisoformat(data["since"]), datetime.fromisoformat(data["until"]))


def day_window(day: date, tz: str = TIMEZONE) -> Window:
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), zone)
    return Window(start, datetime.combine(day + timedelta(days=1), time(0), zone))


def window_for_interval(data_interval_start: datetime, tz: str = TIMEZONE) -> Window:
    """The calendar day (in `tz`) that holds the data interval's start."""
    return day_window(data_interval_start.astimezone(ZoneInfo(tz)).date(), tz)


def database_url(conn_id: str = CONN_ID) -> str:
    """The warehouse for Airflow tasks: connection `hadath_db`, else DATABASE_URL / embedded."""
    try:
        from airflow.sdk import BaseHook

        conn = BaseHook.get_connection(conn_id)
    except Exception as err:  # connection not defined: fall back, but say so
        LOGGER.info("Airflow connection %r not usable (%s); using DATABASE_URL or the embedded server",
                    conn_id, type(err).__name__)
        return db.target().url
    return connection_dsn(conn.host, conn.port, conn.schema, conn.login, conn.password, conn.extra_dejson)


def connection_dsn(host, port, schema, login, password, extra: dict | None = None) -> str:
    """A libpq DSN from Airflow connection fields (a host starting with / is a socket folder)."""
    import psycopg2.extensions

    params = {"host": host or None, "port": port or None, "dbname": schema or None,
              "user": login or None, "password": password or None}
    params.update({k: v for k, v in (extra or {}).items() if k in ("host", "port", "sslmode", "options")})
    return psycopg2.extensions.make_dsn(**{k: v for k, v in params.items() if v is not None})


def hadath_command(*args: str) -> list[str]:
    """`hadath ...` run with this interpreter (works without the venv's bin on PATH)."""
    return [sys.executable, "-m", "etl.cli", *args]


def crawl(outlet: str, window: Window, url: str, base_url: str | None = None) -> dict:
    """Run `hadath crawl` for one outlet as a subprocess (Scrapy's reactor is not restartable)."""
    cmd = hadath_command("crawl", "--outlet", outlet, "--since", window.since.isoformat(),
                         "--until", window.until.isoformat())
    if base_url:
        cmd += ["--base-url", base_url, "--fast"]
    env = {**os.environ, settings.ENV_DATABASE_URL: url}
    LOGGER.info("crawling %s: %s", outlet, " ".join(cmd[2:]))
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=CRAWL_TIMEOUT_S, check=False)
    for line in (res.stdout + res.stderr).splitlines():
        LOGGER.info("[%s] %s", outlet, line)
    if res.returncode != 0:
        from etl.errors import HadathError

        last = (res.stderr.strip().splitlines() or ["no output"])[-1]
        raise HadathError(f"crawl of {outlet} failed (exit {res.returncode}): {last}")
    return {"outlet": outlet, "exit": res.returncode}


SUMMARY_SQL = """
WITH runs AS (
  SELECT * FROM raw.crawl_runs WHERE window_start = %(since)s AND window_end = %(until)s
), crawl AS (
  SELECT outlet, sum(new_articles) AS new FROM runs GROUP BY outlet
), latest AS (
  SELECT DISTINCT ON (outlet) outlet, errors FROM runs ORDER BY outlet, started_at DESC
), fetched AS (
  SELECT r.outlet, count(*) AS n FROM raw.articles r JOIN runs USING (crawl_run_id) GROUP BY r.outlet
), quarantined AS (
  SELECT r.outlet, count(*) AS n FROM staging.quarantine q JOIN raw.articles r USING (article_id)
  JOIN runs USING (crawl_run_id) GROUP BY r.outlet
), window_articles AS (
  SELECT article_id, outlet FROM staging.articles
  WHERE published_at >= %(since)s AND published_at < %(until)s
), cleaned AS (
  SELECT outlet, count(*) AS n FROM window_articles GROUP BY outlet
), ev AS (
  SELECT w.outlet, e.event_type, count(*) AS n
  FROM warehouse.events e JOIN window_articles w USING (article_id) GROUP BY w.outlet, e.event_type
), unresolved AS (
  SELECT w.outlet, count(*) AS n FROM warehouse.unresolved_places u JOIN window_articles w USING (article_id)
  GROUP BY w.outlet
), outlets AS (
  SELECT outlet FROM runs UNION SELECT outlet FROM window_articles
)
SELECT o.outlet, coalesce(f.n, 0), coalesce(c.new, 0), coalesce(cl.n, 0), coalesce(q.n, 0),
       coalesce((SELECT jsonb_object_agg(event_type, n) FROM ev WHERE ev.outlet = o.outlet), '{}'),
       coalesce(u.n, 0), coalesce(l.errors, '{}')
FROM outlets o LEFT JOIN crawl c USING (outlet) LEFT JOIN latest l USING (outlet)
LEFT JOIN fetched f USING (outlet) LEFT JOIN cleaned cl USING (outlet)
LEFT JOIN quarantined q USING (outlet) LEFT JOIN unresolved u USING (outlet)
ORDER BY o.outlet
"""

SUMMARY_FIELDS = ("outlet", "articles_fetched", "articles_new", "articles_cleaned", "articles_quarantined",
                  "events_by_type", "unresolved_places", "errors")


def run_summary(window: Window, run_id: str, url: str | None = None) -> list[dict]:
    """Count what the night produced per outlet, store it in hadath_meta.run_summaries, return it."""
    params = {"since": window.since, "until": window.until}
    with db.transaction(url) as cur:
        cur.execute(SUMMARY_SQL, params)
        rows = [dict(zip(SUMMARY_FIELDS, r, strict=True)) for r in cur.fetchall()]
        for row in rows:
            row["events"] = sum(row["events_by_type"].values())
            cur.execute(
                """INSERT INTO hadath_meta.run_summaries (window_start, window_end, outlet, run_id,
                     articles_fetched, articles_new, articles_cleaned, articles_quarantined, events,
                     events_by_type, unresolved_places, errors)
                   VALUES (%(since)s, %(until)s, %(outlet)s, %(run_id)s, %(articles_fetched)s, %(articles_new)s,
                     %(articles_cleaned)s, %(articles_quarantined)s, %(events)s, %(ebt)s, %(unresolved_places)s,
                     %(err)s)
                   ON CONFLICT (window_start, window_end, outlet) DO UPDATE SET run_id = EXCLUDED.run_id,
                     articles_fetched = EXCLUDED.articles_fetched, articles_new = EXCLUDED.articles_new,
                     articles_cleaned = EXCLUDED.articles_cleaned,
                     articles_quarantined = EXCLUDED.articles_quarantined, events = EXCLUDED.events,
                     events_by_type = EXCLUDED.events_by_type, unresolved_places = EXCLUDED.unresolved_places,
                     errors = EXCLUDED.errors, updated_at = now()""",
                {**params, **row, "run_id": run_id, "ebt": json.dumps(row["events_by_type"]),
                 "err": json.dumps(row["errors"])},
            )
    return rows


def stored_summary(window: Window, url: str | None = None) -> list[dict]:
    """The summary rows the DAG's `summary` task stored for this window."""
    with db.transaction(url) as cur:
        cur.execute("SELECT outlet, articles_fetched, articles_new, articles_cleaned, articles_quarantined, "
                    "events_by_type, unresolved_places, errors, events FROM hadath_meta.run_summaries "
                    "WHERE window_start = %s AND window_end = %s ORDER BY outlet", (window.since, window.until))
        return [dict(zip((*SUMMARY_FIELDS, "events"), r, strict=True)) for r in cur.fetchall()]


def format_summary(window: Window, rows: list[dict]) -> str:
    """The run summary as a small text table (task log, CLI)."""
    head = f"{'outlet':<10} {'fetched':>7} {'new':>5} {'cleaned':>7} {'quar.':>5} {'events':>6} {'unres.':>6}  errors"
    lines = [f"Hadath run summary for {window.day.isoformat()} (Asia/Damascus)", head]
    for r in rows:
        errs = ", ".join(f"{k}={v}" for k, v in sorted(r["errors"].items())) or "-"
        lines.append(f"{r['outlet']:<10} {r['articles_fetched']:>7} {r['articles_new']:>5} "
                     f"{r['articles_cleaned']:>7} {r['articles_quarantined']:>5} {r['events']:>6} "
                     f"{r['unresolved_places']:>6}  {errs}")
    by_type: dict[str, int] = {}
    for r in rows:
        for k, v in r["events_by_type"].items():
            by_type[k] = by_type.get(k, 0) + v
    lines.append("events by type: " + (", ".join(f"{k}={v}" for k, v in sorted(by_type.items())) or "none"))
    return "\n".join(lines)


def enabled_outlets(only: list[str] | None = None) -> list[str]:
    """Slugs of the enabled outlets in scrapers/outlets.yaml (optionally a subset)."""
    from scrapers.config import load_outlets

    slugs = [o.slug for o in load_outlets() if o.enabled]
    if only:
        unknown = sorted(set(only) - set(slugs))
        if unknown:
            from etl.errors import BadInput

            raise BadInput(f"unknown or disabled outlet(s): {', '.join(unknown)}")
        slugs = [s for s in slugs if s in only]
    return slugs


def crawl_failures(wanted: list[str], results: list[dict]) -> None:
    """Raise when some outlets have no successful crawl result."""
    done = {r["outlet"] for r in results if r}
    missing = [o for o in wanted if o not in done]
    if missing:
        from etl.errors import HadathError

        raise HadathError(f"crawl failed for {len(missing)} outlet(s): {', '.join(missing)}")


def clean(window: Window, url: str) -> dict:
    from etl.clean.pipeline import clean as clean_window

    summary = clean_window(url=url, since=window.since, until=window.until)
    return _as_dict(summary)


def extract(window: Window, url: str) -> dict:
    from etl.events.pipeline import extract_window

    return _as_dict(extract_window(window.day, window.day, url=url))  # one Damascus day, inclusive


def load(window: Window, url: str) -> dict:
    """Merge the window's per-article events into canonical events (one event, many reports)
    and keep the gazetteer in warehouse.places current."""
    from etl.canonical import reconcile
    from etl.reference import sync_places

    with db.transaction(url) as cur:
        cur.execute("SELECT article_id FROM staging.articles WHERE published_at >= %s AND published_at < %s",
                    (window.since, window.until))
        ids = [r[0] for r in cur.fetchall()]
    summary = _as_dict(reconcile(ids, url))
    summary["places"] = sync_places(url)
    LOGGER.info("load: %s", summary)
    return summary


def _as_dict(obj) -> dict:
    from dataclasses import asdict, is_dataclass

    return asdict(obj) if is_dataclass(obj) else dict(obj)

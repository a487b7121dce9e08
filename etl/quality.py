"""Data-quality checks on a night's events.

Each check is one SQL statement returning a single row of booleans, the contract of
common-sql's SQLCheckOperator (the DAG runs them with it); `run_checks` runs them directly
for `hadath run` and tests. They cover the events of articles published in the window.
Any failed check fails the run visibly.
"""

from __future__ import annotations

import logging

from etl import db
from etl.errors import HadathError
from etl.orchestrate import EVENT_LOOKBACK_DAYS, Window

LOGGER = logging.getLogger(__name__)

# Syria's bounding box, with a small margin for border towns.
LAT_MIN, LAT_MAX, LON_MIN, LON_MAX = 32.3, 37.4, 35.6, 42.4

_WINDOW_EVENTS = """
  SELECT e.*, s.published_at FROM warehouse.events e JOIN staging.articles s USING (article_id)
  WHERE s.published_at >= %(since)s AND s.published_at < %(until)s"""

CHECKS: dict[str, str] = {
    "valid_event_types": f"""
        WITH w AS ({_WINDOW_EVENTS})
        SELECT count(*) = 0 FROM w LEFT JOIN warehouse.acled_event_types t
          ON t.event_type = w.event_type AND t.sub_event_type = w.sub_event_type
             AND t.disorder_type = w.disorder_type
        WHERE t.event_type IS NULL""",
    "dates_in_window": f"""
        WITH w AS ({_WINDOW_EVENTS})
        SELECT count(*) = 0 FROM w
        WHERE w.event_date > (w.published_at AT TIME ZONE 'Asia/Damascus')::date
           OR w.event_date < (%(since)s::timestamptz AT TIME ZONE 'Asia/Damascus')::date - {EVENT_LOOKBACK_DAYS}""",
    "coordinates_in_syria": f"""
        WITH w AS ({_WINDOW_EVENTS})
        SELECT count(*) = 0 FROM w
        WHERE w.latitude IS NULL OR w.longitude IS NULL
           OR w.latitude NOT BETWEEN {LAT_MIN} AND {LAT_MAX} OR w.longitude NOT BETWEEN {LON_MIN} AND {LON_MAX}""",
    "fatalities_non_negative": f"""
        WITH w AS ({_WINDOW_EVENTS}) SELECT count(*) = 0 FROM w WHERE w.fatalities < 0""",
    "every_event_has_evidence": f"""
        WITH w AS ({_WINDOW_EVENTS})
        SELECT count(*) = 0 FROM w
        WHERE NOT EXISTS (SELECT 1 FROM warehouse.event_evidence v
                          WHERE v.event_id = w.event_id AND v.event_date = w.event_date)""",
}


def params(window: Window) -> dict[str, str]:
    return {"since": window.since.isoformat(), "until": window.until.isoformat()}


def airflow_sql(sql: str) -> str:
    """The check with the window taken from the `window` task's XCom (SQLCheckOperator
    templates `sql` but not `parameters`). The values are ISO timestamps made by our own task."""
    for key in ("since", "until"):
        jinja = "{{ ti.xcom_pull(task_ids='window')['" + key + "'] }}"
        sql = sql.replace(f"%({key})s", f"'{jinja}'::timestamptz")
    return sql


def run_checks(window: Window, url: str | None = None) -> dict[str, bool]:
    """Run every check; raise HadathError naming the failed ones."""
    results: dict[str, bool] = {}
    with db.transaction(url) as cur:
        for name, sql in CHECKS.items():
            cur.execute(sql, params(window))
            results[name] = bool(cur.fetchone()[0])
    failed = [n for n, ok in results.items() if not ok]
    for name, ok in results.items():
        LOGGER.info("quality check %-26s %s", name, "ok" if ok else "FAILED")
    if failed:
        raise HadathError(f"data-quality checks failed for {window.day}: {', '.join(failed)}")
    return results

"""
### hadath_outlet_check

Every Monday at 06:00 Asia/Damascus, Hadath checks each enabled outlet against its site, as
`hadath outlets check` does (`etl/outlet_check.py`): robots.txt, the configured feeds and sitemaps,
the first listing page and one article (every response checked for a block first), and what the
discovery fallback would find where a configured source moved.

1. `outlets` — the enabled outlets of `scrapers/outlets.yaml` (or the `outlets` param).
2. `check` — one mapped task per outlet; returns its report (probes, verdict, reason). It fails only
   when the check itself cannot run.
3. `verdict` — prints the table, then fails when an outlet is `broken` or `blocked` (or its check did
   not run): the failure callback alerts (task log, and `HADATH_ALERT_WEBHOOK` when set) with the
   outlets and why, e.g. `sohr blocked (feed: challenge (Cloudflare "Just a moment...", HTTP 503))`.

Params: `base_url` checks a mirror such as the offline snapshot (`http://127.0.0.1:8765`) instead of
the live sites; `outlets` limits the check to some slugs. Nothing is written to the warehouse.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, task
from airflow.timetables.trigger import CronTriggerTimetable

from etl.alerts import on_failure

RETRY_DELAY = timedelta(seconds=int(os.environ.get("HADATH_RETRY_DELAY_S", "300")))

default_args = {  # as hadath_nightly's: retried twice, bounded, alerting
    "owner": "hadath",
    "retries": 2,
    "retry_delay": RETRY_DELAY,
    "retry_exponential_backoff": True,
    "execution_timeout": timedelta(minutes=30),
    "on_failure_callback": on_failure,
}


@dag(
    dag_id="hadath_outlet_check",
    schedule=CronTriggerTimetable("0 6 * * 1", timezone="Asia/Damascus"),
    start_date=pendulum.datetime(2026, 1, 5, tz="Asia/Damascus"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["hadath", "outlets", "weekly"],
    doc_md=__doc__,
    params={
        "base_url": Param(None, type=["null", "string"], description="check this mirror instead of live sites"),
        "outlets": Param([], type="array", description="limit to these outlet slugs (empty: all enabled)"),
    },
)
def hadath_outlet_check():
    @task
    def outlets(params=None) -> list[str]:
        from etl.orchestrate import enabled_outlets

        return enabled_outlets(params.get("outlets") or None)

    @task(execution_timeout=timedelta(minutes=15), max_active_tis_per_dagrun=4)
    def check(outlet: str, params=None) -> dict:
        from etl.outlet_check import check_outlets

        return check_outlets([outlet], params.get("base_url"))[0].as_dict()

    @task(trigger_rule="all_done")
    def verdict(wanted: list[str], reports: list | None = None) -> str:
        """Fail (and so alert) when an outlet is broken or blocked, after every check ran."""
        from etl.outlet_check import weekly_verdict

        text = weekly_verdict(wanted, list(reports or []))
        print(text)
        return text

    wanted = outlets()
    verdict(wanted, check.expand(outlet=wanted))


hadath_outlet_check()

if __name__ == "__main__":
    hadath_outlet_check().test()

"""
### hadath_nightly

Every night at 02:00 Asia/Damascus, Hadath processes the **previous calendar day**:

1. `crawl` — one mapped task per enabled outlet (`scrapers/outlets.yaml`), each running
   `hadath crawl` as a subprocess. A failing outlet does not block the others; its task
   turns red here.
2. `clean` — raw pages of the window -> `staging.articles` (trafilatura, dates, dedup).
3. `extract` — staging -> events (rule extractor), one JSON record per article.
4. `load` — events -> `warehouse` (COPY + upsert, one transaction per batch).
5. `check_*` — data-quality checks (common-sql `SQLCheckOperator`): valid ACLED type pairs,
   dates in the window, coordinates inside Syria, fatalities >= 0, evidence for every event.
6. `summary` — per-outlet counts into `hadath_meta.run_summaries`, shown in the log and as XCom.
7. `crawl_health` — fails the run (visibly, at the end) when any outlet's crawl failed.

Re-running a night replaces that night's results (idempotent; stable event ids).
Params: `base_url` crawls a mirror/snapshot (e.g. `http://127.0.0.1:8765`) instead of the live sites;
`outlets` limits the crawl to some slugs; `crawl=false` re-processes what `raw` already holds. Database: Airflow connection `hadath_db`
(defaults to `DATABASE_URL`).
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.providers.common.sql.operators.sql import SQLCheckOperator
from airflow.sdk import Asset, Param, dag, task
from airflow.timetables.interval import CronDataIntervalTimetable

from etl.alerts import on_failure

WAREHOUSE = Asset("hadath://warehouse/events")
RETRY_DELAY = timedelta(seconds=int(os.environ.get("HADATH_RETRY_DELAY_S", "300")))

default_args = {
    "owner": "hadath",
    "retries": 2,
    "retry_delay": RETRY_DELAY,
    "retry_exponential_backoff": True,
    "execution_timeout": timedelta(hours=2),
    "on_failure_callback": on_failure,
}


@dag(
    dag_id="hadath_nightly",
    schedule=CronDataIntervalTimetable("0 2 * * *", timezone="Asia/Damascus"),
    start_date=pendulum.datetime(2022, 1, 1, tz="Asia/Damascus"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["hadath", "nightly", "acled"],
    doc_md=__doc__,
    params={
        "base_url": Param(None, type=["null", "string"], description="crawl this mirror instead of live sites"),
        "outlets": Param([], type="array", description="limit to these outlet slugs (empty: all enabled)"),
        "crawl": Param(True, type="boolean", description="false: re-process what is already in raw, no fetching"),
    },
)
def hadath_nightly():
    @task
    def window(data_interval_start=None) -> dict:
        from etl.orchestrate import window_for_interval

        return window_for_interval(data_interval_start).as_dict()

    @task
    def outlets(params=None) -> list[str]:
        from etl.orchestrate import enabled_outlets

        if not params.get("crawl", True):
            return []  # the mapped crawl is then skipped; clean runs on what raw already holds
        return enabled_outlets(params.get("outlets") or None)

    @task(execution_timeout=timedelta(minutes=50), max_active_tis_per_dagrun=2)
    def crawl(outlet: str, win: dict, params=None) -> dict:
        from etl import orchestrate

        return orchestrate.crawl(outlet, orchestrate.Window.from_dict(win), orchestrate.database_url(),
                                 params.get("base_url"))

    @task(trigger_rule="all_done")
    def clean(win: dict, crawled: list | None = None) -> dict:
        from etl import orchestrate

        return orchestrate.clean(orchestrate.Window.from_dict(win), orchestrate.database_url())

    @task
    def extract(win: dict, cleaned: dict) -> dict:
        from etl import orchestrate

        return orchestrate.extract(orchestrate.Window.from_dict(win), orchestrate.database_url())

    @task(outlets=[WAREHOUSE])
    def load(win: dict, extracted: dict) -> dict:
        from etl import orchestrate

        return orchestrate.load(orchestrate.Window.from_dict(win), orchestrate.database_url())

    @task(trigger_rule="all_done")
    def crawl_health(wanted: list[str], crawled: list | None = None) -> None:
        """Fail the run (after everything else ran) when an outlet's crawl failed."""
        from etl.orchestrate import crawl_failures

        crawl_failures(wanted, list(crawled or []))

    @task(trigger_rule="all_done")
    def summary(win: dict, run_id=None) -> str:
        from etl import orchestrate

        window = orchestrate.Window.from_dict(win)
        text = orchestrate.format_summary(window, orchestrate.run_summary(window, run_id, orchestrate.database_url()))
        print(text)
        return text

    from etl.quality import CHECKS, airflow_sql

    win = window()
    wanted = outlets()
    crawled = crawl.partial(win=win).expand(outlet=wanted)
    loaded = load(win, extract(win, clean(win, crawled)))
    checks = [
        SQLCheckOperator(
            task_id=f"check_{name}",
            conn_id="hadath_db",
            sql=airflow_sql(sql),
        )
        for name, sql in CHECKS.items()
    ]
    loaded >> checks  # checks are leaves: a failed check fails the run
    loaded >> summary(win)
    loaded >> crawl_health(wanted, crawled)


hadath_nightly()

if __name__ == "__main__":
    hadath_nightly().test()

"""`hadath run`: one nightly run (or several days) of the real Airflow DAG via `airflow dags test`."""

from __future__ import annotations

import argparse
import json
import logging
import re
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from etl import airflow_env, db, migrate, orchestrate, settings
from etl.errors import BadInput, HadathError

LOGGER = logging.getLogger(__name__)

SUMMARY = "Run the nightly DAG through Airflow for a day (default: yesterday), live or against the snapshot."
DAG_ID = "hadath_nightly"
SNAPSHOT_DAYS = (date(2022, 1, 20), date(2022, 1, 22))  # the bundled snapshot's main window (inclusive)
RUN_TIMEOUT_S = 3 * 3600
REPORT_LEAD_IN_DAYS = 7  # the demo report also shows events reported in the window but dated a little earlier
TASK_LINE = re.compile(r"\[DAG TEST\] running task <TaskInstance: \S+?\.(\S+) ")
UNREACHABLE_LINE = re.compile(r"\b([a-z0-9_-]+): (\S+) is unreachable: ([^\[]+?)\s*(?:\[|$)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", type=date.fromisoformat, help="the day to process (default: yesterday)")
    parser.add_argument("--since", type=date.fromisoformat, help="first day of a range (with --until)")
    parser.add_argument("--until", type=date.fromisoformat, help="last day of a range, inclusive")
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--snapshot", action="store_true",
                     help="serve the bundled offline snapshot on 127.0.0.1 and crawl it (default days: its window)")
    src.add_argument("--base-url", help="crawl a mirror at this URL instead of the live sites")
    parser.add_argument("--outlet", action="append", default=[], help="limit to this outlet slug (repeatable)")
    parser.add_argument("--no-crawl", dest="crawl", action="store_false",
                        help="fetch nothing: clean, extract and load what raw already holds for the day")


def days(args: argparse.Namespace) -> list[date]:
    if args.date and (args.since or args.until):
        raise BadInput("give --date or --since/--until, not both")
    if bool(args.since) != bool(args.until):
        raise BadInput("--since and --until go together")
    if args.since:
        if args.until < args.since:
            raise BadInput("--until is before --since")
        return [args.since + timedelta(n) for n in range((args.until - args.since).days + 1)]
    if args.date:
        return [args.date]
    if args.snapshot:
        first, last = SNAPSHOT_DAYS
        return [first + timedelta(n) for n in range((last - first).days + 1)]
    return [datetime.now(ZoneInfo(orchestrate.TIMEZONE)).date() - timedelta(days=1)]


def logical_date(day: date) -> str:
    """The run that processes `day` is the one scheduled at 02:00 (Damascus) the next morning: its
    data interval [day 02:00, day+1 02:00) starts on `day` (see etl.orchestrate)."""
    return datetime.combine(day + timedelta(days=1), time(2), ZoneInfo(orchestrate.TIMEZONE)).isoformat()


def run_day(day: date, env: dict[str, str], conf: dict) -> bool:
    """One `airflow dags test` run; streams task progress; True when the run succeeded."""
    log_dir = settings.state_dir() / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"run-{day.isoformat()}.log"
    cmd = [airflow_env.airflow_bin(), "dags", "test", DAG_ID, logical_date(day), "-c", json.dumps(conf)]
    print(f"== {day.isoformat()}: running DAG {DAG_ID} (log: {log_path})", flush=True)
    told: set[str] = set()
    with open(log_path, "w") as log, subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                                                      stderr=subprocess.STDOUT, text=True) as proc:
        for line in proc.stdout:
            log.write(line)
            task, down = TASK_LINE.search(line), UNREACHABLE_LINE.search(line)
            if task:
                print(f"   · {task.group(1)}", flush=True)
            elif down and down.group(1) not in told:  # one line per outlet, however many retries
                told.add(down.group(1))
                print(f"   ! {down.group(1)}: {down.group(2)} is unreachable: {down.group(3)}", flush=True)
        proc.wait(timeout=RUN_TIMEOUT_S)
    ok = proc.returncode == 0
    print(f"   run {'succeeded' if ok else 'FAILED'} (exit {proc.returncode})", flush=True)
    return ok


def print_summary(day: date, url: str) -> list[dict]:
    window = orchestrate.day_window(day)
    rows = orchestrate.stored_summary(window, url)
    print(orchestrate.format_summary(window, rows), flush=True)
    return rows


def run(args: argparse.Namespace) -> int:
    run_days = days(args)
    url = db.target().url
    migrate.upgrade(url)
    env = airflow_env.environment(url)
    airflow_env.ensure_migrated(env)
    server = None
    base_url = args.base_url
    if args.snapshot:
        from etl.snapshot import start_server

        server = start_server()
        base_url = server.base_url
        print(f"serving the offline snapshot at {base_url}", flush=True)
    conf = {"base_url": base_url, "outlets": args.outlet, "crawl": args.crawl}
    try:
        results = [(day, run_day(day, env, conf)) for day in run_days]
    finally:
        if server is not None:
            server.stop()
    summaries = [row for day, _ in results for row in print_summary(day, url)]  # print every day's
    reached = any(r["articles_fetched"] or not r["errors"] for r in summaries)
    if args.crawl and not base_url and not reached:
        print("No outlet could be reached (no network, DNS failure or the sites are down). "
              "Try `make demo` to run the same pipeline against the bundled offline snapshot.", file=sys.stderr)
        return 1
    if args.snapshot:
        print_overview(run_days[0], run_days[-1], url)
    failed = [d.isoformat() for d, ok in results if not ok]
    if failed:
        raise HadathError(f"the nightly run failed for {', '.join(failed)}; see .hadath/logs/")
    return 0


OVERVIEW_SQL = {
    "articles": "SELECT count(*) FROM staging.articles WHERE published_at >= %(s)s AND published_at < %(u)s",
    "types": """SELECT event_type, count(*), sum(fatalities) FROM warehouse.canonical_events
                WHERE NOT retracted AND event_date BETWEEN %(d0)s AND %(d1)s GROUP BY 1 ORDER BY 2 DESC""",
    "places": """SELECT coalesce(nullif(location, ''), location_ar), admin1, count(*), sum(fatalities)
                 FROM warehouse.canonical_events WHERE NOT retracted AND event_date BETWEEN %(d0)s AND %(d1)s
                 GROUP BY 1, 2 ORDER BY 3 DESC, 4 DESC LIMIT 10""",
}


def print_overview(first: date, last: date, url: str) -> None:
    """The demo's closing summary, and the HTML report for the same days."""
    from etl.report import write_report

    since, until = orchestrate.day_window(first).since, orchestrate.day_window(last).until
    params = {"s": since, "u": until, "d0": first - timedelta(days=REPORT_LEAD_IN_DAYS), "d1": last}
    with db.transaction(url) as cur:
        cur.execute(OVERVIEW_SQL["articles"], params)
        articles = cur.fetchone()[0]
        cur.execute(OVERVIEW_SQL["types"], params)
        types = cur.fetchall()
        cur.execute(OVERVIEW_SQL["places"], params)
        places = cur.fetchall()
    print(f"\n== Summary {first} .. {last}: {articles} articles cleaned, "
          f"{sum(t[1] for t in types)} canonical events, {sum(t[2] for t in types)} fatalities")
    for event_type, n, dead in types:
        print(f"   {event_type:<28} {n:>4} events {dead:>5} killed")
    print("   top places: " + "; ".join(f"{p} ({a}) {n}" for p, a, n, _ in places))
    report = settings.state_dir() / "report.html"
    n = write_report(str(report), params["d0"], last, url)  # the same days as the summary above
    print(f"   report: {report} ({n} events; open it in a browser, works offline)")

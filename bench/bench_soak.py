"""Soak: 20,000 generated articles through clean -> extract -> load (library calls, as the DAG
tasks make them), in one process. Records wall time and peak RSS, and checks with `hadath
audit` that every article is accounted for.

Run: .venv/bin/python -m bench.bench_soak [--articles 20000]
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import date, datetime
from datetime import time as dtime
from zoneinfo import ZoneInfo

from bench.common import emit, machine, throwaway_db
from bench.corpus import insert_corpus
from etl import orchestrate
from etl.audit import audit

DAY = date(2022, 3, 11)


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20_000)
    args = parser.parse_args()
    window = orchestrate.day_window(DAY)
    with throwaway_db() as url:
        insert_corpus(url, args.articles, datetime.combine(DAY, dtime(0), ZoneInfo("Asia/Damascus")), seed=11)
        rss_before = peak_rss_mb()
        stages = {}
        for name, step in (("clean", orchestrate.clean), ("extract", orchestrate.extract),
                           ("load", orchestrate.load)):
            start = time.perf_counter()
            step(window, url)
            stages[name] = round(time.perf_counter() - start, 1)
        report = audit(window.since, window.until, url)
    figures = {"soak_articles": args.articles, "soak_wall_s": round(sum(stages.values()), 1),
               "soak_peak_rss_mb": peak_rss_mb(), "soak_rss_before_mb": rss_before,
               "soak_worker_peak_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN),
               "soak_accounted": report.reconciles and not report.problems,
               **{f"soak_{k}_s": v for k, v in stages.items()}}
    emit("soak", figures, f"""
## Soak: {args.articles:,} articles through clean -> extract -> load

One process calling the same functions as the DAG's tasks ({machine()}). Wall time per stage:
clean {stages['clean']} s, extract {stages['extract']} s, load (canonical merge) {stages['load']} s;
total **{figures['soak_wall_s']} s**. Peak RSS of the main process **{figures['soak_peak_rss_mb']} MB** (after
generating the corpus: {rss_before} MB), of the largest cleaning worker process
{figures['soak_worker_peak_rss_mb']} MB (target < 1 GB each).

Accounting (`hadath audit`): fetched {report.fetched}; cleaning {dict(report.clean_states)};
extraction {dict(report.extract_states)}; events {report.events}; every article accounted for:
**{'yes' if figures['soak_accounted'] else 'NO'}** ({len(report.problems)} not fully processed).
""")


if __name__ == "__main__":
    main()

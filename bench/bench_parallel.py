"""Both cores: cleaning (and extraction) of the same generated articles with 1 and 2 worker
processes, each in a fresh database, median of repeats, and the speed-up.

Run: .venv/bin/python -m bench.bench_parallel [--articles 2000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bench.common import emit, machine, median, throwaway_db, timed
from bench.corpus import insert_corpus
from etl import orchestrate
from etl.clean.pipeline import clean

DAY = date(2022, 3, 12)


def one(n: int, workers: int) -> dict[str, float]:
    window = orchestrate.day_window(DAY)
    with throwaway_db() as url:
        insert_corpus(url, n, datetime.combine(DAY, time(0), ZoneInfo("Asia/Damascus")), seed=5)
        out = {"clean": timed(lambda: clean(url, since=window.since, until=window.until, workers=workers))}
        os.environ["HADATH_WORKERS"] = str(workers)
        try:
            out["extract"] = timed(lambda: orchestrate.extract(window, url))
        except ImportError:  # extraction not installed in this checkout
            pass
        finally:
            os.environ.pop("HADATH_WORKERS", None)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    runs = {w: [one(args.articles, w) for _ in range(args.repeats)] for w in (1, 2)}
    figures: dict[str, float] = {"parallel_articles": args.articles}
    rows = []
    for stage in ("clean", "extract"):
        if not all(stage in r for w in runs for r in runs[w]):
            continue
        t1, t2 = (median([r[stage] for r in runs[w]]) for w in (1, 2))
        figures[f"{stage}_1_worker_articles_per_s"] = round(args.articles / t1, 1)
        figures[f"{stage}_2_workers_articles_per_s"] = round(args.articles / t2, 1)
        figures[f"{stage}_2_worker_speedup"] = round(t1 / t2, 2)
        rows.append(f"| {stage} | {args.articles / t1:.0f} | {args.articles / t2:.0f} | **{t1 / t2:.2f}x** |")
    emit("parallel", figures, f"""
## Using both cores

The same {args.articles:,} generated articles (bench/corpus.py), each run in a fresh database, median of
{args.repeats} runs ({machine()}). Stages run as the DAG runs them, including their database writes
(one writer; the worker processes do the CPU-bound page cleaning / extraction).

| Stage | 1 worker (articles/s) | 2 workers (articles/s) | Speed-up |
|---|---|---|---|
{chr(10).join(rows)}
""")


if __name__ == "__main__":
    main()

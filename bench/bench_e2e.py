"""End to end: N generated articles through the real nightly DAG (clean -> extract -> load ->
checks -> summary, via `hadath run --no-crawl`, i.e. `airflow dags test`), for N = 1,000 and 10,000.
Wall time includes Airflow's overhead; peak RSS is the process tree's. Cost should grow linearly.

Run: .venv/bin/python -m bench.bench_e2e [--sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bench.common import emit, machine, throwaway_db
from bench.corpus import insert_corpus
from etl import airflow_env

DAY = date(2022, 3, 10)


def run_size(n: int) -> dict:
    with throwaway_db() as url, tempfile.TemporaryDirectory() as state:
        insert_corpus(url, n, datetime.combine(DAY, time(0), ZoneInfo("Asia/Damascus")))
        env = {**os.environ, "DATABASE_URL": url, "HADATH_STATE_DIR": state}
        airflow_env.ensure_migrated(airflow_env.environment(url) | {"AIRFLOW_HOME": f"{state}/airflow"})
        cmd = [sys.executable, "-m", "bench.measure", sys.executable, "-m", "etl.cli", "run", "--date",
               DAY.isoformat(), "--no-crawl"]
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        fig = json.loads(out.stdout.strip().splitlines()[-1])
        import psycopg2

        conn = psycopg2.connect(url)
        with conn.cursor() as cur:
            cur.execute("SELECT (SELECT count(*) FROM staging.articles), (SELECT count(*) FROM warehouse.events),"
                        " (SELECT count(*) FROM warehouse.canonical_events)")
            staged, events, canonical = cur.fetchone()
        conn.close()
    return {"n": n, "exit": fig["exit"], "wall_s": fig["wall_s"], "peak_rss_mb": fig["peak_rss_mb"],
            "staged": staged, "events": events, "canonical": canonical, "err": fig["stderr_tail"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    rows = [run_size(n) for n in args.sizes]
    small, large = rows[0], rows[-1]
    per_small, per_large = small["wall_s"] / small["n"], large["wall_s"] / large["n"]
    figures = {f"e2e_{r['n'] // 1000}k_wall_s": r["wall_s"] for r in rows}
    figures.update({f"e2e_{r['n'] // 1000}k_peak_rss_mb": r["peak_rss_mb"] for r in rows})
    figures.update({"e2e_peak_rss_mb": max(r["peak_rss_mb"] for r in rows),
                    "e2e_per_article_cost_ratio_10k_vs_1k": round(per_large / per_small, 2),
                    "e2e_ok": all(r["exit"] == 0 for r in rows)})
    table = "\n".join(f"| {r['n']:,} | {r['wall_s']} | {r['wall_s'] / r['n'] * 1000:.1f} | {r['peak_rss_mb']} | "
                      f"{r['staged']:,} | {r['events']:,} | {r['canonical']:,} | {'ok' if r['exit'] == 0 else 'FAILED'} |"
                      for r in rows)
    emit("e2e", figures, f"""
## End to end (through Airflow)

Generated articles (bench/corpus.py: realistic Arabic paragraphs from the snapshot, distinct texts)
are put in `raw`, then `hadath run --date {DAY} --no-crawl` runs the real DAG with `airflow dags
test`: clean -> extract -> load (canonical events) -> 5 quality checks -> summary. Wall time
includes Airflow start-up and task overhead; peak RSS is the largest process of the tree
({machine()}).

| Articles | Wall (s) | ms / article | Peak RSS (MB) | Staged | Events | Canonical events | Run |
|---|---|---|---|---|---|---|---|
{table}

Per-article cost at 10k relative to 1k: **{figures['e2e_per_article_cost_ratio_10k_vs_1k']}x** (1.0 = linear).
Targets: 10,000 articles in < 600 s; peak RSS flat and < 1 GB.
""")


if __name__ == "__main__":
    main()

"""Capacity plan: a 10-year backfill of 30 outlets, estimated from the measured rates in
bench/results.json (run the other benchmarks first). Assumptions are named constants.

Run: .venv/bin/python -m bench.bench_capacity
"""

from __future__ import annotations

import json

from bench.common import BENCH_DIR, emit

OUTLETS = 30
YEARS = 10
ARTICLES_PER_OUTLET_DAY = 60  # busy Syrian outlets publish 40-150 items a day; conflict share varies
RAW_KB_PER_ARTICLE = 30  # gzip of a 90-150 KB article page (raw.articles.html_gz)
STAGING_KB_PER_ARTICLE = 6  # cleaned text + MinHash signature + row overhead
EVENTS_PER_ARTICLE = 1.2  # measured on the snapshot: ~2.5 per conflict report, many articles have none
EVENT_KB = 1.5  # event row + evidence sentence + indexes
POLITE_PAGES_PER_S_PER_OUTLET = 0.5  # 2 s between requests to one site (download_delay + AutoThrottle)
PAGES_PER_ARTICLE = 1.1  # article pages plus listing / sitemap pages


def main() -> None:
    results = json.loads((BENCH_DIR / "results.json").read_text())
    articles = OUTLETS * YEARS * 365 * ARTICLES_PER_OUTLET_DAY
    events = articles * EVENTS_PER_ARTICLE
    raw_gb = articles * RAW_KB_PER_ARTICLE / 1e6
    staging_gb = articles * STAGING_KB_PER_ARTICLE / 1e6
    events_gb = events * EVENT_KB / 1e6
    crawl_days = articles / OUTLETS * PAGES_PER_ARTICLE / POLITE_PAGES_PER_S_PER_OUTLET / 86400
    clean_rate = results.get("clean_2_workers_articles_per_s") or results.get("clean_articles_per_s", 100)
    extract_rate = results.get("extract_articles_per_s", 100)
    load_rate = results.get("copy_events_per_s", 10_000)
    per_article_s = 1 / clean_rate + 1 / extract_rate + EVENTS_PER_ARTICLE / load_rate
    process_hours = articles * per_article_s / 3600
    figures = {"capacity_articles": articles, "capacity_storage_gb": round(raw_gb + staging_gb + events_gb),
               "capacity_crawl_days": round(crawl_days, 1), "capacity_processing_hours_one_machine":
               round(process_hours, 1)}
    emit("capacity", figures, f"""
## Capacity plan: a 10-year backfill of {OUTLETS} outlets

Assumptions (named constants in `bench/bench_capacity.py`): {ARTICLES_PER_OUTLET_DAY} articles per
outlet per day, {RAW_KB_PER_ARTICLE} KB of gzip HTML per article, {EVENTS_PER_ARTICLE} events per article,
polite crawling at {POLITE_PAGES_PER_S_PER_OUTLET} pages/s per outlet. Rates are this machine's measured
figures from `bench/results.json` (clean {clean_rate:.0f}/s, extract {extract_rate:.0f}/s, load {load_rate:,.0f} events/s).

| Quantity | Estimate |
|---|---|
| Articles | {articles / 1e6:.1f} M |
| Events | {events / 1e6:.1f} M |
| raw (gzip HTML) | {raw_gb:,.0f} GB |
| staging | {staging_gb:,.0f} GB |
| warehouse events + evidence | {events_gb:,.0f} GB |
| Crawl time (all outlets in parallel, politeness-bound) | {crawl_days:.0f} days |
| Clean + extract + load on one 2-core machine | {process_hours:,.0f} hours ({process_hours / 24:.1f} days) |

The crawl dominates and is bound by politeness, not by hardware: outlets are crawled in parallel
(one mapped task each), so more workers do not shorten one outlet's crawl. Processing scales out
with Airflow's Celery or Kubernetes executor by running nights as parallel DAG runs (raise
`max_active_runs` for the backfill), against a managed PostgreSQL sized for ~{(raw_gb + staging_gb + events_gb) * 1.5:,.0f} GB
with room for indexes. `raw.articles` dominates storage; it is partitioned by month (`sql/0010`), ~{raw_gb / (YEARS * 12):.1f} GB
per month at this rate, so old months can move to a cheaper tablespace (`ALTER TABLE raw.articles_p2016_03
SET TABLESPACE ...`) or be detached and archived (`DETACH PARTITION`, `pg_dump -t`) without touching the
live months. The event tables are partitioned by month of `event_date` too, so a query over a period reads
only its months however long the archive grows. The same DAGs ran on the CeleryExecutor with two workers
and Redis (`tools/celery_local.py`, the docker-compose `celery` profile without Docker); mapped crawl
tasks and the processing chain were spread over both workers.
""")


if __name__ == "__main__":
    main()

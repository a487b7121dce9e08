"""Benchmark: crawl throughput (pages/s) on the local snapshot, Hadath's spider vs a bare Scrapy spider.

Method: start the snapshot server (etl.snapshot, port 0) and a throwaway database; per repeat,
crawl every outlet with `--fast --refresh` (no delays, AutoThrottle off, every article refetched
and upserted), one Scrapy subprocess per outlet as `hadath crawl` does. Then, in the same repeat,
a bare Scrapy spider (same concurrency, robots.txt on, no parsing, nothing stored) fetches the same
URLs (discovery documents + the stored articles' URLs), one subprocess per outlet too.
pages/s = responses / Scrapy's elapsed_time_seconds summed over outlets (process start-up excluded
for both). The median over repeats is reported. Prints one JSON object and writes
bench/sections/crawl.md.

    .venv/bin/python bench/bench_crawl.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl import crawl, db, migrate  # noqa: E402

LOGGER = logging.getLogger(__name__)

SECTION = ROOT / "bench" / "sections" / "crawl.md"
DEFAULT_REPEATS = 3
WINDOW = ("2022-01-10", "2022-01-22")  # the snapshot's whole span, so every article is fetched
BARE_SETTINGS = {  # the same knobs `hadath crawl --fast` runs with
    "CONCURRENT_REQUESTS": 8, "CONCURRENT_REQUESTS_PER_DOMAIN": 2, "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": True, "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False, "RETRY_ENABLED": False, "DOWNLOAD_MAXSIZE": 5 * 1024 * 1024,
}


# ---------------------------------------------------------------------- bare spider (subprocess)
def run_bare(url_file: str) -> None:
    """Fetch the URLs in url_file, store nothing; print Scrapy's response count and elapsed time."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    urls = Path(url_file).read_text().split()

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self):
            for url in urls:
                yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True)

        def parse(self, response):
            return None

        def failed(self, failure):
            return None

    process = CrawlerProcess(settings=BARE_SETTINGS)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({"pages": stats.get("downloader/response_count", 0),
                      "elapsed_s": stats.get("elapsed_time_seconds", 0.0)}))


def bare_outlet(urls: list[str]) -> tuple[int, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(urls))
    try:
        out = subprocess.run([sys.executable, __file__, "--bare", handle.name], capture_output=True, text=True,
                             check=True, cwd=ROOT)
    finally:
        os.unlink(handle.name)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return int(result["pages"]), float(result["elapsed_s"])


# ---------------------------------------------------------------------- helpers
def with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def admin(url: str, sql: str) -> None:
    conn = psycopg2.connect(with_dbname(url, "postgres"))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def outlet_urls(db_url: str, slug: str, site_url: str) -> list[str]:
    """Discovery documents plus every article the crawl stored (their mirror URLs)."""
    from scrapers.config import get_outlet

    outlet = get_outlet(slug)
    urls = [site_url + p for p in (*outlet.feeds, *outlet.sitemaps)]
    if outlet.listing:
        urls.append(site_url + outlet.listing.url.replace("{page}", str(outlet.listing.first_page)))
    with db.transaction(db_url) as cur:
        cur.execute("SELECT url FROM raw.articles WHERE outlet = %s ORDER BY url", (slug,))
        urls += [row[0] for row in cur.fetchall()]
    return urls


def one_repeat(db_url: str, base_url: str, slugs: list[str]) -> tuple[float, float, int, int]:
    opts = crawl.CrawlOptions(*WINDOW, base_url=base_url, refresh=True, fast=True)
    pages = elapsed = 0.0
    for slug in slugs:
        result = crawl.run_scrapy(slug, opts, db_url)
        pages += result.get("pages_fetched") or 0
        elapsed += result.get("elapsed_s") or 0.0
    bare_pages = bare_elapsed = 0.0
    for slug in slugs:
        p, e = bare_outlet(outlet_urls(db_url, slug, opts.site_url(slug)))
        bare_pages += p
        bare_elapsed += e
    return pages / elapsed, bare_pages / bare_elapsed, int(pages), int(bare_pages)


def write_section(result: dict) -> None:
    SECTION.write_text(f"""## Crawl throughput (`bench/bench_crawl.py`)

| | pages/s (median of {result['repeats']}) | pages per repeat |
|---|---:|---:|
| `hadath crawl --fast --refresh` (parse, canonicalise, upsert to PostgreSQL) | {result['crawl_pages_per_s']:.1f} | {result['crawl_pages']} |
| bare Scrapy spider (same URLs, nothing parsed or stored) | {result['bare_scrapy_pages_per_s']:.1f} | {result['bare_pages']} |

Ratio crawl / bare: **{result['crawl_vs_bare_ratio']:.2f}**.

Method: the offline snapshot served on 127.0.0.1 (`etl.snapshot`, every enabled outlet), a throwaway
PostgreSQL database, politeness off (no delay, AutoThrottle off, 2 concurrent requests per domain,
robots.txt obeyed). Each repeat crawls every outlet (one Scrapy subprocess per outlet, window
{WINDOW[0]} .. {WINDOW[1]}, `--refresh` so every article is fetched and upserted again), then runs a
bare Scrapy spider over the same URLs (feeds, sitemaps, listing page 1, stored article URLs), also one
subprocess per outlet. pages/s = HTTP responses / Scrapy's `elapsed_time_seconds`, summed over outlets
(interpreter start-up excluded on both sides). The crawl's page count also includes the edge cases
(404, retried 500s, redirects, sitemap children, listing page 2+), which the bare spider does not fetch.

Machine: {result['machine']}. Python {platform.python_version()}, Scrapy {result['scrapy']}.
Live crawls are bounded by politeness (0.5-2 s per request per outlet), not by this throughput.
""")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS)
    parser.add_argument("--bare", metavar="URL_FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        run_bare(args.bare)
        return 0
    import scrapy

    from etl.snapshot import start_server
    from scrapers.config import load_outlets

    server_url = db.target().url
    name = f"hadath_bench_{uuid.uuid4().hex[:8]}"
    admin(server_url, f'CREATE DATABASE "{name}"')
    db_url = with_dbname(server_url, name)
    try:
        migrate.upgrade(db_url)
        slugs = [o.slug for o in load_outlets() if o.enabled]
        runs = []
        with start_server(port=0) as server:
            for _ in range(args.repeats):
                runs.append(one_repeat(db_url, server.base_url, slugs))
    finally:
        admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    crawl_rate = statistics.median(r[0] for r in runs)
    bare_rate = statistics.median(r[1] for r in runs)
    result = {"crawl_pages_per_s": round(crawl_rate, 1), "bare_scrapy_pages_per_s": round(bare_rate, 1),
              "crawl_vs_bare_ratio": round(crawl_rate / bare_rate, 3), "repeats": args.repeats,
              "crawl_pages": runs[-1][2], "bare_pages": runs[-1][3],
              "machine": f"{os.cpu_count()} cores, {platform.machine()}, {platform.system()}",
              "scrapy": scrapy.__version__}
    write_section(result)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

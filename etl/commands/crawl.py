"""`hadath crawl`: fetch outlets' articles into raw.articles (one Scrapy subprocess per outlet)."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from etl import crawl

LOGGER = logging.getLogger(__name__)

SLUG_WIDTH = 10  # the summary table's outlet column (wider when a slug is longer)
SUMMARY = ("Crawl outlets (feeds, sitemaps, listing pages) for a window into raw.articles; "
           "--base-url crawls a mirror such as the offline snapshot.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--outlet", action="append", metavar="SLUG",
                        help="outlet slug (repeatable); default: every enabled outlet")
    parser.add_argument("--since", metavar="DATE", help="window start: YYYY-MM-DD (outlet-local day) or ISO "
                        "datetime; default: yesterday")
    parser.add_argument("--until", metavar="DATE", help="window end: YYYY-MM-DD (inclusive day) or ISO datetime "
                        "(exclusive); default: today")
    parser.add_argument("--base-url", metavar="URL", help="mirror root, e.g. http://127.0.0.1:8765; outlet "
                        "SLUG is crawled at URL/SLUG and stored under its real URLs")
    parser.add_argument("--refresh", action="store_true", help="refetch and update articles already stored")
    parser.add_argument("--fast", "--no-politeness", dest="fast", action="store_true",
                        help="no download delay, no AutoThrottle (local mirrors, tests, benchmarks)")
    parser.add_argument("--http-cache", action="store_true", help="development: cache responses under "
                        ".hadath/httpcache")
    parser.add_argument("--outlets-file", metavar="YAML", help="outlets config (default: $HADATH_OUTLETS_FILE, "
                        "else scrapers/outlets.yaml)")


def run(args: argparse.Namespace) -> int:
    since, until = args.since, args.until
    if not since and not until:
        since, until = crawl.default_window()
    opts = crawl.CrawlOptions(since, until, args.base_url, args.refresh, args.fast, args.http_cache,
                              args.outlets_file)
    slugs = args.outlet or enabled_slugs(args.outlets_file)
    crawl.validate(opts, slugs)
    print(f"crawling {len(slugs)} outlet(s), window {since or '-'} .. {until or '-'}"
          + (f", mirror {args.base_url}" if args.base_url else ""), flush=True)
    results = crawl.crawl_outlets(slugs, opts, on_progress=show_progress, on_unreachable=show_unreachable)
    print(table(results, args.outlets_file))
    failed = crawl.failed(results)
    if failed:
        print(f"hadath: {failure_line(results)}", file=sys.stderr)
    return 1 if failed else 0


def failure_line(results: list[dict[str, Any]]) -> str:
    """'crawl failed for a, b', 'crawl blocked for c' or 'crawl failed for a; blocked for c'."""
    parts = []
    for status in crawl.FAILED_STATUSES:
        slugs = [r["outlet"] for r in results if r.get("status") == status]
        if slugs:
            parts.append(f"{status} for {', '.join(slugs)}")
    return "crawl " + "; ".join(parts)


def enabled_slugs(outlets_file: str | None) -> list[str]:
    from scrapers.config import load_outlets

    return [o.slug for o in load_outlets(outlets_file) if o.enabled]


def show_progress(slug: str, progress: dict[str, Any]) -> None:
    print(f"  {slug}: {progress.get('pages', 0)} pages fetched, {progress.get('new', 0)} new, "
          f"{progress.get('updated', 0)} updated, {progress.get('errors', 0)} errors", flush=True)


def show_unreachable(slug: str, message: str) -> None:
    print(f"  {slug}: {message}", flush=True)


def table(results: list[dict[str, Any]], outlets_file: str | None = None) -> str:
    """One line per outlet (status, counts, errors), then its message and what discovery used."""
    from scrapers.config import load_outlets
    from scrapers.fallback import describe

    bases = {o.slug: o.base_url for o in load_outlets(outlets_file)}
    width = max([SLUG_WIDTH, *(len(r["outlet"]) for r in results)])
    lines = [f"{'outlet':<{width}} {'status':<8} {'pages':>6} {'new':>5} {'updated':>7}  errors"]
    for r in results:
        errors = ", ".join(f"{k}={v}" for k, v in sorted((r.get("errors") or {}).items())) or "-"
        lines.append(f"{r['outlet']:<{width}} {r.get('status', '?'):<8} {r.get('pages_fetched', 0):>6} "
                     f"{r.get('new_articles', 0):>5} {r.get('updated_articles', 0):>7}  {errors}")
        if r.get("message"):
            lines.append(f"{'':<{width}} {r['message']}")
        if r.get("discovery"):
            lines.append(f"{'':<{width}} discovery: {describe(r['discovery'], bases.get(r['outlet'], ''))}")
    return "\n".join(lines)

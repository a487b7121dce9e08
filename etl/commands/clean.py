"""`hadath clean [--since DATE --until DATE | --crawl-run ID] [--all] [--batch-size N]`, or
`hadath clean --page FILE [--outlet SLUG] [--url URL]`: one saved page, no database, one JSON object
(title, published, date_source, language, text, ...) on stdout (see etl/clean/page_report.py)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date, datetime
from pathlib import Path

from etl.clean import pipeline
from etl.errors import BadInput

SUMMARY = "Clean new or changed raw articles into staging (text, date, language, duplicates)."


def _day_or_time(value: str) -> date | datetime:
    """YYYY-MM-DD (a local day) or an ISO datetime (naive = Asia/Damascus)."""
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date or ISO datetime: {value!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=_day_or_time, metavar="DATE",
                        help="first day (YYYY-MM-DD, Asia/Damascus) of fetch / crawl window, or ISO datetime")
    parser.add_argument("--until", type=_day_or_time, metavar="DATE",
                        help="last day, inclusive (or an exclusive ISO datetime)")
    parser.add_argument("--crawl-run", type=int, metavar="ID", dest="crawl_run", help="only the rows of this crawl run")
    parser.add_argument("--all", action="store_true", dest="all_rows",
                        help="re-clean every selected row, not only new or changed ones (after a cleaner upgrade)")
    parser.add_argument("--batch-size", type=int, default=pipeline.BATCH_SIZE, metavar="N",
                        help=f"articles per transaction (default {pipeline.BATCH_SIZE})")
    page = parser.add_argument_group("one saved page (no database)")
    page.add_argument("--page", type=Path, metavar="FILE",
                      help="clean this HTML file and print one JSON object (title, published, date_source, "
                           "language, text)")
    page.add_argument("--outlet", metavar="SLUG", help="outlet whose selectors and time zone apply "
                      "(default: the outlet of --url or of the page's canonical link)")
    page.add_argument("--url", metavar="URL", help="the page's URL (default: its <link rel=canonical>)")


def run(args: argparse.Namespace) -> int:
    if args.page is not None:
        return run_page(args)
    if args.outlet or args.url:
        raise BadInput("--outlet and --url go with --page")
    if args.batch_size < 1:
        raise BadInput("--batch-size must be at least 1")
    summary = pipeline.clean(since=args.since, until=args.until, crawl_run_id=args.crawl_run,
                             all_rows=args.all_rows, batch_size=args.batch_size)
    print(summary.line())
    if summary.errors:
        print("quarantine reasons: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.errors.items())))
    return 0


def run_page(args: argparse.Namespace) -> int:
    """`--page FILE`: the cleaned page as one JSON object; exit 1 when it holds no article."""
    if args.since or args.until or args.crawl_run is not None or args.all_rows:
        raise BadInput("--page cleans one file: give it without --since/--until/--crawl-run/--all")
    from etl.clean.page_report import clean_file

    noisy = logging.getLogger("trafilatura")
    level = noisy.level
    if logging.getLogger().level > logging.DEBUG:  # the one-line error says it; trafilatura's own line repeats it
        noisy.setLevel(logging.CRITICAL)
    try:
        result = clean_file(args.page, args.outlet, args.url)
    finally:
        noisy.setLevel(level)
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0

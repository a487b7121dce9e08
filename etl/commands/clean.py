"""`hadath clean [--since DATE --until DATE | --crawl-run ID] [--all] [--batch-size N]`."""

from __future__ import annotations

import argparse
from datetime import date, datetime

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


def run(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise BadInput("--batch-size must be at least 1")
    summary = pipeline.clean(since=args.since, until=args.until, crawl_run_id=args.crawl_run,
                             all_rows=args.all_rows, batch_size=args.batch_size)
    print(summary.line())
    if summary.errors:
        print("quarantine reasons: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.errors.items())))
    return 0

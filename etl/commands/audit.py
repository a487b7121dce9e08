"""`hadath audit --since D --until D [--strict]`: fetched articles that were never fully processed, and why."""

from __future__ import annotations

import argparse
from datetime import date, datetime, time, timedelta

from etl.audit import audit, format_report
from etl.errors import BadInput
from etl.settings import LOCAL_ZONE

SUMMARY = "Account for every article fetched in a window: processed, skipped (and why), or not yet processed."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=date.fromisoformat, required=True, help="first fetch day (YYYY-MM-DD)")
    parser.add_argument("--until", type=date.fromisoformat, required=True, help="last fetch day, inclusive")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any article is not fully processed")


def run(args: argparse.Namespace) -> int:
    if args.until < args.since:
        raise BadInput("--until is before --since")
    since = datetime.combine(args.since, time(0), LOCAL_ZONE)
    until = datetime.combine(args.until + timedelta(days=1), time(0), LOCAL_ZONE)
    report = audit(since, until)
    print(format_report(report))
    return 1 if args.strict and (report.problems or not report.reconciles) else 0

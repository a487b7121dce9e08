"""`hadath report --since D --until D [--output FILE]`: a self-contained offline HTML report."""

from __future__ import annotations

import argparse
from datetime import date

from etl.errors import BadInput
from etl.report import write_report

SUMMARY = "Write a self-contained HTML report (charts and a map) for a window of event dates."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=date.fromisoformat, required=True, help="first event date (YYYY-MM-DD)")
    parser.add_argument("--until", type=date.fromisoformat, required=True, help="last event date, inclusive")
    parser.add_argument("--output", "-o", default="hadath-report.html", help="file to write")


def run(args: argparse.Namespace) -> int:
    if args.until < args.since:
        raise BadInput("--until is before --since")
    n = write_report(args.output, args.since, args.until)
    print(f"wrote {args.output} ({n} events)")
    return 0

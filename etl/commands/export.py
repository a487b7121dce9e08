"""`hadath export --since D --until D [--format csv] [--output FILE]`."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from etl.errors import BadInput
from etl.export import export_csv

SUMMARY = "Export canonical events as ACLED-style CSV (columns in ACLED's order)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=date.fromisoformat, required=True, help="first event date (YYYY-MM-DD)")
    parser.add_argument("--until", type=date.fromisoformat, required=True, help="last event date, inclusive")
    parser.add_argument("--format", choices=["csv"], default="csv", help="output format (csv)")
    parser.add_argument("--output", "-o", help="file to write (default: standard output)")


def run(args: argparse.Namespace) -> int:
    if args.until < args.since:
        raise BadInput("--until is before --since")
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            n = export_csv(out, args.since, args.until)
        print(f"wrote {n} events to {args.output}", file=sys.stderr)
    else:
        n = export_csv(sys.stdout, args.since, args.until)
    return 0

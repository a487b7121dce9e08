"""`hadath load --since D --until D`: merge the window's per-article events into canonical events
(one event, many reports) and sync the gazetteer into warehouse.places — the DAG's `load` step."""

from __future__ import annotations

import argparse
from datetime import date, timedelta

from etl import db, orchestrate
from etl.errors import BadInput

SUMMARY = "Merge extracted events of articles published in a window into canonical events (the DAG's load step)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=date.fromisoformat, required=True, help="first publication day")
    parser.add_argument("--until", type=date.fromisoformat, required=True, help="last publication day, inclusive")


def run(args: argparse.Namespace) -> int:
    if args.until < args.since:
        raise BadInput("--until is before --since")
    url = db.target().url
    day = args.since
    while day <= args.until:
        summary = orchestrate.load(orchestrate.day_window(day), url)
        print(f"{day}: {summary['keys']} event keys, {summary['created']} created, {summary['revised']} revised, "
              f"{summary['unchanged']} unchanged, {summary['retracted']} retracted")
        day += timedelta(days=1)
    return 0

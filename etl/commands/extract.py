"""`hadath extract PATH [--published ISO8601] [--outlet SLUG]` or `hadath extract --since D --until D`.

File mode: PATH is an HTML page or a plain-text article (detected from its first bytes); one
JSON object per event per line on stdout (``Event.to_json()``); no events = no output, exit 0.
Bad input (missing, empty, binary, undecodable, not Arabic, over 5 MB) = one line on stderr,
exit 2. The publication time is --published, else the HTML page's own date, else now (stderr is
kept clean: no warning; relative dates then resolve against the current day).

Pipeline mode: --since/--until read staging.articles and write the warehouse
(``etl.events.pipeline.extract_window``). PATH and --since/--until are mutually exclusive.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from etl.errors import BadInput

SUMMARY = "Extract ACLED-style events from an article file (JSON lines) or from staging (--since/--until)."


def _published(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", type=Path, help="HTML page or plain-text article")
    parser.add_argument("--published", type=_published, help="publication time, ISO 8601 (default: page date, else now)")
    parser.add_argument("--outlet", default="", help="outlet slug of scrapers/outlets.yaml (orient, enab, sana, ...)")
    parser.add_argument("--extractor", default="rules", help="registered extractor (default: rules)")
    parser.add_argument("--since", type=date.fromisoformat, help="pipeline mode: first publication day")
    parser.add_argument("--until", type=date.fromisoformat, help="pipeline mode: last publication day (inclusive)")
    parser.add_argument("--all", action="store_true", help="pipeline mode: every article, not only canonical ones")


def run(args: argparse.Namespace) -> int:
    if args.path is not None and (args.since or args.until):
        raise BadInput("give either PATH or --since/--until, not both")
    if args.path is None:
        if not (args.since and args.until):
            raise BadInput("give PATH, or --since and --until")
        from etl.events.pipeline import extract_window

        summary = extract_window(args.since, args.until, canonical_only=not args.all, extractor=args.extractor)
        return 1 if summary.get("failed") else 0
    from etl.events.base import get_extractor
    from etl.events.io import read_article

    article = read_article(args.path, args.published, args.outlet)
    if article.published is None:
        article = _with_now(article)
    result = get_extractor(args.extractor).extract(article)
    try:
        for event in result.events:
            sys.stdout.write(json.dumps(event.to_json(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `hadath extract ... | head`: the reader left, not an error
        sys.stderr.close()
    return 0


def _with_now(article):
    from dataclasses import replace

    return replace(article, published=datetime.now(UTC))

"""`hadath outlets list | match URL | check [--outlet SLUG ...] [--base-url URL]`: the configured outlets."""

from __future__ import annotations

import argparse
import logging
from urllib.parse import urlsplit

from etl.errors import BadInput, HadathError

LOGGER = logging.getLogger(__name__)

SUMMARY = "The configured outlets: list them, find the outlet of an article URL, check them against their sites."
VERIFIED_NONE = "-"  # the verified column of an outlet nothing was checked for
LIST_HEADER = ("slug", "name", "base_url", "enabled", "verified")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    listing = sub.add_parser("list", help="slug, name, base URL, enabled, verified fields")
    listing.add_argument("-v", "--verbose", action="store_true", help="also where each verified field was checked "
                         "(and what unverified ones rest on, when the config says)")
    match = sub.add_parser("match", help="the outlet whose article pattern matches URL (exit 1: none)")
    match.add_argument("url", metavar="URL")
    check = sub.add_parser("check", help="probe robots.txt, feeds, sitemaps, listing and one article of each "
                                         "outlet; exit 1 when one is broken or blocked")
    check.add_argument("--outlet", action="append", metavar="SLUG", help="outlet slug (repeatable); default: "
                       "every enabled outlet")
    check.add_argument("--base-url", metavar="URL", help="check a mirror such as the offline snapshot: outlet SLUG "
                       "is at URL/SLUG")
    for action in (listing, match, check):
        action.add_argument("--outlets-file", metavar="YAML", help="outlets config (default: "
                            "$HADATH_OUTLETS_FILE, else scrapers/outlets.yaml)")


def run(args: argparse.Namespace) -> int:
    return {"list": run_list, "match": run_match, "check": run_check}[args.action](args)


def run_list(args: argparse.Namespace) -> int:
    from scrapers.config import load_outlets

    outlets = load_outlets(args.outlets_file)
    rows = [(o.slug, o.name, o.base_url, "yes" if o.enabled else "no", ", ".join(o.verified) or VERIFIED_NONE)
            for o in outlets]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(LIST_HEADER)]
    for row in (LIST_HEADER, *rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if args.verbose and row is not LIST_HEADER:
            print_provenance(next(o for o in outlets if o.slug == row[0]))
    return 0


def print_provenance(outlet: object) -> None:
    """Where each verified field was checked; and, when the config says so (`unverified`: field -> what
    the value only rests on), what the unverified ones rest on."""
    for name, source in getattr(outlet, "verified", {}).items():
        print(f"    {name}: {source or '(no source given)'}")
    for name, note in (getattr(outlet, "unverified", None) or {}).items():
        print(f"    {name} (unverified): {note}")



def run_match(args: argparse.Namespace) -> int:
    from scrapers.config import load_outlets
    from scrapers.urls import SiteMap

    parts = urlsplit(args.url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"not an http(s) URL: {args.url!r}")
    outlets = load_outlets(args.outlets_file)
    matches = [o.slug for o in outlets if SiteMap(o).is_article(args.url.strip())]
    if not matches:
        site = next((o for o in outlets if SiteMap(o).is_outlet_host(parts.hostname)), None)
        hint = f" (it is on {site.slug}'s site; its pattern is {site.article_url_pattern})" if site else ""
        raise HadathError(f"no outlet's article pattern matches {args.url}{hint}")
    print("\n".join(matches))
    return 0


def run_check(args: argparse.Namespace) -> int:
    from etl import outlet_check
    from scrapers.config import load_outlets

    if args.base_url and not args.base_url.startswith(("http://", "https://")):
        raise BadInput(f"--base-url must be an http(s) URL, got {args.base_url!r}")
    reports = outlet_check.check_outlets(args.outlet, args.base_url, args.outlets_file)
    bases = {o.slug: o.base_url for o in load_outlets(args.outlets_file)}
    print(outlet_check.format_reports(reports, bases))
    failing = outlet_check.failing(reports)
    if failing:
        raise HadathError(outlet_check.failure_message(failing, len(reports)))
    return 0

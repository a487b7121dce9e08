"""`hadath evaluate DIR [--split S] [--texts DIR] [--floors FILE] [--breakdown] [--json FILE] [-v]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from etl.evaluate import (
    FIELDS,
    PLACE_FIELD,
    Report,
    below_floors,
    default_texts_dir,
    evaluate,
    is_realtext,
    load_floors,
)

SUMMARY = "Score an extractor on a hand-coded gold set (tests/gold, or a real-text set such as tests/realtext)."
HELD_BACK = "test"  # the real-text split never shown case by case


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="gold directory (tests/gold, tests/realtext)")
    parser.add_argument("--extractor", default="rules", help="registered extractor name (default: rules)")
    parser.add_argument("--split", choices=("dev", "test", "all"), default=None,
                        help="real-text split to score (default: each split, then both)")
    parser.add_argument("--texts", type=Path, help=f"real-text excerpts folder (default: {default_texts_dir()})")
    parser.add_argument("--date-slack", type=int, help="days a matched event's date may be off "
                                                      "(default 0 for tests/gold, 1 for a real-text set)")
    parser.add_argument("--floors", type=Path, help="YAML floors; exit 1 when a figure is below its floor")
    parser.add_argument("--breakdown", action="store_true", help="also P/R/F1 by period and by event type")
    parser.add_argument("--json", type=Path, help="write all figures as JSON to this file")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="per-file misses and false alarms (never for the held-back test split)")


def _describe_gold(g: dict) -> str:
    return f"{g.get('event_date')} {g.get('sub_event_type')} @{g.get('location_ar')} ({g.get('admin1')}) {g.get('actor1')}"


def _describe_event(e) -> str:
    return f"{e.event_date} {e.sub_event_type} @{e.location_ar} ({e.admin1}) {e.actor1}"


def _field_errors(g: dict, e) -> list[str]:
    out = []
    for n in FIELDS:
        mine, theirs = getattr(e, n), g.get(n)
        if n in ("fatalities", "geo_precision"):
            mine, theirs = int(mine or 0), int(theirs or 0)
        if str(mine or "") != str(theirs or ""):
            out.append(f"{n}={mine!r}!={theirs!r}")
    return out


def _print_files(report: Report) -> None:
    for f in report.files:
        if f.split == HELD_BACK:
            continue
        print(f"{f.name}: gold {f.gold} predicted {f.predicted} matched {len(f.matched)} "
              f"misses {len(f.misses)} false_alarms {len(f.false_alarms)}")
        for g in f.misses:
            print(f"  MISS  {_describe_gold(g)}")
        for e in f.false_alarms:
            print(f"  FALSE {_describe_event(e)}")
        for g, e in f.matched:
            wrong = _field_errors(g, e)
            if wrong:
                print(f"  FIELD {g.get('location_ar')}: {'; '.join(wrong)}")


def _print_figures(figures: dict[str, float]) -> None:
    print(f"events: gold {figures['gold_events']} predicted {figures['predicted_events']} "
          f"matched {figures['matched_events']}")
    print(f"precision {figures['precision']:.3f} recall {figures['recall']:.3f} f1 {figures['f1']:.3f}")
    print("field accuracy: " + " ".join(f"{n} {figures[n]:.3f}" for n in FIELDS)
          + f" {PLACE_FIELD} {figures[PLACE_FIELD]:.3f} (of {figures['place_pcode_pairs']})")
    print(f"places resolved: {figures['places_resolved']:.3f} (of {figures['gold_places']} gold places with a P-code)")


def _print_breakdown(report: Report, split: str | None) -> dict:
    out = {}
    for key in ("period", "event_type"):
        out[key] = report.breakdown(key, split)
        print(f"by {key}:")
        for name, s in out[key].items():
            print(f"  {name:28s} P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} "
                  f"(gold {s['gold_events']}, predicted {s['predicted_events']}, matched {s['matched_events']})")
    return out


def _splits(report: Report, wanted: str | None, realtext: bool) -> list[str | None]:
    if not realtext:
        return [None]
    if wanted == "all":
        return [None]
    return [wanted] if wanted else ["dev", "test", None]


def run(args: argparse.Namespace) -> int:
    floors = load_floors(args.floors) if args.floors else {}
    realtext = is_realtext(args.dir)
    report = evaluate(args.dir, args.extractor, texts=args.texts, date_slack=args.date_slack)
    if args.verbose:
        _print_files(report)
    if report.skipped:
        reason = "excerpt not fetched" if realtext else "../shared absent"
        print(f"skipped ({reason}): {len(report.skipped)} file(s)" if realtext
              else f"skipped ({reason}): {', '.join(report.skipped)}")
    if realtext and not report.files:
        print(f"no excerpts found in {args.texts or default_texts_dir()}: see {args.dir}/README.md to fetch them")
        return 1
    results, failed = {}, []
    for split in _splits(report, args.split, realtext):
        name = split or ("all" if realtext else "gold")
        figures = report.figures(split)
        if realtext:
            print(f"\n== split {name}: {len(report.subset(split))} cases ==")
        _print_figures(figures)
        results[name] = {"figures": figures}
        if args.breakdown:
            results[name]["breakdown"] = _print_breakdown(report, split)
        failed += [f"{name}: {line}" if realtext else line for line in below_floors(figures, floors)]
    for line in failed:
        print(f"below floor: {line}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    return 1 if failed else 0

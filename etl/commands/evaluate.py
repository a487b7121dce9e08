"""`hadath evaluate DIR [--extractor rules] [--floors FILE] [--verbose]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from etl.evaluate import FIELDS, below_floors, evaluate, load_floors

SUMMARY = "Score an extractor on the hand-coded gold set (precision, recall, F1, field accuracy)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, help="gold directory (tests/gold)")
    parser.add_argument("--extractor", default="rules", help="registered extractor name (default: rules)")
    parser.add_argument("--floors", type=Path, help="YAML floors; exit 1 when a figure is below its floor")
    parser.add_argument("--verbose", "-v", action="store_true", help="per-file misses and false alarms")


def _describe_gold(g: dict) -> str:
    return f"{g.get('event_date')} {g.get('sub_event_type')} @{g.get('location_ar')} ({g.get('admin1')})"


def _describe_event(e) -> str:
    return f"{e.event_date} {e.sub_event_type} @{e.location_ar} ({e.admin1}) {e.actor1}"


def run(args: argparse.Namespace) -> int:
    floors = load_floors(args.floors) if args.floors else {}
    report = evaluate(args.dir, args.extractor)
    if args.verbose:
        for f in report.files:
            print(f"{f.name}: gold {f.gold} predicted {f.predicted} matched {len(f.matched)} "
                  f"misses {len(f.misses)} false_alarms {len(f.false_alarms)}")
            for g in f.misses:
                print(f"  MISS  {_describe_gold(g)}")
            for e in f.false_alarms:
                print(f"  FALSE {_describe_event(e)}")
            for g, e in f.matched:
                wrong = [f"{n}={getattr(e, n)!r}!={g.get(n)!r}" for n in FIELDS
                         if str(g.get(n) or 0 if n in ("fatalities",) else g.get(n) or "") !=
                         str(getattr(e, n) or 0 if n in ("fatalities",) else getattr(e, n) or "")]
                if wrong:
                    print(f"  FIELD {g.get('location_ar')}: {'; '.join(wrong)}")
    figures = report.figures()
    if report.skipped:
        print(f"skipped (../shared absent): {', '.join(report.skipped)}")
    print(f"events: gold {figures['gold_events']} predicted {figures['predicted_events']} "
          f"matched {figures['matched_events']}")
    print(f"precision {figures['precision']:.3f} recall {figures['recall']:.3f} f1 {figures['f1']:.3f}")
    print("field accuracy: " + " ".join(f"{n} {figures[n]:.3f}" for n in FIELDS))
    failed = below_floors(figures, floors)
    for line in failed:
        print(f"below floor: {line}")
    return 1 if failed else 0

"""The real-text development set: fetch procedure, checks and coder aids.

The cases (``tests/realtext/cases/<id>.yaml``) hold only what may be committed: the query that
finds an excerpt in the real-news corpus, its URL, the publication date and our own coded facts,
plus a fingerprint (a hash, not the text) that tells whether a fetched excerpt is the one coded.
The excerpts themselves live in an ignored folder (``.hadath/realtext/<id>.txt``), fetched during a
session; see tests/realtext/README.md for the procedure.

Usage: python tools/realtext.py COMMAND ...
  plan [--missing]          the queries to run, with the case ids and URLs each must yield (JSON)
  status                    which excerpts are present, missing or different from the coded one
  fingerprint ID|FILE       fingerprint and length of a fetched excerpt (to record in its case)
  check                     validate every case (schema, names, split, fingerprint when present)
  stats                     coverage: outlets, governorates, years, event types, splits
  place NAME [--admin1 X]   look a place up in the shared OCHA / Who's On First sources (coder aid)
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import sys
import unicodedata
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from etl.arabic import normalize  # noqa: E402

CASES_DIR = REPO / "tests" / "realtext" / "cases"
TEXTS_DIR = REPO / ".hadath" / "realtext"
SHARED_GAZ = REPO.parent / "shared" / "data" / "gazetteer"
ACTORS_FILE = REPO / "etl" / "data" / "actors.yaml"
TRIGGERS_FILE = REPO / "etl" / "data" / "triggers.yaml"
FINGERPRINT_CHARS = 16
TEST_SHARE = 4  # one case in TEST_SHARE (by hash of its id) is held back as the test split
ADMIN1 = ("Damascus", "Aleppo", "Rural Damascus", "Homs", "Hama", "Lattakia", "Idleb", "Al-Hasakeh",
          "Deir-ez-Zor", "Tartous", "Ar-Raqqa", "Dar'a", "As-Sweida", "Quneitra")
CASE_KEYS = {"id", "query", "url", "outlet", "published", "published_basis", "fingerprint", "chars", "split",
             "no_event", "events", "traps", "notes"}
EVENT_KEYS = {"event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2", "assoc_actor_1",
              "assoc_actor_2", "civilian_targeting", "admin1", "admin3_pcode", "location_ar", "location",
              "location_pcode", "geo_precision", "fatalities", "why"}
REQUIRED_EVENT_KEYS = EVENT_KEYS - {"why", "assoc_actor_1", "assoc_actor_2", "location_pcode", "admin3_pcode"}


# --- excerpts --------------------------------------------------------------------------------
def fingerprint(text: str) -> tuple[str, int]:
    """(hash, length) of an excerpt, insensitive to Unicode form and whitespace runs."""
    flat = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(flat.encode("utf-8")).hexdigest()[:FINGERPRINT_CHARS], len(flat)


def split_for(case_id: str) -> str:
    """The split of a case, fixed by its id: never chosen by hand."""
    return "test" if int(hashlib.sha1(case_id.encode()).hexdigest()[:8], 16) % TEST_SHARE == 0 else "dev"


def load_cases(folder: Path = CASES_DIR) -> list[dict]:
    out = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        data["_path"] = path
        out.append(data)
    return out


def text_path(case_id: str, texts: Path = TEXTS_DIR) -> Path:
    return texts / f"{case_id}.txt"


# --- commands --------------------------------------------------------------------------------
def cmd_plan(args: argparse.Namespace) -> int:
    by_query: dict[str, list[dict]] = {}
    for case in load_cases():
        if args.missing and text_path(case["id"], args.texts).exists():
            continue
        by_query.setdefault(case["query"], []).append({"id": case["id"], "url": case["url"]})
    plan = [{"query": q, "corpus": "pages", "cases": cases} for q, cases in by_query.items()]
    print(json.dumps(plan, ensure_ascii=False, indent=1))
    return 0


def _state(case: dict, texts: Path) -> str:
    path = text_path(case["id"], texts)
    if not path.exists():
        return "missing"
    found, _n = fingerprint(path.read_text(encoding="utf-8"))
    return "ok" if found == case.get("fingerprint") else "different"


def cmd_status(args: argparse.Namespace) -> int:
    counts: Counter[str] = Counter()
    for case in load_cases():
        state = _state(case, args.texts)
        counts[state] += 1
        if state != "ok":
            print(f"{case['id']}: {state}")
    print(f"{counts['ok']} present, {counts['missing']} missing, {counts['different']} different "
          f"(texts in {args.texts})")
    return 0 if not counts["different"] else 1


def cmd_fingerprint(args: argparse.Namespace) -> int:
    path = Path(args.target)
    if not path.exists():
        path = text_path(args.target, args.texts)
    hashed, length = fingerprint(path.read_text(encoding="utf-8"))
    print(f"fingerprint: {hashed}\nchars: {length}")
    if path.parent == args.texts:
        print(f"split: {split_for(path.stem)}")
    return 0


def _vocab() -> tuple[set[str], dict[str, str]]:
    actors = {a["name"] for a in yaml.safe_load(ACTORS_FILE.read_text(encoding="utf-8"))["actors"]}
    hierarchy = yaml.safe_load(TRIGGERS_FILE.read_text(encoding="utf-8"))["hierarchy"]
    subs = {sub: etype for etype, items in hierarchy.items() for sub in items}
    return actors, subs


def _check_event(e: dict, actors: set[str], subs: dict[str, str], published: date | None) -> list[str]:
    errs = [f"missing {k}" for k in sorted(REQUIRED_EVENT_KEYS - set(e))]
    errs += [f"unknown key {k}" for k in sorted(set(e) - EVENT_KEYS)]
    if subs.get(e.get("sub_event_type")) != e.get("event_type"):
        errs.append(f"sub_event_type {e.get('sub_event_type')!r} is not of {e.get('event_type')!r}")
    for key in ("actor1", "actor2"):
        if e.get(key) and e[key] not in actors:
            errs.append(f"{key} {e[key]!r} not in etl/data/actors.yaml")
    for key in ("assoc_actor_1", "assoc_actor_2"):
        errs += [f"{key} {a!r} not in the registry" for a in str(e.get(key) or "").split("; ") if a and a not in actors]
    if e.get("admin1") not in ADMIN1:
        errs.append(f"admin1 {e.get('admin1')!r} is not an OCHA governorate name")
    if e.get("geo_precision") not in (1, 2, 3) or e.get("time_precision") not in (1, 2, 3):
        errs.append("geo_precision/time_precision must be 1, 2 or 3")
    day = e.get("event_date")
    if not isinstance(day, date):
        errs.append(f"event_date {day!r} is not a date")
    elif published and not (0 <= (published - day).days <= 31):
        errs.append(f"event_date {day} is not in the month before publication {published}")
    if e.get("event_type") == "Violence against civilians" and e.get("actor2") != "Civilians (Syria)":
        errs.append("Violence against civilians needs actor2 Civilians (Syria)")
    if not isinstance(e.get("fatalities"), int) or e["fatalities"] < 0:
        errs.append("fatalities must be an integer >= 0")
    return errs


def check_case(case: dict, actors: set[str], subs: dict[str, str], texts: Path) -> list[str]:
    errs = [f"unknown key {k}" for k in sorted(set(case) - CASE_KEYS - {"_path"})]
    errs += [f"missing {k}" for k in ("id", "query", "url", "published", "published_basis", "fingerprint", "split")
             if not case.get(k)]
    if case.get("id") != case["_path"].stem:
        errs.append(f"id {case.get('id')!r} differs from the file name")
    if case.get("split") != split_for(str(case.get("id"))):
        errs.append(f"split must be {split_for(str(case.get('id')))!r} (fixed by the id)")
    try:
        published = datetime.fromisoformat(str(case.get("published"))).date()
    except ValueError:
        errs.append(f"published {case.get('published')!r} is not ISO 8601")
        published = None
    events = case.get("events") or []
    if bool(case.get("no_event")) == bool(events):
        errs.append("a case has events, or no_event: true, not both")
    for n, e in enumerate(events):
        errs += [f"event {n + 1}: {x}" for x in _check_event(e, actors, subs, published)]
    if _state(case, texts) == "different":
        errs.append("the fetched excerpt differs from the coded one (fingerprint)")
    return errs


def cmd_check(args: argparse.Namespace) -> int:
    actors, subs = _vocab()
    bad = 0
    cases = load_cases()
    ids = Counter(c.get("id") for c in cases)
    urls = Counter(c.get("url") for c in cases)
    for case in cases:
        errs = check_case(case, actors, subs, args.texts)
        errs += ["duplicate id"] if ids[case.get("id")] > 1 else []
        errs += ["URL coded twice"] if urls[case.get("url")] > 1 else []
        for err in errs:
            print(f"{case['_path'].name}: {err}")
        bad += bool(errs)
    print(f"{len(cases)} cases, {bad} with problems")
    return 1 if bad else 0


def _period(day: date) -> str:
    return "2011-16" if day.year <= 2016 else "2017-23" if day.year <= 2023 else "2024-25"


def cmd_stats(_args: argparse.Namespace) -> int:
    cases = load_cases()
    events = [e for c in cases for e in c.get("events") or []]
    tallies = {
        "split (cases)": Counter(c.get("split") for c in cases),
        "outlet": Counter(c.get("outlet") or urlsplit(c.get("url", "")).hostname for c in cases),
        "year (publication)": Counter(str(c.get("published"))[:4] for c in cases),
        "period (events)": Counter(_period(e["event_date"]) for e in events if isinstance(e.get("event_date"), date)),
        "admin1 (events)": Counter(e.get("admin1") for e in events),
        "event_type": Counter(e.get("event_type") for e in events),
        "sub_event_type": Counter(e.get("sub_event_type") for e in events),
    }
    print(f"{len(cases)} cases ({sum(1 for c in cases if c.get('no_event'))} without events), {len(events)} events")
    for title, counts in tallies.items():
        print(f"\n{title} ({len(counts)}):")
        for key, n in counts.most_common():
            print(f"  {n:4d}  {key}")
    return 0


# --- place lookup (coder aid) -----------------------------------------------------------------
def _key(name: str) -> str:
    key = normalize(name)
    return key[2:] if key.startswith("ال") and len(key) > 4 else key


def _ocha_rows() -> list[dict]:
    with (SHARED_GAZ / "ocha_syr_communities.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _admin_rows() -> list[dict]:
    with (SHARED_GAZ / "syria_admin_levels_1to3.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def _names(value: str) -> list[str]:
    parts = [value]
    for sep in ("_", " - ", "-", "/"):
        parts = [p for part in parts for p in part.split(sep)]
    return [p.strip() for p in parts if p.strip()]


def cmd_place(args: argparse.Namespace) -> int:
    if not SHARED_GAZ.is_dir():
        print(f"no shared gazetteer at {SHARED_GAZ}")
        return 1
    want = _key(args.name)
    ocha = _ocha_rows()
    points = [((float(r["Latitude_y"]), float(r["Longitude_x"])), r) for r in ocha if r["Latitude_y"]]
    hits = []
    for row in _admin_rows():
        if want in {_key(n) for n in _names(row["name_ar"])}:
            hits.append(f"admin{row['level']} {row['pcode']} {row['name_ar']} / {row['name_en']} (parent {row['parent_pcode']})")
    for r in ocha:
        if want in {_key(n) for n in _names(r["LocationName_ar"]) + _names(r["admin4Name_ar"])}:
            if args.admin1 and args.admin1 not in (r["admin1Name_en"], r["admin1Pcode"]):
                continue
            hits.append(f"OCHA {r['Location_Pcode']} {r['LocationName_ar']} / {r['LocationName_en']}: "
                        f"{r['admin1Name_en']} > {r['admin2Name_en']} > {r['admin3Name_en']} ({r['admin3Pcode']}) "
                        f"@ {float(r['Latitude_y']):.3f},{float(r['Longitude_x']):.3f}")
    with (SHARED_GAZ / "wof_syr_localities.csv").open(encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            names = [r["name_ar_preferred"], *r["name_ar_variants"].split("|")]
            if want not in {_key(n) for n in names if n}:
                continue
            where = (float(r["lat"]), float(r["lon"]))
            near = min(points, key=lambda p: _distance_km(where, p[0]))
            if args.admin1 and args.admin1 not in (near[1]["admin1Name_en"], near[1]["admin1Pcode"]):
                continue
            hits.append(f"WOF {r['wof_id']} {r['name_ar_preferred']} / {r['name_en']} @ {where[0]:.3f},{where[1]:.3f}: "
                        f"nearest OCHA {near[1]['Location_Pcode']} {near[1]['LocationName_en']} "
                        f"({_distance_km(where, near[0]):.1f} km) in {near[1]['admin1Name_en']} > "
                        f"{near[1]['admin3Name_en']} ({near[1]['admin3Pcode']})")
    print("\n".join(hits) if hits else f"{args.name}: not found (try another spelling, with or without ال)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/realtext.py", description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=Path, default=TEXTS_DIR, help=f"excerpt folder (default {TEXTS_DIR})")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("plan").add_argument("--missing", action="store_true", help="only cases without a fetched text")
    sub.add_parser("status")
    sub.add_parser("fingerprint").add_argument("target", help="case id (text in the excerpt folder) or a file")
    sub.add_parser("check")
    sub.add_parser("stats")
    place = sub.add_parser("place")
    place.add_argument("name")
    place.add_argument("--admin1", help="only this governorate (English name or P-code)")
    args = parser.parse_args(argv)
    commands = {"plan": cmd_plan, "status": cmd_status, "fingerprint": cmd_fingerprint, "check": cmd_check,
                "stats": cmd_stats, "place": cmd_place}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())

"""One event, many reports: merge per-article events into canonical events.

Events with the same merge key (day, event type, place, unordered actor pair) are one real
event. Its canonical row keeps its id (`SYR<n>`) forever; each change is a numbered revision
that names the article that caused it. Merging rules (ACLED):
- fatalities: the lowest figure among the reports that give one (0 when none does);
- sub_event_type: the highest in ACLED's hierarchy among the reports;
- place and admin fields: the most precise report (lowest geo_precision), then the earliest;
- source: every outlet, '; '-separated; source_count = number of reporting articles.
A canonical event whose reports all disappear (re-extraction moved them) is marked retracted.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from etl import db

LOGGER = logging.getLogger(__name__)

LOCK_KEY = 0x4861_6462  # serialises concurrent reconciles (mapped tasks, backfills)
TRACKED = ("event_date", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1",
           "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
           "admin1", "admin1_pcode", "admin2", "admin2_pcode", "admin3", "admin3_pcode", "location",
           "location_ar", "location_pcode", "latitude", "longitude", "geo_precision", "source", "source_count",
           "notes", "fatalities", "tags", "retracted")
_EVENT_FIELDS = [f for f in TRACKED if f not in ("source_count", "retracted", "notes", "tags")]


@dataclass
class ReconcileSummary:
    keys: int = 0
    created: int = 0
    revised: int = 0
    unchanged: int = 0
    retracted: int = 0


def _merge(reports: list[dict], ranks: dict[tuple[str, str], int]) -> dict:
    """The canonical values for one merge key's reports (ordered by article_id)."""
    best_place = min(reports, key=lambda r: (r["geo_precision"], r["article_id"]))
    first = reports[0]
    merged = {f: first[f] for f in _EVENT_FIELDS}
    for f in ("admin1", "admin1_pcode", "admin2", "admin2_pcode", "admin3", "admin3_pcode", "location",
              "location_ar", "location_pcode", "latitude", "longitude", "geo_precision"):
        merged[f] = best_place[f]
    merged["sub_event_type"] = min((r["sub_event_type"] for r in reports),
                                   key=lambda s: ranks.get((first["event_type"], s), 99))
    figures = [r["fatalities"] for r in reports if r["fatalities"] > 0]
    merged["fatalities"] = min(figures) if figures else 0
    merged["time_precision"] = min(r["time_precision"] for r in reports)
    merged["civilian_targeting"] = max(r["civilian_targeting"] for r in reports)
    for side in ("assoc_actor_1", "assoc_actor_2"):
        names = sorted({n.strip() for r in reports for n in r[side].split(";") if n.strip()})
        merged[side] = "; ".join(names)
    merged["source"] = "; ".join(sorted({r["source"] for r in reports if r["source"]}))
    merged["source_count"] = len({r["article_id"] for r in reports})
    merged["notes"] = first["sentence"] or ""
    merged["tags"] = ""
    merged["retracted"] = False
    for key in ("latitude", "longitude"):
        merged[key] = None if merged[key] is None else round(float(merged[key]), 5)
    return merged


def _fetch_reports(cur, keys: list[str]) -> dict[str, list[dict]]:
    cur.execute(f"""
        SELECT e.merge_key, e.article_id, {', '.join('e.' + f for f in _EVENT_FIELDS)},
               (SELECT v.sentence FROM warehouse.event_evidence v
                WHERE v.event_id = e.event_id AND v.event_date = e.event_date ORDER BY v.sentence_index LIMIT 1) AS sentence
        FROM warehouse.events e WHERE e.merge_key = ANY(%s) ORDER BY e.article_id, e.event_id""",  # noqa: S608
                (keys,))
    cols = [d[0] for d in cur.description]
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in cur.fetchall():
        rec = dict(zip(cols, row, strict=True))
        grouped[rec["merge_key"]].append(rec)
    return grouped


def _existing(cur, keys: list[str]) -> dict[str, dict]:
    cur.execute(f"SELECT canonical_id, merge_key, revision, {', '.join(TRACKED)} "  # noqa: S608
                "FROM warehouse.canonical_events WHERE merge_key = ANY(%s)", (keys,))
    cols = [d[0] for d in cur.description]
    out = {}
    for row in cur.fetchall():
        rec = dict(zip(cols, row, strict=True))
        for key in ("latitude", "longitude"):
            rec[key] = None if rec[key] is None else round(float(rec[key]), 5)
        out[rec["merge_key"]] = rec
    return out


def _jsonable(value):
    return value.isoformat() if isinstance(value, date) else value


def _write(cur, key: str, merged: dict, old: dict | None, cause: int | None, summary: ReconcileSummary) -> int:
    if old is None:
        cols = ["merge_key", *TRACKED]
        cur.execute(f"INSERT INTO warehouse.canonical_events ({', '.join(cols)}) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * len(cols))}) RETURNING canonical_id",
                    [key, *(merged[f] for f in TRACKED)])
        cid = cur.fetchone()[0]
        _revision(cur, cid, merged["event_date"], 1, cause, {"created": True})
        summary.created += 1
        return cid
    changes = {f: [_jsonable(old[f]), _jsonable(merged[f])] for f in TRACKED if old[f] != merged[f]}
    if not changes:
        summary.unchanged += 1
        return old["canonical_id"]
    revision = old["revision"] + 1
    cur.execute(f"UPDATE warehouse.canonical_events SET {', '.join(f'{f} = %s' for f in changes)}, "  # noqa: S608
                "revision = %s, updated_at = now() WHERE canonical_id = %s AND event_date = %s",
                [merged[f] for f in changes] + [revision, old["canonical_id"], old["event_date"]])
    _revision(cur, old["canonical_id"], old["event_date"], revision, cause, changes)
    summary.revised += 1
    return old["canonical_id"]


def _revision(cur, cid: int, day: date, revision: int, cause: int | None, changes: dict) -> None:
    cur.execute("INSERT INTO warehouse.canonical_event_revisions (canonical_id, event_date, revision, "
                "caused_by_article_id, changes) VALUES (%s, %s, %s, %s, %s)",
                (cid, day, revision, cause, json.dumps(changes, ensure_ascii=False)))


def _retract(cur, since: date, until: date, summary: ReconcileSummary) -> None:
    cur.execute("""SELECT canonical_id, event_date, revision FROM warehouse.canonical_events c
                   WHERE NOT c.retracted AND c.event_date BETWEEN %s AND %s
                   AND NOT EXISTS (SELECT 1 FROM warehouse.events e
                                   WHERE e.merge_key = c.merge_key AND e.event_date = c.event_date)""",
                (since, until))
    for cid, day, revision in cur.fetchall():
        cur.execute("UPDATE warehouse.canonical_events SET retracted = true, revision = %s, updated_at = now() "
                    "WHERE canonical_id = %s AND event_date = %s", (revision + 1, cid, day))
        _revision(cur, cid, day, revision + 1, None, {"retracted": [False, True]})
        summary.retracted += 1


def reconcile(article_ids: list[int], url: str | None = None) -> ReconcileSummary:
    """Recompute the canonical events touched by these articles' events, in one transaction."""
    summary = ReconcileSummary()
    with db.transaction(url) as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        cur.execute("SELECT DISTINCT merge_key, min(event_date) OVER (), max(event_date) OVER () "
                    "FROM warehouse.events WHERE article_id = ANY(%s)", (article_ids,))
        rows = cur.fetchall()
        keys = sorted({r[0] for r in rows})
        cur.execute("SELECT event_type, sub_event_type, rank FROM warehouse.acled_event_types")
        ranks = {(t, s): r for t, s, r in cur.fetchall()}
        reports, existing = _fetch_reports(cur, keys), _existing(cur, keys)
        linked = _linked_articles(cur, [old["canonical_id"] for old in existing.values()])
        for key in keys:
            group = reports[key]
            old = existing.get(key)
            known = set() if old is None else linked.get(old["canonical_id"], set())
            new = [r["article_id"] for r in group if r["article_id"] not in known]
            cause = max(new or [r["article_id"] for r in group])  # a new source, else the re-extracted one
            cid = _write(cur, key, _merge(group, ranks), old, cause, summary)
            cur.execute("UPDATE warehouse.events SET canonical_id = %s WHERE merge_key = %s AND event_date = %s "
                        "AND canonical_id IS DISTINCT FROM %s", (cid, key, group[0]["event_date"], cid))
        if rows:
            _retract(cur, rows[0][1], rows[0][2], summary)
        summary.keys = len(keys)
    LOGGER.info("canonical events: %s", summary)
    return summary


def _linked_articles(cur, cids: list[int]) -> dict[int, set[int]]:
    """Articles already linked to each canonical event (one query for the whole reconcile)."""
    cur.execute("SELECT canonical_id, article_id FROM warehouse.events WHERE canonical_id = ANY(%s)", (cids,))
    linked: dict[int, set[int]] = defaultdict(set)
    for cid, article_id in cur.fetchall():
        linked[cid].add(article_id)
    return linked

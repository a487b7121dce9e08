"""No-loss accounting: where did every fetched article go?

For raw articles fetched in a window, each one ends in exactly one state:

    cleaning:   cleaned | quarantined_clean | stale_clean (raw changed since) | not_cleaned
    extraction (cleaned articles only):
                extracted | skipped (not Arabic, no date, near-duplicate of a canonical article,
                or skipped by the extractor) | quarantined_extract
                | stale_extract (text changed since) | not_extracted

The counts reconcile: fetched = cleaned + quarantined_clean + stale_clean + not_cleaned, and
cleaned = extracted + skipped + quarantined_extract + stale_extract + not_extracted.
Anything in a not_* / stale_* / quarantined_* state is listed with its reason.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from etl import db

LOGGER = logging.getLogger(__name__)

AUDIT_SQL = """
SELECT r.article_id, r.outlet, r.url,
  CASE WHEN s.article_id IS NOT NULL AND s.raw_content_hash = r.content_hash THEN 'cleaned'
       WHEN qc.article_id IS NOT NULL THEN 'quarantined_clean'
       WHEN s.article_id IS NOT NULL THEN 'stale_clean'
       ELSE 'not_cleaned' END AS clean_state,
  CASE WHEN s.article_id IS NULL OR s.raw_content_hash <> r.content_hash THEN NULL
       WHEN NOT s.is_arabic OR s.published_at IS NULL
            OR (s.canonical_article_id IS NOT NULL AND s.canonical_article_id <> s.article_id) THEN 'skipped'
       WHEN x.article_id IS NOT NULL AND x.text_hash = s.text_hash AND x.status = 'skipped' THEN 'skipped'
       WHEN x.article_id IS NOT NULL AND x.text_hash = s.text_hash THEN 'extracted'
       WHEN qx.article_id IS NOT NULL THEN 'quarantined_extract'
       WHEN x.article_id IS NOT NULL THEN 'stale_extract'
       ELSE 'not_extracted' END AS extract_state,
  coalesce(qc.error, qx.error, CASE WHEN NOT s.is_arabic THEN 'not Arabic'
           WHEN s.published_at IS NULL THEN 'no publication date: in no window'
           WHEN s.canonical_article_id <> s.article_id THEN 'near-duplicate of article ' || s.canonical_article_id
           END, x.skipped_reason, '') AS reason,
  coalesce(x.events, 0) AS events
FROM raw.articles r
LEFT JOIN staging.articles s USING (article_id)
LEFT JOIN staging.quarantine qc ON qc.article_id = r.article_id AND qc.stage = 'clean'
LEFT JOIN staging.quarantine qx ON qx.article_id = r.article_id AND qx.stage = 'extract'
LEFT JOIN staging.extractions x ON x.article_id = r.article_id
WHERE r.fetched_at >= %(since)s AND r.fetched_at < %(until)s
ORDER BY r.article_id
"""
PROBLEM_STATES = {"quarantined_clean", "stale_clean", "not_cleaned", "quarantined_extract", "stale_extract",
                  "not_extracted"}
EXPLAIN = {
    "not_cleaned": "fetched but never cleaned (run `hadath clean` for this window)",
    "stale_clean": "the raw page changed after cleaning (re-run `hadath clean`)",
    "quarantined_clean": "cleaning failed",
    "not_extracted": "cleaned but never extracted (run `hadath extract` for this window)",
    "stale_extract": "the cleaned text changed after extraction (re-run `hadath extract`)",
    "quarantined_extract": "extraction failed",
}


@dataclass
class AuditReport:
    fetched: int = 0
    clean_states: Counter = field(default_factory=Counter)
    extract_states: Counter = field(default_factory=Counter)
    events: int = 0
    problems: list[tuple[int, str, str, str, str]] = field(default_factory=list)  # id, outlet, url, state, why

    @property
    def reconciles(self) -> bool:
        return (sum(self.clean_states.values()) == self.fetched
                and sum(self.extract_states.values()) == self.clean_states["cleaned"])


def audit(since: datetime, until: datetime, url: str | None = None) -> AuditReport:
    report = AuditReport()
    with db.transaction(url) as cur:
        cur.execute(AUDIT_SQL, {"since": since, "until": until})
        for aid, outlet, page, clean_state, extract_state, reason, events in cur.fetchall():
            report.fetched += 1
            report.clean_states[clean_state] += 1
            if extract_state:
                report.extract_states[extract_state] += 1
            report.events += events
            for state in (clean_state, extract_state):
                if state in PROBLEM_STATES:
                    why = EXPLAIN[state] + (f": {reason}" if reason else "")
                    report.problems.append((aid, outlet, page, state, why))
    return report


def format_report(rep: AuditReport) -> str:
    lines = [f"fetched: {rep.fetched}",
             "cleaning:   " + ", ".join(f"{k}={v}" for k, v in sorted(rep.clean_states.items())),
             "extraction: " + ", ".join(f"{k}={v}" for k, v in sorted(rep.extract_states.items())),
             f"events from these articles: {rep.events}",
             f"counts reconcile: {'yes' if rep.reconciles else 'NO'}"]
    if rep.problems:
        lines.append(f"{len(rep.problems)} article(s) not fully processed:")
        lines += [f"  #{aid} [{outlet}] {page}\n      {state}: {why}" for aid, outlet, page, state, why in rep.problems]
    else:
        lines.append("every fetched article is accounted for")
    return "\n".join(lines)

"""No-loss accounting: every fetched article ends in a known state, and the counts reconcile."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from etl.audit import audit
from tests.conftest import ROOT, query

TZ = ZoneInfo("Asia/Damascus")
SINCE, UNTIL = datetime(2022, 1, 20, tzinfo=TZ), datetime(2022, 1, 21, tzinfo=TZ)


def _raw(url: str, n: int, content_hash: str = "h", fetched: str = "2022-01-20 10:00+02") -> int:
    return query(url, """INSERT INTO raw.articles (outlet, canonical_url, url, fetched_at, http_status, html_gz,
                         content_hash) VALUES ('enab', %s, %s, %s, 200, %s, %s) RETURNING article_id""",
                 (f"https://e/{n}", f"https://e/{n}", fetched, gzip.compress(b"x"), content_hash))[0][0]


def _staged(url: str, aid: int, raw_hash: str = "h") -> None:
    query(url, """INSERT INTO staging.articles (article_id, outlet, url, raw_content_hash, body, text_hash,
                  cleaner_version, published_at) VALUES (%s, 'enab', 'u', %s, 'نص', 't', '1', '2022-01-20 12:00+02')""",
          (aid, raw_hash))


def _extracted(url: str, aid: int, status: str = "ok", reason: str = "", text_hash: str = "t") -> None:
    query(url, """INSERT INTO staging.extractions (article_id, text_hash, extractor, extractor_version, status,
                  skipped_reason, events) VALUES (%s, %s, 'rules', '1', %s, %s, 2)""", (aid, text_hash, status, reason))


def test_every_article_is_accounted_for(fresh_db_url):
    done = _raw(fresh_db_url, 1)
    _staged(fresh_db_url, done)
    _extracted(fresh_db_url, done)
    skipped = _raw(fresh_db_url, 2)
    _staged(fresh_db_url, skipped)
    _extracted(fresh_db_url, skipped, "skipped", "not Arabic")
    broken = _raw(fresh_db_url, 3)
    query(fresh_db_url, "INSERT INTO staging.quarantine (article_id, stage, error) VALUES (%s, 'clean', 'empty body')",
          (broken,))
    forgotten = _raw(fresh_db_url, 4)
    changed = _raw(fresh_db_url, 5, content_hash="new")
    _staged(fresh_db_url, changed, raw_hash="old")
    unextracted = _raw(fresh_db_url, 6)
    _staged(fresh_db_url, unextracted)
    _raw(fresh_db_url, 7, fetched="2022-01-22 10:00+02")  # outside the window

    rep = audit(SINCE, UNTIL, fresh_db_url)
    assert rep.fetched == 6 and rep.reconciles
    assert dict(rep.clean_states) == {"cleaned": 3, "quarantined_clean": 1, "not_cleaned": 1, "stale_clean": 1}
    assert dict(rep.extract_states) == {"extracted": 1, "skipped": 1, "not_extracted": 1}
    states = {aid: state for aid, _, _, state, _ in rep.problems}
    assert states == {broken: "quarantined_clean", forgotten: "not_cleaned", changed: "stale_clean",
                      unextracted: "not_extracted"}
    assert any("empty body" in why for *_, why in rep.problems)


def test_audit_cli_strict_exit_code(fresh_db_url):
    _raw(fresh_db_url, 1)
    cmd = [sys.executable, "-m", "etl.cli", "audit", "--since", "2022-01-20", "--until", "2022-01-20"]
    env = {**os.environ, "DATABASE_URL": fresh_db_url}
    lax = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert lax.returncode == 0 and "not_cleaned" in lax.stdout
    strict = subprocess.run([*cmd, "--strict"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                            check=False)
    assert strict.returncode == 1


def test_non_arabic_undated_and_duplicates_are_skipped_by_design(fresh_db_url):
    canon = _raw(fresh_db_url, 1)
    _staged(fresh_db_url, canon)
    _extracted(fresh_db_url, canon)
    dup = _raw(fresh_db_url, 2)
    _staged(fresh_db_url, dup)
    english = _raw(fresh_db_url, 3)
    _staged(fresh_db_url, english)
    query(fresh_db_url, "UPDATE staging.articles SET canonical_article_id = %s WHERE article_id = %s", (canon, dup))
    query(fresh_db_url, "UPDATE staging.articles SET is_arabic = false WHERE article_id = %s", (english,))
    rep = audit(SINCE, UNTIL, fresh_db_url)
    assert dict(rep.extract_states) == {"extracted": 1, "skipped": 2} and rep.problems == [] and rep.reconciles

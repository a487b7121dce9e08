"""Pipeline mode: staging.articles of a window -> warehouse events, failures quarantined."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from datetime import date

from etl.events import base
from etl.events.pipeline import extract_window
from tests.conftest import ROOT, query

BODY = "قصفت قوات النظام أمس بلدة البارة بقذائف المدفعية، ما أسفر عن مقتل مدني."


def _article(url: str, n: int, published: str, body: str = BODY, canonical_of: int | None = None,
             arabic: bool = True) -> int:
    link = f"https://orient-news.net/ar/news_show/{n}/"
    aid = query(url, """INSERT INTO raw.articles (outlet, canonical_url, url, fetched_at, http_status, html_gz,
                        content_hash) VALUES ('orient', %s, %s, now(), 200, %s, 'h') RETURNING article_id""",
                (link, link, gzip.compress(b"<html/>")))[0][0]
    query(url, """INSERT INTO staging.articles (article_id, outlet, url, raw_content_hash, title, body, published_at,
                  is_arabic, text_hash, canonical_article_id, cleaner_version)
                  VALUES (%s, 'orient', %s, 'h', '', %s, %s, %s, %s, %s, 'test') RETURNING article_id""",
          (aid, link, body, published, arabic, f"t{n}", canonical_of or aid))
    return aid


def test_window_is_extracted_loaded_and_rerun_is_idempotent(fresh_db_url):
    inside = _article(fresh_db_url, 1, "2022-01-20T18:00:00+02:00")
    _article(fresh_db_url, 2, "2022-01-25T18:00:00+02:00")  # outside the window
    _article(fresh_db_url, 3, "2022-01-20T19:00:00+02:00", canonical_of=inside)  # near-duplicate
    _article(fresh_db_url, 4, "2022-01-20T19:00:00+02:00", arabic=False)
    summary = extract_window(date(2022, 1, 20), date(2022, 1, 20), fresh_db_url)
    assert (summary["articles"], summary["events"], summary["failed"]) == (1, 1, 0)
    rows = query(fresh_db_url, "SELECT article_id, event_date, location_ar, fatalities, extractor FROM warehouse.events")
    assert rows == [(inside, date(2022, 1, 19), "البارة", 1, "rules")]
    again = extract_window(date(2022, 1, 20), date(2022, 1, 20), fresh_db_url)
    assert (again["inserted"], again["updated"], again["removed"]) == (0, 0, 0)
    every = extract_window(date(2022, 1, 20), date(2022, 1, 20), fresh_db_url, canonical_only=False)
    assert every["articles"] == 2  # the duplicate too; still not the non-Arabic one


class _Exploding:
    name, version = "exploding", "0"

    def extract(self, article):
        if "انفجر" in article.text:
            raise ValueError("boom")
        return base.get_extractor("rules").extract(article)


def test_failure_is_quarantined_and_the_batch_goes_on(fresh_db_url, monkeypatch):
    good = _article(fresh_db_url, 1, "2022-01-20T18:00:00+02:00")
    bad = _article(fresh_db_url, 2, "2022-01-20T18:00:00+02:00", body="انفجر " + BODY)
    monkeypatch.setitem(base._INSTANCES, "exploding", _Exploding())
    monkeypatch.setitem(base.REGISTRY, "exploding", "unused:unused")
    summary = extract_window(date(2022, 1, 20), date(2022, 1, 20), fresh_db_url, extractor="exploding")
    assert (summary["extracted"], summary["failed"]) == (1, 1)
    assert query(fresh_db_url, "SELECT DISTINCT article_id FROM warehouse.events") == [(good,)]
    assert query(fresh_db_url, "SELECT article_id, stage, error FROM staging.quarantine") == [
        (bad, "extract", "ValueError: boom")]


def test_cli_pipeline_mode(fresh_db_url):
    _article(fresh_db_url, 1, "2022-01-20T18:00:00+02:00")
    res = subprocess.run([sys.executable, "-m", "etl.cli", "extract", "--since", "2022-01-20", "--until", "2022-01-21"],
                         cwd=ROOT, env={**os.environ, "DATABASE_URL": fresh_db_url}, capture_output=True, text=True,
                         timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    assert "events=1" in res.stderr
    assert query(fresh_db_url, "SELECT count(*) FROM warehouse.events") == [(1,)]

"""Cleaning with several worker processes gives exactly the rows a single process gives."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bench.corpus import insert_corpus
from etl.clean.pipeline import clean
from tests.conftest import query

SINCE = datetime(2022, 3, 10, tzinfo=ZoneInfo("Asia/Damascus"))
DUMP = "SELECT article_id, title, body, published_at, text_hash, cluster_id, cleaned_at FROM staging.articles ORDER BY 1"


def test_two_workers_match_one(fresh_db_url):
    insert_corpus(fresh_db_url, 24, SINCE)
    first = clean(fresh_db_url, since=SINCE, until=datetime(2022, 3, 11, tzinfo=SINCE.tzinfo), workers=2)
    assert first.cleaned == 24 and first.quarantined == 0
    before = query(fresh_db_url, DUMP)
    again = clean(fresh_db_url, since=SINCE, until=datetime(2022, 3, 11, tzinfo=SINCE.tzinfo), all_rows=True,
                  workers=1)
    assert again.unchanged == 24 and again.cleaned == 0
    assert query(fresh_db_url, DUMP) == before  # byte-identical rows, cleaned_at untouched

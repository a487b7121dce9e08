"""One event, many reports: merging, the lowest-figure rule, stable ids and revisions."""

from __future__ import annotations

import gzip
from dataclasses import replace
from datetime import date

from etl.canonical import reconcile
from etl.events.model import Event, Evidence
from etl.load import ArticleEvents, load_article_events
from tests.conftest import query

OUTLETS = {"npa": "North Press Agency", "sohr": "Syrian Observatory for Human Rights", "orient": "Orient Net"}


def _article(url: str, outlet: str, n: int) -> int:
    return query(url, """INSERT INTO raw.articles (outlet, canonical_url, url, fetched_at, http_status, html_gz,
                         content_hash) VALUES (%s, %s, %s, now(), 200, %s, 'h') RETURNING article_id""",
                 (outlet, f"https://{outlet}.example/{n}", f"https://{outlet}.example/{n}", gzip.compress(b"x")))[0][0]


def _event(outlet: str, **kw) -> Event:
    ev = Event(event_date=date(2022, 1, 20), time_precision=1, event_type="Battles", sub_event_type="Armed clash",
               actor1="Islamic State (Syria)", inter1=2, actor2="SDF: Syrian Democratic Forces", inter2=2,
               admin1="Al-Hasakeh", admin1_pcode="SY08", location="Ghuwayran", location_ar="غويران",
               location_pcode="HDT-SY08-ghuwayran", latitude=36.49, longitude=40.74, geo_precision=1,
               fatalities=45, source=OUTLETS[outlet], evidence=[Evidence(0, f"اشتباكات غويران ({outlet})")],
               confidence=0.8, extractor="rules", extractor_version="t")
    return replace(ev, **kw)


def _report(url: str, outlet: str, n: int, **kw) -> int:
    aid = _article(url, outlet, n)
    load_article_events([ArticleEvents(aid, f"https://{outlet}.example/{n}", outlet, "u", [_event(outlet, **kw)])],
                        url)
    reconcile([aid], url)
    return aid


def _canonical(url: str) -> list[tuple]:
    return query(url, "SELECT event_id_cnty, source_count, source, fatalities, sub_event_type, revision, retracted "
                      "FROM warehouse.canonical_events ORDER BY canonical_id")


def test_three_reports_make_one_event_with_three_sources(fresh_db_url):
    _report(fresh_db_url, "npa", 1, fatalities=45)
    _report(fresh_db_url, "sohr", 2, fatalities=40, actor1="SDF: Syrian Democratic Forces", inter1=2,
            actor2="Islamic State (Syria)")  # actors in the other order: still the same event
    _report(fresh_db_url, "orient", 3, fatalities=0, sub_event_type="Non-state actor overtakes territory")
    rows = _canonical(fresh_db_url)
    assert len(rows) == 1
    cid, count, source, fatalities, sub, revision, retracted = rows[0]
    assert count == 3
    assert source == "North Press Agency; Orient Net; Syrian Observatory for Human Rights"
    assert fatalities == 40  # lowest figure among those who give one
    assert sub == "Non-state actor overtakes territory"  # higher in ACLED's hierarchy
    assert retracted is False
    assert query(fresh_db_url, "SELECT count(DISTINCT canonical_id), count(*) FROM warehouse.events") == [(1, 3)]
    export = query(fresh_db_url, "SELECT event_id_cnty, source FROM reporting.acled_events")
    assert export == [(cid, source)]


def test_id_is_stable_and_revisions_name_the_article(fresh_db_url):
    _report(fresh_db_url, "npa", 1, fatalities=45)
    first = _canonical(fresh_db_url)[0][0]
    later = _report(fresh_db_url, "sohr", 2, fatalities=41)
    rows = _canonical(fresh_db_url)
    assert rows[0][0] == first and rows[0][1] == 2 and rows[0][3] == 41 and rows[0][5] == 2
    rev = query(fresh_db_url, "SELECT revision, caused_by_article_id, changes FROM "
                              "warehouse.canonical_event_revisions ORDER BY revision")
    assert [r[0] for r in rev] == [1, 2]
    assert rev[0][2] == {"created": True}
    assert rev[1][1] == later
    assert rev[1][2]["fatalities"] == [45, 41] and rev[1][2]["source_count"] == [1, 2]


def test_reconcile_again_changes_nothing(fresh_db_url):
    aid = _report(fresh_db_url, "npa", 1)
    before = _canonical(fresh_db_url)
    reconcile([aid], fresh_db_url)
    assert _canonical(fresh_db_url) == before
    assert query(fresh_db_url, "SELECT count(*) FROM warehouse.canonical_event_revisions") == [(1,)]


def test_different_places_or_days_stay_separate(fresh_db_url):
    _report(fresh_db_url, "npa", 1)
    _report(fresh_db_url, "npa", 2, location_ar="الكبر", location_pcode="", place_resolved=False)
    _report(fresh_db_url, "npa", 3, location_ar="الجزرات", location_pcode="", place_resolved=False)
    _report(fresh_db_url, "npa", 4, event_date=date(2022, 1, 21))
    assert len(_canonical(fresh_db_url)) == 4


def test_moved_event_retracts_the_old_canonical(fresh_db_url):
    aid = _article(fresh_db_url, "npa", 1)
    art = lambda ev: [ArticleEvents(aid, "k", "npa", "u", [ev])]  # noqa: E731
    load_article_events(art(_event("npa")), fresh_db_url)
    reconcile([aid], fresh_db_url)
    load_article_events(art(_event("npa", location_ar="الشدادي", location_pcode="SY080300")), fresh_db_url)
    summary = reconcile([aid], fresh_db_url)
    assert summary.retracted == 1 and summary.created == 1
    assert [r[6] for r in _canonical(fresh_db_url)] == [True, False]
    assert query(fresh_db_url, "SELECT count(*) FROM reporting.acled_events") == [(1,)]

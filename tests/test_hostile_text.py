"""Scraped text with SQL, HTML and JS payloads is stored verbatim and stays harmless."""

from __future__ import annotations

import gzip
import hashlib
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from etl.canonical import reconcile
from etl.clean.pipeline import clean
from etl.events.model import Event, Evidence
from etl.export import export_csv
from etl.load import ArticleEvents, load_article_events
from etl.report import write_report
from tests.conftest import query

SQL = "'); DROP TABLE raw.articles; --"
JS = '<script>fetch("//evil")</script>'
SENTENCE = f"قصفت قوات النظام بلدة كفرنبل {SQL} وقال ناشطون إن \"{JS}\" ظهرت على موقع الفصيل."
TZ = ZoneInfo("Asia/Damascus")


def _raw(url: str) -> int:
    body = ("<html lang='ar'><head><meta charset='utf-8'><title>قصف على كفرنبل</title>"
            "<meta property='article:published_time' content='2022-01-20T10:00:00+02:00'></head><body>"
            "<article><h1>قصف على كفرنبل</h1>"
            + "".join(f"<p>{s}</p>" for s in [SENTENCE.replace("<", "&lt;").replace(">", "&gt;")] * 3)
            + "<p>" + "وأفاد مراسلنا بأن القصف استهدف الأحياء السكنية في البلدة وأدى إلى دمار واسع. " * 4
            + "</p></article></body></html>").encode()
    return query(url, """INSERT INTO raw.articles (outlet, canonical_url, url, fetched_at, http_status, headers,
                         html_gz, encoding, content_hash) VALUES ('orient', 'https://www.orient-news.net/x',
                         'https://www.orient-news.net/x', '2022-01-20 12:00+02', 200, '{}', %s, 'utf-8', %s)
                         RETURNING article_id""", (gzip.compress(body), hashlib.sha256(body).hexdigest()))[0][0]


def test_payloads_survive_every_layer_verbatim(fresh_db_url, tmp_path):
    aid = _raw(fresh_db_url)
    summary = clean(fresh_db_url, since=datetime(2022, 1, 20, tzinfo=TZ), until=datetime(2022, 1, 21, tzinfo=TZ))
    assert summary.cleaned == 1
    body = query(fresh_db_url, "SELECT body FROM staging.articles WHERE article_id = %s", (aid,))[0][0]
    assert SQL in body and JS in body  # verbatim, not stripped, not executed
    ev = Event(event_date=date(2022, 1, 20), time_precision=1, event_type="Explosions/Remote violence",
               sub_event_type="Shelling/artillery/missile attack", actor1="Military Forces of Syria (2000-2024)",
               inter1=1, admin1="Idleb", admin1_pcode="SY07", location="Kafr Nobol", location_ar=JS,
               latitude=35.61, longitude=36.56, geo_precision=1, source=SQL,
               evidence=[Evidence(0, SENTENCE)], confidence=0.5, extractor="rules", extractor_version="t")
    load_article_events([ArticleEvents(aid, "k", "orient", "u", [ev], [(SQL, None)])], fresh_db_url)
    reconcile([aid], fresh_db_url)
    assert query(fresh_db_url, "SELECT sentence FROM warehouse.event_evidence") == [(SENTENCE,)]
    assert query(fresh_db_url, "SELECT name_ar FROM warehouse.unresolved_places") == [(SQL,)]
    assert query(fresh_db_url, "SELECT count(*) FROM raw.articles") == [(1,)]  # the table is still there
    out = io.StringIO()
    export_csv(out, date(2022, 1, 1), date(2022, 1, 31), fresh_db_url)
    assert SQL in out.getvalue()
    report = tmp_path / "r.html"
    write_report(str(report), date(2022, 1, 1), date(2022, 1, 31), fresh_db_url)
    assert "<script>fetch" not in report.read_text() and "&lt;script&gt;fetch" in report.read_text()

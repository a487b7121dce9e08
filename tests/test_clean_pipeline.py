"""raw -> staging against the real PostgreSQL: concrete rows, idempotency, incremental runs,
quarantine, near-duplicate clusters across runs and outlets, windows, the CLI."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from test_clean_extract import COMMENT, PARAGRAPHS, article_page

from etl import cli
from etl.clean import CLEANER_VERSION, pipeline
from tests.conftest import query

TZ = ZoneInfo("Asia/Damascus")
FETCHED = "2022-01-22 03:00+02"
OTHER = [
    "سيطرت قوات سوريا الديمقراطية على أحياء في محيط سجن الصناعة بمدينة الحسكة بعد اشتباكات مع خلايا تنظيم داعش استمرت ثلاثة أيام.",
    "وأعلنت قسد مقتل عشرات المهاجمين واستعادة السيطرة على المهاجع، فيما نزح آلاف المدنيين من حي غويران إلى أحياء أخرى في المدينة.",
    "وقال التحالف الدولي إن طائراته نفذت غارات دعماً للقوات على الأرض، وإن الوضع بات تحت السيطرة بعد ظهر اليوم الأحد.",
]
ENGLISH = ["Regime forces shelled the town of Kafranbel in southern Idlib on Friday morning, killing three civilians including a child.",
           "The Syrian Civil Defence said its teams recovered the bodies from the rubble of a house hit by the shells.",
           "Villages in Jabal al-Zawiya have been shelled almost daily for weeks despite the ceasefire agreed by Russia and Turkey."]


def insert_raw(url: str, n: int, page: bytes | str, *, outlet: str = "enab", fetched: str = FETCHED,
               feed: dict | None = None, headers: dict | None = None, status: int = 200,
               crawl_run: int | None = None, raw_gz: bytes | None = None) -> int:
    """One raw.articles row as the crawler stores it (gzip of the body bytes, sha256 of the body)."""
    body = page.encode("utf-8") if isinstance(page, str) else page
    return query(url, """INSERT INTO raw.articles (outlet, canonical_url, url, fetched_at, http_status, headers,
                         html_gz, content_hash, feed_meta, crawl_run_id)
                         VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING article_id""",
                 (outlet, f"https://{outlet}.example/{n}", f"https://{outlet}.example/{n}", fetched, status,
                  json.dumps(headers or {}), raw_gz if raw_gz is not None else gzip.compress(body),
                  hashlib.sha256(body).hexdigest(), json.dumps(feed or {}), crawl_run))[0][0]


def replace_raw(url: str, article_id: int, page: str) -> None:
    """A refetch that found new content (the crawler updates the row in place)."""
    body = page.encode("utf-8")
    query(url, "UPDATE raw.articles SET html_gz = %s, content_hash = %s, fetch_count = fetch_count + 1 "
               "WHERE article_id = %s", (gzip.compress(body), hashlib.sha256(body).hexdigest(), article_id))


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def staging_dump(url: str) -> list[tuple]:
    return query(url, "SELECT to_jsonb(s)::text FROM staging.articles s ORDER BY article_id")


def staged(url: str, article_id: int) -> dict:
    return query(url, "SELECT to_jsonb(s) FROM staging.articles s WHERE article_id = %s", (article_id,))[0][0]


def test_rows_have_concrete_values(fresh_db_url):
    feed = insert_raw(fresh_db_url, 1, article_page(), feed={"published": "2022-01-21T14:05:00+02:00", "author": "عنب بلدي"})
    legacy = article_page(OTHER, title="قسد تستعيد السيطرة على سجن الصناعة").replace('charset="utf-8"', 'charset="windows-1256"')
    cp1256 = insert_raw(fresh_db_url, 2, legacy.encode("cp1256"), outlet="npa")
    english = insert_raw(fresh_db_url, 3, article_page(ENGLISH, title="Shelling kills three in Idlib"), outlet="sohr")
    undated = insert_raw(fresh_db_url, 4, article_page(OTHER[:2] + [PARAGRAPHS[2]], visible_date=""), outlet="orient")
    summary = pipeline.clean()
    assert (summary.selected, summary.cleaned, summary.quarantined, summary.no_date, summary.non_arabic) == (4, 4, 0, 1, 1)
    row = staged(fresh_db_url, feed)
    assert row["body"] == "\n".join(PARAGRAPHS) and COMMENT not in row["body"]
    assert (row["date_source"], ts(row["published_at"]), row["language"], row["is_arabic"]) == (
        "feed", ts("2022-01-21T14:05:00+02:00"), "ar", True)
    assert (row["extraction_method"], row["cleaner_version"], row["cluster_id"], row["canonical_article_id"]) == (
        "trafilatura", CLEANER_VERSION, feed, feed)
    assert row["minhash"] is not None and len(row["minhash_bands"]) == 25
    row = staged(fresh_db_url, cp1256)
    assert row["title"] == "قسد تستعيد السيطرة على سجن الصناعة" and row["body"].startswith(OTHER[0])
    assert (row["date_source"], ts(row["published_at"])) == ("visible", ts("2022-01-21T12:00:00+02:00"))
    assert (staged(fresh_db_url, english)["language"], staged(fresh_db_url, english)["is_arabic"]) == ("en", False)
    row = staged(fresh_db_url, undated)
    assert (row["published_at"], row["date_missing"], row["date_source"]) == (None, True, "none")


def _raw_dump(url: str) -> list[tuple]:
    return query(url, "SELECT article_id, md5(html_gz), content_hash, fetched_at, feed_meta::text FROM raw.articles ORDER BY 1")


def test_rerun_is_idempotent_rows_identical_including_cleaned_at(fresh_db_url):
    for n in range(3):
        insert_raw(fresh_db_url, n, article_page(PARAGRAPHS if n != 1 else OTHER))
    insert_raw(fresh_db_url, 9, article_page(PARAGRAPHS), outlet="npa")  # exact duplicate on another outlet
    raw_before = _raw_dump(fresh_db_url)
    first = pipeline.clean()
    dump = staging_dump(fresh_db_url)
    assert (first.cleaned, first.duplicates) == (4, 2)
    again = pipeline.clean()
    assert (again.selected, again.processed, again.cleaned) == (0, 0, 0)
    forced = pipeline.clean(all_rows=True, batch_size=1)
    assert (forced.selected, forced.cleaned, forced.unchanged, forced.duplicates) == (4, 0, 4, 2)
    assert staging_dump(fresh_db_url) == dump
    assert _raw_dump(fresh_db_url) == raw_before  # raw rows are never modified


def test_only_changed_raw_rows_are_recleaned(fresh_db_url):
    keep = insert_raw(fresh_db_url, 1, article_page(PARAGRAPHS))
    change = insert_raw(fresh_db_url, 2, article_page(OTHER))
    pipeline.clean()
    before = staged(fresh_db_url, keep)
    replace_raw(fresh_db_url, change, article_page(OTHER + ["وأكدت مصادر محلية أن الاشتباكات تجددت مساء اليوم في حي الزهور."]))
    summary = pipeline.clean()
    assert (summary.selected, summary.cleaned, summary.unchanged) == (1, 1, 0)
    assert staged(fresh_db_url, keep) == before
    assert staged(fresh_db_url, change)["body"].endswith("في حي الزهور.")


def test_broken_pages_are_quarantined_without_stopping_the_batch(fresh_db_url):
    good = insert_raw(fresh_db_url, 1, article_page())
    bad_gzip = insert_raw(fresh_db_url, 2, b"x", raw_gz=b"\x1f\x8b not really gzip")
    empty = insert_raw(fresh_db_url, 3, "<html><body><nav>الرئيسية</nav></body></html>")
    garbage = insert_raw(fresh_db_url, 4, bytes(range(256)) * 30)
    missing = insert_raw(fresh_db_url, 5, "<html><body>Not Found</body></html>", status=404)
    summary = pipeline.clean(batch_size=10)
    assert (summary.cleaned, summary.quarantined) == (1, 4)
    rows = query(fresh_db_url, "SELECT article_id, stage, error, attempts FROM staging.quarantine ORDER BY 1")
    assert [(r[0], r[1], r[3]) for r in rows] == [(bad_gzip, "clean", 1), (empty, "clean", 1), (garbage, "clean", 1),
                                                   (missing, "clean", 1)]
    errors = {r[0]: r[2] for r in rows}
    assert errors[bad_gzip].startswith("DecodeError: html_gz is not valid gzip")
    assert errors[empty].startswith("ExtractionError: no article text found")
    assert errors[missing] == "HTTP 404: not an article page"
    assert all("\n" not in e for e in errors.values())
    assert query(fresh_db_url, "SELECT article_id FROM staging.articles") == [(good,)]
    pipeline.clean()  # retried while broken: attempts count up
    assert query(fresh_db_url, "SELECT attempts FROM staging.quarantine WHERE article_id = %s", (empty,)) == [(2,)]


def test_a_fixed_article_leaves_quarantine_into_history(fresh_db_url):
    article = insert_raw(fresh_db_url, 1, "<html><body></body></html>")
    pipeline.clean()
    pipeline.clean()
    replace_raw(fresh_db_url, article, article_page())
    summary = pipeline.clean()
    assert (summary.cleaned, summary.quarantined) == (1, 0)
    assert query(fresh_db_url, "SELECT count(*) FROM staging.quarantine") == [(0,)]
    rows = query(fresh_db_url, "SELECT article_id, stage, attempts, error, resolved_by_hash = r.content_hash "
                               "FROM staging.quarantine_resolved JOIN raw.articles r USING (article_id)")
    assert [r[:3] for r in rows] == [(article, "clean", 2)] and rows[0][3].startswith("ExtractionError") and rows[0][4]


def _clusters(url: str) -> dict[int, tuple[int, int]]:
    return {a: (c, k) for a, c, k in query(url, "SELECT article_id, cluster_id, canonical_article_id FROM staging.articles")}


SYNDICATED = ["نقلاً عن مراسلنا في ريف إدلب:"] + PARAGRAPHS + ["وتشهد المنطقة موجة نزوح جديدة نحو المخيمات الحدودية."]
UPDATED = PARAGRAPHS + ["تحديث: ارتفع عدد القتلى إلى خمسة بعد وفاة اثنين من المصابين متأثرين بجراحهم في المستشفى."]


def test_near_duplicates_cluster_incrementally_across_runs_and_outlets(fresh_db_url):
    original = insert_raw(fresh_db_url, 1, article_page(), feed={"published": "2022-01-21T10:00:00+02:00"})
    other = insert_raw(fresh_db_url, 2, article_page(OTHER), feed={"published": "2022-01-21T09:00:00+02:00"})
    pipeline.clean()
    # Next night: a syndicated copy on another outlet, published EARLIER than the original's page.
    copy = insert_raw(fresh_db_url, 3, article_page(SYNDICATED), outlet="horrya",
                      feed={"published": "2022-01-21T08:30:00+02:00"})
    # The same story updated in place under a second URL (e.g. an AMP or ?p= URL of the same post).
    update = insert_raw(fresh_db_url, 4, article_page(UPDATED), feed={"published": "2022-01-21T10:00:00+02:00"})
    summary = pipeline.clean()
    assert summary.duplicates == 1  # of this run: the update (the copy is the new canonical)
    assert _clusters(fresh_db_url) == {original: (original, copy), copy: (original, copy),
                                       update: (original, copy), other: (other, other)}
    # From scratch (fresh staging, one batch per article) gives the very same clusters.
    expected = _clusters(fresh_db_url)
    query(fresh_db_url, "DELETE FROM staging.articles")
    pipeline.clean(batch_size=1)
    assert _clusters(fresh_db_url) == expected


def test_article_updated_in_place_keeps_or_leaves_its_cluster(fresh_db_url):
    original = insert_raw(fresh_db_url, 1, article_page(), feed={"published": "2022-01-21T10:00:00+02:00"})
    copy = insert_raw(fresh_db_url, 2, article_page(SYNDICATED), outlet="npa", feed={"published": "2022-01-21T11:00:00+02:00"})
    pipeline.clean()
    replace_raw(fresh_db_url, original, article_page(UPDATED))  # same URL, a paragraph added
    pipeline.clean()
    assert _clusters(fresh_db_url) == {original: (original, original), copy: (original, original)}
    replace_raw(fresh_db_url, original, article_page(OTHER))  # the outlet reused the URL for another story
    pipeline.clean()
    assert _clusters(fresh_db_url) == {original: (original, original), copy: (copy, copy)}


def test_window_by_fetch_time_or_crawl_window_and_by_crawl_run(fresh_db_url):
    run = query(fresh_db_url, "INSERT INTO raw.crawl_runs (outlet, window_start, window_end) VALUES "
                              "('enab', '2022-01-21 00:00+02', '2022-01-22 00:00+02') RETURNING crawl_run_id")[0][0]
    in_day = insert_raw(fresh_db_url, 1, article_page(), fetched="2022-01-21 23:00+02")
    nightly = insert_raw(fresh_db_url, 2, article_page(OTHER), fetched="2022-01-22 02:10+02", crawl_run=run)
    later = insert_raw(fresh_db_url, 3, article_page(ENGLISH), fetched="2022-01-23 02:10+02")
    summary = pipeline.clean(since=datetime(2022, 1, 21).date(), until=datetime(2022, 1, 21).date())
    assert summary.selected == 2
    assert sorted(_clusters(fresh_db_url)) == [in_day, nightly]
    assert pipeline.clean(crawl_run_id=run, all_rows=True).selected == 1
    assert pipeline.window_bounds(datetime(2022, 1, 21), None)[0].isoformat() == "2022-01-21T00:00:00+02:00"
    assert pipeline.clean(since=datetime(2022, 1, 23, tzinfo=TZ)).selected == 1
    assert later in _clusters(fresh_db_url)


def test_cli_summary_and_bad_input(fresh_db_url, capsys):
    insert_raw(fresh_db_url, 1, article_page())
    insert_raw(fresh_db_url, 2, "<html></html>")
    assert cli.main(["clean", "--since", "2022-01-22", "--until", "2022-01-22", "--batch-size", "1"]) == 0
    out = capsys.readouterr().out
    assert "processed 2 (selected 2): cleaned 1, unchanged 0, quarantined 1, duplicates 0, no-date 0, non-Arabic 0" in out
    assert "quarantine reasons: ExtractionError 1" in out
    assert cli.main(["clean", "--since", "2022-01-23", "--until", "2022-01-22"]) == 2
    assert "empty window" in capsys.readouterr().err
    assert cli.main(["clean", "--batch-size", "0"]) == 2

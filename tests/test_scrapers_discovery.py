"""Feed / sitemap / listing parsing and window filtering (pure functions, saved documents)."""

from __future__ import annotations

import resource
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from etl.errors import BadInput
from scrapers.discovery import (
    Entry,
    MalformedXml,
    UnsafeXml,
    make_window,
    parse_feed,
    parse_listing,
    parse_sitemap,
)

FIXTURES = Path(__file__).parent / "fixtures" / "scrapers"
TZ = "Asia/Damascus"
PLUS2 = timezone(timedelta(hours=2))
WINDOW = make_window("2022-01-20", "2022-01-22", TZ)


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_window_from_dates_is_local_days_until_inclusive():
    assert WINDOW.since == datetime(2022, 1, 20, tzinfo=PLUS2)
    assert WINDOW.until == datetime(2022, 1, 23, tzinfo=PLUS2)  # exclusive end = day after --until


def test_window_from_iso_datetimes_is_exact():
    window = make_window("2022-01-20T00:00:00+02:00", "2022-01-21T00:00:00+02:00", TZ)
    assert window.until == datetime(2022, 1, 21, tzinfo=PLUS2)
    naive = make_window("2022-01-20T06:00", None, TZ)
    assert naive.since == datetime(2022, 1, 20, 6, tzinfo=PLUS2) and naive.until is None


@pytest.mark.parametrize("since, until, message", [
    ("yesterday", None, "bad date 'yesterday'"),
    ("2022-01-22", "2022-01-20", "empty window"),
])
def test_bad_windows(since, until, message):
    with pytest.raises(BadInput, match=message):
        make_window(since, until, TZ)


def test_rss_entries_and_metadata():
    entries, malformed = parse_feed(read("rss.xml"), TZ)
    assert not malformed
    assert [e.url.split("/")[4] for e in entries] == ["1001", "1002", "1003", "1004"]
    first = entries[0]
    assert first.published == datetime(2022, 1, 21, 14, 5, tzinfo=PLUS2)
    assert first.meta["title"] == "اشتباكات في ريف حلب الشمالي"
    assert first.meta["author"] == "مراسل حلب"
    assert first.meta["categories"] == ["حلب", "اشتباكات"]
    assert first.meta["summary"] == "اشتباكات بين فصائل المعارضة وقسد قرب مارع."
    assert first.meta["published"] == "2022-01-21T14:05:00+02:00"
    assert entries[2].published is None and "published" not in entries[2].meta


def test_window_filtering_of_feed_entries():
    entries, _ = parse_feed(read("rss.xml"), TZ)
    admitted = [e.meta["title"] for e in entries if WINDOW.admits(e)]
    # 1002 (2022-01-10) is outside; the undated entry is admitted (cleaning decides later)
    assert admitted == ["اشتباكات في ريف حلب الشمالي", "بلا تاريخ", "صفحة من صحيفة أخرى"]


def test_atom_feed():
    [entry], malformed = parse_feed(read("atom.xml"), TZ)
    assert not malformed
    assert entry.url == "https://npasyria.com/123456/"
    assert entry.published == datetime(2022, 1, 22, 8, 30, tzinfo=PLUS2)
    assert entry.meta["author"] == "فريق التحرير" and entry.meta["categories"] == ["الحسكة"]


def test_billion_laughs_is_refused_before_parsing():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(UnsafeXml):
        parse_feed(read("billion_laughs.xml"), TZ)
    with pytest.raises(UnsafeXml):
        parse_sitemap(read("billion_laughs.xml"), TZ)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB: nothing expanded


def test_malformed_feed_is_flagged_and_recovers_what_it_can():
    entries, malformed = parse_feed(read("malformed_feed.xml"), TZ)
    assert malformed
    assert [e.url for e in entries][:1] == ["https://halab-today.example/news/1005/first/"]


def test_sitemap_index_children_with_lastmod():
    kind, entries = parse_sitemap(read("sitemap_index.xml"), TZ)
    assert kind == "index"
    assert [e.url.rsplit("/", 1)[1] for e in entries] == ["sitemap-news.xml", "sitemap-2021-12.xml",
                                                         "sitemap-2022-01.xml"]
    assert [WINDOW.is_older(e.published) for e in entries] == [False, True, False]


def test_news_sitemap_dates_and_window():
    kind, entries = parse_sitemap(read("news_sitemap.xml"), TZ)
    assert kind == "urlset"
    assert entries[0].published == datetime(2022, 1, 21, 14, 5, tzinfo=PLUS2)
    assert entries[0].meta["title"] == "اشتباكات في ريف حلب الشمالي"
    assert entries[2].date_kind == "lastmod"
    # lastmod after the window: may have been published inside it -> admitted; lastmod before -> skipped
    assert [WINDOW.admits(e) for e in entries] == [True, False, True, False]


def test_malformed_sitemap():
    with pytest.raises(MalformedXml):
        parse_sitemap(b"<urlset><url><loc>x</loc></url>", TZ)


def test_listing_links_with_item_dates():
    entries = parse_listing(read("listing.html").decode(), "ul.news li a.title::attr(href)", TZ)
    assert [e.url for e in entries] == ["/news/1001/clashes-north",
                                        "https://halab-today.example/news/1008/patrol/amp/", "/news/1009/no-date/"]
    assert entries[0].published == datetime(2022, 1, 21, 14, 5, tzinfo=PLUS2)
    assert entries[2].published is None


def test_listing_page_older_than_window():
    entries = parse_listing(read("listing_old.html").decode(), "ul.news li a.title::attr(href)", TZ)
    assert len(entries) == 2 and all(WINDOW.is_older(e.published) for e in entries)


def test_entry_without_date_is_admitted_by_any_window():
    assert make_window("2030-01-01", "2030-01-02", TZ).admits(Entry("https://x/", "listing"))

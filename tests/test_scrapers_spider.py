"""Spider callbacks on saved responses (HtmlResponse / XmlResponse built from fixture files)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from scrapers.items import ArticleItem
from scrapers.middlewares import Dropped
from scrapers.spiders.outlet import OutletSpider
from tests.conftest import query

FIXTURES = Path(__file__).parent / "fixtures" / "scrapers"
TEST_OUTLETS = str(FIXTURES / "outlets_test.yaml")
REAL = "https://halab-today.example"
MIRROR = "http://127.0.0.1:8000/halab"


def make_spider(**kwargs) -> OutletSpider:
    crawler = get_crawler(OutletSpider, {})
    args = {"outlet": "halab", "outlets_file": TEST_OUTLETS, "since": "2022-01-20", "until": "2022-01-22"}
    spider = OutletSpider.from_crawler(crawler, **{**args, **kwargs})
    crawler.spider = spider
    return spider


def xml(url: str, name: str, status: int = 200, headers: dict | None = None, mirror: bool = False) -> XmlResponse:
    body = (FIXTURES / name).read_bytes()
    if mirror:
        body = body.replace(REAL.encode(), MIRROR.encode())
    request = Request(url, meta={"source": "feed", "page": 1})
    return XmlResponse(url, body=body, status=status, headers=headers or {}, request=request)


def html(url: str, name: str, canonical: str, headers: dict | None = None, **meta) -> HtmlResponse:
    request = Request(url, meta={"canonical": canonical, "dated": True, "page": 1, **meta})
    return HtmlResponse(url, body=(FIXTURES / name).read_bytes(), headers=headers or {}, request=request)


def stat(spider: OutletSpider, key: str) -> int:
    return spider.crawler.stats.get_value(key, 0)


def test_feed_schedules_window_articles_only(db_url):
    spider = make_spider()
    requests = spider.parse_feed(xml(f"{REAL}/feed.xml", "rss.xml", headers={"ETag": '"v1"'}))
    assert [r.url for r in requests] == [f"{REAL}/news/1001/clashes-north/", f"{REAL}/news/1003/undated/"]
    assert requests[0].meta["canonical"] == f"{REAL}/news/1001/clashes-north/"
    assert stat(spider, "hadath/skipped/out_of_window") == 1  # 1002, 2022-01-10
    assert stat(spider, "hadath/skipped/offsite") == 1  # other.example
    assert spider.entry_meta[f"{REAL}/news/1001/clashes-north/"]["author"] == "مراسل حلب"
    rows = query(db_url, "SELECT etag, last_status FROM raw.feed_state WHERE feed_url = %s", (f"{REAL}/feed.xml",))
    assert rows == [('"v1"', 200)]


def test_feed_in_mirror_mode_fetches_locally_and_keys_on_real_urls(db_url):
    spider = make_spider(mirror=MIRROR)
    requests = spider.parse_feed(xml(f"{MIRROR}/feed.xml", "rss.xml", mirror=True))
    assert [r.url for r in requests] == [f"{MIRROR}/news/1001/clashes-north/", f"{MIRROR}/news/1003/undated/"]
    assert requests[0].meta["canonical"] == f"{REAL}/news/1001/clashes-north/"


def test_feed_skips_known_articles_unless_refresh(db_url):
    spider = make_spider()
    spider.known = {f"{REAL}/news/1001/clashes-north/"}
    requests = spider.parse_feed(xml(f"{REAL}/feed.xml", "rss.xml"))
    assert [r.url for r in requests] == [f"{REAL}/news/1003/undated/"]
    assert stat(spider, "hadath/skipped/known") == 1


def test_feed_304_is_not_an_error(db_url):
    spider = make_spider()
    spider.parse_feed(xml(f"{REAL}/feed304.xml", "rss.xml", headers={"ETag": '"v9"'}))
    assert spider.parse_feed(xml(f"{REAL}/feed304.xml", "rss.xml", status=304)) == []
    assert stat(spider, "hadath/feeds_not_modified") == 1
    assert not any(k.startswith("hadath/errors/") for k in spider.crawler.stats.get_stats())
    rows = query(db_url, "SELECT etag, last_status FROM raw.feed_state WHERE feed_url = %s", (f"{REAL}/feed304.xml",))
    assert rows == [('"v9"', 304)]  # validators kept


def test_feed_request_is_conditional():
    spider = make_spider()
    from scrapers.state import FeedValidators

    spider.validators = {f"{REAL}/feed.xml": FeedValidators('"v1"', "Fri, 21 Jan 2022 10:00:00 GMT")}
    request = spider.feed_request("/feed.xml")
    assert request.headers[b"If-None-Match"] == b'"v1"'
    assert request.headers[b"If-Modified-Since"] == b"Fri, 21 Jan 2022 10:00:00 GMT"
    assert request.meta["handle_httpstatus_list"] == [304]


def test_unsafe_and_malformed_feeds_are_error_kinds(db_url):
    spider = make_spider()
    # an unsafe feed gives nothing: the discovery fallback starts (the homepage, for the feeds it announces)
    rescue = spider.parse_feed(xml(f"{REAL}/a.xml", "billion_laughs.xml"))
    assert [(r.url, r.meta["rescue"]) for r in rescue] == [(f"{REAL}/", "feed")]
    requests = spider.parse_feed(xml(f"{REAL}/b.xml", "malformed_feed.xml"))
    assert stat(spider, "hadath/errors/unsafe_xml") == 1
    assert stat(spider, "hadath/errors/malformed_feed") == 1
    assert [r.url for r in requests] == [f"{REAL}/news/1005/first/"]


def test_sitemap_index_prunes_children_older_than_window():
    spider = make_spider()
    requests = spider.parse_sitemap(xml(f"{REAL}/sitemap.xml", "sitemap_index.xml"))
    assert [r.url for r in requests] == [f"{REAL}/sitemap-news.xml", f"{REAL}/sitemap-2022-01.xml"]
    assert all(r.callback == spider.parse_sitemap for r in requests)


def test_news_sitemap_window_filtering():
    spider = make_spider()
    requests = spider.parse_sitemap(xml(f"{REAL}/sitemap-news.xml", "news_sitemap.xml"))
    assert [r.url for r in requests] == [f"{REAL}/news/1001/clashes-north/", f"{REAL}/news/1006/updated-later/"]
    assert stat(spider, "hadath/skipped/out_of_window") == 2


def test_backfill_window_takes_the_old_entries():
    spider = make_spider(since="2022-01-01", until="2022-01-15")
    requests = spider.parse_sitemap(xml(f"{REAL}/sitemap-news.xml", "news_sitemap.xml"))
    assert [r.url for r in requests] == [f"{REAL}/news/1002/shelling/", f"{REAL}/news/1006/updated-later/",
                                         f"{REAL}/news/1007/old-lastmod/"]


def test_listing_page_one_links_amp_mapping_and_next_page():
    spider = make_spider()
    response = html(f"{REAL}/news/page/1/", "listing.html", "", source="listing")
    requests = spider.parse_listing(response)
    assert [r.url for r in requests] == [f"{REAL}/news/1001/clashes-north/", f"{REAL}/news/1008/patrol/",
                                         f"{REAL}/news/1009/no-date/", f"{REAL}/news/page/2/"]
    assert stat(spider, "hadath/skipped/not_article_url") == 0  # /about/ is not matched by the selector


def test_listing_stops_when_page_is_older_than_window():
    spider = make_spider()
    response = html(f"{REAL}/news/page/2/", "listing_old.html", "", source="listing", page=2)
    assert spider.parse_listing(response) == []
    assert stat(spider, "hadath/skipped/out_of_window") == 2
    backfill = make_spider(since="2022-01-10", until="2022-01-12")
    urls = [r.url for r in backfill.parse_listing(html(f"{REAL}/news/page/2/", "listing_old.html", "", page=2))]
    assert urls == [f"{REAL}/news/0901/old-one/", f"{REAL}/news/0902/old-two/", f"{REAL}/news/page/3/"]


def test_listing_respects_max_pages():
    spider = make_spider(since="2022-01-01")
    urls = [r.url for r in spider.parse_listing(html(f"{REAL}/news/page/3/", "listing_old.html", "", page=3))]
    assert f"{REAL}/news/page/4/" not in urls  # max_pages 3 from first_page 1


def test_article_item_keyed_on_rel_canonical_with_feed_meta():
    spider = make_spider()
    spider.crawl_run_id = 7
    spider.parse_feed.__func__  # noqa: B018 (documenting: meta comes from discovery)
    spider.entry_meta[f"{REAL}/news/1001/clashes-north/"] = {"title": "t", "source": "feed"}
    url = f"{REAL}/news/1001/clashes-north"
    item = spider.parse_article(html(url, "article.html", f"{REAL}/news/1001/clashes-north/"))
    assert isinstance(item, ArticleItem)
    assert item.canonical_url == f"{REAL}/news/1001/clashes-north/"
    assert item.url == url and item.crawl_run_id == 7 and item.http_status == 200
    assert item.feed_meta == {"title": "t", "source": "feed"}
    assert item.body == (FIXTURES / "article.html").read_bytes() and item.encoding == "utf-8"


def test_redirected_article_is_stored_under_the_final_url():
    spider = make_spider()
    old = f"{REAL}/news/1001/%D8%A7%D8%B4%D8%AA%D8%A8%D8%A7%D9%83%D8%A7%D8%AA/"
    response = html(f"{REAL}/news/1001/clashes-north/", "article.html", old)
    item = spider.parse_article(response)
    assert item.canonical_url == f"{REAL}/news/1001/clashes-north/"
    # a second path to the same article in the same run is not stored twice
    assert spider.parse_article(html(f"{REAL}/news/1001/clashes-north/", "article.html", f"{REAL}/x/1/")) is None
    assert stat(spider, "hadath/skipped/duplicate") == 1


def test_amp_page_requests_its_canonical_instead():
    spider = make_spider()
    result = spider.parse_article(html(f"{REAL}/news/1008/patrol/amp/", "amp.html", f"{REAL}/news/1008/patrol/amp/"))
    assert isinstance(result, Request) and result.url == f"{REAL}/news/1008/patrol/"


def test_not_article_page_is_skipped():
    spider = make_spider()
    assert spider.parse_article(html(f"{REAL}/news/2000/live/", "live.html", f"{REAL}/news/2000/live/")) is None
    assert stat(spider, "hadath/skipped/not_article") == 1


def test_windows_1256_page_kept_as_served():
    spider = make_spider()
    headers = {"Content-Type": "text/html; charset=windows-1256"}
    response = html(f"{REAL}/news/3000/cp/", "cp1256.html", f"{REAL}/news/3000/cp/", headers=headers)
    item = spider.parse_article(response)
    assert item.encoding == "windows-1256"
    assert item.body == (FIXTURES / "cp1256.html").read_bytes()
    assert "قصف على ريف إدلب" in item.body.decode("cp1256")


def test_undated_entry_checked_against_the_page_date():
    spider = make_spider(since="2022-01-22", until="2022-01-22")
    url = f"{REAL}/news/1001/clashes-north/"
    assert spider.parse_article(html(url, "article.html", url, dated=False)) is None  # page says 2022-01-21
    assert stat(spider, "hadath/skipped/out_of_window") == 1


def test_only_a_publication_date_vouches_for_the_page():
    # A sitemap lastmod says "changed since", not "published in": the page's own date must still be checked
    # (otherwise whether a next-day article is stored depended on which source listed it first).
    from datetime import datetime

    from scrapers.discovery import Entry

    spider = make_spider(since="2022-01-21", until="2022-01-21")
    when = datetime.fromisoformat("2022-01-21T12:00:00+02:00")
    published = spider.consider(Entry(f"{REAL}/news/1001/a/", "feed", when, "published"), f"{REAL}/feed")
    lastmod = spider.consider(Entry(f"{REAL}/news/1002/b/", "sitemap", when, "lastmod"), f"{REAL}/sitemap.xml")
    assert published.meta["dated"] is True and lastmod.meta["dated"] is False


@pytest.mark.parametrize("exc, meta, key", [
    ("http404", {"source": "article"}, "hadath/errors/http_404"),
    ("http404", {"source": "listing", "page": 2}, "hadath/skipped/listing_end"),
    ("private", {"source": "article"}, "hadath/errors/blocked_private_address"),
    ("timeout", {"source": "feed"}, "hadath/errors/timeout"),
])
def test_errback_records_error_kinds(exc, meta, key):
    from scrapy.exceptions import DownloadTimeoutError

    spider = make_spider()
    request = Request(f"{REAL}/news/9/x/", meta=meta)
    value = {
        "http404": lambda: HttpError(HtmlResponse(request.url, status=404, request=request)),
        "private": lambda: Dropped("blocked_private_address"),
        "timeout": lambda: DownloadTimeoutError("took too long"),
    }[exc]()
    failure = Failure(value)
    failure.request = request
    spider.on_error(failure)
    assert stat(spider, key) == 1


def test_listing_links_resolve_against_base_href_and_query_permalinks():
    """Relative links under <base href> (Orient, Zaman al-Wasl) and /?p=<id> articles (Suwayda 24)."""
    spider = make_spider(outlet="plainwp")
    page_url = "https://plain-wp.example/archives/category/news/"  # a served copy whose <base> points elsewhere
    response = html(page_url, "listing_base_href.html", "", source="listing", page=1)
    urls = [r.url for r in spider.parse_listing(response)]
    assert urls == ["https://plain-wp.example/?p=21571", "https://plain-wp.example/?p=21570",
                    "https://plain-wp.example/?cat=%2A&paged=2"]
    assert stat(spider, "hadath/skipped/not_article_url") == 1  # ?cat=7


def test_page_date_falls_back_to_the_printed_arabic_date_of_the_date_selector():
    """An outlet without machine-readable dates (Zaman al-Wasl's model): the printed day, at local noon."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from scrapers import pages
    from scrapers.config import get_outlet

    zaman = get_outlet("zamanalwsl")
    page = ('<html><body><h1>خبر</h1><div class="article-date"><i></i> الخميس 13 كانون الثاني 2022 - 09:15</div>'
            '<p>نص</p></body></html>')
    response = HtmlResponse("https://www.zamanalwsl.net/news/article/147962/", body=page.encode(), encoding="utf-8")
    assert pages.page_date(response, zaman) == datetime(2022, 1, 13, 12, tzinfo=ZoneInfo("Asia/Damascus"))
    plain = HtmlResponse("https://www.zamanalwsl.net/news/article/1/", body=b"<html><body><h1>x</h1></body></html>")
    assert pages.page_date(plain, zaman) is None

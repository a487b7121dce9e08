"""Discovery that survives site changes (scrapers/fallback.py and the spider's fallback), on saved
responses: what a homepage and a robots.txt announce, the order candidates are tried in, and when
the fallback starts, goes on and stops."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from scrapers import fallback
from scrapers.blocks import Block
from scrapers.middlewares import Blocked
from tests.test_scrapers_spider import FIXTURES, REAL, make_spider, stat

HOME = f"""<html><head>
<link rel="alternate" type="application/rss+xml" title="Halab Today &raquo; Feed" href="/new-feed/">
<link rel="alternate" type="application/rss+xml" title="Halab Today &raquo; التعليقات" href="/comments/feed/">
<link rel="alternate" type="application/atom+xml" href="{REAL}/atom/">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/1">
<link rel="alternate" hreflang="en" href="https://en.halab-today.example/">
<link rel="stylesheet" type="text/css" href="/style.css">
</head><body></body></html>"""
ROBOTS = """User-agent: *
Disallow: /wp-admin/
Sitemap: https://halab-today.example/news-map.xml
sitemap:/relative-map.xml
Sitemap: https://halab-today.example/news-map.xml
"""


def test_announced_feeds_are_alternate_feed_links_without_comment_feeds():
    assert fallback.announced_feeds(HOME, f"{REAL}/") == [f"{REAL}/new-feed/", f"{REAL}/atom/"]
    assert fallback.announced_feeds("<html><head></head></html>", f"{REAL}/") == []


def test_real_sana_page_announces_its_feed_not_the_comments(shared_dir):
    html = (shared_dir / "data/real_sites/sana/article2.html").read_text(encoding="utf-8")
    assert fallback.announced_feeds(html, "https://sana.sy/locals/2280713/") == ["https://sana.sy/feed/"]


def test_real_2018_homepages_of_orient_and_syria_tv_announce_no_feed(shared_dir):
    # README: neither page has a <link rel="alternate" type="application/rss+xml"> (verified in the saved page)
    for name, url in (("orient-news.net", "https://www.orient-news.net/"), ("syria.tv", "https://www.syria.tv/")):
        html = (shared_dir / f"data/outlet_pages/{name}_homepage_2018.html").read_text(encoding="utf-8")
        assert fallback.announced_feeds(html, url) == []


def test_robots_sitemaps_in_order_without_repeats():
    assert fallback.robots_sitemaps(ROBOTS, f"{REAL}/robots.txt") == [
        f"{REAL}/news-map.xml", f"{REAL}/relative-map.xml"]
    assert fallback.robots_sitemaps("User-agent: *\nDisallow:\n", f"{REAL}/robots.txt") == []


@pytest.mark.parametrize("result, moved", [
    ("http_404", True), ("http_410", True), ("http_403", True), ("malformed_feed", True), ("empty", True),
    ("no_article_links", True), ("unsafe_xml", True),
    ("http_429", False), ("http_503", False), ("timeout", False), ("challenge", False), ("captcha", False),
])
def test_only_moved_sources_start_a_fallback(result, moved):
    assert fallback.moved(result) is moved


def test_rescue_tries_each_source_once_announced_first():
    rescue = fallback.Rescue("feed", tried={fallback.same_source(f"{REAL}/feed/")})
    rescue.add([fallback.Candidate(f"{REAL}/new-feed/", "homepage"), fallback.Candidate(f"{REAL}/feed", "well_known"),
                fallback.Candidate(f"{REAL}/rss.xml", "well_known"), fallback.Candidate(f"{REAL}/new-feed", "well_known")])
    assert [(c.url, c.origin) for c in iter(rescue.next, None)] == [
        (f"{REAL}/new-feed/", "homepage"), (f"{REAL}/rss.xml", "well_known")]


def test_rescue_found_keeps_only_the_other_robots_sitemaps():
    rescue = fallback.Rescue("sitemap")
    rescue.add([fallback.Candidate(f"{REAL}/a.xml", "robots"), fallback.Candidate(f"{REAL}/b.xml", "robots"),
                fallback.Candidate(f"{REAL}/sitemap.xml", "well_known")])
    assert rescue.next().url == f"{REAL}/a.xml"
    rescue.found("robots")
    assert [c.url for c in iter(rescue.next, None)] == [f"{REAL}/b.xml"]


def test_describe_says_what_was_used_and_what_failed():
    sources = [
        {"kind": "listing", "url": f"{REAL}/news/page/1/", "origin": "configured", "result": "ok", "links": 20,
         "used": True},
        {"kind": "feed", "url": f"{REAL}/feed.xml", "origin": "configured", "result": "http_404", "links": 0,
         "used": False},
        {"kind": "feed", "url": f"{REAL}/new-feed/", "origin": "homepage", "result": "ok", "links": 12, "used": True},
        {"kind": "sitemap", "url": f"{REAL}/sitemap.xml", "origin": "well_known", "result": "http_404", "links": 0,
         "used": False},
    ]
    assert fallback.describe(sources, REAL) == (
        "used feed /new-feed/ (homepage link, 12 links), listing /news/page/1/ (20 links); "
        "failed feed /feed.xml http_404; 1 fallback(s) tried in vain")


# ---------------------------------------------------------------------- the spider's fallback
def failure(url: str, exc: Exception, **meta) -> Failure:
    out = Failure(exc)
    out.request = Request(url, meta=meta)
    return out


def http_error(url: str, status: int, **meta) -> Failure:
    request = Request(url, meta=meta)
    return failure(url, HttpError(HtmlResponse(url, status=status, request=request)), **meta)


def test_configured_feed_404_starts_the_fallback_at_the_homepage():
    spider = make_spider()
    rescue = spider.on_error(http_error(f"{REAL}/feed.xml", 404, source="feed", origin="configured"))
    assert [(r.url, r.meta["rescue"], r.meta["dont_retry"]) for r in rescue] == [(f"{REAL}/", "feed", True)]
    assert stat(spider, "hadath/errors/http_404") == 1  # the configured feed's failure is an error
    # a second failure of a configured feed does not start another
    assert spider.on_error(http_error(f"{REAL}/other.xml", 404, source="feed", origin="configured")) == []


@pytest.mark.parametrize("exc", [
    lambda url: HttpError(HtmlResponse(url, status=503, request=Request(url))),
    lambda url: Blocked(Block("challenge", "Cloudflare")),
])
def test_sick_or_blocked_sites_start_no_fallback(exc):
    spider = make_spider()
    url = f"{REAL}/feed.xml"
    assert spider.on_error(failure(url, exc(url), source="feed", origin="configured")) == []
    assert spider.sources[0].result in ("http_503", "challenge")


def test_homepage_announcements_then_usual_paths_until_one_lists_articles(db_url):
    spider = make_spider()
    spider.on_error(http_error(f"{REAL}/feed.xml", 404, source="feed", origin="configured"))
    home = HtmlResponse(f"{REAL}/", body=HOME.encode(), request=Request(f"{REAL}/", meta={"rescue": "feed"}))
    first = spider.parse_rescue_page(home)
    assert [(r.url, r.meta["origin"], r.meta["fallback"]) for r in first] == [(f"{REAL}/new-feed/", "homepage", True)]
    # that feed is gone too (a guess's failure is no error): the next candidate
    second = spider.on_error(http_error(first[0].url, 404, **first[0].meta))
    assert [(r.url, r.meta["origin"]) for r in second] == [(f"{REAL}/atom/", "homepage")]
    third = spider.parse_feed(XmlResponse(second[0].url, body=b"<html><body>not a feed</body></html>",
                                          request=second[0]))
    assert [(r.url, r.meta["origin"]) for r in third] == [(f"{REAL}/feed/", "well_known")]
    assert stat(spider, "hadath/errors/http_404") == 1 and stat(spider, "hadath/errors/malformed_feed") == 0
    # /feed/ lists articles: they are requested and the fallback stops there
    found = spider.parse_feed(XmlResponse(third[0].url, body=(FIXTURES / "rss.xml").read_bytes(), request=third[0]))
    assert [r.meta["source"] for r in found] == ["article", "article"]
    assert [(s.url, s.origin, s.result, s.used) for s in spider.sources] == [
        (f"{REAL}/feed.xml", "configured", "http_404", False), (f"{REAL}/new-feed/", "homepage", "http_404", False),
        (f"{REAL}/atom/", "homepage", "empty", False), (f"{REAL}/feed/", "well_known", "ok", True)]
    assert spider.rescues["feed"].queue == []


def test_a_fallback_feed_without_article_links_is_not_used():
    spider = make_spider()
    spider.on_error(http_error(f"{REAL}/feed.xml", 404, source="feed", origin="configured"))
    first = spider.parse_rescue_page(HtmlResponse(f"{REAL}/", body=b"<html></html>", request=Request(
        f"{REAL}/", meta={"rescue": "feed"})))
    assert [(r.url, r.meta["origin"]) for r in first] == [(f"{REAL}/feed/", "well_known")]
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>t</title>'
            b"<link>https://halab-today.example/about/</link></item></channel></rss>")
    nxt = spider.parse_feed(XmlResponse(first[0].url, body=body, request=first[0]))
    assert (spider.sources[-1].result, spider.sources[-1].used) == ("no_article_links", False)
    assert [(r.url, r.meta["origin"]) for r in nxt] == [(f"{REAL}/rss.xml", "well_known")]


def test_robots_txt_sitemaps_are_all_taken_before_any_guess():
    spider = make_spider()
    rescue = spider.on_error(http_error(f"{REAL}/sitemap.xml", 404, source="sitemap", origin="configured"))
    assert [(r.url, r.meta["dont_obey_robotstxt"]) for r in rescue] == [(f"{REAL}/robots.txt", True)]
    robots = TextResponse(f"{REAL}/robots.txt", body=ROBOTS.encode(), request=rescue[0])
    first = spider.parse_rescue_page(robots)
    assert [(r.url, r.meta["origin"]) for r in first] == [(f"{REAL}/news-map.xml", "robots")]
    news = spider.parse_sitemap(XmlResponse(first[0].url, body=(FIXTURES / "news_sitemap.xml").read_bytes(),
                                            request=first[0]))
    follow = [r for r in news if r.meta["source"] == "sitemap"]
    assert [(r.url, r.meta["origin"]) for r in follow] == [(f"{REAL}/relative-map.xml", "robots")]
    assert spider.on_error(http_error(follow[0].url, 404, **follow[0].meta)) == []  # no guessing after a find

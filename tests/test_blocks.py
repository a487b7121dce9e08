"""Blocks are not articles (scrapers/blocks.py): what is recognised, what is not, and how the crawler
middleware and the crawl status treat a block.

Block pages: snapshot/blocks/ (served by the snapshot's blocked outlets) and tests/fixtures/blocks/
(written for these tests); the real Cloudflare challenge that syriahr.com served in 2018 and real
article and home pages come from ../shared (skipped when it is absent).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse

from etl.errors import HadathError
from scrapers import blocks
from scrapers.middlewares import Blocked, BlockMiddleware
from scrapers.stats import run_status
from tests.conftest import ROOT

SNAPSHOT_BLOCKS = ROOT / "snapshot" / "blocks"
FIXTURES = Path(__file__).parent / "fixtures" / "blocks"
REAL_CHALLENGE = "data/outlet_pages/syriahr.com_homepage_2018.html"
REAL_CONTENT = ("data/outlet_pages/orient-news.net_homepage_2018.html", "data/outlet_pages/syria.tv_homepage_2018.html",
                "data/real_sites/sana/article1.html", "data/real_sites/sana/article2.html",
                "data/real_sites/assabah/assabah.com.tn.article.html",
                "data/arabic_html/cnnarabic_2013-08-03_syria.clashes.html",
                "data/arabic_html/lbcgroup_2026-01-08_article.html")


def page(name: str) -> bytes:
    folder = SNAPSHOT_BLOCKS if (SNAPSHOT_BLOCKS / name).exists() else FIXTURES
    return (folder / name).read_bytes()


@pytest.mark.parametrize("status", [200, 403, 503])
def test_real_cloudflare_challenge_is_a_challenge(shared_dir, status):
    found = blocks.detect((shared_dir / REAL_CHALLENGE).read_bytes(), status)
    assert found == blocks.Block("challenge", f'Cloudflare "Just a moment...", HTTP {status}')


@pytest.mark.parametrize("path", REAL_CONTENT)
@pytest.mark.parametrize("status", [200, 403])
def test_real_pages_are_not_blocks(shared_dir, path, status):
    assert blocks.detect((shared_dir / path).read_bytes(), status) is None


@pytest.mark.parametrize("name, status, url, kind, detail", [
    ("challenge.html", 503, None, "challenge", 'Cloudflare "Just a moment...", HTTP 503'),
    ("cloudflare_managed.html", 403, None, "challenge", 'Cloudflare "Just a moment...", HTTP 403'),
    ("generic_challenge.html", 503, None, "challenge", 'anti-bot interstitial "Access check", HTTP 503'),
    ("captcha.html", 403, None, "captcha", 'reCAPTCHA "التحقق الأمني", HTTP 403'),
    ("datadome_captcha.html", 403, None, "captcha", 'DataDome "example.org", HTTP 403'),
    ("login.html", 200, "https://x.example/wp-login.php?redirect_to=%2F1%2F", "login_wall",
     "login page /wp-login.php, HTTP 200"),
    ("login.html", 200, "https://x.example/1/", "login_wall",
     'password form instead of content "تسجيل الدخول", HTTP 200'),
    ("consent.html", 200, None, "consent_wall", 'cookie/consent page instead of content "خصوصيتك", HTTP 200'),
])
def test_block_pages_are_recognised(name, status, url, kind, detail):
    assert blocks.detect(page(name), status, url=url) == blocks.Block(kind, detail)


@pytest.mark.parametrize("headers, status, url, kind", [
    ({"cf-mitigated": "challenge"}, 403, None, "challenge"),  # Cloudflare says so, whatever the body
    ({b"Cf-Mitigated": [b"challenge"]}, 503, None, "challenge"),  # Scrapy's header shape
    ({}, 401, None, "login_wall"),
    ({}, 200, "https://consent.example.com/?continue=https://x.example/1/", "consent_wall"),
])
def test_blocks_told_by_status_header_or_url(headers, status, url, kind):
    found = blocks.detect(b"<html><body>...</body></html>", status, headers, url)
    assert found is not None and found.kind == kind


@pytest.mark.parametrize("name, statuses", [
    ("article_with_widgets.html", (200, 403, 503)),  # captcha in the comment form, cookie banner, login popup
    ("listing_with_login_popup.html", (200,)),  # a listing page is not a wall because it hides a login form
    ("cloudflare_522.html", (502, 503, 522)),  # Cloudflare's origin-error page: an outage, not a block
])
def test_content_and_outages_are_not_blocks(name, statuses):
    for status in statuses:
        assert blocks.detect(page(name), status) is None, status


def test_plain_errors_and_feeds_are_not_blocks():
    assert blocks.detect(b"Service Unavailable", 503) is None
    assert blocks.detect(b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', 200) is None
    assert blocks.detect(b"", 403) is None


def test_raise_if_blocked_is_one_line_exit_1():
    with pytest.raises(blocks.BlockedPage) as caught:
        blocks.raise_if_blocked(page("challenge.html"), 200, where="challenge.html")
    assert isinstance(caught.value, HadathError) and caught.value.exit_code == 1
    assert str(caught.value) == 'challenge.html is blocked: challenge (Cloudflare "Just a moment...", HTTP 200)'
    assert caught.value.block.kind == "challenge"
    blocks.raise_if_blocked(page("article_with_widgets.html"))  # content: no error


# ---------------------------------------------------------------------- the crawler middleware
def respond(cls: type[Response], url: str, body: bytes, status: int = 200, **headers: str) -> Response:
    return cls(url, body=body, status=status, headers=headers, request=Request(url))


def test_middleware_raises_blocked_before_retries_and_parsing():
    mw = BlockMiddleware()
    url = "https://www.syriahr.com/feed/"
    response = respond(HtmlResponse, url, page("challenge.html"), 503, **{"Content-Type": "text/html"})
    with pytest.raises(Blocked) as caught:
        mw.process_response(Request(url), response)
    assert caught.value.kind == "challenge" and not caught.value.skip
    assert caught.value.block.detail == 'Cloudflare "Just a moment...", HTTP 503'


def test_middleware_passes_content_feeds_and_robots_txt():
    mw = BlockMiddleware()
    article = respond(HtmlResponse, "https://x.example/1/", page("article_with_widgets.html"))
    assert mw.process_response(Request(article.url), article) is article
    feed = respond(XmlResponse, "https://x.example/feed/", b'<?xml version="1.0"?><rss><channel/></rss>')
    assert mw.process_response(Request(feed.url), feed) is feed
    robots = respond(TextResponse, "https://x.example/robots.txt", page("challenge.html"), 503)
    assert mw.process_response(Request(robots.url), robots) is robots  # the robots middleware's business


# ---------------------------------------------------------------------- crawl status
@pytest.mark.parametrize("stats, status", [
    # every discovery source was a block
    ({"hadath/errors/challenge": 4}, "blocked"),
    # discovery worked, every article page that answered was a block
    ({"hadath/discovery_ok": 3, "hadath/errors/captcha": 7, "hadath/blocked_articles": 7}, "blocked"),
    # some articles got through: partial, with the block as an error kind
    ({"hadath/discovery_ok": 3, "hadath/errors/captcha": 2, "hadath/blocked_articles": 2,
      "item_scraped_count": 5}, "partial"),
    # a blocked feed, the sitemap fine, nothing new to fetch: partial, not blocked
    ({"hadath/discovery_ok": 1, "hadath/errors/challenge": 1}, "partial"),
    # no block, nothing discovered: failed as before
    ({"hadath/errors/http_404": 1}, "failed"),
    ({"hadath/discovery_ok": 1}, "ok"),
])
def test_run_status_blocked(stats, status):
    assert run_status(stats, "finished") == status


def test_run_status_aborted_crawl_is_failed_even_with_blocks():
    assert run_status({"hadath/errors/challenge": 1}, "shutdown") == "failed"

"""Blocks are not articles (scrapers/blocks.py): what is recognised, what is not, and how the crawler
middleware and the crawl status treat a block.

Block pages: snapshot/blocks/ (served by the snapshot's blocked outlets) and tests/fixtures/blocks/
(written for these tests); the real Cloudflare challenge that syriahr.com served in 2018 and real
article and home pages come from ../shared (skipped when it is absent).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.errors import HadathError
from scrapers import blocks
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

"""URL canonicalisation and mirror mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.config import get_outlet
from scrapers.urls import SiteMap, canonicalize, strip_tracking

TEST_OUTLETS = Path(__file__).parent / "fixtures" / "scrapers" / "outlets_test.yaml"


@pytest.fixture
def npa():
    return get_outlet("npa")


@pytest.mark.parametrize("url, expected", [
    ("https://npasyria.com/123456/", "https://npasyria.com/123456/"),
    ("HTTPS://NPASYRIA.COM/123456/?utm_source=rss&utm_medium=feed#comments", "https://npasyria.com/123456/"),
    ("http://www.npasyria.com/123456/", "https://npasyria.com/123456/"),  # any domain -> base host
    ("https://npasyria.com/123456/amp/", "https://npasyria.com/123456/"),  # AMP variant
    ("https://npasyria.com/123456/amp", "https://npasyria.com/123456/"),
    ("https://npasyria.com/123456/?fbclid=abc&gclid=x&id=7", "https://npasyria.com/123456/?id=7"),
    ("https://npasyria.com/123456/?mc_cid=1&utm_campaign=x", "https://npasyria.com/123456/"),
])
def test_canonicalize_npa(npa, url, expected):
    assert canonicalize(url, npa) == expected


def test_percent_encoding_is_normalised():
    enab = get_outlet("enab")
    raw = "https://www.enabbaladi.net/archives/2022/01/21/قصف-على-إدلب/"
    encoded = "https://enabbaladi.net/archives/2022/01/21/%d9%82%d8%b5%d9%81-%d8%b9%d9%84%d9%89-%d8%a5%d8%af%d9%84%d8%a8/"
    assert canonicalize(raw, enab) == canonicalize(encoded, enab)
    assert canonicalize(raw, enab).startswith("https://www.enabbaladi.net/archives/2022/01/21/%D9%82%D8%B5")


def test_trailing_slash_policy_add():
    halab = get_outlet("halab", TEST_OUTLETS)
    assert canonicalize("https://halab-today.example/news/1001/x", halab) == "https://halab-today.example/news/1001/x/"
    assert canonicalize("https://halab-today.example/feed.xml", halab) == "https://halab-today.example/feed.xml"
    assert canonicalize("https://halab-today.example/news/1001/x/amp", halab) == "https://halab-today.example/news/1001/x/"


def test_off_domain_urls_keep_their_host(npa):
    assert canonicalize("HTTP://Other.Example:80/a#b", npa) == "http://other.example/a"


def test_strip_tracking_keeps_order_of_real_params():
    assert strip_tracking("b=2&utm_source=x&a=1&_ga=3") == "b=2&a=1"


def test_mirror_mapping_round_trip(npa):
    site = SiteMap(npa, "http://127.0.0.1:8765/npa/")
    assert site.fetch_base == "http://127.0.0.1:8765/npa"
    assert site.to_real("http://127.0.0.1:8765/npa/123456/amp/") == "https://npasyria.com/123456/amp/"
    assert site.canonical("http://127.0.0.1:8765/npa/123456/amp/?utm_source=x") == "https://npasyria.com/123456/"
    assert site.to_fetch("https://www.npasyria.com/123456/") == "http://127.0.0.1:8765/npa/123456/"
    # the same article gets the same key whatever port the mirror runs on
    other = SiteMap(npa, "http://127.0.0.1:9999/npa")
    assert other.canonical("http://127.0.0.1:9999/npa/123456/") == site.canonical("http://127.0.0.1:8765/npa/123456/")


def test_offsite_checks(npa):
    mirror = SiteMap(npa, "http://127.0.0.1:8765/npa")
    assert mirror.is_allowed("http://127.0.0.1:8765/npa/123456/")
    assert not mirror.is_allowed("http://127.0.0.1:8765/orient/news/1")  # another outlet on the same port
    assert not mirror.is_allowed("https://npasyria.com/123456/")  # the live site while crawling a mirror
    live = SiteMap(npa)
    assert live.is_allowed("https://www.npasyria.com/123456/")
    assert not live.is_allowed("https://evil.example/npasyria.com/")
    assert not live.is_allowed("https://npasyria.com.evil.example/1/")
    assert not live.is_allowed("ftp://npasyria.com/1/")


def test_article_pattern_on_canonical_path(npa):
    site = SiteMap(npa)
    assert site.is_article("https://npasyria.com/123456/amp/?utm_source=x")
    assert not site.is_article("https://npasyria.com/news/page/2/")
    assert not site.is_article("https://other.example/123456/")
    syriatv = SiteMap(get_outlet("syriatv"))
    assert syriatv.is_article("https://www.syria.tv/some-article-slug")
    assert not syriatv.is_article("https://www.syria.tv/news")
    assert not syriatv.is_article("https://www.syria.tv/rss.xml")


def test_query_selected_articles_match_a_query_pattern():
    """WordPress plain permalinks (/?p=<id>): the pattern sees path?query when the URL has a query."""
    site = SiteMap(get_outlet("plainwp", TEST_OUTLETS))
    assert site.is_article("https://plain-wp.example/?p=21571")
    assert site.is_article("https://plain-wp.example/?p=21571&utm_source=rss#respond")  # tracking dropped first
    assert not site.is_article("https://plain-wp.example/?cat=%2A&paged=2")
    assert not site.is_article("https://plain-wp.example/?p=21571&replytocom=5")
    assert not site.is_article("https://plain-wp.example/")
    # a path pattern is not widened by a query: npa's /<id>/ still needs the query-free path to match
    npa = SiteMap(get_outlet("npa"))
    assert npa.is_article("https://npasyria.com/123456/?id=7")
    assert not npa.is_article("https://npasyria.com/?p=123456")

"""Downloader middlewares (private addresses, mirror prefix, retry backoff) and settings."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from scrapers import settings as scrapy_settings
from scrapers.middlewares import (
    BackoffRetryMiddleware,
    Dropped,
    PrefixOffsiteMiddleware,
    PrivateAddressMiddleware,
    is_private_ip,
)
from scrapers.spiders.outlet import OutletSpider

TEST_OUTLETS = str(Path(__file__).parent / "fixtures" / "scrapers" / "outlets_test.yaml")


def spider_for(mirror: str | None = None) -> OutletSpider:
    crawler = get_crawler(OutletSpider, {})
    spider = OutletSpider.from_crawler(crawler, outlet="halab", outlets_file=TEST_OUTLETS, mirror=mirror)
    crawler.spider = spider
    return spider


@pytest.mark.parametrize("ip, private", [
    ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.10", True), ("172.16.5.4", True),
    ("169.254.169.254", True), ("::1", True), ("fd00::1", True), ("0.0.0.0", True), ("224.0.0.1", True),
    ("8.8.8.8", False), ("2001:4860:4860::8888", False), ("not-an-ip", False),
])
def test_is_private_ip(ip, private):
    assert is_private_ip(ip) is private


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/x", "http://localhost/", "http://[::1]/",
                                 "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/feed/"])
def test_live_mode_blocks_private_addresses(url):
    spider = spider_for()
    mw = PrivateAddressMiddleware.from_crawler(spider.crawler)
    with pytest.raises(Dropped) as info:
        asyncio.run(mw.process_request(Request(url), spider))
    assert info.value.kind == "blocked_private_address" and not info.value.skip


def test_public_ip_passes_and_mirror_mode_allows_loopback():
    live = spider_for()
    mw = PrivateAddressMiddleware.from_crawler(live.crawler)
    assert asyncio.run(mw.process_request(Request("http://8.8.8.8/"), live)) is None
    mirror = spider_for("http://127.0.0.1:8000/halab")
    mw = PrivateAddressMiddleware.from_crawler(mirror.crawler)
    assert asyncio.run(mw.process_request(Request("http://127.0.0.1:8000/halab/feed.xml"), mirror)) is None


def test_prefix_offsite_middleware():
    spider = spider_for("http://127.0.0.1:8000/halab")
    mw = PrefixOffsiteMiddleware.from_crawler(spider.crawler)
    assert mw.process_request(Request("http://127.0.0.1:8000/halab/news/1/x/"), spider) is None
    assert mw.process_request(Request("http://127.0.0.1:8000/robots.txt"), spider) is None
    with pytest.raises(Dropped) as info:
        mw.process_request(Request("http://127.0.0.1:8000/orient/news/1"), spider)
    assert info.value.kind == "offsite" and info.value.skip


def test_retry_backoff_doubles_and_counts_retries():
    crawler = get_crawler(OutletSpider, {"HADATH_RETRY_BACKOFF_BASE": 0.01, "HADATH_RETRY_BACKOFF_MAX": 0.03,
                                         "RETRY_TIMES": 3})
    spider = OutletSpider.from_crawler(crawler, outlet="halab", outlets_file=TEST_OUTLETS)
    crawler.spider = spider
    mw = BackoffRetryMiddleware.from_crawler(crawler)
    assert [mw.delay_for(n) for n in (1, 2, 3, 4)] == [0.01, 0.02, 0.03, 0.03]
    request = Request("https://halab-today.example/news/1/x/")
    response = HtmlResponse(request.url, status=503, request=request)
    retry = asyncio.run(mw.process_response(request, response, spider))
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    assert crawler.stats.get_value("hadath/errors/http_503_retried") == 1
    exhausted = request.replace(meta={"retry_times": 3})
    assert asyncio.run(mw.process_response(exhausted, response, spider)) is response


def project_settings() -> Settings:
    return Settings({k: v for k, v in vars(scrapy_settings).items() if k.isupper()})


def test_outlet_politeness_applies_below_command_line_settings():
    settings = project_settings()
    crawler = Crawler(OutletSpider, settings)
    OutletSpider.from_crawler(crawler, outlet="halab", outlets_file=TEST_OUTLETS)
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 0.25
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    fast = project_settings()
    fast.set("DOWNLOAD_DELAY", 0, priority="cmdline")
    crawler = Crawler(OutletSpider, fast)
    OutletSpider.from_crawler(crawler, outlet="halab", outlets_file=TEST_OUTLETS)
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 0


def test_base_settings_are_polite_and_bounded(monkeypatch):
    s = scrapy_settings
    assert s.ROBOTSTXT_OBEY is True and s.AUTOTHROTTLE_ENABLED is True
    assert s.CONCURRENT_REQUESTS_PER_DOMAIN == 2 and s.DOWNLOAD_DELAY > 0
    assert s.DOWNLOAD_MAXSIZE == 5 * 1024 * 1024 and s.DOWNLOAD_WARNSIZE < s.DOWNLOAD_MAXSIZE
    assert s.RETRY_TIMES >= 2 and 500 in s.RETRY_HTTP_CODES
    assert s.HTTPCACHE_ENABLED is False and s.HTTPCACHE_DIR.endswith(".hadath/httpcache")
    assert s.USER_AGENT.startswith("HadathBot/") and "+https://" in s.USER_AGENT

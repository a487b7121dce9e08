"""etl.crawl: the Scrapy command line it builds, settings overrides, marker parsing, probes."""

from __future__ import annotations

import os
import subprocess
import sys

from etl import crawl
from etl.crawl import CrawlOptions, parse_marker, scrapy_command, scrapy_settings
from tests.conftest import ROOT


def test_fast_and_http_cache_overrides():
    assert scrapy_settings(CrawlOptions()) == {"LOG_LEVEL": "INFO"}
    fast = scrapy_settings(CrawlOptions(fast=True, http_cache=True))
    assert fast["DOWNLOAD_DELAY"] == "0" and fast["AUTOTHROTTLE_ENABLED"] == "False"
    assert fast["HTTPCACHE_ENABLED"] == "True"


def test_command_line_for_a_mirror():
    cmd = scrapy_command("orient", CrawlOptions("2022-01-20", "2022-01-22", "http://127.0.0.1:8765/", refresh=True))
    assert cmd[:5] == [sys.executable, "-m", "scrapy", "crawl", "outlet"]
    joined = " ".join(cmd)
    assert "-a outlet=orient" in joined and "-a mirror=http://127.0.0.1:8765/orient" in joined
    assert "-a since=2022-01-20" in joined and "-a until=2022-01-22" in joined and "-a refresh=1" in joined


def test_parse_marker():
    line = '12:00:01 INFO scrapers.stats: HADATH_PROGRESS {"pages": 3, "new": 1}\n'
    assert parse_marker(line) == ("HADATH_PROGRESS", {"pages": 3, "new": 1})
    assert parse_marker("2022 [scrapy] INFO: Spider opened") is None


def test_default_window():
    from datetime import date

    assert crawl.default_window(date(2022, 1, 22)) == ("2022-01-21", "2022-01-22")


def test_user_agent_from_environment():
    code = "from scrapers import settings; print(settings.USER_AGENT)"
    env = {**os.environ, "HADATH_USER_AGENT": "HadathBot/9 (+https://example.org/contact)"}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "HadathBot/9 (+https://example.org/contact)"

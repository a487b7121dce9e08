"""Scrapy settings for Hadath: production-safe defaults (polite, identifying, bounded).

Per-outlet politeness (outlets.yaml `politeness`) is applied by the spider at "spider" priority;
`hadath crawl --fast` / `--http-cache` override on the command line (`-s`, higher priority), see
etl/crawl.py::scrapy_settings. Development-only behaviour (HTTP cache) is off here.
"""

from __future__ import annotations

import os

from etl import settings as hadath_settings

BOT_NAME = "hadath"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

# Identify ourselves, with a contact URL (HADATH_USER_AGENT overrides).
DEFAULT_USER_AGENT = "HadathBot/0.1 (+https://github.com/hadath-project/hadath)"
USER_AGENT = os.environ.get(hadath_settings.ENV_USER_AGENT) or DEFAULT_USER_AGENT
ROBOTSTXT_OBEY = True

# Politeness: at most 2 requests in flight per domain, a delay, AutoThrottle on top.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Bounded work per page: time, size, retries (with exponential backoff, scrapers.middlewares).
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024  # an article page is < 1 MB; bigger is recorded as too_large
DOWNLOAD_WARNSIZE = 1 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
HADATH_RETRY_BACKOFF_BASE = 1.0  # seconds before the first retry; doubles every retry
HADATH_RETRY_BACKOFF_MAX = 30.0  # ceiling of one backoff delay
HADATH_PROGRESS_INTERVAL = 2.0  # seconds between HADATH_PROGRESS log lines
HADATH_BATCH_SIZE = 50  # articles per upsert batch

# Development only: `hadath crawl --http-cache` turns this on (never in production).
HTTPCACHE_ENABLED = False
HTTPCACHE_DIR = str(hadath_settings.state_dir() / "httpcache")
HTTPCACHE_EXPIRATION_SECS = 0

DOWNLOADER_MIDDLEWARES = {
    "scrapers.middlewares.PrivateAddressMiddleware": 40,  # before robots.txt fetches, too
    "scrapers.middlewares.PrefixOffsiteMiddleware": 45,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scrapers.middlewares.MirrorRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapers.middlewares.BackoffRetryMiddleware": 550,
    "scrapers.middlewares.BlockMiddleware": 560,  # sees responses after decompression (590), before retries
    "scrapers.middlewares.RedirectLoopMiddleware": 610,  # sees 3xx responses before RedirectMiddleware (600)
}
ITEM_PIPELINES = {
    "scrapers.pipelines.ArticleValidationPipeline": 100,
    "scrapers.pipelines.PostgresArticlePipeline": 300,
}
EXTENSIONS = {
    "scrapers.stats.CrawlRunRecorder": 100,
}

TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

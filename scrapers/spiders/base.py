"""The generic outlet spider: discovery strategies (feed, sitemap, listing) + article pages.

Everything outlet-specific comes from outlets.yaml (scrapers.config). Spider arguments (-a):
  outlet=<slug>            required
  since=, until=           window (dates or ISO datetimes; dates are outlet-local days, until inclusive)
  mirror=<url>             crawl a mirror served at this prefix (e.g. http://127.0.0.1:8765/orient)
  refresh=1                refetch and update articles already stored
  outlets_file=<path>      another outlets YAML (default: $HADATH_OUTLETS_FILE, else scrapers/outlets.yaml)
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from scrapers import pages, state
from scrapers.config import get_outlet
from scrapers.discovery import (
    Entry,
    MalformedXml,
    UnsafeXml,
    make_window,
    parse_feed,
    parse_listing,
    parse_sitemap,
)
from scrapers.items import ArticleItem
from scrapers.middlewares import Dropped
from scrapers.stats import DISCOVERY_OK_KEY, exception_kind, record_error, record_skip
from scrapers.urls import SiteMap, normalise_path

LOGGER = logging.getLogger(__name__)

TRUE_VALUES = ("1", "true", "yes", "on")
FEED_PRIORITY = 20  # feeds first: their metadata is the richest for the articles they list
SITEMAP_PRIORITY = 10
ARTICLE_PRIORITY = 0
# Scrapy's HttpCompressionMiddleware stops inflating at DOWNLOAD_MAXSIZE and raises IgnoreRequest
# naming that setting; it is an error (too_large), not a benign skip.
DECOMPRESSION_CAP = "DOWNLOAD_MAXSIZE"


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in TRUE_VALUES


class BaseOutletSpider(scrapy.Spider):
    name = "base"
    strategies: tuple[str, ...] = ("feed", "sitemap", "listing")

    def __init__(self, outlet: str = "", since: str | None = None, until: str | None = None,
                 mirror: str | None = None, refresh: str = "0", outlets_file: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.outlet = get_outlet(outlet, outlets_file)
        self.site = SiteMap(self.outlet, mirror or None)
        self.window = make_window(since, until, self.outlet.timezone)
        self.refresh = _flag(refresh)
        self.allowed_domains = [self._host(mirror)] if mirror else list(self.outlet.domains)
        self.known: set[str] = set()
        self.validators: dict[str, state.FeedValidators] = {}
        self.scheduled: set[str] = set()  # canonical URLs requested this run
        self.stored: set[str] = set()  # canonical URLs yielded this run
        self.entry_meta: dict[str, dict[str, Any]] = {}
        self.entry_dates: dict[str, datetime] = {}  # discovery dates inside the window (raw.articles month)
        self.counted: set[tuple[str, str]] = set()
        self.crawl_run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> BaseOutletSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        polite = spider.outlet.politeness  # outlet overrides, below command-line (-s) settings
        if crawler.settings.frozen:  # already applied (e.g. a test crawler)
            return spider
        crawler.settings.set("DOWNLOAD_DELAY", polite.download_delay, priority="spider")
        crawler.settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", polite.concurrent_requests_per_domain,
                             priority="spider")
        crawler.settings.set("AUTOTHROTTLE_ENABLED", polite.autothrottle, priority="spider")
        return spider

    @staticmethod
    def _host(url: str) -> str:
        return urlsplit(url).hostname or ""

    def run_info(self) -> dict[str, Any]:
        """What scrapers.stats writes into raw.crawl_runs when the run starts."""
        return {"outlet": self.outlet.slug, "window_start": self.window.since, "window_end": self.window.until,
                "base_url": self.site.local_prefix,
                "options": {"refresh": self.refresh, "spider": self.name, "strategies": list(self.strategies),
                            "download_delay": self.settings.getfloat("DOWNLOAD_DELAY"),
                            "autothrottle": self.settings.getbool("AUTOTHROTTLE_ENABLED"),
                            "http_cache": self.settings.getbool("HTTPCACHE_ENABLED")}}

    # ------------------------------------------------------------------ start
    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.known = set() if self.refresh else state.known_urls(self.outlet.slug)
        self.validators = {} if self.refresh else state.feed_validators(self.outlet.slug)
        for request in self.discovery_requests():
            yield request

    def discovery_requests(self) -> list[scrapy.Request]:
        out: list[scrapy.Request] = []
        if "feed" in self.strategies:
            out += [self.feed_request(path) for path in self.outlet.feeds]
        if "sitemap" in self.strategies:
            out += [self.sitemap_request(self.site.resolve(path)) for path in self.outlet.sitemaps]
        if "listing" in self.strategies and self.outlet.listing:
            out.append(self.listing_request(self.outlet.listing.first_page))
        return out

    def feed_request(self, path: str) -> scrapy.Request:
        url = self.site.resolve(path)
        real = self.site.to_real(url)
        headers = self.validators[real].headers() if real in self.validators else {}
        return scrapy.Request(url, callback=self.parse_feed, errback=self.on_error, headers=headers,
                              priority=FEED_PRIORITY, dont_filter=True,
                              meta={"source": "feed", "feed_url": real, "handle_httpstatus_list": [304]})

    def sitemap_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error,
                              priority=SITEMAP_PRIORITY, meta={"source": "sitemap"})

    def listing_request(self, page: int) -> scrapy.Request:
        listing = self.outlet.listing
        assert listing is not None
        url = self.site.resolve(listing.url.replace("{page}", str(page)))
        return scrapy.Request(url, callback=self.parse_listing, errback=self.on_error,
                              meta={"source": "listing", "page": page})

    # ------------------------------------------------------------------ bookkeeping
    def error(self, kind: str) -> None:
        record_error(self.crawler.stats, kind)

    def skip(self, reason: str, key: str) -> None:
        """Count a skip once per (reason, URL), however many sources list it."""
        if (reason, key) not in self.counted:
            self.counted.add((reason, key))
            record_skip(self.crawler.stats, reason)

    def discovered(self) -> None:
        self.crawler.stats.inc_value(DISCOVERY_OK_KEY)

    # ------------------------------------------------------------------ discovery
    def parse_feed(self, response: Response) -> list[scrapy.Request]:
        feed_url = response.meta.get("feed_url") or self.site.to_real(response.url)
        if response.status == 304:
            self.crawler.stats.inc_value("hadath/feeds_not_modified")
            self.discovered()
            state.save_feed_state(feed_url, self.outlet.slug, 304, state.FeedValidators(None, None))
            return []
        try:
            entries, malformed = parse_feed(response.body, self.outlet.timezone)
        except UnsafeXml:
            self.error("unsafe_xml")
            return []
        if malformed:
            self.error("malformed_feed")
        requests = self.consider_all(entries, response.url)
        if entries:
            self.discovered()
        self._save_validators(response, feed_url, entries)
        return requests

    def _save_validators(self, response: Response, feed_url: str, entries: list[Entry]) -> None:
        """Keep ETag/Last-Modified unless entries newer than the window were skipped (a later
        crawl must see them again)."""
        too_new = any(e.published and self.window.until and e.published >= self.window.until for e in entries)
        etag = None if too_new else (response.headers.get("ETag") or b"").decode("latin-1") or None
        modified = None if too_new else (response.headers.get("Last-Modified") or b"").decode("latin-1") or None
        state.save_feed_state(feed_url, self.outlet.slug, response.status, state.FeedValidators(etag, modified))

    def parse_sitemap(self, response: Response) -> list[scrapy.Request]:
        try:
            kind, entries = parse_sitemap(response.body, self.outlet.timezone)
        except UnsafeXml:
            self.error("unsafe_xml")
            return []
        except MalformedXml:
            self.error("malformed_sitemap")
            return []
        self.discovered()
        if kind == "urlset":
            return self.consider_all(entries, response.url)
        children = []
        for child in entries:
            url = self.site.to_fetch(self.site.resolve(child.url, response.url))
            if self.window.is_older(child.published):
                self.skip("sitemap_older_than_window", url)
            elif not self.site.is_allowed(url):
                self.skip("offsite", url)
            else:
                children.append(self.sitemap_request(url))
        return children

    def parse_listing(self, response: Response) -> list[scrapy.Request]:
        listing = self.outlet.listing
        assert listing is not None and isinstance(response, TextResponse)
        entries = parse_listing(response.text, listing.link_selector, self.outlet.timezone)
        articles = [e for e in entries if self.site.is_article(self.site.resolve(e.url, response.url))]
        self.discovered()
        requests = self.consider_all(entries, response.url)
        page = int(response.meta["page"])
        if self.listing_continues(articles, page):
            requests.append(self.listing_request(page + 1))
        return requests

    def listing_continues(self, articles: list[Entry], page: int) -> bool:
        """Next page while this one had articles, not all of them older than the window, within max_pages."""
        listing = self.outlet.listing
        assert listing is not None
        if not articles or page + 1 >= listing.first_page + listing.max_pages:
            return False
        dated = [e for e in articles if e.published]
        return not (dated and len(dated) == len(articles) and all(self.window.is_older(e.published) for e in dated))

    def consider_all(self, entries: list[Entry], page_url: str) -> list[scrapy.Request]:
        return [r for r in (self.consider(e, page_url) for e in entries) if r is not None]

    def consider(self, entry: Entry, page_url: str) -> scrapy.Request | None:
        """A request for an entry's article, or None (counted as a skip with its reason)."""
        canonical = self.site.canonical(self.site.resolve(entry.url, page_url))
        fetch_url = self.site.to_fetch(canonical)
        if not self.site.is_allowed(fetch_url):
            self.skip("offsite", canonical)
            return None
        if not self.site.is_article(canonical):
            self.skip("not_article_url", canonical)
            return None
        if not self.window.admits(entry):
            self.skip("out_of_window", canonical)
            return None
        self._merge_meta(canonical, entry)
        if canonical in self.known:
            self.skip("known", canonical)
            return None
        if canonical in self.scheduled:
            return None
        self.scheduled.add(canonical)
        return scrapy.Request(fetch_url, callback=self.parse_article, errback=self.on_error,
                              priority=ARTICLE_PRIORITY,
                              # "dated": a publication date vouched for it; a sitemap lastmod does not (the page's
                              # own date is checked then, whichever source listed the URL first)
                              meta={"source": "article", "canonical": canonical,
                                    "dated": entry.published is not None and entry.date_kind != "lastmod"})

    def _merge_meta(self, canonical: str, entry: Entry) -> None:
        """Feed metadata wins over sitemap/listing metadata, whichever arrived first."""
        current = self.entry_meta.setdefault(canonical, {})
        if entry.published is not None and entry.date_kind != "lastmod" and self.window.contains(entry.published):
            self.entry_dates.setdefault(canonical, entry.published)
        if entry.source == "feed":
            current.update(entry.meta)
        else:
            for key, value in entry.meta.items():
                current.setdefault(key, value)

    # ------------------------------------------------------------------ articles
    def parse_article(self, response: Response) -> Any:
        requested = response.meta["canonical"]
        if not isinstance(response, TextResponse) or not pages.is_html(response):
            self.skip("not_article", requested)
            return None
        key = self.article_key(response, requested)
        if key is None:
            return None
        if isinstance(key, scrapy.Request):
            return key
        if not pages.looks_like_article(response, self.outlet):
            self.skip("not_article", key)
            return None
        if not response.meta.get("dated"):
            when = pages.page_date(response, self.outlet)
            if when is not None and not self.window.contains(when):
                self.skip("out_of_window", key)
                return None
        self.stored.add(key)
        return self.article_item(response, key)

    def article_key(self, response: TextResponse, requested: str) -> str | scrapy.Request | None:
        """The canonical URL to store under: rel=canonical, else the final URL after redirects.
        An AMP page whose canonical differs is not stored: its canonical page is requested instead."""
        final = self.site.canonical(response.url)
        linked = pages.rel_canonical(response)
        key = final
        if linked:
            candidate = self.site.canonical(linked)
            if self.site.is_article(candidate):
                key = candidate
        if pages.is_amp(response) and normalise_path(urlsplit(self.site.to_real(response.url)).path) != \
                urlsplit(key).path:
            return self._request_canonical(key, response)
        if key != requested and (key in self.stored or (key in self.known and not self.refresh)):
            self.skip("known" if key in self.known else "duplicate", key)
            return None
        if key != requested:
            self.entry_meta.setdefault(key, {}).update(self.entry_meta.get(requested, {}))
        return key

    def _request_canonical(self, key: str, response: TextResponse) -> scrapy.Request | None:
        if key in self.scheduled or key in self.stored or (key in self.known and not self.refresh):
            self.skip("duplicate", key)
            return None
        self.scheduled.add(key)
        self.entry_meta.setdefault(key, {}).update(self.entry_meta.get(response.meta["canonical"], {}))
        return scrapy.Request(self.site.to_fetch(key), callback=self.parse_article, errback=self.on_error,
                              meta={"source": "article", "canonical": key, "dated": response.meta.get("dated")})

    def article_item(self, response: TextResponse, key: str) -> ArticleItem:
        meta = dict(self.entry_meta.get(key) or self.entry_meta.get(response.meta["canonical"], {}))
        # The month it is filed under: discovery date, else the window's start, else the fetch time.
        filed_at = self.entry_dates.get(key) or self.entry_dates.get(response.meta["canonical"]) or self.window.since
        return ArticleItem(
            outlet=self.outlet.slug, canonical_url=key, url=response.url, fetched_at=datetime.now(UTC),
            http_status=response.status, headers=pages.headers_dict(response), body=response.body,
            encoding=pages.declared_charset(response), feed_meta=meta, crawl_run_id=self.crawl_run_id,
            filed_at=filed_at)

    # ------------------------------------------------------------------ errors
    def on_error(self, failure: Failure) -> None:
        request = failure.request
        source = request.meta.get("source", "article")
        exc = failure.value
        if isinstance(exc, Dropped):
            if exc.skip:
                self.skip(exc.kind, request.url)
            else:
                self.error(exc.kind)
            return
        if isinstance(exc, HttpError):
            status = exc.response.status
            if source == "listing" and status == 404 and request.meta.get("page") != self._first_page():
                self.skip("listing_end", request.url)  # paging past the last page is not an error
                return
            self.error(f"http_{status}")
            return
        if failure.check(IgnoreRequest):
            if DECOMPRESSION_CAP in str(exc):  # a gzip/deflate/br body inflating past the cap: a bomb
                self.error("too_large")
            else:
                self.skip("robots_txt" if "robots" in str(exc).lower() else "ignored", request.url)
            return
        self.error(exception_kind(exc))
        LOGGER.info("%s failed (%s): %s", request.url, exception_kind(exc), exc)

    def _first_page(self) -> int | None:
        return self.outlet.listing.first_page if self.outlet.listing else None

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

from scrapers import fallback, pages, state
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
from scrapers.middlewares import Blocked, Dropped
from scrapers.stats import BLOCKED_ARTICLES_KEY, DISCOVERY_OK_KEY, exception_kind, record_error, record_skip
from scrapers.urls import SiteMap, normalise_path

LOGGER = logging.getLogger(__name__)

TRUE_VALUES = ("1", "true", "yes", "on")
FEED_PRIORITY = 20  # feeds first: their metadata is the richest for the articles they list
SITEMAP_PRIORITY = 10
RESCUE_PRIORITY = 15  # a fallback's homepage / robots.txt / candidate: before the articles already queued
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
        self.sources: list[fallback.Source] = []  # top-level discovery sources tried (crawl summary)
        self.rescues: dict[str, fallback.Rescue] = {}  # feed / sitemap fallbacks started this crawl
        self.block_details: dict[str, str] = {}  # block kind -> first description seen

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

    def feed_request(self, path: str, origin: str = "configured") -> scrapy.Request:
        url = self.site.resolve(path)
        real = self.site.to_real(url)
        headers = self.validators[real].headers() if real in self.validators else {}
        return scrapy.Request(url, callback=self.parse_feed, errback=self.on_error, headers=headers,
                              priority=FEED_PRIORITY, dont_filter=True,
                              meta={"source": "feed", "feed_url": real, "handle_httpstatus_list": [304],
                                    "origin": origin})

    def sitemap_request(self, url: str, origin: str = "configured") -> scrapy.Request:
        """A sitemap: configured, a fallback (origin robots / well_known) or the child of an index (child)."""
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error,
                              priority=SITEMAP_PRIORITY, dont_filter=origin != "child",
                              meta={"source": "sitemap", "origin": origin})

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
            return self.source_worked(response.meta, feed_url, 0, "not_modified")
        try:
            entries, malformed = parse_feed(response.body, self.outlet.timezone)
        except UnsafeXml:
            return self.parse_failed(response.meta, feed_url, "unsafe_xml")
        articles = self.article_entries(entries, response.url)
        if not entries or (is_fallback(response.meta) and not articles):
            result = "malformed_feed" if malformed else "empty" if not entries else "no_article_links"
            return self.parse_failed(response.meta, feed_url, result)
        if malformed:
            self.error("malformed_feed")
        requests = self.consider_all(entries, response.url)
        self.discovered()
        self._save_validators(response, feed_url, entries)
        return requests + self.source_worked(response.meta, feed_url, len(entries))

    def article_entries(self, entries: list[Entry], page_url: str) -> list[Entry]:
        return [e for e in entries if self.site.is_article(self.site.resolve(e.url, page_url))]

    def _save_validators(self, response: Response, feed_url: str, entries: list[Entry]) -> None:
        """Keep ETag/Last-Modified unless entries newer than the window were skipped (a later
        crawl must see them again)."""
        too_new = any(e.published and self.window.until and e.published >= self.window.until for e in entries)
        etag = None if too_new else (response.headers.get("ETag") or b"").decode("latin-1") or None
        modified = None if too_new else (response.headers.get("Last-Modified") or b"").decode("latin-1") or None
        state.save_feed_state(feed_url, self.outlet.slug, response.status, state.FeedValidators(etag, modified))

    def parse_sitemap(self, response: Response) -> list[scrapy.Request]:
        real = self.site.to_real(response.url)
        try:
            kind, entries = parse_sitemap(response.body, self.outlet.timezone)
        except UnsafeXml:
            return self.parse_failed(response.meta, real, "unsafe_xml")
        except MalformedXml:
            return self.parse_failed(response.meta, real, "malformed_sitemap")
        if is_fallback(response.meta) and not (entries if kind == "index" else
                                               self.article_entries(entries, response.url)):
            return self.parse_failed(response.meta, real, "empty" if not entries else "no_article_links")
        self.discovered()
        requests = self.consider_all(entries, response.url) if kind == "urlset" else \
            self.child_sitemaps(entries, response.url)
        return requests + self.source_worked(response.meta, real, len(entries))

    def child_sitemaps(self, entries: list[Entry], index_url: str) -> list[scrapy.Request]:
        children = []
        for child in entries:
            url = self.site.to_fetch(self.site.resolve(child.url, index_url))
            if self.window.is_older(child.published):
                self.skip("sitemap_older_than_window", url)
            elif not self.site.is_allowed(url):
                self.skip("offsite", url)
            else:
                children.append(self.sitemap_request(url, origin="child"))
        return children

    def parse_listing(self, response: Response) -> list[scrapy.Request]:
        listing = self.outlet.listing
        assert listing is not None and isinstance(response, TextResponse)
        entries = parse_listing(response.text, listing.link_selector, self.outlet.timezone)
        articles = self.article_entries(entries, response.url)
        self.discovered()
        requests = self.consider_all(entries, response.url)
        page = int(response.meta["page"])
        if page == listing.first_page:
            self.note(response.meta, self.site.to_real(response.url), "ok", len(entries), used=bool(entries))
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

    # ------------------------------------------------------------------ discovery sources and fallbacks
    def note(self, meta: dict[str, Any], url: str, result: str, links: int = 0, used: bool = False) -> None:
        """Remember a top-level discovery source for the crawl summary (children of an index are not)."""
        origin = meta.get("origin", "configured")
        if origin != "child":
            self.sources.append(fallback.Source(meta["source"], url, origin, result, links, used))

    def source_worked(self, meta: dict[str, Any], url: str, links: int, result: str = "ok") -> list[scrapy.Request]:
        self.note(meta, url, result, links, used=True)
        kind, origin = meta["source"], meta.get("origin", "configured")
        if is_fallback(meta):
            self.rescues[kind].found(origin)
            return self.next_candidate(kind)
        return []

    def parse_failed(self, meta: dict[str, Any], url: str, result: str) -> list[scrapy.Request]:
        """A feed or sitemap that answered but gave nothing: an error for a configured source (or an
        index's child) unless it was only empty; a fallback guess's failure is no error."""
        if not is_fallback(meta) and result not in ("empty", "no_article_links"):
            self.error(result)
        return self.discovery_failed(meta, url, result)

    def discovery_failed(self, meta: dict[str, Any], url: str, result: str) -> list[scrapy.Request]:
        """A feed or sitemap that gave nothing (already counted): noted; then the fallback starts or goes on."""
        origin = meta.get("origin", "configured")
        self.note(meta, url, result)
        if origin == "configured" and meta["source"] in ("feed", "sitemap"):
            return self.start_rescue(meta["source"], result)
        if is_fallback(meta):
            if not fallback.moved(result):
                self.rescues[meta["source"]].stop()
            return self.next_candidate(meta["source"])
        return []

    def start_rescue(self, kind: str, result: str) -> list[scrapy.Request]:
        """First failure of a configured feed (sitemap): fetch the homepage (robots.txt) for what it announces."""
        if not fallback.moved(result) or kind in self.rescues:
            return []
        configured = self.outlet.feeds if kind == "feed" else self.outlet.sitemaps
        rescue = self.rescues[kind] = fallback.Rescue(kind)
        rescue.tried = {fallback.same_source(self.site.to_fetch(self.site.resolve(p))) for p in configured}
        page = "/" if kind == "feed" else "/robots.txt"
        LOGGER.info("%s: a configured %s failed (%s); looking for others", self.outlet.slug, kind, result)
        return [scrapy.Request(self.site.resolve(page), callback=self.parse_rescue_page, errback=self.on_rescue_error,
                               priority=RESCUE_PRIORITY, dont_filter=True,
                               meta={"source": "rescue", "rescue": kind, "dont_obey_robotstxt": kind == "sitemap",
                                     "dont_retry": True})]

    def parse_rescue_page(self, response: Response) -> list[scrapy.Request]:
        kind = response.meta["rescue"]
        text = response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        if kind == "feed":
            found, origin = fallback.announced_feeds(text, response.url), "homepage"
        else:
            found, origin = fallback.robots_sitemaps(text, response.url), "robots"
        self.queue_candidates(kind, [(url, origin) for url in found])
        return self.next_candidate(kind)

    def on_rescue_error(self, failure: Failure) -> list[scrapy.Request]:
        """The homepage / robots.txt could not be read: guess the usual paths when it is only missing;
        a block, a server error or a timeout ends the fallback."""
        kind = failure.request.meta["rescue"]
        result, _ = self.classify(failure)
        if isinstance(failure.value, Blocked):
            self.note_block(failure.value, failure.request)
        if not fallback.moved(result):
            origin = "homepage" if kind == "feed" else "robots"
            self.note({"source": kind, "origin": origin}, self.site.to_real(first_url(failure.request)), result)
            return []
        self.queue_candidates(kind, [])
        return self.next_candidate(kind)

    def queue_candidates(self, kind: str, announced: list[tuple[str, str]]) -> None:
        """Announced URLs first, then the usual paths; only URLs of this outlet's site."""
        guesses = [(self.site.resolve(path), "well_known") for path in fallback.well_known(kind)]
        candidates = [fallback.Candidate(self.site.to_fetch(url), origin) for url, origin in announced + guesses]
        self.rescues[kind].add(c for c in candidates if self.site.is_allowed(c.url))

    def next_candidate(self, kind: str) -> list[scrapy.Request]:
        cand = self.rescues[kind].next()
        if cand is None:
            return []
        if kind == "feed":
            request = self.feed_request(cand.url, origin=cand.origin)
        else:
            request = self.sitemap_request(cand.url, origin=cand.origin)
        return [request.replace(priority=RESCUE_PRIORITY, meta={**request.meta, "fallback": True, "dont_retry": True})]

    def note_block(self, blocked: Blocked, request: scrapy.Request) -> None:
        if blocked.kind not in self.block_details:
            self.block_details[blocked.kind] = blocked.block.detail
            LOGGER.warning("%s: %s is blocked: %s", self.outlet.slug, request.url, blocked.block.describe())

    def discovery_report(self) -> list[dict[str, Any]]:
        return [source.as_dict() for source in self.sources]

    # ------------------------------------------------------------------ errors
    def on_error(self, failure: Failure) -> list[scrapy.Request]:
        request = failure.request
        source = request.meta.get("source", "article")
        kind = self.failure_kind(failure)
        url = self.site.to_real(first_url(request))
        if source in ("feed", "sitemap"):
            return self.discovery_failed(request.meta, url, kind)
        if source == "listing" and request.meta.get("page") == self._first_page():
            self.note(request.meta, url, kind)
        return []

    def failure_kind(self, failure: Failure) -> str:
        """Record a failed request once (error kind or skip reason; a fallback guess's failure is only
        noted, see discovery_failed) and return its kind."""
        request, exc = failure.request, failure.value
        kind, is_skip = self.classify(failure)
        if isinstance(exc, Blocked):
            self.note_block(exc, request)
        if is_fallback(request.meta):
            return kind
        if is_skip:
            self.skip(kind, request.url)
        else:
            self.error(kind)
        if isinstance(exc, Blocked) and request.meta.get("source", "article") == "article":
            self.crawler.stats.inc_value(BLOCKED_ARTICLES_KEY)
        return kind

    def classify(self, failure: Failure) -> tuple[str, bool]:
        """(error kind or skip reason, whether it is a skip) of a failed request."""
        request, exc = failure.request, failure.value
        if isinstance(exc, Dropped):  # Blocked included: its kind is the block's
            return exc.kind, exc.skip
        if isinstance(exc, HttpError):
            status = exc.response.status
            if request.meta.get("source") == "listing" and status == 404 and \
                    request.meta.get("page") != self._first_page():
                return "listing_end", True  # paging past the last page is not an error
            return f"http_{status}", False
        if failure.check(IgnoreRequest):
            if DECOMPRESSION_CAP in str(exc):  # a gzip/deflate/br body inflating past the cap: a bomb
                return "too_large", False
            return ("robots_txt" if "robots" in str(exc).lower() else "ignored"), True
        LOGGER.info("%s failed (%s): %s", request.url, exception_kind(exc), exc)
        return exception_kind(exc), False

    def _first_page(self) -> int | None:
        return self.outlet.listing.first_page if self.outlet.listing else None


def first_url(request: scrapy.Request) -> str:
    """The URL first asked for, before any redirect."""
    return (request.meta.get("redirect_urls") or [request.url])[0]


def is_fallback(meta: dict[str, Any]) -> bool:
    """A request for a fallback candidate (its failures are noted, not errors)."""
    return bool(meta.get("fallback"))

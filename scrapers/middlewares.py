"""Downloader middlewares: private-address guard, mirror-prefix offsite check, retry with backoff,
redirect loops, blocks (anti-bot challenges, captcha, login and consent walls).

Every refusal raises `Dropped` (an IgnoreRequest) carrying an error kind or a skip reason; the
spider's errback records it (scrapers.stats), so each request is counted exactly once.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from w3lib.url import canonicalize_url, safe_url_string

from scrapers import blocks
from scrapers.stats import exception_kind, record_error

LOGGER = logging.getLogger(__name__)

ROBOTS_PATH = "/robots.txt"  # fetched at the host root, outside a mirror's /<slug>/ prefix
REDIRECT_STATUSES = (301, 302, 303, 307, 308)  # the ones Scrapy's RedirectMiddleware follows


class Dropped(IgnoreRequest):
    """A request refused on purpose: `kind` is an error kind or, if `skip`, a skip reason."""

    def __init__(self, kind: str, skip: bool = False) -> None:
        super().__init__(kind)
        self.kind = kind
        self.skip = skip


class Blocked(Dropped):
    """The response was a block (scrapers.blocks): its kind is the error kind."""

    def __init__(self, block: blocks.Block) -> None:
        super().__init__(block.kind)
        self.block = block


def is_private_ip(value: str) -> bool:
    try:
        addr = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return False
    return not addr.is_global or addr.is_multicast


async def resolve(host: str) -> list[str]:
    """IP addresses of `host` (an IP literal resolves to itself); [] when DNS fails."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [info[4][0] for info in infos]


class PrivateAddressMiddleware:
    """Live mode only: never request loopback/private/link-local/reserved addresses (SSRF guard)."""

    def __init__(self) -> None:
        self.cache: dict[str, bool] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressMiddleware:
        mw = cls()
        mw.crawler = crawler
        return mw

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        if getattr(getattr(spider, "site", None), "local_prefix", None):
            return None  # crawling a mirror on purpose (--base-url)
        host = _host(request.url)
        if host not in self.cache:
            self.cache[host] = await self.blocked(host)
        if self.cache[host]:
            raise Dropped("blocked_private_address")
        return None

    async def blocked(self, host: str) -> bool:
        if not host or host == "localhost" or host.endswith(".localhost"):
            return True
        if is_private_ip(host):
            return True
        addresses = [host] if _is_ip(host) else await resolve(host)
        return any(is_private_ip(a) for a in addresses)


class PrefixOffsiteMiddleware:
    """Only the outlet's own site: its domains (live) or the local /<slug>/ prefix (mirror)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrefixOffsiteMiddleware:
        mw = cls()
        mw.crawler = crawler
        return mw

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        site = getattr(spider or self.crawler.spider, "site", None)
        if site is None or site.is_allowed(request.url) or _is_robots(request):
            return None
        raise Dropped("offsite", skip=True)


class MirrorRobotsTxtMiddleware(RobotsTxtMiddleware):
    """robots.txt of a mirrored outlet lives at <prefix>/robots.txt and speaks of real-site paths."""

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        site = getattr(self.crawler.spider, "site", None)
        prefix = getattr(site, "local_prefix", None)
        if not prefix or request.meta.get("dont_obey_robotstxt") or not request.url.startswith(prefix + "/"):
            return await super().process_request(request)
        parser = await self.prefix_parser(prefix)
        self.process_request_2(parser, request.replace(url=site.to_real(request.url)))
        return None

    async def prefix_parser(self, prefix: str) -> Any:
        if prefix not in self._parsers:
            self._parsers[prefix] = Deferred()
            robots = Request(prefix + ROBOTS_PATH, priority=self.DOWNLOAD_PRIORITY,
                             meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
            try:
                response = await self.crawler.engine.download_async(robots)
                await self._parse_robots(response, prefix, robots)
            except Exception as err:  # as Scrapy does: no robots.txt -> no restriction
                self._robots_error(err, prefix)
        parser = self._parsers[prefix]
        return await maybe_deferred_to_future(parser) if isinstance(parser, Deferred) else parser


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, plus an exponential delay before each retry and a `<kind>_retried` count."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("HADATH_RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("HADATH_RETRY_BACKOFF_MAX", 30.0)

    async def process_response(self, request: Request, response: Response,
                               spider: Spider | None = None) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._backoff(result, f"http_{response.status}")
        return result

    async def process_exception(self, request: Request, exception: Exception,
                                spider: Spider | None = None) -> Any:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._backoff(result, exception_kind(exception))
        return result

    def delay_for(self, retry_times: int) -> float:
        return min(self.backoff_base * (2 ** max(retry_times - 1, 0)), self.backoff_max)

    async def _backoff(self, retry: Request, kind: str) -> None:
        record_error(self.crawler.stats, f"{kind}_retried")
        delay = self.delay_for(retry.meta.get("retry_times", 1))
        if delay > 0:
            await asyncio.sleep(delay)


class RedirectLoopMiddleware:
    """Runs before Scrapy's RedirectMiddleware: a redirect back into its own chain is `redirect_loop`
    and one past REDIRECT_MAX_TIMES is `too_many_redirects` (Scrapy would drop the first silently
    as a duplicate request, and the second as an unexplained IgnoreRequest)."""

    def __init__(self, max_times: int) -> None:
        self.max_times = max_times

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectLoopMiddleware:
        return cls(crawler.settings.getint("REDIRECT_MAX_TIMES"))

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        location = response.headers.get("Location")
        if response.status not in REDIRECT_STATUSES or not location or _not_followed(request, response):
            return response
        target = canonicalize_url(urljoin(request.url, safe_url_string(location)))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in {canonicalize_url(url) for url in chain}:
            raise Dropped("redirect_loop")
        if request.meta.get("redirect_times", 0) >= self.max_times:
            raise Dropped("too_many_redirects")
        return response


class BlockMiddleware:
    """Runs before the retry middleware: a block is never retried, stored or parsed (feed, sitemap,
    listing or article); the request's errback gets `Blocked`. robots.txt is left to the robots
    middleware (a blocked robots.txt means no rules, as any unreadable one)."""

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if urlsplit(request.url).path.endswith(ROBOTS_PATH):  # at the root, or under a mirror's /<slug>/
            return response
        found = blocks.detect(response.body, response.status, response.headers, response.url)
        if found is not None:
            raise Blocked(found)
        return response


def _not_followed(request: Request, response: Response) -> bool:
    """The redirect is handed to the callback, as RedirectMiddleware decides."""
    meta = request.meta
    return bool(meta.get("dont_redirect") or meta.get("handle_httpstatus_all")
                or response.status in meta.get("handle_httpstatus_list", ()))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _is_robots(request: Request) -> bool:
    return urlsplit(request.url).path == ROBOTS_PATH

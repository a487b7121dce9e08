"""Blocks are not articles: anti-bot challenges, captcha pages, login walls and consent walls.

`detect(body, status, headers, url)` looks at one HTTP response and returns a `Block` (its kind and a
one-line description) or None. Pure function over bytes, used by the crawler's `BlockMiddleware`
(scrapers/middlewares.py: a block is never stored as an article nor parsed as a feed, sitemap or
listing), by `hadath outlets check`, and by page-level tools through `raise_if_blocked`.

Kinds (also the crawl's error kinds, see BLOCK_KINDS):
  challenge     an anti-bot interstitial or firewall page: Cloudflare "Just a moment..." (IUAM / managed
                challenge, `cf-mitigated: challenge`), "Attention Required!", DDoS-Guard, Sucuri, Imperva,
                Akamai; or any small page behind 403/429/503 asking for JavaScript/cookies/a browser check
  captcha       a page whose purpose is a captcha (reCAPTCHA, hCaptcha, Turnstile, DataDome, PerimeterX)
  login_wall    HTTP 401, a redirect to a login page, or a small page whose purpose is a password form
  consent_wall  a cookie/consent page standing in for the content (consent.<host>, small CMP pages)

False positives cost articles, so the weak signals (a captcha widget, a password field, a cookie
notice) count only on a page that is not an article (no og:type article, no article:published_time,
no NewsArticle JSON-LD) and carries little visible text. A real article with a comment form captcha
or a cookie banner is not a block.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from etl.errors import HadathError

LOGGER = logging.getLogger(__name__)

BLOCK_KINDS = ("challenge", "captcha", "login_wall", "consent_wall")
SNIFF_BYTES = 128 * 1024  # markers sit in <head> and the first screen; big article pages are not re-read
HTML_SNIFF_BYTES = 4096  # where an HTML document shows itself (feeds, sitemaps and robots.txt never do)
HTML_MARKERS = (b"<html", b"<!doctype html", b"<head", b"<body")
THIN_TEXT_CHARS = 1500  # a wall's visible text is short (Cloudflare's page: ~350 chars); articles run longer
THIN_MAX_LINKS = 20  # a wall links to little (a listing page or a site's chrome links to much more)
CHALLENGE_STATUSES = (403, 429, 503)  # where anti-bot services answer with their interstitial
TITLE_RE = re.compile(rb"<title[^>]*>(.*?)</title", re.I | re.S)
HIDDEN_RE = re.compile(rb"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", re.I | re.S)
TAG_RE = re.compile(rb"<[^>]+>")
LINK_RE = re.compile(rb"<a\s[^>]*href", re.I)
SPACE_RE = re.compile(rb"\s+")
PASSWORD_RE = re.compile(rb"<input\b[^>]*type\s*=\s*[\"']?password")  # run on the lower-cased head
ARTICLE_MARKERS = (b'property="og:type" content="article"', b"property='og:type' content='article'",
                   b"article:published_time", b'"newsarticle"', b'"reportagenews"')
LOGIN_PATH_RE = re.compile(r"/(wp-login\.php|log-?in|sign-?in|user/login|account/login|auth/login|session/new)"
                           r"(/|$)", re.I)
CONSENT_HOST_RE = re.compile(r"^consent\.", re.I)

# (vendor, markers): one marker in the lower-cased head of the body names that vendor's interstitial.
# Not Cloudflare's `cf-error-details`: its origin-error pages (502, 503, 522...) carry it too.
VENDOR_CHALLENGES: tuple[tuple[str, tuple[bytes, ...]], ...] = (
    ("Cloudflare", (b"cf-browser-verification", b"/cdn-cgi/l/chk_jschl", b"/cdn-cgi/challenge-platform/",
                    b"cf_chl_opt", b"cf-challenge-running", b"attention required! | cloudflare",
                    b"sorry, you have been blocked")),
    ("DDoS-Guard", (b"ddos-guard", b"check.ddos-guard.net")),
    ("Sucuri", (b"sucuri website firewall", b"cloudproxy.sucuri.net")),
    ("Imperva", (b"_incapsula_resource", b"incapsula incident id")),
    ("Akamai", (b"errors.edgesuite.net", b"akamai reference")),
)
# Interstitial wording of any service, counted only behind CHALLENGE_STATUSES or on a thin page.
CHALLENGE_PHRASES = (b"just a moment...", "just a moment\u2026".encode(), b"checking your browser",
                     b"verify you are human", b"verifying you are human", b"enable javascript and cookies",
                     b"please turn javascript on", b"ddos protection by", b"are you a robot",
                     "تحقق من أنك إنسان".encode())
CAPTCHA_WIDGETS = {b"g-recaptcha": "reCAPTCHA", b"google.com/recaptcha/": "reCAPTCHA", b"hcaptcha.com": "hCaptcha",
                   b"h-captcha": "hCaptcha", b"cf-turnstile": "Cloudflare Turnstile",
                   b"challenges.cloudflare.com/turnstile": "Cloudflare Turnstile",
                   b"captcha-delivery.com": "DataDome", b"px-captcha": "PerimeterX"}
CONSENT_WORDS = (b"cookie", b"consent", b"gdpr", "ملفات تعريف الارتباط".encode(), "الموافقة على".encode())
CONSENT_ACTIONS = (b"accept", b"agree", b"allow all", "أوافق".encode(), "قبول".encode(), "موافق".encode())
LOGIN_WORDS = (b"log in", b"login", b"sign in", b"password", "تسجيل الدخول".encode(), "كلمة المرور".encode())


@dataclass(frozen=True)
class Block:
    kind: str  # one of BLOCK_KINDS
    detail: str  # what gave it away, for humans

    def describe(self) -> str:
        return f"{self.kind.replace('_', ' ')} ({self.detail})"


class BlockedPage(HadathError):
    """A page that is a block, not content (exit 1, one line naming the block)."""

    def __init__(self, block: Block, where: str = "page") -> None:
        super().__init__(f"{where} is blocked: {block.describe()}")
        self.block = block


class _Page:
    """What detection reads of one response; the costly parts (visible text, links) only when asked."""

    def __init__(self, body: bytes | str, status: int, headers: Mapping[str, Any] | None, url: str | None) -> None:
        raw = body.encode("utf-8", "replace") if isinstance(body, str) else bytes(body or b"")
        self.start = raw[:SNIFF_BYTES]
        self.head = self.start.lower()  # matching is on the lower-cased start of the body
        self.status = int(status or 0)
        self.headers = _lower_headers(headers)
        self.url = url or ""

    @cached_property
    def title(self) -> str:
        """As written (for messages)."""
        found = TITLE_RE.search(self.start)
        return SPACE_RE.sub(b" ", found.group(1)).strip().decode("utf-8", "replace") if found else ""

    @cached_property
    def text(self) -> bytes:
        """Lower-cased visible text: hidden elements and tags removed."""
        return SPACE_RE.sub(b" ", TAG_RE.sub(b" ", HIDDEN_RE.sub(b" ", self.head))).strip()

    @cached_property
    def thin(self) -> bool:
        """Little text and few links: a page standing in for content, not content."""
        return len(LINK_RE.findall(self.head)) < THIN_MAX_LINKS and \
            len(self.text.decode("utf-8", "ignore")) < THIN_TEXT_CHARS  # links first: far cheaper than text

    @cached_property
    def article_like(self) -> bool:
        return any(marker in self.head for marker in ARTICLE_MARKERS)

    def has(self, markers: tuple[bytes, ...], where: bytes | None = None) -> bytes | None:
        haystack = self.head if where is None else where
        return next((m for m in markers if m in haystack), None)


def detect(body: bytes | str, status: int = 200, headers: Mapping[str, Any] | None = None,
           url: str | None = None) -> Block | None:
    """The block this response is, or None when it may be content. A body that is not HTML (a feed, a
    sitemap) is only a block when the status or a header says so."""
    page = _Page(body, status, headers, url)
    if not _may_be_block(page):
        return None
    for check in (_challenge, _captcha, _login_wall, _consent_wall):
        found = check(page)
        if found is not None:
            return found
    return None


def raise_if_blocked(body: bytes | str, status: int = 200, headers: Mapping[str, Any] | None = None,
                     url: str | None = None, where: str = "page") -> None:
    """For page-level commands: raise BlockedPage (one line naming the block) when it is one."""
    block = detect(body, status, headers, url)
    if block is not None:
        raise BlockedPage(block, where)


def _lower_headers(headers: Mapping[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (headers or {}).items():
        name = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        out[name.lower()] = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return out


def _may_be_block(page: _Page) -> bool:
    """An HTML body, or a status, header or host that blocks come with."""
    return (any(m in page.head[:HTML_SNIFF_BYTES] for m in HTML_MARKERS) or page.status in (401, *CHALLENGE_STATUSES)
            or "cf-mitigated" in page.headers or bool(CONSENT_HOST_RE.match(urlsplit(page.url).hostname or "")))


def _challenge(page: _Page) -> Block | None:
    if page.headers.get("cf-mitigated", "").lower() == "challenge":
        return Block("challenge", f"Cloudflare challenge (cf-mitigated header), HTTP {page.status}")
    # behind a challenge status, or a thin page served as if it were content (an origin error page
    # such as Cloudflare's 522 carries the same markup but is an outage, not a block)
    if not (page.status in CHALLENGE_STATUSES or (page.status < 400 and page.thin)):
        return None
    vendor = next((name for name, markers in VENDOR_CHALLENGES if page.has(markers)), None)
    if vendor is None and not page.has(CHALLENGE_PHRASES):
        return None
    if vendor:
        return Block("challenge", f"{vendor} {_title_and_status(page)}")
    return None if page.article_like else Block("challenge", f"anti-bot interstitial {_title_and_status(page)}")


def _captcha(page: _Page) -> Block | None:
    titled = "captcha" in page.title.lower()
    if not (titled or page.status in CHALLENGE_STATUSES or page.thin) or page.article_like:
        return None
    widget = page.has(tuple(CAPTCHA_WIDGETS))
    if widget or titled or b"captcha" in page.text:
        return Block("captcha", f"{CAPTCHA_WIDGETS[widget] if widget else 'captcha'} {_title_and_status(page)}")
    return None


def _login_wall(page: _Page) -> Block | None:
    if page.status == 401:
        return Block("login_wall", "HTTP 401")
    path = urlsplit(page.url).path if page.url else ""
    password = b"password" in page.head and bool(PASSWORD_RE.search(page.head))  # cheap test first
    login_path = bool(LOGIN_PATH_RE.search(path))
    if not (login_path or password) or page.article_like:
        return None
    if login_path and (password or page.thin):
        return Block("login_wall", f"login page {path}, HTTP {page.status}")
    if password and page.thin and page.has(LOGIN_WORDS, page.text):
        return Block("login_wall", f"password form instead of content {_title_and_status(page)}")
    return None


def _consent_wall(page: _Page) -> Block | None:
    host = (urlsplit(page.url).hostname or "") if page.url else ""
    if CONSENT_HOST_RE.match(host):
        return Block("consent_wall", f"redirected to {host}, HTTP {page.status}")
    if not page.thin or page.article_like or not (b"<form" in page.head or b"<button" in page.head):
        return None
    worded = page.has(CONSENT_WORDS, page.title.lower().encode()) or page.has(CONSENT_WORDS, page.text)
    if worded and page.has(CONSENT_ACTIONS, page.text):
        return Block("consent_wall", f"cookie/consent page instead of content {_title_and_status(page)}")
    return None


def _title_and_status(page: _Page) -> str:
    return f'"{page.title[:60]}", HTTP {page.status}' if page.title else f"HTTP {page.status}"

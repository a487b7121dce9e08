"""Discovery that survives site changes: where to look when a configured feed or sitemap fails.

Sites move their feeds and sitemaps (a theme change, a new CMS plugin). When a configured source
fails, the spider tries, in this order and one at a time:
  feeds     the feeds the homepage announces (<link rel="alternate" type="application/rss+xml" ...>,
            comment feeds left out), then the usual WordPress and Drupal feed paths (WELL_KNOWN_FEEDS)
  sitemaps  the `Sitemap:` lines of robots.txt, then the usual WordPress (core, Yoast, Rank Math,
            Google XML Sitemaps) and Drupal sitemap paths (WELL_KNOWN_SITEMAPS)
A feed fallback stops at the first feed that lists article URLs; a sitemap fallback takes every
sitemap robots.txt names and guesses only when none of them works. Only a failure that says "moved or
changed" starts a fallback (HTTP 4xx but 429, not a feed/sitemap, empty, no article links): server
errors, timeouts and blocks say the site is sick or refuses us, and guessing more URLs would only
collect more of them. Guesses are not retried.

What was used is recorded per crawl (`raw.crawl_runs.discovery`, one `Source` per top-level feed,
sitemap and first listing page, configured or fallback) and shown in the crawl summary.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector

LOGGER = logging.getLogger(__name__)

# WordPress: /feed/ (pretty permalinks), /?feed=rss2 (plain permalinks), /feed/atom/; Drupal 7-10: /rss.xml;
# other CMSs and static generators: /rss, /atom.xml, /index.xml.
WELL_KNOWN_FEEDS = ("/feed/", "/rss.xml", "/?feed=rss2", "/feed/atom/", "/rss", "/atom.xml", "/index.xml")
# Yoast and Rank Math: /sitemap_index.xml (+ /news-sitemap.xml from their news add-ons, /post-sitemap.xml);
# WordPress core (5.5+): /wp-sitemap.xml; Google XML Sitemaps and Drupal (xmlsitemap, simple_sitemap):
# /sitemap.xml, /sitemap-news.xml.
WELL_KNOWN_SITEMAPS = ("/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-news.xml", "/wp-sitemap.xml",
                       "/sitemap.xml", "/post-sitemap.xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
COMMENT_FEED_RE = re.compile(r"comments?|تعليقات|التعليقات", re.I)  # WordPress announces a comments feed too
SITEMAP_LINE_RE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)
KINDS = ("feed", "sitemap", "listing")  # the order sources are shown in
ORIGINS = ("configured", "homepage", "robots", "well_known")
# Results that say "the source moved or changed" (a fallback may find its successor). Server errors,
# timeouts, 429 and blocks say "the site is sick or refuses us": guessing more URLs would not help.
MOVED_RESULTS = ("malformed_feed", "malformed_sitemap", "unsafe_xml", "empty", "no_article_links")
MOVED_STATUS_RE = re.compile(r"^http_4(?!29)\d\d$")
ORIGIN_LABELS = {"configured": "configured", "homepage": "homepage link", "robots": "robots.txt",
                 "well_known": "usual path"}


@dataclass
class Source:
    """One top-level discovery source tried in a crawl, and what came of it."""

    kind: str  # feed | sitemap | listing
    url: str  # real-site URL
    origin: str  # one of ORIGINS
    result: str  # ok | not_modified | an error kind (http_404, malformed_feed, challenge, ...) | empty | no_article_links
    links: int = 0  # entries / URLs / links found
    used: bool = False  # it gave the crawl something to follow

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Candidate:
    url: str  # URL to fetch (mirror prefix applied)
    origin: str


@dataclass
class Rescue:
    """The fallback of one kind (feed or sitemap) in one crawl: candidates tried one at a time."""

    kind: str
    tried: set[str] = field(default_factory=set)  # same_source() keys of every URL requested so far
    queue: list[Candidate] = field(default_factory=list)

    def add(self, candidates: Iterable[Candidate]) -> None:
        queued = {same_source(c.url) for c in self.queue}
        for cand in candidates:
            key = same_source(cand.url)
            if key not in self.tried and key not in queued:
                self.queue.append(cand)
                queued.add(key)

    def next(self) -> Candidate | None:
        while self.queue:
            cand = self.queue.pop(0)
            if same_source(cand.url) not in self.tried:
                self.tried.add(same_source(cand.url))
                return cand
        return None

    def found(self, origin: str) -> None:
        """A candidate worked: no more guesses. Every sitemap robots.txt names is still taken."""
        self.queue = [c for c in self.queue if origin == "robots" and c.origin == "robots"]

    def stop(self) -> None:
        self.queue = []


def moved(result: str) -> bool:
    """Is this failure one a fallback can get round (see MOVED_RESULTS)?"""
    return result in MOVED_RESULTS or bool(MOVED_STATUS_RE.match(result))


def same_source(url: str) -> str:
    """Key under which two spellings of one source meet (/feed and /feed/, http and https, case of host)."""
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}{parts.path.rstrip('/') or '/'}?{parts.query}"


def announced_feeds(html: str, page_url: str) -> list[str]:
    """Absolute URLs of the feeds a page announces in <link rel="alternate">, comment feeds left out."""
    out: list[str] = []
    for link in Selector(text=html).css("link[href]"):
        rel = (link.attrib.get("rel") or "").lower().split()
        kind = (link.attrib.get("type") or "").lower().split(";")[0].strip()
        href, title = link.attrib["href"].strip(), link.attrib.get("title") or ""
        if "alternate" not in rel or kind not in FEED_TYPES or not href:
            continue
        if COMMENT_FEED_RE.search(title) or COMMENT_FEED_RE.search(href):
            continue
        url = urljoin(page_url, href)
        if url not in out:
            out.append(url)
    return out


def robots_sitemaps(text: str, robots_url: str) -> list[str]:
    """Absolute URLs of the `Sitemap:` lines of a robots.txt, in order, without repeats."""
    out: list[str] = []
    for match in SITEMAP_LINE_RE.finditer(text):
        url = urljoin(robots_url, match.group(1).strip())
        if urlsplit(url).scheme in ("http", "https") and url not in out:
            out.append(url)
    return out


def well_known(kind: str) -> tuple[str, ...]:
    return WELL_KNOWN_FEEDS if kind == "feed" else WELL_KNOWN_SITEMAPS


def describe(sources: list[dict[str, Any]], base_url: str) -> str:
    """One line: what discovery used and what failed, e.g.
    'used feed /feed/ (homepage link, 12 links), listing /news/page/1/ (20 links); failed feed /rss.xml http_404'."""
    sources = sorted(sources, key=lambda s: KINDS.index(s["kind"]) if s.get("kind") in KINDS else len(KINDS))
    used = [s for s in sources if s.get("used")]
    failed = [s for s in sources if not s.get("used") and s.get("origin") == "configured"]
    guesses = [s for s in sources if not s.get("used") and s.get("origin") != "configured"]
    parts = []
    if used:
        parts.append("used " + ", ".join(f"{s['kind']} {shorten(s['url'], base_url)} ({_used_note(s)})" for s in used))
    if failed:
        parts.append("failed " + ", ".join(f"{s['kind']} {shorten(s['url'], base_url)} {s['result']}" for s in failed))
    if guesses:
        parts.append(f"{len(guesses)} fallback(s) tried in vain")
    return "; ".join(parts) or "no discovery source answered"


def _used_note(source: dict[str, Any]) -> str:
    origin = source.get("origin", "configured")
    label = "" if origin == "configured" else ORIGIN_LABELS.get(origin, origin) + ", "
    if source.get("result") == "not_modified":
        return f"{label}not modified"
    return f"{label}{source.get('links', 0)} links"


def shorten(url: str, base_url: str) -> str:
    """The URL relative to the outlet's base URL when it is on it."""
    if base_url and url.startswith(base_url):
        return url[len(base_url):] or "/"
    return url

"""Discovery helpers: RSS/Atom feeds, (news) sitemaps, listing pages, and the crawl window.

Pure functions over bytes/text, so they are unit-tested without Scrapy. Feeds and sitemaps are
untrusted XML: a document declaring entities is refused before any parser sees it (billion
laughs, external entities); sitemaps are parsed with defusedxml.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import feedparser
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from parsel import Selector

from etl.errors import BadInput

LOGGER = logging.getLogger(__name__)

# An entity declaration anywhere means a DTD with entities: refused (UTF-8 and UTF-16 spellings).
ENTITY_DECLARATIONS = (b"<!ENTITY", "<!ENTITY".encode("utf-16-le"), "<!ENTITY".encode("utf-16-be"))
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"
BENIGN_BOZO = (feedparser.CharacterEncodingOverride,)  # declared vs detected charset: harmless


class UnsafeXml(Exception):
    """The document declares entities (error kind `unsafe_xml`)."""


class MalformedXml(Exception):
    """Not well-formed XML (error kinds `malformed_feed` / `malformed_sitemap`)."""


@dataclass(frozen=True)
class Window:
    """[since, until) as aware datetimes; either may be None (open)."""

    since: datetime | None
    until: datetime | None

    def contains(self, when: datetime) -> bool:
        return (self.since is None or when >= self.since) and (self.until is None or when < self.until)

    def admits(self, entry: Entry) -> bool:
        """Undated entries are admitted; lastmod only proves 'not older than' (updated >= published)."""
        if entry.published is None:
            return True
        if entry.date_kind == "lastmod":
            return self.since is None or entry.published >= self.since
        return self.contains(entry.published)

    def is_older(self, when: datetime | None) -> bool:
        return when is not None and self.since is not None and when < self.since


@dataclass
class Entry:
    url: str  # absolute, as found in the document
    source: str  # feed | sitemap | listing
    published: datetime | None = None
    date_kind: str | None = None  # published | lastmod
    meta: dict[str, Any] = field(default_factory=dict)


def parse_bound(value: str | None, tz: str, end: bool = False) -> datetime | None:
    """A window bound: a date (start of that day; for `end`, start of the next day) or an ISO datetime."""
    if not value:
        return None
    zone = ZoneInfo(tz)
    try:
        if DATE_ONLY.match(value.strip()):
            day = datetime.fromisoformat(value.strip()).date() + timedelta(days=1 if end else 0)
            return datetime.combine(day, time(0), zone)
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(f"bad date {value!r}: expected YYYY-MM-DD or an ISO datetime") from None
    return when if when.tzinfo else when.replace(tzinfo=zone)


def make_window(since: str | None, until: str | None, tz: str) -> Window:
    window = Window(parse_bound(since, tz), parse_bound(until, tz, end=True))
    if window.since and window.until and window.since >= window.until:
        raise BadInput(f"empty window: --since {since} is not before --until {until}")
    return window


def parse_date(value: Any, tz: str | None = None) -> datetime | None:
    """ISO 8601 / RFC 822 / date-only strings -> aware datetime (naive values get `tz`, else UTC)."""
    if not value:
        return None
    text = str(value).strip()
    when: datetime | None = None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(tz) if tz else UTC)
    return when


def check_safe_xml(body: bytes) -> None:
    if any(marker in body for marker in ENTITY_DECLARATIONS):
        raise UnsafeXml("document declares XML entities")


def parse_feed(body: bytes, tz: str | None = None) -> tuple[list[Entry], bool]:
    """Entries of an RSS/Atom feed and whether it was malformed (recovered entries still returned)."""
    check_safe_xml(body)
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    malformed = bool(parsed.get("bozo")) and not isinstance(parsed.get("bozo_exception"), BENIGN_BOZO)
    entries = [_feed_entry(e, tz) for e in parsed.entries if e.get("link")]
    return entries, malformed


def _feed_entry(raw: Any, tz: str | None) -> Entry:
    published = parse_date(raw.get("published") or raw.get("updated"), tz)
    if published is None:
        stamp = raw.get("published_parsed") or raw.get("updated_parsed")
        published = datetime(*stamp[:6], tzinfo=UTC) if stamp else None
    meta = {
        "title": raw.get("title"),
        "link": raw.get("link"),
        "published": published.isoformat() if published else None,
        "summary": raw.get("summary"),
        "author": raw.get("author"),
        "categories": [t.get("term") for t in raw.get("tags", []) if t.get("term")],
        "guid": raw.get("id"),
        "source": "feed",
    }
    return Entry(raw["link"], "feed", published, "published" if published else None,
                 {k: v for k, v in meta.items() if v not in (None, "", [])})


def parse_sitemap(body: bytes, tz: str | None = None) -> tuple[str, list[Entry]]:
    """('index', child sitemaps) or ('urlset', article entries); raises UnsafeXml / MalformedXml."""
    check_safe_xml(body)
    try:
        root = SafeET.fromstring(body)
    except DefusedXmlException as err:
        raise UnsafeXml(str(err)) from None
    except SafeET.ParseError as err:
        raise MalformedXml(str(err)) from None
    kind = "index" if root.tag.endswith("sitemapindex") else "urlset"
    child = "sitemap" if kind == "index" else "url"
    entries = [_sitemap_entry(node, tz) for node in root.iter(f"{SITEMAP_NS}{child}")]
    return kind, [e for e in entries if e.url]


def _sitemap_entry(node: Any, tz: str | None) -> Entry:
    loc = (node.findtext(f"{SITEMAP_NS}loc") or "").strip()
    news_date = parse_date(node.findtext(f"{NEWS_NS}news/{NEWS_NS}publication_date"), tz)
    lastmod = parse_date(node.findtext(f"{SITEMAP_NS}lastmod"), tz)
    title = node.findtext(f"{NEWS_NS}news/{NEWS_NS}title")
    meta: dict[str, Any] = {"source": "sitemap"}
    if title:
        meta["title"] = title.strip()
    if news_date:
        meta["published"] = news_date.isoformat()
        return Entry(loc, "sitemap", news_date, "published", meta)
    if lastmod:
        meta["lastmod"] = lastmod.isoformat()
    return Entry(loc, "sitemap", lastmod, "lastmod" if lastmod else None, meta)


def parse_listing(html: str, link_selector: str, tz: str | None = None) -> list[Entry]:
    """Links of a listing page, with a date when the link's own item carries one <time datetime>.

    Relative links are joined to the page's <base href> when it has one (Orient, Zaman al-Wasl write
    'ar/news_show/...' under <base href="/">); the caller resolves what is left against the page URL.
    """
    sel = Selector(text=html)
    base = (sel.css("base::attr(href)").get() or "").strip()
    element_css = re.sub(r"::(attr\([^)]*\)|text)\s*$", "", link_selector.strip())
    entries: list[Entry] = []
    for node in sel.css(element_css):
        href = node.attrib.get("href") or node.css("::attr(href)").get() or node.xpath("string()").get()
        if not href or not href.strip():
            continue
        published = _item_date(node, tz)
        entries.append(Entry(urljoin(base, href.strip()) if base else href.strip(), "listing", published,
                             "published" if published else None, {"source": "listing"}))
    return entries


def _item_date(node: Selector, tz: str | None) -> datetime | None:
    """The <time datetime> of the smallest ancestor holding one; None when ambiguous."""
    item = node.xpath("ancestor-or-self::*[.//time[@datetime]][1]")
    stamps = item.xpath(".//time/@datetime").getall() if item else []
    return parse_date(stamps[0], tz) if len(stamps) == 1 else None

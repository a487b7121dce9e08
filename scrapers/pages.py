"""Page inspection for fetched HTML: is it an article, its canonical link, date and charset.

Kept apart from the spider (which only navigates), so it is tested on saved pages directly.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from scrapy.http import Response, TextResponse

from etl.arabic import dates as arabic_dates
from scrapers.config import Outlet
from scrapers.discovery import parse_date

LOGGER = logging.getLogger(__name__)

ARTICLE_OG_TYPES = ("article",)  # og:type values of a news article
JSONLD_ARTICLE_TYPES = ("NewsArticle", "Article", "ReportageNews", "AnalysisNewsArticle", "BlogPosting")
CHARSET_RE = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
LOCAL_NOON = time(12)  # a printed day without a time is taken at local noon (as the cleaner does)
META_SNIFF_BYTES = 4096  # a <meta charset> must be within the first 1024 bytes; be generous


def is_html(response: Response) -> bool:
    return isinstance(response, TextResponse) and b"html" in (response.headers.get("Content-Type") or b"html")


def jsonld_objects(response: TextResponse) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for text in response.css('script[type="application/ld+json"]::text').getall():
        try:
            data = json.loads(text)
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        out.extend(i for i in items if isinstance(i, dict))
    return out


def _jsonld_types(obj: dict[str, Any]) -> list[str]:
    kind = obj.get("@type", [])
    return kind if isinstance(kind, list) else [kind]


def looks_like_article(response: TextResponse, outlet: Outlet) -> bool:
    """og:type decides when present; otherwise a headline plus an article marker."""
    og_type = response.css('meta[property="og:type"]::attr(content)').get()
    if og_type:
        return og_type.strip().lower() in ARTICLE_OG_TYPES
    if any(t in JSONLD_ARTICLE_TYPES for o in jsonld_objects(response) for t in _jsonld_types(o)):
        return True
    title_css = outlet.selectors.get("title")
    has_title = bool(response.css("h1")) or bool(title_css and response.css(title_css))
    body_css = outlet.selectors.get("body")
    marker = (response.css("article") or response.css('meta[property="article:published_time"]')
              or (body_css and response.css(body_css)))
    return has_title and bool(marker)


def is_amp(response: TextResponse) -> bool:
    html = response.xpath("/html")
    return bool(html) and any(a in html[0].attrib for a in ("amp", "⚡"))


def rel_canonical(response: TextResponse) -> str | None:
    href = response.css('link[rel="canonical"]::attr(href)').get()
    return response.urljoin(href.strip()) if href and href.strip() else None


def page_date(response: TextResponse, outlet: Outlet) -> datetime | None:
    """Publication time from the page: meta, JSON-LD, the outlet's date selector, <time>; else the
    Arabic date printed where the date selector points ("الجمعة 21 كانون الثاني 2022"), at local noon."""
    selected = response.css(outlet.selectors["date"]).get() if outlet.selectors.get("date") else None
    candidates = [
        response.css('meta[property="article:published_time"]::attr(content)').get(),
        *(o.get("datePublished") for o in jsonld_objects(response)),
        selected,
        response.css("time::attr(datetime)").get(),
    ]
    for value in candidates:
        when = parse_date(value, outlet.timezone)
        if when:
            return when
    day = arabic_dates.parse_arabic_date(selected) if selected else None
    return datetime.combine(day, LOCAL_NOON, tzinfo=ZoneInfo(outlet.timezone)) if day else None


def declared_charset(response: Response) -> str | None:
    """The charset as served: Content-Type header, else <meta charset>, else Scrapy's detection."""
    for source in (response.headers.get("Content-Type") or b"", response.body[:META_SNIFF_BYTES]):
        match = CHARSET_RE.search(source)
        if match:
            return match.group(1).decode("ascii").lower()
    return getattr(response, "encoding", None)


def headers_dict(response: Response) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, values in response.headers.items():
        decoded = [v.decode("latin-1") for v in values]
        out[key.decode("latin-1")] = decoded[0] if len(decoded) == 1 else decoded
    return out

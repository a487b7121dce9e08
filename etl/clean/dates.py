"""The publication timestamp of an article: the first source that has a plausible one.

Priority (``date_source`` in staging.articles):

1. ``feed``    raw.articles.feed_meta ``published``: the crawler's discovery metadata (RSS pubDate /
               Atom published, news-sitemap publication_date, a listing item's <time>; never lastmod);
2. ``jsonld``  schema.org ``datePublished`` of the page's article object;
3. ``meta``    ``article:published_time`` and similar og / itemprop / Dublin Core metas;
4. ``url``     a date in the URL path (``etl.arabic.dates.date_from_url``);
5. ``visible`` the outlet's CSS ``date`` selector, else an Arabic date printed near the <h1>
               (both month systems, Arabic-Indic digits: ``etl.arabic.dates.parse_arabic_date``)
               in a SHORT text node (a date line, not article prose with event dates);
6. ``none``    published_at NULL, date_missing true.

Rules:
- A value needs at least a day: a bare year (the footer's "© 2024") or year-month is never a date.
  Lines holding ©, "حقوق" or "copyright" are skipped by the visible scan. trafilatura's own date
  guess is never used (it picks copyright years).
- Plausible only between ``MIN_YEAR`` and the fetch time plus ``FUTURE_TOLERANCE``.
- A timestamp without an offset is local time of the outlet's zone (Asia/Damascus by default;
  zoneinfo knows Damascus was UTC+2 in winter 2022 and UTC+3 all year since late 2022).
- A date without a time is stored at ``DATE_ONLY_HOUR`` (noon) local time: midnight local is the
  previous day in UTC (22:00Z/21:00Z) and would shift the day in any UTC-based tool; noon stays
  on the same calendar day in every zone from UTC-11 to UTC+11.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement

from etl.arabic import dates as arabic_dates
from etl.arabic import to_ascii_digits
from etl.clean import html
from etl.clean.extract import selector_value

LOGGER = logging.getLogger(__name__)

DATE_ONLY_HOUR = 12  # date-only sources: local noon (see module docstring)
MIN_YEAR = 1995  # no Syrian news site published online earlier
FUTURE_TOLERANCE = timedelta(days=2)  # clock skew and zone differences against fetched_at
FEED_KEYS = ("published", "pubDate", "pubdate", "dc:date")
META_NAMES = (
    "article:published_time", "og:article:published_time", "og:published_time", "datePublished",
    "publish-date", "publish_date", "publishdate", "pubdate", "dc.date.issued", "dcterms.issued",
    "dcterms.created", "dc.date", "sailthru.date", "parsely-pub-date", "article.published",
)
VISIBLE_AFTER_NODES = 40  # text nodes after the <h1> scanned for a visible date
# ... and before it (a byline right above the headline); kept small: many Arabic sites print
# today's date in the page header, which must not be read as the publication date.
VISIBLE_BEFORE_NODES = 3
# A date line / byline is short; a longer text node near the title is article prose, whose dates
# are event dates ("قتل 3 عناصر في 21 كانون الثاني"), never the publication date.
MAX_VISIBLE_DATE_CHARS = 80
COPYRIGHT_RE = re.compile(r"©|&copy;|حقوق|copyright|all rights", re.I)
_ISO_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$", re.I)
SOURCES = ("feed", "jsonld", "meta", "url", "visible", "none")


@dataclass(frozen=True)
class Published:
    at: datetime | None  # timezone-aware
    source: str  # one of SOURCES

    @property
    def missing(self) -> bool:
        return self.at is None


def at_local_noon(day: date, tz: ZoneInfo) -> datetime:
    """A date-only source as an aware timestamp (see DATE_ONLY_HOUR)."""
    return datetime.combine(day, time(DATE_ONLY_HOUR), tzinfo=tz)


def _offset(text: str | None) -> timedelta | None:
    if not text:
        return None
    if text.upper() == "Z":
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))


def _parse_iso(text: str, tz: ZoneInfo) -> datetime | None:
    match = _ISO_RE.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        day_ = date(int(year), int(month), int(day))
        if hour is None:
            return at_local_noon(day_, tz)
        clock = time(int(hour), int(minute), int(second or 0))
    except ValueError:
        return None
    delta = _offset(offset)
    if delta is None:
        return datetime.combine(day_, clock, tzinfo=tz)
    return datetime.combine(day_, clock, tzinfo=timezone(delta))


def parse_timestamp(value: object, tz: ZoneInfo) -> datetime | None:
    """ISO 8601 or RFC 822 text -> aware datetime; None for anything less precise than a day."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = to_ascii_digits(value.strip())
    stamp = _parse_iso(text, tz)
    if stamp is None and re.search(r"\d{1,2}\s+[A-Za-z]{3}\s+\d{4}", text):
        try:
            stamp = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            stamp = None
        if stamp is not None and stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=tz)
    return stamp


def plausible(stamp: datetime | None, fetched_at: datetime | None) -> bool:
    """Not before MIN_YEAR, not (much) after the page was fetched."""
    if stamp is None or stamp.year < MIN_YEAR:
        return False
    return fetched_at is None or stamp <= fetched_at + FUTURE_TOLERANCE


def from_feed(feed_meta: dict | None, tz: ZoneInfo) -> Iterable[datetime | None]:
    feed_meta = feed_meta or {}
    return (parse_timestamp(feed_meta.get(key), tz) for key in FEED_KEYS)


def from_jsonld(tree: HtmlElement, tz: ZoneInfo) -> Iterable[datetime | None]:
    return (parse_timestamp(obj.get("datePublished"), tz) for obj in html.jsonld_articles(tree))


def from_meta(tree: HtmlElement, tz: ZoneInfo) -> Iterable[datetime | None]:
    values = html.meta_content(tree, META_NAMES)
    values += tree.xpath('//*[@itemprop="datePublished"][not(self::meta)]/@datetime'
                         '|//*[@itemprop="datePublished"][not(self::meta)]/@content')
    return (parse_timestamp(v, tz) for v in values)


def from_url(url: str | None, tz: ZoneInfo) -> Iterable[datetime | None]:
    if not url:
        return []
    day = arabic_dates.date_from_url(url)
    return [at_local_noon(day, tz) if day else None]


def _visible_texts(tree: HtmlElement) -> list[str]:
    """Text nodes around the first <h1> (before it first, nearest first), copyright lines dropped."""
    h1 = tree.find(".//h1")
    if h1 is None:
        return []
    skip = "[not(ancestor::script or ancestor::style or ancestor::footer)]"
    after = h1.xpath(f"following::text(){skip}[position() <= {VISIBLE_AFTER_NODES}]")
    before = h1.xpath(f"preceding::text(){skip}[position() <= {VISIBLE_BEFORE_NODES}]")
    texts = [str(t).strip() for t in [*after, *reversed(before)]]
    return [t for t in texts if t and len(t) <= MAX_VISIBLE_DATE_CHARS and any(ch.isdigit() for ch in t)
            and not COPYRIGHT_RE.search(t)]


def _arabic_date(text: str, tz: ZoneInfo, default_year: int | None) -> datetime | None:
    stamp = parse_timestamp(text, tz)
    if stamp is None:
        day = arabic_dates.parse_arabic_date(text, default_year=default_year)
        stamp = at_local_noon(day, tz) if day else None
    return stamp


def from_visible(tree: HtmlElement, tz: ZoneInfo, selector: str | None, default_year: int | None) -> Iterable[datetime | None]:
    texts = [selector_value(tree, selector)] if selector else []
    texts = [t for t in texts if t] + _visible_texts(tree)
    return (_arabic_date(t, tz, default_year) for t in texts if not COPYRIGHT_RE.search(t))


def published_at(tree: HtmlElement, url: str | None, feed_meta: dict | None, tz: ZoneInfo,
                 date_selector: str | None = None, fetched_at: datetime | None = None) -> Published:
    """The first plausible timestamp in priority order (see the module docstring)."""
    default_year = fetched_at.year if fetched_at else None
    sources: list[tuple[str, Callable[[], Iterable[datetime | None]]]] = [
        ("feed", lambda: from_feed(feed_meta, tz)),
        ("jsonld", lambda: from_jsonld(tree, tz)),
        ("meta", lambda: from_meta(tree, tz)),
        ("url", lambda: from_url(url, tz)),
        ("visible", lambda: from_visible(tree, tz, date_selector, default_year)),
    ]
    for name, candidates in sources:
        for stamp in candidates():
            if plausible(stamp, fetched_at):
                return Published(stamp, name)
            if stamp is not None:
                LOGGER.debug("implausible %s date %s rejected", name, stamp)
    return Published(None, "none")

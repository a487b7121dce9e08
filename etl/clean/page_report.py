"""One saved page -> what the cleaner makes of it (``hadath clean --page FILE [--outlet SLUG] [--url URL]``).

For users debugging an outlet: no database, nothing written. The steps are separate functions so a
check can be added between reading and cleaning (a block page, for example):

1. ``read_page``: the file's bytes (missing, empty or oversized files are ``BadInput``, exit 2);
2. ``page_url`` / ``page_outlet``: ``--url``, else the page's ``<link rel="canonical">``; ``--outlet``,
   else the outlet whose domains hold that URL (else the defaults: Asia/Damascus, no selectors);
3. ``etl.clean.page.clean_page``, exactly as the nightly cleaning runs it (no feed metadata, no fetch
   time): a page without article text is an ``ExtractionError`` (exit 1);
4. ``report``: one JSON-ready dict; ``published`` is ISO 8601 with the offset of the outlet's zone.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

from etl.clean.outlets import known_outlets, outlet_config, outlet_for_url
from etl.clean.page import CleanedPage, RawPage, clean_page
from etl.errors import BadInput
from scrapers.blocks import raise_if_blocked

LOGGER = logging.getLogger(__name__)

MAX_PAGE_BYTES = 5 * 1024 * 1024  # the crawler's DOWNLOAD_MAXSIZE: no stored page is bigger
CANONICAL_SNIFF_BYTES = 65536  # <link rel=canonical> sits in <head>
CANONICAL_RE = re.compile(
    rb"""<link\b(?=[^>]*\brel=["']?canonical\b)[^>]*\bhref=["']?([^"'\s>]+)""", re.I)


def read_page(path: Path) -> bytes:
    """The saved page's bytes, or a one-line BadInput."""
    try:
        body = path.read_bytes()
    except OSError as err:
        raise BadInput(f"cannot read {path}: {err.strerror or err}") from None
    if not body.strip():
        raise BadInput(f"{path} is empty")
    if len(body) > MAX_PAGE_BYTES:
        raise BadInput(f"{path} is {len(body)} bytes, more than the {MAX_PAGE_BYTES} a crawled page can be")
    return body


def page_url(body: bytes, url: str | None) -> str | None:
    """--url, else the page's own canonical link (absolute http(s) only)."""
    if url:
        if urlsplit(url).scheme not in ("http", "https"):
            raise BadInput(f"--url must be an http(s) URL, got {url!r}")
        return url
    match = CANONICAL_RE.search(body[:CANONICAL_SNIFF_BYTES])
    found = match.group(1).decode("ascii", "replace") if match else None
    return found if found and urlsplit(found).scheme in ("http", "https") else None


def page_outlet(outlet: str | None, url: str | None) -> str:
    """--outlet (must be configured), else the outlet of the URL's host, else '' (defaults)."""
    if outlet:
        if outlet not in known_outlets():
            raise BadInput(f"unknown outlet {outlet!r} (known: {', '.join(sorted(known_outlets()))})")
        return outlet
    return outlet_for_url(url) or "" if url else ""


def report(cleaned: CleanedPage) -> dict:
    """The JSON object `hadath clean --page` prints."""
    zone = outlet_config(cleaned.outlet).timezone
    published = cleaned.published_at.astimezone(zone).isoformat() if cleaned.published_at else None
    return {"title": cleaned.title, "published": published, "date_source": cleaned.date_source,
            "language": cleaned.language, "text": cleaned.body, "outlet": cleaned.outlet or None,
            "url": cleaned.url or None, "extraction_method": cleaned.extraction_method}


def clean_file(path: Path, outlet: str | None = None, url: str | None = None) -> dict:
    """Read, identify and clean one saved page (see the module docstring)."""
    body = read_page(path)
    url = page_url(body, url)
    raise_if_blocked(body, url=url, where=str(path))  # a challenge, captcha or wall: exit 1, one line
    slug = page_outlet(outlet, url)
    LOGGER.debug("cleaning %s as outlet %r, url %s", path, slug, url)
    return report(clean_page(RawPage(0, slug, url or "", body)))

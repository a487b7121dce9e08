"""One page, no database: raw bytes -> a cleaned article (everything a staging row needs except
its duplicate cluster, which depends on other rows; see ``pipeline``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from etl.clean import dates, dedup, html, language
from etl.clean.decode import decode_html
from etl.clean.extract import extract
from etl.clean.outlets import outlet_config

LOGGER = logging.getLogger(__name__)


@dataclass
class RawPage:
    article_id: int
    outlet: str
    url: str
    body: bytes  # the response body as served (already gunzipped)
    headers: dict = field(default_factory=dict)
    encoding: str | None = None
    feed_meta: dict = field(default_factory=dict)
    fetched_at: datetime | None = None
    content_hash: str = ""


@dataclass
class CleanedPage:
    article_id: int
    outlet: str
    url: str
    raw_content_hash: str
    title: str | None
    body: str
    author: str | None
    tags: list[str]
    published_at: datetime | None
    date_source: str
    language: str
    is_arabic: bool
    text_hash: str
    extraction_method: str
    minhash: bytes
    minhash_bands: list[int]
    encoding: str  # codec actually used to decode (logged, not stored)

    @property
    def date_missing(self) -> bool:
        return self.published_at is None


def clean_page(raw: RawPage) -> CleanedPage:
    """Decode, extract, date, detect the language and fingerprint one page (raises HadathError subclasses)."""
    config = outlet_config(raw.outlet)
    decoded = decode_html(raw.body, raw.headers, raw.encoding)
    tree = html.parse(decoded.text)
    article = extract(tree, raw.url, config.selectors, raw.feed_meta)
    published = dates.published_at(tree, raw.url, raw.feed_meta, config.timezone,
                                   config.selectors.get("date"), raw.fetched_at)
    sig = dedup.signature(article.body)
    return CleanedPage(
        article_id=raw.article_id, outlet=raw.outlet, url=raw.url, raw_content_hash=raw.content_hash,
        title=article.title, body=article.body, author=article.author, tags=article.tags,
        published_at=published.at, date_source=published.source,
        language=(lang := language.detect(article.body)).code, is_arabic=lang.is_arabic,
        text_hash=dedup.text_hash(article.body), extraction_method=article.method,
        minhash=sig, minhash_bands=dedup.band_keys(sig), encoding=decoded.encoding,
    )

"""Items produced by the spiders (dataclasses; pipelines validate and store them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class ArticleItem:
    """One article page exactly as served, keyed on its canonical (real-site) URL."""

    outlet: str
    canonical_url: str
    url: str  # final URL as fetched (after redirects; the mirror URL when crawling a mirror)
    fetched_at: datetime
    http_status: int
    headers: dict[str, Any]
    body: bytes  # response body bytes as served (after Content-Encoding is undone)
    encoding: str | None
    feed_meta: dict[str, Any] = field(default_factory=dict)
    crawl_run_id: int | None = None
    filed_at: datetime | None = None  # decides raw.articles.article_month (None: fetched_at)

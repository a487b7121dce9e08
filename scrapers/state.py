"""What the crawler reads/writes besides articles: known canonical URLs and feed validators."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from etl import db

LOGGER = logging.getLogger(__name__)

UPSERT_FEED_STATE = """
INSERT INTO raw.feed_state (feed_url, outlet, etag, last_modified, last_status, checked_at)
VALUES (%s, %s, %s, %s, %s, now())
ON CONFLICT (feed_url) DO UPDATE SET outlet = EXCLUDED.outlet,
    etag = CASE WHEN EXCLUDED.last_status = 304 THEN raw.feed_state.etag ELSE EXCLUDED.etag END,
    last_modified = CASE WHEN EXCLUDED.last_status = 304 THEN raw.feed_state.last_modified
                         ELSE EXCLUDED.last_modified END,
    last_status = EXCLUDED.last_status, checked_at = now()
"""


@dataclass(frozen=True)
class FeedValidators:
    etag: str | None
    last_modified: str | None

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


def known_urls(outlet: str) -> set[str]:
    """Canonical URLs of the outlet's stored articles (skipped unless --refresh)."""
    with db.transaction() as cur:
        cur.execute("SELECT canonical_url FROM raw.articles WHERE outlet = %s", (outlet,))
        return {row[0] for row in cur.fetchall()}


def feed_validators(outlet: str) -> dict[str, FeedValidators]:
    with db.transaction() as cur:
        cur.execute("SELECT feed_url, etag, last_modified FROM raw.feed_state WHERE outlet = %s", (outlet,))
        return {url: FeedValidators(etag, lm) for url, etag, lm in cur.fetchall()}


def save_feed_state(feed_url: str, outlet: str, status: int, validators: FeedValidators) -> None:
    """Remember validators (a 304 keeps the stored ones; empty validators clear them)."""
    with db.transaction() as cur:
        cur.execute(UPSERT_FEED_STATE, (feed_url, outlet, validators.etag, validators.last_modified, status))

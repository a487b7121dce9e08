"""`sitemap`: (news) sitemap discovery only; the backfill strategy for past windows."""

from __future__ import annotations

from scrapers.spiders.base import BaseOutletSpider


class SitemapSpider(BaseOutletSpider):
    name = "sitemap"
    strategies = ("sitemap",)

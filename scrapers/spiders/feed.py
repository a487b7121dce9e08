"""`feed`: RSS/Atom discovery only (`scrapy crawl feed -a outlet=<slug>`)."""

from __future__ import annotations

from scrapers.spiders.base import BaseOutletSpider


class FeedSpider(BaseOutletSpider):
    name = "feed"
    strategies = ("feed",)

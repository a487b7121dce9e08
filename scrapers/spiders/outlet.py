"""`outlet`: the spider `hadath crawl` runs: every discovery strategy of one outlet."""

from __future__ import annotations

from scrapers.spiders.base import BaseOutletSpider


class OutletSpider(BaseOutletSpider):
    name = "outlet"
    strategies = ("feed", "sitemap", "listing")

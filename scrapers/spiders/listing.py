"""`listing`: paginated listing pages only (page 2+ until entries predate the window)."""

from __future__ import annotations

from scrapers.spiders.base import BaseOutletSpider


class ListingSpider(BaseOutletSpider):
    name = "listing"
    strategies = ("listing",)

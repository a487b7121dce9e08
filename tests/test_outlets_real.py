"""The outlets as they really are: scrapers/outlets.yaml against the real-site facts.

- every field that states a fact about a real site is marked verified (with its source) or unverified;
- article patterns accept the real URLs seen in saved pages and public code (old and new schemes) and
  refuse the real section, listing and feed URLs;
- verified selectors and patterns hold on the real saved pages in ../shared (skipped when absent);
- every outlet has a snapshot copy whose listing pages, read with the outlet's own link selector, lead
  to its articles.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
import yaml
from parsel import Selector

from scrapers.config import load_outlets
from scrapers.urls import SiteMap

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "snapshot"
# Where a verified note may say the value was seen (see the header of scrapers/outlets.yaml).
SOURCE_KINDS = ("saved page", "public code", "citations", "page source", "reviews")
MIN_SNAPSHOT_ARTICLES = 3  # "a few articles written for testing" per outlet

# Real URLs, each from ../shared/data/real_sites/README.txt, the saved pages or the public code named
# in outlets.yaml: (slug, URL, is an article?).
REAL_URLS = [
    ("enab", "https://www.enabbaladi.net/archives/651728", True),  # old scheme (2023)
    ("enab", "https://www.enabbaladi.net/731869/", True),  # new scheme
    ("enab", "https://www.enabbaladi.net/784230/some-slug/", True),  # new, with a slug
    ("enab", "https://www.enabbaladi.net/archives/category/online/page/2", False),
    ("enab", "https://www.enabbaladi.net/category/politics/syria/page/2/", False),
    ("enab", "https://www.enabbaladi.net/feed/", False),
    ("orient", "https://orient-news.net/ar/news_show/147092/0/فصائل-درعا-توقع-ميليشيات-النظام-في-كمين-على-جبهة-داعل", True),
    ("orient", "https://orient-news.net/ar/news_show/84336/0/x", True),  # 5-digit ids exist (2018 homepage)
    ("orient", "https://orient-news.net/ar/cat_show/1/خبر-وتقرير", False),
    ("orient", "https://orient-news.net/ar/urgent_bar_news_show/0", False),
    ("syriatv", "https://www.syria.tv/content/انخفاض-سعر-المازوت-للنصف-في-محافظة-إدلب", True),  # Drupal 7 (2018)
    ("syriatv", "https://www.syria.tv/انخفاض-سعر-المازوت-للنصف-في-محافظة-إدلب", True),  # 2024-2026
    ("syriatv", "https://www.syria.tv/أخبار-سوريا/محلية", False),
    ("syriatv", "https://www.syria.tv/اقتصاد", False),
    ("syriatv", "https://www.syria.tv/تحقيقات_وتقارير", False),
    ("syriatv", "https://www.syria.tv/taxonomy/term/36", False),
    ("syriatv", "https://www.syria.tv/node/4", False),
    ("syriatv", "https://www.syria.tv/rss", False),
    ("npa", "https://npasyria.com/178716/", True),
    ("npa", "https://npasyria.com/en/110223/", False),  # English edition
    ("sohr", "https://www.syriahr.com/2015/06/%D8%A7%D9%84%D9%85%D8%B1%D8%B5%D8%AF/", True),  # old scheme
    ("sohr", "https://www.syriahr.com/488231/", True),
    ("sohr", "https://www.syriahr.com/en/12345/", False),
    ("sana", "https://sana.sy/locals/2280713/", True),
    ("sana", "https://sana.sy/culture-and-arts/2280593/", True),
    ("sana", "https://sana.sy/governorates/aleppo/2227976/", True),
    ("sana", "https://sana.sy/?p=1937484", True),  # the old short links
    ("sana", "https://sana.sy/governorates/aleppo/", False),
    ("sana", "https://sana.sy/syria-news/page/2/", False),
    ("sana", "https://sana.sy/en/politics/2280713/", False),
    ("sana", "https://sana.sy/?cat=29582&paged=1", False),
    ("sana", "https://sana.sy/feed/", False),
    ("zamanalwsl", "https://www.zamanalwsl.net/news/article/85800/", True),
    ("zamanalwsl", "https://www.zamanalwsl.net/news/articles/3", False),
    ("zamanalwsl", "https://www.zamanalwsl.net/xml/rss.php", False),
    ("dez24", "https://deirezzor24.net/%d8%b9%d9%86%d8%a7%d8%b5%d8%b1-%d8%a7%d9%84%d9%81%d9%8a%d9%84%d9%82/", True),
    ("dez24", "https://deirezzor24.net/category/%d8%a3%d8%ae%d8%a8%d8%a7%d8%b1/page/1/", False),
    ("dez24", "https://deirezzor24.net/en/", False),
    ("dez24", "https://deirezzor24.net/wp-sitemap.xml", False),
    ("suwayda24", "https://suwayda24.com/?p=21571", True),
    ("suwayda24", "https://suwayda24.com/?cat=%2A&paged=1", False),
    ("suwayda24", "https://suwayda24.com/feed/", False),
    ("hfl", "https://www.horanfree.com/archives/13818", True),
    ("hfl", "https://www.horanfree.com/page/1?cat=%2A", False),
]


def outlets() -> dict:
    return {o.slug: o for o in load_outlets()}


@pytest.mark.parametrize("outlet", load_outlets(), ids=lambda o: o.slug)
def test_every_fact_field_is_verified_with_a_source_or_marked_unverified(outlet):
    fields = set(outlet.checked_fields)
    assert set(outlet.verified) | set(outlet.unverified) == fields, "every field in exactly one of the two"
    assert not set(outlet.verified) & set(outlet.unverified)
    for name, note in outlet.verified.items():
        assert note.startswith(SOURCE_KINDS), f"{name}: a verified note names its source kind first: {note!r}"


def test_at_least_eleven_outlets_and_sana_verified_on_saved_pages():
    bundled = outlets()
    assert len(bundled) >= 11 and all(o.enabled for o in bundled.values())
    sana = bundled["sana"]
    assert all(sana.verified[f"selectors.{k}"].startswith("saved page") for k in ("title", "date", "body"))


@pytest.mark.parametrize("slug, url, expected", REAL_URLS, ids=[f"{s}-{i}" for i, (s, _, _) in enumerate(REAL_URLS)])
def test_article_patterns_on_real_urls(slug, url, expected):
    assert SiteMap(outlets()[slug]).is_article(url) is expected


@pytest.mark.parametrize("outlet", load_outlets(), ids=lambda o: o.slug)
def test_listing_and_feed_urls_are_not_articles(outlet):
    site = SiteMap(outlet)
    for number in (outlet.listing.first_page, outlet.listing.first_page + 1):
        assert not site.is_article(site.resolve(outlet.listing.url.replace("{page}", str(number))))
    for path in (*outlet.feeds, *outlet.sitemaps, "/", "/robots.txt"):
        assert not site.is_article(site.resolve(path)), path


# ----------------------------------------------------------------------------- real saved pages

def test_sana_listing_selector_and_pattern_on_the_saved_page(shared_dir):
    sana = outlets()["sana"]
    page = (shared_dir / "data" / "real_sites" / "sana" / "article2.html").read_text(encoding="utf-8")
    links = Selector(text=page).css(sana.listing.link_selector).getall()
    assert len(links) >= 5
    assert all(SiteMap(sana).is_article(link) for link in links)
    assert "https://sana.sy/governorates/aleppo/2227976/" in links
    assert Selector(text=page).css('link[rel="alternate"][type="application/rss+xml"]::attr(href)').get() == \
        sana.base_url + sana.feeds[0]


def test_orient_listing_selector_and_base_href_on_the_saved_homepage(shared_dir):
    orient = outlets()["orient"]
    page = (shared_dir / "data" / "outlet_pages" / "orient-news.net_homepage_2018.html").read_text(encoding="utf-8")
    sel = Selector(text=page)
    base = urljoin(orient.base_url + "/ar", sel.css("base::attr(href)").get())  # <base href="/">
    links = [urljoin(base, href) for href in sel.css(orient.listing.link_selector).getall()]
    assert len(links) >= 10 and all(SiteMap(orient).is_article(link) for link in links)
    section = unquote(orient.listing.url.split("?")[0]).lstrip("/")
    assert sel.css(f'a[href="{section}"]'), "the listing section is linked from the saved homepage"


def test_syriatv_2018_article_links_match_the_pattern(shared_dir):
    syriatv = outlets()["syriatv"]
    page = (shared_dir / "data" / "outlet_pages" / "syria.tv_homepage_2018.html").read_text(encoding="utf-8")
    hrefs = set(re.findall(r'href="(/content/[^"#?]+)"', page))
    assert len(hrefs) >= 20
    assert all(SiteMap(syriatv).is_article(syriatv.base_url + href) for href in hrefs)


# ----------------------------------------------------------------------------- snapshot copies

def _build_module():
    sys.path.insert(0, str(SNAPSHOT))
    import build  # snapshot/build.py

    return build


@pytest.mark.parametrize("outlet", load_outlets(), ids=lambda o: o.slug)
def test_every_outlet_has_a_snapshot_copy_with_articles(outlet):
    assert (SNAPSHOT / "templates" / outlet.slug / "site.yaml").is_file()
    sources = sorted((SNAPSHOT / "content" / outlet.slug).glob("*.yaml"))
    assert len(sources) >= MIN_SNAPSHOT_ARTICLES
    site = SiteMap(outlet)
    for src in sources:
        doc = yaml.safe_load(src.read_text(encoding="utf-8"))
        assert site.is_article(site.resolve(doc["path"])), src


@pytest.mark.parametrize("outlet", load_outlets(), ids=lambda o: o.slug)
def test_the_outlets_own_link_selector_finds_its_snapshot_articles(outlet):
    """Listing page 1 of the built copy, read as the crawler reads it (<base href> included)."""
    build = _build_module()
    first = outlet.listing.url.replace("{page}", str(outlet.listing.first_page))
    file = SNAPSHOT / "sites" / outlet.slug / build.file_for(first, ".html")
    if not file.is_file():
        pytest.skip("snapshot/sites is not built")
    sel = Selector(text=file.read_text(encoding="utf-8"))
    base = urljoin(outlet.base_url + first, sel.css("base::attr(href)").get() or "")
    site = SiteMap(outlet)
    found = {site.canonical(urljoin(base, h)) for h in sel.css(outlet.listing.link_selector).getall()}
    articles = {u for u in found if site.is_article(u)}
    assert len(articles) >= 2, found

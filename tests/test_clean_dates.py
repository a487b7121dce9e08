"""Publication timestamp: each source, the priority order, timezones, copyright-year rejection."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from test_clean_extract import article_page

from etl.clean import dates, html

DAMASCUS = ZoneInfo("Asia/Damascus")
FETCHED = datetime(2022, 1, 22, 3, 0, tzinfo=UTC)
FEED = {"published": "Fri, 21 Jan 2022 14:05:00 +0200"}
JSONLD = {"@context": "https://schema.org", "@graph": [
    {"@type": "WebSite", "name": "x"},
    {"@type": "NewsArticle", "datePublished": "2022-01-21T13:00:00+02:00", "dateModified": "2022-01-21T18:00:00+02:00"}]}
META = '<meta property="article:published_time" content="2022-01-21T12:30:00+02:00">'
URL = "https://www.enabbaladi.net/archives/2022/01/20/some-slug/"
PLAIN_URL = "https://www.syriahr.com/519000/"


def _pick(page: str, url: str = PLAIN_URL, feed: dict | None = None, selector: str | None = None) -> dates.Published:
    return dates.published_at(html.parse(page), url, feed or {}, DAMASCUS, selector, FETCHED)


def test_priority_order_feed_jsonld_meta_url_visible():
    full = article_page(head=META, jsonld=JSONLD, visible_date="20 كانون الثاني 2022")
    assert _pick(full, URL, FEED) == dates.Published(datetime(2022, 1, 21, 14, 5, tzinfo=timezone(timedelta(hours=2))), "feed")
    got = _pick(full, URL)
    assert (got.source, got.at.isoformat()) == ("jsonld", "2022-01-21T13:00:00+02:00")
    got = _pick(article_page(head=META, visible_date="20 كانون الثاني 2022"), URL)
    assert (got.source, got.at.isoformat()) == ("meta", "2022-01-21T12:30:00+02:00")
    got = _pick(article_page(visible_date="19 كانون الثاني 2022"), URL)
    assert (got.source, got.at.isoformat()) == ("url", "2022-01-20T12:00:00+02:00")
    got = _pick(article_page(visible_date="19 كانون الثاني 2022"))
    assert (got.source, got.at.isoformat()) == ("visible", "2022-01-19T12:00:00+02:00")


def test_visible_dates_in_both_month_systems_and_arabic_indic_digits():
    for text in ("الخميس ٢٠ يناير ٢٠٢٢", "20 كانون الثاني 2022", "20/01/2022"):
        got = _pick(article_page(visible_date=text))
        assert (got.source, got.at.date().isoformat()) == ("visible", "2022-01-20"), text


def test_outlet_date_selector_counts_as_visible():
    page = article_page(visible_date="", extra_body='<time class="pub" datetime="2022-01-20T09:15:00">صباحاً</time>')
    got = _pick(page, selector="time.pub::attr(datetime)")
    assert (got.source, got.at.isoformat()) == ("visible", "2022-01-20T09:15:00+02:00")


def test_no_date_only_copyright_year_in_footer():
    page = article_page(visible_date="", footer_year=2022)
    assert _pick(page) == dates.Published(None, "none")
    assert _pick(page).missing


def test_bare_years_and_year_months_are_never_dates():
    year_only = {"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2022"}
    page = article_page(visible_date="", jsonld=year_only, head='<meta name="date" content="2022-01">')
    assert _pick(page, feed={"published": "2022"}) == dates.Published(None, "none")


def test_implausible_dates_are_skipped_for_the_next_source():
    future = {"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2030-01-01T00:00:00Z"}
    got = _pick(article_page(jsonld=future, head=META))
    assert got.source == "meta"
    assert not dates.plausible(datetime(1990, 1, 1, tzinfo=UTC), FETCHED)


def test_offsetless_timestamps_use_the_outlet_zone_winter_2022_is_utc_plus_2():
    stamp = dates.parse_timestamp("2022-01-21T14:05:00", DAMASCUS)
    assert stamp.utcoffset() == timedelta(hours=2)
    assert stamp.astimezone(UTC).isoformat() == "2022-01-21T12:05:00+00:00"
    assert dates.parse_timestamp("2023-01-21T14:05:00", DAMASCUS).utcoffset() == timedelta(hours=3)


def test_date_only_sources_are_local_noon():
    stamp = dates.parse_timestamp("2022-01-21", DAMASCUS)
    assert stamp.isoformat() == "2022-01-21T12:00:00+02:00"
    assert stamp.astimezone(UTC).date().isoformat() == "2022-01-21"


def test_feed_formats_rfc822_iso_and_arabic_indic():
    assert dates.parse_timestamp("Fri, 21 Jan 2022 12:05:00 GMT", DAMASCUS).isoformat() == "2022-01-21T12:05:00+00:00"
    assert dates.parse_timestamp("2022-01-21T12:05:00Z", DAMASCUS).isoformat() == "2022-01-21T12:05:00+00:00"
    assert dates.parse_timestamp("٢٠٢٢-٠١-٢١T14:05:00+0300", DAMASCUS).isoformat() == "2022-01-21T14:05:00+03:00"
    assert dates.parse_timestamp("not a date", DAMASCUS) is None


def test_trafilatura_date_guess_is_not_used():
    # trafilatura itself reports the footer's copyright year for this page; we report no date.
    import trafilatura

    page = article_page(visible_date="", footer_year=2021)
    guess = trafilatura.bare_extraction(page, with_metadata=True).as_dict()["date"]
    assert guess is not None and guess.startswith("2021")
    assert _pick(page).source == "none"


def test_jsonld_with_broken_json_is_skipped():
    page = article_page(visible_date="").replace("</head>", '<script type="application/ld+json">{"broken": </script></head>')
    page = page.replace("</head>", META + "</head>")
    assert _pick(page).source == "meta"
    assert json.dumps(dates.SOURCES)


def test_header_today_widget_is_not_the_publication_date_but_a_byline_above_h1_is():
    page = article_page(visible_date="").replace("<nav>", '<div class="today">الأربعاء 26 كانون الثاني 2022</div><nav>')
    assert _pick(page).source == "none"
    byline = article_page(visible_date="").replace('<h1 class="entry-title">', '<span class="cat">أخبار</span><time>20 كانون الثاني 2022</time><h1 class="entry-title">')
    got = _pick(byline)
    assert (got.source, got.at.date().isoformat()) == ("visible", "2022-01-20")


def test_event_dates_in_the_first_paragraph_are_not_publication_dates():
    prose = ["قُتل ٣ عناصر من ميليشيا أسد في 21 كانون الثاني/يناير 2022، خلال اشتباكات مع مقاتلي هيئة تحرير الشام على محور تلال الكبانة."]
    assert _pick(article_page(prose + PROSE_TAIL, visible_date="")) == dates.Published(None, "none")


PROSE_TAIL = ["وفي ريف حماة الغربي، قُتل راعي أغنام بقصف مدفعي استهدف أطراف قرية السرمانية في سهل الغاب."]

"""The offline outlet snapshot: snapshot/build.py output and the etl.snapshot server.

Built from tests/fixtures/snapshot_content (3 articles per outlet: 2 in the main window, 1 older),
so the checks do not depend on the article sources being written in snapshot/content.
"""

from __future__ import annotations

import filecmp
import http.client
import importlib.util
import json
import re
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote, urlsplit

import feedparser
import pytest
import yaml

from etl.snapshot import start_server

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "snapshot_content"
OUTLETS_FILE = REPO / "scrapers" / "outlets.yaml"
SLUGS = ["orient", "enab", "syriatv", "npa", "sohr", "horrya", "sana", "zamanalwsl", "dez24", "suwayda24", "hfl"]
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}
ORIENT_NEW = "/ar/news_show/198701/0/قصف-مدفعي-على-ريف-إدلب"
ORIENT_FLAKY = "/ar/news_show/198702/0/اشتباكات-في-ريف-درعا"  # 2nd newest orient fixture
ORIENT_OLD_ID = "198650"
SYRIATV_NO_DATE = "/explosion-in-azaz"


def _load_build_module():
    spec = importlib.util.spec_from_file_location("snapshot_build", REPO / "snapshot" / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


BUILD = _load_build_module()


def run_build(out: Path) -> dict:
    return BUILD.build(FIXTURES, out, OUTLETS_FILE, REPO / "snapshot" / "routes.yaml", REPO / "snapshot" / "templates")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sites")
    run_build(out)
    return out


@pytest.fixture(scope="module")
def server(site: Path):
    with start_server(site) as srv:
        yield srv


def page(site: Path, slug: str, path: str) -> str:
    return (site / slug / BUILD.file_for(path, ".html")).read_text(encoding="utf-8")


def fetch(url: str, method: str = "GET", **headers: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    request = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def raw_get(server, path: str) -> http.client.HTTPResponse:
    """GET without following redirects."""
    conn = http.client.HTTPConnection(urlsplit(server.base_url).netloc, timeout=10)
    conn.request("GET", path)
    return conn.getresponse()


# ----------------------------------------------------------------------------- configuration

def test_every_outlet_has_the_required_keys() -> None:
    config = yaml.safe_load(OUTLETS_FILE.read_text(encoding="utf-8"))
    assert set(config["defaults"]) >= {"language", "timezone", "enabled", "max_listing_pages", "politeness"}
    assert [o["slug"] for o in config["outlets"]] == SLUGS
    for outlet in config["outlets"]:
        assert set(outlet) >= {"slug", "name", "base_url", "domains", "feeds", "sitemaps", "listing",
                               "article_url_pattern"}, outlet["slug"]
        assert outlet["base_url"].startswith("https://")
        assert urlsplit(outlet["base_url"]).hostname in outlet["domains"]
        assert "{page}" in outlet["listing"]["url"] and "::attr(href)" in outlet["listing"]["link_selector"]
        assert outlet["feeds"] and isinstance(outlet["sitemaps"], list)
        assert bool(outlet["sitemaps"]) != (outlet["slug"] == "zamanalwsl")  # the one outlet without a sitemap
        re.compile(outlet["article_url_pattern"])


@pytest.mark.parametrize("content_dir", [FIXTURES, REPO / "snapshot" / "content"], ids=["fixtures", "content"])
def test_article_paths_match_the_outlet_pattern(content_dir: Path) -> None:
    outlets = {o["slug"]: o for o in yaml.safe_load(OUTLETS_FILE.read_text(encoding="utf-8"))["outlets"]}
    files = sorted(content_dir.glob("*/*.yaml"))
    if not files:
        pytest.skip(f"no article sources in {content_dir}")
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert re.search(outlets[path.parent.name]["article_url_pattern"], doc["path"]), path


def test_amp_rule_maps_to_a_matching_article_path() -> None:
    npa = next(o for o in yaml.safe_load(OUTLETS_FILE.read_text(encoding="utf-8"))["outlets"] if o["slug"] == "npa")
    canonical = re.sub(npa["amp"]["pattern"], npa["amp"]["replace"], "/71230/amp/")
    assert canonical == "/71230/"
    assert re.search(npa["article_url_pattern"], canonical)
    assert not re.search(npa["article_url_pattern"], "/71230/amp/")


# ----------------------------------------------------------------------------- build output

def test_build_is_deterministic(site: Path, tmp_path: Path) -> None:
    run_build(tmp_path)
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert len(files) > 60
    _, mismatch, errors = filecmp.cmpfiles(site, tmp_path, [str(f) for f in files], shallow=False)
    assert mismatch == [] and errors == []


def test_article_page_has_title_dates_and_blocks(site: Path) -> None:
    text = page(site, "orient", ORIENT_NEW)
    assert re.search(r'<h1 class="news-title">قصف مدفعي على ريف إدلب الجنوبي</h1>', text)
    assert '<meta property="article:published_time" content="2022-01-21T14:05:00+02:00">' in text
    assert "21 كانون الثاني 2022 - 14:05" in text
    for block in ("شارك", "تويتر", "فيسبوك", "واتساب", "كلمات مفتاحية", "التعليقات", "مقالات ذات صلة",
                  "النشرة البريدية", "© 2022 أورينت نت - جميع الحقوق محفوظة"):
        assert block in text, block
    ld = json.loads(re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', text, re.S)[1])
    assert ld["@type"] == "NewsArticle" and ld["datePublished"] == "2022-01-21T14:05:00+02:00"
    assert ld["headline"] == "قصف مدفعي على ريف إدلب الجنوبي"


def test_date_styles_differ_by_outlet(site: Path) -> None:
    assert "٢٢ كانون الثاني ٢٠٢٢" in page(site, "syriatv", "/غارات-روسية-على-جبل-الزاوية")
    npa = page(site, "npa", "/71234/")
    assert "21 يناير 2022 - 21:10" in npa and "article:published_time" not in npa
    ld = json.loads(re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', npa, re.S)[1])
    assert "خلايا مسلحة هاجمت نقطة عسكرية" in ld["articleBody"]
    assert "٢٢ يناير، ٢٠٢٢" in page(site, "sohr", "/512345/")
    assert "22 كانون الثاني/يناير 2022" in page(site, "horrya", "/archives/145601")
    enab = page(site, "enab", "/537601/")
    assert "الجمعة 21 كانون الثاني 2022" in enab and '"@graph"' in enab


def test_no_date_article_carries_no_date_anywhere(site: Path) -> None:
    text = page(site, "syriatv", SYRIATV_NO_DATE)
    assert 'field--name-title field--type-string field--label-hidden">انفجار عبوة ناسفة في مدينة اعزاز</span></h1>' in text
    assert "published_time" not in text and "ld+json" not in text and "<time datetime" not in text
    assert re.findall(r"2022|٢٠٢٢|يناير|كانون", text) == ["2022"]  # only the copyright line
    feed = feedparser.parse((site / "syriatv" / "rss" / "index.xml").read_bytes())
    entry = next(e for e in feed.entries if "explosion-in-azaz" in e.link)
    assert "published" not in entry
    news = (site / "syriatv" / "sitemap-news.xml").read_text(encoding="utf-8")
    row = re.search(r"<url><loc>[^<]*explosion-in-azaz</loc>(.*?)</url>", news)[1]
    assert "lastmod" not in row and "publication_date" not in row


def test_windows_1256_page_is_encoded_as_declared(site: Path) -> None:
    raw = (site / "sohr" / "512301" / "index.html").read_bytes()
    assert b'<meta charset="windows-1256">' in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "المرصد: قصف صاروخي على محيط مدينة الباب" in raw.decode("windows-1256")


@pytest.mark.parametrize("slug", [s for s in SLUGS if s != "horrya"])  # horrya's feed is broken on purpose
def test_feeds_parse_and_list_only_the_window(site: Path, slug: str) -> None:
    config = next(o for o in yaml.safe_load(OUTLETS_FILE.read_text(encoding="utf-8"))["outlets"] if o["slug"] == slug)
    feed = feedparser.parse((site / slug / BUILD.file_for(config["feeds"][0], ".xml")).read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "rss20"
    dated = [e for e in feed.entries if "published_parsed" in e]
    assert dated and all(e.published_parsed[:3] >= (2022, 1, 20) for e in dated)
    assert all(e.get("author") for e in feed.entries)


def test_feed_edge_entries(site: Path) -> None:
    sohr = feedparser.parse((site / "sohr" / "feed" / "index.xml").read_bytes())
    assert "https://www.syriahr.com/519999/" in [e.link for e in sohr.entries]
    assert sohr.entries[0].published == "Sat, 22 Jan 2022 13:30:00 +0000"  # WordPress feeds are in UTC
    syriatv = feedparser.parse((site / "syriatv" / "rss" / "index.xml").read_bytes())
    links = [e.link for e in syriatv.entries]
    assert "https://www.syria.tv/live" in links
    assert any(link.endswith("?utm_source=rss&utm_medium=feed#comments") for link in links)
    assert [t.term for t in syriatv.entries[-1].tags] == ["اعزاز", "اختبار"]


def test_malformed_feed_is_really_malformed(site: Path) -> None:
    raw = (site / "horrya" / "feed" / "index.xml").read_bytes()
    assert feedparser.parse(raw).bozo == 1
    with pytest.raises(ET.ParseError):
        ET.fromstring(raw)


def test_sitemaps(site: Path) -> None:
    index = ET.parse(site / "orient" / "sitemap.xml").getroot()
    children = [urlsplit(loc.text).path for loc in index.findall("sm:sitemap/sm:loc", NS)]
    assert children == ["/sitemap-news.xml", "/sitemap-articles-1.xml"]
    news = ET.parse(site / "orient" / "sitemap-news.xml").getroot()
    dates = [d.text for d in news.findall("sm:url/news:news/news:publication_date", NS)]
    assert dates == ["2022-01-21T14:05:00+02:00", "2022-01-20T09:30:00+02:00"]
    archive = ET.parse(site / "orient" / "sitemap-articles-1.xml").getroot()
    locs = [loc.text for loc in archive.findall("sm:url/sm:loc", NS)]
    assert len(locs) == 3 and ORIENT_OLD_ID in locs[-1]
    assert not any(ORIENT_OLD_ID in (loc.text or "") for loc in news.iter(f"{{{NS['sm']}}}loc"))


def test_listing_pages_put_older_articles_on_page_two(site: Path) -> None:
    section = site / "orient" / "ar" / "cat_show" / "1" / "خبر-وتقرير"
    first = (section / "index.page-1.html").read_text(encoding="utf-8")
    second = (section / "index.page-2.html").read_text(encoding="utf-8")
    assert first == (section / "index.html").read_text(encoding="utf-8")
    assert first.count('<div class="caption"><a href="ar/news_show/') == 2 and ORIENT_OLD_ID not in first
    assert second.count('<div class="caption"><a href="ar/news_show/') == 1 and ORIENT_OLD_ID in second
    assert (site / "syriatv" / "أخبار-سوريا" / "محلية" / "index.page-0.html").exists()  # Drupal pager starts at 0
    # a listing selected by a query on the home path: its own files, the home page stays the home page
    assert "?p=15850" in (site / "suwayda24" / "index.paged-2.html").read_text(encoding="utf-8")
    assert "flexslider" in (site / "suwayda24" / "index.html").read_text(encoding="utf-8")
    horrya = (site / "horrya" / "archives" / "category" / "news" / "page" / "1" / "index.html").read_text("utf-8")
    assert "https://horrya.net/archives/999001" in horrya


def test_robots_per_outlet(site: Path) -> None:
    robots = (site / "enab" / "robots.txt").read_text(encoding="utf-8")
    assert "Disallow: /wp-admin/\n" in robots and "Sitemap: https://www.enabbaladi.net/sitemap_index.xml" in robots
    assert "Sitemap:" not in (site / "zamanalwsl" / "robots.txt").read_text(encoding="utf-8")


def test_query_selected_articles_and_wordpress_core_sitemaps(site: Path) -> None:
    """Suwayda 24's plain permalinks are files with an infix; dez24's wp-sitemap.xml indexes its posts sitemap."""
    assert BUILD.file_for("/?p=16030", ".html") == Path("index.p-16030.html")
    assert BUILD.file_for("/?cat=%2A&paged=2", ".html") == Path("index.paged-2.html")
    with pytest.raises(ValueError):
        BUILD.file_for("/?p=../../x", ".html")
    assert "احتجاج في شهبا على غلاء الأسعار" in (site / "suwayda24" / "index.p-16030.html").read_text(encoding="utf-8")
    index = ET.parse(site / "dez24" / "wp-sitemap.xml").getroot()
    assert [urlsplit(loc.text).path for loc in index.findall("sm:sitemap/sm:loc", NS)] == ["/wp-sitemap-posts-post-1.xml"]
    assert not (site / "dez24" / "news-sitemap.xml").exists()


# ----------------------------------------------------------------------------- server

def test_server_rewrites_outlet_urls_into_its_prefix(server) -> None:
    status, headers, body = fetch(server.url_for("orient") + "/rss")
    assert status == 200 and headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert int(headers["Content-Length"]) == len(body)
    text = body.decode("utf-8")
    assert "orient-news.net" not in text
    feed = feedparser.parse(body)
    assert feed.entries[0].link == server.url_for("orient") + quote(ORIENT_NEW)
    status, _, article = fetch(feed.entries[0].link)
    assert status == 200 and "قصف مدفعي على ريف إدلب الجنوبي" in article.decode("utf-8")
    assert b"https://orient-news.net" not in article  # (the share links carry it percent-encoded)
    # Orient writes relative links under <base href>: the base is rewritten into the prefix too
    assert f'<base href="{server.url_for("orient")}/">'.encode() in article


def test_server_serves_query_listing_pages_and_amp(server) -> None:
    section = server.url_for("orient") + quote("/ar/cat_show/1/خبر-وتقرير")
    assert fetch(section + "?page=2")[0] == 200
    assert fetch(section + "?page=9")[0] == 404
    status, _, body = fetch(server.url_for("suwayda24") + "/?p=16030&utm_source=rss")
    assert status == 200 and "احتجاج في شهبا" in body.decode("utf-8")
    assert fetch(server.url_for("suwayda24") + "/?p=99999")[0] == 404
    assert fetch(server.url_for("suwayda24") + "/?p=abc")[0] == 404
    assert fetch(server.url_for("suwayda24") + "/?cat=%2A&paged=2")[0] == 200
    status, _, body = fetch(server.url_for("npa") + "/71230/amp/")
    assert status == 200 and f'<link rel="canonical" href="{server.url_for("npa")}/71230/">'.encode() in body
    assert fetch(server.url_for("syriatv") + quote("/غارات-روسية-على-جبل-الزاوية") + "?utm_source=rss")[0] == 200


def test_server_robots_at_root_and_per_outlet(server) -> None:
    status, headers, body = fetch(server.base_url + "/robots.txt")
    assert status == 200 and headers["Content-Type"] == "text/plain; charset=utf-8"
    text = body.decode("utf-8")
    assert "Disallow: /enab/wp-admin/\n" in text and "Disallow: /orient/ar/search/\n" in text
    assert f"Sitemap: {server.url_for('horrya')}/sitemap.xml" in text
    own = fetch(server.url_for("sohr") + "/robots.txt")[2].decode("utf-8")
    assert f"Sitemap: {server.url_for('sohr')}/news-sitemap.xml" in own


def test_server_404_for_a_linked_missing_article(server) -> None:
    status, _, body = fetch(server.url_for("sohr") + "/519999/")
    assert status == 404 and b"404" in body
    assert fetch(server.base_url + "/nosuchoutlet/")[0] == 404
    assert fetch(server.url_for("orient") + "/../../etc/passwd")[0] == 404


def test_server_flaky_article_fails_twice_then_succeeds(site: Path) -> None:
    with start_server(site) as fresh:
        url = fresh.url_for("orient") + quote(ORIENT_FLAKY)
        assert [fetch(url)[0] for _ in range(4)] == [500, 500, 200, 200]
    with start_server(site) as again:  # the counter belongs to one server instance
        assert fetch(again.url_for("orient") + quote(ORIENT_FLAKY))[0] == 500


def test_server_redirects_the_old_url_scheme(server) -> None:
    old = "/enab/archives/537480"  # Enab Baladi's old /archives/<id> -> the current /<id>/
    response = raw_get(server, old)
    assert response.status == 301
    assert response.getheader("Location") == server.url_for("enab") + "/537480/"
    assert fetch(server.base_url + old)[0] == 200


def test_server_oversized_page(server) -> None:
    status, headers, _ = fetch(server.url_for("horrya") + "/archives/999001", method="HEAD")
    assert status == 200 and headers["Content-Length"] == "12582912"
    status, _, body = fetch(server.url_for("horrya") + "/archives/999001")
    assert len(body) == 12582912 and body.rstrip().endswith(b"</html>")


def test_server_windows_1256_header(server) -> None:
    status, headers, body = fetch(server.url_for("sohr") + "/512301/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=windows-1256"
    assert "قصف صاروخي" in body.decode("windows-1256")
    assert server.url_for("sohr").encode() in body


def test_server_conditional_requests(server) -> None:
    url = server.url_for("npa") + "/feed/"
    status, headers, _ = fetch(url)
    assert status == 200 and headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert fetch(url, **{"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, **{"If-None-Match": '"other"'})[0] == 200
    assert fetch(url, **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200


def test_server_malformed_feed_still_served_and_sitemap_works(server) -> None:
    status, headers, body = fetch(server.url_for("horrya") + "/feed/")
    assert status == 200 and headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert feedparser.parse(body).bozo == 1
    status, _, sitemap = fetch(server.url_for("horrya") + "/sitemap-news.xml")
    locs = [loc.text for loc in ET.fromstring(sitemap).findall("sm:url/sm:loc", NS)]
    assert status == 200 and server.url_for("horrya") + "/archives/999001" in locs


def test_server_binds_loopback_by_default(site: Path) -> None:
    with start_server(site) as srv:
        assert srv.base_url.startswith("http://127.0.0.1:") and srv.port > 0

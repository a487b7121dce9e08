"""Discovery that survives site changes, end to end with `hadath crawl`:

- on the snapshot, an outlet whose configured feed and sitemap have moved (404) still yields every
  window article, through the feed its homepage announces and the sitemap its robots.txt names;
- on a small local site that announces nothing, the usual WordPress paths are found (/feed/,
  /wp-sitemap.xml); when nothing is found, each guess was asked for once and the outlet fails.
The crawl summary says what was used.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from scrapers.fallback import WELL_KNOWN_FEEDS, WELL_KNOWN_SITEMAPS
from tests.conftest import ROOT, query
from tests.test_crawl_snapshot import MAIN, expected_urls

WINDOW = ("--since", "2022-01-20", "--until", "2022-01-22")


def hadath_crawl(outlets: Path, base_url: str, *slugs: str) -> subprocess.CompletedProcess:
    args = [a for slug in slugs for a in ("--outlet", slug)]
    return subprocess.run([sys.executable, "-m", "etl.cli", "crawl", "--outlets-file", str(outlets), *WINDOW,
                           "--base-url", base_url, "--fast", *args], cwd=ROOT, env=os.environ.copy(),
                          capture_output=True, text=True, timeout=300, check=False)


def last_run(url: str, slug: str) -> tuple:
    return query(url, "SELECT status, errors, discovery FROM raw.crawl_runs WHERE outlet = %s "
                      "ORDER BY crawl_run_id DESC LIMIT 1", (slug,))[0]


def moved_outlets(folder: Path) -> Path:
    """scrapers/outlets.yaml with enab's feed and sitemap moved away and its listing dropped."""
    data = yaml.safe_load((ROOT / "scrapers" / "outlets.yaml").read_text(encoding="utf-8"))
    enab = next(o for o in data["outlets"] if o["slug"] == "enab")
    enab.update(feeds=["/rss-moved.xml"], sitemaps=["/sitemap-moved.xml"])
    enab.pop("listing", None)
    path = folder / "outlets_moved.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_moved_feed_and_sitemap_found_through_homepage_and_robots_txt(fresh_db_url, tmp_path):
    from etl.snapshot import start_server

    with start_server() as server:
        res = hadath_crawl(moved_outlets(tmp_path), server.base_url, "enab")
    assert res.returncode == 0, res.stdout + res.stderr
    stored = {r[0] for r in query(fresh_db_url, "SELECT canonical_url FROM raw.articles")}
    assert stored == expected_urls("enab", MAIN)
    status, errors, discovery = last_run(fresh_db_url, "enab")
    assert status == "partial" and errors == {"http_404": 2}  # the configured feed and sitemap
    used = {(s["kind"], s["origin"]) for s in discovery if s["used"]}
    assert used == {("feed", "homepage"), ("sitemap", "robots")}
    feed = next(s for s in discovery if s["used"] and s["kind"] == "feed")
    assert feed["url"] == "https://www.enabbaladi.net/feed/" and feed["links"] > 0
    line = next(x.strip() for x in res.stdout.splitlines() if x.strip().startswith("discovery:"))
    assert line.startswith(f"discovery: used feed /feed/ (homepage link, {feed['links']} links), "
                           "sitemap /sitemap_index.xml (robots.txt, 2 links)")
    assert line.endswith("failed feed /rss-moved.xml http_404, sitemap /sitemap-moved.xml http_404")


# ---------------------------------------------------------------------- a site that announces nothing
ARTICLE = ('<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{n}</title>'
           '<meta property="og:type" content="article">'
           '<meta property="article:published_time" content="2022-01-21T10:00:00+02:00"></head>'
           "<body><article><h1>خبر {n}</h1><p>نص الخبر.</p></article></body></html>")


def rss(prefix: str, ids: list[int]) -> str:
    items = "".join(f"<item><title>{n}</title><link>{prefix}/news/{n}/</link>"
                    "<pubDate>Fri, 21 Jan 2022 10:00:00 +0200</pubDate></item>" for n in ids)
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'


def urlset(prefix: str, ids: list[int]) -> str:
    urls = "".join(f"<url><loc>{prefix}/news/{n}/</loc><lastmod>2022-01-21T10:00:00+02:00</lastmod></url>"
                   for n in ids)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


def index(prefix: str) -> str:
    return ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{prefix}/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>")


class Site(BaseHTTPRequestHandler):
    """/<slug>/...: `wp` has /feed/ and /wp-sitemap.xml, `gone` has nothing but its homepage."""

    hits: dict[str, int] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        Site.hits[self.path] = Site.hits.get(self.path, 0) + 1
        prefix = f"http://{self.headers['Host']}/{self.path.split('/')[1]}"
        pages = {
            "/wp/": "<html><head><title>home</title></head><body>no feed announced</body></html>",
            "/gone/": "<html><head><title>home</title></head><body>no feed announced</body></html>",
            "/wp/robots.txt": "User-agent: *\nDisallow: /wp-admin/\n",
            "/wp/feed/": rss(prefix, [201, 202]),
            "/wp/wp-sitemap.xml": index(prefix),
            "/wp/wp-sitemap-posts-post-1.xml": urlset(prefix, [202, 203]),
            **{f"/wp/news/{n}/": ARTICLE.format(n=n) for n in (201, 202, 203)},
        }
        body = pages.get(self.path.split("?")[0])  # a query is ignored, as most sites do
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        data = (body or "not found").encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def local_site(tmp_path) -> Iterator[tuple[str, Path]]:
    outlets = tmp_path / "outlets.yaml"
    entry = {"feeds": ["/rss.xml"], "sitemaps": ["/sitemap.xml"], "article_url_pattern": r"^/news/\d+/$"}
    outlets.write_text(yaml.safe_dump({"outlets": [
        {"slug": "wp", "name": "WordPress site", "base_url": "https://wp.example", **entry},
        {"slug": "gone", "name": "Site without feeds", "base_url": "https://gone.example", **entry}]}))
    Site.hits = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", outlets
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_usual_wordpress_paths_are_found(fresh_db_url, local_site):
    base, outlets = local_site
    res = hadath_crawl(outlets, base, "wp")
    assert res.returncode == 0, res.stdout + res.stderr
    stored = {r[0] for r in query(fresh_db_url, "SELECT canonical_url FROM raw.articles")}
    assert stored == {f"https://wp.example/news/{n}/" for n in (201, 202, 203)}
    status, errors, discovery = last_run(fresh_db_url, "wp")
    assert status == "partial" and errors == {"http_404": 2}
    assert {(s["kind"], s["url"], s["origin"]) for s in discovery if s["used"]} == {
        ("feed", "https://wp.example/feed/", "well_known"), ("sitemap", "https://wp.example/wp-sitemap.xml",
                                                            "well_known")}
    assert "discovery: used feed /feed/ (usual path, 2 links), sitemap /wp-sitemap.xml (usual path, 1 links)" \
        in res.stdout


def test_nothing_found_fails_after_one_request_per_guess(fresh_db_url, local_site):
    base, outlets = local_site
    res = hadath_crawl(outlets, base, "gone")
    assert res.returncode == 1 and res.stderr.strip().endswith("hadath: crawl failed for gone")
    status, errors, discovery = last_run(fresh_db_url, "gone")
    assert status == "failed" and errors == {"http_404": 2}
    guesses = [s for s in discovery if s["origin"] == "well_known"]
    # every usual path but the configured ones, once each (guesses are not retried)
    expected = {p for p in (*WELL_KNOWN_FEEDS, *WELL_KNOWN_SITEMAPS) if p not in ("/rss.xml", "/sitemap.xml")}
    assert sorted(s["url"].removeprefix("https://gone.example") for s in guesses) == sorted(expected)
    assert all(Site.hits.get(f"/gone{p}") == 1 for p in expected)
    assert f"{len(guesses)} fallback(s) tried in vain" in res.stdout

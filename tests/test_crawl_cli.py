"""`hadath crawl` end to end against a small local site for a 7th, test-config-only outlet.

The site (served under /halab/ like the snapshot server serves outlets) has one of each edge
case, so these tests do not depend on the snapshot; tests/test_crawl_snapshot.py crawls that.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import ROOT, query

FIXTURES = Path(__file__).parent / "fixtures" / "scrapers"
TEST_OUTLETS = str(FIXTURES / "outlets_test.yaml")
REAL = "https://halab-today.example"
BIG = 6 * 1024 * 1024  # above DOWNLOAD_MAXSIZE (5 MB)


def article(title: str, published: str, canonical: str | None = None, og: str = "article") -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{title}</title>{link}'
            f'<meta property="og:type" content="{og}">'
            f'<meta property="article:published_time" content="{published}"></head>'
            f"<body><article><h1>{title}</h1><p>نص الخبر.</p></article></body></html>").encode()


def feed(prefix: str) -> bytes:
    items = [
        ("/news/1001/clashes-north?utm_source=rss&amp;utm_medium=feed#comments", "Fri, 21 Jan 2022 14:05:00 +0200"),
        ("/news/1002/old-news/", "Mon, 10 Jan 2022 09:00:00 +0200"),
        ("/news/1010/flaky/", "Fri, 21 Jan 2022 10:00:00 +0200"),
        ("/news/1011/missing/", "Fri, 21 Jan 2022 11:00:00 +0200"),
        ("/news/1012/old-slug/", "Fri, 21 Jan 2022 12:00:00 +0200"),
        ("/news/1013/live/", "Fri, 21 Jan 2022 13:00:00 +0200"),
        ("/news/1014/huge/", "Fri, 21 Jan 2022 15:00:00 +0200"),
        ("/news/1015/streamed-huge/", "Fri, 21 Jan 2022 15:30:00 +0200"),  # no Content-Length
        ("/news/1099/members-only/", "Fri, 21 Jan 2022 16:00:00 +0200"),  # disallowed by robots.txt
    ]
    body = "".join(f"<item><title>خبر {path.split('/')[2]}</title><link>{prefix}{path}</link><pubDate>{date}</pubDate>"
                   f"<author>reporter@halab-today.example (مراسل)</author><category>حلب</category></item>"
                   for path, date in items)
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{body}</channel></rss>'.encode()


def sitemap(prefix: str) -> bytes:
    urls = [("/news/1001/clashes-north/", "2022-01-21T14:05:00+02:00"),
            ("/news/0901/backfill-one/", "2022-01-12T10:00:00+02:00")]
    body = "".join(f"<url><loc>{prefix}{p}</loc><news:news><news:publication_date>{d}</news:publication_date>"
                   "</news:news></url>" for p, d in urls)
    return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{body}</urlset>').encode()


def listing(prefix: str, links: list[tuple[str, str]]) -> bytes:
    items = "".join(f'<li><a class="title" href="{prefix}{p}">x</a><time datetime="{d}">d</time></li>'
                    for p, d in links)
    return f'<html><body><ul class="news">{items}</ul></body></html>'.encode()


class Site:
    """Routes of the halab mirror; `hits` counts requests per path."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()

    def respond(self, path: str, prefix: str) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            hits = self.hits[path]
        html = {"Content-Type": "text/html; charset=utf-8"}
        routes = {
            "/halab/": (200, html, b"<html><body>home</body></html>"),
            "/halab/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /news/1099/\n"),
            "/halab/news/1099/members-only/": (200, html, article("ممنوع", "2022-01-21T16:00:00+02:00")),
            "/halab/feed.xml": (200, {"Content-Type": "application/rss+xml", "ETag": '"f1"'}, feed(prefix)),
            "/halab/sitemap.xml": (200, {"Content-Type": "application/xml"}, sitemap(prefix)),
            "/halab/news/page/1/": (200, html, listing(prefix, [
                ("/news/1001/clashes-north/", "2022-01-21T14:05:00+02:00"),
                ("/news/1008/patrol/amp/", "2022-01-20T08:00:00+02:00")])),
            "/halab/news/page/2/": (200, html, listing(prefix, [
                ("/news/0902/backfill-two/", "2022-01-11T10:00:00+02:00")])),
            "/halab/news/1001/clashes-north/": (200, html, article("اشتباكات", "2022-01-21T14:05:00+02:00")),
            "/halab/news/1008/patrol/": (200, html, article("دورية", "2022-01-20T08:00:00+02:00")),
            "/halab/news/1012/new-slug/": (200, html, article("تحويل", "2022-01-21T12:00:00+02:00")),
            "/halab/news/1013/live/": (200, html, article("البث المباشر", "2022-01-21T13:00:00+02:00", og="website")),
            "/halab/news/1014/huge/": (200, html, b"<html>" + b"x" * BIG),
            "/halab/news/0901/backfill-one/": (200, html, article("قديم ١", "2022-01-12T10:00:00+02:00")),
            "/halab/news/0902/backfill-two/": (200, html, article("قديم ٢", "2022-01-11T10:00:00+02:00")),
        }
        if path == "/halab/news/1010/flaky/":
            return (500, html, b"oops") if hits <= 2 else (200, html, article("متقطع", "2022-01-21T10:00:00+02:00"))
        if path == "/halab/news/1012/old-slug/":
            return 301, {"Location": f"{prefix}/news/1012/new-slug/"}, b""
        return routes.get(path, (404, html, b"not found"))


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, Site]]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            host = f"http://{self.headers['Host']}/halab"
            if self.path == "/halab/news/1015/streamed-huge/":
                return self.stream(BIG)
            status, headers, body = state.respond(self.path.split("?")[0], host)
            self.send_response(status)
            for key, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def stream(self, size: int) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            chunk = b"x" * 65536
            try:
                for _ in range(size // len(chunk) + 1):
                    self.wfile.write(chunk)
            except OSError:
                pass  # the crawler hung up at DOWNLOAD_MAXSIZE

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()


def hadath(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl.cli", "crawl", *args], cwd=ROOT, env=os.environ.copy(),
                          capture_output=True, text=True, timeout=timeout, check=False)


def crawl_halab(base: str, *extra: str, since: str = "2022-01-20", until: str = "2022-01-22"):
    return hadath("--outlet", "halab", "--outlets-file", TEST_OUTLETS, "--since", since, "--until", until,
                  "--base-url", base, "--fast", *extra)


def articles(url: str) -> dict[str, tuple]:
    rows = query(url, "SELECT canonical_url, fetch_count, http_status, encoding, crawl_run_id FROM raw.articles")
    return {r[0]: r[1:] for r in rows}


def last_run(url: str) -> tuple:
    return query(url, "SELECT status, pages_fetched, new_articles, updated_articles, errors, skipped, window_start::text, "
                      "window_end::text, base_url FROM raw.crawl_runs ORDER BY crawl_run_id DESC LIMIT 1")[0]


def test_seventh_outlet_crawl_edge_cases_idempotence_refresh_backfill(site, fresh_db_url):
    base, state = site
    res = crawl_halab(base)
    assert res.returncode == 0, res.stderr
    stored = articles(fresh_db_url)
    expected = {f"{REAL}/news/1001/clashes-north/", f"{REAL}/news/1008/patrol/", f"{REAL}/news/1010/flaky/",
                f"{REAL}/news/1012/new-slug/"}
    assert set(stored) == expected
    assert stored[f"{REAL}/news/1001/clashes-north/"][:3] == (1, 200, "utf-8")
    status, pages, new, updated, errors, skipped, wstart, wend, base_url = last_run(fresh_db_url)
    assert (status, new, updated) == ("partial", 4, 0)
    assert errors == {"http_404": 1, "http_500_retried": 2, "too_large": 2}
    assert skipped["not_article"] == 1 and skipped["out_of_window"] >= 1 and skipped["robots_txt"] == 1
    assert "/halab/news/1099/members-only/" not in state.hits and state.hits["/halab/robots.txt"] == 1
    assert (wstart, wend) == ("2022-01-19 22:00:00+00", "2022-01-22 22:00:00+00")
    assert base_url == f"{base}/halab"
    assert pages >= 12
    assert state.hits["/halab/news/1010/flaky/"] == 3
    assert "  halab: " in res.stdout and " pages fetched, 4 new, 0 updated, " in res.stdout  # progress lines
    assert "halab" in res.stdout and "partial" in res.stdout and "http_500_retried=2" in res.stdout
    meta = query(fresh_db_url, "SELECT feed_meta FROM raw.articles WHERE canonical_url = %s",
                 (f"{REAL}/news/1001/clashes-north/",))[0][0]
    assert meta["title"] == "خبر 1001" and meta["categories"] == ["حلب"] and meta["published"].startswith("2022-01-21")

    # second identical crawl: nothing new, nothing refetched
    before = dict(state.hits)
    assert crawl_halab(base).returncode == 0
    assert articles(fresh_db_url) == stored
    assert last_run(fresh_db_url)[2:4] == (0, 0)
    assert state.hits["/halab/news/1001/clashes-north/"] == before["/halab/news/1001/clashes-north/"]

    # --refresh: refetch and update, never duplicate
    assert crawl_halab(base, "--refresh").returncode == 0
    refreshed = articles(fresh_db_url)
    assert set(refreshed) == expected
    assert {k: v[0] for k, v in refreshed.items()} == dict.fromkeys(expected, 2)
    assert last_run(fresh_db_url)[2:4] == (0, 4)

    # backfill an older window: the old articles come from the sitemap and listing page 2
    assert crawl_halab(base, since="2022-01-10", until="2022-01-12").returncode == 0
    old = set(articles(fresh_db_url)) - expected
    assert old == {f"{REAL}/news/0901/backfill-one/", f"{REAL}/news/0902/backfill-two/"}


def test_unreachable_outlet_is_one_line_and_quick(fresh_db_url):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once we leave: connection refused
    start = time.monotonic()
    res = crawl_halab(f"http://127.0.0.1:{port}")
    assert time.monotonic() - start < 30
    assert res.returncode == 1
    assert f"halab: http://127.0.0.1:{port}/halab/ is unreachable: connection refused" in res.stdout
    assert "Traceback" not in res.stderr and "hadath: crawl failed for halab" in res.stderr
    assert query(fresh_db_url, "SELECT status, errors FROM raw.crawl_runs") == [("failed", {"unreachable": 1})]


def test_dns_failure_in_live_mode(fresh_db_url, tmp_path):
    config = tmp_path / "o.yaml"
    config.write_text("outlets:\n  - {slug: nowhere, name: Nowhere, base_url: 'https://hadath-test.invalid', "
                      "feeds: [/feed/], article_url_pattern: '^/\\d+/$'}\n")
    res = hadath("--outlets-file", str(config), "--since", "2022-01-20", "--until", "2022-01-22", timeout=60)
    assert res.returncode == 1
    assert "nowhere: https://hadath-test.invalid/ is unreachable:" in res.stdout


@pytest.mark.parametrize("args, message", [
    (["--outlet", "nope"], "unknown outlet 'nope'"),
    (["--outlet", "orient", "--since", "2022-13-01"], "bad date '2022-13-01'"),
    (["--outlet", "orient", "--base-url", "ftp://x"], "--base-url must be an http(s) URL"),
])
def test_bad_input_exits_2(args, message, db_url):
    res = hadath(*args)
    assert res.returncode == 2 and message in res.stderr and "Traceback" not in res.stderr

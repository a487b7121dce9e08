"""Fault tests of `hadath crawl`: what an outlet that misbehaves leaves in raw.crawl_runs / raw.articles.

One local HTTP server (127.0.0.1) serves two test-only outlets (tests/fixtures/faults/outlets_faults.yaml)
under /faulty/ and /healthy/; each test gives /faulty/ one fault and crawls both outlets in one
`hadath crawl` invocation, so it also checks that the healthy outlet is unaffected.

Scrapy runs with tests/fixtures/faults/faults_scrapy_settings.py (SCRAPY_SETTINGS_MODULE): the production
settings with a 1 s DOWNLOAD_TIMEOUT, 0.05 s retry backoff and batches of 5 rows.

Covered elsewhere, not repeated here (tests/test_crawl_cli.py): an outlet that is down (connection
refused, test_unreachable_outlet_is_one_line_and_quick) or unknown to DNS (test_dns_failure_in_live_mode),
and pages of several MB with and without Content-Length (too_large=2 in
test_seventh_outlet_crawl_edge_cases_idempotence_refresh_backfill).

Observed and pinned here: a crawl killed with its whole process group leaves its raw.crawl_runs row
'running' for ever (nobody is left to finish it; the re-run is a new row), while a Scrapy child killed
alone is marked 'failed' with errors {"crawler_crashed": 1} by `hadath crawl`.
"""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import ROOT, query

FAULTS = Path(__file__).parent / "fixtures" / "faults"
OUTLETS = str(FAULTS / "outlets_faults.yaml")
FAULTY, HEALTHY = "https://faulty.example", "https://healthy.example"
HEALTHY_ARTICLES = {f"{HEALTHY}/news/{n}/" for n in (101, 102, 103)}
RETRY_TIMES = 3  # scrapers/settings.py: 1 + 3 attempts per request
HANG_S = 20.0  # a hanging handler gives up after this (the crawler's timeout is 1 s)
TRICKLE_S = 0.25  # a trickling handler sends one byte per this
RUN_TIMEOUT_S = 120  # no `hadath crawl` in this file may take longer (each takes seconds)
BOMB_MEMBER = 64 * 1024 * 1024  # one gzip member of zeros; 17 of them decompress to 1.06 GiB
BOMB_MEMBERS = 17
MAX_RSS_KB = 500 * 1024  # the crawl's peak RSS after a gzip bomb (ru_maxrss is in KiB on Linux)


def page(title: str, published: str | None) -> bytes:
    date = f'<meta property="article:published_time" content="{published}">' if published else ""
    return (f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="og:type" content="article">{date}</head>'
            f"<body><article><h1>{title}</h1><p>نص الخبر.</p></article></body></html>").encode()


def rss(prefix: str, items: list[tuple[str, str | None]]) -> bytes:
    body = "".join(f"<item><title>{path}</title><link>{prefix}{path}</link>"
                   + (f"<pubDate>{date}</pubDate>" if date else "") + "</item>" for path, date in items)
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{body}</channel></rss>'.encode()


def gzip_bomb() -> bytes:
    """A valid multi-member gzip body, ~1.1 MB, that inflates to BOMB_MEMBERS * 64 MiB of zeros."""
    member = gzip.compress(bytes(BOMB_MEMBER), compresslevel=9, mtime=0)
    return member * BOMB_MEMBERS


Handler = Callable[["Request"], None]


class Request(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        path = self.path.split("?")[0]
        self.site.hit(path)
        prefix = f"http://{self.headers['Host']}/{path.split('/')[1]}"
        special = self.site.fault(path)
        if special is not None:
            return special(self)
        status, headers, body = self.site.route(path, prefix)
        self.reply(status, body, headers)

    def reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            for key, value in {"Content-Type": "text/html; charset=utf-8", **(headers or {}),
                               "Content-Length": str(len(body))}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the crawler hung up (timeout, size cap)

    def log_message(self, *args) -> None:
        pass


class Site:
    """The two outlets; `faults` maps a /faulty/ path (or a "<prefix>*" pattern) to a handler."""

    def __init__(self) -> None:
        self.hits: dict[str, list[float]] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.faults: dict[str, Handler] = {}
        self.feed: list[tuple[str, str | None]] = []
        self.pages: dict[str, bytes] = {}
        self.delay = 0.0  # seconds before each /faulty/news/ page

    def reset(self) -> None:
        with self.lock:
            self.hits.clear()
        self.faults, self.feed, self.pages, self.delay = {}, [], {}, 0.0

    def fault(self, path: str) -> Handler | None:
        """The handler of a /faulty/ path: exact, else the longest "<prefix>*" key that matches."""
        if not path.startswith("/faulty/"):
            return None
        if path in self.faults:
            return self.faults[path]
        prefixes = [k for k in self.faults if k.endswith("*") and path.startswith(k[:-1])]
        return self.faults[max(prefixes, key=len)] if prefixes else None

    def hit(self, path: str) -> None:
        with self.lock:
            self.hits.setdefault(path, []).append(time.monotonic())

    def count(self, path: str) -> int:
        with self.lock:
            return len(self.hits.get(path, []))

    def route(self, path: str, prefix: str) -> tuple[int, dict[str, str], bytes]:
        text = {"Content-Type": "text/plain"}
        if path in ("/faulty/", "/healthy/"):
            return 200, {}, b"<html><body>home</body></html>"
        if path in ("/faulty/robots.txt", "/healthy/robots.txt"):
            return 200, text, b"User-agent: *\nDisallow: /private/\n"
        if path == "/healthy/feed.xml":
            return 200, {"Content-Type": "application/rss+xml"}, rss(prefix, [
                (f"/news/{n}/", f"Fri, 21 Jan 2022 1{n % 10}:00:00 +0200") for n in (101, 102, 103)])
        if path.startswith("/healthy/news/"):
            return 200, {}, page(path, "2022-01-21T10:00:00+02:00")
        if path == "/faulty/feed.xml":
            return 200, {"Content-Type": "application/rss+xml"}, rss(prefix, self.feed)
        if path in self.pages:
            if self.delay:
                self.stop.wait(self.delay)
            return 200, {}, self.pages[path]
        return 404, text, b"not found"


class Server(ThreadingHTTPServer):
    # With DOWNLOAD_DELAY 0, Scrapy 2.19 (asyncio reactor) starts up to CONCURRENT_REQUESTS (8) requests
    # to one host at once; the default backlog of 5 would drop SYNs, whose 1 s retransmit meets the 1 s
    # download timeout of these tests.
    request_queue_size = 64


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Site]]:
    site = Site()
    handler = type("Bound", (Request,), {"site": site})
    httpd = Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", site
    finally:
        site.stop.set()  # hanging / trickling handlers return
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def site(server) -> Iterator[tuple[str, Site]]:
    server[1].reset()
    yield server
    server[1].reset()


# ---------------------------------------------------------------------- fault handlers
def hang(req: Request) -> None:
    """Accept, read the request, never answer (until the test's teardown or HANG_S)."""
    req.site.stop.wait(HANG_S)
    req.close_connection = True


def trickle(req: Request) -> None:
    """Headers at once, then one byte every TRICKLE_S: the whole answer would take 10 s."""
    body = page("بطيء", "2022-01-21T10:00:00+02:00")
    try:
        req.send_response(200)
        req.send_header("Content-Type", "text/html; charset=utf-8")
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        for i in range(int(10 / TRICKLE_S)):
            if req.site.stop.wait(TRICKLE_S):
                return
            req.wfile.write(body[i:i + 1])
            req.wfile.flush()
    except OSError:
        return  # the crawler hung up at its timeout


def unavailable(req: Request) -> None:
    req.reply(503, b"Service Unavailable", {"Content-Type": "text/plain", "Retry-After": "1"})


def redirect_to(target: str) -> Handler:
    def handler(req: Request) -> None:
        req.reply(302, b"", {"Location": f"http://{req.headers['Host']}{target}"})
    return handler


def endless_redirects(req: Request) -> None:
    """/faulty/hop/N redirects to /faulty/hop/N+1, for ever: a new URL every time, never a loop."""
    n = int(req.path.rstrip("/").rsplit("/", 1)[1])
    redirect_to(f"/faulty/hop/{n + 1}")(req)


def disallow_all(req: Request) -> None:
    req.reply(200, b"User-agent: *\nDisallow: /\n", {"Content-Type": "text/plain"})


def serve_bomb(bomb: bytes) -> Handler:
    def handler(req: Request) -> None:
        req.reply(200, bomb, {"Content-Encoding": "gzip"})
    return handler


# ---------------------------------------------------------------------- running and reading
def crawl_command(base: str, *slugs: str, since: str = "2022-01-20", until: str = "2022-01-22") -> list[str]:
    outlets = [arg for slug in slugs for arg in ("--outlet", slug)]
    return [sys.executable, "-m", "etl.cli", "crawl", *outlets, "--outlets-file", OUTLETS,
            "--since", since, "--until", until, "--base-url", base]


def crawl_env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(FAULTS), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "SCRAPY_SETTINGS_MODULE": "faults_scrapy_settings", "PYTHONPATH": path}


# Runs a command and reports its descendants' peak RSS, measured in a process of its own so that
# nothing else this test session started counts (RUSAGE_CHILDREN covers waited-for descendants).
MAXRSS_WRAPPER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], check=False).returncode
print("MAXRSS_KB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def crawl(base: str, *slugs: str, measure: bool = False, **window: str) -> tuple[subprocess.CompletedProcess, float]:
    """`hadath crawl` of `slugs` (default: faulty then healthy); the result and its wall time in seconds."""
    cmd = crawl_command(base, *(slugs or ("faulty", "healthy")), **window)
    if measure:
        cmd = [sys.executable, "-c", MAXRSS_WRAPPER, *cmd]
    start = time.monotonic()
    res = subprocess.run(cmd, cwd=ROOT, env=crawl_env(), capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
                         check=False)
    assert "Traceback" not in res.stdout + res.stderr, res.stderr
    return res, time.monotonic() - start


def max_rss_kb(res: subprocess.CompletedProcess) -> int:
    [line] = [x for x in res.stderr.splitlines() if x.startswith("MAXRSS_KB ")]
    return int(line.split()[1])


def runs(url: str, outlet: str) -> list[tuple]:
    return query(url, "SELECT status, pages_fetched, new_articles, errors, skipped, finished_at IS NOT NULL "
                      "FROM raw.crawl_runs WHERE outlet = %s ORDER BY crawl_run_id", (outlet,))


def run(url: str, outlet: str) -> dict:
    [(status, pages, new, errors, skipped, _)] = runs(url, outlet)
    return {"status": status, "pages": pages, "new": new, "errors": errors, "skipped": skipped}


def stored(url: str, outlet: str) -> set[str]:
    return {r[0] for r in query(url, "SELECT canonical_url FROM raw.articles WHERE outlet = %s", (outlet,))}


def assert_healthy(url: str) -> None:
    assert run(url, "healthy") == {"status": "ok", "pages": 5, "new": 3, "errors": {}, "skipped": {}}
    assert stored(url, "healthy") == HEALTHY_ARTICLES



def articles_at(*numbers: int) -> list[tuple[str, str]]:
    return [(f"/news/{n}/", "Fri, 21 Jan 2022 10:00:00 +0200") for n in numbers]


def ok_pages(*numbers: int) -> dict[str, bytes]:
    return {f"/faulty/news/{n}/": page(f"خبر {n}", "2022-01-21T10:00:00+02:00") for n in numbers}


# ---------------------------------------------------------------------- 2. timeouts
def test_article_pages_that_never_answer_or_trickle_time_out(site, fresh_db_url):
    base, state = site
    state.feed = articles_at(2001, 2002, 2003)
    state.faults = {"/faulty/news/2001/": hang, "/faulty/news/2002/": trickle}
    state.pages = ok_pages(2003)
    res, elapsed = crawl(base)
    assert res.returncode == 0, res.stderr  # partial is not a failure
    assert elapsed < 40  # observed ~7 s: 2 pages x 4 attempts x 1 s timeout, 2 at a time
    # pages_fetched counts responses: robots.txt, the feed and the one article that answered
    assert run(fresh_db_url, "faulty") == {"status": "partial", "pages": 3, "new": 1,
                                           "errors": {"timeout": 2, "timeout_retried": 6}, "skipped": {}}
    assert stored(fresh_db_url, "faulty") == {f"{FAULTY}/news/2003/"}
    assert (state.count("/faulty/news/2001/"), state.count("/faulty/news/2002/")) == (4, 4)
    assert "faulty     partial" in res.stdout and "timeout=2" in res.stdout
    assert_healthy(fresh_db_url)


def test_outlet_that_never_answers_fails_at_the_probe(site, fresh_db_url):
    base, state = site
    state.faults = {"/faulty/*": hang}
    res, elapsed = crawl(base)
    assert res.returncode == 1
    assert elapsed < 40  # observed ~7 s: the 5 s reachability probe, then the healthy crawl
    assert f"faulty: {base}/faulty/ is unreachable: timed out" in res.stdout
    assert "hadath: crawl failed for faulty" in res.stderr
    assert run(fresh_db_url, "faulty") == {"status": "failed", "pages": 0, "new": 0, "errors": {"unreachable": 1},
                                           "skipped": {}}
    assert stored(fresh_db_url, "faulty") == set()
    assert set(state.hits) - {p for p in state.hits if p.startswith("/healthy/")} == {"/faulty/"}  # probe only
    assert_healthy(fresh_db_url)


# ---------------------------------------------------------------------- 3. a storm of 5xx
def test_every_article_503_is_retried_with_backoff_then_recorded(site, fresh_db_url):
    base, state = site
    state.feed = articles_at(3001, 3002, 3003)
    state.faults = {"/faulty/news/*": unavailable}
    res, elapsed = crawl(base)
    assert res.returncode == 0, res.stderr
    assert elapsed < 40
    assert run(fresh_db_url, "faulty") == {"status": "partial", "pages": 2 + 3 * (1 + RETRY_TIMES), "new": 0,
                                           "errors": {"http_503": 3, "http_503_retried": 3 * RETRY_TIMES},
                                           "skipped": {}}
    assert stored(fresh_db_url, "faulty") == set()
    for n in (3001, 3002, 3003):
        times = state.hits[f"/faulty/news/{n}/"]
        assert len(times) == 1 + RETRY_TIMES  # bounded
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        # exponential backoff (0.05 s base here, doubling): each wait at least its delay
        assert all(gap >= 0.05 * 2 ** i * 0.9 for i, gap in enumerate(gaps)), gaps
    assert_healthy(fresh_db_url)


def test_whole_outlet_503_fails_the_outlet_only(site, fresh_db_url):
    base, state = site
    state.feed = articles_at(3001)
    state.faults = {"/faulty/*": unavailable}  # the home page, robots.txt and the feed too
    res, elapsed = crawl(base)
    assert res.returncode == 1 and "hadath: crawl failed for faulty" in res.stderr
    assert elapsed < 40
    faulty = run(fresh_db_url, "faulty")
    # robots.txt and the feed: 4 attempts each; a robots.txt that cannot be read restricts nothing
    assert faulty == {"status": "failed", "pages": 2 * (1 + RETRY_TIMES), "new": 0,
                      "errors": {"http_503": 1, "http_503_retried": 2 * RETRY_TIMES}, "skipped": {}}
    assert state.count("/faulty/robots.txt") == state.count("/faulty/feed.xml") == 1 + RETRY_TIMES
    assert "/faulty/news/3001/" not in state.hits and stored(fresh_db_url, "faulty") == set()
    assert_healthy(fresh_db_url)


# ---------------------------------------------------------------------- 4. robots.txt
def test_robots_txt_disallowing_everything(site, fresh_db_url):
    base, state = site
    state.feed = articles_at(4001, 4002)
    state.pages = ok_pages(4001, 4002)
    state.faults = {"/faulty/robots.txt": disallow_all}
    res, _ = crawl(base)
    # nothing could be discovered, so the outlet's crawl is failed (the operator must look at it)
    assert res.returncode == 1
    assert run(fresh_db_url, "faulty") == {"status": "failed", "pages": 1, "new": 0, "errors": {},
                                           "skipped": {"robots_txt": 1}}
    faulty_hits = {p for p in state.hits if p.startswith("/faulty/")}
    assert faulty_hits == {"/faulty/", "/faulty/robots.txt"}  # the reachability probe, then robots.txt only
    assert state.count("/faulty/robots.txt") == 1
    assert stored(fresh_db_url, "faulty") == set()
    assert_healthy(fresh_db_url)


# ---------------------------------------------------------------------- 5. redirect loops
def test_redirect_loops_and_endless_redirects_are_errors(site, fresh_db_url):
    base, state = site
    state.feed = articles_at(5001, 5003, 5004, 5005)
    state.pages = ok_pages(5005)
    state.faults = {"/faulty/news/5001/": redirect_to("/faulty/news/5002/"),  # 5001 -> 5002 -> 5001
                    "/faulty/news/5002/": redirect_to("/faulty/news/5001/"),
                    "/faulty/news/5003/": redirect_to("/faulty/news/5003/"),  # to itself
                    "/faulty/news/5004/": redirect_to("/faulty/hop/1"),  # hop/1 -> hop/2 -> ... for ever
                    "/faulty/hop/*": endless_redirects}
    res, elapsed = crawl(base)
    assert res.returncode == 0, res.stderr
    assert elapsed < 40
    hops = sum(1 for p in state.hits if p.startswith("/faulty/hop/"))
    assert hops == 20  # REDIRECT_MAX_TIMES
    assert run(fresh_db_url, "faulty") == {"status": "partial", "pages": 2 + 2 + 1 + 1 + hops + 1, "new": 1,
                                           "errors": {"redirect_loop": 2, "too_many_redirects": 1}, "skipped": {}}
    assert state.count("/faulty/news/5001/") == state.count("/faulty/news/5002/") == 1
    assert state.count("/faulty/news/5003/") == 1
    assert stored(fresh_db_url, "faulty") == {f"{FAULTY}/news/5005/"}
    assert_healthy(fresh_db_url)


# ---------------------------------------------------------------------- 7. a gzip bomb
@pytest.fixture(scope="module")
def bomb() -> bytes:
    return gzip_bomb()


def test_gzip_bomb_is_not_inflated(site, fresh_db_url, bomb):
    base, state = site
    assert len(bomb) < 2 * 1024 * 1024  # well under DOWNLOAD_MAXSIZE (5 MB) as served: only inflating is big
    state.feed = articles_at(7001, 7002)
    state.pages = ok_pages(7002)
    state.faults = {"/faulty/news/7001/": serve_bomb(bomb)}
    res, elapsed = crawl(base, measure=True)
    assert res.returncode == 0, res.stderr
    assert elapsed < 40
    assert max_rss_kb(res) < MAX_RSS_KB  # observed ~110 MB: inflating stops at DOWNLOAD_MAXSIZE
    assert run(fresh_db_url, "faulty") == {"status": "partial", "pages": 4, "new": 1, "errors": {"too_large": 1},
                                           "skipped": {}}
    assert stored(fresh_db_url, "faulty") == {f"{FAULTY}/news/7002/"}
    assert_healthy(fresh_db_url)


# ---------------------------------------------------------------------- 8. killed midway, then re-run
KILL_ARTICLES = range(8001, 8031)  # 30 articles
KILL_AFTER_ROWS = 10  # kill once this many rows landed (batches of 5)
PAGE_DELAY_S = 0.2  # per article page: the crawl takes ~3 s, so it is killed midway


def count_articles(url: str, outlet: str = "faulty") -> int:
    return query(url, "SELECT count(*) FROM raw.articles WHERE outlet = %s", (outlet,))[0][0]


def start_slow_crawl(base: str, state: Site, url: str) -> subprocess.Popen:
    """`hadath crawl` of 30 slow articles in its own process group, returned once 10+ rows landed."""
    state.feed = articles_at(*KILL_ARTICLES)
    state.pages = ok_pages(*KILL_ARTICLES)
    state.delay = PAGE_DELAY_S
    proc = subprocess.Popen(crawl_command(base, "faulty"), cwd=ROOT, env=crawl_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while count_articles(url) < KILL_AFTER_ROWS and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the crawl finished before it could be killed"
    return proc


def child_pids(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def expected_kill_articles() -> set[str]:
    return {f"{FAULTY}/news/{n}/" for n in KILL_ARTICLES}


def assert_each_article_once(url: str) -> None:
    rows = query(url, "SELECT canonical_url, fetch_count FROM raw.articles WHERE outlet = 'faulty'")
    assert len(rows) == 30 and {r[0] for r in rows} == expected_kill_articles()  # unique, none missing
    assert {r[1] for r in rows} == {1}  # nothing refetched: stored rows are skipped as known


def test_crawl_killed_midway_then_rerun_stores_each_article_once(site, fresh_db_url):
    base, state = site
    proc = start_slow_crawl(base, state, fresh_db_url)
    os.killpg(proc.pid, signal.SIGKILL)  # hadath and its scrapy child, as a killed task would be
    proc.wait(10)
    landed = count_articles(fresh_db_url)
    assert KILL_AFTER_ROWS <= landed < 30 and landed % 5 == 0  # whole batches only
    # nobody was left to finish the bookkeeping: the run stays 'running', unfinished, without counts
    assert runs(fresh_db_url, "faulty") == [("running", 0, 0, {}, {}, False)]
    before = {p: state.count(p) for p in state.pages}

    res, _ = crawl(base)  # the same crawl, plus the healthy outlet
    assert res.returncode == 0, res.stderr
    assert_each_article_once(fresh_db_url)
    killed, rerun = runs(fresh_db_url, "faulty")
    assert killed == ("running", 0, 0, {}, {}, False)
    assert rerun[:5] == ("ok", 2 + 30 - landed, 30 - landed, {}, {"known": landed}) and rerun[5]
    stored_first = {r[0] for r in query(fresh_db_url, "SELECT url FROM raw.articles WHERE crawl_run_id = "
                                        "(SELECT min(crawl_run_id) FROM raw.crawl_runs)")}
    for path, hits in before.items():  # rows stored before the kill were not fetched again
        if any(u.endswith(path) for u in stored_first):
            assert state.count(path) == hits == 1
    assert_healthy(fresh_db_url)


def test_scrapy_child_killed_is_recorded_as_crashed_then_rerun_completes(site, fresh_db_url):
    base, state = site
    proc = start_slow_crawl(base, state, fresh_db_url)
    [scrapy_pid] = child_pids(proc.pid)
    os.kill(scrapy_pid, signal.SIGKILL)  # e.g. the OOM killer: `hadath crawl` itself survives
    assert proc.wait(30) == 1
    landed = count_articles(fresh_db_url)
    [(status, _, _, errors, _, finished)] = runs(fresh_db_url, "faulty")
    assert (status, errors, finished) == ("failed", {"crawler_crashed": 1}, True)
    res, _ = crawl(base, "faulty")
    assert res.returncode == 0, res.stderr
    assert_each_article_once(fresh_db_url)
    assert runs(fresh_db_url, "faulty")[1][:3] == ("ok", 2 + 30 - landed, 30 - landed)


# ---------------------------------------------------------------------- 9. midnight at the window's edges
# The window of the night's day 2022-01-21 is [21 00:00, 22 00:00) Asia/Damascus (UTC+2 in January 2022),
# i.e. [20 22:00, 21 22:00) UTC. Feed dates in local time, in UTC and naive (read as the outlet's zone);
# the 9011+ entries are undated in the feed, so the page's own date decides after the fetch.
BOUNDARY_FEED = [
    (9001, "Thu, 20 Jan 2022 23:59:59 +0200", False), (9002, "Fri, 21 Jan 2022 00:00:00 +0200", True),
    (9003, "Fri, 21 Jan 2022 23:59:59 +0200", True), (9004, "Sat, 22 Jan 2022 00:00:00 +0200", False),
    (9005, "Thu, 20 Jan 2022 21:59:59 GMT", False), (9006, "Thu, 20 Jan 2022 22:00:00 GMT", True),
    (9007, "Fri, 21 Jan 2022 21:59:59 +0000", True), (9008, "2022-01-21T22:00:00Z", False),
    (9009, "2022-01-21T00:00:00", True), (9010, "2022-01-20T23:59:59", False),
]
BOUNDARY_PAGES = [
    (9011, "2022-01-21T23:59:59", True), (9012, "2022-01-22T00:00:00+02:00", False),
    (9013, "2022-01-20T22:00:00Z", True), (9014, "2022-01-20T21:59:59Z", False),
]


def dag_window() -> tuple[str, str]:
    """The bounds the nightly DAG passes to `hadath crawl` for the run processing 2022-01-21."""
    from zoneinfo import ZoneInfo

    from etl.orchestrate import window_for_interval

    window = window_for_interval(datetime(2022, 1, 21, 2, 0, tzinfo=ZoneInfo("Asia/Damascus")))
    return window.since.isoformat(), window.until.isoformat()


@pytest.mark.parametrize("bounds", [
    ("2022-01-21", "2022-01-21"),  # `hadath crawl` by hand: local days, --until inclusive
    "dag",  # the DAG: ISO datetimes with the +02:00 offset, --until exclusive
    ("2022-01-20T22:00:00Z", "2022-01-21T22:00:00Z"),  # the same instants in UTC
])
def test_articles_at_midnight_fall_on_the_right_day(site, fresh_db_url, bounds):
    base, state = site
    since, until = dag_window() if bounds == "dag" else bounds
    assert dag_window() == ("2022-01-21T00:00:00+02:00", "2022-01-22T00:00:00+02:00")
    state.feed = [(f"/news/{n}/", date) for n, date, _ in BOUNDARY_FEED] + [(f"/news/{n}/", None)
                                                                            for n, _, _ in BOUNDARY_PAGES]
    state.pages = {f"/faulty/news/{n}/": page(f"خبر {n}", date) for n, date, _ in BOUNDARY_FEED + BOUNDARY_PAGES}
    res, _ = crawl(base, "faulty", since=since, until=until)
    assert res.returncode == 0, res.stderr
    inside = {f"{FAULTY}/news/{n}/" for n, _, keep in BOUNDARY_FEED + BOUNDARY_PAGES if keep}
    assert stored(fresh_db_url, "faulty") == inside and len(inside) == 7
    fetched = 2 + 5 + len(BOUNDARY_PAGES)  # robots.txt, the feed, the 5 dated entries inside, every undated one
    assert run(fresh_db_url, "faulty") == {"status": "ok", "pages": fetched, "new": 7, "errors": {},
                                           "skipped": {"out_of_window": 7}}
    for n, _, keep in BOUNDARY_FEED:  # a dated feed entry outside the window is never fetched
        assert state.count(f"/faulty/news/{n}/") == (1 if keep else 0), n
    assert query(fresh_db_url, "SELECT window_start::text, window_end::text FROM raw.crawl_runs") == [
        ("2022-01-20 22:00:00+00", "2022-01-21 22:00:00+00")]


def test_killed_runs_are_marked_abandoned_later(fresh_db_url):
    from etl.crawl import mark_abandoned

    query(fresh_db_url, """INSERT INTO raw.crawl_runs (outlet, started_at, status) VALUES
                           ('faulty', now() - interval '3 hours', 'running'),
                           ('faulty', now() - interval '1 minute', 'running'),
                           ('healthy', now() - interval '3 hours', 'running')""")
    assert len(mark_abandoned(fresh_db_url, ["faulty"])) == 1
    rows = query(fresh_db_url, "SELECT outlet, status, errors FROM raw.crawl_runs ORDER BY crawl_run_id")
    assert rows == [("faulty", "failed", {"abandoned": 1}), ("faulty", "running", {}), ("healthy", "running", {})]

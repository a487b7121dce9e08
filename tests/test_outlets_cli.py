"""`hadath outlets list | match | check`: the outlet configuration as a user sees it, and checked
against the offline snapshot with outlets broken on purpose (a stale article pattern, an empty
selector, moved feeds) and the snapshot's blocked outlets."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scrapers.config import load_outlets
from tests.conftest import ROOT
from tests.test_snapshot_blocks import blocked_outlets_file

TEST_OUTLETS = ROOT / "tests" / "fixtures" / "scrapers" / "outlets_test.yaml"


def hadath(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl.cli", *args], cwd=ROOT, env=os.environ.copy(),
                          capture_output=True, text=True, timeout=timeout, check=False)


def run_cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """`hadath ARGS` in this process: (exit code, stdout, stderr)."""
    from etl.cli import main

    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def outlets_file(folder: Path, entries: list[dict]) -> Path:
    path = folder / "outlets.yaml"
    path.write_text(yaml.safe_dump({"outlets": entries}, allow_unicode=True), encoding="utf-8")
    return path


# ---------------------------------------------------------------------- list
def test_list_shows_every_outlet_of_the_bundled_file():
    res = hadath("outlets", "list")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["slug", "name", "base_url", "enabled", "verified"]
    outlets = load_outlets()
    assert [line.split()[0] for line in lines[1:]] == [o.slug for o in outlets]
    for outlet, line in zip(outlets, lines[1:], strict=True):
        assert outlet.name in line and outlet.base_url in line


def test_list_reads_verified_fields_tolerantly(capsys, tmp_path):
    base = {"article_url_pattern": "^/n/$", "feeds": ["/feed/"]}
    path = outlets_file(tmp_path, [
        {"slug": "checked", "name": "Checked", "base_url": "https://a.example", **base,
         "verified": {"article_url_pattern": "README.txt: seen in a saved page", "feeds": "sana article2.html",
                      "sitemaps": "unverified", "listing": False}},
        {"slug": "listed", "name": "Listed", "base_url": "https://b.example", "enabled": False, **base,
         "verified": ["base_url"]},
        {"slug": "unknown", "name": "Unknown", "base_url": "https://c.example", **base, "verified": 42},
        {"slug": "plain", "name": "Plain", "base_url": "https://d.example", **base},
    ])
    code, out, err = run_cli(capsys, "outlets", "list", "-v", "--outlets-file", str(path))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "slug     name     base_url           enabled  verified",
        "checked  Checked  https://a.example  yes      article_url_pattern, feeds",
        "    article_url_pattern: README.txt: seen in a saved page",
        "    feeds: sana article2.html",
        "listed   Listed   https://b.example  no       base_url",
        "    base_url: (no source given)",
        "unknown  Unknown  https://c.example  yes      -",
        "plain    Plain    https://d.example  yes      -",
    ]


# ---------------------------------------------------------------------- match
@pytest.mark.parametrize("url, slug", [
    ("https://halab-today.example/news/1001/clashes-north/", "halab"),
    ("http://www.halab-today.example/news/1001/clashes-north/?utm_source=rss#comments", "halab"),
    ("https://halab-today.example/news/1008/patrol/amp/", "halab"),  # the AMP copy maps to the article
    ("https://halab-today.example/news/1001/clashes-north", "halab"),  # trailing_slash: add
])
def test_match_names_the_outlet(capsys, url, slug):
    assert run_cli(capsys, "outlets", "match", url, "--outlets-file", str(TEST_OUTLETS)) == (0, slug + "\n", "")


def test_match_says_when_none_does(capsys):
    res = hadath("outlets", "match", "https://halab-today.example/about/", "--outlets-file", str(TEST_OUTLETS))
    assert res.returncode == 1 and res.stdout == ""
    assert res.stderr == ("hadath: error: no outlet's article pattern matches https://halab-today.example/about/ "
                          "(it is on halab's site; its pattern is ^/news/\\d{4}/[^/]+/?$)\n")
    assert run_cli(capsys, "outlets", "match", "https://example.org/news/1001/x/", "--outlets-file",
                   str(TEST_OUTLETS)) == (1, "", "hadath: error: no outlet's article pattern matches "
                                                 "https://example.org/news/1001/x/\n")


@pytest.mark.parametrize("url", ["halab-today.example/news/1001/x/", "ftp://halab-today.example/news/1001/x/"])
def test_match_refuses_what_is_no_url(capsys, url):
    code, _, err = run_cli(capsys, "outlets", "match", url, "--outlets-file", str(TEST_OUTLETS))
    assert code == 2 and err == f"hadath: error: not an http(s) URL: {url!r}\n"


def test_match_every_snapshot_article_to_its_outlet(capsys):
    """Each outlet's own article URLs (from the bundled snapshot) match that outlet and no other."""
    from tests.test_crawl_snapshot import MAIN, expected_urls

    for outlet in load_outlets():
        urls = sorted(expected_urls(outlet.slug, MAIN))
        assert urls, outlet.slug
        for url in urls:
            assert run_cli(capsys, "outlets", "match", url) == (0, outlet.slug + "\n", ""), url


# ---------------------------------------------------------------------- check
@pytest.fixture(scope="module")
def snapshot_url():
    from etl.snapshot import start_server

    with start_server() as server:
        yield server.base_url


def verdicts(stdout: str) -> dict[str, str]:
    """slug -> its verdict line (after the probe table's blank line)."""
    tail = stdout.split("\n\n", 1)[1]
    return {line.split()[0]: line.split(None, 1)[1] for line in tail.splitlines() if line.strip()}


def test_check_of_the_bundled_outlets_on_the_snapshot_passes(snapshot_url):
    res = hadath("outlets", "check", "--base-url", snapshot_url)
    assert res.returncode == 0, res.stdout + res.stderr
    found = verdicts(res.stdout)
    assert set(found) == {o.slug for o in load_outlets() if o.enabled}
    assert all(v.split(":")[0] in ("ok", "degraded") for v in found.values()), found
    probes = [line.split()[:2] for line in res.stdout.split("\n\n")[0].splitlines()[1:]]
    for slug in found:  # every outlet had its robots.txt, its sources and one article probed
        assert {"robots", "article"} <= {what for s, what in probes if s == slug}


def broken_on_purpose(folder: Path) -> Path:
    """The bundled outlets (and the snapshot's blocked copies), three of them broken in their config."""
    path = blocked_outlets_file(folder)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    by_slug = {o["slug"]: o for o in data["outlets"]}
    by_slug["enab"]["article_url_pattern"] = r"^/no-such-section/\d+/$"  # a URL scheme the site does not use
    by_slug["orient"].setdefault("selectors", {})["title"] = "h1.headline-that-is-gone::text"
    by_slug["npa"].update(feeds=["/feed-moved/"], sitemaps=["/sitemap-moved.xml"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_check_finds_what_is_broken_blocked_or_degraded(snapshot_url, tmp_path):
    slugs = ["enab", "orient", "npa", "sohr-cloudflare", "enab-captcha", "npa-login", "syriatv-consent"]
    res = hadath("outlets", "check", "--outlets-file", str(broken_on_purpose(tmp_path)), "--base-url", snapshot_url,
                 *[a for s in slugs for a in ("--outlet", s)])
    assert res.returncode == 1, res.stdout + res.stderr
    found = verdicts(res.stdout)
    assert found["enab"] == r"BROKEN: article_url_pattern: ^/no-such-section/\d+/$ matches no link of feed, " \
                            "sitemap, listing"
    assert found["orient"] == "BROKEN: selector: selectors.title came back empty"
    assert found["npa"] == "degraded: feed: http_404"  # ... and the fallback finds the feed and sitemap
    assert found["sohr-cloudflare"] == 'BLOCKED: feed: challenge (Cloudflare "Just a moment...", HTTP 503)'
    assert found["enab-captcha"] == 'BLOCKED: article: captcha (reCAPTCHA "التحقق الأمني", HTTP 403)'
    assert found["npa-login"].startswith("BLOCKED: article: login wall (login page /npa-login/wp-login.php")
    assert found["syriatv-consent"].startswith("BLOCKED: feed: consent wall (")
    fallback = [line for line in res.stdout.splitlines() if line.startswith("npa ") and " fallback " in line]
    assert len(fallback) == 2 and all(" info " in line for line in fallback)
    assert "feed via homepage link" in fallback[0] and "sitemap via robots.txt" in fallback[1]
    assert res.stderr.startswith("hadath: error: outlet check: 6 of 7 outlet(s) broken or blocked: enab broken (")


def test_check_of_an_unreachable_outlet_is_broken(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    path = outlets_file(tmp_path, [{"slug": "down", "name": "Down", "base_url": "https://down.example",
                                    "feeds": ["/feed/"], "article_url_pattern": "^/n/$"}])
    res = hadath("outlets", "check", "--outlets-file", str(path), "--base-url", f"http://127.0.0.1:{port}")
    assert res.returncode == 1
    assert verdicts(res.stdout) == {"down": "BROKEN: robots: unreachable: connection refused"}


def test_check_refuses_a_bad_base_url():
    res = hadath("outlets", "check", "--base-url", "127.0.0.1:8765")
    assert res.returncode == 2 and "--base-url must be an http(s) URL" in res.stderr


def test_live_checks_refuse_private_addresses():
    from etl.outlet_check import Fetcher

    got = Fetcher(0.0, live=True).get("http://127.0.0.1:9/robots.txt")
    assert (got.status, got.error) == (0, "private address refused")
    assert Fetcher(0.0, live=False).get("http://127.0.0.1:9/robots.txt").error == "connection refused"


def test_arabic_paths_are_percent_encoded_as_scrapy_does():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from etl.outlet_check import Fetcher

    class Echo(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            body = self.path.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        got = Fetcher(0.0, live=False).get(f"http://127.0.0.1:{httpd.server_address[1]}/category/أخبار/page/1/")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert (got.status, got.error) == (200, None)
    assert got.body == b"/category/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/page/1/"

"""Blocked outlets, end to end: `hadath crawl` against the snapshot's blocked outlets (snapshot/routes.yaml
`blocked_outlets`: copies of real outlets behind a challenge, captcha, login wall or consent wall) and
against a local server that answers everything with the real Cloudflare challenge syriahr.com served.

The crawl summary line of a blocked outlet says `blocked`; nothing of it is stored; the healthy outlet
crawled alongside is unaffected.
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

from tests.conftest import ROOT, query

BLOCKED = {"sohr-cloudflare": "challenge", "enab-captcha": "captcha", "npa-login": "login_wall",
           "syriatv-consent": "consent_wall"}
WINDOW = ("--since", "2022-01-20", "--until", "2022-01-22")


def blocked_outlets_file(folder: Path) -> Path:
    """scrapers/outlets.yaml plus one entry per blocked outlet: a copy of the outlet it mirrors."""
    data = yaml.safe_load((ROOT / "scrapers" / "outlets.yaml").read_text(encoding="utf-8"))
    routes = yaml.safe_load((ROOT / "snapshot" / "routes.yaml").read_text(encoding="utf-8"))
    by_slug = {o["slug"]: o for o in data["outlets"]}
    for entry in routes["blocked_outlets"]:
        data["outlets"].append({**by_slug[entry["mirrors"]], "slug": entry["slug"], "name": entry["slug"]})
    path = folder / "outlets_blocked.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def hadath(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl.cli", *args], cwd=ROOT, env=os.environ.copy(),
                          capture_output=True, text=True, timeout=300, check=False)


def runs(url: str) -> dict[str, tuple]:
    rows = query(url, "SELECT DISTINCT ON (outlet) outlet, status, new_articles, errors, discovery "
                      "FROM raw.crawl_runs ORDER BY outlet, crawl_run_id DESC")
    return {r[0]: r[1:] for r in rows}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, admin_url, db_url) -> Iterator[dict]:
    from etl.db import server_execute, with_dbname
    from etl.snapshot import start_server

    name = "hadath_blk_" + os.urandom(4).hex()
    server_execute(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{db_url.rsplit("/", 1)[1]}"')
    url = with_dbname(admin_url, name)
    outlets = blocked_outlets_file(tmp_path_factory.mktemp("outlets"))
    old = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        with start_server() as server:
            slugs = [arg for slug in [*BLOCKED, "sohr"] for arg in ("--outlet", slug)]
            res = hadath("crawl", "--outlets-file", str(outlets), *WINDOW, "--base-url", server.base_url,
                         "--fast", *slugs)
            yield {"res": res, "url": url, "outlets": outlets, "base_url": server.base_url}
    finally:
        os.environ["DATABASE_URL"] = old or ""
        if old is None:
            os.environ.pop("DATABASE_URL")
        server_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_blocked_outlets_say_blocked_in_the_summary(crawled):
    res = crawled["res"]
    assert res.returncode == 1, res.stdout + res.stderr
    assert res.stderr.strip().splitlines()[-1] == \
        "hadath: crawl blocked for sohr-cloudflare, enab-captcha, npa-login, syriatv-consent"
    lines = res.stdout.splitlines()
    for slug, kind in BLOCKED.items():
        row = next(line for line in lines if line.startswith(slug + " "))
        assert row.split()[1] == "blocked" and f"{kind}=" in row, row
        message = lines[lines.index(row) + 1].strip()
        assert message.startswith(f"blocked: {kind.replace('_', ' ')} ("), message
    assert next(line for line in lines if line.startswith("sohr ")).split()[1] == "partial"  # its 404 edge case


def test_blocked_outlets_store_nothing_and_record_the_block(crawled):
    url, by_outlet = crawled["url"], runs(crawled["url"])
    stored = dict(query(url, "SELECT outlet, count(*) FROM raw.articles GROUP BY outlet"))
    assert set(stored) == {"sohr"} and stored["sohr"] == by_outlet["sohr"][1] > 0
    for slug, kind in BLOCKED.items():
        status, new, errors, _ = by_outlet[slug]
        assert (status, new) == ("blocked", 0)
        assert errors[kind] > 0 and set(errors) <= {kind, "http_503_retried"}, errors  # robots.txt is retried


def test_everything_blocked_vs_articles_blocked(crawled):
    by_outlet = runs(crawled["url"])
    # behind a challenge everywhere: every configured source was the block, and no fallback was tried
    cloudflare = by_outlet["sohr-cloudflare"][3]
    assert {(s["kind"], s["origin"], s["result"]) for s in cloudflare} == {
        ("feed", "configured", "challenge"), ("sitemap", "configured", "challenge"),
        ("listing", "configured", "challenge")}
    # only the articles blocked: discovery worked (and was never parsed from a block page)
    captcha = by_outlet["enab-captcha"][3]
    assert {s["kind"] for s in captcha if s["used"]} == {"feed", "sitemap", "listing"}
    skipped = dict(query(crawled["url"], "SELECT outlet, skipped FROM raw.crawl_runs"))
    assert "not_article" not in skipped["enab-captcha"]  # the captcha pages never reached the article parser


class _Challenge(BaseHTTPRequestHandler):
    page = b""

    def do_GET(self):  # noqa: N802 (http.server API)
        self.send_response(503)
        self.send_header("Content-Type", "text/html; charset=UTF-8")
        self.send_header("Content-Length", str(len(self.page)))
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args):
        pass


def test_real_cloudflare_challenge_blocks_a_crawl(shared_dir, fresh_db_url, tmp_path):
    handler = type("Real", (_Challenge,), {"page": (shared_dir / "data/outlet_pages/syriahr.com_homepage_2018.html")
                                           .read_bytes()})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    outlets = tmp_path / "outlets.yaml"
    outlets.write_text(yaml.safe_dump({"outlets": [{
        "slug": "walled", "name": "Walled", "base_url": "https://www.syriahr.com", "feeds": ["/feed/"],
        "sitemaps": ["/news-sitemap.xml"], "article_url_pattern": r"^/\d{6}/?$"}]}))
    try:
        res = hadath("crawl", "--outlets-file", str(outlets), *WINDOW, "--fast",
                     "--base-url", f"http://127.0.0.1:{httpd.server_address[1]}")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert res.returncode == 1 and res.stderr.strip().endswith("hadath: crawl blocked for walled")
    assert 'blocked: challenge (Cloudflare "Just a moment...", HTTP 503)' in res.stdout
    assert query(fresh_db_url, "SELECT status, errors->>'challenge' FROM raw.crawl_runs") == [("blocked", "2")]
    assert query(fresh_db_url, "SELECT count(*) FROM raw.articles") == [(0,)]

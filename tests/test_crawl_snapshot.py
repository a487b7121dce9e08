"""Integration: crawl the offline snapshot (etl.snapshot, port 0) with `hadath crawl --base-url ... --fast`
into a fresh PostgreSQL database, then check every edge case listed in snapshot/README.md.

One crawl sequence (main window, identical repeat, --refresh, backfill) shared by the assertions,
so the module stays quick.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import yaml

from scrapers.config import get_outlet, load_outlets
from scrapers.urls import canonicalize
from tests.conftest import ROOT, query

snapshot = pytest.importorskip("etl.snapshot", reason="the offline snapshot server is not there yet")

CONTENT = ROOT / "snapshot" / "content"
SLUGS = tuple(o.slug for o in load_outlets())  # every bundled outlet has a snapshot copy
TZ = ZoneInfo("Asia/Damascus")
MAIN = (date(2022, 1, 20), date(2022, 1, 22))
BACKFILL = (date(2022, 1, 10), date(2022, 1, 19))


def sources(slug: str) -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((CONTENT / slug).glob("*.yaml"))]


def local_day(doc: dict) -> date | None:
    value = doc.get("published")
    if not value or "no_date" in (doc.get("flags") or []):
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when.astimezone(TZ).date()


def expected_urls(slug: str, window: tuple[date, date]) -> set[str]:
    """Canonical URLs of the outlet's articles dated inside the window, plus the undated ones."""
    outlet = get_outlet(slug)
    out = set()
    for doc in sources(slug):
        day = local_day(doc)
        if day is None or window[0] <= day <= window[1]:
            out.add(canonicalize(outlet.base_url + doc["path"], outlet))
    return out


def hadath_crawl(base_url: str, window: tuple[date, date], *extra: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "etl.cli", "crawl", "--since", window[0].isoformat(), "--until",
           window[1].isoformat(), "--base-url", base_url, "--fast", *extra]
    return subprocess.run(cmd, cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=300,
                          check=False)


def stored(url: str, slug: str | None = None) -> dict[str, int]:
    rows = query(url, "SELECT canonical_url, fetch_count FROM raw.articles WHERE %s IS NULL OR outlet = %s",
                 (slug, slug))
    return dict(rows)


def runs(url: str) -> dict[str, tuple]:
    """The latest crawl run per outlet: (status, pages, new, updated, errors, skipped)."""
    rows = query(url, "SELECT DISTINCT ON (outlet) outlet, status, pages_fetched, new_articles, updated_articles, "
                      "errors, skipped FROM raw.crawl_runs ORDER BY outlet, crawl_run_id DESC")
    return {r[0]: r[1:] for r in rows}


@pytest.fixture(scope="module")
def crawled(db_url):
    """Run the whole crawl sequence once on a database of its own; keep each step's observations."""
    from tests.conftest import _admin_exec, _admin_url, with_dbname

    name = "hadath_snap_" + os.urandom(4).hex()
    template = urlsplit(db_url).path.lstrip("/")
    _admin_exec(_admin_url(), f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = with_dbname(_admin_url(), name)
    old = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    steps: dict[str, object] = {}
    try:
        with snapshot.start_server(port=0) as server:
            steps["first"] = hadath_crawl(server.base_url, MAIN)
            steps["after_first"] = (stored(url), runs(url))
            steps["second"] = hadath_crawl(server.base_url, MAIN)
            steps["after_second"] = (stored(url), runs(url))
            steps["refresh"] = hadath_crawl(server.base_url, MAIN, "--refresh", "--outlet", "orient")
            steps["after_refresh"] = (stored(url), runs(url))
            steps["backfill"] = hadath_crawl(server.base_url, BACKFILL)
            steps["after_backfill"] = (stored(url), runs(url))
            steps["encodings"] = query(url, "SELECT outlet, canonical_url, encoding, html_gz, content_hash "
                                            "FROM raw.articles WHERE encoding NOT IN ('utf-8', 'utf8')")
        yield steps
    finally:
        if old is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = old
        _admin_exec(_admin_url(), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_first_crawl_succeeds_for_every_outlet(crawled):
    res = crawled["first"]
    assert res.returncode == 0, res.stdout + res.stderr
    for slug in SLUGS:
        assert f"\n{slug:<10} " in res.stdout  # one summary line per outlet
    _, by_outlet = crawled["after_first"]
    assert set(by_outlet) == set(SLUGS)
    assert all(run[0] in ("ok", "partial") for run in by_outlet.values())


@pytest.mark.parametrize("slug", SLUGS)
def test_window_articles_stored_exactly(crawled, slug):
    articles, by_outlet = crawled["after_first"]
    mine = {u for u in articles if u.startswith(get_outlet(slug).base_url)}
    assert mine == expected_urls(slug, MAIN)
    assert by_outlet[slug][2] == len(mine)  # new_articles
    assert all(count == 1 for u, count in articles.items() if u in mine)


def test_flaky_500_retried_and_stored(crawled):
    _, by_outlet = crawled["after_first"]
    errors = by_outlet["orient"][4]
    assert errors.get("http_500_retried") == 2 and "http_500" not in errors


def test_missing_article_404_recorded(crawled):
    articles, by_outlet = crawled["after_first"]
    assert by_outlet["sohr"][4].get("http_404") == 1
    assert "https://www.syriahr.com/519999/" not in articles


def test_redirect_tracking_amp_stored_once_under_canonical(crawled):
    articles, _ = crawled["after_first"]
    assert not [u for u in articles if "utm_" in u or "#" in u or u.rstrip("/").endswith("/amp")]
    enab = {u for u in articles if "enabbaladi" in u}
    assert enab == expected_urls("enab", MAIN)  # the old-slug URL is not a key of its own


def test_not_article_live_page_skipped(crawled):
    articles, by_outlet = crawled["after_first"]
    assert "https://www.syria.tv/live" not in articles
    assert by_outlet["syriatv"][5].get("not_article") == 1


def test_oversized_page_too_large_and_malformed_feed(crawled):
    articles, by_outlet = crawled["after_first"]
    status, _, new, _, errors, _ = by_outlet["horrya"]
    assert errors.get("too_large") == 1 and errors.get("malformed_feed") == 1
    assert status == "partial"
    assert "https://horrya.net/archives/999001" not in articles
    assert new == len(expected_urls("horrya", MAIN)) > 0  # sitemap + listing still found them


def test_windows_1256_stored_as_served(crawled):
    import hashlib

    rows = [r for r in crawled["encodings"] if r[0] == "sohr"]
    assert len(rows) == 1
    _, url, encoding, html_gz, content_hash = rows[0]
    assert encoding in ("windows-1256", "cp1256")
    body = gzip.decompress(bytes(html_gz))
    assert hashlib.sha256(body).hexdigest() == content_hash
    doc = next(d for d in sources("sohr") if canonicalize("https://www.syriahr.com" + d["path"],
                                                          get_outlet("sohr")) == url)
    assert doc["title"] in body.decode("cp1256")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_second_identical_crawl_adds_nothing(crawled):
    assert crawled["second"].returncode == 0
    first, _ = crawled["after_first"]
    second, by_outlet = crawled["after_second"]
    assert second == first
    assert all(run[2] == 0 and run[3] == 0 for run in by_outlet.values())


def test_refresh_updates_without_duplicating(crawled):
    assert crawled["refresh"].returncode == 0
    before, _ = crawled["after_second"]
    after, by_outlet = crawled["after_refresh"]
    assert set(after) == set(before)
    orient = expected_urls("orient", MAIN)
    assert {u: c for u, c in after.items() if u in orient} == dict.fromkeys(orient, 2)
    assert by_outlet["orient"][2:4] == (0, len(orient))


def test_backfill_finds_the_older_articles(crawled):
    assert crawled["backfill"].returncode == 0, crawled["backfill"].stdout
    before, _ = crawled["after_refresh"]
    after, by_outlet = crawled["after_backfill"]
    older = set().union(*(expected_urls(s, BACKFILL) for s in SLUGS)) - set(before)
    assert older  # the snapshot has articles from 2022-01-10 .. 2022-01-19
    assert set(after) - set(before) == older

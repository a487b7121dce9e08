"""Run crawls: one `scrapy crawl outlet` subprocess per outlet (Scrapy's reactor is not restartable).

`crawl_outlet(slug, since, until, base_url=None, refresh=False, fast=False)` returns a summary dict
(outlet, status, crawl_run_id, pages_fetched, new_articles, updated_articles, errors, skipped,
discovery, blocks, elapsed_s, message). Status `blocked` (anti-bot challenge, captcha, login or
consent wall instead of content, see scrapers/blocks.py) counts as a failure, like `failed`.
With `base_url` (a mirror/snapshot server root) the outlet is crawled at `<base_url>/<slug>`.
Unreachable outlets (DNS failure, refused, timeout) are detected by a quick probe before Scrapy
starts and recorded as a failed raw.crawl_runs row with errors {"unreachable": 1}.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from etl import db, settings

LOGGER = logging.getLogger(__name__)

SPIDER = "outlet"
PROBE_TIMEOUT_S = 5.0  # reachability probe per outlet (all outlets probed in parallel)
CRAWL_TIMEOUT_S = 45 * 60  # one outlet's crawl, killed after this
FAST_DOWNLOAD_TIMEOUT_S = 10  # --fast is for local mirrors: fail fast
TAIL_LINES = 30  # subprocess log lines kept to explain a failure
MARKERS = ("HADATH_RUN", "HADATH_PROGRESS", "HADATH_SUMMARY")
ProgressFn = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class CrawlOptions:
    since: str | None = None
    until: str | None = None
    base_url: str | None = None  # mirror root; the outlet is served at <base_url>/<slug>
    refresh: bool = False
    fast: bool = False
    http_cache: bool = False
    outlets_file: str | None = None

    def site_url(self, slug: str) -> str | None:
        return f"{self.base_url.rstrip('/')}/{slug}" if self.base_url else None


def as_bound(value: str | date | datetime | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def default_window(today: date | None = None) -> tuple[str, str]:
    """Without --since/--until: yesterday and today (outlet-local days, until inclusive)."""
    today = today or date.today()
    return (today - timedelta(days=1)).isoformat(), today.isoformat()


def scrapy_settings(opts: CrawlOptions) -> dict[str, str]:
    """Command-line (-s) overrides: they beat the outlet's politeness (set at spider priority)."""
    out: dict[str, str] = {"LOG_LEVEL": "INFO"}
    if opts.fast:
        out.update({"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "HADATH_RETRY_BACKOFF_BASE": "0.05",
                    "HADATH_PROGRESS_INTERVAL": "0.5", "DOWNLOAD_TIMEOUT": str(FAST_DOWNLOAD_TIMEOUT_S)})
    if opts.http_cache:
        out["HTTPCACHE_ENABLED"] = "True"
    return out


def scrapy_command(slug: str, opts: CrawlOptions, spider: str = SPIDER) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"outlet={slug}"]
    args = {"since": opts.since, "until": opts.until, "mirror": opts.site_url(slug),
            "refresh": "1" if opts.refresh else None, "outlets_file": opts.outlets_file}
    for key, value in args.items():
        if value:
            cmd += ["-a", f"{key}={value}"]
    for key, value in scrapy_settings(opts).items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def scrapy_env(db_url: str, opts: CrawlOptions) -> dict[str, str]:
    root = str(settings.project_root())
    env = {**os.environ, settings.ENV_DATABASE_URL: db_url}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    if opts.outlets_file:
        from scrapers.config import ENV_OUTLETS_FILE

        env[ENV_OUTLETS_FILE] = str(opts.outlets_file)
    return env


# ---------------------------------------------------------------------- reachability
def probe(url: str, timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """None when the host answers (any HTTP status), else a short reason."""
    request = urllib.request.Request(url, method="GET", headers={"User-Agent": _user_agent()})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 (http/https only)
            resp.read(1)
    except urllib.error.HTTPError:
        return None
    except urllib.error.URLError as err:
        return network_reason(err.reason)
    except TimeoutError:
        return f"timed out after {timeout:g}s"
    except (OSError, ValueError) as err:
        return network_reason(err)
    return None


def network_reason(err: object) -> str:
    """A short reason for a failed connection (also used by etl.outlet_check)."""
    if isinstance(err, socket.gaierror):
        return "DNS lookup failed"
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    if isinstance(err, TimeoutError):
        return "timed out"
    return str(err) or type(err).__name__


def _user_agent() -> str:
    from scrapers.settings import USER_AGENT

    return USER_AGENT


def probe_all(urls: dict[str, str], timeout: float = PROBE_TIMEOUT_S) -> dict[str, str | None]:
    """Probe every URL in parallel; a probe still hanging after the deadline counts as a timeout."""
    results: dict[str, str | None] = {}
    threads = []
    for slug, url in urls.items():
        def work(slug: str = slug, url: str = url) -> None:
            results[slug] = probe(url, timeout)
        thread = threading.Thread(target=work, daemon=True, name=f"probe-{slug}")
        thread.start()
        threads.append(thread)
    deadline = timeout + 1.0
    for thread in threads:
        thread.join(deadline)
    return {slug: results.get(slug, f"timed out after {timeout:g}s") for slug in urls}


# ---------------------------------------------------------------------- bookkeeping rows
FAILED_RUN = """
INSERT INTO raw.crawl_runs (outlet, window_start, window_end, base_url, options, finished_at, status, errors)
VALUES (%s, %s, %s, %s, %s, now(), 'failed', %s) RETURNING crawl_run_id
"""
RUN_ROW = """
SELECT crawl_run_id, status, pages_fetched, new_articles, updated_articles, errors, skipped, discovery
FROM raw.crawl_runs WHERE crawl_run_id = %s
"""
MARK_CRASHED = """
UPDATE raw.crawl_runs SET status = 'failed', finished_at = now(), errors = errors || %s
WHERE crawl_run_id = %s AND status = 'running'
"""


def record_failed_run(db_url: str, slug: str, opts: CrawlOptions, kind: str) -> int:
    """A failed raw.crawl_runs row for an outlet whose crawl never started (e.g. unreachable)."""
    from scrapers.config import get_outlet
    from scrapers.discovery import make_window

    window = make_window(opts.since, opts.until, get_outlet(slug, opts.outlets_file).timezone)
    options = {"refresh": opts.refresh, "fast": opts.fast, "http_cache": opts.http_cache}
    with db.transaction(db_url) as cur:
        cur.execute(FAILED_RUN, (slug, window.since, window.until, opts.site_url(slug), json.dumps(options),
                                 json.dumps({kind: 1})))
        return cur.fetchone()[0]


def run_row(db_url: str, run_id: int) -> dict[str, Any]:
    with db.transaction(db_url) as cur:
        cur.execute(RUN_ROW, (run_id,))
        found = cur.fetchone()
    keys = ("crawl_run_id", "status", "pages_fetched", "new_articles", "updated_articles", "errors", "skipped",
            "discovery")
    return dict(zip(keys, found, strict=True)) if found else {}


# ---------------------------------------------------------------------- running Scrapy
def parse_marker(line: str) -> tuple[str, dict[str, Any]] | None:
    for marker in MARKERS:
        pos = line.find(marker + " {")
        if pos >= 0:
            try:
                return marker, json.loads(line[pos + len(marker) + 1:])
            except ValueError:
                return None
    return None


def run_scrapy(slug: str, opts: CrawlOptions, db_url: str, on_progress: ProgressFn | None = None) -> dict[str, Any]:
    """One crawl subprocess; the summary comes from its HADATH_SUMMARY line / its crawl_runs row."""
    cmd = scrapy_command(slug, opts)
    LOGGER.debug("running %s", " ".join(cmd))
    proc = subprocess.Popen(cmd, cwd=settings.project_root() / "scrapers", env=scrapy_env(db_url, opts),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            errors="replace")
    killer = threading.Timer(CRAWL_TIMEOUT_S, proc.kill)
    killer.start()
    found: dict[str, dict[str, Any]] = {}
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            tail.append(line.rstrip())
            parsed = parse_marker(line)
            if parsed:
                found[parsed[0]] = parsed[1]
                if parsed[0] == "HADATH_PROGRESS" and on_progress:
                    on_progress(slug, parsed[1])
        code = proc.wait()
    finally:
        killer.cancel()
    return _result(slug, db_url, code, found, list(tail))


def _result(slug: str, db_url: str, code: int, found: dict[str, dict], tail: list[str]) -> dict[str, Any]:
    run_id = (found.get("HADATH_RUN") or {}).get("crawl_run_id")
    summary: dict[str, Any] = {"outlet": slug, "exit_code": code, "message": ""}
    if run_id is not None:
        if "HADATH_SUMMARY" not in found:
            with db.transaction(db_url) as cur:
                cur.execute(MARK_CRASHED, (json.dumps({"crawler_crashed": 1}), run_id))
        summary.update(run_row(db_url, run_id))
        summary["elapsed_s"] = (found.get("HADATH_SUMMARY") or {}).get("elapsed_s")
        summary["blocks"] = (found.get("HADATH_SUMMARY") or {}).get("blocks") or {}
        if summary.get("status") == "blocked":
            summary["message"] = "blocked: " + "; ".join(f"{k.replace('_', ' ')} ({v})"
                                                         for k, v in sorted(summary["blocks"].items()))
    if code != 0 or run_id is None:
        summary["status"] = "failed"
        summary["message"] = _last_error(tail)
    return summary


def _last_error(tail: list[str]) -> str:
    for line in reversed(tail):
        if "Error" in line or "error" in line:
            return line.strip()[-300:]
    return tail[-1].strip()[-300:] if tail else "no output"


# ---------------------------------------------------------------------- public API
# A run still 'running' after this long was killed from outside (no crawl outlives CRAWL_TIMEOUT_S).
ABANDONED_AFTER_S = CRAWL_TIMEOUT_S + 15 * 60
MARK_ABANDONED = """
UPDATE raw.crawl_runs SET status = 'failed', finished_at = now(),
       errors = errors || jsonb_build_object('abandoned', 1)
WHERE outlet = ANY(%s) AND status = 'running' AND started_at < now() - make_interval(secs => %s)
RETURNING crawl_run_id
"""


def mark_abandoned(db_url: str, slugs: list[str], older_than_s: float = ABANDONED_AFTER_S) -> list[int]:
    """Close the rows of crawls that were killed (SIGKILL, lost worker) and never finished."""
    with db.transaction(db_url) as cur:
        cur.execute(MARK_ABANDONED, (slugs, older_than_s))
        ids = [r[0] for r in cur.fetchall()]
    for run_id in ids:
        LOGGER.warning("crawl run %s never finished (killed?): marked failed/abandoned", run_id)
    return ids


def crawl_outlets(slugs: Iterable[str], opts: CrawlOptions, on_progress: ProgressFn | None = None,
                  on_unreachable: Callable[[str, str], None] | None = None) -> list[dict[str, Any]]:
    """Crawl outlets one after the other; a failing outlet does not stop the others."""
    slugs = list(slugs)
    db_url = db.target().url  # starts the embedded server first when DATABASE_URL is unset
    mark_abandoned(db_url, slugs)
    sites = {s: _probe_url(s, opts) for s in slugs}
    reachability = probe_all(sites)
    results = []
    for slug in slugs:
        reason = reachability[slug]
        if reason is not None:
            if on_unreachable:
                on_unreachable(slug, f"{sites[slug]} is unreachable: {reason}")
            run_id = record_failed_run(db_url, slug, opts, "unreachable")
            results.append({"outlet": slug, "status": "failed", "crawl_run_id": run_id, "pages_fetched": 0,
                            "new_articles": 0, "updated_articles": 0, "errors": {"unreachable": 1},
                            "skipped": {}, "message": f"unreachable: {reason}", "exit_code": None})
            continue
        results.append(run_scrapy(slug, opts, db_url, on_progress))
    return results


def _probe_url(slug: str, opts: CrawlOptions) -> str:
    from scrapers.config import get_outlet

    return (opts.site_url(slug) or get_outlet(slug, opts.outlets_file).base_url) + "/"


def crawl_outlet(slug: str, since: str | date | datetime | None, until: str | date | datetime | None,
                 base_url: str | None = None, refresh: bool = False, fast: bool = False,
                 http_cache: bool = False, outlets_file: str | None = None) -> dict[str, Any]:
    """Crawl one outlet (used by the Airflow DAG); raises HadathError only for bad input."""
    opts = CrawlOptions(as_bound(since), as_bound(until), base_url, refresh, fast, http_cache, outlets_file)
    validate(opts, [slug])
    return crawl_outlets([slug], opts)[0]


def validate(opts: CrawlOptions, slugs: list[str]) -> None:
    """Fail early, in this process, on bad dates, unknown outlets or a bad base URL."""
    from scrapers.config import get_outlet
    from scrapers.discovery import make_window

    for slug in slugs:
        outlet = get_outlet(slug, opts.outlets_file)
        make_window(opts.since, opts.until, outlet.timezone)
    if opts.base_url and not opts.base_url.startswith(("http://", "https://")):
        from etl.errors import BadInput

        raise BadInput(f"--base-url must be an http(s) URL, got {opts.base_url!r}")


FAILED_STATUSES = ("failed", "blocked")  # outlets whose crawl brought nothing back


def failed(results: list[dict[str, Any]]) -> list[str]:
    return [r["outlet"] for r in results if r.get("status") in FAILED_STATUSES]


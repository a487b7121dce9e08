"""`hadath outlets check`: is each outlet's configuration still true of its site?

For one outlet, in this order (one request at a time, the outlet's download delay apart on live sites):
  robots    robots.txt: readable, does it let us in, which sitemaps it names
  feed      every configured feed: entries, and how many link to URLs the article pattern matches
  sitemap   every configured sitemap (an index: its first child, news first): URLs, article URLs
  listing   the first listing page: links its link_selector finds, article URLs among them
  fallback  when a configured feed or sitemap fails: what the crawler's fallback would find instead
            (homepage <link rel="alternate">, robots.txt Sitemap: lines, usual CMS paths; scrapers/fallback.py)
  article   one article found above: a block? an article? its date; each configured selector (empty or not)
Every response is first checked for a block (scrapers/blocks.py).

Verdicts: ok; degraded (a configured source fails or finds no article URL, but articles are still reachable,
possibly through the fallback); broken (no source leads to an article, the article page is no article,
a configured selector comes back empty, robots.txt shuts us out, the site is unreachable); blocked
(a block stands between us and the articles). `hadath outlets check` exits 1 when an outlet is broken or
blocked; the weekly DAG `hadath_outlet_check` alerts then.
"""

from __future__ import annotations

import logging
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from etl.crawl import network_reason
from scrapers.blocks import BLOCK_KINDS
from scrapers.fallback import moved, same_source, shorten

LOGGER = logging.getLogger(__name__)

FETCH_TIMEOUT_S = 20.0  # one probe request
MAX_BODY_BYTES = 5 * 1024 * 1024  # = the crawler's DOWNLOAD_MAXSIZE
CHECK_WORKERS = 4  # outlets checked side by side (each on its own host, one request at a time)
URL_WIDTH = 48  # the table's URL column
FAILING_VERDICTS = ("broken", "blocked")  # verdicts that make the check fail (exit 1, DAG alert)
PROBE_RESULTS = ("ok", "warn", "fail", "blocked", "info")


@dataclass
class Fetched:
    url: str  # final URL, after redirects
    status: int  # 0 when no HTTP answer came
    headers: dict[str, str]
    body: bytes
    error: str | None = None  # unreachable / timed out / too large / private address

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200


@dataclass
class Probe:
    what: str  # robots | feed | sitemap | listing | fallback | article | selector
    url: str  # real-site URL
    result: str  # one of PROBE_RESULTS
    detail: str


@dataclass
class Report:
    slug: str
    probes: list[Probe] = field(default_factory=list)
    verdict: str = "ok"  # ok | degraded | broken | blocked
    reason: str = ""

    def add(self, what: str, url: str, result: str, detail: str) -> Probe:
        probe = Probe(what, url, result, detail)
        self.probes.append(probe)
        return probe

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------- fetching
class Fetcher:
    """One outlet's HTTP client: a delay between requests, private addresses refused on live sites (as
    the crawler does), the crawler's User-Agent and size cap."""

    def __init__(self, delay: float, live: bool) -> None:
        from scrapers.settings import USER_AGENT

        self.user_agent = USER_AGENT
        self.delay = delay
        self.live = live
        self.last = 0.0

    def get(self, url: str) -> Fetched:
        if self.live and _private(urlsplit(url).hostname or ""):
            return Fetched(url, 0, {}, b"", "private address refused")
        wait = self.last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            return self._get(url)
        finally:
            self.last = time.monotonic()

    def _get(self, url: str) -> Fetched:
        from w3lib.url import safe_url_string

        # Arabic paths (/category/أخبار/) are percent-encoded as Scrapy does; urllib sends ASCII only
        request = urllib.request.Request(safe_url_string(url), headers={"User-Agent": self.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as resp:  # noqa: S310 (http/https only)
                return self._read(resp.geturl(), resp.status, resp)
        except urllib.error.HTTPError as err:
            return self._read(err.geturl() or url, err.code, err)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as err:
            return Fetched(url, 0, {}, b"", network_reason(getattr(err, "reason", err)))

    @staticmethod
    def _read(url: str, status: int, resp: Any) -> Fetched:
        headers = {k.lower(): v for k, v in resp.headers.items()}
        body = resp.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            return Fetched(url, status, headers, b"", "too large")
        return Fetched(url, status, headers, body)


def _private(host: str) -> bool:
    from scrapers.middlewares import is_private_ip

    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False  # the request itself will say DNS failed
    return any(is_private_ip(info[4][0]) for info in infos)


# ---------------------------------------------------------------------- checking one outlet
@dataclass
class Found:
    """What one feed or sitemap gave: a probe result, its detail, the article URLs it lists (to fetch)."""

    result: str
    detail: str
    articles: list[str] = field(default_factory=list)


class OutletCheck:
    """The probes of one outlet (see the module docstring); `run()` returns its Report."""

    def __init__(self, outlet: Any, base_url: str | None = None) -> None:
        from scrapers.urls import SiteMap

        self.outlet = outlet
        self.site = SiteMap(outlet, f"{base_url.rstrip('/')}/{outlet.slug}" if base_url else None)
        self.fetcher = Fetcher(0.0 if base_url else outlet.politeness.download_delay, live=not base_url)
        self.report = Report(outlet.slug)
        self.robots: Any = None  # a protego parser once robots.txt was read
        self.robots_text = ""
        self.last_block = ""  # the description of the last block met
        self.articles: list[str] = []  # fetch URLs of article pages found, in discovery order
        self.failed: dict[str, str] = {}  # kind (feed, sitemap) -> how its first failing configured source failed

    def run(self) -> Report:
        if not self.check_robots():
            return self.decide()
        for path in self.outlet.feeds:
            self.check_source("feed", self.site.resolve(path))
        for path in self.outlet.sitemaps:
            self.check_source("sitemap", self.site.resolve(path))
        if self.outlet.listing:
            self.check_listing()
        for kind, how in sorted(self.failed.items()):
            if moved(how):  # as the crawler: no guessing on a site that is down or blocks us
                self.check_fallback(kind)
        self.check_article()
        return self.decide()

    # ------------------------------------------------------------------ fetching with robots and blocks
    def real(self, url: str) -> str:
        return self.site.to_real(url)

    def fetch(self, what: str, url: str) -> tuple[Fetched | None, str]:
        """(the page, "ok"), or (None, why not) after adding the probe that says it: robots.txt, a block
        (its kind), an HTTP status (http_404) or a network error."""
        if self.robots is not None and not self.robots.can_fetch(self.real(url), self.fetcher.user_agent):
            self.report.add(what, self.real(url), "fail", "disallowed by robots.txt")
            return None, "robots_txt"
        got, why = self.get(url)
        if why in BLOCK_KINDS:
            self.report.add(what, self.real(url), "blocked", self.last_block)
        elif why != "ok":
            self.report.add(what, self.real(url), "fail", why)
        return (got if why == "ok" else None), why

    def get(self, url: str) -> tuple[Fetched, str]:
        """A request and what came of it: "ok", a block kind, http_<status> or a network error."""
        from scrapers.blocks import detect

        got = self.fetcher.get(url)
        if got.error:
            return got, got.error
        block = detect(got.body, got.status, got.headers, got.url)
        if block is not None:
            self.last_block = block.describe()
            return got, block.kind
        return got, "ok" if got.status == 200 else f"http_{got.status}"

    def check_robots(self) -> bool:
        """robots.txt: False when the site cannot be reached at all (nothing else is probed then)."""
        from protego import Protego

        from scrapers.fallback import robots_sitemaps

        url = self.site.resolve("/robots.txt")
        got, why = self.get(url)
        if got.status == 0:
            self.report.add("robots", self.real(url), "fail", f"unreachable: {got.error}")
            return False
        if why in BLOCK_KINDS:
            self.report.add("robots", self.real(url), "blocked", f"{self.last_block}; no rules applied")
            return True
        if got.status != 200:
            detail = "none (no rules)" if got.status == 404 else f"unreadable (http_{got.status}): no rules applied"
            self.report.add("robots", self.real(url), "ok" if got.status == 404 else "warn", detail)
            return True
        self.robots_text = got.body.decode("utf-8", "replace")
        self.robots = Protego.parse(self.robots_text)
        home = self.outlet.base_url + "/"
        if not self.robots.can_fetch(home, self.fetcher.user_agent):
            self.report.add("robots", self.real(url), "fail", "robots.txt disallows / for our User-Agent")
        else:
            named = len(robots_sitemaps(self.robots_text, self.real(url)))
            self.report.add("robots", self.real(url), "ok", f"allowed; names {named} sitemap(s)")
        return True

    # ------------------------------------------------------------------ feeds, sitemaps, listing
    def check_source(self, kind: str, url: str) -> None:
        """A configured feed or sitemap: its probe line; a failure may start the fallback probe later."""
        got, why = self.fetch(kind, url)
        if got is None:
            self.failed.setdefault(kind, why)
            return
        found = self.evaluate(kind, got)
        self.report.add(kind, self.real(url), found.result, found.detail)
        self.articles += found.articles
        if not found.articles:
            self.failed.setdefault(kind, "no_article_links")

    def evaluate(self, kind: str, got: Fetched) -> Found:
        return self.evaluate_feed(got) if kind == "feed" else self.evaluate_sitemap(got)

    def evaluate_feed(self, got: Fetched) -> Found:
        from scrapers.discovery import UnsafeXml, parse_feed

        try:
            entries, malformed = parse_feed(got.body, self.outlet.timezone)
        except UnsafeXml:
            return Found("fail", "unsafe XML (declares entities)")
        if not entries:
            return Found("fail", "not a feed" if malformed else "no entries")
        found = self.counted(f"{len(entries)} entries" + (" (malformed XML)" if malformed else ""),
                             [e.url for e in entries], got.url)
        if malformed and found.result == "ok":
            found.result = "warn"  # the crawler records malformed_feed: usable, but not right
        return found

    def evaluate_sitemap(self, got: Fetched, depth: int = 0) -> Found:
        from scrapers.discovery import MalformedXml, UnsafeXml, parse_sitemap

        try:
            kind, entries = parse_sitemap(got.body, self.outlet.timezone)
        except (UnsafeXml, MalformedXml) as err:
            return Found("fail", f"not a sitemap ({type(err).__name__}: {str(err)[:60]})")
        if kind == "urlset":
            return self.counted(f"{len(entries)} URLs", [e.url for e in entries], got.url)
        if not entries or depth:
            return Found("fail", f"index of {len(entries)} sitemap(s)")
        child = next((e for e in entries if "news" in e.url.lower()), entries[0])
        child_url = self.site.to_fetch(self.site.resolve(child.url, got.url))
        fetched, why = self.get(child_url)
        inner = self.evaluate_sitemap(fetched, depth + 1) if why == "ok" else \
            Found("blocked", self.last_block) if why in BLOCK_KINDS else Found("fail", why)
        short = shorten(self.real(child_url), self.outlet.base_url)
        return Found(inner.result, f"index of {len(entries)}; {short}: {inner.detail}", inner.articles)

    def counted(self, what: str, links: list[str], page_url: str) -> Found:
        """A source's links: ok when some match the article pattern, warn when none does."""
        articles = [self.site.to_fetch(self.site.canonical(self.site.resolve(u, page_url))) for u in links
                    if self.site.is_article(self.site.resolve(u, page_url))]
        if not articles:
            return Found("warn", f"{what}, none matches article_url_pattern")
        return Found("ok", f"{what}, {len(articles)} article URLs", articles)

    def check_listing(self) -> None:
        from scrapers.discovery import parse_listing

        listing = self.outlet.listing
        url = self.site.resolve(listing.url.replace("{page}", str(listing.first_page)))
        got, _ = self.fetch("listing", url)
        if got is None:
            return
        links = [e.url for e in parse_listing(got.body.decode("utf-8", "replace"), listing.link_selector,
                                              self.outlet.timezone)]
        if not links:
            self.report.add("listing", self.real(url), "fail", "listing.link_selector came back empty")
            return
        found = self.counted(f"{len(links)} links", links, got.url)
        self.report.add("listing", self.real(url), found.result, found.detail)
        self.articles += found.articles

    # ------------------------------------------------------------------ what the crawler's fallback would find
    def check_fallback(self, kind: str) -> None:
        """The first candidate the crawler's fallback would take (scrapers/fallback.py), one request each."""
        from scrapers.fallback import ORIGIN_LABELS, well_known

        tried = 0
        for url, origin in self.announced(kind) + [(self.site.resolve(p), "well_known") for p in well_known(kind)]:
            if same_source(url) in self.tried_urls(kind):
                continue
            tried += 1
            got, why = self.get(url)
            found = self.evaluate(kind, got) if why == "ok" else None
            if found is not None and found.articles:
                self.articles += found.articles
                self.report.add("fallback", self.real(url), "info",
                                f"{kind} via {ORIGIN_LABELS[origin]}: {found.detail} (the crawler falls back to it)")
                return
            if not moved(why):
                break
        self.report.add("fallback", self.outlet.base_url, "fail", f"no working {kind} found ({tried} tried)")

    def announced(self, kind: str) -> list[tuple[str, str]]:
        from scrapers.fallback import announced_feeds, robots_sitemaps

        if kind == "sitemap":
            named = robots_sitemaps(self.robots_text, self.site.resolve("/robots.txt"))
            return [(self.site.to_fetch(u), "robots") for u in named]
        home, why = self.get(self.site.resolve("/"))
        feeds = announced_feeds(home.body.decode("utf-8", "replace"), home.url) if why == "ok" else []
        return [(self.site.to_fetch(u), "homepage") for u in feeds]

    def tried_urls(self, kind: str) -> set[str]:
        """same_source() keys of the configured sources of that kind (the fallback skips them, as the crawler)."""
        configured = self.outlet.feeds if kind == "feed" else self.outlet.sitemaps
        return {same_source(self.site.resolve(p)) for p in configured}

    # ------------------------------------------------------------------ one article
    def check_article(self) -> None:
        if not self.articles:
            self.report.add("article", self.outlet.base_url, "fail", "no source lists an article URL")
            return
        url = self.articles[0]
        got, _ = self.fetch("article", url)
        if got is None:
            return
        from scrapers import pages

        response = html_response(got)
        if not pages.looks_like_article(response, self.outlet):
            self.report.add("article", self.real(url), "fail", "not an article page (no og:type article, "
                                                               "NewsArticle or headline with an article body)")
            return
        when = pages.page_date(response, self.outlet)
        self.report.add("article", self.real(url), "ok" if when else "warn",
                        f"article, published {when.isoformat()}" if when else "article, no date on the page")
        for name, css in sorted(self.outlet.selectors.items()):
            self.check_selector(response, name, css)

    def check_selector(self, response: Any, name: str, css: str) -> None:
        from w3lib.html import remove_tags

        try:
            values = [" ".join(remove_tags(v).split()) for v in response.css(css).getall()]
        except ValueError as err:  # a selector parsel cannot read
            self.report.add("selector", f"{name}: {css}", "fail", f"invalid CSS: {err}")
            return
        text = next((v for v in values if v), "")
        if not text:
            self.report.add("selector", f"{name}: {css}", "fail", f"selectors.{name} came back empty")
        else:
            self.report.add("selector", f"{name}: {css}", "ok", text[:50] + ("…" if len(text) > 50 else ""))

    # ------------------------------------------------------------------ the verdict
    def decide(self) -> Report:
        """The verdict (see the module docstring) and the probe that explains it."""
        report, probes = self.report, self.report.probes
        article = next((p for p in probes if p.what == "article"), None)
        blocked = [p for p in probes if p.result == "blocked" and p.what != "robots"]
        fatal = [p for p in probes if p.result == "fail" and p.what in ("article", "selector", "robots")]
        trouble = [p for p in probes if p.result in ("fail", "warn", "blocked")]
        if blocked and (article is None or article.result in ("blocked", "fail")):
            report.verdict, why = "blocked", blocked[0]
        elif fatal or article is None:
            report.verdict, why = "broken", self.pattern_mismatch() or (fatal or probes)[0]
        elif trouble:
            report.verdict, why = "degraded", trouble[0]
        else:
            return report
        report.reason = f"{why.what}: {why.detail}"
        return report

    def pattern_mismatch(self) -> Probe | None:
        """When sources list links but none matches the article pattern, that is the reason to give."""
        unmatched = [p for p in self.report.probes if p.detail.endswith("none matches article_url_pattern")]
        if not unmatched or self.articles:
            return None
        return Probe("article_url_pattern", self.outlet.article_url_pattern, "fail",
                     f"{self.outlet.article_url_pattern} matches no link of "
                     + ", ".join(p.what for p in unmatched))


def html_response(got: Fetched) -> Any:
    from scrapy.http import HtmlResponse

    return HtmlResponse(got.url, status=got.status, headers=got.headers, body=got.body)


# ---------------------------------------------------------------------- several outlets
def check_outlets(slugs: list[str] | None = None, base_url: str | None = None,
                  outlets_file: str | None = None) -> list[Report]:
    """Reports of the given outlets (default: every enabled one), checked side by side, in config order."""
    from scrapers.config import get_outlet, load_outlets

    outlets = [get_outlet(s, outlets_file) for s in slugs] if slugs else \
        [o for o in load_outlets(outlets_file) if o.enabled]
    with ThreadPoolExecutor(max_workers=CHECK_WORKERS) as pool:
        return list(pool.map(lambda o: OutletCheck(o, base_url).run(), outlets))


def failing(reports: list[Report]) -> list[Report]:
    return [r for r in reports if r.verdict in FAILING_VERDICTS]


def failure_message(failing_reports: list[Report], total: int) -> str:
    """One line: which outlets fail the check and why."""
    why = "; ".join(f"{r.slug} {r.verdict} ({r.reason})" for r in failing_reports)
    return f"outlet check: {len(failing_reports)} of {total} outlet(s) broken or blocked: {why}"


def format_reports(reports: list[Report], bases: dict[str, str]) -> str:
    """The table: one line per probe, then one verdict line per outlet."""
    width = max([7, *(len(r.slug) for r in reports)])
    lines = [f"{'outlet':<{width}} {'probe':<8} {'url':<{URL_WIDTH}} {'result':<7} detail"]
    for r in reports:
        for p in r.probes:
            url = _fit(shorten(p.url, bases.get(r.slug, "")), URL_WIDTH)
            lines.append(f"{r.slug:<{width}} {p.what:<8} {url:<{URL_WIDTH}} {p.result:<7} {p.detail}")
    lines.append("")
    for r in reports:
        lines.append(f"{r.slug:<{width}} {r.verdict.upper() if r.verdict in FAILING_VERDICTS else r.verdict}"
                     + (f": {r.reason}" if r.reason else ""))
    return "\n".join(lines)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width // 2 - 1] + "…" + text[-(width - width // 2):]


def weekly_verdict(wanted: list[str], reports: list[dict[str, Any]]) -> str:
    """The DAG's verdict: the table (logged), and a HadathError naming the outlets that are broken or
    blocked, or whose check did not run."""
    from etl.errors import HadathError
    from scrapers.config import load_outlets

    got = [Report(r["slug"], [Probe(**p) for p in r["probes"]], r["verdict"], r["reason"]) for r in reports if r]
    done = {r.slug for r in got}
    got += [Report(slug, [], "broken", "check: the check of this outlet did not run") for slug in wanted
            if slug not in done]
    text = format_reports(got, {o.slug: o.base_url for o in load_outlets()})
    LOGGER.info("outlet check\n%s", text)
    if failing(got):
        raise HadathError(failure_message(failing(got), len(got)))
    return text

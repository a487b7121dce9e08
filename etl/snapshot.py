"""Local HTTP server for the offline outlet snapshot: every outlet on one 127.0.0.1 port.

http://127.0.0.1:PORT/<slug>/... serves snapshot/sites/<slug>/... . Text responses have the outlet's
real base URL (and its http://, bare-host and protocol-relative forms, for every outlet) rewritten to
http://127.0.0.1:PORT/<slug>, so a crawl stays inside the prefix. Edge cases (301, flaky 500,
oversized page) come from <root>/_routes.json, written by snapshot/build.py from snapshot/routes.yaml.
Blocked outlets (`blocked_outlets` in snapshot/routes.yaml, read here directly) are copies of an outlet
served under a slug of their own, behind a block page of snapshot/blocks/ (anti-bot challenge, captcha,
login wall, consent wall) on every path or on its article pages only.

    with start_server() as server:          # port 0: a free port
        feed = server.url_for("orient") + "/rss"

CLI: python -m etl.snapshot --port 8765
"""

from __future__ import annotations

import argparse
import hashlib
import ipaddress
import json
import logging
import mimetypes
import re
import sys
import threading
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import yaml

from etl.errors import HadathError

LOGGER = logging.getLogger(__name__)
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROOT = REPO_ROOT / "snapshot" / "sites"
DEFAULT_OUTLETS = REPO_ROOT / "scrapers" / "outlets.yaml"
DEFAULT_ROUTES = REPO_ROOT / "snapshot" / "routes.yaml"
BLOCK_PAGES = REPO_ROOT / "snapshot" / "blocks"
# block kind -> (status of the block page, its file, the path it lives at when other paths redirect to it)
BLOCKS = {"challenge": (503, "challenge.html", None), "captcha": (403, "captcha.html", None),
          "login_wall": (200, "login.html", "/wp-login.php"), "consent_wall": (200, "consent.html", "/consent/")}
BLOCK_SCOPES = ("all", "articles")  # every path of the copy, or the paths its outlet's article pattern matches
DEFAULT_HOST = "127.0.0.1"  # never listen beyond loopback unless asked
DEFAULT_CLI_PORT = 8765
KNOWN_SUFFIXES = {".html", ".htm", ".xml", ".txt", ".json"}  # same rule as snapshot/build.py
INDEX_SUFFIXES = (".html", ".xml", ".txt")  # directory-style paths: <dir>/index<suffix>
SELECT_PARAMS = ("p", "page", "paged")  # query parameters naming another file: same rule as snapshot/build.py
SNIFF_BYTES = 1024  # how far into a file to look for <meta charset> / the feed root element
STREAM_CHUNK = 1 << 16  # bytes per write for generated big bodies
TEXT_TYPES = {".html": "text/html", ".htm": "text/html", ".xml": "application/xml",
              ".txt": "text/plain", ".json": "application/json"}
CHARSET_RE = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.I)


@dataclass
class SnapshotState:
    """What every request handler of one server instance shares."""
    root: Path
    hosts: dict[str, str]  # host name -> outlet slug
    routes: dict[tuple[str, str], dict]  # (slug, path without trailing '/') -> route
    base_url: str = ""
    hits: dict[tuple[str, str], int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    cache: dict[str, bytes] = field(default_factory=dict)
    host_re: re.Pattern[bytes] | None = None
    blocked: dict[str, BlockedOutlet] = field(default_factory=dict)  # slug of the blocked copy -> what it is

    def count(self, key: tuple[str, str]) -> int:
        """Requests seen so far for `key` on this server instance (including this one)."""
        with self.lock:
            self.hits[key] = self.hits.get(key, 0) + 1
            return self.hits[key]

    def rewrite(self, data: bytes, rename: dict[str, str] | None = None) -> bytes:
        """Real outlet URLs -> http://127.0.0.1:PORT/<slug> (works for any ASCII-compatible charset);
        `rename` serves an outlet's links under another slug (a blocked copy links to itself)."""
        if self.host_re is None:
            return data
        names = rename or {}

        def local(match: re.Match[bytes]) -> bytes:
            slug = self.hosts[match[1].decode().lower()]
            return f"{self.base_url}/{names.get(slug, slug)}".encode()

        return self.host_re.sub(local, data)


@dataclass(frozen=True)
class BlockedOutlet:
    """A copy of outlet `mirrors` served under its own slug behind a `block` on `scope` paths."""

    slug: str
    mirrors: str
    block: str  # a key of BLOCKS
    scope: str  # one of BLOCK_SCOPES
    article_re: re.Pattern[str]  # the mirrored outlet's article_url_pattern

    def blocks(self, path: str) -> bool:
        return self.scope == "all" or bool(self.article_re.search(path))


def route_key(path: str) -> str:
    return path.rstrip("/") or "/"


def load_state(root: Path, outlets_file: Path) -> SnapshotState:
    """Outlet hosts from outlets.yaml and the resolved edge cases from <root>/_routes.json."""
    if not root.is_dir():
        raise HadathError(f"snapshot directory not found: {root} (run snapshot/build.py)")
    try:
        outlets = yaml.safe_load(outlets_file.read_text(encoding="utf-8"))["outlets"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as err:
        raise HadathError(f"cannot read outlet config {outlets_file}: {err}") from err
    hosts: dict[str, str] = {}
    for outlet in outlets:
        names = [urlsplit(outlet["base_url"]).hostname or "", *outlet.get("domains", [])]
        hosts.update({name.lower(): outlet["slug"] for name in names if name})
    routes_file = root / "_routes.json"
    routes = json.loads(routes_file.read_text(encoding="utf-8"))["routes"] if routes_file.exists() else []
    state = SnapshotState(root, hosts, {(r["outlet"], route_key(r["path"])): r for r in routes})
    state.blocked = load_blocked_outlets(DEFAULT_ROUTES, outlets, root)
    alternation = b"|".join(re.escape(h.encode()) for h in sorted(hosts, key=len, reverse=True))
    state.host_re = re.compile(rb"(?:https?:)?//(" + alternation + rb")(?![\w.-])", re.I) if hosts else None
    return state


def load_blocked_outlets(routes_file: Path, outlets: list[dict], root: Path) -> dict[str, BlockedOutlet]:
    """The `blocked_outlets` of snapshot/routes.yaml whose mirrored outlet is served from `root`."""
    try:
        entries = (yaml.safe_load(routes_file.read_text(encoding="utf-8")) or {}).get("blocked_outlets") or []
    except (OSError, yaml.YAMLError) as err:
        raise HadathError(f"cannot read blocked outlets from {routes_file}: {err}") from err
    patterns = {o["slug"]: o.get("article_url_pattern", "") for o in outlets}
    out: dict[str, BlockedOutlet] = {}
    for entry in entries:
        mirrors = str(entry.get("mirrors", ""))
        if entry.get("block") not in BLOCKS or entry.get("scope", "all") not in BLOCK_SCOPES:
            raise HadathError(f"{routes_file}: blocked outlet {entry.get('slug')!r}: unknown block or scope")
        if mirrors in patterns and (root / mirrors).is_dir():
            out[str(entry["slug"])] = BlockedOutlet(str(entry["slug"]), mirrors, entry["block"],
                                                    entry.get("scope", "all"), re.compile(patterns[mirrors]))
    return out


def resolve_file(site: Path, path: str, query: str) -> Path | None:
    """URL path (+ ?page=N) -> file under `site`, or None. Mirrors file_for() in snapshot/build.py."""
    rel = path.lstrip("/")
    infix = query_infix(query)  # ?p=, ?page=, ?paged= (SELECT_PARAMS) name another file
    if infix is None or any(part in (".", "..") for part in rel.split("/")):
        return None
    base = site / rel
    candidates = [base] if rel and not rel.endswith("/") and base.suffix in KNOWN_SUFFIXES else []
    candidates += [base / f"index{suffix}" for suffix in INDEX_SUFFIXES]
    for candidate in candidates:
        if infix:
            candidate = candidate.with_name(f"{candidate.stem}{infix}{candidate.suffix}")
        if candidate.is_file() and candidate.resolve().is_relative_to(site.resolve()):
            return candidate
    return None


def query_infix(query: str) -> str | None:
    """File-name infix of the page-selecting parameters ('.p-7', '.paged-2'); None when one is not a number."""
    params = parse_qs(query)
    values = [(name, params[name][0]) for name in SELECT_PARAMS if name in params]
    if any(not value.isdigit() for _, value in values):
        return None
    return "".join(f".{name}-{value}" for name, value in values)


def content_type(path: Path, head: bytes) -> str:
    """Content-Type from the suffix, with the feed kind and the HTML charset sniffed from the bytes."""
    kind = TEXT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind == "application/xml" and b"<rss" in head:
        kind = "application/rss+xml"
    elif kind == "application/xml" and b"<feed" in head:
        kind = "application/atom+xml"
    if not (kind.startswith("text/") or kind.endswith("xml") or kind.endswith("json")):
        return kind
    match = CHARSET_RE.search(head) if kind == "text/html" else None
    return f"{kind}; charset={match[1].decode().lower() if match else 'utf-8'}"


def combined_robots(state: SnapshotState) -> bytes:
    """Root robots.txt: every outlet's `User-agent: *` rules with the slug prefix, plus its sitemaps."""
    rules, sitemaps = [], []
    for robots in sorted(state.root.glob("*/robots.txt")):
        slug, in_star = robots.parent.name, False
        for line in robots.read_text(encoding="utf-8").splitlines():
            name, _, value = (part.strip() for part in line.partition(":"))
            if name.lower() == "user-agent":
                in_star = value == "*"
            elif name.lower() in ("allow", "disallow") and in_star and value:
                rules.append(f"{name}: /{slug}{value}")
            elif name.lower() == "sitemap":
                sitemaps.append(f"Sitemap: {value}")
    text = "\n".join(["# Hadath offline snapshot: combined rules of all outlets", "User-agent: *", *rules, "",
                      *sitemaps]) + "\n"
    return state.rewrite(text.encode("utf-8"))


def oversized_body(state: SnapshotState, route: dict) -> bytes:
    """A valid article page padded with archive paragraphs to exactly route['size_bytes'] bytes."""
    key = f"{route['outlet']}{route['path']}"
    if key not in state.cache:
        head = (f'<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head><meta charset="utf-8">'
                f"<title>{route.get('title', '')}</title></head><body><article>"
                f"<h1>{route.get('title', '')}</h1>\n").encode()
        para = "<p>فقرة أرشيفية مكررة لأغراض اختبار حجم الصفحة، لا تحتوي أي خبر جديد.</p>\n".encode()
        tail = b"</article></body></html>\n"
        size = int(route["size_bytes"])
        body = head + para * ((size - len(head) - len(tail)) // len(para))
        state.cache[key] = body + b" " * (size - len(body) - len(tail)) + tail
    return state.cache[key]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The stdlib's listen backlog of 5 refuses connections when a --fast crawl opens many at once,
    # which made a crawl of the snapshot miss pages at random.
    request_queue_size = 128
    state: SnapshotState

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up mid-response (the crawler aborting an oversized page) is normal."""
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            LOGGER.debug("client %s disconnected", client_address)
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "HadathSnapshot/1.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._handle(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle(send_body=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        LOGGER.debug("%s " + format, self.address_string(), *args)

    def _handle(self, send_body: bool) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        path = unquote(url.path)
        if path == "/robots.txt":
            return self._send(200, combined_robots(state), "text/plain; charset=utf-8", send_body)
        slug, _, rest = path.lstrip("/").partition("/")
        if not slug:
            return self._send(200, self._index(state), "text/html; charset=utf-8", send_body)
        if slug in state.blocked:
            return self._blocked_outlet(state, state.blocked[slug], "/" + rest, url.query, send_body)
        site = state.root / slug
        if slug.startswith(("_", ".")) or not site.is_dir():
            return self._not_found(send_body)
        rest = "/" + rest
        route = state.routes.get((slug, route_key(rest)))
        if route and self._edge_case(state, slug, route, send_body):
            return None
        found = resolve_file(site, rest, url.query)
        if found is None:
            return self._not_found(send_body)
        self._send_file(state, found, send_body)
        return None

    def _edge_case(self, state: SnapshotState, slug: str, route: dict, send_body: bool) -> bool:
        """Answer a declared edge case; False when the request should be served normally."""
        if route["kind"] == "redirect":
            location = f"{state.base_url}/{slug}{quote(route['target'], safe='/')}"
            self._send(301, b"", "text/html; charset=utf-8", send_body, {"Location": location})
        elif route["kind"] == "flaky" and state.count((slug, route_key(route["path"]))) <= int(route["failures"]):
            body = b"<html><body><h1>500 Internal Server Error</h1></body></html>\n"
            self._send(500, body, "text/html; charset=utf-8", send_body)
        elif route["kind"] == "oversized":
            self._send(200, oversized_body(state, route), "text/html; charset=utf-8", send_body)
        else:
            return False
        return True

    def _blocked_outlet(self, state: SnapshotState, outlet: BlockedOutlet, rest: str, query: str,
                        send_body: bool) -> None:
        """The block page on blocked paths (or a redirect to where it lives); the mirrored copy elsewhere."""
        status, page, home = BLOCKS[outlet.block]
        prefix = f"{state.base_url}/{outlet.slug}"
        if home and rest.rstrip("/") == home.rstrip("/"):
            return self._send(status, (BLOCK_PAGES / page).read_bytes(), "text/html; charset=utf-8", send_body)
        if outlet.blocks(rest):
            if home:
                location = f"{prefix}{home}?redirect_to={quote(rest, safe='')}"
                return self._send(302, b"", "text/html; charset=utf-8", send_body, {"Location": location})
            headers = {"Server": "cloudflare"} if outlet.block == "challenge" else {}
            return self._send(status, (BLOCK_PAGES / page).read_bytes(), "text/html; charset=utf-8", send_body,
                              headers)
        found = resolve_file(state.root / outlet.mirrors, rest, query)
        if found is None:
            return self._not_found(send_body)
        return self._send_file(state, found, send_body, {outlet.mirrors: outlet.slug})

    def _send_file(self, state: SnapshotState, path: Path, send_body: bool,
                   rename: dict[str, str] | None = None) -> None:
        data = path.read_bytes()
        ctype = content_type(path, data[:SNIFF_BYTES])
        if path.suffix in TEXT_TYPES:
            data = state.rewrite(data, rename)
        mtime = int(path.stat().st_mtime)
        etag = '"' + hashlib.sha1(data, usedforsecurity=False).hexdigest()[:24] + '"'
        headers = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
        if self._not_modified(etag, mtime):
            self._send(304, b"", "", False, headers)
        else:
            self._send(200, data, ctype, send_body, headers)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        """RFC 9110: If-None-Match wins; If-Modified-Since only when it is absent."""
        match = self.headers.get("If-None-Match")
        if match is not None:
            tags = [t.strip().removeprefix("W/") for t in match.split(",")]
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if not since:
            return False
        try:
            return mtime <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False

    def _not_found(self, send_body: bool) -> None:
        body = "<html><body><h1>404 Not Found</h1><p>الصفحة غير موجودة</p></body></html>\n".encode()
        self._send(404, body, "text/html; charset=utf-8", send_body)

    def _index(self, state: SnapshotState) -> bytes:
        slugs = sorted(p.name for p in state.root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
        links = "".join(f'<li><a href="{state.base_url}/{s}/">{s}</a></li>' for s in slugs)
        return f"<html><body><h1>Hadath offline snapshot</h1><ul>{links}</ul></body></html>\n".encode()

    def _send(self, status: int, body: bytes, ctype: str, send_body: bool,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            for start in range(0, len(body), STREAM_CHUNK):
                self.wfile.write(body[start:start + STREAM_CHUNK])


class SnapshotServer:
    """A running snapshot server (daemon thread). Use as a context manager or call stop()."""

    def __init__(self, httpd: _Server) -> None:
        self._httpd = httpd
        host, port = httpd.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        httpd.state.base_url = self.base_url
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="snapshot-server", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url_for(self, slug: str) -> str:
        """Base URL of one outlet's copy, e.g. http://127.0.0.1:40123/orient (no trailing slash)."""
        return f"{self.base_url}/{slug}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> SnapshotServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def start_server(root: Path | None = None, host: str = DEFAULT_HOST, port: int = 0,
                 outlets_file: Path | None = None) -> SnapshotServer:
    """Serve `root` (default snapshot/sites) on host:port (0 = any free port) in a daemon thread."""
    state = load_state(Path(root or DEFAULT_ROOT), Path(outlets_file or DEFAULT_OUTLETS))
    if not is_loopback(host):
        LOGGER.warning("snapshot server listening on non-loopback address %s", host)
    try:
        httpd = _Server((host, port), _Handler)
    except OSError as err:
        raise HadathError(f"cannot listen on {host}:{port}: {err.strerror or err}") from err
    httpd.state = state
    return SnapshotServer(httpd)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.snapshot", description="Serve the offline outlet snapshot.")
    parser.add_argument("--port", type=int, default=DEFAULT_CLI_PORT, help="0 picks a free port")
    parser.add_argument("--host", default=DEFAULT_HOST, help="default 127.0.0.1 (loopback only)")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="built sites (snapshot/sites)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(message)s")
    try:
        server = start_server(args.root, args.host, args.port)
    except (HadathError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"snapshot served at {server.base_url} (outlets under /<slug>/; Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

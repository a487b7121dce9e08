"""URL canonicalisation and mapping between an outlet's real site and a local mirror.

Canonical URL (the key of raw.articles): the outlet's real base_url scheme and host (any of the
outlet's domains is folded onto it), no fragment, no tracking parameters, the AMP suffix mapped
away (outlet `amp` config), percent-encoding normalised, trailing slash per outlet policy.
When crawling a mirror (--base-url), URLs under the local prefix map back to the real base_url
first, so an article gets the same key whatever port the mirror runs on.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from scrapers.config import Outlet

LOGGER = logging.getLogger(__name__)

# Query parameters that only track the click; they never select different content.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
    "_ga", "_gl", "ocid", "spm", "__twitter_impression", "amp_js_v", "usqp",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")  # utm_source, Matomo/Piwik campaign params
PATH_SAFE = "/:@!$&'()*+,;=-._~"  # RFC 3986 pchar without '%', quoted again after unquoting
QUERY_SAFE = PATH_SAFE + "?"


def is_tracking_param(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def strip_tracking(query: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not is_tracking_param(k)]
    return urlencode(pairs, quote_via=quote, safe=QUERY_SAFE)


def normalise_path(path: str) -> str:
    """Decode then re-encode, so 'عنب' and '%D8%B9...' (any case) give the same path."""
    return quote(unquote(path or "/"), safe=PATH_SAFE) or "/"


def decoded_path(url: str) -> str:
    return unquote(urlsplit(url).path or "/")


class SiteMap:
    """An outlet as crawled: its real base_url and, for a mirror, the local prefix it is served at."""

    def __init__(self, outlet: Outlet, local_base: str | None = None) -> None:
        self.outlet = outlet
        self.real = urlsplit(outlet.base_url)
        self.local_prefix = local_base.rstrip("/") if local_base else None

    @property
    def fetch_base(self) -> str:
        return self.local_prefix or self.outlet.base_url

    def resolve(self, href: str, page_url: str | None = None) -> str:
        """An absolute URL from a link; relative config paths resolve against the fetch base."""
        href = href.strip()
        if page_url is None and href.startswith("/"):
            return self.fetch_base + href
        return urljoin(page_url or self.fetch_base + "/", href)

    def to_real(self, url: str) -> str:
        """Map a URL under the local mirror prefix back onto the outlet's real base_url."""
        if self.local_prefix and (url == self.local_prefix or url.startswith(self.local_prefix + "/")):
            return self.outlet.base_url + (url[len(self.local_prefix):] or "/")
        return url

    def to_fetch(self, url: str) -> str:
        """The URL to request: links to the real site are served by the mirror in mirror mode."""
        parts = urlsplit(url)
        if self.local_prefix and self.is_outlet_host(parts.hostname):
            rest = urlunsplit(("", "", parts.path or "/", parts.query, ""))
            real_path = self.real.path
            if real_path and rest.startswith(real_path):
                rest = rest[len(real_path):] or "/"
            return self.local_prefix + rest
        return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))

    def is_outlet_host(self, host: str | None) -> bool:
        host = (host or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.outlet.domains)

    def is_allowed(self, url: str) -> bool:
        """Offsite check on the URL to fetch: the local prefix (mirror) or the outlet's domains."""
        if self.local_prefix:
            return url.startswith(self.local_prefix + "/") or url == self.local_prefix
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and self.is_outlet_host(parts.hostname)

    def canonical(self, url: str) -> str:
        return canonicalize(self.to_real(url), self.outlet)

    def is_article(self, url: str) -> bool:
        """Does the canonical form of `url` match the outlet's article_url_pattern?"""
        canon = self.canonical(url)
        return self.is_outlet_host(urlsplit(canon).hostname) and matches_article(canon, self.outlet)


def matches_article(canonical: str, outlet: Outlet) -> bool:
    """The article pattern against the decoded path, else (URL with a query) against path?query.

    The second form serves outlets whose articles are selected by a query, such as WordPress's plain
    permalinks (`/?p=21571`); a pattern anchored at the end of the path never matches it.
    """
    parts = urlsplit(canonical)
    path = unquote(parts.path or "/")
    if outlet.article_re.search(path):
        return True
    return bool(parts.query) and bool(outlet.article_re.search(f"{path}?{unquote(parts.query)}"))


def canonicalize(url: str, outlet: Outlet) -> str:
    """The canonical form of a real-site URL (see module docstring)."""
    parts = urlsplit(url.strip())
    scheme, netloc = parts.scheme.lower(), parts.netloc.lower()
    host = (parts.hostname or "").lower()
    real = urlsplit(outlet.base_url)
    if any(host == d or host.endswith("." + d) for d in outlet.domains):
        scheme, netloc = real.scheme, real.netloc
    elif (scheme == "http" and netloc.endswith(":80")) or (scheme == "https" and netloc.endswith(":443")):
        netloc = netloc.rsplit(":", 1)[0]
    path = unquote(parts.path or "/")
    if outlet.amp:
        path = re.sub(outlet.amp.pattern, outlet.amp.replace, path) or "/"
    path = _apply_trailing_slash(path, outlet.trailing_slash)
    return urlunsplit((scheme, netloc, normalise_path(path), strip_tracking(parts.query), ""))


def _apply_trailing_slash(path: str, policy: str) -> str:
    if path == "/" or policy == "keep":
        return path
    if policy == "strip":
        return path.rstrip("/") or "/"
    last = path.rsplit("/", 1)[-1]
    return path if path.endswith("/") or "." in last else path + "/"

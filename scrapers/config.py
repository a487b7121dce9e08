"""Outlet configuration: load and validate scrapers/outlets.yaml (or another file).

The spiders are generic; everything outlet-specific lives in the YAML file. The file is chosen by
an explicit path, else the HADATH_OUTLETS_FILE environment variable, else scrapers/outlets.yaml.
Keys this loader adds with defaults (not in every outlet entry): `trailing_slash`
("keep" | "strip" | "add"; default "keep") and `listing.max_pages` falling back to
`defaults.max_listing_pages`. `verified` (optional, per outlet, never from defaults) names the fields
checked against the real site and where: `verified: {article_url_pattern: "source ..."}`; read
tolerantly (a list of field names works too; anything else counts as nothing verified).
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from etl.errors import BadInput

LOGGER = logging.getLogger(__name__)

ENV_OUTLETS_FILE = "HADATH_OUTLETS_FILE"  # path of an alternative outlets YAML (tests, mirrors)
DEFAULT_FILE = Path(__file__).resolve().parent / "outlets.yaml"
SLUG_RE = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")  # slugs are path prefixes and log keys
TRAILING_SLASH_POLICIES = ("keep", "strip", "add")
DEFAULT_POLITENESS = {"download_delay": 1.0, "concurrent_requests_per_domain": 2, "autothrottle": True}
MAX_CONCURRENCY_PER_DOMAIN = 2  # hard ceiling, whatever the config says
DEFAULT_MAX_LISTING_PAGES = 5


@dataclass(frozen=True)
class Listing:
    url: str  # contains "{page}"
    first_page: int
    max_pages: int
    link_selector: str


@dataclass(frozen=True)
class Politeness:
    download_delay: float
    concurrent_requests_per_domain: int
    autothrottle: bool


@dataclass(frozen=True)
class Amp:
    pattern: str
    replace: str


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    base_url: str  # scheme://host, no trailing slash
    domains: tuple[str, ...]
    language: str
    timezone: str
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    listing: Listing | None
    article_url_pattern: str
    politeness: Politeness
    amp: Amp | None = None
    selectors: dict[str, str] = field(default_factory=dict)
    trailing_slash: str = "keep"
    enabled: bool = True
    verified: dict[str, str] = field(default_factory=dict)  # field -> where it was checked against reality

    @property
    def article_re(self) -> re.Pattern[str]:
        return re.compile(self.article_url_pattern)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def outlets_file(path: str | Path | None = None) -> Path:
    """The outlets YAML in use: explicit path, else $HADATH_OUTLETS_FILE, else the bundled file."""
    chosen = path or os.environ.get(ENV_OUTLETS_FILE) or DEFAULT_FILE
    return Path(chosen).expanduser().resolve()


def load_outlets(path: str | Path | None = None) -> list[Outlet]:
    """All outlets (enabled or not), validated; BadInput names the file and the problem."""
    file = outlets_file(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except OSError as err:
        raise BadInput(f"cannot read outlets file {file}: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise BadInput(f"outlets file {file} is not valid YAML: {str(err).splitlines()[0]}") from None
    if not isinstance(data, dict) or not isinstance(data.get("outlets"), list):
        raise BadInput(f"outlets file {file}: expected a mapping with an `outlets` list")
    defaults = data.get("defaults") or {}
    outlets = [_outlet(entry, defaults, file) for entry in data["outlets"]]
    slugs = [o.slug for o in outlets]
    if len(slugs) != len(set(slugs)):
        raise BadInput(f"outlets file {file}: duplicate slugs")
    return outlets


def get_outlet(slug: str, path: str | Path | None = None) -> Outlet:
    for outlet in load_outlets(path):
        if outlet.slug == slug:
            return outlet
    raise BadInput(f"unknown outlet {slug!r} in {outlets_file(path)}")


def _outlet(entry: Any, defaults: dict, file: Path) -> Outlet:
    if not isinstance(entry, dict):
        raise BadInput(f"outlets file {file}: every outlet must be a mapping")
    slug = str(entry.get("slug", ""))
    where = f"outlets file {file}, outlet {slug or '?'}"
    merged = {**defaults, **entry}
    for key in ("slug", "name", "base_url", "article_url_pattern"):
        if not merged.get(key):
            raise BadInput(f"{where}: missing `{key}`")
    if not SLUG_RE.match(slug):
        raise BadInput(f"{where}: slug must match {SLUG_RE.pattern}")
    base_url = _base_url(str(merged["base_url"]), where)
    domains = tuple(d.lower() for d in (merged.get("domains") or [urlsplit(base_url).hostname]))
    _check_regex(merged["article_url_pattern"], where)
    return Outlet(
        slug=slug, name=str(merged["name"]), base_url=base_url, domains=domains,
        language=str(merged.get("language", "ar")), timezone=_timezone(merged, where),
        feeds=tuple(merged.get("feeds") or ()), sitemaps=tuple(merged.get("sitemaps") or ()),
        listing=_listing(merged.get("listing"), merged, where),
        article_url_pattern=str(merged["article_url_pattern"]),
        politeness=_politeness(defaults.get("politeness") or {}, entry.get("politeness") or {}),
        amp=_amp(merged.get("amp"), where), selectors=dict(merged.get("selectors") or {}),
        trailing_slash=_trailing(merged, where), enabled=bool(merged.get("enabled", True)),
        verified=_verified(entry.get("verified")),
    )


def _base_url(value: str, where: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"{where}: base_url must be an http(s) URL, got {value!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _check_regex(pattern: str, where: str) -> None:
    try:
        re.compile(pattern)
    except re.error as err:
        raise BadInput(f"{where}: bad regex {pattern!r}: {err}") from None


def _timezone(merged: dict, where: str) -> str:
    name = str(merged.get("timezone", "Asia/Damascus"))
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"{where}: unknown timezone {name!r}") from None
    return name


def _listing(raw: Any, merged: dict, where: str) -> Listing | None:
    if not raw:
        return None
    if "{page}" not in str(raw.get("url", "")) or not raw.get("link_selector"):
        raise BadInput(f"{where}: listing needs a url with {{page}} and a link_selector")
    max_pages = raw.get("max_pages", merged.get("max_listing_pages", DEFAULT_MAX_LISTING_PAGES))
    return Listing(str(raw["url"]), int(raw.get("first_page", 1)), int(max_pages), str(raw["link_selector"]))


def _politeness(default: dict, override: dict) -> Politeness:
    merged = {**DEFAULT_POLITENESS, **default, **override}
    concurrency = min(int(merged["concurrent_requests_per_domain"]), MAX_CONCURRENCY_PER_DOMAIN)
    return Politeness(float(merged["download_delay"]), max(concurrency, 1), bool(merged["autothrottle"]))


def _amp(raw: Any, where: str) -> Amp | None:
    if not raw:
        return None
    if not raw.get("pattern"):
        raise BadInput(f"{where}: amp needs a pattern")
    _check_regex(raw["pattern"], where)
    return Amp(str(raw["pattern"]), str(raw.get("replace", "")))


UNVERIFIED_VALUES = (None, False, "", "no", "false", "unverified")  # `field: no` says it was not checked


def _verified(raw: Any) -> dict[str, str]:
    """{field: source} from a mapping or a list of field names; anything else: nothing verified."""
    if isinstance(raw, dict):
        return {str(k): "" if v is True else str(v) for k, v in raw.items()
                if not (v in UNVERIFIED_VALUES or str(v).strip().lower() in UNVERIFIED_VALUES)}
    if isinstance(raw, list | tuple):
        return {str(k): "" for k in raw if isinstance(k, str | int) and str(k)}
    return {}


def _trailing(merged: dict, where: str) -> str:
    policy = str(merged.get("trailing_slash", "keep"))
    if policy not in TRAILING_SLASH_POLICIES:
        raise BadInput(f"{where}: trailing_slash must be one of {', '.join(TRAILING_SLASH_POLICIES)}")
    return policy

"""What cleaning needs from the outlet configuration (scrapers/outlets.yaml, owned by the scrapers).

The keys that matter here: ``timezone`` (for timestamps printed without an offset), the optional
``selectors: {title, date, body}`` CSS overrides (parsel syntax, ``::text`` / ``::attr()`` allowed), and
``base_url`` / ``domains`` (which outlet a URL belongs to, for ``hadath clean --page``).
An outlet missing from the file gets the defaults (Asia/Damascus, no selectors).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import yaml

from etl import settings

LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEZONE = settings.TIMEZONE


def config_path() -> Path:
    return settings.project_root() / "scrapers" / "outlets.yaml"


@dataclass(frozen=True)
class OutletConfig:
    slug: str
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
    selectors: dict[str, str] = field(default_factory=dict)
    domains: tuple[str, ...] = ()


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, OutletConfig]:
    if not path.is_file():
        LOGGER.warning("outlet config %s not found: defaults for every outlet", path)
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    default_tz = (data.get("defaults") or {}).get("timezone", DEFAULT_TIMEZONE)
    outlets = {}
    for entry in data.get("outlets") or []:
        selectors = {k: v for k, v in (entry.get("selectors") or {}).items() if k in ("title", "date", "body") and v}
        hosts = [urlsplit(str(entry.get("base_url") or "")).hostname, *(entry.get("domains") or [])]
        outlets[entry["slug"]] = OutletConfig(entry["slug"], ZoneInfo(entry.get("timezone") or default_tz), selectors,
                                              tuple(dict.fromkeys(h.lower() for h in hosts if h)))
    return outlets


def outlet_config(slug: str, path: Path | None = None) -> OutletConfig:
    """The cleaning-relevant configuration of one outlet (defaults when unknown)."""
    return _load(path or config_path()).get(slug) or OutletConfig(slug)


def known_outlets(path: Path | None = None) -> list[str]:
    """Slugs of the configured outlets."""
    return list(_load(path or config_path()))


def outlet_for_url(url: str, path: Path | None = None) -> str | None:
    """The slug of the outlet whose base_url host or domains hold the URL's host (subdomains count)."""
    host = (urlsplit(url).hostname or "").lower()
    for slug, config in _load(path or config_path()).items():
        if any(host == d or host.endswith("." + d) for d in config.domains):
            return slug
    return None

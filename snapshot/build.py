#!/usr/bin/env python3
"""Render snapshot/content/<slug>/*.yaml into a static copy of each outlet: snapshot/sites/<slug>/.

Usage: .venv/bin/python snapshot/build.py [--content DIR] [--out DIR] [-q]

Deterministic: the same input gives byte-identical output (no clock, everything sorted).
Links in pages use the outlet's real base_url; etl/snapshot.py rewrites them when serving.
Per-outlet look and behaviour: snapshot/templates/<slug>/ (site.yaml + string.Template files).
Edge cases: snapshot/routes.yaml, resolved into <out>/_routes.json for the server.
Only the standard library and PyYAML are used.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import re
import shutil
import sys
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from string import Template
from urllib.parse import parse_qs, quote, unquote
from xml.sax.saxutils import escape as xml_escape

import yaml

LOGGER = logging.getLogger(__name__)
SNAPSHOT = Path(__file__).resolve().parent
REPO = SNAPSHOT.parent
DAMASCUS = timezone(timedelta(hours=2))  # Syria was UTC+2 all winter 2022 (no DST in January)
WINDOW_START = datetime(2022, 1, 20, tzinfo=DAMASCUS)  # main window 2022-01-20 .. 2022-01-22
DEFAULT_PAGE_SIZE = 10  # listing entries per page when site.yaml does not say
RELATED_COUNT = 3  # related-article links per page
FEED_MAX_ITEMS = 30  # newest entries in a feed
KNOWN_SUFFIXES = {".html", ".htm", ".xml", ".txt", ".json"}  # paths already naming a file
# Query parameters that select another page (post id, listing page): '/?p=7' is stored as index.p-7.html,
# '/?cat=%2A&paged=2' as index.paged-2.html. Other parameters select nothing. Same rule in etl/snapshot.py.
SELECT_PARAMS = ("p", "page", "paged")

LEVANTINE_MONTHS = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
                    "تشرين الأول", "تشرين الثاني", "كانون الأول"]
STANDARD_MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
                   "أكتوبر", "نوفمبر", "ديسمبر"]
WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
COMMENTS = [  # (name, text, hours after publication): invented reader comments
    ("أبو خالد", "الله يرحم الضحايا ويصبّر أهلهم، إلى متى هذا الحال؟", 3),
    ("سامر الحلبي", "شكراً على المتابعة، نتمنى تفاصيل أكثر عن المنطقة.", 5),
    ("ريم", "الخبر غير دقيق، الأهالي هناك يقولون شيئاً آخر.", 9),
    ("ابن الجزيرة", "الوضع في المنطقة صعب جداً والناس تعبت.", 14),
    ("مواطن سوري", "نحتاج إعلاماً ينقل الحقيقة كما هي.", 20),
]


# ----------------------------------------------------------------------------- model

@dataclass
class Outlet:
    slug: str
    name: str
    base_url: str
    config: dict
    site: dict
    templates: dict[str, Template]
    fragments: dict[str, Template]

    def url(self, path: str, query: str = "", fragment: str = "") -> str:
        """Absolute URL on the outlet's real base_url, percent-encoded; `path` may carry its own ?query."""
        path, _, own = path.partition("?")
        query = "&".join(q for q in (own, query) if q)
        url = self.base_url + quote(path, safe="/")
        return url + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")


@dataclass
class Article:
    id: str
    path: str  # percent-decoded URL path
    title: str
    published: datetime | None
    author: str
    tags: list[str]
    summary: str
    body: str
    flags: list[str] = field(default_factory=list)

    @property
    def dated(self) -> bool:
        return self.published is not None and "no_date" not in self.flags

    @property
    def encoding(self) -> str:
        return "windows-1256" if "windows-1256" in self.flags else "utf-8"

    @property
    def recent(self) -> bool:
        return self.published is None or self.published >= WINDOW_START

    def sort_key(self) -> tuple[datetime, str]:
        return (self.published or WINDOW_START, self.id)


@dataclass
class Entry:
    """One link in a feed, sitemap or listing: an article or an edge-case page."""
    url: str
    title: str
    summary: str
    author: str
    published: datetime | None  # None: no date may be shown
    tags: list[str]
    article_id: str = ""


def load_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping")
    return data


def load_templates(folder: Path) -> tuple[dict[str, Template], dict[str, Template]]:
    """Page templates (*.html) and the named fragments of fragments.html."""
    pages = {p.name: Template(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.html"))}
    shared = folder.parent / "_shared"
    for p in sorted(shared.glob("*.html")):
        pages.setdefault(p.name, Template(p.read_text(encoding="utf-8")))
    frag_text = pages.pop("fragments.html").template
    parts = re.split(r"^<!-- fragment: (\w+) -->\n", frag_text, flags=re.M)
    frags = {name: Template(body.rstrip("\n")) for name, body in zip(parts[1::2], parts[2::2], strict=True)}
    return pages, frags


def load_outlets(outlets_file: Path, templates: Path) -> list[Outlet]:
    """Outlets of scrapers/outlets.yaml that have a template folder."""
    outlets = []
    for cfg in load_yaml(outlets_file)["outlets"]:
        folder = templates / cfg["slug"]
        if not (folder / "site.yaml").exists():
            LOGGER.warning("%s: no templates in %s, skipped", cfg["slug"], folder)
            continue
        pages, frags = load_templates(folder)
        outlets.append(Outlet(cfg["slug"], cfg["name"], cfg["base_url"].rstrip("/"), cfg,
                              load_yaml(folder / "site.yaml"), pages, frags))
    return outlets


def parse_published(value: object) -> datetime | None:
    """ISO string or YAML timestamp -> aware datetime in Damascus time."""
    if value in (None, ""):
        return None
    stamp = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if stamp.tzinfo is None:  # PyYAML gives naive UTC for unquoted offsets; strings are local
        stamp = stamp.replace(tzinfo=UTC if isinstance(value, datetime) else DAMASCUS)
    return stamp.astimezone(DAMASCUS)


def load_article(path: Path, outlet: Outlet) -> Article:
    data = load_yaml(path)
    url_path = unquote(str(data["path"]).strip())
    if not url_path.startswith("/") or "/../" in url_path + "/":
        raise ValueError(f"bad path {url_path!r}")
    return Article(
        id=str(data["id"]), path=url_path, title=str(data["title"]).strip(),
        published=parse_published(data.get("published")),
        author=str(data.get("author") or outlet.site["default_author"]),
        tags=[str(t) for t in data.get("tags") or []], summary=str(data.get("summary") or "").strip(),
        body=str(data.get("body") or ""), flags=[str(f) for f in data.get("flags") or []])


def load_articles(folder: Path, outlet: Outlet) -> list[Article]:
    """All valid articles of one outlet, newest first; broken files are skipped with a warning."""
    articles: dict[str, Article] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            art = load_article(path, outlet)
        except (KeyError, ValueError, TypeError, yaml.YAMLError) as err:
            LOGGER.warning("%s: skipped (%s)", path, err)
            continue
        if art.path in articles:
            LOGGER.warning("%s: duplicate path %s, skipped", path, art.path)
            continue
        articles[art.path] = art
    return sorted(articles.values(), key=Article.sort_key, reverse=True)


# ----------------------------------------------------------------------------- dates

def visible_date(stamp: datetime, fmt: str, digits: str) -> str:
    """Arabic date as printed on the page, e.g. '21 كانون الثاني 2022'."""
    local = stamp.astimezone(DAMASCUS)
    text = fmt.format(d=local.day, dd=f"{local.day:02d}", m=local.month, mm=f"{local.month:02d}", y=local.year,
                      lev=LEVANTINE_MONTHS[local.month - 1], std=STANDARD_MONTHS[local.month - 1],
                      weekday=WEEKDAYS[local.weekday()], H=f"{local.hour:02d}", M=f"{local.minute:02d}")
    return text.translate(ARABIC_INDIC) if digits == "arabic" else text


def iso(stamp: datetime, utc: bool = False) -> str:
    if utc:
        return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return stamp.isoformat()


def rfc822(stamp: datetime, utc: bool) -> str:
    return format_datetime(stamp.astimezone(UTC if utc else DAMASCUS))


# ----------------------------------------------------------------------------- routes

def load_routes(routes_file: Path, slug: str) -> list[dict]:
    return [dict(r) for r in load_yaml(routes_file).get("routes", []) if r.get("outlet") == slug]


def title_slug(title: str, words: int = 6) -> str:
    """WordPress-style slug from an Arabic headline (first words, hyphenated)."""
    cleaned = re.sub(r"[^\w\s-]", "", title)
    return "-".join(cleaned.split()[:words])


def resolve_route(route: dict, outlet: Outlet, recent: list[Article]) -> dict | None:
    """Fill path/target/linked_url of one route; None when it cannot apply."""
    if "article" in route:
        if not recent:
            LOGGER.warning("%s: route %s needs an article, none in window", outlet.slug, route["name"])
            return None
        art = recent[min(int(route["article"]), len(recent)) - 1]
        route["article_id"] = art.id
        route.setdefault("path", art.path)
    kind = route["kind"]
    if kind == "redirect":
        pub = art.published or WINDOW_START
        route["target"] = art.path
        route["path"] = route["from"].format(y=pub.year, m=f"{pub.month:02d}", d=f"{pub.day:02d}",
                                             title_slug=title_slug(art.title), id=re.sub(r"\D", "", art.path))
        route["linked_url"] = outlet.url(route["path"])
    elif kind == "tracking":
        route["linked_url"] = outlet.url(art.path, route.get("query", ""), route.get("fragment", ""))
    elif kind == "amp":
        route["target"] = art.path
        route["path"] = art.path.rstrip("/") + "/" + route.get("suffix", "amp/")
        route["linked_url"] = outlet.url(route["path"])
    elif kind == "windows_1256" and "windows-1256" not in art.flags:
        art.flags.append("windows-1256")
    return route


def apply_routes(routes: list[dict], outlet: Outlet, articles: list[Article]) -> list[dict]:
    recent = [a for a in articles if a.recent]
    resolved = (resolve_route(r, outlet, recent) for r in routes)
    return [r for r in resolved if r is not None]


def link_overrides(routes: list[dict], where: str) -> dict[str, str]:
    """article id -> the URL used instead of the canonical one on `where` (feed/listing/home)."""
    return {r["article_id"]: r["linked_url"] for r in routes
            if "linked_url" in r and "article_id" in r and where in r.get("linked_from", [])}


def extra_entries(routes: list[dict], outlet: Outlet, where: str) -> list[Entry]:
    """Edge-case pages (404, non-article, oversized) linked from `where`."""
    return [Entry(outlet.url(r["path"]), r["title"], r.get("summary", r["title"]),
                  outlet.site["default_author"], parse_published(r.get("published")), [])
            for r in routes if "title" in r and where in r.get("linked_from", [])]


# ----------------------------------------------------------------------------- html pieces

def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def fragment(outlet: Outlet, frag: str, /, **values: object) -> str:
    """A named fragment of fragments.html filled with `values` ('' when the outlet has none)."""
    tpl = outlet.fragments.get(frag)
    defaults = {"base": outlet.base_url, "home_url": outlet.url("/"), "site_name": esc(outlet.site["name"])}
    if "url" in values:  # ${rel}: the same link written relative to <base href> (Orient, Zaman al-Wasl)
        defaults["rel"] = relative(outlet, str(values["url"]))
    return "" if tpl is None else tpl.substitute(defaults | {k: str(v) for k, v in values.items()})


def entry_of(outlet: Outlet, art: Article, url: str | None = None) -> Entry:
    return Entry(url or outlet.url(art.path), art.title, art.summary, art.author,
                 art.published if art.dated else None, art.tags, art.id)


def common_context(outlet: Outlet) -> dict[str, str]:
    site = outlet.site
    ctx = {"site_name": esc(site["name"]), "base": outlet.base_url, "home_url": outlet.url("/"),
           "section_name": esc(site["section_name"]), "section_url": outlet.url(listing_root(outlet)),
           "feed_url": outlet.url(outlet.config["feeds"][0]), "year": str(site.get("year", 2022))}
    ctx["nav_html"] = "\n".join(fragment(outlet, "nav_item", label=esc(label), url=outlet.url(path))
                                for label, path in site.get("nav", []))
    ctx["header"] = fragment(outlet, "header", **ctx)
    ctx["footer"] = fragment(outlet, "footer", **ctx)
    return ctx


def short_date(outlet: Outlet, entry: Entry) -> str:
    if entry.published is None:
        return ""
    site = outlet.site
    return visible_date(entry.published, site.get("list_date_format", site["date_format"]),
                        site.get("list_digits", site.get("digits", "latin")))


def relative(outlet: Outlet, url: str) -> str:
    """A link as sites with <base href> write it: 'ar/news_show/1/0/x' for base_url + '/ar/news_show/1/0/x'."""
    return url.removeprefix(outlet.base_url).lstrip("/") if url.startswith(outlet.base_url) else url


def entry_html(outlet: Outlet, name: str, entry: Entry, n: int = 0) -> str:
    return fragment(outlet, name, url=entry.url, title=esc(entry.title), summary=esc(entry.summary),
                    author=esc(entry.author), date_text=short_date(outlet, entry),
                    iso=iso(entry.published) if entry.published else "", n=n)


def undated(entry: Entry, keep: bool) -> Entry:
    """On a no_date page even the related links show no dates (nothing a date sniffer could pick)."""
    if not keep:
        entry.published = None
    return entry


def body_html(outlet: Outlet, art: Article, related: list[Article]) -> str:
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", art.body.strip()) if p.strip()]
    out = [f"<p>{esc(p)}</p>" for p in paras]
    if related and "read_also" in outlet.fragments and len(out) > 2:
        out.insert(2, entry_html(outlet, "read_also", entry_of(outlet, related[0])))
    return "\n".join(out)


def related_articles(art: Article, articles: list[Article]) -> list[Article]:
    """The next RELATED_COUNT articles after `art` in date order (wrapping), never itself."""
    if len(articles) < 2:
        return []
    start = articles.index(art)
    picks = [articles[(start + i) % len(articles)] for i in range(1, len(articles))]
    return picks[:RELATED_COUNT]


def comments_html(outlet: Outlet, art: Article) -> str:
    """Two invented comments; their dates are shown only when the article has a date."""
    first = zlib.crc32(art.id.encode("utf-8")) % len(COMMENTS)
    items = []
    for n, (name, text, hours) in enumerate(COMMENTS[first:] + COMMENTS[:first]):
        when = art.published + timedelta(hours=hours) if art.dated else None
        shown = visible_date(when, outlet.site["date_format"], outlet.site.get("digits", "latin")) if when else ""
        items.append(fragment(outlet, "comment", name=esc(name), text=esc(text), date_text=shown, n=n + 1))
        if n == 1:
            break
    return "\n".join(items)


def jsonld(outlet: Outlet, art: Article) -> str:
    """JSON-LD <script> per site.yaml `jsonld`: none | newsarticle | newsarticle_body | graph | tie_schema."""
    mode = outlet.site.get("jsonld", "none")
    if mode == "none" or not art.dated:
        return ""
    url = outlet.url(art.path)
    item = {"@type": "NewsArticle", "headline": art.title, "mainEntityOfPage": url,
            "datePublished": iso(art.published), "dateModified": iso(art.published),
            "author": {"@type": "Person", "name": art.author}, "inLanguage": "ar",
            "keywords": art.tags,
            "publisher": {"@type": "Organization", "name": outlet.site["name"],
                          "logo": {"@type": "ImageObject", "url": outlet.url("/logo.png")}}}
    if mode == "newsarticle_body":
        item["articleBody"] = " ".join(art.body.split())
    if mode == "graph":
        doc = {"@context": "https://schema.org",
               "@graph": [{"@type": "WebPage", "@id": url, "name": art.title}, item]}
    elif mode == "tie_schema":  # the Jannah theme's own block: script#tie-schema-json with dateCreated
        doc = {"@context": "http://schema.org", **item, "dateCreated": iso(art.published)}
    else:
        doc = {"@context": "https://schema.org", **item}
    text = json.dumps(doc, ensure_ascii=False, indent=1).replace("</", "<\\/")
    script_id = ' id="tie-schema-json"' if mode == "tie_schema" else ""
    return f'<script{script_id} type="application/ld+json">\n{text}\n</script>'


def head_dates(outlet: Outlet, art: Article) -> str:
    if not art.dated:
        return ""
    lines = []
    if outlet.site.get("meta_published", True):
        # WordPress prints the meta time in the site's zone, some sites in UTC ("+00:00")
        zone = UTC if outlet.site.get("meta_tz") == "utc" else DAMASCUS
        stamp = art.published.astimezone(zone).isoformat()
        lines += [f'<meta property="article:published_time" content="{stamp}">',
                  f'<meta property="article:modified_time" content="{stamp}">']
    lines.append(jsonld(outlet, art))
    return "\n".join(line for line in lines if line)


# ----------------------------------------------------------------------------- pages

def render_article(outlet: Outlet, art: Article, articles: list[Article], routes: list[dict]) -> str:
    related = related_articles(art, articles)
    url = outlet.url(art.path)
    amp = [r for r in routes if r["kind"] == "amp" and r.get("article_id") == art.id]
    date_html = ""
    if art.dated:
        date_html = fragment(outlet, "date", iso=iso(art.published), date_text=visible_date(
            art.published, outlet.site["date_format"], outlet.site.get("digits", "latin")))
    ctx = common_context(outlet) | {
        "charset": art.encoding, "title": esc(art.title), "url": url, "url_enc": quote(url, safe=""),
        "title_enc": quote(art.title, safe=""), "description": esc(art.summary),
        "author": esc(art.author), "author_url": outlet.url(outlet.site["author_path"].format(author=art.author)),
        "head_dates": head_dates(outlet, art), "date_html": date_html,
        "body_html": body_html(outlet, art, related), "comments_html": comments_html(outlet, art),
        "tags_html": "\n".join(fragment(outlet, "tag", tag=esc(t), url=outlet.url(
            outlet.site["tag_path"].format(tag=t))) for t in art.tags),
        "related_html": "\n".join(entry_html(outlet, "related_item", undated(entry_of(outlet, r), art.dated))
                                  for r in related),
        "amphtml": "".join(f'<link rel="amphtml" href="{outlet.url(r["path"])}">' for r in amp),
        "article_num": re.sub(r"\D", "", art.path)[:7] or str(zlib.crc32(art.id.encode()) % 10**6)}
    return outlet.templates["article.html"].substitute(ctx)


def render_amp(outlet: Outlet, art: Article, route: dict) -> str:
    ctx = {"title": esc(art.title), "canonical": outlet.url(art.path), "site_name": esc(outlet.site["name"]),
           "head_dates": head_dates(outlet, art), "author": esc(art.author), "home_url": outlet.url("/"),
           "date_text": visible_date(art.published, outlet.site["date_format"], outlet.site.get("digits", "latin"))
           if art.dated else "",
           "body_html": "\n".join(f"<p>{esc(' '.join(p.split()))}</p>"
                                  for p in re.split(r"\n\s*\n", art.body.strip()) if p.strip())}
    return outlet.templates["amp.html"].substitute(ctx)


def render_extra_pages(outlet: Outlet, articles: list[Article], routes: list[dict]) -> list[tuple[str, str]]:
    """AMP copies and non-article pages declared in routes.yaml."""
    by_id = {a.id: a for a in articles}
    out = []
    for route in routes:
        if route["kind"] == "amp":
            out.append((route["path"], render_amp(outlet, by_id[route["article_id"]], route)))
        elif route["kind"] == "non_article":
            ctx = common_context(outlet) | {"title": esc(route["title"]), "url": outlet.url(route["path"])}
            out.append((route["path"], outlet.templates[route["template"]].substitute(ctx)))
    return out


def render_home(outlet: Outlet, recent: list[Article], routes: list[dict]) -> str:
    links = link_overrides(routes, "home")
    entries = [entry_of(outlet, a, links.get(a.id)) for a in recent]
    ctx = common_context(outlet) | {
        "lead_html": entry_html(outlet, "home_lead", entries[0]) if entries else "",
        "items_html": "\n".join(entry_html(outlet, "home_item", e, i) for i, e in enumerate(entries[1:9], 2)),
        "most_read_html": "\n".join(entry_html(outlet, "most_read_item", e, i)
                                    for i, e in enumerate(sorted(entries, key=lambda e: e.title)[:5], 1))}
    return outlet.templates["home.html"].substitute(ctx)


def listing_root(outlet: Outlet) -> str:
    """The section page the listing pages belong to: '/news/page/{page}/' -> '/news/', '/x?page={page}' -> '/x'."""
    prefix = outlet.config["listing"]["url"].split("{page}")[0].split("?")[0]
    return re.sub(r"page/$", "", prefix) or "/"


def listing_chunks(outlet: Outlet, recent: list[Entry], older: list[Entry]) -> list[list[Entry]]:
    """Page 1.. : window entries first, older ones start on a fresh page."""
    size = int(outlet.site.get("page_size", DEFAULT_PAGE_SIZE))
    chunks = [recent[i:i + size] for i in range(0, len(recent), size)]
    chunks += [older[i:i + size] for i in range(0, len(older), size)]
    return chunks or [[]]


def render_listing(outlet: Outlet, articles: list[Article], routes: list[dict]) -> list[tuple[str, str]]:
    """(path, html) for every listing page, plus the section root (unless that is a home page)."""
    links = link_overrides(routes, "listing")
    recent = [entry_of(outlet, a, links.get(a.id)) for a in articles if a.recent]
    recent += extra_entries(routes, outlet, "listing")
    recent.sort(key=lambda e: (e.published or WINDOW_START, e.url), reverse=True)
    older = [entry_of(outlet, a) for a in articles if not a.recent]
    chunks = listing_chunks(outlet, recent, older)
    listing = outlet.config["listing"]
    first = int(listing.get("first_page", 1))
    out = []
    for idx, chunk in enumerate(chunks):
        number = first + idx
        pager = [fragment(outlet, "pager_link", url=listing_url(outlet, first + i), label=str(i + 1),
                          current="active" if i == idx else "") for i in range(len(chunks))]
        ctx = common_context(outlet) | {
            "page_label": str(idx + 1), "pager_html": "\n".join(pager),
            "items_html": "\n".join(entry_html(outlet, "listing_item", e, i) for i, e in enumerate(chunk, 1))}
        text = outlet.templates["listing.html"].substitute(ctx)
        out.append((listing["url"].format(page=number), text))
        if idx == 0 and listing_root(outlet) not in outlet.site["home_paths"]:
            out.append((listing_root(outlet), text))
    return out


def listing_url(outlet: Outlet, number: int) -> str:
    return outlet.base_url + outlet.config["listing"]["url"].format(page=number)


def render_robots(outlet: Outlet) -> str:
    site = outlet.site
    lines = ["User-agent: *"]
    lines += [f"Disallow: {p}" for p in site.get("robots_disallow", [])]
    lines += [f"Allow: {p}" for p in site.get("robots_allow", [])]
    lines += ["", "User-agent: GPTBot", "Disallow: /", ""]
    lines += [f"Sitemap: {outlet.url(p)}" for p in outlet.config.get("sitemaps", [])]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- feeds and sitemaps

def feed_entries(outlet: Outlet, articles: list[Article], routes: list[dict]) -> list[Entry]:
    links = link_overrides(routes, "feed")
    entries = [entry_of(outlet, a, links.get(a.id)) for a in articles if a.recent]
    entries += extra_entries(routes, outlet, "feed")
    entries.sort(key=lambda e: (e.published or WINDOW_START, e.url), reverse=True)
    return entries[:FEED_MAX_ITEMS]


def newest(entries: list[Entry]) -> datetime:
    dates = [e.published for e in entries if e.published]
    return max(dates) if dates else WINDOW_START


def rss_item(entry: Entry, utc: bool) -> str:
    parts = [f"<title>{xml_escape(entry.title)}</title>", f"<link>{xml_escape(entry.url)}</link>",
             f'<guid isPermaLink="false">{xml_escape(entry.url.split("?")[0].split("#")[0])}</guid>']
    if entry.published:
        parts.append(f"<pubDate>{rfc822(entry.published, utc)}</pubDate>")
    parts.append(f"<dc:creator>{cdata(entry.author)}</dc:creator>")
    parts += [f"<category>{cdata(t)}</category>" for t in entry.tags]
    parts.append(f"<description>{cdata(entry.summary)}</description>")
    return "<item>\n" + "\n".join(parts) + "\n</item>"


def render_rss(outlet: Outlet, entries: list[Entry], feed_path: str) -> str:
    utc = outlet.site.get("feed_tz", "local") == "utc"
    head = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:atom="http://www.w3.org/2005/Atom">', "<channel>",
            f"<title>{xml_escape(outlet.site['name'])}</title>", f"<link>{outlet.url('/')}</link>",
            f'<atom:link href="{outlet.url(feed_path)}" rel="self" type="application/rss+xml" />',
            f"<description>{xml_escape(outlet.site['tagline'])}</description>", "<language>ar</language>",
            f"<lastBuildDate>{rfc822(newest(entries), utc)}</lastBuildDate>"]
    items = [rss_item(e, utc) for e in entries]
    return "\n".join(head + items + ["</channel>", "</rss>"]) + "\n"


def atom_entry(entry: Entry) -> str:
    parts = [f"<title>{xml_escape(entry.title)}</title>",
             f'<link rel="alternate" type="text/html" href="{xml_escape(entry.url)}" />',
             f"<id>{xml_escape(entry.url)}</id>"]
    if entry.published:
        parts += [f"<published>{iso(entry.published, utc=True)}</published>",
                  f"<updated>{iso(entry.published, utc=True)}</updated>"]
    parts.append(f"<author><name>{xml_escape(entry.author)}</name></author>")
    parts += [f'<category term="{xml_escape(t)}" />' for t in entry.tags]
    parts.append(f'<summary type="html">{xml_escape(entry.summary)}</summary>')
    return "<entry>\n" + "\n".join(parts) + "\n</entry>"


def render_atom(outlet: Outlet, entries: list[Entry], feed_path: str) -> str:
    head = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">',
            f"<title>{xml_escape(outlet.site['name'])}</title>",
            f"<subtitle>{xml_escape(outlet.site['tagline'])}</subtitle>",
            f'<link rel="alternate" type="text/html" href="{outlet.url("/")}" />',
            f'<link rel="self" type="application/atom+xml" href="{outlet.url(feed_path)}" />',
            f"<id>{outlet.url(feed_path)}</id>", f"<updated>{iso(newest(entries), utc=True)}</updated>"]
    return "\n".join(head + [atom_entry(e) for e in entries] + ["</feed>"]) + "\n"


def break_feed(text: str) -> str:
    """Make a feed not well-formed: a bare '&' in the channel and a cut in the third item."""
    text = text.replace("<language>ar</language>", "<language>ar</language>\n<copyright>حرية & كرامة</copyright>", 1)
    starts = [m.start() for m in re.finditer("<item>", text)]
    cut = starts[2] + 120 if len(starts) > 2 else len(text) * 2 // 3
    return text[:cut] + "\n"


def render_feeds(outlet: Outlet, articles: list[Article], routes: list[dict]) -> list[tuple[str, str]]:
    entries = feed_entries(outlet, articles, routes)
    broken = {r["path"] for r in routes if r["kind"] == "malformed_feed"}
    out = []
    for path in outlet.config.get("feeds", []):
        render = render_atom if outlet.site.get("feed_format", "rss") == "atom" else render_rss
        text = render(outlet, entries, path)
        out.append((path, break_feed(text) if path in broken else text))
    return out


def url_xml(entry: Entry, outlet: Outlet, news: bool) -> str:
    parts = [f"<loc>{xml_escape(entry.url)}</loc>"]
    if entry.published:
        parts.append(f"<lastmod>{iso(entry.published)}</lastmod>")
    if news:
        pub = f"<news:publication_date>{iso(entry.published)}</news:publication_date>" if entry.published else ""
        parts.append(f"<news:news><news:publication><news:name>{xml_escape(outlet.site['name'])}</news:name>"
                     f"<news:language>ar</news:language></news:publication>{pub}"
                     f"<news:title>{xml_escape(entry.title)}</news:title></news:news>")
    return "<url>" + "".join(parts) + "</url>"


def urlset(entries: list[Entry], outlet: Outlet, news: bool) -> str:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    head = ['<?xml version="1.0" encoding="UTF-8"?>',
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>']
    return "\n".join(head + [url_xml(e, outlet, news) for e in entries] + ["</urlset>"]) + "\n"


def render_sitemaps(outlet: Outlet, articles: list[Article], routes: list[dict]) -> list[tuple[str, str]]:
    """News sitemap (window + linked edge cases), archive sitemap (everything), optional index."""
    maps = outlet.site.get("sitemaps") or {}  # a site without sitemaps (custom CMS) has none
    if not maps:
        return []
    news = [entry_of(outlet, a) for a in articles if a.recent] + extra_entries(routes, outlet, "news_sitemap")
    news.sort(key=lambda e: (e.published or WINDOW_START, e.url), reverse=True)
    everything = [entry_of(outlet, a) for a in articles]
    out = [(maps["archive"], urlset(everything, outlet, False))]
    if "news" in maps:  # WordPress core sitemaps (wp-sitemap.xml) have no news sitemap
        out.insert(0, (maps["news"], urlset(news, outlet, True)))
    if "index" in maps:
        stamp = iso(newest(everything))
        rows = [f"<sitemap><loc>{outlet.url(p)}</loc><lastmod>{stamp}</lastmod></sitemap>"
                for p in (maps.get("news"), maps["archive"]) if p]
        out.append((maps["index"], "\n".join(
            ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', *rows, "</sitemapindex>"]) + "\n"))
    return out


# ----------------------------------------------------------------------------- writing

def query_infix(query: str) -> str:
    """'.p-7' for 'p=7', '.paged-2' for 'cat=%2A&paged=2', '' when no SELECT_PARAMS parameter is set."""
    params = parse_qs(query)
    return "".join(f".{name}-{params[name][0]}" for name in SELECT_PARAMS if name in params)


def file_for(path: str, ext: str) -> Path:
    """URL path -> file (relative): '/a/' -> a/index<ext>, '/a' -> a/index<ext>, '/a.xml' -> a.xml.

    A query selecting a page adds an infix (SELECT_PARAMS): '/news?page=2' -> news/index.page-2.html,
    '/?p=21571' -> index.p-21571.html. The server (etl/snapshot.py) applies the same rule.
    """
    path, _, query = path.partition("?")
    infix = query_infix(query)
    if not re.fullmatch(r"(\.[a-z]+-\d+)*", infix):
        raise ValueError(f"unsafe query {query!r}")
    rel = unquote(path).lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index" + ext
    elif Path(rel).suffix not in KNOWN_SUFFIXES:
        rel += "/index" + ext
    if any(part in ("", ".", "..") for part in rel.split("/")):
        raise ValueError(f"unsafe path {path!r}")
    out = Path(rel)
    return out.with_name(f"{out.stem}{infix}{out.suffix}") if infix else out


def write(root: Path, path: str, text: str, ext: str, encoding: str = "utf-8") -> None:
    target = root / file_for(path, ext)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text.encode(encoding, errors="xmlcharrefreplace"))


def build_outlet(outlet: Outlet, articles: list[Article], routes: list[dict], root: Path) -> int:
    """Write every file of one outlet under root; return the number of files."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    recent = [a for a in articles if a.recent]
    for art in articles:
        write(root, art.path, render_article(outlet, art, articles, routes), ".html", art.encoding)
    for path, text in render_extra_pages(outlet, articles, routes):
        write(root, path, text, ".html")
    for path in outlet.site["home_paths"]:
        write(root, path, render_home(outlet, recent, routes), ".html")
    for path, text in render_listing(outlet, articles, routes):
        write(root, path, text, ".html")
    for path, text in render_feeds(outlet, articles, routes) + render_sitemaps(outlet, articles, routes):
        write(root, path, text, ".xml")
    write(root, "/robots.txt", render_robots(outlet), ".txt")
    return sum(1 for p in root.rglob("*") if p.is_file())


def public_route(route: dict, outlet: Outlet) -> dict:
    """The part of a resolved route the server and humans need."""
    keep = ("name", "kind", "outlet", "path", "target", "failures", "size_bytes", "linked_url",
            "article_id", "title", "published")
    data = {k: route[k] for k in keep if k in route}
    data["url"] = outlet.url(route["path"])
    return data


def build(content: Path, out: Path, outlets_file: Path, routes_file: Path, templates: Path) -> dict:
    """Build every outlet; return the resolved routes (also written to out/_routes.json)."""
    resolved: list[dict] = []
    out.mkdir(parents=True, exist_ok=True)
    for outlet in load_outlets(outlets_file, templates):
        articles = load_articles(content / outlet.slug, outlet)
        routes = apply_routes(load_routes(routes_file, outlet.slug), outlet, articles)
        count = build_outlet(outlet, articles, routes, out / outlet.slug)
        resolved += [public_route(r, outlet) for r in routes]
        LOGGER.info("%s: %d articles (%d in window), %d files", outlet.slug, len(articles),
                    sum(a.recent for a in articles), count)
    doc = {"routes": resolved}
    text = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (out / "_routes.json").write_text(text, encoding="utf-8")
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the offline outlet snapshot.")
    parser.add_argument("--content", type=Path, default=SNAPSHOT / "content")
    parser.add_argument("--out", type=Path, default=SNAPSHOT / "sites")
    parser.add_argument("--outlets", type=Path, default=REPO / "scrapers" / "outlets.yaml")
    parser.add_argument("--routes", type=Path, default=SNAPSHOT / "routes.yaml")
    parser.add_argument("--templates", type=Path, default=SNAPSHOT / "templates")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")
    try:
        build(args.content, args.out, args.outlets, args.routes, args.templates)
    except (OSError, ValueError, KeyError, yaml.YAMLError) as err:
        print(f"snapshot build failed: {err!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

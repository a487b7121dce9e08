"""Parsed-page helpers shared by extraction and dating: parse once, read JSON-LD and <meta> tags."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from lxml.html import HtmlElement
from trafilatura.utils import load_html

from etl.errors import HadathError

LOGGER = logging.getLogger(__name__)

# schema.org types whose datePublished / articleBody / author describe the page's article.
ARTICLE_TYPES = {
    "Article", "NewsArticle", "ReportageNews", "AnalysisNewsArticle", "BlogPosting", "WebPage",
    "OpinionNewsArticle", "BackgroundNewsArticle", "LiveBlogPosting", "Report", "ScholarlyArticle",
}


class ParseError(HadathError):
    """The decoded page is not parseable HTML."""


def parse(text: str) -> HtmlElement:
    """HTML text -> lxml tree (NUL bytes removed: they break lxml and PostgreSQL text)."""
    tree = load_html(text.replace("\x00", ""))
    if tree is None:
        raise ParseError("page is not parseable HTML")
    return tree


def _walk(node: object) -> Iterator[dict]:
    """Every dict in a JSON-LD document (lists, @graph and nested objects included)."""
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        for value in node.values():
            if isinstance(value, (list, dict)):
                yield from _walk(value)


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type")
    return set(kind) if isinstance(kind, list) else {str(kind)}


def jsonld_articles(tree: HtmlElement) -> list[dict]:
    """schema.org article objects from every <script type=application/ld+json> (broken JSON skipped)."""
    found = []
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        try:
            data = json.loads(script.text_content() or "null", strict=False)
        except ValueError:
            LOGGER.debug("unparseable JSON-LD block skipped")
            continue
        found.extend(obj for obj in _walk(data) if _types(obj) & ARTICLE_TYPES)
    # Article types before the generic WebPage.
    return sorted(found, key=lambda obj: "WebPage" in _types(obj) and len(_types(obj)) == 1)


def meta_content(tree: HtmlElement, names: tuple[str, ...]) -> list[str]:
    """Values of <meta property|name|itemprop=...> for the given names, in the order of ``names``."""
    wanted = {n.lower() for n in names}
    found: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        value = (meta.get("content") or "").strip()
        if key in wanted and value:
            found.setdefault(key, []).append(value)
    return [v for n in names for v in found.get(n.lower(), [])]

"""Main text, title, author and tags of an article page.

Body, in order (the first that gives at least ``MIN_PRIMARY_CHARS`` characters after boilerplate
stripping wins; when none does, the longest non-empty one):

1. ``selectors``: the outlet's CSS ``body`` selector from scrapers/outlets.yaml, when configured
   and matching;
2. ``trafilatura``: ``bare_extraction(favor_precision=True, include_comments=False,
   with_metadata=True)``;
3. ``jsonld``: schema.org ``articleBody``;
4. ``fallback``: trafilatura's ``baseline`` (article tags / paragraphs / whole body text).

Every candidate goes through ``boilerplate.strip_boilerplate``. A body with fewer than
``MIN_BODY_LETTERS`` letters, or whose characters are mostly not letters (garbage bytes), is an
``ExtractionError`` (the pipeline quarantines the article); so is letter soup without word
breaks (binary garbage decoded as windows-1256). trafilatura's date guess is never used
(see ``dates``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import trafilatura
from lxml.html import HtmlElement
from parsel import Selector

from etl.clean import html
from etl.clean.boilerplate import strip_boilerplate
from etl.errors import HadathError

LOGGER = logging.getLogger(__name__)

# trafilatura (or the selector) "returned too little" below this many characters of body: typical
# Syrian news items run 600-3,000 characters; the shortest real briefs (SOHR) are ~250.
MIN_PRIMARY_CHARS = 250
MIN_BODY_LETTERS = 40  # below this there is no article to keep (empty page, error page)
MIN_LETTER_SHARE = 0.5  # letters / non-space characters: garbage bytes decode to symbols
# Mean characters per whitespace-separated word: Arabic prose ~5; binary garbage read as cp1256 is
# letter soup with a space every ~256 bytes.
MAX_MEAN_WORD_CHARS = 15
# Block elements whose text forms paragraphs of a selector-extracted body.
BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"}
# Containers inside a selected body that never hold article text.
SKIP_TAGS = {"script", "style", "noscript", "nav", "aside", "form", "button", "footer", "figure", "iframe", "template"}
# trafilatura's `fast` mode skips its internal backup extractors (readability/jusText comparison);
# our own fallback chain (JSON-LD, baseline) covers the same cases at a fraction of the cost.
TRAFILATURA_FAST = True
_TAG_SPLIT = re.compile(r"\s*[,،;؛|]\s*")
# Whitespace inside one line or paragraph, source line breaks included (SANA wraps <p> text in its HTML).
_WS = re.compile(r"[\s\u00a0\u200f\u200e]+")


class ExtractionError(HadathError):
    """No usable article text on the page."""


@dataclass
class Extracted:
    title: str | None
    body: str
    author: str | None
    tags: list[str] = field(default_factory=list)
    method: str = "trafilatura"  # trafilatura | selectors | jsonld | fallback


def _clean_line(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _trafilatura(tree: HtmlElement, url: str | None) -> dict:
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, favor_precision=True, fast=TRAFILATURA_FAST,
    )
    return doc.as_dict() if doc is not None else {}


def _block_text(element: HtmlElement) -> str:
    """Paragraph text of a selected container: block elements outside skipped containers."""
    lines: list[str] = []
    for node in element.iter(*BLOCK_TAGS):
        ancestors = list(node.iterancestors())
        inside = ancestors[: ancestors.index(element)] if element in ancestors else ancestors
        if any(a.tag in SKIP_TAGS or a.tag in BLOCK_TAGS for a in inside):
            continue  # nested block (counted with its parent) or non-article container
        line = _clean_line(node.text_content())
        if line:
            lines.append(line)
    if not lines:  # a container of bare text and <br>s
        lines = [_clean_line(t) for t in element.itertext() if _clean_line(t)]
    return "\n".join(lines)


def selector_value(tree: HtmlElement, css: str | None) -> str | None:
    """First text/attribute value of a parsel CSS selector (``::text`` / ``::attr()``), stripped."""
    if not css:
        return None
    values = [_clean_line(v) for v in Selector(root=tree, type="html").css(css).getall()]
    values = [v for v in values if v]
    if not values:
        return None
    return " ".join(values) if css.rstrip().endswith("::text") else values[0]


def selector_body(tree: HtmlElement, css: str | None) -> str:
    """Body text of the outlet's ``body`` selector (all matches, in document order)."""
    if not css:
        return ""
    nodes = [n.root for n in Selector(root=tree, type="html").css(css) if isinstance(n.root, HtmlElement)]
    return "\n".join(text for text in (_block_text(n) for n in nodes) if text)


def _jsonld_body(articles: list[dict]) -> str:
    for obj in articles:
        body = obj.get("articleBody")
        if isinstance(body, str) and body.strip():
            return "\n".join(_clean_line(line) for line in body.splitlines() if line.strip())
    return ""


def _baseline_body(tree: HtmlElement) -> str:
    _, text, _ = trafilatura.baseline(tree)  # copies the tree
    return text


def _letters_ok(body: str) -> bool:
    words = body.split()
    letters = sum(map(str.isalpha, body))  # map over a builtin: C speed, this runs on every body
    visible = sum(map(len, words))
    return (letters >= MIN_BODY_LETTERS and letters / max(visible, 1) >= MIN_LETTER_SHARE
            and visible / max(len(words), 1) <= MAX_MEAN_WORD_CHARS)


def choose_body(candidates: list[tuple[str, object]]) -> tuple[str, str]:
    """(method, body) of the first candidate long enough, else the longest; candidates are lazy.

    ``candidates`` holds (method, text-or-callable) pairs; callables run only when reached, so the
    fallbacks cost nothing on the common page.
    """
    seen: list[tuple[str, str]] = []
    for method, source in candidates:
        text = strip_boilerplate(source() if callable(source) else source or "")
        if len(text) >= MIN_PRIMARY_CHARS and _letters_ok(text):
            return method, text
        seen.append((method, text))
        LOGGER.debug("%s gave %d chars (< %d): next extractor", method, len(text), MIN_PRIMARY_CHARS)
    method, text = max(seen, key=lambda item: len(item[1]))
    if not _letters_ok(text):
        raise ExtractionError(f"no article text found (best extractor {method}: {len(text)} chars)")
    return method, text


def split_tags(values: list) -> list[str]:
    """Flatten tag lists ("a, b" strings included), strip, keep the first spelling of each."""
    tags: list[str] = []
    for value in values:
        for tag in _TAG_SPLIT.split(str(value)) if value else []:
            tag = _clean_line(tag)
            if tag and tag not in tags:
                tags.append(tag)
    return tags


def _jsonld_author(articles: list[dict]) -> str | None:
    for obj in articles:
        author = obj.get("author")
        author = author[0] if isinstance(author, list) and author else author
        name = author.get("name") if isinstance(author, dict) else author
        if isinstance(name, str) and name.strip():
            return _clean_line(name)
    return None


def _title(tree: HtmlElement, selectors: dict, doc: dict) -> str | None:
    title = selector_value(tree, selectors.get("title")) or doc.get("title")
    if not title:
        h1 = tree.find(".//h1")
        title = _clean_line(h1.text_content()) if h1 is not None else None
    return title or None


def extract(tree: HtmlElement, url: str | None = None, selectors: dict | None = None,
            feed_meta: dict | None = None) -> Extracted:
    """Title, body, author and tags of a parsed page (see the module docstring for the order)."""
    selectors, feed_meta = selectors or {}, feed_meta or {}
    doc = _trafilatura(tree, url)
    articles = html.jsonld_articles(tree)
    method, body = choose_body([
        ("selectors", lambda: selector_body(tree, selectors.get("body"))),
        ("trafilatura", doc.get("text") or ""),
        ("jsonld", lambda: _jsonld_body(articles)),
        ("fallback", lambda: _baseline_body(tree)),
    ])
    author = doc.get("author") or _jsonld_author(articles) or feed_meta.get("author") or None
    keywords = [kw for obj in articles for kw in (obj.get("keywords") if isinstance(obj.get("keywords"), list)
                                                  else [obj.get("keywords")])]
    tags = split_tags([*(doc.get("tags") or []), *html.meta_content(tree, ("article:tag",)), *keywords,
                       *(feed_meta.get("categories") or [])])
    title = _title(tree, selectors, doc) or feed_meta.get("title")
    return Extracted(title=title, body=body, author=author, tags=tags, method=method)

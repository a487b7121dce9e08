"""Reading one article from a PATH for ``hadath extract PATH``: HTML page or plain text.

Checks, each a one-line ``BadInput`` (exit 2): missing/unreadable file, larger than
``MAX_INPUT_BYTES``, empty, binary (NUL bytes), undecodable (not UTF-8/UTF-16 text; HTML is
decoded by etl.clean with its charset detection), no usable main text, not Arabic (Arabic
letters under ``MIN_ARABIC_SHARE`` of all letters).

HTML is cleaned with ``etl.clean.page.clean_page`` (charset, trafilatura/selectors, boilerplate,
the page's publication date); when that package is unavailable, ``trafilatura.bare_extraction``
runs directly behind ``main_text``.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path

from etl.errors import BadInput, HadathError
from etl.events.model import Article

LOGGER = logging.getLogger(__name__)

MAX_INPUT_BYTES = 5 * 1024 * 1024  # 5 MB: far above any news article (HTML pages run 50-500 KB)
MIN_ARABIC_SHARE = 0.5  # Arabic letters / all letters of the text
MIN_LETTERS = 20  # fewer letters than this is no article
HTML_SNIFF_BYTES = 2048
_HTML = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|article|div|p|meta|title)[\s>/]", re.IGNORECASE)
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_LETTER = re.compile(r"[^\W\d_]")


def looks_like_html(data: bytes) -> bool:
    return bool(_HTML.search(data[:HTML_SNIFF_BYTES]))


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise BadInput(f"{path}: {size} bytes is over the {MAX_INPUT_BYTES}-byte input limit")
        data = path.read_bytes()
    except OSError as err:
        raise BadInput(f"{path}: cannot read ({err.strerror or type(err).__name__})") from None
    if not data.strip():
        raise BadInput(f"{path}: empty input")
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadInput(f"{path}: binary input (NUL bytes), expected an HTML page or plain text")
    return data


def _decode_text(path: Path, data: bytes) -> str:
    for codec in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    raise BadInput(f"{path}: not UTF-8 text (undecodable bytes)")


def main_text(data: bytes, url: str = "", outlet: str = "") -> tuple[str, str, datetime | None]:
    """(body, title, published) of an HTML page."""
    try:
        from etl.clean.page import RawPage, clean_page
    except ImportError:  # the cleaning package is optional for this command
        return _bare_trafilatura(data)
    try:
        page = clean_page(RawPage(article_id=0, outlet=outlet, url=url, body=data))
    except HadathError as err:
        raise BadInput(f"no article text in the page: {err}") from None
    return page.body, page.title or "", page.published_at


def _bare_trafilatura(data: bytes) -> tuple[str, str, datetime | None]:
    import trafilatura

    doc = trafilatura.bare_extraction(data.decode("utf-8", errors="replace"), favor_precision=True,
                                      include_comments=False, with_metadata=True)
    doc = doc if isinstance(doc, dict) else (doc.as_dict() if doc is not None else {})
    return doc.get("text") or "", doc.get("title") or "", None


def check_arabic(text: str, path: Path) -> None:
    letters = _LETTER.findall(text)
    if len(letters) < MIN_LETTERS:
        raise BadInput(f"{path}: no article text")
    arabic = sum(1 for ch in letters if _ARABIC.match(ch))
    if arabic / len(letters) < MIN_ARABIC_SHARE:
        raise BadInput(f"{path}: not Arabic text ({arabic}/{len(letters)} Arabic letters)")


def read_article(path: Path, published: datetime | None = None, outlet: str = "") -> Article:
    """The article at ``path``; ``published`` overrides the page's own date."""
    data = _read(path)
    title, page_date = "", None
    if looks_like_html(data):
        text, title, page_date = main_text(data, url=path.resolve().as_uri(), outlet=outlet)
    else:
        text = _decode_text(path, data)
    check_arabic(text, path)
    return Article(text=text, published=published or page_date, outlet=outlet, title=title,
                   url=path.resolve().as_uri(), source_name=outlet)

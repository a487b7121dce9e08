"""Raw bytes -> HTML text.

Order of trust:
1. a byte-order mark;
2. strict UTF-8 when the body is valid UTF-8 and not pure ASCII (a legacy-encoded Arabic page is
   never valid UTF-8 by accident; this also repairs servers that declare windows-1256 or
   ISO-8859-1 for UTF-8 bodies);
3. each declared charset (HTTP Content-Type header, raw.articles.encoding, <meta charset>) that
   decodes strictly and does not look like mojibake (Latin-1 letters where Arabic was meant);
4. the fallback windows-1256 (the legacy Arabic code page), error-tolerant.

A page that only decodes with replacement characters is still returned (``lossy`` is True) so
that the caller can decide whether enough readable text survives.
"""

from __future__ import annotations

import codecs
import gzip
import logging
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from etl.errors import HadathError

LOGGER = logging.getLogger(__name__)

FALLBACK_ENCODING = "windows-1256"  # the legacy Arabic code page of older Syrian/Arab sites
META_SNIFF_BYTES = 4096  # <meta charset> must appear in the first bytes (HTML5 says 1024; be lenient)
# A decode is mojibake when at least this share of its non-ASCII letters are Latin-1 accented
# letters (U+00C0-U+00FF) and it holds no Arabic letter at all: cp1256 bytes read as ISO-8859-1.
MOJIBAKE_LATIN_SHARE = 0.5
# A body that is UTF-8 except for a few broken sequences (truncated download, one bad byte) stays
# UTF-8 (with U+FFFD) when at most this share of its non-ASCII characters had to be replaced.
MAX_UTF8_REPLACED_SHARE = 0.01
# UTF-8 Arabic read as cp1256 turns every lead byte 0xD8/0xD9 into "ط"/"ظ": in real Arabic these two
# letters are ~1.5% of letters, in such mojibake close to half. Above this share it is mojibake.
UTF8_AS_CP1256_SHARE = 0.25

_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.I)
_ARABIC_RE = re.compile("[\u0621-\u064a]")
_LATIN1_LETTER_RE = re.compile("[\u00c0-\u00ff]")
_NON_ASCII_LETTER_RE = re.compile(r"[^\x00-\x7f\W\d_]")


class DecodeError(HadathError):
    """The stored page cannot be turned into text (e.g. the gzip is corrupt)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # Python codec name actually used
    lossy: bool  # True when bytes had to be replaced


def gunzip(blob: bytes) -> bytes:
    """raw.articles.html_gz -> body bytes; a corrupt archive is a DecodeError (quarantine)."""
    try:
        return gzip.decompress(bytes(blob))
    except (OSError, EOFError, zlib.error) as err:
        raise DecodeError(f"html_gz is not valid gzip: {err}") from None


def declared_charsets(body: bytes, headers: Mapping | None, encoding: str | None) -> list[str]:
    """Codec names declared by the HTTP header, the crawler's encoding column and <meta>, in that order."""
    found = [_header_charset(headers or {}), encoding]
    match = _CHARSET_RE.search(body[:META_SNIFF_BYTES])
    found.append(match.group(1).decode("ascii", "ignore") if match else None)
    names: list[str] = []
    for name in found:
        codec = _codec_name(name)
        if codec and codec not in names:
            names.append(codec)
    return names


def _header_charset(headers: Mapping) -> str | None:
    for key, value in headers.items():
        if str(key).lower() == "content-type":
            text = " ".join(value) if isinstance(value, list) else str(value)
            match = _HEADER_CHARSET_RE.search(text)
            return match.group(1) if match else None
    return None


def _codec_name(name: str | None) -> str | None:
    """Normalised Python codec name, or None for unknown labels."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        LOGGER.debug("unknown charset label %r", name)
        return None


def looks_like_mojibake(text: str) -> bool:
    """Latin-1 accented letters and no Arabic at all: Arabic bytes decoded with a Latin code page."""
    if _ARABIC_RE.search(text):
        return False
    letters = len(_NON_ASCII_LETTER_RE.findall(text))
    return letters > 0 and len(_LATIN1_LETTER_RE.findall(text)) / letters >= MOJIBAKE_LATIN_SHARE


def decode_html(body: bytes, headers: Mapping | None = None, encoding: str | None = None) -> Decoded:
    """Decode a page body (see the module docstring for the order of trust)."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return Decoded(body.decode(codec, "replace"), codec, False)
    if not body.isascii():
        try:
            return Decoded(body.decode("utf-8"), "utf-8", False)
        except UnicodeDecodeError:
            pass
    for codec in declared_charsets(body, headers, encoding):
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        if not looks_like_mojibake(text):
            return Decoded(text, codec, False)
        LOGGER.debug("declared charset %s gives mojibake; falling back", codec)
    return _tolerant(body)


def _tolerant(body: bytes) -> Decoded:
    """Error-tolerant decode: UTF-8 with a few replacements, else the fallback code page."""
    utf8 = body.decode("utf-8", "replace")
    non_ascii = sum(1 for ch in utf8 if ord(ch) > 127)
    if non_ascii and utf8.count("\ufffd") / non_ascii <= MAX_UTF8_REPLACED_SHARE:
        return Decoded(utf8, "utf-8", True)
    legacy = body.decode(FALLBACK_ENCODING, "replace")  # cp1256 maps all 256 bytes: never fails
    arabic = _ARABIC_RE.findall(legacy)
    if non_ascii and arabic and (arabic.count("ط") + arabic.count("ظ")) / len(arabic) > UTF8_AS_CP1256_SHARE:
        return Decoded(utf8, "utf-8", True)  # really UTF-8 with some broken sequences
    return Decoded(legacy, codecs.lookup(FALLBACK_ENCODING).name, "\ufffd" in legacy)

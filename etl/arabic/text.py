"""Arabic text normalisation, tokenisation and sentence splitting: the one normaliser of Hadath.

Every module that compares Arabic text (cleaning, extraction, gazetteer lookup, dedup) calls
``normalize()``. All tables and regexes are built at import (one plan per option combination, cached); a call
runs one deletion regex (only when something is to delete), a short chain of ``str.replace`` calls,
one whitespace collapse and, for rare inputs, one NFKC pass.

``normalize(text, *, ...)`` options (defaults in brackets):

- ``fold_alef`` [True]: أ إ آ ٱ (and alef with wavy hamza) -> ا.
- ``fold_hamza_seats`` [False]: ؤ -> و and ئ -> ي. Off by default: "مئة" and "رئيس" keep their seat.
- ``fold_ta_marbuta`` [True]: ة -> ه ("قرية" == "قريه").
- ``fold_alef_maqsura`` [True]: ى -> ي ("مستشفى" == "مستشفي").
- ``fold_variants`` [True]: Persian/Urdu letter shapes seen in scraped text: ک -> ك, ی -> ي, ھ -> ه.
- ``strip_diacritics`` [True]: harakat and tanween, shadda, sukun, superscript alef, combining
  hamza, Quranic annotation marks (U+0610-U+061A, U+064B-U+065F, U+0670, U+06D6-U+06ED,
  U+08D3-U+08FF) and tatweel (U+0640).
- ``digits`` [True]: Arabic-Indic ٠-٩ and Persian ۰-۹ digits -> ASCII 0-9.
- ``punctuation`` [False]: ، -> ,  ؛ -> ;  ؟ -> ?  ٫ (decimal sep.) -> .  ٬ (thousands sep.) -> ,
  ٪ -> %. Off by default so that text keeps its look; ``tokens()`` turns it on.
- ``strip_marks`` [True]: zero-width and directional controls removed: U+200B-U+200F,
  U+202A-U+202E, U+2066-U+2069, U+FEFF, U+061C.
- ``compat`` [True]: NFKC for presentation forms (ﻻ -> لا, isolated/final letter shapes, NBSP);
  only run when the text is not already NFKC.
- ``collapse_space`` [True]: every run of whitespace (newlines included) -> one space, stripped.

Other helpers: ``to_ascii_digits``, ``strip_marks``, ``tokens``, ``strip_clitics``,
``clitic_variants``, ``normalize_aligned`` (length-mapped folding for regex matching with
offsets into the original text), ``split_sentences`` and ``split_sentences_with_spans``.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from pathlib import Path

import yaml

LOGGER = logging.getLogger(__name__)

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "abbreviations.yaml"

# --- character classes --------------------------------------------------------------------
_DIACRITICS = (
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670"]
    + [chr(c) for c in range(0x06D6, 0x06EE)]
    + [chr(c) for c in range(0x08D3, 0x0900) if c != 0x08E2]
    + ["\u0640"]  # tatweel
)
_MARKS = (
    [chr(c) for c in range(0x200B, 0x2010)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\ufeff", "\u061c"]
)
_ALEF = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "\u0672": "ا", "\u0673": "ا"}
_HAMZA_SEATS = {"ؤ": "و", "ئ": "ي"}
_VARIANTS = {"\u06a9": "ك", "\u06cc": "ي", "\u06be": "ه"}
_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
_PUNCT = {"،": ",", "؛": ";", "؟": "?", "٫": ".", "٬": ",", "٪": "%"}

_NON_NFKC = re.compile("[\u00a0\ufb50-\ufdff\ufe70-\ufefe\u2000-\u200a]")
_DIACRITICS_RE = re.compile("[" + "".join(_DIACRITICS) + "]+")
_MARKS_RE = re.compile("[" + "".join(_MARKS) + "]+")
_DELETABLE = re.compile("[" + "".join(_DIACRITICS) + "".join(_MARKS) + "]+")

# Speed: str.translate with a dict costs ~0.1 us per non-ASCII character (0.4 ms for a 3 KB
# article); a chain of str.replace calls, one per mapped character, is ~50x faster because each
# call is a C-level scan. Deletions use one character-class regex, run only when it finds something.
_Plan = tuple[tuple[tuple[str, str], ...], re.Pattern[str] | None]


@functools.lru_cache(maxsize=64)
def _plan(
    fold_alef: bool,
    fold_hamza_seats: bool,
    fold_ta_marbuta: bool,
    fold_alef_maqsura: bool,
    fold_variants: bool,
    strip_diacritics: bool,
    digits: bool,
    punctuation: bool,
    strip_marks: bool,
) -> _Plan:
    """(character replacements, deletion regex) for one option combination, built once."""
    mapping: dict[str, str] = {}
    if fold_alef:
        mapping |= _ALEF
    if fold_hamza_seats:
        mapping |= _HAMZA_SEATS
    if fold_ta_marbuta:
        mapping["ة"] = "ه"
    if fold_alef_maqsura:
        mapping["ى"] = "ي"
    if fold_variants:
        mapping |= _VARIANTS
    if digits:
        mapping |= _DIGITS
    if punctuation:
        mapping |= _PUNCT
    deleter = {(True, True): _DELETABLE, (True, False): _DIACRITICS_RE, (False, True): _MARKS_RE}
    return tuple(mapping.items()), deleter.get((strip_diacritics, strip_marks))


def _replace_all(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


def normalize(
    text: str,
    *,
    fold_alef: bool = True,
    fold_hamza_seats: bool = False,
    fold_ta_marbuta: bool = True,
    fold_alef_maqsura: bool = True,
    fold_variants: bool = True,
    strip_diacritics: bool = True,
    digits: bool = True,
    punctuation: bool = False,
    strip_marks: bool = True,
    compat: bool = True,
    collapse_space: bool = True,
) -> str:
    """Normalise Arabic text for comparison (see the module docstring for every option)."""
    if compat and _NON_NFKC.search(text):
        text = unicodedata.normalize("NFKC", text)
    pairs, deleter = _plan(
        fold_alef, fold_hamza_seats, fold_ta_marbuta, fold_alef_maqsura, fold_variants,
        strip_diacritics, digits, punctuation, strip_marks,
    )
    if deleter is not None and deleter.search(text):
        text = deleter.sub("", text)
    text = _replace_all(text, pairs)
    if collapse_space:
        return " ".join(text.split())
    return text


_DIGIT_PAIRS = tuple(_DIGITS.items())


def to_ascii_digits(text: str) -> str:
    """Arabic-Indic (٠-٩) and Persian (۰-۹) digits -> ASCII; nothing else changes."""
    return _replace_all(text, _DIGIT_PAIRS)


def strip_marks(text: str) -> str:
    """Remove zero-width and bidi control characters (ZWSP..RLM, embeddings, isolates, BOM, ALM)."""
    return _MARKS_RE.sub("", text) if _MARKS_RE.search(text) else text


# --- aligned folding (for regex matching with offsets into the original) --------------------
# Only 1:1 replacements, so every kept character maps back to one original index.
_ALIGN_PAIRS = _plan(True, False, True, True, True, False, True, True, False)[0]


def normalize_aligned(text: str) -> tuple[str, list[int]]:
    """Fold like ``normalize(punctuation=True, collapse_space=False, compat=False)``.

    Returns ``(folded, offsets)`` where ``offsets[i]`` is the index in ``text`` of ``folded[i]``
    and ``offsets[len(folded)] == len(text)``. Whitespace is kept as is (match it with ``\\s+``).
    """
    if not _DELETABLE.search(text):
        return _replace_all(text, _ALIGN_PAIRS), list(range(len(text) + 1))
    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for match in _DELETABLE.finditer(text):
        pieces.append(text[pos : match.start()])
        offsets.extend(range(pos, match.start()))
        pos = match.end()
    pieces.append(text[pos:])
    offsets.extend(range(pos, len(text) + 1))
    return _replace_all("".join(pieces), _ALIGN_PAIRS), offsets


def original_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a ``[start, end)`` span of an aligned-folded string back to the original text.

    The original span includes diacritics/marks that follow its last letter ("أمسِ").
    """
    if end <= start:
        return offsets[start], offsets[start]
    return offsets[start], offsets[end]


# --- tokens and clitics --------------------------------------------------------------------
_TOKEN_RE = re.compile(r"[0-9]+(?:[.,/][0-9]+)*|[^\W_]+")
MIN_STEM_AFTER_ARTICLE = 2  # "السد" -> "سد"; never strip the article to a 1-letter stem
MIN_STEM_AFTER_LETTER = 3  # "بقصف" -> "قصف" but "بنى" stays: a 1-letter clitic needs 3 letters after
_ARTICLE_PREFIXES = ("وبال", "فبال", "وكال", "فكال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال")
_CONJUNCTIONS = "وف"
_PREPOSITIONS = "بلك"


def _load_rules() -> dict:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


_RULES = _load_rules()
_CLITIC_EXCEPTIONS = frozenset(normalize(w) for w in _RULES["clitic_exceptions"])
_CLITIC_EXCEPTION_PREFIXES = tuple(normalize(w) for w in _RULES["clitic_exception_prefixes"])


def tokens(text: str) -> list[str]:
    """Words and numbers of ``normalize(text, punctuation=True)``; proclitics stay attached."""
    return _TOKEN_RE.findall(normalize(text, punctuation=True))


def _protected(word: str) -> bool:
    return word in _CLITIC_EXCEPTIONS or word.startswith(_CLITIC_EXCEPTION_PREFIXES)


def clitic_variants(token: str) -> list[str]:
    """The token and each successively stripped form, least stripped first (for lexicon lookup).

    "وبالقصف" -> ["وبالقصف", "قصف"]; "وبلدة" -> ["وبلده", "بلده"]; "بقصف" -> ["بقصف", "قصف"].
    """
    word = normalize(token)
    variants = [word]
    if _protected(word):
        return variants
    for prefix in _ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM_AFTER_ARTICLE:
            variants.append(word[len(prefix) :])
            return variants
    for letters in (_CONJUNCTIONS, _PREPOSITIONS):
        if word[:1] and word[0] in letters and len(word) - 1 >= MIN_STEM_AFTER_LETTER:
            word = word[1:]
            variants.append(word)
            if _protected(word):
                break
    return variants


def strip_clitics(token: str) -> str:
    """Remove proclitics (و ف ب ل ك ال وال بال لل فال ...) conservatively; returns normalised text.

    At most one conjunction (و/ف) and one preposition (ب/ل/ك), or one article group; a 1-letter
    clitic needs 3 letters left, an article 2; words in ``clitic_exceptions`` are never cut.
    """
    return clitic_variants(token)[-1]


# --- sentence splitting --------------------------------------------------------------------
_ABBREVIATIONS = frozenset(normalize(a).lower() for a in _RULES["abbreviations"])
_BOUNDARY = re.compile(r"\.{2,}|…|[.!?؟؛]+|\n")
_CLOSERS = "\"'»”’)]}›"
_URL = re.compile(
    r"(?:https?://|www\.)\S+|[\w.-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|info|sy|tv|io|gov)\b\S*",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?؟،؛)\"'»”"


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """URLs and e-mail addresses, without trailing sentence punctuation."""
    spans = []
    for match in _URL.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in _URL_TRAILING:
            end -= 1
        spans.append((match.start(), end))
    return spans


def _previous_token(text: str, pos: int) -> tuple[str, int]:
    """The word (letters, digits, marks and inner dots) ending just before ``pos`` and its start."""
    start = pos
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "."
                         or unicodedata.category(text[start - 1]) == "Mn"):
        start -= 1
    return text[start:pos], start


def _is_latin(word: str) -> bool:
    return any("a" <= ch.lower() <= "z" for ch in word)


def _dot_ends_sentence(text: str, pos: int) -> bool:
    """Decide whether the single "." at ``pos`` closes a sentence."""
    nxt = text[pos + 1] if pos + 1 < len(text) else ""
    prev_raw, prev_start = _previous_token(text, pos)
    prev = normalize(prev_raw).lower()
    if not prev:
        return True
    if nxt.isdigit() and prev[-1].isdigit():  # 3.5, 21.01.2022, 10.30
        return False
    if prev in _ABBREVIATIONS or (len(prev.rsplit(".", 1)[-1]) == 1 and prev[-1].isalpha()):
        return False  # abbreviation or initial: د. م. ق.م. J.
    line_start = text.rfind("\n", 0, prev_start) + 1
    if prev.isdigit() and not text[line_start:prev_start].strip():
        return False  # numbered list item "1. ..."
    if nxt and not nxt.isspace() and nxt not in _CLOSERS:
        # "x.y" glued: a sentence end only for an Arabic word glued to Arabic text ("انتهى.وقال")
        return not _is_latin(prev) and not prev[-1].isdigit() and not _is_latin(nxt)
    return True


def split_sentences_with_spans(text: str) -> list[tuple[int, int, str]]:
    """Sentences as ``(start, end, sentence)`` with ``text[start:end] == sentence`` (stripped)."""
    protected = _protected_spans(text)
    cuts: list[tuple[int, int]] = []  # (end of sentence, start of the next)
    for match in _BOUNDARY.finditer(text):
        pos, mark = match.start(), match.group()
        if any(s <= pos < e for s, e in protected) or mark == "…" or mark.startswith(".."):
            continue
        if mark == "\n":
            cuts.append((pos, match.end()))
            continue
        if mark == "." and not _dot_ends_sentence(text, pos):
            continue
        end = match.end()
        while end < len(text) and text[end] in _CLOSERS:
            end += 1
        cuts.append((end, end))
    return _spans_from_cuts(text, cuts)


def _spans_from_cuts(text: str, cuts: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    spans = []
    start = 0
    for end, nxt in [*cuts, (len(text), len(text))]:
        if end < start:
            continue
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            offset = start + len(chunk) - len(chunk.lstrip())
            spans.append((offset, offset + len(stripped), stripped))
        start = nxt
    return spans


def split_sentences(text: str) -> list[str]:
    """Split on . ! ? ؟ ؛ and newlines, keeping decimals, dates, abbreviations, URLs intact."""
    return [sentence for _, _, sentence in split_sentences_with_spans(text)]

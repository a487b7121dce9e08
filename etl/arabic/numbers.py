"""Counts in Arabic casualty phrases: digits, number words, duals, singulars and ACLED vague rules.

Vocabulary lives in ``etl/data/number_words.yaml``. Text is folded with
``etl.arabic.normalize_aligned`` (digits to ASCII, hamza/ta marbuta folded, diacritics dropped), so
reported spans point into the caller's text.

- ``parse_count(text) -> Count | None``: the first count in ``text``; a bare plural noun
  ("سقوط قتلى", ACLED 'plural fatalities' = 3) is used only when nothing else gives a count.
- ``find_counts(text) -> list[(start, end, Count)]``: every count, in order.

``Count(value, exact, kind)``; kind is 'number' (digits), 'word' (number words), 'vague'
(عشرات -> 10, مئات -> 100, عدد من/عدة/بضعة/بعض -> 3, العديد/كثير -> 10, plural nouns -> 3),
'dual' (عنصرين -> 2) or 'singular' (مقتل شاب -> 1). ``exact`` is False for vague words,
approximations ("أكثر من 40", "نحو 40", "ما لا يقل عن 12" -> the stated figure) and ranges
("بين 5 و7", "5 إلى 7", "5-7" -> the lowest figure, as ACLED codes conflicting reports).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from etl.arabic.text import normalize, normalize_aligned, original_span

LOGGER = logging.getLogger(__name__)

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "number_words.yaml"

Kind = Literal["number", "word", "vague", "dual", "singular"]


@dataclass(frozen=True, slots=True)
class Count:
    """A head count read from text."""

    value: int
    exact: bool
    kind: Kind


# --- vocabulary (normalised once at import) -------------------------------------------------


def _load() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _n(word: Any) -> str:
    return normalize(str(word), punctuation=True)


def _valued(table: dict[Any, Any]) -> dict[str, int]:
    """{value: [words]} or {word: value} -> {normalised word: value}."""
    out: dict[str, int] = {}
    for key, val in table.items():
        if isinstance(val, list):
            out |= {_n(w): int(key) for w in val}
        else:
            out[_n(key)] = int(val)
    return out


def _phrases(items: Any) -> dict[str, list[tuple[tuple[str, ...], Any]]]:
    """Phrases indexed by first word, longest first: {first: [(words, payload)]}."""
    pairs = items.items() if isinstance(items, dict) else ((p, None) for p in items)
    index: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
    for phrase, payload in pairs:
        words = tuple(_n(phrase).split())
        index.setdefault(words[0], []).append((words, payload))
    for options in index.values():
        options.sort(key=lambda o: -len(o[0]))
    return index


_DATA = _load()
UNITS = _valued(_DATA["units"])
ONE_OF = frozenset(_n(w) for w in _DATA["one_of"])
TEN = frozenset(_n(w) for w in _DATA["ten"])
TENS = _valued(_DATA["tens"])
HUNDRED = frozenset(_n(w) for w in _DATA["hundred"])
HUNDREDS = _valued(_DATA["hundreds"])
THOUSAND = frozenset(_n(w) for w in _DATA["thousand"])
THOUSAND_PLURAL = frozenset(_n(w) for w in _DATA["thousand_plural"])
THOUSANDS = _valued(_DATA["thousands"])
APPROXIMATE = _phrases(_DATA["approximate"])
RANGE_STARTS = frozenset(_n(w) for w in _DATA["range_starts"])
RANGE_LINKS = frozenset(_n(w) for w in _DATA["range_links"])
VAGUE = _valued(_DATA["vague"])
VAGUE_PHRASES = _phrases(_DATA["vague_phrases"])
DUAL = frozenset(_n(w) for w in _DATA["dual_nouns"])
DUAL_AMBIGUOUS = frozenset(_n(w) for w in _DATA["dual_ambiguous"])
SINGULAR = frozenset(_n(w) for w in _DATA["singular_nouns"])
PLURAL = frozenset(_n(w) for w in _DATA["plural_nouns"])
PLURAL_VALUE: int = _DATA["plural_value"]  # ACLED: 'plural fatalities' with no figure
NON_COUNT_UNITS = _phrases(_DATA["non_count_units"])
NON_COUNT_BEFORE = frozenset(_n(w) for w in _DATA["non_count_before"])
NUMBER_WORDS = UNITS.keys() | TEN | TENS.keys() | HUNDRED | HUNDREDS.keys() | THOUSAND | THOUSANDS.keys()
NOUNS = DUAL | DUAL_AMBIGUOUS | SINGULAR | PLURAL
# Words that can begin a count (a glued و/ف/ب/ل is checked by dropping the first letter). Tokens
# outside this set are skipped without any parsing: most words of an article.
_STARTERS = frozenset(
    NUMBER_WORDS | VAGUE.keys() | APPROXIMATE.keys() | VAGUE_PHRASES.keys() | RANGE_STARTS | NOUNS
    | {"ال" + w for w in DUAL | DUAL_AMBIGUOUS} | {w + "ا" for w in SINGULAR}
)

_TOKEN = re.compile(r"[0-9]+(?:[.,/:-][0-9]+)*|[^\W\d_]+|-")
_INT = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+")  # "1,000" or "40"
_DIGIT_RANGE = re.compile(r"([0-9]+)-([0-9]+)")  # "5-7"
# Part order in a compound number: bigger parts first, then 1-19 and tens ("مئة وخمسة وعشرون").
_RANK = {"thousand": 4, "hundred": 3, "ten": 2, "teen": 1, "unit": 1}
_SMALL = frozenset({"unit", "ten", "teen"})
_FATHA = "\u064e"
_CONFIRMING = {"dual": 2, "singular": 1}  # a number word repeating a dual/singular noun
_DIACRITIC = re.compile("[\u064b-\u0652]")


# --- token-level parsing ------------------------------------------------------------------


@dataclass(slots=True)
class _Tokens:
    words: list[str]
    spans: list[tuple[int, int]]  # folded-text offsets
    folded: str

    def get(self, i: int) -> str:
        return self.words[i] if 0 <= i < len(self.words) else ""


def _phrase_at(toks: _Tokens, i: int, index: dict[str, list[tuple[tuple[str, ...], Any]]]) -> tuple[int, Any]:
    """(number of words, payload) of the longest phrase of ``index`` starting at token i, or (0, None)."""
    first = toks.get(i)
    if first not in index and first[:1] in "وف":
        first = first[1:]  # "ونحو 40"
    for words, payload in index.get(first, ()):
        if (first, *toks.words[i + 1 : i + len(words)]) == words:
            return len(words), payload
    return 0, None


def _part(toks: _Tokens, i: int, word: str) -> tuple[int, str, int] | None:
    """One part of a compound number at token i: (value, kind, next token)."""
    after = toks.get(i + 1)
    if word in ONE_OF and after not in TEN and not after.startswith("ال"):
        return None  # "لم يصب أحد": only "أحد العناصر" (one of) or "أحد عشر" count
    if word in UNITS:
        unit = UNITS[word]
        if after in TEN:
            return unit + 10, "teen", i + 2
        if after in HUNDRED:
            return unit * 100, "hundred", i + 2
        if after in THOUSAND or after in THOUSAND_PLURAL:
            return unit * 1000, "thousand", i + 2
        return unit, "unit", i + 1
    if word in TEN:
        return 10, "teen", i + 1
    for table, kind in ((TENS, "ten"), (HUNDREDS, "hundred"), (THOUSANDS, "thousand")):
        if word in table:
            return table[word], kind, i + 1
    if word in HUNDRED:
        return 100, "hundred", i + 1
    if word in THOUSAND:
        return 1000, "thousand", i + 1
    return None


def _fits(used: list[str], kind: str) -> bool:
    """Whether a part of ``kind`` can follow the parts already read (no "خمسة وسبعة")."""
    if kind in used or (kind == "teen" and {"unit", "ten"} & set(used)):
        return False
    if kind in _SMALL:
        return "teen" not in used
    return all(u not in _SMALL and _RANK[u] > _RANK[kind] for u in used)


def _word_number(toks: _Tokens, i: int) -> tuple[int, int] | None:
    """A number written in words from token i: (value, next token)."""
    total, used, j = 0, [], i
    while j < len(toks.words):
        word, k = toks.words[j], j
        if used:  # later parts are joined by "و"
            if word == "و":
                k, word = j + 1, toks.get(j + 1)
            elif word.startswith("و") and word[1:] in NUMBER_WORDS:
                word = word[1:]
            else:
                break
        elif word not in NUMBER_WORDS and word[:1] in "وفبل" and word[1:] in NUMBER_WORDS:
            word = word[1:]  # "وخمسة", "بثلاثة"
        part = _part(toks, k, word)
        if part is None or not _fits(used, part[1]):
            break
        total += part[0]
        used.append(part[1])
        j = part[2]
    return (total, j) if used else None


def _number_at(toks: _Tokens, i: int) -> tuple[int, Kind, int, bool] | None:
    """(value, kind, next token, is a range) for digits or number words at token i."""
    word = toks.get(i)
    if word[:1].isdigit():
        rng = _DIGIT_RANGE.fullmatch(word)
        if rng:
            return min(int(rng.group(1)), int(rng.group(2))), "number", i + 1, True
        if not _INT.fullmatch(word):
            return None  # decimal, date or time: not a head count
        value, j = int(word.replace(",", "")), i + 1
        if toks.get(j) in THOUSAND or toks.get(j) in THOUSAND_PLURAL:
            value, j = value * 1000, j + 1
        return value, "number", j, False
    found = _word_number(toks, i)
    return (found[0], "word", found[1], False) if found else None


def _is_count_context(toks: _Tokens, i: int, j: int) -> bool:
    """False for years, ids, distances, percentages ("عام 2022", "5 كم", "50%")."""
    if toks.get(i - 1) in NON_COUNT_BEFORE or _phrase_at(toks, j, NON_COUNT_UNITS)[0]:
        return False
    end = toks.spans[j - 1][1]
    return not toks.folded[end : end + 2].strip().startswith("%")


def _range_end(toks: _Tokens, j: int, after_between: bool) -> tuple[int, int] | None:
    """(second figure, next token) after "X إلى Y" / "X و Y" (only after بين) / "X - Y", or None."""
    link = toks.get(j)
    if link in RANGE_LINKS and (link != "و" or after_between):
        second = _number_at(toks, j + 1)
        return (second[0], second[2]) if second else None
    if after_between and link.startswith("و") and link[1:] in NUMBER_WORDS:
        found = _word_number(toks, j)  # "وسبعة": the و is the link
        return found
    return None


def _skip_noun(toks: _Tokens, j: int) -> int:
    """Consume a counted noun after a figure ("5 عناصر", "عشرات من القتلى")."""
    k = j + 1 if toks.get(j) == "من" else j
    word = toks.get(k)
    bare = word[2:] if word.startswith("ال") else word
    if bare in NOUNS or (bare.endswith("ا") and bare[:-1] in SINGULAR):
        return k + 1
    return j


# --- nouns ---------------------------------------------------------------------------------


def _is_vocalised_dual(raw: str) -> bool:
    """"مقاتلَين" (fatha before the ending) is a dual; "مقاتلِين" / unvocalised is a plural."""
    letters = _DIACRITIC.sub("", raw)
    if not letters.endswith("ين"):
        return False
    before_ya = raw[: raw.rfind("ي")]
    marks = before_ya[len(before_ya.rstrip("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652")) :]
    return _FATHA in marks


def _noun_count(toks: _Tokens, i: int, raw: str) -> tuple[Count, bool] | None:
    """(count, is a plural fallback) for a dual, singular or plural noun at token i."""
    word = toks.get(i)
    if word[:1] in "وف" and word[1:] in NOUNS:
        word = word[1:]
    definite = word.startswith("ال")
    bare = word[2:] if definite else word
    if bare in DUAL or (bare in DUAL_AMBIGUOUS and _is_vocalised_dual(raw)):
        return Count(2, True, "dual"), False
    if definite:
        return None  # "الشاب", "القتلى": a reference, not a count
    if bare in SINGULAR or (bare.endswith("ا") and bare[:-1] in SINGULAR):
        return Count(1, True, "singular"), False
    if bare in PLURAL:
        return Count(PLURAL_VALUE, False, "vague"), True
    return None


# --- scanning ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Item:
    first: int  # token indices [first, last)
    last: int
    count: Count
    fallback: bool  # a bare plural noun: used only when nothing else counts


def _figure_at(toks: _Tokens, i: int) -> _Item | None:
    """A figure (possibly approximate or a range) starting at token i."""
    k, exact = i, True
    size, _ = _phrase_at(toks, k, APPROXIMATE)
    if size:
        k, exact = k + size, False
    after_between = toks.get(k) in RANGE_STARTS
    start = k + 1 if after_between else k
    number = _number_at(toks, start)
    if number is None:
        return None
    value, kind, j, is_range = number
    if kind == "number" and not _is_count_context(toks, start, j):
        return None
    second = _range_end(toks, j, after_between and toks.get(k) == "بين")
    if second is None and after_between and toks.get(k) == "من":
        return None  # "من 5 عناصر" without a range: count from the number itself
    if second is not None:  # ACLED: the lowest figure of a range
        value, j, is_range = min(value, second[0]), second[1], True
    return _Item(i, _skip_noun(toks, j), Count(value, exact and not is_range, kind), False)


def _vague_at(toks: _Tokens, i: int) -> _Item | None:
    size, value = _phrase_at(toks, i, VAGUE_PHRASES)
    if not size and toks.get(i) in VAGUE:
        size, value = 1, VAGUE[toks.get(i)]
    if not size:
        return None
    return _Item(i, _skip_noun(toks, i + size), Count(value, False, "vague"), False)


def _tokens(folded: str) -> _Tokens:
    matches = list(_TOKEN.finditer(folded))
    return _Tokens([m.group() for m in matches], [m.span() for m in matches], folded)


def _scan(text: str) -> tuple[list[_Item], _Tokens, list[int]]:
    folded, offsets = normalize_aligned(text)
    toks = _tokens(folded)
    items: list[_Item] = []
    i = 0
    while i < len(toks.words):
        word = toks.words[i]
        if not (word[0].isdigit() or word in _STARTERS or word[1:] in _STARTERS):
            i += 1
            continue
        item = _figure_at(toks, i) or _vague_at(toks, i)
        if item is None:
            s, e = original_span(offsets, *toks.spans[i])
            noun = _noun_count(toks, i, text[s:e])
            item = _Item(i, i + 1, noun[0], noun[1]) if noun else None
        if item is None:
            i += 1
            continue
        if item.count.kind in _CONFIRMING and UNITS.get(toks.get(item.last)) == _CONFIRMING[item.count.kind]:
            item = _Item(item.first, item.last + 1, item.count, False)  # "عنصرين اثنين", "امرأة واحدة"
        items.append(item)
        i = item.last
    return items, toks, offsets


def find_counts(text: str) -> list[tuple[int, int, Count]]:
    """Every count in ``text`` as ``(start, end, Count)`` with offsets into ``text``."""
    items, toks, offsets = _scan(text)
    out = []
    for item in items:
        start, end = original_span(offsets, toks.spans[item.first][0], toks.spans[item.last - 1][1])
        out.append((start, end, item.count))
    return out


def parse_count(text: str) -> Count | None:
    """The first count in ``text``; a bare plural noun only if nothing else gives a count."""
    items, _, _ = _scan(text)
    for item in items:
        if not item.fallback:
            return item.count
    return items[0].count if items else None

"""Place mentions in a sentence, before resolution: tokens, gazetteer names, cue phrases, phrases.

The sentence is cut into tokens (with offsets); gazetteer names (index lookup on token n-grams,
only the lengths of names that start with the word) and cue phrases from
``etl/data/place_cues.yaml`` are matched longest first. ``Parser`` groups them into phrases
``[cues] head [qualifiers] [range end] [container]`` (see ``etl.geo.resolve``), and decides
whether a bare name counts as a place: names that are also common Arabic words
(``Gazetteer.common_tier``, ``needs_cue``) need a settlement noun, a locative word or clitic, or a
namesake in the article's governorate; names known only from OCHA / GeoNames need a locative or a
matching context.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from etl.arabic import clitic_variants, normalize
from etl.geo.lookup import Gazetteer
from etl.geo.sources import Place

LOGGER = logging.getLogger(__name__)

CUES_FILE = Path(__file__).resolve().parent.parent / "data" / "place_cues.yaml"
MAX_CUE_TOKENS = 3  # longest cue phrase ("خطوط التماس" is 2, "على مقربة من" is 3)
CUE_CLITICS = "وفبل"  # proclitics accepted on the first word of a cue ("وبلدة", "بحي", "لبلدة")
FORMS_CACHE_SIZE = 65536  # distinct surface tokens remembered (clitic analysis is the slow part)
MIN_CUE_STEM = 2  # shortest cue word left after cutting a proclitic ("حي")
_TOKEN = re.compile(r"(?:[^\W_]|[\u064b-\u065f\u0670\u0640])+")
_QUOTES = set("\"'«»“”‘’()")  # gap characters that do not break a name or a cue phrase
ARTICLE = "ال"
PREP_BA = "ب"
PREP_LAM = "ل"
COMMON, VERY_COMMON = 1, 2  # common-word tiers (etl/data/gazetteer/common_names.csv, needs_cue)
EDITED = "hadath-editors"  # source suffix of places checked by the editors


@dataclass(slots=True)
class Token:
    start: int
    end: int
    raw: str
    norm: str
    glued: bool  # separated from the previous token by whitespace (or quotes) only
    dash: bool  # a range separator (-, –) sits between the previous token and this one


@dataclass(slots=True)
class Item:
    """A matched name, cue or plain word covering tokens [i, j)."""

    kind: str  # "name" | "cue" | "word"
    i: int
    j: int
    role: str = ""  # cue role: type, region, near, direction, qualifier, front, road, origin
    data: dict = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)
    key: str = ""
    text: str = ""  # as written, proclitics removed
    start: int = 0
    locative_clitic: bool = False  # "بذيبان": the name carried the preposition ب
    conj_clitic: bool = False  # "وحزارين"
    lam_clitic: bool = False  # "للبصيرة": the name carried the preposition ل ("to")
    last: int = -1  # index of the last item this one covers (set by the parser)


@dataclass(slots=True)
class Phrase:
    """A parsed mention before resolution."""

    cues: list[Item]
    head: Item
    end_item: int  # index of the last item consumed
    container: Phrase | None = None


class Rules:
    """place_cues.yaml compiled into normalised lookup tables."""

    def __init__(self, data: dict) -> None:
        self.cues: dict[tuple[str, ...], tuple[str, dict]] = {}
        self.cue_first_words: set[str] = set()
        for word, info in data["type"].items():
            self._add(word, "type", info)
        for role in ("region", "near", "direction", "qualifier", "front", "road", "origin"):
            for phrase in data[role]:
                self._add(phrase, role, {})
        self.locative = {normalize(w) for w in data["locative"]}
        self.links = {tuple(normalize(w).split()) for w in data["container_links"]}
        self.name_prefixes = {normalize(w) for w in data["name_prefixes"]}
        self.stopwords = {normalize(w) for w in data["stopwords"]}
        self.needs_cue = {normalize(w) for w in data["needs_cue"]}
        self.not_names = {normalize(w) for w in data["not_names"]}
        self.range_separators = set("".join(data["range_separators"]))
        self.joinable_prefixes = tuple(data["joinable_prefixes"])

    def _add(self, phrase: str, role: str, info: dict) -> None:
        key = tuple(normalize(phrase).split())
        self.cues[key] = (role, info)
        self.cue_first_words.add(key[0])


@functools.lru_cache(maxsize=1)
def load_rules() -> Rules:
    with CUES_FILE.open(encoding="utf-8") as handle:
        return Rules(yaml.safe_load(handle))


# --- tokens ------------------------------------------------------------------------------------
def tokenize(sentence: str, rules: Rules) -> list[Token]:
    toks: list[Token] = []
    prev_end = 0
    for match in _TOKEN.finditer(sentence):
        gap = sentence[prev_end : match.start()]
        other = [c for c in gap if not c.isspace() and c not in _QUOTES] if gap.strip() else []
        dash = bool(other) and all(c in rules.range_separators for c in other)
        toks.append(Token(match.start(), match.end(), match.group(), _norm(match.group()),
                           glued=not other, dash=dash))
        prev_end = match.end()
    return toks


@functools.lru_cache(maxsize=FORMS_CACHE_SIZE)
def _norm(raw: str) -> str:
    return normalize(raw)


@functools.lru_cache(maxsize=FORMS_CACHE_SIZE)
def _first_forms(raw: str) -> tuple[tuple[str, int, str], ...]:
    """(normalised form, chars cut from the raw token, text prefix) for a token and its clitic-free forms.

    "بالبصيرة" -> ("بالبصيره", 0, ""), ("البصيره", 1, ""), ("بصيره", 3, "").
    """
    norm = normalize(raw)
    forms = [(norm, 0, "")]
    for variant in clitic_variants(raw)[1:]:
        cut = _cut_length(raw, variant)
        if cut is None:
            continue
        prefix = norm[: len(norm) - len(variant)]
        if prefix.endswith(ARTICLE) or prefix.endswith("لل"):  # the article form is tried first
            with_article = _cut_length(raw, ARTICLE + variant)
            if with_article is not None:  # "والشحيل" -> "الشحيل" as written
                forms.append((ARTICLE + variant, with_article, ""))
            else:  # "للبصيرة" -> "ال" + "بصيرة"
                forms.append((ARTICLE + variant, cut, ARTICLE))
        forms.append((variant, cut, ""))
    return tuple(forms)


def _cut_length(raw: str, variant: str) -> int | None:
    """How many leading raw characters to drop so that the rest normalises to ``variant``."""
    for cut in range(1, len(raw)):
        if normalize(raw[cut:]) == variant:
            return cut
    return None


# --- matching ----------------------------------------------------------------------------------
def _glued_run(toks: list[Token], i: int, length: int) -> bool:
    return i + length <= len(toks) and all(toks[k].glued for k in range(i + 1, i + length))


def _match_name(toks: list[Token], i: int, gaz: Gazetteer, max_len: int,
                not_names: set[str]) -> Item | None:
    forms = [f for f in _first_forms(toks[i].raw) if f[0] in gaz.first_words]
    if not forms:
        return None
    room = min(max_len, len(toks) - i)
    lengths = sorted({n for f in forms for n in gaz.first_words[f[0]] if n <= room}, reverse=True)
    for length in lengths:  # only the lengths of names that start with this word, longest first
        if not _glued_run(toks, i, length):
            continue
        rest = [t.norm for t in toks[i + 1 : i + length]]
        for form, cut, prefix in forms:
            key = " ".join([form, *rest])
            places = gaz.index.get(key)
            if places and key not in not_names:
                start = toks[i].start + cut
                text = prefix + toks[i].raw[cut:] + _raw_tail(toks, i, length)
                clitic = toks[i].norm[: len(toks[i].norm) - len(form.removeprefix(prefix))] if cut else ""
                return Item("name", i, i + length, places=places, key=key, text=text, start=start,
                             locative_clitic=PREP_BA in clitic, conj_clitic=clitic.startswith("و"),
                             lam_clitic=PREP_LAM in clitic.removesuffix(ARTICLE))
    return None


def _raw_tail(toks: list[Token], i: int, length: int) -> str:
    return "".join(" " + t.raw for t in toks[i + 1 : i + length])


@functools.lru_cache(maxsize=FORMS_CACHE_SIZE)
def _cue_forms(norm: str) -> tuple[str, ...]:
    """A token and its forms without و/ف/ب/ل (also before short cues: "بحي"); never article-stripped
    ("القرية" refers back to a village already named, it does not introduce one)."""
    forms = [norm]
    for size in (1, 2):
        head, rest = norm[:size], norm[size:]
        if len(rest) >= MIN_CUE_STEM and all(c in CUE_CLITICS for c in head):
            forms.append(rest)
    return tuple(forms)


def _match_cue(toks: list[Token], i: int, rules: Rules) -> Item | None:
    forms = [f for f in _cue_forms(toks[i].norm) if f in rules.cue_first_words]
    if not forms:
        return None
    for length in range(min(MAX_CUE_TOKENS, len(toks) - i), 0, -1):
        if not _glued_run(toks, i, length):
            continue
        rest = tuple(t.norm for t in toks[i + 1 : i + length])
        for form in forms:
            hit = rules.cues.get((form, *rest))
            if hit:
                conj = form != toks[i].norm and toks[i].norm.startswith("و")
                return Item("cue", i, i + length, role=hit[0], data=hit[1], start=toks[i].start,
                             conj_clitic=conj)
    return None


def find_items(toks: list[Token], gaz: Gazetteer, rules: Rules) -> list[Item]:
    """Names and cues (longest first; a name wins over a shorter cue), other tokens as words."""
    items: list[Item] = []
    max_len = gaz.max_name_tokens
    i = 0
    while i < len(toks):
        name = _match_name(toks, i, gaz, max_len, rules.not_names)
        cue = _match_cue(toks, i, rules)
        best = name if name and (not cue or name.j > cue.j) else cue
        if best is None:
            best = Item("word", i, i + 1, key=toks[i].norm, text=toks[i].raw, start=toks[i].start)
        best.last = len(items)
        items.append(best)
        i = best.j
    return items


# --- phrase parsing ----------------------------------------------------------------------------
class Parser:
    """Groups items into phrases: [cues] head [qualifiers] [range end] [container]."""

    def __init__(self, items: list[Item], toks: list[Token], rules: Rules, context: str | None,
                 gaz: Gazetteer) -> None:
        self.items, self.toks, self.rules, self.context, self.gaz = items, toks, rules, context, gaz

    def glued(self, k: int) -> bool:
        """Item k follows item k-1 with only whitespace between them."""
        return 0 < k < len(self.items) and self.toks[self.items[k].i].glued

    def cue_chain(self, k: int) -> int:
        """Index just past the run of cues starting at k (qualifiers excluded)."""
        while k < len(self.items) and self.items[k].kind == "cue" and self.items[k].role != "qualifier":
            if not self.glued(k + 1) and k + 1 < len(self.items):
                return k + 1
            k += 1
        return k

    def parse(self) -> list[Phrase]:
        phrases: list[Phrase] = []
        k = 0
        while k < len(self.items):
            phrase = self.phrase_at(k)
            if phrase is None:
                k += 1
                continue
            phrases.append(phrase)
            k = phrase.end_item + 1
            while phrase.cues and phrase.container is None and self.coordinated(k):
                phrase = Phrase(phrase.cues, self.items[k], self.after_head(self.items[k]))
                phrase.container = self.container(phrase.end_item + 1)
                if phrase.container:
                    phrase.end_item = phrase.container.end_item
                phrases.append(phrase)
                k = phrase.end_item + 1
        return phrases

    def coordinated(self, k: int) -> bool:
        """Item k is a name joined by و to the previous head ("قريتي مرعناز وشوارغة الأرز")."""
        return k < len(self.items) and self.items[k].kind == "name" and self.items[k].conj_clitic \
            and self.glued(k)

    def phrase_at(self, k: int) -> Phrase | None:
        end = self.cue_chain(k)
        cues = self.items[k:end]
        if end >= len(self.items) or (cues and not self.glued(end)):
            return None
        head = self.head_at(end, cues)
        if head is None:
            return None
        last = self.after_head(head)
        phrase = Phrase(cues, head, last)
        if any(c.role in ("front", "road") for c in cues):
            phrase.end_item = self.range_end(phrase.end_item)
        origin = any(c.role == "origin" for c in cues)
        phrase.container = self.container(phrase.end_item + 1, origin)
        if phrase.container:
            phrase.end_item = phrase.container.end_item
        return phrase

    def head_at(self, k: int, cues: list[Item]) -> Item | None:
        item = self.items[k]
        if item.kind == "name":
            if (cues and self.cued_ok(k, cues)) or (not cues and self.bare_ok(k)):
                return item
            return None
        if item.kind == "word" and self.opens_unknown(cues, k):
            return self.unknown_head(k)
        return None

    def tier(self, item: Item) -> int:
        """How common a word the name is: 2 very common, 1 common (data or needs_cue), 0 not."""
        return max(self.gaz.common_tier(item.key), 1 if item.key in self.rules.needs_cue else 0)

    def in_context(self, item: Item) -> bool:
        """A namesake lies in the article's governorate."""
        return any(p.admin1_pcode == self.context for p in item.places)

    def edited(self, item: Item) -> bool:
        """A namesake was checked by the editors (or is an admin unit)."""
        return any(p.source.endswith(EDITED) or p.is_admin for p in item.places)

    def cued_ok(self, k: int, cues: list[Item]) -> bool:
        """After a cue. A common word known only from OCHA / GeoNames needs a settlement noun
        ("قرية X", not "قرب منزله"); a very common one too, or a namesake in the article's governorate."""
        item = self.items[k]
        tier = self.tier(item)
        typed = any(c.role == "type" for c in cues)
        if tier and not self.edited(item):
            return typed
        return tier < VERY_COMMON or typed or self.in_context(item)

    def bare_ok(self, k: int) -> bool:
        """A name without a cue. Common words known only from OCHA / GeoNames never count bare
        ("بجروح", "في حالات"); the editors' common words need a locative word or clitic ("في دمر",
        not "دمّر القصف"), very common ones also a namesake in the article's governorate; other
        names known only from OCHA / GeoNames need a locative or a matching context."""
        item = self.items[k]
        tier, edited = self.tier(item), self.edited(item)
        prev = self.items[k - 1] if k > 0 else None
        locative = item.locative_clitic or bool(
            prev and prev.kind == "word" and prev.key in self.rules.locative and self.glued(k))
        if tier and not edited:
            return False
        if tier >= VERY_COMMON:
            return locative and self.in_context(item)
        if tier == COMMON:
            return locative or item.lam_clitic or (item.conj_clitic and self.follows_name(k))
        if edited:
            return True
        return locative or self.in_context(item) or (item.conj_clitic and self.follows_name(k))

    def follows_name(self, k: int) -> bool:
        """Item k is joined by و to a place name right before it ("في ذيبان والشحيل")."""
        prev = self.items[k - 1] if k > 0 else None
        return bool(prev and prev.kind == "name" and self.glued(k))

    def opens_unknown(self, cues: list[Item], k: int) -> bool:
        if not cues or self.items[k].key in self.rules.stopwords:
            return False
        last = cues[-1]
        if last.role == "type" and last.data.get("open"):
            return True
        return last.role in ("front", "road") and self.next_is_range(k)

    def next_is_range(self, k: int) -> bool:
        return k + 1 < len(self.items) and self.toks[self.items[k + 1].i].dash

    def unknown_head(self, k: int) -> Item:
        """One word, or two when the first is a name prefix ("تل", "أبو", "جديد")."""
        first = self.items[k]
        j = k
        if first.key in self.rules.name_prefixes and k + 1 < len(self.items):
            nxt = self.items[k + 1]
            if nxt.kind == "word" and self.glued(k + 1) and nxt.key not in self.rules.stopwords:
                j = k + 1
        text = " ".join(self.items[n].text for n in range(k, j + 1))
        return Item("unknown", first.i, self.items[j].j, key=normalize(text), text=text,
                     start=first.start, last=j)

    def after_head(self, head: Item) -> int:
        """Index of the last item of head + qualifiers."""
        last = head.last
        while last + 1 < len(self.items) and self.glued(last + 1):
            nxt = self.items[last + 1]
            if nxt.kind != "cue" or nxt.role != "qualifier":
                break
            last += 1
        return last

    def range_end(self, last: int) -> int:
        """Consume "– Y" (or "وY") after a front/road head."""
        k = last + 1
        if k >= len(self.items):
            return last
        nxt = self.items[k]
        if self.toks[nxt.i].dash or (nxt.kind == "name" and nxt.conj_clitic):
            if nxt.kind in ("name", "word") and nxt.key not in self.rules.stopwords:
                return self.after_head(nxt) if nxt.kind == "name" else k
        return last

    def container(self, k: int, origin: bool = False) -> Phrase | None:
        """"في مدينة Y", "بريف الحسكة", "شمال الحسكة", "الواقعة في Y" right after a phrase."""
        if k >= len(self.items) or not self.glued(k):
            return None
        start = self.skip_link(k)
        if start >= len(self.items):
            return None
        linked = start > k or self.items[start].locative_clitic
        if not linked and self.items[start].conj_clitic:
            return None  # "مدينة الأتارب وبلدة كفر نوران": a second place, not a container
        end = self.cue_chain(start)
        if not linked and end == start:
            return None
        sub = self.phrase_at(start)
        if sub is None or sub.head.kind != "name" or any(c.role == "origin" for c in sub.cues):
            return None
        if origin and not any(c.role in ("region", "direction") for c in sub.cues):
            return None  # "ينحدر من بلدة X في مدينة Y": Y may be the event place
        return sub

    def skip_link(self, k: int) -> int:
        """Skip a link phrase (في، الواقعة في، التابعة ل) starting at item k."""
        for link in sorted(self.rules.links, key=len, reverse=True):
            n = len(link)
            words = self.items[k : k + n]
            if len(words) == n and all(w.kind == "word" for w in words):
                if tuple(w.key for w in words) == link and all(self.glued(k + m) for m in range(1, n)):
                    return k + n
        return k

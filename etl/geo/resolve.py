"""Toponym resolution in one sentence: "قرب قرية X شمال الحسكة" -> a place, relation and geo_precision.

The sentence is cut into tokens (with offsets); gazetteer names (1-5 tokens, index lookup on
token n-grams) and cue phrases from ``etl/data/place_cues.yaml`` are matched longest first.
A mention is ``[cues] head [qualifiers] [range end] [container]``:

- cues: type (بلدة، حي، مخيم...), region (ريف), near (قرب، في محيط), direction (شمال),
  front (محور), road (طريق), origin (ينحدر من);
- head: a gazetteer name, or an unknown word after an "open" type cue (resolved=False);
- range end: "محور X – Y" / "طريق X - Y" (place = X);
- container: "في مدينة Y", "شمال الحسكة", "بريف دير الزور الشرقي" - gives the governorate that
  disambiguates the head, and the enclosing unit when the head is unknown.

geo_precision follows ACLED: 1 the named town; 2 near a town, a district of a city, a front or
road, a sub-district or a place located only by its admin3 centroid; 3 a governorate (its
provincial capital's point stands in) or a district.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from etl.arabic import clitic_variants, normalize
from etl.geo.lookup import Gazetteer
from etl.geo.sources import Place, distance_km

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

RELATION_ORDER = ("origin", "front", "road", "region", "district", "near", "in")
POINT_RELATIONS = frozenset({"in", "district", "origin"})  # relations that keep precision 1
PRECISE, NEAR, REGIONAL = 1, 2, 3  # ACLED geo_precision values
# Governorates whose articles routinely name each other's districts ("حي المزة" in a Rural
# Damascus round-up): the article context does not rule out a neighbourhood of the partner.
CONTEXT_PARTNERS = {"SY01": "SY03", "SY03": "SY01"}
# Namesakes are told apart by their distance to the other places of the sentence / article, in
# bands (a namesake 3 km away and one 12 km away are equally "near"; the gazetteer order decides).
ANCHOR_BAND_KM = 15.0
ANCHOR_FAR_KM = 1000.0  # no anchor with a point
COMMON, VERY_COMMON = 1, 2  # common-word tiers (etl/data/gazetteer/common_names.csv, needs_cue)
EDITED = "hadath-editors"  # source suffix of places checked by the editors


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in a sentence. ``start``/``end`` span the whole phrase (cues included);
    ``text_ar`` is the head name as written (without proclitics)."""

    start: int
    end: int
    text_ar: str
    relation: str
    place: Place | None
    resolved: bool
    geo_precision: int
    admin1: str = ""
    admin1_pcode: str = ""
    admin2: str = ""
    admin2_pcode: str = ""
    admin3: str = ""
    admin3_pcode: str = ""
    location: str = ""
    location_ar: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    raw: str
    norm: str
    glued: bool  # separated from the previous token by whitespace (or quotes) only
    dash: bool  # a range separator (-, –) sits between the previous token and this one


@dataclass(slots=True)
class _Item:
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
class _Phrase:
    """A parsed mention before resolution."""

    cues: list[_Item]
    head: _Item
    end_item: int  # index of the last item consumed
    container: _Phrase | None = None


class _Rules:
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
def _rules() -> _Rules:
    with CUES_FILE.open(encoding="utf-8") as handle:
        return _Rules(yaml.safe_load(handle))


# --- tokens ------------------------------------------------------------------------------------
def _tokenize(sentence: str, rules: _Rules) -> list[_Token]:
    toks: list[_Token] = []
    prev_end = 0
    for match in _TOKEN.finditer(sentence):
        gap = sentence[prev_end : match.start()]
        other = [c for c in gap if not c.isspace() and c not in _QUOTES] if gap.strip() else []
        dash = bool(other) and all(c in rules.range_separators for c in other)
        toks.append(_Token(match.start(), match.end(), match.group(), _norm(match.group()),
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
def _glued_run(toks: list[_Token], i: int, length: int) -> bool:
    return i + length <= len(toks) and all(toks[k].glued for k in range(i + 1, i + length))


def _match_name(toks: list[_Token], i: int, gaz: Gazetteer, max_len: int,
                not_names: set[str]) -> _Item | None:
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
                return _Item("name", i, i + length, places=places, key=key, text=text, start=start,
                             locative_clitic=PREP_BA in clitic, conj_clitic=clitic.startswith("و"),
                             lam_clitic=PREP_LAM in clitic.removesuffix(ARTICLE))
    return None


def _raw_tail(toks: list[_Token], i: int, length: int) -> str:
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


def _match_cue(toks: list[_Token], i: int, rules: _Rules) -> _Item | None:
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
                return _Item("cue", i, i + length, role=hit[0], data=hit[1], start=toks[i].start,
                             conj_clitic=conj)
    return None


def _items(toks: list[_Token], gaz: Gazetteer, rules: _Rules) -> list[_Item]:
    """Names and cues (longest first; a name wins over a shorter cue), other tokens as words."""
    items: list[_Item] = []
    max_len = gaz.max_name_tokens
    i = 0
    while i < len(toks):
        name = _match_name(toks, i, gaz, max_len, rules.not_names)
        cue = _match_cue(toks, i, rules)
        best = name if name and (not cue or name.j > cue.j) else cue
        if best is None:
            best = _Item("word", i, i + 1, key=toks[i].norm, text=toks[i].raw, start=toks[i].start)
        best.last = len(items)
        items.append(best)
        i = best.j
    return items


# --- phrase parsing ----------------------------------------------------------------------------
class _Parser:
    """Groups items into phrases: [cues] head [qualifiers] [range end] [container]."""

    def __init__(self, items: list[_Item], toks: list[_Token], rules: _Rules, context: str | None,
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

    def parse(self) -> list[_Phrase]:
        phrases: list[_Phrase] = []
        k = 0
        while k < len(self.items):
            phrase = self.phrase_at(k)
            if phrase is None:
                k += 1
                continue
            phrases.append(phrase)
            k = phrase.end_item + 1
            while phrase.cues and phrase.container is None and self.coordinated(k):
                phrase = _Phrase(phrase.cues, self.items[k], self.after_head(self.items[k]))
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

    def phrase_at(self, k: int) -> _Phrase | None:
        end = self.cue_chain(k)
        cues = self.items[k:end]
        if end >= len(self.items) or (cues and not self.glued(end)):
            return None
        head = self.head_at(end, cues)
        if head is None:
            return None
        last = self.after_head(head)
        phrase = _Phrase(cues, head, last)
        if any(c.role in ("front", "road") for c in cues):
            phrase.end_item = self.range_end(phrase.end_item)
        origin = any(c.role == "origin" for c in cues)
        phrase.container = self.container(phrase.end_item + 1, origin)
        if phrase.container:
            phrase.end_item = phrase.container.end_item
        return phrase

    def head_at(self, k: int, cues: list[_Item]) -> _Item | None:
        item = self.items[k]
        if item.kind == "name":
            if (cues and self.cued_ok(k, cues)) or (not cues and self.bare_ok(k)):
                return item
            return None
        if item.kind == "word" and self.opens_unknown(cues, k):
            return self.unknown_head(k)
        return None

    def tier(self, item: _Item) -> int:
        """How common a word the name is: 2 very common, 1 common (data or needs_cue), 0 not."""
        return max(self.gaz.common_tier(item.key), 1 if item.key in self.rules.needs_cue else 0)

    def in_context(self, item: _Item) -> bool:
        """A namesake lies in the article's governorate."""
        return any(p.admin1_pcode == self.context for p in item.places)

    def edited(self, item: _Item) -> bool:
        """A namesake was checked by the editors (or is an admin unit)."""
        return any(p.source.endswith(EDITED) or p.is_admin for p in item.places)

    def cued_ok(self, k: int, cues: list[_Item]) -> bool:
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

    def opens_unknown(self, cues: list[_Item], k: int) -> bool:
        if not cues or self.items[k].key in self.rules.stopwords:
            return False
        last = cues[-1]
        if last.role == "type" and last.data.get("open"):
            return True
        return last.role in ("front", "road") and self.next_is_range(k)

    def next_is_range(self, k: int) -> bool:
        return k + 1 < len(self.items) and self.toks[self.items[k + 1].i].dash

    def unknown_head(self, k: int) -> _Item:
        """One word, or two when the first is a name prefix ("تل", "أبو", "جديد")."""
        first = self.items[k]
        j = k
        if first.key in self.rules.name_prefixes and k + 1 < len(self.items):
            nxt = self.items[k + 1]
            if nxt.kind == "word" and self.glued(k + 1) and nxt.key not in self.rules.stopwords:
                j = k + 1
        text = " ".join(self.items[n].text for n in range(k, j + 1))
        return _Item("unknown", first.i, self.items[j].j, key=normalize(text), text=text,
                     start=first.start, last=j)

    def after_head(self, head: _Item) -> int:
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

    def container(self, k: int, origin: bool = False) -> _Phrase | None:
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


# --- resolution --------------------------------------------------------------------------------
def _relation(cues: list[_Item]) -> str:
    roles = set()
    for cue in cues:
        role = cue.role
        if role == "type":
            role = cue.data.get("relation", "in")
        roles.add("near" if role == "direction" else role)
    return next((r for r in RELATION_ORDER if r in roles), "in")


def _kind_hint(cues: list[_Item]) -> str:
    return next((c.data.get("kind", "") for c in reversed(cues) if c.role == "type"), "")


def _choose(places: list[Place], admin1: str | None, hint: str, anchors: Sequence[Place] = ()) -> Place:
    """The best namesake: in the governorate, of the hinted kind, near a place named nearby
    (``anchors``), then the gazetteer's own order (editors' places, OCHA, GeoNames, admin units)."""
    def score(place: Place) -> tuple[bool, bool, bool, float]:
        named_city = hint == "city" and place.kind == "city"  # "مدينة رأس العين": the city, whatever the context
        return (not named_city and hint == "city", bool(admin1) and place.admin1_pcode != admin1,
                bool(hint) and not _fits(place, hint), _anchor_distance(place, anchors))

    return min(places, key=score)  # min is stable: the gazetteer's own order breaks ties


def _anchor_distance(place: Place, anchors: Sequence[Place]) -> float:
    """Distance to the nearest anchor in ANCHOR_BAND_KM steps (0 when none is known)."""
    if not anchors:
        return 0.0
    found = [d for a in anchors if a.pcode != place.pcode and (d := distance_km(a, place)) is not None]
    return min(found, default=ANCHOR_FAR_KM) // ANCHOR_BAND_KM


def _fits(place: Place, hint: str) -> bool:
    if hint in ("admin1", "admin3", "neighbourhood", "camp"):
        return place.kind == hint
    if hint in ("town", "village", "city"):
        return not place.is_admin
    return True


@dataclass(slots=True)
class _Target:
    """What a phrase resolves to, before it becomes a PlaceMention."""

    place: Place | None
    precision: int
    location_ar: str
    relation: str
    resolved: bool


class _Resolver:
    def __init__(self, gaz: Gazetteer, context_admin1: str | None, anchors: Sequence[Place] = ()) -> None:
        self.gaz = gaz
        self.context = self._admin1_pcode(context_admin1)
        self.anchors: list[Place] = [a for a in anchors if a.lat is not None]

    def _admin1_pcode(self, value: str | None) -> str | None:
        if not value:
            return None
        if self.gaz.admin1_by_pcode(value):
            return value
        place = self.gaz.admin1_by_name(value)
        return place.pcode if place else None

    def resolve(self, phrase: _Phrase, fallback: _Target | None, hint: str | None = None) -> _Target:
        """``hint``: a governorate named earlier in the sentence ("في محافظة الحسكة ... بلدة X"),
        which overrides the article's."""
        relation = _relation(phrase.cues)
        context = hint or self.context
        outer = self._outer(phrase, context) if phrase.container else None
        admin1 = outer.place.admin1_pcode if outer and outer.place else context
        head = phrase.head
        place = None if head.kind == "unknown" else self._pick(head, admin1, phrase.cues, outer)
        if place is None:
            return self._unknown(head, relation, outer or fallback)
        if place.kind == "neighbourhood" and relation == "in":
            relation = "district"
        if relation == "region":
            return self._region(place, head.text)
        if place.is_admin and place.level == 1:
            return _Target(place, REGIONAL, head.text, "region" if relation == "in" else relation, True)
        return _Target(place, _precision(place, relation), head.text, relation, True)

    def _outer(self, phrase: _Phrase, context: str | None) -> _Target:
        """The container, read together with its head: of "بلدة تل حلف قرب مدينة رأس العين" the Ras
        al-Ain near a Tell Halaf (Al-Hasakeh), not the namesake village of the article's governorate."""
        container = phrase.container
        if phrase.head.kind != "name" or container.head.kind != "name" or len(container.head.places) < 2:
            return self.resolve(container, None, context)
        best = min(container.head.places, key=lambda c: _fit(c, phrase.head.places, context))
        return self.resolve(container, None, best.admin1_pcode)

    def _pick(self, head: _Item, admin1: str | None, cues: list[_Item], outer: _Target | None) -> Place | None:
        """The best namesake; None when the container's (or a district's) governorate has none."""
        anchors = [outer.place] if outer and outer.place and outer.place.lat is not None else self.anchors
        place = _choose(head.places, admin1, _kind_hint(cues), anchors)
        strict = outer is not None or _relation(cues) == "district"
        if strict and admin1 and place.admin1_pcode != admin1:
            if outer is None and CONTEXT_PARTNERS.get(admin1) == place.admin1_pcode:
                return place
            return None
        return place

    def _region(self, place: Place, text: str) -> _Target:
        """"ريف X": the governorate when X is its capital or a governorate/district name."""
        if place.capital or (place.is_admin and place.level <= 2):
            admin1 = self.gaz.admin1_by_pcode(place.admin1_pcode)
            return _Target(admin1, REGIONAL, text, "region", True)
        return _Target(place, NEAR, text, "region", True)

    def _unknown(self, head: _Item, relation: str, outer: _Target | None) -> _Target:
        relation = "in" if relation == "region" else relation
        if outer and outer.place:
            precision = REGIONAL if outer.precision == REGIONAL else NEAR
            if relation == "district":
                return _Target(outer.place, NEAR, outer.location_ar, relation, False)
            return _Target(outer.place, precision, head.text, relation, False)
        admin1 = self.gaz.admin1_by_pcode(self.context) if self.context else None
        return _Target(admin1, REGIONAL, head.text, relation, False)


def _fit(container: Place, heads: list[Place], context: str | None) -> tuple[bool, float, bool]:
    """How well a container namesake encloses one of the head's namesakes (lower is better)."""
    best = min((not container.is_admin and h.admin1_pcode != container.admin1_pcode
                or container.is_admin and not _inside(h, container),
                (distance_km(h, container) or 0.0) // ANCHOR_BAND_KM) for h in heads)
    return (*best, bool(context) and container.admin1_pcode != context)


def _inside(place: Place, unit: Place) -> bool:
    codes = {1: place.admin1_pcode, 2: place.admin2_pcode, 3: place.admin3_pcode}
    return codes.get(unit.level) == unit.pcode


def _precision(place: Place, relation: str) -> int:
    if place.is_admin:
        return NEAR if place.level == 3 else REGIONAL
    if place.has_own_point and place.kind != "region" and relation in POINT_RELATIONS:
        return PRECISE
    return NEAR


def _mention(phrase: _Phrase, target: _Target, toks: list[_Token], items: list[_Item],
             gaz: Gazetteer) -> PlaceMention:
    first = phrase.cues[0] if phrase.cues else phrase.head
    end = toks[items[phrase.end_item].j - 1].end
    place = target.place
    fields: dict = {}
    if place is not None:
        point = gaz.capital_of(place.admin1_pcode) if place.level == 1 else None
        point = point or place
        fields = {
            "admin1": place.admin1, "admin1_pcode": place.admin1_pcode, "admin2": place.admin2,
            "admin2_pcode": place.admin2_pcode, "admin3": place.admin3,
            "admin3_pcode": place.admin3_pcode, "location": place.name_en,
            "latitude": point.lat, "longitude": point.lon,
        }
    return PlaceMention(
        start=first.start, end=end, text_ar=phrase.head.text, relation=target.relation, place=place,
        resolved=target.resolved, geo_precision=target.precision, location_ar=target.location_ar, **fields,
    )


def find_places(sentence: str, *, context_admin1: str | None = None, gazetteer: Gazetteer | None = None,
                anchors: Sequence[Place] = ()) -> list[PlaceMention]:
    """Place mentions in one sentence, in text order.

    ``context_admin1`` (pcode "SY09" or name "Deir-ez-Zor") is the article's main governorate:
    it breaks ties between namesakes and encloses unknown places when the sentence gives nothing
    better; a governorate named earlier in the sentence ("في محافظة الحسكة") overrides it.
    ``anchors``: places already resolved in the article (e.g. its title and lead): among namesakes,
    the one nearest to them (or to the sentence's unambiguous names) is chosen.
    Mentions with relation 'origin' describe where a person comes from: not event places.
    """
    gaz = gazetteer or Gazetteer.load()
    rules = _rules()
    toks = _tokenize(sentence, rules)
    if not toks:
        return []
    items = _items(toks, gaz, rules)
    resolver = _Resolver(gaz, context_admin1, anchors)
    phrases = _Parser(items, toks, rules, resolver.context, gaz).parse()
    resolver.anchors += _sentence_anchors(phrases)
    known: list[_Target | None] = []
    hint = None
    for phrase in phrases:
        target = resolver.resolve(phrase, None, hint) if phrase.head.kind == "name" else None
        known.append(target)
        if target and target.place is not None and target.place.level == 1 and target.relation == "region":
            hint = target.place.pcode  # "في محافظة الحسكة ...": the rest of the sentence is there
    mentions = []
    for n, phrase in enumerate(phrases):
        target = known[n] or resolver.resolve(phrase, _nearest_known(known, phrases, n))
        mentions.append(_mention(phrase, target, toks, items, gaz))
    return mentions


def _sentence_anchors(phrases: list[_Phrase]) -> list[Place]:
    """Points of the sentence's unambiguous names (one namesake), for telling other namesakes apart."""
    return [p.head.places[0] for p in phrases
            if p.head.kind == "name" and len(p.head.places) == 1 and p.head.places[0].has_own_point]


def _nearest_known(known: list[_Target | None], phrases: list[_Phrase], n: int) -> _Target | None:
    """The closest resolved, non-origin phrase (following ones first) to enclose an unknown place."""
    order = list(range(n + 1, len(phrases))) + list(range(n - 1, -1, -1))
    for m in order:
        target = known[m]
        if target and target.relation != "origin" and target.place is not None:
            return target
    return None

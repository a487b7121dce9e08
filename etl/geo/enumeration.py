"""Enumerated places: "بلدات البارة وكنصفرة والفطيرة"، "قرى X، Y، Z".

``etl.geo.resolve`` resolves the names it knows; names of an enumeration that the gazetteer lacks
are added here as unresolved mentions enclosed by the unit of a known sibling (or by the
governorate of the article), so that "attacks on seven named towns" become seven events.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from etl.arabic import normalize
from etl.geo.lookup import Gazetteer
from etl.geo.resolve import PlaceMention

LOGGER = logging.getLogger(__name__)

UNRESOLVED_PRECISION = 2  # an unknown village placed at its sub-district / district point
# A plural (or dual) settlement noun opens an enumeration.
_OPEN = re.compile(r"(?<![^\W_])[وفبل]?(?:بلدات|قري|مدن|احياء|قريتي|بلدتي|مدينتي|حيي|بلدات وقري|قري وبلدات"
                   r"|مخيمات)\s+")
_SEP = re.compile(r"\s*(?:,\s*)?(?:و(?=\S)|,\s*)")
_WORD = re.compile(r"[^\W\d_]+")
# First words of two-word place names ("تل براك", "دير حافر", "كفر نبل", "عين عيسى").
COMPOUND_HEADS = frozenset(normalize(w) for w in (
    "تل", "دير", "كفر", "جسر", "عين", "خربة", "بئر", "رأس", "أبو", "أم", "بيت", "مزرعة", "تلة", "جبل", "سهل",
    "حي", "معرة", "عرب", "بني", "الشيخ", "شيخ", "قصر", "مرج", "باب", "جب", "ضهر", "كفير", "نوى",
))
STOP_WORDS = frozenset(normalize(w) for w in (
    "في", "من", "على", "الى", "إلى", "عن", "بعد", "قبل", "منذ", "ما", "مع", "حيث", "التي", "الذي", "اليوم", "أمس",
    "غيرها", "أخرى", "اخرى", "محيطها", "ريف", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي",
    "قرب", "بالقرب", "محيط", "أطراف", "اطراف", "ضواحي", "منطقة", "الشمال", "الجنوب", "الشرق", "الغرب",
    "المحرر", "السوري", "المجاورة", "المحيطة", "الحدودية", "الخاضعة", "الواقعة", "ذاتها", "نفسها",
))
MAX_ITEMS = 12
_DUAL_OPENER = re.compile(r"(?:قريتي|بلدتي|مدينتي|حيي)\s+$")
_VERB = re.compile(r"(?:وا|ون|تا)$")  # plural/dual verb endings: "وأطلقوا" ends a list, it is not a name


def _items(folded: str, start: int, limit: int) -> list[tuple[int, int]]:
    """Spans of the enumerated names after an opener ending at ``start`` (at most ``limit``)."""
    spans, pos = [], start
    for n in range(limit):
        if n:
            sep = _SEP.match(folded, pos)
            if not sep:
                break
            pos = sep.end()
        word = _WORD.match(folded, pos)
        if not word or word.group() in STOP_WORDS or _VERB.search(word.group()) \
                or (word.group().startswith("ب") and n and not _is_name(word.group())):
            break
        end = word.end()
        nxt = _WORD.match(folded, end + 1) if folded[end:end + 1] == " " else None
        if nxt and word.group() in COMPOUND_HEADS and nxt.group() not in STOP_WORDS:
            end = nxt.end()
        spans.append((word.start(), end))
        pos = end
    return spans


def _is_name(word: str) -> bool:
    return not word.startswith(("بعشر", "بال", "بقذ", "بصوار", "بالم", "بمد"))


def _enclosing(siblings: list[PlaceMention], gaz: Gazetteer) -> PlaceMention | None:
    known = [m for m in siblings if m.resolved and m.place is not None and not m.place.is_admin]
    return known[0] if known else (siblings[0] if siblings else None)


def extend(folded: str, to_original, sentence: str, mentions: list[PlaceMention], gaz: Gazetteer) -> list[PlaceMention]:
    """``mentions`` plus unresolved names of enumerations (ordered by position)."""
    out = list(mentions)
    for opener in _OPEN.finditer(folded):
        spans = _items(folded, opener.end(), 2 if _DUAL_OPENER.search(opener.group()) else MAX_ITEMS)
        if len(spans) < 2:
            continue
        found = [(to_original(s), to_original(e)) for s, e in spans]
        covered = [m for m in mentions if any(m.start <= s < m.end or s <= m.start < e for s, e in found)]
        base = _enclosing(covered or mentions, gaz)
        if base is None:
            continue
        for s, e in found:
            if any(m.start <= s < m.end or s <= m.start < e for m in out):
                continue
            name = sentence[s:e]
            out.append(_unknown(base, s, e, name, gaz))
    return sorted(out, key=lambda m: m.start)


def _unknown(base: PlaceMention, start: int, end: int, name: str, gaz: Gazetteer) -> PlaceMention:
    unit = gaz.get(base.admin3_pcode) if base.admin3_pcode else None
    unit = unit or (base.place if base.place is not None and base.place.is_admin else None)
    lat, lon = (unit.lat, unit.lon) if unit is not None and unit.lat is not None else (base.latitude, base.longitude)
    return replace(base, start=start, end=end, text_ar=name, relation="in", place=unit, resolved=False,
                   geo_precision=UNRESOLVED_PRECISION, location=unit.name_en if unit else base.location,
                   location_ar=name, latitude=lat, longitude=lon)

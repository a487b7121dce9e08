"""Merging drafts into ACLED events: one per day, place, type and actor pair, and one per incident.

Two passes over the article's drafts, in text order:

1. the same day, place key, type and compatible actors: one event (a lead and its detail);
2. one incident told several times across the article (a lead, a source's quote, an aftermath
   sentence): drafts from different sentences with the same day (a day apart when one of them
   has no date of its own, such as a headline), the same type, compatible actors and places
   that are the same or contained in one another (a village in its sub-district, a roundabout
   in its city, a region and a town in it). Nearby but distinct places stay apart: real reports
   list neighbouring villages hit the same day, which ACLED codes one by one. A sentence that opens with an additive connective
   ("كما", "في حين", "وفي سياق متصل"...) reports another incident and is never merged this way.

The merged event keeps the most specific place, all evidence sentences and the highest single
fatality figure.
"""

from __future__ import annotations

import logging
import re

from etl.arabic import normalize
from etl.events.rules.assemble import BATTLES, CIVILIANS, EXPLOSIONS, UNIDENTIFIED, Draft
from etl.events.rules.lexicon import Lexicon
from etl.events.rules.sentences import is_coarse
from etl.geo.lookup import Gazetteer
from etl.geo.resolve import PlaceMention

LOGGER = logging.getLogger(__name__)

COARSE_LEVELS = (1, 2)  # governorate / district: an event placed only there may be a lead summary
UNDATED_SLACK_DAYS = 1  # a headline without a date may name the incident its body dates "أمس"
HEADLINE_PARAS = 0  # paragraphs that can be a headline (the first: the title)
_ADDITIVE = re.compile(r"^\W*(?:و?كما|و?كذلك|و?ايضا|في حين|و?فيما|و?بينما|و?الي ذلك|و?في سياق|و?في المقابل|"
                       r"و?بالتزامن|تزامنا|و?من جه(?:ه|ة) اخري|و?في وقت لاحق|و?علي صعيد|و?في (?:ريف|مدينه|محافظه|بلده))(?![^\W_])")


def _compatible(a: Draft, b: Draft) -> bool:
    if a.day != b.day or a.place_key() != b.place_key():
        return False
    if a.etype == b.etype and a.actor1 == b.actor1:
        return not a.actor2 or not b.actor2 or a.actor2 == b.actor2 or CIVILIANS in (a.actor2, b.actor2)
    pair_a, pair_b = {a.actor1, a.actor2} - {""}, {b.actor1, b.actor2} - {""}
    return {a.etype, b.etype} == {BATTLES, EXPLOSIONS} and (pair_a <= pair_b or pair_b <= pair_a)


def _absorb(lex: Lexicon, keep: Draft, other: Draft) -> None:
    if keep.etype != other.etype:
        if other.etype == BATTLES:  # shelling during a battle is the battle
            keep.etype, keep.sub = other.etype, other.sub
            keep.actor1, keep.inter1, keep.actor2, keep.inter2 = other.actor1, other.inter1, other.actor2, other.inter2
            keep.civilian_targeting = ""
    elif lex.sub_rank(other.sub) < lex.sub_rank(keep.sub):
        keep.sub = other.sub
    if not keep.actor2 or (other.actor2 == CIVILIANS and keep.etype != BATTLES):
        if other.actor2:
            keep.actor2, keep.inter2 = other.actor2, other.inter2
            keep.civilian_targeting = other.civilian_targeting or keep.civilian_targeting
    keep.add_toll(other.fatalities, other.vague_toll)  # a repeated report: exact beats vague, else the highest
    keep.sentences.update(other.sentences)
    keep.explicit_date = keep.explicit_date or other.explicit_date


def merge(lex: Lexicon, drafts: list[Draft]) -> list[Draft]:
    out: list[Draft] = []
    for d in drafts:
        twin = next((o for o in out if _compatible(o, d)), None)
        if twin is None:
            out.append(d)
        else:
            _absorb(lex, twin, d)
    for d in [d for d in out if _details(d, out)]:
        finer = _details(d, out)
        out.remove(d)
        for o in finer:  # the summary's sentences are evidence of the detailed events
            o.sentences.update(d.sentences)
        if len(finer) == 1:  # its toll is the one detailed event's toll
            finer[0].add_toll(d.fatalities, d.vague_toll)
        elif not any(o.fatalities for o in finer):  # a toll over several places: split evenly (ACLED)
            share, rest = divmod(d.fatalities, len(finer))
            for n, o in enumerate(finer):
                o.fatalities = share + (rest if n == 0 else 0)
    out = _incidents(lex, out)
    for d in out:
        if d.etype == BATTLES and not d.actor2 and d.other_side[0] and d.other_side[0] != d.actor1:
            d.actor2, d.inter2 = d.other_side
    return out


def _incidents(lex: Lexicon, drafts: list[Draft]) -> list[Draft]:
    """Second pass: the mentions of one incident across the article become one event."""
    gaz = Gazetteer.load()
    out: list[Draft] = []
    for d in drafts:
        twin = next((o for o in out if _same_incident(gaz, o, d)), None)
        if twin is None:
            out.append(d)
            continue
        if d.explicit_date and not twin.explicit_date or twin.actor1 in ("", UNIDENTIFIED) != (d.actor1 in ("", UNIDENTIFIED)) \
                and d.actor1 not in ("", UNIDENTIFIED):
            out[out.index(twin)], twin, d = d, d, twin  # the dated, attributed telling leads
        specific = _more_specific(gaz, d.place, twin.place)
        _absorb(lex, twin, d)
        if specific is d.place:
            twin.place, twin.day, twin.precision = d.place, (d.day if d.explicit_date else twin.day), twin.precision
        elif d.explicit_date and not twin.explicit_date:
            twin.day, twin.precision = d.day, d.precision
    return out


def _opens_new_report(d: Draft) -> bool:
    first = d.sentences[min(d.sentences)]
    return bool(_ADDITIVE.match(normalize(first)))


def _same_incident(gaz: Gazetteer, a: Draft, b: Draft) -> bool:
    if set(a.sentences) & set(b.sentences) or _opens_new_report(b):
        return False  # one sentence's places are separate events; "كما ..." is another incident
    headline = (not a.explicit_date and a.para <= HEADLINE_PARAS) or (not b.explicit_date and b.para <= HEADLINE_PARAS)
    slack = UNDATED_SLACK_DAYS if headline else 0
    if abs((a.day - b.day).days) > slack:
        return False
    if a.etype != b.etype:
        return False  # a car bomb and the clashes after it are two incidents
    return _same_side(a.actor1, b.actor1) and _same_side(a.actor2, b.actor2, victims=True) \
        and _related_places(gaz, a.place, b.place)


def _same_side(x: str, y: str, victims: bool = False) -> bool:
    """Actors that can be the same party: equal, or one unknown / unnamed."""
    unknown = {"", UNIDENTIFIED} | ({CIVILIANS} if victims else set())
    return x == y or x in unknown or y in unknown


def _related_places(gaz: Gazetteer, a: PlaceMention, b: PlaceMention) -> bool:
    if a.place is None or b.place is None or not (a.resolved and b.resolved):
        return normalize(a.location_ar) == normalize(b.location_ar) and a.admin1_pcode == b.admin1_pcode
    return gaz.contains(a.place, b.place) or gaz.contains(b.place, a.place) or _countryside(a, b) or _countryside(b, a)


def _countryside(outer: PlaceMention, inner: PlaceMention) -> bool:
    """"بريف مدينة جبلة" and "في قرية بعبدة التابعة لريف جبلة": a town's countryside is its district."""
    return outer.relation == "region" and outer.place is not None and not outer.place.is_admin \
        and bool(outer.admin2_pcode) and outer.admin2_pcode == inner.admin2_pcode


def _more_specific(gaz: Gazetteer, a: PlaceMention, b: PlaceMention) -> PlaceMention:
    """The finer of two related places: the contained one, else the better geo_precision."""
    if a.place is not None and b.place is not None and a.resolved and b.resolved:
        if gaz.contains(a.place, b.place) and a.place.pcode != b.place.pcode:
            return b
        if gaz.contains(b.place, a.place) and a.place.pcode != b.place.pcode:
            return a
    rank = (b.geo_precision, not b.resolved) < (a.geo_precision, not a.resolved)
    return b if rank else a


def _details(d: Draft, drafts: list[Draft]) -> list[Draft]:
    """The finer events of the same kind that restate a governorate/district-level event in detail."""
    if not is_coarse(d.place):
        return []
    return [o for o in drafts if o is not d and o.etype == d.etype and (o.day == d.day or not d.explicit_date)
            and not is_coarse(o.place) and o.place.admin1_pcode == d.place.admin1_pcode]

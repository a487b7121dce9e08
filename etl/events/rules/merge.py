"""Merging drafts into ACLED events (one per day, place, type and actor pair)."""

from __future__ import annotations

import logging

from etl.events.rules.assemble import BATTLES, CIVILIANS, EXPLOSIONS, Draft
from etl.events.rules.lexicon import Lexicon
from etl.events.rules.sentences import is_coarse

LOGGER = logging.getLogger(__name__)

COARSE_LEVELS = (1, 2)  # governorate / district: an event placed only there may be a lead summary


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
    keep.fatalities = max(keep.fatalities, other.fatalities)  # a repeated report: the highest single figure
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
    return [d for d in out if not _summarised(d, out)]


def _summarised(d: Draft, drafts: list[Draft]) -> bool:
    """A governorate/district-level event restated in detail by finer events of the same kind."""
    if not is_coarse(d.place):
        return False
    return any(o is not d and o.etype == d.etype and o.day == d.day and not is_coarse(o.place)
               and o.place.admin1_pcode == d.place.admin1_pcode for o in drafts)

"""Casualty figures in one sentence: killed vs injured vs neutralised.

A killed cue (مقتل، قتل، استشهاد، مصرع...) takes the nearest count after it (before the next
casualty cue), else the nearest count just before it ("امرأة قتلت", "5 قتلى"). Counts come from
``etl.arabic.numbers`` (ACLED vague rules: عشرات = 10, عدد من = 3, ranges -> lowest). Not counted:

- injured (إصابة، جرحى) and neutralised (تحييد) figures;
- "مقتل وإصابة 7" (killed and injured together: unknown split, ACLED codes 0);
- a figure after a claim or doubt cue (``blocked_from``: "زعمت ... مقتل 15");
- subsets introduced by "بينهم" / "من بينهم" (already inside the total).

Each figure carries its victim class: 'civilian' (شاب، طفل، امرأة... from the actor registry),
'combatant' (عنصر، مقاتل، جندي...) or 'unknown'.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from etl.arabic.numbers import find_counts
from etl.events.rules.lexicon import Lexicon

LOGGER = logging.getLogger(__name__)

AFTER_WINDOW = 40  # characters after a killed cue searched for its figure
BEFORE_WINDOW = 30  # characters before a killed cue ("امرأة قتلت", "عنصرين من الميليشيا قتلا")
APPOSITION_GAP = 2  # characters between a vague plural and the exact number that follows it
VICTIM_WINDOW = 40  # characters after the figure searched for the victim noun
_SUBSET = re.compile(r"(?:بينهم|بينهن|منهم|منهن)\s*$")
_ONE_OF = re.compile(r"^\s*(?:احد|احدي)(?![^\W_])")
_DUAL_CONSTRUCT = re.compile(r"^\s*[\"'«]?\s*\S+(?:يي|تي)(?![^\W_])")
_KILLED_AND_INJURED = re.compile(r"^\s*و(?:اصابه|جرح)(?![^\W_])")
_VERB_CUE = re.compile(r"[وف]?(?:قتل|اغتيل|اعدم|استشهد|قضي|توفي)(?:ت|وا)?(?![^\W_])")
TOLL_BEFORE = 12  # characters before a killed cue searched for "حصيلة" / "عدد"
TOLL_WINDOW = 160  # characters after the cue searched for "إلى N"
_TOLL_BEFORE = re.compile(r"(?:حصيله|عدد|تعداد)\s+$")
_TOLL_TO = re.compile(r"(?<![^\W_])(?:الي|الى)\s+(?=\S*\d|\S)")
PERPETRATOR_WINDOW = 10
_PERPETRATOR = re.compile(r"(?:برصاص|بنيران|يد|قبل|بقذائف|هاجم|اقدم)\s+$")
_PRONOUN = re.compile(r"(?<=مقتل)(?:هما|ها|هم|ه)$")
PRONOUN_WINDOW = 80  # characters before "مقتله" searched for its antecedent
PRONOUN_COUNT = {"ه": 1, "ها": 1, "هما": 2}  # "هم": a group of unknown size, no figure
_TOKEN = re.compile(r"[^\W\d_]+")
# Casualty nouns counted by the number written before them ("1400 شهيد", "5 قتلى", "ثلاثة ضحايا").
_COUNTED_NOUN = re.compile(r"[وفب]?(?:شهيد\w*|شهداء|قتيل\w*|قتلي|ضحي\w*|ضحايا|جث\w*)(?![^\W_])")
NOUN_GAP = 2  # characters between the number and the noun it counts
_SINGLE_NOUN = re.compile(r"(?:قتيل|شهيد|ضحيه|جثه)")
_DUAL_NOUN = re.compile(r"(?:قتيل|شهيد|ضحيت|جثت)(?:ين|ان)")
_PLURAL_NOUN = re.compile(r"(?:قتلي|شهداء|ضحايا|جثث)")
VAGUE_PLURAL = 3  # ACLED: unnumbered plural deaths ("سقوط قتلى") count as several = 3


@dataclass(frozen=True)
class Casualty:
    start: int  # folded-sentence offsets of the cue
    end: int
    kind: str  # killed | injured | neutralised
    value: int
    victim: str  # civilian | combatant | unknown
    exact: bool = True  # False for ACLED's vague figures ("عدد من" 3, "عشرات" 10, unnumbered "قتلى" 3)


def _victim(lex: Lexicon, folded: str, start: int, end: int) -> str:
    """The victim class of the noun nearest to the cue ("امرأة قتلت", "مقتل عنصرين"); nouns naming
    the perpetrators ("برصاص مسلحين") are skipped."""
    found = []
    for m in _TOKEN.finditer(folded, max(0, start - BEFORE_WINDOW), min(len(folded), end + VICTIM_WINDOW)):
        if m.start() == start or _PERPETRATOR.search(folded[max(0, m.start() - PERPETRATOR_WINDOW):m.start()]):
            continue
        kind = _victim_in(lex, m.group())
        if kind != "unknown":
            distance = start - m.end() if m.end() <= start else max(0, m.start() - end)
            found.append((distance, kind))
    return min(found)[1] if found else "unknown"


def _victim_in(lex: Lexicon, window: str) -> str:
    for word in _TOKEN.findall(window):
        bare = word[1:] if word[:1] in "وبل" and len(word) > 3 else word
        for form in (word, bare, bare[2:] if bare.startswith("ال") else bare):
            if form in lex.combatant_nouns:
                return "combatant"
            names = lex.alias_actors.get(form, [])
            if any(lex.actors[n].civilian for n in names):
                return "civilian"
    return "unknown"


def _figure(folded: str, counts: list[tuple[int, int, int, bool]], cue: tuple[int, int],
            bounds: tuple[int, int]) -> tuple[int, bool]:
    """(figure, exact) of the killed cue ``cue`` within ``bounds`` (previous/next casualty cue)."""
    found = _count_for(folded, counts, cue, bounds)
    if isinstance(found, tuple):
        return found
    return found, True


def _count_for(folded: str, counts: list[tuple[int, int, int, bool]], cue: tuple[int, int],
               bounds: tuple[int, int]) -> int | tuple[int, bool]:
    start, end = cue
    if _TOLL_BEFORE.search(folded[max(0, start - TOLL_BEFORE):start]):
        # "ارتفعت حصيلة القتلى جراء الهجوم ... إلى 5 عناصر": the updated toll of this event
        target = _TOLL_TO.search(folded, end, min(len(folded), end + TOLL_WINDOW))
        if target:
            later = [c for c in counts if c[0] >= target.end()]
            if later:
                return later[0][2], later[0][3]
    tail = folded[end:]
    pronoun = _PRONOUN.search(folded, start, end)
    if pronoun:  # "ما أدى لمقتله": the victim named before, one (or two: "مقتلهما")
        return PRONOUN_COUNT.get(pronoun.group(), 0)
    if _KILLED_AND_INJURED.match(tail):
        return 0
    if _ONE_OF.match(tail):
        return 1
    definite = folded[start:end].lstrip("وفبل").startswith("ال")  # "الضحايا": victims already counted
    if _COUNTED_NOUN.match(folded, start, end):  # "1400 شهيد و5000 مصاب": the number before the noun
        right_before = [c for c in counts if 0 <= start - c[1] <= NOUN_GAP]
        if right_before:
            return right_before[-1][2], right_before[-1][3]
    after = [c for c in counts if start <= c[0] <= min(end + AFTER_WINDOW, bounds[1])
             and not _SUBSET.search(folded[end:c[0]]) and not (definite and c[0] < end)]
    if after:
        first = after[0]
        nxt = after[1] if len(after) > 1 else None
        if not first[3] and nxt is not None and nxt[3] and nxt[0] - first[1] <= APPOSITION_GAP:
            return nxt[2]  # "مدنيين اثنين": the plural noun then its exact number
        return first[2], first[3]
    before = [c for c in counts if max(start - BEFORE_WINDOW, bounds[0]) <= c[0] and c[1] <= start + 1]
    if before:
        return before[-1][2], before[-1][3]
    if _DUAL_CONSTRUCT.match(tail):
        return 2
    if not definite:
        return _bare_noun(folded[start:end])
    return 0


def _bare_noun(cue: str) -> int | tuple[int, bool]:
    """A casualty noun without a number: "قتيل" one, "قتيلين" two, "قتلى" several (ACLED: 3, vague)."""
    word = cue.lstrip("وفبل")
    if _DUAL_NOUN.fullmatch(word):
        return 2
    if _SINGLE_NOUN.fullmatch(word):
        return 1
    if _PLURAL_NOUN.fullmatch(word):
        return VAGUE_PLURAL, False
    return 0


def find_casualties(lex: Lexicon, folded: str, blocked_from: int | None = None) -> list[Casualty]:
    """Killed / injured / neutralised figures in a folded sentence, in order."""
    cues = lex.casualties.find(folded)
    if not cues:
        return []
    counts = [(s, e, c.value, c.exact) for s, e, c in find_counts(folded)]
    out = []
    for i, (start, end, kind) in enumerate(cues):
        lower = cues[i - 1][1] if i else 0
        upper = cues[i + 1][0] if i + 1 < len(cues) else len(folded)
        value, exact = _figure(folded, counts, (start, end), (lower, upper)) if kind == "killed" else (0, True)
        if _PRONOUN.search(folded, start, end):  # "شاباً ... ما أدى لمقتله": the noun named before
            victim = _victim_in(lex, folded[max(0, start - PRONOUN_WINDOW):start])
        else:
            victim = _victim(lex, folded, start, end)
        if kind == "killed" and value == 0 and victim == "civilian" and _VERB_CUE.match(folded, start):
            value = 1  # "قتل ملثمون مختار القرية": one named civilian victim, no figure
        if blocked_from is not None and start >= blocked_from:
            value = 0
        out.append(Casualty(start, end, kind, value, victim, exact))
    return out

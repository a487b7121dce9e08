"""Per-sentence analysis: triggers, cues, actors, casualties, places, dates and clauses.

Everything is located on the folded sentence (``etl.arabic.normalize_aligned``); place and date
offsets, which come from the original sentence, are mapped onto it.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from etl.arabic import normalize, normalize_aligned
from etl.arabic.dates import DateResolution, find_event_dates
from etl.events.rules.actors import ActorFinder, Mention
from etl.events.rules.fatalities import Casualty, find_casualties
from etl.events.rules.lexicon import Lexicon
from etl.geo import enumeration
from etl.geo.lookup import Gazetteer
from etl.geo.resolve import PlaceMention, find_places

LOGGER = logging.getLogger(__name__)

EXCLUDE_WINDOW = 60  # characters (within the clause) before a place searched for an exclusion cue
EXCLUDE_NEAR_WINDOW = 20  # characters before a place searched for a detention site / home-town cue
DIRECTION_INSIDE = 6  # a mention span may start with its own direction cue ("غربي مدينة ...")
_CENTRE = re.compile(r"[^.,;:]{0,30}(?<![^\W_])(?:وسط|داخل)\s+(?:مدينه\s+)?\S")  # "طريق راجو وسط مدينة عفرين"
DIRECTION_WINDOW = 16  # characters before a capital searched for "شمال/ريف ..." (a container)
_DIRECTION = re.compile(r"(?<![^\W_])(?:ال)?(?:شمال|جنوب|شرق|غرب|شمالي|جنوبي|شرقي|غربي|ريف|بريف|وريف|منطقه|بمنطقه)(?![^\W_])")
SAME_TOWN = re.compile(r"(?<![^\W_])(?:في|داخل|في محيط|محيط|على اطراف|اطراف|قرب) (?:المدينه|البلده|القريه|الحي|المخيم)(?![^\W_])")
_ASIDE = re.compile(r"\s?[-–]|التي|الذي|الذين")
ASIDE_TRIGGER_GAP = 2  # "الهجوم الذي نفذته ... فجر الواحد والعشرين": a relative clause on the event itself
# Clause breakers: a new clause usually brings its own tactic, date and place.
_BREAK = re.compile(
    r"(?<![^\W_])(?:فيما|وفيما|بينما|في حين|كما|وكما|بعد|وبعد|عقب|اثر|إثر|بالتزامن|تزامنا|في المقابل|ثم|قبل|وقبل"
    r"|وكان|وكانت|كان قد|كانت قد|حيث|من جهته|من جهتها|في سياق|وفي|واضاف|واشار|وذكر|وقال|واكد|وافاد|ما ادي|ما اسفر|مما ادي|ما تسبب)(?![^\W_])"
    r"|[;:]|\s[-–]|[-–]\s"
    # a relative clause brings its own date and tactic: "وفي حمص - التي قتل فيها أمس 20 شخصاً - شملت"
    r"|(?<![^\W_])(?:التي|الذي|الذين)(?![^\W_])"
    # a coordinated past-tense verb opens a new clause: "اقتحمت ... حي التضامن وقصفت ... حي القدم"
    r"|(?<![^\W_])و(?!ال)(?=[^\W_]\w+(?<!ا)(?:ت|وا)(?![^\W_]))")
# "وعقب الهجوم بساعات، شنت قسد حملة دهم": a definite tactic noun after "after/before/since" names
# another (already reported) event, not this clause's tactic.
OTHER_EVENT_WINDOW = 16
_OTHER_EVENT = re.compile(r"(?<![^\W_])[وف]?(?:عقب|بعد|قبل|منذ|غداه|اعقاب|باعقاب)(?: \S+ من)?\s+$")
EXPLOSIONS = "Explosions/Remote violence"
# "الطريق الواصل بين مدينتي السخنة وتدمر": the road is placed at its first town only.
ROAD_WINDOW = 60
PROCLITIC_LETTERS = "وبل"
_ROAD_END = re.compile(r"(?<![^\W_])(?:[وبل]?(?:ال)?(?:طريق|اوتستراد|اوتوستراد)[^,.;:]{0,30}?(?<![^\W_])بين"
                       r"|بين\s+(?:مدينتي|بلدتي|قريتي))\s+"
                       r"(?:(?:مدينتي|بلدتي|قريتي|مدينه|بلده|قريه)\s+)?[^,.;:\s]+(?:\s[^,.;:\s]+){0,2}\s+"
                       r"و?(?:(?:بلده|مدينه|قريه)\s+)?$")  # "بين بلدتي أبطع وداعل": placed at the first
COORDINATION_GAP = 8  # characters between two coordinated places ("X وتلال Y")
_COORDINATION = re.compile(r"[\s,،\"'«»()-]*(?:(?:و|او|ثم)\S*\s*)?\S?")  # only "و"/"أو" and punctuation between
COARSE_LEVELS = (1, 2)
CITY_CUE_WINDOW = 10  # characters around a capital searched for "مدينة" / "وسط" / "أحياء"
_CITY_CUE = re.compile(r"(?:مدينه|المدينه|وسط|احياء|حي|شوارع|ساحه|مدينتي)")
PERSONAL_SUBS = frozenset({"Abduction/forced disappearance", "Attack", "Arrests"})  # located at the victim's town
INSIDE_KINDS = frozenset({"neighbourhood", "facility", "camp"})  # places named inside a city
REGION_KINDS = frozenset({"region"})  # governorate / district mentions: dropped when a finer place is named too


@dataclass
class Place:
    mention: PlaceMention
    pos: int  # folded offset
    clause: int


@dataclass
class Analysis:
    index: int
    para: int
    text: str
    folded: str
    triggers: list[tuple[int, int, str]] = field(default_factory=list)
    claim_at: int | None = None
    doubt_at: int | None = None
    cumulative: bool = False
    background: bool = False
    conflict: bool = False  # the sentence gives conflicting tolls: the lowest is kept
    peaceful: bool = False  # "دون قتال", "بموجب اتفاق": a place changes hands without fighting
    mentions: list[Mention] = field(default_factory=list)
    casualties: list[Casualty] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    dates: list[tuple[int, DateResolution]] = field(default_factory=list)
    since: list[tuple[int, DateResolution]] = field(default_factory=list)  # "منذ الخميس": fighting every day since
    voided: list[int] = field(default_factory=list)  # starts of triggers that report nothing (flyovers...)
    asides: set[int] = field(default_factory=set)  # clauses opened by "التي/الذي" or a dash: their dates are theirs
    breaks: list[int] = field(default_factory=list)
    positions: list[tuple[int, str]] = field(default_factory=list)  # every kept place mention (pos, key)
    weak: set[int] = field(default_factory=set)  # starts of triggers that are only casualty words ("قتل")

    def clause_of(self, pos: int) -> int:
        return bisect.bisect_right(self.breaks, pos)

    def in_clause(self, items: list, clause: int, key=lambda x: x[0]) -> list:
        return [x for x in items if self.clause_of(key(x)) == clause]


ATTEMPT_WINDOW = 24  # characters before a territory trigger searched for "محاولة" / "حاولت"
TERRITORY_LABEL = "territory"
ATTEMPT_LABEL = "attempted takeover"  # resolved to an Armed clash (etl.events.rules.assemble)


def _attempted(lex: Lexicon, folded: str, trigger: tuple[int, int, str]) -> tuple[int, int, str]:
    """"حاولت قوات النظام استعادة السيطرة على الحي": an attempt to take a place is a clash."""
    start, end, label = trigger
    if label != TERRITORY_LABEL or not lex.cues["attempt"].find(folded[max(0, start - ATTEMPT_WINDOW):start]):
        return trigger
    return start, end, ATTEMPT_LABEL


_FLYOVER = re.compile(r"(?<![^\W_])[وف]?(?:حلق|حلقت|تحليق|يحلق|تحلق|حلقت|جاب\w*|رصد\w*)\s+(?:\S+\s+)?$")
FLYOVER_WINDOW = 16  # characters before an aircraft trigger searched for "حلّق" / "تحليق"
AIR_STRIKE = "Air/drone strike"


_AIR_DEFENCE = re.compile(r"(?<![^\W_])(?:ال)?(?:دفاعات|دفاع|مضادات|منظومه|منظومات)(?: الجويه| الجوي| للطيران)?"
                          r"(?:\s+\S+){0,3}\s+$")
_AIR_DEFENCE_AFTER = re.compile(r"\S+\s+(?:\S+\s+)?(?:ال)?(?:دفاعات|دفاع|مضادات|منظومه|منظومات)(?![^\W_])")
AIR_DEFENCE_WINDOW = 40  # characters before "تصدت" searched for the air defences that intercepted


def _flyover(folded: str, trigger: tuple[int, int, str]) -> bool:
    """"حلق الطيران الحربي فوق بلدة الحولة": aircraft flying over strike nothing; "الدفاعات الجوية
    تتصدى لصاروخين": an interception belongs to the strike, it is not a clash."""
    start, _end, label = trigger
    if label == "Armed clash" and folded.startswith(("تصد", "تتصد", "يتصد", "التصدي", "وتصد"), start):
        after = folded[start:start + AIR_DEFENCE_WINDOW]
        return bool(_AIR_DEFENCE.search(folded[max(0, start - AIR_DEFENCE_WINDOW):start])
                    or _AIR_DEFENCE_AFTER.match(after))
    return label == AIR_STRIKE and bool(_FLYOVER.search(folded[max(0, start - FLYOVER_WINDOW):start]))


_DENOUNCED = re.compile(r"(?<![^\W_])(?:تنديدا|احتجاجا|رفضا|استنكارا|تضامنا|غضبا)\s+(?:علي\s+|على\s+|مع\s+)?(?:\S+\s+)?$")
DENOUNCED_WINDOW = 24  # characters before a trigger searched for "تنديداً بـ" (what a protest is about)


def _denounced(lex: Lexicon, folded: str, trigger: tuple[int, int, str]) -> bool:
    """"تظاهرات تنديداً بتفجير مسجد في حمص": the bombing is what the protest is about, told elsewhere."""
    start, _end, label = trigger
    if lex.sub_to_type.get(label) == "Protests":
        return False
    return bool(_DENOUNCED.search(folded[max(0, start - DENOUNCED_WINDOW):start]))


_SINCE = re.compile(r"(?<![^\W_])منذ\s+(?:يوم\s+|صباح\s+|مساء\s+|فجر\s+|ليل\w*\s+)?$")
SINCE_WINDOW = 12  # characters before a date searched for "منذ" ("معارك مستمرة منذ الخميس")


def _first(cat, folded: str) -> int | None:
    found = cat.find(folded)
    return found[0][0] if found else None


def _to_folded(offsets: list[int], orig: int) -> int:
    return min(bisect.bisect_left(offsets, orig), len(offsets) - 1)


def _excluded(lex: Lexicon, folded: str, start: int, pos: int) -> bool:
    """An "attacker sits / victim taken / person comes from" cue between ``start`` and the place."""
    if lex.cues["place_exclude_near"].find(folded[max(start, pos - EXCLUDE_NEAR_WINDOW):pos]):
        return True
    return bool(lex.cues["place_exclude"].find(folded[max(start, pos - EXCLUDE_WINDOW):pos]))


def _container(m: PlaceMention, folded: str, pos: int, others: list[PlaceMention]) -> bool:
    """A reference place ("قرب قرية X غربي مدينة Y", "شمال غربي الحسكة", "في مدينة الحسكة ... بحي
    غويران", "طريق راجو وسط مدينة عفرين"): dropped when another place is named too."""
    if m.place is None or not m.resolved or len(others) < 2:
        return False
    if _directed(folded, pos, DIRECTION_INSIDE):
        return True
    if m.relation == "road" and _CENTRE.search(folded, pos):
        return True
    if not m.place.capital:
        return False
    if m.relation in ("near", "region") or _directed(folded, pos, 0):
        return True
    return any(o is not m and o.admin1_pcode == m.admin1_pcode and o.place is not None and o.place.kind in INSIDE_KINDS
               for o in others)


DIRECTION_GAP = 3  # characters between a direction word and the place it locates ("شمال مدينة")


def _directed(folded: str, pos: int, inside: int) -> bool:
    """A direction / "ريف" word right before (or opening) the place phrase: "غربي مدينة إدلب", not
    the tail of an earlier phrase ("في ريف حماة أن مدينة مصياف")."""
    start = max(0, pos - DIRECTION_WINDOW)
    return any(m.end() >= pos - DIRECTION_GAP or folded[m.end():pos].strip() == "من"
               for m in _DIRECTION.finditer(folded, start, pos + inside))


def _head(a: Analysis, p: Place, offsets: list[int]) -> int:
    """Folded position of the place name itself (coordinated names share their phrase's start)."""
    found = a.text.find(p.mention.text_ar, p.mention.start)
    if found < 0:
        return p.pos
    while found > 0 and a.text[found - 1] in PROCLITIC_LETTERS:
        found -= 1
    return _to_folded(offsets, found)


_HOMETOWN = re.compile(r"(?<![^\W_])(?:ابناء|ابن|اهالي|سكان)(?![^\W_])")
HOMETOWN_WINDOW = 16  # characters before a place phrase searched for "من أبناء" (the victim's town)
HOMETOWN_SPAN = 12  # characters into the phrase (the cue may open it: "من أبناء مدينة")


def _hometown(folded: str, pos: int) -> bool:
    """The place is the victim's town ("شاباً من أبناء مدينة جاسم"), not a biography ("ينحدر من")."""
    return bool(_HOMETOWN.search(folded[max(0, pos - HOMETOWN_WINDOW):pos + HOMETOWN_SPAN]))


_PROVINCE = re.compile(r"(?<![^\W_])[وبل]?(?:محافظ(?:ه|تي)|ريف|بادي(?:ه|ة)|ريفي)\s+(?:\S+\s+)?$")
PROVINCE_WINDOW = 20  # characters before a governorate searched for "محافظة" / "ريف"


def _named_region(p: Place, folded: str) -> bool:
    """A governorate or region named as such ("ريف إدلب الجنوبي", "محافظة اللاذقية", "بادية تدمر"),
    not a bare "في حلب" (a city as often as a governorate, and often a source's location)."""
    m = p.mention
    if not m.resolved or m.place is None:
        return False
    if m.relation == "region" or m.place.kind in REGION_KINDS:
        return True
    return is_coarse(m) and bool(_PROVINCE.search(folded[max(0, p.pos - PROVINCE_WINDOW):p.pos + len("محافظه ")]))


def _generic(lex: Lexicon, name: str) -> bool:
    folded = normalize(name)
    return any(s == 0 and e == len(folded) for s, e, _l in lex.cues["generic_places"].find(folded))


def _axis(p: Place, kept: list[Place]) -> bool:
    """"قرى الرشيدية والقاسمية على محور تل تمر – رأس العين": the axis (front or road) locates the
    villages of its clause; it is not an event place itself."""
    if p.mention.relation not in ("front", "road"):
        return False
    return any(o.clause == p.clause and o.mention.relation not in ("front", "road", "origin") and o.mention.resolved
               and not is_coarse(o.mention) for o in kept)


def _bare_capital(m: PlaceMention, folded: str, pos: int) -> bool:
    """"في درعا" / "بإدلب" without "مدينة": the governorate as often as the city; not an event place."""
    if m.place is None or not m.resolved or not m.place.capital:
        return False
    return not _CITY_CUE.search(folded[max(0, pos - CITY_CUE_WINDOW):pos + len(m.text_ar) + CITY_CUE_WINDOW])


def _inside_actor(a: Analysis, pos: int) -> bool:
    return any(m.start <= pos < m.end for m in a.mentions)


def _event_places(lex: Lexicon, a: Analysis, mentions: list[PlaceMention], offsets: list[int]) -> list[Place]:
    kept, dropped, last_end = [], [], -1
    limit = a.claim_at if a.claim_at is not None else len(a.folded)
    for m in mentions:
        pos, end = _to_folded(offsets, m.start), _to_folded(offsets, m.end)
        clause = a.clause_of(pos)
        start = max(last_end, a.breaks[clause - 1] if clause else 0)
        chained = pos - last_end <= COORDINATION_GAP and dropped and dropped[-1][1] == last_end \
            and _COORDINATION.fullmatch(a.folded[max(last_end, 0):pos + 1])  # "X وتلال Y", or overlapping
        if pos >= limit or _inside_actor(a, pos) or (not m.resolved and _generic(lex, m.text_ar)):
            last_end = end
            continue
        if m.relation == "origin" or chained or _excluded(lex, a.folded, start, pos):
            dropped.append((Place(m, pos, clause), max(end, last_end)))
        else:
            kept.append(Place(m, pos, clause))
        last_end = max(end, last_end)
    cities = any(p.mention.resolved and p.mention.place is not None and p.mention.place.kind == "city" for p in kept)
    if cities:  # "في مدينة إدلب ... في حي الضبيط": an unknown quarter is located by its city
        kept = [p for p in kept if p.mention.resolved or p.mention.relation != "district"]
    heads = {id(p): _head(a, p, offsets) for p in kept}
    kept = [p for p in kept if not _ROAD_END.search(a.folded[max(0, heads[id(p)] - ROAD_WINDOW):heads[id(p)]])]
    others = [p.mention for p in kept]
    placed = [p for p in kept if not _container(p.mention, a.folded, p.pos, others) and not _axis(p, kept)]
    protest = any(lex.sub_to_type.get(t[2]) == "Protests" for t in a.triggers)
    crowd = protest and all(lex.sub_to_type.get(t[2]) == "Protests" for t in a.triggers)  # crowds gather in the city
    kept = [p for p in placed if not is_coarse(p.mention) and (crowd or not _bare_capital(p.mention, a.folded, p.pos))]
    if not kept:  # only "ريف X", "محافظة X" or a region ("بادية الميادين") is named: placed there (geo 3)
        kept = [p for p in placed if _named_region(p, a.folded)]
    personal = any(t[2] in PERSONAL_SUBS and t[0] not in a.weak and not a.folded.startswith(("ال", "وال"), t[0])
                   for t in a.triggers)  # "اختطف مسلحون شاباً", not "عملية القتل" (an event told before)
    same = SAME_TOWN.search(a.folded)
    if not kept and personal and not (protest or same):
        dropped = [d for d in dropped if _hometown(a.folded, d[0].pos)]
    if not kept and dropped and (same or protest or personal):
        # "شاباً من أبناء مدينة الرستن ... في المدينة", "وقفة نظمها أبناء مدينة الدانا": the town itself;
        # "اختطف مسلحون شاباً من أبناء مدينة جاسم": the victim's town when nothing else is named
        before = [p for p, _end in dropped if same is None or p.pos < same.start()]
        kept = before[-1:] if same is not None else [dropped[0 if personal and not protest else -1][0]]
    seen, out = set(), []
    for p in kept:
        key = place_key(p.mention)
        a.positions.append((p.pos, key))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def place_key(m: PlaceMention) -> str:
    return m.place.pcode if m.resolved and m.place else "ar:" + normalize(m.location_ar)


def is_coarse(m: PlaceMention) -> bool:
    """A governorate / district / natural region: a lead summary rather than an event place."""
    if not m.resolved or m.place is None:
        return False
    return m.place.level in COARSE_LEVELS or m.place.kind in REGION_KINDS


def analyse(lex: Lexicon, finder: ActorFinder, index: int, para: int, text: str, published: datetime,
            context_admin1: str | None) -> Analysis:
    folded, offsets = normalize_aligned(text)
    a = Analysis(index, para, text, folded)
    a.cumulative = _first(lex.cues["cumulative"], folded) is not None
    a.claim_at = _first(lex.cues["claim"], folded)
    a.doubt_at = _first(lex.cues["doubt"], folded)
    background_at = _first(lex.cues["background"], folded)
    a.background = background_at is not None
    a.conflict = _first(lex.cues["conflict"], folded) is not None
    a.peaceful = _first(lex.cues["peaceful_transfer"], folded) is not None
    breaks = list(_BREAK.finditer(folded))
    a.breaks = [m.start() for m in breaks]
    a.triggers = lex.triggers.find(folded)
    a.triggers = [t for t in a.triggers if not _OTHER_EVENT.search(folded[max(0, t[0] - OTHER_EVENT_WINDOW):t[0]])
                  or not folded.startswith(("ال", "وال"), t[0])]
    a.voided = [t[0] for t in a.triggers if _flyover(folded, t) or _denounced(lex, folded, t)]
    a.triggers = [_attempted(lex, folded, t) for t in a.triggers if t[0] not in a.voided]
    a.asides = {n + 1 for n, m in enumerate(breaks) if _ASIDE.match(m.group())
                and not any(0 <= m.start() - t[1] <= ASIDE_TRIGGER_GAP for t in a.triggers)}
    seized = [t[0] for t in a.triggers if t[2] == "seizure"]
    if seized:  # "ضبطت بحوزتهم أسلحة وعبوات ناسفة": the explosives are what was seized
        a.triggers = [t for t in a.triggers if t[0] < seized[0] or lex.sub_to_type.get(t[2]) != EXPLOSIONS]
    for cut in (a.claim_at, background_at):
        if cut is not None:
            a.triggers = [t for t in a.triggers if t[0] < cut]
    dates = [(_to_folded(offsets, d.start), d) for d in find_event_dates(text, published)]
    a.since = [(pos, d) for pos, d in dates if _SINCE.search(folded[max(0, pos - SINCE_WINDOW):pos])]
    a.dates = [x for x in dates if x not in a.since]
    day = a.dates[0][1].date if a.dates else published.date()
    a.mentions = finder.find(folded, day)
    blocked = min((x for x in (a.claim_at, a.doubt_at) if x is not None), default=None)
    a.casualties = find_casualties(lex, folded, blocked)
    killed = [(c.start, c.end) for c in a.casualties if c.kind == "killed"]
    a.weak = {t[0] for t in a.triggers if any(s < t[1] and t[0] < e for s, e in killed)}
    if a.triggers or any(c.kind == "killed" and c.value for c in a.casualties):
        gaz = Gazetteer.load()
        found = find_places(text, context_admin1=context_admin1, gazetteer=gaz)
        found = enumeration.extend(folded, lambda i: offsets[i], text, found, gaz)
        a.places = _event_places(lex, a, found, offsets)
    return a

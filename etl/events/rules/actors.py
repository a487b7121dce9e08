"""Actor mentions in a sentence and who did what to whom.

Aliases (``etl/data/actors.yaml``) are matched on the folded sentence with proclitics; a mention
resolves to the actor valid on the event date (الجيش السوري before / after 2024-12-08).
Agent vs target comes from cues around the mention:

- "بين X و Y" (clashes between X and Y): X agent, Y target;
- a target cue just before the mention ("مواقع X", "على X", "ضد X", "عناصر من X", "تابعة لـX");
- a passive agent cue ("من قبل X", "نفذها X") or a trigger noun governing it ("بقصف X") -> agent;
- otherwise the first mention is the agent and the next different actor the target.
Actors named right after the agent or target with "و" are its associates (assoc_actor_1/2);
"بين X وY من جهة، وZ من جهة أخرى" puts X and Y on one side. Descriptions ("المدعوم من تركيا",
"الخاضعة لسيطرة ...") are not parties; a specific name replaces a generic one ("فصائل من الجيش
الوطني"); "الميليشيا" refers back to the last actor the outlet called a militia.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from etl.events.rules.lexicon import Lexicon

LOGGER = logging.getLogger(__name__)

MILITIA_WORD = "ميليشي"
MILITIA_ANAPHORS = ("ميليشيا", "ميليشيات")
DESCRIPTOR_WINDOW = 24
_DESCRIPTOR = re.compile(r"(?:المدعوم\w*|مدعوم\w*|الموالي\w*|الموالين|المقرب\w*|لسيطره|سيطره|نفوذ|المنضوي\w*|"
                         r"المنضويه|تسيطر عليها|يسيطر عليها|سيطرت عليها|الخاضع\w*)(?: \S+)?\s*(?:من|ل|في)?\s*[\"'«]?\s*(?:[بل]|ال|لل)?$")
_SPECIFIER = re.compile(r"\s*(?:(?:من|في)\s*(?:فصيل|فرقه|لواء|ميليشيا)?|(?:من|في)?\s*[\"'«»“”]*\s*التابع\w*)"
                        r"\s*[\"'«»“”]*\s*")
_COORDINATED = re.compile(r"[\s\"'«»“”()]*و")  # "X وY", "X (Y) وZ": the next name joins X's side
_ONE_SIDE = re.compile(r"من جه(?:ه|ة)(?![^\W_])")
_OTHER_SIDE = re.compile(r"من جه(?:ه|ة) (?:اخري|ثانيه)")
_GAP = re.compile(r"[\s\"'«»“”]+")
_NAMED_AFTER = re.compile(r"\s*[\"'«“]")
TARGET_WINDOW = 18  # characters before a mention searched for a target cue
_TARGET_CUE = re.compile(
    r"(?<![^\W_])(?:مواقع|موقع|نقاط|نقطه|تجمعات|تجمع|تجمعا|صفوف|ضد|علي|على|مقرات|مقر|حواجز|حاجز|اليات|اليه|اليتين|اليه عسكريه"
    r"|سياره|سيارات|حافله|منتسب\w* (?:الي|ل)|من صفوف"
    r"|معاقل|تحصينات|اهداف|مستودع|مستودعات|قاعده|قواعد|ارتال|رتل|قياديا في|قيادي في|قيادي|مخازن|مناطق سيطره"
    r"|مناطق|مع)ا?(?:\s+(?:عسكري\w*|تابع\w*|امني\w*|جديد\w*|عنصر|ضابط|قيادي)(?:\s+(?:في|من))?)?\s*[\"'«]?\s*(?:[بل]|ال|لل)?$")
# "عنصرين من X" / "ضابط برتبة مقدم في X": X is the victims' side when a casualty word precedes the noun.
_VICTIM_NOUN = re.compile(r"(?<![^\W_])(?:عدد|مقاتل\w*|عنصر\w*|عناصر|جنود|جندي\w*|ضابط\w*|ضباط|قيادي\w*|افراد|عسكري\w*"
                          r"|مسلح\w*|متطوع\w*|مجند\w*|احد|اثنين|ثلاثه|\d+)(?: \S+){0,2} (?:من|في|لدي|ب)\s*[\"'«]?\s*"
                          r"(?:[بل]|ال|لل)?$"
                          # construct state: "مقتل عدد من مسلحي (ما يسمى بـ)جيش الإسلام", "إصابة عناصر قسد"
                          r"|(?<![^\W_])(?:مسلحي|عناصر|مقاتلي|جنود|ضباط|افراد)(?: ما (?:يسمي|يعرف))?\s*[\"'«]?\s*[بل]?$")
_CASUALTY_BEFORE = re.compile(r"(?:مقتل|قتل|اصاب|اصيب|جرح|استشهاد|مصرع|اسر|اعتقال|اعتقل|اختطاف|خطف|توفي|وفاه|تحييد)")
VICTIM_WINDOW = 70  # characters before a mention searched for "casualty word ... noun من"
_AGENT_CUE = re.compile(r"(?<![^\W_])(?:من قبل|نفذ\w*|شن\w*|زرع\w*|يد|بيد|ايدي|على يد|علي يد|طائرات|مسيره|مسيرات|طائره)\s*[\"'«]?\s*(?:ل)?$")
# An alias naming a weapon or a strike ("صواريخ إسرائيلية", "قصف تركي", "طيران النظام") is the attacker.
_WEAPON = re.compile(r"(?<![^\W_])(?:قصف\w*|غار(?:ه|ات)|صواريخ|صاروخ|طائر\w*|طيران|مسير\w*|قذائف|مدفعي\w*|ضرب(?:ه|ات)"
                     r"|مقاتلات|درون|راجمات)(?![^\W_])")
_SOURCE_CUE = re.compile(r"(?<![^\W_])(?:صادر عن|صادره عن|بحسب|حسب|وفق|وفقا ل|نقلا عن|بيان|بيانا|مصادر في|مصدر في"
                         r"|مراسل|ناطق باسم|المتحدث باسم|متحدث باسم)\s*[\"'«]?\s*(?:[بل]|ال|لل)?$")
_BETWEEN = re.compile(r"بين\s*[\"'«]?\s*$")
BETWEEN_WINDOW = 60  # characters before "وY" searched for "بين X" (X may be a long name)
_BETWEEN_SECOND = re.compile(r"(?<![^\W_])بين\s+[^,.;:]+$")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    actor: str
    inter: int
    role: str  # agent | target | between1 | between2 | neutral | source (who reports it)
    civilian: bool = False
    protest: bool = False


class ActorFinder:
    """Resolves aliases to actors for one article (anaphors refer to the last named actor)."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self.last: list[str] = []  # actors named so far in the article, most recent last
        self.last_militia: str | None = None

    def _pick(self, names: list[str], day: date, alias: str = "") -> str | None:
        valid = [n for n in names if self.lex.actors[n].valid_on(day) and self._alias_valid(alias, n, day)]
        return valid[0] if valid else None

    def _alias_valid(self, alias: str, name: str, day: date) -> bool:
        start, end = self.lex.alias_periods.get((alias, name), (None, None))
        return (start is None or day >= start) and (end is None or day <= end)

    def _resolve(self, alias: str, day: date) -> str | None:
        alias = _GAP.sub(" ", alias)  # 'الحرس الثوري" الإيراني' -> the registry's spelling
        if alias not in self.lex.alias_actors and " " in alias:  # "الطيران الحربي الإسرائيلي"
            first, *rest = alias.split(" ")
            alias = " ".join([first, *(w for w in rest if w not in self.lex.insertable)])
        if alias in self.lex.back_references:
            return self.last[-1] if self.last else None
        if alias in MILITIA_ANAPHORS and self.last_militia:  # "الميليشيا": the last actor named as a militia
            return self.last_militia
        if alias in self.lex.anaphors and alias not in self.lex.alias_actors:
            return self._pick(self.lex.anaphors[alias], day)
        return self._pick(self.lex.alias_actors.get(alias, []), day, alias)

    def find(self, folded: str, day: date) -> list[Mention]:
        mentions = []
        for m in self.lex.actor_regex.finditer(folded):
            if m.group("a") in MILITIA_ANAPHORS and _NAMED_AFTER.match(folded, m.end()):
                continue  # 'ميليشيا "الحرس الثوري"': the word introduces a name, it does not refer back
            name = self._resolve(m.group("a"), day)
            if name is None:
                continue
            actor = self.lex.actors[name]
            if _DESCRIPTOR.search(folded[max(0, m.start() - DESCRIPTOR_WINDOW):m.start()]):
                continue  # "المدعوم من تركيا", "الخاضعة لسيطرة ...": a description, not a party to the event
            if mentions and _SPECIFIER.fullmatch(folded[mentions[-1].end:m.start()]):
                role = mentions.pop().role  # "فصائل من الجيش الوطني": the specific name replaces the generic one
            else:
                role = _role(folded, m.start(), folded.startswith("و", m.start()))
            if (actor.never_target or _WEAPON.search(m.group("a"))) and role in ("target", "neutral", "source"):
                role = "agent"  # "بغارة لطائرة مجهولة", "تصدت لصواريخ إسرائيلية": the weapon's owner struck
            mentions.append(Mention(m.start(), m.end(), name, actor.inter, role, actor.civilian, actor.protest))
            if not actor.civilian and not actor.protest:
                self.last.append(name)
                if MILITIA_WORD in m.group("a") and m.group("a") not in MILITIA_ANAPHORS:
                    self.last_militia = name
        return mentions


def _role(folded: str, start: int, conjoined: bool) -> str:
    before = folded[max(0, start - TARGET_WINDOW):start]
    if _BETWEEN.search(before):
        return "between1"
    if conjoined and _BETWEEN_SECOND.search(folded[max(0, start - BETWEEN_WINDOW):start]):
        return "between2"
    if _AGENT_CUE.search(before):
        return "agent"
    if _SOURCE_CUE.search(before):
        return "source"  # "أفاد بيان صادر عن قسد": who reports, a party only when nobody else is named
    if _TARGET_CUE.search(before):
        return "target"
    wide = folded[max(0, start - VICTIM_WINDOW):start]
    noun = _VICTIM_NOUN.search(wide)
    if noun and _CASUALTY_BEFORE.search(wide[:noun.start()]):
        return "target"
    return "neutral"


def associates(folded: str, mentions: list[Mention], main: Mention | None) -> list[str]:
    """Other actors fighting on ``main``'s side: named right after it with "و" ("قوات النظام
    والميليشيات الإيرانية", "قسد وقوى الأمن الداخلي (الأسايش) من جهة")."""
    if main is None:
        return []
    armed = [m for m in mentions if not m.civilian and not m.protest]
    out, last = [], main
    for m in armed:
        if m.start <= last.start:
            continue
        if not _COORDINATED.fullmatch(folded[last.end:m.start + 1]):
            break
        if m.actor != main.actor and m.actor not in out:
            out.append(m.actor)
        last = m
    return out


def sides_split(folded: str) -> int | None:
    """Where side one ends in "بين X وY من جهة، وZ من جهة أخرى" (None without that phrasing)."""
    other = _OTHER_SIDE.search(folded)
    if other is None:
        return None
    first = _ONE_SIDE.search(folded, 0, other.start())
    return first.end() if first else None


def agent_and_target(mentions: list[Mention], split: int | None = None) -> tuple[Mention | None, Mention | None]:
    """The acting and the targeted armed actor among mentions (civilians/protesters excluded)."""
    armed = [m for m in mentions if not m.civilian and not m.protest]
    if split is not None and any(m.role == "between1" for m in armed):
        side1 = [m for m in armed if m.start < split]
        side2 = [m for m in armed if m.start >= split and m.actor not in {x.actor for x in side1}]
        if side1 and side2:
            return side1[0], side2[0]
    firsts = [m for m in armed if m.role == "between1"]
    if firsts:
        seconds = [m for m in armed if m.role == "between2" and m.actor != firsts[0].actor]
        return firsts[0], seconds[0] if seconds else None
    agents = [m for m in armed if m.role in ("agent", "neutral")] or [m for m in armed if m.role == "source"]
    agent = next((m for m in agents if m.role == "agent"), agents[0] if agents else None)
    target = next((m for m in armed if m.role == "target" and (agent is None or m.actor != agent.actor)), None)
    if target is None and agent is not None:
        target = next((m for m in armed if m.actor != agent.actor and m.start > agent.start), None) \
            or next((m for m in armed if m.actor != agent.actor and m.role == "source"), None)
    return agent, target

"""From analysed sentences to ACLED events: one event per place, day and actor pair.

Per sentence with triggers and places, each place takes:
- the tactic of its clause (highest in ``priority``), else of the nearest clause before it;
  casualty words ("قتل") count as a tactic only when nothing else is there, and a sentence with
  only casualty words at a place already coded adds its figures to that event;
- its date: the expression of its clause before it, else the sentence's expression before it,
  else the paragraph's carried date, else the main date of the last dated sentence, else the
  article's lead date (first paragraph), else the publication day minus 0. Outlets publishing on
  day D report D or D-1, but D-1 is always written out ("أمس"), so no expression means D.
  "في اليوم ذاته" takes the previous event's day; ongoing reports ("لم تتوقف ... أمس ولا اليوم")
  give one event per day; events dated more than ``MAX_AGE_DAYS`` before publication are
  background and dropped;
- the agent/target of its clause (else the sentence's, else the previous event's agent);
- the killed figures of its clause, split evenly over the clause's places (first takes the
  remainder), or the figure that names it ("قتلا على حاجز ذيبان"); civilians killed in a battle
  are added to it; conflicting tolls in one sentence keep the lowest.
Drafts with the same day, place, type and actor1 are merged (the higher sub-event type wins; a
repeated report keeps the highest single figure, so a lead and its detail are not summed).
Battles absorb Explosions of the same actors at the same place and day. Governorate / district /
natural-region mentions are never event places (a lead summary or a container), and a sentence
with no place in Syria gives no event, strategic developments included (they are coded only
when a place is named).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from etl.events.model import CIVILIANS_TARGETED
from etl.events.rules.actors import Mention, agent_and_target, associates, sides_split
from etl.events.rules.lexicon import Lexicon
from etl.events.rules.sentences import SAME_TOWN, Analysis, Place, is_coarse, place_key
from etl.geo.resolve import PlaceMention

LOGGER = logging.getLogger(__name__)

CIVILIANS = "Civilians (Syria)"
PROTESTERS = "Protesters (Syria)"
UNIDENTIFIED = "Unidentified Armed Group (Syria)"
TERRITORY = "territory"
SEIZURE = "seizure"
POSITION_ATTACK = "position attack"  # an attack on a checkpoint, patrol or post: an armed clash
ATTEMPT = "attempted takeover"  # "حاولت قوات النظام اقتحام الحي": fighting, not a takeover
TRANSFER = "Non-violent transfer of territory"
EXCESSIVE = "Excessive force against protesters"
RIOTS = "Riots"
RIOTERS = "Rioters (Syria)"
VAC = "Violence against civilians"
EXPLOSIONS = "Explosions/Remote violence"
BATTLES = "Battles"
PROTESTS = "Protests"
STRATEGIC = "Strategic developments"
IED = "Remote explosive/landmine/IED"
# Sub-event types whose unknown perpetrator is coded as an unidentified armed group.
UNKNOWN_AGENT_OK = {VAC, EXPLOSIONS}
LEAD_PARAGRAPHS = 1
DETAIL_LOOKBACK = 12  # earlier drafts searched for the event a casualty sentence details
MAX_DAYS_PER_SENTENCE = 4  # more distinct days than this in one clause is a chronology, not repeats
MAX_AGE_DAYS = 31  # an event dated earlier than this before publication is a background reference
_ONGOING = re.compile(r"(?<![^\W_])[وف]?(?:تواصل\w*|يتواصل|تتواصل|استمر\w*|تستمر|يستمر|لم تتوقف|لم يتوقف|متواصل\w*"
                      r"|على التوالي|تجدد\w*)(?![^\W_])")
_HANDS_OVER = re.compile(r"(?<![^\W_])[وف]?(?:سلم|سلمت|سلموا|تسليم)(?![^\W_])")
_FIGHTING = re.compile(r"(?<![^\W_])[وفب]?(?:ال)?(?:اشتباك\w*|اقتتال\w*|معارك|مواجهات)(?![^\W_])")  # fighting, not an attack
SHELLING = "Shelling/artillery/missile attack"
CONTINUATION_SENTENCES = 4  # a casualty sentence adds to an event told at most this many sentences before
# States whose fire in Syria comes from the air unless the copy names guns, rockets or missiles.
AIR_POWERS = frozenset({"Military Forces of Russia", "Military Forces of Israel", "Military Forces of the United States",
                        "Unidentified Military Forces"})
_GROUND_FIRE = re.compile(r"(?<![^\W_])[وفبل]?(?:ال)?(?:مدفعي\w*|صاروخي\w*|صواريخ|صاروخ|قذائف|قذيفه|هاون|راجم\w*|دباب\w*"
                          r"|ارض ارض|البري\w*)(?![^\W_])")
_TOLL = re.compile(r"(?<![^\W_])(?:حصيل\w*|ارتفع\w* عدد)(?![^\W_])")
_SAME_DAY = re.compile(r"\s*(?:ذاته|نفسه|عينه)")  # the article's lead date comes from its first paragraph


@dataclass
class Draft:
    day: date
    precision: int
    explicit_date: bool
    sub: str
    etype: str
    actor1: str
    inter1: int
    actor2: str
    inter2: int | None
    place: PlaceMention
    fatalities: int
    civilian_targeting: str
    sentences: dict[int, str] = field(default_factory=dict)
    agent_known: bool = True
    para: int = 0
    other_side: tuple[str, int | None] = ("", None)  # a battle's likely opponent when its sentences name one side
    vague_toll: bool = False  # the toll is an ACLED vague figure ("عدد من" 3): an exact figure replaces it

    def add_toll(self, value: int, vague: bool) -> None:
        """Another telling's toll: an exact figure beats a vague one, else the highest single figure."""
        if not value:
            return
        if self.vague_toll and not vague or not self.fatalities:
            self.fatalities, self.vague_toll = value, vague
        elif vague == self.vague_toll:
            self.fatalities = max(self.fatalities, value)
    assoc1: list[str] = field(default_factory=list)
    assoc2: list[str] = field(default_factory=list)

    def place_key(self) -> str:
        return place_key(self.place)


@dataclass
class State:
    """What carries over between sentences of one article."""

    lead: tuple[date, int] | None = None
    para_date: tuple[int, date, int] | None = None  # (paragraph, date, precision)
    drafts: list[Draft] = field(default_factory=list)
    recent: tuple[date, int] | None = None  # the main date of the last dated sentence
    last_agent: tuple[str, int] | None = None  # the last named agent of a violent event
    named: list[tuple[str, int]] = field(default_factory=list)  # armed actors named in earlier sentences


def _sub_for(lex: Lexicon, a: Analysis, place: Place) -> str | None:
    own = _strong(a, a.in_clause(a.triggers, place.clause))
    if not own and any(a.clause_of(v) == place.clause for v in a.voided):
        return None  # "في حين حلق الطيران فوق بلدة الحولة": the place's own clause reports nothing
    if not own:
        strong = _strong(a, a.triggers)
        before = [t for t in strong if t[0] < place.pos]
        own = before[-1:] or strong[:1] or a.triggers[:1]
    if not own:
        return None
    best = min(own, key=lambda t: lex.priority[t[2]])[2]
    if lex.sub_to_type.get(best) == PROTESTS:  # a protest's treatment is told anywhere in the sentence
        best = min((t for t in a.triggers if lex.sub_to_type.get(t[2]) == PROTESTS), key=lambda t: lex.priority[t[2]])[2]
    return best


def _strong(a: Analysis, triggers: list) -> list:
    """Triggers that name a tactic; casualty words ("قتل") only when nothing else is there."""
    strong = [t for t in triggers if t[0] not in a.weak]
    return strong or triggers


def _detail(a: Analysis, place: Place, state: State) -> Draft | None:
    """An earlier event at the same place when this sentence only adds casualties to it."""
    if any(t[0] not in a.weak for t in a.triggers):
        return None
    key = place_key(place.mention)
    for d in reversed(state.drafts[-DETAIL_LOOKBACK:]):
        if place_key(d.place) == key and a.para - d.para <= 1:
            return d
    return None


def _date_for(a: Analysis, place: Place, state: State, published: date) -> tuple[date, int, bool]:
    clause = a.in_clause(a.dates, place.clause)
    elsewhere = [d for d in a.dates if d[0] <= place.pos and a.clause_of(d[0]) not in a.asides]
    chosen = [d for d in clause if d[0] <= place.pos][-1:] or clause[:1] or elsewhere[:1]
    if chosen:
        res = chosen[0][1]
        if _SAME_DAY.match(a.text[res.end:]) and state.drafts:  # "في اليوم ذاته": the previous event's day
            prev = state.drafts[-1]
            return prev.day, prev.precision, True
        return res.date, res.time_precision, True
    if state.para_date and state.para_date[0] == a.para:
        return state.para_date[1], state.para_date[2], True
    if state.recent:
        return state.recent[0], state.recent[1], True
    if state.lead:
        return state.lead[0], state.lead[1], True
    return published, 1, False


def _actors_for(a: Analysis, place: Place, state: State) -> tuple[Mention | None, Mention | None]:
    split = sides_split(a.folded)
    agent, target = agent_and_target(a.in_clause(a.mentions, place.clause, key=lambda m: m.start), split)
    if agent is None:
        agent, target2 = agent_and_target(a.mentions, split)
        if target is None or (agent is not None and target.actor == agent.actor):
            target = target2
    elif target is None:  # an explicitly targeted actor elsewhere in the sentence ("قتل عنصران من X ... إثر هجوم")
        target = next((m for m in a.mentions if m.role == "target" and m.actor != agent.actor
                       and not m.civilian and not m.protest), None)
    if target is not None and target.role == "neutral" and target.actor in associates(a.folded, a.mentions, agent):
        target = None  # "قوات النظام والميليشيات الإيرانية": a co-belligerent, not the target
    return agent, target


CASUALTY_PLACE_WINDOW = 45  # characters after a killed cue searched for the place it names


def _casualty_place(a: Analysis, c, nxt: int) -> str | None:
    """The place a casualty figure names right after it ("قتلا على حاجز ذيبان"), if any."""
    after = [key for pos, key in a.positions if c.end <= pos <= min(c.end + CASUALTY_PLACE_WINDOW, nxt)]
    return after[0] if after else None


def _killed(a: Analysis, place: Place, places: list[Place]) -> tuple[int, bool, bool]:
    """(killed figure for this place, civilian victims, combatant victims) from the sentence.

    A figure followed by a place name goes to that place; the other figures of a clause are
    split evenly over the clause's places (the first takes the remainder)."""
    clauses = sorted({p.clause for p in places})
    own_key = place_key(place.mention)
    named, shared = 0, []
    for i, c in enumerate(a.casualties):
        nxt = a.casualties[i + 1].start if i + 1 < len(a.casualties) else len(a.folded)
        key = _casualty_place(a, c, nxt)
        if key is not None:
            named += c.value if key == own_key and c.kind == "killed" else 0
            continue
        cl = a.clause_of(c.start)
        if cl in a.asides and cl != place.clause:
            continue  # "وفي حمص - التي قتل فيها أمس 20 شخصاً -": the aside's toll is another event's
        earlier = [x for x in clauses if x <= cl]
        if (earlier[-1] if earlier else clauses[0]) == place.clause:
            shared.append(c)
    figures = [c.value for c in shared if c.kind == "killed" and c.value]
    total = min(figures) if a.conflict and figures else sum(figures)  # conflicting reports: the lowest
    siblings = [p for p in places if p.clause == place.clause]
    share, rest = divmod(total, len(siblings))
    value = named + share + (rest if siblings[0] is place else 0)
    civ = any(c.victim == "civilian" and c.kind in ("killed", "injured") and (c.value or c.kind == "injured")
              for c in a.casualties)
    combatant = any(c.victim == "combatant" for c in a.casualties)
    return value, civ, combatant


def _vague(a: Analysis) -> bool:
    """The sentence's death toll is only vague figures ("سقوط قتلى", "عدد من")."""
    killed = [c for c in a.casualties if c.kind == "killed" and c.value]
    return bool(killed) and not any(c.exact for c in killed)


def _two_sides(state: State) -> tuple[tuple[str, int], tuple[str, int]] | None:
    """The last two different armed actors named in the article, in the order named."""
    last = list(dict.fromkeys(reversed(state.named)))[:2]
    if len(last) < 2:
        return None
    return last[1], last[0]


def _other_side(a: Analysis, state: State, actor1: str) -> tuple[str, int | None]:
    """The opposing side of a battle whose sentence names only one: another armed actor of the same
    sentence ("... وسط فرار عناصر قوات النظام"), else the last one named before in the article."""
    here = [(m.actor, m.inter) for m in a.mentions if not m.civilian and not m.protest and m.actor != actor1]
    before = [x for x in reversed(state.named) if x[0] != actor1]
    found = (here or before)[:1]
    return found[0] if found else ("", None)


def _resolve_sub(lex: Lexicon, sub: str, agent: Mention | None, peaceful: bool = False) -> str:
    if sub == SEIZURE:
        return "Disrupted weapons use"
    if sub in (POSITION_ATTACK, ATTEMPT):
        return "Armed clash"
    if sub == TERRITORY:
        if peaceful:  # "دخلت قوات النظام المدينة دون قتال": taken without fighting
            return TRANSFER
        return "Government regains territory" if agent and agent.inter == 1 else "Non-state actor overtakes territory"
    return sub


def _make(lex: Lexicon, a: Analysis, place: Place, state: State, published: date, places: list[Place]) -> Draft | None:
    earlier = _detail(a, place, state)
    if earlier is not None:
        killed, civ, _combatant = _killed(a, place, places)
        earlier.add_toll(killed, _vague(a))
        earlier.sentences[a.index] = a.text
        if civ and earlier.etype == EXPLOSIONS and not earlier.actor2:  # "ما تسبب بمقتل عشرات الأهالي"
            earlier.actor2, earlier.inter2 = CIVILIANS, lex.actors[CIVILIANS].inter
            earlier.civilian_targeting = CIVILIANS_TARGETED
        return None
    sub = _sub_for(lex, a, place)
    if sub is None:
        return None
    agent, target = _actors_for(a, place, state)
    label, sub = sub, _resolve_sub(lex, sub, agent, a.peaceful)
    if sub == TRANSFER and _HANDS_OVER.search(a.folded) and target is not None:
        agent, target = target, agent  # "سلّمت قسد نقاطها لقوات النظام": the side taking over is actor1
    if sub == SHELLING and agent is not None and agent.actor in AIR_POWERS and not _GROUND_FIRE.search(a.folded):
        sub = "Air/drone strike"  # "القصف الروسي": Russia's, Israel's and the coalition's fire comes from the air
    etype = lex.sub_to_type[sub]
    day, precision, explicit = _date_for(a, place, state, published)
    killed, civ, combatant = _killed(a, place, places)
    if etype == PROTESTS and killed and sub != EXCESSIVE:  # "استشهد 13 برصاص الأمن خلال قمع مظاهرة"
        sub = EXCESSIVE
    if sub == IED and agent is not None and agent.role == "neutral":
        agent = None  # a bomb or mine: only an explicit perpetrator ("زرعتها خلايا التنظيم") is coded
    actor1, inter1 = (agent.actor, agent.inter) if agent else ("", 0)
    agent_known = agent is not None
    if not agent_known and state.last_agent and etype in (BATTLES, EXPLOSIONS) and sub != IED:
        actor1, inter1 = state.last_agent
    elif not agent_known and etype == BATTLES and target is None and _two_sides(state):
        (actor1, inter1), target_pair = _two_sides(state)  # "واندلعت اشتباكات": between the sides named before
        target = Mention(0, 0, target_pair[0], target_pair[1], "target")
    elif agent_known and etype in (BATTLES, EXPLOSIONS):
        state.last_agent = (actor1, inter1)
    actor2, inter2 = (target.actor, target.inter) if target else ("", None)
    if etype == VAC and combatant and not civ:
        etype, sub = BATTLES, "Armed clash"  # a soldier or fighter shot: a clash, not violence against civilians
    elif sub == "Armed clash" and label == sub and civ and not combatant and actor2 == "" \
            and not _FIGHTING.search(a.folded):
        etype, sub = VAC, "Attack"  # gunmen attacking civilians only: violence against civilians
    if etype in (VAC, STRATEGIC) and actor1 == "" and actor2 and target is not None:
        actor1, inter1, actor2, inter2 = actor2, inter2, "", None  # "اعتقل حاجز لميليشيا أسد": the agent
        agent_known = True
    draft = Draft(day, precision, explicit, sub, etype, actor1, inter1, actor2, inter2, place.mention, killed, "",
                  {a.index: a.text}, agent_known, a.para)
    draft.vague_toll = bool(killed) and _vague(a)
    if etype == BATTLES and not actor2 and actor1:  # a fight has two sides: the other one named nearby
        draft.other_side = _other_side(a, state, actor1)  # filled in after merging (a guess never splits)
    if agent is not None and agent.actor == actor1:
        draft.assoc1 = [x for x in associates(a.folded, a.mentions, agent) if x not in (actor1, actor2)]
    if target is not None and target.actor == actor2:
        draft.assoc2 = [x for x in associates(a.folded, a.mentions, target) if x not in (actor1, actor2)]
    return _fill_roles(lex, draft, a, civ)


def _fill_roles(lex: Lexicon, d: Draft, a: Analysis, civ: bool) -> Draft | None:
    if d.etype == RIOTS:  # the crowd is actor1; the armed side it fought or stormed, actor2
        armed = d.actor1 if d.actor1 not in ("", PROTESTERS, RIOTERS) else d.actor2
        d.actor2, d.inter2 = (armed, lex.actors[armed].inter) if armed else ("", None)
        d.actor1, d.inter1 = RIOTERS, lex.actors[RIOTERS].inter
        d.civilian_targeting = ""
        return d
    if d.etype == PROTESTS:
        d.actor2, d.inter2 = (d.actor1, d.inter1) if d.sub != "Peaceful protest" and d.actor1 and d.actor1 != PROTESTERS \
            else ("", None)
        d.actor1, d.inter1 = PROTESTERS, lex.actors[PROTESTERS].inter
        return d
    if not d.actor1:
        if d.etype not in UNKNOWN_AGENT_OK:
            return None
        d.actor1, d.inter1 = UNIDENTIFIED, lex.actors[UNIDENTIFIED].inter
    if d.etype == VAC or (civ and d.etype in (EXPLOSIONS,) and not d.actor2):
        d.actor2, d.inter2 = CIVILIANS, lex.actors[CIVILIANS].inter
        d.civilian_targeting = CIVILIANS_TARGETED
    elif d.etype == STRATEGIC and d.sub in ("Arrests", "Looting/property destruction") and not d.actor2:
        d.actor2, d.inter2 = CIVILIANS, lex.actors[CIVILIANS].inter
    if d.actor2 == d.actor1:
        d.actor2, d.inter2 = "", None
    return d


def sentence_drafts(lex: Lexicon, a: Analysis, state: State, published: date) -> list[Draft]:
    """Drafts of one analysed sentence (updates the carried date and the actors named so far)."""
    try:
        return _sentence_drafts(lex, a, state, published)
    finally:
        state.named.extend((m.actor, m.inter) for m in a.mentions if not m.civilian and not m.protest)


def _sentence_drafts(lex: Lexicon, a: Analysis, state: State, published: date) -> list[Draft]:
    if a.dates:
        res = a.dates[0][1]
        if state.lead is None and a.para < LEAD_PARAGRAPHS:
            state.lead = (res.date, res.time_precision)
    if a.cumulative or not a.triggers:
        _continuation(a, state)
        return []
    if not a.places and state.drafts and (same := SAME_TOWN.search(a.folded)):
        # "اشتباك ... بين مسلحين من العائلتين في البلدة": the town of the previous event (a new event
        # only when the tactic differs; otherwise the sentence continues that event)
        prev = state.drafts[-1]
        best = min(a.triggers, key=lambda t: lex.priority[t[2]])[2]
        if lex.sub_to_type.get(_resolve_sub(lex, best, None)) == prev.etype:
            _continuation(a, state)
            return []
        a.places = [Place(prev.place, same.start(), a.clause_of(same.start()))]
        if not a.dates:
            state.para_date = (a.para, prev.day, prev.precision)
    if not a.places or all(is_coarse(p.mention) for p in a.places):
        repeated = _repeated_days(lex, a, state)
        if repeated or not a.places:
            _continuation(a, state)
            return repeated
    drafts = [d for p in a.places if (d := _make(lex, a, p, state, published, a.places)) is not None
              and (published - d.day).days <= MAX_AGE_DAYS]
    drafts += [x for d in drafts for x in _other_days(a, d)]
    drafts += [x for d in drafts for x in _days_since(a, d)]
    main = next((d for pos, d in a.dates if a.clause_of(pos) not in a.asides), None)  # carried to later sentences
    if main is not None and main.time_precision == 1 and (published - main.date).days <= MAX_AGE_DAYS:
        state.recent = (main.date, main.time_precision)
    if drafts:
        last = drafts[-1]
        state.para_date = (a.para, last.day, last.precision) if last.explicit_date else state.para_date
    return drafts


def _day_hits(a: Analysis) -> list[tuple[date, int]]:
    return list(dict.fromkeys((d.date, d.time_precision) for _p, d in a.dates if d.time_precision == 1))


def _clone(d: Draft, day: date, a: Analysis) -> Draft:
    return replace(d, day=day, precision=1, explicit_date=True, fatalities=0, sentences={a.index: a.text})


def _other_days(a: Analysis, d: Draft) -> list[Draft]:
    """"لم تتوقف ... أمس الجمعة ولا صباح اليوم السبت": one event per day named in the clause."""
    if not _ONGOING.search(a.folded):
        return []
    days = [day for day, _p in _day_hits(a) if day != d.day]
    return [_clone(d, day, a) for day in days] if len(days) + 1 <= MAX_DAYS_PER_SENTENCE else []


def _days_since(a: Analysis, d: Draft) -> list[Draft]:
    """"بعد معارك عنيفة مستمرة منذ الخميس": a clash on every day from Thursday until the day before
    the event (ACLED: one event per day of a campaign)."""
    if d.etype != BATTLES or not a.since:
        return []
    start = min(x.date for _p, x in a.since)
    days = [start + timedelta(days=n) for n in range((d.day - start).days)]
    if not days or len(days) > MAX_DAYS_PER_SENTENCE:
        return []
    return [replace(_clone(d, day, a), sub="Armed clash") for day in days]


def _repeated_days(lex: Lexicon, a: Analysis, state: State) -> list[Draft]:
    """A sentence continuing the previous event (same tactic, no new place) on other days."""
    if not state.drafts or not a.dates or not _ONGOING.search(a.folded):
        return []
    prev = state.drafts[-1]
    best = min(a.triggers, key=lambda t: lex.priority[t[2]])[2]
    if best != prev.sub or a.para - max(prev.para for prev in [prev]) > 1:
        return []
    days = [day for day, _p in _day_hits(a) if day != prev.day]
    return [_clone(prev, day, a) for day in days][:MAX_DAYS_PER_SENTENCE]


def _continuation(a: Analysis, state: State) -> None:
    """A sentence with casualties but no new tactic or place adds to the paragraph's last event."""
    if a.cumulative or not state.drafts:
        return
    killed = sum(c.value for c in a.casualties if c.kind == "killed")
    prev = state.drafts[-1]
    if prev.sentences and max(prev.sentences) < a.index - CONTINUATION_SENTENCES:
        return
    if _TOLL.search(a.folded) and prev.para != a.para:
        return  # "ارتفعت حصيلة الضحايا ... إلى 89" in a paragraph of its own: the whole campaign's toll
    if killed and not a.places and (killed > prev.fatalities or prev.vague_toll and not _vague(a)):
        prev.add_toll(killed, _vague(a))
        prev.sentences[a.index] = a.text

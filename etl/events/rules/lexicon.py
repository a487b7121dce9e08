"""Rule data loaded once: trigger patterns, cues and the actor registry, compiled at import.

Patterns in ``etl/data/triggers.yaml`` and aliases in ``etl/data/actors.yaml`` are written in
plain Arabic; they are normalised here and matched on ``etl.arabic.normalize_aligned`` text (so
offsets map back to the sentence). Each category becomes ONE alternation regex: a sentence is
scanned once per category, whatever the number of patterns.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from etl.arabic import normalize

LOGGER = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
TRIGGERS_FILE = DATA_DIR / "triggers.yaml"
ACTORS_FILE = DATA_DIR / "actors.yaml"

# Proclitics allowed before a pattern or alias: conjunction, preposition, article ("وبالقصف",
# "للفصائل", "لقوات"). A match must start and end at a word boundary.
PREFIX = r"(?<![^\W_])(?:[وف]?(?:[بك]?ال|لل|[بلك])?)"
END = r"(?![^\W_])"
ARTICLE = "ال"


def _pattern(text: str) -> str:
    """A data pattern, normalised, with literal spaces matching any whitespace/punctuation gap."""
    norm = normalize(str(text), collapse_space=True)
    return norm.replace(" ", r"[\s\"'«»“”]+")


def _alias_pattern(key: str, insertable: str) -> str:
    """An alias whose word gaps may each hold one inserted modifier ("الطيران [الحربي] الإسرائيلي")."""
    gap = r"[\s\"'«»“”]+"
    if not insertable:
        return _pattern(key)
    return f"(?:{gap}(?:{insertable}){gap}|{gap})".join(_pattern(w) for w in key.split(" "))


def _strip_article(word: str) -> str:
    return word[len(ARTICLE):] if word.startswith(ARTICLE) and len(word) > len(ARTICLE) + 1 else word


# Proclitic strings that may precede a pattern inside a word, shortest first.
CLITICS = ("", "و", "ف", "ب", "ل", "ك", "ال", "لل", "وب", "ول", "وك", "فب", "فل", "فك", "وال", "فال", "بال", "كال",
           "ولل", "فلل", "وبال", "فبال", "وكال", "فكال")
CLITIC_HEAD = 5  # characters of a word that decide its possible clitics (longest clitic + 1)
_WORD_START = re.compile(r"(?<![^\W_])[^\W_]")
_LITERAL_HEAD = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Category:
    """Patterns of one category, dispatched on their first letter.

    One alternation over hundreds of patterns, tried at every word start with every clitic
    split, is the slow part of extraction; grouping the alternatives by first letter (patterns
    that start with a group go to every bucket) tries only the few that can match there.
    """

    buckets: dict[str, re.Pattern[str]]
    labels: tuple[str, ...]

    def find(self, folded: str) -> list[tuple[int, int, str]]:
        out, after = [], 0
        buckets = self.buckets
        for start, stems in candidates(folded):
            if start < after:
                continue
            for pos in stems:
                regex = buckets.get(folded[pos:pos + 1])
                m = regex.match(folded, pos) if regex is not None else None
                if m is not None:
                    name = m.lastgroup or "g0"
                    out.append((start, m.end(), self.labels[int(name[1:])]))
                    after = m.end()
                    break
        return out


@functools.lru_cache(maxsize=4096)
def _clitic_lengths(head: str) -> tuple[int, ...]:
    """Lengths of the clitic strings a word starting with ``head`` may carry."""
    return tuple(len(c) for c in CLITICS if head.startswith(c) and len(c) < len(head))


@functools.lru_cache(maxsize=8)
def candidates(folded: str) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """(word start, possible stem starts) for every word of a folded sentence; shared by all
    categories scanning the same sentence (the cache holds the last few sentences)."""
    out = []
    for w in _WORD_START.finditer(folded):
        start = w.start()
        out.append((start, tuple(start + n for n in _clitic_lengths(folded[start:start + CLITIC_HEAD]))))
    return tuple(out)


def compile_category(entries: list[tuple[str, str]]) -> Category:
    """``entries`` = (label, pattern) in priority order -> first-letter buckets of alternations."""
    heads: dict[str, list[str]] = {}
    generic: list[tuple[int, str]] = []
    for i, (_, pat) in enumerate(entries):
        body = _pattern(pat)
        part = (i, f"(?P<g{i}>{body})")
        if _LITERAL_HEAD.match(body):
            heads.setdefault(body[0], []).append(part)
        else:
            generic.append(part)
    letters = set(heads) | {ch for ch in "ابتثجحخدذرزسشصضطظعغفقكلمنهويءئؤة"}
    buckets = {}
    for ch in letters:
        parts = sorted(heads.get(ch, []) + generic)
        if parts:
            buckets[ch] = re.compile("(?:" + "|".join(p for _, p in parts) + ")" + END)
    return Category(buckets, tuple(label for label, _ in entries))


@dataclass(frozen=True)
class Actor:
    name: str
    inter: int
    valid_from: date | None = None
    valid_to: date | None = None
    civilian: bool = False
    protest: bool = False
    riot: bool = False
    never_target: bool = False  # an attacker whatever the cues say (aircraft of unknown origin)

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (self.valid_to is None or day <= self.valid_to)


@dataclass
class Lexicon:
    hierarchy: dict[str, list[str]]
    sub_to_type: dict[str, str]
    priority: dict[str, int]
    triggers: Category
    cues: dict[str, Category]
    casualties: Category
    combatant_nouns: frozenset[str]
    report_words: frozenset[str]
    actors: dict[str, Actor] = field(default_factory=dict)
    alias_actors: dict[str, list[str]] = field(default_factory=dict)  # normalised alias -> names
    # (alias, actor) -> (valid_from, valid_to) for aliases that changed hands ("قوى الأمن الداخلي")
    alias_periods: dict[tuple[str, str], tuple[date | None, date | None]] = field(default_factory=dict)
    anaphors: dict[str, list[str]] = field(default_factory=dict)  # normalised word -> names
    back_references: set[str] = field(default_factory=set)  # normalised words -> the last armed actor
    insertable: frozenset[str] = frozenset()  # normalised modifiers allowed inside an alias
    actor_regex: re.Pattern[str] | None = None

    def sub_rank(self, sub: str) -> int:
        """Position of a sub-event type in ACLED's hierarchy within its type (0 = highest)."""
        return self.hierarchy[self.sub_to_type[sub]].index(sub)


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _load_actors(lex: Lexicon, data: dict) -> None:
    alias_pats: dict[str, str] = {}
    lex.insertable = frozenset(normalize(str(w)) for w in data.get("insertable", []))
    inserted = "|".join(re.escape(w) for w in sorted(lex.insertable, key=len, reverse=True))
    for row in data["actors"]:
        actor = Actor(row["name"], int(row["inter"]), _date(row.get("valid_from")), _date(row.get("valid_to")),
                      bool(row.get("civilian")), bool(row.get("protest")), bool(row.get("riot")),
                      bool(row.get("never_target")))
        lex.actors[actor.name] = actor
        for alias in row.get("aliases", []):
            period = None
            if isinstance(alias, dict):  # {alias: ..., valid_to: ...}: the alias named this actor only then
                period = (_date(alias.get("valid_from")), _date(alias.get("valid_to")))
                alias = alias["alias"]
            key = _strip_article(normalize(str(alias)))
            if period:
                lex.alias_periods[(key, actor.name)] = period
            lex.alias_actors.setdefault(key, []).append(actor.name)
            alias_pats[key] = _alias_pattern(key, inserted)
        for word in row.get("anaphors", []):
            key = _strip_article(normalize(str(word)))
            lex.anaphors.setdefault(key, []).append(actor.name)
            alias_pats[key] = _pattern(key)
    for word in data.get("back_references", []):
        key = _strip_article(normalize(str(word)))
        lex.back_references.add(key)
        alias_pats[key] = _pattern(key)
    ordered = sorted(alias_pats, key=len, reverse=True)  # longest alias first
    body = "|".join(alias_pats[k] for k in ordered)
    lex.actor_regex = re.compile(PREFIX + "(?P<a>" + body + ")" + END)


@functools.lru_cache(maxsize=1)
def load() -> Lexicon:
    """The lexicon (built once per process)."""
    with TRIGGERS_FILE.open(encoding="utf-8") as handle:
        trig = yaml.safe_load(handle)
    with ACTORS_FILE.open(encoding="utf-8") as handle:
        act = yaml.safe_load(handle)
    hierarchy = trig["hierarchy"]
    sub_to_type = {sub: typ for typ, subs in hierarchy.items() for sub in subs}
    priority = {sub: i for i, sub in enumerate(trig["priority"])}
    entries = [(sub, pat) for sub in trig["priority"] for pat in trig["triggers"].get(sub, [])]
    cues = {name: compile_category([(name, p) for p in pats]) for name, pats in trig["cues"].items()
            if name != "report"}
    cas = trig["casualties"]
    casualties = compile_category([(kind, p) for kind in ("neutralised", "injured", "killed") for p in cas[kind]])
    lex = Lexicon(hierarchy, sub_to_type, priority, compile_category(entries), cues, casualties,
                  frozenset(normalize(w) for w in cas["combatant_nouns"]),
                  frozenset(normalize(w) for w in trig["cues"]["report"]))
    _load_actors(lex, act)
    LOGGER.debug("lexicon: %d trigger patterns, %d actor aliases", len(entries), len(lex.alias_actors))
    return lex

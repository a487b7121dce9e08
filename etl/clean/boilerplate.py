"""Trailing boilerplate: comment sections, tag lists, related links, share and newsletter prompts.

The markers live in ``etl/data/boilerplate.yaml`` (never in code). Lines are compared after
``etl.arabic.normalize`` so spelling variants (أيضاً / أيضا / ايضا) need one entry. Rules:

- a *heading* line matching a ``cut_from`` pattern in full, or a line starting with a
  ``cut_from_prefix`` pattern, ends the article: it and everything after it are dropped (never the
  first line, so an article cannot be emptied by its own first sentence);
- a short line (``max_line_words``) starting with a ``drop_lines`` pattern is dropped wherever
  it is (share prompts, copyright lines); an inline "اقرأ أيضاً: <headline>" link line
  (``read_also_lines``) is dropped whatever its length.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from etl.arabic import normalize

LOGGER = logging.getLogger(__name__)

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "boilerplate.yaml"
# What may follow a heading on the same line: a colon, a dash, a count "(3)", spaces.
_HEADING_TAIL = r"[\s:：\-–—()\d|»«]*"


@dataclass(frozen=True)
class Rules:
    cut_heading: re.Pattern
    cut_prefix: re.Pattern
    drop_line: re.Pattern
    read_also: re.Pattern
    max_line_words: int


def _alternation(patterns: list[str]) -> str:
    return "|".join(f"(?:{normalize(p)})" for p in patterns) or r"(?!x)x"


@functools.lru_cache(maxsize=4)
def load_rules(path: Path = DATA_FILE) -> Rules:
    """Compile the markers file once (patterns normalised like the text they match)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Rules(
        cut_heading=re.compile(rf"(?:{_alternation(data['cut_from'])}){_HEADING_TAIL}", re.I),
        cut_prefix=re.compile(_alternation(data.get("cut_from_prefix", [])), re.I),
        drop_line=re.compile(_alternation(data["drop_lines"]), re.I),
        read_also=re.compile(_alternation(data.get("read_also_lines", [])), re.I),
        max_line_words=int(data["max_line_words"]),
    )


def is_cut_line(line: str, rules: Rules | None = None) -> bool:
    """True when the line starts the trailing boilerplate (a section heading or a disclaimer)."""
    rules = rules or load_rules()
    norm = normalize(line)
    return bool(rules.cut_heading.fullmatch(norm) or rules.cut_prefix.match(norm))


def is_drop_line(line: str, rules: Rules | None = None) -> bool:
    """True for a short share / newsletter / copyright / read-also line."""
    rules = rules or load_rules()
    norm = normalize(line)
    if rules.read_also.match(norm):
        return True
    return len(norm.split()) <= rules.max_line_words and bool(rules.drop_line.match(norm))


def strip_boilerplate(text: str, rules: Rules | None = None) -> str:
    """The body without trailing boilerplate and boilerplate lines; paragraphs stay one per line."""
    rules = rules or load_rules()
    kept: list[str] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        if kept and is_cut_line(line, rules):
            break
        if not is_drop_line(line, rules):
            kept.append(line)
    return "\n".join(kept)

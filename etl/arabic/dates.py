"""Arabic dates: visible dates in both month systems, relative event dates, dates in URLs.

Vocabulary (months, weekdays, relative words) lives in ``etl/data/arabic_time.yaml``. Matching runs
on ``etl.arabic.normalize_aligned`` text (hamza/ta marbuta/digits folded, diacritics and bidi marks
removed) so reported ``start``/``end`` offsets point into the caller's original text.

- ``parse_arabic_date(text, default_year=None)``: the first visible date in ``text``.
- ``find_dates(text, default_year=None)``: every visible date as ``(start, end, date)``. A date
  needs a day and a month; the year is needed unless ``default_year`` is given. Bare years,
  copyright years and impossible dates (31 شباط) are never returned. Numeric dates are read
  day-first (Syrian usage) unless only month-first is valid ("1/21/2022").
- ``resolve_event_date(text, published, tz=None)`` / ``find_event_dates(...)``: explicit and
  relative expressions resolved against the publication day *in the publication's own timezone*
  (or in ``tz`` when given: pass ``ZoneInfo("Asia/Damascus")`` for UTC timestamps). No result is
  ever after the publication day. time_precision follows ACLED: 1 day, 2 week (middle date),
  3 month (the 15th, but never after the publication day).
- ``date_from_url(url)``: ``/2022/01/21/``, ``/20220121/``, ``?date=2022-01-21``.

Real copy mixes forms, and these rules settle them:
- ordinal days: "الخامس من شباط", "في الحادي والعشرين من الشهر الجاري";
- a date without a year takes the publication's year (the year before if it would be later);
- a weekday next to a day of the month that contradicts it ("الأحد 6 شباط" on a year where the
  6th is a Thursday): the weekday wins, read as the last such day up to publication: weekdays are
  what reporters get right, and they are consistent with the publication date by construction;
- a relative day next to a weekday ("أمس الأربعاء", "فجر اليوم الخميس") is one expression; when
  they disagree (copy written on Thursday, published after midnight) the weekday wins;
- "ليل الأربعاء - الخميس" is one night: the first day, the second only "بعد منتصف" (after midnight);
- "غداة" before a date expression: the day after; "عشية": the day before.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import yaml

from etl.arabic.text import normalize, normalize_aligned, original_span

LOGGER = logging.getLogger(__name__)

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "arabic_time.yaml"
MIN_YEAR, MAX_YEAR = 1900, 2100  # plausible years for a visible date
COPYRIGHT_WINDOW = 40  # characters before a date searched for a copyright marker
MID_WEEK_OFFSET = 3  # week start + 3 days = the middle of a 7-day week (ACLED precision 2)
MID_MONTH_DAY = 15  # ACLED precision 3: the middle of the month

PRECISION_DAY, PRECISION_WEEK, PRECISION_MONTH = 1, 2, 3
WEEKDAY_CONFLICT_DAYS = 14  # a dated year is only overruled by its weekday this close to publication
ADJACENT_GAP = 3  # characters (spaces, a comma) between a relative day and its weekday ("أمس، الأربعاء")
SHIFT_WINDOW = 12  # characters before an expression searched for "غداة" / "عشية"


@dataclass(frozen=True, slots=True)
class DateResolution:
    """An event date found in text: ``text[start:end] == expression``."""

    date: date
    time_precision: int
    expression: str
    start: int
    end: int


# --- vocabulary and regexes (built once at import) ------------------------------------------


def _load() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


_DATA = _load()


def _norm(phrase: str) -> str:
    return normalize(str(phrase), punctuation=True).lower()


def _alt(phrases: list[str]) -> str:
    """Regex alternation of normalised phrases, longest first, spaces matching any whitespace."""
    forms = sorted({_norm(p) for p in phrases}, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(map(re.escape, f.split())) for f in forms) + ")"


def _lookup(table: dict[Any, list[str]]) -> dict[str, int]:
    return {_norm(name): int(key) for key, names in table.items() for name in names}


_MONTHS = _lookup(_DATA["months"])
_WEEKDAYS = _lookup(_DATA["weekdays"])


def _ordinal_table(data: dict[str, Any]) -> dict[str, int]:
    """Ordinal day words 1-31 ("الخامس", "الحادي عشر", "الثاني والعشرين") -> day numbers."""
    units = {int(k): v for k, v in data["ordinal_units"].items()}
    tens = {int(k): v for k, v in data["ordinal_tens"].items()}
    out = {_norm(name): n for n, names in units.items() for name in names if n > 1 or name == names[0]}
    out |= {_norm(name): n for n, names in tens.items() for name in names}
    for n, names in units.items():
        for name in names[1:] if n == 1 else names:  # 11 and 21 use "الحادي" (or "الواحد")
            out[_norm(f"{name} {data['ordinal_teen_word']}")] = 10 + n
            for ten in (20, 30) if n == 1 else (20,):
                out |= {_norm(f"{name} {data['ordinal_link']}{t}"): ten + n for t in tens[ten]}
    return out


_ORDINALS = _ordinal_table(_DATA)
_WEEK_START: int = _DATA["week_start"]

# Speed: patterns are not run over the whole text. One pass of a cheap word regex finds tokens
# that can start an expression (a digit, a month/weekday name, the first word of a relative
# phrase); only there is the rule's pattern tried with .match(). Optional qualifiers before the
# keyword ("صباح الجمعة", "مطلع الشهر", a weekday before a date) are matched afterwards on a short
# window ending at the keyword (_extend_back).
B, E = r"(?<!\w)", r"(?!\w)"  # word boundaries that work for Arabic letters
MONTH_ALT = _alt(list(_MONTHS))
MONTH = B + MONTH_ALT + E
WEEKDAY_ALT = _alt(list(_WEEKDAYS))
DAY_PART = _alt(_DATA["day_parts"])
PAST, FUTURE = _alt(_DATA["past_markers"]) + E, _alt(_DATA["future_markers"]) + E
CURRENT, THIS = _alt(_DATA["current_markers"]) + E, _alt(_DATA["this_words"])
MONTH_PART, MONTH_WORD = _alt(_DATA["month_parts"]), _alt(_DATA["month_words"])
WEEK_WORD, YEAR_WORD = _alt(_DATA["week_words"]), _alt(_DATA["year_words"])
SECOND_MONTH = rf"(?:\s*[(/-]?\s*(?P<m2>{MONTH})\s*\)?)?"  # "1 (يناير) كانون الثاني", "كانون الثاني/يناير"
YEAR = r"(?P<y>\d{4})(?!\d)"
YEAR_TAIL = rf"\s*[,،]?\s*(?:{YEAR_WORD}\s+)?{YEAR}"
DIGIT = "<digit>"  # trigger key for tokens that start with a digit
PROCLITICS = "وف"  # "وأمس", "فالجمعة": a conjunction glued to the expression
BACK_WINDOW = 40  # characters searched for a qualifier before a keyword

_TOKEN = re.compile(r"[^\W\d_]+")
_DIGIT_RUN = re.compile(r"\d+")
_DAY_MONTH_YEAR = re.compile(rf"(?P<d>\d{{1,2}})(?!\d)\s*(?:-\s*)?(?:من\s+)?(?:{MONTH_WORD}\s+)?"
                             rf"\(?\s*(?P<m>{MONTH})\s*\)?{SECOND_MONTH}(?:{YEAR_TAIL})?")
_MONTH_DAY_YEAR = re.compile(rf"(?P<m>{MONTH_ALT}){E}{SECOND_MONTH}\s+(?P<d>\d{{1,2}})(?!\d)\s*[,،]?\s*{YEAR}")
_NUMERIC_DMY = re.compile(r"(?P<d>\d{1,2})(?P<sep>[/.-])(?P<mn>\d{1,2})(?P=sep)" + YEAR + r"(?![/.-]\d)")
ORDINAL_ALT = _alt(list(_ORDINALS))
_ORDINAL_DATE = re.compile(rf"(?P<o>{ORDINAL_ALT}){E}\s+من\s+(?:{MONTH_WORD}\s+)?\(?\s*(?P<m>{MONTH})\s*\)?"
                           rf"{SECOND_MONTH}(?:{YEAR_TAIL})?")
_ORDINAL_OF_MONTH = re.compile(rf"(?P<o>{ORDINAL_ALT}){E}\s+من\s+(?:{MONTH_WORD}\s+)?"
                               rf"(?:(?P<cur>{CURRENT})|(?P<past>{PAST})|{THIS}\s+{MONTH_WORD}{E})")
_WEEKDAY_NAME = re.compile(WEEKDAY_ALT)
_NIGHT_LINK = re.compile(r"\s*(?:(?:-|–|/|على|الى|إلى)\s*)?$")
_SHIFT = re.compile(rf"(?:(?P<after>{_alt(_DATA['day_after_words'])})|(?P<before>{_alt(_DATA['day_before_words'])}))"
                    r"\s+(?:يوم\s+)?$")
_AFTER_MIDNIGHT = re.compile(_alt(_DATA["after_midnight_words"]) + r"\s+$")
_NUMERIC_YMD = re.compile(r"(?P<y>\d{4})(?P<sep>[/.-])(?P<mn>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)")

_RELATIVE = {days: re.compile(_alt(_DATA["relative_days"][days]) + E) for days in (1, 2)}
_RELATIVE[0] = re.compile(_alt(_DATA["relative_days"][0]) + E + rf"(?!\s+{_alt(_DATA['today_blockers'])}{E})")
_DAYS_AGO = re.compile(_alt(_DATA["days_ago_prefixes"]) + r"\s+(?P<n>\d{1,2})\s+" + _alt(_DATA["days_words"]) + E)
_WEEKDAY_RE = re.compile(rf"(?P<wd>{WEEKDAY_ALT}){E}(?:\s+(?P<past>{PAST})|\s+(?P<future>{FUTURE}))?")
_DAY_OF_MONTH = re.compile(rf"(?P<d>\d{{1,2}})(?!\d)\s+(?:من\s+)?(?:{MONTH_WORD}\s+)?"
                           rf"(?:(?P<cur>{CURRENT})|(?P<past>{PAST}))")
_WEEK_RE = re.compile(rf"(?:(?P<this>{THIS})\s+{WEEK_WORD}{E}|{WEEK_WORD}\s+(?:(?P<past>{PAST})|{CURRENT}))")
_MONTH_RE = re.compile(rf"(?:(?P<this>{THIS})\s+{MONTH_WORD}"
                       rf"|{MONTH_WORD}(?:\s+(?:(?P<past>{PAST})|(?P<cur>{CURRENT})))?){E}")
_NAMED_MONTH = re.compile(rf"(?P<m>{MONTH_ALT}){E}(?:\s+(?P<past>{PAST})|\s+{CURRENT}|{YEAR_TAIL})?")

_COPYRIGHT = re.compile(_alt(_DATA["copyright_markers"]), re.IGNORECASE)
_BACK_WEEKDAY = re.compile(rf"{B}[وف]?(?:{DAY_PART}\s+)?{WEEKDAY_ALT}\s*[,،]?\s*"
                           rf"(?:{_alt(_DATA['weekday_links'])}\s+)?$")
_BACK_DAY_PART = re.compile(rf"{B}[وف]?{DAY_PART}\s+$")
_BACK_MONTH_PART = re.compile(rf"{B}[وف]?{MONTH_PART}\s+$")
_BACK_NAMED_MONTH = re.compile(rf"{B}[وف]?(?:{MONTH_PART}\s+)?(?:{MONTH_WORD}\s+)?$")

_Back = re.Match[str] | None


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]  # tried with .match() at a trigger token
    back: re.Pattern[str] | None  # optional qualifier before the match
    build: Callable[..., Any]  # (start, match, back match, context) -> result or None


def _first_words(phrases: Any) -> list[str]:
    return [_norm(p).split()[0] for p in phrases]


@dataclass(frozen=True, slots=True)
class _Table:
    rules: dict[str, list[_Rule]]  # trigger word (or DIGIT) -> rules starting there
    variants: dict[str, tuple[str, int]]  # word as written (bare, or with a glued و/ف) -> (key, offset)


def _index(rules: list[tuple[list[str], _Rule]]) -> _Table:
    table: dict[str, list[_Rule]] = {}
    for keys, rule in rules:
        for key in dict.fromkeys(keys):
            table.setdefault(key, []).append(rule)
    words = [key for key in table if key != DIGIT]
    variants = {key: (key, 0) for key in words} | {p + key: (key, 1) for key in words for p in PROCLITICS}
    return _Table(table, variants)


def _extend_back(pattern: re.Pattern[str], folded: str, start: int) -> tuple[int, _Back]:
    """Move ``start`` left over a qualifier matched by ``pattern`` (anchored at the window end)."""
    m = pattern.search(folded, max(0, start - BACK_WINDOW), start)
    if m is None or m.start() == m.end():
        return start, None
    return m.start(), m


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _triggers(folded: str, table: _Table, words: set[str]) -> list[tuple[int, int, str]]:
    """(word start, keyword start, table key) for every trigger in ``folded``.

    Speed: a Python loop over every token costs ~1 us each; instead the set of words present is
    intersected with the trigger words (C speed) and only those are located with str.find.
    """
    found = []
    if DIGIT in table.rules:
        for m in _DIGIT_RUN.finditer(folded):
            pos = m.start()
            start = pos - 1 if pos and folded[pos - 1] in PROCLITICS else pos
            if start and (_is_word(folded[start - 1]) or folded[start - 1] in "/.-"):
                continue
            found.append((start, pos, DIGIT))
    for word in words.intersection(table.variants):
        key, offset = table.variants[word]
        idx = folded.find(word)
        while idx >= 0:
            end = idx + len(word)
            if (idx == 0 or not _is_word(folded[idx - 1])) and (end == len(folded) or not _is_word(folded[end])):
                found.append((idx, idx + offset, key))
            idx = folded.find(word, end)
    return found


def _apply(folded: str, table: _Table, context: Any, words: set[str]) -> list[Any]:
    """Run the rules of each trigger; returns the non-None results of their builders."""
    results = []
    for start, pos, key in _triggers(folded, table, words):
        for rule in table.rules[key]:
            m = rule.pattern.match(folded, pos)
            if m is None:
                continue
            begin, back = (start, None) if rule.back is None else _extend_back(rule.back, folded, start)
            result = rule.build(begin, m, back, context)
            if result is not None:
                results.append(result)
    return results


def _words(folded: str) -> set[str]:
    return set(_TOKEN.findall(folded))


def _month_of(match: re.Match[str]) -> int:
    return _MONTHS[" ".join(match.group("m").split())]


def _safe_date(year: int | None, month: int, day: int) -> date | None:
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _is_copyright(folded: str, start: int) -> bool:
    window = folded[max(0, start - COPYRIGHT_WINDOW) : start]
    return bool(_COPYRIGHT.search(window.rsplit("\n", 1)[-1]))


def _non_overlapping(items: list[Any]) -> list[Any]:
    """Keep the earliest, then longest, of overlapping matches (items have .start/.end)."""
    kept: list[Any] = []
    for item in sorted(items, key=lambda i: (i.start, -(i.end - i.start))):
        if not kept or item.start >= kept[-1].end:
            kept.append(item)
    return kept


# --- visible dates -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Found:
    start: int  # offsets in the folded text
    end: int
    day: int
    month: int
    year: int | None
    weekday: int | None = None  # the weekday written before the date ("الأحد 6 شباط"), if any


def _weekday_of(back: _Back) -> int | None:
    found = _WEEKDAY_NAME.search(back.group()) if back is not None else None
    return _WEEKDAYS[found.group()] if found else None


def _text_date(start: int, m: re.Match[str], back: _Back, folded: str) -> _Found | None:
    if _is_copyright(folded, start):
        return None
    year = int(m.group("y")) if m.group("y") else None
    return _Found(start, m.end(), int(m.group("d")), _month_of(m), year, _weekday_of(back))


def _ordinal_date(start: int, m: re.Match[str], back: _Back, folded: str) -> _Found | None:
    if _is_copyright(folded, start):
        return None
    year = int(m.group("y")) if m.group("y") else None
    return _Found(start, m.end(), _ORDINALS[" ".join(m.group("o").split())], _month_of(m), year, _weekday_of(back))


def _numeric_date(start: int, m: re.Match[str], back: _Back, folded: str) -> _Found | None:
    if _is_copyright(folded, start):
        return None
    day, month = int(m.group("d")), int(m.group("mn"))
    if month > 12 >= day:  # only month-first is valid: 1/21/2022
        day, month = month, day
    return _Found(start, m.end(), day, month, int(m.group("y")), _weekday_of(back))


_MONTH_KEYS = _first_words(_MONTHS)
_ORDINAL_KEYS = _first_words(_ORDINALS)
_VISIBLE_RULES = _index([
    (_ORDINAL_KEYS, _Rule(_ORDINAL_DATE, _BACK_WEEKDAY, _ordinal_date)),
    ([DIGIT], _Rule(_DAY_MONTH_YEAR, _BACK_WEEKDAY, _text_date)),
    (_MONTH_KEYS, _Rule(_MONTH_DAY_YEAR, _BACK_WEEKDAY, _text_date)),
    ([DIGIT], _Rule(_NUMERIC_DMY, _BACK_WEEKDAY, _numeric_date)),
    ([DIGIT], _Rule(_NUMERIC_YMD, _BACK_WEEKDAY, _numeric_date)),
])


def _scan_visible(folded: str, words: set[str] | None = None) -> list[_Found]:
    """All day+month(+year) matches in folded text, overlaps included."""
    return _apply(folded, _VISIBLE_RULES, folded, _words(folded) if words is None else words)


def find_dates(text: str, *, default_year: int | None = None) -> list[tuple[int, int, date]]:
    """Visible dates as ``(start, end, date)`` with offsets into ``text``, in order."""
    folded, offsets = normalize_aligned(text)
    results = []
    for found in _non_overlapping(_scan_visible(folded)):
        value = _safe_date(found.year if found.year is not None else default_year, found.month, found.day)
        if value is None:
            LOGGER.debug("rejected date %r", folded[found.start : found.end])
            continue
        start, end = original_span(offsets, found.start, found.end)
        results.append((start, end, value))
    return results


def parse_arabic_date(text: str, *, default_year: int | None = None) -> date | None:
    """The first visible date in ``text`` ("الجمعة 21 كانون الثاني 2022", "٢١/١/٢٠٢٢"...)."""
    dates = find_dates(text, default_year=default_year)
    return dates[0][2] if dates else None


# --- relative event dates ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    value: date | None  # None: an expression that must not be coded (future day)
    precision: int
    kind: str = ""  # "relative" (اليوم، أمس), "weekday" (a named weekday, alone or before a date)


def _local_day(published: datetime, tz: tzinfo | None) -> date:
    if tz is not None and published.tzinfo is not None:
        published = published.astimezone(tz)
    return published.date()


def _previous_month(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def _mid_month(year: int, month: int, pub: date) -> date:
    return min(date(year, month, MID_MONTH_DAY), pub)


def _days_back(days: int | None) -> Callable[[int, re.Match[str], _Back, date], _Hit]:
    def build(start: int, m: re.Match[str], _back: _Back, pub: date) -> _Hit:
        back = days if days is not None else int(m.group("n"))
        return _Hit(start, m.end(), pub - timedelta(days=back), PRECISION_DAY, "relative" if days is not None else "")
    return build


def _last_weekday(pub: date, weekday: int) -> date:
    """The last ``weekday`` on or before ``pub``."""
    return pub - timedelta(days=(pub.weekday() - weekday) % 7)


def _weekday_hit(start: int, m: re.Match[str], _back: _Back, pub: date) -> _Hit:
    if m.group("future"):
        return _Hit(start, m.end(), None, PRECISION_DAY)
    back = (pub.weekday() - _WEEKDAYS[m.group("wd")]) % 7
    if back == 0 and m.group("past"):
        back = 7  # "الجمعة الماضية" published on a Friday: a week ago
    return _Hit(start, m.end(), pub - timedelta(days=back), PRECISION_DAY, "weekday")


def _day_of_month_hit(start: int, m: re.Match[str], _back: _Back, pub: date) -> _Hit:
    base = _previous_month(pub) if m.group("past") else pub
    day = int(m.group("d")) if "d" in m.groupdict() else _ORDINALS[" ".join(m.group("o").split())]
    value = _safe_date(base.year, base.month, day)
    if value is not None and value > pub:
        value = None  # "يوم 25 الجاري" written on the 21st: not an event date
    return _Hit(start, m.end(), value, PRECISION_DAY)


def _week_hit(start: int, m: re.Match[str], _back: _Back, pub: date) -> _Hit:
    week_start = pub - timedelta(days=(pub.weekday() - _WEEK_START) % 7)
    if m.group("past"):
        week_start -= timedelta(days=7)
    middle = min(week_start + timedelta(days=MID_WEEK_OFFSET), pub)
    return _Hit(start, m.end(), middle, PRECISION_WEEK)


def _month_hit(start: int, m: re.Match[str], back: _Back, pub: date) -> _Hit | None:
    if back is None and not any(m.group(g) for g in ("past", "cur", "this")):
        return None  # a bare "الشهر" / "شهر" is not a date
    base = _previous_month(pub) if m.group("past") else pub
    return _Hit(start, m.end(), _mid_month(base.year, base.month, pub), PRECISION_MONTH)


def _named_month_hit(start: int, m: re.Match[str], back: _Back, pub: date) -> _Hit | None:
    if back is None and not (m.group("y") or m.group("past")):
        return None  # a month name alone ("آذار") is too weak a signal
    month = _month_of(m)
    year = int(m.group("y")) if m.group("y") else pub.year
    if not m.group("y") and (month > pub.month or (m.group("past") and month == pub.month)):
        year -= 1
    if date(year, month, 1) > pub:
        return _Hit(start, m.end(), None, PRECISION_MONTH)
    return _Hit(start, m.end(), _mid_month(year, month, pub), PRECISION_MONTH)


_THIS_KEYS = _first_words(_DATA["this_words"])
_RELATIVE_RULES = _index([
    *[(_first_words(_DATA["relative_days"][days]), _Rule(_RELATIVE[days], None, _days_back(days)))
      for days in (0, 1, 2)],
    (_first_words(_DATA["days_ago_prefixes"]), _Rule(_DAYS_AGO, None, _days_back(None))),
    (_first_words(_WEEKDAYS), _Rule(_WEEKDAY_RE, _BACK_DAY_PART, _weekday_hit)),
    ([DIGIT], _Rule(_DAY_OF_MONTH, _BACK_DAY_PART, _day_of_month_hit)),
    (_ORDINAL_KEYS, _Rule(_ORDINAL_OF_MONTH, _BACK_DAY_PART, _day_of_month_hit)),
    (_THIS_KEYS + _first_words(_DATA["week_words"]), _Rule(_WEEK_RE, _BACK_MONTH_PART, _week_hit)),
    (_THIS_KEYS + _first_words(_DATA["month_words"]), _Rule(_MONTH_RE, _BACK_MONTH_PART, _month_hit)),
    (_MONTH_KEYS, _Rule(_NAMED_MONTH, _BACK_NAMED_MONTH, _named_month_hit)),
])


def _explicit_hits(folded: str, pub: date, words: set[str]) -> list[_Hit]:
    hits = []
    for found in _scan_visible(folded, words):
        value = _safe_date(found.year if found.year is not None else pub.year, found.month, found.day)
        if value is not None and found.year is None and value > pub:
            value = _safe_date(pub.year - 1, found.month, found.day)  # "في 28 كانون الأول" in January
        if value is not None and found.weekday is not None and value.weekday() != found.weekday and (
                found.year is None or abs((pub - value).days) <= WEEKDAY_CONFLICT_DAYS):
            value = _last_weekday(pub, found.weekday)  # "الأحد 6 شباط" on a Thursday the 6th: the Sunday
        if value is not None and value > pub:
            value = None  # announced or future date: not an event date
        hits.append(_Hit(found.start, found.end, value, PRECISION_DAY, "weekday" if found.weekday is not None else ""))
    return hits


def _shifted(hit: _Hit, folded: str, pub: date) -> _Hit:
    """"غداة الجمعة": the day after; "عشية الجمعة": the day before (never after publication)."""
    m = _SHIFT.search(folded, max(0, hit.start - SHIFT_WINDOW), hit.start)
    if m is None or hit.value is None or hit.precision != PRECISION_DAY:
        return hit
    value = min(hit.value + timedelta(days=1), pub) if m.group("after") else hit.value - timedelta(days=1)
    return _Hit(m.start(), hit.end, value, hit.precision, hit.kind)


def _joined(first: _Hit, second: _Hit, folded: str) -> _Hit | None:
    """One expression from two adjacent ones: "أمس الأربعاء" (the weekday wins) or the night of
    "ليل الأربعاء - الخميس" (the first day; the second after midnight)."""
    gap = folded[first.end:second.start]
    if first.kind == "relative" and second.kind == "weekday" and len(gap) <= ADJACENT_GAP \
            and not gap.strip(" ,،"):
        value = second.value if second.value is not None else first.value
        return _Hit(first.start, second.end, value, PRECISION_DAY, "weekday")
    if first.kind == "weekday" and second.kind == "weekday" and folded.startswith("ليل", first.start) \
            and _NIGHT_LINK.fullmatch(gap):
        late = _AFTER_MIDNIGHT.search(folded, max(0, first.start - SHIFT_WINDOW), first.start)
        return _Hit(first.start, second.end, second.value if late else first.value, PRECISION_DAY, "weekday")
    return None


def _combine(hits: list[_Hit], folded: str, pub: date) -> list[_Hit]:
    out: list[_Hit] = []
    for hit in hits:
        joined = _joined(out[-1], hit, folded) if out else None
        if joined is not None:
            out[-1] = joined
        else:
            out.append(hit)
    return [_shifted(hit, folded, pub) for hit in out]


def find_event_dates(text: str, published: datetime, *, tz: tzinfo | None = None) -> list[DateResolution]:
    """Every date expression in ``text`` resolved against ``published``, in text order."""
    folded, offsets = normalize_aligned(text)
    pub = _local_day(published, tz)
    words = _words(folded)
    hits = _non_overlapping(_explicit_hits(folded, pub, words) + _apply(folded, _RELATIVE_RULES, pub, words))
    hits = _combine(hits, folded, pub)
    results = []
    for hit in hits:
        if hit.value is None:
            continue
        start, end = original_span(offsets, hit.start, hit.end)
        results.append(DateResolution(hit.value, hit.precision, text[start:end], start, end))
    return results


def resolve_event_date(text: str, published: datetime, *, tz: tzinfo | None = None) -> DateResolution | None:
    """The first event date expression in ``text`` (see ``find_event_dates``), or None."""
    found = find_event_dates(text, published, tz=tz)
    return found[0] if found else None


# --- dates in URLs -------------------------------------------------------------------------
_URL_DATES = [
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[/_-](?P<m>\d{1,2})[/_-](?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<![\d])(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?![\d])"),
]


def date_from_url(url: str) -> date | None:
    """A publication date encoded in a URL path or query; never a bare year or a numeric id."""
    for pattern in _URL_DATES:
        for m in pattern.finditer(url):
            value = _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            if value is not None:
                return value
    return None

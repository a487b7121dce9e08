"""Unit tests for etl.arabic.dates: visible dates, relative event dates, URL dates."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from etl.arabic.dates import (
    DateResolution,
    date_from_url,
    find_dates,
    find_event_dates,
    parse_arabic_date,
    resolve_event_date,
)

DAMASCUS = ZoneInfo("Asia/Damascus")
UTC2 = timezone(timedelta(hours=2))
# Friday 2022-01-21 14:05 Damascus time (UTC+2 in winter 2022).
PUB = datetime(2022, 1, 21, 14, 5, tzinfo=UTC2)
JAN21 = date(2022, 1, 21)

# --- visible dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "الجمعة 21 كانون الثاني 2022",
        "الجمعة، 21 كانون الثاني 2022",
        "يوم الجمعة الموافق 21 كانون الثاني 2022",
        "٢١ كانون الثاني ٢٠٢٢",
        "21 كانون ثاني 2022",
        "21 يناير 2022",
        "٢١ يناير ٢٠٢٢",
        "21 جانفي 2022",
        "٢١/١/٢٠٢٢",
        "21/01/2022",
        "21.01.2022",
        "21-01-2022",
        "2022-01-21",
        "2022/01/21",
        "٢٠٢٢-٠١-٢١",
        "كانون الثاني 21، 2022",
        "يناير 21, 2022",
        "21 (يناير) كانون الثاني 2022",
        "21 كانون الثاني (يناير) 2022",
        "21 كانون الثاني/يناير 2022",
        "21 من كانون الثاني من عام 2022",
        "21 كانونَ الثانيِ 2022",  # diacritics
        "1/21/2022",  # only month-first is valid
    ],
)
def test_parse_january_21(text: str) -> None:
    assert parse_arabic_date(text) == JAN21


@pytest.mark.parametrize(
    ("levantine", "standard", "month"),
    [
        ("كانون الثاني", "يناير", 1),
        ("شباط", "فبراير", 2),
        ("آذار", "مارس", 3),
        ("نيسان", "أبريل", 4),
        ("نيسان", "ابريل", 4),
        ("أيار", "مايو", 5),
        ("حزيران", "يونيو", 6),
        ("حزيران", "يونيه", 6),
        ("تموز", "يوليو", 7),
        ("تموز", "يوليه", 7),
        ("آب", "أغسطس", 8),
        ("آب", "اغسطس", 8),
        ("أيلول", "سبتمبر", 9),
        ("تشرين الأول", "أكتوبر", 10),
        ("تشرين الثاني", "نوفمبر", 11),
        ("كانون الأول", "ديسمبر", 12),
    ],
)
def test_both_month_systems(levantine: str, standard: str, month: int) -> None:
    expected = date(2021, month, 3)
    assert parse_arabic_date(f"3 {levantine} 2021") == expected
    assert parse_arabic_date(f"٣ {standard} ٢٠٢١") == expected
    assert parse_arabic_date(f"3 ({standard}) {levantine} 2021") == expected


def test_find_dates_offsets_point_into_original() -> None:
    text = "نُشر في ٢١ كانونَ الثاني ٢٠٢٢ وحُدّث في 2022-01-22."
    found = find_dates(text)
    assert [d for _, _, d in found] == [JAN21, date(2022, 1, 22)]
    assert text[found[0][0] : found[0][1]] == "٢١ كانونَ الثاني ٢٠٢٢"
    assert text[found[1][0] : found[1][1]] == "2022-01-22"


def test_weekday_prefix_is_part_of_span() -> None:
    text = "حدث ذلك الجمعة 21 كانون الثاني 2022 في حلب"
    (start, end, value), = find_dates(text)
    assert text[start:end] == "الجمعة 21 كانون الثاني 2022" and value == JAN21


@pytest.mark.parametrize(
    "text",
    [
        "© 2024 أورينت نت",
        "جميع الحقوق محفوظة 2023",
        "جميع الحقوق محفوظة © 21/01/2023",
        "Copyright 2022-01-21 Enab Baladi",
        "حقوق النشر 1 كانون الثاني 2022",
        "عام 2022",
        "2022",
        "في 2011 اندلعت الثورة",
        "الخبر رقم 195432",
        "31 شباط 2022",
        "30/02/2022",
        "32/01/2022",
        "21/13/2022",
        "0 كانون الثاني 2022",
        "21 كانون الثاني 1850",
        "10.5 بالمئة",
        "",
    ],
)
def test_rejected_dates(text: str) -> None:
    assert find_dates(text) == []
    assert parse_arabic_date(text) is None


def test_copyright_only_affects_its_own_line() -> None:
    text = "جميع الحقوق محفوظة © 2024\n21 كانون الثاني 2022"
    assert [d for _, _, d in find_dates(text)] == [JAN21]


def test_default_year_for_day_month() -> None:
    assert parse_arabic_date("في 21 كانون الثاني") is None
    assert parse_arabic_date("في 21 كانون الثاني", default_year=2022) == JAN21
    assert parse_arabic_date("29 شباط", default_year=2022) is None
    assert parse_arabic_date("29 شباط", default_year=2024) == date(2024, 2, 29)


def test_several_dates_in_order() -> None:
    text = "بين 20 كانون الثاني 2022 و٢٢ يناير ٢٠٢٢ ثم 23/1/2022"
    assert [d for _, _, d in find_dates(text)] == [date(2022, 1, 20), date(2022, 1, 22), date(2022, 1, 23)]


# --- relative event dates ------------------------------------------------------------------


def _resolve(text: str, published: datetime = PUB) -> tuple[date, int]:
    found = resolve_event_date(text, published)
    assert found is not None, text
    return found.date, found.time_precision


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قتل شاب اليوم في درعا", date(2022, 1, 21)),
        ("صباح اليوم", date(2022, 1, 21)),
        ("مساء اليوم الجمعة", date(2022, 1, 21)),
        ("فجر اليوم", date(2022, 1, 21)),
        ("واليوم قصفت القوات", date(2022, 1, 21)),
        ("أمس", date(2022, 1, 20)),
        ("يوم أمس", date(2022, 1, 20)),
        ("قتل أمسِ", date(2022, 1, 20)),
        ("البارحة", date(2022, 1, 20)),
        ("ليلة أمس", date(2022, 1, 20)),
        ("مساء أمس", date(2022, 1, 20)),
        ("الليلة الماضية", date(2022, 1, 20)),
        ("بالأمس", date(2022, 1, 20)),
        ("وأمس", date(2022, 1, 20)),
        ("أول أمس", date(2022, 1, 19)),
        ("أول من أمس", date(2022, 1, 19)),
        ("أمس الأول", date(2022, 1, 19)),
        ("منذ ليلة أول أمس", date(2022, 1, 19)),
        ("قبل يومين", date(2022, 1, 19)),
        ("قبل 3 أيام", date(2022, 1, 18)),
        ("منذ ٤ أيام", date(2022, 1, 17)),
        ("يوم الجمعة", date(2022, 1, 21)),  # published on a Friday: on or before
        ("الجمعة", date(2022, 1, 21)),
        ("الجمعة الماضية", date(2022, 1, 14)),  # strictly before
        ("يوم الجمعة الماضي", date(2022, 1, 14)),
        ("الخميس", date(2022, 1, 20)),
        ("مساء الخميس", date(2022, 1, 20)),
        ("السبت الفائت", date(2022, 1, 15)),
        ("السبت", date(2022, 1, 15)),
        ("الأحد", date(2022, 1, 16)),
        ("الاثنين الماضي", date(2022, 1, 17)),
        ("الثلاثاء", date(2022, 1, 18)),
        ("الأربعاء المنصرم", date(2022, 1, 19)),
        ("في 21 كانون الثاني", date(2022, 1, 21)),
        ("في 20 يناير", date(2022, 1, 20)),
        ("في 28 كانون الأول", date(2021, 12, 28)),  # never in the future: last year
        ("يوم 19 من الشهر الجاري", date(2022, 1, 19)),
        ("في 21 الجاري", date(2022, 1, 21)),
        ("يوم 30 من الشهر الماضي", date(2021, 12, 30)),
        ("يوم 20 كانون الثاني 2022", date(2022, 1, 20)),
        ("الجمعة 21 كانون الثاني 2022", date(2022, 1, 21)),
    ],
)
def test_day_expressions(text: str, expected: date) -> None:
    assert _resolve(text) == (expected, 1)


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("الأسبوع الماضي", date(2022, 1, 11), 2),  # last Sat..Fri week 8-14 Jan: its Tuesday
        ("خلال الأسبوع الفائت", date(2022, 1, 11), 2),
        ("هذا الأسبوع", date(2022, 1, 18), 2),
        ("الأسبوع الجاري", date(2022, 1, 18), 2),
        ("الشهر الماضي", date(2021, 12, 15), 3),
        ("أواخر الشهر الماضي", date(2021, 12, 15), 3),
        ("مطلع الشهر", date(2022, 1, 15), 3),
        ("مطلع الشهر الجاري", date(2022, 1, 15), 3),
        ("خلال هذا الشهر", date(2022, 1, 15), 3),
        ("خلال الشهر", date(2022, 1, 15), 3),
        ("منتصف شهر كانون الأول الماضي", date(2021, 12, 15), 3),
        ("مطلع كانون الثاني", date(2022, 1, 15), 3),
        ("في تشرين الثاني 2021", date(2021, 11, 15), 3),
    ],
)
def test_week_and_month_expressions(text: str, expected: date, precision: int) -> None:
    assert _resolve(text) == (expected, precision)


def test_month_precision_never_after_publication() -> None:
    early = datetime(2022, 1, 3, 9, 0, tzinfo=UTC2)
    assert _resolve("مطلع الشهر", early) == (date(2022, 1, 3), 3)
    assert _resolve("الأسبوع الجاري", early) == (date(2022, 1, 3), 2)


@pytest.mark.parametrize(
    "text",
    [
        "اليوم التالي",
        "الأحد المقبل",
        "يوم الجمعة القادمة",
        "يوم 25 من الشهر الجاري",  # after publication
        "في 21 كانون الثاني 2023",  # explicit future date
        "الشهر",  # no qualifier
        "قتل في شهر واحد",
        "آذار",  # a month name alone
        "لا تاريخ هنا",
        "",
    ],
)
def test_not_event_dates(text: str) -> None:
    assert resolve_event_date(text, PUB) is None


def test_resolution_offsets_and_expression() -> None:
    text = "قُتل شابٌ مساءَ أمسِ في ريف درعا"
    found = resolve_event_date(text, PUB)
    assert found == DateResolution(date(2022, 1, 20), 1, "مساءَ أمسِ", 10, 20)
    assert text[found.start : found.end] == found.expression


def test_multiple_expressions_in_order() -> None:
    text = "قصفت القوات البلدة أول أمس، ثم اندلعت اشتباكات يوم الخميس، وتجدد القصف صباح اليوم."
    found = find_event_dates(text, PUB)
    assert [(r.date, r.expression) for r in found] == [
        (date(2022, 1, 19), "أول أمس"),
        (date(2022, 1, 20), "يوم الخميس"),
        (date(2022, 1, 21), "صباح اليوم"),
    ]
    assert [r.start for r in found] == sorted(r.start for r in found)


def test_published_just_after_midnight() -> None:
    pub = datetime(2022, 1, 21, 0, 20, tzinfo=UTC2)
    assert _resolve("ليلة أمس", pub) == (date(2022, 1, 20), 1)
    assert _resolve("مساء أمس", pub) == (date(2022, 1, 20), 1)
    assert _resolve("فجر اليوم", pub) == (date(2022, 1, 21), 1)
    assert _resolve("أول أمس", pub) == (date(2022, 1, 19), 1)


def test_publication_timezone_winter_2022() -> None:
    # 22:10 UTC on the 20th is 00:10 on the 21st in Damascus (UTC+2 in January 2022).
    pub_utc = datetime(2022, 1, 20, 22, 10, tzinfo=UTC)
    assert _resolve("أمس", pub_utc) == (date(2022, 1, 19), 1)  # its own timezone: UTC
    found = resolve_event_date("أمس", pub_utc, tz=DAMASCUS)
    assert found is not None and found.date == date(2022, 1, 20)
    assert resolve_event_date("اليوم", pub_utc.astimezone(DAMASCUS)).date == date(2022, 1, 21)


def test_publication_timezone_after_permanent_utc3() -> None:
    # Damascus stays on UTC+3 from late 2022: 21:30 UTC on 14 Dec 2022 is already the 15th.
    pub_utc = datetime(2022, 12, 14, 21, 30, tzinfo=UTC)
    assert pub_utc.astimezone(DAMASCUS).utcoffset() == timedelta(hours=3)
    assert resolve_event_date("اليوم", pub_utc, tz=DAMASCUS).date == date(2022, 12, 15)
    assert resolve_event_date("أمس", pub_utc, tz=DAMASCUS).date == date(2022, 12, 14)
    # 20:30 UTC in January 2022 (UTC+2) is still the same day in Damascus.
    winter = datetime(2022, 1, 14, 21, 30, tzinfo=UTC)
    assert resolve_event_date("اليوم", winter, tz=DAMASCUS).date == date(2022, 1, 14)


def test_naive_publication_is_taken_as_local() -> None:
    assert _resolve("أمس", datetime(2022, 1, 21, 8, 0)) == (date(2022, 1, 20), 1)


# --- URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.enabbaladi.net/archives/2022/01/21/some-slug/", date(2022, 1, 21)),
        ("https://syria.tv/2022/1/21/x", date(2022, 1, 21)),
        ("https://npasyria.com/20220121/slug", date(2022, 1, 21)),
        ("https://example.sy/news?date=2022-01-21&id=5", date(2022, 1, 21)),
        ("https://example.sy/2022_01_21_report.html", date(2022, 1, 21)),
        ("https://orient-news.net/news/195432/slug", None),
        ("https://orient-news.net/ar/news_show/2022/", None),
        ("https://example.sy/2022/01/", None),
        ("https://example.sy/2022/13/45/", None),
        ("https://example.sy/p/12345678", None),
        ("", None),
    ],
)
def test_date_from_url(url: str, expected: date | None) -> None:
    assert date_from_url(url) == expected


def test_qualifier_before_keyword_is_part_of_expression() -> None:
    text = "وقع الهجوم ومساء الخميس الماضي ثم في مطلع الشهر الماضي"
    found = find_event_dates(text, PUB)
    assert [(r.expression, r.date, r.time_precision) for r in found] == [
        ("ومساء الخميس الماضي", date(2022, 1, 20), 1),
        ("مطلع الشهر الماضي", date(2021, 12, 15), 3),
    ]


def test_glued_conjunction_and_words_containing_keywords() -> None:
    assert _resolve("والجمعة") == (date(2022, 1, 21), 1)
    assert resolve_event_date("الأمسية الثقافية واليومية", PUB) is None
    assert find_dates("و٢٢ يناير ٢٠٢٢")[0][2] == date(2022, 1, 22)


# --- forms met in real copy (weekday conflicts, ordinal days, adjacent expressions) -----------
# PUB is Friday 2022-01-21.


def _dates(text: str, published: datetime = PUB) -> list[tuple[date, str]]:
    return [(d.date, d.expression.strip()) for d in find_event_dates(text, published)]


@pytest.mark.parametrize(("text", "expected"), [
    ("الخامس من كانون الثاني", date(2022, 1, 5)),
    ("في الحادي والعشرين من كانون الثاني 2022", date(2022, 1, 21)),
    ("الثاني عشر من الشهر الجاري", date(2022, 1, 12)),
    ("الثالث من الشهر الماضي", date(2021, 12, 3)),
    ("الحادي والثلاثين من كانون الأول", date(2021, 12, 31)),  # no year, later than PUB: last year
])
def test_ordinal_days(text: str, expected: date) -> None:
    assert _dates(text)[0][0] == expected


def test_weekday_wins_over_a_contradicting_day_of_month() -> None:
    # 16 January 2022 was a Sunday: agreement keeps the date; "الأحد 18" contradicts it.
    assert _dates("الأحد 16 كانون الثاني")[0][0] == date(2022, 1, 16)
    assert _dates("يوم الأحد 18 من كانون الثاني")[0][0] == date(2022, 1, 16)
    # An old dated year is not overruled by its weekday.
    assert _dates("الأحد 6 شباط 2011")[0][0] == date(2011, 2, 6)


def test_relative_day_and_weekday_are_one_expression_and_the_weekday_wins() -> None:
    assert _dates("قصفت الطائرات أمس الخميس 19 كانون الثاني بلدة سرمين") == [
        (date(2022, 1, 20), "أمس الخميس 19 كانون الثاني")]
    # written on Thursday, published on Friday: "أمس الأربعاء" is Wednesday, not Thursday
    assert _dates("قصفت الطائرات أمس الأربعاء بلدة سرمين") == [(date(2022, 1, 19), "أمس الأربعاء")]
    assert _dates("فجر اليوم الجمعة") == [(JAN21, "فجر اليوم الجمعة")]


def test_night_spanning_two_days_and_day_after_or_before() -> None:
    assert _dates("ليل الأربعاء - الخميس") == [(date(2022, 1, 19), "ليل الأربعاء - الخميس")]
    assert _dates("بعد منتصف ليل الأربعاء - الخميس")[0][0] == date(2022, 1, 20)
    assert _dates("غداة يوم الأربعاء")[0][0] == date(2022, 1, 20)
    assert _dates("عشية الخميس")[0][0] == date(2022, 1, 19)
    assert _dates("غداة يوم الجمعة")[0][0] == JAN21  # never after publication


def test_year_comes_from_the_publication() -> None:
    assert _dates("الأحد 6 من شباط", datetime(2022, 2, 8, 12, tzinfo=UTC2))[0][0] == date(2022, 2, 6)
    assert _dates("في 28 كانون الأول", PUB)[0][0] == date(2021, 12, 28)

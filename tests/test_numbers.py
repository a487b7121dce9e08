"""Unit tests for etl.arabic.numbers: digits, number words, duals, singulars, ACLED vague rules."""

import pytest

from etl.arabic.numbers import Count, find_counts, parse_count


def _c(value: int, exact: bool, kind: str) -> Count:
    return Count(value, exact, kind)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("مقتل 5 عناصر", 5),
        ("مقتل ٧ مدنيين", 7),
        ("مقتل ۱۲ شخصاً", 12),
        ("مقتل 1,200 شخص", 1200),
        ("3 آلاف نازح", 3000),
        ("عدد القتلى 5", 5),
    ],
)
def test_digits(text: str, value: int) -> None:
    assert parse_count(text) == _c(value, True, "number")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("مقتل واحد", 1),
        ("مقتل اثنين", 2),
        ("قتل اثنان", 2),
        ("اثنتان من النساء", 2),
        ("ثلاثة عناصر", 3),
        ("ثلاث نساء", 3),
        ("أربعة", 4),
        ("خمس", 5),
        ("ستة", 6),
        ("سبع", 7),
        ("ثمانية", 8),
        ("ثماني نساء", 8),
        ("تسعة", 9),
        ("عشرة عناصر", 10),
        ("عشر نساء", 10),
        ("أحد عشر عنصراً", 11),
        ("إحدى عشرة امرأة", 11),
        ("اثنا عشر", 12),
        ("اثني عشر مدنياً", 12),
        ("اثنتي عشرة", 12),
        ("ثلاثة عشر", 13),
        ("ثلاث عشرة", 13),
        ("تسعة عشر", 19),
        ("تسع عشرة", 19),
        ("عشرون", 20),
        ("عشرين", 20),
        ("ثلاثين", 30),
        ("أربعون", 40),
        ("تسعين", 90),
        ("خمسة وعشرين مدنياً", 25),
        ("خمسة و عشرين", 25),
        ("ثلاث وثلاثون", 33),
        ("مئة", 100),
        ("مائة", 100),
        ("مئتان", 200),
        ("مائتين", 200),
        ("ثلاثمائة", 300),
        ("ثلاث مئة", 300),
        ("مئة وخمسة وعشرين", 125),
        ("ألف", 1000),
        ("ألفين", 2000),
        ("ألف ومئتين", 1200),
        ("ثلاثة آلاف وخمسمئة", 3500),
        ("مقتل أحد العناصر", 1),
        ("وخمسة عناصر", 5),
        ("بثلاثة صواريخ", 3),
        ("مقتلُ خمسةِ عناصرَ", 5),  # diacritics
    ],
)
def test_number_words(text: str, value: int) -> None:
    assert parse_count(text) == _c(value, True, "word")


def test_words_do_not_combine_out_of_order() -> None:
    assert find_counts("مقتل خمسة وسبعة") == [(5, 9, _c(5, True, "word")), (10, 15, _c(7, True, "word"))]
    assert parse_count("ثلاثة عشر وعشرين") == _c(13, True, "word")


@pytest.mark.parametrize(
    "text",
    ["مقتل عنصرين", "مقتل عنصران", "شخصين", "طفلين", "الطفلين", "جنديين", "مقاتلَين", "مدنيَّين",
     "امرأتين", "شابين", "وطفلان", "عنصرين اثنين"],
)
def test_duals(text: str) -> None:
    assert parse_count(text) == _c(2, True, "dual")


@pytest.mark.parametrize("text", ["مقتل مقاتلين", "مقتل مدنيين", "مقتل مدنيِّين", "سقوط قتلى", "إصابة أشخاص"])
def test_unvocalised_or_plural_is_acled_plural(text: str) -> None:
    assert parse_count(text) == _c(3, False, "vague")


@pytest.mark.parametrize(
    "text", ["مقتل شاب", "مقتل امرأة واحدة", "مقتل عنصر", "قتل شاباً", "مقتل طفلة", "مقتل امرأة", "مقتل مدني", "وجندي", "مقتل عنصر من قسد"],
)
def test_singular_indefinite(text: str) -> None:
    assert parse_count(text) == _c(1, True, "singular")


def test_definite_singular_or_plural_is_not_a_count() -> None:
    assert parse_count("مقتل الشاب") is None
    assert parse_count("دفن القتلى") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("عشرات القتلى", 10),
        ("العشرات", 10),
        ("عشرات من المدنيين", 10),
        ("مئات الضحايا", 100),
        ("المئات", 100),
        ("آلاف النازحين", 1000),
        ("عدد من العناصر", 3),
        ("عدد قليل من", 3),
        ("عدة أشخاص", 3),
        ("بضعة عناصر", 3),
        ("بضع نساء", 3),
        ("بعض المدنيين", 3),
        ("العديد من القتلى", 10),
        ("الكثير من الضحايا", 10),
        ("عدد كبير من القتلى", 10),
    ],
)
def test_vague(text: str, value: int) -> None:
    assert parse_count(text) == _c(value, False, "vague")


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("أكثر من 40 قتيلاً", 40, "number"),
        ("ما يزيد عن 40", 40, "number"),
        ("ما يزيد على 40", 40, "number"),
        ("نحو 40", 40, "number"),
        ("قرابة 40", 40, "number"),
        ("حوالي 40", 40, "number"),
        ("زهاء ٤٠", 40, "number"),
        ("ما لا يقل عن 12", 12, "number"),
        ("أكثر من عشرة", 10, "word"),
        ("نحو عشرين عنصراً", 20, "word"),
        ("بين 5 و7", 5, "number"),
        ("بين 5 و 7 قتلى", 5, "number"),
        ("بين 7 و5", 5, "number"),  # ACLED: the lowest figure
        ("5 إلى 7", 5, "number"),
        ("من 5 إلى 7 عناصر", 5, "number"),
        ("5 أو 6 أشخاص", 5, "number"),
        ("5-7", 5, "number"),
        ("7-5", 5, "number"),
        ("بين خمسة وسبعة", 5, "word"),
        ("خمسة إلى سبعة", 5, "word"),
    ],
)
def test_approximate_and_ranges(text: str, value: int, kind: str) -> None:
    assert parse_count(text) == _c(value, False, kind)


@pytest.mark.parametrize(
    "text",
    ["عام 2022", "على بعد 5 كم", "نسبة 50%", "21/01/2022", "الساعة 10:30", "3.5", "رقم 7",
     "لم يصب أحد بأذى", "يوم الأحد", "قصف بـ 3 قذائف", "منذ 3 أيام", "", "قصف مدفعي"],
)
def test_not_counts(text: str) -> None:
    assert parse_count(text) is None


def test_first_count_wins_and_plural_is_fallback() -> None:
    assert parse_count("مقتل شاب وإصابة 5 آخرين") == _c(1, True, "singular")
    assert parse_count("ارتفعت حصيلة ضحايا القصف إلى 12") == _c(12, True, "number")


def test_find_counts_spans() -> None:
    text = "مقتل ثلاثة عناصر وإصابة عشرات المدنيين، ونحو ٤٠ جريحاً"
    found = find_counts(text)
    assert [c for _, _, c in found] == [_c(3, True, "word"), _c(10, False, "vague"), _c(40, False, "number")]
    assert [text[s:e] for s, e, _ in found] == ["ثلاثة عناصر", "عشرات المدنيين", "ونحو ٤٠"]

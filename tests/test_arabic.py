"""Unit tests for etl.arabic.text: normaliser options, tokens, clitics, sentence splitting."""

import pytest

from etl.arabic import (
    clitic_variants,
    normalize,
    normalize_aligned,
    original_span,
    split_sentences,
    split_sentences_with_spans,
    strip_clitics,
    strip_marks,
    to_ascii_digits,
    tokens,
)

# --- normalize: defaults -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أحمد", "احمد"),
        ("إدلب", "ادلب"),
        ("آذار", "اذار"),
        ("ٱلله", "الله"),
        ("قرية", "قريه"),
        ("مستشفى", "مستشفي"),
        ("مَدْرَسَةٌ", "مدرسه"),
        ("شَدَّة", "شده"),
        ("الـــمـدرسة", "المدرسه"),
        ("هٰذا", "هذا"),
        ("٢٠٢٢", "2022"),
        ("۱۲۳", "123"),
        ("  دير   الزور \n\t ريف  ", "دير الزور ريف"),
        ("د\u200bي\u200cر\u200d \u200e\u200fالزور\ufeff\u061c", "دير الزور"),
        ("\u202bحلب\u202c \u2067حماة\u2069", "حلب حماه"),
        ("مسؤول رئيس", "مسؤول رئيس"),  # hamza seats kept by default
        ("قال، هل؟ نعم؛ ٣٫٥", "قال، هل؟ نعم؛ 3٫5"),  # punctuation kept by default
        ("\ufefb\ufe8d", "لاا"),  # presentation forms via NFKC
        ("ڪ", "ڪ"),  # unrelated letters untouched
        ("کتیبه", "كتيبه"),  # Persian kaf/yeh
        ("", ""),
    ],
)
def test_normalize_defaults(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_is_idempotent() -> None:
    text = "قُتِلَ أَرْبَعَةُ عَنَاصِرَ في إدلبَ، يوم ٢١ كانون الثاني"
    once = normalize(text)
    assert normalize(once) == once
    assert once == "قتل اربعه عناصر في ادلب، يوم 21 كانون الثاني"


# --- normalize: each option ----------------------------------------------------------------


def test_option_fold_alef_off() -> None:
    assert normalize("أإآٱا", fold_alef=False) == "أإآٱا"


def test_option_fold_hamza_seats_on() -> None:
    assert normalize("مسؤول رئيس", fold_hamza_seats=True) == "مسوول رييس"


def test_option_fold_ta_marbuta_off() -> None:
    assert normalize("قرية", fold_ta_marbuta=False) == "قرية"


def test_option_fold_alef_maqsura_off() -> None:
    assert normalize("مستشفى", fold_alef_maqsura=False) == "مستشفى"


def test_option_fold_variants_off() -> None:
    assert normalize("کی", fold_variants=False) == "کی"


def test_option_strip_diacritics_off_keeps_harakat_and_tatweel() -> None:
    assert normalize("مَدْرَسَـة", strip_diacritics=False) == "مَدْرَسَـه"


def test_option_digits_off() -> None:
    assert normalize("٢١ ۱", digits=False) == "٢١ ۱"


def test_option_punctuation_on() -> None:
    assert normalize("قال، هل؟ نعم؛ ٣٫٥ و١٬٠٠٠ ٥٪", punctuation=True) == "قال, هل? نعم; 3.5 و1,000 5%"


def test_option_strip_marks_off() -> None:
    assert normalize("حلب\u200f", strip_marks=False) == "حلب\u200f"


def test_option_collapse_space_off() -> None:
    assert normalize(" أ\n\nب ", collapse_space=False) == " ا\n\nب "


def test_option_compat_off() -> None:
    assert normalize("\ufefb", compat=False) == "\ufefb"
    assert normalize("a\u00a0b") == "a b"


def test_all_options_off_is_identity_except_space() -> None:
    raw = "أَ ة ى ٢ ، \u200f"
    out = normalize(
        raw, fold_alef=False, fold_ta_marbuta=False, fold_alef_maqsura=False, fold_variants=False,
        strip_diacritics=False, digits=False, strip_marks=False, compat=False, collapse_space=False,
    )
    assert out == raw


# --- small helpers -------------------------------------------------------------------------


def test_to_ascii_digits() -> None:
    assert to_ascii_digits("٢١/١/٢٠٢٢ و۳") == "21/1/2022 و3"
    assert to_ascii_digits("أحمد") == "أحمد"


def test_strip_marks_only_removes_controls() -> None:
    assert strip_marks("\u200fأَحمد\u200b\u2066") == "أَحمد"


def test_tokens() -> None:
    assert tokens("قال د. أحمد، إن ٣٫٥ بالمئة قُتلوا؟ وبلدة (الباب)") == [
        "قال", "د", "احمد", "ان", "3.5", "بالمئه", "قتلوا", "وبلده", "الباب",
    ]
    assert tokens("21/01/2022 F16") == ["21/01/2022", "F16"]
    assert tokens("") == []


def test_normalize_aligned_maps_offsets() -> None:
    raw = "أَمْسِ \u200fالجمعة ٢١"
    folded, offsets = normalize_aligned(raw)
    assert folded == "امس الجمعه 21"
    assert len(offsets) == len(folded) + 1
    start = folded.index("الجمعه")
    s, e = original_span(offsets, start, start + len("الجمعه"))
    assert raw[s:e] == "الجمعة"
    assert normalize_aligned("abc") == ("abc", [0, 1, 2, 3])


# --- clitics -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "stem"),
    [
        ("وبلدة", "بلده"),
        ("بقصف", "قصف"),
        ("للنظام", "نظام"),
        ("والحسكة", "حسكه"),
        ("بالقصف", "قصف"),
        ("وبالقصف", "قصف"),
        ("فالقوات", "قوات"),
        ("كالعادة", "عاده"),
        ("وقصف", "قصف"),
        ("فقتل", "قتل"),
        ("ولقوات", "قوات"),
        ("السد", "سد"),  # article: 2 letters may remain
        ("بلدة", "بلده"),  # exception list
        ("وزير", "وزير"),
        ("كفرنبل", "كفرنبل"),  # exception prefix
        ("بيت", "بيت"),
        ("ولد", "ولد"),  # 1-letter clitic needs 3 letters left
        ("بر", "بر"),
        ("ال", "ال"),
        ("حلب", "حلب"),
        ("", ""),
    ],
)
def test_strip_clitics(token: str, stem: str) -> None:
    assert strip_clitics(token) == stem


def test_clitic_variants_order() -> None:
    assert clitic_variants("وبقصف") == ["وبقصف", "بقصف", "قصف"]
    assert clitic_variants("وبلدة") == ["وبلده", "بلده"]
    assert clitic_variants("حلب") == ["حلب"]


# --- sentence splitting --------------------------------------------------------------------


def test_split_basic_terminators() -> None:
    text = "قتل شاب. هل انتهى؟ نعم! لا؛ ربما? أخيرا"
    assert split_sentences(text) == ["قتل شاب.", "هل انتهى؟", "نعم!", "لا؛", "ربما?", "أخيرا"]


def test_split_decimals_and_dates() -> None:
    text = "بلغت النسبة 3.5 بالمئة و٣٫٥ أيضاً و٣.٥ كذلك في 21.01.2022 الساعة 10.30. ثم انتهى."
    assert split_sentences(text) == [
        "بلغت النسبة 3.5 بالمئة و٣٫٥ أيضاً و٣.٥ كذلك في 21.01.2022 الساعة 10.30.",
        "ثم انتهى.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "قال د. محمد الأحمد إن الوضع صعب.",
        "يبعد الموقع 500 م. عن الطريق الرئيسي.",
        "بنيت القلعة عام 300 ق.م. على التل.",
        "توفي عام 1443 هـ. في دمشق.",
        "للمراسلة ص.ب. 1234 دمشق.",
        "حاضر أ. سامر في الجامعة.",
        "حاضر أ.د. سامر في الجامعة.",
        "التقى J. Smith مع Dr. Brown في المدينة.",
        "وصلت القوات إلخ. من المعدات.",
    ],
)
def test_split_abbreviations_do_not_split(text: str) -> None:
    assert split_sentences(text) == [text]


def test_split_initials_and_ellipsis() -> None:
    text = "قال م. ع. الخالد... ثم سكت… وانصرف. انتهى"
    assert split_sentences(text) == ["قال م. ع. الخالد... ثم سكت… وانصرف.", "انتهى"]


def test_split_quotes_and_brackets_close_after_stop() -> None:
    text = 'قال القائد: "لن نتراجع." وأضاف: «سنبقى هنا.» (وهذا مؤكد.) ثم غادر.'
    assert split_sentences(text) == [
        'قال القائد: "لن نتراجع."',
        "وأضاف: «سنبقى هنا.»",
        "(وهذا مؤكد.)",
        "ثم غادر.",
    ]


def test_split_urls_and_emails() -> None:
    text = "نشر الخبر على https://orient-news.net/news/1.html?id=2 اليوم. راسلونا على info@npasyria.com. وتابعوا www.syria.tv."
    assert split_sentences(text) == [
        "نشر الخبر على https://orient-news.net/news/1.html?id=2 اليوم.",
        "راسلونا على info@npasyria.com.",
        "وتابعوا www.syria.tv.",
    ]


def test_split_newlines_and_paragraphs() -> None:
    text = "العنوان الرئيسي\nالسطر الثاني بلا نقطة\n\n  الفقرة الثانية. وجملة أخرى  \n\n\n"
    assert split_sentences(text) == [
        "العنوان الرئيسي", "السطر الثاني بلا نقطة", "الفقرة الثانية.", "وجملة أخرى",
    ]


def test_split_numbered_list_and_glued_stop() -> None:
    text = "1. مقتل شاب في درعا\n2. قصف على إدلب.انتهى التقرير.وقال المراسل"
    assert split_sentences(text) == [
        "1. مقتل شاب في درعا", "2. قصف على إدلب.", "انتهى التقرير.", "وقال المراسل",
    ]


def test_split_repeated_marks_stay_together() -> None:
    assert split_sentences("حقا؟! نعم!! انتهى") == ["حقا؟!", "نعم!!", "انتهى"]


def test_split_empty_and_blank() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n . ") == ["."]
    assert split_sentences_with_spans("") == []


def test_spans_match_text() -> None:
    text = '  قال د. أحمد: "قُتل 3.5 شخص."  ثم؟\n\nانتهى'
    spans = split_sentences_with_spans(text)
    assert [s for _, _, s in spans] == ['قال د. أحمد: "قُتل 3.5 شخص."', "ثم؟", "انتهى"]
    for start, end, sentence in spans:
        assert text[start:end] == sentence
    assert spans[0][0] == 2


def test_split_thirty_sentence_paragraph() -> None:
    enders = [".", "؟", "!", "؛", "."]
    sentences = []
    for i in range(30):
        middle = f"في {i}.5 كم جنوب القرية" if i % 3 == 0 else "قرب قرية د. سالم"
        sentences.append(f"الجملة رقم {i + 1} {middle} حيث قتل شاب{enders[i % len(enders)]}")
    paragraph = " ".join(sentences)
    result = split_sentences(paragraph)
    assert len(result) == 30
    assert result == sentences


def test_original_span_keeps_trailing_diacritics() -> None:
    raw = "مساءَ أمسِ في"
    folded, offsets = normalize_aligned(raw)
    start = folded.index("امس")
    assert raw[slice(*original_span(offsets, start, start + 3))] == "أمسِ"
    assert original_span(offsets, 2, 2) == (2, 2)

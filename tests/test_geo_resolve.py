"""Toponym resolution in sentences (etl.geo.resolve.find_places) against the shipped gazetteer."""

from __future__ import annotations

import pytest

from etl.arabic import normalize
from etl.geo.resolve import PlaceMention, find_places
from etl.geo.sources import in_syria


def _one(sentence: str, **kwargs) -> PlaceMention:
    mentions = [m for m in find_places(sentence, **kwargs) if m.relation != "origin"]
    assert len(mentions) == 1, mentions
    return mentions[0]


def _facts(m: PlaceMention) -> tuple:
    return (m.admin1_pcode, m.location, m.geo_precision, m.resolved, m.relation)


def test_countryside_of_governorate_is_region_precision_3() -> None:
    m = _one("اشتباكات بين داعش وقسد في ريف دير الزور الشرقي")
    assert _facts(m) == ("SY09", "Deir-ez-Zor", 3, True, "region")
    assert m.place.level == 1 and m.admin1 == "Deir-ez-Zor"
    assert (m.latitude, m.longitude) == (35.332, 40.146)  # the provincial capital (OCHA point) stands in
    assert "ريف دير الزور الشرقي" in "اشتباكات بين داعش وقسد في ريف دير الزور الشرقي"[m.start:m.end]


def test_rural_damascus_is_a_governorate_name() -> None:
    m = _one("دوريات في ريف دمشق الغربي")
    assert _facts(m) == ("SY03", "Rural Damascus", 3, True, "region")


def test_countryside_of_a_town_is_near_the_town() -> None:
    m = _one("قصف على ريف منبج")
    assert _facts(m) == ("SY02", "Menbij", 2, True, "region")


def test_named_sub_region_precision_2() -> None:
    m = _one("غارات على جبل الزاوية")
    assert _facts(m) == ("SY07", "Jabal al-Zawiya", 2, True, "in")


@pytest.mark.parametrize(("sentence", "expected"), [
    ("قتل ثلاثة عناصر في بلدة ذيبان بريف دير الزور الشرقي", ("SY09", "Thiban", 1, True, "in")),
    ("داهمت دورية قرية الكشكية", ("SY09", "Al-Kishkiyeh", 1, True, "in")),
    ("قتل مدني في مدينة منبج بريف حلب الشرقي", ("SY02", "Menbij", 1, True, "in")),
    ("قصفت المدفعية بلدة مرعناز", ("SY02", "Maraanaz", 1, True, "in")),  # OCHA community point
])
def test_named_community(sentence: str, expected: tuple) -> None:
    assert _facts(_one(sentence)) == expected


def test_community_text_and_coordinates() -> None:
    sentence = "قتل ثلاثة عناصر في بلدة ذيبان بريف دير الزور الشرقي"
    m = _one(sentence)
    assert (m.text_ar, m.location_ar, m.admin2, m.admin3) == ("ذيبان", "ذيبان", "Al Mayadin", "Thiban")
    assert (m.latitude, m.longitude) == (35.011, 40.505)  # OCHA's point of community C5202
    assert m.place.pcode == "C5202"
    assert sentence[m.start:m.end] == "بلدة ذيبان بريف دير الزور الشرقي"


@pytest.mark.parametrize("sentence", [
    "استهدف مسلحون حاجزا بالقرب من بلدة الشحيل",
    "اشتباكات في محيط الشحيل",
    "قصف على أطراف بلدة الشحيل",
    "انفجار قرب الشحيل",
])
def test_near_is_precision_2(sentence: str) -> None:
    assert _facts(_one(sentence)) == ("SY09", "Al-Shuhayl", 2, True, "near")


def test_near_village_north_of_city_uses_container_for_disambiguation() -> None:
    m = _one("انفجار عبوة قرب قرية الصالحية شمال الحسكة")
    assert _facts(m) == ("SY08", "Al-Salhiyeh (Hasakeh)", 2, True, "near")


def test_direction_of_a_city() -> None:
    m = _one("قصف مدفعي شمال الحسكة")
    assert _facts(m) == ("SY08", "Al-Hasakeh", 2, True, "near")


def test_district_in_gazetteer() -> None:
    m = _one("اشتباكات في حي غويران في مدينة الحسكة")
    assert _facts(m) == ("SY08", "Ghuwayran", 1, True, "district")
    assert m.text_ar == "غويران" and m.place.kind == "neighbourhood"


def test_unknown_district_falls_back_to_city() -> None:
    m = _one("قصف على حي الشهداء في مدينة الحسكة")
    assert _facts(m) == ("SY08", "Al-Hasakeh", 2, False, "district")
    assert (m.text_ar, m.location_ar) == ("الشهداء", "الحسكة")
    assert (m.latitude, m.longitude) == (36.505, 40.743)


def test_front_line_takes_first_end() -> None:
    sentence = "اشتباكات على محور كفرنبل – حزارين جنوبي إدلب"
    m = _one(sentence)
    assert _facts(m) == ("SY07", "Kafr Nabl", 2, True, "front")
    assert sentence[m.start:m.end].startswith("محور كفرنبل – حزارين")


def test_road_takes_first_end() -> None:
    m = _one("كمين على طريق الحسكة - تل تمر")
    assert _facts(m) == ("SY08", "Al-Hasakeh", 2, True, "road")


def test_bare_names_and_conjunction() -> None:
    mentions = find_places("اشتباكات عنيفة في ذيبان والشحيل", context_admin1="SY09")
    assert [(m.location, m.text_ar, m.geo_precision, m.relation) for m in mentions] == [
        ("Thiban", "ذيبان", 1, "in"), ("Al-Shuhayl", "الشحيل", 1, "in")]


@pytest.mark.parametrize(("context", "pcode", "location"), [
    ("SY09", "SY09", "Al-Salhiyeh"),
    ("Damascus", "SY01", "Al-Salhiyeh (Damascus)"),
    ("Al-Hasakeh", "SY08", "Al-Salhiyeh (Hasakeh)"),
])
def test_repeated_name_disambiguated_by_context(context: str, pcode: str, location: str) -> None:
    m = _one("هجوم مسلح في الصالحية", context_admin1=context)
    assert (m.admin1_pcode, m.location, m.resolved) == (pcode, location, True)


def test_unknown_village_in_governorate_countryside() -> None:
    m = _one("داهمت قوات النظام قرية الزعيم في ريف الحسكة الشمالي")
    assert _facts(m) == ("SY08", "Al-Hasakeh", 3, False, "in")
    assert (m.text_ar, m.location_ar, m.place.level) == ("الزعيم", "الزعيم", 1)


def test_unknown_village_north_of_city() -> None:
    m = _one("انفجار عبوة قرب قرية الكوزلية شمال الحسكة")
    assert _facts(m) == ("SY08", "Al-Hasakeh", 2, False, "near")
    assert m.location_ar == "الكوزلية"


def test_unknown_village_uses_context_admin1() -> None:
    m = _one("قصفت المدفعية قرية المجهولة", context_admin1="SY07")
    assert _facts(m) == ("SY07", "Idleb", 3, False, "in")
    assert m.location_ar == "المجهولة"


def test_unknown_two_word_village() -> None:
    m = _one("اشتباكات في قرية تل شنان بريف تل تمر")
    assert (m.text_ar, m.location, m.geo_precision, m.resolved) == ("تل شنان", "Tal Tamer", 2, False)


@pytest.mark.parametrize("sentence", [
    "قتل شاب ينحدر من بلدة الشحيل في مدينة الحسكة",
    "قتل شاب من أبناء مدينة الشحيل في مدينة الحسكة",
    "قتل الشاب المنحدر من الشحيل في مدينة الحسكة",
])
def test_origin_is_not_the_event_place(sentence: str) -> None:
    mentions = find_places(sentence)
    assert [(m.relation, m.location) for m in mentions] == [
        ("origin", "Al-Shuhayl"), ("in", "Al-Hasakeh")]


def test_hamza_variants_resolve_the_same() -> None:
    with_hamza = _one("قصف مدفعي على الأتارب")
    without = _one("قصف مدفعي على الاتارب")
    assert _facts(with_hamza) == _facts(without) == ("SY02", "Atareb", 1, True, "in")
    assert without.text_ar == "الاتارب"


def test_clitics_are_not_part_of_the_name() -> None:
    for sentence in ("اشتباكات عنيفة بالبصيرة", "وصلت تعزيزات للبصيرة", "قصف على ذيبان والبصيرة"):
        m = find_places(sentence)[-1]
        assert (m.text_ar, m.location, m.geo_precision) == ("البصيرة", "Al-Busayrah", 1), sentence
        assert normalize(sentence[m.start:m.end]).endswith("بصيره")


def test_common_words_need_a_cue() -> None:
    assert find_places("فتح الباب أمام المفاوضات") == []
    m = _one("قصف على مدينة الباب")
    assert _facts(m) == ("SY02", "Al Bab", 1, True, "in")


def test_definite_village_word_does_not_open_a_name() -> None:
    assert find_places("وقال أحد سكان القرية لنورث برس") == []


def test_coordinated_villages_share_the_cue() -> None:
    mentions = find_places("قصف الجيش التركي قريتي مرعناز وشوارغة الأرز")
    assert [(m.location, m.geo_precision) for m in mentions] == [
        ("Maraanaz", 1), ("Shawarghet Elarz", 1)]


def test_mentions_are_inside_syria() -> None:
    sentence = "قصف على ذيبان وحلب ودرعا البلد والقامشلي ومخيم الهول وجبل الأكراد"
    mentions = find_places(sentence)
    assert len(mentions) == 6
    assert all(in_syria(m.latitude, m.longitude) for m in mentions)


@pytest.mark.parametrize(("sentence", "context", "expected"), [
    ("انفجرت عبوة ناسفة بسيارة مدنية في حي عكرمة بمدينة حمص", "SY04",
     ("SY04", "Akrama", 1, True, "district")),
    ("اعتقلت قسد شابين خلال مداهمة في حي المشلب شرقي الرقة", "SY11",
     ("SY11", "Al-Mashlab", 1, True, "district")),
    ("قصفت الميليشيات الإيرانية بلدة محكان بريف دير الزور الشرقي", "SY09",
     ("SY09", "Mahkan", 1, True, "in")),
    ("هاجم مسلحون حاجزاً لقوات النظام في بلدة إبطع بريف درعا", "SY12",
     ("SY12", "Ibta", 1, True, "in")),
    ("تجددت الاشتباكات في محيط بلدة تل حلف قرب مدينة رأس العين", "SY08",
     ("SY08", "Tell Halaf", 2, True, "near")),
    ("اغتال مجهولون عنصراً سابقاً في بلدة شحيل شرقي دير الزور", "SY09",
     ("SY09", "Al-Shuhayl", 1, True, "in")),
    ("سقطت قذائف على أحياء في مدينة الثورة غربي الرقة", "SY11",
     ("SY11", "Al-Tabqa", 1, True, "in")),
])
def test_editor_places_added_for_gold_articles(sentence: str, context: str, expected: tuple) -> None:
    m = _one(sentence, context_admin1=context)
    assert _facts(m) == expected
    assert m.place.source.endswith("hadath-editors") and in_syria(m.latitude, m.longitude)


def test_person_name_akrama_needs_a_cue() -> None:
    assert find_places("قال عكرمة إن القصف استمر", context_admin1="SY04") == []


def test_conjoined_cued_place_is_a_second_mention_not_a_container() -> None:
    mentions = find_places("استهدفت قوات النظام بالمدفعية مدينة الأتارب وبلدة كفر نوران",
                           context_admin1="SY02")
    assert [(m.location, m.geo_precision, m.relation) for m in mentions] == [
        ("Atareb", 1, "in"), ("Kafr Noran", 1, "in")]


def test_damascus_district_in_a_rural_damascus_article() -> None:
    m = _one("انفجرت عبوة ناسفة بسيارة ضابط في حي المزة", context_admin1="SY03")
    assert _facts(m) == ("SY01", "Al-Mazzeh", 1, True, "district")
    # another governorate's context still rules out a namesake neighbourhood
    m = _one("مداهمات في حي المزة", context_admin1="SY09")
    assert (m.admin1_pcode, m.resolved) == ("SY09", False)


# --- common words, context and namesakes (national gazetteer) -----------------------------------
def test_verb_dammar_is_not_the_dummar_district() -> None:
    assert find_places("دمّر القصف عشرات المنازل", context_admin1="SY01") == []
    assert find_places("دمر القصف عشرات المنازل", context_admin1="SY01") == []
    m = _one("انفجرت عبوة ناسفة في دمر", context_admin1="SY01")
    assert (m.location, m.admin1_pcode, m.relation) == ("Dummar", "SY01", "district")


@pytest.mark.parametrize("sentence", [
    "أصيب مدنيان بجروح خطيرة جراء القصف",  # جروح: an OCHA community name, a common word
    "قتل شاب في منزله برصاص مجهولين",  # منزله
    "ما أدى إلى مقتله على الفور",  # مقتله
])
def test_common_words_known_only_from_ocha_or_geonames_are_not_places(sentence: str) -> None:
    assert [m.text_ar for m in find_places(sentence, context_admin1="SY05")] == []


def test_common_word_village_counts_after_a_settlement_noun() -> None:
    m = _one("قصفت قوات النظام قرية جروح بريف حماة")
    assert (m.admin1_pcode, m.resolved, m.place.source.startswith("ocha-hdx")) == ("SY05", True, True)


def test_village_known_only_from_ocha_needs_a_locative_or_context() -> None:
    assert find_places("قال جورين إن الوضع هادئ") == []  # no preposition, no context
    assert _one("قال جورين إن الوضع هادئ", context_admin1="SY05").admin1_pcode == "SY05"
    m = _one("اشتباكات في جورين", context_admin1="SY05")
    assert (m.admin1_pcode, m.place.pcode in ("C3174", "C3178"), m.geo_precision) == ("SY05", True, 1)


def test_container_is_read_with_its_head_not_the_article_context() -> None:
    sentence = "اشتباكات في محيط بلدة تل حلف قرب مدينة رأس العين"
    m = _one(sentence, context_admin1="SY03")  # Rural Damascus has a village called رأس العين
    assert (m.location, m.admin1_pcode, m.resolved) == ("Tell Halaf", "SY08", True)


def test_governorate_named_earlier_in_the_sentence_overrides_the_article() -> None:
    sentence = "وفي محافظة الحسكة، دارت اشتباكات في قرية مشرافة جنوب مدينة رأس العين"
    mentions = find_places(sentence, context_admin1="SY03")
    assert [m.admin1_pcode for m in mentions] == ["SY08", "SY08"]
    assert mentions[1].place.admin1_pcode == "SY08" and mentions[1].relation == "in"


def test_anchors_choose_the_nearest_namesake() -> None:
    from etl.geo.lookup import Gazetteer

    gaz = Gazetteer.load()
    sentence = "قصف مدفعي على الصالحية"
    by_deir = _one(sentence, anchors=[gaz.lookup("البصيرة")[0]])
    by_hasakeh = _one(sentence, anchors=[gaz.lookup("تل تمر")[0]])
    assert (by_deir.admin1_pcode, by_hasakeh.admin1_pcode) == ("SY09", "SY08")


@pytest.mark.parametrize(("sentence", "expected"), [
    ("استهدفت غارات إسرائيلية مطار الشعيرات العسكري", ("SY04", "Shayrat Airbase", "airbase")),
    ("قصف مسيّر على سد تشرين", ("SY02", "Tishreen Dam", "dam")),
    ("أغلقت السلطات معبر نصيب الحدودي", ("SY12", "Nasib Crossing", "crossing")),
    ("توفي معتقل في سجن صيدنايا", ("SY03", "Saydnaya Prison", "prison")),
    ("تجمع المحتجون في ساحة الكرامة وسط السويداء", ("SY13", "Karama Square", "")),
])
def test_facilities_resolve_with_their_category(sentence: str, expected: tuple) -> None:
    m = [m for m in find_places(sentence) if m.place is not None and m.place.kind in ("facility", "square")][0]
    assert (m.admin1_pcode, m.location, m.place.category) == expected
    assert m.geo_precision == 1 and in_syria(m.latitude, m.longitude)


def test_neighbourhood_of_aleppo_and_of_damascus_by_context() -> None:
    assert _one("قصف على حي الميدان", context_admin1="SY02").location == "Al-Midan (Aleppo)"
    assert _one("قصف على حي الميدان", context_admin1="SY01").location == "Al-Midan"


@pytest.mark.parametrize(("sentence", "pcode"), [
    ("قصف على قرية بطوشيه بريف منبج", "WOF1360269807"),  # the namesake 17 km from Manbij
    ("قصف على قرية بطوشيه", "C7224"),  # without context: OCHA's community (125 km away) first
])
def test_countryside_of_a_town_picks_the_nearest_namesake(sentence: str, pcode: str) -> None:
    assert _one(sentence).place.pcode == pcode


@pytest.mark.parametrize(("sentence", "admin1"), [
    ("قصفت قوات النظام قرية الغسانية بريف حماة", "SY05"),
    ("قصفت قوات النظام قرية الغسانية بريف حمص", "SY04"),
    ("قصفت قوات النظام قرية الغسانية بريف حلب الجنوبي", "SY02"),
])
def test_village_in_several_governorates_follows_the_countryside_named(sentence: str, admin1: str) -> None:
    m = _one(sentence, context_admin1="SY07")  # an Idleb article: the sentence's own container wins
    assert (m.admin1_pcode, m.resolved, m.geo_precision) == (admin1, True, 1)


@pytest.mark.parametrize("sentence", [
    "انطلق حراك شعبي في المدينة", "شهدت المنطقة حراكاً واسعاً", "وقعت الاشتباكات في مركز المدينة",
    "نقل المصابون إلى مركز صحي", "خرجت مظاهرة في عين المكان", "أصيب بشظايا في رأسه",
    "عاد الأهالي إلى منازلهم", "هاجموا القرية من جهة الشرق",
])
def test_everyday_words_are_never_places(sentence: str) -> None:
    assert find_places(sentence, context_admin1="SY12") == []
    assert find_places(sentence) == []


def test_common_word_town_after_a_preposition() -> None:
    m = _one("قتل شاب في الحراك بريف درعا")
    assert (m.location, m.admin1_pcode, m.resolved) == ("Al-Hirak", "SY12", True)

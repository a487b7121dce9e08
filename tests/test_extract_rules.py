"""Rule extractor traps, each on a short hand-written article (not copied from the gold set)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from etl.events.base import get_extractor
from etl.events.model import Article, Event

PUB = datetime(2022, 1, 20, 18, 0, tzinfo=timezone(timedelta(hours=2)))  # Thursday


def extract(text: str, title: str = "", published: datetime = PUB) -> list[Event]:
    return get_extractor("rules").extract(Article(text=text, published=published, title=title)).events


def by_place(events: list[Event]) -> dict[str, Event]:
    return {e.location_ar: e for e in events}


def test_claim_only_sentence_is_not_an_event():
    text = "زعمت وسائل إعلام النظام أن قواتها قصفت مواقع الفصائل في بلدة البارة وقتلت 20 مسلحاً."
    assert extract(text) == []


def test_threat_is_not_an_event():
    assert extract("توعدت قوات سوريا الديمقراطية بالرد على أي هجوم يستهدف بلدة تل تمر.") == []


def test_neutralised_is_not_killed():
    events = extract("قصفت فصائل المعارضة اليوم مواقع قوات النظام في قرية حزارين وأعلنت تحييد مجموعة كاملة من عناصرها.")
    assert len(events) == 1
    assert events[0].fatalities == 0
    assert events[0].actor1 == "Opposition Rebels (Syria)"
    assert events[0].actor2 == "Military Forces of Syria (2000-2024)"


def test_injured_only_counts_zero_and_targets_civilians():
    events = extract("أصيب ثلاثة أطفال بجروح اليوم جراء قصف مدفعي لقوات النظام على بلدة كنصفرة.")
    assert [(e.location_ar, e.fatalities, e.actor2, e.civilian_targeting) for e in events] == [
        ("كنصفرة", 0, "Civilians (Syria)", "Civilians targeted")]


def test_home_town_is_not_the_event_place():
    text = "قتل شاب برصاص مسلحين مجهولين اليوم في بلدة البارة، والشاب ينحدر من مدينة معرة النعمان."
    events = extract(text)
    assert [e.location_ar for e in events] == ["البارة"]
    assert events[0].sub_event_type == "Attack"
    assert events[0].actor1 == "Unidentified Armed Group (Syria)"
    assert events[0].actor2 == "Civilians (Syria)"
    assert events[0].fatalities == 1


def test_relative_date_yesterday():
    events = extract("شنت طائرات حربية روسية أمس غارات جوية على محيط بلدة البارة.")
    assert len(events) == 1
    assert events[0].event_date == date(2022, 1, 19)
    assert events[0].sub_event_type == "Air/drone strike"
    assert events[0].actor1 == "Military Forces of Russia"


def test_no_date_expression_defaults_to_publication_day():
    events = extract("قصفت قوات النظام بلدة البارة بقذائف الهاون.")
    assert [(e.event_date, e.time_precision) for e in events] == [(date(2022, 1, 20), 1)]


def test_date_carries_over_within_paragraph():
    text = "قصفت قوات النظام أمس بلدة البارة بقذائف المدفعية. كما استهدفت بالصواريخ قرية كنصفرة."
    assert {e.location_ar: e.event_date for e in extract(text)} == {
        "البارة": date(2022, 1, 19), "كنصفرة": date(2022, 1, 19)}


def test_enumeration_gives_one_event_per_town_with_split_fatalities():
    text = "قصفت قوات النظام اليوم بلدتي البارة وكنصفرة بالمدفعية الثقيلة، ما أسفر عن مقتل خمسة مدنيين."
    events = by_place(extract(text))
    assert set(events) == {"البارة", "كنصفرة"}
    assert (events["البارة"].fatalities, events["كنصفرة"].fatalities) == (3, 2)  # first takes the remainder


def test_seven_posts_are_seven_events():
    text = ("شن تنظيم داعش ليلة أمس هجمات على سبع نقاط لقوات سوريا الديمقراطية في بلدات ذيبان والطيانة "
            "والشحيل والبصيرة وأبو حمام والكشكية وهجين بريف دير الزور الشرقي.")
    events = extract(text)
    assert len(events) == 7
    assert {e.event_type for e in events} == {"Battles"}
    assert {e.actor1 for e in events} == {"Islamic State (Syria)"}
    assert {e.actor2 for e in events} == {"SDF: Syrian Democratic Forces"}
    assert {e.event_date for e in events} == {date(2022, 1, 19)}


def test_unknown_village_in_enumeration_is_kept_unresolved():
    text = "قصفت قوات النظام اليوم قرى البارة وزعيترونة بالمدفعية."
    result = get_extractor().extract(Article(text=text, published=PUB))
    places = by_place(result.events)
    assert places["زعيترونة"].place_resolved is False
    assert places["زعيترونة"].admin1 == "Idleb"
    assert places["زعيترونة"].geo_precision in (2, 3)
    assert ("زعيترونة", "Idleb") in result.unresolved


def test_civilians_killed_in_battle_are_added():
    text = ("اندلعت اشتباكات اليوم بين قوات النظام وفصائل المعارضة في بلدة البارة، "
            "ما أدى إلى مقتل ثلاثة عناصر من قوات النظام ومقتل مدنيين اثنين.")
    events = extract(text)
    assert len(events) == 1
    assert events[0].sub_event_type == "Armed clash"
    assert events[0].fatalities == 5
    assert events[0].actor2 == "Opposition Rebels (Syria)"


def test_doubted_figure_is_dropped():
    text = ("شنت طائرات روسية اليوم غارات على بلدة البارة، "
            "وادعت وسائل إعلام موالية مقتل 30 مسلحاً، وهو ما لم يتسن التحقق منه.")
    events = extract(text)
    assert [(e.location_ar, e.fatalities) for e in events] == [("البارة", 0)]


def test_cumulative_tally_is_not_an_event():
    assert extract("وارتفعت حصيلة قتلى القصف على بلدة البارة منذ مطلع العام إلى 40 مدنياً.") == []


def test_air_strike_beats_shelling_in_one_clause():
    events = extract("قصفت طائرات حربية روسية اليوم بالصواريخ بلدة البارة.")
    assert [e.sub_event_type for e in events] == ["Air/drone strike"]


def test_actor_alias_depends_on_the_event_date():
    before = extract("قصف الجيش السوري اليوم بلدة البارة بالمدفعية.")
    after = extract("قصف الجيش السوري اليوم بلدة البارة بالمدفعية.",
                    published=datetime(2025, 3, 1, 12, tzinfo=UTC))
    assert before[0].actor1 == "Military Forces of Syria (2000-2024)"
    assert after[0].actor1 == "Military Forces of Syria (2024-)"


def test_pejorative_alias_with_clitic():
    events = extract("قتل شاب اليوم بقصف مدفعي لميليشيا أسد على بلدة كنصفرة.")
    assert events[0].actor1 == "Military Forces of Syria (2000-2024)"
    assert events[0].inter1 == 1
    assert events[0].interaction == 17


def test_arrests_are_strategic_developments():
    events = extract("اعتقلت قوات النظام اليوم ثلاثة شبان في مدينة تلبيسة بعد مداهمة منازلهم.")
    assert [(e.event_type, e.sub_event_type, e.actor1, e.actor2) for e in events] == [
        ("Strategic developments", "Arrests", "Military Forces of Syria (2000-2024)", "Civilians (Syria)")]


def test_defused_mine_is_disrupted_weapons_use():
    events = extract("فككت فرق الهندسة التابعة لقوات النظام اليوم لغماً أرضياً في بلدة تلبيسة.")
    assert [e.sub_event_type for e in events] == ["Disrupted weapons use"]


@pytest.mark.parametrize("text, sub", [
    ("خرج العشرات اليوم في مظاهرة سلمية في مدينة تلبيسة للمطالبة بالإفراج عن المعتقلين.", "Peaceful protest"),
    ("فرقت قوات النظام اليوم وقفة احتجاجية في مدينة تلبيسة واعتقلت اثنين من المحتجين.", "Protest with intervention"),
])
def test_protests(text, sub):
    events = extract(text)
    assert [(e.event_type, e.sub_event_type, e.actor1) for e in events] == [("Protests", sub, "Protesters (Syria)")]


def test_evidence_version_and_confidence():
    event = extract("قصفت قوات النظام أمس بلدة البارة بقذائف الهاون.")[0]
    assert event.extractor == "rules" and event.extractor_version
    assert event.evidence[0].sentence.startswith("قصفت قوات النظام")
    assert 0.0 <= event.confidence <= 1.0


def test_country_only_report_is_skipped():
    assert extract("قصفت قوات النظام اليوم مناطق في سوريا.") == []


def test_conflicting_reports_keep_the_lowest_figure():
    text = ("قتل سبعة عناصر من قوات النظام اليوم في هجوم لتنظيم داعش على بلدة تلبيسة، "
            "في حين قالت مصادر محلية أخرى إن عدد القتلى بلغ 4 عناصر.")
    events = extract(text)
    assert [(e.location_ar, e.fatalities) for e in events] == [("تلبيسة", 4)]


def test_casualty_sentence_details_the_earlier_event():
    text = ("شن تنظيم داعش اليوم هجمات على حواجز لقوات سوريا الديمقراطية في بلدتي ذيبان وهجين. "
            "وقتل عنصران من قسد على حاجز ذيبان، وقتل عنصر ثالث في هجين.")
    assert {e.location_ar: e.fatalities for e in extract(text)} == {"ذيبان": 2, "هجين": 1}


def test_co_belligerents_go_to_assoc_actor():
    events = extract("قصفت قوات النظام والميليشيات الإيرانية اليوم بلدة البارة بالمدفعية الثقيلة.")
    assert [(e.actor1, e.assoc_actor_1) for e in events] == [
        ("Military Forces of Syria (2000-2024)", "Iranian-backed Militias (Syria)")]


def test_sides_of_a_clash_with_min_jiha():
    text = ("اندلعت اشتباكات اليوم بين قوات سوريا الديمقراطية وقوى الأمن الداخلي من جهة، "
            "ومسلحي تنظيم داعش من جهة أخرى في بلدة الشحيل.")
    events = extract(text)
    assert [(e.actor1, e.assoc_actor_1, e.actor2) for e in events] == [
        ("SDF: Syrian Democratic Forces", "Asayish: Kurdish Internal Security Forces", "Islamic State (Syria)")]


# --- actors as real copy names them -------------------------------------------------------------

AFTER_FALL = datetime(2025, 3, 8, 12, tzinfo=timezone(timedelta(hours=3)))


@pytest.mark.parametrize(("text", "actor"), [
    ("شن الطيران الحربي الإسرائيلي اليوم غارات على بلدة كنصفرة.", "Military Forces of Israel"),
    ("قصفت المقاتلات الحربية الروسية اليوم بلدة كنصفرة.", "Military Forces of Russia"),
    ("استهدفت طائرة مسيرة تركية اليوم سيارة في بلدة البصيرة.", "Military Forces of Turkey"),
])
def test_alias_matches_with_an_inserted_modifier(text: str, actor: str):
    events = extract(text)
    assert [(e.actor1, e.sub_event_type) for e in events] == [(actor, "Air/drone strike")]


def test_aircraft_of_unknown_origin_is_the_attacker_never_the_victim():
    events = extract("قتل عنصران من قوات النظام بغارة لطائرة مجهولة الهوية على أطراف البصيرة اليوم.")
    assert [(e.actor1, e.inter1, e.actor2) for e in events] == [
        ("Unidentified Military Forces", 8, "Military Forces of Syria (2000-2024)")]


@pytest.mark.parametrize(("text", "actor", "inter"), [
    ("اعتقل الأمن العام اليوم ثلاثة أشخاص في مدينة جبلة.", "Police Forces of Syria (2024-)", 1),
    ("هاجم فلول النظام اليوم حاجزاً في مدينة جبلة.", "Assad Loyalist Militia (Syria)", 3),
])
def test_actors_after_the_fall_of_assad(text: str, actor: str, inter: int):
    events = extract(text, published=AFTER_FALL)
    assert events and (events[0].actor1, events[0].inter1) == (actor, inter)


def test_actors_of_the_early_war_have_their_own_names():
    early = datetime(2013, 5, 2, 12, tzinfo=timezone(timedelta(hours=3)))
    events = extract("هاجم مقاتلو الجيش الحر وأحرار الشام اليوم حاجزاً لقوات النظام في بلدة كنصفرة.", published=early)
    assert [(e.actor1, e.assoc_actor_1) for e in events] == [("Free Syrian Army", "Ahrar al Sham")]


# --- ACLED type decisions ------------------------------------------------------------------------

def _one(text: str, published: datetime = PUB) -> tuple:
    events = extract(text, published=published)
    assert len(events) == 1, events
    e = events[0]
    return e.event_type, e.sub_event_type, e.actor1, e.actor2, e.location_ar


def test_a_place_handed_over_without_fighting_is_a_strategic_development():
    assert _one("سلمت قوات سوريا الديمقراطية اليوم بلدة تل تمر لقوات النظام.")[:4] == (
        "Strategic developments", "Non-violent transfer of territory", "Military Forces of Syria (2000-2024)",
        "SDF: Syrian Democratic Forces")
    assert _one("دخلت قوات النظام اليوم مدينة بصرى الشام بموجب اتفاق التسوية.")[1] == "Non-violent transfer of territory"
    assert _one("سيطرت قوات النظام اليوم على بلدة كفرنبل دون قتال.")[1] == "Non-violent transfer of territory"
    assert _one("سيطرت قوات النظام اليوم على بلدة كفرنبل بعد معارك عنيفة.")[1] == "Government regains territory"
    assert extract("خرج العشرات اليوم في مظاهرة سلمية في مدينة تلبيسة.")[0].sub_event_type == "Peaceful protest"


def test_an_attack_on_a_checkpoint_or_patrol_is_a_battle_unless_shelled():
    assert _one("استهدف مسلحون اليوم دورية للأمن العسكري قرب بلدة المزيريب.")[:4] == (
        "Battles", "Armed clash", "Unidentified Armed Group (Syria)", "Police Forces of Syria (2000-2024)")
    assert _one("استهدفت قوات النظام اليوم بالمدفعية الثقيلة حاجزاً للفصائل في بلدة كنصفرة.")[:2] == (
        "Explosions/Remote violence", "Shelling/artillery/missile attack")


def test_an_abduction_is_placed_at_the_victims_town_when_nothing_else_is_named():
    assert _one("اختطف مسلحون مجهولون اليوم شاباً من أبناء مدينة جاسم.") == (
        "Violence against civilians", "Abduction/forced disappearance", "Unidentified Armed Group (Syria)",
        "Civilians (Syria)", "جاسم")
    # a biography ("ينحدر من") is never the place of a new event
    assert extract("قتل مسلحون اليوم رجلاً في بلدة الشحيل. والرجل ينحدر من بلدة ذيبان.")[0].location_ar == "الشحيل"


def test_riots_and_force_against_protesters():
    assert _one("اقتحم محتجون اليوم مبنى المحافظة في مدينة السويداء وأضرموا النار فيه.")[:3] == (
        "Riots", "Violent demonstration", "Rioters (Syria)")
    events = extract("أطلقت قوات النظام اليوم الرصاص الحي على المتظاهرين في مدينة درعا ما أدى لمقتل 4 متظاهرين.")
    assert [(e.sub_event_type, e.actor1, e.actor2, e.fatalities) for e in events] == [
        ("Excessive force against protesters", "Protesters (Syria)", "Military Forces of Syria (2000-2024)", 4)]


# --- clauses, regions and crowds -----------------------------------------------------------------

def test_coordinated_verbs_open_new_clauses_with_their_own_tactic():
    events = by_place(extract("اقتحمت قوات النظام اليوم بلدة البارة وقصفت بالمدفعية بلدة كنصفرة."))
    assert events["البارة"].event_type == "Battles"
    assert events["كنصفرة"].sub_event_type == "Shelling/artillery/missile attack"


def test_an_attempt_to_take_a_place_is_a_clash_not_a_takeover():
    events = extract("حاولت قوات النظام اليوم استعادة السيطرة على بلدة كفرنبل.")
    assert [(e.sub_event_type, e.location_ar) for e in events] == [("Armed clash", "كفرنبل")]


def test_an_event_named_only_at_governorate_or_region_level_is_coded_there():
    events = extract("هاجم مسلحون اليوم دورية للأمن العام في ريف اللاذقية.", published=AFTER_FALL)
    assert [(e.event_type, e.admin1, e.geo_precision) for e in events] == [("Battles", "Lattakia", 3)]
    # a bare "في حلب" (a source's location as often as the event's) is not an event place
    assert extract("قال مصدر في حلب إن الاشتباكات تتواصل.") == []


def test_a_crowd_going_out_is_a_protest_and_casualty_details_mark_civilian_victims():
    assert _one("خرج الآلاف اليوم في مدينة الباب.")[:2] == ("Protests", "Peaceful protest")
    events = extract("قصفت قوات النظام اليوم بلدة البارة بالبراميل المتفجرة. وتسبب القصف بمقتل خمسة مدنيين في البارة.")
    assert [(e.actor2, e.fatalities) for e in events] == [("Civilians (Syria)", 5)]


def test_flyovers_crowds_and_killings_at_protests():
    assert extract("حلق الطيران الحربي اليوم فوق بلدة الحولة.") == []
    assert _one("خرجت اليوم مظاهرة شاركت فيها حشود كبيرة في مدينة الرستن.")[:2] == ("Protests", "Peaceful protest")
    events = extract("قتل اليوم ثلاثة أشخاص برصاص قوات الأمن خلال قمع مظاهرة في مدينة الرستن.")
    assert [(e.sub_event_type, e.actor2, e.fatalities) for e in events] == [
        ("Excessive force against protesters", "Police Forces of Syria (2000-2024)", 3)]


# --- one event per incident ---------------------------------------------------------------------

def test_one_incident_told_several_times_is_one_event_at_its_most_specific_place():
    text = ("قصف عنيف بالبراميل المتفجرة على كنصفرة\n"
            "قصفت قوات النظام مساء أمس بلدة كنصفرة في جبل الزاوية بالبراميل المتفجرة.\n"
            "وقال مراسلنا إن القصف على ريف إدلب الجنوبي أدى إلى مقتل ثلاثة مدنيين.")
    events = extract(text)
    assert [(e.location_ar, e.event_date, e.actor1, e.fatalities) for e in events] == [
        ("كنصفرة", date(2022, 1, 19), "Military Forces of Syria (2000-2024)", 3)]
    assert len(events[0].evidence) == 3  # every telling is kept as evidence


def test_different_incidents_at_one_place_or_nearby_places_stay_apart():
    car_bomb = extract("انفجرت سيارة مفخخة اليوم في مدينة عفرين. وعقب التفجير اندلعت اشتباكات بين فصيلين "
                       "من الجيش الوطني في مدينة عفرين.")
    assert sorted(e.event_type for e in car_bomb) == ["Battles", "Explosions/Remote violence"]
    villages = extract("قصفت قوات النظام اليوم بلدة كنصفرة بالمدفعية. كما قصفت قوات النظام بلدة البارة بالمدفعية.")
    assert sorted(e.location_ar for e in villages) == ["البارة", "كنصفرة"]


def test_places_after_a_reference_phrase_are_not_chained_to_it():
    # "مراسل ... في ريف حماة أن مدينة مصياف": the reporter's region does not drag the town out
    events = extract("وذكر مراسلنا في ريف حماة أن مدينة مصياف شهدت اليوم وقفة احتجاجية.")
    assert [e.location_ar for e in events] == ["مصياف"]


def test_nationality_adjectives_name_the_attacker_and_named_victims_are_targets():
    events = extract("استهدف قصف تركي اليوم مواقع قسد في مدينة تل رفعت.")
    assert [(e.actor1, e.actor2) for e in events] == [("Military Forces of Turkey", "SDF: Syrian Democratic Forces")]
    events = extract("قتل اليوم عدد من مسلحي ما يسمى بجيش الإسلام بقصف لقوات النظام على أطراف مدينة دوما.",
                     published=datetime(2016, 2, 23, 12, tzinfo=UTC))
    assert [(e.actor1, e.actor2) for e in events] == [("Military Forces of Syria (2000-2024)", "Jaish al Islam")]


def test_an_alias_that_changed_hands_follows_the_event_date():
    text = "هاجم مسلحون اليوم حاجزاً لقوى الأمن الداخلي في مدينة جبلة."
    assert extract(text)[0].actor2 == "Asayish: Kurdish Internal Security Forces"
    assert extract(text, published=AFTER_FALL)[0].actor2 == "Police Forces of Syria (2024-)"


def test_fighting_since_a_day_is_one_clash_per_day_and_entering_after_fighting_is_a_takeover():
    events = extract("دخلت جبهة النصرة اليوم إلى مدينة جسر الشغور بعد معارك عنيفة مستمرة منذ الثلاثاء.",
                     published=datetime(2015, 4, 23, 12, tzinfo=UTC))  # a Thursday
    assert sorted((e.event_date.isoformat(), e.sub_event_type) for e in events) == [
        ("2015-04-21", "Armed clash"), ("2015-04-22", "Armed clash"),
        ("2015-04-23", "Non-state actor overtakes territory")]
    assert {e.actor1 for e in events} == {"Jabhat al Nusra"}  # "النصرة" is not "نصرة لـ" (solidarity)


def test_an_aside_keeps_its_own_date_and_toll():
    text = ("وفي حمص - التي قتل فيها أول أمس عشرون شخصاً خلال عملية عسكرية - خرجت اليوم مظاهرات في حي بابا عمرو. "
            "واحتشد المتظاهرون في مدينة الرستن.")
    events = extract(text)
    assert sorted((e.location_ar, e.event_date, e.fatalities) for e in events) == [
        ("الرستن", date(2022, 1, 20), 0), ("بابا عمرو", date(2022, 1, 20), 0)]


def test_who_reports_is_not_who_attacks_and_weapons_name_the_attacker():
    events = extract("أفاد بيان صادر عن قسد اليوم بأن خلية تابعة للتنظيم استهدفت سيارة عسكرية في قرية الزر.")
    assert [(e.actor1, e.actor2) for e in events] == [("Islamic State (Syria)", "SDF: Syrian Democratic Forces")]
    events = extract("تصدت الدفاعات الجوية السورية اليوم لصواريخ إسرائيلية استهدفت مواقع في منطقة الكسوة.")
    assert events and events[0].actor1 == "Military Forces of Israel"


def test_copy_that_names_its_own_today_is_read_from_that_day():
    tuesday = datetime(2016, 11, 1, 9, tzinfo=timezone(timedelta(hours=2)))
    text = "تصدى الثوار صباح اليوم الاثنين لهجوم قوات النظام على بلدة كفرنبل. وقصفت قوات النظام أمس بلدة البارة."
    days = {e.location_ar: e.event_date for e in extract(text, published=tuesday)}
    assert days == {"كفرنبل": date(2016, 10, 31), "البارة": date(2016, 10, 30)}


def test_an_event_between_two_towns_is_placed_at_the_first():
    events = extract("سيطرت قوات النظام اليوم على كتيبة للدفاع الجوي بين بلدتي إبطع وداعل.")
    assert [e.location_ar for e in events] == ["إبطع"]


def test_fire_by_air_powers_is_an_air_strike_unless_guns_are_named():
    assert _one("طال القصف الروسي اليوم أطراف بلدة كنصفرة.")[1] == "Air/drone strike"
    assert _one("قصفت القوات الروسية اليوم بالمدفعية الثقيلة بلدة كنصفرة.")[1] == "Shelling/artillery/missile attack"


def test_a_headline_without_a_date_joins_its_dated_telling_but_a_later_paragraph_does_not():
    text = ("هجوم على حاجز في قرية الزر\n\nرصد ناشطون هجوماً لعناصر التنظيم على حاجز في قرية الزر.\n\n"
            "وكان مسلحون مجهولون قد هاجموا أمس حاجزاً لقسد في ريف دير الزور.")
    events = extract(text)
    assert sorted((e.event_date, e.location_ar) for e in events)[0] == (date(2022, 1, 19), "دير الزور")
    assert (date(2022, 1, 20), "الزر") in {(e.event_date, e.location_ar) for e in events}


def test_a_battle_naming_one_side_takes_the_other_from_its_context():
    text = "شنت قوات النظام أمس هجوماً على مواقع هيئة تحرير الشام. واندلعت اليوم اشتباكات عنيفة في بلدة كفرنبل."
    assert [(e.actor1, e.actor2) for e in extract(text)] == [
        ("Military Forces of Syria (2000-2024)", "HTS: Hayat Tahrir al-Sham")]
    text = "تصدى مقاتلو هيئة تحرير الشام اليوم لهجوم في بلدة كفرنبل وسط فرار عناصر قوات النظام."
    assert [(e.actor1, e.actor2) for e in extract(text)] == [
        ("HTS: Hayat Tahrir al-Sham", "Military Forces of Syria (2000-2024)")]
    assert _one("استهدف مسلحون مجهولون اليوم شاباً في بلدة صيدا.")[:2] == ("Violence against civilians", "Attack")


def test_bare_casualty_nouns_and_exact_figures_beat_vague_ones():
    clash = "اندلعت اليوم اشتباكات بين هيئة تحرير الشام وأحرار الشام في بلدة سرمدا أدت إلى سقوط {} من الطرفين."
    assert extract(clash.format("قتيلين"))[0].fatalities == 2
    assert extract(clash.format("قتلى"))[0].fatalities == 3
    text = ("انفجرت عبوة ناسفة اليوم في مدينة الباب ما أدى لسقوط ضحايا بين المدنيين. "
            "وقال مراسلنا إن الانفجار أدى لمقتل شخص مدني.")
    assert [e.fatalities for e in extract(text)] == [1]
    assert extract("وغالبا ما تنفذ عمليات قتل بحق عدد من المعتقلين في بلدة قباسين.") == []

"""Trailing boilerplate stripping (markers in etl/data/boilerplate.yaml)."""

from __future__ import annotations

from etl.clean.boilerplate import is_cut_line, is_drop_line, strip_boilerplate

ARTICLE = "قصفت قوات النظام بلدة كفرنبل في ريف إدلب الجنوبي.\nوقال الدفاع المدني إن فرقه انتشلت ثلاثة قتلى."


def test_cuts_every_trailing_section_heading():
    for heading in ("التعليقات", "التعليقات (3)", "كلمات مفتاحية:", "مقالات ذات صلة", "اقرأ أيضاً",
                    "اقرأ أيضا", "إقرأ ايضًا", "شارك المقال", "مشاركة", "تابعونا على تلغرام",
                    "اشترك في النشرة البريدية"):
        text = f"{ARTICLE}\n{heading}\nعنوان خبر آخر لا علاقة له\nتعليق: الله يرحمهم"
        assert strip_boilerplate(text) == ARTICLE, heading


def test_drops_inline_lines_and_copyright_but_keeps_article_sentences():
    text = (f"{ARTICLE}\nاقرأ أيضاً: مقتل شاب برصاص مجهولين في درعا\n"
            "وشارك مئات من أبناء البلدة في تشييع الضحايا.\nشارك على فيسبوك\n"
            "© 2024 أورينت نت. جميع الحقوق محفوظة")
    assert strip_boilerplate(text) == ARTICLE + "\nوشارك مئات من أبناء البلدة في تشييع الضحايا."


def test_long_sentence_starting_like_a_marker_is_kept():
    line = "تابعونا في هذا التقرير رحلة عائلة نزحت من ريف حماة إلى مخيمات أطمة على الحدود التركية بعد القصف الأخير على القرى"
    assert not is_drop_line(line)
    assert strip_boilerplate(f"{ARTICLE}\n{line}") == f"{ARTICLE}\n{line}"


def test_first_line_is_never_a_cut():
    assert strip_boilerplate("التعليقات\n" + ARTICLE) == "التعليقات\n" + ARTICLE
    assert is_cut_line("التعليقات")


def test_comment_policy_disclaimer_starts_the_trailing_part():
    text = ARTICLE + "\nترحب شبكة CNN بالنقاش الحيوي والمفيد، وكي لا نضطر إلى مراجعة التعليقات قبل نشرها."
    assert strip_boilerplate(text) == ARTICLE


def test_long_read_also_link_line_is_dropped():
    link = "اقرأ أيضًا: الجيش الوطني يسيطر على قرية أم جلود بريف منبج.. ومسيرة تركية تستهدف قسد في ريف حلب الشرقي"
    assert len(link.split()) > 14
    assert strip_boilerplate(f"{ARTICLE}\n{link}\nوفي مدينة إدلب اعتقلت الهيئة ناشطاً.") == ARTICLE + "\nوفي مدينة إدلب اعتقلت الهيئة ناشطاً."

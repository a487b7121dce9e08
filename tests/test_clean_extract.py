"""Main-text extraction: trafilatura, per-outlet selectors, JSON-LD and baseline fallbacks,
boilerplate, language flag, unusable pages. ``article_page`` is reused by the other clean tests."""

from __future__ import annotations

import json
import random

import pytest

from etl.clean import extract as ex
from etl.clean import html
from etl.clean.language import detect

PARAGRAPHS = [
    "قصفت قوات النظام بالمدفعية الثقيلة بلدة كفرنبل في ريف إدلب الجنوبي صباح اليوم الجمعة، ما أدى إلى مقتل ثلاثة مدنيين بينهم طفل وإصابة خمسة آخرين بجروح متفاوتة.",
    "وقال الدفاع المدني السوري إن فرقه انتشلت جثث الضحايا من تحت أنقاض منزل استهدفته القذائف، وأسعفت المصابين إلى مستشفى قريب في مدينة معرة مصرين.",
    "وتتعرض قرى جبل الزاوية وريف إدلب الجنوبي لقصف شبه يومي منذ أسابيع رغم اتفاق وقف إطلاق النار الموقع بين روسيا وتركيا في آذار من العام الماضي.",
]
COMMENT = "الله يرحم الشهداء ويفرج عن أهلنا في إدلب"


def article_page(paragraphs: list[str] | None = None, *, title: str = "قتلى مدنيون بقصف لقوات النظام على كفرنبل",
                 head: str = "", visible_date: str = "الجمعة 21 كانون الثاني 2022", body_class: str = "entry-content",
                 jsonld: dict | None = None, footer_year: int = 2024, extra_body: str = "") -> str:
    """A realistic article page: nav, h1, date line, share bar, body, tags, related, comments, footer."""
    paragraphs = PARAGRAPHS if paragraphs is None else paragraphs
    ld = f'<script type="application/ld+json">{json.dumps(jsonld, ensure_ascii=False)}</script>' if jsonld else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{title} - موقع الخبر</title><meta property="og:title" content="{title}">{head}{ld}</head><body>
<nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/news">أخبار</a></li><li><a href="/syria">سوريا</a></li></ul></nav>
<main><article><h1 class="entry-title">{title}</h1>
<div class="meta"><span class="author">فريق التحرير</span> <span class="date">{visible_date}</span></div>
<div class="share"><span>شارك المقال</span> <a href="#">فيسبوك</a> <a href="#">تويتر</a></div>
<div class="{body_class}">{body}{extra_body}</div>
<div class="tags"><span>كلمات مفتاحية:</span> <a href="/tag/idlib">إدلب</a> <a href="/tag/x">قصف</a></div>
</article>
<section class="related"><h3>مقالات ذات صلة</h3><ul><li><a href="/a">مقتل شاب برصاص مجهولين في درعا البلد</a></li>
<li><a href="/b">الأمم المتحدة تحذر من تدهور الوضع الإنساني في مخيمات الشمال</a></li></ul></section>
<section id="comments" class="comments"><h3>التعليقات</h3><ol><li class="comment"><p>{COMMENT}</p></li></ol></section>
</main>
<footer><p>اشترك في النشرة البريدية</p><p>© {footer_year} موقع الخبر. جميع الحقوق محفوظة</p></footer>
</body></html>"""


def _extract(page: str, **kwargs) -> ex.Extracted:
    return ex.extract(html.parse(page), "https://example.org/news/1", **kwargs)


def test_trafilatura_body_without_boilerplate_or_comments():
    got = _extract(article_page())
    assert got.method == "trafilatura"
    assert got.body.split("\n") == PARAGRAPHS
    assert got.title == "قتلى مدنيون بقصف لقوات النظام على كفرنبل"
    for junk in (COMMENT, "مقالات ذات صلة", "التعليقات", "شارك المقال", "جميع الحقوق محفوظة", "مقتل شاب برصاص"):
        assert junk not in got.body


def test_selector_override_wins_and_skips_share_inside_the_container():
    extra = '<div class="share-inline"><p>شارك على فيسبوك</p></div><aside><p>إعلان ممول لا علاقة له</p></aside>'
    page = article_page(body_class="news-body", extra_body=extra)
    got = _extract(page, selectors={"body": "div.news-body", "title": "h1.entry-title::text"})
    assert got.method == "selectors"
    assert got.body.split("\n") == PARAGRAPHS


def test_jsonld_article_body_when_trafilatura_gets_too_little():
    body = "\n".join(PARAGRAPHS)
    page = article_page(paragraphs=["اضغط هنا لقراءة الخبر"], jsonld={
        "@context": "https://schema.org", "@type": "NewsArticle", "articleBody": body,
        "author": {"@type": "Person", "name": "أحمد العلي"}})
    got = _extract(page)
    assert got.method == "jsonld"
    assert got.body == body
    assert got.author == "أحمد العلي"


def test_baseline_fallback_for_a_page_of_bare_divs():
    divs = "".join(f"<div>{p}</div>" for p in PARAGRAPHS)
    page = f"<html><body><div id='x'>{divs}</div></body></html>"
    got = ex.extract(html.parse(page), None)
    assert len(got.body) >= ex.MIN_PRIMARY_CHARS
    assert PARAGRAPHS[1][:60] in got.body


def test_tags_from_meta_and_feed_categories_deduplicated():
    page = article_page(head='<meta property="article:tag" content="إدلب"><meta property="article:tag" content="قصف">')
    got = _extract(page, feed_meta={"categories": ["أخبار سوريا", "إدلب"]})
    assert got.tags[:2] == ["إدلب", "قصف"] and "أخبار سوريا" in got.tags and got.tags.count("إدلب") == 1


def test_empty_and_garbage_pages_are_extraction_errors():
    with pytest.raises(ex.ExtractionError, match="no article text"):
        ex.extract(html.parse("<html><body><nav>الرئيسية</nav></body></html>"), None)
    garbage = random.Random(7).randbytes(6000).decode("cp1256")
    with pytest.raises(ex.ExtractionError, match="no article text"):
        ex.extract(html.parse(f"<html><body><p>{garbage}</p></body></html>"), None)


def test_language_flag():
    assert detect("\n".join(PARAGRAPHS)).is_arabic
    english = detect("Regime forces shelled the town of Kafranbel in southern Idlib on Friday, killing three civilians.")
    assert english.code == "en" and not english.is_arabic


def test_a_paragraph_wrapped_across_source_lines_is_one_line():
    """SANA's HTML wraps <p> text over several source lines: each paragraph must stay one line."""
    para = "شارك ممثلون عن الأهالي في اجتماع موسع\n        أقيم اليوم في المدينة لبحث الأوضاع الخدمية\n    وسبل تحسينها خلال الأشهر المقبلة."
    page = (f'<html><body><div class="entry-content rbct"><p>حمص-سانا</p><p>{para}</p>'
            f'<div class="media"><p>{para.replace("اجتماع", "لقاء")}</p></div></div></body></html>')
    body = ex.selector_body(html.parse(page), ".entry-content.rbct p")
    assert body.split("\n") == ["حمص-سانا", " ".join(para.split()), " ".join(para.replace("اجتماع", "لقاء").split())]

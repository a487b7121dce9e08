"""Hostile input: the cleaner (and, once present, the extractor) on random and mutated input.

Every outcome must be a result or a HadathError (recorded as a quarantined/skipped item by the
pipelines); anything else would crash a batch.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.clean.page import RawPage, clean_page
from etl.errors import HadathError

FIXTURES = Path(__file__).parent / "fixtures" / "scrapers"
SEED_PAGE = (FIXTURES / "article.html").read_bytes()
PAYLOADS = [b"<script>alert(1)</script>", b"'; DROP TABLE raw.articles; --", b"\x00\xff\xfe", b"<!--",
            b"<![CDATA[", b"&#x0;", "\u202e\u200f".encode(), b"<meta charset='utf-7'>", b"\xd9" * 50,
            "داعش قسد ٣ قتلى".encode()]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _clean(body: bytes) -> None:
    page = RawPage(article_id=1, outlet="orient", url="https://www.orient-news.net/ar/news_show/100001/0/x",
                   body=body, headers={"Content-Type": "text/html"})
    try:
        out = clean_page(page)
    except HadathError:
        return
    assert isinstance(out.body, str)


@FUZZ
@given(st.binary(max_size=4000))
def test_cleaner_survives_random_bytes(body):
    _clean(body)


@FUZZ
@given(st.text(max_size=3000))
def test_cleaner_survives_random_text(text):
    _clean(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(SEED_PAGE)), st.sampled_from(PAYLOADS), st.integers(0, 200)),
                max_size=8))
def test_cleaner_survives_mutated_pages(edits):
    body = bytearray(SEED_PAGE)
    for pos, payload, cut in edits:
        body[pos:pos + cut] = payload  # overwrite a slice with a hostile payload
    _clean(bytes(body))


def test_seed_page_is_an_article():
    body = clean_page(RawPage(1, "orient", "https://www.orient-news.net/ar/news_show/1/0/x", SEED_PAGE)).body
    assert "اشتباكات اندلعت قرب مارع" in body


@pytest.mark.parametrize("body", [b"", b"   ", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20])
def test_cleaner_rejects_non_pages_with_one_clear_error(body):
    with pytest.raises(HadathError) as err:
        clean_page(RawPage(1, "orient", "https://www.orient-news.net/ar/news_show/1/0/x", body))
    assert "\n" not in str(err.value)


ARABIC = st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى٠١٢٣٤٥٦٧٨٩ ،.؟؛\n")) | st.characters()
SEED_TEXT = ("قصفت قوات النظام بلدة كفرنبل جنوب إدلب صباح اليوم، ما أدى إلى مقتل ثلاثة مدنيين وإصابة آخرين. "
             "وهاجمت خلايا داعش حاجزاً لقسد في ذيبان بريف دير الزور الشرقي أمس.")


def _extract(text: str) -> None:
    from datetime import datetime

    from etl.events.base import get_extractor
    from etl.events.model import Article

    try:
        result = get_extractor("rules").extract(Article(text=text, published=datetime(2022, 1, 21, tzinfo=UTC),
                                                        outlet="orient"))
    except HadathError:
        return
    for ev in result.events:
        assert ev.fatalities >= 0 and 1 <= ev.geo_precision <= 3 and ev.evidence


@FUZZ
@given(st.text(alphabet=ARABIC, max_size=1500))
def test_extractor_survives_random_text(text):
    _extract(text)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(SEED_TEXT)), st.text(alphabet=ARABIC, max_size=20),
                          st.integers(0, 15)), max_size=10))
def test_extractor_survives_mutated_reports(edits):
    text = SEED_TEXT
    for pos, insert, cut in edits:
        text = text[:pos] + insert + text[pos + cut:]
    _extract(text)

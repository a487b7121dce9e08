"""Strategic developments are non-violent in ACLED's codebook: they never carry fatalities,
even when the sentence also reports a death."""

from __future__ import annotations

from datetime import UTC, datetime

from etl.events.base import get_extractor
from etl.events.model import Article

TEXT = ("شنت قوات النظام حملة دهم واعتقال في مدينة جاسم بريف درعا الشمالي اليوم، واعتقلت خمسة شبان، "
        "وقتلت شاباً حاول الفرار.")


def test_arrest_event_has_no_fatalities():
    events = get_extractor("rules").extract(Article(text=TEXT, published=datetime(2022, 1, 21, 12, tzinfo=UTC),
                                                    outlet="orient")).events
    arrests = [e for e in events if e.sub_event_type == "Arrests"]
    assert [(e.location, e.fatalities) for e in arrests] == [("Jasim", 0)]
    assert all(e.fatalities == 0 for e in events if e.event_type == "Strategic developments")

"""The HTML report: self-contained, escaped, and rendered by a real headless browser."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest

from etl.canonical import reconcile
from etl.events.model import Event, Evidence
from etl.load import ArticleEvents, load_article_events
from etl.report import write_report
from tests.conftest import query

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _seed(url: str) -> None:
    aid = query(url, """INSERT INTO raw.articles (outlet, canonical_url, url, fetched_at, http_status, html_gz,
                        content_hash) VALUES ('horrya', 'k', 'u', now(), 200, %s, 'h') RETURNING article_id""",
                (gzip.compress(b"x"),))[0][0]
    events = [Event(event_date=date(2022, 1, 20 + i % 3), time_precision=1, event_type=t, sub_event_type=s,
                    actor1="Islamic State (Syria)", inter1=2, actor2="SDF: Syrian Democratic Forces", inter2=2,
                    admin1=gov, admin1_pcode="SY09", location=f"Place {i}", location_ar=PAYLOAD if i == 0 else "ذيبان",
                    latitude=35.0 + i * 0.1, longitude=40.5 - i * 0.1, geo_precision=1, fatalities=i,
                    source="Horrya", evidence=[Evidence(0, "x")], confidence=0.5, extractor="r",
                    extractor_version="t")
              for i, (t, s, gov) in enumerate([("Battles", "Armed clash", "Deir-ez-Zor"),
                                               ("Explosions/Remote violence", "Air/drone strike", "Al-Hasakeh"),
                                               ("Violence against civilians", "Attack", "Dar'a")])]
    load_article_events([ArticleEvents(aid, "k", "horrya", "u", events)], url)
    reconcile([aid], url)


def test_report_is_self_contained_and_escaped(fresh_db_url, tmp_path: Path):
    _seed(fresh_db_url)
    out = tmp_path / "r.html"
    assert write_report(str(out), date(2022, 1, 20), date(2022, 1, 22), fresh_db_url) == 3
    text = out.read_text()
    assert "<script" not in text and "onerror=alert" not in text.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;" in text
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", text)  # nothing fetched from the network
    assert text.count("<svg") >= 5 and "Deir-ez-Zor" in text


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")), reason="no Chromium")
def test_report_renders_in_headless_chromium(fresh_db_url, tmp_path: Path):
    _seed(fresh_db_url)
    out = tmp_path / "r.html"
    write_report(str(out), date(2022, 1, 20), date(2022, 1, 22), fresh_db_url)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    shot = tmp_path / "shot.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tempfile.mkdtemp()}", "--virtual-time-budget=10000"]
    dom = subprocess.run([browser, *flags, "--dump-dom", out.as_uri()], capture_output=True, text=True,
                         timeout=120, check=False).stdout
    assert "Events by governorate" in dom and dom.count("<circle") >= 3 + 13
    subprocess.run([browser, *flags, "--window-size=1300,2400", f"--screenshot={shot}", out.as_uri()],
                   capture_output=True, timeout=120, check=False)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30_000  # a blank page compresses to a few KB

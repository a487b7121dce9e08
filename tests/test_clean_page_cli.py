"""`hadath clean --page FILE [--outlet SLUG] [--url URL]`: one saved page, one JSON object, no database.

The real SANA pages in ../shared must give the expected title, the publication time and exactly the
expected body paragraphs (so no navigation, related-article or footer text); the Assabah page must pass
trafilatura's own snippets. Snapshot pages check the same without ../shared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml
from parsel import Selector

from etl.arabic import normalize
from etl.clean.page_report import clean_file
from tests.conftest import ROOT

SANA_PAGES = {  # file -> publication time (real_sites/README.txt; the pages' article:published_time)
    "article1": "2025-09-06T20:26:33+03:00",
    "article2": "2025-09-06T23:07:04+03:00",
}
# Parts of the SANA page that are not the article (related boxes, sidebar, footer, share header).
SANA_NOT_ARTICLE_CSS = (".related-sec a.p-url::text", ".sidebar-wrap .p-url::text", ".copyright ::text",
                        ".e-shared-header ::text", "footer ::text", ".privacy-content ::text", ".breadcrumb-inner ::text")


def hadath_clean(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl.cli", "clean", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False, env={**os.environ, **(env or {})})


def one_object(res: subprocess.CompletedProcess) -> dict:
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) == 1, res.stdout
    return json.loads(lines[0])


@pytest.mark.parametrize("name", sorted(SANA_PAGES))
def test_sana_pages_title_date_and_exactly_the_body(shared_dir, name):
    folder = shared_dir / "data" / "real_sites" / "sana"
    expected = json.loads((folder / f"{name}-result.json").read_text(encoding="utf-8"))
    got = one_object(hadath_clean("--page", str(folder / f"{name}.html")))  # outlet from the canonical link
    assert got["outlet"] == "sana" and got["url"].startswith("https://sana.sy/")
    assert got["title"] == expected["title"]
    assert got["published"] == SANA_PAGES[name]
    assert got["date_source"] in ("meta", "jsonld") and got["language"] == "ar"
    assert got["text"].split("\n") == expected["body"]  # every paragraph, in order, and nothing else


def test_sana_page_holds_no_navigation_related_or_footer_text(shared_dir):
    page = shared_dir / "data" / "real_sites" / "sana" / "article2.html"
    expected = " ".join(json.loads((page.with_name("article2-result.json")).read_text(encoding="utf-8"))["body"])
    sel = Selector(text=page.read_text(encoding="utf-8"))
    junk = {" ".join(v.split()) for css in SANA_NOT_ARTICLE_CSS for v in sel.css(css).getall()}
    junk = {j for j in junk if len(j.split()) >= 3 and normalize(j) not in normalize(expected)}
    assert len(junk) >= 8  # related titles, sidebar titles, footer lines: the check has teeth
    text = normalize(clean_file(page, "sana")["text"])
    assert [j for j in junk if normalize(j) in text] == []


def test_assabah_page_passes_trafilaturas_snippets(shared_dir):
    folder = shared_dir / "data" / "real_sites" / "assabah"
    [(url, evaldata)] = json.loads((folder / "assabah.com.tn.article.evaldata.json").read_text(encoding="utf-8")).items()
    got = clean_file(folder / evaldata["file"], url=url)
    assert got["outlet"] is None  # not one of ours: the defaults apply
    text = normalize(got["text"])
    assert [s for s in evaldata["with"] if normalize(s) not in text] == []
    assert [s for s in evaldata["without"] if normalize(s) in text] == []
    assert normalize(got["title"]) == normalize(evaldata["title"])
    assert got["published"] is None and got["date_source"] == "none"  # the page shows no date


@pytest.mark.parametrize("source", ["suwayda24/02-protest-salkhad-electricity.yaml", "zamanalwsl/02-jableh-clash-smuggling.yaml",
                                    "sana/03-israeli-aggression-damascus-countryside.yaml"])
def test_snapshot_pages(source):
    sys.path.insert(0, str(ROOT / "snapshot"))
    import build

    doc = yaml.safe_load((ROOT / "snapshot" / "content" / source).read_text(encoding="utf-8"))
    slug = source.split("/")[0]
    page = ROOT / "snapshot" / "sites" / slug / build.file_for(doc["path"], ".html")
    if not page.is_file():
        pytest.skip("snapshot/sites is not built")
    got = one_object(hadath_clean("--page", str(page)))
    assert got["outlet"] == slug and got["title"] == doc["title"]
    paragraphs = [" ".join(p.split()) for p in doc["body"].split("\n\n") if p.strip()]
    assert got["text"].split("\n") == paragraphs
    if slug == "zamanalwsl":  # no meta, no JSON-LD: the printed day, at local noon
        assert (got["published"], got["date_source"]) == (doc["published"][:10] + "T12:00:00+02:00", "visible")
    else:
        assert got["published"] == doc["published"]


def test_outlet_from_url_selects_its_selectors(tmp_path):
    page = tmp_path / "p.html"
    paragraphs = ["اختطف مسلحون مجهولون شاباً من أبناء قرية في ريف السويداء الشرقي مساء أمس وطالبوا ذويه بفدية مالية كبيرة.",
                  "وقال مصدر محلي إن فصائل محلية استنفرت عناصرها بحثاً عن الخاطفين الذين فروا باتجاه البادية."]
    page.write_text('<html><body><h1>خبر</h1><div class="entry">' + "".join(f"<p>{p}</p>" for p in paragraphs)
                    + '<div class="share-post"><p>شارك هذا الخبر على فيسبوك وتويتر وواتساب الآن</p></div></div>'
                    + "<aside><p>" + "إعلان طويل لا علاقة له بالخبر " * 20 + "</p></aside></body></html>", encoding="utf-8")
    got = clean_file(page, url="https://www.suwayda24.com/?p=16012")
    assert got["outlet"] == "suwayda24" and got["extraction_method"] == "selectors"  # div.entry > p
    assert got["text"].split("\n") == paragraphs


@pytest.mark.parametrize("args, code, message", [
    (["--page", "/nonexistent/page.html"], 2, "cannot read /nonexistent/page.html"),
    (["--page", "EMPTY"], 2, "is empty"),
    (["--page", "BIG"], 2, "more than the 5242880 a crawled page can be"),
    (["--page", "NOTEXT"], 1, "no article text found"),
    (["--page", "NOTEXT", "--outlet", "nope"], 2, "unknown outlet 'nope'"),
    (["--page", "NOTEXT", "--url", "ftp://x/"], 2, "--url must be an http(s) URL"),
    (["--page", "NOTEXT", "--since", "2022-01-20"], 2, "--page cleans one file"),
    (["--outlet", "sana"], 2, "--outlet and --url go with --page"),
])
def test_bad_input_is_one_line(tmp_path, capsys, monkeypatch, args, code, message):
    from etl import cli

    files = {"EMPTY": b"  \n", "BIG": b"<p>x</p>" * 700_000,
             "NOTEXT": b"<html><body><h1>x</h1><p>short</p></body></html>"}
    for name, body in files.items():
        (tmp_path / name).write_bytes(body)
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")  # never used by --page
    assert cli.main(["clean", *[str(tmp_path / a) if a in files else a for a in args]]) == code
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and message in err, err


def test_a_blocked_page_exits_1_with_one_line_naming_the_block(tmp_path):
    page = ROOT / "snapshot" / "blocks" / "challenge.html"
    res = hadath_clean("--page", str(page))
    assert res.returncode == 1 and res.stdout == "", res
    assert len(res.stderr.splitlines()) == 1 and "blocked: challenge" in res.stderr, res.stderr


def test_the_real_cloudflare_page_is_named_as_a_block(shared_dir):
    res = hadath_clean("--page", str(shared_dir / "data" / "outlet_pages" / "syriahr.com_homepage_2018.html"))
    assert res.returncode == 1 and len(res.stderr.splitlines()) == 1 and "challenge" in res.stderr, res.stderr

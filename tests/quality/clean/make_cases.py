"""Regenerate tests/quality/clean/cases.yaml from the snapshot sources and the shared real pages.

Usage: .venv/bin/python tests/quality/clean/make_cases.py

- Snapshot pages: snapshot/sites/<slug>/<path>/index.html for every snapshot/content/<slug>/*.yaml.
  must_contain = the first and last words of every ``body`` paragraph; must_not_contain = the
  reader comments, other articles' titles (related links), share / tags / newsletter / copyright
  strings of the templates; published = the source's local day (null for ``no_date``).
- Shared pages (../shared/data/arabic_html): the gold texts shipped with them.
- Real outlet pages (../shared/data/real_sites): SANA's two article pages (expected title and body
  paragraphs from that project's tests; must_not_contain = the page's related-article titles, sidebar,
  privacy bar, share header and footer, read from the page) and the Assabah page (trafilatura's own
  with / without snippets).
Snippets that occur in the article's own body are never listed as must_not_contain.
The file is committed: review the diff after regenerating.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "snapshot"))

from etl.arabic import normalize  # noqa: E402

OUT = Path(__file__).with_name("cases.yaml")
SHARED = ROOT.parent / "shared" / "data" / "arabic_html"
REAL_SITES = ROOT.parent / "shared" / "data" / "real_sites"
# SANA pages: (file, URL, publication time from real_sites/README.txt)
SANA_PAGES = [("article1", "https://sana.sy/culture-and-arts/2280593/", "2025-09-06T20:26:33+03:00"),
              ("article2", "https://sana.sy/locals/2280713/", "2025-09-06T23:07:04+03:00")]
# Page parts of the SANA (Foxiz) theme that are not the article: related boxes, sidebar, privacy bar, footer.
SANA_JUNK_CSS = (".related-sec a.p-url::text", ".sidebar-wrap .p-url::text", ".copyright ::text",
                 ".e-shared-header ::text", "footer p::text")
MIN_JUNK_WORDS = 3  # shorter page strings (menu labels, tags) also occur inside article text
DAMASCUS = ZoneInfo("Asia/Damascus")
SNAPSHOT_FETCHED = "2022-01-23T03:00:00+02:00"  # a crawl the night after the snapshot window
SNIPPET_WORDS = 7  # words per must_contain snippet (start and end of each paragraph)
# Boilerplate every snapshot template carries in some form (share bar, tags, related, newsletter, footer).
TEMPLATE_JUNK = ["التعليقات", "كلمات مفتاحية", "مقالات ذات صلة", "اقرأ أيضاً", "شارك المقال", "تابعونا",
                 "اشترك في النشرة", "جميع الحقوق محفوظة", "©"]


def paragraph_snippets(body: str) -> list[str]:
    snippets = []
    for para in (p for p in body.split("\n") if p.strip()):
        words = para.split()
        snippets.append(" ".join(words[:SNIPPET_WORDS]))
        if len(words) > 2 * SNIPPET_WORDS:
            snippets.append(" ".join(words[-SNIPPET_WORDS:]))
    return snippets


def junk_not_in(body: str, junk: list[str]) -> list[str]:
    norm = normalize(body)
    return [j for j in dict.fromkeys(junk) if normalize(j) not in norm]


def snapshot_cases() -> list[dict]:
    import build  # snapshot/build.py: the same URL -> file rule as the server

    outlets = {o["slug"]: o for o in yaml.safe_load((ROOT / "scrapers/outlets.yaml").read_text())["outlets"]}
    comments = [text for _, text, _ in build.COMMENTS]
    cases = []
    for src in sorted((ROOT / "snapshot/content").glob("*/*.yaml")):
        art, slug = yaml.safe_load(src.read_text(encoding="utf-8")), src.parent.name
        page = Path("snapshot/sites") / slug / build.file_for(art["path"], ".html")
        sites = os.environ.get("CLEAN_GATE_SITES")  # development: a snapshot built elsewhere
        if not (Path(sites) / page.relative_to("snapshot/sites") if sites else ROOT / page).is_file():
            continue
        siblings = [yaml.safe_load(p.read_text(encoding="utf-8"))["title"] for p in src.parent.glob("*.yaml") if p != src]
        dated = art.get("published") and "no_date" not in (art.get("flags") or [])
        published = datetime.fromisoformat(str(art["published"])).astimezone(DAMASCUS).date().isoformat() if dated else None
        cases.append({"id": art["id"], "page": str(page), "outlet": slug, "url": outlets[slug]["base_url"] + art["path"],
                      "title": art["title"], "published": published, "fetched": SNAPSHOT_FETCHED,
                      "must_contain": paragraph_snippets(art["body"]),
                      "must_not_contain": junk_not_in(art["body"], comments + siblings + TEMPLATE_JUNK)})
    return cases


def shared_cases() -> list[dict]:
    if not SHARED.is_dir():
        return []
    cnn = (SHARED / "cnnarabic_2013-08-03_syria.clashes.expected_text.txt").read_text(encoding="utf-8")
    lbc = json.loads((SHARED / "lbcgroup_2026-01-08_article.expected.json").read_text(encoding="utf-8"))["V1"]
    lbc_body = "\n".join(p for s in lbc["body"]["sections"] for p in s["paragraphs"])
    lbc_url = json.loads((SHARED / "lbcgroup_2026-01-08_article.meta.json").read_text())["LBCGroup_2026_01_08.html.gz"]["url"]
    return [
        {"id": "shared-cnnarabic", "page": "shared:data/arabic_html/cnnarabic_2013-08-03_syria.clashes.html",
         "outlet": "cnnarabic", "url": "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html",
         "title": "معارضون يسيطرون على مخازن للصواريخ بريف دمشق", "published": "2013-08-03",
         "must_contain": paragraph_snippets(cnn),
         "must_not_contain": junk_not_in(cnn, ["ترحب شبكة CNN بالنقاش", "الآراء الواردة أدناه", "Cable News Network",
                                               "شروط الخدمة", "بيان الخصوصية", "All Rights Reserved"])},
        {"id": "shared-lbcgroup", "page": "shared:data/arabic_html/lbcgroup_2026-01-08_article.html",
         "outlet": "lbcgroup", "url": lbc_url, "title": lbc["title"], "published": "2026-01-08", "fetched": "2026-01-08T18:46:31+00:00",
         "must_contain": paragraph_snippets(lbc_body),
         "must_not_contain": junk_not_in(lbc_body, ["انضم الى ملايين المتابعين", "مقالات ذات صلة",
                                                    "مصرف لبنان طلب استشارات قانونية", "جميع الحقوق محفوظة",
                                                    "LBC International", "آخر الأخبار", "السياحة في لبنان"])},
    ]


def page_junk(page: Path, css: tuple[str, ...], body: str) -> list[str]:
    """Strings of the page's non-article parts (MIN_JUNK_WORDS words or more) that the body does not contain."""
    from parsel import Selector

    sel = Selector(text=page.read_text(encoding="utf-8"))
    found = [" ".join(v.split()) for c in css for v in sel.css(c).getall()]
    return junk_not_in(body, [v for v in found if len(v.split()) >= MIN_JUNK_WORDS])


def real_site_cases() -> list[dict]:
    if not REAL_SITES.is_dir():
        return []
    cases = []
    for name, url, published in SANA_PAGES:
        expected = json.loads((REAL_SITES / "sana" / f"{name}-result.json").read_text(encoding="utf-8"))
        body = "\n".join(expected["body"])
        cases.append({"id": f"real-sana-{name}", "page": f"shared:data/real_sites/sana/{name}.html", "outlet": "sana",
                      "url": url, "title": expected["title"], "published": published[:10],
                      "must_contain": paragraph_snippets(body),
                      "must_not_contain": page_junk(REAL_SITES / "sana" / f"{name}.html", SANA_JUNK_CSS, body)})
    [(url, evald)] = json.loads((REAL_SITES / "assabah" / "assabah.com.tn.article.evaldata.json").read_text()).items()
    cases.append({"id": "real-assabah", "page": "shared:data/real_sites/assabah/assabah.com.tn.article.html",
                  "outlet": "assabah", "url": url, "title": evald["title"], "published": None,
                  "must_contain": evald["with"], "must_not_contain": evald["without"]})
    return cases


def main() -> int:
    cases = snapshot_cases() + shared_cases() + real_site_cases()
    header = ("# Cleaning quality gate: saved pages with must_contain / must_not_contain snippets and the\n"
              "# expected published day (Asia/Damascus). Generated by make_cases.py, then reviewed.\n"
              "# page: a path in the repository, or shared:<path under ../shared> (skipped when absent).\n")
    OUT.write_text(header + yaml.safe_dump({"cases": cases}, allow_unicode=True, sort_keys=False, width=120),
                   encoding="utf-8")
    print(f"{len(cases)} cases -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The cleaning quality gate: run ``etl.clean.page.clean_page`` on the pages of cases.yaml and
score snippet-level precision / recall, title and date accuracy (used by tests/test_clean_quality.py
and bench/bench_clean.py).

- recall    = must_contain snippets found / must_contain snippets
- precision = must_contain found / (must_contain found + must_not_contain found)
- date accuracy = pages whose published day (Asia/Damascus) equals the expected one (null = no date)
- fallback date accuracy = the same with JSON-LD and every <meta> removed from the page, so that
  only the URL and the visible date near the title can answer (most snapshot pages carry JSON-LD)
Snippets are compared after ``etl.arabic.normalize`` (spacing, alef forms, diacritics).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from etl.arabic import normalize
from etl.clean import dates, html
from etl.clean.decode import decode_html
from etl.clean.outlets import outlet_config
from etl.clean.page import RawPage, clean_page

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SHARED = ROOT.parent / "shared"
DAMASCUS = ZoneInfo("Asia/Damascus")
# Development only: score pages of a snapshot built elsewhere (snapshot/build.py --out DIR).
SITES_OVERRIDE = os.environ.get("CLEAN_GATE_SITES")


def load_cases() -> list[dict]:
    return yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))["cases"]


def load_floors() -> dict:
    return yaml.safe_load((HERE / "floors.yaml").read_text(encoding="utf-8"))


def group_of(case: dict) -> str:
    """'real_sites' (real outlet pages), 'shared' (other real pages), 'snapshot' (generated pages)."""
    if case["page"].startswith("shared:data/real_sites/"):
        return "real_sites"
    return "shared" if case["page"].startswith("shared:") else "snapshot"


def page_path(case: dict) -> Path:
    page = case["page"]
    if page.startswith("shared:"):
        return SHARED / page.removeprefix("shared:")
    if SITES_OVERRIDE and page.startswith("snapshot/sites/"):
        return Path(SITES_OVERRIDE) / page.removeprefix("snapshot/sites/")
    return ROOT / page


def raw_page(case: dict, article_id: int = 0) -> RawPage:
    fetched = datetime.fromisoformat(case["fetched"]) if case.get("fetched") else None
    return RawPage(article_id, case["outlet"], case["url"], page_path(case).read_bytes(), fetched_at=fetched)


def snapshot_candidates() -> list[dict]:
    """{"page": ...} for every snapshot/content source, whether or not its page is built."""
    import sys

    sys.path.insert(0, str(ROOT / "snapshot"))
    import build  # snapshot/build.py: the URL -> file rule of the snapshot

    found = []
    for src in sorted((ROOT / "snapshot" / "content").glob("*/*.yaml")):
        art = yaml.safe_load(src.read_text(encoding="utf-8"))
        found.append({"page": str(Path("snapshot/sites") / src.parent.name / build.file_for(art["path"], ".html"))})
    return found


@dataclass
class Score:
    found: int = 0  # must_contain snippets present
    wanted: int = 0  # must_contain snippets
    junk: int = 0  # must_not_contain snippets present
    dates_ok: int = 0
    fallback_dates_ok: int = 0
    titles_ok: int = 0
    pages: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.wanted if self.wanted else 1.0

    @property
    def precision(self) -> float:
        return self.found / (self.found + self.junk) if self.found + self.junk else 1.0

    @property
    def date_accuracy(self) -> float:
        return self.dates_ok / self.pages if self.pages else 1.0

    def as_dict(self) -> dict:
        return {"pages": self.pages, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "date_accuracy": round(self.date_accuracy, 4),
                "fallback_date_accuracy": round(self.fallback_dates_ok / max(self.pages, 1), 4), "title_accuracy": round(self.titles_ok / max(self.pages, 1), 4)}


def score_case(case: dict, score: Score) -> None:
    """Clean one page and add its counts (and readable failure notes) to ``score``."""
    page = clean_page(raw_page(case))
    body = normalize(page.body)
    missing = [s for s in case["must_contain"] if normalize(s) not in body]
    junk = [s for s in case["must_not_contain"] if normalize(s) in body]
    day = page.published_at.astimezone(DAMASCUS).date().isoformat() if page.published_at else None
    score.pages += 1
    score.wanted += len(case["must_contain"])
    score.found += len(case["must_contain"]) - len(missing)
    score.junk += len(junk)
    score.dates_ok += day == case["published"]
    score.titles_ok += normalize(page.title or "") == normalize(case["title"])
    for kind, items in (("missing", missing), ("junk", junk)):
        score.failures += [f"{case['id']}: {kind} {s!r}" for s in items]
    if day != case["published"]:
        score.failures.append(f"{case['id']}: date {day} ({page.date_source}) != {case['published']}")
    fallback = fallback_date(case)
    score.fallback_dates_ok += fallback[0] == case["published"]
    if fallback[0] != case["published"]:
        score.failures.append(f"{case['id']}: fallback date {fallback[0]} ({fallback[1]}) != {case['published']}")


def fallback_date(case: dict) -> tuple[str | None, str]:
    """(local day, source) from the URL and visible dates only: JSON-LD and <meta> removed."""
    raw = raw_page(case)
    config = outlet_config(raw.outlet)
    tree = html.parse(decode_html(raw.body, raw.headers, raw.encoding).text)
    for node in tree.xpath('//script[contains(@type, "ld+json")] | //meta'):
        node.getparent().remove(node)
    found = dates.published_at(tree, raw.url, {}, config.timezone, config.selectors.get("date"), raw.fetched_at)
    return (found.at.astimezone(DAMASCUS).date().isoformat() if found.at else None), found.source


def evaluate(cases: list[dict]) -> dict[str, Score]:
    """Scores per group ('snapshot', 'shared') over the cases whose page file exists."""
    scores: dict[str, Score] = {}
    for case in cases:
        if page_path(case).is_file():
            score_case(case, scores.setdefault(group_of(case), Score()))
    return scores


if __name__ == "__main__":
    for group, result in evaluate(load_cases()).items():
        print(group, result.as_dict())
        print("\n".join("  " + f for f in result.failures))

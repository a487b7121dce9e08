"""Benchmark: what recognising blocks, the discovery fallback and `hadath outlets check` cost.

1. `scrapers.blocks.detect` on every HTML page of the snapshot, the block pages of snapshot/blocks/ and,
   when ../shared is present, its real article and home pages: microseconds per page (the median of
   REPEATS timings of each page, then the median and the maximum over pages), and that median as a share
   of the crawl's time per page (1 / crawl_pages_per_s of bench/results.json).
2. The fallback: `hadath crawl --fast --refresh` of enab on the snapshot with its configured sources, then
   with its feed and sitemap moved (404) and its listing dropped, so that the homepage's feed and
   robots.txt's sitemap must be found: HTTP responses, Scrapy's elapsed seconds and articles stored
   (median of the repeats, one throwaway database per configuration).
3. `hadath outlets check --base-url` of every enabled outlet on the snapshot (etl.outlet_check in this
   process, outlets side by side): wall seconds, median of the repeats.

Prints one JSON object and writes bench/sections/discovery.md.

    .venv/bin/python -m bench.bench_discovery [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import emit, median, throwaway_db  # noqa: E402

LOGGER = logging.getLogger(__name__)

DEFAULT_REPEATS = 3
DETECT_REPEATS = 20  # timings per page; the median is kept
WINDOW = ("2022-01-20", "2022-01-22")  # the snapshot's main window
SHARED_PAGES = ("data/real_sites/sana/article1.html", "data/real_sites/sana/article2.html",
                "data/real_sites/assabah/assabah.com.tn.article.html",
                "data/arabic_html/cnnarabic_2013-08-03_syria.clashes.html",
                "data/arabic_html/lbcgroup_2026-01-08_article.html",
                "data/outlet_pages/orient-news.net_homepage_2018.html",
                "data/outlet_pages/syria.tv_homepage_2018.html", "data/outlet_pages/syriahr.com_homepage_2018.html")


def pages() -> list[bytes]:
    found = sorted((ROOT / "snapshot" / "sites").rglob("*.html")) + sorted((ROOT / "snapshot" / "blocks").glob("*.html"))
    shared = ROOT.parent / "shared"
    found += [shared / p for p in SHARED_PAGES if (shared / p).exists()]
    return [p.read_bytes() for p in found]


def detect_cost() -> dict:
    from scrapers.blocks import detect

    per_page = []
    corpus = pages()
    for body in corpus:
        timings = []
        for _ in range(DETECT_REPEATS):
            start = time.perf_counter()
            detect(body, 200)
            timings.append(time.perf_counter() - start)
        per_page.append(median(timings) * 1e6)
    return {"detect_pages": len(corpus), "detect_us_median": round(median(per_page), 1),
            "detect_us_max": round(max(per_page), 1), "detect_page_kb_max": round(max(map(len, corpus)) / 1024)}


def moved_enab(folder: Path) -> str:
    data = yaml.safe_load((ROOT / "scrapers" / "outlets.yaml").read_text(encoding="utf-8"))
    enab = next(o for o in data["outlets"] if o["slug"] == "enab")
    enab.update(feeds=["/rss-moved.xml"], sitemaps=["/sitemap-moved.xml"])
    enab.pop("listing", None)
    path = folder / "outlets_moved.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def crawl_enab(base_url: str, outlets_file: str | None, repeats: int) -> dict:
    from etl import crawl

    runs = []
    with throwaway_db("hadath_bench_disc") as url:
        os.environ["DATABASE_URL"] = url
        opts = crawl.CrawlOptions(*WINDOW, base_url=base_url, refresh=True, fast=True, outlets_file=outlets_file)
        for _ in range(repeats):
            runs.append(crawl.crawl_outlets(["enab"], opts)[0])
    stored = max(r["new_articles"] + r["updated_articles"] for r in runs)
    return {"pages": int(median([r["pages_fetched"] for r in runs])),
            "elapsed_s": round(median([r["elapsed_s"] or 0.0 for r in runs]), 2), "articles": stored,
            "status": runs[-1]["status"]}


def check_cost(base_url: str, repeats: int) -> tuple[dict, dict[str, str]]:
    """Figures of the check, and its verdicts (for the text: results.json stays flat)."""
    from etl.outlet_check import check_outlets

    walls, verdicts = [], {}
    for _ in range(repeats):
        start = time.perf_counter()
        reports = check_outlets(None, base_url)
        walls.append(time.perf_counter() - start)
        verdicts = {r.slug: r.verdict for r in reports}
    return {"check_wall_s": round(median(walls), 2), "check_outlets": len(verdicts)}, verdicts


def markdown(f: dict, verdicts: dict[str, str], repeats: int) -> str:
    share = f"{f['detect_share_of_crawl_page_pct']:.2f} %" if "detect_share_of_crawl_page_pct" in f else "n/a"
    return f"""## Blocks, discovery fallback, outlet check (`bench/bench_discovery.py`)

| Measure | Figure |
|---|---:|
| `blocks.detect`, median per page ({f['detect_pages']} pages, up to {f['detect_page_kb_max']} KB) | {f['detect_us_median']} µs |
| `blocks.detect`, slowest page | {f['detect_us_max']} µs |
| share of the crawl's time per page (1 / `crawl_pages_per_s`) | {share} |
| enab crawl, configured sources: responses / Scrapy seconds / articles | {f['fallback_configured_pages']} / {f['fallback_configured_elapsed_s']} s / {f['fallback_configured_articles']} |
| enab crawl, feed and sitemap moved, no listing (fallback): responses / seconds / articles | {f['fallback_moved_pages']} / {f['fallback_moved_elapsed_s']} s / {f['fallback_moved_articles']} |
| `hadath outlets check` of {f['check_outlets']} outlets on the snapshot (wall) | {f['check_wall_s']} s |

Median of {repeats} repeats for the crawls and the check; every page is timed {DETECT_REPEATS} times.
The fallback crawl finds the same articles as the configured one (the feed the homepage announces, the
sitemap robots.txt names); the moved configuration's responses include the two 404s, the homepage and
robots.txt. Check verdicts: {json.dumps(verdicts)}.

Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()}. Python {platform.python_version()}.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    from etl.snapshot import start_server

    figures = detect_cost()
    results = ROOT / "bench" / "results.json"
    crawl_rate = json.loads(results.read_text()).get("crawl_pages_per_s") if results.exists() else None
    if crawl_rate:
        figures["detect_share_of_crawl_page_pct"] = round(figures["detect_us_median"] / 1e6 * crawl_rate * 100, 3)
    with start_server() as server, tempfile.TemporaryDirectory() as tmp:
        for name, outlets in (("configured", None), ("moved", moved_enab(Path(tmp)))):
            run = crawl_enab(server.base_url, outlets, args.repeats)
            figures.update({f"fallback_{name}_{k}": v for k, v in run.items() if k != "status"})
        checked, verdicts = check_cost(server.base_url, args.repeats)
        figures.update(checked)
    emit("discovery", figures, markdown(figures, verdicts, args.repeats))


if __name__ == "__main__":
    main()

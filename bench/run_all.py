"""`make bench`: run every benchmark, merge figures into bench/results.json, rebuild BENCHMARKS.md.

Each bench module prints a JSON object on its last stdout line and writes bench/sections/<name>.md.
A module that fails is reported and the others still run; the previous section is kept.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Order = order of sections in BENCHMARKS.md.
MODULES = ["crawl", "discovery", "clean", "extract", "gazetteer", "load", "parallel", "e2e", "views", "soak", "capacity"]
INTRO = """# Benchmarks

Figures measured on this project's machines (2 cores, noisy neighbours): every comparison runs
side by side in the same process run, repeated, and is reported as a median and as a ratio.
Regenerate with `make bench` (writes `bench/results.json`, a flat JSON object of the figures,
and this file from `bench/sections/*.md`). Benchmarks are never run as timed tests.
"""


def run_module(name: str) -> dict:
    path = BENCH / f"bench_{name}.py"
    if not path.exists():
        print(f"[bench] {name}: no bench_{name}.py, skipped", flush=True)
        return {}
    print(f"[bench] {name} ...", flush=True)
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", f"bench.bench_{name}"], cwd=ROOT, capture_output=True, text=True,
                         check=False)
    lines = [ln for ln in res.stdout.strip().splitlines() if ln.startswith("{")]
    if res.returncode != 0 or not lines:
        print(f"[bench] {name} FAILED (exit {res.returncode}): {(res.stderr.strip().splitlines() or ['?'])[-1]}")
        return {}
    figures = json.loads(lines[-1])
    print(f"[bench] {name} done in {time.perf_counter() - start:.0f}s: {figures}", flush=True)
    return figures


# (label, figure, target text, test) for the summary table; figures come from results.json.
TARGETS = [
    ("Clean cost vs bare trafilatura", "clean_vs_trafilatura_cost_ratio", "<= 1.5x", lambda v: v <= 1.5),
    ("Extraction, one core", "extract_articles_per_s", ">= 100 articles/s", lambda v: v >= 100),
    ("Gazetteer load (cold)", "gazetteer_load_s", "<= 1 s", lambda v: v <= 1),
    ("Gazetteer memory", "gazetteer_memory_mb", "<= 200 MB", lambda v: v <= 200),
    ("COPY load", "copy_events_per_s", ">= 20,000 events/s", lambda v: v >= 20_000),
    ("COPY vs executemany", "copy_vs_executemany_speedup", ">= 10x", lambda v: v >= 10),
    ("End to end, 10,000 articles (with Airflow)", "e2e_10k_wall_s", "< 600 s", lambda v: v < 600),
    ("Peak RSS, end to end", "e2e_peak_rss_mb", "< 1,024 MB, flat", lambda v: v < 1024),
    ("Per-article cost 10k vs 1k", "e2e_per_article_cost_ratio_10k_vs_1k", "<= ~1 (linear)", lambda v: v <= 1.2),
    ("Clean, 1 -> 2 workers", "clean_2_worker_speedup", "> 1", lambda v: v > 1),
    ("Extract, 1 -> 2 workers", "extract_2_worker_speedup", "> 1", lambda v: v > 1),
    ("Reporting views, 100k events", "views_all_under_1s", "each < 1 s", bool),
]


def targets_table(results: dict) -> str:
    rows = ["## Targets at a glance", "", "| Measure | Figure | Target | Met |", "|---|---|---|---|"]
    for label, key, target, ok in TARGETS:
        if key in results:
            rows.append(f"| {label} | {results[key]} | {target} | {'yes' if ok(results[key]) else '**no**'} |")
    return "\n".join(rows) + "\n"


def assemble(results: dict | None = None) -> str:
    parts = [INTRO, targets_table(results or {})]
    for name in MODULES:
        section = BENCH / "sections" / f"{name}.md"
        if section.exists():
            parts.append(section.read_text(encoding="utf-8"))
    extra = sorted(p for p in (BENCH / "sections").glob("*.md") if p.stem not in MODULES)
    parts += [p.read_text(encoding="utf-8") for p in extra]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("only", nargs="*", help="run only these benchmarks (default: all)")
    args = parser.parse_args()
    results_path = BENCH / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    for name in args.only or MODULES:
        results.update(run_module(name))
    results_path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    (ROOT / "BENCHMARKS.md").write_text(assemble(results), encoding="utf-8")
    print(f"wrote {results_path} and BENCHMARKS.md")


if __name__ == "__main__":
    main()

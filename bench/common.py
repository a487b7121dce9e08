"""Shared helpers for benchmarks: throwaway databases, medians, result files.

Benchmarks never run in the test suite. Each script prints one JSON object (its figures) on
its last stdout line and writes a markdown section to bench/sections/<name>.md;
bench/run_all.py (`make bench`) merges them into bench/results.json and BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from etl import embedded, migrate, settings
from etl.db import server_execute, with_dbname

BENCH_DIR = Path(__file__).resolve().parent
SECTIONS = BENCH_DIR / "sections"


def admin_url() -> str:
    url = os.environ.get(settings.ENV_TEST_DATABASE_URL) or os.environ.get(settings.ENV_DATABASE_URL)
    return url or embedded.ensure_running()


def _admin(sql: str) -> None:
    server_execute(admin_url(), sql)


@contextmanager
def throwaway_db(prefix: str = "hadath_bench", *, admin: str | None = None, migrated: bool = True) -> Iterator[str]:
    """A database (migrated unless told otherwise) on `admin`'s server (default admin_url()), dropped afterwards."""
    admin = admin or admin_url()
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    server_execute(admin, f'CREATE DATABASE "{name}"')
    url = with_dbname(admin, name)
    try:
        if migrated:
            migrate.upgrade(url)
        yield url
    finally:
        server_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values)


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def emit(name: str, figures: dict, markdown: str) -> None:
    """Write the section and print the figures as the last JSON line."""
    SECTIONS.mkdir(exist_ok=True)
    (SECTIONS / f"{name}.md").write_text(markdown.strip() + "\n", encoding="utf-8")
    print(json.dumps(figures, sort_keys=True))

"""Fan CPU-bound per-article work out to worker processes; the caller stays the single writer.

Used by cleaning and extraction: each batch's rows are split into interleaved chunks, one per
worker, and each chunk returns (done, failed); results come back in the rows' order.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from etl import settings

LOGGER = logging.getLogger(__name__)


@contextmanager
def worker_pool(workers: int | None = None) -> Iterator[Executor | None]:
    """A process pool of `workers` (default settings.workers()); None when one process is enough."""
    workers = workers or settings.workers()
    if workers > 1 and multiprocessing.current_process().daemon:
        # A Celery prefork worker runs tasks in daemonic processes, which may not start children:
        # work in-process there (the executor's workers are the parallelism).
        LOGGER.info("inside a daemonic process (e.g. a Celery worker): processing in-process, not %d workers",
                    workers)
        workers = 1
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


def map_rows(pool: Executor | None, fn: Callable[..., tuple[list, list]], rows: list[tuple], *fixed: Any,
             key: Callable[[Any], int]) -> tuple[list, list]:
    """fn(*fixed, chunk) -> (done, failed) over the rows, in the pool when there is one.
    `done` items are returned in the order of their rows (key(item) is the row's first column)."""
    if pool is None or len(rows) < 2:
        return fn(*fixed, rows)
    n = getattr(pool, "_max_workers", 2)
    rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]  # picklable
    chunks = [rows[i::n] for i in range(n) if rows[i::n]]
    done, failed = [], []
    for part_done, part_failed in pool.map(fn, *([f] * len(chunks) for f in fixed), chunks):
        done += part_done
        failed += part_failed
    order = {row[0]: i for i, row in enumerate(rows)}
    done.sort(key=lambda item: order[key(item)])
    return done, failed

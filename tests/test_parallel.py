"""etl.parallel: the process pool, and its in-process fallback where children are not allowed."""

from __future__ import annotations

import multiprocessing

from etl.parallel import map_rows, worker_pool


def _square(rows: list[tuple]) -> tuple[list, list]:
    return [(r[0], r[0] * r[0]) for r in rows], []


def _in_child(queue) -> None:
    try:
        with worker_pool(2) as pool:
            queue.put((pool is None, map_rows(pool, _square, [(i,) for i in range(5)], key=lambda d: d[0])))
    except Exception as err:  # noqa: BLE001 -- report any failure to the parent
        queue.put(("error", repr(err)))


def test_pool_spreads_rows_and_keeps_their_order():
    with worker_pool(2) as pool:
        assert pool is not None
        done, failed = map_rows(pool, _square, [(i,) for i in range(7)], key=lambda d: d[0])
    assert done == [(i, i * i) for i in range(7)] and failed == []


def test_daemonic_process_works_in_process():
    # Celery's prefork workers run tasks in daemonic processes, which may not start children
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_in_child, args=(queue,), daemon=True)
    child.start()
    result = queue.get(timeout=60)
    child.join(timeout=60)
    assert result == (True, ([(i, i * i) for i in range(5)], []))

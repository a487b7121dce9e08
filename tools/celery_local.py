"""Run the nightly DAG on Airflow's CeleryExecutor, locally: the docker-compose `celery` profile without Docker.

    .venv/bin/python tools/celery_local.py [--workers 2] [--day 2022-01-21] [--redis redis://127.0.0.1:6379/11]

What it starts (all on 127.0.0.1, all stopped at the end): a throwaway Airflow metadata database and a
throwaway Hadath database on the PostgreSQL of DATABASE_URL / TEST_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), the offline outlet snapshot, Airflow's api-server,
scheduler and dag-processor, and N `airflow celery worker` processes using Redis as the broker. It
triggers `hadath_nightly` for one night of the snapshot, waits for it, and prints which worker ran
which task and the rows that landed. Exit 0 when the run succeeded and every worker ran tasks.
Nothing here is specific to one machine: the same DAG file and settings run on N hosts.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import throwaway_db  # noqa: E402
from etl import airflow_env, db, snapshot  # noqa: E402

DAG_ID = "hadath_nightly"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_ok(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _sqlalchemy(url: str, driver: str) -> str:
    return url.replace("postgresql://", f"postgresql+{driver}://", 1) if driver else url


@contextmanager
def _process(cmd: list[str], env: dict, log: Path):
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _airflow(env: dict, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([airflow_env.airflow_bin(), *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def _query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    with db.transaction(url) as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def run(workers: int, day: date, redis_url: str, admin: str, timeout_s: int) -> int:
    if not _redis_ok(redis_url):
        print(f"Redis is not reachable at {redis_url}: start it (the compose `redis` service) and re-run")
        return 2
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hadath-celery-")))
        af_db = stack.enter_context(throwaway_db("hadath_airflow", admin=admin, migrated=False))
        data_db = stack.enter_context(throwaway_db("hadath_celery", admin=admin))
        server = stack.enter_context(snapshot.start_server())
        port = _free_port()
        env = airflow_env.environment(data_db)
        env.update({
            "AIRFLOW_HOME": str(tmp / "airflow"),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": _sqlalchemy(af_db, "psycopg2"),
            "AIRFLOW__CELERY__BROKER_URL": redis_url,
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + af_db,
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(16),
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",  # only the run triggered below
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": "etl.airflow_env.worker_hostname",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
            "HADATH_RETRY_DELAY_S": "1",
            "PYTHONPATH": str(ROOT),
        })
        started = time.monotonic()
        res = _airflow(env, "db", "migrate", timeout=600)
        if res.returncode != 0:
            print("airflow db migrate failed:", (res.stderr.strip().splitlines() or ["?"])[-1])
            return 1
        logs = tmp / "logs"
        logs.mkdir()
        for name, args in (("api-server", ["api-server", "--port", str(port)]), ("scheduler", ["scheduler"]),
                           ("dag-processor", ["dag-processor"])):
            stack.enter_context(_process([airflow_env.airflow_bin(), *args], env, logs / f"{name}.log"))
        for n in range(1, workers + 1):
            wenv = {**env, "HADATH_WORKER_NAME": f"worker-{n}",  # one log server port per worker on one host
                    "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(_free_port())}
            stack.enter_context(_process([airflow_env.airflow_bin(), "celery", "worker", "--celery-hostname",
                                          f"worker-{n}@%h"], wenv, logs / f"worker-{n}.log"))
        deadline = time.monotonic() + timeout_s
        paused_sql = "SELECT is_paused FROM dag WHERE dag_id = %s"
        while _query(af_db, paused_sql, (DAG_ID,)) != [(False,)]:  # parsed (by the dag-processor) and unpaused
            if time.monotonic() > deadline:
                print("the DAG never appeared or stayed paused; see", logs)
                return 1
            if _query(af_db, paused_sql, (DAG_ID,)):
                _airflow(env, "dags", "unpause", DAG_ID)
            time.sleep(3)
        # a backfill of one night: its run gets that night's data interval (a manual trigger's interval
        # would end now); the window is the Damascus day of the interval's start, as in a nightly run
        res = _airflow(env, "backfill", "create", "--dag-id", DAG_ID, "--from-date", str(day), "--to-date", str(day),
                       "--dag-run-conf", json.dumps({"base_url": server.base_url}))
        if res.returncode != 0:
            print("backfill create failed:", res.stderr.strip()[-500:])
            return 1
        state, run_id = "queued", None
        while state not in ("success", "failed") and time.monotonic() < deadline:
            time.sleep(5)
            rows = _query(af_db, "SELECT run_id, state FROM dag_run WHERE dag_id = %s ORDER BY id DESC LIMIT 1",
                          (DAG_ID,))
            run_id, state = rows[0] if rows else (None, "missing")
        tis = _query(af_db, """SELECT task_id, map_index, state, hostname FROM task_instance
                               WHERE dag_id = %s AND run_id = %s ORDER BY task_id, map_index""", (DAG_ID, run_id))
        counts = {t: _query(data_db, f"SELECT count(*) FROM {t}")[0][0]  # noqa: S608
                  for t in ("raw.articles", "staging.articles", "warehouse.events", "warehouse.canonical_events")}
        by_worker = Counter(h or "-" for _, _, _, h in tis)
        print(f"hadath_nightly {day} on CeleryExecutor with {workers} workers (Redis {redis_url}): {state} "
              f"in {time.monotonic() - started:.0f} s (Airflow start-up included)")
        for task_id, map_index, ti_state, host in tis:
            label = task_id if map_index < 0 else f"{task_id}[{map_index}]"
            print(f"  {label:40} {ti_state:10} {host}")
        print("tasks per worker:", dict(sorted(by_worker.items())))
        print("rows:", counts)
        used = {h for h in by_worker if h.startswith("worker-")}
        ok = state == "success" and len(used) == workers and counts["warehouse.events"] > 0
        if not ok:  # the temporary directory goes away: show the end of each log first
            failed = {t for t, _, st, _ in tis if st == "failed"}
            task_logs = [p for p in (tmp / "airflow" / "logs").rglob("*.log")
                         if any(f"task_id={t}" in str(p) for t in failed)]
            for log in sorted(logs.glob("*.log")) + sorted(task_logs):
                print(f"--- {log.name}", *log.read_text(errors="replace").splitlines()[-15:], sep="\n")
        return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--day", type=date.fromisoformat, default=date(2022, 1, 21))
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--timeout", type=int, default=900, help="seconds for the whole run")
    args = parser.parse_args()
    admin = (os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
             or "postgresql://postgres@127.0.0.1:5432/postgres")
    return run(args.workers, args.day, args.redis, admin, args.timeout)


if __name__ == "__main__":
    sys.exit(main())

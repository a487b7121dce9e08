"""The nightly DAG on Airflow's CeleryExecutor (the docker-compose `celery` profile, without Docker):
two `airflow celery worker` processes and Redis at 127.0.0.1:6379, via tools/celery_local.py."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_nightly_dag_runs_on_two_celery_workers(db_url):
    env = {**os.environ, "TEST_DATABASE_URL": db_url}
    res = subprocess.run([sys.executable, "tools/celery_local.py", "--workers", "2", "--timeout", "600"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    out = res.stdout
    assert res.returncode == 0, out[-4000:] + res.stderr[-2000:]
    assert "on CeleryExecutor with 2 workers" in out and ": success in" in out
    per_worker = dict(re.findall(r"'(worker-\d)': (\d+)", out))
    assert set(per_worker) == {"worker-1", "worker-2"}  # both workers ran tasks
    rows = dict(re.findall(r"'([a-z_.]+)': (\d+)", out.split("rows:")[1]))
    assert int(rows["warehouse.events"]) > 0 and int(rows["warehouse.canonical_events"]) > 0

"""A project-local Airflow: AIRFLOW_HOME under .hadath/airflow, this repo's dags/, and the
`hadath_db` connection pointing at the selected warehouse (DATABASE_URL or embedded)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from etl import settings
from etl.errors import HadathError

LOGGER = logging.getLogger(__name__)

PARALLELISM = 4  # 2-core machines: Airflow's default 32 starts ~32 processes (~5.5 GB RSS)
LOCAL_RETRY_DELAY_S = 5  # `hadath run`: a failed outlet is retried quickly, so the run stays bounded
MIGRATE_TIMEOUT_S = 300


def airflow_home() -> Path:
    return settings.state_dir() / "airflow"


def connection_json(url: str) -> str:
    """AIRFLOW_CONN_HADATH_DB in Airflow's JSON form (keeps socket hosts intact)."""
    if "://" not in url:  # a key=value DSN
        parts = dict(p.split("=", 1) for p in url.split())
        host, port, db, user, pw = (parts.get(k) for k in ("host", "port", "dbname", "user", "password"))
    else:
        sp = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(sp.query).items()}
        host = query.get("host") or sp.hostname
        port = query.get("port") or sp.port
        db, user = unquote(sp.path.lstrip("/")) or None, unquote(sp.username) if sp.username else None
        pw = unquote(sp.password) if sp.password else None
    conn = {"conn_type": "postgres", "host": host, "port": int(port) if port else None,
            "schema": db, "login": user, "password": pw}
    return json.dumps({k: v for k, v in conn.items() if v is not None})


def environment(url: str) -> dict[str, str]:
    """Environment for Airflow subprocesses."""
    home = airflow_home()
    bin_dir = str(Path(sys.executable).parent)
    env = dict(os.environ)
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(settings.project_root() / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PARALLELISM": str(PARALLELISM),
        "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": str(PARALLELISM),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": env.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "INFO"),
        "AIRFLOW_CONN_HADATH_DB": connection_json(url),
        settings.ENV_DATABASE_URL: url,
        "HADATH_RETRY_DELAY_S": env.get("HADATH_RETRY_DELAY_S", str(LOCAL_RETRY_DELAY_S)),
        "PATH": bin_dir + os.pathsep + env.get("PATH", ""),  # standalone starts children named `airflow`
        "NO_PROXY": "*",
    })
    return env


def ensure_migrated(env: dict[str, str]) -> None:
    """`airflow db migrate` once per Airflow version (stamp file in AIRFLOW_HOME). Airflow is not
    imported here: importing it would read (and create) the default ~/airflow home."""
    from importlib.metadata import version

    home = Path(env["AIRFLOW_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    stamp = home / f".migrated-{version('apache-airflow')}"
    if stamp.exists():
        return
    LOGGER.info("initialising Airflow metadata in %s", home)
    res = subprocess.run([airflow_bin(), "db", "migrate"], env=env, capture_output=True, text=True,
                         timeout=MIGRATE_TIMEOUT_S, check=False)
    if res.returncode != 0:
        raise HadathError(f"airflow db migrate failed: {(res.stderr.strip().splitlines() or ['?'])[-1]}")
    stamp.touch()


def worker_hostname() -> str:
    """Airflow's `[core] hostname_callable` for several workers on one host (tools/celery_local.py):
    HADATH_WORKER_NAME when set, else the host name, so the UI shows which worker ran a task."""
    import socket

    return os.environ.get("HADATH_WORKER_NAME") or socket.getfqdn()


def airflow_bin() -> str:
    return str(Path(sys.executable).parent / "airflow")

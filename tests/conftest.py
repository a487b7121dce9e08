"""Test fixtures: a real PostgreSQL only (never SQLite or mocks for the data layer).

A throwaway database is created per test session on the server named by TEST_DATABASE_URL,
else DATABASE_URL, else the embedded default, migrated, and dropped at the end.
`fresh_db_url` clones it (CREATE DATABASE ... TEMPLATE) for tests that need an empty warehouse.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

# Airflow reads its configuration when first imported: give the test session its own home.
AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="hadath-airflow-test-"))
os.environ["AIRFLOW_HOME"] = str(AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")

import psycopg2  # noqa: E402
import pytest  # noqa: E402

from etl import embedded, migrate, settings  # noqa: E402
from etl.db import server_execute as _admin_exec  # noqa: E402
from etl.db import with_dbname  # noqa: E402


def _admin_url() -> str:
    url = os.environ.get(settings.ENV_TEST_DATABASE_URL) or os.environ.get(settings.ENV_DATABASE_URL)
    return url or embedded.ensure_running()


@pytest.fixture(scope="session")
def admin_url() -> str:
    return _admin_url()


@pytest.fixture(scope="session")
def db_url(admin_url: str) -> Iterator[str]:
    """A migrated throwaway database for the whole session; DATABASE_URL points at it."""
    name = f"hadath_test_{uuid.uuid4().hex[:10]}"
    _admin_exec(admin_url, f'CREATE DATABASE "{name}"')
    url = with_dbname(admin_url, name)
    old = os.environ.get(settings.ENV_DATABASE_URL)
    os.environ[settings.ENV_DATABASE_URL] = url  # subprocesses (hadath, scrapy, airflow) inherit it
    try:
        migrate.upgrade(url)
        yield url
    finally:
        if old is None:
            os.environ.pop(settings.ENV_DATABASE_URL, None)
        else:
            os.environ[settings.ENV_DATABASE_URL] = old
        _admin_exec(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_db_url(admin_url: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty migrated database of its own (cloned from the session database)."""
    template = urlsplit(db_url).path.lstrip("/")
    name = f"hadath_t_{uuid.uuid4().hex[:10]}"
    _admin_exec(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = with_dbname(admin_url, name)
    monkeypatch.setenv(settings.ENV_DATABASE_URL, url)
    try:
        yield url
    finally:
        _admin_exec(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def shared_dir() -> Path:
    """../shared (reference data); tests that need it skip cleanly when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present (it is only on the developers' machines)")
    return SHARED


def query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()

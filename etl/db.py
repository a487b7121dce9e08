"""Database selection and connections.

`DATABASE_URL` (a libpq URI) selects the database. When it is unset, the embedded
project-local PostgreSQL (etl.embedded) is started on demand and used instead.
Connection failures become one-line `DatabaseUnavailable` errors naming DATABASE_URL.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import psycopg2.extensions
import psycopg2.extras

from etl import settings
from etl.errors import DatabaseUnavailable

LOGGER = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5  # fail fast on an unreachable host instead of hanging a nightly run
APPLICATION_NAME = "hadath"


@dataclass(frozen=True)
class Target:
    url: str
    kind: str  # "DATABASE_URL" or "embedded"

    @property
    def display(self) -> str:
        return redact(self.url)


def redact(url: str) -> str:
    """Hide the password in a libpq URI (postgresql://user:secret@host -> user:***@host)."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def target(url: str | None = None) -> Target:
    """The database to use: an explicit URL, else DATABASE_URL, else the embedded server."""
    if url:
        return Target(url, "explicit")
    env_url = os.environ.get(settings.ENV_DATABASE_URL)
    if env_url:
        return Target(env_url, settings.ENV_DATABASE_URL)
    from etl import embedded

    return Target(embedded.ensure_running(), "embedded")


def connect(url: str | None = None) -> psycopg2.extensions.connection:
    """Open a connection, or raise DatabaseUnavailable with one clear line."""
    tgt = target(url)
    try:
        conn = psycopg2.connect(tgt.url, connect_timeout=CONNECT_TIMEOUT_S, application_name=APPLICATION_NAME)
    except psycopg2.Error as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        source = "embedded PostgreSQL" if tgt.kind == "embedded" else f"{settings.ENV_DATABASE_URL}={tgt.display}"
        raise DatabaseUnavailable(f"cannot connect to the database ({source}): {first}") from None
    return conn


@contextmanager
def transaction(url: str | None = None) -> Iterator[psycopg2.extensions.cursor]:
    """A cursor inside one transaction: committed on success, rolled back on any error."""
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


def execute_values(cur: psycopg2.extensions.cursor, sql: str, rows: list[tuple], page_size: int = 500) -> None:
    psycopg2.extras.execute_values(cur, sql, rows, page_size=page_size)


def with_dbname(url: str, dbname: str) -> str:
    """The same libpq URI pointing at another database on the same server."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


def server_execute(url: str, sql: str) -> None:
    """Run one statement outside a transaction in the server's `postgres` database
    (CREATE / DROP DATABASE for throwaway test and benchmark databases)."""
    conn = psycopg2.connect(with_dbname(url, "postgres"), connect_timeout=CONNECT_TIMEOUT_S)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()

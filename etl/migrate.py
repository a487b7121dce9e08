"""Numbered SQL migrations: `sql/NNNN_name.sql`, applied in order, each in its own transaction.

Applied files are recorded in `hadath_meta.schema_migrations` with a SHA-256 checksum.
Re-running is a no-op; a changed checksum of an applied file is refused (write a new
migration instead). A session advisory lock serialises concurrent upgrades (e.g. several
Airflow workers starting at once).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from etl import db, settings
from etl.errors import HadathError

LOGGER = logging.getLogger(__name__)

FILENAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
LOCK_KEY = 0x4861_6461  # "Hada": pg_advisory_lock key for upgrades

BOOTSTRAP = """
CREATE SCHEMA IF NOT EXISTS hadath_meta;
CREATE TABLE IF NOT EXISTS hadath_meta.schema_migrations (
    version    integer PRIMARY KEY,
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def discover(folder: Path | None = None) -> list[Migration]:
    folder = folder or settings.sql_dir()
    found: list[Migration] = []
    for path in sorted(folder.glob("*.sql")):
        match = FILENAME.match(path.name)
        if not match:
            raise HadathError(f"bad migration file name {path.name!r}: expected NNNN_name.sql")
        found.append(Migration(int(match.group(1)), match.group(2), path))
    versions = [m.version for m in found]
    if len(versions) != len(set(versions)):
        raise HadathError(f"duplicate migration numbers in {folder}")
    return found


def applied(cur) -> dict[int, str]:
    cur.execute("SELECT to_regclass('hadath_meta.schema_migrations')")
    if cur.fetchone()[0] is None:
        return {}
    cur.execute("SELECT version, checksum FROM hadath_meta.schema_migrations")
    return dict(cur.fetchall())


def upgrade(url: str | None = None, folder: Path | None = None) -> list[Migration]:
    """Apply pending migrations; return the ones applied now."""
    migrations = discover(folder)
    conn = db.connect(url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
            cur.execute(BOOTSTRAP)
        done = _applied_with_check(conn, migrations)
        pending = [m for m in migrations if m.version not in done]
        for mig in pending:
            _apply(conn, mig)
        return pending
    finally:
        conn.close()  # also releases the advisory lock


def _applied_with_check(conn, migrations: list[Migration]) -> dict[int, str]:
    with conn.cursor() as cur:
        done = applied(cur)
    for mig in migrations:
        if mig.version in done and done[mig.version] != mig.checksum:
            raise HadathError(
                f"migration {mig.path.name} was edited after it was applied "
                "(checksum differs); never edit an applied migration, add a new one"
            )
    return done


def _apply(conn, mig: Migration) -> None:
    LOGGER.info("applying migration %s", mig.path.name)
    conn.autocommit = False
    try:
        with conn.cursor() as cur:
            cur.execute(mig.sql)
            cur.execute(
                "INSERT INTO hadath_meta.schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                (mig.version, mig.name, mig.checksum),
            )
        conn.commit()
    except Exception as err:
        conn.rollback()
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise HadathError(f"migration {mig.path.name} failed and was rolled back: {first}") from None
    finally:
        conn.autocommit = True


def status(url: str | None = None, folder: Path | None = None) -> tuple[list[Migration], list[Migration]]:
    """(applied, pending) migrations."""
    migrations = discover(folder)
    with db.transaction(url) as cur:
        done = applied(cur)
    return [m for m in migrations if m.version in done], [m for m in migrations if m.version not in done]


def configure_reader(url: str | None = None) -> bool:
    """Give the read-only role a login when HADATH_READER_PASSWORD is set (never stored in the repo)."""
    password = os.environ.get(settings.ENV_READER_PASSWORD)
    if not password:
        return False
    with db.transaction(url) as cur:
        cur.execute("ALTER ROLE hadath_reader LOGIN PASSWORD %s", (password,))
    return True

"""Embedded, project-local PostgreSQL used when DATABASE_URL is unset.

The server binaries come from the `pgserver` wheel (PostgreSQL 16, ~11 MB); we drive them
ourselves instead of calling `pgserver.get_server()`, because that helper, run as root,
creates a system user and widens permissions on parent folders (see STACK_NOTES.md).

Layout (all inside the state folder, `<project>/.hadath/` by default):

    pg/data/     the cluster (owned by the server user, mode 0700)
    pg/run/      the Unix socket (no TCP listener: nothing is exposed on the network)
    pg/log       the server log

As root, PostgreSQL refuses to run, so the server runs as an existing unprivileged user
(HADATH_PG_USER, else `postgres`, else `nobody`). Nothing outside the project folder is
created or chmod-ed. If that user cannot reach the project folder (e.g. a checkout under
/root, mode 0700), the server files live in `/var/tmp/hadath-<user>-<hash of the state folder path>/`
instead, including a copy of the binaries when the virtualenv itself is unreachable.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import logging
import os
import pwd
import shutil
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from etl import settings
from etl.errors import HadathError

LOGGER = logging.getLogger(__name__)

DB_NAME = "hadath"
PORT = 5432  # only names the socket file (.s.PGSQL.5432); no TCP listener
START_TIMEOUT_S = 60
CANDIDATE_USERS = ("postgres", "nobody")
MAX_SOCKET_PATH = 100  # Unix socket paths are limited to ~107 bytes


@dataclass(frozen=True)
class Layout:
    root: Path  # folder holding data/, run/, log
    bin_dir: Path
    run_as: str | None  # OS user for the server when we are root, else None

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    @property
    def log(self) -> Path:
        return self.root / "log"

    def url(self, dbname: str = DB_NAME) -> str:
        return f"postgresql://postgres@/{dbname}?host={self.socket_dir}&port={PORT}"


def _pgserver_bin() -> Path:
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise HadathError("embedded PostgreSQL needs the 'pgserver' package: run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _server_user() -> str | None:
    if os.geteuid() != 0:
        return None
    wanted = os.environ.get(settings.ENV_PG_USER)
    for name in ([wanted] if wanted else []) + list(CANDIDATE_USERS):
        try:
            if pwd.getpwnam(name).pw_uid != 0:
                return name
        except KeyError:
            continue
    raise HadathError(
        "embedded PostgreSQL cannot run as root and no unprivileged user exists; "
        f"set {settings.ENV_PG_USER} to an existing user, or set DATABASE_URL"
    )


def _user_can(user: str, test: str, path: Path) -> bool:
    """True when `user` passes `test -<flag> path` (checks every parent's x bit too)."""
    result = subprocess.run(["test", test, str(path)], user=user, capture_output=True, check=False)
    return result.returncode == 0


def fallback_root(user: str) -> Path:
    digest = hashlib.sha1(str(settings.state_dir()).encode()).hexdigest()[:10]
    return Path("/var/tmp") / f"hadath-{user}-{digest}"


def layout() -> Layout:
    """Decide where the cluster lives and which binaries run it."""
    bin_dir = _pgserver_bin()
    user = _server_user()
    root = settings.state_dir() / "pg"
    if user is None:
        return Layout(root, bin_dir, None)
    root.parent.mkdir(parents=True, exist_ok=True)
    if not _user_can(user, "-x", root.parent):
        root = fallback_root(user)
    if not _user_can(user, "-x", bin_dir / "postgres"):
        bin_dir = _copied_binaries(bin_dir, fallback_root(user))
    return Layout(root, bin_dir, user)


def _copied_binaries(src_bin: Path, dest_root: Path) -> Path:
    """Copy pginstall/ where the server user can read it (venv under /root, say)."""
    dest = dest_root / "pginstall"
    if not (dest / "bin" / "postgres").exists():
        LOGGER.info("copying PostgreSQL binaries to %s (server user cannot read the venv)", dest)
        dest_root.mkdir(mode=0o755, parents=True, exist_ok=True)
        shutil.copytree(src_bin.parent, dest, dirs_exist_ok=True)
    return dest / "bin"


def _socket_dir_ok(lay: Layout) -> None:
    if len(str(lay.socket_dir)) > MAX_SOCKET_PATH:
        raise HadathError(
            f"project path too long for a Unix socket ({lay.socket_dir}); set "
            f"{settings.ENV_STATE_DIR} to a shorter folder, or set DATABASE_URL"
        )


def _run(lay: Layout, args: list[str], timeout: float = START_TIMEOUT_S) -> subprocess.CompletedProcess:
    cmd = [str(lay.bin_dir / args[0]), *args[1:]]
    return subprocess.run(cmd, user=lay.run_as, capture_output=True, text=True, timeout=timeout, check=False)


def _prepare_dirs(lay: Layout) -> None:
    for path in (lay.root, lay.data, lay.socket_dir):
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if lay.run_as:
        pw = pwd.getpwnam(lay.run_as)
        for path in (lay.root, lay.data, lay.socket_dir):
            os.chown(path, pw.pw_uid, pw.pw_gid)
        os.chmod(lay.root, 0o711)  # let the client reach the socket
        os.chmod(lay.socket_dir, 0o755)


def _initdb(lay: Layout) -> None:
    LOGGER.info("initialising embedded PostgreSQL in %s", lay.data)
    res = _run(lay, ["initdb", "-D", str(lay.data), "-U", "postgres", "--auth=trust",
                     "--encoding=UTF8", "--no-locale", "--no-instructions"])
    if res.returncode != 0:
        raise HadathError(f"embedded PostgreSQL initdb failed: {_last_line(res.stderr)}")


def _last_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else "no output"


def is_running(lay: Layout) -> bool:
    return (lay.data / "postmaster.pid").exists() and _run(lay, ["pg_ctl", "status", "-D", str(lay.data)]).returncode == 0


def _start(lay: Layout) -> None:
    opts = f"-k {lay.socket_dir} -c listen_addresses='' -p {PORT} -c max_connections=100"
    if lay.run_as:
        lay.log.touch()
        pw = pwd.getpwnam(lay.run_as)
        os.chown(lay.log, pw.pw_uid, pw.pw_gid)
    res = _run(lay, ["pg_ctl", "start", "-w", "-t", str(START_TIMEOUT_S), "-D", str(lay.data),
                     "-l", str(lay.log), "-o", opts])
    if res.returncode != 0:
        raise HadathError(f"embedded PostgreSQL did not start (see {lay.log}): {_last_line(res.stderr or res.stdout)}")


def _ensure_database(lay: Layout) -> None:
    import psycopg2

    conn = psycopg2.connect(lay.url("postgres"))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,))
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    finally:
        conn.close()


@contextmanager
def _lock(lay: Layout):
    settings.state_dir().mkdir(parents=True, exist_ok=True)
    with open(settings.state_dir() / "embedded.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def ensure_running() -> str:
    """Start the embedded server if needed (idempotent, concurrency-safe); return its URI."""
    lay = layout()
    _socket_dir_ok(lay)
    with _lock(lay):
        if not (lay.data / "PG_VERSION").exists():
            _prepare_dirs(lay)
            _initdb(lay)
        if not is_running(lay):
            _start(lay)
            _wait_ready(lay)
        _ensure_database(lay)
    return lay.url()


def _wait_ready(lay: Layout) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while _run(lay, ["pg_isready", "-h", str(lay.socket_dir), "-p", str(PORT)]).returncode != 0:
        if time.monotonic() > deadline:
            raise HadathError(f"embedded PostgreSQL not ready after {START_TIMEOUT_S}s (see {lay.log})")
        time.sleep(0.2)


def stop() -> bool:
    """Stop the embedded server; False when it was not running."""
    lay = layout()
    if not is_running(lay):
        return False
    res = _run(lay, ["pg_ctl", "stop", "-m", "fast", "-D", str(lay.data)])
    return res.returncode == 0

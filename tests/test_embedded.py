"""The embedded default: a user without PostgreSQL (DATABASE_URL unset) is covered."""

from __future__ import annotations

import os
import pwd
import shutil
import site
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from etl import embedded
from tests.conftest import ROOT

HADATH = [sys.executable, "-m", "etl.cli"]


def _env(state: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env["HADATH_STATE_DIR"] = str(state)
    return env


def _interpreter_for(user: str | None, env: dict[str, str]) -> list[str]:
    """sys.executable, or (for another user who cannot reach it, e.g. a pyenv under /root)
    a system Python of the same version with this venv's site-packages on PYTHONPATH."""
    if user is None:
        return HADATH
    if subprocess.run(["test", "-x", sys.executable], user=user, check=False).returncode == 0:
        return HADATH
    system = shutil.which(f"python{sys.version_info.major}.{sys.version_info.minor}", path="/usr/bin:/bin")
    if not system:
        pytest.skip(f"no Python interpreter that user {user!r} can run")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *site.getsitepackages()])
    return [system, "-m", "etl.cli"]


def _hadath(args: list[str], env: dict[str, str], user: str | None = None) -> subprocess.CompletedProcess:
    cmd = _interpreter_for(user, env)
    return subprocess.run(cmd + args, env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=180, user=user, check=False)


def _roundtrip(state: Path, user: str | None = None) -> str:
    env = _env(state)
    try:
        up = _hadath(["db", "upgrade"], env, user)
        assert up.returncode == 0, up.stderr
        st = _hadath(["db", "status"], env, user)
        assert st.returncode == 0, st.stderr
        assert "embedded PostgreSQL" in st.stdout
        assert "0 pending" in st.stdout
        again = _hadath(["db", "upgrade"], env, user)
        assert "applied 0 migration(s)" in again.stdout
        return st.stdout
    finally:
        _hadath(["db", "stop"], env, user)


def test_embedded_default_starts_on_demand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    state = tmp_path / "state"
    try:
        out = _roundtrip(state)
    finally:
        if os.geteuid() == 0:  # tmp_path is private to root, so the /var/tmp fallback was used
            monkeypatch.setenv("HADATH_STATE_DIR", str(state))
            shutil.rmtree(embedded.fallback_root(embedded._server_user()), ignore_errors=True)
    if os.geteuid() == 0:
        assert "server runs as OS user" in out  # PostgreSQL refuses root; an unprivileged user runs it


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch to a normal user")
def test_embedded_default_as_normal_user(tmp_path: Path):
    user = "nobody"
    state = Path("/var/tmp") / f"hadath-test-{uuid.uuid4().hex[:8]}"
    state.mkdir(mode=0o755)
    pw = pwd.getpwnam(user)
    os.chown(state, pw.pw_uid, pw.pw_gid)
    try:
        out = _roundtrip(state, user=user)
        assert "server runs as OS user" not in out
        assert (state / "pg" / "data" / "PG_VERSION").exists()
    finally:
        shutil.rmtree(state, ignore_errors=True)

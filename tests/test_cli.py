"""CLI contract: one clear line on errors, documented exit codes, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def _hadath(*args: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **env}
    return subprocess.run([sys.executable, "-m", "etl.cli", *args], env=full_env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def test_unreachable_database_is_one_line_naming_database_url():
    res = _hadath("db", "status", DATABASE_URL="postgresql://hadath:secret@127.0.0.1:1/nowhere")
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert "DATABASE_URL=" in lines[0]
    assert "secret" not in lines[0]  # the password is redacted
    assert "Traceback" not in res.stderr


def test_missing_database_is_one_line():
    res = _hadath("db", "upgrade", DATABASE_URL="postgresql://postgres@127.0.0.1:5432/no_such_db_hadath")
    assert res.returncode == 1
    assert len(res.stderr.strip().splitlines()) == 1
    assert "DATABASE_URL" in res.stderr


def test_usage_error_exits_2():
    res = _hadath("db", "frobnicate")
    assert res.returncode == 2
    assert "invalid choice" in res.stderr
    assert "Traceback" not in res.stderr


def test_status_against_test_database(db_url):
    res = _hadath("db", "status", DATABASE_URL=db_url)
    assert res.returncode == 0, res.stderr
    assert "0 pending" in res.stdout


def test_a_broken_command_module_only_breaks_itself(monkeypatch, capsys):
    import importlib

    from etl import cli

    real = importlib.import_module

    def fake(name, *a, **k):
        if name == "etl.commands.export":
            raise KeyError("half-written module")
        return real(name, *a, **k)

    monkeypatch.setattr(cli.importlib, "import_module", fake)
    assert cli.main(["export", "--since", "2022-01-01"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unavailable" in err[0] and "half-written module" in err[0]
    assert cli.build_parser().parse_args(["db", "status"]).command == "db"  # the others still work

"""`hadath db upgrade | status | stop`."""

from __future__ import annotations

import argparse

from etl import db, embedded, migrate

SUMMARY = "Database: upgrade (apply migrations), status (which database and where), stop (embedded server)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["upgrade", "status", "stop"], help="what to do")


def run(args: argparse.Namespace) -> int:
    if args.action == "upgrade":
        done = migrate.upgrade()
        print(f"applied {len(done)} migration(s)" + (": " + ", ".join(m.path.name for m in done) if done else ""))
        if migrate.configure_reader():
            print("hadath_reader can log in (password from HADATH_READER_PASSWORD)")
        return 0
    if args.action == "stop":
        print("embedded PostgreSQL stopped" if embedded.stop() else "embedded PostgreSQL was not running")
        return 0
    return _status()


def _status() -> int:
    tgt = db.target()
    if tgt.kind == "embedded":
        lay = embedded.layout()
        print(f"database: embedded PostgreSQL (DATABASE_URL is unset)\n  data: {lay.data}\n  url:  {tgt.display}")
        if lay.run_as:
            print(f"  server runs as OS user: {lay.run_as}")
    else:
        print(f"database: {tgt.display} (from {tgt.kind})")
    with db.transaction(tgt.url) as cur:
        cur.execute("SELECT current_setting('server_version'), current_database()")
        version, name = cur.fetchone()
    applied, pending = migrate.status(tgt.url)
    print(f"  server: PostgreSQL {version}, database {name}")
    print(f"  migrations: {len(applied)} applied, {len(pending)} pending"
          + (f" ({', '.join(m.path.name for m in pending)})" if pending else ""))
    return 0

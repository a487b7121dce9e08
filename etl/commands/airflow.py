"""`hadath airflow ARGS...`: the Airflow CLI with this project's environment (e.g. `standalone`)."""

from __future__ import annotations

import argparse
import json
import os

from etl import airflow_env, db, migrate

SUMMARY = "Run the Airflow CLI with the project's DAGs, .hadath/airflow home and hadath_db connection."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("airflow_args", nargs=argparse.REMAINDER, help="arguments for `airflow`, e.g. standalone")


def run(args: argparse.Namespace) -> int:
    url = db.target().url
    migrate.upgrade(url)
    env = airflow_env.environment(url)
    airflow_env.ensure_migrated(env)
    argv = args.airflow_args or ["standalone"]
    if argv[0] == "standalone":
        _print_login(env)
    os.execvpe(airflow_env.airflow_bin(), [airflow_env.airflow_bin(), *argv], env)
    return 0  # not reached


def _print_login(env: dict[str, str]) -> None:
    pw_file = os.path.join(env["AIRFLOW_HOME"], "simple_auth_manager_passwords.json.generated")
    print("Airflow UI: http://localhost:8080  (user: admin)")
    if os.path.exists(pw_file):
        with open(pw_file) as fh:
            print(f"password: {json.load(fh).get('admin')}  (from {pw_file})")
    else:
        print(f"password: generated on first start, printed by Airflow and saved in {pw_file}")

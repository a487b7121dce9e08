"""Where things are: project root, state folder, environment variable names.

Every environment variable the code reads is named here, so docs, docker-compose and
`.env.example` can be checked against one list (tests/test_compose.py does).
"""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo

# The project's day: windows, naive dates and partition months are read in Syria's zone
# (UTC+2 in winter up to 2022, UTC+3 since).
TIMEZONE = "Asia/Damascus"
LOCAL_ZONE = ZoneInfo(TIMEZONE)

# Environment variables read by Hadath (documented in README "Configuration").
ENV_DATABASE_URL = "DATABASE_URL"  # libpq URI of the warehouse; unset -> embedded PostgreSQL
ENV_TEST_DATABASE_URL = "TEST_DATABASE_URL"  # server for the throwaway test database
ENV_STATE_DIR = "HADATH_STATE_DIR"  # overrides <project>/.hadath
ENV_PG_USER = "HADATH_PG_USER"  # unprivileged OS user for the embedded server when run as root
ENV_LOG_LEVEL = "HADATH_LOG_LEVEL"  # DEBUG, INFO (default), WARNING
ENV_LOG_FORMAT = "HADATH_LOG_FORMAT"  # "text" (default) or "json"
ENV_USER_AGENT = "HADATH_USER_AGENT"  # crawler User-Agent (must carry a contact URL)
ENV_ALERT_WEBHOOK = "HADATH_ALERT_WEBHOOK"  # optional URL that receives failure alerts
ENV_READER_PASSWORD = "HADATH_READER_PASSWORD"  # password given to the hadath_reader role
ENV_WORKERS = "HADATH_WORKERS"  # processes for CPU-bound cleaning/extraction (default: CPU count, max 4)
ENV_OUTLETS_FILE = "HADATH_OUTLETS_FILE"  # outlet configuration (default scrapers/outlets.yaml)
ENV_RETRY_DELAY = "HADATH_RETRY_DELAY_S"  # Airflow retry delay of the nightly tasks

ALL_ENV_VARS = (
    ENV_DATABASE_URL,
    ENV_TEST_DATABASE_URL,
    ENV_STATE_DIR,
    ENV_PG_USER,
    ENV_LOG_LEVEL,
    ENV_LOG_FORMAT,
    ENV_USER_AGENT,
    ENV_ALERT_WEBHOOK,
    ENV_READER_PASSWORD,
    ENV_WORKERS,
    ENV_OUTLETS_FILE,
    ENV_RETRY_DELAY,
)

MAX_DEFAULT_WORKERS = 4  # beyond this, the single database writer is the bottleneck


def workers() -> int:
    """Worker processes for CPU-bound stages: HADATH_WORKERS, else the CPU count (at most 4)."""
    value = os.environ.get(ENV_WORKERS, "").strip()
    if value:
        return max(1, int(value))
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS))


def project_root() -> Path:
    """The checkout that holds this package (pyproject.toml beside etl/)."""
    return Path(__file__).resolve().parent.parent


def state_dir() -> Path:
    """Project-local state (embedded PostgreSQL, Airflow home, caches): `.hadath/`."""
    override = os.environ.get(ENV_STATE_DIR)
    return Path(override).resolve() if override else project_root() / ".hadath"


def sql_dir() -> Path:
    return project_root() / "sql"


def data_dir() -> Path:
    return Path(__file__).resolve().parent / "data"

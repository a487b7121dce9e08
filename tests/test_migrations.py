"""Migrations: ordered, checksummed, idempotent, refuse edits, never drop data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from etl import migrate
from etl.errors import HadathError
from tests.conftest import ROOT, query

FORBIDDEN = re.compile(r"\b(DROP\s+(TABLE|SCHEMA|COLUMN|DATABASE)|TRUNCATE|DELETE\s+FROM)\b", re.I)


def test_files_are_numbered_in_order():
    found = migrate.discover()
    versions = [m.version for m in found]
    assert versions == sorted(set(versions)) and versions[0] == 1


def test_no_migration_drops_data():
    for mig in migrate.discover():
        assert not FORBIDDEN.search(mig.sql), f"{mig.path.name} drops data"


def test_all_applied_and_layers_exist(db_url):
    applied, pending = migrate.status(db_url)
    assert pending == []
    schemas = {r[0] for r in query(db_url, "SELECT schema_name FROM information_schema.schemata")}
    assert {"raw", "staging", "warehouse", "reporting", "hadath_meta"} <= schemas
    rows = query(db_url, "SELECT version, checksum FROM hadath_meta.schema_migrations ORDER BY version")
    assert [(m.version, m.checksum) for m in applied] == rows


def test_rerun_is_noop(fresh_db_url):
    assert migrate.upgrade(fresh_db_url) == []
    assert migrate.upgrade(fresh_db_url) == []


def test_edited_migration_is_refused(fresh_db_url, tmp_path: Path):
    folder = tmp_path / "sql"
    shutil.copytree(ROOT / "sql", folder)
    first = sorted(folder.glob("*.sql"))[0]
    first.write_text(first.read_text() + "\n-- edited\n")
    with pytest.raises(HadathError, match="edited after it was applied"):
        migrate.upgrade(fresh_db_url, folder)


def test_failed_migration_rolls_back(fresh_db_url, tmp_path: Path):
    folder = tmp_path / "sql"
    shutil.copytree(ROOT / "sql", folder)
    n = max(m.version for m in migrate.discover(folder)) + 1
    (folder / f"{n:04d}_broken.sql").write_text(
        "CREATE TABLE raw.half_done (x int);\nSELECT no_such_function();\n")
    with pytest.raises(HadathError, match="rolled back"):
        migrate.upgrade(fresh_db_url, folder)
    assert query(fresh_db_url, "SELECT to_regclass('raw.half_done')") == [(None,)]
    assert query(fresh_db_url, "SELECT count(*) FROM hadath_meta.schema_migrations WHERE version = %s",
                 (n,)) == [(0,)]


def test_bad_file_name_is_refused(tmp_path: Path):
    (tmp_path / "1_x.sql").write_text("SELECT 1;")
    with pytest.raises(HadathError, match="bad migration file name"):
        migrate.discover(tmp_path)


def test_invalid_event_type_pair_is_rejected(fresh_db_url):
    import psycopg2

    query(fresh_db_url, "INSERT INTO raw.articles (outlet, canonical_url, url, fetched_at, http_status,"
          " html_gz, content_hash) VALUES ('t', 'u', 'u', now(), 200, '\\x00', 'h')")
    query(fresh_db_url, "SELECT hadath_meta.ensure_month_partition('warehouse.events', '2022-01-20')")
    with pytest.raises(psycopg2.errors.ForeignKeyViolation):
        query(fresh_db_url, """INSERT INTO warehouse.events (event_id, article_id, event_date, time_precision,
              disorder_type, event_type, sub_event_type, actor1, inter1, interaction, geo_precision, source,
              extractor, extractor_version, confidence)
              SELECT 'e1', article_id, '2022-01-20', 1, 'Political violence', 'Battles', 'Air/drone strike',
                     'X', 1, 10, 1, 's', 'rules', '1', 0.5 FROM raw.articles""")

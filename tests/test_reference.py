"""Reference data lands in the warehouse and re-syncing is a no-op."""

from __future__ import annotations

from etl.reference import place_rows, sync_places
from tests.conftest import query


def test_places_sync_is_complete_and_idempotent(fresh_db_url):
    n = sync_places(fresh_db_url)
    assert n == len(place_rows()) and n > 2000
    assert query(fresh_db_url, "SELECT count(*) FROM warehouse.places") == [(n,)]
    assert query(fresh_db_url, "SELECT name_en FROM warehouse.places WHERE place_id = 'SY09'") == [("Deir-ez-Zor",)]
    xmin = query(fresh_db_url, "SELECT sum(xmin::text::bigint) FROM warehouse.places")
    sync_places(fresh_db_url)
    assert query(fresh_db_url, "SELECT sum(xmin::text::bigint) FROM warehouse.places") == xmin  # untouched

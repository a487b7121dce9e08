"""Reference data in the warehouse: the gazetteer (warehouse.places) and the actor registry
(warehouse.actors), synced from the data files so analysts can join on P-codes and actor names."""

from __future__ import annotations

import logging

from etl import db
from etl.geo.lookup import Gazetteer

LOGGER = logging.getLogger(__name__)

PLACE_COLUMNS = ("place_id", "level", "kind", "name_en", "name_ar", "admin1_pcode", "admin2_pcode",
                 "admin3_pcode", "latitude", "longitude", "source")


def place_rows(gaz: Gazetteer | None = None) -> list[tuple]:
    gaz = gaz or Gazetteer.load()
    return [(p.pcode, p.level, p.kind, p.name_en, p.name_ar, p.admin1_pcode or None, p.admin2_pcode or None,
             p.admin3_pcode or None, p.lat, p.lon, p.source) for p in gaz.places]


def sync_places(url: str | None = None) -> int:
    """Upsert every gazetteer entry into warehouse.places (rows only change when the data does)."""
    rows = place_rows()
    cols = ", ".join(PLACE_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in PLACE_COLUMNS[1:])
    with db.transaction(url) as cur:
        db.execute_values(cur, f"""INSERT INTO warehouse.places ({cols}) VALUES %s
            ON CONFLICT (place_id) DO UPDATE SET {updates}
            WHERE ({', '.join('warehouse.places.' + c for c in PLACE_COLUMNS[1:])})
                  IS DISTINCT FROM ({', '.join('EXCLUDED.' + c for c in PLACE_COLUMNS[1:])})""",  # noqa: S608
                          rows, page_size=1000)
    LOGGER.info("gazetteer: %d places synced", len(rows))
    return len(rows)

-- Faster, leaner loads.
-- 1. The loader replaces evidence per article: index article_id, or each batch's
--    DELETE ... WHERE article_id = ANY(...) scans the whole table (quadratic over a backfill).
CREATE INDEX IF NOT EXISTS event_evidence_article ON warehouse.event_evidence (article_id);
CREATE INDEX IF NOT EXISTS unresolved_places_article ON warehouse.unresolved_places (article_id);

-- 2. An event row is already per article (its id hashes the article's canonical URL), so the
--    v1 table warehouse.event_sources duplicated warehouse.events row for row. It becomes a view;
--    the old table is kept (renamed), not dropped.
ALTER TABLE warehouse.event_sources RENAME TO event_sources_v1;
CREATE VIEW warehouse.event_sources AS
SELECT e.event_id, e.article_id, r.outlet, r.url, e.canonical_id
FROM warehouse.events e JOIN raw.articles r USING (article_id);

-- 3. Per-article events are not queried by governorate (reporting reads canonical events).
DROP INDEX IF EXISTS warehouse.events_admin1_date;
-- Nothing filters per-article events by date (windows go through staging.articles, reporting
-- through canonical events); one index less to maintain on every load.
DROP INDEX IF EXISTS warehouse.events_date;

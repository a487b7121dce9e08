-- Reporting views for analysts, and least-privilege roles.

-- Daily events and fatalities by governorate and event type.
CREATE VIEW reporting.daily_events AS
SELECT event_date, admin1, admin1_pcode, event_type,
       count(*)::int        AS events,
       sum(fatalities)::int AS fatalities
FROM warehouse.canonical_events
WHERE NOT retracted
GROUP BY event_date, admin1, admin1_pcode, event_type;

-- Who fights whom: actor dyads (actor order as coded; actor2 empty for one-sided events).
CREATE VIEW reporting.actor_dyads AS
SELECT actor1, actor2, interaction,
       count(*)::int        AS events,
       sum(fatalities)::int AS fatalities,
       min(event_date)      AS first_event,
       max(event_date)      AS last_event
FROM warehouse.canonical_events
WHERE NOT retracted
GROUP BY actor1, actor2, interaction;

-- Hotspots by subdistrict (admin3).
CREATE VIEW reporting.hotspots_subdistrict AS
SELECT admin1, admin2, admin3, admin3_pcode,
       count(*)::int                   AS events,
       sum(fatalities)::int            AS fatalities,
       max(event_date)                 AS last_event,
       round(avg(latitude), 4)         AS latitude,
       round(avg(longitude), 4)        AS longitude
FROM warehouse.canonical_events
WHERE NOT retracted AND admin3_pcode IS NOT NULL AND admin3_pcode <> ''
GROUP BY admin1, admin2, admin3, admin3_pcode;

-- Outlet coverage: what each outlet contributed, end to end.
CREATE VIEW reporting.outlet_coverage AS
WITH raw_counts AS (
    SELECT outlet, count(*)::int AS articles_fetched, max(fetched_at) AS last_fetched
    FROM raw.articles GROUP BY outlet
), staged AS (
    SELECT outlet, count(*)::int AS articles_cleaned, count(*) FILTER (WHERE date_missing)::int AS no_date,
           count(*) FILTER (WHERE NOT is_arabic)::int AS non_arabic, max(published_at) AS last_published
    FROM staging.articles GROUP BY outlet
), quarantined AS (
    SELECT r.outlet, count(*)::int AS articles_quarantined
    FROM staging.quarantine q JOIN raw.articles r USING (article_id) GROUP BY r.outlet
), reported AS (
    SELECT r.outlet, count(*)::int AS event_reports, count(DISTINCT e.canonical_id)::int AS canonical_events
    FROM warehouse.events e JOIN raw.articles r USING (article_id) GROUP BY r.outlet
), last_crawl AS (
    SELECT DISTINCT ON (outlet) outlet, started_at AS last_crawl_at, status AS last_crawl_status
    FROM raw.crawl_runs ORDER BY outlet, started_at DESC
)
SELECT rc.outlet, rc.articles_fetched, coalesce(s.articles_cleaned, 0) AS articles_cleaned,
       coalesce(q.articles_quarantined, 0) AS articles_quarantined, coalesce(s.no_date, 0) AS no_date,
       coalesce(s.non_arabic, 0) AS non_arabic, coalesce(rp.event_reports, 0) AS event_reports,
       coalesce(rp.canonical_events, 0) AS canonical_events, s.last_published, rc.last_fetched,
       lc.last_crawl_at, lc.last_crawl_status
FROM raw_counts rc
LEFT JOIN staged s USING (outlet) LEFT JOIN quarantined q USING (outlet)
LEFT JOIN reported rp USING (outlet) LEFT JOIN last_crawl lc USING (outlet);

-- Crawl health: one row per crawl run.
CREATE VIEW reporting.crawl_health AS
SELECT crawl_run_id, outlet, window_start, window_end, started_at, finished_at,
       finished_at - started_at AS duration, status, pages_fetched, new_articles, updated_articles,
       errors,
       (SELECT coalesce(sum(value::int), 0) FROM jsonb_each_text(errors))::int AS error_count
FROM raw.crawl_runs;

-- Toponyms waiting for the gazetteer, most frequent first.
CREATE VIEW reporting.unresolved_places AS
SELECT name_norm, min(name_ar) AS name_ar, sum(occurrences)::int AS occurrences,
       count(DISTINCT article_id)::int AS articles, min(admin1_hint) AS admin1_hint, max(last_seen) AS last_seen
FROM warehouse.unresolved_places
GROUP BY name_norm;

-- Index for the hotspot and daily views' filters.
CREATE INDEX IF NOT EXISTS canonical_events_not_retracted_date
    ON warehouse.canonical_events (event_date) WHERE NOT retracted;

-- Roles (cluster-wide; created once, granted per database).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hadath_reader') THEN
        CREATE ROLE hadath_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hadath_writer') THEN
        CREATE ROLE hadath_writer NOLOGIN;
    END IF;
END
$$;

-- The read-only role sees the reporting schema and nothing else.
GRANT USAGE ON SCHEMA reporting TO hadath_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO hadath_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO hadath_reader;

-- The pipeline writer reads and writes data, but cannot change the schema.
GRANT USAGE ON SCHEMA raw, staging, warehouse, reporting, hadath_meta TO hadath_writer;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA raw, staging, warehouse, hadath_meta TO hadath_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO hadath_writer;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA raw, staging, warehouse, hadath_meta TO hadath_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA raw, staging, warehouse, hadath_meta
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO hadath_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA raw, staging, warehouse, hadath_meta
    GRANT USAGE, SELECT ON SEQUENCES TO hadath_writer;

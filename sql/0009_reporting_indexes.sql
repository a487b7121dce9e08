-- Indexes for the reporting views (measured in BENCHMARKS.md, "Reporting views").
-- The ACLED export (reporting.acled_events) carries place names, not P-codes, so analysts filter it
-- by admin1 / admin3 name; the P-code indexes of 0006 cannot serve those filters, and a governorate's
-- or a subdistrict's events were found by reading every event of the period (or the whole table).
-- Partial on NOT retracted: the predicate of every reporting view over canonical events.
-- (Date-only and P-code filters were already served by 0006/0007; daily_events lets the planner push
-- filters on its grouping columns below the aggregate, so no view is rewritten.)

-- One governorate over a period: reporting.acled_events, reporting.daily_events by name.
CREATE INDEX IF NOT EXISTS canonical_events_admin1_name_date
    ON warehouse.canonical_events (admin1, event_date) WHERE NOT retracted;

-- One subdistrict (the drill-down from reporting.hotspots_subdistrict into the export).
CREATE INDEX IF NOT EXISTS canonical_events_admin3_name_date
    ON warehouse.canonical_events (admin3, event_date) WHERE NOT retracted;

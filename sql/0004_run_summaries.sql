-- Per-night, per-outlet run summary (written by the nightly DAG and `hadath run`).
-- Keyed on the window and outlet: re-running a night replaces its row, never duplicates it.
CREATE TABLE hadath_meta.run_summaries (
    window_start      timestamptz NOT NULL,
    window_end        timestamptz NOT NULL,
    outlet            text        NOT NULL,
    run_id            text        NOT NULL,     -- Airflow run id (or "cli-...")
    articles_fetched  integer     NOT NULL DEFAULT 0,
    articles_new      integer     NOT NULL DEFAULT 0,
    articles_cleaned  integer     NOT NULL DEFAULT 0,
    articles_quarantined integer  NOT NULL DEFAULT 0,
    events            integer     NOT NULL DEFAULT 0,
    events_by_type    jsonb       NOT NULL DEFAULT '{}',
    unresolved_places integer     NOT NULL DEFAULT 0,
    errors            jsonb       NOT NULL DEFAULT '{}',
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (window_start, window_end, outlet)
);

CREATE VIEW reporting.run_summaries AS
SELECT window_start, window_end, outlet, run_id, articles_fetched, articles_new, articles_cleaned,
       articles_quarantined, events, events_by_type, unresolved_places, errors, updated_at
FROM hadath_meta.run_summaries;

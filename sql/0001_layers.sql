-- Schema v1: the four layers raw -> staging -> warehouse -> reporting.
-- Migrations never drop data; later changes come as new numbered files.

CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS warehouse;
CREATE SCHEMA IF NOT EXISTS reporting;

-- ---------------------------------------------------------------- raw
-- One row per crawl of one outlet.
CREATE TABLE raw.crawl_runs (
    crawl_run_id     bigserial PRIMARY KEY,
    outlet           text        NOT NULL,
    window_start     timestamptz,
    window_end       timestamptz,
    base_url         text,                      -- set when crawling a snapshot / mirror
    options          jsonb       NOT NULL DEFAULT '{}',
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    status           text        NOT NULL DEFAULT 'running'
                     CHECK (status IN ('running', 'ok', 'partial', 'failed')),
    pages_fetched    integer     NOT NULL DEFAULT 0,
    new_articles     integer     NOT NULL DEFAULT 0,
    updated_articles integer     NOT NULL DEFAULT 0,
    errors           jsonb       NOT NULL DEFAULT '{}'   -- {"http_404": 2, "timeout": 1, ...}
);
CREATE INDEX crawl_runs_outlet_started ON raw.crawl_runs (outlet, started_at);

-- Every fetched article page, exactly as served. Keyed on the canonical URL: a refetch
-- updates the row, never duplicates it.
CREATE TABLE raw.articles (
    article_id       bigserial PRIMARY KEY,
    outlet           text        NOT NULL,
    canonical_url    text        NOT NULL UNIQUE,
    url              text        NOT NULL,      -- final URL as fetched (after redirects)
    fetched_at       timestamptz NOT NULL,
    first_fetched_at timestamptz NOT NULL DEFAULT now(),
    fetch_count      integer     NOT NULL DEFAULT 1,
    http_status      integer     NOT NULL,
    headers          jsonb       NOT NULL DEFAULT '{}',
    html_gz          bytea       NOT NULL,      -- gzip of the response body bytes
    encoding         text,                      -- charset declared or detected
    content_hash     text        NOT NULL,      -- sha256 hex of the body bytes
    feed_meta        jsonb       NOT NULL DEFAULT '{}',  -- title, published, summary, author, categories
    crawl_run_id     bigint REFERENCES raw.crawl_runs (crawl_run_id)
);
CREATE INDEX raw_articles_outlet_fetched ON raw.articles (outlet, fetched_at);
CREATE INDEX raw_articles_crawl_run ON raw.articles (crawl_run_id);

-- Conditional-request state for feeds (ETag / Last-Modified).
CREATE TABLE raw.feed_state (
    feed_url      text PRIMARY KEY,
    outlet        text        NOT NULL,
    etag          text,
    last_modified text,
    last_status   integer,
    checked_at    timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------- staging
CREATE TABLE staging.articles (
    article_id           bigint PRIMARY KEY REFERENCES raw.articles (article_id),
    outlet               text        NOT NULL,
    url                  text        NOT NULL,
    raw_content_hash     text        NOT NULL,  -- the raw version this row was cleaned from
    title                text,
    body                 text        NOT NULL,
    author               text,
    tags                 text[]      NOT NULL DEFAULT '{}',
    published_at         timestamptz,
    date_source          text,                  -- feed | jsonld | meta | url | visible | none
    date_missing         boolean     NOT NULL DEFAULT false,
    language             text,
    is_arabic            boolean     NOT NULL DEFAULT true,
    text_hash            text        NOT NULL,  -- sha256 of the normalised body: exact duplicates
    cluster_id           bigint,                -- near-duplicate cluster
    canonical_article_id bigint,                -- the cluster's canonical article
    extraction_method    text,                  -- trafilatura | selectors | jsonld | fallback
    cleaner_version      text        NOT NULL,
    cleaned_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staging_articles_published ON staging.articles (published_at);
CREATE INDEX staging_articles_text_hash ON staging.articles (text_hash);
CREATE INDEX staging_articles_cluster ON staging.articles (cluster_id);

-- Articles a stage could not process: kept with the error, never silently dropped.
CREATE TABLE staging.quarantine (
    article_id       bigint      NOT NULL REFERENCES raw.articles (article_id),
    stage            text        NOT NULL,      -- clean | extract | load
    error            text        NOT NULL,
    raw_content_hash text,
    attempts         integer     NOT NULL DEFAULT 1,
    first_failed_at  timestamptz NOT NULL DEFAULT now(),
    last_failed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, stage)
);

-- ---------------------------------------------------------------- warehouse
-- ACLED's event-type hierarchy; events reference it, so invalid pairs cannot be stored.
CREATE TABLE warehouse.acled_event_types (
    event_type     text     NOT NULL,
    sub_event_type text     NOT NULL,
    disorder_type  text     NOT NULL,
    rank           smallint NOT NULL,           -- hierarchy order within the type (1 wins)
    PRIMARY KEY (event_type, sub_event_type)
);
INSERT INTO warehouse.acled_event_types (event_type, sub_event_type, disorder_type, rank) VALUES
  ('Battles', 'Government regains territory', 'Political violence', 1),
  ('Battles', 'Non-state actor overtakes territory', 'Political violence', 2),
  ('Battles', 'Armed clash', 'Political violence', 3),
  ('Protests', 'Excessive force against protesters', 'Demonstrations', 1),
  ('Protests', 'Protest with intervention', 'Demonstrations', 2),
  ('Protests', 'Peaceful protest', 'Demonstrations', 3),
  ('Riots', 'Violent demonstration', 'Demonstrations', 1),
  ('Riots', 'Mob violence', 'Demonstrations', 2),
  ('Explosions/Remote violence', 'Chemical weapon', 'Political violence', 1),
  ('Explosions/Remote violence', 'Air/drone strike', 'Political violence', 2),
  ('Explosions/Remote violence', 'Suicide bomb', 'Political violence', 3),
  ('Explosions/Remote violence', 'Shelling/artillery/missile attack', 'Political violence', 4),
  ('Explosions/Remote violence', 'Remote explosive/landmine/IED', 'Political violence', 5),
  ('Explosions/Remote violence', 'Grenade', 'Political violence', 6),
  ('Violence against civilians', 'Sexual violence', 'Political violence', 1),
  ('Violence against civilians', 'Attack', 'Political violence', 2),
  ('Violence against civilians', 'Abduction/forced disappearance', 'Political violence', 3),
  ('Strategic developments', 'Agreement', 'Strategic developments', 1),
  ('Strategic developments', 'Arrests', 'Strategic developments', 2),
  ('Strategic developments', 'Change to group/activity', 'Strategic developments', 3),
  ('Strategic developments', 'Disrupted weapons use', 'Strategic developments', 4),
  ('Strategic developments', 'Headquarters or base established', 'Strategic developments', 5),
  ('Strategic developments', 'Looting/property destruction', 'Strategic developments', 6),
  ('Strategic developments', 'Non-violent transfer of territory', 'Strategic developments', 7),
  ('Strategic developments', 'Other', 'Strategic developments', 8);

-- Actor registry (loaded from etl/data/actors.yaml).
CREATE TABLE warehouse.actors (
    actor_name text PRIMARY KEY,
    inter      smallint NOT NULL CHECK (inter BETWEEN 1 AND 8),
    valid_from date,
    valid_to   date
);

-- Gazetteer places (loaded from etl/data/gazetteer/).
CREATE TABLE warehouse.places (
    place_id     text PRIMARY KEY,             -- OCHA P-code, or a stable id for added places
    level        smallint NOT NULL,            -- 1..3 admin units, 4 communities and finer
    kind         text,
    name_en      text NOT NULL,
    name_ar      text NOT NULL,
    admin1_pcode text,
    admin2_pcode text,
    admin3_pcode text,
    latitude     numeric(8, 5),
    longitude    numeric(8, 5),
    source       text NOT NULL
);

-- One row per extracted event (ACLED columns plus evidence and provenance).
CREATE TABLE warehouse.events (
    event_id           text PRIMARY KEY,        -- stable hash of (article, event key)
    article_id         bigint      NOT NULL REFERENCES raw.articles (article_id),
    event_date         date        NOT NULL,
    time_precision     smallint    NOT NULL CHECK (time_precision BETWEEN 1 AND 3),
    disorder_type      text        NOT NULL,
    event_type         text        NOT NULL,
    sub_event_type     text        NOT NULL,
    actor1             text        NOT NULL,
    assoc_actor_1      text        NOT NULL DEFAULT '',
    inter1             smallint    NOT NULL CHECK (inter1 BETWEEN 1 AND 8),
    actor2             text        NOT NULL DEFAULT '',
    assoc_actor_2      text        NOT NULL DEFAULT '',
    inter2             smallint             CHECK (inter2 BETWEEN 1 AND 8),
    interaction        smallint    NOT NULL,
    civilian_targeting text        NOT NULL DEFAULT ''
                       CHECK (civilian_targeting IN ('', 'Civilians targeted')),
    iso                smallint    NOT NULL DEFAULT 760,
    region             text        NOT NULL DEFAULT 'Middle East',
    country            text        NOT NULL DEFAULT 'Syria',
    admin1             text,
    admin1_pcode       text,
    admin2             text,
    admin2_pcode       text,
    admin3             text,
    admin3_pcode       text,
    location           text,
    location_ar        text,
    location_pcode     text,
    latitude           numeric(8, 5),
    longitude          numeric(8, 5),
    geo_precision      smallint    NOT NULL CHECK (geo_precision BETWEEN 1 AND 3),
    source             text        NOT NULL,
    source_scale       text        NOT NULL DEFAULT 'National',
    notes              text        NOT NULL DEFAULT '',
    fatalities         integer     NOT NULL DEFAULT 0 CHECK (fatalities >= 0),
    tags               text        NOT NULL DEFAULT '',
    extractor          text        NOT NULL,
    extractor_version  text        NOT NULL,
    confidence         real        NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (event_type, sub_event_type)
        REFERENCES warehouse.acled_event_types (event_type, sub_event_type)
);
CREATE INDEX events_date ON warehouse.events (event_date);
CREATE INDEX events_article ON warehouse.events (article_id);
CREATE INDEX events_admin1_date ON warehouse.events (admin1_pcode, event_date);

-- Evidence: the sentence(s) each event came from.
CREATE TABLE warehouse.event_evidence (
    event_id          text     NOT NULL REFERENCES warehouse.events (event_id) ON DELETE CASCADE,
    article_id        bigint   NOT NULL REFERENCES raw.articles (article_id),
    sentence_index    integer  NOT NULL,
    sentence          text     NOT NULL,
    url               text     NOT NULL,
    outlet            text     NOT NULL,
    extractor_version text     NOT NULL,
    confidence        real     NOT NULL,
    PRIMARY KEY (event_id, article_id, sentence_index)
);

-- Which outlets / articles reported an event.
CREATE TABLE warehouse.event_sources (
    event_id   text   NOT NULL REFERENCES warehouse.events (event_id) ON DELETE CASCADE,
    article_id bigint NOT NULL REFERENCES raw.articles (article_id),
    outlet     text   NOT NULL,
    url        text   NOT NULL,
    PRIMARY KEY (event_id, article_id)
);

-- Toponyms the gazetteer could not resolve, so analysts can extend it. Never dropped silently.
CREATE TABLE warehouse.unresolved_places (
    name_norm    text        NOT NULL,          -- normalised name (lookup key)
    article_id   bigint      NOT NULL REFERENCES raw.articles (article_id),
    name_ar      text        NOT NULL,          -- as written
    admin1_hint  text,
    occurrences  integer     NOT NULL DEFAULT 1,
    first_seen   timestamptz NOT NULL DEFAULT now(),
    last_seen    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name_norm, article_id)
);

-- ---------------------------------------------------------------- reporting
-- ACLED-compatible export (columns in ACLED's order).
CREATE VIEW reporting.acled_events AS
SELECT
    e.event_id                          AS event_id_cnty,
    e.event_date,
    EXTRACT(YEAR FROM e.event_date)::int AS year,
    e.time_precision,
    e.disorder_type,
    e.event_type,
    e.sub_event_type,
    e.actor1,
    e.assoc_actor_1,
    e.inter1,
    e.actor2,
    e.assoc_actor_2,
    e.inter2,
    e.interaction,
    e.civilian_targeting,
    e.iso,
    e.region,
    e.country,
    e.admin1,
    e.admin2,
    e.admin3,
    e.location,
    e.latitude,
    e.longitude,
    e.geo_precision,
    e.source,
    e.source_scale,
    e.notes,
    e.fatalities,
    e.tags,
    EXTRACT(EPOCH FROM e.updated_at)::bigint AS "timestamp"
FROM warehouse.events e;

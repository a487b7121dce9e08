-- One event, many reports: canonical events merge the per-article events that describe the
-- same day, place, type and actor pair. A canonical event keeps its id forever; every change
-- (a new source, a corrected figure) is recorded as a revision, the way ACLED revises events.

CREATE SEQUENCE warehouse.canonical_event_seq START 100001;

CREATE TABLE warehouse.canonical_events (
    canonical_id        bigint PRIMARY KEY DEFAULT nextval('warehouse.canonical_event_seq'),
    event_id_cnty       text GENERATED ALWAYS AS ('SYR' || canonical_id::text) STORED UNIQUE,
    merge_key           text        NOT NULL UNIQUE,  -- date | type | place | actor pair
    event_date          date        NOT NULL,
    time_precision      smallint    NOT NULL,
    disorder_type       text        NOT NULL,
    event_type          text        NOT NULL,
    sub_event_type      text        NOT NULL,
    actor1              text        NOT NULL,
    assoc_actor_1       text        NOT NULL DEFAULT '',
    inter1              smallint    NOT NULL,
    actor2              text        NOT NULL DEFAULT '',
    assoc_actor_2       text        NOT NULL DEFAULT '',
    inter2              smallint,
    interaction         smallint    NOT NULL,
    civilian_targeting  text        NOT NULL DEFAULT '',
    admin1              text,
    admin1_pcode        text,
    admin2              text,
    admin2_pcode        text,
    admin3              text,
    admin3_pcode        text,
    location            text,
    location_ar         text,
    location_pcode      text,
    latitude            numeric(8, 5),
    longitude           numeric(8, 5),
    geo_precision       smallint    NOT NULL,
    source              text        NOT NULL,          -- outlets, ';'-separated (ACLED style)
    source_count        integer     NOT NULL,
    notes               text        NOT NULL DEFAULT '',
    fatalities          integer     NOT NULL DEFAULT 0 CHECK (fatalities >= 0),
    tags                text        NOT NULL DEFAULT '',
    retracted           boolean     NOT NULL DEFAULT false,  -- no remaining report supports it
    revision            integer     NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (event_type, sub_event_type)
        REFERENCES warehouse.acled_event_types (event_type, sub_event_type)
);
CREATE INDEX canonical_events_date ON warehouse.canonical_events (event_date);
CREATE INDEX canonical_events_admin1_date ON warehouse.canonical_events (admin1_pcode, event_date);
CREATE INDEX canonical_events_admin3 ON warehouse.canonical_events (admin3_pcode);
CREATE INDEX canonical_events_dyad ON warehouse.canonical_events (actor1, actor2);

-- What changed, when, and which article caused it.
CREATE TABLE warehouse.canonical_event_revisions (
    canonical_id          bigint      NOT NULL REFERENCES warehouse.canonical_events (canonical_id),
    revision              integer     NOT NULL,
    changed_at            timestamptz NOT NULL DEFAULT now(),
    caused_by_article_id  bigint      REFERENCES raw.articles (article_id),
    changes               jsonb       NOT NULL,   -- {"field": [old, new], ...}; {"created": true} first
    PRIMARY KEY (canonical_id, revision)
);

ALTER TABLE warehouse.events ADD COLUMN canonical_id bigint
    REFERENCES warehouse.canonical_events (canonical_id);
ALTER TABLE warehouse.events ADD COLUMN merge_key text;
CREATE INDEX events_merge_key ON warehouse.events (merge_key);
CREATE INDEX events_canonical ON warehouse.events (canonical_id);

-- The ACLED export now lists canonical events (one row per real event, all its sources).
CREATE OR REPLACE VIEW reporting.acled_events AS
SELECT
    c.event_id_cnty,
    c.event_date,
    EXTRACT(YEAR FROM c.event_date)::int AS year,
    c.time_precision,
    c.disorder_type,
    c.event_type,
    c.sub_event_type,
    c.actor1,
    c.assoc_actor_1,
    c.inter1,
    c.actor2,
    c.assoc_actor_2,
    c.inter2,
    c.interaction,
    c.civilian_targeting,
    760::smallint AS iso,
    'Middle East'::text AS region,
    'Syria'::text AS country,
    c.admin1,
    c.admin2,
    c.admin3,
    c.location,
    c.latitude,
    c.longitude,
    c.geo_precision,
    c.source,
    'National'::text AS source_scale,
    c.notes,
    c.fatalities,
    c.tags,
    EXTRACT(EPOCH FROM c.updated_at)::bigint AS "timestamp"
FROM warehouse.canonical_events c
WHERE NOT c.retracted;

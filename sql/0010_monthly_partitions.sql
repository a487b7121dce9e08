-- Monthly partitions for raw.articles and the event tables (the scale path of BENCHMARKS.md).
--
--   raw.articles                  PARTITION BY RANGE (article_month)  -- the month an article is filed under
--   warehouse.events              PARTITION BY RANGE (event_date)
--   warehouse.event_evidence      PARTITION BY RANGE (event_date)     -- co-located with its events
--   warehouse.canonical_events    PARTITION BY RANGE (event_date)
--
-- Partitions are named <table>_pYYYY_MM and created on demand by the writers through
-- hadath_meta.ensure_month_partition (etl/partitions.py); this file creates the months that hold data,
-- the current month and the next two.
--
-- PostgreSQL needs the partition key in every unique key, and every layer references an article by
-- its id alone. So the article's identity moves to a small unpartitioned registry, raw.article_keys
-- (article_id, canonical_url, article_month): it keeps canonical URLs unique across partitions and is
-- what staging and warehouse rows reference. A trigger on raw.articles registers plain INSERTs, so
-- `INSERT INTO raw.articles (...) RETURNING article_id` keeps working.
--
-- The unpartitioned v1 tables are moved, rows and all, to the schema `legacy` and copied from; nothing
-- is dropped. Views that read them are re-pointed at the new tables.

CREATE SCHEMA IF NOT EXISTS legacy;
COMMENT ON SCHEMA legacy IS
    'Tables replaced by later migrations, kept with their rows. Hadath never reads or drops them.';

-- ---------------------------------------------------------------- partition maintenance
CREATE OR REPLACE FUNCTION hadath_meta.ensure_month_partition(parent regclass, month date)
RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER  -- writers (hadath_writer) may add a month without owning the table
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    first date := date_trunc('month', month)::date;
    nsp text;
    rel text;
    part text;
BEGIN
    SELECT n.nspname, c.relname INTO nsp, rel
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid = parent AND c.relkind = 'p';
    IF rel IS NULL THEN
        RAISE EXCEPTION '% is not a partitioned table', parent;
    END IF;
    part := format('%s_p%s', rel, to_char(first, 'YYYY_MM'));
    IF to_regclass(format('%I.%I', nsp, part)) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    -- concurrent writers (mapped tasks, Celery workers): the first creates the month, the others wait
    -- for it to commit, then find it there
    PERFORM pg_advisory_xact_lock(hashtext(nsp || '.' || part));
    BEGIN
        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                       nsp, part, parent, first, (first + interval '1 month')::date);
    EXCEPTION WHEN duplicate_table THEN
        RETURN NULL;
    END;
    RETURN format('%I.%I', nsp, part);
END
$$;
COMMENT ON FUNCTION hadath_meta.ensure_month_partition(regclass, date) IS
    'Create the partition of a monthly-partitioned Hadath table that holds this date; returns its name, or NULL when it already existed.';

-- Copy rows between tables with the same column names (generated columns recomputed).
CREATE FUNCTION pg_temp.copy_rows(src regclass, dst regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE cols text;
BEGIN
    SELECT string_agg(quote_ident(d.attname), ', ' ORDER BY d.attnum) INTO cols
    FROM pg_attribute d JOIN pg_attribute s ON s.attrelid = src AND s.attname = d.attname
    WHERE d.attrelid = dst AND d.attnum > 0 AND NOT d.attisdropped AND d.attgenerated = '';
    EXECUTE format('INSERT INTO %s (%s) SELECT %s FROM %s', dst, cols, cols, src);
END $$;

-- Re-create a moved table's ordinary indexes (not its keys) on the new table, same names.
CREATE FUNCTION pg_temp.copy_indexes(src regclass, dst regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE def text;
BEGIN
    FOR def IN
        SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
        WHERE i.indrelid = src AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    LOOP
        EXECUTE replace(replace(def, ' ON ' || src::text || ' ', ' ON ' || dst::text || ' '),
                        'CREATE INDEX ', 'CREATE INDEX IF NOT EXISTS ');
    END LOOP;
END $$;

-- ---------------------------------------------------------------- move v1 aside
-- The article id sequence stays where it is (raw), owned by the registry below.
ALTER SEQUENCE raw.articles_article_id_seq OWNED BY NONE;
ALTER TABLE raw.articles SET SCHEMA legacy;
ALTER TABLE warehouse.events SET SCHEMA legacy;
ALTER TABLE warehouse.event_evidence SET SCHEMA legacy;
ALTER TABLE warehouse.canonical_events SET SCHEMA legacy;
ALTER TABLE warehouse.event_sources_v1 SET SCHEMA legacy;

-- ---------------------------------------------------------------- raw
CREATE TABLE raw.article_keys (
    article_id     bigint PRIMARY KEY DEFAULT nextval('raw.articles_article_id_seq'),
    canonical_url  text NOT NULL UNIQUE,
    article_month  date NOT NULL
);
ALTER SEQUENCE raw.articles_article_id_seq OWNED BY raw.article_keys.article_id;
COMMENT ON TABLE raw.article_keys IS
    'One row per article: its stable id, canonical URL (unique) and the raw.articles partition it lives in.';

CREATE TABLE raw.articles (
    LIKE legacy.articles INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
    -- Filed under: the discovery date (feed/sitemap/listing) when the crawl window admits it, else the
    -- crawl window's start, else the first fetch; Damascus time. Fixed at the first fetch.
    article_month  date NOT NULL DEFAULT date_trunc('month', now() AT TIME ZONE 'Asia/Damascus')::date
                   CHECK (article_month = date_trunc('month', article_month)::date),
    PRIMARY KEY (article_id, article_month),
    FOREIGN KEY (article_id) REFERENCES raw.article_keys (article_id),
    FOREIGN KEY (crawl_run_id) REFERENCES raw.crawl_runs (crawl_run_id)
) PARTITION BY RANGE (article_month);

CREATE FUNCTION raw.register_article() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO raw.article_keys (article_id, canonical_url, article_month)
    VALUES (NEW.article_id, NEW.canonical_url, NEW.article_month)
    ON CONFLICT (article_id) DO NOTHING;
    IF NOT FOUND AND NOT EXISTS (
        SELECT 1 FROM raw.article_keys k WHERE k.article_id = NEW.article_id
          AND k.canonical_url = NEW.canonical_url AND k.article_month = NEW.article_month) THEN
        RAISE EXCEPTION 'raw.articles: article % is registered with another URL or month', NEW.article_id
            USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER articles_register BEFORE INSERT ON raw.articles
    FOR EACH ROW EXECUTE FUNCTION raw.register_article();

SELECT hadath_meta.ensure_month_partition('raw.articles', m)
FROM (SELECT DISTINCT date_trunc('month', first_fetched_at AT TIME ZONE 'Asia/Damascus')::date AS m
      FROM legacy.articles
      UNION SELECT (date_trunc('month', now() AT TIME ZONE 'Asia/Damascus') + k * interval '1 month')::date
      FROM generate_series(0, 2) AS k) months;

INSERT INTO raw.article_keys (article_id, canonical_url, article_month)
SELECT article_id, canonical_url, date_trunc('month', first_fetched_at AT TIME ZONE 'Asia/Damascus')::date
FROM legacy.articles;
INSERT INTO raw.articles SELECT l.*, k.article_month FROM legacy.articles l JOIN raw.article_keys k USING (article_id);
SELECT pg_temp.copy_indexes('legacy.articles', 'raw.articles');

-- ---------------------------------------------------------------- warehouse
CREATE TABLE warehouse.canonical_events (
    LIKE legacy.canonical_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED,
    PRIMARY KEY (canonical_id, event_date),
    UNIQUE (merge_key, event_date),  -- a merge key starts with its date: as unique as merge_key alone
    FOREIGN KEY (event_type, sub_event_type)
        REFERENCES warehouse.acled_event_types (event_type, sub_event_type)
) PARTITION BY RANGE (event_date);

CREATE TABLE warehouse.events (
    LIKE legacy.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
    PRIMARY KEY (event_id, event_date),  -- an event id hashes its date: as unique as event_id alone
    FOREIGN KEY (article_id) REFERENCES raw.article_keys (article_id),
    FOREIGN KEY (event_type, sub_event_type)
        REFERENCES warehouse.acled_event_types (event_type, sub_event_type),
    FOREIGN KEY (canonical_id, event_date) REFERENCES warehouse.canonical_events (canonical_id, event_date)
) PARTITION BY RANGE (event_date);

CREATE TABLE warehouse.event_evidence (
    LIKE legacy.event_evidence INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
    event_date  date NOT NULL,
    PRIMARY KEY (event_id, event_date, article_id, sentence_index)
) PARTITION BY RANGE (event_date);

-- Evidence -> event integrity, checked once per statement instead of once per row. A row-level foreign
-- key into a partitioned table halved load throughput (BENCHMARKS.md, "Load"); these triggers give the
-- guarantee of FOREIGN KEY (event_id, event_date, article_id) REFERENCES warehouse.events ON DELETE
-- RESTRICT: no evidence without its event, from the event's own article (so the article exists: the
-- event's foreign key says so), with the referenced events locked FOR KEY SHARE as the built-in check
-- does, so a concurrent delete cannot slip between; and no event deleted while evidence points at it.
CREATE FUNCTION warehouse.evidence_has_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wanted bigint;
    found bigint;
BEGIN
    SELECT count(*) INTO wanted FROM (SELECT DISTINCT event_id, event_date, article_id FROM new_rows) k;
    SELECT count(*) INTO found FROM (
        SELECT 1 FROM warehouse.events e
        JOIN (SELECT DISTINCT event_id, event_date, article_id FROM new_rows) k
          USING (event_id, event_date, article_id)
        FOR KEY SHARE OF e) l;
    IF found < wanted THEN
        RAISE EXCEPTION 'warehouse.event_evidence: % evidence key(s) name no event of that article',
            wanted - found USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER event_evidence_has_event_on_insert AFTER INSERT ON warehouse.event_evidence
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION warehouse.evidence_has_event();
CREATE TRIGGER event_evidence_has_event_on_update AFTER UPDATE ON warehouse.event_evidence
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION warehouse.evidence_has_event();

CREATE FUNCTION warehouse.event_keeps_evidence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM old_rows o
        JOIN warehouse.event_evidence v ON v.event_id = o.event_id AND v.event_date = o.event_date
        WHERE NOT EXISTS (SELECT 1 FROM warehouse.events e
                          WHERE e.event_id = o.event_id AND e.event_date = o.event_date)) THEN
        RAISE EXCEPTION 'warehouse.events: an event still has evidence (remove its evidence first)'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER events_keep_evidence_on_delete AFTER DELETE ON warehouse.events
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION warehouse.event_keeps_evidence();
CREATE TRIGGER events_keep_evidence_on_update AFTER UPDATE ON warehouse.events
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION warehouse.event_keeps_evidence();

SELECT hadath_meta.ensure_month_partition(t, min(m))
FROM (VALUES ('warehouse.canonical_events'::regclass), ('warehouse.events'), ('warehouse.event_evidence')) AS p(t),
     (SELECT event_date AS m FROM legacy.canonical_events UNION SELECT event_date FROM legacy.events
      UNION SELECT (date_trunc('month', now() AT TIME ZONE 'Asia/Damascus') + k * interval '1 month')::date
      FROM generate_series(0, 2) AS k) dates
GROUP BY t, date_trunc('month', m);

SELECT pg_temp.copy_rows('legacy.canonical_events', 'warehouse.canonical_events');
SELECT pg_temp.copy_rows('legacy.events', 'warehouse.events');
INSERT INTO warehouse.event_evidence
SELECT v.*, e.event_date FROM legacy.event_evidence v JOIN legacy.events e USING (event_id);
SELECT pg_temp.copy_indexes('legacy.canonical_events', 'warehouse.canonical_events');
SELECT pg_temp.copy_indexes('legacy.events', 'warehouse.events');
SELECT pg_temp.copy_indexes('legacy.event_evidence', 'warehouse.event_evidence');
CREATE INDEX IF NOT EXISTS canonical_events_cnty ON warehouse.canonical_events (event_id_cnty);

-- Revisions name their canonical event by (id, date), the key of the partitioned table.
ALTER TABLE warehouse.canonical_event_revisions ADD COLUMN event_date date;
UPDATE warehouse.canonical_event_revisions r SET event_date = c.event_date
FROM legacy.canonical_events c WHERE c.canonical_id = r.canonical_id;
ALTER TABLE warehouse.canonical_event_revisions ALTER COLUMN event_date SET NOT NULL;
ALTER TABLE warehouse.canonical_event_revisions
    DROP CONSTRAINT canonical_event_revisions_canonical_id_fkey,
    ADD CONSTRAINT canonical_event_revisions_canonical_fkey FOREIGN KEY (canonical_id, event_date)
        REFERENCES warehouse.canonical_events (canonical_id, event_date);

-- ---------------------------------------------------------------- re-point references
-- Every live foreign key to an article now references the registry.
DO $$
DECLARE fk record;
BEGIN
    FOR fk IN
        SELECT c.conrelid::regclass AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE c.contype = 'f' AND c.confrelid = 'legacy.articles'::regclass
          AND t.relnamespace <> 'legacy'::regnamespace
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tbl, fk.conname);
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk.tbl, fk.conname,
                       replace(fk.def, 'legacy.articles(', 'raw.article_keys('));
    END LOOP;
END $$;

-- Views bind to tables, not names: re-create every view that read a moved table.
DO $$
DECLARE v record;
BEGIN
    FOR v IN
        SELECT DISTINCT r.ev_class::regclass AS view, pg_get_viewdef(r.ev_class) AS def
        FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
        WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid IN (
            'legacy.articles'::regclass, 'legacy.events'::regclass, 'legacy.event_evidence'::regclass,
            'legacy.canonical_events'::regclass)
          AND r.ev_class NOT IN ('legacy.articles'::regclass, 'legacy.events'::regclass,
            'legacy.event_evidence'::regclass, 'legacy.canonical_events'::regclass)
    LOOP
        EXECUTE format('CREATE OR REPLACE VIEW %s AS %s', v.view,
            replace(replace(replace(replace(v.def,
                'legacy.articles', 'raw.articles'),
                'legacy.events', 'warehouse.events'),
                'legacy.event_evidence', 'warehouse.event_evidence'),
                'legacy.canonical_events', 'warehouse.canonical_events'));
    END LOOP;
END $$;

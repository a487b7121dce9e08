-- Cleaning (etl/clean): near-duplicate fingerprints and quarantine history.
-- Additive only: new nullable columns, a new table, indexes.

-- MinHash signature (128 little-endian uint32 = 512 bytes) and its LSH band keys. New batches are
-- matched against every staged article by band overlap (minhash_bands && ...), using the GIN index,
-- so near-duplicate detection is incremental without a time window.
ALTER TABLE staging.articles ADD COLUMN IF NOT EXISTS minhash bytea;
ALTER TABLE staging.articles ADD COLUMN IF NOT EXISTS minhash_bands bigint[];
CREATE INDEX IF NOT EXISTS staging_articles_minhash_bands ON staging.articles USING gin (minhash_bands);
CREATE INDEX IF NOT EXISTS staging_articles_canonical ON staging.articles (canonical_article_id);

-- staging.quarantine holds what is broken NOW (reports and `hadath audit` count it). When a later
-- run cleans the article, its quarantine row moves here instead of being lost.
CREATE TABLE IF NOT EXISTS staging.quarantine_resolved (
    article_id       bigint      NOT NULL REFERENCES raw.articles (article_id),
    stage            text        NOT NULL,
    error            text        NOT NULL,
    raw_content_hash text,
    attempts         integer     NOT NULL,
    first_failed_at  timestamptz NOT NULL,
    last_failed_at   timestamptz NOT NULL,
    resolved_at      timestamptz NOT NULL DEFAULT now(),
    resolved_by_hash text                               -- the raw version that finally cleaned
);
CREATE INDEX IF NOT EXISTS quarantine_resolved_article ON staging.quarantine_resolved (article_id, stage);

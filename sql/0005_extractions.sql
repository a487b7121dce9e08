-- One row per article the extractor has processed, written in the same transaction as the
-- article's events: "extracted, no events" is distinguishable from "never extracted", and a
-- re-run skips articles whose text and extractor version are unchanged.
CREATE TABLE staging.extractions (
    article_id        bigint PRIMARY KEY REFERENCES raw.articles (article_id),
    text_hash         text        NOT NULL,   -- staging.articles.text_hash that was read
    extractor         text        NOT NULL,
    extractor_version text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('ok', 'skipped')),
    skipped_reason    text        NOT NULL DEFAULT '',
    events            integer     NOT NULL DEFAULT 0,
    unresolved        integer     NOT NULL DEFAULT 0,
    extracted_at      timestamptz NOT NULL DEFAULT now()
);

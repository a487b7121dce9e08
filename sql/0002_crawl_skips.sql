-- Crawl runs: what a crawl deliberately did not store, by reason (not errors), e.g.
-- {"known": 40, "out_of_window": 12, "not_article": 1, "not_article_url": 30}.
ALTER TABLE raw.crawl_runs ADD COLUMN IF NOT EXISTS skipped jsonb NOT NULL DEFAULT '{}';

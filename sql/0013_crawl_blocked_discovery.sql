-- Issue 14: a crawl can end `blocked` (anti-bot challenge, captcha, login or consent wall instead of
-- content), and each run records which discovery sources it used (configured feeds and sitemaps, or
-- the fallbacks: homepage <link rel="alternate"> feeds, robots.txt Sitemap: lines, usual CMS paths).
-- Nothing is dropped: the status check is replaced by a wider one; the new column defaults to {}.

ALTER TABLE raw.crawl_runs DROP CONSTRAINT IF EXISTS crawl_runs_status_check;
ALTER TABLE raw.crawl_runs ADD CONSTRAINT crawl_runs_status_check
    CHECK (status IN ('running', 'ok', 'partial', 'failed', 'blocked'));

-- [{"kind": "feed", "url": "...", "origin": "configured|homepage|robots|well_known", "result": "ok|<error>",
--   "links": N}, ...]
ALTER TABLE raw.crawl_runs ADD COLUMN IF NOT EXISTS discovery jsonb NOT NULL DEFAULT '[]';

-- Crawl health shows them too (columns appended; the view's existing columns are unchanged).
CREATE OR REPLACE VIEW reporting.crawl_health AS
SELECT crawl_run_id, outlet, window_start, window_end, started_at, finished_at,
       finished_at - started_at AS duration, status, pages_fetched, new_articles, updated_articles,
       errors,
       (SELECT coalesce(sum(value::int), 0) FROM jsonb_each_text(errors))::int AS error_count,
       discovery
FROM raw.crawl_runs;

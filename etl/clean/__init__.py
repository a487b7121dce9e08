"""Cleaning: raw.articles -> staging.articles.

One raw page becomes one staging row in five steps, each in its own module:

- ``decode``      raw bytes -> text with the declared charset, sane fallbacks (windows-1256).
- ``extract``     title, body, author, tags: per-outlet CSS selectors, trafilatura, JSON-LD
                  articleBody, trafilatura's baseline; ``boilerplate`` strips trailing junk.
- ``dates``       the publication timestamp from the first source that has one
                  (feed > JSON-LD > meta > URL > visible date near the title).
- ``language``    py3langid on the body; non-Arabic rows are kept with ``is_arabic = false``.
- ``dedup``       exact (sha256 of the normalised body) and near duplicates (MinHash/LSH).

``page`` chains the first four for one page without a database (also used by the benchmark);
``pipeline`` runs batches against PostgreSQL (idempotent upserts, quarantine, clustering).
"""

from __future__ import annotations

# Bump when a change in etl/clean alters the rows it writes; stored in staging.cleaner_version.
# `hadath clean --all` re-cleans existing rows after an upgrade.
CLEANER_VERSION = "clean-1.0"

"""Generated corpora for the end-to-end benchmark and the soak test.

Articles are composed from the snapshot's hand-written paragraphs (3 paragraphs drawn from
different source articles, plus a numbered dateline), wrapped in an outlet-like page with
boilerplate, and inserted into raw.articles as if crawled in the given window. Texts are
realistic but distinct, so near-duplicate clustering does not collapse the corpus.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import psycopg2
import psycopg2.extras
import yaml

from etl import partitions

ROOT = Path(__file__).resolve().parent.parent
OUTLETS = ("orient", "enab", "syriatv", "npa", "sohr", "horrya")
PARAGRAPHS_PER_ARTICLE = 3
INSERT_PAGE = 500  # rows per INSERT statement

PAGE = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{published}"></head><body>
<nav><a href="/">الرئيسية</a> | <a href="/news">أخبار</a> | <a href="/reports">تقارير</a></nav>
<article><h1>{title}</h1><div class="date">{published}</div>
<div class="share">شارك: فيسبوك | تويتر | واتساب</div>
<div class="content">{body}</div>
<div class="tags">كلمات مفتاحية: سوريا، {tag}</div></article>
<section class="comments"><h3>التعليقات</h3><p>تعليق من أحد القراء.</p></section>
<footer>© 2024 جميع الحقوق محفوظة</footer></body></html>"""


def source_paragraphs() -> list[tuple[str, str]]:
    """(title, paragraph) pairs from the snapshot's article sources."""
    out = []
    for path in sorted((ROOT / "snapshot" / "content").glob("*/*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        paras = [p.strip() for p in str(doc.get("body", "")).split("\n\n") if len(p.strip()) > 80]
        out += [(doc.get("title", ""), p) for p in paras]
    if not out:
        raise SystemExit("no snapshot/content/*/*.yaml to build a corpus from")
    return out


def make_page(i: int, rng: random.Random, paras: list[tuple[str, str]], published: datetime) -> bytes:
    picked = rng.sample(paras, PARAGRAPHS_PER_ARTICLE)
    title = f"{picked[0][0]} ({i})"
    body = "".join(f"<p>{html.escape(p)}</p>" for _, p in picked)
    body = f"<p>دمشق – خاص ({i})</p>" + body
    return PAGE.format(title=html.escape(title), published=published.isoformat(), body=body,
                       tag=html.escape(picked[0][0].split()[0])).encode("utf-8")


def insert_corpus(url: str, n: int, since: datetime, seed: int = 7) -> list[int]:
    """Insert n generated articles fetched and published within [since, since + 1 day)."""
    rng = random.Random(seed)
    paras = source_paragraphs()
    conn = psycopg2.connect(url)
    ids: list[int] = []
    try:
        with conn, conn.cursor() as cur:
            cur.execute("""INSERT INTO raw.crawl_runs (outlet, window_start, window_end, status, finished_at)
                           VALUES ('generated', %s, %s, 'ok', now()) RETURNING crawl_run_id""",
                        (since, since + timedelta(days=1)))
            run_id = cur.fetchone()[0]
            partitions.ensure(cur, partitions.ARTICLES, [since])  # filed under the window's month
            for start in range(0, n, INSERT_PAGE):
                rows = [_row(i, rng, paras, since, run_id) for i in range(start, min(n, start + INSERT_PAGE))]
                ids += [r[0] for r in psycopg2.extras.execute_values(cur, """INSERT INTO raw.articles (outlet,
                        canonical_url, url, fetched_at, http_status, headers, html_gz, encoding, content_hash,
                        feed_meta, crawl_run_id, article_month) VALUES %s RETURNING article_id""",
                        [(*r, partitions.month_of(since)) for r in rows], fetch=True)]
    finally:
        conn.close()
    return ids


def _row(i: int, rng: random.Random, paras, since: datetime, run_id: int) -> tuple:
    published = since + timedelta(seconds=rng.randrange(1, 86_000))
    outlet = OUTLETS[i % len(OUTLETS)]
    page = make_page(i, rng, paras, published)
    link = f"https://generated.example/{outlet}/{i}"
    meta = json.dumps({"published": published.isoformat(), "title": f"generated {i}"})
    return (outlet, link, link, published, 200, json.dumps({"Content-Type": "text/html; charset=utf-8"}),
            gzip.compress(page), "utf-8", hashlib.sha256(page).hexdigest(), meta, run_id)

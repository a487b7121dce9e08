"""Outlets configuration: the bundled file, a test-only file (7th outlet), validation errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.errors import BadInput
from scrapers.config import ENV_OUTLETS_FILE, get_outlet, load_outlets, outlets_file

FIXTURES = Path(__file__).parent / "fixtures" / "scrapers"
TEST_OUTLETS = FIXTURES / "outlets_test.yaml"


def test_bundled_outlets_are_the_eleven_known_slugs():
    slugs = [o.slug for o in load_outlets()]
    assert slugs == ["orient", "enab", "syriatv", "npa", "sohr", "horrya", "sana", "zamanalwsl", "dez24",
                     "suwayda24", "hfl"]
    orient = get_outlet("orient")
    assert orient.base_url == "https://orient-news.net"  # og:url of the saved homepage: no www
    assert orient.politeness.download_delay == 0.5  # outlet override
    assert orient.politeness.concurrent_requests_per_domain == 2
    assert get_outlet("sohr").politeness.concurrent_requests_per_domain == 1
    assert get_outlet("enab").politeness.download_delay == 1.0  # from defaults
    assert get_outlet("syriatv").listing.first_page == 0
    assert get_outlet("npa").amp.pattern == "/amp/?$"
    assert get_outlet("orient").trailing_slash == "keep"  # loader default


def test_seventh_outlet_from_a_test_file_via_env(monkeypatch):
    monkeypatch.setenv(ENV_OUTLETS_FILE, str(TEST_OUTLETS))
    assert outlets_file() == TEST_OUTLETS.resolve()
    halab, plainwp = load_outlets()
    assert plainwp.slug == "plainwp" and plainwp.listing.url == "/?cat=%2A&paged={page}"
    assert halab.slug == "halab" and halab.domains == ("halab-today.example", "www.halab-today.example")
    assert halab.listing.max_pages == 3 and halab.trailing_slash == "add"
    assert halab.politeness.concurrent_requests_per_domain == 2  # capped: never more than 2 per domain
    assert halab.politeness.download_delay == 0.25


def test_explicit_path_beats_env(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_OUTLETS_FILE, str(tmp_path / "missing.yaml"))
    assert get_outlet("halab", TEST_OUTLETS).name == "Halab Today (test outlet)"
    with pytest.raises(BadInput, match="cannot read outlets file"):
        load_outlets()


@pytest.mark.parametrize("body, message", [
    ("outlets: [{slug: x1, name: X, base_url: 'ftp://x', article_url_pattern: '^/'}]", "base_url must be"),
    ("outlets: [{slug: x1, name: X, base_url: 'https://x.example'}]", "missing `article_url_pattern`"),
    ("outlets: [{slug: x1, name: X, base_url: 'https://x.example', article_url_pattern: '(['}]", "bad regex"),
    ("outlets: [{slug: X!, name: X, base_url: 'https://x.example', article_url_pattern: '^/'}]", "slug must"),
    ("outlets: [{slug: x1, name: X, base_url: 'https://x.example', article_url_pattern: '^/', "
     "listing: {url: '/p', link_selector: a}}]", "listing needs"),
    ("outlets: [{slug: x1, name: X, base_url: 'https://x.example', article_url_pattern: '^/', "
     "timezone: Mars/Olympus}]", "unknown timezone"),
    ("outlets: {}", "expected a mapping with an `outlets` list"),
    ("outlets: [{slug: x1, name: X, base_url: 'https://x.example', article_url_pattern: '^/', "
     "unverified: [feeds]}]", "`unverified` must map field names to a non-empty note"),
    ("outlets: [{slug: x1, name: X, base_url: 'https://x.example', article_url_pattern: '^/', "
     "verified: {feeds: a}, unverified: {feeds: b}}]", "feeds both verified and unverified"),
])
def test_invalid_configs_are_one_line_bad_input(tmp_path, body, message):
    path = tmp_path / "o.yaml"
    path.write_text(body)
    with pytest.raises(BadInput, match=message):
        load_outlets(path)


def test_unknown_outlet():
    with pytest.raises(BadInput, match="unknown outlet 'nope'"):
        get_outlet("nope")


def test_provenance_notes_are_loaded():
    sana = get_outlet("sana")
    assert sana.verified["selectors.title"].startswith("saved page")
    assert "sitemaps" in sana.unverified and "sitemaps" not in sana.verified
    assert sana.checked_fields[-3:] == ("selectors.title", "selectors.date", "selectors.body")
    assert "amp" in get_outlet("npa").checked_fields
    halab = get_outlet("halab", TEST_OUTLETS)
    assert halab.verified == {} and halab.unverified == {}  # optional for the loader

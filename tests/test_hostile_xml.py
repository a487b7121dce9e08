"""Hostile feeds and sitemaps: external entities and remote DTDs are never resolved."""

from __future__ import annotations

import http.server
import threading

import pytest

from scrapers.discovery import UnsafeXml, parse_feed, parse_sitemap

TZ = "Asia/Damascus"
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title>
<link>https://www.syria.tv/a</link></item></channel></rss>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://www.syria.tv/a</loc></url></urlset>"""


def test_external_entity_is_refused():
    with pytest.raises(UnsafeXml):
        parse_feed(XXE, TZ)


def test_parameter_entity_in_a_sitemap_is_refused():
    with pytest.raises(UnsafeXml):
        parse_sitemap(PARAMETER_ENTITY, TZ)


def test_remote_dtd_is_not_fetched():
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY boom "x">')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    feed = (f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:{server.server_port}/evil.dtd">'
            '<rss version="2.0"><channel><title>t</title><item><title>خبر</title>'
            '<link>https://www.syria.tv/a</link></item></channel></rss>').encode()
    try:
        entries, _ = parse_feed(feed, TZ)
    finally:
        server.shutdown()
    assert hits == []  # the DTD was never requested
    assert [e.url for e in entries] == ["https://www.syria.tv/a"]

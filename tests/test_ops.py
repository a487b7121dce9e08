"""Operations: structured logs and the failure-alert hook."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace

from etl import alerts
from etl.logs import JsonFormatter


def test_json_logs_are_one_object_per_line_with_extra_fields():
    record = logging.LogRecord("etl.clean", logging.WARNING, __file__, 1, "article %s quarantined", (42,), None)
    record.article_id = 42
    line = JsonFormatter().format(record)
    payload = json.loads(line)
    assert "\n" not in line
    assert payload["level"] == "WARNING" and payload["logger"] == "etl.clean"
    assert payload["msg"] == "article 42 quarantined" and payload["article_id"] == 42


class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def _context() -> dict:
    ti = SimpleNamespace(dag_id="hadath_nightly", task_id="crawl", map_index=3, try_number=3)
    return {"task_instance": ti, "run_id": "scheduled__2022-01-21", "exception": ValueError("boom")}


def test_alert_always_logs(caplog, monkeypatch):
    monkeypatch.delenv("HADATH_ALERT_WEBHOOK", raising=False)
    with caplog.at_level(logging.ERROR, logger="etl.alerts"):
        alerts.on_failure(_context())
    assert "hadath_nightly" in caplog.text and "boom" in caplog.text


def test_alert_posts_to_the_configured_webhook(monkeypatch):
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    monkeypatch.setenv("HADATH_ALERT_WEBHOOK", f"http://127.0.0.1:{server.server_port}/hook")
    _Hook.received.clear()
    alerts.on_failure(_context())
    thread.join(timeout=10)
    server.server_close()
    assert _Hook.received == [{"dag_id": "hadath_nightly", "task_id": "crawl", "map_index": 3,
                               "run_id": "scheduled__2022-01-21", "try_number": 3, "error": "boom"}]


def test_unreachable_webhook_does_not_raise(monkeypatch, caplog):
    monkeypatch.setenv("HADATH_ALERT_WEBHOOK", "http://127.0.0.1:9/nothing-listens-here")
    with caplog.at_level(logging.WARNING, logger="etl.alerts"):
        alerts.on_failure(_context())
    assert "alert webhook failed" in caplog.text

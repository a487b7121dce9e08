"""Logging set-up: readable text by default, one JSON object per line with HADATH_LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
import os
import sys
import time

from etl import settings

_STD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Structured logs: ts, level, logger, msg and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in _STD_ATTRS})
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


def configure(level: str | None = None) -> None:
    """Configure the root logger once for CLI use (stderr)."""
    level = (level or os.environ.get(settings.ENV_LOG_LEVEL) or "INFO").upper()
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get(settings.ENV_LOG_FORMAT, "text").lower() == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("scrapy", "twisted", "trafilatura", "htmldate", "charset_normalizer", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))

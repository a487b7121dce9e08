"""Failure alerts for Airflow tasks: always logged; POSTed to HADATH_ALERT_WEBHOOK when set."""

from __future__ import annotations

import json
import logging
import os
import urllib.request

from etl import settings

LOGGER = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_S = 10  # an alert must never hang a task


def alert_payload(context: dict) -> dict:
    ti = context.get("task_instance") or context.get("ti")
    return {
        "dag_id": getattr(ti, "dag_id", None),
        "task_id": getattr(ti, "task_id", None),
        "map_index": getattr(ti, "map_index", None),
        "run_id": context.get("run_id"),
        "try_number": getattr(ti, "try_number", None),
        "error": str(context.get("exception") or "")[:1000],
    }


def on_failure(context: dict) -> None:
    """Airflow on_failure_callback."""
    payload = alert_payload(context)
    LOGGER.error("hadath task failed: %s", json.dumps(payload, ensure_ascii=False))
    url = os.environ.get(settings.ENV_ALERT_WEBHOOK)
    if not url:
        return
    req = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=WEBHOOK_TIMEOUT_S) as resp:  # noqa: S310 -- operator-set URL
            LOGGER.info("alert sent to webhook (HTTP %s)", resp.status)
    except OSError as err:
        LOGGER.warning("alert webhook failed: %s", err)

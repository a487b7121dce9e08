"""docker-compose.yml is the production stack; no Docker engine here, so parse and check it."""

from __future__ import annotations

import re

import yaml

from etl import settings
from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
AIRFLOW_SERVICES = {"airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"}


def test_services_present():
    assert {"postgres", "airflow-init", "redis", "airflow-worker"} | AIRFLOW_SERVICES <= set(SERVICES)
    assert SERVICES["airflow-apiserver"]["command"] == "api-server"
    assert SERVICES["airflow-dag-processor"]["command"] == "dag-processor"


def test_init_job_migrates_airflow_and_hadath():
    cmd = " ".join(SERVICES["airflow-init"]["command"])
    assert "airflow db migrate" in cmd and "hadath db upgrade" in cmd


def test_images_are_pinned():
    for name, svc in SERVICES.items():
        image = svc.get("image")
        assert image, name
        assert re.search(r":\d+(\.\d+)+", image) and not image.endswith(":latest"), f"{name}: {image}"
    assert re.search(r"^FROM apache/airflow:3\.3\.\d+", (ROOT / "Dockerfile").read_text(), re.M)


def test_healthchecks():
    for name in {"postgres", "redis"} | AIRFLOW_SERVICES:
        assert SERVICES[name].get("healthcheck", {}).get("test"), name
    assert SERVICES["airflow-apiserver"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_postgres_not_public_and_has_named_volume():
    for svc in SERVICES.values():
        for port in svc.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), port
    assert "hadath-pgdata" in COMPOSE["volumes"]
    assert any(v.startswith("hadath-pgdata:") for v in SERVICES["postgres"]["volumes"])


def test_local_executor_default_and_celery_profile():
    env = SERVICES["airflow-scheduler"]["environment"]
    assert "LocalExecutor" in env["AIRFLOW__CORE__EXECUTOR"]
    assert SERVICES["redis"]["profiles"] == ["celery"]
    assert SERVICES["airflow-worker"]["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"


def test_ui_requires_login():
    env = SERVICES["airflow-apiserver"]["environment"]
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS"] == "False"


def test_environment_names_match_code():
    env = SERVICES["airflow-scheduler"]["environment"]
    ours = {k for k in env if k.startswith("HADATH_") or k == "DATABASE_URL"}
    assert ours <= set(settings.ALL_ENV_VARS), ours - set(settings.ALL_ENV_VARS)
    assert "AIRFLOW_CONN_HADATH_DB" in env  # the DAGs' connection id is hadath_db
    example = (ROOT / ".env.example").read_text()
    for name in settings.ALL_ENV_VARS:
        assert name in example, f"{name} missing from .env.example"


def test_no_secrets_committed():
    text = (ROOT / "docker-compose.yml").read_text()
    values = re.findall(r"^\s*\w*(?:PASSWORD|SECRET)\w*:\s*(\S+)", text, re.M)
    assert values and all(v.startswith("${") for v in values), values

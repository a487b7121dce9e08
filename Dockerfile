# Production image: Airflow 3.3 with Hadath installed (same DAGs as local runs).
FROM apache/airflow:3.3.2-python3.11

USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 \
 && rm -rf /var/lib/apt/lists/*
USER airflow

COPY --chown=airflow:root pyproject.toml requirements.lock README.md /opt/hadath/
COPY --chown=airflow:root etl /opt/hadath/etl
COPY --chown=airflow:root scrapers /opt/hadath/scrapers
COPY --chown=airflow:root sql /opt/hadath/sql
COPY --chown=airflow:root dags /opt/airflow/dags
RUN pip install --no-cache-dir -c /opt/hadath/requirements.lock /opt/hadath

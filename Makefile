# Hadath — every target does its own set-up on a fresh machine (only Python 3.11 needed).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock 2>/dev/null | sha1sum | cut -c1-12)

.PHONY: install lock test run demo airflow lint bench clean-state help

help:
	@echo "make install | test | run | demo | airflow | lint | bench | lock"

install: $(STAMP)

# Idempotent: re-runs only when pyproject.toml or requirements.lock changed.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24" 2>/dev/null || true
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@
	@echo "installed: $(BIN)/hadath"

# Regenerate the lock (constraints) from a clean resolve of pyproject.toml.
lock:
	rm -rf /tmp/hadath-lock && $(PYTHON) -m venv /tmp/hadath-lock
	/tmp/hadath-lock/bin/pip install --quiet ".[dev]"
	/tmp/hadath-lock/bin/pip freeze --exclude hadath | sort -f > requirements.lock
	@echo "wrote requirements.lock"

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# Benchmarks (never part of `make test`): bench/results.json + BENCHMARKS.md.
bench: install
	$(BIN)/python -m bench.run_all $(BENCH_ARGS)

# One nightly run (yesterday, Asia/Damascus) through Airflow against the live outlets.
run: install
	$(BIN)/hadath run

# The same DAG against the bundled offline snapshot (served on 127.0.0.1), over its window.
demo: install
	$(BIN)/hadath run --snapshot

# Airflow UI at http://localhost:8080 with this project's DAGs (parallelism capped for 2 cores).
airflow: install
	$(BIN)/hadath airflow standalone

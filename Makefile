# The interface for humans and CI: make run, make test, make bench, make install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := data/demo
WAREHOUSE ?= data/warehouse.duckdb

.PHONY: install run test deploy-test bench lint format clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

# Demo data are made once and loaded into the store once (a stamp marks a complete load).
# An interrupted load is simply run again: files already loaded are skipped, and the store's
# last complete publication keeps being served meanwhile.
LOADED := $(WAREHOUSE).demo-loaded
$(LOADED): | $(VENV)/.installed
	@if [ -z "$$(ls $(DEMO_DIR) 2>/dev/null)" ]; then \
		rm -rf $(DEMO_DIR).tmp && $(BIN)/terugkeer demo --out $(DEMO_DIR).tmp \
		&& rm -rf $(DEMO_DIR) && mv $(DEMO_DIR).tmp $(DEMO_DIR); fi
	$(BIN)/terugkeer ingest $(DEMO_DIR) --warehouse $(WAREHOUSE)
	@touch $@

# The dashboard (port 8501) and, beside it, the OData API (port 8502, /odata/v1), both on
# loopback; stopping the dashboard (Ctrl+C) stops the API too.
run: install $(LOADED)
	$(BIN)/terugkeer api --warehouse $(WAREHOUSE) & api=$$!; \
		trap 'kill $$api 2>/dev/null' EXIT INT TERM; \
		$(BIN)/terugkeer dashboard --warehouse $(WAREHOUSE)

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest

# The deployment from deploy/'s own files: supervisord runs two dashboards, the API and
# HAProxy against PostgreSQL and the OIDC test provider; the image from deploy/Dockerfile
# served through HAProxy (podman, runc); the Kubernetes manifests validated (Debian's
# packages: .ci/run installs them). `make test` runs it too.
deploy-test: $(VENV)/.installed-dev
	$(BIN)/pytest -m deploy

# Benchmarks at national scale and ten times it (about two hours on 2 cores; see bench/README.md).
# BENCH_ARGS narrows it, e.g. make bench BENCH_ARGS="--scales 1 --runs 5".
BENCH_ARGS ?=
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) data/demo data/warehouse.duckdb* tests/artifacts bench/tmp

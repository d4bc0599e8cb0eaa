# Rapport: set up, run, check, test and measure on a fresh machine.
#
#   make demo    a working system with demo data on http://127.0.0.1:8000
#   make test    every check and the whole test suite (what CI runs)
#
# `make test` runs the suite on SQLite, then again on PostgreSQL and MariaDB when
# POSTGRES_URL / MARIADB_URL are set, the queue tests on Redis when REDIS_URL is
# set, and the browser tests when Chromium is at /usr/bin/chromium. With
# RAPPORT_REQUIRE_SERVICES=1 a missing URL is an error; with
# RAPPORT_REQUIRE_BROWSER=1 a missing Chromium is an error (tests/e2e/conftest.py).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
# pytest-xdist workers; pytest-django gives each its own test database (_gw0, _gw1).
XDIST ?= auto
PIP := $(BIN)/python -m pip install --disable-pip-version-check --quiet
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider -n $(XDIST) --durations=10
# The database servers get the whole suite but the browser tests (UI on SQLite
# is enough) and the Redis queue tests (their own step).
ON_SERVER_DB := -m "not browser and not redis"
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: help demo serve install install-dev check test test-sqlite test-postgres \
	test-mariadb test-redis test-e2e require-services bench clean

help:
	@echo "make demo   load the demo company and serve it on http://127.0.0.1:8000"
	@echo "make test   lint, type-check, import contracts, then the whole test suite"
	@echo "make check  only the static checks (ruff, mypy, import-linter, migrations)"
	@echo "make bench  performance benchmarks (slow; data cached in var/bench)"

# --- Environment ----------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) -e '.[dev,torch]'
	@touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)
install-dev: $(DEV_STAMP)

# --- Running --------------------------------------------------------------------

demo: $(RUN_STAMP)
	$(BIN)/rapport demo

serve: $(RUN_STAMP)
	$(BIN)/rapport serve

# --- Checks ---------------------------------------------------------------------

check: $(DEV_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src bench
	$(BIN)/lint-imports
	@# Models and migrations must agree; a private data dir keeps var/ untouched.
	RAPPORT_DATA_DIR=$$(mktemp -d) $(BIN)/rapport makemigrations --check --dry-run

# --- Tests ----------------------------------------------------------------------
# Each step is a separate pytest run; any non-zero exit (including 5, "no tests
# collected") stops make and fails `make test`.

test: check require-services test-sqlite test-postgres test-mariadb test-redis
	@echo "make test: all steps passed"

require-services:
	@if [[ "$${RAPPORT_REQUIRE_SERVICES:-}" == 1 ]]; then \
	  for v in POSTGRES_URL MARIADB_URL REDIS_URL; do \
	    [[ -n "$${!v:-}" ]] || { echo "RAPPORT_REQUIRE_SERVICES=1 but $$v is not set" >&2; exit 1; }; \
	  done; \
	fi

# Tests marked `redis` need QUEUE_URL to name Redis; they run in test-redis.
test-sqlite: $(DEV_STAMP)
	@echo "== tests on SQLite (browser tests included)"
	env -u DATABASE_URL -u QUEUE_URL $(PYTEST) -m "not redis"

test-postgres: $(DEV_STAMP)
	@if [[ -n "$${POSTGRES_URL:-}" ]]; then \
	  echo "== tests on PostgreSQL"; \
	  env -u QUEUE_URL DATABASE_URL="$$POSTGRES_URL" $(PYTEST) $(ON_SERVER_DB); \
	else echo "== PostgreSQL skipped: POSTGRES_URL is not set"; fi

test-mariadb: $(DEV_STAMP)
	@if [[ -n "$${MARIADB_URL:-}" ]]; then \
	  echo "== tests on MariaDB"; \
	  env -u QUEUE_URL DATABASE_URL="$$MARIADB_URL" $(PYTEST) $(ON_SERVER_DB); \
	else echo "== MariaDB skipped: MARIADB_URL is not set"; fi

# The queue tests share one Redis database, so they run in one process.
test-redis: $(DEV_STAMP)
	@if [[ -n "$${REDIS_URL:-}" ]]; then \
	  echo "== worker and queue tests on Redis"; \
	  env -u DATABASE_URL QUEUE_URL="$$REDIS_URL" \
	    $(BIN)/python -m pytest -p no:cacheprovider -m redis; \
	else echo "== Redis skipped: REDIS_URL is not set"; fi

test-e2e: $(DEV_STAMP)
	$(PYTEST) tests/e2e

# --- Benchmarks -----------------------------------------------------------------

bench: $(DEV_STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var/bench test-artifacts .mypy_cache .ruff_cache

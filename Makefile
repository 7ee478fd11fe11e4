# Social Mission Resource Library: `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/socialmission
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails use the site's address: the one `make run` serves, unless SITE_URL is set.
SITE_URL ?= http://$(HOST):$(PORT)
N ?= 10000
PYTEST_ARGS ?=
# Coverage of the package, failing below pyproject's [tool.coverage.report] fail_under.
# `make test COV=` runs without it (a partial run would fall below the floor).
COV ?= --cov=socialmission --cov-report=term:skip-covered
# `make messages LANG=es`: the language of the catalog. Only a LANG given to make counts: the
# environment's LANG (the shell's locale, e.g. C.UTF-8) does not.
MESSAGES_LANG := $(if $(filter command line,$(origin LANG)),$(LANG),es)

.DEFAULT_GOAL := help
.PHONY: help run serve install test test-postgres test-browser-deps gettext-deps messages relevance check lint types migrations-check bench clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-18s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed ## Create .venv and install the project

run: $(VENV)/.installed ## Install, create the SQLite database, load the starter catalog, serve at http://127.0.0.1:8000 with a worker
	$(MANAGE) migrate --noinput
	$(MANAGE) load_starter_catalog
	$(MANAGE) reindex --if-stale
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) SITE_URL=$(SITE_URL) DEBUG=$${DEBUG:-true} $(BIN)/honcho -f Procfile.dev start -p $(PORT)

serve: $(VENV)/.installed ## Serve with gunicorn, as in production (set SECRET_KEY, ALLOWED_HOSTS)
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput -v0
	$(BIN)/gunicorn socialmission.wsgi -c gunicorn.conf.py -b $(HOST):$(PORT)

test-browser-deps: ## Install Debian's chromium for the browser tests where it is missing
	bash scripts/install-chromium.sh

gettext-deps: ## Install Debian's gettext (makemessages' tools) where it is missing
	bash scripts/install-gettext.sh

messages: $(VENV)/.installed gettext-deps ## Extract every message (Python, Django and Jinja2 templates) into socialmission/locale/<lang>/LC_MESSAGES/django.po (LANG=es, the default)
	cd socialmission && LC_ALL=C.UTF-8 $(CURDIR)/$(MANAGE) makemessages --locale $(MESSAGES_LANG)

test: $(VENV)/.installed-test test-browser-deps gettext-deps ## Run the whole test suite (SQLite)
	$(BIN)/pytest -n 2 $(COV) $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-test test-browser-deps gettext-deps ## Run the whole test suite against PostgreSQL (DATABASE_URL or the local server)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/pytest -n 2 $(COV) $(PYTEST_ARGS)

lint: $(VENV)/.installed-test ## ruff lint and format check
	$(BIN)/ruff check socialmission tests bench
	$(BIN)/ruff format --check socialmission tests bench

types: $(VENV)/.installed-test ## mypy with django-stubs
	$(BIN)/mypy socialmission bench

migrations-check: $(VENV)/.installed ## Fail if models and migrations disagree
	DATA_DIR=$$(mktemp -d) $(MANAGE) makemigrations --check --dry-run

relevance: $(VENV)/.installed-test ## Search quality on the judged relevance set: nDCG@10, MRR, recall@20, zero results (RECORD=1 raises the thresholds)
	RELEVANCE_REPORT=1 $(if $(RECORD),RELEVANCE_RECORD=1) $(BIN)/pytest -q -s -p no:randomly tests/relevance/test_relevance.py

check: lint types migrations-check test ## Lint, types, migrations check and tests

bench: $(VENV)/.installed-test ## Benchmark search over HTTP with N synthetic resources (N=10000|100000|1000000), then import throughput
	$(BIN)/python -m bench.run --n $(N) $(BENCH_ARGS)
	$(BIN)/python -m socialmission.interop.benchmarks --n 20000

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var

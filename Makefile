# Ketaflow — the two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE ?= ketaflow.config.settings

.PHONY: run test install lint test-domain test-app test-app-postgres test-browser migrations-check bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput -v 0
	$(VENV)/bin/ketaflow seed
	$(VENV)/bin/ketaflow logins
	@echo ""
	@echo "Ketaflow is serving on http://127.0.0.1:8000  (Ctrl-C to stop)"
	$(VENV)/bin/ketaflow serve

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test-domain: $(STAMP)
	$(VENV)/bin/pytest -p no:django tests/domain $(wildcard tests/commands)

migrations-check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run --settings=ketaflow.config.test_settings

test-app: $(STAMP)
	$(VENV)/bin/pytest --ds=ketaflow.config.test_settings tests/clinic tests/api

test-app-postgres: $(STAMP)
	@url=$$(bash scripts/pg-start.sh | tail -1) && \
	  DATABASE_URL=$$url $(VENV)/bin/pytest --ds=ketaflow.config.test_settings tests/clinic tests/api

test-browser: $(STAMP)
	$(VENV)/bin/pytest --ds=ketaflow.config.test_settings tests/browser

test:
	bash scripts/ensure-system-deps.sh
	$(MAKE) install
	$(MAKE) lint
	$(MAKE) test-domain
	$(MAKE) migrations-check
	$(MAKE) test-app
	$(MAKE) test-app-postgres
	$(MAKE) test-browser

bench: $(STAMP)
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) bench/pk.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

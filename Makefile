# e-Region: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Local commands run in development mode; DEBUG is off unless set (production: docker-compose.yml).
export DEBUG ?= 1

.PHONY: run test backup restore install install-dev lint format messages bench clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: embedded SQLite under var/, tasks in-process, real region data, demo staff login.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_region_data
	$(PY) manage.py create_demo_staff
	@echo "Serving e-Region on http://$(HOST):$(PORT)/ (English: http://$(HOST):$(PORT)/en/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## make test: dev dependencies, PostgreSQL + Redis (started/installed when missing), Chromium, pytest.
test: install-dev
	bin/test

## make backup: pg_dump + a tar of MEDIA_ROOT into BACKUP_DIR/<UTC time>/ (DATABASE_URL, MEDIA_ROOT).
backup: install
	$(PY) manage.py backup $(if $(BACKUP_DIR),--dir $(BACKUP_DIR))

## make restore BACKUP=var/backups/<folder>: DROPS the database and media, then restores them.
restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<folder>"; exit 1; }
	$(PY) manage.py restore "$(BACKUP)" $(if $(YES),--yes)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Rebuild the English translations (needs gettext's msgfmt; the .mo files are committed).
messages: install
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages -l en --ignore=.venv

## make bench: search and PDF benches; make bench BENCH=http (or generate, middleware): bin/bench.
bench: install-dev
	bin/bench $(BENCH)

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache

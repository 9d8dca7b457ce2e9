# digiansvar: `make run` to try it, `make test` to test it. See README.md.
PYTHON ?= python3
# One virtualenv per interpreter, so `make test PYTHON=python3.12` never
# reuses the python3 environment of `make run`.
VENV ?= $(if $(filter python3,$(PYTHON)),.venv,.venv-$(notdir $(PYTHON)))
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# pytest-xdist workers for `make test` (auto: one per core; 0: in this process).
TEST_WORKERS ?= auto
# `make run PORT=8001` when 8000 is taken.
PORT ?= 8000
# Debian packages the test suite needs: Chromium for the browser tests, Redis
# for the two-app-server test (tests/production/test_servers.py) and
# LibreOffice Calc for the spreadsheet round trip. Installed with apt-get when
# missing and this user may; otherwise those tests are skipped (and CI fails).
# Node and npm run the test OpenID provider (tests/oidc).
# command:package pairs; only the packages of missing commands are installed
# (a machine whose Node comes from elsewhere already has npm and must not get
# Debian's, which conflicts with it).
SYSTEM_DEPS ?= chromium:chromium soffice:libreoffice-calc redis-server:redis-server node:nodejs npm:npm
# The test OpenID provider (node's oidc-provider, pinned by package-lock.json).
OIDC_PROVIDER := tests/oidc/node_modules/.installed

.PHONY: run test screenshots lint check-migrations system-deps bench bench-national loadtest messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

run: export DJANGO_DEBUG ?= 1
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_seed
	$(BIN)/python manage.py coverage_refresh
	$(BIN)/python manage.py demo_user --port $(PORT)
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

system-deps:
	@missing=""; packages=""; for pair in $(SYSTEM_DEPS); do \
	  command -v $${pair%%:*} >/dev/null || { missing="$$missing $${pair%%:*}"; packages="$$packages $${pair#*:}"; }; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing$$packages (missing:$$missing)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$packages >/dev/null; \
	  else \
	    echo "warning: missing$$missing; the tests that need them will be skipped"; \
	  fi; \
	fi

# Reinstalled when the lock changes; without npm the sign-in tests skip (and CI fails).
$(OIDC_PROVIDER): tests/oidc/package-lock.json
	@if command -v npm >/dev/null; then \
	  cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
	  echo "warning: npm is missing; the OpenID Connect sign-in tests will be skipped"; \
	fi

# DJANGO='Django>=6.1,<6.2': test on that Django where a dependency's declared range keeps
# pip's resolver below it (.ci/run on python3.12: django-scim2 0.23 declares Django<6.1, and
# the suite, scim2-tester included, passes on 6.1; docs/decisions.md).
DJANGO ?=

test: $(VENV)/.installed-dev system-deps
	$(if $(DJANGO),$(BIN)/python -m pip install --quiet --no-deps '$(DJANGO)')
	@$(MAKE) --no-print-directory $(OIDC_PROVIDER)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The screenshots the docs show (docs/img/), taken again by the browser tests that check
# those pages; a plain test run saves them under test-artifacts/ instead.
screenshots: $(VENV)/.installed-dev system-deps
	DOCS_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser/test_reflow_and_print.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: $(VENV)/.installed-dev
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Benchmarks and the load test print figures (see bench/RESULTS.md); they are
# never part of `make test`. BENCH_ARGS e.g. "--databases sqlite --rebuild".
# `make bench` also runs the national profile: 10, 1,000 and 10,000 units on
# PostgreSQL (databases digiansvar_bench_u<N>, built once and kept; add
# --rebuild to BENCH_ARGS to build them again); `make bench-national` only that.
BENCH_ARGS ?=
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/run.py --profile national $(BENCH_ARGS)

bench-national: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py --profile national $(BENCH_ARGS)

# SERVERS=2: two app servers sharing a Redis of their own (bench/loadtest.sh).
SERVERS ?= 1
loadtest: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "wrk is missing: apt-get install wrk"; exit 1; }
	PYTHON=$(BIN)/python SERVERS=$(SERVERS) bash bench/loadtest.sh

messages: $(VENV)/.installed-dev
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l en --ignore '.venv*' --ignore 'staticfiles/*'
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore '.venv*'

clean:
	rm -rf .venv .venv-* staticfiles *.egg-info tests/oidc/node_modules

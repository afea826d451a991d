# liangping — set-up, demo, tests. Everything installs itself: `make demo` and `make test` work from nothing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY_STAMP   := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
VENDOR     := liangping/static/vendor
PG_URL_DEFAULT := postgres://postgres@127.0.0.1:5432/postgres

.PHONY: setup demo serve test test-sqlite test-pg lint format browser-deps pg-client clean bench bench-quick bench-smoke redis-server

setup: $(PY_STAMP) $(VENDOR)/.copied

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end files come from npm at set-up and are served by the application: no CDN at run time.
$(VENDOR)/.copied: $(NODE_STAMP)
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	touch $@

demo: setup
	$(BIN)/liangping demo

serve: setup
	$(BIN)/liangping serve

# Debian's Chromium and CJK fonts for the browser tests (Playwright's own browser download does not work here).
browser-deps:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then :; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

# pg_dump/pg_restore for `liangping backup` / `restore` on PostgreSQL (same major version as the server or newer).
pg-client:
	@if command -v pg_dump >/dev/null && command -v pg_restore >/dev/null; then :; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql-client >/dev/null; \
	fi

# redis-server for the scale-out tests (tests/scaleout start a private one on a free port).
redis-server:
	@if command -v redis-server >/dev/null; then :; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null; \
	fi

lint: setup
	$(BIN)/ruff check liangping tests bench
	$(BIN)/ruff format --check liangping tests bench
	$(BIN)/mypy liangping
	$(BIN)/liangping makemigrations --check --dry-run

format: setup
	$(BIN)/ruff format liangping tests bench
	$(BIN)/ruff check --fix liangping tests bench

test: setup browser-deps pg-client redis-server test-sqlite test-pg bench-smoke

# Two workers (one per core), a test file per worker at a time so module fixtures are built once.
# `liangping check` first: the keys generated under var/ on a fresh clone are written by one process.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile

test-sqlite:
	LIANGPING_ENV=test $(BIN)/liangping check >/dev/null
	LIANGPING_ENV=test $(BIN)/pytest -q $(PYTEST_PARALLEL)

# The PostgreSQL server for the PostgreSQL runs: DATABASE_URL if it names PostgreSQL, else the local
# server on 127.0.0.1:5432 if it answers, else nothing.
PG_URL = url="$${DATABASE_URL:-}"; \
	case "$$url" in postgres*) ;; *) url="";; esac; \
	if [ -z "$$url" ] && $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
	  url="$(PG_URL_DEFAULT)"; fi

test-pg:
	@$(PG_URL); \
	if [ -z "$$url" ]; then echo "PostgreSQL not reachable: PostgreSQL suite skipped"; exit 0; fi; \
	echo "PostgreSQL suite against $$url"; \
	LIANGPING_ENV=test DATABASE_URL="$$url" $(BIN)/pytest -q $(PYTEST_PARALLEL) -m "not browser"

# Benchmarks (docs/benchmarks.md): a table on stdout and bench/results/latest.json. Data sets are
# generated once under var/bench/; DATABASE_URL=postgres://… runs them on PostgreSQL.
bench: setup
	$(BIN)/python -m bench.run

bench-quick: setup
	$(BIN)/python -m bench.run --quick

# Every phase on tiny data sets (seconds), on SQLite and on PostgreSQL when a server answers, and the
# 防汛叫应 fan-out on 20 points (SQLite only: on PostgreSQL it empties its database's tables): part of
# `make test`, so a change that breaks a benchmark phase fails CI. Its figures are not measurements.
bench-smoke: setup
	env -u DATABASE_URL $(BIN)/python -m bench.run --smoke
	env -u DATABASE_URL $(BIN)/python -m bench.emergency_fanout --points 20 --json
	@$(PG_URL); \
	if [ -z "$$url" ]; then echo "PostgreSQL not reachable: PostgreSQL bench smoke skipped"; exit 0; fi; \
	DATABASE_URL="$$url" $(BIN)/python -m bench.run --smoke

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles tests/browser/artifacts

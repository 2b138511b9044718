# Two commands do everything: `make demo` and `make test`.
PY      ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000

.PHONY: demo test lint typecheck bench clean apt-tools apt-postgres

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel
	# torch first and pinned, so that nothing below can pull a CUDA build
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/parallax demo --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium and the web benchmark runs wrk:
# install them when they are missing and apt can (root); else those tests
# skip with a message and the benchmark says what to install.
apt-tools:
	@missing=""; test -x /usr/bin/chromium || missing="chromium"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing \
	      || echo "could not install$$missing; the tests that need it will skip"; \
	  else echo "not installed:$$missing (apt-get install$$missing); the tests that need it will skip"; fi; \
	fi

# The store, web and CLI tests also run on a throwaway PostgreSQL cluster that
# tests/pg.py starts from Debian's server binaries: install them when missing and
# apt can (root); else the PostgreSQL runs skip with a message.
apt-postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql \
	      || echo "could not install postgresql; the PostgreSQL test runs will skip"; \
	  else echo "not installed: postgresql (apt-get install postgresql); the PostgreSQL test runs will skip"; fi; \
	fi

# pytest-xdist: one worker a core (TEST_WORKERS=0 runs in this process); which
# tests share a worker and which go first is set in tests/conftest.py.
TEST_WORKERS ?= auto

test: $(STAMP) apt-tools apt-postgres
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

bench: $(STAMP) apt-tools
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/cleanup.py
	$(BIN)/python bench/clustering.py
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/quotes.py
	$(BIN)/python bench/summary.py
	$(BIN)/python bench/dedup.py
	$(BIN)/python bench/wire.py
	$(BIN)/python bench/web_latency.py
	$(BIN)/python bench/chaos.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

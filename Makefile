# Two commands do everything: `make demo` and `make test`.
PY      ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000

.PHONY: demo test lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel
	# torch first and pinned, so that nothing below can pull a CUDA build
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/parallax demo --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/cleanup.py
	$(BIN)/python bench/clustering.py
	$(BIN)/python bench/quotes.py
	$(BIN)/python bench/dedup.py
	$(BIN)/python bench/wire.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

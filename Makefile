# Two commands set everything up on a fresh machine:
#   make run    install, then materialize every asset over data/raw/ and print a summary
#   make test   install, then lint and run the test suite (what CI runs)
# Also: make dev (the Dagster UI), make bench (benchmarks).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test dev bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python -m pipelines materialize

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest

dev: install
	DAGSTER_HOME=$(CURDIR) $(BIN)/dagster dev

bench: install
	$(BIN)/python bench/bench_split.py --size-mb 500

clean:
	rm -rf $(VENV) .dagster data/warehouse/*.duckdb data/warehouse/*.wal

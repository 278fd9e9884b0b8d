# Two commands set everything up on a fresh machine:
#   make run    install, then materialize every asset over data/raw/ and print a summary
#   make test   install (with Debian's chromium for the UI test), then lint and run the test suite (what CI runs)
# Also: make dev (the Dagster UI), make bench (benchmarks), make browser (chromium only).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

CHROMIUM := /usr/bin/chromium

.PHONY: install browser run test dev bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium, which Playwright drives headless in tests/orchestration/test_ui_e2e.py (`playwright install`
# is never used: it downloads a browser build of its own). apt-get as root, else through sudo.
# Without it the browser test is skipped with a warning; under CI (CI set) that is an error.
browser:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else SUDO=none; fi; \
	if [ "$$SUDO" != none ] && command -v apt-get >/dev/null \
		&& $$SUDO apt-get update -qq \
		&& $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium \
		&& [ -x $(CHROMIUM) ]; then echo "installed $$($(CHROMIUM) --version 2>/dev/null)"; exit 0; fi; \
	echo "make browser: could not install chromium (apt-get install chromium needs root or sudo);" \
		"the browser test will be skipped" >&2; \
	[ -z "$$CI" ]

run: install
	$(BIN)/python -m pipelines materialize

test: install browser
	$(BIN)/ruff check .
	$(BIN)/pytest

dev: install
	DAGSTER_HOME=$(CURDIR) $(BIN)/dagster dev

bench: install
	$(BIN)/python bench/bench_split.py --size-mb 500

clean:
	rm -rf $(VENV) .dagster data/warehouse/*.duckdb data/warehouse/*.wal

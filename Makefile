# mission-pipeline. Every target installs what it needs from uv.lock first.
# Only Python 3.11+ is assumed on the machine: uv itself is bootstrapped into .tools/.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := $(CURDIR)/.tools
UV := $(TOOLS)/bin/uv
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin

export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
# Local state of `make run` / `make dev`: the embedded PostgreSQL and Dagster's own storage.
export MISSION_PIPELINE_DATA_DIR ?= $(CURDIR)/.data
export DAGSTER_HOME ?= $(CURDIR)/.dagster

.PHONY: help install run dev test test-fast test-year-ahead lint format openclaw-cli ccusage-cli browser-deps faketime-deps bench bench-small migrate stop clean

help:
	@echo "make run    install, start the embedded PostgreSQL, migrate, materialize everything once, print the tables"
	@echo "make test   install (OpenClaw CLI included) and run the whole test suite, then again a year ahead"
	@echo "make dev    the Dagster UI and daemon on http://127.0.0.1:3000 (embedded database unless SUPABASE_DB_URL)"
	@echo "make lint   ruff and mypy"
	@echo "make bench  the benchmark at scale (about 30 minutes); writes BENCHMARKS.md"
	@echo "make stop   stop the embedded PostgreSQL"

install: $(VENV)/.installed

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	@mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

run: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/mission-pipeline run

dev: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml

migrate: install
	$(BIN)/mission-pipeline migrate

# The real OpenClaw CLI (npm) for the contract tests, in .openclaw-cli/; skipped without npm.
openclaw-cli:
	@if command -v npm >/dev/null 2>&1; then scripts/install-openclaw-cli.sh $(CURDIR)/.openclaw-cli; \
	else echo "npm not found: OpenClaw contract tests will be skipped"; fi

# ccusage (npm), the benchmark's reference reader of the JSONL transcripts, in .ccusage-cli/; without
# npm the benchmark leaves its rows out and says so in the notes.
ccusage-cli:
	@if command -v npm >/dev/null 2>&1; then scripts/install-ccusage-cli.sh $(CURDIR)/.ccusage-cli; \
	else echo "npm not found: the benchmark's ccusage reference will be skipped"; fi

# Debian's Chromium for the browser test (mission_pipeline_tests/browser): installed as root or with
# passwordless sudo; otherwise this says so and the test skips.
browser-deps:
	@if [ -x /usr/bin/chromium ]; then echo "chromium: installed"; \
	elif ! command -v apt-get >/dev/null 2>&1; then echo "no apt-get: the browser test will skip"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation; \
	elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation; \
	else echo "chromium missing and no root or sudo: the browser test will skip (apt-get install chromium)"; fi

# Debian's faketime for the second pass of `make test`: the suite with the clock a year ahead, so no test
# depends on today's date or on file times it did not set (CI may run long after a test was written).
faketime-deps:
	@if command -v faketime >/dev/null 2>&1; then echo "faketime: installed"; \
	elif ! command -v apt-get >/dev/null 2>&1; then echo "no apt-get: the year-ahead pass will be skipped"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends faketime; \
	elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends faketime; \
	else echo "faketime missing and no root or sudo: the year-ahead pass will be skipped (apt-get install faketime)"; fi

test: install openclaw-cli browser-deps faketime-deps
	$(BIN)/pytest
	$(MAKE) --no-print-directory test-year-ahead

# The suite a year from now. Chromium keeps its own clock, so the browser test stays out; so does the
# re-recording with the real OpenClaw, which compares tokens and costs only and takes minutes.
test-year-ahead: install
	@if command -v faketime >/dev/null 2>&1; then faketime -f +365d $(BIN)/pytest -m "not browser and not recording" -p no:cacheprovider; \
	else echo "faketime not installed: the year-ahead pass is skipped"; fi

# Everything but the slow, the real-OpenClaw, the browser and the re-recording tests.
test-fast: install
	$(BIN)/pytest -m "not slow and not contract and not browser and not recording"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy mission_pipeline mission_pipeline_tests benchmarks scripts

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The benchmark (benchmarks/, a checkout only: the wheel leaves it out) at 5 agents, 365 days, 1M calls,
# 100k files: ~25 min (9 of them the host's steady cost: processes left to settle and idle), ~6 GB in
# $TMPDIR; writes BENCHMARKS.md. Missed targets are findings, not failures;
# it exits 1 only if totals differ.
bench: install ccusage-cli
	$(BIN)/python -m benchmarks

# CI size (2 agents, 30 days, 20k calls, 5k files): ~1.5 min, plus ~8 for the host's steady cost.
bench-small: install ccusage-cli
	$(BIN)/python -m benchmarks --scale small --output .bench/BENCHMARKS-small.md

stop: install
	$(BIN)/mission-pipeline embedded stop

clean: stop
	rm -rf $(VENV) $(TOOLS) .openclaw-cli .ccusage-cli .mypy_cache .ruff_cache .pytest_cache

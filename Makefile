# Every target bootstraps what it needs (.venv, node_modules) on first use.
# `make help` lists the targets; `make test` is what CI runs.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.package-lock.json
MOCK_PORT ?= 8000

# The generator's ruff post hooks and the console scripts are found on PATH.
export PATH := $(BIN):$(PATH)

.DEFAULT_GOAL := help
.PHONY: help venv node generate check-generated lint-spec lint actionlint docs spec-diff dist test pytest selftest bench mock contract calibrate contract-cleanup contract-snapshot mock-diff lock clean

help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# uv (pinned in constraints.txt) installs in seconds what takes pip most of a minute; pip is the fallback.
$(VENV_STAMP): pyproject.toml constraints.txt generated/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt uv \
	  && $(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -c constraints.txt -e generated -e '.[dev]' \
	  || $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e generated -e '.[dev]'
	@touch $@

venv: $(VENV_STAMP) ## Create or update .venv with the pinned Python dependencies

$(NODE_STAMP): package.json package-lock.json
	@npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

node: ## Install the pinned Node tools (Spectral, Optic) from package-lock.json
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(NODE_STAMP); \
	else echo "node: npm is missing; Spectral and Optic steps will be skipped"; fi

generate: $(VENV_STAMP) ## Regenerate generated/ from openapi.yaml: only changed files, only on success; names them
	@$(BIN)/python scripts/regenerate.py

check-generated: $(VENV_STAMP) ## Fail when generated/ differs from what openapi.yaml produces
	@$(BIN)/python scripts/check_generated.py

lint-spec: $(VENV_STAMP) node ## Validate openapi.yaml (openapi-spec-validator, then Spectral)
	@scripts/lint-spec openapi.yaml

lint: $(VENV_STAMP) ## Ruff and mypy --strict on the kit, mypy --strict on the generated client
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check --quiet .
	@$(BIN)/mypy
	@$(BIN)/mypy --strict generated/bolna_sip_trunks_client

actionlint: $(VENV_STAMP) ## Lint the GitHub workflows with actionlint
	@scripts/actionlint

# NO_MKDOCS_2_WARNING: Material's banner about its end of life says nothing about this site.
docs: $(VENV_STAMP) ## Build the documentation site into site/ with mkdocs --strict (a broken link fails)
	@NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

spec-diff: $(VENV_STAMP) ## Breaking changes of openapi.yaml against git ref BASE (default origin/main)
	@scripts/spec-diff $(or $(BASE),origin/main)

dist: $(VENV_STAMP) ## Build the client (wheel, sdist) and the kit (wheel: mock, pytest plugin, suite, spec) into dist/
	@$(BIN)/python scripts/dist.py

# The checks of `make test` share nothing (each test has its own ports and folders), so they run
# side by side: the lints and the docs beside the tests, which pytest-xdist spreads over the
# cores, and the selftest's runs. Each starts once what it needs is installed (most need only
# .venv; pytest and lint-spec wait for node_modules too). Each check's output is shown whole
# when it ends; --keep-going reports every failing check, not only the first.
CHECKS := pytest selftest lint lint-spec check-generated docs actionlint
TEST_JOBS ?= $(words $(CHECKS))

test: ## Everything CI runs: lints, freshness, docs, pytest and selftest, side by side
	@$(MAKE) --no-print-directory --jobs=$(TEST_JOBS) --output-sync=target --keep-going $(CHECKS)

# Many tests spend part of their time waiting on a served mock or a `bolna-contract` process:
# one pytest-xdist worker more than the cores keeps them busy (two per core cost more CPU, on
# two cores, than they won back).
PYTEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print((os.cpu_count() or 1) + 1)')

pytest: $(VENV_STAMP) node ## The kit's tests, one worker per core and one more (pytest-xdist); PYTEST_ARGS adds options
	@$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

selftest: $(VENV_STAMP) ## The suite must catch every drift scenario of the mock and pass the clean mock
	@$(BIN)/python scripts/selftest.py

bench: $(VENV_STAMP) ## Detection vs stock Schemathesis, throughput, client overhead -> reports/bench.md
	@$(BIN)/python -m bench

mock: $(VENV_STAMP) ## Serve the embedded mock on 127.0.0.1:$MOCK_PORT with token $BOLNA_API_KEY (or dev-token)
	@$(BIN)/python -m mock_api --port $(MOCK_PORT)

contract: $(VENV_STAMP) ## Contract check: the embedded mock, or the live API when BOLNA_BASE_URL is set
	@$(BIN)/bolna-contract

calibrate: $(VENV_STAMP) ## First run on an account: explore bad values, bounds, response shapes; write a spec patch
	@$(BIN)/bolna-contract calibrate

contract-cleanup: $(VENV_STAMP) ## Restore trunks an interrupted run left changed; delete contract-test-* trunks of runs that ended
	@$(BIN)/bolna-contract cleanup

contract-snapshot: $(VENV_STAMP) ## Write the desired state of BOLNA_TRUNK_ID to contract-trunk.json (commit it)
	@$(BIN)/bolna-contract snapshot contract-trunk.json

mock-diff: $(VENV_STAMP) ## Same random steps to the API and a fresh mock; differences -> reports/contract/mock-diff.md
	@$(BIN)/bolna-contract mock-diff $(if $(STEPS),--steps $(STEPS)) $(if $(SEED),--seed $(SEED))

lock: $(VENV_STAMP) ## Rewrite constraints.txt from the current .venv
	@{ echo "# Transitive pins for .venv; regenerate with \`make lock\` after changing pyproject.toml."; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt

clean: ## Remove .venv, node_modules, reports and caches
	rm -rf $(VENV) node_modules reports site .pytest_cache .mypy_cache .ruff_cache *.egg-info

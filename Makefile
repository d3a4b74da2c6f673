# vastops.asbuilt: one command for each job. `make help` lists them.
#
# Every target first makes sure the project's virtual environment (.venv) exists and holds
# requirements-dev.txt; it is (re)installed whenever requirements.txt or requirements-dev.txt changes.
# Nothing else needs installing by hand: python3 (3.11 preferred) and make are enough.
# The logic lives in small scripts under tools/; this file only wires them up.

SHELL := bash
.DEFAULT_GOAL := help

# python3.11 when present (the newest Python ansible-core 2.19 supports), else python3. Override: make PYTHON=...
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := $(CURDIR)/.venv
VENV_STAMP := $(VENV)/.requirements-installed

export PATH := $(VENV)/bin:$(PATH)
export PYTHON_VENV := $(VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Quick tests: every directory under tests/ except the ones with their own target.
UNIT_PATHS := $(filter-out tests/integration/ tests/reliability/ tests/output/ tests/sanity/ tests/__pycache__/,\
                $(sort $(wildcard tests/*/))) $(wildcard tests/test_*.py)

.PHONY: help demo test lint sanity unit integration slow molecule reliability reliability-quick bench build \
        clean distclean venv simulator

help: ## List the targets
	@echo "vastops.asbuilt: as-built reports for VAST Data clusters"
	@echo
	@echo "  make demo     start the VMS simulator, run the as-built playbook against it, print where the report is"
	@echo "  make test     everything below that exists (what CI runs, via .ci/run)"
	@echo
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | grep -vE '^(help|demo|test):' \
	    | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: PYTHON=$(PYTHON)  SANITY_ARGS=  MOLECULE_ARGS=  BENCH_ARGS=  SIM_ARGS=  TEST_PARTS=  FAIL_FAST=1"

$(VENV_STAMP): requirements.txt requirements-dev.txt
	@tools/venv.sh "$(PYTHON)" "$(VENV)" "$(VENV_STAMP)"

venv: $(VENV_STAMP) ## Create .venv and install requirements-dev.txt (every target does this first)

demo: $(VENV_STAMP) ## Start the simulator, run the as-built playbook, print the report's path
	@tools/demo.sh

simulator: $(VENV_STAMP) ## Run the VMS simulator until Ctrl-C; `source .cache/simulator/env.sh` in another shell
	@tools/simulator.sh

test: $(VENV_STAMP) ## Run lint, sanity, unit, integration, molecule, quick reliability and build checks
	@tools/test_all.sh

lint: $(VENV_STAMP) ## ansible-lint (production profile) + syntax of the code outside the collection
	@tools/lint.sh

sanity: $(VENV_STAMP) ## ansible-test sanity --python 3.11 on a copy at .../ansible_collections/vastops/asbuilt
	@tools/sanity.sh $(SANITY_ARGS)

# Speed is measured by `make bench`, never asserted by a test. Tests marked slow (more than a few seconds each)
# are not part of `make test`: `make slow` runs those of the unit and integration directories, `make reliability`
# those of tests/reliability.
unit: $(VENV_STAMP) ## pytest: tests/unit, tests/simulator and the other quick test directories (not slow)
	@tools/pytest_part.sh unit -m "not bench and not slow" -- $(UNIT_PATHS)

integration: $(VENV_STAMP) ## pytest tests/integration: ansible-playbook against the simulator (not slow)
	@tools/pytest_part.sh integration -m "not bench and not slow" -- tests/integration

slow: $(VENV_STAMP) ## pytest: the tests marked slow in the unit and integration directories (not in make test)
	@tools/pytest_part.sh slow -m "slow and not bench" -- $(UNIT_PATHS) tests/integration

molecule: $(VENV_STAMP) ## molecule test --all (extensions/molecule, delegated driver)
	@tools/molecule.sh

reliability-quick: $(VENV_STAMP) ## pytest tests/reliability without the tests marked slow (part of make test)
	@tools/pytest_part.sh reliability -m "not slow and not bench" -- tests/reliability

reliability: $(VENV_STAMP) ## The full reliability suite, slow tests included
	@tools/pytest_part.sh reliability -m "not bench" -- tests/reliability

bench: $(VENV_STAMP) ## Benchmarks (benchmarks/run.py)
	@tools/bench.sh

build: $(VENV_STAMP) ## build/vastops-asbuilt-<version>.tar.gz, then install it into an empty path and check it
	@tools/build.sh

clean: ## Remove build output, caches and the ansible-test copy (keeps .venv)
	rm -rf build tests/output .cache .ansible .pytest_cache "$$($(PYTHON) tools/collection_tree.py root)"
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## clean, and remove .venv too
	rm -rf $(VENV)

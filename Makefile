# Two set-up commands for a fresh machine: `make demo` and `make test`.
# Both build their own virtual environment (.venv) from this repo's files.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The programs `make demo` runs; SEED_DIR=... runs other PyTorch programs (example*.py) instead,
# with only their imports changed.
SEED_DIR ?= examples/basics
GRAPH_DIR ?= graphs
# The program whose graph `make demo` also writes as an interactive page (graphs/example4.html).
EXPLORE_PROGRAM ?= $(firstword $(wildcard $(SEED_DIR)/example4*.py))

# The ends of the supported NumPy range, each tested in a venv of its own (without PyTorch):
# NumPy 2.0 on the oldest supported Python, and the newest NumPy pip serves on the newest Python.
# Where such a Python is missing, that run is skipped with a message.
# pyenv's interpreters are found by path (its shims need a selected version).
find_python = $(or $(lastword $(sort $(wildcard $(HOME)/.pyenv/versions/$(1).*/bin/python$(1)))),python$(1))
OLDEST_PYTHON ?= $(call find_python,3.10)
NEWEST_PYTHON ?= $(call find_python,3.13)
NUMPY_RANGE_TESTS ?= tests

.PHONY: demo test test-numpy-range lint bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.demo: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[viz]"
	touch $@

$(VENV)/.test: pyproject.toml requirements-test.txt | $(BIN)/python
	$(BIN)/pip install -q -e ".[viz]" -r requirements-test.txt
	touch $@ $(VENV)/.demo

demo: $(VENV)/.demo
	$(BIN)/python scripts/run_seeds.py $(SEED_DIR)
	$(BIN)/python -m graphgrad.viz.seed_graphs $(GRAPH_DIR) $(SEED_DIR) --names
	@if [ -n "$(EXPLORE_PROGRAM)" ]; then \
	  if $(BIN)/python -c 'import graphgrad.viz as v; raise SystemExit(not v.available_renderers())'; \
	  then $(BIN)/python -m graphgrad.viz.explorer $(EXPLORE_PROGRAM) $(GRAPH_DIR)/example4.html; \
	  else echo "$(GRAPH_DIR)/example4.html not written: nothing here renders SVG (Python 3.10 needs Graphviz's dot)"; fi; fi

test: $(VENV)/.test
	-@sh scripts/ensure_chromium.sh
	$(BIN)/ruff check src tests scripts benchmarks examples
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory test-numpy-range

# One venv per end of the range: .venv-numpy-oldest and .venv-numpy-newest.
.venv-numpy-%/.test: pyproject.toml requirements-numpy-range.txt
	@py=$(if $(filter oldest,$*),$(OLDEST_PYTHON),$(NEWEST_PYTHON)); \
	numpy=$(if $(filter oldest,$*),"numpy==2.0.*","numpy"); \
	$$py -m venv .venv-numpy-$* && \
	.venv-numpy-$*/bin/pip install -q --upgrade pip && \
	.venv-numpy-$*/bin/pip install -q -e ".[viz]" $$numpy -r requirements-numpy-range.txt && touch $@

test-numpy-range:
	@for end in oldest newest; do \
	  py=$$( [ $$end = oldest ] && echo $(OLDEST_PYTHON) || echo $(NEWEST_PYTHON) ); \
	  if ! $$py -c 'import sys' >/dev/null 2>&1; then \
	    echo "== NumPy $$end: skipped, no $$py on this machine"; continue; fi; \
	  $(MAKE) --no-print-directory .venv-numpy-$$end/.test || exit 1; \
	  echo "== NumPy $$end: $$(.venv-numpy-$$end/bin/python -c 'import sys, numpy; print("numpy", numpy.__version__, "on Python", sys.version.split()[0])')"; \
	  .venv-numpy-$$end/bin/python -m pytest -q -p no:cacheprovider $(NUMPY_RANGE_TESTS) || exit 1; \
	done

lint: $(VENV)/.test
	$(BIN)/ruff check src tests scripts benchmarks examples
	$(BIN)/ruff format --check src tests scripts benchmarks examples
	$(BIN)/mypy

# The long differential fuzz run against torch (docs/testing.md): FUZZ_EXAMPLES per test,
# differences written to FUZZ_FILE (with a summary at its end) instead of stopping the run.
FUZZ_EXAMPLES ?= 300
FUZZ_FILE ?= fuzz-failures.txt

fuzz: $(VENV)/.test
	rm -f $(FUZZ_FILE)
	HYPOTHESIS_PROFILE=fuzz GRAPHGRAD_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
		GRAPHGRAD_FUZZ_FAILURES=$(abspath $(FUZZ_FILE)) $(BIN)/python -m pytest -p no:cacheprovider -o timeout=3600 tests/fuzz
	@grep '^#' $(FUZZ_FILE)

bench: $(VENV)/.test
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .venv-numpy-oldest .venv-numpy-newest $(GRAPH_DIR) .pytest_cache

# Two set-up commands for a fresh machine: `make demo` and `make test`.
# Both build their own virtual environment (.venv) from this repo's files.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SEED_DIR ?= ../shared/seed
GRAPH_DIR ?= graphs

.PHONY: demo test lint bench clean

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

test: $(VENV)/.test
	-@sh scripts/ensure_chromium.sh
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/python -m pytest

lint: $(VENV)/.test
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks

bench: $(VENV)/.test
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(GRAPH_DIR) .pytest_cache

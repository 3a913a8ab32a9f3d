# portal-patrol — every target installs what it needs first (idempotent).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SYSSTAMP := $(VENV)/.sysdeps

.PHONY: setup sysdeps bytecode demo test test-fast bench lint format clean

setup: $(STAMP) $(SYSSTAMP) bytecode

# The project's modules compiled once here: where PYTHONDONTWRITEBYTECODE is set (as on these
# machines), Python never writes them itself, and every process (each `patrol screen`, each
# screening worker's template) compiled every module it imports from source again. Up-to-date
# files are skipped; a stale one is only recompiled in memory until the next `make`.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q -j 0 bench config crawler demo inspection reports scheduler screening web

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# System packages: Chromium (screenshot of the HTML report) and CJK fonts (Chinese chart labels).
$(SYSSTAMP): scripts/sysdeps.sh | $(VENV)/bin/python
	bash scripts/sysdeps.sh
	touch $(SYSSTAMP)

demo: setup
	$(BIN)/patrol --data var/demo demo

test: setup
	$(BIN)/python -m pytest -n 2 --dist loadgroup --no-loadscope-reorder -q --durations=15

test-fast: setup
	$(BIN)/python -m pytest -n 2 --dist loadgroup --no-loadscope-reorder -q -m "not slow"

bench: setup
	$(BIN)/python -m bench

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache

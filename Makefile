# portal-patrol — every target installs what it needs first (idempotent).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SYSSTAMP := $(VENV)/.sysdeps

.PHONY: setup sysdeps demo test test-fast bench lint format clean

setup: $(STAMP) $(SYSSTAMP)

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

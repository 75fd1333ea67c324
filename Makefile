# Targets mirror the README commands. Everything runs from a local virtualenv (.venv) that the
# targets create and keep in sync with pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint bench demo clean

# The C sources and their shared header too: pip install -e rebuilds the extension modules after an edit.
$(STAMP): pyproject.toml $(wildcard src/smartassist/analytics/*.h src/smartassist/*/_*.c src/smartassist/analytics/*/_*.c)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

serve: $(STAMP)  ## run the server on the embedded SQLite default (./data)
	$(BIN)/smartassist serve $(ARGS)

demo: $(STAMP)  ## load the demo account, app, bot, agents and a week of data
	$(BIN)/smartassist demo

test: $(STAMP)  ## lint and type-check, then the whole test suite on SQLite and the local PostgreSQL
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

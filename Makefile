# The two commands: `make run` and `make test`. Everything else is a convenience.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: run test bench lint migrate demo worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(TSTAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/events serve --demo-if-empty

test: $(TSTAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(TSTAMP)
	@for b in bench/[!_]*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: $(TSTAMP)
	$(BIN)/ruff check events tests bench

migrate: $(STAMP)
	$(BIN)/events migrate

demo: $(STAMP)
	$(BIN)/events demo

worker: $(STAMP)
	$(BIN)/events worker

clean:
	rm -rf $(VENV) var/ .pytest_cache

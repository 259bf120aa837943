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

# BENCH_DATABASE=postgres://… adds the rush on PostgreSQL; BENCH_REDIS (default the local Redis) serves the
# two-worker quiz.
BENCH_REDIS ?= redis://127.0.0.1:6379/0
bench: $(TSTAMP)
	@command -v wrk >/dev/null 2>&1 || { echo "bench: installing wrk"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	@echo "== web routes (wrk -t2 -c64 -d10s, ratio to a bare Litestar hello app)"
	$(BIN)/python bench/web_routes.py
	@echo "== registration rush (SQLite)"
	$(BIN)/python bench/registration_rush.py
	@if [ -n "$(BENCH_DATABASE)" ]; then echo "== registration rush (PostgreSQL)"; \
	  $(BIN)/python bench/registration_rush.py --database "$(BENCH_DATABASE)"; fi
	@echo "== quiz: 2,000 players, one worker"
	$(BIN)/python bench/quiz_load.py --players 2000 --workers 1
	@echo "== quiz: 5,000 players, two workers + Redis"
	$(BIN)/python bench/quiz_load.py --players 5000 --workers 2 --redis "$(BENCH_REDIS)"
	@echo "== live: 5,000 participants, two workers + Redis, 500 votes/s for 10 s"
	$(BIN)/python bench/live_load.py --participants 5000 --workers 2 --redis "$(BENCH_REDIS)" --seconds 10 --rate 500

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

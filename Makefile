# notion-sync: `make demo` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_STAMP := $(VENV)/.apt-installed

.PHONY: demo test lint bench clean install browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium: the HTML export is checked in a real headless browser. openssl: the
# Kafka TLS test makes its certificates with it.
$(APT_STAMP): | $(BIN)/python
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium openssl >/dev/null) \
	  || { echo "could not install the Debian packages 'chromium' and 'openssl'; the browser and TLS tests need them" >&2; exit 1; }; \
	fi
	touch $(APT_STAMP)

browser: $(APT_STAMP)

demo: install
	$(BIN)/notion-sync demo --out notion-export

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Two pytest workers, one test file each at a time: the integration tests spend much of
# their time waiting on brokers and child processes, so two halve the wall time on two
# cores; each worker has its own embedded broker.
test: install browser lint
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile \
	  --cov --cov-report=term --cov-fail-under=90 --durations=25

bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) notion-export .coverage* .mypy_cache .ruff_cache

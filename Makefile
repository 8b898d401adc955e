# diplodash: `make run` opens the dashboard on the bundled table, `make test` runs the tests.
# Both create the virtual environment they need (.venv) on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint bench bench-quick bench-e2e clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/diplodash $(ARGS)

lint: $(STAMP)
	@$(BIN)/ruff check metrics tui extract diplodash tests bench tools
	@$(BIN)/lint-imports pyproject.toml

test: lint
	@$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

$(VENV)/.bench-installed: $(STAMP)
	@$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $@

bench: $(VENV)/.bench-installed
	@$(BIN)/python -m bench.run $(ARGS)
	@$(BIN)/python -m bench.e2e

# From the user's files to the overview, cold, against a DuckDB script (bench/RESULTS-e2e.md).
bench-e2e: $(VENV)/.bench-installed
	@$(BIN)/python -m bench.e2e $(ARGS)

bench-quick: $(VENV)/.bench-installed
	@$(BIN)/python -m bench.run --sizes 1000,100000 --runs 3 --app-runs 3 --output bench/out/RESULTS-quick.md --out-dir bench/out/quick $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

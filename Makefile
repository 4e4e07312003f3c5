# Levers: `make demo` plays a whole match offline; `make test` runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install engine demo test lint typecheck contracts pytest bench run schema clean

# The engine's hot modules compiled by mypyc into build/engine when a C compiler is present
# (skipped with a message otherwise; a no-op while the build matches bot/game's sources).
install: $(STAMP) engine

engine: $(STAMP)
	$(BIN)/python -m bot.build_engine

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: install
	$(BIN)/levers play --seed 2021

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy bot cogs db tests bench

contracts: install
	$(BIN)/lint-imports

pytest: install
	$(BIN)/pytest

test: lint typecheck contracts pytest

bench: install
	$(BIN)/python -m bench

run: install
	$(BIN)/levers run

schema: install
	$(BIN)/levers schema > content/schema/scenario.schema.json

clean:
	rm -rf $(VENV) build/engine .mypy_cache .ruff_cache .pytest_cache

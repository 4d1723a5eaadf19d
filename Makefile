# tagjack — the README's two commands are `make demo` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: setup demo test lint bench neo4j neo4j-stop clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

demo: setup
	$(BIN)/tagjack demo --out demo

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check graph cli cypher tests bench tagjack

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) demo tagjack.db*

# Lint every cypher/**/*.cypher offline with Neo4j's own parser and semantic analysis
# (needs Node.js >= 20; tests/cypher_lint.py runs `npm ci` in tests/cypher-lint on first use).
.PHONY: lint-cypher
lint-cypher: setup
	$(BIN)/python -m pytest -q tests/cypher/test_lint.py

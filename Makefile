# tagjack — the README's two commands are `make demo` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: setup demo test lint bench neo4j neo4j-stop clean fuzz

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@PYTHONWARNINGS=ignore $(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

demo: setup
	$(BIN)/tagjack demo --out demo

# The local Neo4j 5.26 + GDS + Browser (tests/neo4j-server, needs Java 17 + Maven).
NEO4J_SH := tests/neo4j-server/neo4j.sh

# The tests get a fresh Neo4j of their own from with-neo4j.sh (data in .neo4j-test/run-<pid>,
# ports picked free), stopped and removed afterwards; `make neo4j`'s server and NEO4J_URI are
# never used. TAGJACK_TEST_NEO4J_URI (+ _USERNAME, _PASSWORD, _DATABASE) names another server
# instead; the suite refuses to wipe a database holding data without its marker. Without
# Java/Maven, or if it cannot start, one line says why and the Neo4j tests skip (fail under CI=true).
test: setup
	@tests/neo4j-server/with-neo4j.sh $(BIN)/python -m pytest -q

# More of what `make test` fuzzes: FUZZ_SCALE times the hypothesis cases of the reliability
# fuzz tests (fresh random seeds each run, not make test's fixed ones) and KILL_POINTS kill -9
# points per worker count; hypothesis prints how many cases each test ran.
FUZZ_SCALE  ?= 20
KILL_POINTS ?= 20
fuzz: setup
	TAGJACK_FUZZ_SCALE=$(FUZZ_SCALE) TAGJACK_KILL_POINTS=$(KILL_POINTS) $(BIN)/python -m pytest -q \
		tests/reliability/test_fuzz_files.py tests/reliability/test_kill_load.py \
		--hypothesis-show-statistics

lint: setup
	$(BIN)/ruff check graph cli cypher tests bench tagjack

bench: setup
	$(BIN)/python -m bench

# Start your local Neo4j in the background (data in .neo4j/, kept across restarts; `make test`
# never touches it) and print the NEO4J_* lines to export:  eval "$$(make -s neo4j)"
# IMPORT=DIR first builds its database from DIR (tagjack export --format neo4j-admin --out DIR)
# with neo4j-admin's bulk importer, then starts it, creating tagjack's constraints and indexes
# (cypher/schema.cypher) before it is announced ready, and shows the totals (tagjack status).
# A database holding nodes is refused unless REPLACE=1 (which stops a running server and
# replaces its data).
neo4j:
ifdef IMPORT
	@$(NEO4J_SH) import "$(IMPORT)" $(if $(REPLACE),replace) && \
		eval "$$($(NEO4J_SH) env)" && $(BIN)/tagjack status --neo4j "$$NEO4J_URI" >&2
else
	@$(NEO4J_SH) start
endif

neo4j-stop:
	@$(NEO4J_SH) stop

clean:
	rm -rf $(VENV) demo tagjack.db*

# Lint every cypher/**/*.cypher offline with Neo4j's own parser and semantic analysis
# (needs Node.js >= 20; tests/cypher_lint.py runs `npm ci` in tests/cypher-lint on first use).
.PHONY: lint-cypher
lint-cypher: setup
	$(BIN)/python -m pytest -q tests/cypher/test_lint.py

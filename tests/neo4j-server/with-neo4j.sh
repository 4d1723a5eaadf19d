#!/usr/bin/env bash
# Run a command (e.g. pytest) with a real Neo4j available:
#
#   tests/neo4j-server/with-neo4j.sh .venv/bin/python -m pytest -q
#
# - NEO4J_URI already set: the command runs against that server, nothing is started.
# - Otherwise, with Java 17+ and Maven: the local Neo4j (neo4j.sh) is started, NEO4J_URI,
#   NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE and TAGJACK_NEO4J_BROWSER_URL are exported
#   for the command, and the server is stopped afterwards (also when the command fails or is
#   interrupted). Several runs at once share one server; the last one out stops it. A server
#   started by hand (`make neo4j`) is used and left running.
# - If the server cannot be had, one line says why, TAGJACK_NEO4J_UNAVAILABLE carries the
#   reason to the command, and the command still runs: tests/neo4j_server.py then skips the
#   Neo4j tests with that reason, or fails them under CI=true.
# Exits with the command's exit code.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
NEO4J_SH=$HERE/neo4j.sh
NEO4J_HOME_DIR=${TAGJACK_NEO4J_HOME:-$REPO/.neo4j}
CLIENTS=$NEO4J_HOME_DIR/run/clients      # one file per with-neo4j.sh using the server
AUTO=$NEO4J_HOME_DIR/run/auto-started    # present when a with-neo4j.sh started it

if (($# == 0)); then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 64
fi

if [[ -n ${NEO4J_URI:-} ]]; then
    exec "$@"
fi

# run_without REASON COMMAND...: one line, then the command without a server.
run_without() {
    local reason=$1
    shift
    echo "with-neo4j: local Neo4j unavailable: $reason -- Neo4j tests will skip (fail under CI=true)" >&2
    export TAGJACK_NEO4J_UNAVAILABLE=$reason
    exec "$@"
}

if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    run_without "Java 17 and Maven are needed for the local Neo4j" "$@"
fi

mkdir -p "$CLIENTS" || run_without "cannot create $CLIENTS" "$@"
exec 8>"$NEO4J_HOME_DIR/.clients.lock"

# Acquire: start the server unless it runs, and register as a client (under the lock).
flock 8
errors=$(mktemp)
if "$NEO4J_SH" status >/dev/null 2>&1; then
    lines=$("$NEO4J_SH" env)
    [[ -f $AUTO ]] || echo "with-neo4j: using the local Neo4j that is already running (left running)" >&2
elif lines=$(TAGJACK_NEO4J_HOME=$NEO4J_HOME_DIR "$NEO4J_SH" start 2>"$errors" 8>&-); then
    grep -q 'already running' "$errors" || touch "$AUTO"
    grep -E 'ready in|built in' "$errors" | sed 's/^neo4j.sh: /with-neo4j: Neo4j /' >&2
else
    # neo4j.sh's last stderr line is its one clear reason.
    reason=$(tail -n 1 "$errors" | sed 's/^neo4j.sh: //')
    rm -f "$errors"
    flock -u 8
    run_without "${reason:-neo4j.sh start failed}" "$@"
fi
rm -f "$errors"
touch "$CLIENTS/$$"
flock -u 8

# Release: unregister; the last client stops a server that a with-neo4j.sh started.
release() {
    trap - EXIT
    flock 8
    rm -f "$CLIENTS/$$"
    local f
    for f in "$CLIENTS"/*; do
        [[ -e $f ]] || continue
        kill -0 "${f##*/}" 2>/dev/null || rm -f "$f"   # a client that died without releasing
    done
    if [[ -f $AUTO && -z $(ls -A "$CLIENTS") ]]; then
        TAGJACK_NEO4J_HOME=$NEO4J_HOME_DIR "$NEO4J_SH" stop >/dev/null 2>&1 8>&-
        rm -f "$AUTO"
    fi
    flock -u 8
}
trap release EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

eval "$lines"
"$@" 8>&-
rc=$?
release
exit "$rc"

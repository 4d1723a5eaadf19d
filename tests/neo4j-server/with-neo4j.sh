#!/usr/bin/env bash
# Run a command (e.g. pytest) with a Neo4j of the tests' own:
#
#   tests/neo4j-server/with-neo4j.sh .venv/bin/python -m pytest -q
#
# - TAGJACK_TEST_NEO4J_URI set: the command runs against that server (with
#   TAGJACK_TEST_NEO4J_USERNAME / _PASSWORD / _DATABASE / _BROWSER_URL), nothing is started.
#   The tests still refuse to wipe a database holding data they did not create.
# - Otherwise, with Java 17+ and Maven: a fresh Neo4j (neo4j.sh) is started for this run alone,
#   its data in $TAGJACK_TEST_NEO4J_HOME/run-<pid> (default .neo4j-test/ in the checkout), on
#   two ports free at start, and TAGJACK_TEST_NEO4J_URI, _USERNAME, _PASSWORD, _DATABASE and
#   _BROWSER_URL are exported for the command (it may take TAGJACK_TEST_NEO4J_START_TIMEOUT s,
#   default 300, to start). The server is stopped and its folder removed
#   afterwards (also when the command fails or is interrupted). A user's server (`make neo4j`,
#   data in .neo4j/) or NEO4J_URI is never used: every NEO4J_* variable is removed from the
#   command's environment, so several checkouts, or several runs in one, never share a server.
# - If the server cannot be had, one line says why, TAGJACK_NEO4J_UNAVAILABLE carries the
#   reason to the command, and the command still runs: tests/neo4j_server.py then skips the
#   Neo4j tests with that reason, or fails them under CI=true.
# Exits with the command's exit code.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SERVER_SH=$HERE/neo4j.sh
TEST_HOME=${TAGJACK_TEST_NEO4J_HOME:-$REPO/.neo4j-test}
PASSWORD=tagjack-test
# A fresh store's first start takes longest, and the tests share a busy machine.
START_TIMEOUT=${TAGJACK_TEST_NEO4J_START_TIMEOUT:-300}
ATTEMPTS=3  # a port picked free can be taken before the server binds it: pick again

if (($# == 0)); then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 64
fi

# The user's server settings never reach the tests (nor NEO4J_HOME-style knobs of neo4j.sh).
unset "${!NEO4J_@}" TAGJACK_NEO4J_BROWSER_URL TAGJACK_NEO4J_HOME TAGJACK_NEO4J_UNAVAILABLE

if [[ -n ${TAGJACK_TEST_NEO4J_URI:-} ]]; then
    echo "with-neo4j: tests use TAGJACK_TEST_NEO4J_URI=$TAGJACK_TEST_NEO4J_URI (nothing started)" >&2
    exec "$@"
fi
unset "${!TAGJACK_TEST_NEO4J_@}"

# run_without REASON COMMAND...: one line, then the command without a server.
run_without() {
    local reason=$1
    shift
    echo "with-neo4j: the tests' Neo4j is unavailable: $reason -- Neo4j tests will skip (fail under CI=true)" >&2
    export TAGJACK_NEO4J_UNAVAILABLE=$reason
    exec "$@"
}

if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    run_without "Java 17 and Maven are needed for the local Neo4j" "$@"
fi

# A free port on 127.0.0.1, as the kernel hands them out.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Folders of runs whose with-neo4j.sh is gone (killed -9): stop their server, remove them.
clean_stale() {
    local dir pid
    for dir in "$TEST_HOME"/run-*; do
        [[ -d $dir ]] || continue
        pid=${dir##*/run-}
        [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && continue
        TAGJACK_NEO4J_HOME=$dir "$SERVER_SH" stop >/dev/null 2>&1
        rm -rf "$dir"
    done
}

mkdir -p "$TEST_HOME" || run_without "cannot create $TEST_HOME" "$@"
clean_stale
RUN_HOME=$TEST_HOME/run-$$
errors=$(mktemp)

server() {  # server ACTION: neo4j.sh on this run's folder and ports
    TAGJACK_NEO4J_HOME=$RUN_HOME NEO4J_BOLT_PORT=$BOLT_PORT NEO4J_HTTP_PORT=$HTTP_PORT \
        NEO4J_PASSWORD=$PASSWORD NEO4J_START_TIMEOUT=$START_TIMEOUT "$SERVER_SH" "$1"
}

release() {
    trap - EXIT
    server stop >/dev/null 2>&1
    rm -rf "$RUN_HOME"
}
trap release EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=
for ((attempt = 1; attempt <= ATTEMPTS; attempt++)); do
    BOLT_PORT=$(free_port) && HTTP_PORT=$(free_port) || break
    [[ $BOLT_PORT != "$HTTP_PORT" ]] || continue
    if server start >/dev/null 2>"$errors"; then
        started=1
        break
    fi
    grep -qiE 'in use|BindException' "$errors" "$RUN_HOME/neo4j.log" 2>/dev/null || break
done
if [[ -z $started ]]; then
    # neo4j.sh's last stderr line is its one clear reason; the run's folder keeps the log
    # until the next run cleans it.
    reason=$(tail -n 1 "$errors" | sed 's/^neo4j.sh: //')
    rm -f "$errors"
    trap - EXIT
    server stop >/dev/null 2>&1
    run_without "${reason:-neo4j.sh start failed}" "$@"
fi
grep -E 'ready in|built in' "$errors" | sed 's/^neo4j.sh: /with-neo4j: the tests'"'"' Neo4j /' >&2
rm -f "$errors"

export TAGJACK_TEST_NEO4J_URI=bolt://127.0.0.1:$BOLT_PORT
export TAGJACK_TEST_NEO4J_USERNAME=neo4j
export TAGJACK_TEST_NEO4J_PASSWORD=$PASSWORD
export TAGJACK_TEST_NEO4J_DATABASE=neo4j
export TAGJACK_TEST_NEO4J_BROWSER_URL=http://127.0.0.1:$HTTP_PORT/browser/
"$@"
rc=$?
release
exit "$rc"

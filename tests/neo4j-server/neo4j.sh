#!/usr/bin/env bash
# tagjack's local Neo4j 5.26 Community + Graph Data Science 2.13 + Neo4j Browser, built from
# Maven Central and started by tagjack.Neo4jLauncher (no Docker, no Neo4j install needed).
#
#   tests/neo4j-server/neo4j.sh start    build once, start in the background, wait for Bolt,
#                                        print the env lines (stdout) and the Browser URL
#   tests/neo4j-server/neo4j.sh stop     SIGTERM, wait for a clean shutdown
#   tests/neo4j-server/neo4j.sh status   exit 0 if running and ready
#   tests/neo4j-server/neo4j.sh env      print the env lines:  eval "$(neo4j.sh env)"
#   tests/neo4j-server/neo4j.sh build    only (re)build the class path
#   tests/neo4j-server/neo4j.sh import DIR [replace]
#                                        build the database from DIR (tagjack export --format
#                                        neo4j-admin) with neo4j-admin's bulk importer, then start
#                                        and create tagjack's constraints and indexes (waiting
#                                        until they are online) before announcing it ready;
#                                        a database holding nodes is kept (refused) unless `replace`
#
# Environment: NEO4J_PASSWORD (default tagjack-local), NEO4J_BOLT_PORT (7687),
# NEO4J_HTTP_PORT (7474), NEO4J_HEAP (2g), NEO4J_START_TIMEOUT (120 s),
# TAGJACK_NEO4J_HOME (default $REPO/.neo4j: data, logs, pid, log; survives restarts).
# Needs Java 17+ and Maven 3.8+. Everything listens on 127.0.0.1 only.
# This is the user's server (`make neo4j`). The tests never use it: with-neo4j.sh starts a
# fresh one of their own through this script (its own folder under .neo4j-test/, its own ports).
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
NEO4J_HOME_DIR=${TAGJACK_NEO4J_HOME:-$REPO/.neo4j}
PID_FILE=$NEO4J_HOME_DIR/neo4j.pid
LOG=$NEO4J_HOME_DIR/neo4j.log
BUILD_LOG=$NEO4J_HOME_DIR/build.log
READY=$NEO4J_HOME_DIR/run/tagjack.ready
BOLT_PORT=${NEO4J_BOLT_PORT:-7687}
HTTP_PORT=${NEO4J_HTTP_PORT:-7474}
PASSWORD=${NEO4J_PASSWORD:-tagjack-local}
HEAP=${NEO4J_HEAP:-2g}
TIMEOUT=${NEO4J_START_TIMEOUT:-120}
TARGET=$HERE/target
STAMP=$TARGET/.tagjack-built
MAIN=tagjack.Neo4jLauncher

say() { echo "neo4j.sh: $*" >&2; }
# The one clear line callers (with-neo4j.sh, make) show: always the last line on stderr.
die() { echo "neo4j.sh: $*" >&2; exit 1; }

env_lines() {
    printf 'export NEO4J_URI=%q\n' "bolt://127.0.0.1:$BOLT_PORT"
    printf 'export NEO4J_USERNAME=%q\n' neo4j
    printf 'export NEO4J_PASSWORD=%q\n' "$PASSWORD"
    printf 'export NEO4J_DATABASE=%q\n' neo4j
    printf 'export TAGJACK_NEO4J_BROWSER_URL=%q\n' "http://127.0.0.1:$HTTP_PORT/browser/"
}

browser_hint() {
    say "Browser: http://127.0.0.1:$HTTP_PORT/browser/  (connect to bolt://127.0.0.1:$BOLT_PORT as neo4j)"
}

# PID of our launcher if it is alive (guards against a stale pid file and PID reuse).
running_pid() {
    [[ -s $PID_FILE ]] || return 1
    local pid
    pid=$(<"$PID_FILE")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$MAIN" || return 1
    echo "$pid"
}

port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# A Bolt handshake: magic 0x6060B017, then four version proposals (5.4 down to 5.0, 4.4..4.0).
# A Bolt server answers with the version it picked (non-zero).
bolt_answers() {
    local reply
    reply=$(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$BOLT_PORT &&
        printf '\x60\x60\xb0\x17\x00\x04\x04\x05\x00\x04\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00' >&3 &&
        head -c 4 <&3 | od -An -tx1" 2>/dev/null) || return 1
    reply=${reply//[[:space:]]/}
    [[ ${#reply} -eq 8 && $reply != 00000000 ]]
}

need_tools() {
    command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1 ||
        die "Java 17 and Maven are needed for the local Neo4j"
    local major
    major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    [[ ${major:-0} =~ ^[0-9]+$ && ${major:-0} -ge 17 ]] ||
        die "Java 17 or newer is needed for the local Neo4j (found Java ${major:-unknown})"
}

built() {
    [[ -f $STAMP && -s $TARGET/classpath.txt && -d $TARGET/plugins && -d $TARGET/classes ]] ||
        return 1
    # Rebuild when the pom or the launcher changed since the last build ...
    [[ -z $(find "$HERE/pom.xml" "$HERE/src" -newer "$STAMP" -print -quit) ]] || return 1
    # ... or when a jar of the class path is gone from ~/.m2.
    local jar
    local IFS=:
    for jar in $(<"$TARGET/classpath.txt"); do
        [[ -f $jar ]] || return 1
    done
}

build() {
    built && return 0
    need_tools
    mkdir -p "$NEO4J_HOME_DIR"
    say "building the launcher class path with Maven (the first run downloads ~200 MB into ~/.m2, about a minute) ..."
    local t0=$SECONDS
    # No `mvn clean`: a server may be running from this class path. Only the plugin copies are
    # replaced (they are scanned at start-up only), so a GDS version bump leaves none behind.
    rm -rf "$TARGET/plugins" "$STAMP"
    # -B: no colours or progress bars in the log.
    if ! mvn -B -q -Dstyle.color=never -f "$HERE/pom.xml" package >"$BUILD_LOG" 2>&1; then
        tail -n 25 "$BUILD_LOG" >&2
        die "Maven could not build the local Neo4j (see $BUILD_LOG)"
    fi
    unsigned_copies
    touch "$STAMP"
    say "built in $((SECONDS - t0)) s"
}

# Signed jars on the class path (eclipse-collections) are verified class by class on every JVM
# start: ~1.5 s of CPU per import or server start. Maven has checked their checksums; the class
# path takes copies without the signature files (target/unsigned/).
unsigned_copies() {
    python3 - "$TARGET" <<'PY' || die "could not copy the signed jars of the class path"
import pathlib, re, sys, zipfile
target = pathlib.Path(sys.argv[1])
signature = re.compile(r"META-INF/[^/]+\.(SF|RSA|DSA|EC)$")
(target / "unsigned").mkdir(exist_ok=True)
jars = []
for jar in (target / "classpath.txt").read_text().strip().split(":"):
    with zipfile.ZipFile(jar) as src:
        if any(signature.match(n) for n in src.namelist()):
            copy = target / "unsigned" / pathlib.Path(jar).name
            part = copy.with_name(copy.name + ".part")  # renamed into place: a running server
            with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as dst:  # keeps its copy
                for info in src.infolist():
                    if not signature.match(info.filename):
                        dst.writestr(info, src.read(info))
            part.replace(copy)
            jar = str(copy)
    jars.append(jar)
(target / "classpath.txt").write_text(":".join(jars))
PY
}

# jvm_options [GC and JIT flags]: the server's (G1) unless told otherwise.
jvm_options() {
    JVM=(
        # The whole heap from the start, half of it young: a load's transaction state is
        # short-lived, and a young generation this size collects it 4x less often (GC CPU
        # 3.5 s instead of 11-15 s over three 60,000-tweet loads; load CPU 10 s instead of 12)
        "-Xms$HEAP" "-Xmx$HEAP" -XX:NewRatio=1
        "${@:--XX:+UseG1GC}" -XX:-OmitStackTraceInFastThrow -XX:+DisableExplicitGC
        -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true
        -Dlog4j2.disable.jmx=true -Dfile.encoding=UTF-8
        --add-opens=java.base/java.nio=ALL-UNNAMED
        --add-opens=java.base/java.io=ALL-UNNAMED
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
        --add-opens=java.base/java.lang=ALL-UNNAMED
    )
}

# import DIR [replace]: a fresh database from DIR's files (a running server is stopped first
# only with `replace`), then start as `start` does.
import_dir() {
    local dir=${1:-} mode=keep
    [[ -n $dir ]] || die "usage: $0 import DIR [replace]"
    [[ ${2:-} == replace ]] && mode=replace
    [[ -f $dir/import.args ]] ||
        die "$dir holds no import.args: write it with tagjack export --format neo4j-admin --out $dir"
    mkdir -p "$NEO4J_HOME_DIR"
    exec 9>"$NEO4J_HOME_DIR/.start.lock"
    flock -w "$((TIMEOUT + 60))" 9 || die "another neo4j.sh start holds $NEO4J_HOME_DIR/.start.lock"
    if running_pid >/dev/null; then
        [[ $mode == replace ]] ||
            die "the local Neo4j is running on its database; make neo4j IMPORT=DIR REPLACE=1 stops it and replaces its data"
        stop
    fi
    build
    # The importer is a batch job: the throughput collector; and below ~140 MB of files, C1 only
    # (C2's compiles cost more CPU than they save: 300k tweets, 74 MB, ~25% less CPU; 1M tweets,
    # 250 MB, ~20% more).
    local jit=()
    (($(du -sm "$dir" | cut -f1) < 140)) && jit=(-XX:TieredStopAtLevel=1)
    jvm_options "${jit[@]}" -XX:+UseParallelGC
    say "importing $dir into $NEO4J_HOME_DIR/data (log $NEO4J_HOME_DIR/import.log) ..."
    local t0=$SECONDS
    if ! (cd "$dir" && java "${JVM[@]}" -cp "$TARGET/classes:$(<"$TARGET/classpath.txt")" \
        tagjack.Neo4jImport "$NEO4J_HOME_DIR" "$HERE/conf" "$mode" >"$NEO4J_HOME_DIR/import.log" 2>&1); then
        local why
        why=$(grep -o 'tagjack-neo4j: FAILED.*' "$NEO4J_HOME_DIR/import.log" | tail -n 1 |
            sed 's/^tagjack-neo4j: FAILED //')
        [[ -n $why ]] || tail -n 20 "$NEO4J_HOME_DIR/import.log" >&2
        die "import failed: ${why:-see $NEO4J_HOME_DIR/import.log}"
    fi
    say "imported in $((SECONDS - t0)) s: $(grep -E '^  [0-9]+ (nodes|relationships)' "$NEO4J_HOME_DIR/import.log" | xargs)"
    SCHEMA=$REPO/cypher/schema.cypher start || exit 1
    say "$(grep -o 'schema online in .*' "$LOG" | tail -n 1)"
}

start() {
    mkdir -p "$NEO4J_HOME_DIR"
    # One start at a time per home (two `make test` runs at once would share one server).
    exec 9>"$NEO4J_HOME_DIR/.start.lock"
    flock -w "$((TIMEOUT + 60))" 9 || die "another neo4j.sh start holds $NEO4J_HOME_DIR/.start.lock"

    local pid
    if pid=$(running_pid); then
        if [[ -f $READY ]]; then
            say "already running (pid $pid)"
            env_lines
            browser_hint
            return 0
        fi
    fi
    if [[ -z ${pid:-} ]]; then
        rm -f "$PID_FILE"
        build
        for port in "$BOLT_PORT" "$HTTP_PORT"; do
            port_open "$port" &&
                die "port $port on 127.0.0.1 is already in use by another process (set NEO4J_BOLT_PORT / NEO4J_HTTP_PORT)"
        done
        rm -f "$READY"
        local cp
        cp="$TARGET/classes:$(<"$TARGET/classpath.txt")"
        jvm_options
        say "starting Neo4j (data in $NEO4J_HOME_DIR/data, log $LOG) ..."
        # setsid + nohup: the server outlives this shell and the terminal's Ctrl-C;
        # the password travels in the environment, never on the command line;
        # 9>&-: the server must not inherit (and so hold) the start lock.
        (
            cd "$NEO4J_HOME_DIR" &&
                NEO4J_PASSWORD=$PASSWORD NEO4J_BOLT_PORT=$BOLT_PORT NEO4J_HTTP_PORT=$HTTP_PORT \
                    TAGJACK_NEO4J_SCHEMA=${SCHEMA:-} exec setsid nohup java "${JVM[@]}" -cp "$cp" "$MAIN" \
                    "$NEO4J_HOME_DIR" "$HERE/conf" "$TARGET/plugins" >"$LOG" 2>&1 </dev/null 9>&-
        ) &
        pid=$!
        echo "$pid" >"$PID_FILE"
    fi

    local t0=$SECONDS
    while ((SECONDS - t0 < TIMEOUT)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PID_FILE"
            tail -n 20 "$LOG" >&2
            local why
            why=$(grep -o 'tagjack-neo4j: FAILED.*' "$LOG" | tail -n 1 | sed 's/^tagjack-neo4j: FAILED //')
            die "Neo4j did not start: ${why:-the server exited (see $LOG)}"
        fi
        if [[ -f $READY ]] && bolt_answers; then
            say "ready in $((SECONDS - t0)) s (pid $pid)"
            env_lines
            browser_hint
            return 0
        fi
        sleep 0.5
    done
    tail -n 20 "$LOG" >&2
    kill -TERM "$pid" 2>/dev/null
    wait_gone "$pid" 60 || kill -KILL "$pid" 2>/dev/null
    rm -f "$PID_FILE"
    die "Neo4j did not answer on bolt://127.0.0.1:$BOLT_PORT within $TIMEOUT s (see $LOG)"
}

wait_gone() {
    local pid=$1 limit=$2 t0=$SECONDS
    while kill -0 "$pid" 2>/dev/null; do
        ((SECONDS - t0 >= limit)) && return 1
        sleep 0.2
    done
}

stop() {
    local pid
    if ! pid=$(running_pid); then
        rm -f "$PID_FILE" "$READY"
        say "not running"
        return 0
    fi
    say "stopping (pid $pid) ..."
    kill -TERM "$pid"
    if ! wait_gone "$pid" 90; then
        say "no clean shutdown after 90 s; killing pid $pid (the store recovers on next start)"
        kill -KILL "$pid" 2>/dev/null
        wait_gone "$pid" 10
    fi
    rm -f "$PID_FILE" "$READY"
    say "stopped"
}

status() {
    local pid
    if pid=$(running_pid); then
        if [[ -f $READY ]]; then
            say "running (pid $pid): bolt://127.0.0.1:$BOLT_PORT, http://127.0.0.1:$HTTP_PORT/browser/"
            return 0
        fi
        say "starting (pid $pid), not ready yet"
        return 1
    fi
    say "not running"
    return 1
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    status) status ;;
    env) env_lines ;;
    build) build ;;
    import) import_dir "${2:-}" "${3:-}" ;;
    *)
        echo "usage: $0 {start|stop|status|env|build|import DIR [replace]}" >&2
        exit 64
        ;;
esac

"""The bulk path into a fresh Neo4j (issue 19): load into SQLite, export for neo4j-admin, import,
constraints and indexes; its rate against the SQLite load alone.

    from bench.neo4j_bulk import bench_neo4j_bulk
    bench_neo4j_bulk(300_000)   # needs Java 17 + Maven (the local Neo4j's class path)

Every step is what a user runs, each a child process on the same simulated v1 file:
``tagjack load --db``; ``tagjack export --format neo4j-admin``; ``neo4j.sh import`` (what
``make neo4j IMPORT=DIR`` runs) on a server of the bench's own (data in a temporary folder,
free ports), timed up to its "imported" line; then the server start, which is not counted,
and the constraints and indexes, which are: the launcher creates them before it announces the
server ready and logs how long they took to come online ("schema online in S s"). The server
is stopped and its folder removed afterwards.
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from bench.inputs import REPO, SEED, WORK, simulated
from bench.measure import last_words, run, tagjack, warm

NEO4J_SH = REPO / "tests" / "neo4j-server" / "neo4j.sh"
PASSWORD = "bench-bulk"
SCHEMA_LINE = "neo4j.sh: schema online in"


def bench_neo4j_bulk(tweets: int, *, work: Path = WORK, seed: int = SEED) -> dict:
    """Seconds of each step and the bulk path's rate as a fraction of the SQLite load's.

    Returns ``{tweets, nodes, relationships, sqlite_seconds, export_seconds, import_seconds,
    schema_seconds, server_start_seconds, bulk_seconds, sqlite_tweets_per_s,
    bulk_tweets_per_s, bulk_vs_sqlite, neo4j_steps_vs_sqlite}``: ``bulk_seconds`` is the four
    steps but the server start; ``neo4j_steps_vs_sqlite``, the figure the target is about, leaves
    the SQLite load out (the bulk path starts from the SQLite store): the load's seconds over
    export + import + schema.
    """
    source = simulated(work, tweets, "v1", seed)
    warm(source)
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bulk-", dir=work) as tmp:
        folder = Path(tmp)
        db, out = folder / "bulk.db", folder / "admin"
        loaded = run(tagjack("load", str(source), "--db", str(db), "--json", "-q"))
        exported = run(tagjack("export", "--format", "neo4j-admin", "--db", str(db), "--out", str(out)))
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
        env.update(TAGJACK_NEO4J_HOME=str(folder / "neo4j"), NEO4J_BOLT_PORT=str(_free_port()),
                   NEO4J_HTTP_PORT=str(_free_port()), NEO4J_PASSWORD=PASSWORD,
                   NEO4J_START_TIMEOUT="600")
        try:
            import_s, start_s, schema_s, counts = _import(out, env)
        finally:
            subprocess.run([str(NEO4J_SH), "stop"], env=env, capture_output=True, check=False)
    bulk_s = loaded.seconds + exported.seconds + import_s + schema_s
    return {
        "tweets": tweets,
        **counts,
        "sqlite_seconds": round(loaded.seconds, 3),
        "export_seconds": round(exported.seconds, 3),
        "import_seconds": round(import_s, 3),
        "schema_seconds": round(schema_s, 3),
        "server_start_seconds": round(start_s, 3),
        "bulk_seconds": round(bulk_s, 3),
        "sqlite_tweets_per_s": round(tweets / loaded.seconds, 1),
        "bulk_tweets_per_s": round(tweets / bulk_s, 1),
        "bulk_vs_sqlite": round(loaded.seconds / bulk_s, 4),
        "neo4j_steps_vs_sqlite": round(loaded.seconds / (bulk_s - loaded.seconds), 4),
    }


def _import(out: Path, env: dict[str, str]) -> tuple[float, float, float, dict[str, int]]:
    """neo4j.sh import: (seconds to its "imported" line, seconds of the server start after it,
    seconds of the schema within that start, nodes and relationships imported)."""
    started = time.perf_counter()
    proc = subprocess.Popen([str(NEO4J_SH), "import", str(out)], cwd=REPO, env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    imported_at, lines = None, []
    for line in proc.stderr:
        lines.append(line)
        if line.startswith("neo4j.sh: imported in"):
            imported_at = time.perf_counter()
    if proc.wait() != 0 or imported_at is None:
        raise RuntimeError(f"neo4j.sh import failed: {last_words(''.join(lines))}")
    words = next(x for x in lines if x.startswith("neo4j.sh: imported in")).split()
    counts = {"nodes": int(words[words.index("nodes") - 1]),
              "relationships": int(words[words.index("relationships") - 1])}
    schema_s = float(next(x for x in lines if x.startswith(SCHEMA_LINE)).split()[-2])
    return (imported_at - started, time.perf_counter() - imported_at - schema_s, schema_s,
            counts)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(bench_neo4j_bulk(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000), indent=2))

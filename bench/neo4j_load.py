"""Load throughput into Neo4j against the SQLite store, on the same simulated file.

    from bench.neo4j_load import bench_neo4j_load
    bench_neo4j_load(100_000)   # needs NEO4J_URI (+ NEO4J_USERNAME / NEO4J_PASSWORD)

Both stores load the same v1 JSONL in-process through ``load_records`` (the
reader's time is in both): SQLite with 5,000 records per transaction, Neo4j with the
records per transaction ``tagjack load --neo4j`` uses. Neo4j must start empty,
so the bench never touches someone's data: pass ``wipe=True`` to empty it first.
It is emptied again afterwards.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from tagjack.graph.ingest.batches import DEFAULT_BATCH_SIZE, LoadStats, RejectsFile, load_records
from tagjack.graph.ingest.loader import NEO4J_BATCH_SIZE, overlaps_writes
from tagjack.graph.ingest.readers.v1 import read_v1
from tagjack.graph.simulation.simulate import simulate
from tagjack.graph.store.sqlite import SqliteStore


def bench_neo4j_load(n_tweets: int, *, seed: int = 1, uri: str | None = None,
                     wipe: bool = False, batch_size: int = DEFAULT_BATCH_SIZE,
                     neo4j_batch_size: int = NEO4J_BATCH_SIZE) -> dict:
    """Tweets per second loading ``n_tweets`` simulated tweets into Neo4j and into SQLite.

    Returns ``{tweets, posts, edges, batch_size, neo4j_batch_size, sqlite_seconds,
    sqlite_tweets_per_s, neo4j_seconds, neo4j_tweets_per_s, neo4j_vs_sqlite}`` (the last: Neo4j's rate as a
    fraction of SQLite's).
    """
    import os

    from tagjack.graph.store.neo4j import Neo4jStore

    uri = uri or os.environ.get("NEO4J_URI")
    if not uri:
        raise RuntimeError("bench_neo4j_load needs a Neo4j: set NEO4J_URI (make neo4j starts one)")
    with tempfile.TemporaryDirectory(prefix="tagjack-bench-") as tmp:
        folder = Path(tmp)
        simulate(folder, tweets=n_tweets, fmt="v1", seed=seed)
        tweets = folder / "tweets.jsonl"
        with SqliteStore(folder / "bench.db") as sqlite:
            lite, lite_s = _timed_load(sqlite, tweets, folder, batch_size)
        with Neo4jStore.from_env(uri) as neo4j:
            _ensure_empty(neo4j, wipe=wipe)
            try:
                neo, neo_s = _timed_load(neo4j, tweets, folder, neo4j_batch_size)
            finally:
                _empty(neo4j)
    if (neo.posts, neo.edges) != (lite.posts, lite.edges):
        raise RuntimeError(f"stores disagree: neo4j {neo.posts} posts / {neo.edges} edges, "
                           f"sqlite {lite.posts} / {lite.edges}")
    return {
        "tweets": n_tweets,
        "posts": lite.posts,
        "edges": lite.edges,
        "batch_size": batch_size,
        "neo4j_batch_size": neo4j_batch_size,
        "sqlite_seconds": round(lite_s, 3),
        "sqlite_tweets_per_s": round(n_tweets / lite_s, 1),
        "neo4j_seconds": round(neo_s, 3),
        "neo4j_tweets_per_s": round(n_tweets / neo_s, 1),
        "neo4j_vs_sqlite": round(lite_s / neo_s, 4),
    }


def _timed_load(store, tweets: Path, folder: Path, batch_size: int) -> tuple[LoadStats, float]:
    started = time.perf_counter()
    stats = load_records(store, read_v1(tweets), rejects=RejectsFile(folder / "rejects.jsonl"),
                         batch_size=batch_size, overlap=overlaps_writes(store))
    return stats, time.perf_counter() - started


def _ensure_empty(store, *, wipe: bool) -> None:
    if wipe:
        _empty(store)
        return
    rows = store.user_query("MATCH (n) RETURN count(n) > 0 AS used", {}).rows
    if rows[0][0]:
        raise RuntimeError(f"{store.name} holds data; the bench loads into an empty database "
                           "(pass wipe=True to empty it first)")


def _empty(store) -> None:
    """Relationships first, in batches: a DETACH DELETE of a hub holds all its relationships in
    one transaction, which ran out of the server's memory after a 300,000-tweet load."""
    store.user_query("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS", {},
                     write=True)
    store.user_query("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS", {},
                     write=True)


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(bench_neo4j_load(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000,
                                      wipe="--wipe" in sys.argv), indent=2))

"""Inputs, stores and comparisons shared by the store tests (conformance and Neo4j)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import orjson
from neo4j_server import neo4j_settings
from neo4j_server import wipe as wipe_database
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.v1 import parse_v1, read_v1
from tagjack.graph.model import EdgeKind
from tagjack.graph.store.base import CityRow, CommunityRow, CoordinatedTable, Results
from tagjack.graph.store.sqlite import SqliteStore

STORES = ["sqlite", "neo4j"]


@contextmanager
def neo4j_env(user: str, password: str, database: str) -> Iterator[None]:
    """NEO4J_USERNAME / NEO4J_PASSWORD / NEO4J_DATABASE for ``Neo4jStore.from_env``."""
    saved = {k: os.environ.get(k) for k in ("NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE")}
    os.environ.update(NEO4J_USERNAME=user, NEO4J_PASSWORD=password, NEO4J_DATABASE=database)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def wipe(store) -> None:
    """An empty database (the suite's, checked first: neo4j_server.wipe)."""
    wipe_database(store.driver, store.database or "neo4j")


@contextmanager
def store_for_test(kind: str, tmp_path: Path, *, batch_size: int | None = None):
    """An empty store of ``kind``; Neo4j is wiped before (and schema applied on open)."""
    if kind == "sqlite":
        with SqliteStore(tmp_path / "conformance.db") as store:
            yield store
        return
    from tagjack.graph.store.neo4j import DEFAULT_BATCH_SIZE, Neo4jStore

    uri, user, password, database = neo4j_settings()
    with neo4j_env(user, password, database), \
            Neo4jStore.from_env(uri, batch_size=batch_size or DEFAULT_BATCH_SIZE,
                                any_version=True) as store:  # wiped next: any data goes
        wipe(store)
        try:
            yield store
        finally:
            wipe(store)  # leave the server empty for the next test


SAMPLE = Path(__file__).resolve().parents[1] / "data" / "v1-sample500" / "sample-tweets-500.jsonl.gz"
TAGS = ("scotus", "gopdebate", "zika", "mepolitics")


# -- inputs --------------------------------------------------------------------------


def user(uid: str, handle: str, followers: int = 10, location: str = "") -> dict:
    return {"id_str": uid, "screen_name": handle, "name": handle.title(),
            "followers_count": followers, "location": location}


def tweet(tid: str, author: dict, *, minute: int = 0, text: str = "hello", tags=(), mentions=(),
          retweet_of: dict | None = None, quote_of: dict | None = None) -> dict:
    t = {"id_str": tid, "created_at": f"Tue Apr 22 18:{minute:02d}:00 +0000 2014", "text": text,
         "user": author, "entities": {"hashtags": [{"text": x} for x in tags],
                                      "user_mentions": [{"id_str": m["id_str"],
                                                         "screen_name": m["screen_name"]}
                                                        for m in mentions]}}
    if retweet_of:
        t["retweeted_status"] = retweet_of
    if quote_of:
        t["quoted_status"] = quote_of
        t["is_quote_status"] = True
    return t


A, B, C = user("1", "alice"), user("2", "bob", 100_000, "NYC"), user("3", "carol")
ORIGINAL = tweet("100", B, text="photos #MyNYPD", tags=["MyNYPD"])
# The SQLite suite's bad-input cases: a copy of a post, a quote, a self-retweet,
# a truncated "RT @x:" without its original, a bad JSON line, a tweet without user.
LINES = [orjson.dumps(t) for t in [
    ORIGINAL,
    tweet("101", A, minute=5, text="RT @bob: photos #MyNYPD", tags=["MyNYPD"], mentions=[B],
          retweet_of=ORIGINAL),
    tweet("102", A, minute=9, text="RT @bob: photos #MyNYPD", tags=["MyNYPD"], mentions=[B],
          retweet_of=ORIGINAL | {"id_str": "103"}),
    tweet("104", A, minute=12, text="look @carol", mentions=[C], quote_of=ORIGINAL),
    tweet("105", B, minute=20, text="RT @bob: me", mentions=[B], retweet_of=ORIGINAL),
    tweet("106", C, minute=30, text="RT @alice: truncated, no original", mentions=[A]),
    {"id_str": "107", "created_at": "Tue Apr 22 18:40:00 +0000 2014", "text": "no user"},
]] + [b"{not json"]


def load_sample(store, tmp_path: Path, *, batch_size: int = 5_000):
    return load_records(store, read_v1(SAMPLE), rejects=RejectsFile(tmp_path / "rejects.jsonl"),
                        batch_size=batch_size)


def load_lines(store, tmp_path: Path, lines=LINES, *, batch_size: int = 2):
    return load_records(store, parse_v1(lines, source="t.jsonl"),
                        rejects=RejectsFile(tmp_path / "rejects.jsonl"), batch_size=batch_size)


# -- comparing by account id ---------------------------------------------------------------


def ids_by_key(store) -> dict[int, str]:
    accounts = store.accounts()
    return dict(zip(accounts.keys.tolist(), accounts.ids, strict=True))


def edges_by_ids(store, kind: EdgeKind, hashtag: str | None = None) -> dict:
    ids = ids_by_key(store)
    e = store.edges(kind, hashtag=hashtag)
    return {(ids[s], ids[t]): (w, f, la) for s, t, w, f, la in zip(
        e.source.tolist(), e.target.tolist(), e.weight.tolist(), e.first_at.tolist(),
        e.last_at.tolist(), strict=True)}


def posts_by_ids(store, hashtag: str | None = None) -> list[tuple]:
    ids = ids_by_key(store)
    p = store.posts(hashtag=hashtag)
    return sorted((ids[a], t, k, ids.get(r)) for a, t, k, r in zip(
        p.author.tolist(), p.created_at.tolist(), p.kind.tolist(), p.ref_author.tolist(),
        strict=True))


def totals(store) -> dict:
    found = dataclasses.asdict(store.status())
    found.pop("store")
    return found


def synthetic_results(store, *, run: str = "run-1", communities: int = 3) -> Results:
    """Results as an analysis would write them: deterministic per account id."""
    accounts = store.accounts()
    order = np.argsort(np.array(accounts.ids, dtype=object), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    community = np.where(rank % 7 == 6, -1, rank % communities)
    roles = {0: "campaign", 1: "hijacker"}
    cities = [CityRow("5128581", "New York City", "US", 40.71427, -74.00597),
              CityRow("5368361", "Los Angeles", "US", 34.05223, -118.24368)]
    city_id = [cities[r % 2].id if r % 3 == 0 else None for r in rank.tolist()]
    return Results(
        run=run,
        keys=accounts.keys.copy(),
        community=community.astype(np.int64),
        pagerank=(rank + 1) / (len(rank) + 1.0),
        amplifier_score=np.where(rank % 5 == 0, rank * 0.5, 0.0),
        role=[roles.get(c, "other") for c in community.tolist()],
        city_id=city_id,
        city_source=[("place" if r % 2 else "profile") if c else None
                     for r, c in zip(rank.tolist(), city_id, strict=True)],
        communities=[CommunityRow(i, int((community == i).sum()), roles.get(i, "other"), f"c{i}")
                     for i in range(communities)],
        cities=cities,
        meta={"engine": "test", "hashtag": "#scotus", "modularity": 0.5},
    )


def synthetic_coordinated(store) -> CoordinatedTable:
    """Coordinated pairs among the first accounts by id: a triangle (group 0) and a pair (group 1)."""
    key = {i: k for k, i in ids_by_key(store).items()}
    ids = sorted(i for i in key if not i.startswith("@"))[:5]
    pairs = [(0, 1, 0), (0, 2, 0), (1, 2, 0), (3, 4, 1)]
    n = len(pairs)
    return CoordinatedTable(
        kind=["co_retweet"] * n,
        source=np.array([key[ids[a]] for a, _, _ in pairs], dtype=np.int64),
        target=np.array([key[ids[b]] for _, b, _ in pairs], dtype=np.int64),
        weight=np.array([5, 4, 3, 2], dtype=np.int64), window_s=np.full(n, 60.0),
        group=np.array([g for *_, g in pairs], dtype=np.int64),
        posts=np.array([4, 3, 3, 2], dtype=np.int64), p_value=np.array([1e-9, 1e-6, 1e-5, 1e-4]))


def coordinated_by_ids(store) -> dict:
    ids = ids_by_key(store)
    t = store.coordinated()
    return {(k, ids[s], ids[u]): (w, ws, g, n, p) for k, s, u, w, ws, g, n, p in zip(
        t.kind, t.source.tolist(), t.target.tolist(), t.weight.tolist(), t.window_s.tolist(),
        t.group.tolist(), t.posts.tolist(), t.p_value.tolist(), strict=True)}


def actions_by_ids(store, kind, hashtag: str | None = None) -> list[tuple]:
    ids = ids_by_key(store)
    a = store.actions(kind, hashtag=hashtag)
    return sorted(zip([ids[k] for k in a.account.tolist()], [a.targets[t] for t in a.target.tolist()],
                      a.id_number.tolist(), a.created_at.tolist(), strict=True))


def results_by_ids(store, results: Results) -> dict:
    ids = ids_by_key(store)
    return {ids[k]: (c, pr, s, role, city, source) for k, c, pr, s, role, city, source in zip(
        results.keys.tolist(), results.community.tolist(), results.pagerank.tolist(),
        results.amplifier_score.tolist(), results.role, results.city_id, results.city_source,
        strict=True)}

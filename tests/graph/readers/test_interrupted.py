"""A load stopped by an exception at any record, then run again, gives the store a clean load gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.detect import read_file
from tagjack.graph.model import EdgeKind
from tagjack.graph.store.sqlite import SqliteStore

from .helpers import DATA, GOLDEN

FILES = [DATA / "v1-sample500" / "sample-tweets-500.jsonl.gz", GOLDEN / "v1" / "bad_json_line.jsonl",
         DATA / "twarc2-csv" / "kpop.jsonl.gz", GOLDEN / "edgelist" / "plain.csv"]
BATCH = 300


class Crash(Exception):
    pass


def records(stop_at: int | None = None):
    n = 0
    for path in FILES:
        for record in read_file(path):
            n += 1
            if n == stop_at:
                raise Crash
            yield record


def snapshot(store: SqliteStore) -> tuple:
    accounts = store.accounts()
    ids = dict(zip(accounts.keys.tolist(), accounts.ids, strict=True))
    edges = {kind: sorted((ids[s], ids[t], w) for s, t, w in zip(
        *(getattr(store.edges(kind), c).tolist() for c in ("source", "target", "weight")), strict=True))
        for kind in EdgeKind}
    rows = store.db.execute("SELECT id, kind FROM posts ORDER BY id").fetchall()
    handles = sorted(zip(accounts.ids, accounts.handles, accounts.location_texts, strict=True))
    return store.status(), edges, rows, handles


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    with SqliteStore.in_memory() as store:
        load_records(store, records(), rejects=RejectsFile(tmp_path_factory.mktemp("c") / "r.jsonl"),
                     batch_size=BATCH)
        return snapshot(store)


TOTAL = sum(1 for _ in records())


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(stop_at=st.integers(1, TOTAL))
def test_rerun_after_a_crash_gives_the_clean_store(clean, tmp_path_factory, stop_at):
    sink = RejectsFile(tmp_path_factory.mktemp("i") / "r.jsonl")
    with SqliteStore.in_memory() as store:
        with pytest.raises(Crash):
            load_records(store, records(stop_at), rejects=sink, batch_size=BATCH)
        load_records(store, records(), rejects=sink, batch_size=BATCH)
        assert snapshot(store) == clean

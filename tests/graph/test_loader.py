"""Parallel slices of one file give exactly the store a single process gives."""

from __future__ import annotations

import orjson
import pytest
from tagjack.graph.ingest.batches import LoadStats, RejectsFile
from tagjack.graph.ingest.loader import load_file_parallel, load_path, slices, workers_for
from tagjack.graph.model import EdgeKind
from tagjack.graph.simulation.simulate import simulate
from tagjack.graph.store.sqlite import SqliteStore


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    out = tmp_path_factory.mktemp("sim")
    simulate(out, tweets=4_000, fmt="v1", seed=3)
    path = out / "tweets.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    lines.insert(1234, b"{not json\n")  # a reject in the second half, to check its line number
    path.write_bytes(b"".join(lines))
    return path


def snapshot(db) -> tuple:
    with SqliteStore(db) as store:
        rows = {}
        for kind in EdgeKind:
            e = store.edges(kind)
            ids = dict(zip(store.accounts().keys.tolist(), store.accounts().ids, strict=True))
            rows[kind] = sorted(zip((ids[k] for k in e.source.tolist()), (ids[k] for k in e.target.tolist()),
                                    e.weight.tolist(), e.first_at.tolist(), strict=True))
        accounts = store.db.execute("SELECT id, handle, name, followers, location_text FROM accounts "
                                    "ORDER BY id").fetchall()
        tags = store.db.execute("SELECT t.tag, p.id FROM post_tags t JOIN posts p ON p.pk = t.post "
                                "ORDER BY 1, 2").fetchall()
        status = store.status()
    return (status.posts, status.accounts, status.hashtags), rows, accounts, tags


def test_slices_cut_after_newlines(case):
    data = case.read_bytes()
    parts = slices(case, 3)
    assert parts[0][0] == 0 and parts[-1][1] == len(data)
    assert all(data[start - 1:start] == b"\n" for start, _ in parts[1:])


def test_parallel_load_equals_a_single_process(case, tmp_path):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    with SqliteStore(one) as store:
        single = load_path(store, case, fmt="v1", rejects=RejectsFile(tmp_path / "r1.jsonl"),
                           batch_size=500, strict=False, stats=LoadStats(), workers=1)
    SqliteStore(two).close()
    sink = RejectsFile(tmp_path / "r2.jsonl")
    parallel = load_file_parallel(two, case, "v1", workers=2, rejects=sink, batch_size=500,
                                  stats=LoadStats())
    sink.close()
    assert (parallel.posts, parallel.accounts, parallel.edges, parallel.rejected) == \
        (single.posts, single.accounts, single.edges, single.rejected) != (0, 0, 0, 0)
    assert snapshot(one) == snapshot(two)
    rejected = [orjson.loads(line) for line in (tmp_path / "r2.jsonl").read_bytes().splitlines()]
    assert [(r["line"], r["reason"][:12]) for r in rejected] == [(1235, "invalid JSON")]


def test_only_plain_json_lines_are_sliced(tmp_path, monkeypatch):
    monkeypatch.setattr("tagjack.graph.ingest.loader.MIN_SLICE_BYTES", 1_000)
    lines = tmp_path / "lines.jsonl"
    lines.write_bytes(b'{"id_str": "1"}\n' * 500)
    document = tmp_path / "doc.json"
    document.write_bytes(b'{"statuses": [\n' + b'{"id_str": "1"},\n' * 499 + b'{"id_str": "2"}\n]}\n')
    assert workers_for(lines, "v1", wanted=2) == 2
    assert workers_for(document, "v1", wanted=2) == 1
    assert workers_for(lines, "csv", wanted=2) == 1


def test_parallel_jetstream_load_equals_a_single_process(tmp_path):
    """Reposts in one slice, their originals in another; deletes before and after what they
    delete: the store gives repost tags and applies deletes the same in any order of commits."""
    simulate(tmp_path, tweets=2_000, fmt="jetstream", seed=3)
    path = tmp_path / "tweets.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    events = [orjson.loads(line) for line in lines]
    posts = [i for i, e in enumerate(events) if e["kind"] == "commit"
             and e["commit"]["collection"] in ("app.bsky.feed.post", "app.bsky.feed.repost")]
    early, late = posts[10], posts[-10]  # deleted from the other half of the file
    for at, target in ((len(lines) - 5, early), (5, late)):
        deleted = {**events[target], "commit": {**events[target]["commit"], "operation": "delete"}}
        del deleted["commit"]["record"]
        lines.insert(at, orjson.dumps(deleted) + b"\n")
    path.write_bytes(b"".join(lines))
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    with SqliteStore(one) as store:
        single = load_path(store, path, fmt="bluesky", rejects=RejectsFile(tmp_path / "r1.jsonl"),
                           batch_size=300, strict=False, stats=LoadStats(), workers=1)
    SqliteStore(two).close()
    parallel = load_file_parallel(two, path, "bluesky", workers=2,
                                  rejects=RejectsFile(tmp_path / "r2.jsonl"), batch_size=300,
                                  stats=LoadStats())
    ids = {(events[i]["did"], events[i]["commit"]["rkey"]) for i in posts}
    assert parallel.posts - parallel.deleted == single.posts - single.deleted == len(ids) - 2
    assert snapshot(one) == snapshot(two)
    assert any(tag for tag, post_id in snapshot(two)[3] if "/app.bsky.feed.repost/" in post_id)

"""Two `tagjack load` processes on one SQLite file at once.

Both must finish (the second waits for the first one's batch: WAL, ``BEGIN
IMMEDIATE``, a 120 s busy timeout), and the store must be exactly what one clean
load of the union of their files gives: the same posts, accounts, tags, mentions
and aggregated edge weights, not a count doubled by the overlap. Never a
``database is locked`` traceback.

Rounds: a new file both create at once (the schema race), the same file twice,
overlapping halves, and a parallel load (``--workers 2``, so three writers)
against an overlapping one.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import orjson
import pytest

from .support import (
    assert_consistent,
    differences,
    lines_of,
    run_tagjack,
    sqlite_snapshot,
    start_tagjack,
    write_lines,
)

BATCH = 300


@pytest.fixture(scope="module")
def files(case28k, tmp_path_factory):
    """The case, its first 60 % and its last 60 % (a 20 % overlap), and a clean load of it."""
    folder = tmp_path_factory.mktemp("concurrent")
    lines = lines_of(case28k.tweets)
    cut = len(lines) * 6 // 10
    head = write_lines(folder / "head.jsonl", lines[:cut])
    tail = write_lines(folder / "tail.jsonl", lines[-cut:])
    db = folder / "clean.db"
    result = run_tagjack("load", case28k.tweets, "--db", db, "--quiet", cwd=folder)
    assert result.returncode == 0, result.stderr
    return {"all": case28k.tweets, "head": head, "tail": tail}, sqlite_snapshot(db)


ROUNDS = {
    "new store, overlapping halves": (("head", 1), ("tail", 1)),
    "new store, the same file twice": (("all", 1), ("all", 1)),
    "parallel load against an overlapping half": (("all", 2), ("tail", 1)),
    "overlapping halves, smallest batches": (("tail", 1), ("head", 1)),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(ROUNDS))
def test_two_loads_at_once_give_the_union_exactly(name, files, case28k, tmp_path, record_property):
    paths, reference = files
    db = tmp_path / "shared.db"
    batch = 50 if "smallest" in name else BATCH
    procs = [start_tagjack("load", paths[which], "--db", db, "--batch-size", batch,
                           "--workers", workers, "--quiet", "--json",
                           cwd=tmp_path, out=tmp_path / f"load-{i}")
             for i, (which, workers) in enumerate(ROUNDS[name])]
    codes = [p.wait(timeout=900) for p in procs]
    outputs = [((tmp_path / f"load-{i}.stdout").read_text(), (tmp_path / f"load-{i}.stderr").read_text())
               for i in range(len(procs))]
    for code, (_, stderr) in zip(codes, outputs, strict=True):
        assert code == 0, stderr
        assert "locked" not in stderr and "Traceback" not in stderr, stderr
        assert stderr.strip() == ""
    new_posts = sum(orjson.loads(stdout)["posts"] for stdout, _ in outputs)
    assert new_posts == reference.status["posts"], "each post is new to exactly one of the loads"
    assert_consistent(db, case28k.expected)
    assert differences(sqlite_snapshot(db), reference) == []
    record_property("concurrent_loads", len(procs))


def test_a_second_load_waits_instead_of_failing(files, tmp_path):
    """Another writer holds the lock for seconds: the load waits (busy timeout), then finishes."""
    paths, _ = files
    db = tmp_path / "held.db"
    assert run_tagjack("load", paths["head"], "--db", db, "--quiet", cwd=tmp_path).returncode == 0
    before = sqlite_snapshot(db).status["posts"]
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(4.0, lambda: holder.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    result = run_tagjack("load", paths["tail"], "--db", db, "--quiet", "--json", cwd=tmp_path)
    release.join()
    holder.close()
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 4.0
    assert sqlite_snapshot(db).status["posts"] > before


CREATE_RACES = 5


def test_loads_creating_one_store_at_once(files, case28k, tmp_path, record_property):
    """Three small loads start together on a file that does not exist yet: one creates the
    schema, the others wait for it; the store is the union, each post counted once."""
    lines = lines_of(case28k.tweets)[:900]
    parts = [write_lines(tmp_path / f"part-{i}.jsonl", lines[i * 250:i * 250 + 400]) for i in range(3)]
    union = write_lines(tmp_path / "union.jsonl", lines)
    clean = tmp_path / "clean.db"
    assert run_tagjack("load", union, "--db", clean, "--quiet", cwd=tmp_path).returncode == 0
    reference = sqlite_snapshot(clean)
    for race in range(CREATE_RACES):
        db = tmp_path / f"race-{race}.db"
        procs = [start_tagjack("load", part, "--db", db, "--batch-size", 40, "--quiet", "--json",
                               cwd=tmp_path, out=tmp_path / f"race-{race}-{i}")
                 for i, part in enumerate(parts)]
        for i, proc in enumerate(procs):
            stderr = (tmp_path / f"race-{race}-{i}.stderr")
            assert proc.wait(timeout=300) == 0, stderr.read_text()
            assert stderr.read_text().strip() == ""
        assert differences(sqlite_snapshot(db), reference) == [], f"race {race}"
    record_property("concurrent_loads", CREATE_RACES * len(parts))

"""kill -9 during `tagjack load`: the store keeps whole batches only, and a rerun finishes it.

Each kill point is a seeded random moment of a load: one during start-up (while the
store may still be being created), the others after the first batch is committed,
anywhere in the rest of a clean load's time. The load (and, with ``--workers 2``, its
worker processes: the whole process group) gets SIGKILL there. Afterwards the store
must open, pass ``PRAGMA integrity_check``, have aggregated edges that are exactly
what its stored posts add up to, every stored post with all its tags and mentions,
and its posts must be whole batches of each writer. Then the same command, run
again, must give exactly the store a clean load gives: the same accounts, posts,
tags, mentions and edge weights.

A worker killed alone (the OOM killer picks one process) stops the load with one
clear line, and a rerun finishes it the same way.

``TAGJACK_KILL_POINTS`` sets the kill points per worker count (default 5;
``make fuzz`` runs more).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import psutil
import pytest
from tagjack.graph.ingest.loader import slices, workers_for
from tagjack.graph.ingest.readers.detect import read_file

from .support import (
    assert_consistent,
    assert_one_clear_line,
    batches_of,
    differences,
    kill_group,
    run_tagjack,
    slice_batches,
    sqlite_snapshot,
    start_tagjack,
    whole_batches,
)

KILL_POINTS = int(os.environ.get("TAGJACK_KILL_POINTS", "5"))
BATCH = 400
WORKERS = (1, 2)


def load_args(case, db, workers: int) -> list:
    return ["load", case.tweets, "--db", db, "--batch-size", BATCH, "--workers", workers,
            "--quiet", "--json"]


def stored_posts(db: Path) -> int:
    """Posts committed so far (0 while the store is being created)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1) as con:
            return con.execute("SELECT count(*) FROM posts").fetchone()[0]
    except sqlite3.Error:
        return 0


def first_batch(proc, db: Path, *, posts: int = 1) -> float:
    """Wait until the load has committed its first batch, or ``posts`` posts (or ended);
    returns when."""
    while proc.poll() is None and stored_posts(db) < posts:
        time.sleep(0.02)
    return time.monotonic()


@pytest.fixture(scope="module")
def clean(case28k, tmp_path_factory):
    """Per worker count: the snapshot of a clean load, and its seconds after the first batch.

    Both snapshots agree: a parallel load gives the store a single process does."""
    folder = tmp_path_factory.mktemp("clean")
    found = {}
    for workers in WORKERS:
        db = folder / f"clean-{workers}.db"
        proc = start_tagjack(*load_args(case28k, db, workers), cwd=folder,
                             out=folder / f"clean-{workers}")
        first = first_batch(proc, db)
        assert proc.wait(timeout=600) == 0
        found[workers] = (sqlite_snapshot(db), time.monotonic() - first)
    assert differences(found[1][0], found[2][0]) == []
    return found


@pytest.fixture(scope="module")
def batch_sequences(case28k, tmp_path_factory):
    """Per worker count: each writer's batches (post ids), in the order it writes them."""
    tmp = tmp_path_factory.mktemp("batches")
    path = case28k.tweets
    assert workers_for(path, "v1", wanted=2) == 2, "the case is too small to split"
    return {1: [batches_of(read_file(path), BATCH, tmp)],
            2: slice_batches(path, slices(path, 2), BATCH, tmp)}


@pytest.mark.slow
@pytest.mark.parametrize("workers", WORKERS)
def test_kill_9_keeps_whole_batches_and_a_rerun_gives_the_clean_store(
        workers, case28k, clean, batch_sequences, tmp_path, record_property):
    reference, loading = clean[workers]
    total = reference.status["posts"]
    rng = random.Random(f"kill-9-workers-{workers}")
    mid_load = 0
    for point in range(KILL_POINTS + 1):
        db = tmp_path / f"killed-{point}.db"
        args = load_args(case28k, db, workers)
        proc = start_tagjack(*args, cwd=tmp_path, out=tmp_path / f"killed-{point}")
        if point == 0:  # start-up: imports, opening or creating the store
            time.sleep(rng.uniform(0.05, 0.8))
        else:
            first_batch(proc, db)
            time.sleep(rng.uniform(0.0, 0.8) * loading)
        finished = proc.poll() is not None
        kill_group(proc)
        assert finished or proc.returncode == -signal.SIGKILL

        stored = assert_consistent(db, case28k.expected) if db.exists() else set()
        assert whole_batches(stored, batch_sequences[workers]), \
            f"kill point {point}: {len(stored)} stored posts are not whole batches"
        mid_load += 0 < len(stored) < total
        print(f"workers={workers} kill point {point}: {len(stored)}/{total} posts stored"
              + (" (the load had finished)" if finished else ""))

        rerun = run_tagjack(*args, cwd=tmp_path)
        assert rerun.returncode == 0, rerun.stderr
        assert differences(sqlite_snapshot(db), reference) == [], f"kill point {point}"
        db.unlink()
    record_property("kill_points", KILL_POINTS + 1)
    record_property("mid_load", mid_load)
    print(f"workers={workers}: {KILL_POINTS + 1} kill points, {mid_load} with part of the load stored")
    assert mid_load >= (KILL_POINTS + 1) // 2, "most kills should land while batches are written"


def load_workers(proc) -> list[psutil.Process]:
    """The worker processes of a parallel load (not multiprocessing's resource tracker)."""
    return [c for c in psutil.Process(proc.pid).children()
            if "spawn_main" in " ".join(c.cmdline())]


@pytest.mark.slow
def test_a_worker_killed_mid_load_is_one_clear_line_and_a_rerun_finishes(
        case28k, clean, batch_sequences, tmp_path):
    """The OOM killer picks one process, often a worker: the load stops with one line."""
    reference, loading = clean[2]
    db = tmp_path / "worker-killed.db"
    args = load_args(case28k, db, 2)
    proc = start_tagjack(*args, cwd=tmp_path, out=tmp_path / "worker-killed")
    first_batch(proc, db)
    time.sleep(0.3 * loading)
    victims = load_workers(proc)
    assert len(victims) == 2
    victims[0].kill()
    proc.wait(timeout=300)
    result = subprocess.CompletedProcess(args, proc.returncode, "",
                                         (tmp_path / "worker-killed.stderr").read_text())
    line = assert_one_clear_line(result)
    assert "died" in line
    stored = assert_consistent(db, case28k.expected)
    assert 0 < len(stored) < reference.status["posts"]
    assert whole_batches(stored, batch_sequences[2])
    rerun = run_tagjack(*args, cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert differences(sqlite_snapshot(db), reference) == []


@pytest.mark.slow
@pytest.mark.parametrize("workers", WORKERS)
def test_ctrl_c_mid_load_keeps_whole_batches_in_one_line(workers, case28k, clean, batch_sequences,
                                                          tmp_path):
    """Ctrl-C reaches the whole process group (the load and its workers).

    It is sent once a tenth of the posts are stored, seen in the store itself (not after a
    time, which a busy machine stretches or shrinks): most of the load is still to come."""
    reference, _ = clean[workers]
    db = tmp_path / "interrupted.db"
    args = load_args(case28k, db, workers)
    proc = start_tagjack(*args, cwd=tmp_path, out=tmp_path / "interrupted")
    first_batch(proc, db, posts=reference.status["posts"] // 10)
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=300) == 130
    stderr = (tmp_path / "interrupted.stderr").read_text()
    assert stderr.strip() == ("interrupted: whole batches were kept; "
                              "run the same command again to finish"), stderr
    stored = assert_consistent(db, case28k.expected)
    assert 0 < len(stored) < reference.status["posts"]
    assert whole_batches(stored, batch_sequences[workers])
    rerun = run_tagjack(*args, cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert differences(sqlite_snapshot(db), reference) == []

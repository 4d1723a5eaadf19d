"""A read-only or full disk under the SQLite store: one clear line, exit 1, the store intact.

Read-only: the database file alone, or its whole folder. As a normal user that is
``chmod``; root ignores file modes, so as root (CI runs as root) the file is
bind-mounted read-only and the folder is a tmpfs remounted read-only. Either way
the store's bytes are the same before and after (sha256).

Disk full: the store lives on a 3 MB tmpfs (root only: skipped, with the reason,
where mounting is not allowed), room for the first file's store and its WAL (in 32 KB
pages, about 0.8 MB each) but not for the second's (1.8 MB, and a WAL that grows with
each batch). The load stops with one line; what was stored before is all still there,
the store holds whole batches only, and once there is room again the same command
finishes the load exactly as a clean one.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tagjack.graph.ingest.readers.detect import read_file

from .support import (
    assert_consistent,
    assert_one_clear_line,
    batches_of,
    differences,
    expected_of,
    file_digest,
    lines_of,
    run_tagjack,
    sqlite_snapshot,
    whole_batches,
    write_lines,
)

ROOT = os.geteuid() == 0


@pytest.fixture(scope="module")
def inputs(case28k, tmp_path_factory):
    """A small first load, a bigger second one, and a clean store of both."""
    folder = tmp_path_factory.mktemp("disk")
    lines = lines_of(case28k.tweets)
    first = write_lines(folder / "first.jsonl", lines[:300])
    second = write_lines(folder / "second.jsonl", lines[-3000:])
    clean = folder / "clean.db"
    for path in (first, second):
        assert run_tagjack("load", path, "--db", clean, "--quiet", cwd=folder).returncode == 0
    return first, second, sqlite_snapshot(clean)


def mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"mount {' '.join(args)} is not permitted here: {result.stderr.strip()}")


@contextmanager
def mounted(target: Path, *args: str) -> Iterator[Path]:
    mount(*args, str(target))
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


@contextmanager
def read_only(db: Path, what: str) -> Iterator[None]:
    """``db`` (``what`` = "file") or its folder (``what`` = "folder") read-only, even to root."""
    if what == "file":
        if ROOT:
            with mounted(db, "--bind", str(db)):
                mount("-o", "remount,bind,ro", str(db))
                yield
        else:
            db.chmod(0o444)
            try:
                yield
            finally:
                db.chmod(0o644)
        return
    folder = db.parent
    if ROOT:  # the folder is a tmpfs holding a copy of the store, then remounted read-only
        data = {p.name: p.read_bytes() for p in folder.iterdir()}
        with mounted(folder, "-t", "tmpfs", "-o", "size=16m", "tmpfs"):
            for name, content in data.items():
                (folder / name).write_bytes(content)
            mount("-o", "remount,ro", str(folder))
            yield
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_store_is_one_clear_line_and_stays_intact(what, inputs, tmp_path):
    first, second, _ = inputs
    folder = tmp_path / "store"
    folder.mkdir()
    db = folder / "tagjack.db"
    assert run_tagjack("load", first, "--db", db, "--quiet", cwd=tmp_path).returncode == 0
    before = sqlite_snapshot(db)
    with read_only(db, what):
        digest = file_digest(folder)[db.name]
        result = run_tagjack("load", second, "--db", db, "--quiet", cwd=tmp_path)
        line = assert_one_clear_line(result)
        assert str(db.name) in line
        assert file_digest(folder)[db.name] == digest
        wal = db.with_name(db.name + "-wal")  # a WAL index may appear beside it, but no data
        assert not wal.exists() or wal.stat().st_size == 0
        status = run_tagjack("status", "--db", db, "--json", cwd=tmp_path)
        if status.returncode != 0:  # reading needs the WAL index beside the file
            assert_one_clear_line(status)
    assert sqlite_snapshot(db) == before


@pytest.mark.skipif(not ROOT, reason="a 3 MB filesystem needs `mount -t tmpfs`, which needs root")
def test_a_full_disk_stops_the_load_with_one_line_and_keeps_the_store(inputs, tmp_path):
    first, second, reference = inputs
    folder = tmp_path / "full"
    folder.mkdir()
    with mounted(folder, "-t", "tmpfs", "-o", "size=3m", "tmpfs"):
        db = folder / "tagjack.db"
        assert run_tagjack("load", first, "--db", db, "--quiet", cwd=tmp_path).returncode == 0
        before = sqlite_snapshot(db)
        result = run_tagjack("load", second, "--db", db, "--batch-size", 300, "--quiet",
                             cwd=tmp_path)
        line = assert_one_clear_line(result)
        assert "full" in line, line

        records = [*read_file(first), *read_file(second)]
        stored = assert_consistent(db, expected_of(records))
        after = sqlite_snapshot(db)
        assert before.posts.items() <= after.posts.items()
        assert before.tags <= after.tags and before.mentions <= after.mentions
        assert whole_batches(stored, [[frozenset(before.posts)],
                                      batches_of(read_file(second), 300, tmp_path)])

        mount("-o", "remount,size=64m", str(folder))  # room again: the same command finishes
        rerun = run_tagjack("load", second, "--db", db, "--batch-size", 300, "--quiet",
                            cwd=tmp_path)
        assert rerun.returncode == 0, rerun.stderr
        assert differences(sqlite_snapshot(db), reference) == []


@pytest.mark.skipif(not ROOT, reason="a 1 MB filesystem needs `mount -t tmpfs`, which needs root")
def test_a_full_disk_under_the_rejects_file_is_one_clear_line(inputs, tmp_path):
    first, _, _ = inputs
    junk = b'{"broken": "' + b"x" * 290 + b"\n"  # about 400 bytes of reject each
    bad = write_lines(tmp_path / "bad.jsonl", lines_of(first)[:50] + [junk] * 4000)
    folder = tmp_path / "full"
    folder.mkdir()
    with mounted(folder, "-t", "tmpfs", "-o", "size=1m", "tmpfs"):
        result = run_tagjack("load", bad, "--db", tmp_path / "t.db", "--rejects",
                             folder / "rejects.jsonl", "--quiet", cwd=tmp_path)
    assert_one_clear_line(result)

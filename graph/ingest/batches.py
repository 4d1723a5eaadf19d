"""Stream records from readers into a store in whole batches, rejects to a side file."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import orjson
from tagjack.graph.errors import StrictReject, TagjackError, WriteFailed
from tagjack.graph.model import Account, AccountEdge, Deletion, Post, Record, Reject
from tagjack.graph.store.base import Batch, Store

DEFAULT_BATCH_SIZE = 5_000


@dataclass(slots=True)
class LoadStats:
    posts: int = 0
    accounts: int = 0
    edges: int = 0
    deleted: int = 0  # stored posts removed by deletions
    rejected: int = 0
    rejects_file: str | None = None
    seconds: float = 0.0


class RejectsFile:
    """Rejects as JSON Lines ``{source, line, reason, raw}``; the file is made on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._fh: IO[bytes] | None = None

    def write(self, rejected: Reject) -> None:
        self.write_raw(orjson.dumps({"source": rejected.source, "line": rejected.line,
                                     "reason": rejected.reason, "raw": rejected.raw}) + b"\n")

    def write_raw(self, line: bytes) -> None:
        """One reject already serialised (a parallel worker's)."""
        try:
            if self._fh is None:
                self._fh = self.path.open("ab")
            self._fh.write(line)
        except OSError as exc:  # also a full disk, met when the buffer is written
            raise TagjackError(f"cannot write rejects to {self.path}: {exc.strerror}") from exc
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            try:
                self._fh.close()
            except OSError as exc:
                raise TagjackError(f"cannot write rejects to {self.path}: {exc.strerror}") from exc


def load_records(store: Store, records: Iterable[Record | Reject], *, rejects: RejectsFile,
                 batch_size: int = DEFAULT_BATCH_SIZE, strict: bool = False,
                 stats: LoadStats | None = None,
                 on_batch: Callable[[LoadStats], None] | None = None,
                 overlap: bool = False) -> LoadStats:
    """Write ``records`` to ``store`` one batch (one transaction) at a time.

    A reject never stops the load unless ``strict``; then the batch being
    built is dropped and StrictReject raised, so nothing of it is stored.
    ``overlap``: each batch is written by a second thread while this one reads the next
    (one batch in flight at most), for a store whose writes mostly wait on a server.
    """
    stats = stats or LoadStats()
    with rare_collections(), _Writer(store, stats, on_batch, overlap=overlap) as writer:
        return _load(records, writer, rejects=rejects, batch_size=batch_size, strict=strict,
                     stats=stats)


@contextmanager
def rare_collections() -> Iterator[None]:
    """Run the cyclic garbage collector rarely while a load allocates.

    A load makes millions of short-lived dicts and records and no reference
    cycles; at Python's default thresholds the collector's passes over them
    took 8% of a load. Objects from before the load are frozen out of its passes.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class _Writer:
    """Writes batches in order, one at a time: in the caller's thread, or (``overlap``) in
    one thread of its own while the caller reads the next batch.

    Leaving it waits for the batch in flight, so a load stopped for any reason (a reject
    under --strict, Ctrl-C) leaves whole batches; that batch's own error, if any, is raised.
    """

    def __init__(self, store: Store, stats: LoadStats,
                 on_batch: Callable[[LoadStats], None] | None, *, overlap: bool) -> None:
        self._store = store
        self._stats = stats
        self._on_batch = on_batch
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="tagjack-write") if overlap else None
        self._pending: Future | None = None

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            try:
                self.wait()
            finally:
                self._pool.shutdown()

    def write(self, batch: Batch, number: int) -> None:
        if self._pool is None:
            _flush(self._store, batch, self._stats, number)
            self._done()
            return
        self.wait()
        self._pending = self._pool.submit(_flush, self._store, batch, self._stats, number)

    def wait(self) -> None:
        """Until the batch in flight is written; raises its error."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()
            self._done()

    def _done(self) -> None:
        if self._on_batch:
            self._on_batch(self._stats)


def _load(records: Iterable[Record | Reject], writer: _Writer, *, rejects: RejectsFile,
          batch_size: int, strict: bool, stats: LoadStats) -> LoadStats:
    started = time.perf_counter()
    batch = Batch()
    lists = _lists(batch)
    size = number = 0
    for record in records:
        target = lists.get(record.__class__)
        if target is None:
            if not isinstance(record, Reject):
                raise TypeError(f"not a record: {record!r}")
            if strict:
                raise StrictReject(f"{record.source}:{record.line}: {record.reason}",
                                   hint="drop --strict to load the rest and collect rejects")
            rejects.write(record)
            stats.rejected += 1
            stats.rejects_file = str(rejects.path)
            continue
        target.append(record)
        size += 1
        if size >= batch_size:
            number += 1
            writer.write(batch, number)
            batch, size = Batch(), 0
            lists = _lists(batch)
    if size:
        writer.write(batch, number + 1)
    writer.wait()
    stats.seconds += time.perf_counter() - started
    return stats


def _lists(batch: Batch) -> dict[type, list]:
    return {Post: batch.posts, Account: batch.accounts, AccountEdge: batch.edges,
            Deletion: batch.deletions}


def _flush(store: Store, batch: Batch, stats: LoadStats, number: int) -> None:
    try:
        counts = store.write_batch(batch)
    except WriteFailed as exc:  # say which batch, so the user can find it in the input
        raise WriteFailed(f"batch {number} ({_described(batch)}) was not stored: {exc}",
                          hint=exc.hint) from exc
    stats.posts += counts.posts
    stats.accounts += counts.accounts
    stats.edges += counts.edges
    stats.deleted += counts.deleted


def _described(batch: Batch) -> str:
    """What a batch held, for an error: its size and its first and last post ids."""
    what = f"{len(batch):,} records"
    if batch.posts:
        what += f", posts {batch.posts[0].id} to {batch.posts[-1].id}"
    return what

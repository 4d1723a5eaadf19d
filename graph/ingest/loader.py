"""Load one file into a store; a large JSON Lines file into SQLite with several processes.

Parsing is most of a load's work and Python parses on one core; SQLite takes
one writer at a time, so each worker parses its slice while another commits.
Every worker writes whole batches in its own transactions, new posts are
found inside each transaction, and account rows merge the same in any order
(see ``merge_account``), so a parallel load gives exactly the store a single
process would.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from tagjack.graph.errors import TagjackError
from tagjack.graph.ingest.batches import LoadStats, RejectsFile, load_records
from tagjack.graph.ingest.readers.bluesky import parse_bluesky_stream
from tagjack.graph.ingest.readers.common import READ_BUFFER
from tagjack.graph.ingest.readers.detect import detect_file, is_json_lines, read_file
from tagjack.graph.ingest.readers.v1 import parse_v1_stream
from tagjack.graph.ingest.readers.v2 import parse_v2_stream
from tagjack.graph.model import Record, Reject
from tagjack.graph.store.base import Store
from tagjack.graph.store.sqlite import SqliteStore

# formats whose records do not depend on lines read before them (a Bluesky repost's tags are
# given by the store: see store/sqlite_batch)
SLICEABLE = {"v1": parse_v1_stream, "v2": parse_v2_stream, "bluesky": parse_bluesky_stream}
MIN_SLICE_BYTES = 32 * 1024 * 1024
# Records per SQLite transaction. Each commit rewrites every page it touched to the WAL,
# and retweet edges and accounts touch pages all over their tables: at 5,000 records a
# 1M-tweet load wrote 10 GB for a 260 MB file.
SQLITE_BATCH_SIZE = 50_000
# Records per Neo4j transaction: each statement of a batch is a round trip and each batch a
# commit; 20,000 (about 6,400 tweets) loaded 60k tweets a fifth faster than 5,000.
NEO4J_BATCH_SIZE = 20_000
GZIP_MAGIC = b"\x1f\x8b"

_done = None  # per worker: the shared array of bytes read, one slot per slice
_turns = None  # per worker: the lock the workers take turns at to write


def load_path(store: Store, path: Path, *, fmt: str | None, rejects: RejectsFile,
              batch_size: int | None, strict: bool, stats: LoadStats, workers: int | None = None,
              on_progress: Callable[[int], None] | None = None) -> LoadStats:
    """Load one file: sliced over processes when it is big JSON Lines going into SQLite.

    ``batch_size`` is records per transaction; None picks the store's best.
    """
    batch_size = batch_size or batch_size_for(store)
    kind = fmt or detect_file(path)
    count = 1 if strict or not isinstance(store, SqliteStore) or store.path == ":memory:" \
        else workers_for(path, kind, wanted=workers)
    if count > 1:
        return load_file_parallel(Path(store.path), path, kind, workers=count, rejects=rejects,
                                  batch_size=batch_size, stats=stats, on_progress=on_progress)
    records = read_file(path, fmt=kind, on_progress=on_progress)
    return load_records(store, records, rejects=rejects, batch_size=batch_size, strict=strict,
                        stats=stats, overlap=overlaps_writes(store))


def batch_size_for(store: Store) -> int:
    return SQLITE_BATCH_SIZE if isinstance(store, SqliteStore) else NEO4J_BATCH_SIZE


def overlaps_writes(store: Store) -> bool:
    """Whether to read the next batch while the last is written: yes for a server, whose
    commit waits on another process; not for SQLite, whose writes hold this one's GIL."""
    return not isinstance(store, SqliteStore)


def workers_for(path: Path, fmt: str, *, wanted: int | None = None) -> int:
    """How many processes suit this file: one unless it is big, plain JSON Lines."""
    if fmt not in SLICEABLE:
        return 1
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(2)
    if head == GZIP_MAGIC or size < 2 * MIN_SLICE_BYTES or not is_json_lines(path):
        return 1  # a gzip stream or one JSON document spread over lines cannot be cut
    wanted = wanted if wanted is not None else min(os.cpu_count() or 1, 4)
    return max(1, min(wanted, size // MIN_SLICE_BYTES))


def slices(path: Path, parts: int) -> list[tuple[int, int]]:
    """Byte ranges [start, end) that cut the file only just after a newline."""
    size = path.stat().st_size
    cuts = [0]
    with path.open("rb") as fh:
        for i in range(1, parts):
            fh.seek(max(size * i // parts, cuts[-1]))
            while (part := fh.readline(1 << 20)) and not part.endswith(b"\n"):
                pass  # to the end of the line, a megabyte at a time however long it is
            cuts.append(min(fh.tell(), size))
    cuts.append(size)
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def load_file_parallel(db: Path, path: Path, fmt: str, *, workers: int, rejects: RejectsFile,
                       batch_size: int, stats: LoadStats,
                       on_progress: Callable[[int], None] | None = None) -> LoadStats:
    """Load ``path`` into the SQLite file ``db`` with ``workers`` processes."""
    ranges = slices(path, workers)
    context = multiprocessing.get_context("spawn")
    done = context.Array("q", len(ranges), lock=False)
    # SQLite's own wait for its lock sleeps up to 100 ms at a time; a shared lock wakes the
    # next writer the moment the last one commits
    turns = context.Lock()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tagjack-load-") as tmp, \
            ProcessPoolExecutor(len(ranges), mp_context=context, initializer=_init,
                                initargs=(done, turns)) as pool:
        futures = [pool.submit(_load_slice, str(db), str(path), fmt, i, start, end, batch_size,
                               str(Path(tmp) / f"rejects-{i}.jsonl"))
                   for i, (start, end) in enumerate(ranges)]
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=0.25, return_when=FIRST_EXCEPTION)
            if on_progress:
                on_progress(sum(done))
            for future in finished:
                _result(future, path)  # a worker's exception stops the load here
        for future in futures:
            part, rejects_path = _result(future, path)
            _add(stats, part)
            _copy_rejects(Path(rejects_path), rejects, stats)
    stats.seconds += time.perf_counter() - started
    return stats


def _result(future: Future, path: Path):
    """A worker's result; a worker killed from outside (the OOM killer, kill -9) is one clear error."""
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise TagjackError(f"a worker loading {path.name} died (killed, or out of memory?); "
                           "the store keeps the whole batches written so far",
                           hint="run the same command again to finish the load") from exc


def _init(done, turns) -> None:
    global _done, _turns
    _done, _turns = done, turns


def _load_slice(db: str, path: str, fmt: str, index: int, start: int, end: int, batch_size: int,
                rejects_path: str) -> tuple[LoadStats, str]:
    source = Path(path).name
    sink = RejectsFile(Path(rejects_path))
    with SqliteStore(db, turns=_turns) as store, \
            Path(path).open("rb", buffering=READ_BUFFER) as fh:
        fh.seek(start)
        records = _numbered(SLICEABLE[fmt](_Slice(fh, start, end, index), source=source), path,
                            start)
        stats = load_records(store, records, rejects=sink, batch_size=batch_size)
    sink.close()
    return stats, rejects_path


class _Slice:
    """The bytes of a file from ``start`` (where it stands) up to ``end``, read line by line.

    It counts its own position: ``tell()`` on a buffered file is a system call per line.
    """

    def __init__(self, fh, start: int, end: int, index: int) -> None:
        self._fh = fh
        self._left = end - start
        self._index = index
        self._since_report = 0

    def readline(self, limit: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        line = self._fh.readline(self._left if limit < 0 else min(limit, self._left))
        self._left -= len(line)
        self._since_report += len(line)
        if self._since_report > 1 << 20 and _done is not None:
            _done[self._index] += self._since_report
            self._since_report = 0
        return line

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        data = self._fh.read(self._left if size < 0 else min(size, self._left))
        self._left -= len(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


def _numbered(records: Iterator[Record | Reject], path: str, start: int) -> Iterator[Record | Reject]:
    """Rejects carry line numbers of the whole file, not of the slice (counted only when needed)."""
    before: int | None = None
    for record in records:
        if record.__class__ is Reject:
            if before is None:
                before = _lines_before(path, start)
            yield dataclasses.replace(record, line=record.line + before)  # type: ignore[arg-type]
        else:
            yield record


def _lines_before(path: str, offset: int) -> int:
    count = 0
    with open(path, "rb") as fh:
        while offset > 0:
            chunk = fh.read(min(offset, 1 << 24))
            if not chunk:
                break
            count += chunk.count(b"\n")
            offset -= len(chunk)
    return count


def _add(total: LoadStats, part: LoadStats) -> None:
    total.posts += part.posts
    total.accounts += part.accounts
    total.edges += part.edges
    total.deleted += part.deleted


def _copy_rejects(part: Path, into: RejectsFile, stats: LoadStats) -> None:
    if not part.exists():
        return
    with part.open("rb") as fh:
        for line in fh:
            into.write_raw(line)
            stats.rejected += 1
    stats.rejects_file = str(into.path)

"""load_records(overlap=True): batches written in a second thread, in order, one in flight at most;
the same counts as writing in the caller's thread, and the same whole-batch behaviour on errors."""

from __future__ import annotations

import threading

import pytest
from tagjack.graph.errors import StrictReject, WriteFailed
from tagjack.graph.ingest.batches import LoadStats, RejectsFile, load_records
from tagjack.graph.model import Account, Reject
from tagjack.graph.store.base import BatchCounts

BATCH = 10


class RecordingStore:
    """Writes nothing: records each batch's account ids, the writing thread, and how many records
    the reader had handed out when the batch began to be written."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.fail_at = fail_at
        self.batches: list[list[str]] = []
        self.threads: set[int] = set()
        self.read_when_written: list[int] = []
        self.read = 0

    def write_batch(self, batch) -> BatchCounts:
        self.read_when_written.append(self.read)
        self.threads.add(threading.get_ident())
        if len(self.batches) + 1 == self.fail_at:
            raise WriteFailed("disk full")
        self.batches.append([a.id for a in batch.accounts])
        return BatchCounts(accounts=len(batch.accounts))


def accounts(store: RecordingStore, n: int, *, reject_at: int | None = None):
    for i in range(n):
        store.read += 1
        if i == reject_at:
            yield Reject(source="f", line=i + 1, reason="bad")
        else:
            yield Account(id=f"{i:04d}", handle=f"h{i}")


def load(store: RecordingStore, n: int, tmp_path, *, overlap: bool, reject_at: int | None = None,
         strict: bool = False) -> LoadStats:
    return load_records(store, accounts(store, n, reject_at=reject_at),
                        rejects=RejectsFile(tmp_path / "r.jsonl"), batch_size=BATCH,
                        strict=strict, overlap=overlap)


def test_overlapped_writes_equal_writes_in_the_callers_thread(tmp_path):
    alone, overlapped = RecordingStore(), RecordingStore()
    progress: list[int] = []
    one = load(alone, 95, tmp_path, overlap=False, reject_at=42)
    two = load_records(overlapped, accounts(overlapped, 95, reject_at=42),
                       rejects=RejectsFile(tmp_path / "r2.jsonl"), batch_size=BATCH, overlap=True,
                       on_batch=lambda s: progress.append(s.accounts))
    assert overlapped.batches == alone.batches
    assert (two.accounts, two.rejected) == (one.accounts, one.rejected) == (94, 1)
    assert progress == [10, 20, 30, 40, 50, 60, 70, 80, 90, 94]
    assert overlapped.threads.isdisjoint({threading.get_ident()}) and len(overlapped.threads) == 1
    assert alone.threads == {threading.get_ident()}


def test_one_batch_in_flight_at_most(tmp_path):
    store = RecordingStore()
    load(store, 100, tmp_path, overlap=True)
    # batch k (from 0) is written once the reader has handed out its records, and before the
    # reader gets past the end of batch k + 1
    for k, read in enumerate(store.read_when_written):
        assert BATCH * (k + 1) <= read <= BATCH * (k + 2) + 1


def test_a_failed_batch_stops_the_load_and_says_which(tmp_path):
    store = RecordingStore(fail_at=3)
    with pytest.raises(WriteFailed, match="batch 3 "):
        load(store, 100, tmp_path, overlap=True)
    assert len(store.batches) == 2  # whole batches before it, none after


def test_a_strict_reject_lets_the_batch_in_flight_finish(tmp_path):
    store = RecordingStore()
    with pytest.raises(StrictReject):
        load(store, 100, tmp_path, overlap=True, reject_at=55, strict=True)
    assert store.batches == [[f"{i:04d}" for i in range(k, k + BATCH)] for k in range(0, 50, BATCH)]

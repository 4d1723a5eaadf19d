"""Shared by the reader tests: golden files, records as JSON, a loaded store."""

from __future__ import annotations

import enum
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tagjack.graph.ingest.batches import LoadStats, RejectsFile, load_records
from tagjack.graph.ingest.readers.detect import input_files, read_file
from tagjack.graph.model import Post, PostKind, Record, Reject
from tagjack.graph.store.base import KIND_CODES
from tagjack.graph.store.sqlite import SqliteStore

DATA = Path(__file__).resolve().parents[2] / "data"
GOLDEN = DATA / "readers"
REGENERATE = os.environ.get("TAGJACK_REGENERATE_GOLDEN") == "1"


def as_jsonable(value: Any) -> Any:
    """A record as plain JSON: its type, then its fields (a Reject's raw snippet left out)."""
    if is_dataclass(value) and not isinstance(value, type):
        doc = {"record": type(value).__name__} if isinstance(value, Record | Reject) else {}
        doc.update({f.name: as_jsonable(getattr(value, f.name)) for f in fields(value)
                    if not (isinstance(value, Reject) and f.name == "raw")})
        return doc
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [as_jsonable(v) for v in value]
    return value


def check_golden(path: Path, records: Iterable[Record | Reject]) -> list:
    """Compare records with ``<file>.expected.json`` (TAGJACK_REGENERATE_GOLDEN=1 rewrites it)."""
    got = [as_jsonable(r) for r in records]
    expected = path.with_name(path.name.removesuffix(".gz") + ".expected.json")
    if REGENERATE:
        expected.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(expected.read_text(encoding="utf-8"))
    return got


@dataclass
class Loaded:
    """A set of files loaded into an in-memory store, and the posts read from them by id."""

    store: SqliteStore
    stats: LoadStats
    posts: dict[str, Post]  # the last record read for each id (the primary one, read after its originals)
    rejects: list[Reject]

    def kinds(self, ids: Iterable[str]) -> Counter:
        return Counter(self.posts[i].kind for i in ids)

    def retweets_by_handle(self) -> Counter:
        """Retweets (kind RETWEET only: RETWEETED edges count quotes too) per original author."""
        table = self.store.posts()
        accounts = self.store.accounts()
        handle = dict(zip(accounts.keys.tolist(), accounts.handles, strict=True))
        retweeted = table.ref_author[table.kind == KIND_CODES[PostKind.RETWEET]].tolist()
        return Counter(handle[key] for key in retweeted if key >= 0)


def load(paths: list[Path | str], tmp_path: Path, *, fmt: str | None = None) -> Loaded:
    store = SqliteStore.in_memory()
    posts: dict[str, Post] = {}
    rejects: list[Reject] = []

    def records():
        for path in input_files([str(p) for p in paths]):
            for record in read_file(path, fmt=fmt):
                if isinstance(record, Post):
                    posts[record.id] = record
                elif isinstance(record, Reject):
                    rejects.append(record)
                yield record

    sink = RejectsFile(tmp_path / "rejects.jsonl")
    stats = load_records(store, records(), rejects=sink, batch_size=500)
    sink.close()
    return Loaded(store, stats, posts, rejects)


def agreeing_share(lines: list[bytes], both_ways: Callable[[bytes], tuple[object, object]]) -> float:
    """The share of lines a typed fast path takes; each taken line must give the tolerant
    reader's records (``both_ways(line)`` is (fast records or None when declined, tolerant records))."""
    taken = 0
    for line in lines:
        fast, tolerant = both_ways(line)
        if fast is not None:
            assert fast == tolerant, line[:200]
            taken += 1
    return taken / len(lines)

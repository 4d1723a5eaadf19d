"""Pick a reader from a file's content (never its name) and expand paths, globs, folders."""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterator
from pathlib import Path

from tagjack.graph.errors import InputError
from tagjack.graph.model import Record, Reject
from tagjack.graph.readers.common import open_binary
from tagjack.graph.readers.v1 import parse_v1_stream

FORMATS = ("v1",)
READERS = {"v1": parse_v1_stream}


def input_files(paths: list[str]) -> list[Path]:
    """Expand globs and directories (their files, recursively, sorted); missing ones are errors."""
    found: list[Path] = []
    for raw in paths:
        matches = sorted(glob.glob(raw, recursive=True)) if glob.has_magic(raw) else [raw]
        if not matches:
            raise InputError(f"{raw}: no file matches")
        for match in map(Path, matches):
            if match.is_dir():
                found.extend(sorted(p for p in match.rglob("*") if p.is_file()
                                    and not p.name.startswith(".")))
            elif match.exists():
                found.append(match)
            else:
                raise InputError(f"{match}: no such file")
    return found


def detect(head: bytes) -> str:
    """The format of a file from its first bytes."""
    return "v1"


def read_file(path: Path, *, fmt: str | None = None,
              on_progress: Callable[[int], None] | None = None) -> Iterator[Record | Reject]:
    with open_binary(path) as fh:
        kind = fmt or detect(fh.peek(65536)[:65536])  # type: ignore[attr-defined]
        yield from READERS[kind](fh, source=path.name)

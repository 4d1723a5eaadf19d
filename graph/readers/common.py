"""Shared reader plumbing: opening (.gz), bounded lines, JSON documents, rejects."""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import orjson
from tagjack.graph.errors import InputError
from tagjack.graph.model import Reject, normalize_tag

MAX_LINE_BYTES = 16 * 1024 * 1024  # a tweet is a few KB; a v2 page a few MB
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
RAW_SNIPPET = 300


def open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading bytes, gunzipping when it starts with gzip's magic."""
    try:
        fh = path.open("rb")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory") from exc
    except PermissionError as exc:
        raise InputError(f"{path}: permission denied") from exc
    if fh.peek(2)[:2] == b"\x1f\x8b":  # type: ignore[attr-defined]
        return gzip.GzipFile(fileobj=fh, mode="rb")  # type: ignore[return-value]
    return fh


def bounded_lines(fh: IO[bytes], *, limit: int = MAX_LINE_BYTES) -> Iterator[bytes | None]:
    """Lines of ``fh``; an over-long line is skipped in chunks and given as None."""
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := fh.readline(limit)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def reject(source: str, line: int, reason: str, raw: bytes | str = b"") -> Reject:
    if isinstance(raw, bytes):
        raw = raw[:RAW_SNIPPET].decode("utf-8", "replace")
    return Reject(source=source, line=line, reason=reason, raw=raw[:RAW_SNIPPET].strip())


def json_lines(lines: Iterable[bytes | None], *, source: str) -> Iterator[tuple[int, Any] | Reject]:
    """Parse JSON Lines: (line number, object) or a Reject; blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        if line is None:
            yield reject(source, number, f"line longer than {MAX_LINE_BYTES} bytes")
            continue
        if not line.strip():
            continue
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield reject(source, number, f"invalid JSON: {exc}", line)


def json_values(fh: IO[bytes], *, source: str) -> Iterator[tuple[int, Any] | Reject]:
    """JSON Lines, or one JSON document spread over many lines (an array, a search response).

    A document that is not line-delimited has to be read whole; it is bounded
    by MAX_DOCUMENT_BYTES.
    """
    first = fh.readline(MAX_LINE_BYTES + 1)
    try:
        value = orjson.loads(first) if first.strip() else None
    except orjson.JSONDecodeError:
        value = None
    if value is None and first.lstrip()[:1] in (b"[", b"{"):
        rest = fh.read(MAX_DOCUMENT_BYTES + 1)
        if len(rest) > MAX_DOCUMENT_BYTES:
            yield reject(source, 1, f"JSON document larger than {MAX_DOCUMENT_BYTES} bytes")
            return
        try:
            yield 1, orjson.loads(first + rest)
        except orjson.JSONDecodeError as exc:
            yield reject(source, 1, f"invalid JSON document: {exc}", first)
        return
    yield from json_lines(_chain_first(first, fh), source=source)


def _chain_first(first: bytes, fh: IO[bytes]) -> Iterator[bytes | None]:
    if first:
        if len(first) > MAX_LINE_BYTES and not first.endswith(b"\n"):
            while (rest := fh.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield first
    yield from bounded_lines(fh)


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        start=1,
    )
}


def parse_v1_time(text: str) -> datetime:
    """'Tue Apr 22 18:00:00 +0000 2014' -> aware UTC datetime (fast path, strptime fallback)."""
    parts = text.split()
    if len(parts) == 6 and parts[4] == "+0000" and parts[1] in _MONTHS:
        hh, mm, ss = parts[3].split(":")
        return datetime(int(parts[5]), _MONTHS[parts[1]], int(parts[2]),
                        int(hh), int(mm), int(ss), tzinfo=UTC)
    return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)


def parse_iso_time(text: str) -> datetime:
    """'2014-04-22T18:00:00.000Z' (or any ISO-8601) -> aware UTC datetime."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def unique_tags(tags: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in (normalize_tag(x) for x in tags) if t))

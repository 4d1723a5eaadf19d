"""Shared reader plumbing: opening (.gz), bounded lines, JSON documents, rejects."""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import orjson
from tagjack.graph.errors import InputError
from tagjack.graph.model import Account, Post, PostKind, Reject, handle_id, normalize_tag

MAX_LINE_BYTES = 16 * 1024 * 1024  # a tweet is a few KB; a v2 page a few MB
MAX_FIELD_CHARS = 1024 * 1024  # a CSV field: a tweet's text or entities are a few KB
MAX_CSV_LINE_CHARS = 4 * MAX_FIELD_CHARS
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
MAX_NESTING = 3  # a retweet of a quote of a reply is as deep as real tweets embed
RAW_SNIPPET = 300
LOOKAHEAD_LINES = 16  # a broken first line: how far to look for JSON Lines after it
PROGRESS_EVERY = 1024 * 1024
READ_BUFFER = 1024 * 1024

Progress = Callable[[int], None]
# what a reader finds a post refers to: (kind, ref_id, ref_author_id, reply_to_id,
# reply_to_author_id), the Post fields of the same names
References = tuple[PostKind, str | None, str | None, str | None, str | None]
# API v2 ``referenced_tweets`` types, and the kind of post each makes
REFERENCE_KINDS = {"retweeted": PostKind.RETWEET, "quoted": PostKind.QUOTE,
                   "replied_to": PostKind.REPLY}


class BadRecord(ValueError):
    """A record that looks like a tweet (or a row) but lacks what tagjack needs."""


def open_binary(path: Path, *, on_progress: Progress | None = None) -> IO[bytes]:
    """Open a file for reading bytes, gunzipping when it starts with gzip's magic.

    ``on_progress(bytes_done)`` is called about every megabyte read from disk
    (compressed bytes for .gz, so it matches the file's size), and at the end.
    """
    try:
        raw = path.open("rb", buffering=0)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory") from exc
    except PermissionError as exc:
        raise InputError(f"{path}: permission denied") from exc
    source: io.RawIOBase = raw if on_progress is None else _Counting(raw, on_progress)
    fh = io.BufferedReader(source, buffer_size=READ_BUFFER)
    if fh.peek(2)[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=fh, mode="rb")  # type: ignore[return-value]
    return fh


class _Counting(io.RawIOBase):
    """A raw file that reports how many bytes were read from it."""

    def __init__(self, raw: io.RawIOBase, on_progress: Progress) -> None:
        self._raw = raw
        self._on_progress = on_progress
        self.done = 0
        self._next = PROGRESS_EVERY

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._raw.readinto(buffer) or 0
        self.done += n
        if self.done >= self._next or n == 0:
            self._next = self.done + PROGRESS_EVERY
            self._on_progress(self.done)
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


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


def reject(source: str, line: int, reason: str, raw: Any = b"") -> Reject:
    """A Reject with a short, printable snippet of what was read (bytes, text or parsed JSON)."""
    if not isinstance(raw, bytes | str):
        try:
            raw = orjson.dumps(raw)[:RAW_SNIPPET]
        except (TypeError, orjson.JSONEncodeError):  # nested deeper than orjson writes
            raw = f"<{type(raw).__name__}>"
    if isinstance(raw, bytes):
        raw = raw[:RAW_SNIPPET].decode("utf-8", "replace")
    raw = raw[:RAW_SNIPPET].encode("utf-8", "replace").decode("utf-8")  # no lone surrogates
    return Reject(source=source, line=line, reason=reason, raw=raw[:RAW_SNIPPET].strip())


# a \\ pair (skipped, so a literal backslash is no escape), a surrogate pair, or a lone surrogate
_SURROGATE_ESCAPES = re.compile(
    rb"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def loads(data: bytes) -> Any:
    """``orjson.loads``, but a lone surrogate escape (``"\\ud83d"``: a tweet its collector cut
    mid-emoji) becomes U+FFFD instead of making the whole record unreadable.

    UTF-8, and so SQLite and Neo4j, cannot hold a lone surrogate; the tweet can be kept.
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "surrogate" not in str(exc):
            raise
        return orjson.loads(_SURROGATE_ESCAPES.sub(_lone_to_replacement, data))


def _lone_to_replacement(match: re.Match[bytes]) -> bytes:
    escape = match.group()
    return rb"\ufffd" if len(escape) == 6 else escape


def json_lines(lines: Iterable[bytes | None], *, source: str,
               decode: Callable[[bytes], Any] = loads) -> Iterator[tuple[int, Any] | Reject]:
    """Parse JSON Lines: (line number, object) or a Reject; blank lines are skipped.

    ``decode`` is ``loads`` or a reader's fast path that falls back to it.
    """
    for number, line in enumerate(lines, start=1):
        if line is None:
            yield reject(source, number, f"line longer than {MAX_LINE_BYTES} bytes")
            continue
        try:
            yield number, decode(line)
        except orjson.JSONDecodeError as exc:
            if line.strip():  # blank lines are no JSON, and no error either
                yield reject(source, number, f"invalid JSON: {exc}", line)


def json_values(fh: IO[bytes], *, source: str,
                decode: Callable[[bytes], Any] = loads) -> Iterator[tuple[int, Any] | Reject]:
    """JSON Lines, or one JSON document spread over many lines (an array, a search response).

    A document that is not line-delimited has to be read whole; it is bounded
    by MAX_DOCUMENT_BYTES.
    """
    first = fh.readline(MAX_LINE_BYTES + 1)
    try:
        value = loads(first) if first.strip() else None
    except orjson.JSONDecodeError:
        value = None
    ahead: list[bytes] = []
    if value is None and first.lstrip()[:1] in (b"[", b"{") and first.endswith(b"\n"):
        # a broken first line of JSON Lines (cut short, say) must not take the file with it
        ahead = _lines_ahead(fh)
        if any(_is_container(line) for line in ahead):
            yield from json_lines(_chain_first(first, fh, ahead), source=source, decode=decode)
            return
    if value is None and first.lstrip()[:1] in (b"[", b"{"):
        rest = b"".join(ahead) + fh.read(MAX_DOCUMENT_BYTES + 1)
        if len(rest) > MAX_DOCUMENT_BYTES:
            yield reject(source, 1, f"JSON document larger than {MAX_DOCUMENT_BYTES} bytes")
            return
        try:
            yield 1, loads(first + rest)
        except orjson.JSONDecodeError as exc:
            if len(first) > MAX_LINE_BYTES and _has_json_lines(first + rest):
                # JSON Lines after all, whose first line is over-long: reject just that line
                yield from json_lines(bounded_lines(io.BytesIO(first + rest)), source=source)
            else:
                yield reject(source, 1, f"invalid JSON document: {exc}", first)
        return
    yield from json_lines(_chain_first(first, fh), source=source, decode=decode)


def _chain_first(first: bytes, fh: IO[bytes], ahead: Iterable[bytes] = ()) -> Iterator[bytes | None]:
    for line in (first, *ahead):
        if not line:
            continue
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := fh.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line
    yield from bounded_lines(fh)


def _lines_ahead(fh: IO[bytes]) -> list[bytes]:
    """The next few lines as read (the last may be the start of an over-long one)."""
    ahead: list[bytes] = []
    size = 0
    while len(ahead) < LOOKAHEAD_LINES and size <= MAX_LINE_BYTES \
            and (line := fh.readline(MAX_LINE_BYTES + 1)):
        ahead.append(line)
        size += len(line)
        if not line.endswith(b"\n"):
            break
    return ahead


def _has_json_lines(data: bytes) -> bool:
    """Whether any of the first few lines after the first is a JSON object or array."""
    lines = bounded_lines(io.BytesIO(data))
    next(lines, None)
    return any(line is not None and _is_container(line)
               for line, _ in zip(lines, range(LOOKAHEAD_LINES), strict=False))


def _is_container(line: bytes) -> bool:
    try:
        return isinstance(loads(line), dict | list)
    except orjson.JSONDecodeError:
        return False


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        start=1,
    )
}


@lru_cache(maxsize=4096)  # a stream has many tweets per second
def parse_v1_time(text: str) -> datetime:
    """'Tue Apr 22 18:00:00 +0000 2014' -> aware UTC datetime (fast path, strptime fallback)."""
    parts = text.split()
    if len(parts) == 6 and parts[4] == "+0000" and parts[1] in _MONTHS:
        hh, mm, ss = parts[3].split(":")
        return datetime(int(parts[5]), _MONTHS[parts[1]], int(parts[2]),
                        int(hh), int(mm), int(ss), tzinfo=UTC)
    return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)


@lru_cache(maxsize=4096)
def parse_iso_time(text: str) -> datetime:
    """'2014-04-22T18:00:00.000Z' (or any ISO-8601) -> aware UTC datetime."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def unique_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Normalised tags, in order, once each."""
    return _unique_tags(tuple(tags)) if tags else ()


@lru_cache(maxsize=16_384)  # a collection repeats a few combinations of tags endlessly
def _unique_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    # ASCII tags skip Unicode normalisation (same result, faster)
    return tuple(dict.fromkeys(t for t in (
        x.strip().lstrip("#").lower() if x.isascii() else normalize_tag(x) for x in tags) if t))


RT_PREFIX = re.compile(r"^RT @(\w{1,15}):")


def truncated_retweet(text: str, mentions: Iterable[Account]) -> str | None:
    """Id of the account an ``RT @user:`` text retweets (a mention's, or ``@user``), or None."""
    if (match := RT_PREFIX.match(text)) is None:
        return None
    handle = match.group(1).lower()
    by_handle = {m.handle.lower(): m.id for m in mentions}
    return by_handle.get(handle, handle_id(handle))


class Originals(dict):
    """Originals already read in this stream, by id: a retweet of one of them reuses its Post.

    Every retweet embeds its original in full; re-reading the same original
    thousands of times is most of a load's work. Cleared when it grows past
    ``limit``, so memory stays bounded.
    """

    limit = 50_000

    def remember(self, post: Post) -> None:
        if len(self) >= self.limit:
            self.clear()
        self[post.id] = post


def reason(exc: Exception) -> str:
    """A reject reason from the exception a record raised while being read."""
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc) or type(exc).__name__


RECORD_ERRORS = (BadRecord, KeyError, TypeError, ValueError, AttributeError, IndexError,
                 OverflowError, RecursionError)


def id_text(value: Any, name: str) -> str:
    """An id field as a string; ints are accepted (tweet ids must never become floats)."""
    if value is None or value == "":
        raise KeyError(name)
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise BadRecord(f"field {name!r} is not an id")


MAX_COUNT = 2**63 - 1  # what SQLite's INTEGER holds


def count_or_none(value: Any) -> int | None:
    """A non-negative count (followers), or None when absent or not a count."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):  # CSV: "453", or "453.0" when pandas saw a gap in the column
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) < 20:
            return int(text) if int(text) <= MAX_COUNT else None
        try:
            value = float(text)
        except ValueError:
            return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_COUNT else None
    if isinstance(value, float) and 0 <= value <= MAX_COUNT:  # False for NaN
        return int(value)
    return None


def point(lon: Any, lat: Any) -> tuple[float, float] | None:
    """(lat, lon) from GeoJSON order, or None when not a point on Earth."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError, OverflowError):
        return None
    if -90 <= lat <= 90 and -180 <= lon <= 180:  # False for NaN
        return lat, lon
    return None


def ring_centre(ring: Any) -> tuple[float, float] | None:
    """(lat, lon) mean of a GeoJSON ring of [lon, lat] points (a place's bounding box)."""
    try:
        return point(sum(float(p[0]) for p in ring) / len(ring),
                     sum(float(p[1]) for p in ring) / len(ring))
    except (TypeError, KeyError, IndexError, ValueError, ZeroDivisionError, OverflowError):
        return None


def bbox_centre(bbox: Any) -> tuple[float, float] | None:
    """(lat, lon) centre of a GeoJSON bbox [west, south, east, north]."""
    if not isinstance(bbox, list | tuple) or len(bbox) != 4:
        return None
    try:
        west, south, east, north = (float(v) for v in bbox)
    except (TypeError, ValueError, OverflowError):
        return None
    return point((west + east) / 2, (south + north) / 2)


TWITTER_EPOCH_MS = 1288834974657
MIN_SNOWFLAKE = 1 << 40  # ids below this predate snowflakes (Nov 2010) and carry no time


def time_from_id(tweet_id: str) -> datetime | None:
    """When a tweet was posted, read from its snowflake id (None for older or odd ids)."""
    if not (tweet_id.isascii() and tweet_id.isdigit()) or len(tweet_id) > 20:
        return None
    value = int(tweet_id)
    if value < MIN_SNOWFLAKE:
        return None
    ms = (value >> 22) + TWITTER_EPOCH_MS
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)


def created_time(value: Any, tweet_id: str, *, name: str = "created_at") -> datetime:
    """A v2/CSV ``created_at`` (ISO-8601); when absent, the time in the tweet's snowflake id."""
    if value is None or value == "":
        derived = time_from_id(tweet_id)
        if derived is None:
            raise KeyError(name)
        return derived
    if not isinstance(value, str):
        raise BadRecord(f"field {name!r} is not a time")
    try:
        return parse_iso_time(value.strip())
    except (ValueError, OverflowError) as exc:
        raise BadRecord(f"field {name!r} is not a time: {value[:40]!r}") from exc


# -- CSV -----------------------------------------------------------------------


def csv_rows(fh: IO[bytes], *, source: str) -> Iterator[tuple[int, list[str]] | Reject]:
    """Rows of a CSV (or tab- or semicolon-separated) file as (starting line, fields), or Rejects.

    The delimiter is the first of tab, comma, semicolon found in the first line.
    A row that is not UTF-8, has an over-long field or line, or breaks CSV
    quoting is rejected; reading goes on with the next line.
    """
    csv.field_size_limit(MAX_FIELD_CHARS)  # module-global; the default is 128 KiB
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="surrogateescape", newline="")
    lines = _CsvLines(text)
    first = lines.peek()
    delimiter = next((d for d in "\t,;" if d in first), ",")
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        lines.first = None
        try:
            row = next(reader)
        except StopIteration:
            row = None
        except csv.Error as exc:
            row = reject(source, lines.first or lines.count, _csv_reason(exc))
        yield from (reject(source, n, f"line longer than {MAX_CSV_LINE_CHARS} characters")
                    for n in lines.skipped)
        lines.skipped.clear()
        if row is None:
            return
        if isinstance(row, Reject):
            yield row
        elif row:
            start = lines.first or lines.count
            try:
                "".join(row).encode("utf-8")
            except UnicodeEncodeError:
                yield reject(source, start, "not valid UTF-8 (save the file as UTF-8)",
                             "\x1f".join(row).encode("utf-8", "replace"))
                continue
            yield start, row


def _csv_reason(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"field longer than {MAX_FIELD_CHARS} characters"
    return f"bad CSV: {exc}"


class _CsvLines:
    """Physical lines for csv.reader, counted; over-long lines are skipped and remembered."""

    def __init__(self, text: IO[str]) -> None:
        self._text = text
        self._peeked: str | None = None
        self.count = 0
        self.first: int | None = None  # line number where the current row started
        self.skipped: list[int] = []

    def peek(self) -> str:
        if self._peeked is None:
            self._peeked = self._read()
        return self._peeked

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self._peeked if self._peeked is not None else self._read()
        self._peeked = None
        if not line:
            raise StopIteration
        if self.first is None:
            self.first = self.count
        return line

    def _read(self) -> str:
        while True:
            line = self._text.readline(MAX_CSV_LINE_CHARS + 1)
            if not line:
                return ""
            self.count += 1
            if len(line) <= MAX_CSV_LINE_CHARS or line.endswith(("\n", "\r")):
                return line
            while (rest := self._text.readline(MAX_CSV_LINE_CHARS)) and not rest.endswith(("\n", "\r")):
                pass
            self.skipped.append(self.count)

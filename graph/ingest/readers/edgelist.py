"""Edge lists exported from other tools: ``source,target[,weight][,type][,time]`` rows of handles.

Comma, tab or semicolon separated. A header is optional; with one, columns are
found by name, case-insensitively: ``source``/``target`` (Gephi),
``vertex 1``/``vertex 2`` (NodeXL) or ``from``/``to``; ``weight``; ``type``
(or NodeXL's ``relationship``); ``time``, or ``first_at``/``last_at`` as
``tagjack export`` writes them. Without one, columns go in the order above.

Rows for the same source, target and type add up, so a list with one row per
retweet and one with weights give the same edges; they are yielded when the
file ends (the store replaces given edges, so a reload changes nothing).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from tagjack.graph.ingest.readers.common import (
    MAX_COUNT,
    BadRecord,
    Progress,
    csv_rows,
    open_binary,
    parse_iso_time,
    parse_v1_time,
    reject,
)
from tagjack.graph.model import Account, AccountEdge, EdgeKind, Record, Reject, handle_id

HANDLE = re.compile(r"^@?\w{1,50}$")
NOT_ALNUM = re.compile(r"[^0-9a-z]+")
HEADER = {
    "source": {"source", "vertex1", "from", "src"},
    "target": {"target", "vertex2", "to", "dst"},
    "weight": {"weight", "count", "edgeweight"},
    "type": {"type", "kind", "relationship", "edgetype"},
    "time": {"time", "timestamp", "createdat", "date", "firstat", "relationshipdateutc", "tweetdateutc"},
    "last": {"lastat"},
}
POSITIONS = ("source", "target", "weight", "type", "time")
KINDS = {
    **dict.fromkeys(["", "retweet", "retweets", "rt", "retweeted", "directed", "undirected"],
                    EdgeKind.RETWEET),  # Gephi's type is direction
    **dict.fromkeys(["quote", "quotes", "quoted"], EdgeKind.QUOTE),
    **dict.fromkeys(["reply", "replies", "repliesto", "replyto", "repliedto"], EdgeKind.REPLY),
    **dict.fromkeys(["mention", "mentions", "mentioned"], EdgeKind.MENTION),
}
SKIPPED_KINDS = {"tweet"}  # NodeXL's self-loop for a tweet with no interaction
US_TIMES = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")


def read_edgelist(path: Path, *, on_progress: Progress | None = None) -> Iterator[Record | Reject]:
    with open_binary(path, on_progress=on_progress) as fh:
        yield from parse_edgelist_stream(fh, source=path.name)


def parse_edgelist(lines: Iterable[bytes], *, source: str) -> Iterator[Record | Reject]:
    """Parse an edge list given as byte lines."""
    yield from parse_edgelist_stream(io.BytesIO(b"".join(lines)), source=source)


def parse_edgelist_stream(fh: IO[bytes], *, source: str) -> Iterator[Record | Reject]:
    columns: dict[str, int] | None = None
    seen: set[str] = set()
    edges: dict[tuple[str, str, EdgeKind], list] = {}
    for item in csv_rows(fh, source=source):
        if isinstance(item, Reject):
            yield item
            continue
        line, fields = item
        if not any(f.strip() for f in fields):
            continue
        if columns is None:
            columns = header_columns(fields)
            if columns is not None:
                continue
            columns = {name: i for i, name in enumerate(POSITIONS)}
        try:
            edge = edge_of(fields, columns)
        except BadRecord as exc:
            yield reject(source, line, str(exc), ",".join(fields))
            continue
        if edge is None:
            continue
        for handle in edge[:2]:
            if (account_id := handle_id(handle)) not in seen:
                seen.add(account_id)
                yield Account(id=account_id, handle=handle)
        _add(edges, edge)
    for (source_id, target_id, kind), (weight, first, last) in edges.items():
        yield AccountEdge(source_id, target_id, kind, weight, first, last)


def header_columns(fields: list[str]) -> dict[str, int] | None:
    """Column positions by role when ``fields`` is a header naming source and target, else None."""
    found: dict[str, int] = {}
    for i, name in enumerate(fields):
        key = NOT_ALNUM.sub("", name.lower())
        for role, names in HEADER.items():
            if key in names:
                found.setdefault(role, i)
    return found if "source" in found and "target" in found else None


Edge = tuple[str, str, EdgeKind, int, datetime | None, datetime | None]


def edge_of(fields: list[str], columns: dict[str, int]) -> Edge | None:
    """One row as (source, target, kind, weight, first, last); None for rows that carry no edge."""
    def cell(role: str) -> str:
        i = columns.get(role)
        return fields[i].strip() if i is not None and i < len(fields) else ""

    source, target = cell("source").lstrip("@"), cell("target").lstrip("@")
    if not source or not target:
        raise BadRecord("missing field 'source'" if not source else "missing field 'target'")
    kind_text = NOT_ALNUM.sub("", cell("type").lower())
    if kind_text in SKIPPED_KINDS:
        return None
    if kind_text not in KINDS:
        raise BadRecord(f"field 'type' is {cell('type')[:40]!r}, not retweet or mention")
    weight = _weight(cell("weight"))
    first = _time(cell("time"), "time")
    last = _time(cell("last"), "last_at") or first
    return source, target, KINDS[kind_text], weight, first, last


def _add(edges: dict, edge: Edge) -> None:
    source, target, kind, weight, first, last = edge
    key = (handle_id(source), handle_id(target), kind)
    if (old := edges.get(key)) is None:
        edges[key] = [weight, first, last]
        return
    old[0] = min(old[0] + weight, MAX_COUNT)  # a store's integers stop at 2**63 - 1
    old[1] = min((t for t in (old[1], first) if t is not None), default=None)
    old[2] = max((t for t in (old[2], last) if t is not None), default=None)


def _weight(text: str) -> int:
    if not text:
        return 1
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise BadRecord(f"field 'weight' is {text[:40]!r}, not a positive number")
    if value > MAX_COUNT:  # a store's integers stop at 2**63 - 1
        raise BadRecord(f"field 'weight' is {text[:40]!r}, larger than 2**63 - 1")
    return max(1, round(value))


def _time(text: str, name: str) -> datetime | None:
    if not text:
        return None
    try:
        return any_time(text)
    except (ValueError, OverflowError, OSError) as exc:
        raise BadRecord(f"field {name!r} is {text[:40]!r}, not a time") from exc


def any_time(text: str) -> datetime:
    """ISO-8601, Unix seconds, Twitter's v1.1 format, or NodeXL's US dates, as UTC."""
    if re.fullmatch(r"[0-9]{9,11}(\.[0-9]*)?", text):
        return datetime.fromtimestamp(float(text), tz=UTC)
    if text[:4].isdigit():
        return parse_iso_time(text)
    if "/" in text:
        for fmt in US_TIMES:
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=UTC)
            except ValueError:
                continue
        raise ValueError(text)
    return parse_v1_time(text)


def looks_like_edge_list(rows: list[list[str]]) -> bool:
    """True when ``rows`` (the first of a file) are a header naming source and target, or
    2 to 5 columns of handles, weight, type and time."""
    if not rows:
        return False
    if header_columns(rows[0]) is not None:
        return True
    columns = {name: i for i, name in enumerate(POSITIONS)}
    for fields in rows:
        if not 2 <= len(fields) <= 5 or not all(HANDLE.match(f.strip()) for f in fields[:2]):
            return False
        try:
            edge_of(fields, columns)
        except BadRecord:
            return False
    return True

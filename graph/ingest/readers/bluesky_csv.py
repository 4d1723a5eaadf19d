"""The minet/twitwi CSV export of Bluesky posts (``bluesky-posts-export.csv``).

One row per post, with its author, the replied-to and quoted post, and, for a row a
feed showed as a repost, who reposted it and when (``repost_by_user_did``): such a
row gives the post and the repost. Lists (hashtags, mentions) are ``|``-separated.
The export has no repost URI: a repost gets the stand-in ``repost_id``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from tagjack.graph.ingest.readers.bluesky_ids import POST, repost_id, tid_time, uri_collection, uri_did
from tagjack.graph.ingest.readers.common import (
    RECORD_ERRORS,
    BadRecord,
    Progress,
    csv_rows,
    open_binary,
    reason,
    reject,
    unique_tags,
)
from tagjack.graph.ingest.readers.social import post_kind, text_tags
from tagjack.graph.model import Account, Post, PostKind, Record, Reject

REQUIRED = ("uri", "user_did", "timestamp_utc")
MIN_TIMESTAMP = 946_684_800  # 2000-01-01: before it a client clock was broken


def looks_like_bluesky_csv(names: set[str]) -> bool:
    return {"uri", "user_did"} <= names


def read_bluesky_csv(path: Path, *, on_progress: Progress | None = None) -> Iterator[Record | Reject]:
    with open_binary(path, on_progress=on_progress) as fh:
        yield from parse_bluesky_csv_stream(fh, source=path.name)


def parse_bluesky_csv(lines: Iterable[bytes], *, source: str) -> Iterator[Record | Reject]:
    """Parse an export given as byte lines (header first)."""
    yield from parse_bluesky_csv_stream(io.BytesIO(b"".join(lines)), source=source)


def parse_bluesky_csv_stream(fh: IO[bytes], *, source: str) -> Iterator[Record | Reject]:
    header: dict[str, int] | None = None
    seen: set[str] = set()
    for item in csv_rows(fh, source=source):
        if isinstance(item, Reject):
            yield item
            continue
        line, fields = item
        if header is None:
            header = {name.strip(): i for i, name in reversed(list(enumerate(fields)))}
            if missing := [c for c in REQUIRED if c not in header]:
                yield reject(source, line, f"not a Bluesky export header: no column {missing[0]!r}",
                             ",".join(fields))
                return
            continue
        if len(fields) != len(header):
            yield reject(source, line, f"expected {len(header)} fields, found {len(fields)}",
                         ",".join(fields))
            continue
        row = {name: fields[i].strip() for name, i in header.items()}
        try:
            records = list(row_records(row, seen))
        except RECORD_ERRORS as exc:
            yield reject(source, line, reason(exc), ",".join(fields))
        else:
            yield from records


def row_records(row: dict[str, str], seen: set[str]) -> Iterator[Record]:
    """The accounts of a row, its post (unless an earlier row gave it), and its repost."""
    uri, did = row["uri"], row["user_did"]
    if uri_collection(uri) != POST or uri_did(uri) != did:
        raise BadRecord(f"field 'uri' is not a post of {did or 'the user'}: {uri[:80]!r}")
    yield Account(id=did, handle=row.get("user_handle", ""), name=row.get("user_display_name", ""))
    mentions = list(_pairs(row.get("mentioned_user_dids", ""), row.get("mentioned_user_handles", "")))
    for mention_did, handle in mentions:
        yield Account(id=mention_did, handle=handle)
    if quoted_did := row.get("quoted_user_did", ""):
        yield Account(id=quoted_did, handle=row.get("quoted_user_handle", ""))
    if uri not in seen:
        seen.add(uri)
        yield _post(row, uri, did, [m for m, _ in mentions])
    if by := row.get("repost_by_user_did", ""):
        yield Account(id=by, handle=row.get("repost_by_user_handle", ""))
        at = _time(row.get("repost_timestamp_utc", "")) or _time(row["timestamp_utc"])
        if at is None:
            raise KeyError("repost_timestamp_utc")
        tags = _tags(row, row.get("text", ""))
        yield Post(id=repost_id(by, uri), author_id=by, created_at=at, kind=PostKind.RETWEET,
                   ref_id=uri, ref_author_id=did, hashtags=tags)


def _post(row: dict[str, str], uri: str, did: str, mentions: list[str]) -> Post:
    text = row.get("text", "")
    quoted, parent = row.get("quoted_uri", "") or None, row.get("to_post_uri", "") or None
    quoted_by = (row.get("quoted_user_did") or uri_did(quoted)) if quoted else None
    parent_by = (row.get("to_user_did") or uri_did(parent)) if parent else None
    at = _time(row["timestamp_utc"]) or tid_time(uri.rsplit("/", 1)[-1])
    if at is None:
        raise BadRecord(f"field 'timestamp_utc' is not a time: {row['timestamp_utc'][:40]!r}")
    return Post(id=uri, author_id=did, created_at=at, kind=post_kind(quoted, parent), text=text,
                ref_id=quoted, ref_author_id=quoted_by, reply_to_id=parent,
                reply_to_author_id=parent_by, mention_ids=tuple(dict.fromkeys(mentions)),
                hashtags=_tags(row, text))


def _tags(row: dict[str, str], text: str) -> tuple[str, ...]:
    return unique_tags([t for t in row.get("hashtags", "").split("|") if t] + text_tags(text))


def _pairs(dids: str, handles: str) -> Iterator[tuple[str, str]]:
    handle_list = handles.split("|") if handles else []
    for i, did in enumerate(d for d in dids.split("|") if d):
        if did.startswith("did:"):
            yield did, handle_list[i] if i < len(handle_list) else ""


def _time(value: str) -> datetime | None:
    """Epoch seconds as the export writes them; None when absent or before 2000 (year-0 posts)."""
    try:
        seconds = int(value)
    except ValueError:
        return None
    if seconds < MIN_TIMESTAMP or seconds > 2**40:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)

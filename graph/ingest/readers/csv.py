"""twarc-csv CSV: the modern default columns and the early dotted layout.

Modern files (twarc-csv >= 0.5) flatten references into columns
(``referenced_tweets.retweeted.id``, ``retweeted_user_id``, ...) and entities
into JSON lists of strings (``["#tag"]``, ``["@user"]``: mentions without ids).
Early files keep ``referenced_tweets`` and entities as JSON objects and
JSON-quote some text cells (``"Columbus, OH"`` with the quotes).

Mentions given only by username get the id the file itself gives that
username elsewhere (as an author, retweeted, quoted or replied-to user),
which takes a first pass over the file; else ``handle_id``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson
from tagjack.graph.ingest.readers.common import (
    RECORD_ERRORS,
    RT_PREFIX,
    Progress,
    References,
    bbox_centre,
    count_or_none,
    created_time,
    csv_rows,
    open_binary,
    point,
    reason,
    reject,
    unique_tags,
)
from tagjack.graph.model import Account, Place, Post, PostKind, Record, Reject, handle_id

TAG_SPLIT = re.compile(r"[\s,;]+")
STATUS_URL = re.compile(r"(?:twitter|x)\.com/(\w{1,15})/status(?:es)?/(\d+)")
ID_COLUMNS = ("author_id", "author.id")
# (kind, tweet id column, user id column, username column), in the order a kind wins
REFERENCES = (
    (PostKind.RETWEET, "referenced_tweets.retweeted.id", "retweeted_user_id", "retweeted_username"),
    (PostKind.QUOTE, "referenced_tweets.quoted.id", "quoted_user_id", "quoted_username"),
    (PostKind.REPLY, "referenced_tweets.replied_to.id", "in_reply_to_user_id", "in_reply_to_username"),
)
EARLY_TYPES = {"retweeted": PostKind.RETWEET, "quoted": PostKind.QUOTE, "replied_to": PostKind.REPLY}


def read_csv(path: Path, *, on_progress: Progress | None = None) -> Iterator[Record | Reject]:
    with open_binary(path) as fh:
        handles = csv_handles(fh, source=path.name)
    with open_binary(path, on_progress=on_progress) as fh:
        yield from parse_csv_stream(fh, source=path.name, handles=handles)


def parse_csv(lines: Iterable[bytes], *, source: str) -> Iterator[Record | Reject]:
    """Parse a twarc-csv file given as byte lines (header first)."""
    data = b"".join(lines)
    handles = csv_handles(io.BytesIO(data), source=source)
    yield from parse_csv_stream(io.BytesIO(data), source=source, handles=handles)


def csv_handles(fh: IO[bytes], *, source: str) -> dict[str, str]:
    """Lower-cased username -> account id, from every column pair that gives both."""
    found: dict[str, str] = {}
    columns: Columns | None = None
    for item in csv_rows(fh, source=source):
        if isinstance(item, Reject):
            continue
        if columns is None:
            columns = Columns(item[1])
            continue
        if len(item[1]) != len(columns.names):
            continue
        row = Row(columns, item[1])
        for username, user_id in ((row.get("author.username"), row.author_id()),
                                  *((row.get(name), row.get(uid)) for _, _, uid, name in REFERENCES)):
            if username and user_id:
                found[username.lower()] = user_id
        for mention in row.json_list("entities.mentions"):
            if isinstance(mention, dict) and isinstance(mention.get("username"), str) \
                    and (mention_id := _id_or_none(mention.get("id"))):
                found[mention["username"].lower()] = mention_id
    return found


def parse_csv_stream(fh: IO[bytes], *, source: str,
                     handles: dict[str, str] | None = None) -> Iterator[Record | Reject]:
    """Records of a twarc-csv file; the header names the columns, in any order."""
    columns: Columns | None = None
    for item in csv_rows(fh, source=source):
        if isinstance(item, Reject):
            yield item
            continue
        line, fields = item
        if columns is None:
            columns = Columns(fields)
            if (missing := columns.missing()) is not None:
                yield reject(source, line, f"not a twarc-csv header: no column {missing!r}",
                             ",".join(fields))
                return
            continue
        if len(fields) != len(columns.names):
            yield reject(source, line, f"expected {len(columns.names)} fields, found {len(fields)}",
                         ",".join(fields))
            continue
        try:
            records = list(row_records(Row(columns, fields), handles or {}))
        except RECORD_ERRORS as exc:
            yield reject(source, line, reason(exc), ",".join(fields))
        else:
            yield from records


class Columns:
    """A header: column name -> position."""

    def __init__(self, names: list[str]) -> None:
        self.names = [n.strip() for n in names]
        self.index = {n: i for i, n in reversed(list(enumerate(self.names)))}

    def missing(self) -> str | None:
        if "id" not in self.index:
            return "id"
        if not any(c in self.index for c in ID_COLUMNS):
            return "author_id"
        return None


class Row:
    """One data row, read by column name; absent columns read as empty."""

    __slots__ = ("columns", "fields")

    def __init__(self, columns: Columns, fields: list[str]) -> None:
        self.columns = columns
        self.fields = fields

    def get(self, name: str) -> str:
        """A cell, stripped. A JSON-quoted one is decoded: early files quote some text cells
        (``"Columbus, OH"`` with the quotes), ``--json-encode-all`` files every cell."""
        i = self.columns.index.get(name)
        value = self.fields[i].strip() if i is not None and i < len(self.fields) else ""
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            try:
                decoded = orjson.loads(value)
            except orjson.JSONDecodeError:
                return value
            return decoded if isinstance(decoded, str) else value
        return value

    def json(self, name: str) -> Any:
        value = self.get(name)
        if not value:
            return None
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value

    def json_list(self, name: str) -> list:
        value = self.json(name)
        if isinstance(value, list):
            return value
        if isinstance(value, str):  # not JSON: "#a #b" or "a,b"
            return [v for v in TAG_SPLIT.split(value) if v]
        return []

    def author_id(self) -> str:
        return next((v for c in ID_COLUMNS if (v := self.get(c))), "")


def row_records(row: Row, handles: dict[str, str]) -> Iterator[Record]:
    """The author, referenced and mentioned accounts, then the post of one row."""
    tweet_id = row.get("id")
    if not tweet_id:
        raise KeyError("id")
    author_id = row.author_id()
    if not author_id:
        raise KeyError("author_id")
    yield Account(
        id=author_id,
        handle=row.get("author.username"),
        name=row.get("author.name"),
        followers=count_or_none(row.get("author.public_metrics.followers_count")),
        location_text=row.get("author.location").strip(),
    )
    text = row.get("text")
    mentions = list(_mentions(row, handles))
    yield from (account for account, _ in mentions)
    (kind, ref_id, ref_author, reply_to, reply_author), named = _reference(row, text, mentions,
                                                                           handles)
    yield from named
    yield Post(
        id=tweet_id,
        author_id=author_id,
        created_at=created_time(row.get("created_at"), tweet_id),
        kind=kind,
        text=text,
        lang=row.get("lang"),
        ref_id=ref_id,
        ref_author_id=ref_author,
        reply_to_id=reply_to,
        reply_to_author_id=reply_author,
        # a retweet's mentions belong to the original; "RT @x:" is not a mention
        mention_ids=() if kind is PostKind.RETWEET else tuple(dict.fromkeys(a.id for a, _ in mentions)),
        hashtags=unique_tags(_tags(row)),
        place=_place(row),
        coordinates=_coordinates(row.json("geo.coordinates.coordinates")),
    )


def _reference(row: Row, text: str, mentions: list[tuple[Account, str]],
               handles: dict[str, str]) -> tuple[References, list[Account]]:
    """Kind, carried and replied-to posts with their authors, and accounts named only here.

    A retweet wins over a quote; a quote that also replies keeps both references.
    """
    early = {}
    for ref in row.json_list("referenced_tweets"):
        if isinstance(ref, dict) and ref.get("type") in EARLY_TYPES:
            early.setdefault(EARLY_TYPES[ref["type"]], _id_or_none(ref.get("id")))
    found: dict[PostKind, tuple[str, str | None]] = {}
    named: list[Account] = []
    for kind, id_column, user_column, name_column in REFERENCES:
        ref_id = row.get(id_column) or early.get(kind)
        if not ref_id:
            continue
        username = row.get(name_column)
        ref_author = row.get(user_column) or (handles.get(username.lower()) if username else None)
        if kind is PostKind.RETWEET and not ref_author:
            ref_author, username = _rt_author(text, mentions, handles)
        if kind is PostKind.QUOTE and not ref_author and (username := _status_author(row, ref_id)):
            ref_author = handles.get(username.lower()) or handle_id(username)
        if ref_author and username:
            named.append(Account(id=ref_author, handle=username))
        found[kind] = (ref_id, ref_author or None)
        if kind is PostKind.RETWEET:
            return (kind, ref_id, ref_author or None, None, None), named
    if not found and RT_PREFIX.match(text):  # a truncated retweet: "RT @user: ..." and no reference
        ref_author, username = _rt_author(text, mentions, handles)
        named += [Account(id=ref_author, handle=username)] if ref_author and username else []
        return (PostKind.RETWEET, None, ref_author, None, None), named
    reply_to, reply_author = found.get(PostKind.REPLY, (None, None))
    if PostKind.QUOTE in found:
        return (PostKind.QUOTE, *found[PostKind.QUOTE], reply_to, reply_author), named
    if reply_to is not None:
        return (PostKind.REPLY, None, None, reply_to, reply_author), named
    return (PostKind.ORIGINAL, None, None, None, None), named


def _rt_author(text: str, mentions: list[tuple[Account, str]],
               handles: dict[str, str]) -> tuple[str | None, str]:
    if (match := RT_PREFIX.match(text)) is None:
        return None, ""
    handle = match.group(1)
    for account, username in mentions:
        if username.lower() == handle.lower():
            return account.id, handle
    return handles.get(handle.lower()) or handle_id(handle), handle


def _status_author(row: Row, tweet_id: str) -> str:
    """The handle in a link to the quoted tweet (twitter.com/<handle>/status/<id>), or ''."""
    for url in row.json_list("entities.urls"):
        if isinstance(url, dict):
            url = url.get("expanded_url")
        if isinstance(url, str) and (match := STATUS_URL.search(url)) and match.group(2) == tweet_id:
            return match.group(1)
    return ""


def _mentions(row: Row, handles: dict[str, str]) -> Iterator[tuple[Account, str]]:
    """Mentioned accounts with the username used: "@user" strings or user objects."""
    for mention in row.json_list("entities.mentions"):
        if isinstance(mention, str):
            username, mention_id, user = mention.strip().lstrip("@"), None, {}
        elif isinstance(mention, dict) and isinstance(mention.get("username"), str):
            username, mention_id, user = mention["username"], _id_or_none(mention.get("id")), mention
        else:
            continue
        if not username and not mention_id:
            continue
        mention_id = mention_id or handles.get(username.lower()) or handle_id(username)
        name, location = user.get("name"), user.get("location")
        metrics = user.get("public_metrics")
        yield Account(
            id=mention_id,
            handle=username,
            name=name if isinstance(name, str) else "",
            followers=count_or_none(metrics.get("followers_count")) if isinstance(metrics, dict) else None,
            location_text=location.strip() if isinstance(location, str) else "",
        ), username


def _tags(row: Row) -> list[str]:
    tags = []
    for tag in row.json_list("entities.hashtags"):
        if isinstance(tag, str):
            tags.append(tag)
        elif isinstance(tag, dict) and isinstance(tag.get("tag"), str):
            tags.append(tag["tag"])
    return tags


def _place(row: Row) -> Place | None:
    place_id = row.get("geo.place_id") or row.get("geo.id")
    if not place_id:
        return None
    centre = bbox_centre(row.json("geo.geo.bbox"))
    return Place(
        id=place_id,
        full_name=row.get("geo.full_name") or row.get("geo.name"),
        country_code=row.get("geo.country_code"),
        lat=centre[0] if centre else None,
        lon=centre[1] if centre else None,
    )


def _coordinates(value: Any) -> tuple[float, float] | None:
    if isinstance(value, list) and len(value) == 2:
        return point(value[0], value[1])
    return None


def _id_or_none(value: Any) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None

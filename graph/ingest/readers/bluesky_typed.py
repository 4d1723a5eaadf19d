"""The usual Jetstream event, decoded by msgspec straight into typed structs: the fast path.

As ``v1_typed`` does for v1.1 tweets: nearly every line of a Jetstream recording is a
well-formed commit or identity event, and decoding only the fields tagjack reads into
typed structs is far cheaper than building dicts of everything. Anything unusual (a
field of another type, a missing DID or key, invalid UTF-8) is not handled here:
``decode`` hands the line to orjson and the tolerant reader (``bluesky.BlueskyReader``)
decides what to keep and what to reject. For every line this path accepts, both give
the same records (tests/graph/readers/test_bluesky_typed.py).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec
from tagjack.graph.ingest.readers.bio import place_in_bio
from tagjack.graph.ingest.readers.bluesky_ids import (
    GEO_EMBED,
    POST,
    PROFILE,
    QUOTE_EMBEDS,
    REPOST,
    event_time,
    short_name,
    uri_collection,
    uri_did,
)
from tagjack.graph.ingest.readers.common import loads, point, unique_tags
from tagjack.graph.ingest.readers.social import post_kind, text_tags
from tagjack.graph.model import Account, Deletion, Post, PostKind


class _Unusual(Exception):
    """The event is not the usual shape; the tolerant reader takes it."""


class _Ref(msgspec.Struct):
    uri: str | None = None


class _Inner(msgspec.Struct):
    uri: str | None = None
    record: _Ref | None = None  # recordWithMedia nests the strong ref once more


class _Embed(msgspec.Struct):
    type: str | None = msgspec.field(name="$type", default=None)
    record: _Inner | None = None
    latitude: str | float | None = None
    longitude: str | float | None = None


class _Feature(msgspec.Struct):
    tag: str | None = None
    did: str | None = None


class _Facet(msgspec.Struct):
    features: list[_Feature] | None = None


class _ReplyRef(msgspec.Struct):
    parent: _Ref | None = None


class _Record(msgspec.Struct):
    text: str | None = None
    createdAt: str | None = None  # noqa: N815 (the lexicon's name)
    langs: list[str] | None = None
    tags: list[str] | None = None
    facets: list[_Facet] | None = None
    reply: _ReplyRef | None = None
    embed: _Embed | None = None
    subject: _Ref | str | None = None  # a repost's or like's post; a follow's DID
    displayName: str | None = None  # noqa: N815
    description: str | None = None


class _Commit(msgspec.Struct):
    operation: str | None = None
    collection: str | None = None
    rkey: str | None = None
    record: _Record | None = None


class _Identity(msgspec.Struct):
    handle: str | None = None


class _Event(msgspec.Struct):
    did: str | None = None
    time_us: int | None = None
    kind: str | None = None
    commit: _Commit | None = None
    identity: _Identity | None = None


class TypedRecords(list):
    """Records of one line read by the fast path (a list no JSON value can be)."""


_DECODE_ERRORS = (msgspec.DecodeError, UnicodeDecodeError, _Unusual)


class TypedDecoder:
    """``decode(line)``: TypedRecords for a usual event, else what ``loads`` makes of it.

    ``skipped`` is the tolerant reader's, so both paths count what the stream skipped.
    """

    def __init__(self, skipped: Counter[str]) -> None:
        self.skipped = skipped
        self._decoder = msgspec.json.Decoder(_Event)

    def decode(self, line: bytes) -> Any:
        try:
            if not line.isascii():  # ASCII is valid UTF-8, and far quicker to tell
                line.decode()  # msgspec skips the fields it is not asked for unchecked
            event = self._decoder.decode(line)
            records = self._records(event)
        except _DECODE_ERRORS:
            return loads(line)
        return records

    def _records(self, event: _Event) -> TypedRecords:
        did = event.did
        if not did or not did.startswith("did:"):
            raise _Unusual
        if event.kind == "identity":
            handle = event.identity.handle if event.identity is not None else None
            if not handle:
                raise _Unusual
            return TypedRecords([Account(id=did, handle=handle)])
        commit = event.commit
        if event.kind != "commit" or commit is None:
            raise _Unusual  # account events are rare: the tolerant reader counts them
        collection = commit.collection
        if commit.operation == "delete" and collection in (POST, REPOST) and commit.rkey:
            return TypedRecords([Deletion(f"at://{did}/{collection}/{commit.rkey}")])
        if commit.operation not in ("create", "update"):
            raise _Unusual  # other deletes: the tolerant reader counts them
        if collection not in (POST, REPOST, PROFILE):
            if not isinstance(collection, str):
                raise _Unusual
            self.skipped[short_name(collection)] += 1
            return TypedRecords()
        record = commit.record
        if not commit.rkey or record is None:
            raise _Unusual
        if collection == PROFILE:
            return TypedRecords([Account(id=did, handle="", name=(record.displayName or "").strip(),
                                         location_text=place_in_bio((record.description or "").strip()))])
        uri = f"at://{did}/{collection}/{commit.rkey}"
        if collection == REPOST:
            return TypedRecords([self._repost(record, uri, did, event.time_us)])
        return TypedRecords([self._post(record, uri, did, event.time_us)])

    def _repost(self, record: _Record, uri: str, did: str, time_us: int | None) -> Post:
        subject = record.subject
        ref = subject.uri if isinstance(subject, _Ref) else None
        author = uri_did(ref)
        if author is None:
            raise _Unusual
        return Post(id=uri, author_id=did, created_at=event_time(record.createdAt, uri, time_us),
                    kind=PostKind.RETWEET, ref_id=ref, ref_author_id=author)

    def _post(self, record: _Record, uri: str, did: str, time_us: int | None) -> Post:
        text = (record.text or "").strip()
        tags: list[str] = []
        mentions: list[str] = []
        for facet in record.facets or ():
            for feature in facet.features or ():
                if feature.tag is not None:
                    tags.append(feature.tag)
                elif feature.did is not None and feature.did.startswith("did:"):
                    mentions.append(feature.did)
        if record.tags:
            tags.extend(record.tags)
        tags.extend(text_tags(text))
        quoted, parent = _quoted(record), _parent(record)
        embed = record.embed
        return Post(id=uri, author_id=did, created_at=event_time(record.createdAt, uri, time_us),
                    kind=post_kind(quoted, parent), text=text,
                    lang=record.langs[0] if record.langs else "",
                    ref_id=quoted, ref_author_id=uri_did(quoted),
                    reply_to_id=parent, reply_to_author_id=uri_did(parent),
                    mention_ids=tuple(dict.fromkeys(mentions)), hashtags=unique_tags(tags),
                    coordinates=point(embed.longitude, embed.latitude)
                    if embed is not None and embed.type == GEO_EMBED else None)


def _quoted(record: _Record) -> str | None:
    embed = record.embed
    if embed is not None and embed.type in QUOTE_EMBEDS and embed.record is not None:
        inner = embed.record
        ref = inner.record.uri if inner.record is not None else inner.uri
        if uri_collection(ref) == POST:
            return ref
    return None


def _parent(record: _Record) -> str | None:
    if record.reply is not None and record.reply.parent is not None:
        ref = record.reply.parent.uri
        if uri_did(ref) is not None:
            return ref
    return None


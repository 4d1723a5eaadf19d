"""Bluesky JSON: Jetstream events and AppView views, in one file or mixed.

- Jetstream, both envelopes: v1 (``{"did", "time_us", "kind": "commit", "commit":
  {"operation", "collection", "rkey", "record"}}``, plus ``identity`` and ``account``
  events) and ``network.bsky.jetstream.subscribeEvents`` (``{"$type": "message",
  "payload": event}``); also the "tap" records some collectors keep
  (``{"type": "record", "record": {"did", "collection", "rkey", "action", "record"}}``).
- AppView JSON: postViews, ``searchPosts`` pages (``{"posts": [...]}``), feeds
  (``{"feed": [{"post", "reason"}]}``, a ``reasonRepost`` is a repost), threads
  (``{"thread": {"post", "parent", "replies"}}``), profile views.

Ids are the network's own and never collide with Twitter's: an account is its DID
(``did:plc:...``: it stays when the handle changes), a post or repost its ``at://``
URI. Handles come from views, profiles and ``identity`` events; Jetstream commits
carry DIDs only.

What is kept of each event (the rest is counted and logged):
- posts: text, ``langs``, hashtags (tag facets, ``record.tags`` and the text, since
  real data carries misspelt facet types), mentions (facets with a DID), a quote
  (``app.bsky.embed.record`` or ``recordWithMedia`` of a post), else a reply
  (``reply.parent``), ``community.lexicon.embed.geo`` coordinates;
- reposts: a post of kind retweet whose reference is the reposted post; its author
  is the DID inside the ``at://`` URI. A repost record names no hashtags: the store
  gives it its original's, whenever and wherever (another file, a parallel slice)
  the original arrives, so this reader keeps nothing from line to line;
- profiles (``app.bsky.actor.profile``, profile views): display name, and as location
  the place the description states, when it clearly states one (``bio.place_in_bio``);
- deletes of posts and reposts: a ``Deletion``; the store removes what it names and
  keeps its id, so the post is not stored again (see ``model.Deletion``). Deletes of
  other records are counted, like likes, follows, blocks and lists, which tagjack
  does not use.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from tagjack.graph.ingest.readers.bio import place_in_bio
from tagjack.graph.ingest.readers.bluesky_ids import (
    GEO_EMBED,
    POST,
    PROFILE,
    QUOTE_EMBEDS,
    REPOST,
    micros,
    optional_time,
    record_time,
    repost_id,
    short_name,
    uri_collection,
    uri_did,
)
from tagjack.graph.ingest.readers.bluesky_typed import TypedDecoder, TypedRecords
from tagjack.graph.ingest.readers.common import (
    RECORD_ERRORS,
    BadRecord,
    Progress,
    count_or_none,
    json_lines,
    json_values,
    open_binary,
    point,
    reason,
    reject,
    unique_tags,
)
from tagjack.graph.ingest.readers.social import post_kind, text_tags
from tagjack.graph.model import Account, Deletion, Post, PostKind, Record, Reject

log = logging.getLogger(__name__)

TAP_TYPES = ("record", "identity", "account")

MAX_DEPTH = 8  # a thread nests replies; deeper ones are rare and add nothing new


def read_bluesky(path: Path, *, on_progress: Progress | None = None) -> Iterator[Record | Reject]:
    with open_binary(path, on_progress=on_progress) as fh:
        yield from parse_bluesky_stream(fh, source=path.name)


def parse_bluesky_stream(fh: IO[bytes], *, source: str) -> Iterator[Record | Reject]:
    """Records of a Bluesky file: JSON Lines of events or views, or one JSON document.

    The usual Jetstream event takes the typed fast path (``bluesky_typed``); the rest
    this module's tolerant reader.
    """
    reader = BlueskyReader(source)
    decoder = TypedDecoder(reader.skipped)
    for item in json_values(fh, source=source, decode=decoder.decode):
        if item.__class__ is not tuple:
            yield item  # type: ignore[misc]
            continue
        line, value = item  # type: ignore[misc]
        if value.__class__ is TypedRecords:
            yield from value
        else:
            yield from reader.value(value, line=line)
    reader.log_skipped()


def parse_bluesky(lines: Iterable[bytes], *, source: str) -> Iterator[Record | Reject]:
    """Parse Bluesky JSON Lines given as byte lines (one event or view per line)."""
    reader = BlueskyReader(source)
    for item in json_lines(lines, source=source):
        yield from (item,) if isinstance(item, Reject) else reader.value(item[1], line=item[0])


class BlueskyReader:
    """What one stream needs across lines: the events skipped."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.skipped: Counter[str] = Counter()

    def log_skipped(self) -> None:
        if self.skipped:
            log.info("%s: skipped %s", self.source,
                     ", ".join(f"{n:,} {what}" for what, n in self.skipped.most_common()))

    def value(self, value: Any, *, line: int) -> Iterator[Record | Reject]:
        """Records of one parsed JSON value; what is no Bluesky record is a Reject."""
        if isinstance(value, list):
            for item in value:
                yield from self.value(item, line=line)
            return
        if not isinstance(value, dict):
            yield reject(self.source, line, f"not a Bluesky event or view: {type(value).__name__}",
                         value)
            return
        try:
            yield from self._records(value, line)
        except RECORD_ERRORS as exc:
            yield reject(self.source, line, reason(exc), value)

    def _records(self, value: dict, line: int) -> Iterator[Record | Reject]:
        if value.get("$type") == "message" and isinstance(value.get("payload"), dict):
            yield from self._records(value["payload"], line)
        elif "kind" in value and "did" in value:
            yield from self._event(value)
        elif value.get("type") in TAP_TYPES and isinstance(value.get(value["type"]), dict):
            yield from self._tap(value)
        elif _is_page(value):
            for key in ("posts", "feed"):
                for item in _objects(value.get(key)):
                    yield from self.value(item, line=line)
            if isinstance(value.get("thread"), dict):
                yield from self._thread(value["thread"], 0)
        elif "post" in value and isinstance(value["post"], dict):
            yield from self._feed_item(value)
        elif "uri" in value and "record" in value:
            yield from self._post_view(value)
        elif "did" in value and "handle" in value:
            yield profile_account(value)
        else:
            raise BadRecord("not a Bluesky event, post or profile")

    # -- Jetstream -------------------------------------------------------------

    def _event(self, event: dict) -> Iterator[Record]:
        did, kind = _did(event.get("did")), event.get("kind")
        if kind == "commit":
            commit = event["commit"]
            if not isinstance(commit, dict):
                raise BadRecord("field 'commit' is not an object")
            yield from self._commit(did, commit.get("operation"), commit.get("collection"),
                                    commit.get("rkey"), commit.get("record"), event.get("time_us"))
        elif kind == "identity":
            identity = event.get("identity")
            handle = identity.get("handle") if isinstance(identity, dict) else None
            if isinstance(handle, str) and handle:
                yield Account(id=did, handle=handle)
            else:
                self.skipped["identity events without a handle"] += 1
        elif kind == "account":
            self.skipped["account events"] += 1
        else:
            raise BadRecord(f"unknown Jetstream event kind {kind!r}")

    def _tap(self, value: dict) -> Iterator[Record]:
        kind = value["type"]
        body = value[kind]
        if kind == "record":
            yield from self._commit(_did(body.get("did")), body.get("action"), body.get("collection"),
                                    body.get("rkey"), body.get("record"), None)
        else:
            yield from self._event({"did": body.get("did"), "kind": kind, kind: body})

    def _commit(self, did: str, operation: Any, collection: Any, rkey: Any, record: Any,
                time_us: Any) -> Iterator[Record]:
        if operation == "delete":
            if collection not in (POST, REPOST):
                self.skipped[f"deletes of {short_name(collection)}"] += 1
            elif not isinstance(rkey, str) or not rkey:
                raise KeyError("rkey")
            else:
                yield Deletion(f"at://{did}/{collection}/{rkey}")
            return
        if operation not in ("create", "update"):
            raise BadRecord(f"unknown commit operation {operation!r}")
        if collection not in (POST, REPOST, PROFILE):
            self.skipped[short_name(collection)] += 1
            return
        if not isinstance(rkey, str) or not rkey:
            raise KeyError("rkey")
        if not isinstance(record, dict):
            raise BadRecord("field 'record' is not an object")
        if collection == PROFILE:
            yield Account(id=did, handle="", name=_text(record.get("displayName")),
                          location_text=place_in_bio(_text(record.get("description"))))
            return
        uri = f"at://{did}/{collection}/{rkey}"
        fallback = micros(time_us)
        yield (post_of(record, uri=uri, author_id=did, fallback=fallback) if collection == POST
               else _repost(record, uri=uri, author_id=did, fallback=fallback))

    # -- AppView ---------------------------------------------------------------

    def _post_view(self, view: dict, depth: int = 0) -> Iterator[Record]:
        author = view.get("author")
        if not isinstance(author, dict):
            raise KeyError("author")
        account = profile_account(author)
        yield account
        record = view["record"]
        if not isinstance(record, dict):
            raise BadRecord("field 'record' is not an object")
        uri = view["uri"]
        if not isinstance(uri, str) or not uri.startswith("at://"):
            raise BadRecord("field 'uri' is not an at:// URI")
        if depth < MAX_DEPTH:
            yield from self._embedded_views(view.get("embed"), depth)
        post = post_of(record, uri=uri, author_id=account.id,
                       fallback=optional_time(view.get("indexedAt")))
        yield post

    def _embedded_views(self, embed: Any, depth: int) -> Iterator[Record]:
        """The quoted post of a view's embed, when the view carries it whole (author and value)."""
        if not isinstance(embed, dict):
            return
        inner = embed.get("record")
        if isinstance(inner, dict) and isinstance(inner.get("record"), dict):
            inner = inner["record"]  # recordWithMedia#view nests the record view once more
        if isinstance(inner, dict) and isinstance(inner.get("author"), dict) \
                and isinstance(inner.get("value"), dict) and uri_collection(inner.get("uri")) == POST:
            yield from self._post_view({**inner, "record": inner["value"]}, depth + 1)

    def _feed_item(self, item: dict) -> Iterator[Record]:
        yield from self._post_view(item["post"])
        reason_ = item.get("reason")
        if isinstance(reason_, dict) and str(reason_.get("$type", "")).endswith("reasonRepost"):
            yield from self._repost_reason(item["post"], reason_)

    def _repost_reason(self, post: dict, why: dict) -> Iterator[Record]:
        """A feed's ``reasonRepost``: who reposted the post, and when (``indexedAt``)."""
        by = why.get("by")
        if not isinstance(by, dict):
            raise BadRecord("reasonRepost without 'by'")
        account = profile_account(by)
        yield account
        at = optional_time(why.get("indexedAt"))
        if at is None:
            raise KeyError("indexedAt")
        ref = post["uri"]
        uri = why["uri"] if isinstance(why.get("uri"), str) else repost_id(account.id, ref)
        yield Post(id=uri, author_id=account.id, created_at=at, kind=PostKind.RETWEET,
                   ref_id=ref, ref_author_id=uri_did(ref))

    def _thread(self, node: dict, depth: int) -> Iterator[Record]:
        """A thread view: the parents up, the post, the replies down (blocked or missing ones skipped)."""
        if depth > MAX_DEPTH:
            return
        if isinstance(node.get("parent"), dict):
            yield from self._thread(node["parent"], depth + 1)
        if isinstance(node.get("post"), dict):
            yield from self._post_view(node["post"])
        for reply in _objects(node.get("replies")):
            yield from self._thread({k: v for k, v in reply.items() if k != "parent"}, depth + 1)


def _repost(record: dict, *, uri: str, author_id: str, fallback: datetime | None) -> Post:
    """A Post of kind retweet from an ``app.bsky.feed.repost`` record (its tags: see the store)."""
    subject = record.get("subject")
    ref = subject.get("uri") if isinstance(subject, dict) else None
    if not isinstance(ref, str) or uri_did(ref) is None:
        raise BadRecord("repost without a subject at:// URI")
    at = record_time(record.get("createdAt"), uri, fallback)
    return Post(id=uri, author_id=author_id, created_at=at, kind=PostKind.RETWEET,
                ref_id=ref, ref_author_id=uri_did(ref))


def post_of(record: dict, *, uri: str, author_id: str, fallback: datetime | None) -> Post:
    """A Post from an ``app.bsky.feed.post`` record (the same in events and views)."""
    text = _text(record.get("text"))
    tags, mentions = _facets(record.get("facets"))
    extra = record.get("tags")
    if isinstance(extra, list):
        tags.extend(t for t in extra if isinstance(t, str))
    tags.extend(text_tags(text))
    quoted, parent = _quoted(record), _parent(record)
    langs = record.get("langs")
    lang = langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else ""
    at = record_time(record.get("createdAt"), uri, fallback)
    return Post(id=uri, author_id=author_id, created_at=at, kind=post_kind(quoted, parent),
                text=text, lang=lang, ref_id=quoted, ref_author_id=uri_did(quoted),
                reply_to_id=parent, reply_to_author_id=uri_did(parent),
                mention_ids=tuple(dict.fromkeys(mentions)),
                hashtags=unique_tags(tags), coordinates=_geo(record.get("embed")))


def _facets(facets: Any) -> tuple[list[str], list[str]]:
    """Tags and mentioned DIDs of rich-text facets, whatever ``$type`` spelling they carry."""
    tags: list[str] = []
    mentions: list[str] = []
    for facet in _objects(facets):
        for feature in _objects(facet.get("features")):
            if isinstance(feature.get("tag"), str):
                tags.append(feature["tag"])
            elif isinstance(feature.get("did"), str) and feature["did"].startswith("did:"):
                mentions.append(feature["did"])
    return tags, mentions


def _quoted(record: dict) -> str | None:
    """The post a record quotes: embedding a list, a feed or a starter pack quotes no one's words."""
    embed = record.get("embed")
    if isinstance(embed, dict) and embed.get("$type") in QUOTE_EMBEDS:
        inner = embed.get("record")
        if isinstance(inner, dict) and isinstance(inner.get("record"), dict):
            inner = inner["record"]  # recordWithMedia: {"record": {"record": strongRef}}
        ref = inner.get("uri") if isinstance(inner, dict) else None
        if uri_collection(ref) == POST:
            return ref
    return None


def _parent(record: dict) -> str | None:
    """The post a record replies to (real replies answer reposts and other apps' records too)."""
    reply = record.get("reply")
    if isinstance(reply, dict) and isinstance(reply.get("parent"), dict):
        ref = reply["parent"].get("uri")
        if uri_did(ref) is not None:
            return ref
    return None


def _geo(embed: Any) -> tuple[float, float] | None:
    if isinstance(embed, dict) and embed.get("$type") == GEO_EMBED:
        return point(embed.get("longitude"), embed.get("latitude"))
    return None


def profile_account(profile: dict) -> Account:
    """An account from a profile view (``profileView``, ``profileViewBasic``, ``Detailed``)."""
    return Account(id=_did(profile.get("did")), handle=_handle(profile.get("handle")),
                   name=_text(profile.get("displayName")),
                   followers=count_or_none(profile.get("followersCount")),
                   location_text=place_in_bio(_text(profile.get("description"))))


def _did(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith("did:"):
        raise BadRecord("no DID" if value is None else f"not a DID: {str(value)[:60]!r}")
    return value


def _handle(value: Any) -> str:
    # "handle.invalid" is what the AppView shows for a handle that no longer resolves
    return value if isinstance(value, str) and value != "handle.invalid" else ""


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _is_page(value: dict) -> bool:
    return "uri" not in value and "did" not in value and bool(value.keys() & {"posts", "feed", "thread"})


def _objects(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

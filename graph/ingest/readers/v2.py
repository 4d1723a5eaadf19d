"""Twitter API v2 tweets: twarc2 JSONL pages, single pages, bare or twarc-flattened tweets,
and academictwitteR's split ``data_<id>.json`` + ``users_<id>.json`` files.

A page's ``includes`` are expanded: its users become accounts, and tweets that
exist only in ``includes`` (the retweeted, quoted, replied-to) become posts,
yielded before the posts that refer to them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
from tagjack.graph.ingest.readers.common import (
    MAX_DOCUMENT_BYTES,
    MAX_NESTING,
    RECORD_ERRORS,
    REFERENCE_KINDS,
    RT_PREFIX,
    BadRecord,
    Progress,
    References,
    bbox_centre,
    count_or_none,
    created_time,
    id_text,
    json_lines,
    json_values,
    loads,
    open_binary,
    point,
    reason,
    reject,
    unique_tags,
)
from tagjack.graph.ingest.readers.v2_typed import TypedDecoder, TypedRecords, rt_author
from tagjack.graph.model import Account, Place, Post, PostKind, Record, Reject, handle_id

log = logging.getLogger(__name__)

DATA_FILE = re.compile(r"^data_(.+)\.json(\.gz)?$")
USERS_FILE = re.compile(r"^users_(.+)\.json(\.gz)?$")


@dataclass(slots=True)
class Includes:
    """A page's expansions, looked up by id (users also by lower-cased username)."""

    users: dict[str, dict] = field(default_factory=dict)
    ids_by_handle: dict[str, str] = field(default_factory=dict)
    tweets: dict[str, dict] = field(default_factory=dict)
    places: dict[str, dict] = field(default_factory=dict)

    def merged(self, other: Includes | None) -> Includes:
        if other is None:
            return self
        return Includes({**other.users, **self.users},
                        {**other.ids_by_handle, **self.ids_by_handle},
                        {**other.tweets, **self.tweets}, {**other.places, **self.places})


def includes_of(value: Any) -> Includes:
    """Index an ``includes`` object; junk entries (and R's ``{}`` for empty lists) are skipped."""
    found = Includes()
    if not isinstance(value, dict):
        return found
    for user in _objects(value.get("users")):
        user_id = _optional_id(user.get("id"))
        if user_id:
            found.users[user_id] = user
            if isinstance(user.get("username"), str):
                found.ids_by_handle[user["username"].lower()] = user_id
    for tweet in _objects(value.get("tweets")):
        tweet_id = _optional_id(tweet.get("id"))
        if tweet_id:
            found.tweets[tweet_id] = tweet
    for place in _objects(value.get("places")):
        place_id = _optional_id(place.get("id"))
        if place_id:
            found.places[place_id] = place
    return found


# -- files -------------------------------------------------------------------


def read_v2(path: Path, *, on_progress: Progress | None = None) -> Iterator[Record | Reject]:
    """Read a v2 file; a ``data_<id>.json`` is joined with its sibling ``users_<id>.json``."""
    if (data := data_sibling(path)) is not None:
        # academictwitteR's users file only expands its data file, which reads it
        log.info("%s: read together with %s", path.name, data.name)
        return
    extra = None
    if (users := users_sibling(path)) is not None:
        extra = yield from _read_includes(users)
    with open_binary(path, on_progress=on_progress) as fh:
        yield from parse_v2_stream(fh, source=path.name, includes=extra)


def users_sibling(path: Path) -> Path | None:
    """``users_<id>.json`` next to ``data_<id>.json``, when it exists."""
    if match := DATA_FILE.match(path.name):
        return _existing(path.with_name(f"users_{match.group(1)}.json"))
    return None


def data_sibling(path: Path) -> Path | None:
    """``data_<id>.json`` next to ``users_<id>.json``, when it exists."""
    if match := USERS_FILE.match(path.name):
        return _existing(path.with_name(f"data_{match.group(1)}.json"))
    return None


def _existing(path: Path) -> Path | None:
    for candidate in (path, path.with_name(path.name + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def _read_includes(path: Path) -> Iterator[Reject]:
    """The includes a users file holds; if it cannot be read, one Reject and no includes."""
    with open_binary(path) as fh:
        text = fh.read(MAX_DOCUMENT_BYTES + 1)
    if len(text) > MAX_DOCUMENT_BYTES:
        yield reject(path.name, 1, f"JSON document larger than {MAX_DOCUMENT_BYTES} bytes")
        return None
    try:
        value = loads(text)
    except orjson.JSONDecodeError as exc:
        yield reject(path.name, 1, f"invalid JSON document: {exc}", text)
        return None
    if not isinstance(value, dict):
        yield reject(path.name, 1, "users file is not an object with users/tweets/places", text)
        return None
    return includes_of(value)


# -- parsing -----------------------------------------------------------------


def parse_v2_stream(fh: IO[bytes], *, source: str,
                    includes: Includes | None = None) -> Iterator[Record | Reject]:
    """Records of a v2 file: JSON Lines (pages or tweets), one page, or a list of tweets.

    ``includes`` expands tweets that come without their own (a ``data_`` file).
    """
    seen = Seen()
    # academictwitteR's data files (with ``includes``) are lists of tweets: no page to type
    decode = TypedDecoder(seen).decode if includes is None else loads
    for item in json_values(fh, source=source, decode=decode):
        if item.__class__ is not tuple:
            yield item  # type: ignore[misc]
            continue
        line, value = item  # type: ignore[misc]
        if value.__class__ is TypedRecords:  # a usual page, read by the fast path
            yield from value
        else:
            yield from _values(value, line=line, source=source, extra=includes, seen=seen)


@dataclass(slots=True)
class Seen:
    """What a stream has read already, so a page skips what earlier pages gave.

    Every page repeats the users and referenced tweets its tweets point to. A
    store keeps the first version of a post and skips an account row it wrote
    as-is, so yielding them again changes nothing but the time a load takes.
    Cleared between pages once past ``limit`` entries, so memory stays bounded
    (and a page is read against one state, whichever reader reads it).
    """

    users: dict[str, Account] = field(default_factory=dict)  # id -> the account last yielded
    tweets: set[str] = field(default_factory=set)  # ids of posts read
    limit: int = 50_000

    def page(self) -> None:
        """Called before each page: forgets everything once past ``limit`` entries."""
        if len(self.users) >= self.limit:
            self.users.clear()
        if len(self.tweets) >= self.limit:
            self.tweets.clear()

    def user(self, user_id: str, account: Account) -> bool:
        """Whether this very account was yielded before; remembers it if not."""
        known = self.users.get(user_id)
        if known is account or known == account:
            return True
        self.users[user_id] = account
        return False

    def tweet(self, tweet_id: str) -> None:
        self.tweets.add(tweet_id)


def parse_v2(lines: Iterable[bytes], *, source: str,
             includes: Includes | None = None) -> Iterator[Record | Reject]:
    """Parse v2 JSON Lines given as byte lines (one page or one tweet per line)."""
    for item in json_lines(lines, source=source):
        if isinstance(item, Reject):
            yield item
        else:
            yield from _values(item[1], line=item[0], source=source, extra=includes)


def _values(value: Any, *, line: int, source: str, extra: Includes | None,
            seen: Seen | None = None) -> Iterator[Record | Reject]:
    """One parsed JSON value: a response page, a list of tweets (or pages), or a bare tweet."""
    if isinstance(value, list):
        pages = [v for v in value if isinstance(v, dict) and "data" in v]
        for page in pages:
            yield from _values(page, line=line, source=source, extra=extra, seen=seen)
        tweets = [v for v in value if not (isinstance(v, dict) and "data" in v)]
        if tweets:
            yield from page_records(tweets, Includes().merged(extra), line=line, source=source,
                                    seen=seen)
    elif not isinstance(value, dict):
        yield reject(source, line, f"not a tweet or response page: {type(value).__name__}", value)
    elif "data" in value:
        data = value["data"]
        tweets = data if isinstance(data, list) else [data] if isinstance(data, dict) else None
        if tweets is None:
            yield reject(source, line, "field 'data' is not a list of tweets", value)
            return
        yield from page_records(tweets, includes_of(value.get("includes")).merged(extra),
                                line=line, source=source, seen=seen)
    elif _is_notice(value):
        return  # an includes-only object (academictwitteR users file) or an API error page
    else:
        yield from page_records([value], Includes().merged(extra), line=line, source=source,
                                seen=seen)


def _is_notice(value: dict) -> bool:
    if "id" in value:
        return False
    return bool({"users", "tweets", "places", "includes", "errors", "meta"} & value.keys())


def page_records(tweets: list[Any], includes: Includes, *, line: int, source: str,
                 seen: Seen | None = None) -> Iterator[Record | Reject]:
    """Accounts, includes-only posts, then the page's own posts (referenced ones first).

    With ``seen``, users and included tweets read from earlier pages are skipped.
    """
    own = {tid: t for t in tweets if isinstance(t, dict) and (tid := _optional_id(t.get("id")))}
    context = _Context(includes, own)
    if seen is not None:
        seen.page()
    for user_id, user in includes.users.items():
        found = account_of(user)
        if found is not None and not (seen is not None and seen.user(user_id, found)):
            yield found
    for tweet_id, tweet in includes.tweets.items():
        if tweet_id in own or seen is not None and tweet_id in seen.tweets:
            continue
        try:
            records = list(context.tweet_records(tweet, depth=1))
        except RECORD_ERRORS:
            continue  # a broken expansion is left out, not the tweet that refers to it
        yield from records
        if seen is not None:
            seen.tweet(tweet_id)
    referenced = {r for t in own.values() for r in _reference_ids(t)}
    ordered = [t for tid, t in own.items() if tid in referenced]
    ordered += [t for t in tweets if not (isinstance(t, dict) and _optional_id(t.get("id"))
                                          in referenced)]
    for tweet in ordered:
        try:
            records = list(context.tweet_records(tweet))
        except RECORD_ERRORS as exc:
            yield reject(source, line, reason(exc), tweet)
        else:
            yield from records


class _Context:
    """What one page knows: its includes and its own tweets, by id."""

    def __init__(self, includes: Includes, own: dict[str, dict]) -> None:
        self.includes = includes
        self.own = own

    def tweet(self, tweet_id: str) -> dict | None:
        return self.own.get(tweet_id) or self.includes.tweets.get(tweet_id)

    def tweet_records(self, tweet: Any, *, depth: int = 0) -> Iterator[Record]:
        """Accounts and the post of one v2 tweet; a twarc-flattened one brings its own expansions."""
        if not isinstance(tweet, dict):
            raise BadRecord(f"not a tweet object: {type(tweet).__name__}")
        tweet_id = id_text(tweet.get("id"), "id")
        author = tweet.get("author")
        author_id = _optional_id(tweet.get("author_id")) or (
            _optional_id(author.get("id")) if isinstance(author, dict) else None)
        if not author_id:
            raise KeyError("author_id")
        if isinstance(author, dict) and author_id not in self.includes.users:
            if (found := account_of(author)) is not None:
                yield found
        refs = _references(tweet)
        embedded = yield from self._embedded(refs, depth)
        entities = _entities(tweet)
        mentions = yield from self._mentions(entities)
        yield self.post(tweet, tweet_id, author_id, refs, embedded, mentions, entities)

    def _embedded(self, refs: list[dict], depth: int) -> Iterator[Record]:
        """Posts of flattened referenced tweets that the page does not hold; their ids -> tweet."""
        found: dict[str, dict] = {}
        for ref in refs:
            ref_id = ref["id"]
            known = self.tweet(ref_id)
            if known is not None:
                found[ref_id] = known
            elif depth < MAX_NESTING and ("author_id" in ref or "author" in ref):
                try:
                    records = list(self.tweet_records(ref, depth=depth + 1))
                except RECORD_ERRORS:
                    continue
                found[ref_id] = ref
                yield from records
        return found

    def _mentions(self, entities: dict) -> Iterator[Account]:
        """Ids of the accounts a tweet mentions, in order; accounts not in includes are yielded."""
        ids: list[tuple[str, str]] = []
        for mention in _objects(entities.get("mentions")):
            username = mention.get("username")
            username = username if isinstance(username, str) else ""
            mention_id = _optional_id(mention.get("id")) or self.includes.ids_by_handle.get(
                username.lower())
            if mention_id is None:
                if not username:
                    continue
                mention_id = handle_id(username)
            if mention_id not in self.includes.users:  # twarc flatten merges the user in
                yield account_of({**mention, "id": mention_id})  # type: ignore[misc]
            ids.append((mention_id, username))
        return ids

    def post(self, tweet: dict, tweet_id: str, author_id: str, refs: list[dict],
             embedded: dict[str, dict], mentions: list[tuple[str, str]], entities: dict) -> Post:
        text = _text(tweet)
        kind, ref_id, ref_author, reply_to, reply_author = self._reference(
            tweet, text, refs, embedded, mentions)
        tags = _tags(entities)
        original = embedded.get(ref_id) if kind is PostKind.RETWEET and ref_id else None
        if original is not None:  # v2 truncates a retweet's text, and its entities with it
            tags += _tags(_entities(original))
        geo = tweet.get("geo")
        geo = geo if isinstance(geo, dict) else {}
        lang = tweet.get("lang")
        return Post(
            id=tweet_id,
            author_id=author_id,
            created_at=created_time(tweet.get("created_at"), tweet_id),
            kind=kind,
            text=text,
            lang=lang if isinstance(lang, str) else "",
            ref_id=ref_id,
            ref_author_id=ref_author,
            reply_to_id=reply_to,
            reply_to_author_id=reply_author,
            # a retweet's mentions belong to the original; "RT @x:" is not a mention
            mention_ids=() if kind is PostKind.RETWEET else tuple(dict.fromkeys(m for m, _ in mentions)),
            hashtags=unique_tags(tags),
            place=self._place(geo),
            coordinates=_coordinates(geo.get("coordinates")),
        )

    def _reference(self, tweet: dict, text: str, refs: list[dict], embedded: dict[str, dict],
                   mentions: list[tuple[str, str]]) -> References:
        """Kind, carried post (retweeted or quoted), replied-to post, and their authors.

        A retweet wins over a quote; a quote that also replies keeps both references.
        """
        by_kind = {REFERENCE_KINDS[r["type"]]: r["id"] for r in reversed(refs)}
        if (ref_id := by_kind.get(PostKind.RETWEET)) is not None:
            ref_author = self._author_of(ref_id, embedded) or rt_author(text, mentions)
            return PostKind.RETWEET, ref_id, ref_author, None, None
        if RT_PREFIX.match(text) and not by_kind:  # a truncated retweet without its reference
            return PostKind.RETWEET, None, rt_author(text, mentions), None, None
        reply_to = by_kind.get(PostKind.REPLY)
        reply_author = None
        if reply_to is not None:
            reply_author = self._author_of(reply_to, embedded) \
                or _optional_id(tweet.get("in_reply_to_user_id"))
        if (ref_id := by_kind.get(PostKind.QUOTE)) is not None:
            return PostKind.QUOTE, ref_id, self._author_of(ref_id, embedded), reply_to, reply_author
        if reply_to is not None:
            return PostKind.REPLY, None, None, reply_to, reply_author
        return PostKind.ORIGINAL, None, None, None, None

    @staticmethod
    def _author_of(post_id: str, embedded: dict[str, dict]) -> str | None:
        return _optional_id((embedded.get(post_id) or {}).get("author_id"))

    def _place(self, geo: dict) -> Place | None:
        place_id = _optional_id(geo.get("place_id")) or _optional_id(geo.get("id"))
        if place_id is None:
            return None
        place = self.includes.places.get(place_id) or geo  # twarc flatten merges it into geo
        inner = place.get("geo")
        centre = bbox_centre(inner.get("bbox")) if isinstance(inner, dict) else None
        full_name = place.get("full_name") or place.get("name")
        country = place.get("country_code")
        return Place(
            id=place_id,
            full_name=full_name if isinstance(full_name, str) else "",
            country_code=country if isinstance(country, str) else "",
            lat=centre[0] if centre else None,
            lon=centre[1] if centre else None,
        )


def _references(tweet: dict) -> list[dict]:
    """``referenced_tweets`` entries of a known type with an id (R writes ``{}`` for none)."""
    refs = []
    for ref in _objects(tweet.get("referenced_tweets")):
        ref_id = _optional_id(ref.get("id"))
        if ref_id and ref.get("type") in REFERENCE_KINDS:
            refs.append({**ref, "id": ref_id})
    return refs


def _reference_ids(tweet: dict) -> Iterator[str]:
    for ref in _objects(tweet.get("referenced_tweets")):
        if ref_id := _optional_id(ref.get("id")):
            yield ref_id


def account_of(user: dict) -> Account | None:
    """An account from a v2 user object; None without an id."""
    user_id = _optional_id(user.get("id"))
    if user_id is None:
        return None
    metrics = user.get("public_metrics")
    handle, name, location = user.get("username"), user.get("name"), user.get("location")
    return Account(
        id=user_id,
        handle=handle if isinstance(handle, str) else "",
        name=name if isinstance(name, str) else "",
        followers=count_or_none(metrics.get("followers_count")) if isinstance(metrics, dict) else None,
        location_text=location.strip() if isinstance(location, str) else "",
    )


def _entities(tweet: dict) -> dict:
    note = tweet.get("note_tweet")  # a long tweet's full text and entities
    if isinstance(note, dict) and isinstance(note.get("entities"), dict):
        return note["entities"]
    entities = tweet.get("entities")
    return entities if isinstance(entities, dict) else {}


def _text(tweet: dict) -> str:
    note = tweet.get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("text"), str):
        return note["text"]
    text = tweet.get("text")
    return text if isinstance(text, str) else ""


def _tags(entities: dict) -> list[str]:
    return [h["tag"] for h in _objects(entities.get("hashtags"))
            if isinstance(h.get("tag"), str)]


def _coordinates(value: Any) -> tuple[float, float] | None:
    if not isinstance(value, dict):
        return None
    pair = value.get("coordinates")
    if isinstance(pair, list) and len(pair) == 2:
        return point(pair[0], pair[1])
    return None


def _objects(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _optional_id(value: Any) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None

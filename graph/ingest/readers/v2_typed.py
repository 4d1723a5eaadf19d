"""The usual API v2 response page, decoded by msgspec straight into typed structs: the fast path.

As ``v1_typed`` does for v1.1 tweets: nearly every line of a twarc2 collection is
a well-formed response page (``data`` with ``includes.users/tweets/places``), and
decoding only the fields tagjack reads into typed structs is far cheaper than
building dicts of the whole page. Anything unusual (a field of another type, an
empty or missing id, a duplicate tweet, a twarc-flattened tweet, invalid UTF-8
anywhere in the line) is not handled here: ``decode`` hands the line to orjson and
the tolerant reader (``v2.page_records``) decides what to keep and what to reject.
For every page this path accepts, both give the same records
(tests/graph/readers/test_v2_typed.py).
"""

from __future__ import annotations

from typing import Any, Protocol

import msgspec
from tagjack.graph.ingest.readers.common import (
    MAX_COUNT,
    RECORD_ERRORS,
    REFERENCE_KINDS,
    RT_PREFIX,
    References,
    bbox_centre,
    created_time,
    loads,
    parse_iso_time,
    point,
    unique_tags,
)
from tagjack.graph.model import Account, Place, Post, PostKind, Record, handle_id


class _Unusual(Exception):
    """The page is not the usual shape; the tolerant reader takes it."""


class _Metrics(msgspec.Struct):
    followers_count: int | None = None


class _User(msgspec.Struct):
    """A user of ``includes.users``, or a mention (which may carry a user's fields)."""

    id: str | None = None
    username: str | None = None
    name: str | None = None
    location: str | None = None
    public_metrics: _Metrics | None = None


class _Hashtag(msgspec.Struct):
    tag: str | None = None


class _Entities(msgspec.Struct):
    # jsonlite (academictwitteR) writes {} for an empty list: read as none, as v2.py does
    hashtags: list[_Hashtag] | dict | None = None
    mentions: list[_User] | dict | None = None


class _Note(msgspec.Struct):
    text: str | None = None
    entities: _Entities | None = None


class _Ref(msgspec.Struct):
    type: str | None = None
    id: str | None = None
    author_id: Any = None  # a twarc-flattened reference embeds the tweet itself
    author: Any = None


class _Bbox(msgspec.Struct):
    bbox: list[float] | None = None


class _Point(msgspec.Struct):
    coordinates: list[float] | None = None


class _Place(msgspec.Struct):
    id: str | None = None
    full_name: str | None = None
    name: str | None = None
    country_code: str | None = None
    geo: _Bbox | None = None


class _Geo(msgspec.Struct):
    place_id: str | None = None
    id: str | None = None
    coordinates: _Point | None = None
    # a place not in includes: v2.py reads these from geo itself (twarc flatten puts them there)
    full_name: str | None = None
    name: str | None = None
    country_code: str | None = None
    geo: _Bbox | None = None


class _Tweet(msgspec.Struct):
    id: str | None = None
    author_id: str | None = None
    author: Any = None
    created_at: str | None = None
    text: str | None = None
    lang: str | None = None
    entities: _Entities | None = None
    note_tweet: _Note | None = None
    referenced_tweets: list[_Ref] | dict | None = None
    in_reply_to_user_id: str | None = None
    geo: _Geo | None = None


class _Includes(msgspec.Struct):
    users: list[_User] | dict | None = None
    tweets: list[_Tweet] | dict | None = None
    places: list[_Place] | dict | None = None


class _Page(msgspec.Struct):
    data: list[_Tweet] | _Tweet | msgspec.UnsetType = msgspec.UNSET
    includes: _Includes | None = None


class Seen(Protocol):
    """What the stream read already (``v2.Seen``), shared with the tolerant reader."""

    tweets: set[str]

    def page(self) -> None: ...

    def user(self, user_id: str, account: Account) -> bool: ...

    def tweet(self, tweet_id: str) -> None: ...


class TypedRecords(list):
    """Records of one page read by the fast path (a list no JSON value can be)."""


_DECODE_ERRORS = (msgspec.DecodeError, UnicodeDecodeError, RecursionError, _Unusual)
_NO_ENTITIES = _Entities()
_NO_INCLUDES = _Includes()


class TypedDecoder:
    """``decode(line)``: TypedRecords for a usual page, else what ``loads`` makes of it.

    ``seen`` is shared with the tolerant reader; it changes only once a whole page
    is read, so a page handed back is read by the tolerant reader from the same state.
    """

    def __init__(self, seen: Seen, *, limit: int = 50_000) -> None:
        self.seen = seen
        self._decoder = msgspec.json.Decoder(_Page)
        # every page repeats its users: the account of a user object read before is reused
        self._accounts: dict[str, tuple[_User, Account]] = {}
        self._limit = limit

    def decode(self, line: bytes) -> Any:
        try:
            line.decode()  # msgspec skips the fields it is not asked for unchecked
            page = self._decoder.decode(line)
            if page.data is msgspec.UNSET:
                raise _Unusual  # a bare tweet, a notice or an error: the tolerant reader knows
            self.seen.page()
            if len(self._accounts) >= self._limit:
                self._accounts.clear()
            read = _PageReader(page, self.seen, self._accounts)
        except _DECODE_ERRORS:
            return loads(line)
        return TypedRecords(read.records())


class _PageReader:
    """One page, read whole before anything is yielded or remembered (see ``v2.page_records``)."""

    def __init__(self, page: _Page, seen: Seen, known: dict[str, tuple[_User, Account]]) -> None:
        includes = page.includes or _NO_INCLUDES
        self.users: dict[str, _User] = {}
        self.ids_by_handle: dict[str, str] = {}
        for user in _listed(includes.users):
            if user.id:
                self.users[user.id] = user
                if user.username is not None:
                    self.ids_by_handle[user.username.lower()] = user.id
        self.tweets = {t.id: t for t in _listed(includes.tweets) if t.id}
        self.places = {p.id: p for p in _listed(includes.places) if p.id}
        data: list[_Tweet] = page.data if page.data.__class__ is list else [page.data]  # type: ignore[assignment,list-item]
        if not all(t.id for t in data):
            raise _Unusual  # the tolerant reader rejects an id-less tweet
        self.own = {t.id: t for t in data}  # a repeated tweet: the last one is referred to
        self.seen = seen
        self.accounts = [(uid, _known_account(known, user, uid)) for uid, user in self.users.items()]
        self.included_ids = [tid for tid in self.tweets if tid not in self.own and tid not in seen.tweets]
        self.included: list[Record] = []
        for tid in self.included_ids:
            self.tweet_records(self.tweets[tid], self.included)
        referenced = {r.id for t in self.own.values() for r in _listed(t.referenced_tweets) if r.id}
        self.posts: list[Record] = []
        for tid, tweet in self.own.items():
            if tid in referenced:
                self.tweet_records(tweet, self.posts)
        for tweet in data:
            if tweet.id not in referenced:
                self.tweet_records(tweet, self.posts)

    def records(self) -> list[Record]:
        """The page's records in the tolerant reader's order; ``seen`` learns the page."""
        seen = self.seen
        records: list[Record] = [account for user_id, account in self.accounts
                                 if not seen.user(user_id, account)]
        for tweet_id in self.included_ids:
            seen.tweet(tweet_id)
        records += self.included
        records += self.posts
        return records

    def tweet(self, tweet_id: str) -> _Tweet | None:
        return self.own.get(tweet_id) or self.tweets.get(tweet_id)

    def tweet_records(self, tweet: _Tweet, records: list[Record]) -> None:
        """Appends the accounts a tweet brings (mentions not in includes) and its post.

        As ``v2._Context.tweet_records``, in one function: it runs for every tweet.
        """
        tweet_id, author_id = tweet.id, tweet.author_id
        if tweet.author is not None or not tweet_id or not author_id:
            raise _Unusual  # twarc-flattened, or a tweet the tolerant reader rejects
        note = tweet.note_tweet  # a long tweet's full text and entities
        entities = note.entities if note is not None and note.entities is not None \
            else tweet.entities
        text = note.text if note is not None and note.text is not None else tweet.text or ""
        mentions: list[tuple[str, str]] = []
        tags: list[str] = []
        if entities is not None:
            if entities.mentions.__class__ is list:
                mentions = self._mentions(entities.mentions, records)  # type: ignore[arg-type]
            if entities.hashtags.__class__ is list:
                tags = [h.tag for h in entities.hashtags if h.tag is not None]  # type: ignore[union-attr]
        refs = tweet.referenced_tweets
        if refs.__class__ is list and refs:
            kind, ref_id, ref_author, reply_to, reply_author = self._reference(
                tweet, text, refs, mentions)  # type: ignore[arg-type]
            if kind is PostKind.RETWEET and ref_id:
                original = self.tweet(ref_id)
                if original is not None:  # v2 truncates a retweet's text, and its entities with it
                    tags += _tags(_entities(original))
        elif RT_PREFIX.match(text):  # a truncated retweet without its reference
            kind, ref_id, ref_author, reply_to, reply_author = \
                PostKind.RETWEET, None, rt_author(text, mentions), None, None
        else:
            kind, ref_id, ref_author, reply_to, reply_author = PostKind.ORIGINAL, None, None, None, None
        created_at = tweet.created_at
        try:
            created = parse_iso_time(created_at.strip()) if created_at \
                else created_time(created_at, tweet_id)
        except RECORD_ERRORS as exc:
            raise _Unusual from exc
        geo = tweet.geo
        records.append(Post(
            id=tweet_id,
            author_id=author_id,
            created_at=created,
            kind=kind,
            text=text,
            lang=tweet.lang or "",
            ref_id=ref_id,
            ref_author_id=ref_author,
            reply_to_id=reply_to,
            reply_to_author_id=reply_author,
            mention_ids=() if kind is PostKind.RETWEET or not mentions
            else tuple(dict.fromkeys([m for m, _ in mentions])),
            hashtags=unique_tags(tags),
            place=self._place(geo) if geo is not None else None,
            coordinates=_coordinates(geo.coordinates) if geo is not None else None,
        ))

    def _reference(self, tweet: _Tweet, text: str, refs: list[_Ref],
                   mentions: list[tuple[str, str]]) -> References:
        """As ``v2._Context._reference``: a retweet wins over a quote; a quoting reply keeps both."""
        by_kind: dict[PostKind, str] = {}
        for ref in reversed(refs):  # the first of a kind wins
            if ref.id and ref.type in REFERENCE_KINDS:
                if self.tweet(ref.id) is None and (ref.author_id is not None
                                                   or ref.author is not None):
                    raise _Unusual  # a flattened reference: v2.py reads the tweet inside it
                by_kind[REFERENCE_KINDS[ref.type]] = ref.id
        if not by_kind:
            if RT_PREFIX.match(text):
                return PostKind.RETWEET, None, rt_author(text, mentions), None, None
            return PostKind.ORIGINAL, None, None, None, None
        if (ref_id := by_kind.get(PostKind.RETWEET)) is not None:
            return PostKind.RETWEET, ref_id, self._author_of(ref_id) or rt_author(text, mentions), \
                None, None
        reply_to = by_kind.get(PostKind.REPLY)
        reply_author = None
        if reply_to is not None:
            reply_author = self._author_of(reply_to) or tweet.in_reply_to_user_id or None
        if (ref_id := by_kind.get(PostKind.QUOTE)) is not None:
            return PostKind.QUOTE, ref_id, self._author_of(ref_id), reply_to, reply_author
        if reply_to is not None:
            return PostKind.REPLY, None, None, reply_to, reply_author
        return PostKind.ORIGINAL, None, None, None, None

    def _author_of(self, post_id: str) -> str | None:
        known = self.tweet(post_id)
        return known.author_id or None if known is not None else None

    def _mentions(self, listed: list[_User], records: list[Record]) -> list[tuple[str, str]]:
        """(id, username) of each mention, in order; accounts not in includes are appended."""
        ids: list[tuple[str, str]] = []
        for mention in listed:
            username = mention.username or ""
            mention_id = mention.id or self.ids_by_handle.get(username.lower())
            if mention_id is None:
                if not username:
                    continue
                mention_id = handle_id(username)
            if mention_id not in self.users:
                records.append(_account(mention, mention_id))
            ids.append((mention_id, username))
        return ids

    def _place(self, geo: _Geo) -> Place | None:
        place_id = geo.place_id or geo.id
        if not place_id:
            return None
        place: _Place | _Geo = self.places.get(place_id) or geo
        box = place.geo
        centre = bbox_centre(box.bbox) if box is not None else None
        return Place(
            id=place_id,
            full_name=place.full_name or place.name or "",
            country_code=place.country_code or "",
            lat=centre[0] if centre else None,
            lon=centre[1] if centre else None,
        )


def rt_author(text: str, mentions: list[tuple[str, str]]) -> str | None:
    """The retweeted author of an ``RT @handle:`` text: the mention of that handle, else the handle."""
    if (match := RT_PREFIX.match(text)) is None:
        return None
    handle = match.group(1).lower()
    for mention_id, username in mentions:
        if username.lower() == handle:
            return mention_id
    return handle_id(handle)


def _known_account(known: dict[str, tuple[_User, Account]], user: _User, user_id: str) -> Account:
    """The account of a user object; the very one made before for an equal object."""
    found = known.get(user_id)
    if found is not None and found[0] == user:
        return found[1]
    account = _account(user, user_id)
    known[user_id] = (user, account)
    return account


def _account(user: _User, user_id: str) -> Account:
    metrics = user.public_metrics
    followers = metrics.followers_count if metrics is not None else None
    return Account(
        id=user_id,
        handle=user.username or "",
        name=user.name or "",
        followers=followers if followers is not None and 0 <= followers <= MAX_COUNT else None,
        location_text=(user.location or "").strip(),
    )


def _entities(tweet: _Tweet) -> _Entities:
    note = tweet.note_tweet  # a long tweet's full text and entities
    if note is not None and note.entities is not None:
        return note.entities
    return tweet.entities if tweet.entities is not None else _NO_ENTITIES


def _tags(entities: _Entities) -> list[str]:
    return [h.tag for h in _listed(entities.hashtags) if h.tag is not None]


def _coordinates(value: _Point | None) -> tuple[float, float] | None:
    if value is None or value.coordinates is None or len(value.coordinates) != 2:
        return None
    return point(*value.coordinates)


def _listed(value: Any) -> list:
    """A typed list, or none for null and jsonlite's ``{}``."""
    return value if value.__class__ is list else []

"""The usual v1.1 tweet, decoded by msgspec straight into typed structs: the fast path.

Nearly every line of a collection is a well-formed tweet. Decoding only the
fields tagjack reads into typed structs costs about half of parsing the whole
object into dicts, and what comes out needs no type checks. Anything unusual (a
field of another type, an empty id, invalid UTF-8 anywhere in the line) is not
handled here: ``decode`` hands the line to orjson and the tolerant dict reader
(``v1.tweet_records``) decides what to keep and what to reject. For every line
this path accepts, both give the same records (tests/readers/test_v1_typed.py).
"""

from __future__ import annotations

from typing import Any

import msgspec
from tagjack.graph.ingest.readers.common import (
    MAX_COUNT,
    MAX_NESTING,
    Originals,
    References,
    loads,
    parse_v1_time,
    point,
    ring_centre,
    truncated_retweet,
    unique_tags,
)
from tagjack.graph.model import Account, Place, Post, PostKind, Record, handle_id

INT_RANGE = range(-2**63, 2**64)  # orjson reads integers outside it as floats


class _Unusual(Exception):
    """The tweet is not the usual shape; the tolerant reader takes it."""


class _User(msgspec.Struct):
    id_str: str | None = None
    screen_name: str | None = None
    name: str | None = None
    followers_count: int | None = None
    location: str | None = None


class _Mention(msgspec.Struct):
    id_str: str | None = None
    id: int | None = None
    screen_name: str | None = None
    name: str | None = None


class _Hashtag(msgspec.Struct):
    text: str | None = None


class _Entities(msgspec.Struct):
    hashtags: list[_Hashtag] | None = None
    user_mentions: list[_Mention] | None = None


class _Extended(msgspec.Struct):
    full_text: str | None = None
    entities: _Entities | None = None


class _BoundingBox(msgspec.Struct):
    coordinates: list[list[list[float]]] | None = None


class _Place(msgspec.Struct):
    id: str | None = None
    full_name: str | None = None
    name: str | None = None
    country_code: str | None = None
    bounding_box: _BoundingBox | None = None


class _Coordinates(msgspec.Struct):
    coordinates: list[float] | None = None


class _Tweet(msgspec.Struct):
    id_str: str | None = None
    created_at: str | None = None
    user: _User | None = None
    text: str | None = None
    full_text: str | None = None
    lang: str | None = None
    entities: _Entities | None = None
    extended_tweet: _Extended | None = None
    retweeted_status: _Tweet | None = None
    quoted_status: _Tweet | None = None
    is_quote_status: bool | None = None
    quoted_status_id_str: str | None = None
    in_reply_to_status_id_str: str | None = None
    in_reply_to_status_id: int | None = None
    in_reply_to_user_id_str: str | None = None
    in_reply_to_user_id: int | None = None
    place: _Place | None = None
    coordinates: _Coordinates | None = None


class TypedRecords(list):
    """Records of one line read by the fast path (a list no JSON value can be)."""


_DECODE_ERRORS = (msgspec.DecodeError, UnicodeDecodeError, RecursionError, _Unusual)


class TypedDecoder:
    """``decode(line)``: TypedRecords for a usual tweet, else what ``loads`` makes of it.

    ``seen`` is shared with the tolerant reader: originals already read in the
    stream are reused, and only remembered once their whole line is read.
    """

    def __init__(self, seen: Originals) -> None:
        self.seen = seen
        self._decoder = msgspec.json.Decoder(_Tweet)

    def decode(self, line: bytes) -> Any:
        try:
            line.decode()  # msgspec skips the fields it is not asked for unchecked
            tweet = self._decoder.decode(line)
            originals: list[Post] = []
            records = _records(tweet, 0, self.seen, originals)
        except _DECODE_ERRORS:
            return loads(line)
        for original in originals:
            self.seen.remember(original)
        return TypedRecords(records)


def _records(tweet: _Tweet, depth: int, seen: Originals, originals: list[Post]) -> list[Record]:
    if tweet.user is None or tweet.created_at is None:
        raise _Unusual
    author = _account(tweet.user)
    records: list[Record] = [author]
    quoted_post = None
    embedded, original_post = _embedded(tweet.retweeted_status, depth, seen, originals)
    if original_post is None:
        embedded, quoted_post = _embedded(tweet.quoted_status, depth, seen, originals)
    records += embedded
    entities = _entities_of(tweet)
    mentions = [_mentioned(m) for m in entities.user_mentions or ()]
    records += mentions
    records.append(_post(tweet, author, original_post, quoted_post, mentions, entities))
    return records


def _embedded(tweet: _Tweet | None, depth: int, seen: Originals,
              originals: list[Post]) -> tuple[list[Record], Post | None]:
    if tweet is None:
        return [], None
    if depth >= MAX_NESTING:  # deeper than the tolerant reader reads
        raise _Unusual
    if tweet.id_str and (known := seen.get(tweet.id_str)) is not None:
        return [], known
    records = _records(tweet, depth + 1, seen, originals)
    original: Post = records[-1]  # type: ignore[assignment]
    originals.append(original)
    return records, original


def _account(user: _User) -> Account:
    if not user.id_str:
        raise _Unusual
    followers = user.followers_count
    return Account(
        id=user.id_str,
        handle=user.screen_name or "",
        name=user.name or "",
        followers=followers if followers is not None and 0 <= followers <= MAX_COUNT else None,
        location_text=(user.location or "").strip(),
    )


def _mentioned(mention: _Mention) -> Account:
    handle = mention.screen_name or ""
    mention_id = mention.id_str or mention.id
    if not mention_id and not handle or mention.id is not None and mention.id not in INT_RANGE:
        raise _Unusual
    return Account(id=str(mention_id) if mention_id else handle_id(handle),
                   handle=handle, name=mention.name or "")


def _entities_of(tweet: _Tweet) -> _Entities:
    if tweet.extended_tweet is not None and tweet.extended_tweet.entities is not None:
        return tweet.extended_tweet.entities
    return tweet.entities if tweet.entities is not None else _NO_ENTITIES


_NO_ENTITIES = _Entities()


def _post(tweet: _Tweet, author: Account, original: Post | None, quoted: Post | None,
          mentions: list[Account], entities: _Entities) -> Post:
    if not tweet.id_str:
        raise _Unusual
    extended = tweet.extended_tweet
    text = extended.full_text if extended is not None and extended.full_text else \
        tweet.full_text or tweet.text or ""
    kind, ref_id, ref_author, reply_to, reply_author = _reference(tweet, text, original, quoted,
                                                                  mentions)
    tags = unique_tags([h.text for h in entities.hashtags or () if h.text is not None])
    try:
        created = parse_v1_time(tweet.created_at)  # type: ignore[arg-type]
    except (ValueError, OverflowError) as exc:
        raise _Unusual from exc
    return Post(
        id=tweet.id_str,
        author_id=author.id,
        created_at=created,
        kind=kind,
        text=text,
        lang=tweet.lang or "",
        ref_id=ref_id,
        ref_author_id=ref_author,
        reply_to_id=reply_to,
        reply_to_author_id=reply_author,
        mention_ids=() if kind is PostKind.RETWEET or not mentions
        else tuple(dict.fromkeys([m.id for m in mentions])),
        hashtags=tuple(dict.fromkeys(tags + original.hashtags)) if original else tags,
        place=_place(tweet.place),
        coordinates=_coordinates(tweet.coordinates),
    )


def _reference(tweet: _Tweet, text: str, original: Post | None, quoted: Post | None,
               mentions: list[Account]) -> References:
    if original is not None:
        return PostKind.RETWEET, original.id, original.author_id, None, None
    if (target := truncated_retweet(text, mentions)) is not None:
        return PostKind.RETWEET, None, target, None, None
    reply_to = reply_author = None
    if tweet.in_reply_to_status_id_str or tweet.in_reply_to_status_id:
        if (tweet.in_reply_to_status_id or 0) not in INT_RANGE \
                or (tweet.in_reply_to_user_id or 0) not in INT_RANGE:
            raise _Unusual
        reply_to = str(tweet.in_reply_to_status_id_str or tweet.in_reply_to_status_id)
        user = tweet.in_reply_to_user_id_str or tweet.in_reply_to_user_id
        reply_author = str(user) if user else None
    if quoted is not None:
        return PostKind.QUOTE, quoted.id, quoted.author_id, reply_to, reply_author
    if tweet.is_quote_status and tweet.quoted_status_id_str:
        return PostKind.QUOTE, tweet.quoted_status_id_str, None, reply_to, reply_author
    if reply_to is not None:
        return PostKind.REPLY, None, None, reply_to, reply_author
    return PostKind.ORIGINAL, None, None, None, None


def _place(place: _Place | None) -> Place | None:
    if place is None or not place.id:
        return None
    box = place.bounding_box
    centre = ring_centre(box.coordinates[0]) if box is not None and box.coordinates else None
    return Place(
        id=place.id,
        full_name=place.full_name or place.name or "",
        country_code=place.country_code or "",
        lat=centre[0] if centre else None,
        lon=centre[1] if centre else None,
    )


def _coordinates(value: _Coordinates | None) -> tuple[float, float] | None:
    if value is None or value.coordinates is None or len(value.coordinates) != 2:
        return None
    return point(*value.coordinates)

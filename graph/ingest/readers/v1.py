"""Twitter API v1.1 tweets: JSON Lines, JSON arrays, search responses, vcr cassettes.

Retweets and quotes yield the embedded original too, before the post that
refers to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson
from tagjack.graph.ingest.readers.common import (
    MAX_NESTING,
    RECORD_ERRORS,
    Originals,
    Progress,
    References,
    count_or_none,
    json_lines,
    json_values,
    open_binary,
    parse_v1_time,
    point,
    reason,
    reject,
    ring_centre,
    truncated_retweet,
    unique_tags,
)
from tagjack.graph.ingest.readers.common import BadRecord as BadTweet
from tagjack.graph.ingest.readers.v1_typed import TypedDecoder, TypedRecords
from tagjack.graph.model import Account, Place, Post, PostKind, Record, Reject, handle_id

STREAM_NOTICES = frozenset({"limit", "delete", "scrub_geo", "status_withheld", "user_withheld",
                            "disconnect", "warning", "event", "friends", "friends_str"})


def read_v1(path: Path, *, on_progress: Progress | None = None) -> Iterator[Record | Reject]:
    with open_binary(path, on_progress=on_progress) as fh:
        yield from parse_v1_stream(fh, source=path.name)


def parse_v1_stream(fh: IO[bytes], *, source: str) -> Iterator[Record | Reject]:
    seen = Originals()
    decoder = TypedDecoder(seen)
    for item in json_values(fh, source=source, decode=decoder.decode):
        if item.__class__ is not tuple:
            yield item  # type: ignore[misc]
            continue
        line, value = item  # type: ignore[misc]
        if value.__class__ is TypedRecords:  # a usual tweet, read by the fast path
            yield from value
        elif value.__class__ is dict and "user" in value:  # an unusual one
            try:
                records = tweet_records(value, seen=seen)
            except RECORD_ERRORS as exc:
                yield reject(source, line, reason(exc), value)
            else:
                yield from records
        else:
            yield from _values(value, line=line, source=source)


def parse_v1(lines: Iterable[bytes], *, source: str) -> Iterator[Record | Reject]:
    """Parse v1.1 JSON Lines given as byte lines (one tweet per line)."""
    for item in json_lines(lines, source=source):
        if isinstance(item, Reject):
            yield item
        else:
            yield from _values(item[1], line=item[0], source=source)


def _values(value: Any, *, line: int, source: str) -> Iterator[Record | Reject]:
    """One parsed JSON value: a tweet, a list of tweets, a search response or a cassette.

    The streaming API's notices ({"limit": ...}, {"delete": ...}) are no tweets and no errors.
    """
    if value.__class__ is dict and not STREAM_NOTICES.isdisjoint(value) \
            and "user" not in value and "id_str" not in value:
        return
    try:
        tweets = list(_tweets_in(value))
    except (*RECORD_ERRORS, orjson.JSONDecodeError) as exc:
        yield reject(source, line, f"unreadable cassette: {reason(exc)}", value)
        return
    for tweet in tweets:
        try:
            records = tweet_records(tweet)
        except RECORD_ERRORS as exc:
            yield reject(source, line, reason(exc), tweet)
        else:
            yield from records


def _tweets_in(value: Any, depth: int = 0) -> Iterator[Any]:
    if isinstance(value, list):
        yield from value
    elif isinstance(value, dict) and isinstance(value.get("statuses"), list):
        yield from value["statuses"]
    elif isinstance(value, dict) and isinstance(value.get("http_interactions"), list) \
            and depth < MAX_NESTING:
        for interaction in value["http_interactions"]:
            body = interaction.get("response", {}).get("body", {}).get("string", "")
            if isinstance(body, str) and body.strip()[:1] in ("[", "{"):
                yield from _tweets_in(orjson.loads(body), depth + 1)
    else:
        yield value


def tweet_records(tweet: Any, depth: int = 0, *, seen: Originals | None = None) -> list[Record]:
    """Accounts and posts of one v1.1 tweet; embedded originals come first."""
    if not isinstance(tweet, dict):
        raise BadTweet(f"not a tweet object: {type(tweet).__name__}")
    if "user" not in tweet:
        raise BadTweet("missing field 'user'")
    author = account(tweet["user"])
    records: list[Record] = [author]
    quoted_post = None
    original, original_post = _embedded(tweet.get("retweeted_status"), depth, seen)
    if original_post is None:
        original, quoted_post = _embedded(tweet.get("quoted_status"), depth, seen)
    records += original
    entities = _entities(tweet)
    mentions = [_mentioned_account(m) for m in _list(entities.get("user_mentions"))
                if m.__class__ is dict]
    records += mentions
    records.append(post(tweet, author, original_post, quoted_post, mentions, entities=entities))
    return records


def _embedded(tweet: Any, depth: int, seen: Originals | None) -> tuple[list[Record], Post | None]:
    """Records of an embedded original to yield, and its Post.

    One too broken (or deep) to read is left out, not the tweet; one already
    read in this stream yields nothing again.
    """
    if tweet is None or tweet.__class__ is not dict or depth >= MAX_NESTING:
        return [], None
    key = tweet.get("id_str")  # junk of any type in a broken original: not a key
    if seen is not None and key.__class__ is str and (known := seen.get(key)) is not None:
        return [], known
    try:
        records = tweet_records(tweet, depth + 1, seen=seen)
    except RECORD_ERRORS:
        return [], None
    original: Post = records[-1]  # type: ignore[assignment]
    if seen is not None:
        seen.remember(original)
    return records, original


def account(user: Any) -> Account:
    if not isinstance(user, dict):
        raise BadTweet("field 'user' is not an object")
    user_id = _id(user, "id_str", "id")
    return Account(
        id=user_id,
        handle=str(user.get("screen_name") or ""),
        name=str(user.get("name") or ""),
        followers=count_or_none(user.get("followers_count")),
        location_text=str(user.get("location") or "").strip(),
    )


def post(tweet: dict, author: Account, original: Post | None, quoted: Post | None,
         mentions: list[Account], *, entities: dict | None = None) -> Post:
    text = _text(tweet)
    kind, ref_id, ref_author, reply_to, reply_author = _reference(tweet, text, original, quoted,
                                                                  mentions)
    entities = _entities(tweet) if entities is None else entities
    tags = unique_tags([t for h in _list(entities.get("hashtags"))
                        if h.__class__ is dict and (t := h.get("text")).__class__ is str])
    created_at = tweet["created_at"]
    try:
        created = parse_v1_time(created_at if created_at.__class__ is str else str(created_at))
    except (ValueError, OverflowError) as exc:
        raise BadTweet(f"field 'created_at' is not a time: {str(created_at)[:40]!r}") from exc
    return Post(
        id=_id(tweet, "id_str", "id"),
        author_id=author.id,
        created_at=created,
        kind=kind,
        text=text,
        lang=str(tweet.get("lang") or ""),
        ref_id=ref_id,
        ref_author_id=ref_author,
        reply_to_id=reply_to,
        reply_to_author_id=reply_author,
        # a retweet's mentions belong to the original; "RT @x:" is not a mention
        mention_ids=() if kind is PostKind.RETWEET or not mentions
        else tuple(dict.fromkeys([m.id for m in mentions])),
        hashtags=tuple(dict.fromkeys(tags + original.hashtags)) if original else tags,
        place=_place(tweet.get("place")),
        coordinates=_coordinates(tweet.get("coordinates")),
    )


def _reference(tweet: dict, text: str, original: Post | None, quoted: Post | None,
               mentions: list[Account]) -> References:
    if original is not None:
        return PostKind.RETWEET, original.id, original.author_id, None, None
    if (target := truncated_retweet(text, mentions)) is not None:
        return PostKind.RETWEET, None, target, None, None
    reply_to = reply_author = None
    if tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id"):
        reply_to = _id(tweet, "in_reply_to_status_id_str", "in_reply_to_status_id")
        user = tweet.get("in_reply_to_user_id_str") or tweet.get("in_reply_to_user_id")
        reply_author = str(user) if user else None
    if quoted is not None:
        return PostKind.QUOTE, quoted.id, quoted.author_id, reply_to, reply_author
    if tweet.get("is_quote_status") and tweet.get("quoted_status_id_str"):
        return PostKind.QUOTE, str(tweet["quoted_status_id_str"]), None, reply_to, reply_author
    if reply_to is not None:
        return PostKind.REPLY, None, None, reply_to, reply_author
    return PostKind.ORIGINAL, None, None, None, None


def _mentioned_account(mention: dict) -> Account:
    handle = str(mention.get("screen_name") or "")
    mention_id = mention.get("id_str") or mention.get("id")
    if isinstance(mention_id, bool) or not isinstance(mention_id, str | int):
        mention_id = None
    if not mention_id and not handle:
        raise BadTweet("mention without id or screen_name")
    return Account(
        id=str(mention_id) if mention_id else handle_id(handle),
        handle=handle,
        name=str(mention.get("name") or ""),
    )


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _entities(tweet: dict) -> dict:
    extended = tweet.get("extended_tweet")
    if isinstance(extended, dict) and isinstance(extended.get("entities"), dict):
        return extended["entities"]
    entities = tweet.get("entities")
    return entities if isinstance(entities, dict) else {}


def _text(tweet: dict) -> str:
    extended = tweet.get("extended_tweet")
    if isinstance(extended, dict) and extended.get("full_text"):
        return str(extended["full_text"])
    return str(tweet.get("full_text") or tweet.get("text") or "")


def _id(obj: dict, str_key: str, int_key: str) -> str:
    value = obj.get(str_key)
    if value.__class__ is str and value:
        return value  # type: ignore[return-value]
    value = value or obj.get(int_key)
    if value is None or value == "":
        raise KeyError(str_key)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadTweet(f"field {str_key!r} is not an id")
    return str(value)


def _place(place: Any) -> Place | None:
    """A place is optional: one that is not an object with an id is left out."""
    if place is None or not isinstance(place, dict):
        return None
    if not isinstance(place.get("id"), str | int) or not place["id"]:
        return None
    try:
        centre = ring_centre(place.get("bounding_box")["coordinates"][0])  # type: ignore[index]
    except (TypeError, KeyError, IndexError):
        centre = None
    return Place(
        id=str(place["id"]),
        full_name=str(place.get("full_name") or place.get("name") or ""),
        country_code=str(place.get("country_code") or ""),
        lat=centre[0] if centre else None,
        lon=centre[1] if centre else None,
    )


def _coordinates(value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    try:
        lon, lat = value["coordinates"]
    except (TypeError, KeyError, ValueError):
        return None
    return point(lon, lat)

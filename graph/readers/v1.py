"""Twitter API v1.1 tweets: JSON Lines, JSON arrays, search responses, vcr cassettes.

Retweets and quotes yield the embedded original too, before the post that
refers to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
from tagjack.graph.model import Account, Place, Post, PostKind, Record, Reject, handle_id
from tagjack.graph.readers.common import (
    json_values,
    open_binary,
    parse_v1_time,
    reject,
    unique_tags,
)

RT_PREFIX = re.compile(r"^RT @(\w{1,15}):")


class BadTweet(ValueError):
    """A record that looks like a tweet but lacks what tagjack needs."""


def read_v1(path: Path) -> Iterator[Record | Reject]:
    with open_binary(path) as fh:
        yield from parse_v1_stream(fh, source=path.name)


def parse_v1_stream(fh, *, source: str) -> Iterator[Record | Reject]:
    for item in json_values(fh, source=source):
        if isinstance(item, Reject):
            yield item
        else:
            yield from _values(item[1], line=item[0], source=source)


def parse_v1(lines: Iterable[bytes], *, source: str) -> Iterator[Record | Reject]:
    """Parse v1.1 JSON Lines given as byte lines (one tweet per line)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield reject(source, number, f"invalid JSON: {exc}", line)
            continue
        yield from _values(value, line=number, source=source)


def _values(value: Any, *, line: int, source: str) -> Iterator[Record | Reject]:
    """One parsed JSON value: a tweet, a list of tweets, a search response or a cassette."""
    for tweet in _tweets_in(value):
        try:
            records = list(tweet_records(tweet))
        except (BadTweet, KeyError, TypeError, ValueError, AttributeError) as exc:
            yield reject(source, line, _reason(exc), orjson.dumps(tweet)[:300])
        else:
            yield from records


def _tweets_in(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        yield from value
    elif isinstance(value, dict) and isinstance(value.get("statuses"), list):
        yield from value["statuses"]
    elif isinstance(value, dict) and isinstance(value.get("http_interactions"), list):
        for interaction in value["http_interactions"]:
            body = interaction.get("response", {}).get("body", {}).get("string", "")
            if body.strip()[:1] in ("[", "{"):
                yield from _tweets_in(orjson.loads(body))
    else:
        yield value


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc) or type(exc).__name__


def tweet_records(tweet: Any) -> Iterator[Record]:
    """Accounts and posts of one v1.1 tweet; embedded originals come first."""
    if not isinstance(tweet, dict):
        raise BadTweet(f"not a tweet object: {type(tweet).__name__}")
    if "user" not in tweet:
        raise BadTweet("missing field 'user'")
    author = account(tweet["user"])
    yield author
    original = _embedded(tweet.get("retweeted_status"))
    quoted = _embedded(tweet.get("quoted_status")) if original is None else None
    if original is not None:
        yield from original
    if quoted is not None:
        yield from quoted
    entities = _entities(tweet)
    mentioned = [m for m in entities.get("user_mentions") or () if isinstance(m, dict)]
    mention_accounts = [_mentioned_account(m) for m in mentioned]
    yield from mention_accounts
    yield post(tweet, author, _last_post(original), _last_post(quoted), mention_accounts)


def _embedded(tweet: Any) -> list[Record] | None:
    """Records of an embedded original; one too broken to read is left out, not the tweet."""
    if not isinstance(tweet, dict):
        return None
    try:
        return list(tweet_records(tweet))
    except (BadTweet, KeyError, TypeError, ValueError, AttributeError):
        return None


def _last_post(records: list[Record] | None) -> Post | None:
    return records[-1] if records else None  # type: ignore[return-value]


def account(user: Any) -> Account:
    if not isinstance(user, dict):
        raise BadTweet("field 'user' is not an object")
    user_id = _id(user, "id_str", "id")
    followers = user.get("followers_count")
    return Account(
        id=user_id,
        handle=str(user.get("screen_name") or ""),
        name=str(user.get("name") or ""),
        followers=int(followers) if isinstance(followers, int | float) and followers >= 0 else None,
        location_text=str(user.get("location") or "").strip(),
    )


def post(tweet: dict, author: Account, original: Post | None, quoted: Post | None,
         mentions: list[Account]) -> Post:
    text = _text(tweet)
    kind, ref_id, ref_author = _reference(tweet, text, original, quoted, mentions)
    tags = [h.get("text", "") for h in _entities(tweet).get("hashtags") or () if isinstance(h, dict)]
    return Post(
        id=_id(tweet, "id_str", "id"),
        author_id=author.id,
        created_at=parse_v1_time(str(tweet["created_at"])),
        kind=kind,
        text=text,
        lang=str(tweet.get("lang") or ""),
        ref_id=ref_id,
        ref_author_id=ref_author,
        # a retweet's mentions belong to the original; "RT @x:" is not a mention
        mention_ids=() if kind is PostKind.RETWEET else tuple(dict.fromkeys(m.id for m in mentions)),
        hashtags=unique_tags([t for t in tags if isinstance(t, str)]
                             + list(original.hashtags if original else ())),
        place=_place(tweet.get("place")),
        coordinates=_coordinates(tweet.get("coordinates")),
    )


def _reference(tweet: dict, text: str, original: Post | None, quoted: Post | None,
               mentions: list[Account]) -> tuple[PostKind, str | None, str | None]:
    if original is not None:
        return PostKind.RETWEET, original.id, original.author_id
    if match := RT_PREFIX.match(text):  # truncated retweet: no embedded original
        handle = match.group(1)
        by_handle = {m.handle.lower(): m.id for m in mentions}
        return PostKind.RETWEET, None, by_handle.get(handle.lower(), handle_id(handle))
    if quoted is not None:
        return PostKind.QUOTE, quoted.id, quoted.author_id
    if tweet.get("is_quote_status") and tweet.get("quoted_status_id_str"):
        return PostKind.QUOTE, str(tweet["quoted_status_id_str"]), None
    if tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id"):
        reply_to = _id(tweet, "in_reply_to_status_id_str", "in_reply_to_status_id")
        user = tweet.get("in_reply_to_user_id_str") or tweet.get("in_reply_to_user_id")
        return PostKind.REPLY, reply_to, str(user) if user else None
    return PostKind.ORIGINAL, None, None


def _mentioned_account(mention: dict) -> Account:
    handle = str(mention.get("screen_name") or "")
    mention_id = mention.get("id_str") or mention.get("id")
    if not mention_id and not handle:
        raise BadTweet("mention without id or screen_name")
    return Account(
        id=str(mention_id) if mention_id else handle_id(handle),
        handle=handle,
        name=str(mention.get("name") or ""),
    )


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
    value = obj.get(str_key) or obj.get(int_key)
    if value is None or value == "":
        raise KeyError(str_key)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadTweet(f"field {str_key!r} is not an id")
    return str(value)


def _place(place: Any) -> Place | None:
    if not isinstance(place, dict) or not place.get("id"):
        return None
    lat = lon = None
    box = (place.get("bounding_box") or {}).get("coordinates")
    try:
        ring = box[0]
        lon = sum(float(p[0]) for p in ring) / len(ring)
        lat = sum(float(p[1]) for p in ring) / len(ring)
    except (TypeError, IndexError, ValueError, ZeroDivisionError):
        pass
    return Place(
        id=str(place["id"]),
        full_name=str(place.get("full_name") or place.get("name") or ""),
        country_code=str(place.get("country_code") or ""),
        lat=lat,
        lon=lon,
    )


def _coordinates(value: Any) -> tuple[float, float] | None:
    try:
        lon, lat = value["coordinates"]
        lat, lon = float(lat), float(lon)
    except (TypeError, KeyError, ValueError):
        return None
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return lat, lon
    return None

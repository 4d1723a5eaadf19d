"""Bluesky's names and numbers, shared by its readers: collections, at:// URIs, record times."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tagjack.graph.ingest.readers.common import parse_iso_time

POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
PROFILE = "app.bsky.actor.profile"
QUOTE_EMBEDS = {"app.bsky.embed.record", "app.bsky.embed.recordWithMedia"}
GEO_EMBED = "community.lexicon.embed.geo"
TID_DIGITS = "234567abcdefghijklmnopqrstuvwxyz"
MIN_YEAR = 2000  # a client clock before this is broken (real posts say year 0)

def repost_id(by: str, ref: str) -> str:
    """A stand-in id for a repost known without its own URI (a feed's reason, a CSV row):
    one per reposter and post, never a real record's (real keys have no '/')."""
    return f"at://{by}/{REPOST}/{ref[5:].replace('/', ':')}"


def uri_did(uri: Any) -> str | None:
    """The DID an ``at://did/collection/rkey`` URI names (the record's author), or None."""
    if not isinstance(uri, str) or not uri.startswith("at://did:"):
        return None
    return uri[5:].split("/", 1)[0]


def uri_collection(uri: Any) -> str | None:
    if uri_did(uri) is None:
        return None
    parts = uri[5:].split("/")
    return parts[1] if len(parts) == 3 else None


def record_time(created_at: Any, uri: str, fallback: datetime | None) -> datetime:
    """``createdAt`` as written by the client; when it is absent or junk (real posts say
    year 0), the time in the record key, else the relay's or AppView's time."""
    at = optional_time(created_at)
    if at is not None and at.year >= MIN_YEAR:
        return at
    at = tid_time(uri.rsplit("/", 1)[-1]) or fallback
    if at is None:
        raise KeyError("createdAt")
    return at


def tid_time(rkey: str) -> datetime | None:
    """When a record was made, from its key when that is a TID (13 base32 characters whose
    top 54 bits count microseconds since 1970); None for other keys."""
    if len(rkey) != 13 or any(c not in TID_DIGITS for c in rkey):
        return None
    value = 0
    for c in rkey:
        value = value * 32 + TID_DIGITS.index(c)
    at = micros(value >> 10)
    return at if at is not None and at.year >= MIN_YEAR else None


def event_time(created_at: Any, uri: str, time_us: Any) -> datetime:
    """``record_time`` with the relay's ``time_us`` as the last resort, converted only if needed."""
    at = optional_time(created_at)
    if at is not None and at.year >= MIN_YEAR:
        return at
    return record_time(created_at, uri, micros(time_us))


def optional_time(value: Any) -> datetime | None:
    """An ISO-8601 time as UTC, or None; most are read as they are, the rest made readable."""
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value)  # 3.11 reads "Z" and 3 or 6 fractional digits
    except ValueError:
        return _odd_time(value)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _odd_time(value: str) -> datetime | None:
    text = value.strip()
    head, dot, tail = text.partition(".")
    if dot:  # clients write up to 9 fractional digits; Python reads 6
        digits = len(tail) - len(tail.lstrip("0123456789"))
        text = head + "." + tail[:min(digits, 6)] + tail[digits:]
    try:
        return parse_iso_time(text)
    except (ValueError, OverflowError):
        return None


def micros(value: Any) -> datetime | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**53:
        return datetime.fromtimestamp(value / 1e6, tz=UTC)
    return None


def short_name(collection: Any) -> str:
    names = {"app.bsky.feed.like": "likes", "app.bsky.graph.follow": "follows",
             "app.bsky.graph.block": "blocks", POST: "posts", REPOST: "reposts",
             PROFILE: "profiles"}
    return names.get(collection, str(collection)) if isinstance(collection, str) else "records"

"""Records that flow from readers to stores.

Ids are strings (tweet ids exceed 2**53); times are timezone-aware UTC.
Accounts known only by handle (a truncated ``RT @x:``, an edge list, a CSV
mention without id) get the id ``@<handle lower-cased>``: see ``handle_id``.

Ids name their platform, so one store holds a Twitter, a Bluesky and a Mastodon
collection of one event without collisions: Twitter ids are as they always were
(digits, or ``@handle``), Bluesky's are DIDs (``did:plc:...``) and ``at://`` URIs,
Mastodon's ``acct:user@instance`` and status URIs (``https://...``). See ``platform_of``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import lru_cache


class PostKind(StrEnum):
    ORIGINAL = "original"
    RETWEET = "retweet"
    QUOTE = "quote"
    REPLY = "reply"


class Platform(StrEnum):
    TWITTER = "twitter"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"


PLATFORM_PREFIXES = (("did:", Platform.BLUESKY), ("at://", Platform.BLUESKY),
                     ("acct:", Platform.MASTODON), ("https://", Platform.MASTODON),
                     ("http://", Platform.MASTODON))


def platform_of(record_id: str) -> Platform:
    """The platform of an account or post id (twitter for ids without a platform prefix)."""
    for prefix, platform in PLATFORM_PREFIXES:
        if record_id.startswith(prefix):
            return platform
    return Platform.TWITTER


class EdgeKind(StrEnum):
    """The four account-to-account interactions, kept apart: a retweet endorses, a quote or
    a reply may mock, a mention names."""

    RETWEET = "retweet"
    QUOTE = "quote"
    REPLY = "reply"
    MENTION = "mention"


class LocationSource(StrEnum):
    PLACE = "place"
    COORDINATES = "coordinates"
    PROFILE = "profile"


@lru_cache(maxsize=65_536)
def normalize_tag(tag: str) -> str:
    """Hashtags match case-insensitively and across Unicode width.

    '#MyNYPD', 'mynypd' and the full-width '＃ＭｙＮＹＰＤ' all give 'mynypd'.
    """
    return unicodedata.normalize("NFKC", tag).strip().lstrip("#").casefold()


def handle_id(handle: str) -> str:
    """Stand-in id for an account known only by its handle."""
    return "@" + handle.lstrip("@").lower()


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    handle: str
    name: str = ""
    followers: int | None = None
    location_text: str = ""


@dataclass(frozen=True, slots=True)
class Place:
    """A tweet's place object (Twitter's own geotag), centre of its bounding box."""

    id: str
    full_name: str
    country_code: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class Post:
    id: str
    author_id: str
    created_at: datetime
    kind: PostKind = PostKind.ORIGINAL
    text: str = ""
    lang: str = ""
    # Two references, as the platforms have them: the post this one carries (retweeted or
    # quoted) and the post it answers. A quote can also be a reply and then counts as both;
    # a retweet is never a reply. ``kind`` names the first that applies (retweet, quote, reply).
    ref_id: str | None = None  # the retweeted or quoted post
    ref_author_id: str | None = None  # its author, when the data says who
    reply_to_id: str | None = None  # the post this one replies to
    reply_to_author_id: str | None = None  # its author, when the data says who
    mention_ids: tuple[str, ...] = ()  # mentions the author wrote; never the "RT @x:" prefix
    hashtags: tuple[str, ...] = ()  # lower-cased, without '#', in order, unique
    place: Place | None = None
    coordinates: tuple[float, float] | None = None  # (lat, lon)


@dataclass(frozen=True, slots=True)
class AccountEdge:
    """An aggregated account-to-account edge given as such (edge-list input)."""

    source_id: str
    target_id: str
    kind: EdgeKind
    weight: int = 1
    first_at: datetime | None = None
    last_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Deletion:
    """A post or repost its author deleted (a Bluesky ``delete`` commit), by id.

    The store removes the post, with its tags, mentions and share of the aggregated
    edges, and keeps the id, so no later load, reload or parallel slice stores it again.
    """

    id: str


@dataclass(frozen=True, slots=True)
class City:
    id: str  # GeoNames id
    name: str
    country: str  # ISO 3166-1 alpha-2
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Reject:
    """An input line or record that could not be read, and why."""

    source: str
    line: int
    reason: str
    raw: str = field(default="", repr=False)  # at most a few hundred characters


Record = Account | Post | AccountEdge | Deletion

"""What the Bluesky and Mastodon writers share: a tweet's text retold with platform handles,
and which quotes also reply."""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import blake2b

from tagjack.graph.simulation.world import QUOTE, Tweet

BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
QUOTE_REPLY_EVERY = 5  # one quote in five (by id) is posted as a reply to what it quotes


@dataclass(frozen=True, slots=True)
class Span:
    """A tag or mention in retold text: character and UTF-8 byte offsets, and what it names."""

    start: int
    end: int
    byte_start: int
    byte_end: int
    value: str | int  # the tag (without '#') or the account number


def replies_too(tw: Tweet) -> bool:
    """True for a quote that is also a reply to the post it quotes: a Bluesky post with both
    ``reply`` and a record embed, a Mastodon quote with ``in_reply_to_id``, as people write
    them on both platforms. The quote and the reply name the same account, so the story
    and its truth are the same; readers must keep both references.
    """
    return tw.kind == QUOTE and tw.ref is not None and tw.id % QUOTE_REPLY_EVERY == 0


def retold(tw: Tweet, handle_of) -> tuple[str, list[Span], list[Span]]:
    """The tweet's own text (no quote link) with each ``@handle`` written as ``handle_of(a)``.

    Returns the text, its tags and its mentions with offsets in that text.
    """
    text = tw.text
    if tw.url is not None:
        text = text[: len(text) - len(tw.url)].rstrip()
    marks = sorted([(s, e, "tag", t) for t, s, e in tw.tags if e <= len(text)]
                   + [(s, e, "mention", m) for m, s, e in tw.mentions if e <= len(text)])
    out: list[str] = []
    tags: list[Span] = []
    mentions: list[Span] = []
    at = chars = size = 0
    for start, end, kind, value in marks:
        if start < at:
            continue
        before = text[at:start]
        out.append(before)
        chars += len(before)
        size += len(before.encode())
        piece = text[start:end] if kind == "tag" else "@" + handle_of(value)
        span = Span(chars, chars + len(piece), size, size + len(piece.encode()), value)
        (tags if kind == "tag" else mentions).append(span)
        out.append(piece)
        chars += len(piece)
        size += len(piece.encode())
        at = end
    out.append(text[at:])
    return "".join(out), tags, mentions


def token(seed: str, length: int) -> str:
    """A stable base32 string from ``seed`` (DIDs, keys): same seed, same token."""
    digest = blake2b(seed.encode(), digest_size=20).digest()
    bits = int.from_bytes(digest, "big")
    return "".join(BASE32[(bits >> (5 * i)) & 31] for i in range(length))

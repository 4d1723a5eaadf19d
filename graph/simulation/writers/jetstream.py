"""The simulator's Bluesky writer: Jetstream v1 events, one a line, as a websocket client records them.

Each account appears first through an ``identity`` event (its handle,
``name.bsky.social``) and a profile commit (display name; its location, if any,
as the 📍 line of its description, the convention Bluesky users follow); then its
posts are ``app.bsky.feed.post`` commits (tags and mentions as facets, quotes as
``app.bsky.embed.record``, replies with ``reply.parent``, some quotes with both, coordinates as
``community.lexicon.embed.geo``) and its retweets ``app.bsky.feed.repost`` commits.
"""

from __future__ import annotations

from typing import Any

import orjson
from tagjack.graph.simulation.world import QUOTE, REPLY, RETWEET, Tweet, World
from tagjack.graph.simulation.writers.base import Writer
from tagjack.graph.simulation.writers.social import replies_too, retold, token

TID_DIGITS = "234567abcdefghijklmnopqrstuvwxyz"
PIN = "\U0001f4cd"


class JetstreamWriter(Writer):
    """Jetstream v1 JSON Lines."""

    def __init__(self, fh: Any, world: World) -> None:
        super().__init__(fh, world)
        self.known: set[int] = set()
        self.dids: dict[int, str] = {}
        self.seq = 0

    def platform_handle(self, handle: str) -> str:
        """``name.bsky.social``: Bluesky handles are domain names (no '_', lower case)."""
        return handle.lower().replace("_", "-") + ".bsky.social"

    def handle(self, a: int) -> str:
        return self.platform_handle(self.acc.handle[a])

    def did(self, a: int) -> str:
        found = self.dids.get(a)
        if found is None:
            found = self.dids[a] = "did:plc:" + token(self.acc.id[a], 24)
        return found

    def uri(self, tw: Tweet) -> str:
        collection = "app.bsky.feed.repost" if tw.kind == RETWEET else "app.bsky.feed.post"
        return f"at://{self.did(tw.author)}/{collection}/{self.tid(tw)}"

    def tid(self, tw: Tweet) -> str:
        """The record key: a TID of the post's time in microseconds, made unique by its id."""
        value = ((self.start_s * 1000 + tw.ms) * 1000 + tw.id % 1000) << 10 | tw.id % 1024
        return "".join(TID_DIGITS[(value >> (5 * i)) & 31] for i in range(12, -1, -1))

    def write(self, tw: Tweet) -> None:
        for a in (tw.author, *(m for m, _, _ in tw.mentions)):
            if a not in self.known:
                self.known.add(a)
                self._introduce(a, tw.ms)
        self._event(tw.author, tw.ms, tw.kind == RETWEET and "app.bsky.feed.repost"
                    or "app.bsky.feed.post", self.tid(tw), self.record(tw))

    def _introduce(self, a: int, ms: int) -> None:
        self.seq += 1
        time_us = (self.start_s * 1000 + ms) * 1000
        self.fh.write(orjson.dumps({
            "did": self.did(a), "time_us": time_us, "kind": "identity",
            "identity": {"did": self.did(a), "handle": self.handle(a), "seq": self.seq,
                         "time": self.v2_time(ms)}}, option=orjson.OPT_APPEND_NEWLINE))
        location = self.acc.location[a]
        profile = {"$type": "app.bsky.actor.profile", "displayName": self.acc.name[a],
                   "description": f"{PIN} {location}" if location else "",
                   "createdAt": self.v2_time(ms)}
        self._event(a, ms, "app.bsky.actor.profile", "self", profile)

    def _event(self, a: int, ms: int, collection: str, rkey: str, record: dict) -> None:
        self.fh.write(orjson.dumps({
            "did": self.did(a), "time_us": (self.start_s * 1000 + ms) * 1000, "kind": "commit",
            "commit": {"rev": rkey, "operation": "create", "collection": collection, "rkey": rkey,
                       "record": record, "cid": "bafyrei" + token(rkey + collection, 52)}},
            option=orjson.OPT_APPEND_NEWLINE))

    def record(self, tw: Tweet) -> dict:
        ref = tw.ref
        if tw.kind == RETWEET:
            return {"$type": "app.bsky.feed.repost", "createdAt": self.v2_time(tw.ms),
                    "subject": {"uri": self.uri(ref), "cid": "c"}}  # type: ignore[arg-type]
        text, tags, mentions = retold(tw, self.handle)
        facets = [{"index": {"byteStart": s.byte_start, "byteEnd": s.byte_end},
                   "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": s.value}]}
                  for s in tags]
        facets += [{"index": {"byteStart": s.byte_start, "byteEnd": s.byte_end},
                    "features": [{"$type": "app.bsky.richtext.facet#mention",
                                  "did": self.did(s.value)}]}  # type: ignore[arg-type]
                   for s in mentions]
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": self.v2_time(tw.ms),
                                  "langs": [tw.lang], "text": text}
        if facets:
            record["facets"] = facets
        if tw.kind == QUOTE and ref is not None:
            record["embed"] = {"$type": "app.bsky.embed.record",
                               "record": {"uri": self.uri(ref), "cid": "c"}}
        elif tw.coords is not None:
            lon, lat = tw.coords
            record["embed"] = {"$type": "community.lexicon.embed.geo",
                               "latitude": str(lat), "longitude": str(lon)}
        if (tw.kind == REPLY or replies_too(tw)) and ref is not None:  # no root kept: the parent stands in
            record["reply"] = {"root": {"uri": self.uri(ref), "cid": "c"},
                               "parent": {"uri": self.uri(ref), "cid": "c"}}
        return record

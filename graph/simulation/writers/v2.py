"""The simulator's twarc2 writer: API v2 search response pages, one a line."""

from __future__ import annotations

from hashlib import blake2b
from typing import Any

import orjson
from tagjack.graph.simulation.world import ORIGINAL, REPLY, RETWEET, Place, Tweet, World, iso
from tagjack.graph.simulation.writers.base import Writer, fragment

PAGE = 100  # tweets per v2 response page


class V2Writer(Writer):
    """twarc2 JSON Lines: each line one API v2 search response page, with expansions."""

    QUERY = ("https://api.twitter.com/2/tweets/search/all?expansions=author_id%2C"
             "in_reply_to_user_id%2Creferenced_tweets.id%2Creferenced_tweets.id.author_id%2C"
             "entities.mentions.username%2Cgeo.place_id&tweet.fields=author_id%2C"
             "conversation_id%2Ccreated_at%2Centities%2Cgeo%2Cid%2Cin_reply_to_user_id%2Clang"
             "%2Cpublic_metrics%2Ctext%2Cpossibly_sensitive%2Creferenced_tweets%2Creply_settings"
             "%2Csource&user.fields=created_at%2Cdescription%2Cid%2Clocation%2Cname%2C"
             "protected%2Cpublic_metrics%2Curl%2Cusername%2Cverified&place.fields=country%2C"
             "country_code%2Cfull_name%2Cgeo%2Cid%2Cname%2Cplace_type&max_results=100")

    def __init__(self, fh: Any, world: World) -> None:
        super().__init__(fh, world)
        self.users: dict[int, orjson.Fragment] = {}
        self.places = [fragment(self.place(p)) for p in world.places]
        self.data: list[orjson.Fragment] = []
        self.ids: list[int] = []
        self.page_users: dict[int, None] = {}
        self.page_tweets: dict[int, Tweet] = {}
        self.page_places: dict[int, None] = {}
        self.pending: dict | None = None
        self.pages = 0
        end = world.start_s + int(world.plan.hours * 3600)
        self.url = (f"{self.QUERY}&query={world.tag.replace('#', '%23')}"
                    f"&start_time={iso(world.start_s)}&end_time={iso(end)}")
        self.retrieved = end + 30 * 86400  # collected a month later

    def write(self, tw: Tweet) -> None:
        self.data.append(orjson.Fragment(orjson.dumps(self.tweet(tw))))
        self.ids.append(tw.id)
        self._expand(tw)
        ref = tw.ref
        if ref is not None:
            self.page_tweets[ref.id] = ref
            self._expand(ref)
        if len(self.data) == PAGE:
            self._flush()

    def _expand(self, tw: Tweet) -> None:
        users = self.page_users
        users[tw.author] = None
        for m, _, _ in tw.mentions:
            users[m] = None
        if tw.ref is not None:
            users[tw.ref.author] = None
        if tw.city >= 0:
            self.page_places[tw.city] = None

    def _flush(self) -> None:
        if not self.data:
            return
        includes: dict[str, list] = {"users": [self.user(a) for a in self.page_users]}
        if self.page_tweets:
            includes["tweets"] = [orjson.Fragment(orjson.dumps(self.tweet(t)))
                                  for t in self.page_tweets.values()]
        if self.page_places:
            includes["places"] = [self.places[c] for c in self.page_places]
        page = {"data": self.data, "includes": includes,
                "meta": {"newest_id": str(max(self.ids)), "oldest_id": str(min(self.ids)),
                         "result_count": len(self.data)}}
        self._emit(page)
        self.data, self.ids = [], []
        self.page_users, self.page_tweets, self.page_places = {}, {}, {}

    def _emit(self, page: dict | None) -> None:
        """Write the previous page, now that we know whether another follows it."""
        previous = self.pending
        if previous is not None:
            token = None
            if page is not None:
                token = blake2b(f"page{self.pages + 1}".encode(), digest_size=20).hexdigest()
                previous["meta"]["next_token"] = token
            url = self.url
            if self.pages:
                url += "&next_token=" + blake2b(f"page{self.pages}".encode(),
                                                digest_size=20).hexdigest()
            previous["__twarc"] = {"url": url, "version": "2.14.0",
                                   "retrieved_at": iso(self.retrieved + self.pages)[:-1]
                                   + "+00:00"}
            self.fh.write(orjson.dumps(previous, option=orjson.OPT_APPEND_NEWLINE))
            self.pages += 1
        self.pending = page

    def close(self) -> None:
        self._flush()
        self._emit(None)

    def user(self, a: int) -> orjson.Fragment:
        cached = self.users.get(a)
        if cached is None:
            cached = self.users[a] = fragment(self.user_dict(a))
        return cached

    def user_dict(self, a: int) -> dict:
        acc = self.acc
        uid = acc.id[a]
        d: dict[str, Any] = {
            "id": uid, "name": acc.name[a], "username": acc.handle[a],
            "created_at": iso(acc.created[a])[:-1] + ".000Z", "description": "",
        }
        if acc.location[a]:
            d["location"] = acc.location[a]
        d["profile_image_url"] = f"https://pbs.twimg.com/profile_images/{uid}/avatar_normal.jpg"
        d["protected"] = False
        d["public_metrics"] = {"followers_count": acc.followers[a],
                               "following_count": acc.friends[a],
                               "tweet_count": acc.statuses[a],
                               "listed_count": acc.followers[a] // 200}
        d["url"] = ""
        d["verified"] = acc.followers[a] > 1_000_000
        return d

    @staticmethod
    def place(p: Place) -> dict:
        return {"id": p.id, "full_name": p.full_name, "name": p.name, "place_type": "city",
                "country": p.country, "country_code": p.country_code,
                "geo": {"type": "Feature", "bbox": list(p.bbox), "properties": {}}}

    def tweet(self, tw: Tweet) -> dict:
        """The tweet object; an original's is kept, as pages include it again and again."""
        d = tw.cache
        if d is None:
            d = self._static(tw)
            if tw.kind == ORIGINAL:
                tw.cache = d
        d = d.copy()
        counted = tw.ref if tw.kind == RETWEET else tw
        d["public_metrics"] = self.metrics(counted)  # type: ignore[arg-type]
        return d

    def _static(self, tw: Tweet) -> dict:
        acc = self.acc
        sid = str(tw.id)
        ref = tw.ref
        d: dict[str, Any] = {"id": sid, "text": tw.text, "author_id": acc.id[tw.author],
                             "conversation_id": str(tw.conv), "created_at": self.v2_time(tw.ms),
                             "lang": tw.lang, "source": self.source(tw.author)[0],
                             "possibly_sensitive": False, "reply_settings": "everyone",
                             "edit_history_tweet_ids": [sid]}
        entities = self.entities(tw)
        if entities:
            d["entities"] = entities
        if ref is not None:
            kind = ("retweeted", "quoted", "replied_to")[tw.kind - 1]
            d["referenced_tweets"] = [{"type": kind, "id": str(ref.id)}]
            if tw.kind == REPLY:
                d["in_reply_to_user_id"] = acc.id[ref.author]
        if tw.city >= 0:
            geo: dict[str, Any] = {"place_id": self.w.places[tw.city].id}
            if tw.coords is not None:
                geo["coordinates"] = {"type": "Point", "coordinates": list(tw.coords)}
            d["geo"] = geo
        return d

    def entities(self, tw: Tweet) -> dict:
        acc = self.acc
        entities: dict[str, Any] = {}
        if tw.tags:
            entities["hashtags"] = [{"start": s, "end": e, "tag": t} for t, s, e in tw.tags]
        if tw.mentions:
            entities["mentions"] = [{"start": s, "end": e, "username": acc.handle[m],
                                     "id": acc.id[m]} for m, s, e in tw.mentions]
        if tw.url is not None:
            ref = tw.ref
            assert ref is not None
            entities["urls"] = [{"start": len(tw.text) - len(tw.url), "end": len(tw.text),
                                 "url": tw.url, "expanded_url": self.quoted_url(tw),
                                 "display_url": f"twitter.com/{acc.handle[ref.author]}/sta…"}]
        return entities

    @staticmethod
    def metrics(tw: Tweet) -> dict:
        return {"retweet_count": tw.rts, "reply_count": tw.replies,
                "like_count": 2 * tw.rts + tw.replies, "quote_count": tw.quotes}

"""The simulator's API v1.1 JSON Lines writer."""

from __future__ import annotations

from typing import Any

import orjson
from tagjack.graph.simulation.world import ORIGINAL, QUOTE, REPLY, RETWEET, Place, Tweet, World
from tagjack.graph.simulation.writers.base import Writer, fragment


class V1Writer(Writer):
    """API v1.1 JSON Lines, as the streaming API and twarc1 wrote them."""

    def __init__(self, fh: Any, world: World) -> None:
        super().__init__(fh, world)
        self.users: dict[int, orjson.Fragment] = {}
        self.places = [fragment(self._place(p)) for p in world.places]

    def write(self, tw: Tweet) -> None:
        self.fh.write(orjson.dumps(self.tweet(tw), option=orjson.OPT_APPEND_NEWLINE))

    def user(self, a: int) -> orjson.Fragment:
        cached = self.users.get(a)
        if cached is None:
            acc = self.acc
            uid = acc.id[a]
            cached = self.users[a] = fragment({
                "id": int(uid), "id_str": uid, "name": acc.name[a], "screen_name": acc.handle[a],
                "location": acc.location[a], "description": "", "url": None,
                "protected": False, "verified": acc.followers[a] > 1_000_000,
                "followers_count": acc.followers[a], "friends_count": acc.friends[a],
                "listed_count": acc.followers[a] // 200, "favourites_count": acc.statuses[a] // 3,
                "statuses_count": acc.statuses[a], "created_at": self.v1_time(
                    (acc.created[a] - self.start_s) * 1000),
                "utc_offset": None, "time_zone": None, "geo_enabled": acc.home[a] >= 0,
                "lang": "en", "default_profile": False, "default_profile_image": False,
                "profile_image_url_https":
                    f"https://pbs.twimg.com/profile_images/{uid}/avatar_normal.jpg",
            })
        return cached

    def _place(self, p: Place) -> dict:
        w, s, e, n = p.bbox
        return {"id": p.id, "url": f"https://api.twitter.com/1.1/geo/id/{p.id}.json",
                "place_type": "city", "name": p.name, "full_name": p.full_name,
                "country_code": p.country_code, "country": p.country,
                "contained_within": [], "attributes": {},
                "bounding_box": {"type": "Polygon",
                                 "coordinates": [[[w, s], [e, s], [e, n], [w, n]]]}}

    def tweet(self, tw: Tweet) -> dict:
        """The tweet object; an original's is kept, as retweets embed it again and again."""
        d = tw.cache
        if d is None:
            d = self._static(tw)
            if tw.kind == ORIGINAL:
                tw.cache = d
        d = d.copy()
        counted = tw.ref if tw.kind == RETWEET else tw  # a retweet shows its original's counts
        d["retweet_count"] = counted.rts  # type: ignore[union-attr]
        d["favorite_count"] = 2 * counted.rts + counted.replies  # type: ignore[union-attr]
        d["favorited"] = False
        d["retweeted"] = False
        d["lang"] = tw.lang
        return d

    def _static(self, tw: Tweet) -> dict:
        acc = self.acc
        sid = str(tw.id)
        ref = tw.ref
        kind = tw.kind
        entities: dict[str, Any] = {
            "hashtags": [{"text": t, "indices": [s, e]} for t, s, e in tw.tags],
            "symbols": [],
            "user_mentions": [{"screen_name": acc.handle[m], "name": acc.name[m],
                               "id": int(acc.id[m]), "id_str": acc.id[m], "indices": [s, e]}
                              for m, s, e in tw.mentions],
            "urls": [],
        }
        if tw.url is not None:
            start = len(tw.text) - len(tw.url)
            entities["urls"].append({"url": tw.url, "expanded_url": self.quoted_url(tw),
                                     "display_url": f"twitter.com/{acc.handle[ref.author]}/sta…",  # type: ignore[union-attr]
                                     "indices": [start, len(tw.text)]})
        name, link = self.source(tw.author)
        reply = kind == REPLY and ref is not None
        d: dict[str, Any] = {
            "created_at": self.v1_time(tw.ms), "id": tw.id, "id_str": sid,
            "full_text": tw.text, "text": tw.text, "truncated": False,
            "display_text_range": [0, len(tw.text)], "entities": entities,
            "source": f'<a href="{link}" rel="nofollow">{name}</a>',
            "in_reply_to_status_id": ref.id if reply else None,  # type: ignore[union-attr]
            "in_reply_to_status_id_str": str(ref.id) if reply else None,  # type: ignore[union-attr]
            "in_reply_to_user_id": int(acc.id[ref.author]) if reply else None,  # type: ignore[union-attr]
            "in_reply_to_user_id_str": acc.id[ref.author] if reply else None,  # type: ignore[union-attr]
            "in_reply_to_screen_name": acc.handle[ref.author] if reply else None,  # type: ignore[union-attr]
            "user": self.user(tw.author),
            "geo": None, "coordinates": None, "place": None, "contributors": None,
            "is_quote_status": kind == QUOTE,
        }
        if tw.coords is not None:
            lon, lat = tw.coords
            d["geo"] = {"type": "Point", "coordinates": [lat, lon]}
            d["coordinates"] = {"type": "Point", "coordinates": [lon, lat]}
        if tw.city >= 0:
            d["place"] = self.places[tw.city]
        if kind == RETWEET:
            d["retweeted_status"] = self.tweet(ref)  # type: ignore[arg-type]
        elif kind == QUOTE:
            d["quoted_status_id"] = ref.id  # type: ignore[union-attr]
            d["quoted_status_id_str"] = str(ref.id)  # type: ignore[union-attr]
            d["quoted_status"] = self.tweet(ref)  # type: ignore[arg-type]
        return d

"""The simulator's CSV writer: twarc-csv's default columns."""

from __future__ import annotations

import csv
import json
from typing import Any

from tagjack.graph.simulation.world import RETWEET, Tweet, World, iso
from tagjack.graph.simulation.writers.v2 import V2Writer

# twarc-csv's DEFAULT_TWEET_COLUMNS (DocNow/twarc-csv, dataframe_converter.py)
CSV_COLUMNS = """id conversation_id referenced_tweets.replied_to.id referenced_tweets.retweeted.id
referenced_tweets.quoted.id author_id in_reply_to_user_id in_reply_to_username retweeted_user_id
retweeted_username quoted_user_id quoted_username created_at text lang source
public_metrics.impression_count public_metrics.reply_count public_metrics.retweet_count
public_metrics.quote_count public_metrics.like_count public_metrics.bookmark_count reply_settings
edit_history_tweet_ids edit_controls.edits_remaining edit_controls.editable_until
edit_controls.is_edit_eligible possibly_sensitive withheld.scope withheld.copyright
withheld.country_codes entities.annotations entities.cashtags entities.hashtags entities.mentions
entities.urls context_annotations attachments.media attachments.media_keys
attachments.poll.duration_minutes attachments.poll.end_datetime attachments.poll.id
attachments.poll.options attachments.poll.voting_status attachments.poll_ids author.id
author.created_at author.username author.name author.description
author.entities.description.cashtags author.entities.description.hashtags
author.entities.description.mentions author.entities.description.urls author.entities.url.urls
author.url author.location author.pinned_tweet_id author.profile_image_url author.protected
author.public_metrics.followers_count author.public_metrics.following_count
author.public_metrics.listed_count author.public_metrics.tweet_count author.verified
author.verified_type author.withheld.scope author.withheld.copyright author.withheld.country_codes
geo.coordinates.coordinates geo.coordinates.type geo.country geo.country_code geo.full_name
geo.geo.bbox geo.geo.type geo.id geo.name geo.place_id geo.place_type matching_rules
__twarc.retrieved_at __twarc.url __twarc.version""".split()


COL = {name: i for i, name in enumerate(CSV_COLUMNS)}
AUTHOR_COLUMNS = ("id", "created_at", "username", "name", "description", "location",
                  "profile_image_url", "protected", "public_metrics.followers_count",
                  "public_metrics.following_count", "public_metrics.listed_count",
                  "public_metrics.tweet_count", "url", "verified")


class CsvWriter(V2Writer):
    """twarc-csv's default output of the v2 pages: one row per tweet, default columns.

    As twarc-csv does by default (--merge-retweets), a retweet's row carries
    its original's text, entities and metrics; lists are JSON strings
    (``["#MyNYPD"]``, ``["@handle"]``), booleans ``True``/``False``.
    """

    def __init__(self, fh: Any, world: World) -> None:
        super().__init__(fh, world)
        self.csv = csv.writer(fh, lineterminator="\n")
        self.csv.writerow(CSV_COLUMNS)
        template: list[Any] = [""] * len(CSV_COLUMNS)
        for name, value in (("reply_settings", "everyone"), ("possibly_sensitive", False),
                            ("author.url", ""), ("author.description", ""),
                            ("author.protected", False),
                            ("__twarc.retrieved_at", iso(self.retrieved)[:-1] + "+00:00"),
                            ("__twarc.url", self.url), ("__twarc.version", "2.14.0")):
            template[COL[name]] = value
        self.template = template
        self.author_at = [COL[f"author.{c}"] for c in AUTHOR_COLUMNS]

    def write(self, tw: Tweet) -> None:
        self.csv.writerow(self.row(tw))

    def close(self) -> None:
        pass

    def row(self, tw: Tweet) -> list[Any]:
        acc = self.acc
        row = self.template.copy()
        sid = str(tw.id)
        a = tw.author
        row[COL["id"]] = sid
        row[COL["conversation_id"]] = str(tw.conv)
        row[COL["author_id"]] = acc.id[a]
        row[COL["created_at"]] = self.v2_time(tw.ms)
        row[COL["lang"]] = tw.lang
        row[COL["source"]] = self.source(a)[0]
        row[COL["edit_history_tweet_ids"]] = f'["{sid}"]'
        shown = tw
        ref = tw.ref
        if ref is not None:
            kind = ("retweeted", "quoted", "replied_to")[tw.kind - 1]
            prefix = ("retweeted", "quoted", "in_reply_to")[tw.kind - 1]
            row[COL[f"referenced_tweets.{kind}.id"]] = str(ref.id)
            row[COL[f"{prefix}_user_id"]] = acc.id[ref.author]
            row[COL[f"{prefix}_username"]] = acc.handle[ref.author]
            if tw.kind == RETWEET:  # --merge-retweets: the original's text, entities, metrics
                shown = ref
        row[COL["text"]] = shown.text
        if shown.tags:
            row[COL["entities.hashtags"]] = json.dumps(["#" + t for t, _, _ in shown.tags])
        if shown.mentions:
            row[COL["entities.mentions"]] = json.dumps(["@" + acc.handle[m]
                                                        for m, _, _ in shown.mentions])
        if shown.url is not None:
            row[COL["entities.urls"]] = json.dumps([self.quoted_url(shown)])
        row[COL["public_metrics.retweet_count"]] = shown.rts
        row[COL["public_metrics.reply_count"]] = shown.replies
        row[COL["public_metrics.like_count"]] = 2 * shown.rts + shown.replies
        row[COL["public_metrics.quote_count"]] = shown.quotes
        for at, value in zip(self.author_at, self.author_values(a), strict=True):
            row[at] = value
        if tw.city >= 0:
            self.geo(row, tw)
        return row

    def author_values(self, a: int) -> tuple[Any, ...]:
        acc = self.acc
        uid = acc.id[a]
        return (uid, iso(acc.created[a])[:-1] + ".000Z", acc.handle[a], acc.name[a], "",
                acc.location[a], f"https://pbs.twimg.com/profile_images/{uid}/avatar_normal.jpg",
                False, acc.followers[a], acc.friends[a], acc.followers[a] // 200,
                acc.statuses[a], "", acc.followers[a] > 1_000_000)

    def geo(self, row: list[Any], tw: Tweet) -> None:
        p = self.w.places[tw.city]
        for name, value in (("geo.place_id", p.id), ("geo.id", p.id), ("geo.name", p.name),
                            ("geo.full_name", p.full_name), ("geo.country", p.country),
                            ("geo.country_code", p.country_code), ("geo.place_type", "city"),
                            ("geo.geo.type", "Feature"), ("geo.geo.bbox", json.dumps(list(p.bbox)))):
            row[COL[name]] = value
        if tw.coords is not None:
            row[COL["geo.coordinates.type"]] = "Point"
            row[COL["geo.coordinates.coordinates"]] = json.dumps(list(tw.coords))

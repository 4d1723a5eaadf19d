"""The simulator's Mastodon writer: Status entities, one a line, as one instance served them.

A collector following the tag from ``mastodon.social`` sees every status with that
instance's local ids; accounts live on a few instances (``acct`` is bare for
mastodon.social's own), their location is a ``Location`` profile field, content is
HTML. A retweet is a boost (``reblog`` holds the original), a quote a 4.4 quote
(``quote.quoted_status``), a reply carries ``in_reply_to_id`` and mentions whom it answers;
some quotes reply to what they quote too (``social.replies_too``).
"""

from __future__ import annotations

from html import escape
from typing import Any

import orjson
from tagjack.graph.simulation.world import QUOTE, REPLY, RETWEET, Tweet, World
from tagjack.graph.simulation.writers.base import Writer
from tagjack.graph.simulation.writers.social import replies_too, retold

SERVER = "mastodon.social"
INSTANCES = (SERVER, SERVER, "mas.to", "kolektiva.social", "hachyderm.io", "mstdn.social")


class MastodonWriter(Writer):
    """Mastodon Status entities as JSON Lines."""

    def __init__(self, fh: Any, world: World) -> None:
        super().__init__(fh, world)
        self.accounts: dict[int, dict] = {}

    def instance(self, handle: str) -> str:
        return INSTANCES[sum(handle.lower().encode()) % len(INSTANCES)]

    def platform_handle(self, handle: str) -> str:
        """``user@instance``, the global form of an ``acct``."""
        return f"{handle}@{self.instance(handle)}"

    def acct(self, a: int) -> str:
        handle = self.acc.handle[a]
        instance = self.instance(handle)
        return handle if instance == SERVER else f"{handle}@{instance}"

    def profile_url(self, a: int) -> str:
        handle = self.acc.handle[a]
        return f"https://{self.instance(handle)}/@{handle}"

    def write(self, tw: Tweet) -> None:
        self.fh.write(orjson.dumps(self.status(tw), option=orjson.OPT_APPEND_NEWLINE))

    def account(self, a: int) -> dict:
        found = self.accounts.get(a)
        if found is None:
            acc = self.acc
            handle = acc.handle[a]
            instance = self.instance(handle)
            fields = [{"name": "Location", "value": escape(acc.location[a]), "verified_at": None}] \
                if acc.location[a] else []
            found = self.accounts[a] = {
                "id": acc.id[a], "username": handle, "acct": self.acct(a),
                "display_name": acc.name[a], "locked": False, "bot": False,
                "created_at": self.v2_time((acc.created[a] - self.start_s) * 1000),
                "note": "", "url": self.profile_url(a), "uri": f"https://{instance}/users/{handle}",
                "followers_count": acc.followers[a], "following_count": acc.friends[a],
                "statuses_count": acc.statuses[a], "fields": fields}
        return found

    def status(self, tw: Tweet) -> dict:
        acc = self.acc
        handle = acc.handle[tw.author]
        instance = self.instance(handle)
        ref = tw.ref
        sid = str(tw.id)
        status: dict[str, Any] = {
            "id": sid, "created_at": self.v2_time(tw.ms), "in_reply_to_id": None,
            "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "",
            "visibility": "public", "language": tw.lang,
            "uri": f"https://{instance}/users/{handle}/statuses/{sid}",
            "url": f"https://{instance}/@{handle}/{sid}",
            "replies_count": tw.replies, "reblogs_count": tw.rts, "favourites_count": 2 * tw.rts,
            "content": "", "reblog": None, "account": self.account(tw.author),
            "media_attachments": [], "mentions": [], "tags": [], "emojis": [], "quote": None,
        }
        if tw.kind == RETWEET and ref is not None:
            status["uri"] += "/activity"
            status["url"] = None
            status["reblog"] = self.status(ref)
            return status
        text, tags, mentions = retold(tw, lambda a: self.acct(a))
        status["content"] = self.html(text, tags, mentions)
        status["tags"] = [{"name": str(s.value).lower(), "url": f"https://{SERVER}/tags/{s.value}"}
                          for s in tags]
        status["mentions"] = [{"id": acc.id[m], "username": acc.handle[m], "url": self.profile_url(m),
                               "acct": self.acct(m)}
                              for m in dict.fromkeys(int(s.value) for s in mentions)]
        if (tw.kind == REPLY or replies_too(tw)) and ref is not None:
            status["in_reply_to_id"] = str(ref.id)
            status["in_reply_to_account_id"] = acc.id[ref.author]
        if tw.kind == QUOTE and ref is not None:
            status["quote"] = {"state": "accepted", "quoted_status": self.status(ref)}
        return status

    def html(self, text: str, tags: list, mentions: list) -> str:
        """The text as Mastodon renders it: tags and mentions as links, in one paragraph."""
        marks = sorted([(s.start, s.end, "tag", s.value) for s in tags]
                       + [(s.start, s.end, "mention", s.value) for s in mentions])
        out, at = ["<p>"], 0
        for start, end, kind, value in marks:
            out.append(escape(text[at:start]))
            if kind == "tag":
                out.append(f'<a href="https://{SERVER}/tags/{escape(str(value).lower())}" '
                           f'class="mention hashtag" rel="tag">#<span>{escape(str(value))}</span></a>')
            else:
                out.append(f'<span class="h-card"><a href="{self.profile_url(value)}" '
                           f'class="u-url mention">@<span>{escape(self.acc.handle[value])}</span></a></span>')
            at = end
        out.append(escape(text[at:]) + "</p>")
        return "".join(out)

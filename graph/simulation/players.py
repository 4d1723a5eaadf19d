"""How the players act: minute by minute, each community's accounts post, retweet, quote,
reply and mention as their kind does, and every tweet goes to the writer in time order."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from hashlib import blake2b
from random import Random

import numpy as np
from tagjack.graph.simulation import scenario as sc
from tagjack.graph.simulation.world import (
    HAS_ANY,
    HAS_TAG,
    ORIGINAL,
    QUOTE,
    REPLY,
    RETWEET,
    Group,
    Tweet,
    World,
)
from tagjack.graph.simulation.writers.base import Writer

TWEPOCH_MS = 1288834974657  # Twitter's snowflake epoch
BIN_MS = 60_000
POOL = 256  # recent originals kept per community for retweets and replies
GLOBAL_POOL = 1024
RECENT = 2000  # deliveries a duplicate may repeat
PROGRESS_EVERY = 10_000

# (retweet, quote, reply) shares of each community's posts; the rest are originals
KINDS = {"campaign": (0.52, 0.04, 0.10), "hijack": (0.62, 0.06, 0.06),
         "city": (0.58, 0.05, 0.07), "chatter": (0.18, 0.0, 0.10), "bots": (1.0, 0.0, 0.0)}
MENTION_RATE = 0.2
LEAD_PROB = {"campaign": 0.55, "hijack": 0.85, "city": 0.45}  # home retweets aimed at leaders
HUB_PULL = 0.9  # retweets from other communities into the hijack go to its hubs
CALL_REPLIES = 0.02  # hijack replies aimed at the origin's call for photos
ORIGIN_MENTIONS = 0.02  # hijack mentions of the origin

# hour of day (local) -> relative activity
DIURNAL = np.array([0.55, 0.40, 0.28, 0.20, 0.16, 0.17, 0.25, 0.38, 0.50, 0.58, 0.64, 0.68,
                    0.72, 0.74, 0.75, 0.77, 0.80, 0.84, 0.88, 0.93, 0.98, 1.00, 0.95, 0.78])
TAG_RE = re.compile(r"(?<![\w&])#(\w+)")
MENTION_RE = re.compile(r"(?<!\w)@(\w{1,15})")


class Player:
    """Draws the tweets minute by minute and hands each to the writer, in time order."""

    def __init__(self, world: World, writer: Writer, *, seed: int,
                 progress: Callable[[int], None] | None) -> None:
        self.w = world
        self.writer = writer
        self.progress = progress
        self.r = Random(f"{seed}:play")
        self.nr = np.random.default_rng([seed, 11])
        self.seq = 0
        self.written = 0
        self.pools: list[list[Tweet]] = [[] for _ in world.groups]
        self.pool_pos = [0] * len(world.groups)
        self.everyone: list[Tweet] = []
        self.everyone_pos = 0
        self.latest: dict[int, list[Tweet]] = {a: [] for g in world.groups for a in g.leaders}
        self.latest[world.ring_target] = []
        self.recent: list[Tweet] = []
        self.joined = bytearray(len(world.accounts))
        self.dunk_due = bytearray(len(world.accounts))  # hijackers still to mock the origin
        self.recent_pos = 0
        self.call: Tweet | None = None
        self.seed = seed
        self.pushed: dict[int, Tweet | None] = {}  # push -> the post the coordinated group pushes
        plan = world.plan
        self.start_ms = world.start_s * 1000
        self.hijack_min = plan.hijack_delay_minutes
        self.city_min = [0.0] + [c.delay_hours * 60 for c in plan.cities]
        # the NYPD's own call spelled it #myNYPD
        self.call_tag = "#myNYPD" if world.tag_lower == "mynypd" else world.tag

    # ---- schedule

    def play(self) -> None:
        planted = self._planted()
        n_bins = int(self.w.plan.hours * 60)
        rest = self.w.tweets - len(planted)
        counts = self._counts(n_bins, rest)
        planted.sort(key=lambda e: e[0])
        next_planted = 0
        groups_index = np.arange(len(self.w.groups))
        for b in range(n_bins):
            row = counts[b]
            n = int(row.sum())
            seq = np.repeat(groups_index, row)
            self.nr.shuffle(seq)
            offsets = np.sort(self.nr.integers(0, BIN_MS, n)) + b * BIN_MS
            for g, ms in zip(seq.tolist(), offsets.tolist(), strict=True):
                while next_planted < len(planted) and planted[next_planted][0] <= ms:
                    self._planted_event(*planted[next_planted])
                    next_planted += 1
                self._slot(g, ms)
        for event in planted[next_planted:]:
            self._planted_event(*event)
        if self.progress is not None and self.written % PROGRESS_EVERY:
            self.progress(self.written)

    def _planted(self) -> list[tuple]:
        """Events at fixed times: (ms since start, what, account[, push])."""
        w = self.w
        h = int(self.hijack_min * BIN_MS)
        events = [(0, "call", w.origin), (h + 30_000, "hub", w.amplifiers[0])]
        for k, a in enumerate(w.amplifiers[1:], start=1):
            events.append((h + (1 + 3 * k) * BIN_MS + 20_000, "amplifier", a))
        events.append((h + 45 * BIN_MS + 10_000, "celebrity", w.celebrity))
        events.append((h + 59 * BIN_MS, "ring", w.ring_target))
        for k, g in enumerate(w.groups[2:2 + len(w.plan.cities)], start=1):
            events.append((int(self.city_min[k] * BIN_MS) + 30_000, "seed", g.seed))
        return events + self._pushes()

    def _pushes(self) -> list[tuple[int, str, int, int]]:
        """The coordinated group's retweets: at each push most members retweet within seconds."""
        w = self.w
        plan = w.plan
        r = Random(f"{self.seed}:pushes")
        first, last = (self.hijack_min + 30) * BIN_MS, (plan.hours * 60 - 30) * BIN_MS
        events = []
        for push in range(plan.coordinated_pushes if w.coordinated else 0):
            at = int(r.uniform(first, last))
            for a in w.coordinated:
                if r.random() < 0.85:
                    events.append((at + int(r.uniform(0, plan.coordinated_spread_s * 1000)),
                                   "coordinated", a, push))
        return events

    def _counts(self, n_bins: int, rest: int) -> np.ndarray:
        """Tweets per minute and group: a multinomial draw over the groups' activity curves."""
        w = self.w
        plan = w.plan
        t = np.arange(n_bins, dtype=float)  # minute of each bin's start
        start_hour = (w.start_s % 86400) / 3600

        def diurnal(offset: int) -> np.ndarray:
            hours = (start_hour + t / 60 + offset) % 24
            return DIURNAL[hours.astype(int)]

        def burst(onset: float, ramp: float, power: float, floor: float, decay: float,
                  offset: int) -> np.ndarray:
            x = t - onset
            rise = np.clip(x / ramp, 0, 1) ** power
            after = floor + (1 - floor) * np.exp(-np.maximum(x - ramp, 0) / decay)
            shape = rise * after * diurnal(offset)
            shape[t < onset + 1] = 0  # planted first posts open each burst
            return shape

        shapes = [burst(0, 15, 1, 0.15, 300, plan.home.utc_offset),
                  burst(self.hijack_min, 40, 2, 0.2, 360, plan.home.utc_offset)]
        for k, city in enumerate(plan.cities, start=1):
            shapes.append(burst(self.city_min[k], 20, 1, 0.12, 300, city.utc_offset))
        shares = np.asarray(plan.shares(), dtype=float)
        shares = shares / shares.sum()
        labelled = sum(_normalised(s) * share for s, share in zip(shapes, shares, strict=False))
        background = labelled * (t >= 10)
        shapes += [background, background,
                   burst(self.hijack_min + 60, 30, 1, 0.2, 360, plan.home.utc_offset)]
        p = np.stack([_normalised(s) * share for s, share in zip(shapes, shares, strict=True)],
                     axis=1)
        p = (p / p.sum()).ravel()
        return self.nr.multinomial(rest, p).reshape(n_bins, len(shapes))

    # ---- one tweet

    def _planted_event(self, ms: int, what: str, a: int, push: int = 0) -> None:
        w = self.w
        g = w.groups[w.accounts.group[a]]
        if what == "coordinated":
            target = self.pushed.get(push)
            if target is None or target.author == a:
                target = self._pick(self.pools[w.hijack.index], a)
                self.pushed.setdefault(push, target)
            tw = (self._retweet(a, ms, target) if target is not None
                  else self._original(a, ms, g))
        elif what == "call":
            tw = self._make(a, ms, ORIGINAL, sc.CALL.format(tag=self.call_tag), "en")
            self.call = tw
        elif what == "hub":
            tw = self._make(a, ms, ORIGINAL, sc.HUB_CALL.format(tag=w.tag), "en")
        elif what == "ring":
            tw = self._make(a, ms, ORIGINAL, self.r.choice(sc.RING).format(tag=w.tag), "en")
        elif what == "seed":
            text, lang = self._body(g)
            variant = g.plan.variant  # type: ignore[union-attr]
            tw = self._make(a, ms, ORIGINAL, f"{text} {variant} {w.tag}", lang)
        else:
            text, lang = self._body(g)
            tw = self._make(a, ms, ORIGINAL, f"{text} {w.tag}", lang)
        self._posted(tw, g)

    def _slot(self, g: int, ms: int) -> None:
        r = self.r
        if self.recent and r.random() < self.w.plan.duplicate_rate:
            self._deliver(self.recent[r.randrange(len(self.recent))], duplicate=True)
            return
        group = self.w.groups[g]
        if group.kind == "ring":
            self._ring(group, ms)
            return
        author = group.author(self.nr)
        if group.label is not None and not self.joined[author]:
            self.joined[author] = 1
            if group.kind == "hijack" and r.random() < self.w.plan.dunk:
                self.dunk_due[author] = 1
            target = self._leader_post(group, author)
            if target is not None:  # one joins by retweeting a hub of one's community
                self._posted(self._retweet(author, ms, target), group)
                return
        if self.dunk_due[author]:
            self.dunk_due[author] = 0
            self._dunk(author, ms, group)
            return
        rt, quote, reply = KINDS.get(group.kind, KINDS["city"])
        u = r.random()
        if u < rt:
            target = self._target(group, author)
            if target is not None:
                self._posted(self._retweet(author, ms, target), group)
                return
        elif u < rt + quote:
            target = self._target(group, author)
            if target is not None:
                self._posted(self._quote(author, ms, target, group), group)
                return
        elif u < rt + quote + reply:
            target = self._reply_target(group, author)
            if target is not None:
                self._posted(self._reply(author, ms, target, group), group)
                return
        self._posted(self._original(author, ms, group), group)

    def _dunk(self, author: int, ms: int, group: Group) -> None:
        """A hijacker quotes or replies to the origin's latest tagged post, once, to mock it."""
        target = self.latest_of(self.w.origin) or self.call
        if target is None:
            self._posted(self._original(author, ms, group), group)
        elif self.r.random() < 0.5:
            self._posted(self._quote(author, ms, target, group), group)
        else:
            self._posted(self._reply(author, ms, target, group), group)

    def _ring(self, group: Group, ms: int) -> None:
        """The ring: its members retweet the target's latest post, over and over."""
        a = group.author(self.nr)
        target = self.w.ring_target
        latest = self.latest_of(target)
        if a == target or latest is None:
            text = self.r.choice(sc.RING).format(tag=self._tag_spelling())
            self._posted(self._make(target, ms, ORIGINAL, text, "en"), group)
        else:
            self._posted(self._retweet(a, ms, latest), group)

    def _leader_post(self, group: Group, author: int) -> Tweet | None:
        tw = self.latest_of(group.leader(self.r.random()))
        return tw if tw is not None and tw.author != author else None

    def latest_of(self, a: int) -> Tweet | None:
        mine = self.latest.get(a)
        return mine[-1] if mine else None

    def _posted(self, tw: Tweet, group: Group) -> None:
        """Deliver a new tweet; keep originals where later posts can refer to them."""
        if tw.kind == ORIGINAL:
            a = tw.author
            if a in self.latest:
                mine = self.latest[a]
                mine.append(tw)
                if len(mine) > 3:
                    del mine[0]
            if group.kind != "bots":
                g = group.index
                pool = self.pools[g]
                if len(pool) < POOL:
                    pool.append(tw)
                else:
                    pool[self.pool_pos[g]] = tw
                    self.pool_pos[g] = (self.pool_pos[g] + 1) % POOL
                if len(self.everyone) < GLOBAL_POOL:
                    self.everyone.append(tw)
                else:
                    self.everyone[self.everyone_pos] = tw
                    self.everyone_pos = (self.everyone_pos + 1) % GLOBAL_POOL
        self._deliver(tw, duplicate=False)

    def _deliver(self, tw: Tweet, *, duplicate: bool) -> None:
        self.writer.write(tw)
        self.written += 1
        if not duplicate:
            self.w.truth.see(tw)
            if len(self.recent) < RECENT:
                self.recent.append(tw)
            else:
                self.recent[self.recent_pos] = tw
                self.recent_pos = (self.recent_pos + 1) % RECENT
        if self.progress is not None and self.written % PROGRESS_EVERY == 0:
            self.progress(self.written)

    # ---- choosing whom to retweet, quote, reply to, mention

    def _cross_group(self, group: Group) -> Group:
        """Another community that has posted already, by the group's cross weights."""
        pools = self.pools
        open_ = [(index, weight) for index, weight in group.cross if pools[index]]
        if not open_:
            return group
        u = self.r.random() * sum(weight for _, weight in open_)
        for index, weight in open_:
            u -= weight
            if u < 0:
                return self.w.groups[index]
        return self.w.groups[open_[-1][0]]

    def _target(self, group: Group, author: int) -> Tweet | None:
        """An earlier original to retweet or quote: a hub's, or a recent one of a community."""
        r = self.r
        w = self.w
        if group.kind in ("bots", "chatter"):
            if r.random() < 0.4:
                tw = self.latest_of(w.hijack.leader(r.random()))
                if tw is not None and tw.author != author:
                    return tw
            return self._pick(self.everyone, author)
        target = group
        if r.random() < w.roam[author]:
            target = self._cross_group(group)
        if target is group:
            lead = LEAD_PROB[group.kind]
        elif target.kind == "hijack":
            lead = HUB_PULL
        elif target.kind == "campaign":
            lead = 0.0  # outsiders do not endorse the origin
        else:
            lead = LEAD_PROB[target.kind]
        if target.leaders and r.random() < lead:
            tw = self.latest_of(target.leader(r.random()))
            if tw is not None and tw.author != author:
                return tw
        tw = self._pick(self.pools[target.index], author)
        if tw is None and target is not group:
            tw = self._pick(self.pools[group.index], author)
        return tw

    def _pick(self, pool: list[Tweet], author: int) -> Tweet | None:
        if not pool:
            return None
        tw = pool[self.r.randrange(len(pool))]
        return None if tw.author == author else tw

    def _reply_target(self, group: Group, author: int) -> Tweet | None:
        r = self.r
        if group.kind == "hijack" and r.random() < CALL_REPLIES:
            return self.call
        if group.kind in ("chatter", "bots"):
            return self._pick(self.everyone, author)
        target = group
        if r.random() < self.w.roam[author]:
            target = self._cross_group(group)
        return self._pick(self.pools[target.index], author) or self._pick(
            self.pools[group.index], author)

    def _mention(self, group: Group, author: int) -> int | None:
        r = self.r
        w = self.w
        if group.kind == "campaign" and r.random() < 0.4:
            return w.origin if author != w.origin else None
        if group.kind == "hijack" and r.random() < ORIGIN_MENTIONS:
            return w.origin
        target = group
        if r.random() < w.roam[author]:
            target = self._cross_group(group)
        if target.leaders and r.random() < 0.5:
            a = target.leader(r.random())
            if self.latest_of(a) is not None:
                return a if a != author else None
        tw = self._pick(self.pools[target.index], author)
        return tw.author if tw is not None else None

    # ---- texts

    def _tag_spelling(self) -> str:
        u = self.r.random()
        if u < 0.85:
            return self.w.tag
        return "#" + (self.w.tag_lower if u < 0.95 else self.w.tag_lower.upper())

    def _tags(self, group: Group) -> list[str]:
        r = self.r
        kind = group.kind
        tags: list[str] = []
        if kind == "city":
            variant = group.plan.variant  # type: ignore[union-attr]
            if r.random() < 0.92:
                tags.append(variant if r.random() < 0.85 else variant.lower())
            if not tags or r.random() < 0.5:
                tags.append(self._tag_spelling())
        elif kind == "campaign":  # many copy the spelling of the call
            tags.append(self.call_tag if r.random() < 0.4 else self._tag_spelling())
        elif r.random() < 0.97:
            tags.append(self._tag_spelling())
        co = sc.CO_TAGS.get(kind)
        if co and r.random() < 0.12:
            tags.append(r.choice(co))
        return tags

    def _body(self, group: Group) -> tuple[str, str]:
        r = self.r
        kind = group.kind
        if kind == "campaign":
            closer = r.choice(sc.CAMPAIGN_CLOSERS)
            text = f"{r.choice(sc.CAMPAIGN_OPENERS)} {r.choice(sc.CAMPAIGN_OBJECTS)}"
            return (f"{text}. {closer}" if closer else text), "en"
        if kind == "hijack":
            return _joined(r.choice(sc.HIJACK_OPENERS), r.choice(sc.HIJACK_SUBJECTS),
                           r.choice(sc.HIJACK_ACTIONS), r.choice(sc.HIJACK_PLACES)), "en"
        if kind == "city":
            plan = group.plan
            assert plan is not None
            if plan.lang == "el":
                return r.choice(sc.GREEK), "el"
            if plan.lang == "es":
                return r.choice(sc.SPANISH), "es"
            return _joined(r.choice(sc.CITY_OPENERS).format(city=plan.city),
                           r.choice(sc.HIJACK_SUBJECTS), r.choice(sc.HIJACK_ACTIONS),
                           r.choice(sc.CITY_PLACES)), "en"
        return r.choice(sc.CHATTER), "en"

    def _comment(self, group: Group, bank: str) -> str:
        kind = group.kind if group.kind in ("campaign", "hijack") else "city"
        options = getattr(sc, f"{kind.upper()}_{bank}")
        text = self.r.choice(options)
        return text.format(city=group.plan.city) if group.plan is not None else text

    # ---- building tweets

    def _make(self, author: int, ms: int, kind: int, text: str, lang: str,
              ref: Tweet | None = None) -> Tweet:
        tags = [(m.group(1), m.start(), m.end()) for m in TAG_RE.finditer(text)]
        by_handle = self.w.accounts.by_handle
        mentions = [(by_handle[m.group(1).lower()], m.start(), m.end())
                    for m in MENTION_RE.finditer(text)]
        tw = Tweet(self._id(ms), ms, author, kind, text, lang, tags, mentions, ref,
                   self._flags(tags))
        self._geo(tw)
        return tw

    def _flags(self, tags: list) -> int:
        flags = 0
        for tag, _, _ in tags:
            low = tag.lower()
            if low == self.w.tag_lower:
                flags |= HAS_TAG | HAS_ANY
            elif low in self.w.variant_lower:
                flags |= HAS_ANY
        return flags

    def _id(self, ms: int) -> int:
        """Snowflake: creation time in the high bits, so ids sort with time."""
        self.seq += 1
        return ((self.start_ms + ms - TWEPOCH_MS) << 22) | (self.seq & 0x3FFFFF)

    def _geo(self, tw: Tweet) -> None:
        r = self.r
        home = self.w.accounts.home[tw.author]
        if home < 0 or r.random() >= self.w.plan.place_rate:
            return
        tw.city = home
        if r.random() < self.w.plan.coordinates_rate:
            plan = self.w.cities[home]
            km = 4.0 * math.sqrt(r.random())  # uniform over a 4 km disc around the centre
            angle = r.random() * math.tau
            dlat = km * math.sin(angle) / 111.0
            dlon = km * math.cos(angle) / (111.0 * math.cos(math.radians(plan.lat)))
            tw.coords = (round(plan.lon + dlon, 6), round(plan.lat + dlat, 6))

    def _original(self, author: int, ms: int, group: Group) -> Tweet:
        r = self.r
        if group.kind in ("chatter", "bots"):
            text = r.choice(sc.CHATTER).format(tag=self._tag_spelling())
            if r.random() < 0.1:
                text += " " + r.choice(sc.CO_TAGS["chatter"])
            return self._make(author, ms, ORIGINAL, text, "en")
        body, lang = self._body(group)
        if r.random() < MENTION_RATE:
            m = self._mention(group, author)
            if m is not None:
                handle = self.w.accounts.handle[m]
                if r.random() < 0.5:
                    body = f"@{handle} {body}"
                else:
                    body = f"{body} {r.choice(('h/t', 'cc', 'via'))} @{handle}"
        return self._make(author, ms, ORIGINAL, " ".join([body, *self._tags(group)]), lang)

    def _retweet(self, author: int, ms: int, orig: Tweet) -> Tweet:
        handle = self.w.accounts.handle[orig.author]
        shift = len(handle) + 6  # "RT @" + handle + ": "
        tags = [(t, s + shift, e + shift) for t, s, e in orig.tags]
        # the API lists the retweeted author as the first mention
        mentions = [(orig.author, 3, 4 + len(handle))]
        mentions += [(m, s + shift, e + shift) for m, s, e in orig.mentions]
        orig.rts += 1
        return Tweet(self._id(ms), ms, author, RETWEET, f"RT @{handle}: {orig.text}", orig.lang,
                     tags, mentions, orig, orig.flags)

    def _quote(self, author: int, ms: int, quoted: Tweet, group: Group) -> Tweet:
        text = " ".join([self._comment(group, "QUOTES"), *self._tags(group)])
        url = "http://t.co/" + blake2b(str(quoted.id).encode() + str(author).encode(),
                                       digest_size=6).hexdigest()[:10]
        tw = self._make(author, ms, QUOTE, f"{text} {url}", "en", ref=quoted)
        tw.url = url
        quoted.quotes += 1
        return tw

    def _reply(self, author: int, ms: int, to: Tweet, group: Group) -> Tweet:
        if group.kind in ("chatter", "bots"):
            body = self.r.choice(sc.CHATTER).format(tag=self._tag_spelling())
        else:
            body = " ".join([self._comment(group, "REPLIES"), *self._tags(group)])
        handle = self.w.accounts.handle[to.author]
        to.replies += 1
        return self._make(author, ms, REPLY, f"@{handle} {body}", "en", ref=to)


def _normalised(shape: np.ndarray) -> np.ndarray:
    total = shape.sum()
    return shape / total if total > 0 else shape


def _joined(*parts: str) -> str:
    return " ".join(p for p in parts if p)

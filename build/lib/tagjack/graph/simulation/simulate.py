"""A #MyNYPD-like hashtag hijack, simulated with exact ground truth.

``simulate()`` plays a ``Scenario`` minute by minute and streams the tweets
to ``out/tweets.jsonl`` (API v1.1 lines, or twarc2 v2 response pages) or
``out/tweets.csv`` (twarc-csv's default columns), then writes
``out/truth.json`` (DESIGN.md, "Simulator ground truth").

How the truth stays exact:

- Communities are planted: every labelled account retweets, quotes and
  mentions inside its community, except ``cross_share`` of the time.
- The takeover time, each city's first post and which accounts have a
  recoverable city are not planned but counted from the tweets as they are
  written, with tagjack's own definitions.
- Generation draws the same random numbers whatever the format, so one seed
  gives one truth in v1, v2 and CSV, and the same bytes on every run.

Tweets are written in time order; about 0.5% are delivered again a little
later (same id and text; counts as of the second delivery). Only bounded
pools of recent tweets are kept, so memory grows with the accounts (about
one per eight tweets), not with the tweets.
"""

from __future__ import annotations

import csv
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from hashlib import blake2b
from pathlib import Path
from random import Random
from typing import Any

import numpy as np
import orjson
from tagjack.graph.errors import InputError
from tagjack.graph.simulation import scenario as sc
from tagjack.graph.simulation.scenario import CityPlan, Scenario

__all__ = ["FORMATS", "Scenario", "simulate"]

FORMATS = ("v1", "v2", "csv")
MIN_TWEETS = 100
TWEPOCH_MS = 1288834974657  # Twitter's snowflake epoch
WINDOW_SECONDS = 900  # tagjack's takeover windows, aligned to the UTC epoch
BIN_MS = 60_000
POOL = 256  # recent originals kept per community for retweets and replies
GLOBAL_POOL = 1024
RECENT = 2000  # deliveries a duplicate may repeat
PAGE = 100  # tweets per v2 response page
PROGRESS_EVERY = 10_000
MAX_HANDLE_TRIES = 50

ORIGINAL, RETWEET, QUOTE, REPLY = range(4)
HAS_TAG, HAS_ANY = 1, 2  # flags: carries the hashtag; carries it or a city variant

# (retweet, quote, reply) shares of each community's posts; the rest are originals
KINDS = {"campaign": (0.52, 0.04, 0.10), "hijack": (0.62, 0.06, 0.06),
         "city": (0.58, 0.05, 0.07), "chatter": (0.18, 0.0, 0.10), "bots": (1.0, 0.0, 0.0)}
MENTION_RATE = 0.2
ACTIVITY_ALPHA = 1.3  # Pareto tail of posts per account
ACTIVITY_FLOOR = 1.0
LEAD_PROB = {"campaign": 0.55, "hijack": 0.85, "city": 0.45}  # home retweets aimed at leaders
HUB_PULL = 0.9  # retweets from other communities into the hijack go to its hubs
CALL_REPLIES = 0.02  # hijack replies aimed at the origin's call for photos
ORIGIN_MENTIONS = 0.02  # hijack mentions of the origin
CAMPAIGN_LEADERS = ("NYPDCommunity", "NYPD75Pct", "NYCPoliceFdn", "NY1Local", "CouncilSafetyNY")
CELEBRITY_AMPLIFIERS = {5: 1_200_000, 8: 2_300_000}  # index in amplifiers -> followers
# Roaming relative to cross_share. The hijack, the biggest community, stays home: its
# members' stray ties would pull them into the small communities they touch. The
# cities roam more, mostly to the New York hubs; over all tweets it about averages out.
ROAM = {"campaign": 1.0, "hijack": 0.3, "city": 1.8}
ROAM_CAP = 0.35
CLEAN_PROFILE = 0.72  # community members whose profile names their city

# hour of day (local) -> relative activity
DIURNAL = np.array([0.55, 0.40, 0.28, 0.20, 0.16, 0.17, 0.25, 0.38, 0.50, 0.58, 0.64, 0.68,
                    0.72, 0.74, 0.75, 0.77, 0.80, 0.84, 0.88, 0.93, 0.98, 1.00, 0.95, 0.78])
SOURCES = (("Twitter for iPhone", "http://twitter.com/download/iphone"),
           ("Twitter for Android", "http://twitter.com/download/android"),
           ("Twitter Web Client", "http://twitter.com"),
           ("TweetDeck", "https://about.twitter.com/products/tweetdeck"))
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TAG_RE = re.compile(r"(?<![\w&])#(\w+)")
MENTION_RE = re.compile(r"(?<!\w)@(\w{1,15})")


def simulate(out: Path, *, tweets: int, fmt: str = "v1", seed: int = 1,
             scenario: Scenario | None = None,
             progress: Callable[[int], None] | None = None) -> dict:
    """Write a simulated hijack to ``out`` and return its ground truth.

    Parameters
    ----------
    out
        Directory (created if missing) for ``tweets.jsonl`` (v1, v2) or
        ``tweets.csv`` (csv), and ``truth.json``.
    tweets
        Tweets written, duplicate deliveries included.
    fmt
        ``v1`` (API v1.1 JSON Lines), ``v2`` (twarc2 JSON Lines: one response
        page of up to 100 tweets a line) or ``csv`` (twarc-csv columns).
    progress
        Called with the number of tweets written so far, every 10,000 and at the end.

    Returns
    -------
    dict
        The truth, as written to ``truth.json``.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    if tweets < MIN_TWEETS:
        raise InputError(f"too few tweets to play the scenario: {tweets}",
                         hint=f"ask for at least {MIN_TWEETS}")
    plan = scenario or Scenario()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    world = World(plan, tweets, seed)
    path = out / ("tweets.csv" if fmt == "csv" else "tweets.jsonl")
    with (path.open("w", encoding="utf-8", newline="") if fmt == "csv" else path.open("wb")) as fh:
        writer = {"v1": V1Writer, "v2": V2Writer, "csv": CsvWriter}[fmt](fh, world)
        Player(world, writer, seed=seed, progress=progress).play()
        writer.close()
    truth = world.truth.as_dict()
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n",
                                    encoding="utf-8")
    return truth


# --------------------------------------------------------------------------- the world


class Tweet:
    """One generated tweet; originals also count how often they were retweeted."""

    __slots__ = ("id", "ms", "author", "kind", "text", "lang", "tags", "mentions", "ref",
                 "city", "coords", "url", "flags", "conv", "rts", "replies", "quotes", "cache")

    def __init__(self, id: int, ms: int, author: int, kind: int, text: str, lang: str,
                 tags: list, mentions: list, ref: Tweet | None, flags: int) -> None:
        self.id = id
        self.ms = ms  # since the scenario's start
        self.author = author
        self.kind = kind
        self.text = text
        self.lang = lang
        self.tags = tags  # [(tag without '#', start, end)]
        self.mentions = mentions  # [(account, start, end)]
        self.ref = ref  # retweeted, quoted or replied-to tweet
        self.city = -1  # index of its place's city, -1 without place
        self.coords: tuple[float, float] | None = None  # (lon, lat)
        self.url: str | None = None  # t.co link to the quoted tweet
        self.flags = flags
        self.conv = ref.conv if kind == REPLY and ref is not None else id
        self.rts = self.replies = self.quotes = 0
        self.cache: dict | None = None  # a writer's serialisable form, minus counts


@dataclass
class Group:
    """A set of accounts that behave alike: a community, the chatter, the bots, the ring."""

    index: int
    kind: str  # campaign | hijack | city | chatter | bots | ring
    label: str | None  # community label in truth.json; None for unplanted groups
    home: int  # city index of its members (-1: none)
    plan: CityPlan | None = None
    members: list[int] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    leaders: list[int] = field(default_factory=list)
    leader_weights: list[float] = field(default_factory=list)
    cross: list[tuple[int, float]] = field(default_factory=list)
    seed: int = -1  # a city's first adopter
    _members: np.ndarray | None = None
    _cdf: np.ndarray | None = None
    _leader_cdf: list[float] = field(default_factory=list)
    _batch: list[int] = field(default_factory=list)
    _pos: int = 0

    def freeze(self) -> None:
        self._members = np.asarray(self.members, dtype=np.int64)
        w = np.asarray(self.weights, dtype=float)
        self._cdf = np.cumsum(w / w.sum())
        self._cdf[-1] = 1.0
        total = sum(self.leader_weights) or 1.0
        acc = 0.0
        self._leader_cdf = []
        for lw in self.leader_weights:
            acc += lw / total
            self._leader_cdf.append(acc)

    def author(self, nr: np.random.Generator) -> int:
        """Next author, drawn by activity in batches (the hot path stays in numpy)."""
        if self._pos >= len(self._batch):
            picks = np.searchsorted(self._cdf, nr.random(4096), side="right")
            self._batch = self._members[np.minimum(picks, len(self.members) - 1)].tolist()
            self._pos = 0
        self._pos += 1
        return self._batch[self._pos - 1]

    def leader(self, u: float) -> int:
        cdf = self._leader_cdf
        lo, hi = 0, len(cdf) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cdf[mid] < u:
                lo = mid + 1
            else:
                hi = mid
        return self.leaders[lo]


class Accounts:
    """Every simulated account, as parallel lists indexed by account number."""

    def __init__(self) -> None:
        self.handle: list[str] = []
        self.name: list[str] = []
        self.id: list[str] = []
        self.followers: list[int] = []
        self.friends: list[int] = []
        self.statuses: list[int] = []
        self.created: list[int] = []  # epoch seconds
        self.location: list[str] = []
        self.group: list[int] = []
        self.home: list[int] = []  # city index, -1 none
        self.clean: list[bool] = []  # profile location resolves to the home city
        self.by_handle: dict[str, int] = {}
        self.reserved: set[str] = set()
        self._ids: set[str] = set()

    def __len__(self) -> int:
        return len(self.handle)

    def add(self, handle: str, name: str, *, group: int, home: int, location: str,
            clean: bool, followers: int, r: Random) -> int:
        index = len(self.handle)
        if handle.lower() in self.by_handle:
            raise InputError(f"scenario: two accounts named {handle!r}")
        while True:
            uid = str(r.randrange(10_000_000, 2_450_000_000))
            if uid not in self._ids:
                break
        self._ids.add(uid)
        self.handle.append(handle)
        self.name.append(name)
        self.id.append(uid)
        self.followers.append(followers)
        self.friends.append(int(r.lognormvariate(5.5, 1.0)))
        self.statuses.append(int(r.lognormvariate(8.0, 1.3)))
        self.created.append(r.randrange(1167609600, 1396310400))  # 2007 .. March 2014
        self.location.append(location)
        self.group.append(group)
        self.home.append(home)
        self.clean.append(clean)
        self.by_handle[handle.lower()] = index
        return index

    def reserve(self, handles: list[str]) -> None:
        """Keep generated handles clear of the scenario's named accounts."""
        self.reserved.update(h.lower() for h in handles)

    def fresh_handle(self, r: Random, first: tuple[str, ...], last: tuple[str, ...]) -> str:
        tries = 0
        while True:
            f, la = r.choice(first), r.choice(last)
            pattern = r.randrange(7)
            if pattern == 0:
                h = f + la
            elif pattern == 1:
                h = f"{f}_{la}"
            elif pattern == 2:
                h = f"{f}{r.randrange(1, 1000)}"
            elif pattern == 3:
                h = r.choice(sc.HANDLE_WORDS) + f.capitalize()
            elif pattern == 4:
                h = f"{f}{la[0]}{r.randrange(10, 100)}"
            elif pattern == 5:
                h = f.capitalize() + la.capitalize()
            else:
                h = f"{f}_{la}{r.randrange(1, 100)}"
            if tries >= MAX_HANDLE_TRIES:  # millions of accounts use the patterns up: number them
                h = f"{f[:6]}{la[:1]}{len(self)}"
            h = h[:15]
            if h.lower() not in self.by_handle and h.lower() not in self.reserved:
                return h
            tries += 1


@dataclass(frozen=True)
class Place:
    """A city's Twitter place, serialised once per format."""

    id: str
    name: str
    full_name: str
    country_code: str
    country: str
    bbox: tuple[float, float, float, float]  # w, s, e, n

    @classmethod
    def of(cls, plan: CityPlan) -> Place:
        half = 0.12  # degrees; the box is centred on the city centre
        pid = blake2b(plan.place_full_name.encode(), digest_size=8).hexdigest()
        return cls(pid, plan.place_name, plan.place_full_name, plan.country, plan.country_name,
                   (round(plan.lon - half, 6), round(plan.lat - half, 6),
                    round(plan.lon + half, 6), round(plan.lat + half, 6)))


class World:
    """Accounts, communities and cities of one scenario at one scale."""

    def __init__(self, plan: Scenario, tweets: int, seed: int) -> None:
        self.plan = plan
        self.tweets = tweets
        self.start_s = int(plan.start.timestamp())
        self.cities: list[CityPlan] = [plan.home, *plan.cities]
        self.places = [Place.of(c) for c in self.cities]
        self.tag = plan.hashtag
        self.tag_lower = plan.hashtag.lstrip("#").lower()
        self.variant_lower = {c.variant.lstrip("#").lower() for c in self.cities}
        self.accounts = Accounts()
        self.groups: list[Group] = []
        r = Random(f"{seed}:accounts")
        nr = np.random.default_rng([seed, 7])
        self._build(r, nr)
        self.truth = Truth(self)

    # group indices
    @property
    def campaign(self) -> Group:
        return self.groups[0]

    @property
    def hijack(self) -> Group:
        return self.groups[1]

    def _build(self, r: Random, nr: np.random.Generator) -> None:
        p = self.plan
        shares = np.asarray(p.shares(), dtype=float)
        shares = shares / shares.sum()
        n_cities = len(p.cities)
        self.groups.append(Group(0, "campaign", "campaign", 0, p.home))
        self.groups.append(Group(1, "hijack", "hijack", 0, p.home))
        for k, city in enumerate(p.cities, start=1):
            self.groups.append(Group(1 + k, "city", f"city:{city.city}", k, city))
        self.groups.append(Group(2 + n_cities, "chatter", None, -1))
        self.groups.append(Group(3 + n_cities, "bots", None, -1))
        self.groups.append(Group(4 + n_cities, "ring", None, -1))
        self.chatter, self.bots, self.ring = self.groups[-3:]
        expected = shares * self.tweets
        self.accounts.reserve([p.origin, p.celebrity, "truthhammer99", *CAMPAIGN_LEADERS,
                               *p.amplifiers, *(c.seed for c in p.cities)])
        self._campaign(r, nr, expected[0])
        self._hijack(r, nr, expected[1])
        for k in range(n_cities):
            self._city(r, nr, self.groups[2 + k], expected[2 + k])
        self._chatter(r, nr, expected[2 + n_cities])
        self._bots(r, expected[3 + n_cities])
        self._ring(r)
        self._cross(shares)
        for g in self.groups:
            g.freeze()
        self._roaming()

    def _members(self, r: Random, nr: np.random.Generator, g: Group, n: int) -> None:
        """Ordinary members: heavy-tailed activity, mostly a clean profile location."""
        plan = g.plan
        first, last = sc.FIRST_NAMES, sc.LAST_NAMES
        if plan is not None and plan.lang == "el":
            first, last = sc.GREEK_FIRST, sc.GREEK_LAST
        elif plan is not None and plan.lang == "es":
            first, last = sc.SPANISH_FIRST, sc.SPANISH_LAST
        activity = np.minimum(nr.pareto(ACTIVITY_ALPHA, n) + ACTIVITY_FLOOR, 60.0)
        followers = np.exp(nr.normal(5.0, 1.6, n)).astype(int)
        for i in range(n):
            location, clean = self._location(r, plan)
            a = self._add(r, g, self.accounts.fresh_handle(r, first, last), location, clean,
                          int(followers[i]))
            g.members.append(a)
            g.weights.append(float(activity[i]))

    def _location(self, r: Random, plan: CityPlan | None) -> tuple[str, bool]:
        if plan is not None and r.random() < CLEAN_PROFILE:
            # the first spelling is the most common
            locs = plan.locations
            return (locs[0] if r.random() < 0.4 else r.choice(locs)), True
        u = r.random()
        if u < 0.45:
            return r.choice(sc.JUNK_LOCATIONS), False
        if u < 0.65:
            return r.choice(sc.AMBIGUOUS_LOCATIONS), False
        return "", False

    def _add(self, r: Random, g: Group, handle: str, location: str, clean: bool,
             followers: int, home: int | None = None) -> int:
        name = " ".join(part.capitalize() for part in re.split(r"[_\d]+", handle) if part)
        return self.accounts.add(handle, name or handle, group=g.index,
                                 home=g.home if home is None else home, location=location,
                                 clean=clean, followers=followers, r=r)

    def _special(self, r: Random, g: Group, handle: str, *, location: str, followers: int,
                 activity: float, leader_weight: float = 0.0, name: str | None = None) -> int:
        """A named account: origin, hub, amplifier, leader, seed, celebrity."""
        home = g.home
        clean = home >= 0 and location in self.cities[home].locations
        a = self.accounts.add(handle, name or handle, group=g.index, home=home,
                              location=location, clean=clean, followers=followers, r=r)
        g.members.append(a)
        g.weights.append(activity)
        if leader_weight:
            g.leaders.append(a)
            g.leader_weights.append(leader_weight)
        return a

    def _scaled(self, expected: float, floor: int) -> int:
        return max(floor, round(expected / self.plan.tweets_per_account))

    def _campaign(self, r: Random, nr: np.random.Generator, expected: float) -> None:
        g = self.campaign
        n = self._scaled(expected, 20)
        self._members(r, nr, g, n)
        mean = float(np.mean(g.weights))
        scale = mean * n
        self.origin = self._special(r, g, self.plan.origin, location="New York, NY",
                                    followers=self.plan.origin_followers, activity=0.03 * scale,
                                    leader_weight=1.0, name="NYPD NEWS")
        for i, handle in enumerate(CAMPAIGN_LEADERS):
            self._special(r, g, handle, location=self.plan.home.locations[i % 3],
                          followers=int(r.uniform(5_000, 80_000)), activity=0.012 * scale,
                          leader_weight=0.35 - 0.03 * i)

    def _hijack(self, r: Random, nr: np.random.Generator, expected: float) -> None:
        g = self.hijack
        n = self._scaled(expected, 40)
        self._members(r, nr, g, n)
        scale = float(np.mean(g.weights)) * n
        self.amplifiers: list[int] = []
        home_locs = self.plan.home.locations
        for k, handle in enumerate(self.plan.amplifiers):
            if k == 0:
                followers, location = self.plan.hub_followers, "New York City"
            elif k in CELEBRITY_AMPLIFIERS:
                followers, location = CELEBRITY_AMPLIFIERS[k], r.choice(("everywhere", ""))
            else:
                followers = int(np.exp(r.uniform(np.log(20_000), np.log(300_000))))
                location = home_locs[k % len(home_locs)]
            self.amplifiers.append(self._special(
                r, g, handle, location=location, followers=followers,
                activity=(0.01 if k == 0 else 0.005) * scale, leader_weight=1.0 / (1 + 0.25 * k)))
        mean = float(np.mean(g.weights[:n]))
        self.celebrity = self._special(r, g, self.plan.celebrity, location="New York, NY",
                                       followers=self.plan.celebrity_followers, activity=mean)

    def _city(self, r: Random, nr: np.random.Generator, g: Group, expected: float) -> None:
        n = self._scaled(expected, 12)
        self._members(r, nr, g, n)
        scale = float(np.mean(g.weights)) * n
        plan = g.plan
        assert plan is not None
        g.seed = self._special(r, g, plan.seed, location=plan.locations[0],
                               followers=int(r.uniform(3_000, 40_000)), activity=0.03 * scale,
                               leader_weight=1.0)
        first, last = sc.FIRST_NAMES, sc.LAST_NAMES
        for weight in (0.5, 0.4, 0.3):
            handle = self.accounts.fresh_handle(r, first, last)
            self._special(r, g, handle, location=r.choice(plan.locations),
                          followers=int(r.uniform(1_000, 20_000)), activity=0.015 * scale,
                          leader_weight=weight)

    def _chatter(self, r: Random, nr: np.random.Generator, expected: float) -> None:
        g = self.chatter
        n = max(10, round(expected / 1.3))
        followers = np.exp(nr.normal(5.0, 1.6, n)).astype(int)
        for i in range(n):
            if r.random() < 0.08:  # some chatter lives in New York, and says so
                location, clean, home = r.choice(self.plan.home.locations), True, 0
            else:
                location, clean = self._location(r, None)
                home = -1
            handle = self.accounts.fresh_handle(r, sc.FIRST_NAMES, sc.LAST_NAMES)
            a = self._add(r, g, handle, location, clean, int(followers[i]), home=home)
            g.members.append(a)
            g.weights.append(1.0)

    def _bots(self, r: Random, expected: float) -> None:
        g = self.bots
        for _ in range(max(3, round(expected / 150))):
            while True:
                handle = r.choice(("rtbot", "news_rt_", "hashtagfeed", "trend_rt", "autort"))
                handle += str(r.randrange(100, 100_000))
                if handle.lower() not in self.accounts.by_handle:
                    break
            a = self.accounts.add(handle, f"RT bot {handle[-4:]}", group=g.index, home=-1,
                                  location=r.choice(("", "Earth", "the internet")), clean=False,
                                  followers=int(r.lognormvariate(4.0, 1.0)), r=r)
            g.members.append(a)
            g.weights.append(1.0)

    def _ring(self, r: Random) -> None:
        g = self.ring
        self.ring_target = self._special(r, g, "truthhammer99", location="everywhere",
                                         followers=2_300, activity=0.15, name="Truth Hammer")
        for _ in range(self.plan.ring_size):
            handle = self.accounts.fresh_handle(r, ("truth", "patriot", "awake", "redpill"),
                                                ("_hammer", "_army", "_now", "_1776"))
            self._special(r, g, handle, location=r.choice(("", "everywhere", "🌍")),
                          followers=int(r.uniform(50, 900)),
                          activity=0.85 / self.plan.ring_size)

    def _cross(self, shares: np.ndarray) -> None:
        """Where each community's cross-community retweets, quotes and mentions go."""
        cities = [g for g in self.groups if g.kind == "city"]

        def by_share(weight: float, skip: Group | None = None) -> list[tuple[int, float]]:
            chosen = [c for c in cities if c is not skip]
            total = sum(shares[c.index] for c in chosen) or 1.0
            return [(c.index, weight * shares[c.index] / total) for c in chosen]

        self.campaign.cross = [(1, 0.6), *by_share(0.4)]
        self.hijack.cross = [(0, 0.05), *by_share(0.95)]
        for c in cities:
            c.cross = [(1, 0.8), (0, 0.05), *by_share(0.15, skip=c)]

    def _roaming(self) -> None:
        """Each account's chance to aim a retweet, quote or mention at another community.

        Busy accounts roam more than occasional ones, as they do: an account
        seen once is seen inside its community, so the communities stay
        recoverable; over all tweets the share stays ``cross_share``.
        """
        self.roam = [0.0] * len(self.accounts)
        for g in self.groups:
            if g.label is None:
                continue
            w = np.asarray(g.weights)
            pull = np.clip(w / (2 * np.median(w)), 0.2, 2.0)
            pull *= ROAM[g.kind] / ((w * pull).sum() / w.sum())
            for a, p in zip(g.members, np.minimum(ROAM_CAP, self.plan.cross_share * pull).tolist(),
                            strict=True):
                self.roam[a] = p

    def labelled(self, account: int) -> str | None:
        return self.groups[self.accounts.group[account]].label


# --------------------------------------------------------------------------- truth


class Truth:
    """Counts what tagjack will be asked to find, from the tweets as they are written."""

    def __init__(self, world: World) -> None:
        self.world = world
        n = len(world.accounts)
        self.appeared = bytearray(n)
        self.placed = bytearray(n)
        self.first = [0] * n  # ms+1 of the first post with the tag or a variant (0: none)
        self.windows: dict[int, list[int]] = {}  # window start -> [campaign, hijacker] posts
        self.role = [0] * n  # 1 campaign, 2 hijacker
        for g, role in ((world.campaign, 1), (world.hijack, 2)):
            for a in g.members:
                self.role[a] = role

    def see(self, tw: Tweet) -> None:
        a = tw.author
        self.appeared[a] = 1
        if tw.city >= 0:
            self.placed[a] = 1
        if not tw.flags:
            return
        if not self.first[a]:
            self.first[a] = tw.ms + 1
        role = self.role[a]
        if role and tw.flags & HAS_TAG:
            second = self.world.start_s + tw.ms // 1000
            window = second - second % WINDOW_SECONDS
            counts = self.windows.get(window)
            if counts is None:
                counts = self.windows[window] = [0, 0]
            counts[role - 1] += 1

    def takeover_at(self) -> str | None:
        for window in sorted(self.windows):
            campaign, hijacker = self.windows[window]
            if hijacker > campaign:
                return iso(window)
        return None

    def as_dict(self) -> dict[str, Any]:
        w = self.world
        acc = w.accounts
        communities: dict[str, str] = {}
        accounts_city: dict[str, str] = {}
        firsts: dict[int, int] = {}
        for a in range(len(acc)):
            if not self.appeared[a]:
                continue
            label = w.labelled(a)
            if label is not None:
                communities[acc.handle[a]] = label
            home = acc.home[a]
            if home >= 0 and (acc.clean[a] or self.placed[a]):
                accounts_city[acc.handle[a]] = w.cities[home].city
                if self.first[a] and (home not in firsts or self.first[a] < firsts[home]):
                    firsts[home] = self.first[a]
        cities = sorted(firsts, key=lambda k: (firsts[k], k))
        return {
            "hashtag": w.tag,
            "origin": w.plan.origin,
            "communities": communities,
            "campaign_label": "campaign",
            "hijacker_labels": ["hijack"],
            "amplifiers": list(w.plan.amplifiers),
            "takeover_at": self.takeover_at(),
            "cities": [{"city": w.cities[k].city, "country": w.cities[k].country,
                        "first_at": iso(w.start_s + (firsts[k] - 1) // 1000)} for k in cities],
            "variants": {c.variant: c.city for c in w.plan.cities},
            "accounts_city": accounts_city,
        }


def iso(second: int) -> str:
    t = time.gmtime(second)
    return (f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
            f"T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}Z")


# --------------------------------------------------------------------------- the play


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
        self.recent_pos = 0
        self.call: Tweet | None = None
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

    def _planted(self) -> list[tuple[int, str, int]]:
        """Events at fixed times: (ms since start, what, account)."""
        w = self.w
        h = int(self.hijack_min * BIN_MS)
        events = [(0, "call", w.origin), (h + 30_000, "hub", w.amplifiers[0])]
        for k, a in enumerate(w.amplifiers[1:], start=1):
            events.append((h + (1 + 3 * k) * BIN_MS + 20_000, "amplifier", a))
        events.append((h + 45 * BIN_MS + 10_000, "celebrity", w.celebrity))
        events.append((h + 59 * BIN_MS, "ring", w.ring_target))
        for k, g in enumerate(w.groups[2:2 + len(w.plan.cities)], start=1):
            events.append((int(self.city_min[k] * BIN_MS) + 30_000, "seed", g.seed))
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

    def _planted_event(self, ms: int, what: str, a: int) -> None:
        w = self.w
        g = w.groups[w.accounts.group[a]]
        if what == "call":
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
            target = self._leader_post(group, author)
            if target is not None:  # one joins by retweeting a hub of one's community
                self._posted(self._retweet(author, ms, target), group)
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


# --------------------------------------------------------------------------- writers


def _fragment(value: Any) -> orjson.Fragment:
    """Pre-serialised JSON to keep; a str, as orjson's bytes come over-allocated (4 KB)."""
    return orjson.Fragment(orjson.dumps(value).decode())


class Writer:
    """Serialises tweets for one format; never draws random numbers."""

    def __init__(self, fh: Any, world: World) -> None:
        self.fh = fh
        self.w = world
        self.acc = world.accounts
        self.start_s = world.start_s
        self._times: dict[int, str] = {}

    def write(self, tw: Tweet) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def v1_time(self, ms: int) -> str:
        second = self.start_s + ms // 1000
        text = self._times.get(second)
        if text is None:
            if len(self._times) > 100_000:
                self._times.clear()
            t = time.gmtime(second)
            text = self._times[second] = (
                f"{DAYS[t.tm_wday]} {MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} "
                f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000 {t.tm_year}")
        return text

    def v2_time(self, ms: int) -> str:
        return iso(self.start_s + ms // 1000)[:-1] + ".000Z"

    def source(self, a: int) -> tuple[str, str]:
        return SOURCES[a % len(SOURCES)]

    def quoted_url(self, tw: Tweet) -> str:
        ref = tw.ref
        assert ref is not None
        return f"https://twitter.com/{self.acc.handle[ref.author]}/status/{ref.id}"


class V1Writer(Writer):
    """API v1.1 JSON Lines, as the streaming API and twarc1 wrote them."""

    def __init__(self, fh: Any, world: World) -> None:
        super().__init__(fh, world)
        self.users: dict[int, orjson.Fragment] = {}
        self.places = [_fragment(self._place(p)) for p in world.places]

    def write(self, tw: Tweet) -> None:
        self.fh.write(orjson.dumps(self.tweet(tw), option=orjson.OPT_APPEND_NEWLINE))

    def user(self, a: int) -> orjson.Fragment:
        cached = self.users.get(a)
        if cached is None:
            acc = self.acc
            uid = acc.id[a]
            cached = self.users[a] = _fragment({
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
        self.places = [_fragment(self.place(p)) for p in world.places]
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
            cached = self.users[a] = _fragment(self.user_dict(a))
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

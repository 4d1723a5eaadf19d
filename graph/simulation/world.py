"""The simulated world: its accounts, communities, cities and the tweet record, and the truth
counted from the tweets as they are written."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from hashlib import blake2b
from random import Random
from typing import Any

import numpy as np
from tagjack.graph.errors import InputError
from tagjack.graph.simulation import scenario as sc
from tagjack.graph.simulation.scenario import CityPlan, Scenario

WINDOW_SECONDS = 900  # tagjack's takeover windows, aligned to the UTC epoch
MAX_HANDLE_TRIES = 50

ORIGINAL, RETWEET, QUOTE, REPLY = range(4)
HAS_TAG, HAS_ANY = 1, 2  # flags: carries the hashtag; carries it or a city variant

ACTIVITY_ALPHA = 1.3  # Pareto tail of posts per account
ACTIVITY_FLOOR = 1.0
CAMPAIGN_LEADERS = ("NYPDCommunity", "NYPD75Pct", "NYCPoliceFdn", "NY1Local", "CouncilSafetyNY")
CELEBRITY_AMPLIFIERS = {5: 1_200_000, 8: 2_300_000}  # index in amplifiers -> followers
# Roaming relative to cross_share. The hijack, the biggest community, stays home: its
# members' stray ties would pull them into the small communities they touch. The
# cities roam more, mostly to the New York hubs; over all tweets it about averages out.
ROAM = {"campaign": 1.0, "hijack": 0.3, "city": 1.8}
ROAM_CAP = 0.35
CLEAN_PROFILE = 0.72  # community members whose profile names their city


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
        self.coordinated = self._coordinated(Random(f"{seed}:coordinated"))
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

    def _coordinated(self, r: Random) -> list[int]:
        """The coordinated group: ordinary hijack members (its own random stream, so the rest
        of the world is the same with or without it)."""
        specials = {*self.amplifiers, self.celebrity}
        ordinary = [a for a in self.hijack.members if a not in specials]
        return sorted(r.sample(ordinary, min(self.plan.coordinated_size, len(ordinary))))

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
            "coordinated": sorted(acc.handle[a] for a in w.coordinated if self.appeared[a]),
        }


def iso(second: int) -> str:
    t = time.gmtime(second)
    return (f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
            f"T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}Z")

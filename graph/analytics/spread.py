"""Where a hashtag spread: city adoption order, local variant tags, city-to-city retweets.

A city *adopts* the tag with the first post carrying the tag, or one of its
variants, by an account located there. Variants are found in the data: tags
built on the tag's pattern (``#MyLAPD`` from ``#MyNYPD``: same prefix and
suffix around a short middle) or used mostly together with the tag; each is
given the modal city of its adopters, or marked ambiguous with the
candidates. Transmission A -> B counts retweets by accounts in B of posts by
accounts in A. Pure: numpy columns in, plain dataclasses out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import numpy as np
from tagjack.graph.analytics.lookup import distinct_pairs, key_table, values_by_key
from tagjack.graph.model import City, LocationSource, normalize_tag
from tagjack.graph.store.base import PostTable
from tagjack.graph.times import iso, utc

RETWEET_KINDS = (1,)  # KIND_CODES of a retweet; a quote is a post of its own
SOURCES = tuple(LocationSource)
PATTERN, COOCCURRENCE = "pattern", "cooccurrence"


@dataclass(frozen=True)
class AccountCities:
    """The city of each located account: ``keys`` sorted, ``city`` indexes ``cities``."""

    keys: np.ndarray  # int64
    city: np.ndarray  # int64 index into cities
    source: np.ndarray  # int8 index into SOURCES (place, coordinates, profile)
    cities: list[City]

    @classmethod
    def from_located(cls, located: Mapping[int, tuple[City, LocationSource]]) -> AccountCities:
        """From ``{account key: (city, how it was found)}``."""
        index: dict[str, int] = {}
        cities: list[City] = []
        keys = np.fromiter(located, dtype=np.int64, count=len(located))
        city = np.empty(len(keys), dtype=np.int64)
        source = np.empty(len(keys), dtype=np.int8)
        for i, (c, how) in enumerate(located.values()):
            if c.id not in index:
                index[c.id] = len(cities)
                cities.append(c)
            city[i] = index[c.id]
            source[i] = SOURCES.index(LocationSource(how))
        return cls.from_columns(keys, city, source, cities)

    @classmethod
    def from_columns(cls, keys: np.ndarray, city: np.ndarray, source: np.ndarray,
                     cities: Sequence[City]) -> AccountCities:
        """From distinct account keys, each with an index into ``cities`` and into SOURCES.

        ``cities`` is kept in the order the sorted keys first name them.
        """
        order = np.argsort(keys, kind="stable")
        keys, city, source = keys[order], city[order], source[order]
        used, first = np.unique(city, return_index=True)
        used = used[np.argsort(first, kind="stable")]
        renumber = np.empty(len(cities), dtype=np.int64)
        renumber[used] = np.arange(len(used))
        return cls(keys.astype(np.int64), renumber[city] if len(city) else city.astype(np.int64),
                   source.astype(np.int8), [cities[i] for i in used.tolist()])

    @classmethod
    def empty(cls) -> AccountCities:
        return cls(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int8), [])

    def __len__(self) -> int:
        return len(self.keys)

    @cached_property
    def _table(self) -> np.ndarray | None:
        return key_table(self.keys, self.city)

    def of(self, keys: np.ndarray) -> np.ndarray:
        """City index of each account key; -1 where unknown."""
        return values_by_key(self.keys, self.city, keys, self._table)

    def city_of(self, key: int) -> tuple[City, LocationSource] | None:
        at = int(np.searchsorted(self.keys, key))
        if at < len(self.keys) and self.keys[at] == key:
            return self.cities[self.city[at]], SOURCES[self.source[at]]
        return None


@dataclass(frozen=True)
class VariantRule:
    """What makes another tag a variant of the tag, and when a city owns it.

    Pattern: the two tags share a prefix and a suffix (together at least
    ``min_affix`` characters and at least half the tag) around differing
    middles of 1..``max_middle`` characters: ``my|ny|pd`` -> ``my|la|pd``,
    ``my|o|pd``, ``my|sf|pd``. Co-occurrence: at least ``min_cooccurrence``
    of the other tag's posts also carry the tag (and at least
    ``min_cooccurring_posts`` of them); such a tag counts as a variant only
    when a city other than the tag's own dominates its adopters, since a tag
    used everywhere alongside the tag is a topic, not a local variant.
    A city dominates when it holds at least ``min_city_share`` of the
    located adopters and ``min_lead`` times as many as the runner-up, and
    at least ``min_located`` adopters (all of them, when fewer) are located:
    one located adopter out of twelve says nothing of where a tag lives.
    Tags with fewer than ``min_posts`` posts are ignored.
    """

    min_affix: int = 4
    max_middle: int = 4
    min_cooccurrence: float = 0.3
    min_cooccurring_posts: int = 3
    min_posts: int = 2
    min_city_share: float = 0.5
    min_lead: float = 2.0
    min_located: int = 3


def pattern_match(tag: str, other: str, *, rule: VariantRule = VariantRule()) -> bool:
    """True when ``other`` is ``tag`` with a short middle swapped (``mylapd`` for ``mynypd``)."""
    tag, other = normalize_tag(tag), normalize_tag(other)
    if tag == other:
        return False
    prefix = _common_prefix(tag, other)
    suffix = _common_prefix(tag[prefix:][::-1], other[prefix:][::-1])
    shared = prefix + suffix
    middle, other_middle = len(tag) - shared, len(other) - shared
    return (prefix >= 1 and suffix >= 1 and shared >= rule.min_affix and 2 * shared >= len(tag)
            and middle <= rule.max_middle and 1 <= other_middle <= rule.max_middle)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@dataclass(frozen=True)
class Candidate:
    tag: str  # normalised, without '#'
    rule: str  # pattern | cooccurrence
    posts: int
    cooccurring_posts: int


def variant_candidates(hashtag: str, counts: Mapping[str, int], cooccurring: Mapping[str, int], *,
                       rule: VariantRule = VariantRule()) -> list[Candidate]:
    """Tags that may be variants of ``hashtag``: its pattern, or mostly used with it.

    ``counts`` maps every tag in the store to its number of posts
    (``Store.hashtag_counts``); ``cooccurring`` maps tags to the number of
    posts they share with ``hashtag``.
    """
    tag = normalize_tag(hashtag)
    found = []
    for other, posts in counts.items():
        if other == tag or posts < rule.min_posts:
            continue
        together = int(cooccurring.get(other, 0))
        if pattern_match(tag, other, rule=rule):
            found.append(Candidate(other, PATTERN, posts, together))
        elif together >= rule.min_cooccurring_posts and together >= rule.min_cooccurrence * posts:
            found.append(Candidate(other, COOCCURRENCE, posts, together))
    return sorted(found, key=lambda c: (-c.posts, c.tag))


@dataclass(frozen=True)
class CityCount:
    city: str
    country: str
    accounts: int


@dataclass(frozen=True)
class Variant:
    """A variant tag and the city it belongs to (None when ambiguous or unlocated)."""

    hashtag: str  # normalised, without '#'
    rule: str
    city: str | None
    country: str | None
    ambiguous: bool  # enough adopters located, but no city dominates
    candidates: list[CityCount]  # the leading cities of its adopters
    first_at: datetime
    posts: int
    accounts: int  # adopters: authors of its own posts (retweets only when there are none)
    located: int  # adopters with a known city


@dataclass(frozen=True)
class CityAdoption:
    """One city's uptake of the tag and its variants."""

    city: str
    country: str
    city_id: str
    lat: float
    lon: float
    first_at: datetime
    first_hashtag: str
    accounts: int  # located accounts that posted the tag or a variant
    posts: int
    hashtags: list[str]  # tags used there, most posts first


@dataclass(frozen=True)
class Transmission:
    """Retweets by accounts in ``target`` of posts by accounts in ``source``."""

    source: str
    source_country: str
    target: str
    target_country: str
    retweets: int
    first_at: datetime
    source_lat: float
    source_lon: float
    target_lat: float
    target_lon: float


@dataclass(frozen=True)
class Spread:
    hashtag: str
    home: str | None  # the modal city of the tag's own adopters
    cities: list[CityAdoption]  # in adoption order
    variants: list[Variant]
    transmissions: list[Transmission]  # most retweets first
    posting_accounts: int  # accounts that posted the tag or a variant
    located_accounts: int  # of those, with a known city
    rule: VariantRule


def adopters(posts: PostTable) -> np.ndarray:
    """Authors of a tag's own posts (not retweets); all authors if it has no own posts."""
    own = ~np.isin(posts.kind, RETWEET_KINDS)
    return np.unique(posts.author[own] if own.any() else posts.author)


def modal_city(authors: np.ndarray, cities: AccountCities, *,
               rule: VariantRule = VariantRule()) -> tuple[int | None, list[tuple[int, int]], int]:
    """(dominant city index or None, leading (city, accounts) pairs, located accounts).

    None with no leading pairs: too few adopters located to say.
    """
    authors = np.unique(authors)
    located = cities.of(authors)
    located = located[located >= 0]
    if not len(located) or len(located) < min(rule.min_located, len(authors)):
        return None, [], len(located)
    ids, counts = np.unique(located, return_counts=True)
    order = np.lexsort((ids, -counts))[:3]
    leading = [(int(ids[i]), int(counts[i])) for i in order]
    top = leading[0][1]
    runner_up = leading[1][1] if len(leading) > 1 else 0
    dominant = top >= rule.min_city_share * len(located) and top >= rule.min_lead * runner_up
    return (leading[0][0] if dominant else None), leading, len(located)


def variants(candidates: Sequence[Candidate], posts: Mapping[str, PostTable], cities: AccountCities, *,
             home: int | None, rule: VariantRule = VariantRule()) -> list[Variant]:
    """Map each candidate to the modal city of its adopters (``posts`` by tag).

    Pattern candidates are kept even when ambiguous; co-occurrence
    candidates only when a city other than ``home`` dominates.
    """
    out = []
    for c in candidates:
        table = posts.get(c.tag)
        if table is None or not len(table):
            continue
        city, leading, located = modal_city(adopters(table), cities, rule=rule)
        if c.rule == COOCCURRENCE and (city is None or city == home):
            continue
        named = [CityCount(cities.cities[i].name, cities.cities[i].country, n) for i, n in leading]
        out.append(Variant(
            hashtag=c.tag, rule=c.rule,
            city=cities.cities[city].name if city is not None else None,
            country=cities.cities[city].country if city is not None else None,
            ambiguous=city is None and len(leading) > 1, candidates=named,
            first_at=utc(table.created_at.min()), posts=len(table),
            accounts=len(adopters(table)), located=located))
    return sorted(out, key=lambda v: (v.first_at, v.hashtag))


def union_posts(tables: Sequence[PostTable]) -> tuple[PostTable, np.ndarray]:
    """All posts of several tags, a post carrying two of them once, and its last tag's index.

    Callers put the tag first and its variants after it, so a post carrying
    both is attributed to the variant, the more specific of the two.

    Posts have no ids here: two rows are the same post when author, time,
    kind and referenced authors agree.
    """
    if not tables:
        empty = np.empty(0, dtype=np.int64)
        return PostTable(empty, empty, empty.astype(np.int8), empty, empty), empty
    if len(tables) == 1:
        return tables[0], np.zeros(len(tables[0]), dtype=np.int64)
    cols = [np.concatenate([getattr(t, f) for t in tables])
            for f in ("author", "created_at", "kind", "ref_author", "reply_author")]
    tag = np.concatenate([np.full(len(t), i, dtype=np.int64) for i, t in enumerate(tables)])
    codes = _packed(cols)
    order = np.lexsort((-tag, *reversed(codes)))
    same = np.ones(len(order), dtype=bool)
    for c in codes:
        s = c[order]
        same[1:] &= s[1:] == s[:-1]
    same[:1] = False
    first = np.sort(order[~same])  # of each group of copies, the one of the latest table
    return PostTable(*(c[first] for c in cols)), tag[first]


def _packed(cols: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The columns packed into as few int64 codes as fit, in the same lexicographic order.

    Rows agree on all columns exactly when they agree on all codes; sorting
    by fewer, packed keys is the cost of ``union_posts``.
    """
    cols = [np.asarray(c, dtype=np.int64) for c in cols]
    if not len(cols[0]):
        return cols
    codes: list[np.ndarray] = []
    code, span = None, 1
    for c in cols:
        low = int(c.min())
        width = int(c.max()) - low + 1
        if code is not None and span * width < 1 << 62:
            code, span = code * width + (c - low), span * width
        else:
            if code is not None:
                codes.append(code)
            code, span = c - low, width
    codes.append(code)
    return codes


def city_timeline(tables: Sequence[PostTable], tags: Sequence[str], cities: AccountCities, *,
                  union: tuple[PostTable, np.ndarray] | None = None) -> list[CityAdoption]:
    """Per city: first post of any of ``tags``, accounts, posts, tags used; in adoption order.

    ``union`` is ``union_posts(tables)`` when the caller has it already.
    """
    posts, which = union or union_posts(tables)
    city = cities.of(posts.author)
    keep = city >= 0
    posts_city, times, authors, which = city[keep], posts.created_at[keep], posts.author[keep], \
        which[keep]
    if not len(posts_city):
        return []
    ids, inverse = np.unique(posts_city, return_inverse=True)
    order = np.lexsort((which, times, inverse))
    firsts = order[np.searchsorted(inverse[order], np.arange(len(ids)))]
    accounts = np.bincount(distinct_pairs(inverse, authors)[0], minlength=len(ids))
    posts_n = np.bincount(inverse, minlength=len(ids))
    used = _tags_used(tables, tags, cities, ids)
    rows = [CityAdoption(
        city=cities.cities[c].name, country=cities.cities[c].country, city_id=cities.cities[c].id,
        lat=cities.cities[c].lat, lon=cities.cities[c].lon, first_at=utc(times[firsts[i]]),
        first_hashtag=tags[which[firsts[i]]], accounts=int(accounts[i]), posts=int(posts_n[i]),
        hashtags=used[i])
        for i, c in enumerate(ids.tolist())]
    return sorted(rows, key=lambda r: (r.first_at, r.city))


def _tags_used(tables: Sequence[PostTable], tags: Sequence[str], cities: AccountCities,
               ids: np.ndarray) -> list[list[str]]:
    counts = np.zeros((len(ids), len(tags)), dtype=np.int64)
    for t, table in enumerate(tables):
        c = cities.of(table.author)
        c = c[c >= 0]
        np.add.at(counts[:, t], np.searchsorted(ids, c), 1)
    return [[tags[t] for t in np.lexsort((np.arange(len(tags)), -row)) if row[t] > 0]
            for row in counts]


def transmissions(tables: Sequence[PostTable], cities: AccountCities, *,
                  union: tuple[PostTable, np.ndarray] | None = None) -> list[Transmission]:
    """City -> city: retweets by accounts in one city of posts by accounts in another."""
    posts, _ = union or union_posts(tables)
    rt = np.isin(posts.kind, RETWEET_KINDS) & (posts.ref_author >= 0)
    source, target = cities.of(posts.ref_author[rt]), cities.of(posts.author[rt])
    times = posts.created_at[rt]
    keep = (source >= 0) & (target >= 0) & (source != target)
    source, target, times = source[keep], target[keep], times[keep]
    if not len(source):
        return []
    width = len(cities.cities)
    codes, inverse, counts = np.unique(source * width + target, return_inverse=True,
                                       return_counts=True)
    first = np.full(len(codes), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, inverse, times)
    rows = [_transmission(cities.cities[c // width], cities.cities[c % width], int(n), utc(f))
            for c, n, f in zip(codes.tolist(), counts.tolist(), first.tolist(), strict=True)]
    return sorted(rows, key=lambda r: (-r.retweets, r.first_at, r.source, r.target))


def _transmission(source: City, target: City, retweets: int, first_at: datetime) -> Transmission:
    return Transmission(source.name, source.country, target.name, target.country, retweets, first_at,
                        source.lat, source.lon, target.lat, target.lon)


def spread(hashtag: str, posts: Mapping[str, PostTable], candidates: Sequence[Candidate],
           cities: AccountCities, *, rule: VariantRule = VariantRule()) -> Spread:
    """The whole spread answer for ``hashtag``.

    Parameters
    ----------
    hashtag
        The tag (any case, '#' optional).
    posts
        Posts by normalised tag: the tag's own and each candidate's.
    candidates
        From ``variant_candidates``.
    cities
        Account cities (geo.py's answers).
    rule
        Variant thresholds.
    """
    tag = normalize_tag(hashtag)
    own = posts[tag]
    home, _, _ = modal_city(adopters(own), cities, rule=rule) if len(own) else (None, [], 0)
    found = variants(candidates, posts, cities, home=home, rule=rule)
    tags = [tag, *(v.hashtag for v in found)]
    tables = [posts[t] for t in tags]
    union = union_posts(tables)
    everyone = np.unique(union[0].author)
    return Spread(
        hashtag=tag, home=cities.cities[home].name if home is not None else None,
        cities=city_timeline(tables, tags, cities, union=union), variants=found,
        transmissions=transmissions(tables, cities, union=union), posting_accounts=len(everyone),
        located_accounts=int((cities.of(everyone) >= 0).sum()), rule=rule)


def variant_json(v: Variant) -> dict:
    return {"hashtag": "#" + v.hashtag, "city": v.city, "first_at": iso(v.first_at),
            "posts": v.posts, "country": v.country, "ambiguous": v.ambiguous, "rule": v.rule,
            "candidates": [{"city": c.city, "country": c.country, "accounts": c.accounts}
                           for c in v.candidates],
            "accounts": v.accounts, "located": v.located}


def spread_json(s: Spread) -> dict:
    """The ``tagjack spread --json`` document."""
    return {
        "hashtag": "#" + s.hashtag,
        "home": s.home,
        "cities": [{"city": c.city, "country": c.country, "first_at": iso(c.first_at),
                    "accounts": c.accounts, "posts": c.posts,
                    "hashtags": ["#" + t for t in c.hashtags], "first_hashtag": "#" + c.first_hashtag}
                   for c in s.cities],
        "variants": [variant_json(v) for v in s.variants],
        "transmissions": [{"from": t.source, "to": t.target, "retweets": t.retweets,
                           "from_country": t.source_country, "to_country": t.target_country,
                           "first_at": iso(t.first_at)} for t in s.transmissions],
        "posting_accounts": s.posting_accounts,
        "located_accounts": s.located_accounts,
    }

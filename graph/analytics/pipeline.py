"""The analysis pipeline: store -> projection -> communities -> scores -> answers -> write-back.

The only analytics module that talks to a store: it reads columns, hands
them to the pure modules (communities, influence, hijack, spread) and writes
the per-account results back. The reading functions after ``analyze`` answer
one question each for the CLI, reusing the stored communities (and cities)
of the last ``analyze`` so community ids stay the same from command to
command; before any ``analyze`` they compute what they need.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import numpy as np
from tagjack.graph.analytics.communities import Partition, communities
from tagjack.graph.analytics.coordinated import partners, partners_text
from tagjack.graph.analytics.hijack import (
    DEFAULT_WINDOW,
    OTHER,
    CommunitySummary,
    Hijack,
    Thresholds,
    community_summaries,
    community_summary_json,
    endorsers_of,
    engagers_of,
    hijack,
    hijack_json,
    origin_of,
)
from tagjack.graph.analytics.influence import (
    Amplifier,
    AmplifierTable,
    PageRank,
    amplifier_json,
    amplifier_table,
    amplifiers,
    pagerank,
    post_order_after,
)
from tagjack.graph.analytics.lookup import handles_of, id_ranks, key_of_handle, rows_of
from tagjack.graph.analytics.projection import DEFAULT_TIES, Projection, Ties, edge_union, projection
from tagjack.graph.analytics.settle import settled
from tagjack.graph.analytics.spread import (
    SOURCES,
    AccountCities,
    Spread,
    VariantRule,
    spread,
    spread_json,
    variant_candidates,
)
from tagjack.graph.errors import NotFound, TagjackError
from tagjack.graph.model import City, EdgeKind, LocationSource, normalize_tag
from tagjack.graph.store.base import (
    AccountTable,
    CityRow,
    CommunityRow,
    EdgeTable,
    GeoEvidence,
    PostTable,
    Results,
    Store,
)
from tagjack.graph.times import iso, utc

Progress = Callable[[str], None]
TOP_AMPLIFIERS = 20
MAX_VARIANT_CANDIDATES = 50  # the most used; their posts are read together
DEFAULT_THRESHOLDS = Thresholds()
DEFAULT_RULE = VariantRule()


@dataclass(frozen=True)
class Analysis:
    """Everything one ``analyze`` found; ``analysis_json`` gives ``analyze --json``."""

    run: str
    hashtag: str | None  # normalised, without '#'; None: all posts
    engine: str
    seed: int
    modularity: float
    partition: Partition = field(repr=False)
    communities: list[CommunitySummary]
    pagerank: PageRank = field(repr=False)
    scores: AmplifierTable = field(repr=False)
    amplifiers: list[Amplifier]  # the top TOP_AMPLIFIERS
    cities: AccountCities = field(repr=False)
    hijack: Hijack | None
    spread: Spread | None
    timings: dict[str, float]
    seconds: float
    ties: Ties = DEFAULT_TIES  # what each kind weighed in the community graph


class _Stages:
    """Times each stage and tells ``progress`` when one starts."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if self.progress is not None:
            self.progress(name)
        started = time.perf_counter()
        yield
        self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - started, 4)


def analyze(store: Store, *, hashtag: str | None = None, engine: str = "auto", seed: int = 1,
            origin: str | None = None, window: int = DEFAULT_WINDOW,
            progress: Progress | None = None, thresholds: Thresholds = DEFAULT_THRESHOLDS,
            rule: VariantRule = DEFAULT_RULE, resolution: float = 1.0,
            settle: bool = True, ties: Ties = DEFAULT_TIES) -> Analysis:
    """Run the whole analysis and write per-account results back to ``store``.

    Parameters
    ----------
    store
        Any Store.
    hashtag
        The tag to analyse (any case, '#' optional); None: all posts, and no
        hijack or spread answer.
    engine
        Community engine: auto, louvain, leiden, or gds (a store that runs it).
    seed
        Seed for the community engine, so runs repeat.
    origin
        Handle of the tag's owner; default the earliest poster of the tag.
    window
        Takeover window in seconds, aligned to the UTC epoch.
    progress
        Called with each stage's name as it starts.
    thresholds, rule
        What makes a hijacker community; what makes a variant tag.
    resolution
        Modularity resolution for the engine (1: the standard modularity).
    settle
        Follow the engine with plurality passes (``settle.settled``) so each
        account sits with the community most of its ties are with.
    ties
        What a retweet, quote, reply and mention weigh in the community graph.
    """
    started = time.perf_counter()
    stage = _Stages(progress)
    tag = normalize_tag(hashtag) if hashtag else None
    with stage("read"):
        accounts = store.accounts()
        tables = _interactions(store)
        retweets_all = tables[EdgeKind.RETWEET]
        posts = _tag_posts(store, tag) if tag else None
        origin_key = _origin_key(accounts, origin) if origin else None
        retweets = _interactions(store, tag, (EdgeKind.RETWEET,))[EdgeKind.RETWEET] \
            if tag else retweets_all
        mentions = _interactions(store, tag, (EdgeKind.MENTION,))[EdgeKind.MENTION] \
            if tag else tables[EdgeKind.MENTION]
        quotes = _interactions(store, tag, (EdgeKind.QUOTE,))[EdgeKind.QUOTE] \
            if tag else tables[EdgeKind.QUOTE]
    with stage("projection"):
        undirected = community_graph(tables, ties)
        directed = projection(retweets, directed=True)
    with stage("communities"):
        partition = _partition(store, undirected, accounts, engine=engine, seed=seed,
                               resolution=resolution, ties=ties, settle=settle)
    with stage("pagerank"):
        ranks = account_pagerank(directed, accounts)
    with stage("geo"):
        cities = account_cities(store.geo_evidence())
    found = None
    if posts is not None:
        with stage("hijack"):
            found = hijack(posts, partition, accounts, hashtag=tag, origin=origin_key,
                           endorsers=endorsers_of(retweets_all, owner := origin_key
                                                  if origin_key is not None else _earliest(posts)),
                           engagers=engagers_of(_engagement(tables), owner),
                           window=window, thresholds=thresholds)
    with stage("amplifiers"):
        table, top = _amplifiers(retweets, mentions, accounts, ranks, partition, cities, posts,
                                 found, top=TOP_AMPLIFIERS, quotes=quotes)
    spreading = None
    if tag is not None:
        with stage("spread"):
            spreading = _spread(store, tag, posts, cities, rule)
    with stage("writeback"):
        roles = _roles(found)
        summaries = community_summaries(partition, retweets_all, accounts, roles=roles)
        run = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{partition.engine}-seed{seed}"
        store.write_results(_results(run, accounts, partition, ranks, table, roles, cities,
                                     summaries, meta={
                                         "engine": partition.engine, "seed": seed,
                                         "ties": ties.text(),
                                         "hashtag": tag, "modularity": partition.modularity,
                                         "origin": found.origin if found else None,
                                         "window": window,
                                         "takeover_at": iso(found.takeover_at) if found else None}))
    return Analysis(run=run, hashtag=tag, engine=partition.engine, seed=seed,
                    modularity=partition.modularity, partition=partition, communities=summaries,
                    pagerank=ranks, scores=table, amplifiers=top, cities=cities, hijack=found,
                    spread=spreading, timings=stage.timings,
                    seconds=round(time.perf_counter() - started, 4), ties=ties)


def analysis_json(a: Analysis) -> dict:
    """The ``tagjack analyze --json`` document: DESIGN's keys, then the other answers."""
    return {
        "engine": a.engine,
        "communities": len(a.communities),
        "modularity": round(a.modularity, 6),
        "seconds": a.seconds,
        "timings": a.timings,
        "hijack": hijack_json(a.hijack) if a.hijack else None,
        "ties": {kind.value: a.ties.of(kind) for kind in EdgeKind},
        "hashtag": "#" + a.hashtag if a.hashtag else None,
        "run": a.run,
        "amplifiers": [amplifier_json(x) for x in a.amplifiers[:10]],
        "community_list": [community_summary_json(c) for c in a.communities[:20]],
        "spread": spread_json(a.spread) if a.spread else None,
        "located_accounts": len(a.cities),
    }


# -- the stages ----------------------------------------------------------------------------


def _tag_posts(store: Store, tag: str) -> PostTable:
    posts = store.posts(hashtag=tag)
    if not len(posts):
        counts = store.hashtag_counts()
        top = [f"#{t}" for t in sorted(counts, key=lambda t: (-counts[t], t))[:5]]
        raise NotFound(f"no posts carry #{tag}",
                       hint=("most used tags: " + ", ".join(top)) if top else
                       "the store holds no tagged posts; load tweets first")
    return posts


def _origin_key(accounts: AccountTable, handle: str) -> int:
    key = key_of_handle(accounts, handle)
    if key is None:
        raise NotFound(f"no account @{handle.lstrip('@')} in the store",
                       hint="give the handle as in the data, e.g. --origin NYPDnews")
    return key


def _earliest(posts: PostTable) -> int:
    return origin_of(posts)


def _partition(store: Store, p: Projection, accounts: AccountTable, *, engine: str, seed: int,
               resolution: float = 1.0, ties: Ties = DEFAULT_TIES, settle: bool = True) -> Partition:
    """The engine's communities of ``p``, settled unless told otherwise.

    louvain and leiden see the accounts in the order of their platform ids, not of their
    store keys: a store numbers accounts in the order its writers commit them, which differs
    from one parallel load to the next, and an engine's answer follows the order it meets
    nodes and edges in. So the same posts give the same communities however they were loaded.
    """
    if engine == "gds":
        found = _gds(store, p, seed=seed, resolution=resolution, ties=ties)
        return settled(p, found) if settle else found
    rank = id_ranks(accounts, p.keys)
    ordered = p.renumbered(rank)
    found = communities(ordered, engine=engine, seed=seed, resolution=resolution)
    if settle:
        found = settled(ordered, found)
    return Partition(p.keys, found.membership[rank], found.modularity, found.engine)


def account_pagerank(p: Projection, accounts: AccountTable) -> PageRank:
    """PageRank of the directed retweet projection ``p``, computed with the accounts in the
    order of their platform ids (as ``_partition``), so it repeats to the last digit however
    the store was loaded."""
    rank = id_ranks(accounts, p.keys)
    return PageRank(p.keys, pagerank(p.renumbered(rank)).values[rank])


def _gds(store: Store, p: Projection, *, seed: int, resolution: float, ties: Ties) -> Partition:
    if not hasattr(store, "gds"):  # only the Neo4j store carries a GDS client
        raise TagjackError(f"--engine gds runs inside Neo4j; {store.name} cannot",
                           hint="use --neo4j URI, or --engine leiden / louvain here")
    from tagjack.graph.analytics.gds import gds_partition  # the GDS client loads on use

    return gds_partition(store, p, seed=seed, resolution=resolution,  # type: ignore[arg-type]
                         ties=ties)


def account_cities(evidence: GeoEvidence) -> AccountCities:
    """Each account's city from its posts' places, then coordinates, then profile text."""
    from tagjack.graph.analytics.geo import account_city  # the gazetteer loads on first use

    located: dict[int, tuple[City, LocationSource]] = {}
    keys = set(evidence.location_texts) | set(evidence.places) | set(evidence.coordinates)
    for key in keys:
        found = account_city(evidence.places.get(key, ()), evidence.coordinates.get(key, ()),
                             evidence.location_texts.get(key, ""))
        if found is not None:
            located[key] = found
    return AccountCities.from_located(located)


def _amplifiers(retweets: EdgeTable, mentions: EdgeTable, accounts: AccountTable, ranks: PageRank,
                partition: Partition, cities: AccountCities, posts: PostTable | None,
                found: Hijack | None, *, top: int, community: int | None = None,
                quotes: EdgeTable | None = None) -> tuple[AmplifierTable, list[Amplifier]]:
    span = (int(posts.created_at.min()), int(posts.created_at.max())) \
        if posts is not None and len(posts) else None
    table = amplifier_table(retweets, accounts, pagerank=ranks, mentions=mentions, quotes=quotes,
                            partition=partition, cities=cities, span=span)
    after = post_order_after(posts, int(found.takeover_at.timestamp())) \
        if posts is not None and found is not None and found.takeover_at else None
    rows = amplifiers(table, accounts, top=top, community=community, cities=cities,
                      started_at=span[0] if span else None, after_takeover=after)
    return table, rows


def _spread(store: Store, tag: str, posts: PostTable, cities: AccountCities,
            rule: VariantRule) -> Spread:
    candidates = variant_candidates(tag, store.hashtag_counts(), store.cooccurring(tag),
                                    rule=rule)[:MAX_VARIANT_CANDIDATES]
    by_tag = {tag: posts, **store.posts_of_tags([c.tag for c in candidates])}
    return spread(tag, by_tag, candidates, cities, rule=rule)


def _roles(found: Hijack | None) -> dict[int, str]:
    if found is None:
        return {}
    return {r.community: r.role for r in found.communities if r.community >= 0}


def _results(run: str, accounts: AccountTable, partition: Partition, ranks: PageRank,
             table: AmplifierTable, roles: dict[int, str], cities: AccountCities,
             summaries: list[CommunitySummary], *, meta: dict) -> Results:
    keys = accounts.keys
    community = partition.of(keys)
    city = cities.of(keys)
    at = np.clip(np.searchsorted(cities.keys, keys), 0, max(len(cities) - 1, 0))
    source = cities.source[at] if len(cities) else np.zeros(len(keys), dtype=np.int8)
    return Results(
        run=run, keys=keys, community=community, pagerank=ranks.of(keys),
        amplifier_score=table.score_of(keys),
        role=[roles.get(c, OTHER) for c in community.tolist()],
        city_id=[cities.cities[c].id if c >= 0 else None for c in city.tolist()],
        city_source=[SOURCES[s].value if c >= 0 else None
                     for c, s in zip(city.tolist(), source.tolist(), strict=True)],
        communities=[CommunityRow(s.id, s.size, s.role, s.label) for s in summaries],
        cities=[CityRow(c.id, c.name, c.country, c.lat, c.lon) for c in cities.cities],
        meta=meta)


# -- reading functions for the commands after analyze ---------------------------------------


def stored_partition(results: Results | None) -> Partition | None:
    """The communities of the last analyze, or None."""
    if results is None:
        return None
    known = results.community >= 0
    if not known.any():
        return None
    return Partition(keys=results.keys[known], membership=results.community[known],
                     modularity=float(results.meta.get("modularity", 0.0)),
                     engine=str(results.meta.get("engine", "stored")))


def stored_cities(results: Results | None) -> AccountCities | None:
    """The account cities of the last analyze, or None."""
    if results is None:
        return None
    cities = [City(c.id, c.name, c.country, c.lat, c.lon) for c in results.cities]
    index = {c.id: i for i, c in enumerate(cities)}
    sources = {s.value: i for i, s in enumerate(SOURCES)}
    city = np.fromiter((index.get(c, -1) if c is not None else -1 for c in results.city_id),
                       dtype=np.int64, count=len(results.city_id))
    located = np.flatnonzero(city >= 0)
    source = np.fromiter((sources[LocationSource(s or LocationSource.PROFILE.value).value]
                          for s in (results.city_source[i] for i in located.tolist())),
                         dtype=np.int8, count=len(located))
    return AccountCities.from_columns(results.keys[located], city[located], source, cities)


def _interactions(store: Store, tag: str | None = None,
                  kinds: tuple[EdgeKind, ...] = tuple(EdgeKind)) -> dict[EdgeKind, EdgeTable]:
    """The store's edges of ``kinds`` (all posts, or a tag's), self-interactions left out:
    retweeting or replying to oneself says nothing of whom one sides with."""
    return {kind: edge_union(store.edges(kind, hashtag=tag)) for kind in kinds}


def _engagement(tables: dict[EdgeKind, EdgeTable]) -> EdgeTable:
    """Quotes and replies as one table: engagement, never endorsement."""
    return edge_union(tables[EdgeKind.QUOTE], tables[EdgeKind.REPLY])


def community_graph(tables: dict[EdgeKind, EdgeTable], ties: Ties) -> Projection:
    """The undirected graph communities are found in: each kind weighted by ``ties``.

    Kinds that weigh nothing are left out, so an account whose only ties are of those
    kinds is in no community (its ties do not say where it belongs).
    """
    kinds = ties.kinds()
    return projection(*(tables[k] for k in kinds), weights=tuple(ties.of(k) for k in kinds),
                      directed=False)


@dataclass
class _Context:
    accounts: AccountTable
    retweets_all: EdgeTable
    engagement_all: EdgeTable  # quotes and replies
    partition: Partition
    cities: AccountCities
    results: Results | None


def _context(store: Store, *, engine: str = "auto", seed: int = 1, geo: bool = True) -> _Context:
    results = store.results()
    tables = _interactions(store)
    accounts = store.accounts()
    partition = stored_partition(results)
    if partition is None:
        partition = _partition(store, community_graph(tables, DEFAULT_TIES), accounts,
                               engine=engine, seed=seed)
    cities = stored_cities(results)
    if cities is None:
        cities = account_cities(store.geo_evidence()) if geo else AccountCities.empty()
    return _Context(accounts, tables[EdgeKind.RETWEET], _engagement(tables), partition, cities,
                    results)


def hijack_report(store: Store, hashtag: str, *, origin: str | None = None,
                  window: int = DEFAULT_WINDOW, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Hijack:
    """Who hijacked ``hashtag`` and when (``tagjack hijack``)."""
    tag = normalize_tag(hashtag)
    posts = _tag_posts(store, tag)
    ctx = _context(store, geo=False)
    origin_key = _origin_key(ctx.accounts, origin) if origin else _earliest(posts)
    return hijack(posts, ctx.partition, ctx.accounts, hashtag=tag, origin=origin_key,
                  endorsers=endorsers_of(ctx.retweets_all, origin_key),
                  engagers=engagers_of(ctx.engagement_all, origin_key), window=window,
                  thresholds=thresholds)


def amplifier_rows(store: Store, hashtag: str | None = None, top: int = TOP_AMPLIFIERS,
                   community: int | None = None, *, origin: str | None = None,
                   window: int = DEFAULT_WINDOW) -> list[Amplifier]:
    """The top amplifiers of ``hashtag`` (all posts when None), optionally of one community."""
    tag = normalize_tag(hashtag) if hashtag else None
    posts = _tag_posts(store, tag) if tag else None
    ctx = _context(store)
    retweets = _interactions(store, tag, (EdgeKind.RETWEET,))[EdgeKind.RETWEET] if tag \
        else ctx.retweets_all
    scoped = _interactions(store, tag, (EdgeKind.MENTION, EdgeKind.QUOTE))
    ranks = account_pagerank(projection(retweets, directed=True), ctx.accounts)
    found = None
    if posts is not None:
        origin_key = _origin_key(ctx.accounts, origin) if origin else _earliest(posts)
        found = hijack(posts, ctx.partition, ctx.accounts, hashtag=tag, origin=origin_key,
                       endorsers=endorsers_of(ctx.retweets_all, origin_key),
                       engagers=engagers_of(ctx.engagement_all, origin_key), window=window)
    _, rows = _amplifiers(retweets, scoped[EdgeKind.MENTION], ctx.accounts, ranks, ctx.partition,
                          ctx.cities, posts, found, top=top, community=community,
                          quotes=scoped[EdgeKind.QUOTE])
    coordinated = partners(store.coordinated())
    return [replace(a, reason=f"{a.reason}; {partners_text(coordinated[a.key])}")
            if a.key in coordinated else a for a in rows]


def spread_report(store: Store, hashtag: str, *, rule: VariantRule = DEFAULT_RULE) -> Spread:
    """Where ``hashtag`` spread (``tagjack spread``)."""
    tag = normalize_tag(hashtag)
    posts = _tag_posts(store, tag)
    results = store.results()
    cities = stored_cities(results)
    if cities is None:
        cities = account_cities(store.geo_evidence())
    return _spread(store, tag, posts, cities, rule)


def community_rows(store: Store) -> list[CommunitySummary]:
    """Communities, largest first, with the roles of the last analyze (``tagjack communities``)."""
    ctx = _context(store, geo=False)
    stored = {c.id: c.role for c in ctx.results.communities} if ctx.results else {}
    return community_summaries(ctx.partition, ctx.retweets_all, ctx.accounts, roles=stored)


@dataclass(frozen=True)
class Tie:
    """Retweets between two accounts (quotes included), over all posts."""

    handle: str
    retweets: int
    first_at: datetime | None
    last_at: datetime | None


@dataclass(frozen=True)
class AccountProfile:
    """One account in the case (``tagjack account HANDLE``)."""

    handle: str
    name: str
    followers: int
    location_text: str
    community: int | None
    community_label: str | None
    role: str
    city: str | None
    country: str | None
    city_source: str | None
    pagerank: float
    amplifier_score: float
    scope: str | None  # the hashtag the scores are about; None: all posts
    retweets_received: int
    unique_retweeters: int
    retweets_given: int
    amplified_by: list[Tie]  # who retweeted it most
    amplified: list[Tie]  # whom it retweeted most
    coordinated: str | None  # "coordinated with N accounts (group G)", from `tagjack coordination`


def account_profile(store: Store, handle: str, *, top: int = 10) -> AccountProfile:
    """Community, role, city, scores, and the accounts on either side of its retweets."""
    accounts = store.accounts()
    key = key_of_handle(accounts, handle)
    if key is None:
        raise NotFound(f"no account @{handle.lstrip('@')} in the store",
                       hint="handles are matched case-insensitively, without '@'")
    ctx = _context(store)
    row = int(rows_of(accounts, np.array([key]))[0])
    community = int(ctx.partition.of(np.array([key]))[0])
    summaries = {c.id: c for c in (ctx.results.communities if ctx.results else [])}
    if ctx.results is not None:
        at = int(rows_of_results(ctx.results, key))
        pr = float(ctx.results.pagerank[at]) if at >= 0 else 0.0
        score = float(ctx.results.amplifier_score[at]) if at >= 0 else 0.0
        role = ctx.results.role[at] if at >= 0 else OTHER
        scope = ctx.results.meta.get("hashtag")
    else:
        ranks = account_pagerank(projection(ctx.retweets_all, directed=True), ctx.accounts)
        table = amplifier_table(ctx.retweets_all, accounts, pagerank=ranks,
                                partition=ctx.partition, cities=ctx.cities)
        pr, score, role, scope = float(ranks.of(np.array([key]))[0]), \
            float(table.score_of(np.array([key]))[0]), OTHER, None
    located = ctx.cities.city_of(key)
    rt = ctx.retweets_all
    inbound, outbound = (rt.target == key) & (rt.source != key), (rt.source == key) & (rt.target != key)
    label = summaries[community].label if community in summaries else (
        community_summaries(ctx.partition, rt, accounts)[community].label if community >= 0 else None)
    return AccountProfile(
        handle=accounts.handles[row] or accounts.ids[row], name=accounts.names[row],
        followers=int(accounts.followers[row]), location_text=accounts.location_texts[row],
        community=community if community >= 0 else None, community_label=label, role=role,
        city=located[0].name if located else None, country=located[0].country if located else None,
        city_source=located[1].value if located else None, pagerank=pr, amplifier_score=score,
        scope=scope, retweets_received=int(rt.weight[inbound].sum()),
        unique_retweeters=int(inbound.sum()), retweets_given=int(rt.weight[outbound].sum()),
        amplified_by=_ties(rt, inbound, rt.source, accounts, top),
        amplified=_ties(rt, outbound, rt.target, accounts, top),
        coordinated=partners_text(partners(store.coordinated()).get(key)))


def rows_of_results(results: Results, key: int) -> int:
    at = int(np.searchsorted(results.keys, key))
    return at if at < len(results.keys) and results.keys[at] == key else -1


def _ties(rt: EdgeTable, mask: np.ndarray, other: np.ndarray, accounts: AccountTable,
          top: int) -> list[Tie]:
    idx = np.flatnonzero(mask)
    idx = idx[np.lexsort((other[idx], -rt.weight[idx]))][:top]
    names = handles_of(accounts, other[idx])
    return [Tie(n, int(rt.weight[i]), utc(rt.first_at[i]) if rt.first_at[i] else None,
                utc(rt.last_at[i]) if rt.last_at[i] else None)
            for n, i in zip(names, idx.tolist(), strict=True)]


def account_profile_json(p: AccountProfile) -> dict:
    def ties(ts: list[Tie]) -> list[dict]:
        return [{"handle": t.handle, "retweets": t.retweets, "first_at": iso(t.first_at),
                 "last_at": iso(t.last_at)} for t in ts]

    return {"handle": p.handle, "name": p.name, "followers": p.followers,
            "location_text": p.location_text, "community": p.community,
            "community_label": p.community_label, "role": p.role, "city": p.city,
            "country": p.country, "city_source": p.city_source, "pagerank": p.pagerank,
            "amplifier_score": round(p.amplifier_score, 3),
            "scope": "#" + p.scope if p.scope else None,
            "retweets_received": p.retweets_received, "unique_retweeters": p.unique_retweeters,
            "retweets_given": p.retweets_given, "amplified_by": ties(p.amplified_by),
            "amplified": ties(p.amplified), "coordinated": p.coordinated}


def summary_text(a: Analysis) -> str:
    """One paragraph for people: who hijacked the tag and when, who amplified it, where it went."""
    from tagjack.graph.times import duration

    parts = []
    labels = {c.id: c.label for c in a.communities}
    if a.hijack is not None:
        h = a.hijack
        parts.append(f"#{h.hashtag} ({h.posts:,} posts) was launched by @{h.origin}"
                     + (f" (community {h.campaign_community}, "
                        f"{labels.get(h.campaign_community, '')})"
                        if h.campaign_community is not None else "") + ".")
        if h.hijacker_communities:
            share = sum(r.share for r in h.communities if r.role == "hijacker")
            names = ", ".join(f"{c} ({labels.get(c, '')})" for c in h.hijacker_communities)
            when = (f"took it over at {iso(h.takeover_at)}, "
                    f"{duration((h.takeover_at - h.started_at).total_seconds())} after the first "
                    "post" if h.takeover_at and h.started_at else "never outposted the campaign "
                    "in any window")
            parts.append(f"Hijacker {'community' if len(h.hijacker_communities) == 1 else 'communities'} "
                         f"{names} {when}, and posted {share:.0%} of the tag's posts.")
        else:
            parts.append("No community hijacked it.")
    else:
        parts.append(f"All posts: {len(a.partition.keys):,} accounts in {len(a.communities):,} "
                     "communities.")
    if a.amplifiers:
        parts.append("Top amplifiers: " + ", ".join(
            f"@{x.handle} ({x.unique_retweeters:,} retweeters)" for x in a.amplifiers[:3]) + ".")
    if a.spread is not None and a.spread.cities:
        cities = a.spread.cities
        located = [f"#{v.hashtag} {v.city}" for v in a.spread.variants if v.city]
        parts.append(f"It reached {len(cities):,} {'city' if len(cities) == 1 else 'cities'}, "
                     f"first {cities[0].city}" + (f", last {cities[-1].city}" if len(cities) > 1
                                                 else "")
                     + (f"; local variants: {', '.join(located)}" if located else "") + ".")
    return " ".join(parts)

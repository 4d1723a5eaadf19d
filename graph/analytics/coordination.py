"""Coordinated amplification: co-action networks, and coordination told from coincidence.

Two accounts are linked when they do the same thing (retweet the same post, reply to the same
post) within a time window, weighted by how often: the co-action networks of Graham et al.'s
coordination-network-toolkit (QUT Digital Observatory), of CooRnet (Giglietto et al., 2020)
and CooRTweet (Righetti & Balluff, 2023), and of Pacheco et al., "Uncovering Coordinated
Networks on Social Media: Methods and Case Studies", ICWSM 2021.

``co_action_edges`` is the plain network, edge for edge the toolkit's (1.5.2): its directed
weight u -> v counts u's posts that have a post of v on the same target within the window
(inclusive, in seconds from the tweet id's snowflake time); an undirected pair gets the
larger of its two directions. It is found by a windowed sweep over each target's actions in
time order, so a post retweeted 10,000 times in a day yields only the pairs that fall within
the window of each other, never all 50 million.

Plain co-retweeting also links organic accounts that retweet a viral post in the same minute.
``coordination`` tests each pair against chance: the number of distinct posts on which the
two acted within the window, against a null in which the times of each post's actions are
shuffled among its actors (so a pair that meets on a post whose retweets all came in one
burst gets no credit). Under that null the pair meets on post p with probability q_p, the
share of p's action pairs (of different accounts) that fall within the window; over the posts
both acted on, the meetings are Poisson with mean sum(q_p). Pairs whose Benjamini-Hochberg
adjusted p-value is at most ``alpha`` are coordinated; the connected components of those
pairs are the coordinated groups.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.stats import poisson
from tagjack.graph.store.base import ActionTable

TWEPOCH_MS = 1288834974657  # Twitter's snowflake epoch
PAIR_CHUNK = 2_000_000  # in-window action pairs swept at once: bounds memory on viral posts
TOP_POSTS = 10


@dataclass(frozen=True)
class CoActionEdges:
    """An undirected co-action network: ``source < target`` (account keys), one row per pair."""

    source: np.ndarray  # int64 account keys
    target: np.ndarray
    weight: np.ndarray  # int64: the larger of the two directed weights

    def __len__(self) -> int:
        return len(self.source)


@dataclass(frozen=True)
class PairTests:
    """The co-action pairs tested against chance, aligned with the network's rows."""

    posts: np.ndarray  # int64: distinct targets the pair acted on within the window
    expected: np.ndarray  # float64: expected such targets under time shuffling
    p_value: np.ndarray  # float64
    q_value: np.ndarray  # float64: Benjamini-Hochberg adjusted
    significant: np.ndarray  # bool


@dataclass(frozen=True)
class PushedPost:
    post_id: str
    members: int  # members who acted on it within the window of another member
    first_at: float  # seconds since Twitter's epoch


@dataclass(frozen=True)
class CoordinatedGroup:
    """Accounts linked by coordinated pairs (a connected component), numbered by size."""

    id: int
    members: list[int]  # account keys
    pairs: int  # coordinated pairs within the group
    posts_together: int  # sum over its pairs of distinct posts acted on together
    expected: float  # that sum's expectation under time shuffling
    p_value: float  # Poisson chance of as many meetings by coincidence
    z: float
    posts: list[PushedPost]  # what it pushed, most members first (at most TOP_POSTS)
    pushed: int  # all posts at least two members acted on within the window
    median_gap_s: float  # between consecutive members' actions on a pushed post
    coordinated_share: float  # of members' actions: within the window of another member's


@dataclass(frozen=True)
class Coordination:
    window: float
    min_weight: int
    alpha: float
    min_share: float
    max_gap: float
    network: CoActionEdges
    tests: PairTests
    groups: list[CoordinatedGroup]

    def partners(self) -> dict[int, tuple[int, int]]:
        """Account key -> (coordinated partners, group id), for the accounts in a group."""
        sig = self.tests.significant
        degree: dict[int, int] = {}
        for a in np.concatenate([self.network.source[sig], self.network.target[sig]]).tolist():
            degree[a] = degree.get(a, 0) + 1
        return {m: (degree[m], g.id) for g in self.groups for m in g.members}


def action_seconds(actions: ActionTable) -> np.ndarray:
    """Each action's time in seconds since Twitter's epoch, to the millisecond where possible.

    A tweet id holds its creation time in milliseconds (snowflake); the toolkit reads it as
    ``(id >> 22) / 1000``, and so does this, for ids whose time agrees with ``created_at``
    (to the second). Other ids (simulated, pre-2010, other platforms) fall back to
    ``created_at``.
    """
    snow_ms = np.where(actions.id_number > 0, actions.id_number >> 22, -1)
    agrees = (snow_ms >= 0) & (np.abs((snow_ms + TWEPOCH_MS) // 1000 - actions.created_at) <= 1)
    return np.where(agrees, snow_ms / 1000.0, actions.created_at - TWEPOCH_MS / 1000.0)


class _Sweep:
    """Actions sorted by (target, time), with each action's window [lo, hi) of same-target actions."""

    def __init__(self, account: np.ndarray, target: np.ndarray, seconds: np.ndarray,
                 window: float) -> None:
        order = np.lexsort((seconds, target))
        self.order = order
        self.keys, self.user = np.unique(account[order], return_inverse=True)
        self.target = target[order]
        self.seconds = seconds[order]
        times = _distinct(self.seconds)
        width = np.int64(len(times) + 1)
        rank = np.searchsorted(times, self.seconds)
        # float bounds, as SQLite's "between t - w and t + w" computes them
        low = np.searchsorted(times, self.seconds - window, side="left")
        high = np.searchsorted(times, self.seconds + window, side="right")
        key = self.target * width + rank
        self.lo = np.searchsorted(key, self.target * width + low, side="left")
        self.hi = np.searchsorted(key, self.target * width + high, side="left")

    def chunks(self) -> Iterator[tuple[int, int]]:
        """Ranges of actions whose in-window pairs number about PAIR_CHUNK (at least one action)."""
        counts = self.hi - self.lo
        ends = np.cumsum(counts)
        start = 0
        while start < len(counts):
            stop = int(np.searchsorted(ends, ends[start] - counts[start] + PAIR_CHUNK, side="right"))
            stop = max(stop, start + 1)
            yield start, stop
            start = stop

    def pairs(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """(i, j) action pairs within the window of each other, i != j, for actions start..stop.

        A chunk's arrays belong to the caller alone (no generator holds them), so they go as
        soon as it drops them.
        """
        n = self.hi[start:stop] - self.lo[start:stop]
        i = np.repeat(np.arange(start, stop, dtype=np.int64), n)
        offsets = np.arange(len(i), dtype=np.int64) - np.repeat(np.cumsum(n) - n, n)
        return i, self.lo[i] + offsets


def co_action_edges(actions: ActionTable, *, window: float = 60, min_weight: int = 2
                    ) -> CoActionEdges:
    """The plain co-action network (the toolkit's), undirected as the larger direction.

    Parameters
    ----------
    window : seconds; two actions on one target at most this far apart co-occur
    min_weight : pairs below this weight are left out
    """
    network, _, _ = _network(_Sweep(actions.account, actions.target, action_seconds(actions), window),
                             min_weight)
    return network


def _network(sweep: _Sweep, min_weight: int) -> tuple[CoActionEdges, np.ndarray, np.ndarray]:
    """The network; its in-window (target, pair) incidences as ``pair * targets + target``;
    per target, the ordered in-window pairs of actions by different accounts.

    Each chunk's counts are merged into running totals at once, so memory follows the
    distinct pairs, not the pairs swept. A directed count is kept as
    ``(low * n + high) * 2 + (u > v)``: the two directions of a pair sort side by side, so
    the undirected weights come from one pass over the totals.
    """
    n = np.int64(len(sweep.keys))
    keys = counts = incidences = np.empty(0, dtype=np.int64)
    n_targets = np.int64(sweep.target.max() + 1 if len(sweep.target) else 1)
    within = np.zeros(n_targets, dtype=np.float64)
    for start, stop in sweep.chunks():
        i, j = sweep.pairs(start, stop)
        u, v = sweep.user[i], sweep.user[j]
        other = u != v
        i, u, v = i[other], u[other], v[other]
        del j, other
        within += np.bincount(sweep.target[i], minlength=n_targets)
        low, high = np.minimum(u, v), np.maximum(u, v)
        met = _distinct((low * n + high) * n_targets + sweep.target[i])
        del low, high
        # one action counts once toward u -> v however many of v's actions it meets
        action_pairs = _distinct(i * n + v)
        del i, u, v
        a, b = sweep.user[action_pairs // n], action_pairs % n
        del action_pairs
        chunk_keys, chunk_counts = np.unique((np.minimum(a, b) * n + np.maximum(a, b)) * 2 + (a > b),
                                             return_counts=True)
        del a, b  # before the merge, the largest moment
        keys, counts = _merged(keys, counts, chunk_keys, chunk_counts)
        incidences = _distinct(np.concatenate([incidences, met]))
        del chunk_keys, chunk_counts, met
    pair = keys // 2
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else pair
    pair = pair[starts]
    weight = np.maximum.reduceat(counts, starts) if len(starts) else counts
    keep = weight >= min_weight
    pair, weight = pair[keep], weight[keep]
    edges = CoActionEdges(sweep.keys[pair // n], sweep.keys[pair % n], weight)
    return edges, incidences, within


def coordination(actions: ActionTable, *, window: float = 60, min_weight: int = 2,
                 alpha: float = 0.001, min_share: float = 0.5, max_gap: float | None = None,
                 min_posts: int = 5) -> Coordination:
    """The co-action network, each pair tested against chance, and the coordinated groups.

    Parameters
    ----------
    window : seconds; two actions on one target at most this far apart co-occur
    min_weight : pairs below this weight are left out, and a coordinated pair acted
        together on at least this many distinct posts
    alpha : false discovery rate (Benjamini-Hochberg) over the pairs tested
    min_share : a group is coordinated when at least this share of its members' actions came
        within the window of another member's on the same post (acting in lockstep); below it,
        members share posts beyond chance but act on them at their own times (a fan club, a
        ring retweeting one account whenever it posts)
    max_gap : seconds; a coordinated group's median gap between consecutive members' actions
        on a post it pushed is at most this (default a quarter of the window): members act
        within seconds of each other, not merely within the same window, where chance
        meetings spread their gaps over the whole window
    min_posts : a coordinated group pushed at least this many distinct posts together (a
        repetition threshold, as CooRnet's): among millions of pairs some meet on two obscure
        posts by chance

    Returns
    -------
    Coordination: the plain network (``co_action_edges``), its tests, and the groups.
    """
    seconds = action_seconds(actions)
    sweep = _Sweep(actions.account, actions.target, seconds, window)
    network, incidences, within = _network(sweep, min_weight)
    n = np.int64(len(sweep.keys))
    n_targets = np.int64(sweep.target.max() + 1 if len(sweep.target) else 1)
    low = np.searchsorted(sweep.keys, network.source)
    high = np.searchsorted(sweep.keys, network.target)
    pair_of_incidence = incidences // n_targets
    posts = _count_in(pair_of_incidence, low * n + high)
    expected = _expected_meetings(sweep, low, high, _meet_chance(sweep, within))
    p_value = poisson.sf(posts - 1, expected)
    q_value = _benjamini_hochberg(p_value)
    significant = (q_value <= alpha) & (posts >= min_weight)
    tests = PairTests(posts, expected, p_value, q_value, significant)
    gap = window / 4 if max_gap is None else max_gap
    groups = _groups(sweep, tests, low, high, actions.targets, min_share=min_share, max_gap=gap,
                     min_posts=min_posts)
    return Coordination(window, min_weight, alpha, min_share, gap, network, tests, groups)


def _merged(keys: np.ndarray, counts: np.ndarray, more: np.ndarray, more_counts: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """Two sets of sorted distinct keys as one, sorted, with their counts summed.

    ``counts`` is updated in place. The new keys are inserted where they belong: no sort
    of the totals, and no more memory than the merged arrays.
    """
    at = np.searchsorted(keys, more)
    known = at < len(keys)
    known[known] = keys[at[known]] == more[known]
    counts[at[known]] += more_counts[known]
    fresh = np.flatnonzero(~known)
    where = at[fresh] + np.arange(len(fresh))  # their places among the merged keys
    old = np.ones(len(keys) + len(fresh), dtype=bool)
    old[where] = False
    merged_keys, merged_counts = np.empty(len(old), dtype=keys.dtype), np.empty(len(old), dtype=counts.dtype)
    merged_keys[where], merged_counts[where] = more[fresh], more_counts[fresh]
    merged_keys[old], merged_counts[old] = keys, counts
    return merged_keys, merged_counts


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values: ``np.unique`` by sorting (numpy's hash-based unique is many
    times slower on millions of int64)."""
    if not len(values):
        return values
    ordered = np.sort(values, kind="stable")
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _count_in(sorted_values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """How many times each of ``wanted`` occurs in ``sorted_values``."""
    return (np.searchsorted(sorted_values, wanted, side="right")
            - np.searchsorted(sorted_values, wanted, side="left")).astype(np.int64)


def _meet_chance(sweep: _Sweep, within: np.ndarray) -> np.ndarray:
    """Per target: the share of its action pairs (different accounts) within the window."""
    n_targets = len(within)
    actions = np.bincount(sweep.target, minlength=n_targets).astype(np.float64)
    per_user = np.unique(sweep.target * np.int64(len(sweep.keys)) + sweep.user, return_counts=True)
    same = np.bincount(per_user[0] // len(sweep.keys), weights=per_user[1].astype(np.float64) ** 2,
                       minlength=n_targets)
    total = actions ** 2 - same  # ordered pairs of actions by different accounts
    return np.divide(within, total, out=np.zeros(n_targets), where=total > 0)


def _expected_meetings(sweep: _Sweep, low: np.ndarray, high: np.ndarray, q: np.ndarray
                       ) -> np.ndarray:
    """Per pair (u, v): the posts they would act on together within the window by chance.

    Given u's posts, v acts on post p with chance d_v * pi_p (v's number of posts times p's
    share of all accounts' posts: popular posts are shared often), and the two then fall
    within the window with chance q_p: sum over u's posts = d_v * S_u with
    S_u = sum of pi_p * q_p. The larger of the two directions is taken.
    """
    n_targets = len(q)
    n = np.int64(len(sweep.keys))
    acted = _distinct(sweep.user * np.int64(n_targets) + sweep.target)  # distinct (account, post)
    user, target = acted // n_targets, acted % n_targets
    popularity = np.bincount(target, minlength=n_targets).astype(np.float64)
    share = popularity / max(popularity.sum(), 1.0)
    degree = np.bincount(user, minlength=n).astype(np.float64)
    reach = np.bincount(user, weights=share[target] * q[target], minlength=n)
    return np.maximum(degree[high] * reach[low], degree[low] * reach[high])


def _benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    if not len(p):
        return p.copy()
    order = np.argsort(p)
    ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(p)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def _groups(sweep: _Sweep, tests: PairTests, low: np.ndarray, high: np.ndarray,
            targets: list[str], *, min_share: float, max_gap: float, min_posts: int
            ) -> list[CoordinatedGroup]:
    """Connected components of the significant pairs that act in lockstep, largest first.

    All components are measured at once from the members' actions: which actions came within
    the window of another member's on the same post (coordinated), the gaps between
    consecutive coordinated actions on a post, and the posts pushed.
    """
    sig = tests.significant
    if not sig.any():
        return []
    n = len(sweep.keys)
    graph = sparse.coo_matrix((np.ones(int(sig.sum())), (low[sig], high[sig])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    in_group = np.zeros(n, dtype=bool)
    in_group[low[sig]] = True
    in_group[high[sig]] = True
    group = np.where(in_group, label, -1)  # per account
    of_action = group[sweep.user]
    coordinated = np.zeros(len(sweep.user), dtype=bool)
    for start, stop in sweep.chunks():
        i, j = sweep.pairs(start, stop)
        g = of_action[i]
        hit = (g >= 0) & (g == of_action[j]) & (sweep.user[i] != sweep.user[j])
        coordinated[i[hit]] = True
    actions = np.bincount(of_action[of_action >= 0], minlength=n)
    share = np.bincount(of_action[coordinated], minlength=n) / np.maximum(actions, 1)
    # coordinated actions by (group, post, time): gaps and pushes
    ci = np.flatnonzero(coordinated)
    ci = ci[np.lexsort((sweep.seconds[ci], sweep.target[ci], of_action[ci]))]
    g, t, at, who = of_action[ci], sweep.target[ci], sweep.seconds[ci], sweep.user[ci]
    same = (g[1:] == g[:-1]) & (t[1:] == t[:-1])
    gap, gap_group = np.diff(at)[same], g[1:][same]
    by_gap = np.lexsort((gap, gap_group))
    gap, gap_group = gap[by_gap], gap_group[by_gap]
    n_targets = np.int64(sweep.target.max() + 1)
    push, first = np.unique(g * n_targets + t, return_index=True)  # time order: first is earliest
    push_members = _count_in(_distinct((g * n_targets + t) * n + who) // n, push)
    edge_label = label[low[sig]]
    pairs = np.bincount(edge_label, minlength=n)
    observed = np.bincount(edge_label, weights=tests.posts[sig], minlength=n)
    expected = np.bincount(edge_label, weights=tests.expected[sig], minlength=n)
    found = []
    for k in _distinct(label[in_group]).tolist():
        lo, hi = np.searchsorted(gap_group, [k, k + 1])
        median = float(np.median(gap[lo:hi])) if hi > lo else float("inf")
        lo, hi = np.searchsorted(push // n_targets, [k, k + 1])
        if share[k] < min_share or median > max_gap or hi - lo < min_posts:
            continue
        ranked = sorted(range(lo, hi), key=lambda x: (-push_members[x], at[first[x]]))
        o, e = int(observed[k]), float(expected[k])
        found.append(CoordinatedGroup(
            id=0, members=sweep.keys[label == k].tolist(), pairs=int(pairs[k]),
            posts_together=o, expected=e, p_value=float(poisson.sf(o - 1, e)),
            z=(o - e) / np.sqrt(e) if e > 0 else float("inf"),
            posts=[PushedPost(targets[int(push[x] % n_targets)], int(push_members[x]),
                              float(at[first[x]])) for x in ranked[:TOP_POSTS]],
            pushed=hi - lo, median_gap_s=median, coordinated_share=float(share[k])))
    found.sort(key=lambda c: (-len(c.members), min(c.members)))
    return [replace(c, id=number) for number, c in enumerate(found)]

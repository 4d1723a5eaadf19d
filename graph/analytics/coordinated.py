"""``tagjack coordination``: store reads -> coordination analytics -> write-back, and the answer.

The groups are put beside the last analysis: each group's community is its members' most
common one, with that community's role in the hijack (campaign, hijacker, other).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from tagjack.graph.analytics.coordination import TWEPOCH_MS, Coordination, coordination
from tagjack.graph.analytics.lookup import handles_of
from tagjack.graph.errors import TagjackError
from tagjack.graph.model import PostKind, normalize_tag
from tagjack.graph.store.base import AccountTable, CoordinatedTable, Results, Store
from tagjack.graph.times import iso, utc

KINDS: dict[str, PostKind] = {"co_retweet": PostKind.RETWEET, "co_reply": PostKind.REPLY}


@dataclass(frozen=True)
class GroupAnswer:
    id: int
    handles: list[str]
    community: int | None
    role: str | None
    p_value: float
    z: float
    posts_together: int
    expected: float
    pushed: int
    posts: list[dict]  # {post_id, members, first_at}
    median_gap_s: float
    coordinated_share: float


@dataclass(frozen=True)
class CoordinationAnswer:
    kind: str
    hashtag: str | None
    window: float
    min_weight: int
    alpha: float
    actions: int
    pairs: int  # pairs in the plain network
    edges: list[tuple[str, str, int]] | None  # the plain network (handle, handle, weight), if asked
    coordinated_pairs: int
    groups: list[GroupAnswer]


def coordination_answer(store: Store, hashtag: str | None = None, *, kind: str = "co_retweet",
                        window: float = 60, min_weight: int = 2, alpha: float = 0.001,
                        write: bool = True, edges: bool = False, accounts: AccountTable | None = None,
                        results: Results | None = None) -> CoordinationAnswer:
    """Co-action network and coordinated groups of ``kind``; written back when ``write``; with
    ``edges``, the network's edges by handle (millions of pairs on a large set: only when shown).
    ``accounts`` and ``results``: the store's, when the caller has read them already."""
    if kind not in KINDS:
        raise TagjackError(f"unknown co-action kind {kind!r}", hint=f"use one of {', '.join(KINDS)}")
    tag = normalize_tag(hashtag) if hashtag else None
    actions = store.actions(KINDS[kind], hashtag=tag)
    found = coordination(actions, window=window, min_weight=min_weight, alpha=alpha)
    if write:
        store.write_coordinated(kind, coordinated_pairs(found, kind))
    net = found.network
    shown = np.concatenate([net.source, net.target] if edges else
                           [np.array(g.members, dtype=np.int64) for g in found.groups] or
                           [np.empty(0, dtype=np.int64)])
    keys = np.unique(shown)
    accounts = accounts if accounts is not None else store.accounts()
    handle = dict(zip(keys.tolist(), handles_of(accounts, keys), strict=True))
    results = results if results is not None else store.results()
    return CoordinationAnswer(
        kind=kind, hashtag=tag, window=window, min_weight=min_weight, alpha=alpha,
        actions=len(actions), pairs=len(net),
        edges=[(handle[s], handle[t], w) for s, t, w in zip(
            net.source.tolist(), net.target.tolist(), net.weight.tolist(), strict=True)]
        if edges else None,
        coordinated_pairs=int(sum(g.pairs for g in found.groups)),
        groups=[_group_answer(g, handle, results) for g in found.groups])


def coordinated_pairs(found: Coordination, kind: str) -> CoordinatedTable:
    """The significant pairs inside the coordinated groups, with their group."""
    group_of = {m: g.id for g in found.groups for m in g.members}
    net, tests = found.network, found.tests
    keep = np.array([bool(sig) and s in group_of for s, sig in zip(
        net.source.tolist(), tests.significant.tolist(), strict=True)], dtype=bool)
    n = int(keep.sum())
    return CoordinatedTable(
        kind=[kind] * n, source=net.source[keep], target=net.target[keep], weight=net.weight[keep],
        window_s=np.full(n, float(found.window)),
        group=np.array([group_of[s] for s in net.source[keep].tolist()], dtype=np.int64),
        posts=tests.posts[keep], p_value=tests.p_value[keep])


def _group_answer(g, handle: dict[int, str], results: Results | None) -> GroupAnswer:
    community, role = None, None
    if results is not None:
        members = np.array(g.members, dtype=np.int64)
        at = np.minimum(np.searchsorted(results.keys, members), max(len(results.keys) - 1, 0))
        at = at[results.keys[at] == members] if len(results.keys) else at[:0]
        known = [c for c in results.community[at].tolist() if c >= 0]
        if known:
            community = Counter(known).most_common(1)[0][0]
            role = next((c.role for c in results.communities if c.id == community), None)
    return GroupAnswer(
        id=g.id, handles=sorted(handle[m] for m in g.members), community=community, role=role,
        p_value=g.p_value, z=g.z, posts_together=g.posts_together, expected=g.expected,
        pushed=g.pushed,
        posts=[{"post_id": p.post_id, "members": p.members,
                "first_at": iso(utc(int(p.first_at + TWEPOCH_MS / 1000)))} for p in g.posts],
        median_gap_s=g.median_gap_s, coordinated_share=g.coordinated_share)


def partners(table: CoordinatedTable, kind: str = "co_retweet") -> dict[int, tuple[int, int]]:
    """Account key -> (accounts it is coordinated with, its group), from stored pairs."""
    out: dict[int, set[int]] = {}
    group: dict[int, int] = {}
    for k, s, t, g in zip(table.kind, table.source.tolist(), table.target.tolist(),
                          table.group.tolist(), strict=True):
        if k != kind:
            continue
        out.setdefault(s, set()).add(t)
        out.setdefault(t, set()).add(s)
        group[s] = group[t] = g
    return {a: (len(others), group[a]) for a, others in out.items()}


def partners_text(found: tuple[int, int] | None) -> str | None:
    if found is None:
        return None
    n, g = found
    return f"coordinated with {n} account{'s' if n != 1 else ''} (group {g})"


def coordination_json(a: CoordinationAnswer, *, edges: bool = False) -> dict:
    """``tagjack coordination --json``; with ``edges``, the network itself."""
    if edges:
        return {"edges": [{"source": s, "target": t, "weight": w} for s, t, w in a.edges or []]}
    return {
        "kind": a.kind, "hashtag": "#" + a.hashtag if a.hashtag else None, "window": a.window,
        "min_weight": a.min_weight, "alpha": a.alpha, "actions": a.actions,
        "edges": a.pairs, "coordinated_pairs": a.coordinated_pairs,
        "groups": [{"group": g.id, "accounts": g.handles, "size": len(g.handles),
                    "community": g.community, "role": g.role, "p_value": g.p_value,
                    "z": round(g.z, 2), "posts_together": g.posts_together,
                    "expected": round(g.expected, 4), "posts_pushed": g.pushed, "posts": g.posts,
                    "median_gap_s": round(g.median_gap_s, 3),
                    "coordinated_share": round(g.coordinated_share, 4)} for g in a.groups],
    }

"""A plurality pass over a partition: each account joins the community most of its ties are with.

Modularity compares a community's internal ties with what its total degree
predicts, so joining the dominant community costs the most: an account with
two retweets of the hijack hub and one of the campaign ends up in the
campaign's community at resolution 1. In a hijack the hijackers are the
dominant community by definition, so this bias strips exactly the accounts
the analysis counts. One synchronous pass (repeated a few times) moves each
account to the community holding the largest share of its interaction
weight; this is label propagation (Raghavan et al. 2007) started from the
engine's answer. One pass gives exact ties to the larger community: when
an account's own ties do not decide, the likelier community a priori does.
Louvain and Leiden answers settle to nearly the same partition this way.
"""

from __future__ import annotations

import numpy as np
from tagjack.graph.analytics.communities import Partition
from tagjack.graph.analytics.projection import Projection

SWEEPS = 5
MAX_MODULARITY_LOSS = 0.03  # past this, settling is undoing structure, not fixing a bias


def settled(p: Projection, partition: Partition, *, sweeps: int = SWEEPS) -> Partition:
    """``partition`` after plurality passes over the undirected projection ``p``.

    Up to ``sweeps`` passes move accounts whose ties to another community
    strictly outweigh those to their own; then one pass settles exact ties
    on the larger community; then strict passes again. Ids are renumbered
    by size and the modularity recomputed. It drops a little (the null
    model's preference for small communities is what is being undone); if it
    would drop by more than MAX_MODULARITY_LOSS the engine's partition is
    returned unchanged, since that means the graph has too little structure
    for the passes to be safe (label propagation can then snowball).
    """
    if p.directed:
        raise ValueError("settling needs the undirected projection")
    membership = partition.of(p.keys)
    if p.n == 0 or not len(p.source) or (membership < 0).any():
        return partition
    ties = (np.concatenate((p.source, p.target)), np.concatenate((p.target, p.source)),
            np.concatenate((p.weight, p.weight)))
    membership = _sweep(*ties, membership, sweeps=sweeps)
    membership = _sweep(*_ranked_by_size(*ties, membership), sweeps=1, ties_to_larger=True)
    membership = _sweep(*ties, membership, sweeps=sweeps)
    found = Partition.from_membership(p, membership, engine=partition.engine)
    return found if found.modularity >= partition.modularity - MAX_MODULARITY_LOSS else partition


def _ranked_by_size(source: np.ndarray, target: np.ndarray, weight: np.ndarray,
                    membership: np.ndarray) -> tuple[np.ndarray, ...]:
    """The same ties, with communities renumbered so that 0 is the largest."""
    _, inverse, sizes = np.unique(membership, return_inverse=True, return_counts=True)
    rank = np.empty(len(sizes), dtype=np.int64)
    rank[np.lexsort((np.arange(len(sizes)), -sizes))] = np.arange(len(sizes))
    return source, target, weight, rank[inverse]


def _sweep(source: np.ndarray, target: np.ndarray, weight: np.ndarray, membership: np.ndarray, *,
           sweeps: int, ties_to_larger: bool = False) -> np.ndarray:
    for _ in range(sweeps):
        moved = _plurality(source, target, weight, membership, ties_to_larger=ties_to_larger)
        if np.array_equal(moved, membership):
            break
        membership = moved
    return membership


def _plurality(source: np.ndarray, target: np.ndarray, weight: np.ndarray, membership: np.ndarray,
               *, ties_to_larger: bool) -> np.ndarray:
    """Each node's community with the most tie weight.

    A tie keeps the current community, or with ``ties_to_larger`` goes to
    the lowest id (callers number communities by size).
    """
    k = int(membership.max()) + 1
    pairs, inverse = np.unique(source * k + membership[target], return_inverse=True)
    total = np.bincount(inverse, weights=weight)
    node, community = pairs // k, pairs % k
    order = np.lexsort((community, -total, node))
    in_order = node[order]
    best = order[np.r_[True, in_order[1:] != in_order[:-1]]]
    own = np.zeros(len(membership))
    mine = community == membership[node]
    own[node[mine]] = total[mine]
    better = total[best] > own[node[best]] + 1e-9
    if ties_to_larger:
        better |= (total[best] >= own[node[best]] - 1e-9) & (community[best] < membership[node[best]])
    moved = membership.copy()
    moved[node[best][better]] = community[best][better]
    return moved

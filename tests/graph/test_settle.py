"""Settling: accounts follow their ties; the dominant community keeps its low-degree members."""

from __future__ import annotations

import numpy as np
from tagjack.graph.analytics.communities import Partition, communities
from tagjack.graph.analytics.projection import projection
from tagjack.graph.analytics.settle import MAX_MODULARITY_LOSS, settled
from tagjack.graph.store.base import EdgeTable


def undirected(pairs: list[tuple[int, int]]):
    a = np.array(pairs, dtype=np.int64)
    zeros = np.zeros(len(a), dtype=np.int64)
    return projection(EdgeTable(a[:, 0], a[:, 1], np.ones(len(a), np.int64), zeros, zeros),
                      directed=False)


def test_an_account_moves_to_the_community_most_of_its_ties_are_with():
    # a 10-clique (0..9), a 4-clique (20..23); 30 retweeted 0 and 1, and 20 once
    big = [(i, j) for i in range(10) for j in range(i + 1, 10)]
    small = [(i, j) for i in range(20, 24) for j in range(i + 1, 24)]
    p = undirected(big + small + [(30, 0), (30, 1), (30, 20)])
    wrong = Partition.from_membership(p, [0] * 10 + [1] * 4 + [1], engine="test")
    right = settled(p, wrong)
    assert right.of(np.array([30]))[0] == right.of(np.array([0]))[0]
    assert right.of(np.array([20]))[0] != right.of(np.array([0]))[0]
    assert right.engine == "test"


def test_a_tie_goes_to_the_larger_community():
    big = [(i, j) for i in range(10) for j in range(i + 1, 10)]
    small = [(i, j) for i in range(20, 24) for j in range(i + 1, 24)]
    p = undirected(big + small + [(30, 0), (30, 20)])
    start = Partition.from_membership(p, [0] * 10 + [1] * 4 + [1], engine="test")
    got = settled(p, start)
    assert got.of(np.array([30]))[0] == got.of(np.array([5]))[0]


def test_settling_never_collapses_a_graph_without_structure():
    rng = np.random.default_rng(3)
    pairs = [tuple(x) for x in rng.integers(0, 2000, size=(8000, 2)) if x[0] != x[1]]
    p = undirected(pairs)
    engine = communities(p, engine="leiden", seed=1)
    once = settled(p, engine)
    assert np.array_equal(once.keys, p.keys)
    assert len(once.sizes()) > 1 and once.modularity >= engine.modularity - MAX_MODULARITY_LOSS

"""Community engines over the undirected projection: louvain, leiden, (gds in the Neo4j store).

Every engine returns a ``Partition`` with ids renumbered by size (0 is the
largest) and the weighted modularity computed the same way (igraph), so
engines compare like for like.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

import igraph as ig
import numpy as np
from tagjack.graph.analytics.lookup import key_table, values_by_key
from tagjack.graph.analytics.projection import Projection, to_igraph, to_networkx
from tagjack.graph.errors import TagjackError

ENGINES = ("auto", "louvain", "leiden", "gds")
AUTO_LEIDEN_EDGES = 50_000  # python-louvain stays the reference below this
# igraph's default; iterating to convergence (-1) costs 4x the time for +0.0001 modularity
# on the 1M-tweet benchmark (bench/results.json)
LEIDEN_ITERATIONS = 2


@dataclass(frozen=True)
class Partition:
    keys: np.ndarray  # int64 account keys (sorted)
    membership: np.ndarray  # int64 community id per key
    modularity: float
    engine: str

    @classmethod
    def from_membership(cls, p: Projection, membership: np.ndarray | list[int], *,
                        engine: str, graph: ig.Graph | None = None) -> Partition:
        """Communities renumbered largest first; ``graph``: ``p`` as igraph, if already built."""
        raw = np.asarray(membership, dtype=np.int64)
        ids, inverse, sizes = np.unique(raw, return_inverse=True, return_counts=True)
        order = np.lexsort((ids, -sizes))  # largest first, ties by old id: repeatable
        rank = np.empty(len(ids), dtype=np.int64)
        rank[order] = np.arange(len(ids))
        renumbered = rank[inverse] if len(raw) else raw
        return cls(p.keys, renumbered, modularity(p, renumbered, graph=graph), engine)

    def sizes(self) -> np.ndarray:
        return np.bincount(self.membership) if len(self.membership) else np.empty(0, np.int64)

    def of(self, keys: np.ndarray) -> np.ndarray:
        """Community of each account key; -1 for accounts outside the graph."""
        return values_by_key(self.keys, self.membership, keys, self._table)

    @cached_property
    def _table(self) -> np.ndarray | None:
        return key_table(self.keys, self.membership)


def modularity(p: Projection, membership: np.ndarray, *, graph: ig.Graph | None = None) -> float:
    if p.n == 0 or len(p.source) == 0:
        return 0.0
    g = graph if graph is not None else to_igraph(p, directed=False)
    return float(g.modularity(membership.tolist(), weights=p.weight))


def louvain(p: Projection, *, seed: int, resolution: float = 1.0) -> Partition:
    """python-louvain (Blondel et al. 2008), the reference engine."""
    import community as community_louvain  # python-louvain: with networkx, 0.1 s to import

    g = to_networkx(p)
    found = community_louvain.best_partition(g, weight="weight", random_state=seed,
                                             resolution=resolution)
    membership = [found[k] for k in p.keys.tolist()]
    return Partition.from_membership(p, membership, engine="louvain")


def leiden(p: Projection, *, seed: int, resolution: float = 1.0) -> Partition:
    """igraph's Leiden (Traag et al. 2019) on the edge arrays, modularity objective."""
    g = to_igraph(p, directed=False)
    with seeded_igraph(seed):
        found = g.community_leiden(objective_function="modularity",  # default is CPM
                                   weights=p.weight, resolution=resolution, n_iterations=LEIDEN_ITERATIONS)
    return Partition.from_membership(p, found.membership, engine="leiden", graph=g)


def communities(p: Projection, *, engine: str = "auto", seed: int = 1,
                resolution: float = 1.0) -> Partition:
    """Run the named engine; ``auto`` takes leiden once the graph is large."""
    if p.directed:
        raise ValueError("communities need the undirected projection")
    if engine == "auto":
        engine = "leiden" if len(p.source) > AUTO_LEIDEN_EDGES else "louvain"
    if engine == "louvain":
        return louvain(p, seed=seed, resolution=resolution)
    if engine == "leiden":
        return leiden(p, seed=seed, resolution=resolution)
    raise TagjackError(f"unknown community engine {engine!r}",
                       hint=f"choose one of {', '.join(ENGINES)}")


@contextmanager
def seeded_igraph(seed: int) -> Iterator[None]:
    """igraph draws from one global RNG: give it a seeded one, then put back the default."""
    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)

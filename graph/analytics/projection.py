"""Weighted account projections as edge arrays (never per-edge Python objects).

Node i of a projection is account key ``keys[i]``; ``keys`` is sorted so a
key finds its node with ``np.searchsorted``.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields
from typing import TYPE_CHECKING, Self

import igraph as ig
import numpy as np
from tagjack.graph.errors import TagjackError
from tagjack.graph.model import EdgeKind
from tagjack.graph.store.base import EdgeTable

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class Ties:
    """What one interaction of each kind weighs in the community graph.

    Communities should gather people who agree. Retweet networks of contested topics
    split into the camps, mention networks do not (Conover et al., "Political
    Polarization on Twitter", ICWSM 2011), and in a hijack the quotes and replies at the
    owner are mockery: ties across the camps. So retweets carry the graph, mentions
    weigh 0.3, replies 0.1 (enough to place an account that only replies) and quotes
    nothing: chosen by measurement on the simulator with the dunk and on the real sets
    (README, "Communities"), where even 0.1 for quotes let a full dunk merge the
    hijackers into the campaign.
    """

    retweet: float = 1.0
    quote: float = 0.0
    reply: float = 0.1
    mention: float = 0.3

    def __post_init__(self) -> None:
        if min(astuple(self)) < 0 or max(astuple(self)) <= 0:
            raise TagjackError("--ties: weights must be non-negative, and one above zero")

    def of(self, kind: EdgeKind) -> float:
        return float(getattr(self, kind.value))

    def kinds(self) -> list[EdgeKind]:
        """The kinds that weigh anything (the only tables a projection needs)."""
        return [kind for kind in EdgeKind if self.of(kind) > 0]

    @classmethod
    def parse(cls, text: str) -> Self:
        """``retweet=1,mention=0.3``: kinds not named keep their default."""
        names = {f.name for f in fields(cls)}
        given: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, sep, value = part.partition("=")
            name = name.strip().lower()
            if not sep or name not in names:
                raise TagjackError(f"--ties: {part!r} is not KIND=WEIGHT",
                                   hint="kinds: retweet, quote, reply, mention; e.g. "
                                        "retweet=1,mention=0.3")
            try:
                given[name] = float(value)
            except ValueError:
                raise TagjackError(f"--ties: {value.strip()!r} is not a number") from None
        return cls(**given)

    def text(self) -> str:
        return ",".join(f"{f.name}={getattr(self, f.name):g}" for f in fields(self))


DEFAULT_TIES = Ties()


@dataclass(frozen=True)
class Projection:
    keys: np.ndarray  # int64 account keys, sorted, one per node
    source: np.ndarray  # int64 node indices
    target: np.ndarray
    weight: np.ndarray  # float64
    directed: bool = True

    @property
    def n(self) -> int:
        return len(self.keys)

    def edge_pairs(self) -> np.ndarray:
        """(m, 2) array of node index pairs, the shape igraph takes."""
        return np.column_stack((self.source, self.target))

    def renumbered(self, rank: np.ndarray) -> Projection:
        """The same graph with node i as node ``rank[i]`` (a permutation), which is also its
        key, and the edges in order of the new numbers."""
        s, t = rank[self.source], rank[self.target]
        if not self.directed:
            s, t = np.minimum(s, t), np.maximum(s, t)
        order = np.lexsort((t, s))
        return Projection(np.arange(self.n, dtype=np.int64), s[order], t[order],
                          self.weight[order], self.directed)

    def nodes_of(self, keys: np.ndarray) -> np.ndarray:
        """Node index of each account key; -1 for keys not in the projection."""
        at = np.searchsorted(self.keys, keys)
        at = np.clip(at, 0, max(self.n - 1, 0))
        found = (self.n > 0) & (self.keys[at] == keys) if self.n else np.zeros(len(keys), bool)
        return np.where(found, at, -1)


def edge_union(*tables: EdgeTable, self_loops: bool = False) -> EdgeTable:
    """Several edge tables as one: per (source, target), weights summed, first and last times
    the earliest and latest. Self-loops dropped unless ``self_loops``; sorted by pair."""
    cat = [np.concatenate([getattr(t, f) for t in tables]) if tables else np.empty(0, np.int64)
           for f in ("source", "target", "weight", "first_at", "last_at")]
    source, target, weight, first_at, last_at = cat
    if not self_loops:
        keep = source != target
        source, target, weight, first_at, last_at = (c[keep] for c in cat)
    if len(source) and ((source[1:] > source[:-1]) |
                        ((source[1:] == source[:-1]) & (target[1:] > target[:-1]))).all():
        # one table as a store gives it: its pairs distinct and sorted already
        return EdgeTable(source=source, target=target, weight=weight.astype(np.int64),
                         first_at=first_at.astype(np.int64), last_at=last_at.astype(np.int64))
    pairs, inverse = np.unique(np.column_stack((source, target)), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    n = len(pairs)
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, inverse, first_at)
    np.maximum.at(last, inverse, last_at)
    return EdgeTable(source=pairs[:, 0].copy(), target=pairs[:, 1].copy(),
                     weight=np.bincount(inverse, weights=weight, minlength=n).astype(np.int64),
                     first_at=first, last_at=last)


def projection(*tables: EdgeTable, weights: tuple[float, ...] | None = None,
               directed: bool = True) -> Projection:
    """Weighted union of edge tables: edge A->B weighs sum(table weight * times).

    ``directed=False`` folds A->B and B->A into one edge (the community view).
    Self-loops are dropped.
    """
    weights = weights or (1.0,) * len(tables)
    src = np.concatenate([t.source for t in tables]) if tables else np.empty(0, np.int64)
    dst = np.concatenate([t.target for t in tables]) if tables else np.empty(0, np.int64)
    w = np.concatenate([t.weight.astype(np.float64) * f for t, f in zip(tables, weights,
                                                                       strict=True)]) \
        if tables else np.empty(0, np.float64)
    keep = src != dst
    src, dst, w = src[keep], dst[keep], w[keep]
    keys, inverse = np.unique(np.concatenate((src, dst)), return_inverse=True)
    s, t = inverse[: len(src)], inverse[len(src):]
    if not directed:
        s, t = np.minimum(s, t), np.maximum(s, t)
    return _merge(keys, s, t, w, directed)


def _merge(keys: np.ndarray, s: np.ndarray, t: np.ndarray, w: np.ndarray,
           directed: bool) -> Projection:
    """Sum the weights of repeated (s, t) pairs."""
    n = max(len(keys), 1)
    code = s.astype(np.int64) * n + t
    unique, inverse = np.unique(code, return_inverse=True)
    summed = np.bincount(inverse, weights=w, minlength=len(unique))
    return Projection(keys=keys, source=unique // n, target=unique % n, weight=summed,
                      directed=directed)


def to_igraph(p: Projection, *, directed: bool | None = None) -> ig.Graph:
    """An igraph graph on node indices (add_edges takes the array far faster than the constructor)."""
    g = ig.Graph(n=p.n, directed=p.directed if directed is None else directed)
    g.add_edges(p.edge_pairs())
    return g


def to_networkx(p: Projection) -> nx.Graph:
    """A networkx graph whose nodes are account keys (for the python-louvain reference)."""
    import networkx as nx  # 0.1 s to import; only the reference engine and tests need it

    g: nx.Graph = nx.DiGraph() if p.directed else nx.Graph()
    g.add_nodes_from(p.keys.tolist())
    g.add_weighted_edges_from(zip(p.keys[p.source].tolist(), p.keys[p.target].tolist(),
                                  p.weight.tolist(), strict=True))
    return g

"""The ``gds`` community engine: Louvain or Leiden inside Neo4j, via Graph Data Science.

For graphs that outgrow the client: the weighted graph is projected from the
stored ``RETWEETED`` / ``QUOTED`` / ``REPLIED_TO`` / ``MENTIONED`` edges, weighted by ``Ties``,
into the GDS catalog
(``cypher/gds/project.cypher``), the algorithm streams back one community per
account, and the projection is dropped, whatever happens. The result is a
``Partition`` over the caller's projection, renumbered and scored exactly as
the louvain and leiden engines do (graph/analytics/communities.py), so the three compare
like for like.

The engine reaches Neo4j only through ``GdsHost``, the few methods the Neo4j
store offers for it; the store does not know the engine, so there is no
import circle between analytics and the store.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import numpy as np
from tagjack.cypher import statement
from tagjack.graph.analytics.communities import Partition
from tagjack.graph.analytics.projection import DEFAULT_TIES, Projection, Ties
from tagjack.graph.errors import TagjackError
from tagjack.graph.model import EdgeKind

ALGORITHMS = ("leiden", "louvain")


class GdsHost(Protocol):
    """What the engine needs of a store: the Neo4j store is one."""

    def gds(self) -> Any:
        """A ``graphdatascience`` client on the store's database; the engine closes it."""
        ...

    def check_params(self, name: str, params: Mapping[str, Any]) -> None:
        """Raise unless ``params`` are exactly the $parameters of statement ``name``."""
        ...

    def account_ids_of_nodes(self, node_ids: list[int]) -> list[str]:
        """Account ids of GDS node ids, in the same order."""
        ...

    def keys_of(self, ids: Iterable[str]) -> np.ndarray:
        """The store's dense account keys of account ids."""
        ...


def gds_partition(store: GdsHost, p: Projection, *, seed: int, resolution: float = 1.0,
                  algorithm: str = "leiden", ties: Ties = DEFAULT_TIES) -> Partition:
    """Communities of the undirected graph of weighted ties, computed by GDS.

    Parameters
    ----------
    p
        The undirected projection the other engines would get (all posts, the same
        ``ties``); it fixes the accounts and scores the partition.
    seed
        Leiden's ``randomSeed``. GDS honours it only single-threaded, so Leiden
        runs with ``concurrency: 1`` and repeats exactly; GDS Louvain takes no
        seed and repeats only as far as single-threaded runs do.
    ties
        Weight of one retweet, quote, reply and mention (``retweet_weight``, ...): the
        same choice as the other engines' (``pipeline.community_graph``).

    Accounts of ``p`` that GDS did not see (only when ``p`` was built from other
    data) each get a community of their own.
    """
    if algorithm not in ALGORITHMS:
        raise TagjackError(f"unknown GDS algorithm {algorithm!r}",
                           hint=f"choose one of {', '.join(ALGORITHMS)}")
    if p.directed:
        raise ValueError("communities need the undirected projection")
    if p.n == 0 or len(p.source) == 0:
        return Partition.from_membership(p, np.arange(p.n), engine="gds")
    client = store.gds()
    params = {"graph_name": f"tagjack-{uuid.uuid4().hex[:12]}",
              **{f"{kind.value}_weight": ties.of(kind) for kind in EdgeKind}}
    store.check_params("gds/project", params)
    try:
        with client.graph.project.cypher(statement("gds/project"), **params) as graph:
            found = _stream(client, graph, algorithm=algorithm, seed=seed, resolution=resolution)
    finally:
        client.close()
    node_ids = found["nodeId"].astype("int64").tolist()
    ids = store.account_ids_of_nodes(node_ids)
    community_of = dict(zip(store.keys_of(ids).tolist(),
                            found["communityId"].astype("int64").tolist(), strict=True))
    lonely = iter(range(max(community_of.values(), default=-1) + 1, 2**62))
    membership = [community_of[k] if k in community_of else next(lonely) for k in p.keys.tolist()]
    return Partition.from_membership(p, membership, engine="gds")


def _stream(client, graph, *, algorithm: str, seed: int, resolution: float):
    common = {"relationship_weight_property": "weight", "concurrency": 1, "log_progress": False}
    if algorithm == "leiden":
        return client.leiden.stream(graph, random_seed=seed, gamma=resolution, **common)
    if resolution != 1.0:
        raise TagjackError("GDS Louvain has no resolution setting",
                           hint="use algorithm leiden for another resolution")
    return client.louvain.stream(graph, **common)

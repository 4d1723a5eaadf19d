"""The gds engine, in the real Neo4j: as good as leiden, repeatable, and it cleans up."""

from __future__ import annotations

import os

import numpy as np
import pytest
from neo4j_server import neo4j_settings, wipe
from tagjack.graph.analytics.communities import leiden
from tagjack.graph.analytics.gds import gds_partition
from tagjack.graph.analytics.pipeline import community_graph
from tagjack.graph.analytics.projection import DEFAULT_TIES, edge_union, projection
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.v1 import read_v1
from tagjack.graph.model import EdgeKind
from tagjack.graph.simulation.simulate import simulate

pytestmark = pytest.mark.neo4j

TWEETS = 6_000


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A simulated hijack (6,000 tweets) in an emptied Neo4j, and its undirected projection."""
    uri, user, password, database = neo4j_settings()
    from tagjack.graph.store.neo4j import Neo4jStore
    from tagjack.graph.store.neo4j_connect import Credentials

    folder = tmp_path_factory.mktemp("gds")
    simulate(folder, tweets=TWEETS, fmt="v1", seed=3)
    with Neo4jStore(uri, Credentials(user, password, database)) as store:
        _wipe(store)
        load_records(store, read_v1(folder / "tweets.jsonl"),
                     rejects=RejectsFile(folder / "rejects.jsonl"))
        # the graph the other engines get, with the same default ties
        p = community_graph({k: edge_union(store.edges(k)) for k in EdgeKind}, DEFAULT_TIES)
        yield store, p
        _wipe(store)


def _wipe(store) -> None:
    wipe(store.driver, store.database)


def _graphs(store) -> list[str]:
    return [r[0] for r in store.user_query("CALL gds.graph.list() YIELD graphName "
                                           "RETURN graphName", {}).rows]


def test_gds_modularity_is_within_0_01_of_leiden(loaded):
    store, p = loaded
    found = gds_partition(store, p, seed=1)
    reference = leiden(p, seed=1)
    assert found.engine == "gds"
    assert found.modularity > 0.3
    assert abs(found.modularity - reference.modularity) <= 0.01, (found.modularity,
                                                                  reference.modularity)


def test_every_account_in_one_community_ids_by_size(loaded):
    store, p = loaded
    found = gds_partition(store, p, seed=1)
    assert np.array_equal(found.keys, p.keys)
    sizes = found.sizes()
    assert sizes.sum() == p.n and list(sizes) == sorted(sizes, reverse=True)


def test_same_seed_same_partition_and_the_projection_is_dropped(loaded):
    store, p = loaded
    first = gds_partition(store, p, seed=7)
    again = gds_partition(store, p, seed=7)
    assert np.array_equal(first.membership, again.membership)
    assert not [g for g in _graphs(store) if g.startswith("tagjack-")]


def test_louvain_runs_too(loaded):
    store, p = loaded
    louvain = gds_partition(store, p, seed=1, algorithm="louvain")
    assert abs(louvain.modularity - leiden(p, seed=1).modularity) <= 0.02


def test_an_empty_graph_needs_no_gds(tmp_path):
    uri, user, password, database = neo4j_settings()
    from tagjack.graph.store.neo4j import Neo4jStore
    from tagjack.graph.store.neo4j_connect import Credentials

    empty = projection(directed=False)
    with Neo4jStore(uri, Credentials(user, password, database or os.environ.get(
            "NEO4J_DATABASE", "neo4j"))) as store:
        found = gds_partition(store, empty, seed=1)
    assert found.modularity == 0.0 and len(found.membership) == 0

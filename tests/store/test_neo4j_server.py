"""Smoke test of the Neo4j the suite runs against: version, auth, GDS, Browser.

With `make test` that is the project's own server (tests/neo4j-server): Neo4j 5.26 Community
with Graph Data Science 2.13 and the Browser, started from Maven Central artifacts.
"""

from __future__ import annotations

import urllib.request
import uuid

import neo4j
import pytest
from neo4j import GraphDatabase
from neo4j_server import browser_url, neo4j_settings

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def settings():
    return neo4j_settings()


@pytest.fixture(scope="module")
def driver(settings):
    uri, user, password, _ = settings
    with GraphDatabase.driver(uri, auth=(user, password)) as drv:
        drv.verify_connectivity()
        yield drv


def query(driver, settings, cypher: str, **params):
    records, _, _ = driver.execute_query(cypher, params, database_=settings[3])
    return records


def test_server_is_neo4j_5_26(driver, settings):
    rows = query(driver, settings, "CALL dbms.components() YIELD name, versions, edition "
                                   "RETURN name, versions[0] AS version, edition")
    kernel = {r["name"]: r for r in rows}["Neo4j Kernel"]
    assert kernel["version"].startswith("5.26."), kernel["version"]


def test_gds_is_installed(driver, settings):
    version = query(driver, settings, "RETURN gds.version() AS v")[0]["v"]
    assert version.startswith("2."), version
    names = {r["name"] for r in query(
        driver, settings,
        "SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'gds.' RETURN name")}
    needed = {"gds.graph.project", "gds.graph.drop",
              "gds.louvain.stream", "gds.louvain.write",
              "gds.leiden.stream", "gds.leiden.write",
              "gds.pageRank.stream", "gds.pageRank.write"}
    assert needed <= names, sorted(needed - names)


def test_gds_project_louvain_drop(driver, settings):
    """Two 4-cliques joined by one edge: Louvain finds exactly the two cliques."""
    graph = f"tagjack_smoke_{uuid.uuid4().hex}"
    query(driver, settings, "MATCH (n:TagjackSmoke) DETACH DELETE n")
    query(driver, settings, """
        UNWIND range(0, 7) AS i CREATE (:TagjackSmoke {i: i})
        WITH count(*) AS created
        MATCH (a:TagjackSmoke), (b:TagjackSmoke)
        WHERE a.i < b.i AND (a.i < 4) = (b.i < 4) OR (a.i = 0 AND b.i = 4)
        CREATE (a)-[:SMOKE_LINK]->(b)
        """)
    try:
        projected = query(driver, settings, """
            CALL gds.graph.project($graph, 'TagjackSmoke', {SMOKE_LINK: {orientation: 'UNDIRECTED'}})
            YIELD nodeCount, relationshipCount
            RETURN nodeCount, relationshipCount
            """, graph=graph)[0]
        # 6 + 6 clique edges and the bridge, each seen from both ends
        assert (projected["nodeCount"], projected["relationshipCount"]) == (8, 26)
        rows = query(driver, settings, """
            CALL gds.louvain.stream($graph, {concurrency: 1})
            YIELD nodeId, communityId
            RETURN gds.util.asNode(nodeId).i AS i, communityId
            """, graph=graph)
        community = {r["i"]: r["communityId"] for r in rows}
        assert len(set(community.values())) == 2
        assert len({community[i] for i in range(4)}) == 1
        assert len({community[i] for i in range(4, 8)}) == 1
    finally:
        query(driver, settings, "CALL gds.graph.drop($graph, false) YIELD graphName "
                                "RETURN graphName", graph=graph)
        query(driver, settings, "MATCH (n:TagjackSmoke) DETACH DELETE n")
    exists = query(driver, settings, "CALL gds.graph.exists($graph) YIELD exists RETURN exists",
                   graph=graph)
    assert exists[0]["exists"] is False


def test_wrong_password_is_refused(settings):
    uri, user, password, _ = settings
    with GraphDatabase.driver(uri, auth=(user, password + "-wrong")) as drv:
        with pytest.raises(neo4j.exceptions.AuthError):
            drv.verify_connectivity()


def test_browser_is_served():
    url = browser_url()
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.status == 200
        assert resp.headers.get_content_type() == "text/html"
        html = resp.read().decode("utf-8", "replace")
    assert "<title>Neo4j Browser</title>" in html

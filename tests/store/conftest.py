"""Stores for the conformance suite: the same tests on SQLite and on a real Neo4j."""

from __future__ import annotations

import pytest
from store_cases import STORES, store_for_test


@pytest.fixture(params=STORES)
def store(request, tmp_path):
    if request.param == "neo4j":
        request.applymarker(pytest.mark.neo4j)
    with store_for_test(request.param, tmp_path) as s:
        yield s


@pytest.fixture
def neo4j_store(tmp_path):
    with store_for_test("neo4j", tmp_path) as s:
        yield s

"""Where the tests find a real Neo4j.

`make test` runs pytest through ``tests/neo4j-server/with-neo4j.sh``, which starts the
project's local Neo4j 5.26 + GDS (``tests/neo4j-server/neo4j.sh``) when ``NEO4J_URI`` is
unset and exports ``NEO4J_URI``, ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``
and ``TAGJACK_NEO4J_BROWSER_URL``; or, when it cannot, ``TAGJACK_NEO4J_UNAVAILABLE`` with
the reason. Any other server works too: set ``NEO4J_URI`` (and the credentials) yourself.

Tests call :func:`neo4j_settings`. Without a server it skips the test with the reason, except
under ``CI=true``, where it fails it: CI never passes by skipping the Neo4j tests.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

_HOW = ("start one with `make neo4j` and export the lines it prints, or run `make test`, "
        "which starts the local Neo4j itself (needs Java 17 and Maven)")


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(reason: str) -> NoReturn:
    """Skip the calling test with `reason`, or fail it under CI=true."""
    if under_ci():
        pytest.fail(f"Neo4j is required under CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


def neo4j_settings() -> tuple[str, str, str, str]:
    """(uri, user, password, database) of the Neo4j to test against, or skip/fail."""
    uri = os.environ.get("NEO4J_URI", "").strip()
    if not uri:
        reason = os.environ.get("TAGJACK_NEO4J_UNAVAILABLE", "").strip()
        unavailable(f"no Neo4j: {reason}" if reason else f"no Neo4j: NEO4J_URI is not set; {_HOW}")
    return (
        uri,
        os.environ.get("NEO4J_USERNAME", "neo4j"),
        os.environ.get("NEO4J_PASSWORD", ""),
        os.environ.get("NEO4J_DATABASE", "") or "neo4j",
    )


def browser_url() -> str:
    """URL of the Neo4j Browser served by the local server, or skip/fail."""
    neo4j_settings()
    url = os.environ.get("TAGJACK_NEO4J_BROWSER_URL", "").strip()
    if not url:
        unavailable("TAGJACK_NEO4J_BROWSER_URL is not set (the local server from "
                    "tests/neo4j-server/neo4j.sh sets it; other servers: set it to their "
                    "http://HOST:7474/browser/)")
    return url

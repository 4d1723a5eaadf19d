"""Where the tests find a real Neo4j, and how they empty it without touching anyone's data.

`make test` runs pytest through ``tests/neo4j-server/with-neo4j.sh``, which starts a fresh
Neo4j 5.26 + GDS of the tests' own (its own folder under ``.neo4j-test/``, its own free
ports) and exports ``TAGJACK_TEST_NEO4J_URI``, ``_USERNAME``, ``_PASSWORD``, ``_DATABASE``
and ``_BROWSER_URL``; or, when it cannot, ``TAGJACK_NEO4J_UNAVAILABLE`` with the reason.
Another server is used only when named explicitly: set ``TAGJACK_TEST_NEO4J_URI`` (and the
credentials) yourself. ``NEO4J_URI`` and the other ``NEO4J_*`` variables, a user's own
server, are removed from the session's environment (tests/conftest.py).

Tests call :func:`neo4j_settings`. Without a server it skips the test with the reason, except
under ``CI=true``, where it fails it: CI never passes by skipping the Neo4j tests.

The suite claims the database when the session starts (tests/conftest.py): an empty one
gets the suite's marker node (``:TagjackTestSuite``); one holding nodes but no marker is
someone's data, and the session stops with one line saying so, before anything is written or
deleted. Every wipe checks again first.
"""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path
from typing import NoReturn

import pytest

_HOW = ("run `make test`, which starts a Neo4j of the tests' own (needs Java 17 and Maven), "
        "or name another server with TAGJACK_TEST_NEO4J_URI")
SUITE_CYPHER = Path(__file__).resolve().parent / "cypher" / "suite"
MARKER = "TagjackTestSuite"
WIPE_BATCH = 10_000


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any Neo4j settings, the tests' or a user's (what
    with-neo4j.sh unsets too), plus ``extra``: for a server or a CLI of a test's own."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NEO4J_", "TAGJACK_TEST_NEO4J_", "TAGJACK_NEO4J_"))}
    return {**env, **extra}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for a server of a test's own)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(reason: str) -> NoReturn:
    """Skip the calling test with `reason`, or fail it under CI=true."""
    if under_ci():
        pytest.fail(f"Neo4j is required under CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


def neo4j_settings() -> tuple[str, str, str, str]:
    """(uri, user, password, database) of the tests' Neo4j, claimed for the suite; or skip/fail."""
    uri = os.environ.get("TAGJACK_TEST_NEO4J_URI", "").strip()
    if not uri:
        reason = os.environ.get("TAGJACK_NEO4J_UNAVAILABLE", "").strip()
        unavailable(f"no Neo4j: {reason}" if reason else
                    f"no Neo4j: TAGJACK_TEST_NEO4J_URI is not set; {_HOW}")
    return (
        uri,
        os.environ.get("TAGJACK_TEST_NEO4J_USERNAME", "") or "neo4j",
        os.environ.get("TAGJACK_TEST_NEO4J_PASSWORD", ""),
        os.environ.get("TAGJACK_TEST_NEO4J_DATABASE", "") or "neo4j",
    )


def browser_url() -> str:
    """URL of the Neo4j Browser served by the tests' server, or skip/fail."""
    neo4j_settings()
    url = os.environ.get("TAGJACK_TEST_NEO4J_BROWSER_URL", "").strip()
    if not url:
        unavailable("TAGJACK_TEST_NEO4J_BROWSER_URL is not set (with-neo4j.sh sets it for the "
                    "tests' own server; other servers: set it to their http://HOST:7474/browser/)")
    return url


def claim_for_session() -> str | None:
    """claim() the database TAGJACK_TEST_NEO4J_URI names, if any and if it answers (when it
    does not, the Neo4j tests say so themselves): why the session must stop, or None."""
    if not os.environ.get("TAGJACK_TEST_NEO4J_URI", "").strip():
        return None
    from neo4j import GraphDatabase
    from neo4j.exceptions import DriverError, Neo4jError

    uri, user, password, database = neo4j_settings()
    try:
        with GraphDatabase.driver(uri, auth=(user, password)) as driver:
            return claim(driver, database)
    except (DriverError, Neo4jError):
        return None


@cache
def suite_statement(name: str) -> str:
    """The text of tests/cypher/suite/``name``.cypher (linted with the package's files)."""
    return (SUITE_CYPHER / f"{name}.cypher").read_text(encoding="utf-8")


def claim(driver, database: str) -> str | None:
    """Make ``database`` the suite's: mark it if it is empty. If it holds nodes but not the
    marker, it is someone's data: write nothing and return why (one line)."""
    records, summary, _ = driver.execute_query(suite_statement("state"), database_=database)
    nodes, markers = records[0]
    if markers:
        return None
    if nodes:
        return (f"refusing to wipe Neo4j database {database!r} at {summary.server.address}: it "
                f"holds {nodes:,} nodes the test suite did not create (no :{MARKER} marker); "
                f"point TAGJACK_TEST_NEO4J_URI at an empty database, or unset it")
    driver.execute_query(suite_statement("mark"), database_=database)
    return None


def wipe(driver, database: str) -> None:
    """Empty a database the suite claimed (checked first: a test fails with claim()'s reason,
    nothing deleted): relationships in batches, then nodes, so a hub of any size never has to
    fit in one transaction. The schema and the suite's marker stay."""
    refused = claim(driver, database)
    if refused:
        pytest.fail(refused, pytrace=False)
    with driver.session(database=database) as session:
        for name in ("wipe_relationships", "wipe_nodes"):
            session.run(suite_statement(name), batch_size=WIPE_BATCH).consume()

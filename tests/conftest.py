"""Fixtures shared across test packages."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from neo4j_server import claim_for_session
from tagjack.graph.simulation.simulate import simulate

HIJACK_TWEETS = 50_000
# The user's settings, which no test may follow: their Neo4j (tests use TAGJACK_TEST_NEO4J_*,
# see neo4j_server.py) and their default SQLite file.
USER_VARIABLES = ("TAGJACK_NEO4J_BROWSER_URL", "TAGJACK_DB")
_OWN_FOLDER = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """The session's own environment, before anything is imported or collected: no NEO4J_*
    (a CLI test can never reach the user's server by env), TAGJACK_DB and XDG_CACHE_HOME in a
    folder of the session's own (a CLI run without --db never opens ./tagjack.db, and the
    gazetteer cache is never written into the user's ~/.cache)."""
    for key in [k for k in os.environ if k.startswith("NEO4J_")] + list(USER_VARIABLES):
        os.environ.pop(key, None)
    own = Path(tempfile.mkdtemp(prefix="tagjack-tests-"))
    config.stash[_OWN_FOLDER] = own
    os.environ["TAGJACK_DB"] = str(own / "tagjack.db")
    os.environ["XDG_CACHE_HOME"] = str(own / "cache")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Before any test runs: the tests' Neo4j is the suite's, or the session stops (one line)."""
    refused = claim_for_session()
    if refused:
        pytest.exit(refused, returncode=pytest.ExitCode.USAGE_ERROR)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OWN_FOLDER in config.stash:
        shutil.rmtree(config.stash[_OWN_FOLDER], ignore_errors=True)


@dataclass(frozen=True)
class SimulatedCase:
    """A simulated #MyNYPD hijack on disk: ``tweets`` (v1 JSONL) and its ``truth``."""

    folder: Path
    tweets: Path
    truth: dict


@pytest.fixture(scope="session")
def hijack_case(tmp_path_factory: pytest.TempPathFactory) -> SimulatedCase:
    """50,000 simulated tweets (seed 1), generated once per test session."""
    folder = tmp_path_factory.mktemp("hijack50k")
    simulate(folder, tweets=HIJACK_TWEETS, fmt="v1", seed=1)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return SimulatedCase(folder, folder / "tweets.jsonl", truth)

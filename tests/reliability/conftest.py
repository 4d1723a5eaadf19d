"""Simulated cases for the fault tests, made once per session.

``case28k`` is big enough (about 70 MB of v1 JSON Lines) for ``--workers 2`` to really
split the file: the loader gives each worker at least 32 MB.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from neo4j_server import free_port, unavailable

from .support import Expected, expected_of_file

KILL_TWEETS = 28_000


@dataclass(frozen=True)
class Case:
    tweets: Path
    truth: dict
    expected: Expected


def simulated(folder: Path, tweets: int, seed: int) -> Case:
    from tagjack.graph.simulation.simulate import simulate

    simulate(folder, tweets=tweets, fmt="v1", seed=seed)
    path = folder / "tweets.jsonl"
    return Case(path, json.loads((folder / "truth.json").read_text(encoding="utf-8")),
                expected_of_file(path))


@pytest.fixture(scope="session")
def case28k(tmp_path_factory: pytest.TempPathFactory) -> Case:
    """28,000 simulated tweets (seed 10), about 70 MB."""
    return simulated(tmp_path_factory.mktemp("case28k"), KILL_TWEETS, seed=10)


# -- a Neo4j of our own -----------------------------------------------------------------------

NEO4J_SH = Path(__file__).resolve().parents[1] / "neo4j-server" / "neo4j.sh"
MARKER_PASSWORD = "tj-marker-9f3c"  # must never show in any output, log, error or file


@dataclass(frozen=True)
class OwnNeo4j:
    """A local Neo4j started for these tests alone (its own home and ports), so it can be
    stopped and started mid-load without touching the server the other tests share.
    Its password is the marker password."""

    home: Path
    bolt_port: int
    http_port: int
    password: str = MARKER_PASSWORD

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def env(self) -> dict[str, str]:
        """NEO4J_* for a tagjack child using this server."""
        return {"NEO4J_URI": self.uri, "NEO4J_USERNAME": "neo4j", "NEO4J_PASSWORD": self.password,
                "NEO4J_DATABASE": "neo4j",
                "TAGJACK_NEO4J_BROWSER_URL": f"http://127.0.0.1:{self.http_port}/browser/"}

    def script(self, action: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
        env.update(TAGJACK_NEO4J_HOME=str(self.home), NEO4J_BOLT_PORT=str(self.bolt_port),
                   NEO4J_HTTP_PORT=str(self.http_port), NEO4J_PASSWORD=self.password,
                   NEO4J_HEAP="768m", NEO4J_START_TIMEOUT="240")
        return subprocess.run([str(NEO4J_SH), action], env=env, capture_output=True, text=True,
                              timeout=420, check=False)

    def start(self) -> None:
        result = self.script("start")
        if result.returncode != 0:
            reason = (result.stderr.strip().splitlines() or ["neo4j.sh start failed"])[-1]
            unavailable(f"our own Neo4j did not start: {reason}")

    def stop(self) -> None:
        self.script("stop")

    def driver(self):
        from neo4j import GraphDatabase

        return GraphDatabase.driver(self.uri, auth=("neo4j", self.password))

    def store(self):
        """tagjack's Neo4j store on this server, in this process."""
        from tagjack.graph.store.neo4j import Neo4jStore
        from tagjack.graph.store.neo4j_connect import Credentials

        return Neo4jStore(self.uri, Credentials("neo4j", self.password, "neo4j"))


@pytest.fixture(scope="session")
def own_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnNeo4j]:
    """Our own Neo4j for the session (Java 17 + Maven; skipped without, failed under CI)."""
    if not (shutil.which("java") and shutil.which("mvn")):
        unavailable("our own Neo4j needs Java 17 and Maven")
    server = OwnNeo4j(tmp_path_factory.mktemp("neo4j-own"), free_port(), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()

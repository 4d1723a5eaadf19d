"""The bulk path into Neo4j makes the graph ``load --neo4j`` makes (issue 19).

The same files (simulated tweets, real v1 and twarc2 sets, Bluesky and Mastodon posts, an
edge list) go into SQLite, out with ``tagjack export --format neo4j-admin`` and into a fresh
Neo4j of this module's own with ``neo4j.sh import`` (what ``make neo4j IMPORT=DIR`` runs); and
into the suite's server with ``tagjack load --neo4j``. Both databases must hold the same nodes
and relationships with the same properties, and tagjack's analyses must answer the same.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase
from neo4j import time as neo4j_time
from neo4j_server import clean_env, free_port, neo4j_settings, suite_statement, unavailable, wipe
from tagjack.cli.app import app
from typer.testing import CliRunner

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
NEO4J_SH = REPO / "tests" / "neo4j-server" / "neo4j.sh"
PASSWORD = "bulk-import-5c2"
runner = CliRunner()
REAL = [DATA / "twarc2-blm" / "tweets.jsonl.gz", DATA / "v1-sample500" / "sample-tweets-500.jsonl.gz",
        DATA / "bluesky-twitwi" / "bluesky-posts.json", DATA / "mastodon-py" / "statuses.json",
        DATA / "readers" / "edgelist" / "plain.csv"]


def tagjack(*args: str, **env: str | None) -> str:
    """Run tagjack in this process (no interpreter start per command); its stdout."""
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def neo4j_env(uri: str, password: str, *, user: str = "neo4j",
              database: str = "neo4j") -> dict[str, str]:
    return {"NEO4J_URI": uri, "NEO4J_USERNAME": user, "NEO4J_PASSWORD": password,
            "NEO4J_DATABASE": database}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """The input files, simulated ones first."""
    folder = tmp_path_factory.mktemp("bulk")
    tagjack("simulate", "--out", str(folder / "sim"), "--tweets", "1000", "--seed", "19", "-q")
    return [str(folder / "sim" / "tweets.jsonl"), *map(str, REAL)]


@pytest.fixture(scope="module")
def exported(inputs, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    db = str(folder / "case.db")
    tagjack("load", *inputs, "--db", db, "--quiet", "--workers", "1")
    tagjack("export", "--format", "neo4j-admin", "--db", db, "--out", str(folder / "admin"))
    return folder / "admin"


class Server:
    """A Neo4j of this module's own, built by neo4j.sh import from the exported files."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.bolt, self.http = free_port(), free_port()
        self.uri = f"bolt://127.0.0.1:{self.bolt}"

    def env(self) -> dict[str, str]:
        return clean_env(TAGJACK_NEO4J_HOME=str(self.home), NEO4J_BOLT_PORT=str(self.bolt),
                         NEO4J_HTTP_PORT=str(self.http), NEO4J_PASSWORD=PASSWORD,
                         NEO4J_HEAP="768m", NEO4J_START_TIMEOUT="300")

    def start_script(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([str(NEO4J_SH), *args], cwd=REPO, env=self.env(), text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def script(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(NEO4J_SH), *args], cwd=REPO, env=self.env(), capture_output=True,
                              text=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def importing(exported, tmp_path_factory) -> Iterator[tuple[Server, subprocess.Popen[str]]]:
    """neo4j.sh import under way (it runs while load --neo4j fills the suite's server)."""
    if not (shutil.which("java") and shutil.which("mvn")):
        unavailable("the bulk import needs Java 17 and Maven")
    server = Server(tmp_path_factory.mktemp("imported") / "home")
    proc = server.start_script("import", str(exported))
    try:
        yield server, proc
    finally:
        proc.kill()
        proc.communicate()
        server.script("stop")


@pytest.fixture(scope="module")
def loaded(importing, inputs) -> Iterator[str]:
    """The suite's server, holding what load --neo4j makes of the same files."""
    uri, user, password, database = neo4j_settings()
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        wipe(driver, database)
        tagjack("load", *inputs, "--quiet", "--neo4j", uri,
                **neo4j_env(uri, password, user=user, database=database))
        yield uri
        wipe(driver, database)


@pytest.fixture(scope="module")
def imported(importing, loaded) -> Server:
    """The imported server, started, with tagjack's schema (``make neo4j IMPORT=DIR``'s steps)."""
    server, proc = importing
    _, err = proc.communicate(timeout=900)
    if proc.returncode != 0:
        unavailable(f"neo4j.sh import failed: {err.strip().splitlines()[-1:]}")
    tagjack("status", **neo4j_env(server.uri, PASSWORD))
    return server


def canonical(value: Any) -> Any:
    """A property value as a sortable, exact tuple (type included: 1 is not 1.0, nor a string)."""
    if isinstance(value, neo4j_time.DateTime):
        return ("datetime", value.iso_format(), str(value.tzinfo))
    if isinstance(value, list):
        return ("list", tuple(canonical(v) for v in value))
    return (type(value).__name__, value)


def dump(uri: str, password: str, *, user: str = "neo4j", database: str = "neo4j") -> dict[str, list]:
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        nodes, _, _ = driver.execute_query(suite_statement("dump_nodes"), database_=database)
        rels, _, _ = driver.execute_query(suite_statement("dump_relationships"), database_=database)
    return {
        "nodes": sorted((tuple(sorted(r["labels"])), tuple(sorted(
            (k, canonical(v)) for k, v in r["properties"].items()))) for r in nodes),
        "relationships": sorted((r["type"], r["source"], r["target"], tuple(sorted(
            (k, canonical(v)) for k, v in r["properties"].items()))) for r in rels),
    }


def counts(rows: list[tuple]) -> dict[Any, int]:
    found: dict[Any, int] = {}
    for row in rows:
        found[row[0]] = found.get(row[0], 0) + 1
    return found


@pytest.fixture(scope="module")
def dumps(imported, loaded) -> tuple[dict, dict]:
    _, user, password, database = neo4j_settings()
    return dump(imported.uri, PASSWORD), dump(loaded, password, user=user, database=database)


def test_the_import_holds_the_counts_load_makes(dumps):
    bulk, incremental = dumps
    assert counts(bulk["nodes"]) == counts(incremental["nodes"])
    assert counts(bulk["relationships"]) == counts(incremental["relationships"])
    assert {"RETWEETED", "QUOTED", "REPLIED_TO", "MENTIONED", "RETWEETS", "QUOTES", "REPLIES_TO",
            "POSTED", "TAGGED", "MENTIONS"} <= set(counts(bulk["relationships"]))


def test_every_node_and_relationship_has_the_same_properties(dumps):
    bulk, incremental = dumps
    assert bulk["nodes"] == incremental["nodes"]
    assert bulk["relationships"] == incremental["relationships"]


@pytest.mark.parametrize("command", [["hijack", "--hashtag", "mynypd"], ["amplifiers", "--top", "20"]])
def test_the_analyses_answer_the_same(dumps, imported, loaded, command):
    _, user, password, database = neo4j_settings()
    bulk = tagjack(*command, "--json", **neo4j_env(imported.uri, PASSWORD))
    incremental = tagjack(*command, "--json",
                          **neo4j_env(loaded, password, user=user, database=database))
    assert json.loads(bulk) == json.loads(incremental)


def test_import_refuses_a_running_database_unless_told_to_replace(imported, exported):
    done = imported.script("import", str(exported))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "neo4j.sh: the local Neo4j is running on its database; make neo4j IMPORT=DIR REPLACE=1 "
        "stops it and replaces its data")
    assert imported.script("status").returncode == 0


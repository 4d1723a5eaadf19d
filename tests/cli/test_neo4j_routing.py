"""Every command that talks to Neo4j works through the ``neo4j://`` routing scheme, the one
clusters and Aura use: against the tests' single server, the driver asks it for a routing
table and sends writes and reads (READ access mode) where it says."""

from __future__ import annotations

import orjson
import pytest
from neo4j import GraphDatabase
from neo4j_server import neo4j_settings, wipe
from tagjack.cli.app import app
from tagjack.graph.simulation.simulate import simulate
from typer.testing import CliRunner

runner = CliRunner()
TAG = "MyNYPD"


def invoke(*args: str, env: dict[str, str]):
    result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, (args, result.stderr)
    return result


@pytest.mark.neo4j
def test_every_neo4j_command_works_through_the_routing_scheme(tmp_path):
    uri, user, password, database = neo4j_settings()
    routed = "neo4j://" + uri.split("://", 1)[1]
    env = {"NEO4J_URI": routed, "NEO4J_USERNAME": user, "NEO4J_PASSWORD": password,
           "NEO4J_DATABASE": database}
    simulate(tmp_path, tweets=1_500, fmt="v1", seed=1)
    tweets = str(tmp_path / "tweets.jsonl")
    lite = ["--db", str(tmp_path / "case.db")]
    invoke("load", tweets, *lite, "--quiet", env={"NEO4J_URI": ""})
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        wipe(driver, database)
        try:
            loaded = orjson.loads(invoke("load", tweets, "--quiet", "--json", env=env).stdout)
            assert loaded["posts"] > 1_400
            status = orjson.loads(invoke("status", "--json", env=env).stdout)
            assert status.pop("store").startswith("neo4j:neo4j://")
            expected = orjson.loads(invoke("status", *lite, "--json", env={}).stdout)
            expected.pop("store")
            assert status == expected
            for engine in ("leiden", "gds"):
                analyzed = invoke("analyze", "--engine", engine, "--hashtag", TAG, "--json",
                                  "--quiet", env=env)
                assert orjson.loads(analyzed.stdout)["hijack"]["origin"] == "NYPDnews"
            answers = [("communities", "--json"), ("hijack", "-t", TAG, "--json"),
                       ("amplifiers", "-t", TAG, "--json"), ("spread", "-t", TAG, "--json"),
                       ("coordination", "--json"), ("account", "NYPDnews", "--json"),
                       ("query", "top_amplifiers", "-p", f"hashtag={TAG}", "--json"),
                       ("cypher", "MATCH (p:Post) RETURN count(p) AS posts", "--json")]
            for args in answers:
                assert orjson.loads(invoke(*args, env=env).stdout), args
            refused = runner.invoke(app, ["cypher", "CREATE (:Post {id: 'x'})"], env=env)
            assert refused.exit_code == 1 and "read-only" in refused.stderr
            assert routed in invoke("browser", env=env).stdout
            invoke("report", "-t", TAG, "--out", str(tmp_path / "report.html"), env=env)
            invoke("export", "--format", "csv", "--out", str(tmp_path / "csv"), env=env)
            assert (tmp_path / "report.html").stat().st_size and (tmp_path / "csv").is_dir()
        finally:
            wipe(driver, database)

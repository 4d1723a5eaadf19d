"""tagjack coordination: groups and --edges as JSON, and what amplifiers, account, export say after it."""

from __future__ import annotations

import csv
import json
import sqlite3

import pytest
from tagjack.cli.app import app
from tagjack.graph.analytics.coordinated import coordination_json
from tagjack.graph.outputs.report import report_data
from tagjack.graph.simulation.scenario import Scenario
from tagjack.graph.simulation.simulate import simulate
from tagjack.graph.store.sqlite import SqliteStore
from typer.testing import CliRunner

pytestmark = pytest.mark.slow
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("coordination")
    truth = simulate(folder / "sim", tweets=12_000, seed=4, scenario=Scenario(coordinated_size=10))
    db = str(folder / "case.db")
    assert run("load", str(folder / "sim" / "tweets.jsonl"), "--db", db, "-q").exit_code == 0
    assert run("analyze", "--db", db, "--hashtag", "#MyNYPD", "-q").exit_code == 0
    return db, truth, folder


def test_the_report_shows_the_groups_the_command_finds_stored_or_not(case, tmp_path):
    """The report finds the groups itself, without the edge list it never shows: the same
    section before `tagjack coordination` stored its pairs and after, and the command's groups."""
    db, truth, _ = case
    with sqlite3.connect(db) as source, sqlite3.connect(tmp_path / "copy.db") as copy:
        source.backup(copy)
    with SqliteStore(tmp_path / "copy.db") as store:
        assert not store.coordinated().kind  # this test runs first: nothing stored yet
        before = report_data(store, "#MyNYPD").coordination
    command = run("coordination", "--db", str(tmp_path / "copy.db"), "--hashtag", "#MyNYPD",
                  "--json", "-q")
    assert command.exit_code == 0, command.output
    with SqliteStore(tmp_path / "copy.db") as store:
        assert store.coordinated().kind
        after = report_data(store, "#MyNYPD").coordination
    assert before == after and before.edges is None
    assert coordination_json(before) == json.loads(command.stdout)
    assert {h for g in before.groups for h in g.handles} == set(truth["coordinated"])


def test_groups_as_json_name_the_planted_accounts_and_their_hijack_role(case):
    db, truth, _ = case
    result = run("coordination", "--db", db, "--json", "-q")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc)[:4] == ["kind", "hashtag", "window", "min_weight"]
    group = doc["groups"][0]
    assert set(group["accounts"]) == set(truth["coordinated"])
    assert group["role"] == "hijacker" and group["p_value"] < 1e-9
    assert group["posts_pushed"] >= 10 and group["posts"][0]["members"] >= 5
    assert group["median_gap_s"] < 15 and group["coordinated_share"] > 0.5
    assert doc["edges"] > doc["coordinated_pairs"] > 0


def test_edges_json_is_the_plain_undirected_network(case):
    db, truth, _ = case
    doc = json.loads(run("coordination", "--db", db, "--edges", "--json", "--window", "30",
                         "--min-weight", "3", "-q").stdout)
    assert list(doc) == ["edges"] and doc["edges"]
    assert all(list(e) == ["source", "target", "weight"] and e["weight"] >= 3 for e in doc["edges"])
    pairs = [frozenset((e["source"], e["target"])) for e in doc["edges"]]
    assert len(pairs) == len(set(pairs))  # one row per undirected pair
    assert not any(e["source"].startswith("@") for e in doc["edges"])


def test_amplifiers_account_and_export_carry_the_coordinated_pairs(case):
    db, truth, folder = case
    assert run("coordination", "--db", db, "-q").exit_code == 0
    member = truth["coordinated"][0]
    profile = json.loads(run("account", member, "--db", db, "--json", "-q").stdout)
    assert profile["coordinated"] == f"coordinated with {len(truth['coordinated']) - 1} accounts (group 0)"
    table = run("account", member, "--db", db, "-q")
    assert "coordinated with" in table.stdout
    assert run("export", "--db", db, "--format", "csv", "--out", str(folder / "out")).exit_code == 0
    with (folder / "out" / "edges.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["type"] == "co_retweet"]
    assert {r["source"] for r in rows} | {r["target"] for r in rows} == set(truth["coordinated"])
    listed = json.loads(run("query", "coordinated_groups", "--db", db, "--json").stdout)
    assert listed[0]["members"] == sorted(truth["coordinated"]) and listed[0]["kind"] == "co_retweet"


def test_bad_kind_is_a_usage_error_and_no_store_is_one_line(case, tmp_path):
    db, _, _ = case
    bad = run("coordination", "--db", db, "--kind", "co_like")
    assert bad.exit_code == 2 and "co_retweet" in bad.output
    missing = run("coordination", "--db", str(tmp_path / "none.db"))
    assert missing.exit_code == 1 and "no database" in missing.output
    assert "Traceback" not in missing.output

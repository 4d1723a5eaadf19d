"""One case, three platforms from the command line: status per platform, --platform on analyses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tagjack.cli.app import app
from typer.testing import CliRunner

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("platforms") / "case.db")
    loaded = runner.invoke(app, ["load", str(DATA / "bluesky-twitwi"), str(DATA / "mastodon-py"),
                                 str(DATA / "v1-sample500"), "--db", path, "--json", "--quiet"])
    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.stdout)["rejected"] == 0
    return path


def test_status_counts_each_platform(db):
    result = runner.invoke(app, ["status", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc["platforms"]) == {"twitter", "bluesky", "mastodon"}
    assert sum(p["posts"] for p in doc["platforms"].values()) == doc["posts"]
    table = runner.invoke(app, ["status", "--db", db])
    assert "per platform" in table.stdout and "bluesky" in table.stdout


def test_an_analysis_of_one_platform_names_only_its_accounts(db):
    # amplifiers count reposts only, and #hceres has quotes and replies but no repost: all tags
    result = runner.invoke(app, ["amplifiers", "--db", db, "--platform", "bluesky", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all("." in r["handle"] and "@" not in r["handle"] for r in rows)
    hijack = runner.invoke(app, ["hijack", "--db", db, "--platform", "bluesky", "-t", "hceres", "--json"])
    assert hijack.exit_code == 0, hijack.output
    assert json.loads(hijack.stdout)["origin"] == "cgt.up8.edu"
    twitter = runner.invoke(app, ["amplifiers", "--db", db, "--platform", "twitter", "--json"])
    assert all("." not in r["handle"] for r in json.loads(twitter.stdout))


@pytest.mark.parametrize("command", [["amplifiers"], ["hijack", "-t", "x"], ["report", "-t", "x"],
                                     ["query", "top_amplifiers", "-p", "hashtag=x"], ["cypher", "RETURN 1"],
                                     ["browser"], ["coordination"], ["export", "--out", "x"]])
def test_an_unknown_platform_is_one_line_exit_2(db, command):
    result = runner.invoke(app, [*command, "--db", db, "--platform", "myspace"])
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        "error: --platform 'myspace' is no platform: choose twitter, bluesky, mastodon"]


def test_a_named_query_covers_one_platform(db):
    def rows(*platform: str) -> list[dict]:
        result = runner.invoke(app, ["query", "hashtag_cooccurrence", "-p", "hashtag=hceres", "--db", db,
                                     "--json", *platform])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    assert rows("--platform", "bluesky") == rows() != []
    assert rows("--platform", "Twitter") == rows("--platform", "mastodon") == []


def test_coordination_takes_a_platform(db):
    result = runner.invoke(app, ["coordination", "--db", db, "--platform", "twitter", "--json",
                                 "--quiet"])
    assert result.exit_code == 0, result.output
    assert "groups" in json.loads(result.stdout)


def test_browser_shows_how_to_see_one_platform():
    result = runner.invoke(app, ["browser", "--neo4j", "bolt://127.0.0.1:7687", "--platform", "bluesky"])
    assert result.exit_code == 0, result.output
    assert ":param platform => 'bluesky'" in result.stdout and "= $platform" in result.stdout
    plain = runner.invoke(app, ["browser", "--neo4j", "bolt://127.0.0.1:7687"])
    assert "$platform" not in plain.stdout

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


def test_an_unknown_platform_is_a_usage_error(db):
    result = runner.invoke(app, ["amplifiers", "--db", db, "--platform", "myspace"])
    assert result.exit_code == 2

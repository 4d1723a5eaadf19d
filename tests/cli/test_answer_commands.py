"""analyze, hijack, amplifiers, spread, communities, account: JSON shapes, tables, clear errors."""

from __future__ import annotations

import json

import pytest
from tagjack.cli.answers import parse_window
from tagjack.cli.app import app
from typer.testing import CliRunner

pytestmark = pytest.mark.slow
runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    return result


@pytest.fixture(scope="module")
def db(hijack_case, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "case.db"
    loaded = run("load", str(hijack_case.tweets), "--db", str(path), "--quiet", "--json")
    assert loaded.exit_code == 0, loaded.output
    analyzed = run("analyze", "--db", str(path), "--hashtag", "#MyNYPD", "--json", "--quiet")
    assert analyzed.exit_code == 0, analyzed.output
    doc = json.loads(analyzed.stdout)
    assert list(doc)[:6] == ["engine", "communities", "modularity", "seconds", "timings", "hijack"]
    assert doc["hijack"]["takeover_at"] == hijack_case.truth["takeover_at"]
    return str(path)


def test_amplifiers_json_shape_and_the_hub_on_top(db, hijack_case):
    result = run("amplifiers", "--db", db, "--hashtag", "#MyNYPD", "--top", "10", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 10 and [r["rank"] for r in rows] == list(range(1, 11))
    for row in rows:
        assert {"rank", "handle", "community", "score", "retweets_received", "unique_retweeters",
                "pagerank", "reach", "reason"} <= set(row)
        assert not row["handle"].startswith("@")
    assert hijack_case.truth["amplifiers"][0] in [r["handle"] for r in rows[:3]]
    one = rows[0]["community"]
    only = json.loads(run("amplifiers", "--db", db, "--community", str(one), "--json").stdout)
    assert only and {r["community"] for r in only} == {one}


def test_hijack_and_spread_json(db, hijack_case):
    hijack = json.loads(run("hijack", "--db", db, "-t", "mynypd", "--json").stdout)
    assert list(hijack)[:6] == ["hashtag", "origin", "campaign_community", "hijacker_communities",
                                "takeover_at", "communities"]
    assert hijack["origin"] == "NYPDnews" and hijack["timeline"]
    hourly = json.loads(run("hijack", "--db", db, "-t", "mynypd", "--window", "1h",
                            "--json").stdout)
    assert hourly["takeover_at"].endswith(":00:00Z")
    strict = json.loads(run("hijack", "--db", db, "-t", "mynypd", "--min-share", "0.9",
                            "--json").stdout)
    assert strict["hijacker_communities"] == [] and strict["takeover_at"] is None
    assert "at least 90%" in strict["thresholds"]["explanation"]
    spread = json.loads(run("spread", "--db", db, "-t", "#MyNYPD", "--json").stdout)
    assert set(spread) >= {"cities", "variants", "transmissions"}
    assert set(spread["cities"][0]) >= {"city", "country", "first_at", "accounts", "posts",
                                        "hashtags"}
    assert set(spread["variants"][0]) >= {"hashtag", "city", "first_at", "posts"}
    assert set(spread["transmissions"][0]) >= {"from", "to", "retweets"}
    assert spread["cities"][0]["city"] == hijack_case.truth["cities"][0]["city"]


def test_communities_and_account(db):
    rows = json.loads(run("communities", "--db", db, "--json").stdout)
    assert rows[0]["id"] == 0 and {r["role"] for r in rows} >= {"campaign", "hijacker"}
    profile = json.loads(run("account", "@occupywallstnyc", "--db", db, "--json").stdout)
    assert profile["handle"] == "OccupyWallStNYC" and profile["role"] == "hijacker"
    assert profile["amplified_by"] and profile["scope"] == "#mynypd"


def test_tables_for_people(db):
    result = run("analyze", "--db", db, "--hashtag", "#MyNYPD", "--quiet")
    assert result.exit_code == 0, result.output
    assert "took it over at" in result.stdout and "OccupyWallStNYC" in result.stdout
    for command in (["hijack", "-t", "mynypd"], ["amplifiers", "--top", "3"],
                    ["spread", "-t", "mynypd"], ["communities"], ["account", "NYPDnews"]):
        shown = run(*command, "--db", db)
        assert shown.exit_code == 0, (command, shown.output)


def test_clear_errors(db, tmp_path):
    gds = run("analyze", "--db", db, "--engine", "gds", "--quiet")
    assert gds.exit_code == 1 and "gds" in gds.output and "Traceback" not in gds.output
    missing = run("hijack", "--db", db, "-t", "#NoSuchTag")
    assert missing.exit_code == 1 and "no posts carry #nosuchtag" in missing.output
    assert run("analyze", "--db", db, "--window", "soon").exit_code == 2
    assert run("analyze", "--db", db, "--engine", "magic").exit_code == 2
    nobody = run("account", "nobody_at_all", "--db", db)
    assert nobody.exit_code == 1 and "no account @nobody_at_all" in nobody.output
    assert run("amplifiers", "--db", str(tmp_path / "none.db")).exit_code == 1


@pytest.mark.parametrize(("text", "seconds"), [("15m", 900), ("900s", 900), ("900", 900),
                                               ("1h", 3600), (" 2H ", 7200)])
def test_window_lengths(text, seconds):
    assert parse_window(text) == seconds

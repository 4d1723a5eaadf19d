"""tagjack export --format neo4j-admin: the files, their typed headers and how values are written.
(That Neo4j imports them into the graph load --neo4j makes: tests/store/test_neo4j_admin.py.)"""

from __future__ import annotations

import csv
import io

import orjson
import pytest
from tagjack.cli.app import app
from tagjack.graph.outputs.neo4j_admin import FILES
from typer.testing import CliRunner

runner = CliRunner()


def user(uid: str, handle: str, **extra) -> dict:
    return {"id_str": uid, "screen_name": handle, "name": handle.title(), **extra}


def tweet(tid: str, author: dict, minute: int, text: str, **extra) -> dict:
    return {"id_str": tid, "created_at": f"Tue Apr 22 18:{minute:02d}:00 +0000 2014", "text": text,
            "user": author, **extra}


BOB = user("2", "bob", followers_count=7, location="NYC")
ORIGINAL = tweet("100", BOB, 0, 'line one\nline "two", #MyNYPD',
                 entities={"hashtags": [{"text": "MyNYPD"}]}, lang="en",
                 coordinates={"type": "Point", "coordinates": [-73.98765432101234, 40.712775]})
LINES = [
    ORIGINAL,
    tweet("101", user("1", "alice"), 5, "RT @bob: ...", retweeted_status=ORIGINAL),
    # the post replied to is not in the files: a stub, posted by its author as the reply names
    tweet("102", user("1", "alice"), 6, "@carol yes", in_reply_to_status_id_str="99",
          in_reply_to_user_id_str="3", in_reply_to_screen_name="carol"),
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("neo4j_admin")
    (folder / "t.jsonl").write_bytes(b"\n".join(map(orjson.dumps, LINES)) + b"\n")
    db = str(folder / "t.db")
    assert runner.invoke(app, ["load", str(folder / "t.jsonl"), "--db", db, "-q"]).exit_code == 0
    result = runner.invoke(app, ["export", "--format", "neo4j-admin", "--db", db,
                                 "--out", str(folder / "admin")])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(folder / "admin")
    return folder / "admin"


def rows(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def ids(exported) -> dict[str, str]:
    """Node id (the importer's) -> the account or post id it stands for."""
    return {r[0]: r[1] for name in ("accounts.csv", "posts.csv", "post_stubs.csv")
            for r in rows(exported / name)[1:]}


def test_every_file_has_its_typed_header_and_the_importer_is_told_of_each(exported):
    args = (exported / "import.args").read_text().split()
    for f in FILES:
        assert (exported / f.name).read_text().splitlines()[0] == f.header
        assert f"--{f.option}={f.label}={f.name}" in args
    assert "--multiline-fields=true" in args  # a post's text holds a line break
    assert "--id-type=actual" in args
    assert rows(exported / "accounts.csv")[0] == [
        ":ID", "id", "handle", "name", "followers:long", "location_text"]
    assert rows(exported / "retweeted.csv")[0][2:] == [
        "count:long", "first_at:datetime", "last_at:datetime", "given:long"]


def test_values_keep_their_text_empty_strings_and_nulls_apart(exported):
    posts = {r[1]: r for r in rows(exported / "posts.csv")[1:]}
    assert posts["100"][2:6] == ["2014-04-22T18:00:00Z", "original", 'line one\nline "two", #MyNYPD',
                                 "en"]
    assert [float(x) for x in posts["100"][13:]] == [40.712775, -73.98765432101234]
    raw = (exported / "posts.csv").read_text(encoding="utf-8")
    # an empty string is quoted (a property ''), an absent value is an empty field (none)
    assert ',"101",2014-04-22T18:05:00Z,"retweet","RT @bob: ...","","2",,,,,,,,\n' in raw
    accounts = (exported / "accounts.csv").read_text(encoding="utf-8")
    assert ',"1","alice","Alice",,""\n' in accounts  # followers unknown: no property
    assert ',"3","","",,""\n' in accounts  # a stub: only its id is known


def test_node_ids_are_distinct_and_in_file_order(exported):
    nodes = [int(r[0]) for name in ("schema.csv", "accounts.csv", "posts.csv", "hashtags.csv",
                                    "post_stubs.csv") for r in rows(exported / name)[1:]]
    assert nodes == sorted(set(nodes))


def test_posts_known_only_as_a_target_are_stubs_with_their_author(exported):
    named = ids(exported)

    def links(name: str, width: int = 2) -> list[list[str]]:
        return [[named[x] for x in r[:2]] + r[2:width] for r in rows(exported / name)[1:]]

    assert [r[1] for r in rows(exported / "post_stubs.csv")[1:]] == ["99"]
    assert ["3", "99"] in links("posted.csv")
    assert links("retweets.csv") == [["101", "100"]]
    assert links("replies_to.csv") == [["102", "99"]]
    assert links("replied_to.csv", 3) == [["1", "3", "1"]]


@pytest.mark.parametrize("option", [["--neo4j", "bolt://127.0.0.1:1"], ["--hashtag", "mynypd"]])
def test_only_a_whole_sqlite_store_is_exported(tmp_path, option):
    result = runner.invoke(app, ["export", "--format", "neo4j-admin", "--out", str(tmp_path / "x"),
                                 *option])
    assert result.exit_code == 1
    assert result.output.startswith("error: --format neo4j-admin exports a whole SQLite store")
    assert not (tmp_path / "x").exists()

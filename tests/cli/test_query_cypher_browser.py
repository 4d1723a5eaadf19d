"""tagjack query / cypher / browser, and what the CLI shows when Neo4j says no.

Errors are one line on stderr and exit 1; bad flags exit 2; a password never
appears in any output.
"""

from __future__ import annotations

import logging
import os
import threading
import urllib.request
import uuid
from functools import partial
from http.server import ThreadingHTTPServer
from importlib.resources import as_file, files
from pathlib import Path

import orjson
import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import Neo4jError
from neo4j_server import neo4j_settings, wipe
from tagjack.cli.app import app
from tagjack.cli.browser import _CorsHandler
from tagjack.cypher import statement
from tagjack.graph.store.queries import QUERIES
from typer.testing import CliRunner

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "v1-sample500" / "sample-tweets-500.jsonl.gz"
MASTODON = Path(__file__).resolve().parents[1] / "data" / "mastodon-py" / "statuses.json"
runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "t.db"
    result = invoke("load", str(SAMPLE), "--db", str(db), "--quiet", env={"NEO4J_URI": ""})
    assert result.exit_code == 0, result.stderr
    return db


# -- query --------------------------------------------------------------------------------


def test_query_list_needs_no_store():
    result = invoke("query", "--list", "--json")
    assert result.exit_code == 0
    listed = orjson.loads(result.stdout)
    assert [q["name"] for q in listed] == list(QUERIES)
    assert all(q["description"] and "$" not in q["params"] for q in listed)


def test_query_runs_on_sqlite(sqlite_db):
    result = invoke("query", "hashtag_cooccurrence", "--param", "hashtag=#SCOTUS", "--db",
                    str(sqlite_db), "--json")
    assert result.exit_code == 0, result.stderr
    rows = orjson.loads(result.stdout)
    assert rows and set(rows[0]) == {"hashtag", "posts", "accounts"}
    table = invoke("query", "hashtag_cooccurrence", "-p", "hashtag=scotus", "--db", str(sqlite_db))
    assert table.exit_code == 0 and rows[0]["hashtag"] in table.stdout


@pytest.mark.parametrize("args", [
    ["top_amplifiers"],                                       # hashtag missing
    ["top_amplifiers", "-p", "hashtag=x", "-p", "limit=ten"],  # not a number
    ["top_amplifiers", "-p", "hashtag=x", "-p", "colour=red"],  # unknown
    ["top_amplifiers", "-p", "hashtag"],                      # no '='
    [],                                                       # no name
])
def test_bad_query_parameters_exit_2(sqlite_db, args):
    result = invoke("query", *args, "--db", str(sqlite_db))
    assert result.exit_code == 2


def test_unknown_query_is_one_line_exit_1(sqlite_db):
    result = invoke("query", "no_such_query", "--db", str(sqlite_db))
    assert result.exit_code == 1
    assert error_lines(result)[0] == "error: no named query 'no_such_query'"


def test_cypher_on_sqlite_says_it_needs_neo4j(sqlite_db):
    result = invoke("cypher", "RETURN 1 AS one", "--db", str(sqlite_db))
    assert result.exit_code == 1
    assert "needs the Neo4j store" in error_lines(result)[0]


def test_browser_steps_for_sqlite_say_how_to_get_neo4j(sqlite_db):
    result = invoke("browser", "--db", str(sqlite_db), env={"NEO4J_URI": ""})
    assert result.exit_code == 0
    assert "make neo4j" in result.stdout and "cypher/browser" in result.stdout


def test_browser_steps_for_neo4j_name_url_style_and_guide():
    result = invoke("browser", "--neo4j", "bolt://db.example:7687",
                    env={"NEO4J_USERNAME": "analyst", "NEO4J_PASSWORD": "pw-marker-0b7e",
                         "TAGJACK_NEO4J_BROWSER_URL": ""})
    assert result.exit_code == 0
    out = result.stdout
    assert "http://db.example:7474/browser/" in out and "as analyst" in out
    assert ":style http://localhost:8001/style.grass" in out
    assert ":play http://localhost:8001/guide.html" in out
    assert "pw-marker-0b7e" not in out + result.stderr


def test_served_guide_and_style_allow_cross_origin_fetches():
    with as_file(files("tagjack.cypher").joinpath("browser")) as folder:
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_CorsHandler, directory=str(folder)))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            port = server.server_address[1]
            for name in ("guide.html", "style.grass"):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/{name}", timeout=10) as r:
                    assert r.headers["Access-Control-Allow-Origin"] == "*"
                    assert r.read()
        finally:
            server.shutdown()
            server.server_close()


# -- against the real server -------------------------------------------------------------------


@pytest.fixture
def neo4j_env():
    """NEO4J_* for CLI runs against the tests' server, emptied before and after."""
    uri, user, password, database = neo4j_settings()
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        wipe(driver, database)
        yield {"NEO4J_URI": uri, "NEO4J_USERNAME": user, "NEO4J_PASSWORD": password,
               "NEO4J_DATABASE": database}
        wipe(driver, database)


@pytest.mark.neo4j
def test_cypher_refuses_a_write_without_write_flag(neo4j_env):
    result = invoke("cypher", "CREATE (h:Hashtag {tag: $tag}) RETURN h.tag AS tag",
                    "-p", "tag=x", env=neo4j_env)
    assert result.exit_code == 1
    assert error_lines(result) == [
        "error: Neo4j refused to write: queries run read-only unless --write is given"]
    count = invoke("cypher", "MATCH (h:Hashtag) RETURN count(h) AS n", "--json", env=neo4j_env)
    assert orjson.loads(count.stdout) == [{"n": 0}]
    written = invoke("cypher", "CREATE (h:Hashtag {tag: $tag}) RETURN h.tag AS tag", "-p", "tag=x",
                     "--write", "--json", env=neo4j_env)
    assert written.exit_code == 0 and orjson.loads(written.stdout) == [{"tag": "x"}]


@pytest.mark.neo4j
def test_cypher_syntax_error_is_one_line(neo4j_env):
    result = invoke("cypher", "MATCH (a:Account RETURN a", env=neo4j_env)
    assert result.exit_code == 1
    assert len(error_lines(result)) == 1 and "Invalid input" in result.stderr


@pytest.mark.neo4j
def test_query_gives_the_same_json_on_both_stores(neo4j_env, sqlite_db):
    assert invoke("load", str(SAMPLE), "--quiet", env=neo4j_env).exit_code == 0
    args = ["query", "top_amplifiers", "-p", "hashtag=scotus", "--json"]
    on_neo4j = invoke(*args, env=neo4j_env)
    on_sqlite = invoke(*args, "--db", str(sqlite_db), env={"NEO4J_URI": ""})
    assert on_neo4j.exit_code == on_sqlite.exit_code == 0
    assert orjson.loads(on_neo4j.stdout) == orjson.loads(on_sqlite.stdout) != []
    for platform, found in (("twitter", True), ("bluesky", False)):
        on_neo4j = invoke(*args, "--platform", platform, env=neo4j_env)
        on_sqlite = invoke(*args, "--platform", platform, "--db", str(sqlite_db), env={"NEO4J_URI": ""})
        assert orjson.loads(on_neo4j.stdout) == orjson.loads(on_sqlite.stdout)
        assert bool(orjson.loads(on_neo4j.stdout)) is found


@pytest.mark.neo4j
def test_cypher_binds_platform_as_its_help_says(neo4j_env):
    assert invoke("load", str(SAMPLE), str(MASTODON), "--quiet", env=neo4j_env).exit_code == 0
    query = ("MATCH (a:Account) WHERE CASE WHEN a.id STARTS WITH 'did:' THEN 'bluesky' WHEN a.id "
             "STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END = $platform RETURN a.handle AS h")
    assert query.split(" RETURN")[0] in " ".join(invoke("cypher", "--help").stdout.split())
    result = invoke("cypher", query, "--platform", "mastodon", "--json", env=neo4j_env)
    assert result.exit_code == 0, result.stderr
    handles = {row["h"] for row in orjson.loads(result.stdout)}
    assert handles == {"halcy@icosahedron.website", "halcy@mastodon.social", "h4lcy.bsky.social@bsky.brid.gy"}
    shown = invoke("cypher", statement("browser/platform"), "--platform", "mastodon", "--json", env=neo4j_env)
    assert shown.exit_code == 0, shown.stderr  # the query `browser --platform` prints runs as printed
    assert orjson.loads(shown.stdout) and all(row["a"]["id"].startswith("acct:")
                                              for row in orjson.loads(shown.stdout))


@pytest.mark.neo4j
def test_wrong_password_is_one_line_exit_1_without_the_password(neo4j_env):
    env = neo4j_env | {"NEO4J_PASSWORD": "wrong-marker-91c3"}
    for args in (["status"], ["query", "top_amplifiers", "-p", "hashtag=x"],
                 ["cypher", "RETURN 1"], ["load", str(SAMPLE), "--quiet"]):
        result = invoke(*args, env=env)
        assert result.exit_code == 1, args
        assert len(error_lines(result)) == 1, result.stderr
        assert "wrong user name or password" in result.stderr
        assert "wrong-marker-91c3" not in result.stdout + result.stderr


@pytest.mark.neo4j
def test_an_unreachable_server_is_one_line_exit_1():
    result = invoke("status", "--neo4j", "bolt://127.0.0.1:1",
                    env={"NEO4J_USERNAME": "neo4j", "NEO4J_PASSWORD": "x"})
    assert result.exit_code == 1
    assert error_lines(result) == [
        "error: cannot reach bolt://127.0.0.1:1 (is Neo4j running? `make neo4j` starts a local one)"]


@pytest.mark.neo4j
def test_the_password_never_appears_in_any_output(neo4j_env, tmp_path, caplog):
    """A user with a marker password runs every Neo4j command; the marker shows nowhere,
    not even in the driver's debug log."""
    marker = f"marker-{uuid.uuid4().hex}"
    user = f"tj_{uuid.uuid4().hex[:8]}"
    uri, admin, admin_password, _ = neo4j_settings()
    with GraphDatabase.driver(uri, auth=(admin, admin_password)) as driver:
        try:  # user names can't be parameters; this one is made up here
            driver.execute_query(f"CREATE USER {user} SET PASSWORD $pw CHANGE NOT REQUIRED",
                                 pw=marker, database_="system")
        except Neo4jError as exc:
            pytest.skip(f"cannot create a user on this server: {exc.message}")
    env = {**neo4j_env, "NEO4J_USERNAME": user, "NEO4J_PASSWORD": marker}
    caplog.set_level(logging.DEBUG)
    try:
        outputs = [
            invoke("load", str(SAMPLE), "--json", "--quiet",
                   "--rejects", str(tmp_path / "r.jsonl"), env=env),
            invoke("status", "--json", env=env),
            invoke("query", "top_amplifiers", "-p", "hashtag=scotus", env=env),
            invoke("cypher", "MATCH (a:Account) RETURN a LIMIT 3", "--json", env=env),
            invoke("cypher", "CREATE (x:Hashtag {tag: 'w'})", env=env),  # refused
            invoke("browser", env=env),
            invoke("status", env={**env, "NEO4J_PASSWORD": marker + "-wrong"}),
        ]
    finally:
        with GraphDatabase.driver(uri, auth=(admin, admin_password)) as driver:
            driver.execute_query(f"DROP USER {user} IF EXISTS", database_="system")
    assert [r.exit_code for r in outputs] == [0, 0, 0, 0, 1, 0, 1]
    seen = "".join(r.stdout + r.stderr for r in outputs) + caplog.text
    assert marker not in seen
    assert user in seen  # the user name may show; only the password may not
    assert not [p for p in tmp_path.iterdir() if marker in p.read_text()]
    assert marker not in os.environ.get("NEO4J_PASSWORD", "")

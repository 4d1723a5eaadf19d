"""The Neo4j password never shows: not in any command's output, log, error, file or JSON.

Our own server's password is a marker (``tj-marker-9f3c``). Every command that talks to
Neo4j runs with it, as a child process (real stdout and stderr) and in process with
every logger at DEBUG (the driver's included); a wrong password, an unreachable server
and URIs that carry the password are tried too. The marker must appear nowhere: not in
stdout or stderr, not in a log record, not in an exception or its causes, not in the
report, the exports, the rejects file or any other file the commands write.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

import pytest
from tagjack.cli.app import app
from typer.testing import CliRunner

from .conftest import MARKER_PASSWORD, simulated
from .support import assert_one_clear_line, cli_env, lines_of, run_tagjack, wipe_neo4j, write_lines

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def folder(tmp_path_factory, own_neo4j):
    folder = tmp_path_factory.mktemp("secrets")
    case = simulated(folder / "case", 1_500, seed=9)
    write_lines(folder / "tweets.jsonl", lines_of(case.tweets) + [b"{broken\n"])  # one reject
    with own_neo4j.driver() as driver:
        wipe_neo4j(driver)
    return folder


def commands(own_neo4j, folder: Path) -> list[tuple[list[str], dict[str, str], int]]:
    """(arguments, environment, expected exit code) of everything that talks to Neo4j."""
    env = own_neo4j.env()
    wrong = {**env, "NEO4J_PASSWORD": MARKER_PASSWORD + "-wrong"}
    nowhere = {**env, "NEO4J_URI": "bolt://127.0.0.1:1"}
    in_uri = f"bolt://neo4j:{MARKER_PASSWORD}@127.0.0.1:{own_neo4j.bolt_port}"
    out = folder / "out"
    return [
        (["load", str(folder / "tweets.jsonl"), "--json", "--quiet",
          "--rejects", str(out / "rejects.jsonl")], env, 0),
        (["status"], env, 0),
        (["status", "--json"], env, 0),
        (["analyze", "--hashtag", "#MyNYPD", "--json", "--quiet"], env, 0),
        (["analyze", "--hashtag", "#MyNYPD", "--quiet"], env, 0),
        (["amplifiers", "--hashtag", "#MyNYPD", "--json", "--quiet"], env, 0),
        (["hijack", "--hashtag", "#MyNYPD", "--json", "--quiet"], env, 0),
        (["spread", "--hashtag", "#MyNYPD", "--json", "--quiet"], env, 0),
        (["communities", "--json"], env, 0),
        (["query", "top_amplifiers", "-p", "hashtag=#MyNYPD", "--json"], env, 0),
        (["cypher", "MATCH (a:Account) RETURN a LIMIT 3", "--json"], env, 0),
        (["cypher", "CREATE (:Account {id: 'w'})"], env, 1),
        (["cypher", "RETURN $x", "-p", f"x={MARKER_PASSWORD[:3]}"], env, 0),
        (["browser"], env, 0),
        (["report", "--hashtag", "#MyNYPD", "--out", str(out / "report.html")], env, 0),
        (["export", "--format", "csv", "--out", str(out / "csv")], env, 0),
        (["export", "--format", "gexf", "--out", str(out / "g.gexf")], env, 0),
        (["export", "--format", "json", "--out", str(out / "g.json")], env, 0),
        (["status"], wrong, 1),
        (["load", str(folder / "tweets.jsonl"), "--quiet"], wrong, 1),
        (["status", "--json"], nowhere, 1),
        (["analyze", "--hashtag", "#MyNYPD"], nowhere, 1),
        (["status", "--neo4j", in_uri], {**env, "NEO4J_PASSWORD": "not-this-one"}, 1),
        (["status", "--neo4j", f"http://neo4j:{MARKER_PASSWORD}@127.0.0.1:7474"], env, 1),
        (["browser", "--neo4j", in_uri], env, 0),
    ]


def test_the_password_shows_in_no_output_and_no_file(own_neo4j, folder, record_property):
    (folder / "out").mkdir(exist_ok=True)
    seen = []
    for args, env, code in commands(own_neo4j, folder):
        result = run_tagjack(*args, cwd=folder / "out", env=cli_env(env, neo4j=True))
        assert result.returncode == code, (args, result.stderr[-2000:])
        if code == 1:
            assert_one_clear_line(result)
        seen.append(result.stdout + result.stderr)
        assert MARKER_PASSWORD not in result.stdout + result.stderr, args
    assert "wrong user name or password" in "".join(seen)
    written = [p for p in folder.rglob("*") if p.is_file()]
    assert len(written) > 5
    assert not [p for p in written if MARKER_PASSWORD.encode() in p.read_bytes()]
    record_property("commands", len(seen))


def test_the_password_shows_in_no_log_record_and_no_exception(own_neo4j, folder, caplog):
    """In process, every logger at DEBUG (the driver logs each Bolt message it sends)."""
    runner = CliRunner()
    caplog.set_level(logging.DEBUG)
    for name in ("neo4j", "neo4j.io", "neo4j.pool", "tagjack"):
        caplog.set_level(logging.DEBUG, logger=name)
    (folder / "in-process").mkdir(exist_ok=True)
    failures = []
    for args, env, code in commands(own_neo4j, folder):
        args = [a.replace(str(folder / "out"), str(folder / "in-process")) for a in args]
        result = runner.invoke(app, args, env=cli_env(env, neo4j=True))
        assert result.exit_code == code, (args, result.output[-2000:])
        assert MARKER_PASSWORD not in result.output, args
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            failures.append(result.exception)
        for exc in chain(result.exception):
            text = "".join(traceback.format_exception(exc)) + repr(exc) + repr(vars(exc))
            assert MARKER_PASSWORD not in text, (args, type(exc))
    assert any(r.name.startswith("neo4j") and r.levelno == logging.DEBUG for r in caplog.records), \
        "the driver's debug log should have been captured"
    for record in caplog.records:
        assert MARKER_PASSWORD not in record.getMessage(), record.name
    assert MARKER_PASSWORD not in caplog.text
    assert not failures, failures


def chain(exc: BaseException | None):
    """An exception and all its causes and contexts."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        yield from (e for e in (exc.__cause__,) if e is not None and id(e) not in seen)
        exc = exc.__context__

"""The tests never touch a user's Neo4j (issue 14).

A "user" Neo4j runs from the checkout's ``.neo4j/``, as ``make neo4j`` starts it, with a small
simulated case loaded by the CLI. The checkout is a temporary copy of the scripts of
tests/neo4j-server (sharing the built class path), so no real user's server is involved.
Then its with-neo4j.sh runs a few conformance tests as ``make test`` does: with NEO4J_URI
exported to the user's server, and with it unset (both at once: two runs in one checkout get
a server each). After them, the user's case is all there, unmarked, and the user's server
still runs. A third run names the user's server explicitly
(TAGJACK_TEST_NEO4J_URI): the suite refuses, in one line, and wipes nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from neo4j_server import clean_env, free_port, suite_statement, unavailable, wipe

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SERVER_DIR = REPO / "tests" / "neo4j-server"
TAGJACK = Path(sys.executable).with_name("tagjack")
USER_PASSWORD = "user-case-3e1a"
# A conformance test that wipes, loads, and wipes again, on Neo4j only (one: the time is in
# starting the tests' server).
STORE_TESTS = ["tests/store/test_conformance.py", "-k", "neo4j and reload_adds_nothing"]


@dataclass(frozen=True)
class UserServer:
    """The user's server, started by the checkout's neo4j.sh on ports of its own."""

    checkout: Path
    bolt_port: int
    http_port: int

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def shell(self) -> dict[str, str]:
        """The user's shell after `make neo4j` on these ports, before any `eval`."""
        return clean_env(NEO4J_BOLT_PORT=str(self.bolt_port), NEO4J_HTTP_PORT=str(self.http_port),
                         NEO4J_PASSWORD=USER_PASSWORD, NEO4J_HEAP="768m",
                         NEO4J_START_TIMEOUT="240")

    def exported(self) -> dict[str, str]:
        """The user's shell after ``eval "$(make -s neo4j)"``."""
        return {**self.shell(), "NEO4J_URI": self.uri, "NEO4J_USERNAME": "neo4j",
                "NEO4J_DATABASE": "neo4j",
                "TAGJACK_NEO4J_BROWSER_URL": f"http://127.0.0.1:{self.http_port}/browser/"}

    def script(self, name: str, *args: str, env: dict[str, str],
               timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.checkout / "tests" / "neo4j-server" / name), *args],
                              cwd=self.checkout, env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def start_script(self, name: str, *args: str, env: dict[str, str]) -> subprocess.Popen[str]:
        return subprocess.Popen([str(self.checkout / "tests" / "neo4j-server" / name), *args],
                                cwd=self.checkout, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def tagjack(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(TAGJACK), *args], cwd=self.checkout, env=self.exported(),
                              capture_output=True, text=True, timeout=300, check=False)

    def case(self) -> dict:
        """What the user sees of their case: `tagjack status --json`, all nodes, and markers."""
        status = self.tagjack("status", "--json")
        assert status.returncode == 0, status.stderr
        with GraphDatabase.driver(self.uri, auth=("neo4j", USER_PASSWORD)) as driver:
            records, _, _ = driver.execute_query(suite_statement("state"), database_="neo4j")
        nodes, markers = records[0]
        return {**json.loads(status.stdout), "nodes": nodes, "markers": markers}

    def running(self) -> bool:
        return self.script("neo4j.sh", "status", env=self.shell(), timeout=60).returncode == 0


def copy_checkout(root: Path) -> Path:
    """The scripts of tests/neo4j-server in a checkout of their own (modification times kept,
    so the shared build in target/ counts as current)."""
    here = root / "tests" / "neo4j-server"
    here.mkdir(parents=True)
    for name in ("neo4j.sh", "with-neo4j.sh", "pom.xml"):
        shutil.copy2(SERVER_DIR / name, here / name)
    for name in ("conf", "src"):
        shutil.copytree(SERVER_DIR / name, here / name)
    (SERVER_DIR / "target").mkdir(exist_ok=True)
    (here / "target").symlink_to(SERVER_DIR / "target")
    return root


@pytest.fixture(scope="module")
def user(tmp_path_factory) -> Iterator[UserServer]:
    """The user's server with a case of 300 simulated tweets, loaded by the CLI."""
    if not (shutil.which("java") and shutil.which("mvn")):
        unavailable("the user's Neo4j needs Java 17 and Maven")
    server = UserServer(copy_checkout(tmp_path_factory.mktemp("checkout")), free_port(), free_port())
    started = server.script("neo4j.sh", "start", env=server.shell())
    if started.returncode != 0:
        unavailable(f"the user's Neo4j did not start: {started.stderr.strip().splitlines()[-1:]}")
    try:
        for args in (["simulate", "--out", "case", "--tweets", "300", "--seed", "14", "-q"],
                     ["load", "case/tweets.jsonl", "--quiet"]):
            done = server.tagjack(*args)
            assert done.returncode == 0, done.stderr
        yield server
    finally:
        server.script("neo4j.sh", "stop", env=server.shell())


@pytest.fixture(scope="module")
def before(user) -> dict:
    case = user.case()
    assert case["posts"] > 0 and case["nodes"] > 0 and case["markers"] == 0
    return case


def store_tests(user: UserServer, env: dict[str, str]) -> subprocess.Popen[str]:
    """with-neo4j.sh of the user's checkout starting a store test, as `make test` would
    (CI=true: a test that cannot get its server fails instead of skipping)."""
    return user.start_script("with-neo4j.sh", sys.executable, "-m", "pytest", "-q", "-p",
                             "no:cacheprovider", str(REPO / STORE_TESTS[0]), *STORE_TESTS[1:],
                             env={**env, "CI": "true"})


def finished(proc: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    stdout, stderr = proc.communicate(timeout=900)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def make_test_runs(user, before) -> dict[str, subprocess.CompletedProcess[str]]:
    """`make test`'s store tests, with NEO4J_URI exported and without it, both at once."""
    started = {"exported": store_tests(user, user.exported()), "unset": store_tests(user, user.shell())}
    return {name: finished(proc) for name, proc in started.items()}


def assert_untouched(user: UserServer, before: dict) -> None:
    assert user.running(), "the user's server was stopped"
    assert user.case() == before
    assert not list((user.checkout / ".neo4j-test").glob("run-*")), "the tests' server was left"


def test_make_test_with_neo4j_uri_exported_leaves_the_users_case(user, before, make_test_runs):
    done = make_test_runs["exported"]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout and "the tests' Neo4j ready" in done.stderr
    assert_untouched(user, before)


def test_make_test_while_the_users_server_runs_leaves_the_users_case(user, before, make_test_runs):
    done = make_test_runs["unset"]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout and "the tests' Neo4j ready" in done.stderr
    assert_untouched(user, before)


def test_the_suite_refuses_a_named_database_holding_data_it_did_not_create(user, before):
    named = {**user.shell(), "TAGJACK_TEST_NEO4J_URI": user.uri,
             "TAGJACK_TEST_NEO4J_PASSWORD": USER_PASSWORD}
    done = finished(store_tests(user, named))
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout[-3000:]
    refusals = [line for line in done.stdout.splitlines() if "refusing to wipe" in line]
    assert len(refusals) == 1, done.stdout[-3000:]
    assert f"it holds {before['nodes']:,} nodes the test suite did not create" in refusals[0]
    assert "nothing started" in done.stderr
    assert_untouched(user, before)


def test_a_wipe_checks_first_and_deletes_nothing(user, before):
    with GraphDatabase.driver(user.uri, auth=("neo4j", USER_PASSWORD)) as driver, \
            pytest.raises(pytest.fail.Exception, match="no :TagjackTestSuite marker"):
        wipe(driver, "neo4j")
    assert_untouched(user, before)

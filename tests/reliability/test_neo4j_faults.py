"""Neo4j under faults, on a server of our own (tests/reliability/conftest.py ``own_neo4j``).

- The server is stopped mid-load for longer than the driver retries (its managed
  transactions back off for up to 30 s): the load stops with one clear line, the store
  holds whole batches, and once the server is started again the same command gives
  exactly the store a clean load gives.
- The connection drops several times mid-load (a proxy cuts every Bolt connection for
  a moment, as a short server restart or a failover would): the driver retries through,
  and nothing is lost or counted twice, even when a commit was in flight.
- A non-transient error, a uniqueness constraint the data breaks (another application
  sharing the database keeps ``Account.name`` unique; display names do repeat), stops
  the load with one line naming the batch and the constraint; the batches before it
  are kept.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import orjson
import pytest

from .conftest import MARKER_PASSWORD, simulated
from .support import (
    assert_neo4j_consistent,
    assert_one_clear_line,
    cli_env,
    differences,
    neo4j_rows,
    neo4j_snapshot,
    run_tagjack,
    start_tagjack,
    wipe_neo4j,
    write_lines,
)

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

TWEETS = 3_000
BATCH = 100


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return simulated(tmp_path_factory.mktemp("neo4j-case"), TWEETS, seed=11)


@pytest.fixture(scope="module")
def driver(own_neo4j):
    with own_neo4j.driver() as d:
        yield d


@pytest.fixture(scope="module")
def clean(own_neo4j, driver, case, tmp_path_factory):
    """The snapshot of a clean load of ``case`` into our server."""
    folder = tmp_path_factory.mktemp("neo4j-clean")
    wipe_neo4j(driver)
    result = run_tagjack("load", case.tweets, "--batch-size", BATCH, "--quiet", cwd=folder,
                         env=cli_env(own_neo4j.env(), neo4j=True))
    assert result.returncode == 0, result.stderr
    snapshot = neo4j_snapshot(driver)
    assert snapshot.status["duplicates"] == 0 and snapshot.status["stored posts"] > 0
    wipe_neo4j(driver)
    return snapshot


def stored_posts(driver) -> int:
    try:
        return neo4j_rows(driver, "MATCH (p:Post) WHERE p.created_at IS NOT NULL RETURN count(p)")[0][0]
    except Exception:  # the server is going away or coming back
        return 0


def wait_for_posts(proc, driver, at_least: int = 1) -> None:
    while proc.poll() is None and stored_posts(driver) < at_least:
        time.sleep(0.1)


def outputs(out: Path) -> tuple[str, str]:
    return out.with_suffix(".stdout").read_text(), out.with_suffix(".stderr").read_text()


def test_server_stopped_mid_load_then_started_again(own_neo4j, driver, case, clean, tmp_path,
                                                   record_property):
    """The server goes down for longer than the driver retries (30 s): the load stops with
    one line; once the server is back, the same command finishes the load exactly."""
    wipe_neo4j(driver)
    env = cli_env(own_neo4j.env(), neo4j=True)
    out = tmp_path / "load"
    proc = start_tagjack("load", case.tweets, "--batch-size", BATCH, "--quiet", "--json",
                         cwd=tmp_path, env=env, out=out)
    wait_for_posts(proc, driver, at_least=500)
    assert proc.poll() is None, "the load ended before the server could be stopped"
    own_neo4j.stop()
    try:
        code = proc.wait(timeout=300)
    finally:
        own_neo4j.start()
    stdout, stderr = outputs(out)
    result = type("Result", (), {"returncode": code, "stderr": stderr})
    line = assert_one_clear_line(result)
    # the driver's last retry met a closed port, or (rarely) a server still shutting down
    assert line == f"error: cannot reach {own_neo4j.uri} (is Neo4j running? `make neo4j` starts " \
        "a local one)" or "was not stored: Neo4j refused it: Neo.TransientError." in line, line
    assert MARKER_PASSWORD not in stdout + stderr
    stored = assert_neo4j_consistent(driver, case.expected)
    assert 0 < len(stored) < clean.status["stored posts"]

    rerun = run_tagjack("load", case.tweets, "--batch-size", BATCH, "--quiet", "--json",
                        cwd=tmp_path, env=env)
    assert rerun.returncode == 0, rerun.stderr
    assert orjson.loads(rerun.stdout)["posts"] == clean.status["stored posts"] - len(stored)
    assert differences(neo4j_snapshot(driver), clean) == []
    record_property("stored_before_the_outage", len(stored))
    print(f"server stopped mid-load: {line!r}; {len(stored)} posts were stored, the rerun added the rest")


class CuttingProxy:
    """A TCP proxy to a Bolt port that can drop every connection at once (and refuse new
    ones for a moment): a network blip or a load balancer failing over."""

    def __init__(self, target_port: int) -> None:
        self.target = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.closed = False
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self, seconds: float) -> None:
        self.open = False
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.sockets.clear()
        time.sleep(seconds)
        self.open = True

    def close(self) -> None:
        self.closed = True
        self.listener.close()
        self.cut(0)


CUTS = 4


def test_connections_dropped_mid_load_lose_and_double_nothing(own_neo4j, driver, case, clean,
                                                                tmp_path, record_property):
    wipe_neo4j(driver)
    proxy = CuttingProxy(own_neo4j.bolt_port)
    env = cli_env({**own_neo4j.env(), "NEO4J_URI": f"bolt://127.0.0.1:{proxy.port}"}, neo4j=True)
    out = tmp_path / "load"
    try:
        proc = start_tagjack("load", case.tweets, "--batch-size", BATCH, "--quiet", "--json",
                             cwd=tmp_path, env=env, out=out)
        cuts = 0
        for cut in range(CUTS):
            wait_for_posts(proc, driver, at_least=400 * (cut + 1))
            if proc.poll() is not None:
                break
            proxy.cut(1.5)
            cuts += 1
        code = proc.wait(timeout=600)
    finally:
        proxy.close()
    stdout, stderr = outputs(out)
    if code != 0:  # a commit cut off mid-flight: the driver cannot know, so does not retry it
        result = type("Result", (), {"returncode": code, "stderr": stderr})
        assert_one_clear_line(result)
        assert_neo4j_consistent(driver, case.expected)
        rerun = run_tagjack("load", case.tweets, "--batch-size", BATCH, "--quiet", cwd=tmp_path,
                            env=cli_env(own_neo4j.env(), neo4j=True))
        assert rerun.returncode == 0, rerun.stderr
    else:
        assert orjson.loads(stdout)["posts"] == clean.status["stored posts"]
        assert stderr.strip() == "", "retries are quiet: no driver warnings on stderr"
    assert cuts >= 2
    assert differences(neo4j_snapshot(driver), clean) == []
    record_property("connection_cuts", cuts)
    print(f"{cuts} connection cuts mid-load: " + ("retried through" if code == 0 else stderr.strip()))


def tweet(tid: int, uid: int, handle: str, name: str) -> bytes:
    return orjson.dumps({
        "id_str": str(tid), "created_at": "Tue Apr 22 18:00:00 +0000 2014", "text": f"#mynypd {tid}",
        "entities": {"hashtags": [{"text": "myNYPD"}], "user_mentions": []},
        "user": {"id_str": str(uid), "screen_name": handle, "name": name}}) + b"\n"


def test_a_broken_constraint_stops_the_load_naming_the_batch(own_neo4j, driver, tmp_path):
    wipe_neo4j(driver)
    lines = [tweet(1000 + i, 100 + i, f"user{i}", f"User {i}") for i in range(12)]
    lines.insert(9, tweet(2000, 999, "someone_else", "User 1"))  # a name already taken
    path = write_lines(tmp_path / "repeated-name.jsonl", lines)
    driver.execute_query("CREATE CONSTRAINT tj_test_name IF NOT EXISTS "
                         "FOR (a:Account) REQUIRE a.name IS UNIQUE", database_="neo4j")
    try:
        result = run_tagjack("load", path, "--batch-size", 4, "--quiet", cwd=tmp_path,
                             env=cli_env(own_neo4j.env(), neo4j=True))
    finally:
        driver.execute_query("DROP CONSTRAINT tj_test_name IF EXISTS", database_="neo4j")
    line = assert_one_clear_line(result)
    # a tweet gives 2 records (account, post): batches of 4 hold 2 tweets; the 10th is in batch 5
    assert line.startswith("error: batch 5 (4 records, posts 1008 to 2000) was not stored: "), line
    assert "Neo.ClientError.Schema.ConstraintValidationFailed" in line
    assert "User 1" in line
    stored = {r[0] for r in neo4j_rows(driver, "MATCH (p:Post) WHERE p.created_at IS NOT NULL "
                                               "RETURN p.id")}
    assert stored == {str(1000 + i) for i in range(8)}
    assert "run the same command again" in result.stderr

"""What only the Neo4j store has: batching into statements, retries, schema, connecting.

The recording fake checks statement names, parameters and `$rows` sizes without
a server; the rest runs against the real one (tests/neo4j_server.py).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from neo4j.exceptions import TransientError
from neo4j_server import claim, neo4j_settings
from store_cases import (
    edges_by_ids,
    load_lines,
    load_sample,
    neo4j_env,
    results_by_ids,
    store_for_test,
    synthetic_results,
    totals,
)
from tagjack.cypher import names, parameters, statement, statements
from tagjack.graph.errors import StoreUnavailable
from tagjack.graph.model import EdgeKind, Post, PostKind
from tagjack.graph.store import neo4j as store_module
from tagjack.graph.store.neo4j import STATEMENT_PARAMS, Neo4jStore
from tagjack.graph.store.neo4j_batch import PostState, reference_rows, stub_plan
from tagjack.graph.store.neo4j_connect import Credentials, public_uri
from tagjack.graph.store.sqlite import SqliteStore

# -- a recording fake: no server ---------------------------------------------------------


@dataclasses.dataclass
class Call:
    statement: str  # the name, found by its text
    params: dict


class FakeResult(list):
    def consume(self):
        return dataclasses.make_dataclass("Summary", [("counters", object)])(
            dataclasses.make_dataclass("Counters", [("nodes_created", int)])(len(self)))

    def single(self, strict=False):
        return [0]


class FakeTx:
    """Records each statement; load/post_states says no post has a node yet (all new)."""

    def __init__(self, calls: list[Call]) -> None:
        self.calls = calls

    def run(self, text, params=None):
        name = NAME_OF[text]
        self.calls.append(Call(name, dict(params or {})))
        if name == "load/posts":
            return FakeResult([[row["id"]] for row in params["rows"]])
        if name == "read/schema_version":  # a new, empty database
            return FakeResult([{"version": None, "data": False}])
        return FakeResult(params.get("rows", []) if params else [])


class FakeSession:
    def __init__(self, driver: FakeDriver) -> None:
        self.driver = driver

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def run(self, text, params=None):
        return FakeTx(self.driver.calls).run(text, params)

    def execute_write(self, work, *args):
        self.driver.transactions += 1
        for _ in range(self.driver.attempts - 1):  # attempts the "server" rolled back
            work(FakeTx([]), *args)
        return work(FakeTx(self.driver.calls), *args)

    execute_read = execute_write


class FakeDriver:
    def __init__(self, attempts: int = 1) -> None:
        self.calls: list[Call] = []
        self.transactions = 0
        self.attempts = attempts

    def session(self, **config):
        return FakeSession(self)

    def close(self):
        pass


NAME_OF = {text: name for name in names() for text in [statement(name), *statements(name)]}


def fake_store(*, batch_size: int = 2, attempts: int = 1) -> tuple[Neo4jStore, FakeDriver]:
    driver = FakeDriver(attempts)
    store = Neo4jStore("bolt://fake:7687", Credentials("neo4j", "pw", None), batch_size=batch_size,
                       driver=driver)
    driver.calls.clear()
    driver.transactions = 0  # the version check on open read in one
    return store, driver


def test_schema_statements_run_one_by_one_on_open():
    driver = FakeDriver()
    Neo4jStore("bolt://fake:7687", Credentials("neo4j", "pw", None), driver=driver)
    assert [c.statement for c in driver.calls] == \
        ["schema"] * len(statements("schema")) + ["read/schema_version"]
    assert len(statements("schema")) >= 8


def test_a_batch_is_one_transaction_of_chunked_statements(tmp_path):
    store, driver = fake_store(batch_size=2)
    stats = load_lines(store, tmp_path, batch_size=100)
    assert driver.transactions == 1
    order = [c.statement for c in driver.calls]
    assert order[:2] == ["load/schema_version", "load/accounts"] and "load/new_posts" in order
    assert "load/posts" not in order  # no stubs: every post is CREATEd, none MERGEd
    # nodes before relationships: accounts and hashtags, then posts, then edges
    assert order.index("load/hashtags") < order.index("load/new_posts") \
        < order.index("load/retweets") < order.index("load/retweeted")
    assert all(len(c.params["rows"]) <= 2 for c in driver.calls if "rows" in c.params)
    assert sum(len(c.params["rows"]) for c in driver.calls if c.statement == "load/new_posts") == 7
    for call in driver.calls:
        assert set(call.params) == STATEMENT_PARAMS[call.statement]
    # the fake calls every post new: counts come from the batch alone
    assert (stats.posts, stats.edges) == (7, 6)


def test_a_retried_transaction_counts_once(tmp_path):
    once, _ = fake_store()
    thrice, driver = fake_store(attempts=3)
    a, b = load_lines(once, tmp_path, batch_size=100), load_lines(thrice, tmp_path, batch_size=100)
    assert (a.posts, a.accounts, a.edges) == (b.posts, b.accounts, b.edges) == (7, 3, 6)
    assert driver.transactions == 1


def test_interactions_are_summed_per_pair_and_kind_with_self_loops(tmp_path):
    store, driver = fake_store(batch_size=5_000)
    load_lines(store, tmp_path, batch_size=100)
    rows = {c.statement: c.params["rows"] for c in driver.calls
            if c.statement in ("load/retweeted", "load/quoted", "load/mentioned")}
    assert [(r["source_id"], r["target_id"], r["count"]) for r in rows["load/retweeted"]] == \
        [("1", "2", 2), ("2", "2", 1), ("3", "1", 1)]
    assert [(r["source_id"], r["target_id"], r["count"]) for r in rows["load/quoted"]] == \
        [("1", "2", 1)]
    assert [(r["source_id"], r["target_id"], r["count"]) for r in rows["load/mentioned"]] == \
        [("1", "3", 1)]


def test_stubs_are_made_for_referred_posts_no_node_is_and_get_the_first_named_author():
    def post(pid, ref=None, ref_author=None, reply=None, reply_author=None):
        return Post(id=pid, author_id="a", created_at=datetime(2014, 4, 22, tzinfo=UTC),
                    kind=PostKind.RETWEET if ref else PostKind.REPLY, text="", ref_id=ref,
                    ref_author_id=ref_author, reply_to_id=reply, reply_to_author_id=reply_author)

    new = [post("1", ref="x", ref_author=None), post("2", ref="x", ref_author="bob"),
           post("3", ref="x", ref_author="carol"), post("4", reply="old", reply_author="dan"),
           post("5", reply="kept", reply_author="eve"), post("6", ref="stored", ref_author="f"),
           post("7", ref="1", ref_author="a")]
    states = {"old": PostState(stored=False, authored=False),
              "kept": PostState(stored=False, authored=True),
              "stored": PostState(stored=True, authored=True)}
    missing, authors = stub_plan(new, states, created={p.id for p in new})
    assert missing == ["x"]  # "1" is created in this batch: no stub
    assert authors == [{"id": "old", "author_id": "dan"}, {"id": "x", "author_id": "bob"}]
    links = reference_rows(new)
    assert [r["ref_id"] for r in links["load/retweets"]] == ["x", "x", "x", "stored", "1"]
    assert [r["reply_to_id"] for r in links["load/replies_to"]] == ["old", "kept"]


def test_a_statement_gets_exactly_its_registered_parameters():
    store, _ = fake_store()
    with pytest.raises(ValueError, match=r"load/posts takes \$rows"):
        store.check_params("load/posts", {"rows": [], "extra": 1})


def test_every_statement_is_registered_with_the_parameters_it_uses():
    """The run-time registry and the files agree (the offline lint asks Neo4j's parser too)."""
    assert set(STATEMENT_PARAMS) == set(names())
    for name in names():
        assert parameters(name) == STATEMENT_PARAMS[name], name


def test_credentials_never_show():
    creds = Credentials("neo4j", "s3cret-marker", None)
    assert "s3cret-marker" not in repr(creds)
    assert public_uri("bolt://neo4j:s3cret-marker@db.example:7687") == "bolt://db.example:7687"


def test_not_a_bolt_uri_is_refused_before_connecting():
    with pytest.raises(StoreUnavailable, match="not a Neo4j Bolt URI: http://db:7474"):
        Neo4jStore("http://db:7474", Credentials("neo4j", "pw", None))


# -- against the real server ---------------------------------------------------------------


@pytest.mark.neo4j
def test_a_transient_error_is_retried_and_counts_stay_exact(neo4j_store, tmp_path, monkeypatch):
    """Every batch's first attempt runs all its statements, then fails as a deadlock would;
    the driver rolls back and retries, and the counts come out as from one clean attempt."""
    real = Neo4jStore._write_batch
    attempts: list[int] = []

    def flaky(self, tx, plan):
        counts = real(self, tx, plan)
        attempts.append(counts.posts)
        if len(attempts) % 2 == 1:
            raise TransientError("simulated deadlock after a full attempt")
        return counts

    monkeypatch.setattr(Neo4jStore, "_write_batch", flaky)
    stats = load_sample(neo4j_store, tmp_path, batch_size=400)
    reference = SqliteStore.in_memory()
    load_sample(reference, tmp_path, batch_size=400)
    assert attempts[0::2] == attempts[1::2] and len(attempts) >= 6
    assert stats.posts == 721
    assert totals(neo4j_store) == totals(reference)
    for kind in EdgeKind:
        assert edges_by_ids(neo4j_store, kind) == edges_by_ids(reference, kind)


@pytest.mark.neo4j
def test_schema_is_applied_idempotently(tmp_path):
    with store_for_test("neo4j", tmp_path) as first, store_for_test("neo4j", tmp_path) as second:
        assert first.status() == second.status()
        with second.session() as session:
            found = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name")}
            indexes = {r["name"] for r in session.run("SHOW INDEXES YIELD name")}
    assert {"account_id", "post_id", "hashtag_tag", "city_id", "community_run_id",
            "run_id", "schema_id"} <= found
    assert {"post_created_at", "account_handle", "account_community"} <= indexes


@pytest.mark.neo4j
def test_data_of_an_older_tagjack_is_refused_in_one_line(neo4j_store, tmp_path):
    """An older tagjack wrote no :Schema node and counted quotes as retweets: never misread."""
    load_lines(neo4j_store, tmp_path)
    uri = neo4j_settings()[0]
    with neo4j_store.session() as session:  # as the previous version left it
        session.run("MATCH (s:Schema) DELETE s").consume()
    with pytest.raises(StoreUnavailable) as refused:
        Neo4jStore.from_env(uri)
    message = str(refused.value)
    assert "\n" not in message and "older tagjack" in message
    assert f"tagjack cypher --write --neo4j {uri} 'MATCH (n) CALL (n) {{ DETACH DELETE n }} " \
        "IN TRANSACTIONS'" in message
    with Neo4jStore.from_env(uri, any_version=True) as cleaner:  # what tagjack cypher opens
        cleaner.user_query(store_module.CLEAR_ALL, {}, write=True)
        assert claim(cleaner.driver, cleaner.database or "neo4j") is None  # the suite's marker again
    with Neo4jStore.from_env(uri) as fresh:
        load_lines(fresh, tmp_path)
        assert totals(fresh)["retweet_edges"] == 3


@pytest.mark.neo4j
def test_display_labels_for_the_browser(neo4j_store, tmp_path):
    load_sample(neo4j_store, tmp_path)
    neo4j_store.write_results(synthetic_results(neo4j_store))
    counts = dict(neo4j_store.user_query(
        "MATCH (a:Account) UNWIND labels(a) AS label RETURN label, count(*) AS n", {}).rows)
    assert counts["C0"] == counts["Campaign"] and counts["C1"] == counts["Hijacker"]
    assert counts["TopAmplifier"] == store_module.TOP_AMPLIFIERS
    neo4j_store.write_results(dataclasses.replace(synthetic_results(neo4j_store), run="again",
                                                  amplifier_score=synthetic_results(
                                                      neo4j_store).amplifier_score * 0))
    counts = dict(neo4j_store.user_query(
        "MATCH (a:Account) UNWIND labels(a) AS label RETURN label, count(*) AS n", {}).rows)
    assert "TopAmplifier" not in counts and "Amplifier" not in counts


@pytest.mark.neo4j
def test_read_only_mode_is_enforced_by_the_server(neo4j_store):
    from tagjack.graph.store.neo4j import ReadOnlyQuery

    with pytest.raises(ReadOnlyQuery, match="--write"):
        neo4j_store.user_query("CREATE (:Hashtag {tag: 'x'})", {})
    assert neo4j_store.status().hashtags == 0
    neo4j_store.user_query("CREATE (:Hashtag {tag: $tag})", {"tag": "x"}, write=True)
    assert neo4j_store.status().hashtags == 1


@pytest.mark.neo4j
def test_wrong_password_is_one_clear_error_without_the_password():
    uri, user, _, database = neo4j_settings()
    with neo4j_env(user, "wrong-marker-5d1c", database), \
            pytest.raises(StoreUnavailable) as caught:
        Neo4jStore.from_env(uri)
    message = str(caught.value)
    assert "wrong user name or password" in message and "\n" not in message
    assert "wrong-marker-5d1c" not in message + repr(caught.value.__cause__)


@pytest.mark.neo4j
def test_an_unreachable_server_is_one_clear_error():
    with pytest.raises(StoreUnavailable, match=r"^cannot reach bolt://127\.0\.0\.1:1 "):
        Neo4jStore("bolt://127.0.0.1:1", Credentials("neo4j", "pw", None))


@pytest.mark.neo4j
def test_write_back_in_batches_then_read_back(tmp_path):
    """A batch size smaller than every table still writes and reads everything."""
    with store_for_test("neo4j", tmp_path, batch_size=50) as store:
        load_sample(store, tmp_path)
        written = synthetic_results(store)
        store.write_results(written)
        assert results_by_ids(store, store.results()) == results_by_ids(store, written)


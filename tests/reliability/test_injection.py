"""Nothing from the data (or from a user's query parameters) ever becomes SQL or Cypher.

Accounts, posts and tags named like injections are loaded into both stores on top of a
simulated case: they are stored verbatim and nothing else changes. The named queries
take them as parameters and change nothing. ``tagjack query`` runs only the named
queries; ``tagjack cypher`` refuses writes unless ``--write``. And a source check: no
SQL or Cypher in graph/store (its named queries included) is built with ``.format``, ``%``,
``+`` or an f-string from anything but fixed placeholders and identifiers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import orjson
import pytest
from tagjack.graph.errors import NotFound
from tagjack.graph.store.base import KIND_CODES
from tagjack.graph.store.queries import QUERIES, get_query, run_query
from tagjack.graph.store.sqlite import SqliteStore

from .conftest import simulated
from .support import (
    assert_one_clear_line,
    cli_env,
    differences,
    jsonl,
    neo4j_snapshot,
    run_tagjack,
    sqlite_snapshot,
    v1_tweet,
    v1_user,
    wipe_neo4j,
)

PAYLOADS = [
    "'}) DETACH DELETE n //",
    '"; DROP TABLE posts; --',
    "$param",
    "{{x}}",
    "') MATCH (n) DETACH DELETE n //",
    "1' OR '1'='1",
    "x'); DELETE FROM accounts; --",
    "`Account`) DETACH DELETE n //",
    "$rows",
    "{rows}",
    "%s%s%(rows)s",
    "{0}{1}",
    "\\'; DROP TABLE accounts; --",
    ":param rows => []",
    "CALL dbms.killQueries(['x'])",
    "${jndi:ldap://x/a}",
    "\u0000'; --",
    "*/ MATCH (n) DETACH DELETE n /*",
]
ARGV_PAYLOADS = [p for p in PAYLOADS if "\x00" not in p]  # a command line cannot carry NUL
REPO = Path(__file__).resolve().parents[2]


def crafted_tweets() -> list[dict]:
    """Each payload as an account id, handle, name, location, a tweet id, text and a tag,
    with retweets and mentions among the payload accounts (none touch the case's accounts)."""
    users = [v1_user(p if i % 3 == 0 else f"inj{i}", p, name=p, location=p)
             for i, p in enumerate(PAYLOADS)]
    tweets = []
    for i, (p, user) in enumerate(zip(PAYLOADS, users, strict=True)):
        other = users[(i + 1) % len(users)]
        original = v1_tweet(p if i % 2 else f"9{i:03d}", user, text=f"#MyNYPD {p}",
                            tags=("MyNYPD", p), mentions=(other,), minute=i)
        tweets.append(original)
        tweets.append(v1_tweet(f"8{i:03d}", other, retweet_of=original, minute=i + 1))
    return tweets


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("injection")
    case = simulated(folder / "case", 2_000, seed=5)
    return folder, case.tweets, jsonl(folder / "crafted.jsonl", crafted_tweets())


def stored_verbatim(after, before) -> None:
    """The crafted accounts and posts are there as written, and what was there is unchanged."""
    assert before.accounts.items() <= after.accounts.items()
    assert before.posts.items() <= after.posts.items()
    assert before.tags <= after.tags and before.mentions <= after.mentions
    assert before.edges.items() <= after.edges.items()
    new_accounts = {k: v for k, v in after.accounts.items() if k not in before.accounts}
    assert len(new_accounts) == len(PAYLOADS)
    for i, p in enumerate(PAYLOADS):
        account_id = p if i % 3 == 0 else f"inj{i}"
        assert new_accounts[account_id][:2] == (p, p), account_id  # handle, name
        assert p in {v[-1] for v in new_accounts.values()}  # location text
    new_posts = {k: v for k, v in after.posts.items() if k not in before.posts}
    assert len(new_posts) == 2 * len(PAYLOADS)
    texts = {v[3] for v in new_posts.values()}
    assert all(f"#MyNYPD {p}" in texts for p in PAYLOADS)
    assert {t for _, t in after.tags - before.tags} >= {"mynypd"}


def queries_with_payloads(store) -> int:
    """Every named query with every payload as each of its text parameters (in process, as
    ``tagjack query`` runs them); all succeed. Returns how many ran."""
    ran = 0
    for query in QUERIES.values():
        texts = [name for name, param in query.params.items() if param.kind is str]
        ints = {name: "1" for name, param in query.params.items() if param.kind is int}
        for p in PAYLOADS if texts else ():
            run_query(store, query.name, {**ints, **dict.fromkeys(texts, p)})
            ran += 1
    return ran


def cli_queries_with_payloads(run) -> None:
    """A few through the command line too: output is JSON, nothing is refused."""
    for p in ARGV_PAYLOADS[:6]:
        for args in (["top_amplifiers", "-p", f"hashtag={p}"],
                     ["account_neighbourhood", "-p", f"handle={p}"]):
            result = run("query", *args, "--json")
            assert result.returncode == 0, (args, result.stderr)
            orjson.loads(result.stdout)


def refused_query_names(run) -> None:
    for name in ["MATCH (n) DETACH DELETE n", "../schema", "load/posts",
                 "top_amplifiers; DROP TABLE posts", PAYLOADS[0]]:
        result = run("query", name, "-p", "hashtag=x")
        assert "no named query" in assert_one_clear_line(result), name


def test_sqlite_stores_payloads_verbatim_and_nothing_else_changes(inputs, record_property):
    folder, case, crafted = inputs
    db = folder / "injection.db"
    assert run_tagjack("load", case, "--db", db, "--quiet", cwd=folder).returncode == 0
    before = sqlite_snapshot(db)
    load = run_tagjack("load", crafted, "--db", db, "--quiet", "--json", cwd=folder)
    assert load.returncode == 0, load.stderr
    assert orjson.loads(load.stdout)["rejected"] == 0
    after = sqlite_snapshot(db)
    stored_verbatim(after, before)

    def run(*args):
        return run_tagjack(*args, "--db", db, cwd=folder)

    with SqliteStore(db) as store:
        ran = queries_with_payloads(store)
    cli_queries_with_payloads(run)
    refused_query_names(run)
    assert differences(sqlite_snapshot(db), after) == []
    record_property("payloads", len(PAYLOADS))
    record_property("queries_with_payloads", ran)


@pytest.mark.neo4j
def test_neo4j_stores_payloads_verbatim_and_nothing_else_changes(inputs, own_neo4j):
    folder, case, crafted = inputs
    env = cli_env(own_neo4j.env(), neo4j=True)

    def run(*args):
        return run_tagjack(*args, cwd=folder, env=env)

    with own_neo4j.driver() as driver:
        wipe_neo4j(driver)
        assert run("load", case, "--quiet").returncode == 0
        before = neo4j_snapshot(driver)
        load = run("load", crafted, "--quiet", "--json")
        assert load.returncode == 0, load.stderr
        after = neo4j_snapshot(driver)
        stored_verbatim(after, before)
        with own_neo4j.store() as store:
            queries_with_payloads(store)
        cli_queries_with_payloads(run)
        refused_query_names(run)
        for p in ARGV_PAYLOADS:  # the user's own Cypher, parameters bound
            found = run("cypher", "MATCH (a:Account {handle: $h}) RETURN a.name AS name", "-p",
                        f"h={p}", "--json")
            assert found.returncode == 0, found.stderr
            assert orjson.loads(found.stdout) == [{"name": p}]
        assert differences(neo4j_snapshot(driver), after) == []
        wipe_neo4j(driver)


WRITES = [
    "CREATE (n:Account {id: 'x'})",
    "MERGE (h:Hashtag {tag: 'x'}) RETURN h",
    "MATCH (a:Account) SET a.handle = 'x'",
    "MATCH (n) DETACH DELETE n",
    "MATCH (a:Account) REMOVE a.handle",
    "CREATE INDEX tj_x IF NOT EXISTS FOR (a:Account) ON (a.name)",
    "DROP CONSTRAINT account_id",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS",
    "LOAD CSV FROM 'file:///etc/passwd' AS row CREATE (:X {v: row[0]})",
]


@pytest.mark.neo4j
def test_cypher_refuses_every_kind_of_write_without_write(inputs, own_neo4j, record_property):
    folder, case, _ = inputs
    env = cli_env(own_neo4j.env(), neo4j=True)
    with own_neo4j.driver() as driver:
        wipe_neo4j(driver)
        assert run_tagjack("load", case, "--quiet", cwd=folder, env=env).returncode == 0
        before = neo4j_snapshot(driver)
        schema = neo4j_schema(driver)
        for statement in WRITES:
            result = run_tagjack("cypher", statement, cwd=folder, env=env)
            assert assert_one_clear_line(result) == ("error: Neo4j refused to write: queries run "
                                                     "read-only unless --write is given"), statement
        assert differences(neo4j_snapshot(driver), before) == []
        assert neo4j_schema(driver) == schema
        wipe_neo4j(driver)
    record_property("writes_refused", len(WRITES))


def neo4j_schema(driver) -> set:
    records, _, _ = driver.execute_query("SHOW INDEXES YIELD name RETURN name", database_="neo4j")
    return {r[0] for r in records}


def test_cypher_on_sqlite_is_refused_in_one_line(inputs):
    folder, case, _ = inputs
    db = folder / "refuse.db"
    assert run_tagjack("load", case, "--db", db, "--quiet", cwd=folder).returncode == 0
    line = assert_one_clear_line(run_tagjack("cypher", "MATCH (n) DETACH DELETE n", "--db", db,
                                             cwd=folder))
    assert "needs the Neo4j store" in line


def test_named_queries_resolve_only_their_own_names():
    for name in ["../schema", "queries/../load/posts", "load/posts", "", "top_amplifiers "]:
        with pytest.raises(NotFound):
            get_query(name)


# -- the source check --------------------------------------------------------------------------

QUERY_WORDS = ("SELECT ", "INSERT ", "UPDATE ", "DELETE ", "PRAGMA ", "BEGIN", "COMMIT", "MATCH ",
               "MERGE ", "CREATE ", " FROM ", " WHERE ", "UNWIND ")
# Every value interpolated into SQL text, and why it is no data (module, expression).
FIXED = {
    ("graph/store/sqlite.py", "BUSY_TIMEOUT_MS"): "a constant int",
    ("graph/store/sqlite.py", "PAGE_SIZE"): "a constant int",
    ("graph/store/sqlite.py", "schema"): "the packaged sqlite_schema.sql",
    ("graph/store/sqlite.py", "SCHEMA_VERSION"): "a constant int",
    ("graph/store/sqlite.py", "marks"): "'?,?,...': placeholders only (checked below)",
    ("graph/store/sqlite.py", "KIND_CODES[PostKind.RETWEET]"): "a constant int (checked below)",
    ("graph/store/sqlite.py", "KIND_CODES[PostKind.QUOTE]"): "a constant int (checked below)",
    ("graph/store/sqlite.py", "KIND_CODES[PostKind.REPLY]"): "a constant int (checked below)",
    ("graph/store/sqlite_batch.py", "KIND_CODES[PostKind.RETWEET]"): "a constant int (checked below)",
    ("graph/store/sqlite_batch.py", "KIND_CODES[PostKind.QUOTE]"): "a constant int (checked below)",
    ("graph/store/sqlite.py", "TAGGED"): "a constant SQL fragment with a :tag placeholder (checked below)",
    ("graph/store/sqlite.py", "TAGGED_INTERACTIONS[kind]"): "one of a constant dict's queries",
    ("graph/store/sqlite.py", "PLATFORM_OF_A"): "a constant SQL fragment (checked below)",
    ("graph/store/sqlite.py", "ID_NUMBER"): "a constant SQL fragment (checked below)",
    ("graph/store/sqlite.py", "target"): "actions(): a column name from ACTION_TARGETS (checked below)",
    ("graph/store/sqlite.py", "scope"): "actions(): one of two literal FROM texts (checked below)",
    ("graph/store/sqlite.py", "chosen"): "actions(): ACTION_TARGETS' literal condition (checked below)",
    ("graph/store/sqlite.py", "join"): "_platform_filter(): a literal JOIN or '' (checked below)",
    ("graph/store/sqlite.py", "where"): "_platform_filter(): PLATFORM_OF_A = ? or '1' (checked below)",
    ("graph/store/sqlite_batch.py", "kind.value"): "an EdgeKind's constant value",
    ("graph/store/sqlite_batch.py", "sql"): "one of INTERACTIONS' constant queries",
    ("graph/store/sqlite_batch.py",
     "'SELECT ' + ' + '.join((f'(SELECT count(*) FROM ({sql}))' for sql in INTERACTIONS.values()))"):
        "INTERACTIONS' constant queries, summed",
    ("graph/store/sqlite.py", "POST_CONCAT"): "a constant SQL fragment (checked below)",
    ("graph/store/sqlite.py", "EDGE_CONCAT"): "a constant SQL fragment (checked below)",
    ("graph/store/sqlite.py", "sql"): "edges(): one of its literal queries (checked below)",
    ("graph/store/queries.py", "_ACCOUNT_BY.format(p=':handle')"): "a fixed SQL fragment, a placeholder",
    ("graph/store/queries.py", "_ACCOUNT_BY.format(p=':source')"): "a fixed SQL fragment, a placeholder",
    ("graph/store/queries.py", "_ACCOUNT_BY.format(p=':target')"): "a fixed SQL fragment, a placeholder",
    **{("graph/store/queries.py", f"_on_platform('{alias}')"): "a fixed SQL fragment on a literal alias "
       "(checked below)" for alias in ("accounts", "a", "x")},
    ("graph/store/queries.py", "alias"): "_on_platform(): a literal table alias (checked below)",
}
MODULES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "graph" / "store").glob("*.py"))


def is_query_text(node: ast.AST) -> bool:
    parts = [node.value] if isinstance(node, ast.Constant) else \
        [v.value for v in getattr(node, "values", []) if isinstance(v, ast.Constant)]
    text = " ".join(p for p in parts if isinstance(p, str)).upper()
    return any(word in text for word in QUERY_WORDS)


def interpolations(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    """(node, what) for every piece of code put into query text: f-string values,
    ``.format`` calls on query text, ``%`` and ``+`` with query text."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and is_query_text(node):
            found += [(v.value, ast.unparse(v.value)) for v in node.values
                      if isinstance(v, ast.FormattedValue)]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add) and (
                is_query_text(node.left) or is_query_text(node.right)):
            if not (isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant)):
                found.append((node, ast.unparse(node)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "format":
            found.append((node, ast.unparse(node)))
    return found


@pytest.mark.parametrize("module", MODULES)
def test_no_query_text_is_built_from_data(module):
    tree = ast.parse((REPO / module).read_text(encoding="utf-8"))
    for node, what in interpolations(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "format" and not is_query_text_call(node, tree):
            continue  # .format on text that is no query (an error message)
        assert (module, what) in FIXED, f"{module}: {what!r} is put into SQL/Cypher text"


def is_query_text_call(call: ast.Call, tree: ast.AST) -> bool:
    receiver = call.func.value  # type: ignore[attr-defined]
    if isinstance(receiver, ast.Constant):
        return is_query_text(receiver)
    if isinstance(receiver, ast.Name):
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == receiver.id for t in node.targets):
                return is_query_text(node.value) or "SELECT" in ast.unparse(node.value).upper()
    return True  # unknown: treat as query text


def test_the_fixed_pieces_are_what_they_claim():
    sqlite = ast.parse((REPO / "graph/store/sqlite.py").read_text(encoding="utf-8"))
    marks = [n.value for n in ast.walk(sqlite) if isinstance(n, ast.Assign)
             and any(isinstance(t, ast.Name) and t.id == "marks" for t in n.targets)]
    assert marks and all(ast.unparse(m) == "','.join('?' * len(chunk))" for m in marks)
    from tagjack.graph.store import sqlite as sqlite_store
    from tagjack.graph.store import sqlite_batch

    assert all(isinstance(c, int) for c in KIND_CODES.values())
    assert all(type(n) is int for n in (sqlite_store.BUSY_TIMEOUT_MS, sqlite_store.PAGE_SIZE,
                                        sqlite_store.SCHEMA_VERSION))
    for fragment in (sqlite_store.TAGGED, sqlite_store.PLATFORM_OF_A, sqlite_store.ID_NUMBER):
        assert isinstance(fragment, str) and "{" not in fragment
    assert all(c in ("p.ref_id", "p.reply_to") and "{" not in chosen
               for c, chosen in sqlite_store.ACTION_TARGETS.values())
    scopes = [n.value.elts[0] for n in ast.walk(sqlite) if isinstance(n, ast.Assign)
              and any(isinstance(t, ast.Tuple) and ast.unparse(t) == "(scope, params)"
                      for t in n.targets)]
    assert len(scopes) == 2 and all(isinstance(v, ast.Constant) and "{" not in v.value
                                    for v in scopes)
    assert sqlite_store._platform_filter(None) == ("", "1", ())
    join, where, params = sqlite_store._platform_filter("x' OR 1 --")
    assert join == "JOIN accounts a ON a.key = p.author" and \
        where == f"{sqlite_store.PLATFORM_OF_A} = ?" and params == ("x' OR 1 --",)
    assert all(isinstance(sql, str) for sql in (*sqlite_store.TAGGED_INTERACTIONS.values(),
                                                *sqlite_batch.INTERACTIONS.values()))
    concat = [n.value for n in ast.walk(sqlite) if isinstance(n, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id in ("POST_CONCAT", "EDGE_CONCAT") for t in n.targets)]
    assert len(concat) == 2 and all(isinstance(v, ast.Constant) for v in concat)
    sqls = [n.value for n in ast.walk(sqlite) if isinstance(n, ast.Assign | ast.AnnAssign)
            and any(isinstance(t, ast.Name) and t.id == "sql"
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))]
    assert sqls and all(isinstance(v, ast.Constant) or isinstance(v, ast.JoinedStr) and all(
        isinstance(part, ast.Constant) or ast.unparse(part.value) == "TAGGED_INTERACTIONS[kind]"
        for part in v.values) for v in sqls)
    queries = ast.parse((REPO / "graph/store/queries.py").read_text(encoding="utf-8"))
    for call in ast.walk(queries):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                and call.func.attr == "format" and ast.unparse(call.func.value) == "_ACCOUNT_BY":
            assert all(isinstance(k.value, ast.Constant) and k.value.value.startswith(":")
                       for k in call.keywords)
        if isinstance(call, ast.Call) and ast.unparse(call.func) == "_on_platform":
            assert [type(a) for a in call.args] == [ast.Constant] and call.args[0].value.isidentifier()


def test_cypher_runs_only_statement_files_or_the_users_own_query():
    """Every ``.run(`` in the Neo4j store runs ``statement(name)`` (a file in cypher/),
    a schema statement from cypher/schema.cypher, or, in ``user_query`` only, the text a
    user typed (run in READ access mode unless --write, parameters bound)."""
    tree = ast.parse((REPO / "graph/store/neo4j.py").read_text(encoding="utf-8"))
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef):
            continue
        for call in ast.walk(func):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                    and call.func.attr in ("run", "execute_query") and call.args:
                first = ast.unparse(call.args[0])
                allowed = first.startswith("statement(") or \
                    (func.name == "_apply_schema" and first == "text") or \
                    (func.name == "user_query" and first == "text")
                assert allowed, f"{func.name}: .run({first})"

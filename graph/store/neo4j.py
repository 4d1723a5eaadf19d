"""The Neo4j store: the same Store protocol as SQLite, over the official driver.

Every statement is a file in ``cypher/`` run with ``$parameters``; loads are
``UNWIND $rows AS row MERGE ...`` in chunks of ``batch_size`` rows, and one
``write_batch`` is one ``execute_write`` transaction, which the driver retries
on transient errors (deadlocks, leader changes).

Exact counts across reloads and retries: ``load/posts`` reports which posts
had no ``created_at`` yet (never stored), and only those posts' interactions
are added to the aggregated ``RETWEETED`` / ``QUOTED`` / ``REPLIED_TO`` /
``MENTIONED`` counts, in the same transaction. A retried transaction is rolled back first and starts over from
the same database state, and the transaction function keeps no state between
attempts, so a retry finds the same new posts and adds the same counts once.

A ``(:Schema {id: 'tagjack', version})`` node, written with every batch, says which
graph model the database holds. A database with tagjack's data and no such node was
made by an older tagjack (quotes counted as retweets, self-interactions dropped):
opening it is refused with one line saying what to run, never read as this model.

Account keys: Neo4j has no dense integer key, so the store numbers accounts
itself (``_Keys``): on the first read, every account id in id order gets key
0, 1, 2, ...; accounts that appear later get the next keys. Keys are stable
within one open store, as the protocol asks, and nothing extra is stored.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self

import numpy as np
import orjson
from neo4j import READ_ACCESS, WRITE_ACCESS, Driver, GraphDatabase, ManagedTransaction, Session
from neo4j import graph as neo4j_graph
from neo4j import spatial as neo4j_spatial
from neo4j import time as neo4j_time
from neo4j.exceptions import (
    ClientError,
    Neo4jError,
)
from tagjack.cypher import statement, statements
from tagjack.graph.errors import StoreUnavailable, TagjackError, WriteFailed
from tagjack.graph.model import AccountEdge, EdgeKind, Place, Post, PostKind, normalize_tag
from tagjack.graph.store.base import (
    KIND_CODES,
    NEO4J_SCHEMA_VERSION,
    AccountTable,
    ActionTable,
    Batch,
    BatchCounts,
    CityRow,
    CommunityRow,
    CoordinatedTable,
    EdgeTable,
    GeoEvidence,
    HashtagUse,
    PostTable,
    Results,
    Status,
    coordinated_table,
    iter_chunks,
)
from tagjack.graph.store.neo4j_batch import (
    BatchPlan,
    PostState,
    doomed_pairs,
    given_edge_row,
    interaction_rows,
    post_row,
    reference_rows,
    row_hash,
    stub_plan,
)
from tagjack.graph.store.neo4j_connect import Credentials, connect, first_line, public_uri, translated
from tagjack.graph.store.queries import QUERIES, Rows, iso_utc

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 5_000  # rows per statement
WRITE_ACCESS_REFUSED = "Neo.ClientError.Statement.AccessMode"
FORBIDDEN = "Neo.ClientError.Security.Forbidden"
CONSTRAINT_FAILED = "Neo.ClientError.Schema.ConstraintValidationFailed"
CREATE_RACES = 3  # attempts at a batch whose new post a concurrent load created first

SCHEMA_VERSION = NEO4J_SCHEMA_VERSION
EDGE_TYPES: dict[EdgeKind, str] = {EdgeKind.RETWEET: "retweeted", EdgeKind.QUOTE: "quoted",
                                   EdgeKind.REPLY: "replied_to", EdgeKind.MENTION: "mentioned"}
EDGE_STATEMENTS = {kind: f"load/{name}" for kind, name in EDGE_TYPES.items()}
GIVEN_EDGE_STATEMENTS = {kind: f"load/given_{name}" for kind, name in EDGE_TYPES.items()}
READ_EDGE_STATEMENTS = {kind: f"read/{name}" for kind, name in EDGE_TYPES.items()}
READ_TAGGED_EDGE_STATEMENTS = {kind: f"read/tagged_{name}" for kind, name in EDGE_TYPES.items()}
KIND_BY_NAME: dict[str, int] = {k.value: code for k, code in KIND_CODES.items()}
CLEAR_ALL = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS"
REFERENCE_TYPES: dict[PostKind, str] = {PostKind.RETWEET: "RETWEETS", PostKind.REPLY: "REPLIES_TO"}

# Display labels for the Browser (see display_labels and cypher/browser/style.grass).
COMMUNITY_LABELS = tuple(f"C{i}" for i in range(12))
ROLE_LABELS = {"campaign": "Campaign", "hijacker": "Hijacker"}
TOP_AMPLIFIERS, AMPLIFIERS = 10, 100
ALL_DISPLAY_LABELS = (*COMMUNITY_LABELS, *ROLE_LABELS.values(), "TopAmplifier", "Amplifier")

# The $parameters the store passes to each statement it runs. `_run` refuses any
# other set, and tests/cypher/test_lint.py lints every file against this registry,
# so a $param in a file is always one the Python code passes.
ROWS = frozenset({"rows"})
NO_PARAMS: frozenset[str] = frozenset()
STORE_STATEMENT_PARAMS: dict[str, frozenset[str]] = {
    "schema": NO_PARAMS,
    **{f"load/{n}": ROWS for n in (
        "accounts", "posts", "new_posts", "retweets", "quotes", "replies_to",
        *EDGE_TYPES.values(), *(f"given_{n}" for n in EDGE_TYPES.values()))},
    "load/schema_version": frozenset({"version"}),
    **{f"load/{n}": frozenset({"ids"}) for n in (
        "post_states", "stubs", "tombstones", "tombstoned", "doomed_posts", "remove_posts",
        "drop_stubs", "inherited_tags")},
    **{f"load/recount_{n}": ROWS for n in EDGE_TYPES.values()},
    "load/stub_authors": ROWS,
    "load/hashtags": frozenset({"tags"}),
    **{f"read/{n}": NO_PARAMS for n in (
        "status", "schema_version", "account_ids", "accounts", *EDGE_TYPES.values(), "posts",
        "hashtags", "location_texts", "places", "coordinates", "run", "results", "communities",
        "cities", "hashtag_counts", "platforms")},
    "read/posts_of_tags": frozenset({"tags"}),
    "read/platform_hashtags": frozenset({"platform"}),
    "read/platform_hashtag_counts": frozenset({"platform"}),
    "read/platform_cooccurring": frozenset({"tag", "platform"}),
    **{f"read/{n}": frozenset({"tag"}) for n in (
        *(f"tagged_{n}" for n in EDGE_TYPES.values()), "tagged_posts", "cooccurring")},
    **{f"writeback/{n}": frozenset({"batch_size"}) for n in (
        "clear_in_community", "clear_communities", "clear_located_in", "clear_cities")},
    "writeback/clear_accounts": frozenset({"batch_size", "labels"}),
    "writeback/clear_run": NO_PARAMS,
    "writeback/accounts": ROWS,
    "writeback/cities": ROWS,
    "writeback/located_in": ROWS,
    "writeback/communities": frozenset({"rows", "run"}),
    "writeback/in_community": frozenset({"rows", "run"}),
    "writeback/run": frozenset({"run", "meta"}),
    "read/actions": frozenset({"type"}),
    "read/tagged_actions": frozenset({"type", "tag"}),
    "read/coordinated_with": NO_PARAMS,
    "writeback/clear_coordinated_with": frozenset({"kind"}),
    "writeback/coordinated_with": frozenset({"rows", "kind"}),
    "gds/project": frozenset({"graph_name", "retweet_weight", "quote_weight", "reply_weight",
                              "mention_weight"}),
    "gds/account_ids": frozenset({"node_ids"}),
}


# Statements tagjack prints for a person to run, with the $params they set themselves.
SHOWN_STATEMENT_PARAMS = {"browser/platform": frozenset({"platform"})}  # tagjack browser --platform


def _statement_params() -> dict[str, frozenset[str]]:
    return {**STORE_STATEMENT_PARAMS, **SHOWN_STATEMENT_PARAMS,
            **{f"queries/{q.name}": frozenset(q.params) | {"platform"} for q in QUERIES.values()}}


STATEMENT_PARAMS: dict[str, frozenset[str]] = _statement_params()


class Neo4jStore:
    """Store protocol over a Neo4j 5 database (``from_env`` for the CLI)."""

    def __init__(self, uri: str, credentials: Credentials, *,
                 batch_size: int = DEFAULT_BATCH_SIZE, driver: Driver | None = None,
                 any_version: bool = False) -> None:
        """Connect (or use ``driver``, e.g. a test's fake) and apply the schema.

        A database of another graph model version is refused unless ``any_version``
        (``tagjack cypher`` takes it, to let a user empty such a database).
        """
        self.uri = public_uri(uri)
        self.database = credentials.database
        self.name = f"neo4j:{self.uri}" + (f"/{self.database}" if self.database else "")
        self.batch_size = batch_size
        self._keys = _Keys()
        self._written: dict[str, int] = {}  # account id -> hash of the row this store last wrote
        self.driver = driver or connect(uri, credentials, shown=self.uri)
        # one causal chain per store: on a cluster (neo4j://, Aura) a read routed to another
        # member than the write before it still sees that write
        self._bookmarks = GraphDatabase.bookmark_manager()
        try:
            self._apply_schema()
            if not any_version:
                self._check_version()
        except BaseException:
            self.driver.close()
            raise

    @classmethod
    def from_env(cls, uri: str, *, batch_size: int = DEFAULT_BATCH_SIZE,
                 any_version: bool = False) -> Self:
        """Connect to ``uri`` as NEO4J_USERNAME (default neo4j) with NEO4J_PASSWORD."""
        creds = Credentials(user=os.environ.get("NEO4J_USERNAME") or "neo4j",
                            password=os.environ.get("NEO4J_PASSWORD", ""),
                            database=os.environ.get("NEO4J_DATABASE") or None)
        return cls(uri, creds, batch_size=batch_size, any_version=any_version)

    def session(self, *, access_mode: str = WRITE_ACCESS) -> Session:
        return self.driver.session(database=self.database, default_access_mode=access_mode,
                                   bookmark_manager=self._bookmarks)

    def _apply_schema(self) -> None:
        """Constraints and indexes, each in its own transaction (schema commands can't share).

        A user without schema rights (a read-only analyst account) can still read:
        that is logged, not fatal.
        """
        with self.session() as session, translated(self.uri):
            for text in statements("schema"):
                try:
                    session.run(text).consume()
                except ClientError as exc:
                    if (exc.code or "").startswith(FORBIDDEN):
                        log.warning("no right to create tagjack's schema on %s; reading only",
                                    self.name)
                        return
                    raise StoreUnavailable(f"Neo4j at {self.uri} cannot hold tagjack's schema: "
                                           f"{first_line(exc.message or str(exc))}") from exc

    def _check_version(self) -> None:
        """Refuse a database an older (or newer) tagjack made: never misread it."""
        (version, data), = self._read("read/schema_version")
        if version == SCHEMA_VERSION or (version is None and not data):
            return
        if version is None:
            raise StoreUnavailable(
                f"Neo4j at {self.uri} holds data of an older tagjack (quotes counted as "
                f"retweets); empty it with: tagjack cypher --write --neo4j {self.uri} "
                f"'{CLEAR_ALL}', then load the files again")
        raise StoreUnavailable(f"Neo4j at {self.uri} holds tagjack graph model version "
                               f"{version}; this tagjack reads version {SCHEMA_VERSION}")

    # -- writing ---------------------------------------------------------

    def write_batch(self, batch: Batch) -> BatchCounts:
        plan = BatchPlan.of(batch, written=self._written)
        try:
            for attempt in range(1, CREATE_RACES + 1):
                try:
                    with self.session() as session, translated(self.uri):
                        counts = session.execute_write(self._write_batch, plan)
                    break
                except ClientError as exc:  # the next attempt finds that post stored
                    if exc.code != CONSTRAINT_FAILED or attempt == CREATE_RACES:
                        raise
        except Neo4jError as exc:  # not transient (a constraint, a right), or retried in vain
            raise WriteFailed(f"Neo4j refused it: {exc.code}: "
                              f"{first_line(exc.message or str(exc))}") from exc
        # learnt only once committed: a rolled-back attempt must write its rows again
        self._written.update((row["id"], row_hash(row)) for row in plan.accounts)
        return counts

    def _write_batch(self, tx: ManagedTransaction, plan: BatchPlan) -> BatchCounts:
        """One attempt at a batch; the driver may call it again after a rollback.

        Nodes before relationships: accounts, hashtags, posts and stubs are written first, so
        the link statements only MATCH and CREATE (no MERGE of a node read in the same
        statement, hence no Eager barrier).
        """
        counts = BatchCounts()
        self._run(tx, "load/schema_version", version=SCHEMA_VERSION).consume()
        self._run_ids(tx, "load/tombstones", plan.deletions)
        counts.accounts = self._upsert_accounts(tx, plan.accounts)
        deleted = self._tombstoned(tx, plan.posts)
        posts = [p for p in plan.posts if p.id not in deleted]
        states = self._post_states(tx, [*(p.id for p in posts), *plan.referenced_posts])
        new = self._upsert_posts(tx, posts, states)
        counts.posts = len(new)
        self._upsert_stubs(tx, new, states)
        self._link_references(tx, new)
        counts.edges = self._add_interactions(tx, new)
        counts.edges += self._upsert_given_edges(tx, plan.edges)
        self._run_ids(tx, "load/inherited_tags", [p.id for p in new if p.id.startswith("at://")])
        counts.deleted = self._remove_posts(tx, plan.deletions)
        return counts

    def _tombstoned(self, tx: ManagedTransaction, posts: list[Post]) -> set[str]:
        """The ids of ``posts`` deleted before (only Bluesky posts can be)."""
        found: set[str] = set()
        for chunk in iter_chunks([p.id for p in posts if p.id.startswith("at://")], self.batch_size):
            found.update(r[0] for r in self._run(tx, "load/tombstoned", ids=chunk))
        return found

    def _remove_posts(self, tx: ManagedTransaction, ids: list[str]) -> int:
        """Remove the stored posts of ``ids``; the edges they counted in are counted again."""
        doomed = [record.data() for chunk in iter_chunks(ids, self.batch_size)
                  for record in self._run(tx, "load/doomed_posts", ids=chunk)]
        if not doomed:
            return 0
        self._run_ids(tx, "load/remove_posts", [d["id"] for d in doomed])
        self._run_ids(tx, "load/drop_stubs", sorted({r for d in doomed for r in d["ref_ids"]}))
        for kind, rows in doomed_pairs(doomed).items():
            self._run_chunked(tx, f"load/recount_{EDGE_TYPES[kind]}", rows)
        return len(doomed)

    def _run_ids(self, tx: ManagedTransaction, name: str, ids: list[str]) -> None:
        for chunk in iter_chunks(ids, self.batch_size):
            self._run(tx, name, ids=chunk).consume()

    def _upsert_accounts(self, tx: ManagedTransaction, rows: list[dict]) -> int:
        return sum(self._run(tx, "load/accounts", rows=chunk).consume().counters.nodes_created
                   for chunk in iter_chunks(rows, self.batch_size))

    def _post_states(self, tx: ManagedTransaction, ids: list[str]) -> dict[str, PostState]:
        """Of ``ids``, those that are Post nodes: stored or a stub, with an author or not."""
        states: dict[str, PostState] = {}
        for chunk in iter_chunks(list(dict.fromkeys(ids)), self.batch_size):
            states.update((pid, PostState(stored, authored))
                          for pid, stored, authored in self._run(tx, "load/post_states", ids=chunk))
        return states

    def _upsert_posts(self, tx: ManagedTransaction, posts: list[Post],
                      states: Mapping[str, PostState]) -> list[Post]:
        """Store the posts not stored yet; returns them.

        Posts no node has yet are CREATEd with their links (``load/new_posts``, no MERGE);
        only stubs, known as some post's target, go through ``load/posts``' MERGE.
        """
        absent = [p for p in posts if p.id not in states]
        stubs = [p for p in posts if p.id in states and not states[p.id].stored]
        tags = sorted({tag for p in absent for tag in p.hashtags})
        for chunk in iter_chunks(tags, self.batch_size):
            self._run(tx, "load/hashtags", tags=chunk).consume()
        self._run_chunked(tx, "load/new_posts", [post_row(p) for p in absent])
        new = {p.id for p in absent}
        for chunk in iter_chunks(stubs, self.batch_size):
            result = self._run(tx, "load/posts", rows=[post_row(p) for p in chunk])
            new.update(record[0] for record in result)
        return [p for p in posts if p.id in new]

    def _upsert_stubs(self, tx: ManagedTransaction, new: list[Post],
                      states: Mapping[str, PostState]) -> None:
        """The posts ``new`` refers to and no node is yet, as stubs, and the stubs' authors."""
        created = {p.id for p in new}
        missing, authors = stub_plan(new, states, created)
        for chunk in iter_chunks(missing, self.batch_size):
            self._run(tx, "load/stubs", ids=chunk).consume()
        self._run_chunked(tx, "load/stub_authors", authors)

    def _link_references(self, tx: ManagedTransaction, new: list[Post]) -> None:
        for name, rows in reference_rows(new).items():
            self._run_chunked(tx, name, rows)

    def _add_interactions(self, tx: ManagedTransaction, new: list[Post]) -> int:
        added = 0
        for kind, rows in interaction_rows(new).items():
            self._run_chunked(tx, EDGE_STATEMENTS[kind], rows)
            added += sum(r["count"] for r in rows)
        return added

    def _upsert_given_edges(self, tx: ManagedTransaction, edges: list[AccountEdge]) -> int:
        changed = 0
        for kind, name in GIVEN_EDGE_STATEMENTS.items():
            rows = [given_edge_row(e) for e in edges if e.kind is kind]
            for chunk in iter_chunks(rows, self.batch_size):
                changed += self._run(tx, name, rows=chunk).single(strict=True)[0]
        return changed

    def _run_chunked(self, tx: ManagedTransaction, name: str, rows: list[dict]) -> None:
        for chunk in iter_chunks(rows, self.batch_size):
            self._run(tx, name, rows=chunk).consume()

    def _run(self, tx: ManagedTransaction | Session, name: str, **params: Any):
        """Run statement ``name`` with exactly the parameters the registry lists for it."""
        self.check_params(name, params)
        return tx.run(statement(name), params)

    @staticmethod
    def check_params(name: str, params: Mapping[str, Any]) -> None:
        expected = STATEMENT_PARAMS[name]
        if set(params) != expected:
            raise ValueError(f"{name} takes ${', $'.join(sorted(expected))}; got {sorted(params)}")

    # -- reading ---------------------------------------------------------

    def _read(self, name: str, **params: Any) -> list[list[Any]]:
        """All rows of a read statement, in one read transaction (retried if transient)."""
        def work(tx: ManagedTransaction) -> list[list[Any]]:
            return [list(r.values()) for r in self._run(tx, name, **params)]

        with self.session(access_mode=READ_ACCESS) as session, translated(self.uri):
            return session.execute_read(work)

    def status(self) -> Status:
        (posts, accounts, hashtags, cities, retweets, quotes, replies, mentions,
         communities), = self._read("read/status")
        platforms = {platform: {"posts": n_posts, "accounts": n_accounts}
                     for platform, n_accounts, n_posts in self._read("read/platforms")}
        return Status(store=self.name, posts=posts, accounts=accounts, hashtags=hashtags,
                      cities=cities, retweet_edges=retweets, quote_edges=quotes,
                      reply_edges=replies, mention_edges=mentions, communities=communities,
                      platforms=platforms)

    def _ensure_keys(self) -> None:
        if not self._keys:
            self._keys.extend(r[0] for r in self._read("read/account_ids"))

    def keys_of(self, ids: Iterable[str]) -> np.ndarray:
        """Account keys of account ids (numbering new ones)."""
        self._ensure_keys()
        return self._keys.keys_of(ids)

    def ids_of(self, keys: Iterable[int]) -> list[str]:
        """Account ids of account keys handed out by this store."""
        return self._keys.ids_of(keys)

    def accounts(self) -> AccountTable:
        rows = self._read("read/accounts")
        keys = self.keys_of(r[0] for r in rows)
        order = np.argsort(keys, kind="stable")
        rows = [rows[i] for i in order.tolist()]
        return AccountTable(
            keys=keys[order],
            ids=[r[0] for r in rows],
            handles=[r[1] for r in rows],
            names=[r[2] for r in rows],
            followers=np.fromiter((r[3] for r in rows), dtype=np.int64, count=len(rows)),
            location_texts=[r[4] for r in rows],
        )

    def edges(self, kind: EdgeKind, *, hashtag: str | None = None) -> EdgeTable:
        if hashtag is None:
            rows = self._read(READ_EDGE_STATEMENTS[kind])
        else:
            rows = self._read(READ_TAGGED_EDGE_STATEMENTS[kind], tag=normalize_tag(hashtag))
        return EdgeTable(
            source=self.keys_of(r[0] for r in rows),
            target=self.keys_of(r[1] for r in rows),
            weight=_ints(r[2] for r in rows),
            first_at=_ints(r[3] for r in rows),
            last_at=_ints(r[4] for r in rows),
        )

    def posts(self, *, hashtag: str | None = None) -> PostTable:
        if hashtag is None:
            rows = self._read("read/posts")
        else:
            rows = self._read("read/tagged_posts", tag=normalize_tag(hashtag))
        self._ensure_keys()
        keys = self._keys
        return PostTable(
            author=keys.keys_of(r[0] for r in rows),
            created_at=_ints(r[1] for r in rows),
            kind=np.fromiter((KIND_BY_NAME[r[2]] for r in rows), dtype=np.int8, count=len(rows)),
            ref_author=_optional_keys(keys, (r[3] for r in rows), len(rows)),
            reply_author=_optional_keys(keys, (r[4] for r in rows), len(rows)),
        )

    def posts_of_tags(self, tags: Sequence[str]) -> dict[str, PostTable]:
        wanted = list(dict.fromkeys(normalize_tag(t) for t in tags))
        rows = self._read("read/posts_of_tags", tags=wanted) if wanted else []
        self._ensure_keys()
        keys = self._keys
        at = {t: i for i, t in enumerate(wanted)}
        which = np.fromiter((at[r[0]] for r in rows), dtype=np.int64, count=len(rows))
        author = keys.keys_of(r[1] for r in rows)
        created = _ints(r[2] for r in rows)
        kind = np.fromiter((KIND_BY_NAME[r[3]] for r in rows), dtype=np.int8, count=len(rows))
        ref = _optional_keys(keys, (r[4] for r in rows), len(rows))
        reply = _optional_keys(keys, (r[5] for r in rows), len(rows))
        order = np.argsort(which, kind="stable")  # each tag's rows stay oldest first
        bounds = np.searchsorted(which[order], np.arange(len(wanted) + 1))
        tables = {}
        for i, t in enumerate(wanted):
            part = order[bounds[i]:bounds[i + 1]]
            tables[t] = PostTable(author=author[part], created_at=created[part], kind=kind[part],
                                  ref_author=ref[part], reply_author=reply[part])
        return {t: tables[normalize_tag(t)] for t in tags}

    def actions(self, kind: PostKind, *, hashtag: str | None = None) -> ActionTable:
        params = {"type": REFERENCE_TYPES[kind]}
        if hashtag is None:
            rows = self._read("read/actions", **params)
        else:
            rows = self._read("read/tagged_actions", tag=normalize_tag(hashtag), **params)
        numbered: dict[str, int] = {}
        target = np.fromiter((numbered.setdefault(r[1], len(numbered)) for r in rows),
                             dtype=np.int64, count=len(rows))
        return ActionTable(
            account=self.keys_of(r[0] for r in rows),
            target=target,
            id_number=np.fromiter((_id_number(r[2]) for r in rows), dtype=np.int64, count=len(rows)),
            created_at=_ints(r[3] for r in rows),
            targets=list(numbered),
        )

    def hashtags(self, *, platform: str | None = None) -> list[HashtagUse]:
        rows = self._read("read/platform_hashtags", platform=platform) if platform \
            else self._read("read/hashtags")
        return [HashtagUse(*r) for r in rows]

    def hashtag_counts(self, *, platform: str | None = None) -> dict[str, int]:
        if platform:
            return dict(self._read("read/platform_hashtag_counts", platform=platform))
        return dict(self._read("read/hashtag_counts"))

    def cooccurring(self, hashtag: str, *, platform: str | None = None) -> dict[str, int]:
        if platform:
            return dict(self._read("read/platform_cooccurring", tag=normalize_tag(hashtag),
                                   platform=platform))
        return dict(self._read("read/cooccurring", tag=normalize_tag(hashtag)))

    def geo_evidence(self) -> GeoEvidence:
        self._ensure_keys()
        key = self._keys.key
        texts = {key(i): text for i, text in self._read("read/location_texts")}
        places: dict[int, list[Place]] = defaultdict(list)
        for author, pid, name, cc, lat, lon in self._read("read/places"):
            places[key(author)].append(Place(pid, name, cc, lat, lon))
        coords: dict[int, list[tuple[float, float]]] = defaultdict(list)
        for author, lat, lon in self._read("read/coordinates"):
            coords[key(author)].append((lat, lon))
        return GeoEvidence(texts, dict(places), dict(coords))

    # -- results ---------------------------------------------------------

    def write_results(self, results: Results) -> None:
        """Replace the last results, in batches; the :Run node is written last.

        A write-back cut short leaves no :Run, so ``results()`` says None rather
        than hand back a mix of two runs.
        """
        ids = self.ids_of(results.keys.tolist())
        city_names = {c.id: c.name for c in results.cities}
        self._write("writeback/clear_run", [])
        self._autocommit("writeback/clear_accounts", batch_size=self.batch_size,
                         labels=list(ALL_DISPLAY_LABELS))
        for name in ("clear_in_community", "clear_communities", "clear_located_in", "clear_cities"):
            self._autocommit(f"writeback/{name}", batch_size=self.batch_size)
        community = _nullable(results.community)
        self._write("writeback/accounts", [
            {"id": i, "community": c, "pagerank": pr, "amplifier_score": s, "role": role,
             "city": city_names.get(city) if city else None, "labels": labels}
            for i, c, pr, s, role, city, labels in zip(
                ids, community, results.pagerank.tolist(), results.amplifier_score.tolist(),
                results.role, results.city_id, display_labels(results), strict=True)])
        self._write("writeback/communities", [
            {"id": c.id, "size": c.size, "role": c.role, "label": c.label}
            for c in results.communities], run=results.run)
        self._write("writeback/in_community", [
            {"id": i, "community": c} for i, c in zip(ids, community, strict=True)
            if c is not None], run=results.run)
        self._write("writeback/cities", [
            {"id": c.id, "name": c.name, "country": c.country, "lat": c.lat, "lon": c.lon}
            for c in results.cities])
        self._write("writeback/located_in", [
            {"id": i, "city_id": city, "source": source or ""}
            for i, city, source in zip(ids, results.city_id, results.city_source, strict=True)
            if city])
        meta = orjson.dumps(results.meta, option=orjson.OPT_SERIALIZE_NUMPY).decode()
        self._write("writeback/run", [], run=results.run, meta=meta)

    def _write(self, name: str, rows: Sequence[dict], **params: Any) -> None:
        """``rows`` in transactions of batch_size rows (one, without rows, for a plain statement)."""
        with self.session() as session, translated(self.uri):
            if "rows" not in STATEMENT_PARAMS[name]:
                session.execute_write(lambda tx: self._run(tx, name, **params).consume())
                return
            for chunk in iter_chunks(rows, self.batch_size):
                session.execute_write(
                    lambda tx, c=chunk: self._run(tx, name, rows=c, **params).consume())

    def _autocommit(self, name: str, **params: Any) -> None:
        """A ``CALL {...} IN TRANSACTIONS`` statement: it needs an auto-commit transaction,
        which the driver does not retry, so it is retried here (each is idempotent)."""
        with self.session() as session, translated(self.uri):
            for attempt in range(3):
                try:
                    self._run(session, name, **params).consume()
                    return
                except Neo4jError as exc:
                    if not exc.is_retryable() or attempt == 2:
                        raise
                    time.sleep(0.5 * (attempt + 1))

    def results(self) -> Results | None:
        run_rows = self._read("read/run")
        if not run_rows:
            return None
        run, meta_text = run_rows[0]
        rows = self._read("read/results")
        keys = self.keys_of(r[0] for r in rows)
        order = np.argsort(keys, kind="stable").tolist()
        rows = [rows[i] for i in order]
        return Results(
            run=run,
            keys=keys[order],
            community=np.array([-1 if r[1] is None else r[1] for r in rows], dtype=np.int64),
            pagerank=np.array([r[2] or 0.0 for r in rows], dtype=np.float64),
            amplifier_score=np.array([r[3] or 0.0 for r in rows], dtype=np.float64),
            role=[r[4] or "other" for r in rows],
            city_id=[r[5] for r in rows],
            city_source=[r[6] for r in rows],
            communities=[CommunityRow(*r) for r in self._read("read/communities")],
            cities=[CityRow(*r) for r in self._read("read/cities")],
            meta=orjson.loads(meta_text),
        )

    def write_coordinated(self, kind: str, table: CoordinatedTable) -> None:
        sources, targets = self.ids_of(table.source.tolist()), self.ids_of(table.target.tolist())
        self._write("writeback/clear_coordinated_with", [], kind=kind)
        self._write("writeback/coordinated_with", [
            {"source": s, "target": t, "weight": w, "window_s": ws, "group": g, "posts": n,
             "p_value": p}
            for s, t, w, ws, g, n, p in zip(sources, targets, table.weight.tolist(),
                                             table.window_s.tolist(), table.group.tolist(),
                                             table.posts.tolist(), table.p_value.tolist(),
                                             strict=True)], kind=kind)

    def coordinated(self) -> CoordinatedTable:
        rows = self._read("read/coordinated_with")
        self._ensure_keys()
        key = self._keys.key
        return coordinated_table([(r[0], key(r[1]), key(r[2]), *r[3:]) for r in rows])

    # -- queries ---------------------------------------------------------

    def named_query(self, name: str, params: Mapping[str, Any]) -> Rows:
        """Run ``cypher/queries/<name>.cypher`` (read-only) with bound parameters."""
        def work(tx: ManagedTransaction) -> Rows:
            result = self._run(tx, f"queries/{name}", **params)
            return Rows(list(result.keys()), [[plain(v) for v in r.values()] for r in result])

        with self.session(access_mode=READ_ACCESS) as session, translated(self.uri):
            return session.execute_read(work)

    def user_query(self, text: str, params: Mapping[str, Any], *, write: bool = False) -> Rows:
        """Run a user's Cypher, in READ access mode unless ``write``.

        The server, not tagjack, refuses writes in READ mode: ReadOnlyQuery says so.
        Auto-commit, so ``CALL {...} IN TRANSACTIONS`` works; not retried.
        """
        mode = WRITE_ACCESS if write else READ_ACCESS
        with self.session(access_mode=mode) as session, translated(self.uri):
            try:
                result = session.run(text, params)  # type: ignore[arg-type]  # user input, bound params
                columns = list(result.keys())
                rows = [[plain(v) for v in r.values()] for r in result]
            except ClientError as exc:
                if exc.code == WRITE_ACCESS_REFUSED:
                    raise ReadOnlyQuery("Neo4j refused to write: queries run read-only "
                                        "unless --write is given") from exc
                raise QueryFailed(first_line(exc.message or str(exc))) from exc
            return Rows(columns, rows)

    # -- GDS: the narrow interface the gds engine (graph/analytics/gds.py) uses ----

    def gds(self):
        """A ``graphdatascience`` client on this store's driver and database (Bolt only).

        Closing the client leaves the store's driver open.
        """
        from graphdatascience import GraphDataScience

        with translated(self.uri):
            return GraphDataScience(self.driver, database=self.database, arrow=False,
                                    show_progress=False)

    def account_ids_of_nodes(self, node_ids: list[int]) -> list[str]:
        """Account ids of GDS node ids, in the same order."""
        found = dict(self._read("gds/account_ids", node_ids=node_ids))
        return [found[n] for n in node_ids]

    # -- lifecycle -------------------------------------------------------

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def display_labels(results: Results) -> list[list[str]]:
    """Per account, the labels cypher/browser/style.grass styles by.

    The Browser styles nodes by label only: ``C0``..``C11`` colour the twelve
    largest communities (ids go by size), ``Campaign`` / ``Hijacker`` draw a
    border by role, ``TopAmplifier`` / ``Amplifier`` size the highest scores.
    """
    order = np.argsort(-results.amplifier_score, kind="stable")
    tier = np.full(len(order), "", dtype=object)
    scored = order[results.amplifier_score[order] > 0]
    tier[scored[:TOP_AMPLIFIERS]] = "TopAmplifier"
    tier[scored[TOP_AMPLIFIERS:AMPLIFIERS]] = "Amplifier"
    out = []
    for c, role, t in zip(results.community.tolist(), results.role, tier.tolist(), strict=True):
        labels = [COMMUNITY_LABELS[c]] if 0 <= c < len(COMMUNITY_LABELS) else []
        labels += [ROLE_LABELS[role]] if role in ROLE_LABELS else []
        labels += [t] if t else []
        out.append(labels)
    return out


class ReadOnlyQuery(TagjackError):
    """A query that writes, run in READ access mode."""


class QueryFailed(TagjackError):
    """The server rejected a user's query (syntax, types, unknown procedure...)."""


# -- rows -> columns ---------------------------------------------------------------


class _Keys:
    """Dense account keys for account ids, in order of first sight."""

    def __init__(self) -> None:
        self._key: dict[str, int] = {}
        self._ids: list[str] = []

    def __len__(self) -> int:
        return len(self._ids)

    def key(self, account_id: str) -> int:
        found = self._key.get(account_id)
        if found is None:
            found = self._key[account_id] = len(self._ids)
            self._ids.append(account_id)
        return found

    def extend(self, ids: Iterable[str]) -> None:
        for i in ids:
            self.key(i)

    def keys_of(self, ids: Iterable[str]) -> np.ndarray:
        return np.fromiter(map(self.key, ids), dtype=np.int64)

    def ids_of(self, keys: Iterable[int]) -> list[str]:
        ids = self._ids
        return [ids[k] for k in keys]


def _optional_keys(keys: _Keys, ids: Iterable[str | None], count: int) -> np.ndarray:
    """Account keys of ids, -1 for None."""
    return np.fromiter((keys.key(i) if i is not None else -1 for i in ids), dtype=np.int64,
                       count=count)


def _ints(values: Iterable[int]) -> np.ndarray:
    return np.fromiter(values, dtype=np.int64)


def _id_number(post_id: str) -> int:
    """The id as a 64-bit integer if it is one as written (tweet ids are), else -1."""
    if post_id.isascii() and post_id.lstrip("-").isdigit() and str(int(post_id)) == post_id \
            and -(1 << 63) <= int(post_id) < 1 << 63:
        return int(post_id)
    return -1


def _nullable(values: np.ndarray) -> list[int | None]:
    return [None if v < 0 else v for v in values.tolist()]


def plain(value: Any) -> Any:
    """A driver value as plain, JSON-able Python: times ISO-8601, nodes as property maps."""
    if isinstance(value, neo4j_time.DateTime):
        return iso_utc(value.to_native())
    if isinstance(value, neo4j_time.Date | neo4j_time.Time | neo4j_time.Duration):
        return str(value.iso_format())
    if isinstance(value, neo4j_graph.Node):
        return {"labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j_graph.Relationship):
        start, end = value.start_node, value.end_node
        return {"type": value.type, "start": start.get("id") if start is not None else None,
                "end": end.get("id") if end is not None else None,
                **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j_graph.Path):
        return [plain(n) for n in value.nodes]
    if isinstance(value, neo4j_spatial.Point):
        return list(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value



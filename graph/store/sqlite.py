"""The embedded default store: one SQLite file, WAL, one transaction per batch."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections import defaultdict
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from importlib.resources import files
from pathlib import Path
from types import TracebackType
from typing import Self

import numpy as np
import orjson
from tagjack.graph.errors import StoreUnavailable, WriteFailed
from tagjack.graph.model import EdgeKind, Place, PostKind, normalize_tag
from tagjack.graph.store.base import (
    KIND_CODES,
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
from tagjack.graph.store.sqlite_batch import add_interactions, clear, inherit_tags, merge, stage

log = logging.getLogger(__name__)

COORDINATED_WITH = """CREATE TABLE IF NOT EXISTS coordinated_with (
    kind TEXT NOT NULL, source INTEGER NOT NULL, target INTEGER NOT NULL, weight INTEGER NOT NULL,
    window_s REAL NOT NULL, grp INTEGER NOT NULL, posts INTEGER NOT NULL, p_value REAL NOT NULL,
    PRIMARY KEY (kind, source, target)) WITHOUT ROWID"""  # as in sqlite_schema.sql
REPOSTED = ("CREATE INDEX IF NOT EXISTS posts_reposted ON posts (ref_id) "
            f"WHERE kind = {KIND_CODES[PostKind.RETWEET]} AND ref_id LIKE 'at://%'")
DELETED = "CREATE TABLE IF NOT EXISTS deleted (id TEXT PRIMARY KEY) WITHOUT ROWID"
# 1: quotes counted as retweets, self-interactions dropped, replies in ref_id/ref_author;
# 2: four kinds of edge apart, self-interactions kept, replies in reply_to/reply_author;
# 3: coordinated_with (`tagjack coordination`);
# 4: posts_reposted (Bluesky reposts take their originals' tags in the store), deleted
SCHEMA_VERSION = 4
# a store of an older version is upgraded in place on open (see _upgrade)
UPGRADES = {1: (
    "ALTER TABLE posts ADD COLUMN reply_to TEXT",
    "ALTER TABLE posts ADD COLUMN reply_author INTEGER REFERENCES accounts (key)",
    f"UPDATE posts SET reply_to = ref_id, reply_author = ref_author, ref_id = NULL, "
    f"ref_author = NULL WHERE kind = {KIND_CODES[PostKind.REPLY]}",
    "DELETE FROM edges",  # made again from the posts, by kind
), 2: (COORDINATED_WITH,), 3: (REPOSTED, DELETED)}
# the posts of one tag, as INTERACTIONS in sqlite_batch has them for all posts
TAGGED = "FROM post_tags t JOIN posts p ON p.pk = t.post WHERE t.tag = :tag"
TAGGED_INTERACTIONS: dict[EdgeKind, str] = {
    EdgeKind.RETWEET: f"""SELECT p.author AS source, p.ref_author AS target, p.created_at {TAGGED}
        AND p.kind = {KIND_CODES[PostKind.RETWEET]} AND p.ref_author IS NOT NULL""",
    EdgeKind.QUOTE: f"""SELECT p.author AS source, p.ref_author AS target, p.created_at {TAGGED}
        AND p.kind = {KIND_CODES[PostKind.QUOTE]} AND p.ref_author IS NOT NULL""",
    EdgeKind.REPLY: f"""SELECT p.author AS source, p.reply_author AS target, p.created_at {TAGGED}
        AND p.reply_author IS NOT NULL""",
    EdgeKind.MENTION: """SELECT p.author AS source, m.account AS target, p.created_at
        FROM post_tags t JOIN posts p ON p.pk = t.post JOIN post_mentions m ON m.post = p.pk
        WHERE t.tag = :tag""",
}
# A commit writes every page its batch touched, and the batches of a load touch the indexes of
# ids all over: with 32 KB pages instead of SQLite's 4 KB, one process loading 1M simulated
# Jetstream events spent 2.9 s of CPU in commits instead of 5.7 (49.7 s in all instead of 57.1)
PAGE_SIZE = 32_768
BUSY_TIMEOUT_MS = 120_000  # a second loader waits for the first one's batch
LOOKUP_CHUNK = 500
# Post and edge reads come as one group_concat'ed text per column, parsed by numpy: no
# Python object per row, two to three times faster than fetching rows. Posts are read in
# POST_RANGE pks per query, so each text stays near 10 MB, far below SQLite's 1 GB limit on
# a string (an edge text reaches that only past about 100M edges).
POST_RANGE = 1 << 20
EDGE_CONCAT = ("count(*), group_concat(source), group_concat(target), group_concat(weight), "
               "group_concat(first_at), group_concat(last_at)")
POST_CONCAT = ("count(*), group_concat(p.pk), group_concat(p.author), group_concat(p.created_at), "
               "group_concat(p.kind), group_concat(coalesce(p.ref_author, -1)), "
               "group_concat(coalesce(p.reply_author, -1))")
# an id that is a 64-bit integer as written (tweet ids are), else -1
ID_NUMBER = ("CASE WHEN CAST(CAST(p.id AS INTEGER) AS TEXT) = p.id THEN CAST(p.id AS INTEGER) "
             "ELSE -1 END")
# per kind of action: the column naming the post acted on, and which posts act (a quote can
# also reply, and then replies)
ACTION_TARGETS: dict[PostKind, tuple[str, str]] = {
    PostKind.RETWEET: ("p.ref_id", f"p.kind = {KIND_CODES[PostKind.RETWEET]} AND p.ref_id IS NOT NULL"),
    PostKind.REPLY: ("p.reply_to", "p.reply_to IS NOT NULL"),
}
# SQLite result codes a user can act on (free space, permissions, another writer), not bugs
CANNOT_WRITE = frozenset({sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR,
                          sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN,
                          sqlite3.SQLITE_PERM, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


# the platform an account id names (model.platform_of), for an accounts row aliased ``a``
PLATFORM_OF_A = ("CASE WHEN a.id LIKE 'did:%' THEN 'bluesky' "
                 "WHEN a.id LIKE 'acct:%' THEN 'mastodon' ELSE 'twitter' END")


def _platform_filter(platform: str | None) -> tuple[str, str, tuple]:
    """(join, condition, params) keeping the posts (``p``) of one platform's authors."""
    if platform is None:
        return "", "1", ()
    return "JOIN accounts a ON a.key = p.author", f"{PLATFORM_OF_A} = ?", (platform,)


class SqliteStore:
    """Store protocol over one SQLite file (``:memory:`` for tests)."""

    def __init__(self, path: Path | str, *, turns: AbstractContextManager | None = None) -> None:
        """``turns``: a lock that writers sharing the file hold while they write (optional)."""
        self.path = str(path)
        self._turns = turns or nullcontext()
        self.name = f"sqlite:{self.path}"
        self._written: dict[str, int] = {}  # account id -> hash of the row this store last wrote
        try:
            self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                      isolation_level=None, check_same_thread=False)
            self._prepare_waiting()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"cannot open {self.path}: {exc}",
                                   hint="check the path, its permissions and free disk space") from exc

    @classmethod
    def in_memory(cls) -> Self:
        return cls(":memory:")

    def _prepare_waiting(self) -> None:
        """``_prepare``, tried again while the file is locked, up to the busy timeout.

        Opening a store other processes are creating or closing can meet SQLite's
        locks in a state where it says "database is locked" at once instead of
        waiting (a journal-mode change, a closing connection's checkpoint).
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._prepare()
                return
            except sqlite3.OperationalError as exc:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _prepare(self) -> None:
        self.db.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # a new file only: before WAL makes it
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if self.path != ":memory:":
            self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA temp_store = MEMORY")
        self.db.execute("PRAGMA cache_size = -131072")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            schema = files("tagjack.graph.store").joinpath("sqlite_schema.sql").read_text()
            self.db.executescript(
                f"BEGIN IMMEDIATE;\n{schema}\nPRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;")
        elif version in UPGRADES:
            self._upgrade()
        elif version != SCHEMA_VERSION:
            raise StoreUnavailable(f"{self.path} has schema version {version}; "
                                   f"this tagjack reads version {SCHEMA_VERSION}",
                                   hint="open it with the tagjack that made it, or load the "
                                        "input files again into a new store")

    def _upgrade(self) -> None:
        """Bring a store of an older schema to this one, in one transaction.

        Version 1 counted quotes as retweets and dropped self-interactions: the aggregated
        edges are made again from the stored posts, each kind apart. Version 1 kept one
        reference per post, so a quote that also replied counts as a quote only; loading
        its files again into a new store gets the reply too. Before version 4 a Bluesky
        repost had its original's tags only when its reader had met the original first:
        every stored repost gets them now.
        """
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            version = start = db.execute("PRAGMA user_version").fetchone()[0]  # another opener may have
            while version in UPGRADES:
                for sql in UPGRADES[version]:
                    db.execute(sql)
                version += 1
            if version == SCHEMA_VERSION:
                if start == 1:  # its edges were deleted above
                    add_interactions(db, 0)
                inherit_tags(db, 0)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        log.info("upgraded %s to schema version %d", self.path, SCHEMA_VERSION)

    # -- writing ---------------------------------------------------------

    def write_batch(self, batch: Batch) -> BatchCounts:
        db = self.db
        written = None
        try:
            written = stage(db, batch, self._written)  # before the lock: see sqlite_batch
            with self._turns:
                db.execute("BEGIN IMMEDIATE")
                counts = merge(db, deletions=bool(batch.deletions))
                db.execute("COMMIT")
            self._written.update(written)
        except BaseException as exc:
            if db.in_transaction:  # a COMMIT that failed (disk full) has rolled back already
                db.execute("ROLLBACK")
            self._written.clear()
            if cannot_write(exc):
                raise WriteFailed(f"cannot write to {self.path}: {exc}") from exc
            raise
        finally:
            if written is not None and not db.in_transaction:  # a failed stage rolled back
                clear(db)
        return counts

    # -- reading ---------------------------------------------------------

    def status(self) -> Status:
        one = self._one
        edges = {kind: one("SELECT count(*) FROM (SELECT source, target FROM edges WHERE kind = ? "
                           "UNION SELECT source, target FROM given_edges WHERE kind = ?)",
                           (kind.value, kind.value)) for kind in EdgeKind}
        return Status(
            store=self.name,
            posts=one("SELECT count(*) FROM posts"),
            accounts=one("SELECT count(*) FROM accounts"),
            hashtags=one("SELECT count(*) FROM (SELECT DISTINCT tag FROM post_tags)"),
            cities=one("SELECT count(DISTINCT city_id) FROM accounts WHERE city_id IS NOT NULL"),
            retweet_edges=edges[EdgeKind.RETWEET],
            quote_edges=edges[EdgeKind.QUOTE],
            reply_edges=edges[EdgeKind.REPLY],
            mention_edges=edges[EdgeKind.MENTION],
            communities=one("SELECT count(*) FROM communities"),
            platforms=self._platforms(),
        )

    def _platforms(self) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        for platform, accounts in self.db.execute(
                f"SELECT {PLATFORM_OF_A}, count(*) FROM accounts a GROUP BY 1"):
            found[platform] = {"posts": 0, "accounts": accounts}
        for platform, posts in self.db.execute(
                f"SELECT {PLATFORM_OF_A}, count(*) FROM posts p JOIN accounts a ON a.key = p.author "
                "GROUP BY 1"):
            found[platform]["posts"] = posts
        return dict(sorted(found.items()))

    def _one(self, sql: str, params: tuple = ()) -> int:
        return self.db.execute(sql, params).fetchone()[0]

    def accounts(self) -> AccountTable:
        rows = self.db.execute(
            "SELECT key, id, handle, name, coalesce(followers, 0), location_text "
            "FROM accounts ORDER BY key").fetchall()
        return AccountTable(
            keys=np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
            ids=[r[1] for r in rows],
            handles=[r[2] for r in rows],
            names=[r[3] for r in rows],
            followers=np.fromiter((r[4] for r in rows), dtype=np.int64, count=len(rows)),
            location_texts=[r[5] for r in rows],
        )

    def edges(self, kind: EdgeKind, *, hashtag: str | None = None) -> EdgeTable:
        """Edges sorted by (source, target)."""
        if hashtag is None and not self._given(kind):
            sql = ("SELECT source, target, count AS weight, first_at, last_at FROM edges "
                   "WHERE kind = ? ORDER BY source, target")
            params: tuple | dict = (kind.value,)
        elif hashtag is None:
            sql = ("SELECT source, target, sum(count) AS weight, min(first_at) AS first_at, "
                   "max(last_at) AS last_at FROM ("
                   "SELECT source, target, count, first_at, last_at FROM edges WHERE kind = ? "
                   "UNION ALL SELECT source, target, count, coalesce(first_at, 0), "
                   "coalesce(last_at, 0) FROM given_edges WHERE kind = ?) "
                   "GROUP BY source, target")
            params = (kind.value, kind.value)
        else:
            sql = ("SELECT source, target, count(*) AS weight, min(created_at) AS first_at, "
                   f"max(created_at) AS last_at FROM ({TAGGED_INTERACTIONS[kind]}) "
                   "GROUP BY source, target")
            params = {"tag": normalize_tag(hashtag)}
        (n, *texts), = self.db.execute(f"SELECT {EDGE_CONCAT} FROM ({sql})", params)
        return EdgeTable(*_by_pair(_int_rows(n, texts)))

    def _given(self, kind: EdgeKind) -> bool:
        return self._one("SELECT EXISTS (SELECT 1 FROM given_edges WHERE kind = ?)", (kind.value,)) == 1

    def posts(self, *, hashtag: str | None = None) -> PostTable:
        """Posts in pk (load) order."""
        if hashtag is not None:
            return self.posts_of_tags([hashtag])[hashtag]
        parts = []
        for low, high in self._pk_ranges():
            (n, *texts), = self.db.execute(
                f"SELECT {POST_CONCAT} FROM posts p WHERE p.pk >= ? AND p.pk < ?", (low, high))
            parts.append(_int_rows(n, texts))
        return _post_table(parts)

    def posts_of_tags(self, tags: Sequence[str]) -> dict[str, PostTable]:
        wanted = list(dict.fromkeys(normalize_tag(t) for t in tags))
        parts: dict[str, list[np.ndarray]] = {t: [] for t in wanted}
        ranges = self._pk_ranges()
        for chunk in iter_chunks(wanted, LOOKUP_CHUNK):
            marks = ",".join("?" * len(chunk))
            for low, high in ranges:
                # the primary key (tag, post) gives each tag's rows in pk order: no sort
                for tag, n, *texts in self.db.execute(
                        f"SELECT t.tag, {POST_CONCAT} FROM post_tags t JOIN posts p ON p.pk = t.post "
                        f"WHERE t.tag IN ({marks}) AND t.post >= ? AND t.post < ? GROUP BY t.tag",
                        (*chunk, low, high)):
                    parts[tag].append(_int_rows(n, texts))
        tables = {t: _post_table(found) for t, found in parts.items()}
        return {t: tables[normalize_tag(t)] for t in tags}

    def _pk_ranges(self) -> list[tuple[int, int]]:
        top = self._one("SELECT coalesce(max(pk), 0) FROM posts")
        return [(low, low + POST_RANGE) for low in range(0, top + 1, POST_RANGE)]

    def actions(self, kind: PostKind, *, hashtag: str | None = None) -> ActionTable:
        """Rows in (target, created_at) order; targets numbered in post id order."""
        target, chosen = ACTION_TARGETS[kind]
        if hashtag is None:
            scope, params = "posts p WHERE", ()
        else:
            scope, params = "post_tags t JOIN posts p ON p.pk = t.post WHERE t.tag = ? AND", (
                normalize_tag(hashtag),)
        # one unsorted scan; the targets are ranked and the rows ordered here, where SQLite
        # would sort the rows twice by their target's id text (a window and the outer order)
        (n, *texts, targets_json), = self.db.execute(
            "SELECT count(*), group_concat(p.pk), group_concat(p.author), "
            f"group_concat({ID_NUMBER}), group_concat(p.created_at), json_group_array({target}) "
            f"FROM {scope} {chosen}", params)
        pk, account, id_number, created_at = _int_rows(n, texts)
        referred = orjson.loads(targets_json)
        targets = sorted(set(referred))  # str order is SQLite's BINARY order of UTF-8 text
        number = {t: i for i, t in enumerate(targets)}
        target = np.fromiter((number[t] for t in referred), dtype=np.int64, count=n)
        order = np.lexsort((pk, created_at, target))
        return ActionTable(account[order], target[order], id_number[order], created_at[order],
                           targets)

    def hashtags(self, *, platform: str | None = None) -> list[HashtagUse]:
        join, where, params = _platform_filter(platform)
        rows = self.db.execute(
            "SELECT t.tag, count(*), count(DISTINCT p.author), min(p.created_at) "
            f"FROM post_tags t JOIN posts p ON p.pk = t.post {join} WHERE {where} "
            "GROUP BY t.tag ORDER BY count(*) DESC", params)
        return [HashtagUse(*r) for r in rows]

    def hashtag_counts(self, *, platform: str | None = None) -> dict[str, int]:
        if platform is None:
            # the primary key (tag, post) covers it: no join to posts (every tagged post is stored)
            return dict(self.db.execute("SELECT tag, count(*) FROM post_tags GROUP BY tag"))
        join, where, params = _platform_filter(platform)
        return dict(self.db.execute(
            f"SELECT t.tag, count(*) FROM post_tags t JOIN posts p ON p.pk = t.post {join} "
            f"WHERE {where} GROUP BY t.tag", params))

    def cooccurring(self, hashtag: str, *, platform: str | None = None) -> dict[str, int]:
        join, where, params = _platform_filter(platform)
        rows = self.db.execute(
            "SELECT o.tag, count(*) FROM post_tags t JOIN post_tags o ON o.post = t.post "
            f"JOIN posts p ON p.pk = t.post {join} "
            f"WHERE t.tag = ? AND o.tag <> t.tag AND {where} GROUP BY o.tag",
            (normalize_tag(hashtag), *params))
        return dict(rows)

    def geo_evidence(self) -> GeoEvidence:
        texts = dict(self.db.execute(
            "SELECT key, location_text FROM accounts WHERE location_text <> ''"))
        places: dict[int, list[Place]] = defaultdict(list)
        for author, pid, name, cc, lat, lon in self.db.execute(
                "SELECT p.author, l.id, l.full_name, l.country_code, l.lat, l.lon "
                "FROM posts p JOIN places l ON l.id = p.place_id"):
            places[author].append(Place(pid, name, cc, lat, lon))
        coords: dict[int, list[tuple[float, float]]] = defaultdict(list)
        for author, lat, lon in self.db.execute(
                "SELECT author, lat, lon FROM posts WHERE lat IS NOT NULL"):
            coords[author].append((lat, lon))
        return GeoEvidence(texts, dict(places), dict(coords))

    # -- results ---------------------------------------------------------

    def write_results(self, results: Results) -> None:
        db = self.db
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE accounts SET community = NULL, pagerank = NULL, "
                       "amplifier_score = NULL, role = NULL, city_id = NULL, city_source = NULL")
            db.executemany(
                "UPDATE accounts SET community = ?, pagerank = ?, amplifier_score = ?, role = ?, "
                "city_id = ?, city_source = ? WHERE key = ?",
                zip(_nullable(results.community), results.pagerank.tolist(),
                    results.amplifier_score.tolist(), results.role, results.city_id,
                    results.city_source, results.keys.tolist(), strict=True))
            db.execute("DELETE FROM communities")
            db.executemany("INSERT INTO communities (run, id, size, role, label) VALUES (?,?,?,?,?)",
                           ((results.run, c.id, c.size, c.role, c.label)
                            for c in results.communities))
            db.execute("DELETE FROM cities")
            db.executemany("INSERT INTO cities (id, name, country, lat, lon) VALUES (?,?,?,?,?)",
                           ((c.id, c.name, c.country, c.lat, c.lon) for c in results.cities))
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('results', ?)",
                       (orjson.dumps({"run": results.run, **results.meta}).decode(),))
            db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:  # a COMMIT that failed (disk full) has rolled back already
                db.execute("ROLLBACK")
            if cannot_write(exc):
                raise WriteFailed(f"cannot write to {self.path}: {exc}") from exc
            raise

    def results(self) -> Results | None:
        meta_row = self.db.execute("SELECT value FROM meta WHERE key = 'results'").fetchone()
        if meta_row is None:
            return None
        meta = orjson.loads(meta_row[0])
        run = meta.pop("run")
        rows = self.db.execute(
            "SELECT key, coalesce(community, -1), coalesce(pagerank, 0), "
            "coalesce(amplifier_score, 0), coalesce(role, 'other'), city_id, city_source "
            "FROM accounts ORDER BY key").fetchall()
        return Results(
            run=run,
            keys=np.array([r[0] for r in rows], dtype=np.int64),
            community=np.array([r[1] for r in rows], dtype=np.int64),
            pagerank=np.array([r[2] for r in rows], dtype=np.float64),
            amplifier_score=np.array([r[3] for r in rows], dtype=np.float64),
            role=[r[4] for r in rows],
            city_id=[r[5] for r in rows],
            city_source=[r[6] for r in rows],
            communities=[CommunityRow(*r) for r in self.db.execute(
                "SELECT id, size, role, label FROM communities ORDER BY id")],
            cities=[CityRow(*r) for r in self.db.execute(
                "SELECT id, name, country, lat, lon FROM cities ORDER BY id")],
            meta=meta,
        )

    def write_coordinated(self, kind: str, table: CoordinatedTable) -> None:
        db = self.db
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM coordinated_with WHERE kind = ?", (kind,))
            db.executemany(
                "INSERT INTO coordinated_with (kind, source, target, weight, window_s, grp, posts, "
                "p_value) VALUES (?,?,?,?,?,?,?,?)",
                zip([kind] * len(table), table.source.tolist(), table.target.tolist(),
                    table.weight.tolist(), table.window_s.tolist(), table.group.tolist(),
                    table.posts.tolist(), table.p_value.tolist(), strict=True))
            db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if cannot_write(exc):
                raise WriteFailed(f"cannot write to {self.path}: {exc}") from exc
            raise

    def coordinated(self) -> CoordinatedTable:
        rows = self.db.execute(
            "SELECT kind, source, target, weight, window_s, grp, posts, p_value "
            "FROM coordinated_with ORDER BY kind, source, target").fetchall()
        return coordinated_table(rows)

    # -- lifecycle -------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def cannot_write(exc: BaseException) -> bool:
    """Whether a write failed for a reason outside tagjack (disk full, read-only, locked)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.DatabaseError) and code is not None and code & 0xFF in CANNOT_WRITE


def _nullable(values: np.ndarray) -> list[int | None]:
    return [None if v < 0 else v for v in values.tolist()]


def _int_rows(count: int, texts: Sequence[str | None]) -> np.ndarray:
    """``group_concat``'ed integer columns of ``count`` rows as a (len(texts), count) array."""
    out = np.empty((len(texts), count), dtype=np.int64)
    for i, text in enumerate(texts):
        column = np.fromstring(text or "", dtype=np.int64, sep=",")
        if len(column) != count:
            raise ValueError(f"a grouped column held {len(column)} integers, not {count}")
        out[i] = column
    return out


def _post_table(parts: Sequence[np.ndarray]) -> PostTable:
    """Rows of POST_CONCAT's columns (pk first), read by pk range, as one table in pk order."""
    rows = np.concatenate(parts, axis=1) if parts else np.empty((6, 0), dtype=np.int64)
    pk = rows[0]
    if len(pk) > 1 and not (pk[1:] > pk[:-1]).all():  # SQLite does not promise the order
        rows = rows[:, np.argsort(pk, kind="stable")]
    return PostTable(author=rows[1].copy(), created_at=rows[2].copy(),
                     kind=rows[3].astype(np.int8), ref_author=rows[4].copy(),
                     reply_author=rows[5].copy())


def _by_pair(rows: np.ndarray) -> list[np.ndarray]:
    """EDGE_CONCAT's columns, sorted by (source, target) as ORDER BY / GROUP BY gave them."""
    s, t = rows[0], rows[1]
    if len(s) > 1 and not ((s[1:] > s[:-1]) | ((s[1:] == s[:-1]) & (t[1:] > t[:-1]))).all():
        rows = rows[:, np.lexsort((t, s))]  # SQLite does not promise group_concat's order
    return [np.ascontiguousarray(column) for column in rows]

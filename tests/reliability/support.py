"""What the reliability tests share: running the real CLI, and reading a store back whole.

A *snapshot* is everything a store holds, keyed by ids (never by the store's own
integer keys), so two stores compare equal exactly when they hold the same
accounts, posts, tags, mentions and aggregated edges with the same weights.
"""

from __future__ import annotations

import dataclasses
import io
import os
import signal
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from neo4j_server import wipe
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.detect import read_file
from tagjack.graph.ingest.readers.v1 import parse_v1_stream
from tagjack.graph.model import Post, Record, Reject
from tagjack.graph.store.base import Batch, BatchCounts
from tagjack.graph.store.sqlite import SqliteStore

TAGJACK = Path(sys.executable).with_name("tagjack")
NEO4J_VARIABLES = ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE",
                   "TAGJACK_NEO4J_BROWSER_URL")


# -- running the CLI ------------------------------------------------------------------------


def cli_env(extra: Mapping[str, str] | None = None, *, neo4j: bool = False) -> dict[str, str]:
    """The environment for a ``tagjack`` child: wide, colourless, and without any Neo4j
    settings unless ``neo4j`` (so a SQLite run never picks up the test server by mistake)."""
    env = {k: v for k, v in os.environ.items() if neo4j or k not in NEO4J_VARIABLES}
    env.update(COLUMNS="300", NO_COLOR="1", TERM="dumb", PYTHONUNBUFFERED="1")
    env.update(extra or {})
    return env


def run_tagjack(*args: str | Path, cwd: Path, env: Mapping[str, str] | None = None,
                timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(TAGJACK), *map(str, args)], cwd=cwd, env=dict(env or cli_env()),
                          capture_output=True, text=True, timeout=timeout, check=False)


def start_tagjack(*args: str | Path, cwd: Path, env: Mapping[str, str] | None = None,
                  out: Path | None = None) -> subprocess.Popen:
    """A ``tagjack`` child in its own process group (so a kill reaches its workers too);
    stdout and stderr go to ``out``.stdout / ``out``.stderr when given."""
    out = out or cwd / "tagjack"
    return subprocess.Popen([str(TAGJACK), *map(str, args)], cwd=cwd, env=dict(env or cli_env()),
                            stdout=out.with_suffix(".stdout").open("w"),
                            stderr=out.with_suffix(".stderr").open("w"),
                            start_new_session=True)


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the child and every process it started (its process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=60)


def error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def assert_one_clear_line(result: subprocess.CompletedProcess[str] | Any, *,
                          exit_code: int = 1) -> str:
    """Exit ``exit_code``, no traceback, stderr one ``error:`` line (and at most a hint).

    Returns the error line."""
    stderr = result.stderr
    assert result.returncode == exit_code, (result.returncode, stderr[-3000:])
    assert "Traceback" not in stderr, stderr[-3000:]
    lines = error_lines(stderr)
    assert lines and lines[0].startswith("error: "), stderr[-3000:]
    assert len(lines) <= 2 and all(line.strip().startswith("hint: ") for line in lines[1:]), stderr
    return lines[0]


# -- what a file holds ----------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """Per post id, the tags and mention ids a file gives it (as the reader reads them)."""

    tags: dict[str, frozenset[str]]
    mentions: dict[str, frozenset[str]]


def expected_of(records: Iterable[Record | Reject]) -> Expected:
    tags: dict[str, set[frozenset[str]]] = defaultdict(set)
    mentions: dict[str, set[frozenset[str]]] = defaultdict(set)
    for r in records:
        if isinstance(r, Post):
            tags[r.id].add(frozenset(r.hashtags))
            mentions[r.id].add(frozenset(r.mention_ids))
    # the simulator embeds an original exactly as it posts it: one reading per post
    assert all(len(v) == 1 for v in tags.values()) and all(len(v) == 1 for v in mentions.values())
    return Expected({k: next(iter(v)) for k, v in tags.items()},
                    {k: next(iter(v)) for k, v in mentions.items()})


def expected_of_file(path: Path) -> Expected:
    return expected_of(read_file(path))


class _Recorder:
    """A store that only notes which posts each batch held."""

    def __init__(self) -> None:
        self.batches: list[frozenset[str]] = []

    def write_batch(self, batch: Batch) -> BatchCounts:
        self.batches.append(frozenset(p.id for p in batch.posts))
        return BatchCounts()


def batches_of(records: Iterable[Record | Reject], batch_size: int, tmp: Path) -> list[frozenset[str]]:
    """The post ids of each batch ``load_records`` writes for ``records``, in order."""
    recorder = _Recorder()
    sink = RejectsFile(tmp / "recorded.rejects.jsonl")
    load_records(recorder, records, rejects=sink, batch_size=batch_size)  # type: ignore[arg-type]
    sink.close()
    return recorder.batches


def slice_batches(path: Path, ranges: list[tuple[int, int]], batch_size: int,
                  tmp: Path) -> list[list[frozenset[str]]]:
    """Batches of each byte range of a v1 JSON Lines file, as one parallel worker writes them."""
    data = path.read_bytes()
    return [batches_of(parse_v1_stream(io.BytesIO(data[a:b]), source=path.name), batch_size, tmp)
            for a, b in ranges]


def whole_batches(stored: set[str], sequences: list[list[frozenset[str]]]) -> bool:
    """Whether ``stored`` is exactly a prefix of whole batches of each sequence (one
    sequence per writer): the longest fully stored prefix of each covers it all."""
    covered: set[str] = set()
    for batches in sequences:
        for batch in batches:
            if not batch <= stored:
                break
            covered |= batch
    return covered == stored


# -- what a SQLite store holds --------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    status: dict[str, int]
    accounts: dict[str, tuple]
    posts: dict[str, tuple]
    tags: frozenset[tuple[str, str]]
    mentions: frozenset[tuple[str, str]]
    edges: dict[tuple[str, str, str], tuple]
    given_edges: dict[tuple[str, str, str], tuple]


def differences(a: Snapshot, b: Snapshot, *, limit: int = 5) -> list[str]:
    """What differs between two snapshots, a few examples per part (empty when equal)."""
    found = []
    for f in dataclasses.fields(Snapshot):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if x == y:
            continue
        if isinstance(x, dict):
            keys = sorted(k for k in x.keys() | y.keys() if x.get(k) != y.get(k))
            found.append(f"{f.name}: {len(keys)} differ, e.g. "
                         + "; ".join(f"{k}: {x.get(k)} != {y.get(k)}" for k in keys[:limit]))
        else:
            found.append(f"{f.name}: only in first {sorted(x - y)[:limit]}, "
                         f"only in second {sorted(y - x)[:limit]}")
    return found


def sqlite_snapshot(db: Path) -> Snapshot:
    """Everything in the SQLite store at ``db``, opened the way tagjack opens it."""
    with SqliteStore(db) as store:
        status = dataclasses.asdict(store.status())
        status.pop("store")
        q = store.db.execute
        accounts = {r[0]: tuple(r[1:]) for r in q(
            "SELECT id, handle, name, followers, location_text FROM accounts")}
        posts = {r[0]: tuple(r[1:]) for r in q(
            "SELECT p.id, a.id, p.created_at, p.kind, p.text, p.lang, p.ref_id, r.id, p.reply_to, "
            "y.id, p.place_id, p.lat, p.lon FROM posts p JOIN accounts a ON a.key = p.author "
            "LEFT JOIN accounts r ON r.key = p.ref_author "
            "LEFT JOIN accounts y ON y.key = p.reply_author")}
        tags = frozenset(q("SELECT p.id, t.tag FROM post_tags t JOIN posts p ON p.pk = t.post"))
        mentions = frozenset(q("SELECT p.id, a.id FROM post_mentions m JOIN posts p ON p.pk = m.post "
                               "JOIN accounts a ON a.key = m.account"))
        edges = _sqlite_edges(q, "edges")
        given = _sqlite_edges(q, "given_edges")
    return Snapshot(status, accounts, posts, tags, mentions, edges, given)


def _sqlite_edges(q, table: str) -> dict[tuple[str, str, str], tuple]:
    return {(r[0], r[1], r[2]): tuple(r[3:]) for r in q(
        f"SELECT e.kind, s.id, t.id, e.count, e.first_at, e.last_at FROM {table} e "  # noqa: S608
        "JOIN accounts s ON s.key = e.source JOIN accounts t ON t.key = e.target")}


def assert_consistent(db: Path, expected: Expected) -> set[str]:
    """The store at ``db`` opens, passes SQLite's integrity check, its aggregated edges are
    exactly what its posts add up to, and each stored post has all its tags and mentions.

    Returns the ids of the stored posts."""
    with SqliteStore(db) as store:
        q = store.db.execute
        assert q("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert q("PRAGMA foreign_key_check").fetchall() == []
        edges = sorted(q("SELECT kind, source, target, count, first_at, last_at FROM edges"))
        recomputed = sorted(q(
            "SELECT 'retweet', author, ref_author, count(*), min(created_at), max(created_at) "
            "FROM posts WHERE kind = 1 AND ref_author IS NOT NULL GROUP BY author, ref_author "
            "UNION ALL SELECT 'quote', author, ref_author, count(*), min(created_at), "
            "max(created_at) FROM posts WHERE kind = 2 AND ref_author IS NOT NULL "
            "GROUP BY author, ref_author "
            "UNION ALL SELECT 'reply', author, reply_author, count(*), min(created_at), "
            "max(created_at) FROM posts WHERE reply_author IS NOT NULL GROUP BY author, reply_author "
            "UNION ALL SELECT 'mention', p.author, m.account, count(*), min(p.created_at), "
            "max(p.created_at) FROM post_mentions m JOIN posts p ON p.pk = m.post "
            "GROUP BY p.author, m.account"))
        assert edges == recomputed, "aggregated edges differ from what the stored posts add up to"
        tags: dict[str, set[str]] = defaultdict(set)
        for post_id, tag in q("SELECT p.id, t.tag FROM post_tags t JOIN posts p ON p.pk = t.post"):
            tags[post_id].add(tag)
        mentions: dict[str, set[str]] = defaultdict(set)
        for post_id, account_id in q("SELECT p.id, a.id FROM post_mentions m "
                                     "JOIN posts p ON p.pk = m.post "
                                     "JOIN accounts a ON a.key = m.account"):
            mentions[post_id].add(account_id)
        stored = {r[0] for r in q("SELECT id FROM posts")}
    for post_id in stored:
        assert tags.get(post_id, set()) == expected.tags[post_id], post_id
        assert mentions.get(post_id, set()) == expected.mentions[post_id], post_id
    return stored


def file_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file in ``folder``."""
    import hashlib

    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def write_lines(path: Path, lines: Iterable[bytes]) -> Path:
    path.write_bytes(b"".join(lines))
    return path


# -- what a Neo4j store holds ---------------------------------------------------------------

NEO4J_POSTS = """
MATCH (p:Post) WHERE p.created_at IS NOT NULL
OPTIONAL MATCH (a:Account)-[:POSTED]->(p)
RETURN p.id, a.id, p.created_at.epochSeconds, p.kind, p.text, p.lang, p.ref_author_id,
       p.reply_to_author_id, p.place_id, p.lat, p.lon
"""
NEO4J_EDGE_KINDS = {"RETWEETED": "retweet", "QUOTED": "quote", "REPLIED_TO": "reply",
                    "MENTIONED": "mention"}
NEO4J_DUPLICATES = """
MATCH (a)-[r]->(b) WITH a, b, type(r) AS t, count(r) AS n WHERE n > 1
RETURN t, count(*) ORDER BY t
"""


def neo4j_rows(driver, query: str, **params: Any) -> list[tuple]:
    records, _, _ = driver.execute_query(query, params, database_="neo4j")
    return [tuple(r.values()) for r in records]


def neo4j_snapshot(driver) -> Snapshot:
    """Everything in a Neo4j store, keyed by ids like ``sqlite_snapshot``; a relationship
    MERGE made twice (a retried batch) would show in ``status["duplicates"]``."""
    q = partial(neo4j_rows, driver)
    status = dict(q("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*)"))
    status.update(q("MATCH ()-[r]->() RETURN type(r), count(*)"))
    status["duplicates"] = sum(n for _, n in q(NEO4J_DUPLICATES))
    status["stored posts"] = q("MATCH (p:Post) WHERE p.created_at IS NOT NULL RETURN count(p)")[0][0]
    accounts = {r[0]: tuple(r[1:]) for r in q(
        "MATCH (a:Account) RETURN a.id, a.handle, a.name, a.followers, a.location_text")}
    posts = {r[0]: tuple(r[1:]) for r in q(NEO4J_POSTS)}
    tags = frozenset(q("MATCH (p:Post)-[:TAGGED]->(h:Hashtag) RETURN p.id, h.tag"))
    mentions = frozenset(q("MATCH (p:Post)-[:MENTIONS]->(a:Account) RETURN p.id, a.id"))
    edges = {(NEO4J_EDGE_KINDS[r[0]], r[1], r[2]): tuple(r[3:]) for r in q(
        "MATCH (a:Account)-[r:RETWEETED|QUOTED|REPLIED_TO|MENTIONED]->(b:Account) "
        "RETURN type(r), a.id, b.id, r.count, r.first_at.epochSeconds, r.last_at.epochSeconds")}
    return Snapshot(status, accounts, posts, tags, mentions, edges, {})


def assert_neo4j_consistent(driver, expected: Expected) -> set[str]:
    """Like ``assert_consistent`` for Neo4j: no relationship twice, aggregated edges exactly
    what the stored posts add up to, every stored post with all its tags and mentions."""
    snap = neo4j_snapshot(driver)
    assert snap.status["duplicates"] == 0
    tags: dict[str, set[str]] = defaultdict(set)
    for post_id, tag in snap.tags:
        tags[post_id].add(tag)
    mentions: dict[str, set[str]] = defaultdict(set)
    for post_id, account_id in snap.mentions:
        mentions[post_id].add(account_id)
    recomputed: dict[tuple[str, str, str], list[int]] = {}
    for post_id, (author, at, kind, _text, _lang, ref_author, reply_author, *_) in snap.posts.items():
        targets = [(kind, ref_author)] if kind in ("retweet", "quote") and ref_author else []
        targets += [("reply", reply_author)] if reply_author else []
        targets += [("mention", m) for m in mentions.get(post_id, ())]
        for kind_name, target in targets:  # self-interactions are data: counted too
            row = recomputed.setdefault((kind_name, author, target), [0, at, at])
            row[0] += 1
            row[1], row[2] = min(row[1], at), max(row[2], at)
    assert {k: tuple(v) for k, v in recomputed.items()} == snap.edges, \
        "aggregated edges differ from what the stored posts add up to"
    for post_id in snap.posts:
        assert tags.get(post_id, set()) == expected.tags[post_id], post_id
        assert mentions.get(post_id, set()) == expected.mentions[post_id], post_id
    return set(snap.posts)


def wipe_neo4j(driver) -> None:
    """An empty database (the schema and the suite's marker stay; neo4j_server.wipe)."""
    wipe(driver, "neo4j")


# -- crafted tweets -----------------------------------------------------------------------------


def v1_user(uid: str, handle: str, *, name: str = "", location: str = "", followers: int = 10) -> dict:
    return {"id_str": uid, "screen_name": handle, "name": name or handle, "location": location,
            "followers_count": followers}


def v1_tweet(tid: str, author: dict, *, text: str = "", tags: tuple[str, ...] = (), minute: int = 0,
             mentions: tuple[dict, ...] = (), retweet_of: dict | None = None) -> dict:
    tweet = {"id_str": tid, "created_at": f"Tue Apr 22 18:{minute % 60:02d}:00 +0000 2014",
             "text": text or " ".join("#" + t for t in tags), "user": author, "lang": "en",
             "entities": {"hashtags": [{"text": t} for t in tags],
                          "user_mentions": [{"id_str": m["id_str"], "screen_name": m["screen_name"]}
                                            for m in mentions]}}
    if retweet_of is not None:
        tweet["retweeted_status"] = retweet_of
        tweet["text"] = f"RT @{retweet_of['user']['screen_name']}: {retweet_of['text']}"
    return tweet


def jsonl(path: Path, tweets: Iterable[dict]) -> Path:
    """Tweets as JSON Lines the way Python's json writes them: non-ASCII escaped as
    \\uXXXX (so a lone surrogate stays the escape a collector wrote)."""
    import json

    path.write_text("".join(json.dumps(t) + "\n" for t in tweets), encoding="ascii")
    return path

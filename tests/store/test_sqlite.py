"""SQLite store: idempotent batches, exact aggregated edges, whole-batch atomicity."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import orjson
import pytest
from store_cases import ORIGINAL, A, B, C, load_sample, tweet
from tagjack.graph.errors import StoreUnavailable
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.v1 import parse_v1
from tagjack.graph.ingest.readers.v2 import read_v2
from tagjack.graph.model import EdgeKind, Post, PostKind, normalize_tag
from tagjack.graph.store import sqlite as sqlite_store
from tagjack.graph.store.base import Batch
from tagjack.graph.store.sqlite import SqliteStore

DATA = Path(__file__).resolve().parents[1] / "data"
GOLDEN_V2 = DATA / "readers" / "v2"
OLD_STORE = DATA / "stores" / "v1-store.db"
LINES = [
    ORIGINAL,
    tweet("101", A, minute=5, text="RT @bob: photos #MyNYPD", tags=["MyNYPD"], mentions=[B],
          retweet_of=ORIGINAL),
    tweet("102", A, minute=9, text="RT @bob: photos #MyNYPD", tags=["MyNYPD"], mentions=[B],
          retweet_of=ORIGINAL | {"id_str": "103"}),
    tweet("104", A, minute=12, text="look @carol", mentions=[C], quote_of=ORIGINAL),
    tweet("105", B, minute=20, text="RT @bob: me", mentions=[B], retweet_of=ORIGINAL),  # self
    tweet("106", C, minute=30, text="RT @alice: truncated, no original", mentions=[A]),
]


RETWEETS = {("alice", "bob"): 2, ("bob", "bob"): 1, ("carol", "alice"): 1}


def lines(records=LINES) -> list[bytes]:
    return [orjson.dumps(r) for r in records]


def load(store: SqliteStore, tmp_path, data=None, batch_size: int = 2):
    return load_records(store, parse_v1(data or lines(), source="t.jsonl"),
                        rejects=RejectsFile(tmp_path / "r.jsonl"), batch_size=batch_size)


def weights(store: SqliteStore, kind: EdgeKind, hashtag: str | None = None) -> dict:
    accounts = store.accounts()
    handle = dict(zip(accounts.keys.tolist(), accounts.handles, strict=True))
    e = store.edges(kind, hashtag=hashtag)
    return {(handle[s], handle[t]): w for s, t, w in
            zip(e.source.tolist(), e.target.tolist(), e.weight.tolist(), strict=True)}


def test_edge_weights_match_a_hand_count(tmp_path):
    store = SqliteStore.in_memory()
    load(store, tmp_path)
    # alice retweeted bob twice and quoted him once, apart; bob's self-retweet is data;
    # carol's truncated "RT @alice:" is a retweet of alice, not a mention
    assert weights(store, EdgeKind.RETWEET) == RETWEETS
    assert weights(store, EdgeKind.QUOTE) == {("alice", "bob"): 1}
    assert weights(store, EdgeKind.REPLY) == {}
    assert weights(store, EdgeKind.MENTION) == {("alice", "carol"): 1}
    assert weights(store, EdgeKind.RETWEET, "#mynypd") == {("alice", "bob"): 2, ("bob", "bob"): 1}


def test_reload_changes_nothing(tmp_path):
    store = SqliteStore.in_memory()
    first = load(store, tmp_path)
    before = store.status()
    again = load(store, tmp_path, batch_size=3)
    assert (first.posts, first.accounts) == (7, 3)
    assert (again.posts, again.accounts, again.edges) == (0, 0, 0)
    assert store.status() == before
    assert weights(store, EdgeKind.RETWEET) == RETWEETS


def test_overlapping_loads_count_each_post_once(tmp_path):
    store = SqliteStore.in_memory()
    load(store, tmp_path, lines(LINES[:3]))
    load(store, tmp_path, lines(LINES[1:]))
    assert weights(store, EdgeKind.RETWEET) == RETWEETS


def test_a_mention_stub_never_erases_what_is_known(tmp_path):
    store = SqliteStore.in_memory()
    load(store, tmp_path)
    accounts = store.accounts()
    bob = accounts.handles.index("bob")
    assert (accounts.followers[bob], accounts.location_texts[bob]) == (100_000, "NYC")


def test_a_failed_batch_leaves_nothing_behind(tmp_path):
    store = SqliteStore.in_memory()
    records = [r for r in parse_v1(lines(), source="t")]
    posts = [r for r in records if type(r).__name__ == "Post"]
    broken = Batch(posts=posts[:2] + [posts[2].__class__(**{**_fields(posts[2]), "created_at": None})])
    with pytest.raises(AttributeError):
        store.write_batch(broken)
    assert store.status().posts == 0
    load(store, tmp_path)
    assert store.status().posts == 7


def _fields(post) -> dict:
    return {f: getattr(post, f) for f in post.__slots__}


def test_tag_posts_match_case_insensitively(tmp_path):
    store = SqliteStore.in_memory()
    load(store, tmp_path)
    # 100, its copy 103 and the three retweets, which carry the tag of what they retweet
    assert len(store.posts(hashtag="#MyNYPD")) == len(store.posts(hashtag="mynypd")) == 5
    assert len(store.posts(hashtag="＃ＭｙＮＹＰＤ")) == 5


def test_unreadable_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    with pytest.raises(StoreUnavailable, match="not a database"):
        SqliteStore(bad)


def test_two_connections_see_one_consistent_store(tmp_path):
    path = tmp_path / "s.db"
    with SqliteStore(path) as one, SqliteStore(path) as two:
        load(one, tmp_path, lines(LINES[:3]))
        load(two, tmp_path, lines(LINES[2:]))
        assert one.status() == two.status()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def row_posts(store: SqliteStore, hashtag: str | None = None) -> list[tuple]:
    """posts() as one plain row read, the reference for the grouped read."""
    if hashtag is None:
        return store.db.execute("SELECT author, created_at, kind, coalesce(ref_author, -1), "
                                "coalesce(reply_author, -1) FROM posts ORDER BY pk").fetchall()
    return store.db.execute("SELECT p.author, p.created_at, p.kind, coalesce(p.ref_author, -1), "
                            "coalesce(p.reply_author, -1) FROM post_tags t "
                            "JOIN posts p ON p.pk = t.post WHERE t.tag = ? ORDER BY p.pk",
                            (normalize_tag(hashtag),)).fetchall()


def table_rows(table) -> list[tuple]:
    return list(zip(table.author.tolist(), table.created_at.tolist(), table.kind.tolist(),
                    table.ref_author.tolist(), table.reply_author.tolist(), strict=True))


@pytest.mark.parametrize("post_range", [1 << 20, 64, 1])
def test_grouped_post_reads_are_the_rows_in_pk_order(tmp_path, monkeypatch, post_range):
    monkeypatch.setattr(sqlite_store, "POST_RANGE", post_range)  # one read per range of pks
    store = SqliteStore(tmp_path / "s.db")
    load_sample(store, tmp_path)
    tags = sorted(store.hashtag_counts())
    assert len(tags) > 20
    assert table_rows(store.posts()) == row_posts(store) and len(row_posts(store)) == 721
    together = store.posts_of_tags([*tags, "#SCOTUS", "nosuchtag"])
    for tag in [*tags, "#SCOTUS", "nosuchtag"]:
        assert table_rows(store.posts(hashtag=tag)) == table_rows(together[tag]) == \
            row_posts(store, tag), tag
        assert together[tag].kind.dtype == np.int8


def test_edges_come_sorted_by_pair(tmp_path):
    store = SqliteStore(tmp_path / "s.db")
    load_sample(store, tmp_path)
    for kind in EdgeKind:
        for tag in (None, "scotus"):
            e = store.edges(kind, hashtag=tag)
            pairs = list(zip(e.source.tolist(), e.target.tolist(), strict=True))
            assert pairs == sorted(set(pairs)) and (tag is not None or pairs), (kind, tag)


@pytest.mark.parametrize(("kind", "hashtag"), [(PostKind.RETWEET, None), (PostKind.RETWEET, "scotus"),
                                               (PostKind.REPLY, None)])
def test_actions_come_in_target_then_time_order(tmp_path, kind, hashtag):
    """Targets numbered in id order and rows in (target, time, pk) order, as SQLite sorts them;
    tied times and ids of other platforms (text order, not numbers) included."""
    store = SqliteStore(tmp_path / "s.db")
    load_sample(store, tmp_path)
    at = datetime(2016, 1, 1, tzinfo=UTC)

    def referring(i: int) -> dict:  # ids of two platforms, so text order differs from numbers
        post = f"{'at://did:plc:z/p/' if i % 2 else ''}{9 - i % 4}"
        return {"ref_id": post, "ref_author_id": "did:plc:z"} if kind is PostKind.RETWEET else \
            {"reply_to_id": post, "reply_to_author_id": "did:plc:z"}

    store.write_batch(Batch(posts=[
        Post(id=f"at://did:plc:x/app.bsky.feed.repost/{i}", author_id=f"did:plc:{i % 3}",
             created_at=at, kind=kind, hashtags=("scotus",), **referring(i)) for i in range(12)]))
    target, chosen = sqlite_store.ACTION_TARGETS[kind]
    scope = "post_tags t JOIN posts p ON p.pk = t.post WHERE t.tag = :tag AND" if hashtag else "posts p WHERE"
    expected = store.db.execute(f"SELECT p.author, {target}, p.created_at FROM {scope} {chosen} "
                                f"ORDER BY {target}, p.created_at, p.pk", {"tag": hashtag}).fetchall()
    a = store.actions(kind, hashtag=hashtag)
    assert a.targets == sorted(set(a.targets)) and len(expected) > 12
    assert list(zip(a.account.tolist(), [a.targets[t] for t in a.target.tolist()], a.created_at.tolist(),
                    strict=True)) == expected


def test_grouped_columns_are_put_in_order_and_checked():
    parts = [np.array([[5, 2], [50, 20], [500, 200], [1, 0], [-1, 7], [8, -1]])]
    table = sqlite_store._post_table(parts)  # SQLite does not promise group_concat's order
    assert table_rows(table) == [(20, 200, 0, 7, -1), (50, 500, 1, -1, 8)]
    edges = sqlite_store._by_pair(np.array([[2, 1, 1], [0, 9, 3], [1, 1, 1], [0, 0, 0],
                                            [0, 0, 0]]))
    assert edges[0].tolist() == [1, 1, 2] and edges[1].tolist() == [3, 9, 0]
    assert sqlite_store._int_rows(2, ["1,-2", "3,4"]).tolist() == [[1, -2], [3, 4]]
    with pytest.raises(ValueError, match="not 3"):
        sqlite_store._int_rows(3, ["1,2"])


def test_a_quote_that_replies_counts_for_both(tmp_path):
    store = SqliteStore.in_memory()
    load_records(store, read_v2(GOLDEN_V2 / "quote_reply.jsonl"),
                 rejects=RejectsFile(tmp_path / "r.jsonl"))
    assert weights(store, EdgeKind.QUOTE) == {("bo_q", "OccupyWallStNYC"): 2}
    assert weights(store, EdgeKind.REPLY) == {("cy_re", "NYPDnews"): 1, ("bo_q", "cy_re"): 1}
    assert (store.status().quote_edges, store.status().reply_edges) == (1, 2)


def test_a_store_of_the_previous_version_is_upgraded_in_place(tmp_path):
    """tests/data/stores/v1-store.db was made by the code before this schema (see its README)."""
    path = tmp_path / "old.db"
    shutil.copyfile(OLD_STORE, path)
    with SqliteStore(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == sqlite_store.SCHEMA_VERSION
        # version 1 counted bo_q's two quotes of OccupyWallStNYC as retweets
        assert weights(store, EdgeKind.QUOTE) == {("bo_q", "OccupyWallStNYC"): 3}
        assert weights(store, EdgeKind.RETWEET) == {("ann_rt", "OccupyWallStNYC"): 1}
        # replies moved to their own reference; the quote that also replied was stored as a
        # quote only by version 1, so its reply is not there to count
        assert weights(store, EdgeKind.REPLY) == {("cy_re", "NYPDnews"): 2}
        posts = store.posts()
        assert (posts.reply_author >= 0).sum() == 2
        assert len(store.coordinated()) == 0  # version 3's coordinated_with table is there
        before = store.status()
    with SqliteStore(path) as again:  # upgraded once: opening again changes nothing
        assert again.status() == before
        load_records(again, read_v2(GOLDEN_V2 / "quote_reply.jsonl"),
                     rejects=RejectsFile(tmp_path / "r.jsonl"))
        assert again.status() == before


def test_new_stores_get_large_pages_and_old_ones_keep_theirs(tmp_path):
    with SqliteStore(tmp_path / "new.db") as store:
        load(store, tmp_path)
        assert store.db.execute("PRAGMA page_size").fetchone()[0] == sqlite_store.PAGE_SIZE
    path = tmp_path / "old.db"
    shutil.copyfile(OLD_STORE, path)
    with SqliteStore(path) as store:
        load(store, tmp_path)
        assert store.db.execute("PRAGMA page_size").fetchone()[0] == 4096
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_store_of_an_unknown_version_is_refused_in_one_line(tmp_path):
    path = tmp_path / "future.db"
    sqlite3.connect(path).execute("PRAGMA user_version = 99").connection.close()
    with pytest.raises(StoreUnavailable, match="schema version 99; this tagjack reads version 4"):
        SqliteStore(path)


def test_a_version_3_store_gives_its_bluesky_reposts_their_originals_tags(tmp_path):
    """Version 3 tagged a repost only when its reader had met the original first."""
    original = Post(id="at://did:plc:a/app.bsky.feed.post/1", author_id="did:plc:a",
                    created_at=datetime(2025, 4, 18, tzinfo=UTC), hashtags=("mynypd",))
    repost = Post(id="at://did:plc:b/app.bsky.feed.repost/2", author_id="did:plc:b",
                  created_at=datetime(2025, 4, 18, 1, tzinfo=UTC), kind=PostKind.RETWEET,
                  ref_id=original.id, ref_author_id="did:plc:a")
    path = tmp_path / "v3.db"
    with SqliteStore(path) as store:
        store.write_batch(Batch(posts=[original, repost]))
        assert store.hashtag_counts() == {"mynypd": 2}
        store.db.executescript("""DELETE FROM post_tags WHERE post = 2; DROP INDEX posts_reposted;
                                  DROP TABLE deleted; PRAGMA user_version = 3;""")
    with SqliteStore(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == 4
        assert store.hashtag_counts() == {"mynypd": 2}
        assert store.edges(EdgeKind.RETWEET).weight.tolist() == [1]  # not counted twice

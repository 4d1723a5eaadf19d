"""Two Bluesky rules kept by the stores, both stores alike: a repost has its original's tags,
and a delete takes a post out as if it had never been stored, in any order of events.

The reference is a SQLite store loaded with what should remain (the posts never deleted,
in one batch): the store under test, fed the events in other orders and batch sizes, must
answer the same, by account id.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from store_cases import edges_by_ids, posts_by_ids, totals
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.model import Account, Deletion, EdgeKind, Post, PostKind
from tagjack.graph.store.sqlite import SqliteStore

A, B, C = "did:plc:aaaa", "did:plc:bbbb", "did:plc:cccc"
ACCOUNTS = [Account(A, "a.bsky.social"), Account(B, "b.bsky.social"), Account(C, "c.bsky.social")]
T0 = datetime(2025, 4, 18, 18, tzinfo=UTC)


def uri(did: str, collection: str, rkey: str) -> str:
    return f"at://{did}/app.bsky.feed.{collection}/{rkey}"


def post(did: str, rkey: str, minute: int, *, tags=(), mentions=(), quote: Post | None = None,
         reply: Post | None = None) -> Post:
    kind = PostKind.QUOTE if quote else PostKind.REPLY if reply else PostKind.ORIGINAL
    return Post(id=uri(did, "post", rkey), author_id=did, created_at=T0 + timedelta(minutes=minute),
                kind=kind, text=f"post {rkey}", hashtags=tuple(tags), mention_ids=tuple(mentions),
                ref_id=quote.id if quote else None, ref_author_id=quote.author_id if quote else None,
                reply_to_id=reply.id if reply else None,
                reply_to_author_id=reply.author_id if reply else None)


def repost(did: str, rkey: str, minute: int, of: Post) -> Post:
    return Post(id=uri(did, "repost", rkey), author_id=did, created_at=T0 + timedelta(minutes=minute),
                kind=PostKind.RETWEET, ref_id=of.id, ref_author_id=of.author_id)


def load(store, records, tmp_path, *, batch_size: int):
    stats = load_records(store, records, rejects=RejectsFile(tmp_path / "rejects.jsonl"),
                         batch_size=batch_size)
    assert stats.rejected == 0
    return stats


def answers(store) -> dict:
    """What the analyses read, by account id."""
    return {"posts": posts_by_ids(store), "tagged": posts_by_ids(store, "mynypd"),
            "counts": store.hashtag_counts(), "status": totals(store)["posts"],
            **{kind.value: edges_by_ids(store, kind) for kind in EdgeKind}}


def reference(records, tmp_path) -> dict:
    with SqliteStore(tmp_path / "reference.db") as store:
        load(store, records, tmp_path, batch_size=10_000)
        return answers(store)


ORIGINAL = post(A, "o1", 0, tags=("mynypd", "police"))
UNSEEN = post(A, "o9", 0, tags=("mynypd",))  # reposted, never in the data


@pytest.mark.parametrize("batch_size", [2, 100])
def test_a_repost_has_its_originals_tags_whichever_comes_first(store, tmp_path, batch_size):
    early = repost(B, "r1", 1, ORIGINAL)  # before its original
    late = repost(C, "r2", 2, ORIGINAL)
    lost = repost(C, "r3", 3, UNSEEN)
    first = load(store, [*ACCOUNTS, early], tmp_path, batch_size=batch_size)  # another file
    load(store, [ORIGINAL, late, lost], tmp_path, batch_size=batch_size)
    assert store.hashtag_counts() == {"mynypd": 3, "police": 3}
    assert first.posts == 1
    expected = reference([*ACCOUNTS, ORIGINAL, early, late, lost], tmp_path)
    assert answers(store) == expected
    again = load(store, [*ACCOUNTS, early, ORIGINAL, late, lost], tmp_path, batch_size=batch_size)
    assert again.posts == 0 and answers(store) == expected  # a reload changes nothing


O1 = post(A, "o1", 0, tags=("mynypd",), mentions=(C,))
O2 = post(A, "o2", 5, tags=("mynypd", "police"))
R1 = repost(B, "r1", 1, O1)  # deleted: B's retweet edge to A keeps R2 only, and its time
R2 = repost(B, "r2", 6, O2)
R3 = repost(C, "r3", 2, O1)  # stays, but its original goes, and with it the tag it had from it
Q = post(C, "q1", 7, quote=O2, reply=O1)  # answers a post that is then deleted
X = repost(C, "x1", 8, O2)  # its delete comes before it
EVENTS = [*ACCOUNTS, O1, R1, R3, O2, R2, Q, Deletion(R1.id), Deletion(O1.id), Deletion(X.id), X]
SURVIVORS = [*ACCOUNTS, R3, O2, R2, Q]


@pytest.mark.parametrize(("order", "batch_size"), [
    ("as recorded", 3), ("as recorded", 100), ("deletes first", 3)])
def test_deletes_leave_the_store_as_if_never_posted(store, tmp_path, order, batch_size):
    deletions = [e for e in EVENTS if isinstance(e, Deletion)]
    rest = [e for e in EVENTS if not isinstance(e, Deletion)]
    if order == "as recorded":
        stats = load(store, EVENTS, tmp_path, batch_size=batch_size)
    else:  # as a parallel slice holding them may be written first
        stats = load(store, [*deletions, *rest], tmp_path, batch_size=batch_size)
    expected = reference(SURVIVORS, tmp_path)
    assert answers(store) == expected
    assert expected["retweet"][(B, A)] == (1, int(R2.created_at.timestamp()),
                                           int(R2.created_at.timestamp()))
    assert (A, C) not in expected["mention"] and expected["counts"] == {"mynypd": 2, "police": 2}
    # posts stored and then removed, or never stored, as batches fall: 4 remain either way
    assert stats.posts - stats.deleted == 4 == totals(store)["posts"]
    again = load(store, EVENTS, tmp_path, batch_size=batch_size)
    assert (again.posts, again.deleted) == (0, 0)
    assert answers(store) == expected  # a reload neither brings them back nor counts twice

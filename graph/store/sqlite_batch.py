"""How a batch goes into SQLite: staged in temporary tables, then merged by set-based SQL.

Parallel loaders share one file by taking turns at its write lock, so what
happens while holding the lock decides how fast they go together. Everything
that needs no lock happens before taking it: records become rows of the
connection's own TEMP tables (the TEMP database is private, so writing it takes
no lock on the store). Holding the lock, a few ``INSERT ... SELECT`` statements
merge the staged rows into the store, and the interactions of the posts new to
the store are aggregated into edges, all inside SQLite.

New posts are exactly those with a ``pk`` above the largest before the merge:
``pk`` is the rowid, and a post already stored is ignored, not inserted.

Two Bluesky rules are kept here rather than in the reader, so that a file can be
cut into slices loaded in parallel, and files loaded in any order, with the same
result:

- a repost names no hashtags: it has its original's while the original is
  stored, whichever of the two is stored first (``inherit_tags``);
- a deletion removes the stored post it names (its tags, mentions and share of
  the aggregated edges, and the tags its reposts had from it) and keeps the id in
  ``deleted``, so no later batch stores that post again (``apply_deletions``).
  Record keys are never reused, so a delete is final, whichever of the two events
  a load meets first: the store ends as if the post had never been stored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from tagjack.graph.model import EdgeKind, Post, PostKind
from tagjack.graph.store.base import (
    KIND_CODES,
    Batch,
    BatchCounts,
    account_rows,
)

# made by the first batch a connection writes, not when a store opens: a command that only
# reads needs none, and loads racing to create one store must not also race over these
STAGING = (
    "CREATE TEMP TABLE IF NOT EXISTS staged_accounts (id TEXT PRIMARY KEY, handle TEXT, "
    "name TEXT, followers INTEGER, location_text TEXT)",
    "CREATE TEMP TABLE IF NOT EXISTS staged_posts (seq INTEGER PRIMARY KEY, id TEXT, "
    "author_id TEXT, created_at INTEGER, kind INTEGER, text TEXT, lang TEXT, ref_id TEXT, "
    "ref_author_id TEXT, reply_to TEXT, reply_author_id TEXT, place_id TEXT, lat REAL, lon REAL)",
    "CREATE TEMP TABLE IF NOT EXISTS staged_tags (post_id TEXT, tag TEXT)",
    "CREATE TEMP TABLE IF NOT EXISTS staged_mentions (post_id TEXT, account_id TEXT)",
    "CREATE TEMP TABLE IF NOT EXISTS staged_places (id TEXT PRIMARY KEY, full_name TEXT, "
    "country_code TEXT, lat REAL, lon REAL)",
    "CREATE TEMP TABLE IF NOT EXISTS staged_given (kind TEXT, source_id TEXT, target_id TEXT, "
    "count INTEGER, first_at INTEGER, last_at INTEGER)",
    "CREATE TEMP TABLE IF NOT EXISTS staged_deleted (id TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TEMP TABLE IF NOT EXISTS doomed (pk INTEGER PRIMARY KEY)",
    "CREATE TEMP TABLE IF NOT EXISTS doomed_edges (kind TEXT, source INTEGER, target INTEGER, "
    "count INTEGER, first_at INTEGER, last_at INTEGER, PRIMARY KEY (kind, source, target))",
)
CLEAR = ("DELETE FROM staged_accounts", "DELETE FROM staged_posts", "DELETE FROM staged_tags",
         "DELETE FROM staged_mentions", "DELETE FROM staged_places", "DELETE FROM staged_given",
         "DELETE FROM staged_deleted", "DELETE FROM doomed", "DELETE FROM doomed_edges")

# an account seen again merges with what is stored (see merge_account); a row the merge
# would not change is not rewritten
MERGE_ACCOUNTS = """
INSERT INTO accounts (id, handle, name, followers, location_text)
SELECT id, handle, name, followers, location_text FROM staged_accounts WHERE true
ON CONFLICT (id) DO UPDATE SET
    handle = max(handle, excluded.handle), name = max(name, excluded.name),
    followers = CASE WHEN followers IS NULL THEN excluded.followers
                     WHEN excluded.followers IS NULL THEN followers
                     ELSE max(followers, excluded.followers) END,
    location_text = max(location_text, excluded.location_text)
WHERE excluded.handle > handle OR excluded.name > name OR excluded.location_text > location_text
    OR excluded.followers > coalesce(followers, -1)
"""
MERGE_POSTS = """
INSERT OR IGNORE INTO posts (id, author, created_at, kind, text, lang, ref_id, ref_author,
                             reply_to, reply_author, place_id, lat, lon)
SELECT s.id, a.key, s.created_at, s.kind, s.text, s.lang, s.ref_id, r.key, s.reply_to, y.key,
       s.place_id, s.lat, s.lon
FROM staged_posts s JOIN accounts a ON a.id = s.author_id
LEFT JOIN accounts r ON r.id = s.ref_author_id
LEFT JOIN accounts y ON y.id = s.reply_author_id
WHERE NOT EXISTS (SELECT 1 FROM deleted d WHERE d.id = s.id) ORDER BY s.seq
"""
MERGE_PLACES = """
INSERT OR IGNORE INTO places (id, full_name, country_code, lat, lon)
SELECT id, full_name, country_code, lat, lon FROM staged_places
WHERE id IN (SELECT place_id FROM posts WHERE pk > :before)
"""
MERGE_TAGS = """
INSERT OR IGNORE INTO post_tags (tag, post)
SELECT t.tag, p.pk FROM staged_tags t JOIN posts p ON p.id = t.post_id WHERE p.pk > :before
"""
MERGE_MENTIONS = """
INSERT OR IGNORE INTO post_mentions (post, account)
SELECT p.pk, a.key FROM staged_mentions m JOIN posts p ON p.id = m.post_id
JOIN accounts a ON a.id = m.account_id WHERE p.pk > :before
"""
# A Bluesky repost (its original an at:// URI) takes the tags of its original (see above):
# the new reposts of stored originals, then the stored reposts of new originals, found
# through the partial index posts_reposted (sqlite_schema.sql)
INHERIT_TAGS = f"""
INSERT OR IGNORE INTO post_tags (tag, post)
SELECT t.tag, r.pk FROM posts r JOIN posts o ON o.id = r.ref_id JOIN post_tags t ON t.post = o.pk
WHERE r.pk > :before AND r.kind = {KIND_CODES[PostKind.RETWEET]} AND r.ref_id LIKE 'at://%'
"""
GIVE_TAGS = f"""
INSERT OR IGNORE INTO post_tags (tag, post)
SELECT t.tag, r.pk FROM posts o JOIN post_tags t ON t.post = o.pk
JOIN posts r ON r.ref_id = o.id AND r.kind = {KIND_CODES[PostKind.RETWEET]} AND r.ref_id LIKE 'at://%'
WHERE o.pk > :before AND r.pk <= :before
"""
# Deletions: tombstones first (so no post of this batch they name is stored), then the
# stored posts they name are taken out, with their share of the aggregated edges
TOMBSTONES = "INSERT OR IGNORE INTO deleted (id) SELECT id FROM staged_deleted"
DOOMED = "INSERT INTO doomed (pk) SELECT p.pk FROM staged_deleted d JOIN posts p ON p.id = d.id"
# The interactions of posts, one query per kind: (source, target, created_at) rows of the
# posts with pk > :before (0: all). Self-interactions are data: kept.
INTERACTIONS: dict[EdgeKind, str] = {
    EdgeKind.RETWEET: f"""SELECT author AS source, ref_author AS target, created_at FROM posts
        WHERE pk > :before AND kind = {KIND_CODES[PostKind.RETWEET]} AND ref_author IS NOT NULL""",
    EdgeKind.QUOTE: f"""SELECT author AS source, ref_author AS target, created_at FROM posts
        WHERE pk > :before AND kind = {KIND_CODES[PostKind.QUOTE]} AND ref_author IS NOT NULL""",
    EdgeKind.REPLY: """SELECT author AS source, reply_author AS target, created_at FROM posts
        WHERE pk > :before AND reply_author IS NOT NULL""",
    EdgeKind.MENTION: """SELECT p.author AS source, m.account AS target, p.created_at
        FROM post_mentions m JOIN posts p ON p.pk = m.post WHERE m.post > :before""",
}
# the same for the posts about to be deleted (pk in temp.doomed), and for the posts of the
# accounts in temp.doomed_edges (the pairs whose first or last time may have gone)
DOOMED_INTERACTIONS: dict[EdgeKind, str] = {
    EdgeKind.RETWEET: f"""SELECT author AS source, ref_author AS target, created_at FROM posts
        WHERE pk IN (SELECT pk FROM doomed) AND kind = {KIND_CODES[PostKind.RETWEET]}
        AND ref_author IS NOT NULL""",
    EdgeKind.QUOTE: f"""SELECT author AS source, ref_author AS target, created_at FROM posts
        WHERE pk IN (SELECT pk FROM doomed) AND kind = {KIND_CODES[PostKind.QUOTE]}
        AND ref_author IS NOT NULL""",
    EdgeKind.REPLY: """SELECT author AS source, reply_author AS target, created_at FROM posts
        WHERE pk IN (SELECT pk FROM doomed) AND reply_author IS NOT NULL""",
    EdgeKind.MENTION: """SELECT p.author AS source, m.account AS target, p.created_at
        FROM post_mentions m JOIN posts p ON p.pk = m.post WHERE m.post IN (SELECT pk FROM doomed)""",
}
SURVIVING_INTERACTIONS: dict[EdgeKind, str] = {
    EdgeKind.RETWEET: f"""SELECT author AS source, ref_author AS target, created_at FROM posts
        WHERE author IN (SELECT source FROM doomed_edges WHERE kind = 'retweet')
        AND kind = {KIND_CODES[PostKind.RETWEET]} AND ref_author IS NOT NULL""",
    EdgeKind.QUOTE: f"""SELECT author AS source, ref_author AS target, created_at FROM posts
        WHERE author IN (SELECT source FROM doomed_edges WHERE kind = 'quote')
        AND kind = {KIND_CODES[PostKind.QUOTE]} AND ref_author IS NOT NULL""",
    EdgeKind.REPLY: """SELECT author AS source, reply_author AS target, created_at FROM posts
        WHERE author IN (SELECT source FROM doomed_edges WHERE kind = 'reply')
        AND reply_author IS NOT NULL""",
    EdgeKind.MENTION: """SELECT p.author AS source, m.account AS target, p.created_at
        FROM post_mentions m JOIN posts p ON p.pk = m.post
        WHERE p.author IN (SELECT source FROM doomed_edges WHERE kind = 'mention')""",
}
DOOMED_EDGES = {kind: f"""
INSERT INTO doomed_edges (kind, source, target, count, first_at, last_at)
SELECT '{kind.value}', source, target, count(*), min(created_at), max(created_at)
FROM ({sql}) GROUP BY source, target
""" for kind, sql in DOOMED_INTERACTIONS.items()}
REMOVE_DOOMED = (
    """UPDATE edges SET count = edges.count - d.count FROM doomed_edges d
       WHERE edges.kind = d.kind AND edges.source = d.source AND edges.target = d.target""",
    "DELETE FROM edges WHERE count <= 0",
    # only the pairs that lost their first or last interaction are timed again, below
    """DELETE FROM doomed_edges WHERE NOT EXISTS (SELECT 1 FROM edges e WHERE e.kind = doomed_edges.kind
       AND e.source = doomed_edges.source AND e.target = doomed_edges.target
       AND (e.first_at = doomed_edges.first_at OR e.last_at = doomed_edges.last_at))""",
    "DELETE FROM post_tags WHERE post IN (SELECT pk FROM doomed)",
    # the tags the reposts of a deleted post had from it
    f"""DELETE FROM post_tags WHERE post IN (SELECT r.pk FROM doomed d JOIN posts o ON o.pk = d.pk
       JOIN posts r ON r.ref_id = o.id AND r.kind = {KIND_CODES[PostKind.RETWEET]}
       AND r.ref_id LIKE 'at://%')""",
    "DELETE FROM post_mentions WHERE post IN (SELECT pk FROM doomed)",
    "DELETE FROM posts WHERE pk IN (SELECT pk FROM doomed)",
)
RETIME_EDGES = {kind: f"""
UPDATE edges SET first_at = s.first_at, last_at = s.last_at
FROM (SELECT source, target, min(created_at) AS first_at, max(created_at) AS last_at
      FROM ({sql}) GROUP BY source, target) s
WHERE edges.kind = '{kind.value}' AND edges.source = s.source AND edges.target = s.target
    AND (edges.kind, edges.source, edges.target) IN (SELECT kind, source, target FROM doomed_edges)
""" for kind, sql in SURVIVING_INTERACTIONS.items()}
# the interactions of the posts new to the store, added to the aggregated edges
ADD_EDGES = {kind: f"""
INSERT INTO edges (kind, source, target, count, first_at, last_at)
SELECT '{kind.value}', source, target, count(*), min(created_at), max(created_at)
FROM ({sql}) WHERE true GROUP BY source, target
ON CONFLICT (kind, source, target) DO UPDATE SET count = count + excluded.count,
    first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at)
""" for kind, sql in INTERACTIONS.items()}
COUNT_INTERACTIONS = "SELECT " + " + ".join(
    f"(SELECT count(*) FROM ({sql}))" for sql in INTERACTIONS.values())
# edges given as such (edge lists): a reload replaces, never adds
MERGE_GIVEN = """
INSERT INTO given_edges (kind, source, target, count, first_at, last_at)
SELECT g.kind, s.key, t.key, g.count, g.first_at, g.last_at
FROM staged_given g JOIN accounts s ON s.id = g.source_id JOIN accounts t ON t.id = g.target_id
WHERE true
ON CONFLICT (kind, source, target) DO UPDATE SET
    count = excluded.count, first_at = excluded.first_at, last_at = excluded.last_at
WHERE count <> excluded.count OR first_at IS NOT excluded.first_at
    OR last_at IS NOT excluded.last_at
"""


def stage(db: sqlite3.Connection, batch: Batch, written: dict[str, int]) -> dict[str, int]:
    """Put ``batch`` into the staging tables (no lock on the store is taken).

    ``written`` maps account ids to the hash of the row this connection last
    stored for them: an account repeats in every tweet it posts, and a row
    already stored as-is is not staged again. Returns the entries to add to
    ``written`` once the batch is committed.
    """
    accounts = account_rows(batch, written)
    posts = list({p.id: p for p in batch.posts}.values())  # a post twice in a batch: the last
    db.execute("BEGIN")
    try:
        for statement in STAGING:
            db.execute(statement)
        db.executemany("INSERT INTO staged_accounts VALUES (?, ?, ?, ?, ?)", accounts)
        db.executemany("INSERT INTO staged_posts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       _post_rows(posts))
        db.executemany("INSERT INTO staged_tags VALUES (?, ?)",
                       ((p.id, t) for p in posts for t in p.hashtags))
        db.executemany("INSERT INTO staged_mentions VALUES (?, ?)",
                       ((p.id, m) for p in posts for m in p.mention_ids))
        db.executemany("INSERT OR REPLACE INTO staged_places VALUES (?, ?, ?, ?, ?)",
                       ((p.place.id, p.place.full_name, p.place.country_code, p.place.lat,
                         p.place.lon) for p in posts if p.place))
        db.executemany("INSERT INTO staged_given VALUES (?, ?, ?, ?, ?, ?)", _given_rows(batch))
        db.executemany("INSERT OR IGNORE INTO staged_deleted VALUES (?)",
                       ((d.id,) for d in batch.deletions))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return {row[0]: hash(row) for row in accounts}


def merge(db: sqlite3.Connection, *, deletions: bool) -> BatchCounts:
    """Merge the staged batch into the store; call inside the store's write transaction.

    ``deletions``: whether the batch staged any (most batches have none).
    """
    counts = BatchCounts()
    if deletions:
        db.execute(TOMBSTONES)
    before_key = _top(db, "SELECT coalesce(max(key), 0) FROM accounts")
    db.execute(MERGE_ACCOUNTS)
    counts.accounts = _top(db, "SELECT count(*) FROM accounts WHERE key > ?", (before_key,))
    before = {"before": _top(db, "SELECT coalesce(max(pk), 0) FROM posts")}
    counts.posts = db.execute(MERGE_POSTS).rowcount
    if counts.posts:
        db.execute(MERGE_PLACES, before)
        db.execute(MERGE_TAGS, before)
        db.execute(MERGE_MENTIONS, before)
        inherit_tags(db, before["before"])
        add_interactions(db, before["before"])
        counts.edges = _top(db, COUNT_INTERACTIONS, before)
    changes = db.total_changes
    db.execute(MERGE_GIVEN)
    counts.edges += db.total_changes - changes
    if deletions:
        counts.deleted = apply_deletions(db)
    return counts


def add_interactions(db: sqlite3.Connection, before: int) -> None:
    """Add the interactions of the posts with pk > ``before`` to the aggregated edges."""
    for sql in ADD_EDGES.values():
        db.execute(sql, {"before": before})


def inherit_tags(db: sqlite3.Connection, before: int) -> None:
    """Give the Bluesky reposts their originals' tags, for the posts with pk > ``before``:
    new reposts of stored originals, and stored reposts of new originals. Idempotent."""
    db.execute(INHERIT_TAGS, {"before": before})
    db.execute(GIVE_TAGS, {"before": before})


def apply_deletions(db: sqlite3.Connection) -> int:
    """Remove the stored posts the staged deletions name; returns how many.

    Their interactions are taken off the aggregated edges (a pair left with none is
    removed), and the pairs that lost their first or last interaction are timed again
    from the posts that remain.
    """
    db.execute(DOOMED)
    removed = _top(db, "SELECT count(*) FROM doomed")
    if not removed:
        return 0
    for sql in DOOMED_EDGES.values():
        db.execute(sql)
    for sql in REMOVE_DOOMED:
        db.execute(sql)
    if _top(db, "SELECT EXISTS (SELECT 1 FROM doomed_edges)"):
        for sql in RETIME_EDGES.values():
            db.execute(sql)
    return removed


def clear(db: sqlite3.Connection) -> None:
    db.execute("BEGIN")
    for statement in CLEAR:
        db.execute(statement)
    db.execute("COMMIT")


def _post_rows(posts: list[Post]) -> Iterator[tuple]:
    for seq, p in enumerate(posts):
        place, coords = p.place, p.coordinates
        yield (seq, p.id, p.author_id, int(p.created_at.timestamp()), KIND_CODES[p.kind], p.text,
               p.lang, p.ref_id, p.ref_author_id, p.reply_to_id, p.reply_to_author_id,
               place.id if place else None,
               coords[0] if coords else None, coords[1] if coords else None)


def _given_rows(batch: Batch) -> Iterator[tuple]:
    rows = {}
    for e in batch.edges:  # the same edge twice in a batch: the last
        rows[(e.kind.value, e.source_id, e.target_id)] = (
            e.weight, _epoch_or_none(e.first_at), _epoch_or_none(e.last_at or e.first_at))
    for key, value in rows.items():
        yield (*key, *value)


def _epoch_or_none(value) -> int | None:
    return int(value.timestamp()) if value is not None else None


def _top(db: sqlite3.Connection, sql: str, params: dict | tuple = ()) -> int:
    return db.execute(sql, params).fetchone()[0]

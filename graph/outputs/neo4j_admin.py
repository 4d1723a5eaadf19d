"""The bulk path into Neo4j: the SQLite store as the files ``neo4j-admin database import full``
reads, holding the same graph ``tagjack load --neo4j`` makes from the same input files.

``write_neo4j_admin`` writes one CSV file per label and per relationship type, each with its
typed header, and ``import.args``: the importer's ``--nodes`` / ``--relationships`` options
naming them, for ``neo4j-admin database import full @import.args`` run in that folder
(``make neo4j IMPORT=DIR`` does that). What goes in, as the load statements write it:

- ``:Account {id, handle, name, followers, location_text}``, ``:Hashtag {tag}``, the
  ``:Schema {id: 'tagjack', version}`` marker;
- ``:Post`` with every property ``load/new_posts`` sets, and posts known only as the target
  of a retweet, quote or reply (stubs: an id, and POSTED by the author the first referring
  post names, as ``load/retweets`` links it);
- ``POSTED``, ``TAGGED``, ``MENTIONS``, ``RETWEETS``, ``QUOTES``, ``REPLIES_TO``;
- the aggregated ``RETWEETED``, ``QUOTED``, ``REPLIED_TO``, ``MENTIONED`` edges
  ``{count, first_at, last_at}``, with ``given`` where an edge list gave the edge (its
  weight is in ``count``, as ``load/given_*`` keeps it).

Nodes carry the importer's own ids (``--id-type=actual``: accounts by key, posts by pk, then
hashtags and stubs), so a relationship row is two integers made without a join, and the
importer maps no ids (no sort, no lookups); the ``id`` properties are written as before.
Rows are CSV lines made by SQLite itself and streamed in chunks (a 1M-tweet store is never
held in memory): text always quoted (``""`` is an empty string, an empty field is no
property), floats with 17 significant digits (they read back as the same double), times as
ISO-8601 UTC. Only when some text holds a line break is the importer told that fields may
span lines (it then reads more slowly).
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from tagjack.graph.model import EdgeKind, PostKind
from tagjack.graph.outputs.export import ensure_folder, replacing
from tagjack.graph.store.base import KIND_CODES, NEO4J_SCHEMA_VERSION
from tagjack.graph.store.sqlite import SqliteStore

ARGS_FILE = "import.args"
FETCH = 20_000  # lines per fetch from SQLite
WORKERS = min(4, os.cpu_count() or 1)  # files written at once, a process each
LARGEST = ("posts.csv", "posted.csv", "tagged.csv", "retweeted.csv")  # started first
RETWEET, QUOTE = KIND_CODES[PostKind.RETWEET], KIND_CODES[PostKind.QUOTE]
EDGE_TYPES: dict[EdgeKind, str] = {EdgeKind.RETWEET: "RETWEETED", EdgeKind.QUOTE: "QUOTED",
                                   EdgeKind.REPLY: "REPLIED_TO", EdgeKind.MENTION: "MENTIONED"}

Progress = Callable[[str, int, int], None]  # (file written, files written, files in all)


# whether any text written holds a line break (then the importer must allow for it); one pass
# over each table
TEXT_COLUMNS = {"posts": ("text", "lang", "id", "ref_id", "reply_to", "place_id"),
                "accounts": ("id", "handle", "name", "location_text"),
                "places": ("full_name", "country_code"), "post_tags": ("tag",)}
LINE_BREAKS = "SELECT " + " OR ".join(
    f"EXISTS (SELECT 1 FROM {table} WHERE " + " OR ".join(
        f"instr({c}, char(10)) OR instr({c}, char(13))" for c in columns) + ")"
    for table, columns in TEXT_COLUMNS.items())


def _text(column: str) -> str:
    """A quoted CSV field; NULL gives an empty field (no property)."""
    return f"""coalesce('"' || replace({column}, '"', '""') || '"', '')"""


def _int(column: str) -> str:
    return f"coalesce({column}, '')"


def _float(column: str) -> str:
    return f"CASE WHEN {column} IS NULL THEN '' ELSE printf('%!.17g', {column}) END"


def _time(column: str) -> str:
    return f"coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', {column}, 'unixepoch'), '')"


def _line(*fields: str) -> str:
    return " || ',' || ".join(fields)


KIND_NAME = "CASE p.kind " + " ".join(
    f"WHEN {code} THEN '{kind.value}'" for kind, code in KIND_CODES.items()) + " END"
# Node ids are the importer's own (--id-type=actual): the Schema node 0, then accounts by key,
# posts by pk, hashtags by tag and stubs by id, each a run of its own; the offsets
# (:a0, :p0, :h0, :s0) come from NodeIds. Relationship rows are then two integers each, with no
# join to turn keys into ids, and the importer maps no ids.
# posts referred to by a retweet, quote or reply, with the author the referring post names;
# seq orders them as the Neo4j loader meets them (post by post; retweets, quotes, replies)
REFERENCES = f"""refs (id, author, seq) AS (
    SELECT ref_id, ref_author, pk * 3 + (kind = {QUOTE}) FROM posts
    WHERE kind IN ({RETWEET}, {QUOTE}) AND ref_id <> ''
    UNION ALL
    SELECT reply_to, reply_author, pk * 3 + 2 FROM posts WHERE reply_to <> '')"""
# each stub once, numbered by id, with the author the first referring post names (if any);
# read once, then handed to each connection that writes a file naming stubs (temp.stubs)
STUBS = f"""WITH {REFERENCES}
SELECT s.id, :s0 + row_number() OVER (ORDER BY s.id), a.author FROM (
    SELECT id FROM refs WHERE id NOT IN (SELECT id FROM posts) GROUP BY id) s
LEFT JOIN (SELECT id, author, min(seq) FROM refs
           WHERE author IS NOT NULL AND id NOT IN (SELECT id FROM posts) GROUP BY id) a
    ON a.id = s.id"""
STUBS_TABLE = "CREATE TEMP TABLE stubs (id TEXT PRIMARY KEY, node INTEGER NOT NULL, author INTEGER)"
TAG_IDS = """WITH tags (tag, node) AS (
    SELECT tag, :h0 + row_number() OVER (ORDER BY tag) FROM post_tags GROUP BY tag)"""


def _references(kind: str, column: str) -> str:
    """Post-to-post links to the post ``column`` names: stored (by pk) or a stub (by id)."""
    return f"""
SELECT p.pk + :p0 AS source, coalesce(r.pk + :p0, s.node) AS target FROM posts p
LEFT JOIN posts r ON r.id = p.{column} LEFT JOIN temp.stubs s ON s.id = p.{column}
WHERE {kind} AND p.{column} <> ''"""


def _edges(kind: EdgeKind) -> str:
    """Counted and given edges of one kind, as ``load/<type>`` and ``load/given_<type>`` sum them."""
    return f"""
SELECT e.source + :a0 AS source, e.target + :a0 AS target, e.count + coalesce(g.count, 0) AS count,
       min(e.first_at, coalesce(g.first_at, e.first_at)) AS first_at,
       max(e.last_at, coalesce(g.last_at, e.last_at)) AS last_at, g.count AS given
FROM edges e
LEFT JOIN given_edges g ON g.kind = e.kind AND g.source = e.source AND g.target = e.target
WHERE e.kind = '{kind.value}'
UNION ALL
SELECT g.source + :a0, g.target + :a0, g.count, g.first_at, g.last_at, g.count
FROM given_edges g
WHERE g.kind = '{kind.value}' AND NOT EXISTS (
    SELECT 1 FROM edges e WHERE e.kind = g.kind AND e.source = g.source AND e.target = g.target)"""


@dataclass(frozen=True)
class ImportFile:
    """One file of the import: its importer option, label or type, header and rows."""

    name: str
    option: str  # "nodes" or "relationships"
    label: str  # the node label or relationship type
    header: str
    rows: str  # SQL giving the rows (any columns; node ids offset by NodeIds' parameters)
    line: str  # SQL expression over ``rows``'s columns: the CSV line

    def select(self) -> str:
        return f"SELECT {self.line} FROM ({self.rows})"

    @property
    def names_stubs(self) -> bool:
        return "temp.stubs" in self.rows


@dataclass(frozen=True)
class NodeIds:
    """Where each run of node ids starts: the offsets the rows' SQL adds to keys and ranks."""

    a0: int  # account node = key + a0
    p0: int  # post node = pk + p0
    h0: int  # hashtag node = h0 + its rank by tag (from 1)
    s0: int  # stub node = s0 + its rank by id (from 1)

    @classmethod
    def of(cls, db: sqlite3.Connection) -> NodeIds:
        (kmin, kmax), = db.execute("SELECT min(key), max(key) FROM accounts")
        (pmin, pmax), = db.execute("SELECT min(pk), max(pk) FROM posts")
        (tags,), = db.execute("SELECT count(DISTINCT tag) FROM post_tags")
        first_post = 1 + (0 if kmin is None else kmax - kmin + 1)
        first_tag = first_post + (0 if pmin is None else pmax - pmin + 1)
        return cls(a0=1 - (kmin or 0), p0=first_post - (pmin or 0), h0=first_tag - 1,
                   s0=first_tag + tags - 1)


ACCOUNT_TO_ACCOUNT = ":START_ID,:END_ID,count:long,first_at:datetime,last_at:datetime,given:long"
NODE_TO_NODE = ":START_ID,:END_ID"
POST_COLUMNS = (":ID,id,created_at:datetime,kind,text,lang,ref_author_id,reply_to_author_id,"
                "place_id,place_full_name,place_country_code,place_lat:double,place_lon:double,"
                "lat:double,lon:double")
FILES: tuple[ImportFile, ...] = (  # node files in the order of their ids
    ImportFile("schema.csv", "nodes", "Schema", ":ID,id,version:long",
               f"SELECT 0 AS node, 'tagjack' AS id, {NEO4J_SCHEMA_VERSION} AS version",
               _line("node", _text("id"), _int("version"))),
    ImportFile("accounts.csv", "nodes", "Account", ":ID,id,handle,name,followers:long,location_text",
               "SELECT key + :a0 AS node, id, handle, name, followers, location_text FROM accounts "
               "ORDER BY key",
               _line("node", _text("id"), _text("handle"), _text("name"), _int("followers"),
                     _text("location_text"))),
    ImportFile("posts.csv", "nodes", "Post", POST_COLUMNS, f"""
SELECT p.pk + :p0 AS node, p.id, p.created_at, {KIND_NAME} AS kind, p.text, p.lang,
       r.id AS ref_author_id, y.id AS reply_to_author_id, p.place_id, pl.full_name,
       pl.country_code, pl.lat AS place_lat, pl.lon AS place_lon, p.lat, p.lon
FROM posts p
LEFT JOIN accounts r ON r.key = p.ref_author LEFT JOIN accounts y ON y.key = p.reply_author
LEFT JOIN places pl ON pl.id = p.place_id ORDER BY p.pk""",
               _line("node", _text("id"), _time("created_at"), _text("kind"), _text("text"),
                     _text("lang"), _text("ref_author_id"), _text("reply_to_author_id"),
                     _text("place_id"), _text("full_name"), _text("country_code"),
                     _float("place_lat"), _float("place_lon"), _float("lat"), _float("lon"))),
    ImportFile("hashtags.csv", "nodes", "Hashtag", ":ID,tag",
               f"{TAG_IDS} SELECT node, tag FROM tags ORDER BY node", _line("node", _text("tag"))),
    ImportFile("post_stubs.csv", "nodes", "Post", ":ID,id",
               "SELECT node, id FROM temp.stubs ORDER BY node", _line("node", _text("id"))),
    ImportFile("posted.csv", "relationships", "POSTED", NODE_TO_NODE, """
SELECT author + :a0 AS account, pk + :p0 AS post FROM posts
UNION ALL
SELECT author + :a0, node FROM temp.stubs WHERE author IS NOT NULL""",
               _line("account", "post")),
    ImportFile("tagged.csv", "relationships", "TAGGED", NODE_TO_NODE,
               f"{TAG_IDS} SELECT t.post + :p0 AS post, h.node AS tag FROM post_tags t "
               "JOIN tags h ON h.tag = t.tag", _line("post", "tag")),
    ImportFile("mentions.csv", "relationships", "MENTIONS", NODE_TO_NODE,
               "SELECT post + :p0 AS post, account + :a0 AS account FROM post_mentions",
               _line("post", "account")),
    ImportFile("retweets.csv", "relationships", "RETWEETS", NODE_TO_NODE,
               _references(f"p.kind = {RETWEET}", "ref_id"), _line("source", "target")),
    ImportFile("quotes.csv", "relationships", "QUOTES", NODE_TO_NODE,
               _references(f"p.kind = {QUOTE}", "ref_id"), _line("source", "target")),
    ImportFile("replies_to.csv", "relationships", "REPLIES_TO", NODE_TO_NODE,
               _references("1", "reply_to"), _line("source", "target")),
    *(ImportFile(f"{name.lower()}.csv", "relationships", name, ACCOUNT_TO_ACCOUNT, _edges(kind),
                 _line("source", "target", _int("count"), _time("first_at"), _time("last_at"),
                       _int("given")))
      for kind, name in EDGE_TYPES.items()),
)


def import_args(*, multiline: bool, files: tuple[ImportFile, ...] = FILES) -> list[str]:
    """The importer's options for ``files``, relative to the folder holding them.

    ``multiline``: some text holds a line break, so the importer must read every file as
    able to span lines (slower; its per-file "v2" mode misreads big files where an empty
    string ``""`` ends a buffer, so it is not used).
    """
    args = ["--id-type=actual", *(f"--{f.option}={f.label}={f.name}" for f in files)]
    return [*args, "--multiline-fields=true"] if multiline else args


def write_neo4j_admin(store: SqliteStore, out: Path, *,
                      on_progress: Progress | None = None) -> dict[str, int]:
    """Write the import files and ``import.args`` into the folder ``out``; lines per file.

    Files are written by up to WORKERS processes, each reading the store through a read-only
    connection of its own. Processes, not threads: Python's sqlite3 releases and takes back the
    GIL at every row, and threads contending for it made the export slower than one thread
    (1M tweets: 26.5 s wall with two threads, 16.4 s with one). Each file is written beside
    its name and renamed into place (CannotWrite if it cannot be).
    """
    folder = ensure_folder(Path(out))
    source = Path(store.path).resolve().as_uri() + "?mode=ro"
    ids = dataclasses.asdict(NodeIds.of(store.db))
    stubs = store.db.execute(STUBS, ids).fetchall()
    written: dict[str, int] = {}
    order = sorted(FILES, key=lambda f: f.name not in LARGEST)
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=get_context("spawn")) as pool:
        writing = {pool.submit(_write_one, source, f, folder, ids, stubs if f.names_stubs else None):
                   f.name for f in order}
        multiline = _has_line_breaks(store.db)  # meanwhile, on the store's own connection
        for done in as_completed(writing):
            written[writing[done]] = done.result()
            if on_progress:
                on_progress(writing[done], len(written), len(FILES))
    with replacing(folder / ARGS_FILE) as tmp:
        args = import_args(multiline=multiline)
        tmp.write_text("\n".join(args) + "\n", encoding="utf-8")
    return {f.name: written[f.name] for f in FILES}


def _write_one(source: str, f: ImportFile, folder: Path, ids: dict[str, int],
               stubs: list[tuple[str, int, int | None]] | None) -> int:
    """One file, in a worker process: its lines written."""
    db = sqlite3.connect(source, uri=True)
    try:
        if stubs is not None:
            db.execute(STUBS_TABLE)
            db.executemany("INSERT INTO temp.stubs VALUES (?, ?, ?)", stubs)
        return _write_file(db, f, folder / f.name, ids)
    finally:
        db.close()


def _write_file(db: sqlite3.Connection, f: ImportFile, path: Path, ids: dict[str, int]) -> int:
    lines = 0
    with replacing(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f.header + "\n")
        cursor = db.execute(f.select(), ids)
        while rows := cursor.fetchmany(FETCH):
            fh.write("\n".join(row[0] for row in rows))
            fh.write("\n")
            lines += len(rows)
    return lines


def _has_line_breaks(db: sqlite3.Connection) -> bool:
    return bool(db.execute(LINE_BREAKS).fetchone()[0])

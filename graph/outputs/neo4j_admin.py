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

Rows are CSV lines made by SQLite itself and streamed in chunks (a 1M-tweet store is never
held in memory): text always quoted (``""`` is an empty string, an empty field is no
property), floats with 17 significant digits (they read back as the same double), times as
ISO-8601 UTC. Only when some text holds a line break is the importer told that fields may
span lines (it then reads more slowly).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tagjack.graph.model import EdgeKind, PostKind
from tagjack.graph.outputs.export import ensure_folder, replacing
from tagjack.graph.store.base import KIND_CODES
from tagjack.graph.store.neo4j import SCHEMA_VERSION
from tagjack.graph.store.sqlite import SqliteStore

ARGS_FILE = "import.args"
FETCH = 20_000  # lines per fetch from SQLite
WORKERS = min(4, os.cpu_count() or 1)  # files written at once
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
# posts referred to by a retweet, quote or reply, with the author the referring post names;
# seq orders them as the Neo4j loader meets them (post by post; retweets, quotes, replies)
REFERENCES = f"""refs (id, author, seq) AS (
    SELECT ref_id, ref_author, pk * 3 + (kind = {QUOTE}) FROM posts
    WHERE kind IN ({RETWEET}, {QUOTE}) AND ref_id <> ''
    UNION ALL
    SELECT reply_to, reply_author, pk * 3 + 2 FROM posts WHERE reply_to <> '')"""
STUBS = f"WITH {REFERENCES} SELECT id FROM refs WHERE id NOT IN (SELECT id FROM posts) GROUP BY id"
STUB_AUTHORS = f"""WITH {REFERENCES}
SELECT id, author, min(seq) FROM refs
WHERE author IS NOT NULL AND id NOT IN (SELECT id FROM posts) GROUP BY id"""


def _edges(kind: EdgeKind) -> str:
    """Counted and given edges of one kind, as ``load/<type>`` and ``load/given_<type>`` sum them."""
    return f"""
SELECT s.id AS source, t.id AS target, e.count + coalesce(g.count, 0) AS count,
       min(e.first_at, coalesce(g.first_at, e.first_at)) AS first_at,
       max(e.last_at, coalesce(g.last_at, e.last_at)) AS last_at, g.count AS given
FROM edges e
LEFT JOIN given_edges g ON g.kind = e.kind AND g.source = e.source AND g.target = e.target
JOIN accounts s ON s.key = e.source JOIN accounts t ON t.key = e.target
WHERE e.kind = '{kind.value}'
UNION ALL
SELECT s.id, t.id, g.count, g.first_at, g.last_at, g.count
FROM given_edges g JOIN accounts s ON s.key = g.source JOIN accounts t ON t.key = g.target
WHERE g.kind = '{kind.value}' AND NOT EXISTS (
    SELECT 1 FROM edges e WHERE e.kind = g.kind AND e.source = g.source AND e.target = g.target)"""


@dataclass(frozen=True)
class ImportFile:
    """One file of the import: its importer option, label or type, header and rows."""

    name: str
    option: str  # "nodes" or "relationships"
    label: str  # the node label or relationship type
    header: str
    rows: str  # SQL giving the rows (any columns)
    line: str  # SQL expression over ``rows``'s columns: the CSV line

    def select(self) -> str:
        return f"SELECT {self.line} FROM ({self.rows})"

    def count(self) -> str:
        return f"SELECT count(*) FROM ({self.rows})"


ACCOUNT_TO_ACCOUNT = (":START_ID(Account),:END_ID(Account),count:long,first_at:datetime,"
                      "last_at:datetime,given:long")
POST_TO_POST = ":START_ID(Post),:END_ID(Post)"
POST_COLUMNS = ("id:ID(Post),created_at:datetime,kind,text,lang,ref_author_id,reply_to_author_id,"
                "place_id,place_full_name,place_country_code,place_lat:double,place_lon:double,"
                "lat:double,lon:double")
FILES: tuple[ImportFile, ...] = (
    ImportFile("schema.csv", "nodes", "Schema", "id,version:long",
               f"SELECT 'tagjack' AS id, {SCHEMA_VERSION} AS version",
               _line(_text("id"), _int("version"))),
    ImportFile("accounts.csv", "nodes", "Account",
               "id:ID(Account),handle,name,followers:long,location_text",
               "SELECT id, handle, name, followers, location_text FROM accounts ORDER BY key",
               _line(_text("id"), _text("handle"), _text("name"), _int("followers"),
                     _text("location_text"))),
    ImportFile("hashtags.csv", "nodes", "Hashtag", "tag:ID(Hashtag)",
               "SELECT tag FROM post_tags GROUP BY tag", _text("tag")),
    ImportFile("posts.csv", "nodes", "Post", POST_COLUMNS, f"""
SELECT p.id, p.created_at, {KIND_NAME} AS kind, p.text, p.lang, r.id AS ref_author_id,
       y.id AS reply_to_author_id, p.place_id, pl.full_name, pl.country_code, pl.lat AS place_lat,
       pl.lon AS place_lon, p.lat, p.lon
FROM posts p
LEFT JOIN accounts r ON r.key = p.ref_author LEFT JOIN accounts y ON y.key = p.reply_author
LEFT JOIN places pl ON pl.id = p.place_id ORDER BY p.pk""",
               _line(_text("id"), _time("created_at"), _text("kind"), _text("text"), _text("lang"),
                     _text("ref_author_id"), _text("reply_to_author_id"), _text("place_id"),
                     _text("full_name"), _text("country_code"), _float("place_lat"),
                     _float("place_lon"), _float("lat"), _float("lon"))),
    ImportFile("post_stubs.csv", "nodes", "Post", "id:ID(Post)", STUBS, _text("id")),
    ImportFile("posted.csv", "relationships", "POSTED", ":START_ID(Account),:END_ID(Post)", f"""
SELECT a.id AS account, p.id AS post FROM posts p JOIN accounts a ON a.key = p.author
UNION ALL
SELECT a.id, r.id FROM ({STUB_AUTHORS}) r JOIN accounts a ON a.key = r.author""",
               _line(_text("account"), _text("post"))),
    ImportFile("tagged.csv", "relationships", "TAGGED", ":START_ID(Post),:END_ID(Hashtag)",
               "SELECT p.id AS post, t.tag FROM post_tags t JOIN posts p ON p.pk = t.post",
               _line(_text("post"), _text("tag"))),
    ImportFile("mentions.csv", "relationships", "MENTIONS", ":START_ID(Post),:END_ID(Account)", """
SELECT p.id AS post, a.id AS account FROM post_mentions m
JOIN posts p ON p.pk = m.post JOIN accounts a ON a.key = m.account""",
               _line(_text("post"), _text("account"))),
    ImportFile("retweets.csv", "relationships", "RETWEETS", POST_TO_POST,
               f"SELECT id, ref_id FROM posts WHERE kind = {RETWEET} AND ref_id <> ''",
               _line(_text("id"), _text("ref_id"))),
    ImportFile("quotes.csv", "relationships", "QUOTES", POST_TO_POST,
               f"SELECT id, ref_id FROM posts WHERE kind = {QUOTE} AND ref_id <> ''",
               _line(_text("id"), _text("ref_id"))),
    ImportFile("replies_to.csv", "relationships", "REPLIES_TO", POST_TO_POST,
               "SELECT id, reply_to FROM posts WHERE reply_to <> ''",
               _line(_text("id"), _text("reply_to"))),
    *(ImportFile(f"{name.lower()}.csv", "relationships", name, ACCOUNT_TO_ACCOUNT, _edges(kind),
                 _line(_text("source"), _text("target"), _int("count"), _time("first_at"),
                       _time("last_at"), _int("given")))
      for kind, name in EDGE_TYPES.items()),
)


def import_args(*, multiline: bool, files: tuple[ImportFile, ...] = FILES) -> list[str]:
    """The importer's options for ``files``, relative to the folder holding them.

    ``multiline``: some text holds a line break, so the importer must read every file as
    able to span lines (slower; its per-file "v2" mode misreads big files where an empty
    string ``""`` ends a buffer, so it is not used).
    """
    args = [f"--{f.option}={f.label}={f.name}" for f in files]
    return [*args, "--multiline-fields=true"] if multiline else args


def write_neo4j_admin(store: SqliteStore, out: Path, *,
                      on_progress: Progress | None = None) -> dict[str, int]:
    """Write the import files and ``import.args`` into the folder ``out``; lines per file.

    Files are written by up to WORKERS threads, each reading the store through a read-only
    connection of its own (SQLite builds the lines without holding Python's GIL). Each file is
    written beside its name and renamed into place (CannotWrite if it cannot be).
    """
    folder = ensure_folder(Path(out))
    source = Path(store.path).resolve().as_uri() + "?mode=ro"
    written: dict[str, int] = {}
    lock = threading.Lock()

    def write(f: ImportFile) -> None:
        db = sqlite3.connect(source, uri=True, check_same_thread=False)
        try:
            lines = _write_file(db, f, folder / f.name)
        finally:
            db.close()
        with lock:
            written[f.name] = lines
            if on_progress:
                on_progress(f.name, len(written), len(FILES))

    order = sorted(FILES, key=lambda f: f.name not in LARGEST)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for done in [pool.submit(write, f) for f in order]:
            done.result()
    with replacing(folder / ARGS_FILE) as tmp:
        args = import_args(multiline=_has_line_breaks(store.db))
        tmp.write_text("\n".join(args) + "\n", encoding="utf-8")
    return {f.name: written[f.name] for f in FILES}


def _write_file(db: sqlite3.Connection, f: ImportFile, path: Path) -> int:
    lines = 0
    with replacing(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f.header + "\n")
        cursor = db.execute(f.select())
        while rows := cursor.fetchmany(FETCH):
            fh.write("\n".join(row[0] for row in rows))
            fh.write("\n")
            lines += len(rows)
    return lines


def _has_line_breaks(db: sqlite3.Connection) -> bool:
    return bool(db.execute(LINE_BREAKS).fetchone()[0])

"""Hand the case on: GEXF and GraphML for Gephi and Cytoscape, CSV for spreadsheets, JSON.

``export_data`` reads the store's columns once (accounts, the retweet, quote,
reply and mention edge tables, the posts in scope, the results of the last
``analyze``) into an ``Export``; ``write_export`` writes it in one format.
Before any ``analyze`` the result columns (community, role, city, pagerank,
amplifier_score) are empty.

Output safety, because a hijacked tag is full of crafted text:

- XML (GEXF, GraphML): every string loses the characters XML 1.0 forbids
  (C0 controls but tab and newlines, lone surrogates, U+FFFE, U+FFFF); a
  single NUL in a name would otherwise make the whole file unreadable.
- CSV: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading ``'``, so a spreadsheet shows it instead of
  running it as a formula (OWASP's advice). Numbers are written as numbers
  and never touched, so ``-0.5`` stays ``-0.5``.

Files are written next to their target and renamed into place, so a failed
export never leaves half a file behind.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import orjson
from tagjack.graph.errors import TagjackError
from tagjack.graph.model import EdgeKind, normalize_tag
from tagjack.graph.store.base import CityRow, CoordinatedTable, EdgeTable, PostTable, Results, Store

FORMATS = ("gexf", "graphml", "csv", "json")
ACCOUNT_COLUMNS = ("handle", "community", "role", "city", "pagerank", "amplifier_score", "followers",
                   "id", "name", "location_text", "country", "community_label", "posts", "first_at")
EDGE_COLUMNS = ("source", "target", "type", "weight", "first_at", "last_at")  # DESIGN: fixed
CITY_COLUMNS = ("city", "country", "id", "lat", "lon", "accounts", "posts", "first_at")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
NO_TIME = -1


class CannotWrite(TagjackError):
    """An output file or folder cannot be written (the message says which and why)."""


@dataclass(frozen=True)
class Nodes:
    """Accounts in scope, one row each (sorted keys); ``None`` / -1 where unknown."""

    keys: np.ndarray  # int64 account keys
    ids: list[str]
    handles: list[str]  # the id stands in where no handle is known
    names: list[str]
    location_texts: list[str]
    followers: np.ndarray  # int64
    community: np.ndarray  # int64, -1 unknown
    community_label: list[str | None]
    role: list[str | None]
    city: list[str | None]
    country: list[str | None]
    city_id: list[str | None]
    pagerank: np.ndarray | None  # float64; None before any analyze
    amplifier_score: np.ndarray | None
    posts: np.ndarray  # int64: posts in scope
    first_at: np.ndarray  # int64 epoch seconds of the first activity in scope, -1 unknown

    def __len__(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class Edges:
    """Typed, weighted edges between rows of ``Nodes``: source did ``kind`` to target
    ``weight`` times (self-interactions included)."""

    # retweet | quote | reply | mention | co_retweet | co_reply (coordinated pairs, undirected)
    kind: list[str]
    source: np.ndarray  # row in Nodes
    target: np.ndarray
    weight: np.ndarray  # int64
    first_at: np.ndarray  # int64 epoch seconds, -1 unknown
    last_at: np.ndarray

    def __len__(self) -> int:
        return len(self.kind)


@dataclass(frozen=True)
class CityStats:
    city: CityRow
    accounts: int  # located accounts in scope
    posts: int  # their posts in scope
    first_at: int  # epoch seconds of the first of them, -1 none


@dataclass(frozen=True)
class Export:
    """One consistent read of the store, in the shape every format needs."""

    hashtag: str | None  # normalised, without '#'; None: all posts
    run: str | None  # the analyze run the result columns come from
    nodes: Nodes
    edges: Edges
    communities: list[dict]  # id, size, role, label (of the last analyze)
    cities: list[CityStats]  # in adoption order


def export_data(store: Store, *, hashtag: str | None = None) -> Export:
    """Read what an export needs, one column read per table.

    With ``hashtag`` the graph is the tag's: accounts that posted it, or
    interacted or were interacted with in its posts, and the edges of its
    posts only.
    """
    tag = normalize_tag(hashtag) if hashtag else None
    accounts = store.accounts()
    results = store.results()
    posts = store.posts(hashtag=tag)
    tables = [(kind, store.edges(kind, hashtag=tag)) for kind in EdgeKind]
    if tag is None:
        keys = accounts.keys
    else:
        keys = np.unique(np.concatenate([posts.author, *(t.source for _, t in tables),
                                         *(t.target for _, t in tables)]))
    keys = np.intersect1d(keys, accounts.keys)  # edges never name unknown accounts; be sure
    rows = np.searchsorted(accounts.keys, keys)
    posted, first = _activity(keys, posts, [t for _, t in tables])
    nodes = _nodes(keys, rows, accounts, results, posted, first)
    edges = _edges(keys, [(kind.value, table) for kind, table in tables]
                   + _coordinated_edges(store.coordinated(), keys))
    return Export(hashtag=tag, run=results.run if results else None, nodes=nodes, edges=edges,
                  communities=_communities(results, nodes), cities=_cities(results, nodes))


def _activity(keys: np.ndarray, posts: PostTable,
              edges: Sequence[EdgeTable]) -> tuple[np.ndarray, np.ndarray]:
    """Posts in scope per key, and the first moment each key posted, was retweeted or mentioned."""
    n = len(keys)
    at = np.searchsorted(keys, posts.author)
    known = (at < n) & (keys[np.minimum(at, max(n - 1, 0))] == posts.author) if n else \
        np.zeros(len(posts), dtype=bool)
    posted = np.bincount(at[known], minlength=n).astype(np.int64)
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, at[known], posts.created_at[known])
    for table in edges:
        timed = table.first_at > 0  # given edges without times come back as 0
        for column in (table.source, table.target):
            where = np.searchsorted(keys, column[timed])
            np.minimum.at(first, where, table.first_at[timed])
    first[first == np.iinfo(np.int64).max] = NO_TIME
    return posted, first


def _nodes(keys: np.ndarray, rows: np.ndarray, accounts, results: Results | None,
           posted: np.ndarray, first: np.ndarray) -> Nodes:
    ids = [accounts.ids[r] for r in rows.tolist()]
    handles = [accounts.handles[r] or accounts.ids[r] for r in rows.tolist()]
    n = len(keys)
    if results is None:
        none: list[Any] = [None] * n
        return Nodes(keys, ids, handles, [accounts.names[r] for r in rows.tolist()],
                     [accounts.location_texts[r] for r in rows.tolist()],
                     accounts.followers[rows], np.full(n, -1, dtype=np.int64), none, none, none,
                     none, none, None, None, posted, first)
    at = np.clip(np.searchsorted(results.keys, keys), 0, max(len(results.keys) - 1, 0))
    hit = (results.keys[at] == keys) if len(results.keys) else np.zeros(n, dtype=bool)
    community = np.where(hit, results.community[at], -1) if len(results.keys) else \
        np.full(n, -1, dtype=np.int64)
    labels = {c.id: c.label for c in results.communities}
    cities = {c.id: c for c in results.cities}
    city = [cities.get(results.city_id[a]) if h else None
            for a, h in zip(at.tolist(), hit.tolist(), strict=True)]
    return Nodes(
        keys=keys, ids=ids, handles=handles, names=[accounts.names[r] for r in rows.tolist()],
        location_texts=[accounts.location_texts[r] for r in rows.tolist()],
        followers=accounts.followers[rows], community=community,
        community_label=[labels.get(c) for c in community.tolist()],
        role=[results.role[a] if h else None for a, h in zip(at.tolist(), hit.tolist(), strict=True)],
        city=[c.name if c else None for c in city], country=[c.country if c else None for c in city],
        city_id=[c.id if c else None for c in city],
        pagerank=np.where(hit, results.pagerank[at], 0.0) if len(results.keys) else np.zeros(n),
        amplifier_score=np.where(hit, results.amplifier_score[at], 0.0) if len(results.keys)
        else np.zeros(n),
        posts=posted, first_at=first)


def _coordinated_edges(table: CoordinatedTable, keys: np.ndarray) -> list[tuple[str, EdgeTable]]:
    """Coordinated pairs as edges typed by their kind (co_retweet, ...), between accounts in scope;
    undirected: the source is the pair's first account. They carry no times."""
    out = []
    for kind in sorted(set(table.kind)):
        mine = np.array([k == kind for k in table.kind], dtype=bool)
        mine &= np.isin(table.source, keys) & np.isin(table.target, keys)
        none = np.zeros(int(mine.sum()), dtype=np.int64)
        out.append((kind, EdgeTable(table.source[mine], table.target[mine], table.weight[mine],
                                    none, none)))
    return out


def _edges(keys: np.ndarray, tables: Sequence[tuple[str, EdgeTable]]) -> Edges:
    def times(column: np.ndarray) -> np.ndarray:
        return np.where(column > 0, column, NO_TIME).astype(np.int64)

    kinds: list[str] = []
    for kind, table in tables:
        kinds += [kind] * len(table)
    cat = [np.concatenate([getattr(t, f) for _, t in tables])
           for f in ("source", "target", "weight", "first_at", "last_at")]
    return Edges(kind=kinds, source=np.searchsorted(keys, cat[0]), target=np.searchsorted(keys, cat[1]),
                 weight=cat[2].astype(np.int64), first_at=times(cat[3]), last_at=times(cat[4]))


def _communities(results: Results | None, nodes: Nodes) -> list[dict]:
    if results is None:
        return []
    ids, counts = np.unique(nodes.community[nodes.community >= 0], return_counts=True)
    in_scope = dict(zip(ids.tolist(), counts.tolist(), strict=True))
    return [{"id": c.id, "size": c.size, "role": c.role, "label": c.label,
             "accounts_in_scope": in_scope.get(c.id, 0)} for c in results.communities]


def _cities(results: Results | None, nodes: Nodes) -> list[CityStats]:
    if results is None or not results.cities:
        return []
    index = {c.id: i for i, c in enumerate(results.cities)}
    city = np.array([index.get(c, -1) if c is not None else -1 for c in nodes.city_id],
                    dtype=np.int64)
    located = city >= 0
    n = len(results.cities)
    accounts = np.bincount(city[located], minlength=n)
    posts = np.bincount(city[located], weights=nodes.posts[located], minlength=n)
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    active = located & (nodes.first_at >= 0)
    np.minimum.at(first, city[active], nodes.first_at[active])
    first[first == np.iinfo(np.int64).max] = NO_TIME
    out = [CityStats(c, int(accounts[i]), int(posts[i]), int(first[i]))
           for i, c in enumerate(results.cities) if accounts[i]]
    return sorted(out, key=lambda s: (s.first_at < 0, s.first_at, s.city.name))


# -- writing ---------------------------------------------------------------------------------


def write_export(data: Export, fmt: str, out: Path) -> list[Path]:
    """Write ``data`` as ``fmt`` to ``out`` (a folder for csv, a file otherwise); the paths written.

    Raises CannotWrite (a TagjackError) when ``out`` cannot be written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    out = Path(out)
    if fmt == "csv":
        folder = ensure_folder(out)
        return [
            _write(folder / "accounts.csv", lambda fh: write_csv(fh, ACCOUNT_COLUMNS, account_rows(data)),
                   text=True),
            _write(folder / "edges.csv", lambda fh: write_csv(fh, EDGE_COLUMNS, edge_rows(data)),
                   text=True),
            _write(folder / "cities.csv", lambda fh: write_csv(fh, CITY_COLUMNS, city_rows(data)),
                   text=True),
        ]
    file_target(out)
    if fmt == "json":
        return [_write(out, lambda fh: fh.write(orjson.dumps(export_json(data))))]
    if fmt == "graphml":
        return [_write(out, lambda fh: write_graphml(data, fh))]
    return [_write(out, lambda fh: write_gexf(data, fh))]


def ensure_folder(path: Path) -> Path:
    """``path`` as an existing folder (created with its parents), or CannotWrite."""
    if path.exists() and not path.is_dir():
        raise CannotWrite(f"cannot write into {path}: it is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CannotWrite(f"cannot create folder {path}: {exc.strerror or exc}") from exc
    return path


def file_target(path: Path) -> Path:
    """``path`` as a file to write: its folder exists (created if need be), it is no folder itself."""
    if path.is_dir():
        raise CannotWrite(f"cannot write {path}: it is a folder; give a file name")
    ensure_folder(path.parent)
    return path


def _write(path: Path, fill: Callable[[IO], Any], *, text: bool = False) -> Path:
    """Write through ``fill`` to a temporary file beside ``path``, then rename it into place."""
    with replacing(path) as tmp:
        if text:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:  # csv writes its own \r\n
                fill(fh)
        else:
            with open(tmp, "wb") as fh:
                fill(fh)
    return path


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed onto it when the block ends without error."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise CannotWrite(f"cannot write {path}: {exc.strerror or exc}") from exc
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; a report is for sharing
        os.replace(tmp, path)
    except OSError as exc:
        raise CannotWrite(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# -- CSV ---------------------------------------------------------------------------------------


def csv_cell(value: Any) -> Any:
    """A cell safe to open in a spreadsheet: text that could start a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(fh: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    writer = csv.writer(fh)
    writer.writerow(header)
    writer.writerows([csv_cell(v) for v in row] for row in rows)


def iso_column(epochs: np.ndarray) -> list[str | None]:
    """ISO-8601 UTC text of epoch seconds (vectorised); None where negative (unknown)."""
    text = np.char.add(np.datetime_as_string(np.asarray(epochs, dtype="datetime64[s]"), unit="s"),
                       "Z").tolist()
    return [t if e >= 0 else None for t, e in zip(text, np.asarray(epochs).tolist(), strict=True)]


def account_rows(data: Export) -> Iterator[tuple]:
    """accounts.csv rows, in ACCOUNT_COLUMNS order."""
    n = data.nodes
    community, followers, posts = n.community.tolist(), n.followers.tolist(), n.posts.tolist()
    first = iso_column(n.first_at)
    pagerank = n.pagerank.tolist() if n.pagerank is not None else [None] * len(n)
    score = n.amplifier_score.tolist() if n.amplifier_score is not None else [None] * len(n)
    for i in range(len(n)):
        yield (n.handles[i], community[i] if community[i] >= 0 else None, n.role[i], n.city[i],
               pagerank[i], score[i], followers[i], n.ids[i], n.names[i], n.location_texts[i],
               n.country[i], n.community_label[i], posts[i], first[i])


def edge_rows(data: Export) -> Iterator[tuple]:
    """edges.csv rows: handles, type, weight, first and last time (ISO, UTC)."""
    e, handles = data.edges, data.nodes.handles
    for kind, s, t, w, f, last in zip(e.kind, e.source.tolist(), e.target.tolist(), e.weight.tolist(),
                                      iso_column(e.first_at), iso_column(e.last_at), strict=True):
        yield handles[s], handles[t], kind, w, f, last


def city_rows(data: Export) -> Iterator[tuple]:
    first = iso_column(np.array([s.first_at for s in data.cities], dtype=np.int64))
    for s, f in zip(data.cities, first, strict=True):
        yield s.city.name, s.city.country, s.city.id, s.city.lat, s.city.lon, s.accounts, s.posts, f


# -- JSON --------------------------------------------------------------------------------------


def export_json(data: Export) -> dict:
    """One document: scope, accounts, edges (by handle and id), communities, cities."""
    n = data.nodes
    accounts = [dict(zip(ACCOUNT_COLUMNS, row, strict=True)) for row in account_rows(data)]
    edges = [{"source": s, "target": t, "type": k, "weight": w, "first_at": f, "last_at": last,
              "source_id": n.ids[si], "target_id": n.ids[ti]}
             for (s, t, k, w, f, last), si, ti in zip(edge_rows(data), data.edges.source.tolist(),
                                                      data.edges.target.tolist(), strict=True)]
    return {"hashtag": "#" + data.hashtag if data.hashtag else None, "run": data.run,
            "accounts": accounts, "edges": edges, "communities": data.communities,
            "cities": [dict(zip(CITY_COLUMNS, row, strict=True)) for row in city_rows(data)]}


# -- GEXF and GraphML --------------------------------------------------------------------------
#
# Streamed as text: networkx's writers build the whole element tree first and
# took about 10 s per 60k edges, minutes for a 1M-tweet case. The files are
# read back with networkx (both) and igraph (GraphML) in the tests.

GEXF_NS = "http://www.gexf.net/1.2draft"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NODE_ATTRIBUTES = (  # name, GEXF type, GraphML type
    ("handle", "string", "string"), ("name", "string", "string"), ("followers", "long", "long"),
    ("posts", "long", "long"), ("community", "integer", "int"), ("role", "string", "string"),
    ("city", "string", "string"), ("country", "string", "string"),
    ("pagerank", "double", "double"), ("amplifier_score", "double", "double"),
    ("first_at", "string", "string"))
# one edge per account pair: per-kind counts and their total ``weight``, like twarc-network's
# GEXF, so a Gephi user can filter or size by kind
KIND_NAMES = tuple(kind.value for kind in EdgeKind)
EDGE_ATTRIBUTES = (("weight", "long", "double"),
                   *((kind, "long", "long") for kind in KIND_NAMES),
                   ("first_at", "string", "string"), ("last_at", "string", "string"))


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 forbids."""
    return XML_FORBIDDEN.sub("", value)


def _attr(value: Any) -> str:
    """An XML attribute value, quoted: forbidden characters gone, markup and whitespace escaped."""
    if value.__class__ is int:  # most values: counts, ids, communities
        return f'"{value}"'
    if value.__class__ is float:
        return f'"{value!r}"'
    return _quoted(str(value))


@lru_cache(maxsize=65_536)  # times, kinds, roles and cities repeat from node to node
def _quoted(text: str) -> str:
    return quoteattr(xml_text(text))


def node_values(data: Export) -> Iterator[tuple[str, dict[str, Any]]]:
    """(account id, {attribute: value}) per node, only the attributes that are known."""
    n = data.nodes
    community, followers, posts = n.community.tolist(), n.followers.tolist(), n.posts.tolist()
    first = iso_column(n.first_at)
    pagerank = n.pagerank.tolist() if n.pagerank is not None else None
    score = n.amplifier_score.tolist() if n.amplifier_score is not None else None
    for i in range(len(n)):
        values: dict[str, Any] = {"handle": n.handles[i], "name": n.names[i],
                                  "followers": followers[i], "posts": posts[i]}
        if community[i] >= 0:
            values["community"] = community[i]
        for key, column in (("role", n.role), ("city", n.city), ("country", n.country)):
            if column[i] is not None:
                values[key] = column[i]
        if pagerank is not None and score is not None:
            values["pagerank"], values["amplifier_score"] = pagerank[i], score[i]
        if first[i] is not None:
            values["first_at"] = first[i]
        yield n.ids[i], values


@dataclass(frozen=True)
class PairEdges:
    """Edges folded per (source, target): a count per kind, their total, first and last use."""

    source: np.ndarray  # row in Nodes
    target: np.ndarray
    counts: np.ndarray  # int64, (pairs, len(KIND_NAMES))
    first_at: np.ndarray  # int64 epoch seconds, -1 unknown
    last_at: np.ndarray


def pair_edges(data: Export) -> PairEdges:
    e = data.edges
    n = max(len(data.nodes), 1)
    code = e.source.astype(np.int64) * n + e.target
    pairs, inverse = np.unique(code, return_inverse=True)
    column = np.array([KIND_NAMES.index(k) for k in e.kind], dtype=np.int64)
    counts = np.zeros((len(pairs), len(KIND_NAMES)), dtype=np.int64)
    np.add.at(counts, (inverse, column), e.weight)
    big = np.iinfo(np.int64).max
    first = np.full(len(pairs), big, dtype=np.int64)
    last = np.full(len(pairs), NO_TIME, dtype=np.int64)
    timed = e.first_at >= 0
    np.minimum.at(first, inverse[timed], e.first_at[timed])
    np.maximum.at(last, inverse[timed], e.last_at[timed])
    first[first == big] = NO_TIME
    return PairEdges(pairs // n, pairs % n, counts, first, last)


def edge_values(data: Export) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """(source row, target row, {attribute: value}) per account pair."""
    p = pair_edges(data)
    first, last = iso_column(p.first_at), iso_column(p.last_at)
    for s, t, counts, f, z in zip(p.source.tolist(), p.target.tolist(), p.counts.tolist(),
                                  first, last, strict=True):
        values: dict[str, Any] = {"weight": sum(counts), **dict(zip(KIND_NAMES, counts,
                                                                    strict=True))}
        if f is not None:
            values["first_at"], values["last_at"] = f, z
        yield s, t, values


def write_graphml(data: Export, fh: IO[bytes]) -> None:
    """GraphML: directed, one edge per account pair, keys named like the attributes."""
    out = _Lines(fh)
    out.add(f'<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="{GRAPHML_NS}" '
            f'xmlns:xsi="{XSI}" xsi:schemaLocation="{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd">')
    keys = {}
    for kind, attributes in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        for name, _, typ in attributes:
            keys[kind, name] = f"{kind[0]}_{name}"
            out.add(f'<key id="{kind[0]}_{name}" for="{kind}" attr.name="{name}" attr.type="{typ}"/>')
    out.add('<graph id="G" edgedefault="directed">')
    ids = []
    for node, values in node_values(data):
        ids.append(_attr(node))
        out.add(f"<node id={ids[-1]}>" + "".join(
            f'<data key="{keys["node", k]}">{_text(v)}</data>' for k, v in values.items())
            + "</node>")
    for j, (s, t, values) in enumerate(edge_values(data)):
        out.add(f'<edge id="e{j}" source={ids[s]} target={ids[t]}>' + "".join(
            f'<data key="{keys["edge", k]}">{_text(v)}</data>' for k, v in values.items())
            + "</edge>")
    out.add("</graph>\n</graphml>")
    out.flush()


def write_gexf(data: Export, fh: IO[bytes]) -> None:
    """GEXF 1.2, dynamic: nodes start at their first activity, edges last from first to last use.

    Gephi's timeline can then replay the spread. One edge per account pair, whose
    ``weight`` is all its interactions and whose attributes count each kind (``retweet``,
    ``quote``, ``reply``, ``mention``), as twarc-network writes them. Times are ISO-8601
    UTC (``timeformat="date"``, which Gephi parses with the time of day and networkx reads
    back as text).
    """
    out = _Lines(fh)
    title = "#" + data.hashtag if data.hashtag else "all posts"
    out.add(f'<?xml version="1.0" encoding="UTF-8"?>\n<gexf xmlns="{GEXF_NS}" xmlns:xsi="{XSI}" '
            f'xsi:schemaLocation="{GEXF_NS} {GEXF_NS}/gexf.xsd" version="1.2">')
    out.add(f"<meta><creator>tagjack</creator><description>{_text(title)}</description></meta>")
    out.add('<graph defaultedgetype="directed" mode="dynamic" timeformat="date">')
    node_ids = {name: str(i) for i, (name, _, _) in enumerate(NODE_ATTRIBUTES)}
    edge_attributes = EDGE_ATTRIBUTES[1:]  # weight is the edge's own
    edge_ids = {name: str(i) for i, (name, _, _) in enumerate(edge_attributes)}
    out.add('<attributes class="node" mode="static">' + "".join(
        f'<attribute id="{node_ids[name]}" title="{name}" type="{typ}"/>'
        for name, typ, _ in NODE_ATTRIBUTES) + "</attributes>")
    out.add('<attributes class="edge" mode="static">' + "".join(
        f'<attribute id="{edge_ids[name]}" title="{name}" type="{typ}"/>'
        for name, typ, _ in edge_attributes) + "</attributes>")
    out.add("<nodes>")
    ids = []
    for node, values in node_values(data):
        ids.append(_attr(node))
        start = f" start={_attr(values['first_at'])}" if "first_at" in values else ""
        out.add(f"<node id={ids[-1]} label={_attr(values['handle'])}{start}><attvalues>" + "".join(
            f'<attvalue for="{node_ids[k]}" value={_attr(v)}/>' for k, v in values.items())
            + "</attvalues></node>")
    out.add("</nodes>\n<edges>")
    p = pair_edges(data)
    # counts and ISO times need no escaping; edges are most of a file, so they are written flat
    first, last = iso_column(p.first_at), iso_column(p.last_at)
    kind_ids = [edge_ids[k] for k in KIND_NAMES]
    for j, (s, t, counts, f, z) in enumerate(zip(p.source.tolist(), p.target.tolist(),
                                                 p.counts.tolist(), first, last, strict=True)):
        head = f'<edge id="e{j}" source={ids[s]} target={ids[t]} weight="{sum(counts)}"'
        kinds = "".join(f'<attvalue for="{a}" value="{c}"/>'
                        for a, c in zip(kind_ids, counts, strict=True))
        if f is None:
            out.add(f"{head}><attvalues>{kinds}</attvalues></edge>")
        else:
            out.add(f'{head} start="{f}" end="{z}"><attvalues>{kinds}'
                    f'<attvalue for="{edge_ids["first_at"]}" value="{f}"/>'
                    f'<attvalue for="{edge_ids["last_at"]}" value="{z}"/></attvalues></edge>')
    out.add("</edges>\n</graph>\n</gexf>")
    out.flush()


def _text(value: Any) -> str:
    """XML element text; a carriage return as a reference, since parsers turn a bare one into \\n."""
    return escape(xml_text(value), {"\r": "&#13;"}) if isinstance(value, str) else repr(value) \
        if isinstance(value, float) else str(value)


class _Lines:
    """Lines of text to a binary file, encoded in large chunks."""

    def __init__(self, fh: IO[bytes], *, chunk: int = 4096) -> None:
        self.fh, self.chunk, self.lines = fh, chunk, []

    def add(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.fh.write(("\n".join(self.lines) + "\n").encode("utf-8"))
            self.lines = []

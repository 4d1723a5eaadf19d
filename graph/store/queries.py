"""Named analyst queries, the same names and columns on both stores.

Neo4j runs ``cypher/queries/<name>.cypher``; SQLite runs the SQL below. Only
these queries run, and parameters are always bound (``$name`` / ``:name``),
never formatted in. A query's description is the first comment line of its
Cypher file, so the two can't drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from tagjack.cypher import description
from tagjack.graph.errors import NotFound, TagjackError
from tagjack.graph.model import normalize_tag

REQUIRED = object()
_PARAM_NOTES = re.compile(r"(?<=\.)\s+\$\w+\s*[:,]")  # "... first. $hashtag: the tag"


class QueryParamError(TagjackError):
    """A named query's parameter is missing, unknown or of the wrong type."""


@dataclass(frozen=True)
class Param:
    kind: type  # int or str
    default: Any = REQUIRED
    clean: Callable[[str], str] | None = None  # e.g. '#MyNYPD' -> 'mynypd'


@dataclass(frozen=True)
class Rows:
    """A query's answer: column names, and rows of plain JSON-able values."""

    columns: list[str]
    rows: list[list[Any]]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]


@dataclass(frozen=True)
class NamedQuery:
    name: str
    params: dict[str, Param]
    sql: str
    times: tuple[str, ...] = ()  # SQLite gives epoch seconds: shown as ISO-8601 like Neo4j's
    lists: tuple[str, ...] = field(default=())  # SQLite gives JSON arrays as text

    @property
    def description(self) -> str:
        """The first comment line of the query's Cypher file (what it answers, its params)."""
        return description(f"queries/{self.name}")

    @property
    def summary(self) -> str:
        """The description without its parameter notes."""
        return _PARAM_NOTES.split(self.description, maxsplit=1)[0]


def _handle(value: str) -> str:
    return value.strip().lstrip("@")


HASHTAG = Param(str, clean=normalize_tag)
LIMIT = Param(int, default=20)
HANDLE = Param(str, clean=_handle)
COMMUNITY = Param(int)



def _on_platform(alias: str) -> str:
    """True for an account (row ``alias``) of platform :platform, or any when it is NULL;
    the platform its id names (model.platform_of), as in the Cypher files."""
    return (f"(:platform IS NULL OR CASE WHEN {alias}.id LIKE 'did:%' THEN 'bluesky' "
            f"WHEN {alias}.id LIKE 'acct:%' THEN 'mastodon' ELSE 'twitter' END = :platform)")


# The handle lookup both stores share: case-insensitive, a real account before an
# "@handle" stand-in, then the smallest id; one platform's when :platform is given.
_ACCOUNT_BY = ("SELECT key FROM accounts WHERE handle = {p} COLLATE NOCASE "
               f"AND {_on_platform('accounts')} ORDER BY id LIKE '@%', id LIMIT 1")
# kind codes 1: retweet, 2: quote (graph/store/base.py KIND_CODES). A retweet endorses; a
# quote spreads a post too but may mock it, so it is counted apart, never as a retweet.

_QUERIES = [
    NamedQuery(
        "top_amplifiers", {"hashtag": HASHTAG, "limit": LIMIT},
        f"""
        WITH shared AS (
            SELECT p.author, p.ref_author, p.kind FROM post_tags t JOIN posts p ON p.pk = t.post
            WHERE t.tag = :hashtag AND p.kind IN (1, 2) AND p.ref_author IS NOT NULL
              AND p.ref_author <> p.author),
        tagged AS (SELECT author, ref_author FROM shared WHERE kind = 1),
        counts AS (
            SELECT ref_author AS amplifier, count(*) AS retweets,
                   count(DISTINCT author) AS unique_retweeters
            FROM tagged GROUP BY ref_author),
        quotes AS (SELECT ref_author AS amplifier, count(*) AS quotes FROM shared
                   WHERE kind = 2 GROUP BY ref_author),
        reach AS (
            SELECT d.amplifier, sum(coalesce(r.followers, 0)) AS reach
            FROM (SELECT DISTINCT ref_author AS amplifier, author FROM tagged) d
            JOIN accounts r ON r.key = d.author GROUP BY d.amplifier)
        SELECT a.handle AS handle, a.community AS community, c.retweets AS retweets,
               c.unique_retweeters AS unique_retweeters, coalesce(q.quotes, 0) AS quotes,
               reach.reach AS reach, a.amplifier_score AS score
        FROM counts c JOIN reach ON reach.amplifier = c.amplifier
        LEFT JOIN quotes q ON q.amplifier = c.amplifier
        JOIN accounts a ON a.key = c.amplifier
        WHERE {_on_platform("a")}
        ORDER BY retweets DESC, unique_retweeters DESC, handle, a.id
        LIMIT :limit
        """),
    NamedQuery(
        "community_members", {"community": COMMUNITY, "limit": LIMIT},
        f"""
        SELECT handle, pagerank, amplifier_score AS score, role, followers
        FROM accounts WHERE community = :community AND {_on_platform("accounts")}
        ORDER BY coalesce(pagerank, 0.0) DESC, handle, id
        LIMIT :limit
        """),
    NamedQuery(
        "community_bridges", {"community": COMMUNITY, "limit": LIMIT},
        f"""
        WITH e AS (SELECT source, target, count FROM edges
                   UNION ALL SELECT source, target, count FROM given_edges),
        und(a, b, w) AS (SELECT source, target, count FROM e
                         UNION ALL SELECT target, source, count FROM e)
        SELECT x.handle AS handle, count(DISTINCT y.community) AS other_communities,
               count(DISTINCT y.key) AS neighbours, sum(und.w) AS weight
        FROM und JOIN accounts x ON x.key = und.a JOIN accounts y ON y.key = und.b
        WHERE x.community = :community AND y.community IS NOT NULL
          AND y.community <> :community AND {_on_platform("x")}
        GROUP BY x.key
        ORDER BY other_communities DESC, weight DESC, handle, x.id
        LIMIT :limit
        """),
    NamedQuery(
        "account_neighbourhood", {"handle": HANDLE, "limit": LIMIT},
        f"""
        WITH me AS ({_ACCOUNT_BY.format(p=":handle")}),
        e AS (SELECT kind, source, target, sum(count) AS weight FROM (
                SELECT kind, source, target, count FROM edges
                UNION ALL SELECT kind, source, target, count FROM given_edges)
              GROUP BY kind, source, target),
        n AS (SELECT e.target AS other, e.kind AS type, 'out' AS direction, e.weight AS weight
              FROM e JOIN me ON e.source = me.key
              UNION ALL
              SELECT e.source, e.kind, 'in', e.weight FROM e JOIN me ON e.target = me.key)
        SELECT b.handle AS handle, n.type AS type, n.direction AS direction, n.weight AS weight,
               b.community AS community
        FROM n JOIN accounts b ON b.key = n.other JOIN me ON n.other <> me.key
        ORDER BY weight DESC, handle, type, direction, b.id
        LIMIT :limit
        """),
    NamedQuery(
        "shortest_path", {"source": HANDLE, "target": HANDLE},
        # Distances from both ends (breadth-first, up to 6 hops), then a walk that takes,
        # at each step, the first (handle, id) among neighbours on some shortest path:
        # the same path as Cypher's first of allShortestPaths ordered by handles.
        f"""
        WITH RECURSIVE
        pairs(a, b) AS MATERIALIZED (
            SELECT source, target FROM edges WHERE source <> target
            UNION SELECT source, target FROM given_edges WHERE source <> target),
        adj(a, b) AS MATERIALIZED (SELECT a, b FROM pairs UNION SELECT b, a FROM pairs),
        src(key) AS ({_ACCOUNT_BY.format(p=":source")}),
        dst(key) AS ({_ACCOUNT_BY.format(p=":target")}),
        fwd_walk(node, hops) AS (
            SELECT key, 0 FROM src
            UNION SELECT adj.b, f.hops + 1 FROM fwd_walk f JOIN adj ON adj.a = f.node
            WHERE f.hops < 6),
        fwd(node, hops) AS MATERIALIZED (SELECT node, min(hops) FROM fwd_walk GROUP BY node),
        bwd_walk(node, hops) AS (
            SELECT key, 0 FROM dst
            UNION SELECT adj.b, w.hops + 1 FROM bwd_walk w JOIN adj ON adj.a = w.node
            WHERE w.hops < 6),
        bwd(node, hops) AS MATERIALIZED (SELECT node, min(hops) FROM bwd_walk GROUP BY node),
        total(d) AS (SELECT fwd.hops FROM fwd JOIN dst ON fwd.node = dst.key WHERE fwd.hops > 0),
        walk(step, node) AS (
            SELECT 0, key FROM src WHERE EXISTS (SELECT 1 FROM total)
            UNION ALL
            SELECT w.step + 1, (
                SELECT adj.b FROM adj JOIN fwd ON fwd.node = adj.b JOIN bwd ON bwd.node = adj.b
                JOIN accounts c ON c.key = adj.b
                WHERE adj.a = w.node AND fwd.hops = w.step + 1 AND bwd.hops = t.d - w.step - 1
                ORDER BY c.handle, c.id LIMIT 1)
            FROM walk w, total t WHERE w.step < t.d)
        SELECT max(step) AS hops, json_group_array(handle) AS path
        FROM (SELECT walk.step, a.handle FROM walk JOIN accounts a ON a.key = walk.node
              ORDER BY walk.step)
        HAVING count(*) > 0
        """,
        lists=("path",)),
    NamedQuery(
        "city_spread", {"hashtag": HASHTAG},
        f"""
        SELECT c.name AS city, c.country AS country, min(p.created_at) AS first_at,
               count(DISTINCT p.author) AS accounts, count(*) AS posts
        FROM post_tags t JOIN posts p ON p.pk = t.post JOIN accounts a ON a.key = p.author
        JOIN cities c ON c.id = a.city_id
        WHERE t.tag = :hashtag AND {_on_platform("a")}
        GROUP BY c.id
        ORDER BY first_at, city, c.id
        """,
        times=("first_at",)),
    NamedQuery(
        "hashtag_cooccurrence", {"hashtag": HASHTAG, "limit": LIMIT},
        f"""
        SELECT o.tag AS hashtag, count(*) AS posts, count(DISTINCT p.author) AS accounts
        FROM post_tags t JOIN post_tags o ON o.post = t.post AND o.tag <> t.tag
        JOIN posts p ON p.pk = t.post JOIN accounts a ON a.key = p.author
        WHERE t.tag = :hashtag AND {_on_platform("a")}
        GROUP BY o.tag
        ORDER BY posts DESC, hashtag
        LIMIT :limit
        """),
    NamedQuery(
        "origin_retweeters", {"handle": HANDLE, "hashtag": HASHTAG, "limit": LIMIT},
        f"""
        WITH o AS ({_ACCOUNT_BY.format(p=":handle")})
        SELECT x.handle AS handle, count(*) AS retweets, min(p.created_at) AS first_at,
               x.community AS community, x.followers AS followers
        FROM post_tags t JOIN posts p ON p.pk = t.post JOIN o ON p.ref_author = o.key
        JOIN accounts x ON x.key = p.author
        WHERE t.tag = :hashtag AND p.kind = 1 AND p.author <> o.key
        GROUP BY x.key
        ORDER BY first_at, handle, x.id
        LIMIT :limit
        """,
        times=("first_at",)),
    NamedQuery(
        "origin_engagement", {"handle": HANDLE, "hashtag": HASHTAG, "limit": LIMIT},
        f"""
        WITH o AS ({_ACCOUNT_BY.format(p=":handle")}),
        engaged AS (
            SELECT p.author, p.created_at, p.kind = 2 AND p.ref_author = o.key AS quoted,
                   p.reply_author IS NOT NULL AND p.reply_author = o.key AS replied
            FROM post_tags t JOIN posts p ON p.pk = t.post JOIN o
            WHERE t.tag = :hashtag AND p.author <> o.key
              AND ((p.kind = 2 AND p.ref_author = o.key) OR p.reply_author = o.key))
        SELECT x.handle AS handle, sum(e.quoted) AS quotes, sum(e.replied) AS replies,
               min(e.created_at) AS first_at, x.community AS community, x.followers AS followers
        FROM engaged e JOIN accounts x ON x.key = e.author
        GROUP BY x.key
        ORDER BY quotes + replies DESC, first_at, handle, x.id
        LIMIT :limit
        """,
        times=("first_at",)),
    NamedQuery(
        "coordinated_groups", {"limit": LIMIT},
        f"""
        WITH cw AS (SELECT c.kind, c.grp, c.source, c.target, c.window_s
                    FROM coordinated_with c JOIN accounts a ON a.key = c.source
                    WHERE {_on_platform("a")}),
        members AS (SELECT kind, grp, source AS account FROM cw
                    UNION SELECT kind, grp, target FROM cw),
        g AS (SELECT kind, grp, count(*) AS pairs, max(window_s) AS window_s
              FROM cw GROUP BY kind, grp)
        SELECT g.kind AS kind, g.grp AS "group",
               (SELECT count(*) FROM members m WHERE m.kind = g.kind AND m.grp = g.grp) AS size,
               g.pairs AS pairs, g.window_s AS window_s,
               (SELECT json_group_array(handle) FROM (
                    SELECT DISTINCT a.handle AS handle FROM members m JOIN accounts a ON a.key = m.account
                    WHERE m.kind = g.kind AND m.grp = g.grp ORDER BY a.handle)) AS members
        FROM g
        ORDER BY size DESC, kind, "group"
        LIMIT :limit
        """,
        lists=("members",)),
]

QUERIES: dict[str, NamedQuery] = {q.name: q for q in _QUERIES}


def get_query(name: str) -> NamedQuery:
    try:
        return QUERIES[name]
    except KeyError:
        raise NotFound(f"no named query {name!r}",
                       hint="tagjack query --list shows them: " + ", ".join(QUERIES)) from None


def bind(query: NamedQuery, raw: Mapping[str, str]) -> dict[str, Any]:
    """Typed parameter values from ``k=v`` strings, defaults filled in."""
    unknown = sorted(set(raw) - set(query.params))
    if unknown:
        raise QueryParamError(f"{query.name} takes no parameter {unknown[0]!r}",
                              hint="it takes: " + signature(query))
    bound: dict[str, Any] = {}
    for name, param in query.params.items():
        if name not in raw:
            if param.default is REQUIRED:
                raise QueryParamError(f"{query.name} needs --param {name}=...",
                                      hint="it takes: " + signature(query))
            bound[name] = param.default
            continue
        bound[name] = _convert(query.name, name, param, raw[name])
    return bound


def _convert(query: str, name: str, param: Param, text: str) -> Any:
    if param.kind is int:
        try:
            return int(text)
        except ValueError:
            raise QueryParamError(f"{query}: {name} must be a whole number, not {text!r}") from None
    return param.clean(text) if param.clean else text


def signature(query: NamedQuery) -> str:
    """``hashtag=<str> limit=<int> (default 20)``, for --list and hints."""
    return " ".join(f"{n}=<{p.kind.__name__}>" + ("" if p.default is REQUIRED else f" (default {p.default})")
                    for n, p in query.params.items())


def run_query(store: Any, name: str, raw: Mapping[str, str], *, platform: str | None = None) -> Rows:
    """Run named query ``name`` on either store with ``k=v`` parameters, over one
    platform's accounts when ``platform`` is given (every query takes ``$platform``)."""
    query = get_query(name)
    params = {**bind(query, raw), "platform": platform}
    if hasattr(store, "named_query"):  # Neo4jStore
        return store.named_query(name, params)
    db = getattr(store, "db", None)
    if db is None:
        raise TagjackError(f"named queries need the SQLite or the Neo4j store, not {store.name}")
    cursor = db.execute(query.sql, params)
    columns = [d[0] for d in cursor.description]
    rows = [list(r) for r in cursor.fetchall()]
    return Rows(columns, [_sqlite_row(query, columns, r) for r in rows])


def _sqlite_row(query: NamedQuery, columns: list[str], row: list[Any]) -> list[Any]:
    for i, column in enumerate(columns):
        if row[i] is None:
            continue
        if column in query.times:
            row[i] = iso_utc(datetime.fromtimestamp(row[i], tz=UTC))
        elif column in query.lists:
            row[i] = orjson.loads(row[i])
    return row


def iso_utc(at: datetime) -> str:
    """ISO-8601 UTC with a Z and seconds always shown (Neo4j's toString drops ':00')."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

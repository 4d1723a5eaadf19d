"""The Neo4j store's batches as rows for its ``load/*`` statements: one plan per batch, rows
unique by id or pair and sorted, so concurrent loads take locks in one order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from tagjack.graph.model import AccountEdge, EdgeKind, Post, PostKind
from tagjack.graph.store.base import ACCOUNT_FIELDS, Batch, account_rows


@dataclass(frozen=True)
class BatchPlan:
    """A batch as the statements take it: accounts merged per id (stubs for referenced
    ids), posts unique by id (last wins), given edges unique per pair (last wins)."""

    accounts: list[dict]
    posts: list[Post]
    edges: list[AccountEdge]
    deletions: list[str]  # ids of deleted posts, unique, sorted

    @classmethod
    def of(cls, batch: Batch, *, written: Mapping[str, int] | None = None) -> BatchPlan:
        """``written``: rows this store already committed, by id; those rows, and stubs of
        ids it wrote, are left out (an account repeats in every tweet it posts)."""
        posts = list({p.id: p for p in batch.posts}.values())
        edges = list({(e.kind, e.source_id, e.target_id): e for e in batch.edges}.values())
        return cls(_account_rows(batch, written or {}), posts, edges,
                   sorted({d.id for d in batch.deletions}))

    @property
    def referenced_posts(self) -> list[str]:
        """Ids of the posts this batch's posts retweet, quote or reply to."""
        return [i for p in self.posts for i in (p.ref_id, p.reply_to_id) if i]


class PostState(NamedTuple):
    """A post id that is a node: ``stored`` (has created_at) or a stub; ``authored``: has a
    POSTED link."""

    stored: bool
    authored: bool


REFERENCE_STATEMENTS = {PostKind.RETWEET: "load/retweets", PostKind.QUOTE: "load/quotes"}


def reference_rows(new: Iterable[Post]) -> dict[str, list[dict]]:
    """Per link statement, the rows linking new posts to the posts they refer to, sorted."""
    out: dict[str, list[dict]] = {"load/retweets": [], "load/quotes": [], "load/replies_to": []}
    for p in new:
        name = REFERENCE_STATEMENTS.get(p.kind)
        if name and p.ref_id:
            out[name].append({"id": p.id, "ref_id": p.ref_id})
        if p.reply_to_id:
            out["load/replies_to"].append({"id": p.id, "reply_to_id": p.reply_to_id})
    for rows in out.values():
        rows.sort(key=lambda r: r["id"])
    return out


def stub_plan(new: Iterable[Post], states: Mapping[str, PostState],
              created: set[str]) -> tuple[list[str], list[dict]]:
    """Stubs to create for what ``new`` refers to, and stub authors to link.

    A referred post that is no node (not in ``states``) and not among the posts ``created``
    now becomes a stub. Its author, and that of an older stub without one, is the one the
    first referring post names (a referring post may name none). Both lists sorted by id.
    """
    missing: set[str] = set()
    authors: dict[str, str] = {}
    for p in new:
        for ref, author in ((p.ref_id, p.ref_author_id), (p.reply_to_id, p.reply_to_author_id)):
            if not ref or ref in created:
                continue
            state = states.get(ref)
            if state is None:
                missing.add(ref)
            elif state.authored or state.stored:
                continue
            if author:
                authors.setdefault(ref, author)
    return sorted(missing), [{"id": i, "author_id": a} for i, a in sorted(authors.items())]


def row_hash(row: dict) -> int:
    return hash(tuple(row.values()))


def _account_rows(batch: Batch, written: Mapping[str, int]) -> list[dict]:
    rows = [dict(zip(ACCOUNT_FIELDS, row, strict=True)) for row in account_rows(batch, written)]
    return sorted(rows, key=lambda r: r["id"])  # one lock order: fewer deadlocks


def post_row(p: Post) -> dict:
    place = p.place
    lat, lon = p.coordinates if p.coordinates else (None, None)
    return {
        "id": p.id, "author_id": p.author_id, "created_at": _epoch(p.created_at),
        "kind": p.kind.value, "text": p.text, "lang": p.lang, "ref_author_id": p.ref_author_id,
        "reply_to_author_id": p.reply_to_author_id,
        "tags": list(dict.fromkeys(p.hashtags)), "mention_ids": list(dict.fromkeys(p.mention_ids)),
        "place_id": place.id if place else None,
        "place_full_name": place.full_name if place else None,
        "place_country_code": place.country_code if place else None,
        "place_lat": place.lat if place else None, "place_lon": place.lon if place else None,
        "lat": lat, "lon": lon,
    }


def interaction_rows(posts: Iterable[Post]) -> dict[EdgeKind, list[dict]]:
    """Retweets, quotes, replies and mentions of ``posts``, summed per account pair and kind.

    Self-interactions are data: kept. A quote that replies counts as both. Rows are
    sorted by pair, so concurrent loads lock relationships in one order.
    """
    agg: dict[tuple[EdgeKind, str, str], list[int]] = {}
    for p in posts:
        at = _epoch(p.created_at)
        targets: list[tuple[EdgeKind, str]] = []
        if p.kind is PostKind.RETWEET and p.ref_author_id:
            targets.append((EdgeKind.RETWEET, p.ref_author_id))
        elif p.kind is PostKind.QUOTE and p.ref_author_id:
            targets.append((EdgeKind.QUOTE, p.ref_author_id))
        if p.reply_to_author_id:
            targets.append((EdgeKind.REPLY, p.reply_to_author_id))
        targets.extend((EdgeKind.MENTION, m) for m in p.mention_ids)
        for kind, target in targets:
            row = agg.get((kind, p.author_id, target))
            if row is None:
                agg[(kind, p.author_id, target)] = [1, at, at]
            else:
                row[0] += 1
                row[1] = min(row[1], at)
                row[2] = max(row[2], at)
    out: dict[EdgeKind, list[dict]] = {kind: [] for kind in EdgeKind}
    for (kind, source, target), (count, first, last) in sorted(agg.items()):
        out[kind].append({"source_id": source, "target_id": target, "count": count,
                          "first_at": first, "last_at": last})
    return out


def doomed_pairs(doomed: Iterable[Mapping]) -> dict[EdgeKind, list[dict]]:
    """The account pairs, per kind, whose edges count the posts of ``doomed`` (rows of
    ``load/doomed_posts``), sorted: the edges to count again once those posts are gone."""
    pairs: dict[EdgeKind, set[tuple[str, str]]] = {kind: set() for kind in EdgeKind}
    for d in doomed:
        source = d["author_id"]
        if d["kind"] == PostKind.RETWEET.value and d["ref_author_id"]:
            pairs[EdgeKind.RETWEET].add((source, d["ref_author_id"]))
        elif d["kind"] == PostKind.QUOTE.value and d["ref_author_id"]:
            pairs[EdgeKind.QUOTE].add((source, d["ref_author_id"]))
        if d["reply_to_author_id"]:
            pairs[EdgeKind.REPLY].add((source, d["reply_to_author_id"]))
        pairs[EdgeKind.MENTION].update((source, m) for m in d["mention_ids"])
    return {kind: [{"source_id": s, "target_id": t} for s, t in sorted(found)]
            for kind, found in pairs.items() if found}


def given_edge_row(e: AccountEdge) -> dict:
    last = e.last_at or e.first_at
    return {"source_id": e.source_id, "target_id": e.target_id, "weight": e.weight,
            "first_at": _epoch(e.first_at) if e.first_at else None,
            "last_at": _epoch(last) if last else None}


def _epoch(at: datetime) -> int:
    return int(at.timestamp())

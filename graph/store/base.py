"""The Store protocol: what every store (SQLite, Neo4j) offers the rest of tagjack.

Stores only do I/O. Reads hand analytics plain columns (numpy arrays keyed by
an integer *account key* that is stable within one open store), so a
10M-tweet case never becomes 10M Python objects.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol, Self

import numpy as np
from tagjack.graph.model import Account, AccountEdge, Deletion, EdgeKind, Place, Post, PostKind

# the graph model version a Neo4j database's :Schema node holds (1, no :Schema node: quotes in
# RETWEETED, self-interactions dropped); here so the bulk export needs no Neo4j driver
NEO4J_SCHEMA_VERSION = 2
KIND_CODES: dict[PostKind, int] = {
    PostKind.ORIGINAL: 0,
    PostKind.RETWEET: 1,
    PostKind.QUOTE: 2,
    PostKind.REPLY: 3,
}
ACCOUNT_FIELDS = ("id", "handle", "name", "followers", "location_text")


@dataclass(slots=True)
class Batch:
    """Records written together in one transaction."""

    accounts: list[Account] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    edges: list[AccountEdge] = field(default_factory=list)
    deletions: list[Deletion] = field(default_factory=list)  # applied after the posts

    def __len__(self) -> int:
        return len(self.accounts) + len(self.posts) + len(self.edges) + len(self.deletions)

    def referenced_ids(self) -> Iterator[str]:
        """Ids of the accounts the posts and edges refer to (with repeats)."""
        for p in self.posts:
            yield p.author_id
            if p.ref_author_id:
                yield p.ref_author_id
            if p.reply_to_author_id:
                yield p.reply_to_author_id
            yield from p.mention_ids
        for e in self.edges:
            yield e.source_id
            yield e.target_id


@dataclass(slots=True)
class BatchCounts:
    """What one batch added: new posts, new accounts, new edge interactions; and the stored
    posts its deletions removed."""

    posts: int = 0
    accounts: int = 0
    edges: int = 0
    deleted: int = 0


@dataclass(frozen=True, slots=True)
class Status:
    store: str
    posts: int
    accounts: int
    hashtags: int
    cities: int
    retweet_edges: int
    quote_edges: int
    reply_edges: int
    mention_edges: int
    communities: int
    platforms: dict[str, dict[str, int]] = field(default_factory=dict)  # {platform: {posts, accounts}}


@dataclass(frozen=True)
class AccountTable:
    """All accounts, row i describing account key ``keys[i]``."""

    keys: np.ndarray  # int64
    ids: list[str]
    handles: list[str]
    names: list[str]
    followers: np.ndarray  # int64, 0 when unknown
    location_texts: list[str]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class EdgeTable:
    """Aggregated account edges of one kind: source did it to target ``weight`` times.

    Self-interactions (source == target) are data and are included; analytics that they
    would distort leave them out.
    """

    source: np.ndarray  # int64 account keys
    target: np.ndarray
    weight: np.ndarray  # int64
    first_at: np.ndarray  # int64 epoch seconds UTC
    last_at: np.ndarray

    def __len__(self) -> int:
        return len(self.source)


@dataclass(frozen=True)
class PostTable:
    """Posts as columns; ``ref_author`` (of the retweeted or quoted post) and ``reply_author``
    (of the replied-to post) are -1 where there is none."""

    author: np.ndarray  # int64 account keys
    created_at: np.ndarray  # int64 epoch seconds UTC
    kind: np.ndarray  # int8, see KIND_CODES
    ref_author: np.ndarray  # int64
    reply_author: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.author)


@dataclass(frozen=True)
class ActionTable:
    """Posts of one kind that refer to another post (retweets, replies), one row each.

    ``target`` numbers the referred-to posts densely, ``targets[target[i]]`` being the
    post id; ``id_number`` is the acting post's id as an integer (-1 when the id is not
    a number), from which Twitter ids give the time to the millisecond.
    """

    account: np.ndarray  # int64 account keys
    target: np.ndarray  # int64, index into targets
    id_number: np.ndarray  # int64
    created_at: np.ndarray  # int64 epoch seconds UTC
    targets: list[str]

    def __len__(self) -> int:
        return len(self.account)


@dataclass(frozen=True)
class CoordinatedTable:
    """Coordinated account pairs, as ``tagjack coordination`` found and wrote them.

    One row per pair and kind (``source < target`` by account key): the plain co-action
    weight, the window in seconds, the group both belong to, the distinct posts they acted on
    together and the pair's p-value.
    """

    kind: list[str]  # co_retweet | co_reply
    source: np.ndarray  # int64 account keys
    target: np.ndarray
    weight: np.ndarray  # int64
    window_s: np.ndarray  # float64
    group: np.ndarray  # int64
    posts: np.ndarray  # int64
    p_value: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.kind)


@dataclass(frozen=True)
class GeoEvidence:
    """What the data says of where accounts are (geo.py turns it into cities)."""

    location_texts: dict[int, str]
    places: dict[int, list[Place]]
    coordinates: dict[int, list[tuple[float, float]]]


@dataclass(frozen=True)
class HashtagUse:
    tag: str
    posts: int
    accounts: int
    first_at: int  # epoch seconds


@dataclass(frozen=True)
class CommunityRow:
    id: int
    size: int
    role: str  # campaign | hijacker | other
    label: str


@dataclass(frozen=True)
class CityRow:
    id: str
    name: str
    country: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Results:
    """Analysis results written back to the store, per account key."""

    run: str
    keys: np.ndarray  # int64
    community: np.ndarray  # int64, -1 for none
    pagerank: np.ndarray  # float64
    amplifier_score: np.ndarray  # float64
    role: list[str]
    city_id: list[str | None]
    city_source: list[str | None]
    communities: list[CommunityRow]
    cities: list[CityRow]
    meta: dict  # JSON-able summary of the run (engine, hashtag, modularity, ...)


class Store(Protocol):
    """What analytics and the CLI may ask of a store."""

    name: str  # shown to users; never holds credentials

    def write_batch(self, batch: Batch) -> BatchCounts:
        """Write a batch in one transaction; idempotent (ids are keys)."""
        ...

    def status(self) -> Status: ...

    def accounts(self) -> AccountTable: ...

    def edges(self, kind: EdgeKind, *, hashtag: str | None = None) -> EdgeTable:
        """Aggregated edges, over all posts or only posts tagged ``hashtag``."""
        ...

    def posts(self, *, hashtag: str | None = None) -> PostTable: ...

    def posts_of_tags(self, tags: Sequence[str]) -> dict[str, PostTable]:
        """The posts of several tags in one read: entry ``t`` equals ``posts(hashtag=t)``.

        Keyed by the tags as given (any case, '#' optional); a tag without posts
        gets an empty table. Spread reads a tag and its variants this way.
        """
        ...

    def actions(self, kind: PostKind, *, hashtag: str | None = None) -> ActionTable:
        """Retweets (``kind`` retweet) or replies (reply; a quote that replies too) with the post
        they retweet or answer: who, what, when.

        Only posts whose referred-to post id is known; over all posts or those tagged ``hashtag``.
        """
        ...

    def hashtags(self, *, platform: str | None = None) -> list[HashtagUse]:
        """Tags in use (by posts of ``platform``'s accounts only, when given)."""
        ...

    def hashtag_counts(self, *, platform: str | None = None) -> dict[str, int]:
        """Posts per tag in use: the ``posts`` of ``hashtags()``, without its costlier columns."""
        ...

    def cooccurring(self, hashtag: str, *, platform: str | None = None) -> dict[str, int]:
        """Tags used in the same posts as ``hashtag``, with the number of such posts."""
        ...

    def geo_evidence(self) -> GeoEvidence: ...

    def write_results(self, results: Results) -> None: ...

    def results(self) -> Results | None:
        """The last written results, or None before any analysis."""
        ...

    def write_coordinated(self, kind: str, table: CoordinatedTable) -> None:
        """Replace the coordinated pairs of ``kind`` with ``table`` (all of that kind)."""
        ...

    def coordinated(self) -> CoordinatedTable:
        """The coordinated pairs last written, every kind (empty before any)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def coordinated_table(rows: Sequence[Sequence]) -> CoordinatedTable:
    """Rows of (kind, source key, target key, weight, window_s, group, posts, p_value)."""
    def column(i: int, dtype: type) -> np.ndarray:
        return np.array([r[i] for r in rows], dtype=dtype)

    return CoordinatedTable([r[0] for r in rows], column(1, np.int64), column(2, np.int64),
                            column(3, np.int64), column(4, np.float64), column(5, np.int64),
                            column(6, np.int64), column(7, np.float64))


def iter_chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def merge_account(old: tuple, new: tuple) -> tuple:
    """One account seen twice: the same result in any order, so parallel and repeated loads agree.

    Text fields keep the non-empty value (of two, the larger); followers the largest count.
    """
    followers = old[3] if new[3] is None else new[3] if old[3] is None else max(old[3], new[3])
    return (old[0], max(old[1], new[1]), max(old[2], new[2]), followers, max(old[4], new[4]))


def account_rows(batch: Batch, written: Mapping[str, int]) -> list[tuple]:
    """The account rows (ACCOUNT_FIELDS) a store must write for ``batch``.

    An account seen twice in the batch is merged (``merge_account``); an id the
    batch only refers to gets a stub row that merges to nothing. ``written`` maps
    ids to the hash of the row last stored for them: an account repeats in every
    tweet it posts, and a row already stored as-is is left out.
    """
    merged: dict[str, tuple] = {}
    for a in batch.accounts:
        row = (a.id, a.handle, a.name, a.followers, a.location_text)
        old = merged.get(a.id)
        merged[a.id] = row if old is None or old == row else merge_account(old, row)
    for stub in batch.referenced_ids():
        if stub not in merged and stub not in written:
            merged[stub] = (stub, stub[1:] if stub.startswith("@") else "", "", None, "")
    return [row for row in merged.values() if written.get(row[0]) != hash(row)]

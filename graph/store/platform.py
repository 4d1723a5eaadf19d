"""One platform of a store: what every analysis reads, kept to one platform's accounts.

A case may hold a Twitter, a Bluesky and a Mastodon collection of the same event.
Their accounts never interact across platforms (a bridged account is an account of
the platform it posts on), so one platform's analysis is the store's with the other
platforms' accounts, the edges between them and their posts left out. The account
ids say the platform (``model.platform_of``); the columns are filtered here, once,
for both stores; tag counts are the store's, asked per platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from types import TracebackType
from typing import Self

import numpy as np
from tagjack.graph.model import EdgeKind, Platform, PostKind, platform_of
from tagjack.graph.store.base import (
    AccountTable,
    ActionTable,
    Batch,
    BatchCounts,
    CoordinatedTable,
    EdgeTable,
    GeoEvidence,
    HashtagUse,
    PostTable,
    Results,
    Status,
    Store,
)


def on_platform(store: Store, platform: str | None) -> Store:
    """``store`` itself, or its view of one platform's accounts and posts."""
    return store if platform is None else PlatformView(store, Platform(platform))


class PlatformView:
    """A Store whose reads hold one platform's accounts, edges and posts only."""

    def __init__(self, store: Store, platform: Platform) -> None:
        self.store = store
        self.platform = platform
        self.name = f"{store.name} ({platform})"
        self._keys: np.ndarray | None = None

    def keys(self) -> np.ndarray:
        """The sorted account keys of this platform."""
        if self._keys is None:
            self._keys = _sorted_keys(self.store.accounts(), self.platform)
        return self._keys

    def accounts(self) -> AccountTable:
        table = self.store.accounts()
        keep = [i for i, account_id in enumerate(table.ids) if platform_of(account_id) is self.platform]
        self._keys = np.sort(table.keys[keep])
        return AccountTable(keys=table.keys[keep], ids=[table.ids[i] for i in keep],
                            handles=[table.handles[i] for i in keep],
                            names=[table.names[i] for i in keep], followers=table.followers[keep],
                            location_texts=[table.location_texts[i] for i in keep])

    def edges(self, kind: EdgeKind, *, hashtag: str | None = None) -> EdgeTable:
        table = self.store.edges(kind, hashtag=hashtag)
        keep = np.isin(table.source, self.keys()) & np.isin(table.target, self.keys())
        return EdgeTable(table.source[keep], table.target[keep], table.weight[keep],
                         table.first_at[keep], table.last_at[keep])

    def posts(self, *, hashtag: str | None = None) -> PostTable:
        return self._own(self.store.posts(hashtag=hashtag))

    def posts_of_tags(self, tags: Sequence[str]) -> dict[str, PostTable]:
        return {tag: self._own(table) for tag, table in self.store.posts_of_tags(tags).items()}

    def _own(self, table: PostTable) -> PostTable:
        keep = np.isin(table.author, self.keys())
        return PostTable(table.author[keep], table.created_at[keep], table.kind[keep],
                         table.ref_author[keep], table.reply_author[keep])

    def actions(self, kind: PostKind, *, hashtag: str | None = None) -> ActionTable:
        table = self.store.actions(kind, hashtag=hashtag)
        keep = np.isin(table.account, self.keys())
        return ActionTable(table.account[keep], table.target[keep], table.id_number[keep],
                           table.created_at[keep], table.targets)

    def hashtags(self, *, platform: str | None = None) -> list[HashtagUse]:
        return self.store.hashtags(platform=self.platform)

    def hashtag_counts(self, *, platform: str | None = None) -> dict[str, int]:
        return self.store.hashtag_counts(platform=self.platform)

    def cooccurring(self, hashtag: str, *, platform: str | None = None) -> dict[str, int]:
        return self.store.cooccurring(hashtag, platform=self.platform)

    def geo_evidence(self) -> GeoEvidence:
        evidence = self.store.geo_evidence()
        own = set(self.keys().tolist())
        return GeoEvidence({k: v for k, v in evidence.location_texts.items() if k in own},
                           {k: v for k, v in evidence.places.items() if k in own},
                           {k: v for k, v in evidence.coordinates.items() if k in own})

    def status(self) -> Status:
        whole = self.store.status()
        mine = whole.platforms.get(self.platform, {"posts": 0, "accounts": 0})
        return replace(whole, store=self.name, posts=mine["posts"], accounts=mine["accounts"],
                       platforms={self.platform: mine})

    def write_results(self, results: Results) -> None:
        """The results of this platform's analysis replace the store's last results."""
        self.store.write_results(replace(results, meta={**results.meta, "platform": self.platform}))

    def results(self) -> Results | None:
        return self.store.results()

    def write_coordinated(self, kind: str, table: CoordinatedTable) -> None:
        """This platform's pairs replace the store's pairs of ``kind``, as results do."""
        self.store.write_coordinated(kind, table)

    def coordinated(self) -> CoordinatedTable:
        table = self.store.coordinated()
        keep = np.isin(table.source, self.keys()) & np.isin(table.target, self.keys())
        return CoordinatedTable([k for k, kept in zip(table.kind, keep, strict=True) if kept],
                                *(getattr(table, f)[keep] for f in
                                  ("source", "target", "weight", "window_s", "group", "posts",
                                   "p_value")))

    def write_batch(self, batch: Batch) -> BatchCounts:
        return self.store.write_batch(batch)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.store.__exit__(exc_type, exc, tb)


def _sorted_keys(table: AccountTable, platform: Platform) -> np.ndarray:
    keep = [i for i, account_id in enumerate(table.ids) if platform_of(account_id) is platform]
    return np.sort(table.keys[keep])

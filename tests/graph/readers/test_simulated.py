"""The simulator's v1, v2 and CSV outputs of one seed load into the same store."""

from __future__ import annotations

import pytest
from tagjack.graph.model import EdgeKind, Post
from tagjack.graph.simulation.simulate import simulate

from .helpers import load

TWEETS = 3_000


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    found = {}
    for fmt in ("v1", "v2", "csv"):
        folder = tmp_path_factory.mktemp(f"sim-{fmt}")
        simulate(folder, tweets=TWEETS, fmt=fmt, seed=7)
        found[fmt] = load([folder], folder)  # the folder: truth.json is skipped
    return found


@pytest.mark.parametrize("fmt", ["v2", "csv"])
def test_same_store_as_v1(loaded, fmt):
    v1, other = loaded["v1"], loaded[fmt]
    assert not v1.rejects and not other.rejects
    assert other.store.status() == v1.store.status()
    assert (other.stats.posts, other.stats.accounts) == (v1.stats.posts, v1.stats.accounts)
    assert other.stats.posts > TWEETS / 2

    def shape(p: Post):
        return (p.kind, p.author_id, p.created_at, p.ref_id, p.ref_author_id, p.mention_ids,
                p.hashtags, p.place and p.place.full_name, p.coordinates)

    assert {i: shape(p) for i, p in other.posts.items()} == {i: shape(p) for i, p in v1.posts.items()}
    for kind in EdgeKind:
        assert edges(other, kind) == edges(v1, kind)


def edges(loaded, kind: EdgeKind) -> set[tuple[str, str, int]]:
    """Edges by account id (account keys are the store's own numbering)."""
    accounts = loaded.store.accounts()
    ids = dict(zip(accounts.keys.tolist(), accounts.ids, strict=True))
    table = loaded.store.edges(kind)
    return {(ids[s], ids[t], w) for s, t, w in zip(table.source.tolist(), table.target.tolist(),
                                                    table.weight.tolist(), strict=True)}

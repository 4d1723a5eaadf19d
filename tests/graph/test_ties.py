"""Ties: what each kind of interaction weighs in the community graph."""

from __future__ import annotations

import numpy as np
import pytest
from tagjack.graph.analytics.pipeline import community_graph
from tagjack.graph.analytics.projection import DEFAULT_TIES, Ties, edge_union
from tagjack.graph.errors import TagjackError
from tagjack.graph.model import EdgeKind
from tagjack.graph.store.base import EdgeTable


def table(rows: list[tuple[int, int, int]]) -> EdgeTable:
    a = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return EdgeTable(a[:, 0], a[:, 1], a[:, 2], a[:, 2] * 10, a[:, 2] * 20)


def test_agreement_dominates_by_default():
    assert DEFAULT_TIES == Ties(retweet=1.0, quote=0.0, reply=0.1, mention=0.3)
    assert DEFAULT_TIES.kinds() == [EdgeKind.RETWEET, EdgeKind.REPLY, EdgeKind.MENTION]
    assert DEFAULT_TIES.text() == "retweet=1,quote=0,reply=0.1,mention=0.3"


def test_parse_names_kinds_and_keeps_the_rest_default():
    assert Ties.parse("retweet=2, Mention=0.5") == Ties(retweet=2, mention=0.5)
    assert Ties.parse("quote=0.3,reply=0.3") == Ties(quote=0.3, reply=0.3)
    assert Ties.parse(DEFAULT_TIES.text()) == DEFAULT_TIES


@pytest.mark.parametrize("text, message", [
    ("retweets=1", "is not KIND=WEIGHT"), ("retweet", "is not KIND=WEIGHT"),
    ("mention=lots", "'lots' is not a number"), ("retweet=-1", "non-negative"),
    ("retweet=0,reply=0,mention=0", "one above zero"),
])
def test_bad_ties_are_user_errors(text, message):
    with pytest.raises(TagjackError, match=message):
        Ties.parse(text)


def test_community_graph_weighs_each_kind_and_leaves_out_what_weighs_nothing():
    tables = {EdgeKind.RETWEET: table([(1, 2, 3), (2, 1, 1)]),
              EdgeKind.QUOTE: table([(3, 1, 5)]),  # a dunk: weighs nothing by default
              EdgeKind.REPLY: table([(4, 1, 1)]),
              EdgeKind.MENTION: table([(1, 5, 10)])}
    p = community_graph(tables, DEFAULT_TIES)
    assert not p.directed and p.keys.tolist() == [1, 2, 4, 5]  # 3 ties by a quote only
    got = {(int(p.keys[s]), int(p.keys[t])): w for s, t, w in
           zip(p.source.tolist(), p.target.tolist(), p.weight.tolist(), strict=True)}
    assert got == pytest.approx({(1, 2): 4.0, (1, 4): 0.1, (1, 5): 3.0})
    p = community_graph(tables, Ties(quote=0.5, reply=2))
    assert p.keys.tolist() == [1, 2, 3, 4, 5]


def test_edge_union_sums_pairs_and_leaves_out_self_loops():
    u = edge_union(table([(1, 2, 1), (3, 3, 4)]), table([(1, 2, 2), (2, 1, 1)]))
    assert list(zip(u.source.tolist(), u.target.tolist(), u.weight.tolist(), strict=True)) == \
        [(1, 2, 3), (2, 1, 1)]
    assert (u.first_at.tolist(), u.last_at.tolist()) == ([10, 10], [40, 20])
    assert len(edge_union(table([(3, 3, 4)]), self_loops=True)) == 1


@pytest.mark.parametrize("rows", [[(1, 2, 1), (1, 3, 2), (2, 0, 5), (4, 4, 1), (5, 1, 3)],  # sorted
                                  [(2, 0, 5), (1, 2, 1), (1, 3, 2), (5, 1, 3)],  # not sorted
                                  [(1, 2, 1), (1, 2, 2), (3, 1, 1)]])  # a pair twice
def test_edge_union_of_one_table_is_the_union_of_its_rows(rows):
    one = edge_union(table(rows))
    apart = edge_union(*(table([r]) for r in reversed(rows)))  # unsorted: the general grouping
    for field in ("source", "target", "weight", "first_at", "last_at"):
        assert getattr(one, field).tolist() == getattr(apart, field).tolist(), field
        assert getattr(one, field).dtype == np.int64

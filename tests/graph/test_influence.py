"""Amplifiers: distinct retweeters over raw counts, fame bounded, reasons people can read."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from tagjack.graph.analytics.communities import Partition
from tagjack.graph.analytics.influence import (
    amplifier_json,
    amplifier_table,
    amplifiers,
    audience_weight,
    average_ranks,
    pagerank,
    post_order_after,
    repeat_weight,
)
from tagjack.graph.analytics.projection import projection
from tagjack.graph.store.base import AccountTable, EdgeTable, PostTable

T0 = int(datetime(2014, 4, 22, 18, 0, tzinfo=UTC).timestamp())


def accounts(n: int, followers: dict[int, int] | None = None) -> AccountTable:
    f = np.full(n, 100, dtype=np.int64)
    for k, v in (followers or {}).items():
        f[k - 1] = v
    return AccountTable(keys=np.arange(1, n + 1, dtype=np.int64), ids=[str(i) for i in range(1, n + 1)],
                        handles=[f"u{i}" for i in range(1, n + 1)], names=[""] * n, followers=f,
                        location_texts=[""] * n)


def edges(rows: list[tuple[int, int, int]], minute: int = 0) -> EdgeTable:
    """(retweeter, retweeted, times)."""
    a = np.array(rows, dtype=np.int64).reshape(-1, 3)
    at = np.full(len(a), T0 + 60 * minute, dtype=np.int64)
    return EdgeTable(a[:, 0], a[:, 1], a[:, 2], at, at)


def ranked(rt: EdgeTable, acc: AccountTable, **kw) -> list[str]:
    table = amplifier_table(rt, acc, pagerank=pagerank(projection(rt)), **kw)
    return [a.handle for a in amplifiers(table, acc, top=50)]


def test_a_ring_retweeting_one_account_over_and_over_does_not_rank_top():
    # u1: 4 ring members (2..5) retweet it 100 times each; u6: 12 accounts retweet it once
    ring = [(k, 1, 100) for k in range(2, 6)]
    organic = [(k, 6, 1) for k in range(7, 19)]
    order = ranked(edges(ring + organic), accounts(20))
    assert order[0] == "u6"
    assert order.index("u1") == 1  # still listed: 4 distinct retweeters are evidence too


def test_a_celebrity_few_retweet_does_not_rank_top_nor_lift_whom_it_retweets():
    acc = accounts(30, followers={1: 4_600_000, 20: 4_600_000})
    rows = [(2, 1, 1), (3, 1, 1)]  # the celebrity u1: retweeted by two
    rows += [(k, 10, 1) for k in range(11, 19)]  # u10: retweeted by eight ordinary accounts
    rows += [(20, 5, 1)]  # u5: retweeted once, by a celebrity
    order = ranked(edges(rows), acc)
    assert order[0] == "u10"
    assert order.index("u1") > 0 and order.index("u5") > 0


def test_distinct_retweeters_weigh_more_than_raw_counts():
    # both retweeted 10 times: u1 by 10 accounts, u2 by 5 accounts twice each
    rows = [(k, 1, 1) for k in range(3, 13)] + [(k, 2, 2) for k in range(13, 18)]
    assert ranked(edges(rows), accounts(20))[:2] == ["u1", "u2"]
    assert repeat_weight(np.array([1, 2, 16, 500])).tolist() == [1.0, 1.5, 3.0, 3.0]
    assert audience_weight(np.array([0, 99_000])).round(2).tolist() == [1.0, 3.0]


def test_reach_counts_each_distinct_retweeter_once_and_mentions_are_not_scored():
    acc = accounts(5, followers={2: 1000, 3: 50})
    rt = edges([(2, 1, 3), (3, 1, 1)])
    mentions = edges([(4, 5, 7), (2, 5, 1)])
    table = amplifier_table(rt, acc, pagerank=pagerank(projection(rt)), mentions=mentions)
    row = dict(zip(table.keys.tolist(), range(len(table)), strict=True))
    assert (table.retweets[row[1]], table.retweeters[row[1]], table.reach[row[1]]) == (4, 2, 1050)
    assert (table.mentions[row[5]], table.mentioners[row[5]], table.score[row[5]]) == (8, 2, 0.0)
    assert [a.handle for a in amplifiers(table, acc)] == ["u1"]  # never retweeted: not listed


def test_pagerank_flows_to_the_retweeted():
    rt = edges([(2, 1, 1), (3, 1, 1), (4, 1, 5), (1, 5, 1)])
    pr = pagerank(projection(rt))
    values = dict(zip(pr.keys.tolist(), pr.values.tolist(), strict=True))
    assert max(values, key=values.get) == 5  # retweeted by the account everyone retweets
    assert values[1] > values[2] and abs(sum(values.values()) - 1) < 1e-9
    with pytest.raises(ValueError):
        pagerank(projection(rt, directed=False))


def test_bridging_and_reason_read_like_evidence():
    acc = accounts(12)
    part = Partition(np.arange(1, 13, dtype=np.int64), np.array([0] * 6 + [1] * 4 + [2] * 2),
                     0.0, "test")
    rt = edges([(k, 1, 1) for k in range(2, 10)] + [(11, 1, 3)], minute=30)
    table = amplifier_table(rt, acc, pagerank=pagerank(projection(rt)), partition=part,
                            span=(T0, T0 + 3600))
    after = (np.array([1, 4]), np.array([2, 1]))
    row = amplifiers(table, acc, started_at=T0, after_takeover=after)[0]
    assert (row.retweeter_communities, row.retweeters_from_other_communities) == (3, 4)
    assert row.reason == ("retweeted 11 times by 9 accounts in 3 communities; first amplified "
                          "30 min after the first post; 2nd to post after the takeover")
    assert row.earliness == pytest.approx(0.5)
    doc = amplifier_json(row)
    assert list(doc)[:9] == ["rank", "handle", "community", "score", "retweets_received",
                             "unique_retweeters", "pagerank", "reach", "reason"]


def test_post_order_after_ranks_first_own_posts():
    posts = PostTable(author=np.array([5, 6, 5, 7, 8]), created_at=np.array([10, 20, 30, 25, 40]) + T0,
                      kind=np.array([0, 0, 0, 1, 0], dtype=np.int8), ref_author=np.full(5, -1),
                      reply_author=np.full(5, -1))
    keys, order = post_order_after(posts, T0 + 15)
    assert dict(zip(keys.tolist(), order.tolist(), strict=True)) == {5: 2, 6: 1, 8: 3}


def test_one_community_and_top_n():
    acc = accounts(20)
    part = Partition(np.arange(1, 21, dtype=np.int64), np.array([0] * 10 + [1] * 10), 0.0, "t")
    rt = edges([(k, 1, 1) for k in range(2, 8)] + [(k, 11, 1) for k in range(12, 15)])
    table = amplifier_table(rt, acc, pagerank=pagerank(projection(rt)), partition=part)
    assert [a.handle for a in amplifiers(table, acc, community=1)] == ["u11"]
    assert len(amplifiers(table, acc, top=1)) == 1


@pytest.mark.parametrize("values", [[], [0.5], [3.0, 1.0, 2.0], [0.2, 0.1, 0.2, 0.2, 0.0, 0.1],
                                    np.round(np.random.default_rng(5).random(2000), 2).tolist()])
def test_average_ranks_are_scipys(values):
    from scipy.stats import rankdata  # the reference, imported only here

    values = np.asarray(values, dtype=np.float64)
    assert np.array_equal(average_ranks(values), rankdata(values, method="average"))


def test_partition_lookup_by_array_or_search():
    keys = np.array([2, 3, 7, 40], dtype=np.int64)
    membership = np.array([1, 0, 1, 2], dtype=np.int64)
    query = np.array([-1, 0, 2, 3, 6, 7, 40, 41, 10**12])
    want = [-1, -1, 1, 0, -1, 1, 2, -1, -1]
    dense = Partition(keys, membership, 0.0, "test")
    sparse = Partition(keys * 10**9, membership, 0.0, "test")
    assert dense.of(query).tolist() == want and dense._table is not None
    assert sparse.of(np.where(query > 0, query * 10**9, query)).tolist() == want
    assert sparse._table is None
    assert Partition(keys[:0], membership[:0], 0.0, "test").of(query).tolist() == [-1] * 9

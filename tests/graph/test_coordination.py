"""Co-action networks and the coordination test, on small hand-made and random action tables."""

from __future__ import annotations

import numpy as np
import pytest
from tagjack.graph.analytics import coordination as co
from tagjack.graph.analytics.coordination import TWEPOCH_MS, action_seconds, co_action_edges, coordination
from tagjack.graph.store.base import ActionTable

BASE = 200_000_000  # seconds after Twitter's epoch: 2017


def table(rows: list[tuple[int, int, float]]) -> ActionTable:
    """(account, target, seconds after BASE) -> an ActionTable with snowflake ids."""
    ms = np.array([round((BASE + s) * 1000) for _, _, s in rows], dtype=np.int64)
    ids = (ms << 22) | np.arange(len(rows), dtype=np.int64)
    targets = sorted({t for _, t, _ in rows})
    return ActionTable(
        account=np.array([a for a, _, _ in rows], dtype=np.int64),
        target=np.array([targets.index(t) for _, t, _ in rows], dtype=np.int64),
        id_number=ids,
        created_at=(ms + TWEPOCH_MS) // 1000,
        targets=[str(t) for t in targets],
    )


def brute_force(rows, window, min_weight) -> dict[tuple[int, int], int]:
    """The toolkit's SQL, as nested loops: count(distinct e1.message) per (u1, u2), u1 != u2."""
    directed: dict[tuple[int, int], set[int]] = {}
    for m1, (u1, t1, s1) in enumerate(rows):
        for u2, t2, s2 in rows:
            if u1 != u2 and t1 == t2 and s1 - window <= s2 <= s1 + window:
                directed.setdefault((u1, u2), set()).add(m1)
    out: dict[tuple[int, int], int] = {}
    for (u1, u2), messages in directed.items():
        key = (min(u1, u2), max(u1, u2))
        out[key] = max(out.get(key, 0), len(messages))
    return {k: w for k, w in out.items() if w >= min_weight}


def as_dict(edges) -> dict[tuple[int, int], int]:
    return dict(zip(zip(edges.source.tolist(), edges.target.tolist(), strict=True),
                    edges.weight.tolist(), strict=True))


def test_directions_differ_when_one_account_retweets_twice():
    rows = [(1, 10, 0.0), (1, 10, 5.0), (2, 10, 3.0), (1, 11, 100.0), (2, 11, 130.0)]
    # 1 -> 2: three of 1's retweets meet one of 2's; 2 -> 1: two
    assert as_dict(co_action_edges(table(rows), window=60, min_weight=1)) == {(1, 2): 3}
    assert as_dict(co_action_edges(table(rows), window=20, min_weight=1)) == {(1, 2): 2}
    assert as_dict(co_action_edges(table(rows), window=20, min_weight=3)) == {}


def test_window_bounds_are_inclusive():
    rows = [(1, 10, 0.0), (2, 10, 60.0), (1, 11, 0.5), (2, 11, 60.501)]
    assert as_dict(co_action_edges(table(rows), window=60, min_weight=1)) == {(1, 2): 1}


@pytest.mark.parametrize("seed", range(8))
def test_equals_brute_force_on_random_tables(seed, monkeypatch):
    monkeypatch.setattr(co, "PAIR_CHUNK", 7)  # many chunks, viral targets split across them
    rng = np.random.default_rng(seed)
    rows = [(int(rng.integers(0, 12)), int(rng.integers(0, 5)), float(rng.integers(0, 400_000)) / 1000)
            for _ in range(150)]
    for window, min_weight in ((1, 1), (30, 2), (90, 3)):
        got = as_dict(co_action_edges(table(rows), window=window, min_weight=min_weight))
        assert got == brute_force(rows, window, min_weight)


def test_seconds_come_from_snowflake_ids_only_when_they_agree_with_created_at():
    t = table([(1, 10, 1234.567)])
    assert action_seconds(t).tolist() == [BASE + 1234.567]
    odd = ActionTable(t.account, t.target, np.array([42]), t.created_at, t.targets)
    assert action_seconds(odd).tolist() == [t.created_at[0] - TWEPOCH_MS / 1000]


def test_a_ring_is_coordinated_and_a_viral_burst_is_not():
    rng = np.random.default_rng(3)
    rows = []
    # 30 viral posts, each retweeted by 40 of 200 organic accounts in a burst of 2 minutes
    for post in range(30):
        start = post * 3600.0
        for a in rng.choice(200, 40, replace=False).tolist():
            rows.append((a, post, start + float(rng.uniform(0, 120))))
    # a ring of 6 accounts pushes 8 posts that 25 organic accounts retweet over 8 hours:
    # the ring's 6 retweets of each come within 20 s
    for post in range(100, 108):
        at = post * 5000.0
        rows += [(1000 + m, post, at + float(rng.uniform(0, 20))) for m in range(6)]
        rows += [(int(a), post, at + float(rng.uniform(-14_400, 14_400)))
                 for a in rng.choice(200, 25, replace=False)]
    found = coordination(table(rows), window=60, min_weight=2, alpha=0.01)
    assert len(found.network) > 100  # plain co-retweeting links many organic pairs
    assert [sorted(g.members) for g in found.groups] == [list(range(1000, 1006))]
    group = found.groups[0]
    assert group.pushed == 8 and group.posts[0].members == 6
    assert group.coordinated_share == 1.0 and group.median_gap_s < 20
    assert group.p_value < 1e-6
    assert found.partners()[1000] == (5, 0)

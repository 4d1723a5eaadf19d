"""Hijack: roles from share and endorsement, epoch-aligned windows, ties to the campaign."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from tagjack.graph.analytics.communities import Partition
from tagjack.graph.analytics.hijack import (
    CAMPAIGN,
    HIJACKER,
    OTHER,
    Thresholds,
    WindowCount,
    community_shares,
    community_summaries,
    engagers_of,
    hijack,
    hijack_json,
    origin_of,
    takeover_time,
    timeline,
    with_roles,
)
from tagjack.graph.store.base import AccountTable, EdgeTable, PostTable

T0 = int(datetime(2014, 4, 22, 18, 0, tzinfo=UTC).timestamp())
ORIGINAL, RETWEET = 0, 1


def accounts(handles: list[str]) -> AccountTable:
    n = len(handles)
    return AccountTable(keys=np.arange(1, n + 1, dtype=np.int64), ids=[str(i) for i in range(1, n + 1)],
                        handles=handles, names=handles, followers=np.zeros(n, dtype=np.int64),
                        location_texts=[""] * n)


def posts(rows: list[tuple[int, int, int, int]]) -> PostTable:
    """rows of (author, minutes after T0, kind, ref_author)."""
    a = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return PostTable(author=a[:, 0], created_at=T0 + 60 * a[:, 1], kind=a[:, 2].astype(np.int8),
                     ref_author=a[:, 3], reply_author=np.full(len(a), -1))


def partition(groups: dict[int, list[int]]) -> Partition:
    pairs = sorted((k, c) for c, ks in groups.items() for k in ks)
    keys, membership = zip(*pairs, strict=True)
    return Partition(np.array(keys, dtype=np.int64), np.array(membership, dtype=np.int64), 0.0, "test")


def window(minute: int, campaign: int, hijacker: int) -> WindowCount:
    return WindowCount(datetime.fromtimestamp(T0 + 60 * minute, UTC), campaign, hijacker, 0)


def test_a_tie_goes_to_the_campaign():
    assert takeover_time([window(0, 2, 2), window(15, 3, 3)]) is None
    assert takeover_time([window(0, 2, 2), window(15, 3, 4), window(30, 0, 9)]) == \
        datetime(2014, 4, 22, 18, 15, tzinfo=UTC)


def test_windows_are_aligned_to_the_utc_epoch_and_gaps_are_kept():
    table = posts([(1, 7, ORIGINAL, -1), (1, 14, ORIGINAL, -1), (2, 15, ORIGINAL, -1),
                   (2, 50, ORIGINAL, -1)])
    got = timeline(table, np.array([0, 0, 1, 1]), window=900)
    assert [w.start.strftime("%H:%M") for w in got] == ["18:00", "18:15", "18:30", "18:45"]
    assert [(w.campaign, w.hijacker) for w in got] == [(2, 0), (0, 1), (0, 0), (0, 1)]
    # an hour window starting off the hour still starts on the hour
    late = posts([(1, 37, ORIGINAL, -1)])
    assert timeline(late, np.array([0]), window=3600)[0].start.minute == 0


def test_origin_is_the_earliest_poster_originals_first():
    table = posts([(3, 5, ORIGINAL, -1), (2, 1, RETWEET, 4), (4, 1, ORIGINAL, -1)])
    assert origin_of(table) == 4
    with pytest.raises(ValueError):
        origin_of(posts([]))


def test_endorsement_is_the_share_of_members_who_retweeted_the_origin():
    # community 0: origin 1 and members 2..5, of whom 2 and 3 retweeted the origin
    table = posts([(1, 0, ORIGINAL, -1), (2, 1, RETWEET, 1), (3, 2, RETWEET, 1), (6, 3, ORIGINAL, -1)])
    part = partition({0: [1, 2, 3, 4, 5], 1: [6, 7]})
    rows = {r.community: r for r in community_shares(table, part, accounts(list("abcdefg")),
                                                     endorsers=np.array([2, 3]))}
    assert (rows[0].members, rows[0].endorsers, rows[0].endorsement) == (5, 2, 0.4)
    assert (rows[1].endorsement, rows[1].posts, rows[1].share) == (0.0, 1, 0.25)
    assert rows[0].top_accounts[0] == "a"  # the origin, retweeted twice
    assert rows[0].first_account == "a" and rows[0].first_at.minute == 0


def edges(rows: list[tuple[int, int, int]]) -> EdgeTable:
    """rows of (source, target, weight)."""
    a = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return EdgeTable(a[:, 0], a[:, 1], a[:, 2], np.zeros(len(a), np.int64), np.zeros(len(a), np.int64))


def test_engagement_is_quotes_and_replies_to_the_origin_apart_from_endorsement():
    """The dunk: hijackers quote and reply to the origin; that is never endorsement."""
    table = posts([(1, 0, ORIGINAL, -1), (2, 1, RETWEET, 1), (6, 3, ORIGINAL, -1)])
    part = partition({0: [1, 2, 3, 4, 5], 1: [6, 7]})
    # quotes and replies (one table): 6 quoted the origin twice, 7 replied once, 2 once;
    # 1's reply to itself and 6's quote of 2 are no engagement with the origin
    keys, times = engagers_of(edges([(6, 1, 2), (7, 1, 1), (2, 1, 1), (1, 1, 3), (6, 2, 1)]), 1)
    assert (keys.tolist(), times.tolist()) == ([2, 6, 7], [1, 2, 1])
    rows = {r.community: r for r in community_shares(table, part, accounts(list("abcdefg")),
                                                     endorsers=np.array([2]),
                                                     engagers=(keys, times))}
    assert (rows[1].endorsers, rows[1].engaged, rows[1].engagement, rows[1].engagement_posts) == \
        (0, 2, 1.0, 3)
    assert (rows[0].endorsers, rows[0].engaged, rows[0].engagement_posts) == (1, 1, 1)
    found = hijack(table, part, accounts(list("abcdefg")), hashtag="t", origin=1,
                   endorsers=np.array([2]), engagers=(keys, times))
    doc = {c["community"]: c for c in hijack_json(found)["communities"]}
    assert (doc[1]["engaged"], doc[1]["engagement"], doc[1]["engagement_posts"]) == (2, 1.0, 3)


def share(community: int, share: float, endorsement: float):
    from tagjack.graph.analytics.hijack import CommunityShare

    return CommunityShare(community, 10, int(share * 100), share, 1, int(endorsement * 10),
                          endorsement, 0, 0.0, 0, [], None, None, OTHER)


def test_hijackers_post_much_and_endorse_little():
    rows = [share(0, 0.50, 0.02), share(1, 0.20, 0.60), share(2, 0.15, 0.50),
            share(3, 0.05, 0.00), share(4, 0.20, 0.31), share(-1, 0.30, 0.0)]
    roles = {r.community: r.role for r in with_roles(rows, campaign=1)}
    # 2 endorses as much as the campaign; 3 posts too little; 4 endorses more than half the
    # campaign's 60%; -1 are authors outside the graph, never a community
    assert roles == {0: HIJACKER, 1: CAMPAIGN, 2: OTHER, 3: OTHER, 4: OTHER, -1: OTHER}
    looser = with_roles(rows, campaign=1, thresholds=Thresholds(min_share=0.01))
    assert {r.community for r in looser if r.role == HIJACKER} == {0, 3}


def test_hijack_end_to_end_and_json_shape():
    # campaign: 1 (origin) + 2; hijackers: 3 (hub) + 4 + 5
    table = posts([(1, 0, ORIGINAL, -1), (2, 3, RETWEET, 1), (3, 16, ORIGINAL, -1),
                   (4, 17, RETWEET, 3), (5, 18, RETWEET, 3), (2, 20, ORIGINAL, -1)])
    part = partition({0: [3, 4, 5], 1: [1, 2]})
    found = hijack(table, part, accounts(list("abcde")), hashtag="mynypd",
                   endorsers=np.array([2]))
    assert (found.origin, found.campaign_community, found.hijacker_communities) == ("a", 1, [0])
    assert found.takeover_at == datetime(2014, 4, 22, 18, 15, tzinfo=UTC)
    doc = hijack_json(found)
    assert list(doc)[:6] == ["hashtag", "origin", "campaign_community", "hijacker_communities",
                             "takeover_at", "communities"]
    assert doc["hashtag"] == "#mynypd" and doc["takeover_at"] == "2014-04-22T18:15:00Z"
    assert doc["timeline"][1] == {"start": "2014-04-22T18:15:00Z", "campaign": 1, "hijacker": 3,
                                  "other": 0}
    assert "at least 10%" in doc["thresholds"]["explanation"]


def test_community_labels_name_the_most_retweeted_member():
    part = partition({0: [1, 2, 3, 4], 1: [5, 6]})
    rt = EdgeTable(source=np.array([2, 3, 4, 1, 6]), target=np.array([1, 1, 1, 2, 5]),
                   weight=np.array([1, 1, 9, 1, 1]), first_at=np.zeros(5, np.int64),
                   last_at=np.zeros(5, np.int64))
    got = community_summaries(part, rt, accounts(["hub", "b", "c", "d", "x", "y"]),
                              roles={0: HIJACKER})
    assert [(c.id, c.size, c.role, c.label) for c in got] == \
        [(0, 4, HIJACKER, "@hub +3"), (1, 2, OTHER, "@x +1")]

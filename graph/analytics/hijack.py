"""Who took a hashtag over: campaign versus hijacker communities, and when.

The campaign is the origin's community (the origin is given, else the
earliest poster of the tag). A community *hijacks* the tag when it posts a
large share of the tag's posts while few of its members ever retweeted the
origin: it uses the tag without endorsing whoever launched it. Only a
retweet endorses: a quote or a reply may mock (the #MyNYPD dunk was
thousands of replies and quote-posts at @NYPDnews), so quotes and replies to
the origin are *engagement*, reported beside endorsement and never mixed in.
The takeover is the start of the first time window in which hijacker posts
carrying the tag outnumber campaign posts carrying it.

Everything here is pure: numpy columns and a ``Partition`` in, plain
dataclasses out; ``hijack_json`` gives the ``tagjack hijack --json`` shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
from tagjack.graph.analytics.communities import Partition
from tagjack.graph.analytics.lookup import DENSE_KEYS, distinct_pairs, handle_of, handles_of, id_ranks
from tagjack.graph.store.base import AccountTable, EdgeTable, PostTable
from tagjack.graph.times import iso, utc

CAMPAIGN, HIJACKER, OTHER = "campaign", "hijacker", "other"
ROLES = (CAMPAIGN, HIJACKER, OTHER)
DEFAULT_WINDOW = 900  # seconds: 15-minute windows, aligned to the UTC epoch
RETWEET_KINDS = (1,)  # KIND_CODES of a retweet; a quote is a post of one's own
UNAFFILIATED = -1  # authors outside the interaction graph


@dataclass(frozen=True)
class Thresholds:
    """When a community counts as a hijacker of the tag.

    A community that is not the campaign is a hijacker when it posted at
    least ``min_share`` of all posts carrying the tag, and the share of its
    members who retweeted the origin is at most ``max_endorsement_ratio``
    times the campaign community's own share. The comparison is relative
    because passive members make absolute endorsement levels differ from case
    to case, while the campaign's own level is the natural yardstick.
    """

    min_share: float = 0.10
    max_endorsement_ratio: float = 0.5

    def explain(self, origin: str, campaign_endorsement: float | None) -> str:
        yardstick = (f"{campaign_endorsement:.0%} in the campaign community"
                     if campaign_endorsement is not None else "the campaign community's share")
        return (f"hijacker = a community other than the campaign that posted at least "
                f"{self.min_share:.0%} of the tag's posts while the share of its members who "
                f"ever retweeted @{origin} is at most {self.max_endorsement_ratio:.0%} of "
                f"{yardstick}")


@dataclass(frozen=True)
class CommunityShare:
    """One community's part in the tag."""

    community: int  # -1: authors outside the interaction graph
    members: int  # accounts in the community (whole graph)
    posts: int  # posts carrying the tag, retweets included
    share: float  # of all posts carrying the tag
    posters: int  # members who posted the tag
    endorsers: int  # members who ever retweeted the origin
    endorsement: float  # endorsers / members
    engaged: int  # members who ever quoted or replied to the origin (a dunk, or praise)
    engagement: float  # engaged / members
    engagement_posts: int  # their quotes of and replies to the origin
    top_accounts: list[str]  # most retweeted members within the tag, then most posting
    first_at: datetime | None  # the community's first post carrying the tag
    first_account: str | None
    role: str  # campaign | hijacker | other


@dataclass(frozen=True)
class WindowCount:
    """Posts carrying the tag in one window ``[start, start + window)``, by role."""

    start: datetime
    campaign: int
    hijacker: int
    other: int


@dataclass(frozen=True)
class Hijack:
    """The answer to "who took the tag over, and when"."""

    hashtag: str  # normalised, without '#'
    origin: str  # handle
    origin_key: int
    campaign_community: int | None  # None when the origin is outside the graph
    hijacker_communities: list[int]
    takeover_at: datetime | None  # None: the campaign never lost the majority
    window: int  # seconds
    posts: int
    started_at: datetime | None  # first post carrying the tag
    thresholds: Thresholds
    origin_guessed: bool  # True: the earliest poster, not given
    explanation: str
    communities: list[CommunityShare]
    timeline: list[WindowCount] = field(repr=False)


def origin_of(posts: PostTable) -> int:
    """Account key of the earliest poster of the tag (originals before retweets at a tie).

    Raises ValueError for a tag without posts.
    """
    if not len(posts):
        raise ValueError("no posts carry the tag")
    is_retweet = np.isin(posts.kind, RETWEET_KINDS)
    first = np.lexsort((posts.author, is_retweet, posts.created_at))[0]
    return int(posts.author[first])


def endorsers_of(retweets: EdgeTable, origin: int) -> np.ndarray:
    """Accounts that retweeted ``origin`` at least once (sorted keys); not the origin itself."""
    return np.unique(retweets.source[(retweets.target == origin) & (retweets.source != origin)])


def engagers_of(engagement: EdgeTable, origin: int) -> tuple[np.ndarray, np.ndarray]:
    """Accounts that quoted or replied to ``origin`` (sorted keys), with how many times.

    ``engagement``: the quote and reply edges (``edge_union`` of the two tables).
    """
    hit = (engagement.target == origin) & (engagement.source != origin)
    keys, inverse = np.unique(engagement.source[hit], return_inverse=True)
    return keys, np.bincount(inverse, weights=engagement.weight[hit],
                             minlength=len(keys)).astype(np.int64)


def community_shares(posts: PostTable, partition: Partition, accounts: AccountTable, *,
                     endorsers: np.ndarray, engagers: tuple[np.ndarray, np.ndarray] | None = None,
                     top: int = 3) -> list[CommunityShare]:
    """Per community with tag posts: posts, share, endorsement, engagement, top accounts,
    first post.

    Roles are left as ``other``; ``with_roles`` assigns them. Rows come with
    the most posts first; authors outside the graph form one row, community -1.
    """
    if not len(posts):
        return []
    community = partition.of(posts.author)
    ids, inverse, counts = np.unique(community, return_inverse=True, return_counts=True)
    first = _first_posts(posts, inverse, len(ids))
    posters = _distinct_per_group(posts.author, inverse, len(ids))
    members, endorsed = _members_and_endorsers(partition, ids, endorsers)
    engagers = engagers or (np.empty(0, np.int64), np.empty(0, np.int64))
    engaged, engagement_posts = _engaged(partition, ids, *engagers)
    tops = _top_accounts(posts, partition, accounts, top=top)
    total = len(posts)
    rows = [
        CommunityShare(
            community=int(c), members=int(members[i]), posts=int(counts[i]),
            share=float(counts[i] / total), posters=int(posters[i]), endorsers=int(endorsed[i]),
            endorsement=float(endorsed[i] / members[i]) if members[i] else 0.0,
            engaged=int(engaged[i]),
            engagement=float(engaged[i] / members[i]) if members[i] else 0.0,
            engagement_posts=int(engagement_posts[i]),
            top_accounts=tops.get(int(c), []),
            first_at=utc(posts.created_at[first[i]]),
            first_account=handle_of(accounts, int(posts.author[first[i]])), role=OTHER)
        for i, c in enumerate(ids.tolist())
    ]
    return sorted(rows, key=lambda r: (-r.posts, r.community))


def _first_posts(posts: PostTable, group: np.ndarray, n: int) -> np.ndarray:
    """Index of each group's earliest post."""
    order = np.lexsort((posts.created_at, group))
    starts = np.searchsorted(group[order], np.arange(n))
    return order[starts]


def _distinct_per_group(values: np.ndarray, group: np.ndarray, n: int) -> np.ndarray:
    groups, _ = distinct_pairs(group, values)
    return np.bincount(groups, minlength=n)


def _members_and_endorsers(partition: Partition, ids: np.ndarray,
                           endorsers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sizes = partition.sizes()
    n = max(len(sizes), 1)
    of_endorsers = partition.of(np.asarray(endorsers, dtype=np.int64))
    endorsed_by = np.bincount(of_endorsers[of_endorsers >= 0], minlength=n)
    known = ids >= 0
    members = np.zeros(len(ids), dtype=np.int64)
    endorsed = np.zeros(len(ids), dtype=np.int64)
    members[known] = sizes[ids[known]] if len(sizes) else 0
    endorsed[known] = endorsed_by[ids[known]]
    return members, endorsed


def _engaged(partition: Partition, ids: np.ndarray, keys: np.ndarray,
             times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per community of ``ids``: members among ``keys``, and the sum of their ``times``."""
    n = max(len(partition.sizes()), 1)
    of = partition.of(np.asarray(keys, dtype=np.int64))
    inside = of >= 0
    accounts = np.bincount(of[inside], minlength=n)
    posts = np.bincount(of[inside], weights=times[inside], minlength=n).astype(np.int64)
    known = ids >= 0
    engaged = np.zeros(len(ids), dtype=np.int64)
    total = np.zeros(len(ids), dtype=np.int64)
    engaged[known], total[known] = accounts[ids[known]], posts[ids[known]]
    return engaged, total


def _top_accounts(posts: PostTable, partition: Partition, accounts: AccountTable, *,
                  top: int) -> dict[int, list[str]]:
    """Members most retweeted within the tag (then most posting, then by platform id), per
    community."""
    is_rt = np.isin(posts.kind, RETWEET_KINDS) & (posts.ref_author >= 0) & \
        (posts.ref_author != posts.author)
    keys, n_posts, retweeted = _posts_and_retweets(posts.author, posts.ref_author[is_rt])
    community = partition.of(keys)
    order = np.lexsort((id_ranks(accounts, keys), -n_posts, -retweeted, community))
    c_sorted = community[order]
    starts = np.flatnonzero(np.r_[True, c_sorted[1:] != c_sorted[:-1]])
    chosen: dict[int, list[int]] = {}
    for s in starts.tolist():
        c = int(c_sorted[s])
        chosen[c] = keys[order[s: s + top]][c_sorted[s: s + top] == c].tolist()
    names = handles_of(accounts, [k for ks in chosen.values() for k in ks])
    out: dict[int, list[str]] = {}
    for c, ks in chosen.items():
        out[c], names = names[: len(ks)], names[len(ks):]
    return out


def _posts_and_retweets(authors: np.ndarray,
                        retweeted: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct account keys (sorted) of both columns, with their counts in each."""
    both = np.concatenate((authors, retweeted))
    if len(both) and both.min() >= 0 and both.max() <= DENSE_KEYS + 4 * len(both):
        top = int(both.max()) + 1  # dense keys: counting beats sorting a million keys
        n_posts = np.bincount(authors, minlength=top)
        n_retweeted = np.bincount(retweeted, minlength=top)
        keys = np.flatnonzero(n_posts + n_retweeted)
        return keys, n_posts[keys], n_retweeted[keys]
    keys, inverse = np.unique(both, return_inverse=True)
    return (keys, np.bincount(inverse[: len(authors)], minlength=len(keys)),
            np.bincount(inverse[len(authors):], minlength=len(keys)))


def with_roles(rows: list[CommunityShare], campaign: int | None,
               thresholds: Thresholds = Thresholds()) -> list[CommunityShare]:
    """Assign campaign / hijacker / other (see ``Thresholds``)."""
    yardstick = next((r.endorsement for r in rows if r.community == campaign), None)
    limit = thresholds.max_endorsement_ratio * (yardstick if yardstick is not None else 0.0)
    out = []
    for r in rows:
        if campaign is not None and r.community == campaign:
            role = CAMPAIGN
        elif r.community != UNAFFILIATED and r.share >= thresholds.min_share \
                and r.endorsement <= limit:
            role = HIJACKER
        else:
            role = OTHER
        out.append(replace(r, role=role))
    return out


def timeline(posts: PostTable, roles: np.ndarray, *, window: int = DEFAULT_WINDOW) -> list[WindowCount]:
    """Posts carrying the tag per window and role, from the first window to the last.

    ``roles`` holds each post's role code (0 campaign, 1 hijacker, 2 other).
    Windows are aligned to the UTC epoch (``floor(t / window) * window``), so
    15-minute windows start on the quarter hour; empty windows are included,
    so the timeline plots as it is.
    """
    if not len(posts):
        return []
    if window <= 0:
        raise ValueError("window must be positive")
    slot = posts.created_at // window
    first = int(slot.min())
    index = slot - first
    n = int(index.max()) + 1
    counts = np.zeros((3, n), dtype=np.int64)
    np.add.at(counts, (roles, index), 1)
    return [WindowCount(utc((first + i) * window), int(c), int(h), int(o))
            for i, (c, h, o) in enumerate(zip(*counts.tolist(), strict=True))]


def takeover_time(windows: list[WindowCount]) -> datetime | None:
    """Start of the first window where hijacker posts outnumber campaign posts.

    Ties go to the campaign; None if the campaign never loses the majority.
    """
    return next((w.start for w in windows if w.hijacker > w.campaign), None)


def post_roles(posts: PostTable, partition: Partition, rows: list[CommunityShare]) -> np.ndarray:
    """Role code (0 campaign, 1 hijacker, 2 other) of each post, from its author's community."""
    community = partition.of(posts.author)
    codes = np.full(len(posts), 2, dtype=np.int64)
    for r in rows:
        if r.role != OTHER:
            codes[community == r.community] = ROLES.index(r.role)
    return codes


def hijack(posts: PostTable, partition: Partition, accounts: AccountTable, *, hashtag: str,
           endorsers: np.ndarray, engagers: tuple[np.ndarray, np.ndarray] | None = None,
           origin: int | None = None, window: int = DEFAULT_WINDOW,
           thresholds: Thresholds = Thresholds()) -> Hijack:
    """Campaign and hijacker communities of a tag, the takeover time and the timeline.

    Parameters
    ----------
    posts
        Posts carrying the tag (retweets and quotes included).
    partition
        Communities over the whole interaction graph.
    accounts
        For handles.
    hashtag
        The tag, for the record.
    endorsers
        Accounts that ever retweeted the origin (``endorsers_of``): endorsement.
    engagers
        Accounts that ever quoted or replied to the origin, with how many times
        (``engagers_of``): engagement, shown beside endorsement, never part of it.
    origin
        Account key of the origin; default the earliest poster of the tag.
    window
        Window length in seconds for the timeline and the takeover.
    thresholds
        What makes a hijacker.
    """
    guessed = origin is None
    origin = origin_of(posts) if origin is None else origin
    campaign_id = int(partition.of(np.array([origin]))[0])
    campaign = campaign_id if campaign_id >= 0 else None
    rows = with_roles(community_shares(posts, partition, accounts, endorsers=endorsers,
                                       engagers=engagers), campaign, thresholds)
    windows = timeline(posts, post_roles(posts, partition, rows), window=window)
    origin_handle = handle_of(accounts, origin)
    yardstick = next((r.endorsement for r in rows if r.role == CAMPAIGN), None)
    return Hijack(
        hashtag=hashtag, origin=origin_handle, origin_key=int(origin),
        campaign_community=campaign,
        hijacker_communities=[r.community for r in rows if r.role == HIJACKER],
        takeover_at=takeover_time(windows), window=window, posts=len(posts),
        started_at=utc(posts.created_at.min()) if len(posts) else None,
        thresholds=thresholds, origin_guessed=guessed,
        explanation=thresholds.explain(origin_handle, yardstick)
        + ("; the origin is the tag's earliest poster (name the owner with --origin)"
           if guessed else ""),
        communities=rows, timeline=windows)


def community_share_json(r: CommunityShare) -> dict:
    return {"community": r.community, "role": r.role, "members": r.members, "posts": r.posts,
            "share": round(r.share, 4), "posters": r.posters, "endorsers": r.endorsers,
            "endorsement": round(r.endorsement, 4), "engaged": r.engaged,
            "engagement": round(r.engagement, 4), "engagement_posts": r.engagement_posts,
            "top_accounts": r.top_accounts,
            "first_at": iso(r.first_at), "first_account": r.first_account}


def hijack_json(h: Hijack) -> dict:
    """The ``tagjack hijack --json`` document."""
    return {
        "hashtag": "#" + h.hashtag,
        "origin": h.origin,
        "campaign_community": h.campaign_community,
        "hijacker_communities": h.hijacker_communities,
        "takeover_at": iso(h.takeover_at),
        "communities": [community_share_json(r) for r in h.communities],
        "posts": h.posts,
        "origin_source": "earliest poster" if h.origin_guessed else "given",
        "started_at": iso(h.started_at),
        "window_seconds": h.window,
        "thresholds": {"min_share": h.thresholds.min_share,
                       "max_endorsement_ratio": h.thresholds.max_endorsement_ratio,
                       "explanation": h.explanation},
        "timeline": [{"start": iso(w.start), "campaign": w.campaign, "hijacker": w.hijacker,
                      "other": w.other} for w in h.timeline],
    }


@dataclass(frozen=True)
class CommunitySummary:
    """A community for listings and write-back: its label names its most retweeted member."""

    id: int
    size: int
    role: str
    label: str  # "@OccupyWallStNYC +2,311"
    top_accounts: list[str]  # most distinct retweeters over all posts


def community_summaries(partition: Partition, retweets: EdgeTable, accounts: AccountTable, *,
                        roles: dict[int, str] | None = None, top: int = 3) -> list[CommunitySummary]:
    """Every community, largest first, labelled by its member with the most distinct retweeters.

    ``retweets`` are the aggregated retweet edges over all posts; members
    nobody retweeted rank by platform id, so labels repeat run to run and load to load.
    """
    sizes = partition.sizes()
    if not len(sizes):
        return []
    distinct = np.zeros(len(partition.keys), dtype=np.int64)
    at = np.searchsorted(partition.keys, retweets.target)
    hit = (at < len(partition.keys)) & (retweets.source != retweets.target)
    hit[hit] &= partition.keys[at[hit]] == retweets.target[hit]
    np.add.at(distinct, at[hit], 1)  # edges are aggregated: one row per distinct retweeter
    order = np.lexsort((id_ranks(accounts, partition.keys), -distinct, partition.membership))
    starts = np.searchsorted(partition.membership[order], np.arange(len(sizes)))
    picked = [order[s: s + min(top, int(sizes[c]))] for c, s in enumerate(starts.tolist())]
    names = handles_of(accounts, partition.keys[np.concatenate(picked)] if picked else [])
    out = []
    for c, rows in enumerate(picked):
        tops, names = names[: len(rows)], names[len(rows):]
        size = int(sizes[c])
        label = f"@{tops[0]}" + (f" +{size - 1:,}" if size > 1 else "")
        out.append(CommunitySummary(c, size, (roles or {}).get(c, OTHER), label, tops))
    return out


def community_summary_json(c: CommunitySummary) -> dict:
    return {"id": c.id, "size": c.size, "role": c.role, "label": c.label,
            "top_accounts": c.top_accounts}

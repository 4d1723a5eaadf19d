"""Who amplified a hashtag: PageRank on the retweet graph and one manipulation-resistant score.

Inputs are the aggregated retweet edges of the posts in scope (a row per
retweeter and retweeted account, ``weight`` times; quotes apart, shown beside),
so a 10M-tweet case is a few numpy columns. ``amplifier_table`` scores every
retweeted or mentioned account; ``amplifiers`` picks and explains the top
rows; ``amplifier_json`` gives the ``tagjack amplifiers --json`` row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from tagjack.graph.analytics.communities import Partition
from tagjack.graph.analytics.lookup import distinct_pairs, followers_of, handles_of
from tagjack.graph.analytics.projection import Projection, to_igraph
from tagjack.graph.analytics.spread import AccountCities
from tagjack.graph.store.base import AccountTable, EdgeTable, PostTable
from tagjack.graph.times import duration, iso, utc

DAMPING = 0.85
REPEAT_WEIGHT = 0.5  # what each doubling of one retweeter's retweets adds to its weight...
REPEAT_CAP = 16  # ...up to this many retweets (so at most 3x a single retweet)
AUDIENCE_UNIT = 1000  # followers; a retweeter's audience weight is 1 + log10(1 + followers / unit)
BRIDGE_WEIGHT = 0.25  # a retweeter from another community or city counts this much more
BOOST = 0.25  # the most earliness and PageRank each multiply the score by, plus one
RETWEET_KINDS = (1,)  # KIND_CODES of a retweet; a quote is a post of its own


@dataclass(frozen=True)
class PageRank:
    """PageRank per account key (sorted keys); accounts outside the graph have 0."""

    keys: np.ndarray
    values: np.ndarray

    def of(self, keys: np.ndarray) -> np.ndarray:
        keys = np.asarray(keys, dtype=np.int64)
        if not len(self.keys):
            return np.zeros(len(keys))
        at = np.clip(np.searchsorted(self.keys, keys), 0, len(self.keys) - 1)
        return np.where(self.keys[at] == keys, self.values[at], 0.0)


def pagerank(p: Projection, *, damping: float = DAMPING) -> PageRank:
    """Weighted PageRank (Brin & Page 1998) on the directed retweet projection.

    Edge A->B means A retweeted B, so rank flows to the retweeted. Weights
    are retweet counts; a retweeter's vote is split in proportion to them, so
    retweeting one account over and over does not give it more than one
    account's worth of rank.
    """
    if not p.directed:
        raise ValueError("PageRank needs the directed retweet projection")
    if p.n == 0:
        return PageRank(p.keys, np.zeros(0))
    g = to_igraph(p, directed=True)
    g.es["weight"] = p.weight.tolist()  # igraph takes a list or an attribute name, not an array
    values = g.pagerank(weights="weight" if len(p.weight) else None, damping=damping,
                        directed=True)
    return PageRank(p.keys, np.asarray(values, dtype=np.float64))


@dataclass(frozen=True)
class AmplifierTable:
    """Columns, one row per account retweeted or mentioned in scope (sorted keys).

    ``first_amplified`` is epoch seconds (-1: never retweeted); ``earliness``
    and ``pagerank_pct`` are in [0, 1]; ``weight`` is W(a), the sum over
    distinct retweeters described in ``amplifier_table``.
    """

    keys: np.ndarray
    retweets: np.ndarray  # retweets received
    retweeters: np.ndarray  # distinct accounts that retweeted
    quotes: np.ndarray  # quotes received: shown, not scored (a quote may mock)
    mentions: np.ndarray  # mentions received ("RT @x:" is not a mention)
    mentioners: np.ndarray
    reach: np.ndarray  # sum of the distinct retweeters' followers
    pagerank: np.ndarray
    first_amplified: np.ndarray
    earliness: np.ndarray
    community: np.ndarray  # own community, -1 unknown
    city: np.ndarray  # own city index into cities.cities, -1 unknown
    retweeter_communities: np.ndarray  # distinct communities among retweeters
    other_community_retweeters: np.ndarray  # retweeters outside the own community
    retweeter_cities: np.ndarray  # distinct known cities among retweeters
    other_city_retweeters: np.ndarray  # retweeters located in another city
    pagerank_pct: np.ndarray
    weight: np.ndarray
    score: np.ndarray

    def __len__(self) -> int:
        return len(self.keys)

    def score_of(self, keys: np.ndarray) -> np.ndarray:
        keys = np.asarray(keys, dtype=np.int64)
        if not len(self.keys):
            return np.zeros(len(keys))
        at = np.clip(np.searchsorted(self.keys, keys), 0, len(self.keys) - 1)
        return np.where(self.keys[at] == keys, self.score[at], 0.0)


def amplifier_table(retweets: EdgeTable, accounts: AccountTable, *, pagerank: PageRank,
                    mentions: EdgeTable | None = None, quotes: EdgeTable | None = None,
                    partition: Partition | None = None, cities: AccountCities | None = None,
                    span: tuple[int, int] | None = None) -> AmplifierTable:
    r"""Score every account by how many distinct accounts amplified it, and how.

    The score of account *a* is

    .. math::

        \mathrm{score}(a) = W(a)\,(1 + \tfrac14 e_a)(1 + \tfrac14 p_a)

        W(a) = \sum_{r \in D(a)} \bigl(1 + \tfrac12\log_2\min(n_{ra}, 16)\bigr)
               \bigl(1 + \log_{10}(1 + f_r / 1000)\bigr)
               \bigl(1 + \tfrac14 [r \text{ in another community or city}]\bigr)

    D(a) is the set of distinct accounts that retweeted *a* in scope, n_ra
    how many times r did, f_r r's followers. e_a is earliness:
    1 if *a* was first amplified at the scope's first post, 0 at its last,
    linear in between (0 if never). p_a is the percentile rank (0..1) of
    *a*'s PageRank on the retweet graph. "Another community or city" needs
    both sides known.

    Why: the sum runs over distinct retweeters, so the first retweet by an
    account weighs 1 and its repeats only add half a point per doubling, at
    most 3 in all: a ring retweeting one account over and over gains at
    most 3 per member, where as many independent retweeters give 1 each
    and 16 times the count. A retweet carries further from a larger
    audience, but only logarithmically (100 followers 1.04, 10k 2.04, 100k
    3.0, 4.6M 4.66), and an account's own followers never count, so a
    celebrity few retweet stays low, and one celebrity retweeting an
    account is worth about five ordinary retweeters. Retweeters from other
    communities or cities count a quarter more (bridging). Earliness and
    PageRank enter as bounded boosts of at most +25% each, PageRank by rank
    so a closed ring's circulating rank cannot dominate. Mentions are
    reported but not scored: being talked to is not being amplified. Quotes
    are reported but not scored either: a quote spreads a post even when it
    mocks it, so it says reach, not support (the #MyNYPD dunk quoted the
    owner thousands of times).

    Parameters
    ----------
    retweets
        Aggregated retweet edges in scope.
    accounts
        For followers.
    pagerank
        PageRank on the scope's directed retweet projection.
    mentions, quotes
        Aggregated mention and quote edges in scope, for their columns.
    partition, cities
        Communities and account cities, for bridging; None: no bridging.
    span
        (first, last) post time in scope, epoch seconds, for earliness;
        default the first and last retweet.
    """
    src, dst, n, first = _pairs(retweets)
    m_src, m_dst, m_n, _ = _pairs(mentions) if mentions is not None else _pairs(None)
    _, q_dst, q_n, _ = _pairs(quotes) if quotes is not None else _pairs(None)
    keys = np.unique(np.concatenate((dst, m_dst)))
    k = len(keys)
    at = np.searchsorted(keys, dst)
    m_at = np.searchsorted(keys, m_dst)
    community = partition.of(keys) if partition is not None else np.full(k, -1, np.int64)
    city = cities.of(keys) if cities is not None else np.full(k, -1, np.int64)
    c_src = partition.of(src) if partition is not None else np.full(len(src), -1, np.int64)
    g_src = cities.of(src) if cities is not None else np.full(len(src), -1, np.int64)
    other_c = (c_src >= 0) & (community[at] >= 0) & (c_src != community[at])
    other_g = (g_src >= 0) & (city[at] >= 0) & (g_src != city[at])
    followers = followers_of(accounts, src).astype(np.float64)
    per_retweeter = (repeat_weight(n) * audience_weight(followers)
                     * (1.0 + BRIDGE_WEIGHT * (other_c | other_g)))
    first_amplified = np.full(k, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_amplified, at, first)
    first_amplified[first_amplified == np.iinfo(np.int64).max] = -1
    reach = np.bincount(at, weights=followers, minlength=k)
    pr = pagerank.of(keys)
    earliness = _earliness(first_amplified, span or _span(first))
    weight = np.bincount(at, weights=per_retweeter, minlength=k)
    pr_pct = _percentile(pr)
    score = weight * (1 + BOOST * earliness) * (1 + BOOST * pr_pct)
    return AmplifierTable(
        keys=keys, retweets=np.bincount(at, weights=n, minlength=k).astype(np.int64),
        retweeters=np.bincount(at, minlength=k), quotes=_received(keys, q_dst, q_n),
        mentions=np.bincount(
            m_at, weights=m_n, minlength=k).astype(np.int64),
        mentioners=np.bincount(m_at, minlength=k), reach=reach.astype(np.int64), pagerank=pr,
        first_amplified=first_amplified, earliness=earliness, community=community, city=city,
        retweeter_communities=_distinct(at, c_src, k),
        other_community_retweeters=np.bincount(at, weights=other_c, minlength=k).astype(np.int64),
        retweeter_cities=_distinct(at, g_src, k),
        other_city_retweeters=np.bincount(at, weights=other_g, minlength=k).astype(np.int64),
        pagerank_pct=pr_pct, weight=weight, score=score)


def _received(keys: np.ndarray, target: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Per key, the sum of ``n`` over rows whose target it is (targets not in keys ignored)."""
    out = np.zeros(len(keys), dtype=np.int64)
    if not len(keys) or not len(target):
        return out
    at = np.clip(np.searchsorted(keys, target), 0, len(keys) - 1)
    hit = keys[at] == target
    np.add.at(out, at[hit], n[hit].astype(np.int64))
    return out


def repeat_weight(n: np.ndarray) -> np.ndarray:
    """1 for one retweet, +0.5 per doubling, 3 at most (16 retweets or more)."""
    return 1.0 + REPEAT_WEIGHT * np.log2(np.clip(n, 1, REPEAT_CAP))


def audience_weight(followers: np.ndarray) -> np.ndarray:
    """1 + log10(1 + followers / 1000): 1.04 at 100 followers, 3.0 at 100k, 4.66 at 4.6M."""
    return 1.0 + np.log10(1.0 + np.maximum(followers, 0) / AUDIENCE_UNIT)


def _pairs(edges: EdgeTable | None) -> tuple[np.ndarray, ...]:
    """(source, target, count, first_at) with self-loops dropped and repeated pairs merged."""
    if edges is None or not len(edges):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty, empty
    keep = edges.source != edges.target
    s, t = edges.source[keep], edges.target[keep]
    w, f = edges.weight[keep].astype(np.int64), edges.first_at[keep]
    order = np.lexsort((s, t))
    s, t, w, f = s[order], t[order], w[order], f[order]
    starts = np.flatnonzero(np.r_[True, (s[1:] != s[:-1]) | (t[1:] != t[:-1])]) if len(s) \
        else np.empty(0, dtype=np.int64)
    return (s[starts], t[starts], np.add.reduceat(w, starts) if len(s) else w,
            np.minimum.reduceat(f, starts) if len(s) else f)


def _span(times: np.ndarray) -> tuple[int, int]:
    return (int(times.min()), int(times.max())) if len(times) else (0, 0)


def _earliness(first: np.ndarray, span: tuple[int, int]) -> np.ndarray:
    start, end = span
    length = max(end - start, 1)
    e = 1.0 - (first - start) / length
    return np.where(first >= 0, np.clip(e, 0.0, 1.0), 0.0)


def _percentile(values: np.ndarray) -> np.ndarray:
    """Rank in [0, 1], ties sharing their average rank; 0 for all when there is one row."""
    if len(values) < 2:
        return np.zeros(len(values))
    return (average_ranks(values) - 1) / (len(values) - 1)


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties sharing their average: ``scipy.stats.rankdata(values, "average")``,
    without importing scipy.stats (half a second at every start); NaN anywhere: all NaN."""
    values = np.asarray(values)
    if np.isnan(values).any():
        return np.full(len(values), np.nan)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(values)]
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.repeat((starts + ends + 1) / 2, ends - starts)  # mean of start+1 .. end
    return ranks


def _distinct(group: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Distinct non-negative values per group."""
    keep = values >= 0
    if not keep.any():
        return np.zeros(n, dtype=np.int64)
    groups, _ = distinct_pairs(group[keep], values[keep])
    return np.bincount(groups, minlength=n)


def post_order_after(posts: PostTable, moment: int) -> tuple[np.ndarray, np.ndarray]:
    """Accounts in the order of their first own post (not a retweet) at or after ``moment``.

    Returns (sorted keys, 1-based order), e.g. to say "2nd to post after the takeover".
    """
    own = ~np.isin(posts.kind, RETWEET_KINDS) & (posts.created_at >= moment)
    authors, times = posts.author[own], posts.created_at[own]
    if not len(authors):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    keys, inverse = np.unique(authors, return_inverse=True)
    first = np.full(len(keys), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, inverse, times)
    order = np.empty(len(keys), dtype=np.int64)
    order[np.lexsort((keys, first))] = np.arange(1, len(keys) + 1)
    return keys, order


@dataclass(frozen=True)
class Amplifier:
    """One ranked account, with the evidence behind its score."""

    rank: int
    key: int
    handle: str
    community: int | None
    city: str | None
    score: float
    retweets_received: int
    unique_retweeters: int
    quotes_received: int
    mentions_received: int
    pagerank: float
    reach: int
    first_amplified_at: datetime | None
    earliness: float
    retweeter_communities: int
    retweeters_from_other_communities: int
    retweeter_cities: int
    retweeters_from_other_cities: int
    posted_after_takeover: int | None  # 1 = first to post after the takeover
    reason: str


def amplifiers(table: AmplifierTable, accounts: AccountTable, *, top: int = 20,
               community: int | None = None, cities: AccountCities | None = None,
               started_at: int | None = None,
               after_takeover: tuple[np.ndarray, np.ndarray] | None = None) -> list[Amplifier]:
    """The ``top`` accounts by score (ties: more distinct retweeters, then key), explained.

    ``community`` keeps one community's accounts; accounts nobody retweeted
    are never listed. ``after_takeover`` is ``post_order_after``'s answer.
    """
    chosen = np.flatnonzero(table.score > 0)
    if community is not None:
        chosen = chosen[table.community[chosen] == community]
    order = np.lexsort((table.keys[chosen], -table.retweeters[chosen], -table.score[chosen]))
    chosen = chosen[order][: max(top, 0)]
    names = handles_of(accounts, table.keys[chosen])
    start = started_at if started_at is not None else _span(
        table.first_amplified[table.first_amplified >= 0])[0]
    rows = []
    for rank, (i, handle) in enumerate(zip(chosen.tolist(), names, strict=True), start=1):
        after = _order_of(after_takeover, int(table.keys[i]))
        city = cities.cities[table.city[i]].name if cities is not None and table.city[i] >= 0 \
            else None
        rows.append(Amplifier(
            rank=rank, key=int(table.keys[i]), handle=handle,
            community=int(table.community[i]) if table.community[i] >= 0 else None, city=city,
            score=float(table.score[i]), retweets_received=int(table.retweets[i]),
            unique_retweeters=int(table.retweeters[i]), quotes_received=int(table.quotes[i]),
            mentions_received=int(table.mentions[i]),
            pagerank=float(table.pagerank[i]), reach=int(table.reach[i]),
            first_amplified_at=utc(table.first_amplified[i]) if table.first_amplified[i] >= 0
            else None,
            earliness=float(table.earliness[i]),
            retweeter_communities=int(table.retweeter_communities[i]),
            retweeters_from_other_communities=int(table.other_community_retweeters[i]),
            retweeter_cities=int(table.retweeter_cities[i]),
            retweeters_from_other_cities=int(table.other_city_retweeters[i]),
            posted_after_takeover=after, reason=reason(table, i, start=start, after=after)))
    return rows


def _order_of(order: tuple[np.ndarray, np.ndarray] | None, key: int) -> int | None:
    if order is None or not len(order[0]):
        return None
    at = int(np.searchsorted(order[0], key))
    return int(order[1][at]) if at < len(order[0]) and order[0][at] == key else None


def reason(table: AmplifierTable, i: int, *, start: int, after: int | None) -> str:
    """Plain-language evidence for row ``i``.

    E.g. "retweeted 1,204 times by 988 accounts in 3 communities and 5 cities;
    first amplified 12 min after the first post; 2nd to post after the takeover".
    """
    n, u = int(table.retweets[i]), int(table.retweeters[i])
    parts = [f"retweeted {n:,} {_plural(n, 'time')} by {u:,} {_plural(u, 'account')}"
             + (f" ({n / u:.0f} each on average)" if u and n >= 5 * u else "")
             + _spread_phrase(int(table.retweeter_communities[i]), int(table.retweeter_cities[i]))]
    if table.first_amplified[i] >= 0:
        parts.append(f"first amplified {duration(table.first_amplified[i] - start)} after the "
                     "first post")
    if after is not None and after <= 10:
        parts.append(f"{_ordinal(after)} to post after the takeover")
    if table.quotes[i]:
        parts.append(f"quoted {int(table.quotes[i]):,} {_plural(int(table.quotes[i]), 'time')} "
                     "(not scored)")
    if table.mentions[i]:
        parts.append(f"mentioned {int(table.mentions[i]):,} {_plural(int(table.mentions[i]), 'time')}")
    return "; ".join(parts)


def _spread_phrase(communities: int, cities: int) -> str:
    where = []
    if communities:
        where.append(f"{communities:,} {_plural(communities, 'community', 'communities')}")
    if cities:
        where.append(f"{cities:,} {_plural(cities, 'city', 'cities')}")
    return (" in " + " and ".join(where)) if where else ""


def _plural(n: int, one: str, many: str | None = None) -> str:
    return one if n == 1 else (many or one + "s")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def amplifier_json(a: Amplifier) -> dict:
    """One ``tagjack amplifiers --json`` row (DESIGN's keys first, then the evidence)."""
    return {"rank": a.rank, "handle": a.handle, "community": a.community,
            "score": round(a.score, 3), "retweets_received": a.retweets_received,
            "unique_retweeters": a.unique_retweeters, "pagerank": a.pagerank, "reach": a.reach,
            "reason": a.reason, "quotes_received": a.quotes_received,
            "mentions_received": a.mentions_received, "city": a.city,
            "first_amplified_at": iso(a.first_amplified_at), "earliness": round(a.earliness, 4),
            "retweeter_communities": a.retweeter_communities,
            "retweeters_from_other_communities": a.retweeters_from_other_communities,
            "retweeter_cities": a.retweeter_cities,
            "retweeters_from_other_cities": a.retweeters_from_other_cities,
            "posted_after_takeover": a.posted_after_takeover}

"""One self-contained HTML page of a hijack: summary, takeover, communities, amplifiers, spread, network.

``report_data`` reads the store once and computes every answer the page
shows, reusing the communities and cities of the last ``analyze`` as the
reading commands do (``tagjack hijack``, ``amplifiers``, ``spread``), so the
page and the commands agree. ``render_report`` turns it into HTML;
``write_report`` does both and writes the file.

The page needs no network: plotly.js is inlined once
(``plotly.offline.get_plotlyjs``) and every chart is a div and its JSON.
The map of the spread brings its own outlines (``outputs/worldmap.py``):
plotly's geo charts would fetch theirs from a CDN.

Escaping: the page is a jinja2 template with autoescape on, so every
handle, name, label and tag in the text and tables is HTML-escaped. Chart
labels are escaped too (``chart_text``), because plotly renders a subset of
HTML in them (``<b>``, ``<a href>``); escaped, a crafted handle is drawn as
the text it is. The chart JSON sits in a <script>, and plotly writes ``<``,
``>`` and ``/`` in it as ``\\u003c``, ``\\u003e``, ``\\u002f``, so no data can
close that element.
"""

from __future__ import annotations

import html
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path

import igraph as ig
import jinja2
import numpy as np
import plotly.graph_objects as go
from markupsafe import Markup
from plotly.offline import get_plotlyjs
from tagjack.graph.analytics.communities import Partition, seeded_igraph
from tagjack.graph.analytics.coordinated import CoordinationAnswer, coordination_answer
from tagjack.graph.analytics.hijack import (
    CAMPAIGN,
    DEFAULT_WINDOW,
    HIJACKER,
    OTHER,
    RETWEET_KINDS,
    CommunitySummary,
    Hijack,
    community_summaries,
    endorsers_of,
    engagers_of,
    hijack,
)
from tagjack.graph.analytics.influence import Amplifier, AmplifierTable, PageRank
from tagjack.graph.analytics.lookup import handles_of, key_of_handle, pair_codes, rows_of
from tagjack.graph.analytics.pipeline import (
    DEFAULT_RULE,
    TOP_AMPLIFIERS,
    _amplifiers,
    _context,
    _earliest,
    _origin_key,
    _roles,
    _spread,
    _tag_posts,
    account_pagerank,
)
from tagjack.graph.analytics.projection import edge_union, projection
from tagjack.graph.analytics.spread import Spread
from tagjack.graph.model import EdgeKind, normalize_tag
from tagjack.graph.outputs.export import file_target, replacing
from tagjack.graph.outputs.worldmap import MAP_HEIGHT, map_figure
from tagjack.graph.store.base import AccountTable, EdgeTable, PostTable, Results, Store
from tagjack.graph.times import iso

NETWORK_SIZE = 300  # accounts in the network view: the top amplifiers of the tag
NETWORK_LABELS = 12  # of them, named on the drawing
TABLE_ROWS = 400  # rows at most in a table on the page
FLOWS = 30  # city -> city flows in the Sankey diagram
ROLE_COLOURS = {CAMPAIGN: "#1f77b4", HIJACKER: "#d62728", OTHER: "#8c8c8c"}
HIJACKER_SHADES = ("#d62728", "#ff7f0e", "#e377c2", "#bcbd22")
OTHER_COLOURS = ("#2ca02c", "#9467bd", "#8c564b", "#17becf", "#7f7f00", "#393b79", "#637939")
FADED = "#c7c7c7"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class NetworkView:
    """The top accounts of the tag, laid out, and the retweets and mentions among them."""

    keys: np.ndarray  # int64 account keys, by score (highest first)
    handles: list[str]
    names: list[str]
    community: np.ndarray  # int64, -1 unknown
    score: np.ndarray  # amplifier score within the tag
    retweeters: np.ndarray  # distinct retweeters within the tag
    x: np.ndarray
    y: np.ndarray
    source: np.ndarray  # node indices of undirected ties (retweets and mentions merged)
    target: np.ndarray
    weight: np.ndarray

    def __len__(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class ReportData:
    """Everything the page shows, from one read of the store."""

    hashtag: str  # as the user wrote it, with '#'
    store: str
    run: str | None  # the analyze run whose communities are shown; None: computed now
    generated_at: datetime
    hijack: Hijack
    communities: dict[int, CommunitySummary]
    amplifiers: list[Amplifier]
    spread: Spread
    network: NetworkView
    coordination: CoordinationAnswer  # co-retweet groups within the tag
    timings: dict[str, float]


def report_data(store: Store, hashtag: str, *, top: int = TOP_AMPLIFIERS,
                network_size: int = NETWORK_SIZE, origin: str | None = None,
                window: int | None = None, seed: int = 1) -> ReportData:
    """Read the store once and compute the page's answers for ``hashtag``.

    Parameters
    ----------
    store
        Any Store; an ``analyze`` of the same tag before makes this faster and
        keeps its communities, origin and window.
    hashtag
        The tag (any case, '#' optional); shown as written.
    top
        Amplifiers listed.
    network_size
        Accounts in the network view.
    origin, window
        As for ``tagjack hijack``; default those of the last ``analyze`` of
        this tag, else the earliest poster and 15-minute windows.
    seed
        Seed of the network layout, so pages repeat.
    """
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 4)
        clock = now

    tag = normalize_tag(hashtag)
    posts = _tag_posts(store, tag)
    ctx = _context(store)
    meta = ctx.results.meta if ctx.results is not None else {}
    same_tag = meta.get("hashtag") == tag
    lap("read")
    origin_key = _origin(ctx.accounts, posts, origin, meta.get("origin") if same_tag else None)
    window = window or (int(meta["window"]) if same_tag and meta.get("window") else DEFAULT_WINDOW)
    found = hijack(posts, ctx.partition, ctx.accounts, hashtag=tag, origin=origin_key,
                   endorsers=endorsers_of(ctx.retweets_all, origin_key),
                   engagers=engagers_of(ctx.engagement_all, origin_key), window=window)
    lap("hijack")
    retweets = tag_retweets(posts)
    mentions = edge_union(store.edges(EdgeKind.MENTION, hashtag=tag))  # self-mentions left out
    ranks = _stored_pagerank(ctx.results) if same_tag else None
    ranks = ranks or account_pagerank(projection(retweets, directed=True), ctx.accounts)
    table, rows = _amplifiers(retweets, mentions, ctx.accounts, ranks, ctx.partition, ctx.cities,
                              posts, found, top=top,
                              quotes=edge_union(store.edges(EdgeKind.QUOTE, hashtag=tag)))
    lap("amplifiers")
    spreading = _spread(store, tag, posts, ctx.cities, DEFAULT_RULE)
    lap("spread")
    summaries = community_summaries(ctx.partition, ctx.retweets_all, ctx.accounts,
                                    roles=_roles(found))
    network = network_view(table, [retweets, mentions], ctx.accounts, ctx.partition,
                           size=network_size, seed=seed)
    lap("network")
    coordinated = coordination_answer(store, tag, write=False, accounts=ctx.accounts,
                                      results=ctx.results)
    lap("coordination")
    shown = hashtag.strip() if hashtag.strip().startswith("#") else "#" + hashtag.strip()
    return ReportData(hashtag=shown, store=store.name,
                      run=ctx.results.run if ctx.results is not None else None,
                      generated_at=datetime.now(UTC), hijack=found,
                      communities={c.id: c for c in summaries}, amplifiers=rows,
                      spread=spreading, network=network, coordination=coordinated,
                      timings=timings)


def _stored_pagerank(results: Results | None) -> PageRank | None:
    """PageRank of the last ``analyze`` (computed on the same tag's retweets), or None."""
    if results is None or not len(results.keys):
        return None
    order = np.argsort(results.keys, kind="stable")
    return PageRank(results.keys[order], results.pagerank[order])


def _origin(accounts: AccountTable, posts: PostTable, given: str | None, stored: str | None) -> int:
    if given:
        return _origin_key(accounts, given)
    key = key_of_handle(accounts, stored) if stored else None
    return key if key is not None else _earliest(posts)


def tag_retweets(posts: PostTable) -> EdgeTable:
    """Aggregated retweet edges of the tag's posts, as ``Store.edges`` gives them, without
    self-retweets (as the analyses read them).

    The tag's posts are read anyway, so this spares the store a second
    grouped read of the same rows (the largest read of a 1M-tweet case).
    """
    rt = np.isin(posts.kind, RETWEET_KINDS) & (posts.ref_author >= 0) & \
        (posts.ref_author != posts.author)
    source, target, at = posts.author[rt], posts.ref_author[rt], posts.created_at[rt]
    if not len(source):
        empty = np.empty(0, dtype=np.int64)
        return EdgeTable(empty, empty, empty, empty, empty)
    width = int(target.max()) + 1
    codes, inverse = np.unique(pair_codes(source, target), return_inverse=True)
    first = np.full(len(codes), np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(len(codes), np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, inverse, at)
    np.maximum.at(last, inverse, at)
    return EdgeTable(codes // width, codes % width, np.bincount(inverse).astype(np.int64), first, last)


def network_view(table: AmplifierTable, edges: list[EdgeTable], accounts: AccountTable,
                 partition: Partition, *, size: int = NETWORK_SIZE, seed: int = 1) -> NetworkView:
    """The ``size`` accounts with the highest amplifier score that have a tie among them, laid out.

    Ties are retweets and mentions among them, merged and undirected. The
    layout is Fruchterman-Reingold (igraph); a tie pulls by log(1 + count),
    ten times harder within a community than across, so communities show
    as groups instead of one hairball around the biggest hubs.
    """
    chosen = np.flatnonzero(table.score > 0)
    chosen = chosen[np.lexsort((table.keys[chosen], -table.score[chosen]))][: max(size, 0)]
    keys = table.keys[chosen]
    order = np.argsort(keys)
    pairs: dict[tuple[int, int], int] = {}
    for e in edges:
        for s, t, w in zip(*_among(e, keys[order], order), strict=True):
            pair = (min(s, t), max(s, t))
            pairs[pair] = pairs.get(pair, 0) + w
    tied = np.zeros(len(keys), dtype=bool)
    tied[[i for pair in pairs for i in pair]] = True
    index = np.cumsum(tied) - 1  # old node index -> new, for the nodes kept
    chosen, keys = chosen[tied], keys[tied]
    source = np.array([index[p[0]] for p in pairs], dtype=np.int64)
    target = np.array([index[p[1]] for p in pairs], dtype=np.int64)
    weight = np.array(list(pairs.values()), dtype=np.int64)
    community = partition.of(keys)
    same = community[source] == community[target] if len(source) else np.zeros(0, dtype=bool)
    xy = _layout(len(keys), source, target, np.log1p(weight) * np.where(same, 1.0, 0.1), seed=seed)
    rows = rows_of(accounts, keys)
    return NetworkView(
        keys=keys, handles=handles_of(accounts, keys),
        names=[accounts.names[r] if r >= 0 else "" for r in rows.tolist()],
        community=community, score=table.score[chosen], retweeters=table.retweeters[chosen],
        x=xy[:, 0], y=xy[:, 1], source=source, target=target, weight=weight)


def _among(e: EdgeTable, sorted_keys: np.ndarray, order: np.ndarray) -> tuple[list, list, list]:
    """Edges of ``e`` with both ends among the view's keys, as view indices."""
    if not len(sorted_keys) or not len(e):
        return [], [], []
    s_at = np.clip(np.searchsorted(sorted_keys, e.source), 0, len(sorted_keys) - 1)
    t_at = np.clip(np.searchsorted(sorted_keys, e.target), 0, len(sorted_keys) - 1)
    keep = (sorted_keys[s_at] == e.source) & (sorted_keys[t_at] == e.target) & (e.source != e.target)
    return order[s_at[keep]].tolist(), order[t_at[keep]].tolist(), e.weight[keep].tolist()


def _layout(n: int, source: np.ndarray, target: np.ndarray, weight: np.ndarray, *,
            seed: int) -> np.ndarray:
    """Fruchterman-Reingold positions, (n, 2); ``weight`` is each tie's pull."""
    if n == 0:
        return np.zeros((0, 2))
    g = ig.Graph(n=n, edges=np.column_stack((source, target)).tolist(), directed=False)
    with seeded_igraph(seed):
        layout = g.layout_fruchterman_reingold(weights=weight.tolist() if len(weight) else None,
                                               niter=1000)
    return np.asarray(layout.coords, dtype=np.float64).reshape(n, 2)


# -- the page ----------------------------------------------------------------------------------


def chart_text(value: object) -> str:
    """Text for a plotly label: plotly reads a subset of HTML there, so escape it."""
    return html.escape(str(value), quote=False)


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%d %b %Y %H:%M UTC") if moment else "never"


def _clock(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%H:%M UTC") if moment else "never"


def elapsed(seconds: float) -> str:
    """``2h 05m``, ``45m``, ``3d 4h``: a gap in time for people."""
    minutes = int(round(max(seconds, 0) / 60))
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {mins:02d}m" if hours else f"{mins}m"


def _pct(x: float) -> str:
    return f"{x:.1%}" if x < 0.1 else f"{x:.0%}"


def community_colours(h: Hijack) -> dict[int, str]:
    """Campaign blue, hijackers red (then orange...), the other busiest communities a palette."""
    colours: dict[int, str] = {}
    if h.campaign_community is not None:
        colours[h.campaign_community] = ROLE_COLOURS[CAMPAIGN]
    for i, c in enumerate(h.hijacker_communities):
        colours[c] = HIJACKER_SHADES[i % len(HIJACKER_SHADES)]
    others = [r.community for r in h.communities if r.community >= 0 and r.community not in colours]
    for c, colour in zip(others, OTHER_COLOURS, strict=False):
        colours[c] = colour
    return colours


def _label(data: ReportData, community: int | None) -> str:
    if community is None or community < 0:
        return "no community"
    c = data.communities.get(community)
    return f"{community} · {c.label}" if c else str(community)


def _engagement_sentence(rows: list, origin: str) -> str:
    """" 38% of them engaged with @x instead: 2,260 quote or reply posts." or ""."""
    engaged = sum(r.engaged for r in rows)
    if not engaged:
        return ""
    share = engaged / max(sum(r.members for r in rows), 1)
    posts = sum(r.engagement_posts for r in rows)
    return (f" {_pct(share)} of them engaged with @{origin} instead: {posts:,} quote or reply "
            f"{'post' if posts == 1 else 'posts'}.")


def summary(data: ReportData) -> list[str]:
    """The plain-language sentences at the top of the page."""
    h, s = data.hijack, data.spread
    out = [f"{data.hashtag} was launched by @{h.origin} on {_when(h.started_at)}"
           + (f" (community {_label(data, h.campaign_community)})." if h.campaign_community is not None
              else ".")]
    hijackers = [r for r in h.communities if r.role == HIJACKER]
    if hijackers:
        around = " and ".join(f"@{r.top_accounts[0]}" if r.top_accounts else f"community {r.community}"
                              for r in hijackers)
        share = sum(r.share for r in hijackers)
        endorsement = sum(r.endorsers for r in hijackers) / max(sum(r.members for r in hijackers), 1)
        who = f"The {'community' if len(hijackers) == 1 else 'communities'} around {around}"
        if h.takeover_at is not None and h.started_at is not None:
            out.append(f"{who} took it over at {_clock(h.takeover_at)}, "
                       f"{elapsed((h.takeover_at - h.started_at).total_seconds())} later: "
                       f"{_pct(share)} of the tag's posts, while only {_pct(endorsement)} of "
                       f"{'its' if len(hijackers) == 1 else 'their'} members ever retweeted "
                       f"@{h.origin}." + _engagement_sentence(hijackers, h.origin))
        else:
            out.append(f"{who} posted {_pct(share)} of the tag's posts but never outposted the "
                       f"campaign in a {h.window // 60}-minute window.")
    else:
        out.append("No community took it over: none posted much of the tag while ignoring its "
                   f"origin @{h.origin}.")
    away = [c for c in s.cities if c.city != s.home]
    if away:
        located = {}
        for v in s.variants:
            if v.city and v.city not in located:
                located[v.city] = v.hashtag
        first = away[0]
        as_tag = f" as #{located[first.city]}" if first.city in located else ""
        after = (f", {elapsed((first.first_at - h.started_at).total_seconds())} after launch"
                 if h.started_at else "")
        then = [f"{c.city}" + (f" (#{located[c.city]})" if c.city in located else "")
                for c in away[1:6]]
        out.append(f"It spread to {len(away)} {'city' if len(away) == 1 else 'cities'}"
                   + (f" beyond {s.home}" if s.home else "")
                   + f", first {first.city}{as_tag} at {_clock(first.first_at)}{after}"
                   + (f"; then {', '.join(then)}" + (" and more" if len(away) > 6 else "")
                      if then else "") + ".")
    elif s.cities:
        out.append(f"It stayed in {s.cities[0].city}.")
    else:
        out.append("None of its posters could be placed in a city.")
    if data.amplifiers:
        out.append("Its top amplifiers: " + ", ".join(
            f"@{a.handle} ({a.unique_retweeters:,} retweeters)" for a in data.amplifiers[:3]) + ".")
    return out


def figures(data: ReportData) -> dict[str, go.Figure]:
    colours = community_colours(data.hijack)
    return {"timeline": timeline_figure(data.hijack),
            "communities": communities_figure(data, colours),
            "amplifiers": amplifiers_figure(data, colours),
            "map": _layout_defaults(map_figure(data.spread), height=MAP_HEIGHT),
            "adoption": adoption_figure(data.spread),
            "flows": flows_figure(data.spread),
            "network": network_figure(data, colours)}


def _layout_defaults(fig: go.Figure, *, height: int, **more: object) -> go.Figure:
    more.setdefault("margin", fig.layout.margin.to_plotly_json() or {"l": 60, "r": 20, "t": 30, "b": 50})
    fig.update_layout(template="plotly_white", height=height, font={"family": FONT, "size": 13},
                      hoverlabel={"align": "left"}, **more)
    return fig


def timeline_figure(h: Hijack) -> go.Figure:
    """Tag posts per window, stacked by role, the takeover marked."""
    starts = [w.start for w in h.timeline]
    half = timedelta(seconds=h.window / 2)  # a bar spans its window: centred on the middle
    fig = go.Figure([go.Bar(x=[s + half for s in starts], y=[getattr(w, role) for w in h.timeline],
                            name=role, width=h.window * 1000,  # ms on a date axis
                            customdata=starts,
                            marker={"color": ROLE_COLOURS[role], "line": {"width": 0}},
                            hovertemplate=f"%{{customdata|%d %b %H:%M}} UTC<br>{role}: %{{y:,}}"
                                          "<extra></extra>")
                     for role in (CAMPAIGN, HIJACKER, OTHER)])
    _layout_defaults(fig, height=420, barmode="stack", bargap=0,
                     legend={"orientation": "h", "y": 1.08, "x": 0, "traceorder": "normal"},
                     yaxis={"title": {"text": f"posts per {h.window // 60} min"}},
                     xaxis={"title": {"text": "UTC"}, "rangeslider": {"visible": True,
                                                                      "thickness": 0.08}})
    if h.takeover_at is not None:
        fig.add_shape(type="line", x0=h.takeover_at, x1=h.takeover_at, yref="paper", y0=0, y1=1,
                      line={"color": "#000", "width": 1.5, "dash": "dash"})
        fig.add_annotation(x=h.takeover_at, y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"takeover {_clock(h.takeover_at)}", font={"size": 12})
        if starts:  # open on the takeover; the range slider below shows the rest
            later = max(timedelta(hours=6), 3 * (h.takeover_at - starts[0]))
            end = min(starts[-1] + timedelta(seconds=h.window), h.takeover_at + later)
            fig.update_xaxes(range=[starts[0] - timedelta(seconds=h.window), end])
    return fig


def communities_figure(data: ReportData, colours: dict[int, str]) -> go.Figure:
    """Each community's share of the tag against how many of its members retweeted the origin."""
    h = data.hijack
    rows = [r for r in h.communities if r.community >= 0]
    fig = go.Figure()
    campaign = next((r for r in rows if r.role == CAMPAIGN), None)
    if campaign is not None:
        limit = h.thresholds.max_endorsement_ratio * campaign.endorsement
        fig.add_shape(type="rect", x0=h.thresholds.min_share, x1=1, y0=-1, y1=limit, layer="below",
                      line={"width": 0}, fillcolor="rgba(214,39,40,0.08)")
        fig.add_annotation(x=h.thresholds.min_share, y=limit, xanchor="left", yanchor="bottom",
                           showarrow=False, text="hijacker zone",
                           font={"color": ROLE_COLOURS[HIJACKER], "size": 11})
    biggest = max((r.members for r in rows), default=1)
    for role in (CAMPAIGN, HIJACKER, OTHER):
        mine = [r for r in rows if r.role == role]
        if not mine:
            continue
        named = [r.role != OTHER or r.share >= h.thresholds.min_share for r in mine]
        fig.add_trace(go.Scatter(
            x=[r.share for r in mine], y=[r.endorsement for r in mine], name=role,
            mode="markers+text",
            text=[chart_text(data.communities[r.community].label if r.community in data.communities
                             else r.community) if n else "" for r, n in zip(mine, named, strict=True)],
            textposition="top center",
            customdata=[[chart_text(_label(data, r.community)), r.members, r.posts] for r in mine],
            hovertemplate=("%{customdata[0]}<br>%{customdata[1]:,} members, %{customdata[2]:,} tag "
                           "posts<br>share %{x:.1%}, endorsement %{y:.1%}<extra></extra>"),
            marker={"size": [8 + 40 * math.sqrt(r.members / biggest) for r in mine],
                    "color": [colours.get(r.community, FADED) for r in mine], "opacity": 0.75,
                    "line": {"width": 1, "color": "#fff"}}))
    right = max([r.share for r in rows] + [h.thresholds.min_share]) * 1.15 + 0.02
    top = max([r.endorsement for r in rows] + [0.05]) * 1.15 + 0.03
    return _layout_defaults(
        fig, height=440, showlegend=False,
        xaxis={"title": {"text": f"share of {chart_text(data.hashtag)} posts"}, "tickformat": ".0%",
               "range": [-0.01, right]},
        yaxis={"title": {"text": f"members who ever retweeted @{chart_text(h.origin)}"},
               "tickformat": ".0%", "range": [-0.04, top]})


def amplifiers_figure(data: ReportData, colours: dict[int, str]) -> go.Figure:
    """Amplifier scores, highest at the top, coloured by community."""
    rows = data.amplifiers[::-1]
    fig = go.Figure(go.Bar(
        x=[a.score for a in rows], y=[f"{a.rank}. @{chart_text(a.handle)}" for a in rows],
        orientation="h",
        marker={"color": [colours.get(a.community, FADED) if a.community is not None else FADED
                          for a in rows]},
        customdata=[[chart_text(_label(data, a.community)), _wrap(chart_text(a.reason))]
                    for a in rows],
        hovertemplate="%{y}<br>%{customdata[0]}<br>score %{x:,.1f}<br>%{customdata[1]}<extra></extra>"))
    return _layout_defaults(fig, height=max(300, 26 * len(rows) + 80),
                            margin={"l": 200, "r": 20, "t": 20, "b": 50},
                            xaxis={"title": {"text": "amplifier score"}}, yaxis={"automargin": True})


def _wrap(text: str, width: int = 70) -> str:
    """Break a long hover text into lines (<br> goes in after escaping)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join([*lines, line])


def adoption_figure(s: Spread) -> go.Figure:
    """Cities in adoption order on a time axis, sized by accounts, with the first tag used."""
    cities = s.cities
    variants = {v.city: v.hashtag for v in sorted(s.variants, key=lambda v: v.first_at) if v.city}
    tags = [variants.get(c.city, c.first_hashtag) for c in cities]
    biggest = max((c.accounts for c in cities), default=1)
    fig = go.Figure(go.Scatter(
        x=[c.first_at for c in cities], y=[chart_text(c.city) for c in cities],
        mode="lines+markers+text", line={"color": FADED, "width": 1, "dash": "dot"},
        text=[f"#{chart_text(t)}" for t in tags], textposition="middle right",
        marker={"size": [10 + 30 * math.sqrt(c.accounts / biggest) for c in cities],
                "color": [ROLE_COLOURS[CAMPAIGN] if c.city == s.home else "#2ca02c" for c in cities]},
        customdata=[[c.accounts, c.posts, chart_text(c.country)] for c in cities],
        hovertemplate=("%{y} (%{customdata[2]})<br>first post %{x|%d %b %H:%M} UTC<br>"
                       "%{customdata[0]:,} accounts, %{customdata[1]:,} posts<extra></extra>")))
    xaxis: dict = {"title": {"text": "first post carrying the tag or a variant (UTC)"}}
    if cities:  # room on the right for the last city's tag
        first, last = cities[0].first_at, cities[-1].first_at
        pad = max(last - first, timedelta(hours=1))
        xaxis["range"] = [first - pad * 0.04, last + pad * 0.2]
    return _layout_defaults(fig, height=max(280, 40 * len(cities) + 100), showlegend=False,
                            yaxis={"autorange": "reversed", "automargin": True}, xaxis=xaxis,
                            margin={"l": 120, "r": 20, "t": 20, "b": 50})


def flows_figure(s: Spread) -> go.Figure:
    """City -> city retweets as a Sankey diagram: origin cities left, retweeting cities right."""
    flows = s.transmissions[:FLOWS]
    left = sorted({t.source for t in flows}, key=lambda c: -sum(f.retweets for f in flows
                                                                 if f.source == c))
    right = sorted({t.target for t in flows}, key=lambda c: -sum(f.retweets for f in flows
                                                                  if f.target == c))
    labels = [chart_text(c) for c in left] + [chart_text(c) for c in right]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node={"label": labels, "pad": 12, "thickness": 14,
              "color": ["#1f77b4"] * len(left) + ["#2ca02c"] * len(right),
              "hovertemplate": "%{label}: %{value:,} retweets<extra></extra>"},
        link={"source": [left.index(t.source) for t in flows],
              "target": [len(left) + right.index(t.target) for t in flows],
              "value": [t.retweets for t in flows], "color": "rgba(31,119,180,0.25)",
              "hovertemplate": ("%{source.label} → %{target.label}: %{value:,} retweets"
                                "<extra></extra>")}))
    return _layout_defaults(fig, height=max(320, 30 * max(len(left), len(right)) + 80),
                            margin={"l": 20, "r": 20, "t": 20, "b": 20})


def network_figure(data: ReportData, colours: dict[int, str]) -> go.Figure:
    """The top accounts as a node-link drawing: colour = community, size = amplifier score."""
    v = data.network
    fig = go.Figure()
    xs: list[float | None] = []
    ys: list[float | None] = []
    for s, t in zip(v.source.tolist(), v.target.tolist(), strict=True):
        xs += [float(v.x[s]), float(v.x[t]), None]
        ys += [float(v.y[s]), float(v.y[t]), None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                             line={"width": 0.6, "color": "rgba(120,120,120,0.28)"}))
    top = float(v.score.max()) if len(v) else 1.0
    community = v.community.tolist()
    groups = [c for c in dict.fromkeys(community) if c in colours] + \
        ([None] if any(c not in colours for c in community) else [])
    for group in groups:
        idx = [i for i, c in enumerate(community) if (c == group if group is not None
                                                        else c not in colours)]
        fig.add_trace(go.Scatter(
            x=v.x[idx], y=v.y[idx], mode="markers",
            name=chart_text(_label(data, group)) if group is not None else "other communities",
            marker={"size": [5 + 30 * math.sqrt(v.score[i] / top) for i in idx],
                    "color": colours.get(group, FADED) if group is not None else FADED,
                    "line": {"width": 0.5, "color": "#fff"}},
            customdata=[[chart_text(v.handles[i]), chart_text(v.names[i]),
                         chart_text(_label(data, community[i])), float(v.score[i]),
                         int(v.retweeters[i])] for i in idx],
            hovertemplate=("@%{customdata[0]} %{customdata[1]}<br>%{customdata[2]}<br>score "
                           "%{customdata[3]:,.1f}, %{customdata[4]:,} retweeters<extra></extra>")))
    named = [community.index(c) for c in dict.fromkeys(community) if c in colours][:NETWORK_LABELS]
    fig.add_trace(go.Scatter(x=v.x[named], y=v.y[named], mode="text", showlegend=False,
                             hoverinfo="skip", text=[f"@{chart_text(v.handles[i])}" for i in named],
                             textposition="top center",
                             textfont={"size": 11, "shadow": "1px 1px 2px #fff"}))
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    return _layout_defaults(fig, height=640, xaxis=hidden, yaxis={**hidden, "scaleanchor": "x"},
                            legend={"itemsizing": "constant"},
                            margin={"l": 10, "r": 10, "t": 10, "b": 10})


def _chart(fig: go.Figure, name: str) -> Markup:
    return Markup(fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{name}",
                              auto_play=False, config={"displaylogo": False, "responsive": True}))


def tables(data: ReportData) -> dict[str, dict]:
    """The tables behind the charts: {name: {columns, rows, numeric (column indexes), note}}."""
    h, s = data.hijack, data.spread
    windows = h.timeline[:TABLE_ROWS]
    takeover_row = next((i for i, w in enumerate(windows) if w.start == h.takeover_at), None)
    n = len(data.network)
    return {
        "timeline": {
            "columns": ["window (UTC)", "campaign", "hijacker", "other", "hijacker − campaign"],
            "numeric": [1, 2, 3, 4],
            "rows": [[w.start.strftime("%d %b %H:%M"), f"{w.campaign:,}", f"{w.hijacker:,}",
                      f"{w.other:,}", f"{w.hijacker - w.campaign:+,}"] for w in windows],
            "marked": takeover_row,
            "note": _cut(len(h.timeline), len(windows), "windows")},
        "communities": {
            "columns": ["community", "role", "members", "tag posts", "share", "endorsement",
                        "engaged", "quotes + replies", "top accounts in the tag",
                        "first tag post"],
            "numeric": [2, 3, 4, 5, 6, 7],
            "rows": [[_label(data, r.community), r.role, f"{r.members:,}", f"{r.posts:,}",
                      f"{r.share:.1%}", f"{r.endorsement:.1%}", f"{r.engagement:.1%}",
                      f"{r.engagement_posts:,}", ", ".join("@" + a for a in r.top_accounts),
                      f"{_when(r.first_at)} by @{r.first_account}" if r.first_account else ""]
                     for r in h.communities[:TABLE_ROWS]],
            "note": _cut(len(h.communities), min(len(h.communities), TABLE_ROWS), "communities")
            + " " + h.explanation + f". Endorsement: members who retweeted @{h.origin}; engaged: "
            "members who quoted or replied to it, with how many such posts (a quote or a reply "
            "may mock, so it is never endorsement)."},
        "amplifiers": {
            "columns": ["#", "account", "community", "city", "score", "retweets", "retweeters",
                        "quotes", "reach", "why"],
            "numeric": [0, 4, 5, 6, 7, 8],
            "rows": [[str(a.rank), "@" + a.handle, _label(data, a.community), a.city or "",
                      f"{a.score:,.1f}", f"{a.retweets_received:,}", f"{a.unique_retweeters:,}",
                      f"{a.quotes_received:,}", f"{a.reach:,}", a.reason]
                     for a in data.amplifiers],
            "note": "The score counts distinct retweeters; quotes are shown, not scored (a quote "
                    "spreads a post even when it mocks it)."},
        "cities": {
            "columns": ["#", "city", "country", "first post", "first tag", "accounts", "posts",
                        "tags used"],
            "numeric": [0, 5, 6],
            "rows": [[str(i), c.city, c.country, _when(c.first_at), "#" + c.first_hashtag,
                      f"{c.accounts:,}", f"{c.posts:,}", " ".join("#" + t for t in c.hashtags[:6])]
                     for i, c in enumerate(s.cities[:TABLE_ROWS], start=1)],
            "note": f"{s.located_accounts:,} of {s.posting_accounts:,} posting accounts located."},
        "variants": {
            "columns": ["tag", "city", "found by", "first post", "posts", "adopters", "located"],
            "numeric": [4, 5, 6],
            "rows": [["#" + v.hashtag, v.city or ("ambiguous: " + ", ".join(
                c.city for c in v.candidates) if v.ambiguous else "unknown"), v.rule,
                      _when(v.first_at), f"{v.posts:,}", f"{v.accounts:,}", f"{v.located:,}"]
                     for v in s.variants[:TABLE_ROWS]],
            "note": ""},
        "flows": {
            "columns": ["from", "to", "retweets", "first"],
            "numeric": [2],
            "rows": [[t.source, t.target, f"{t.retweets:,}", _when(t.first_at)]
                     for t in s.transmissions[:TABLE_ROWS]],
            "note": _cut(len(s.transmissions), min(len(s.transmissions), TABLE_ROWS), "flows")
            + (f" The diagram shows the {FLOWS} largest." if len(s.transmissions) > FLOWS else "")},
        "coordination": _coordination_table(data.coordination),
        "network": {
            "columns": ["#", "account", "name", "community", "score", "retweeters", "ties in view"],
            "numeric": [0, 4, 5, 6],
            "rows": [[str(i + 1), "@" + data.network.handles[i], data.network.names[i],
                      _label(data, int(data.network.community[i])),
                      f"{data.network.score[i]:,.1f}", f"{int(data.network.retweeters[i]):,}",
                      f"{d:,}"] for i, d in zip(range(min(n, 50)), _degrees(data.network).tolist(),
                                                strict=False)],
            "note": f"The {min(n, 50)} highest of the {n:,} accounts drawn; "
                    f"{len(data.network.source):,} ties among them (retweets and mentions)."},
    }


def _coordination_table(c: CoordinationAnswer) -> dict:
    return {
        "columns": ["group", "accounts", "community", "role", "chance", "posts pushed",
                    "median gap", "coordinated share", "what it pushed first"],
        "numeric": [1, 5, 7],
        "rows": [[str(g.id), ", ".join("@" + h for h in g.handles), str(g.community)
                  if g.community is not None else "", g.role or "", f"p = {g.p_value:.1e}",
                  f"{g.pushed:,}", f"{g.median_gap_s:.1f} s", f"{g.coordinated_share:.0%}",
                  "; ".join(f"{p['post_id']} ({p['members']} members, {p['first_at']})"
                            for p in g.posts[:3])] for g in c.groups[:TABLE_ROWS]],
        "note": f"{c.actions:,} retweets in the tag; the plain co-retweet network has "
                f"{c.pairs:,} pairs of weight >= {c.min_weight} (within {c.window:g} s); "
                f"{c.coordinated_pairs:,} are coordinated beyond chance."}


def _degrees(v: NetworkView) -> np.ndarray:
    return np.bincount(np.concatenate((v.source, v.target)), minlength=len(v)) if len(v) \
        else np.zeros(0, dtype=np.int64)


def _cut(total: int, shown: int, what: str) -> str:
    return f"The first {shown:,} of {total:,} {what}." if total > shown else ""


def facts(data: ReportData) -> list[tuple[str, str]]:
    """Key figures for the cards under the summary: (value, what)."""
    h, s = data.hijack, data.spread
    return [(f"{h.posts:,}", "tag posts"),
            (f"{sum(r.posters for r in h.communities):,}", "accounts posting it"),
            (_clock(h.takeover_at), "takeover" + (
                f", {elapsed((h.takeover_at - h.started_at).total_seconds())} after launch"
                if h.takeover_at and h.started_at else "")),
            (f"{len(h.hijacker_communities)}", "hijacker communities"),
            (f"{len([c for c in s.cities if c.city != s.home]):,}",
             f"cities reached beyond {s.home}" if s.home else "cities reached"),
            (f"{len(s.variants):,}", "variant tags")]


_ENVIRONMENT = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                                  trim_blocks=True, lstrip_blocks=True)


def render_report(data: ReportData) -> str:
    """The page as one HTML string (plotly.js inlined: about 5 MB)."""
    template = _ENVIRONMENT.from_string(
        files("tagjack.graph.outputs").joinpath("templates/report.html.j2").read_text(encoding="utf-8"))
    charts = {name: _chart(fig, name) for name, fig in figures(data).items()}
    return template.render(
        data=data, summary=summary(data), facts=facts(data), charts=charts, tables=tables(data),
        plotly_js=Markup(get_plotlyjs()), generated=_when(data.generated_at),
        takeover=iso(data.hijack.takeover_at), chart_count=len(charts))


def write_report(store: Store, hashtag: str, out: Path, *, top: int = TOP_AMPLIFIERS,
                 network_size: int = NETWORK_SIZE, origin: str | None = None,
                 window: int | None = None, seed: int = 1) -> Path:
    """Build the report of ``hashtag`` from ``store`` and write it to ``out``; returns ``out``.

    The file is written beside ``out`` and renamed into place; missing
    folders are created. Raises NotFound for a tag without posts and
    CannotWrite when ``out`` cannot be written.
    """
    out = file_target(Path(out))  # before the work: a bad --out fails at once
    page = render_report(report_data(store, hashtag, top=top, network_size=network_size,
                                     origin=origin, window=window, seed=seed))
    with replacing(out) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return out

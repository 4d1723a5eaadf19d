"""The spread on a world map: land, cities and city-to-city retweets, drawn with no network.

Plotly's geo charts fetch their outlines from a CDN, so the map is drawn on
plain x/y axes instead: Natural Earth's 1:110m land and country borders
(``data/countries-110m.json``, public domain; see data/SOURCE.md) and the
cities are projected here with Equal Earth (Šavrič, Patterson and Jenny,
"The Equal Earth map projection", IJGIS 33(3), 2019), which keeps areas
true and shapes close to Robinson's. The view opens on the case's cities;
zooming out shows the world.

Pure: a ``Spread`` in, a plotly figure out. Every label is HTML-escaped,
as in the rest of the report, because plotly reads a subset of HTML there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from html import escape
from importlib.resources import files

import numpy as np
import orjson
import plotly.graph_objects as go
from tagjack.graph.analytics.spread import CityAdoption, Spread, Transmission

MAP_HEIGHT = 620
MAP_MARGIN = {"l": 10, "r": 70, "t": 36, "b": 10}  # right: the colour bar; top: the legend
MAP_CITIES = 400  # cities drawn at most, the most accounts first; the cities table lists them all
MAP_LABELS = 40  # of those, named on the map (the rest on hover)
MAP_FLOWS = 40  # city -> city flows drawn, the most retweets first
REPLAY_STEPS = 24  # moments the replay slider stops at, at most
PLOT_PX = (1020, 460)  # about the plot area on the report's page: to place labels and fit the view
WIDTHS = (1.0, 2.0, 3.5, 5.5)  # flow line widths, by retweets (square-root classes)
LAND, BORDER, OCEAN, COAST = "#e6e3da", "#ffffff", "#eef4f8", "#c9c4b5"
FLOW = "rgba(214,39,40,0.5)"
TIME_COLOURS = "Viridis"
FONT_PX = 7.0  # average width of a label character at 12 px, for placing labels
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796  # Equal Earth's polynomial
M = math.sqrt(3) / 2


def equal_earth(lon: np.ndarray | Sequence[float], lat: np.ndarray | Sequence[float]
                ) -> tuple[np.ndarray, np.ndarray]:
    """Equal Earth x, y of longitudes and latitudes in degrees, on the unit sphere.

    x runs within ±2.7066 (the 180th meridians), y within ±1.3174 (the
    poles); NaN stays NaN. The forward formula of Šavrič et al. (2019), as
    in d3-geo's ``geoEqualEarthRaw``.
    """
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    theta = np.arcsin(M * np.sin(np.radians(np.asarray(lat, dtype=np.float64))))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * np.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    return x, theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))


# -- the outlines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """Projected outlines: each an (x, y) pair of float32 arrays, NaN between parts."""

    land: tuple[np.ndarray, np.ndarray]  # polygon rings, to fill
    borders: tuple[np.ndarray, np.ndarray]  # lines between two countries
    sphere: tuple[np.ndarray, np.ndarray]  # the edge of the map, to fill as the sea


@cache
def world() -> World:
    """Natural Earth's 1:110m land and country borders, projected once per process."""
    topo = orjson.loads(files(__package__).joinpath("data/countries-110m.json").read_bytes())
    arcs = topology_arcs(topo)
    land = [part for g in topo["objects"]["land"]["geometries"] for ring in rings(g)
            for part in cut_at_antimeridian(ring_points(ring, arcs))]
    lat = np.linspace(-90.0, 90.0, 91)
    edge = np.concatenate([np.column_stack((np.full_like(lat, 180.0), lat)),
                           np.column_stack((np.full_like(lat, -180.0), lat[::-1]))])
    return World(land=_projected(land), borders=_projected(shared_arcs(topo, arcs)),
                 sphere=_projected([edge]))


def topology_arcs(topo: dict) -> list[np.ndarray]:
    """The arcs of a quantized TopoJSON topology, as (n, 2) arrays of longitude, latitude.

    Positions are delta-encoded integers: each arc's running sum, scaled and
    translated by the topology's ``transform`` (TopoJSON specification 1.0,
    section 2.1.2).
    """
    scale = np.asarray(topo["transform"]["scale"], dtype=np.float64)
    shift = np.asarray(topo["transform"]["translate"], dtype=np.float64)
    return [np.cumsum(np.asarray(arc, dtype=np.float64), axis=0) * scale + shift
            for arc in topo["arcs"]]


def rings(geometry: dict) -> list[list[int]]:
    """The rings of a Polygon or MultiPolygon geometry, each a list of arc indexes."""
    if geometry["type"] == "Polygon":
        return list(geometry["arcs"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["arcs"] for ring in polygon]
    return []


def ring_points(ring: Sequence[int], arcs: Sequence[np.ndarray]) -> np.ndarray:
    """A ring's positions: its arcs joined, ``~i`` meaning arc ``i`` reversed.

    Consecutive arcs share their joining position, so it is kept once.
    """
    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in ring]
    return np.concatenate([parts[0], *(p[1:] for p in parts[1:])])


def cut_at_antimeridian(ring: np.ndarray) -> list[np.ndarray]:
    """A ring as polygons that stay within longitudes -180..180, for drawing on a flat map.

    The outlines are spherical: a ring may step across the antimeridian
    (Fiji, Chukotka) or circle a pole (Antarctica), which drawn flat would
    streak across the whole map. Such a ring is unwrapped (longitudes made
    continuous, a pole-circling ring closed along the pole) and clipped to
    each 360-degree copy of the map's width (Sutherland-Hodgman).
    """
    step = np.diff(ring[:, 0])
    if not (np.abs(step) > 180).any():
        return [ring]
    lon = ring[0, 0] + np.concatenate([[0.0], np.cumsum((step + 180) % 360 - 180)])
    flat = np.column_stack((lon, ring[:, 1]))
    if abs(lon[-1] - lon[0]) > 180:
        pole = -90.0 if ring[:, 1].mean() < 0 else 90.0
        flat = np.concatenate([flat, [[lon[-1], pole], [lon[0], pole]]])
    parts = [_clip(_clip(flat + [shift, 0.0], 180.0, keep_below=True), -180.0, keep_below=False)
             for shift in (-360.0, 0.0, 360.0)]
    return [p for p in parts if len(p) >= 3 and np.ptp(p[:, 0]) > 0]  # not a sliver on the edge


def _clip(points: np.ndarray, at: float, *, keep_below: bool) -> np.ndarray:
    """The polygon cut by the meridian ``at``: the side below (west) or above (east) it."""
    if not len(points):
        return points
    inside = points[:, 0] <= at if keep_below else points[:, 0] >= at
    out: list[np.ndarray] = []
    for i in range(len(points)):
        p, q = points[i - 1], points[i]
        if inside[i] != inside[i - 1]:
            out.append(np.array([at, p[1] + (q[1] - p[1]) * (at - p[0]) / (q[0] - p[0])]))
        if inside[i]:
            out.append(q)
    return np.array(out).reshape(-1, 2)


def shared_arcs(topo: dict, arcs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Arcs of two different countries: the borders, without the coasts."""
    users: dict[int, set[int]] = {}
    for n, country in enumerate(topo["objects"]["countries"]["geometries"]):
        for ring in rings(country):
            for i in ring:
                users.setdefault(i if i >= 0 else ~i, set()).add(n)
    return [arcs[i] for i in sorted(users) if len(users[i]) > 1]


def _projected(parts: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    gap = np.full((1, 2), np.nan)
    joined = np.concatenate([piece for part in parts for piece in (part, gap)][:-1])
    x, y = equal_earth(joined[:, 0], joined[:, 1])
    return x.astype(np.float32), y.astype(np.float32)


# -- the figure ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """The ranges the map opens on and its scale, pixels per projected unit."""

    x: tuple[float, float]
    y: tuple[float, float]
    px: float


def view(x: np.ndarray, y: np.ndarray, *, plot: tuple[int, int] = PLOT_PX) -> View:
    """Ranges around the points (the whole world without any), padded, in the plot's proportions."""
    width, height = plot
    if not len(x):
        half_x, half_y, cx, cy = 2.75, 1.36, 0.0, 0.0
    else:
        cx, cy = (float(x.min()) + float(x.max())) / 2, (float(y.min()) + float(y.max())) / 2
        half_x = max((float(x.max()) - float(x.min())) / 2 * 1.15 + 0.1, 0.25)
        half_y = (float(y.max()) - float(y.min())) / 2 * 1.15 + 0.08
    half_x = max(half_x, half_y * width / height)
    half_y = half_x * height / width
    return View((cx - half_x, cx + half_x), (cy - half_y, cy + half_y), width / (2 * half_x))


def replay_steps(times: Sequence[datetime], *, steps: int = REPLAY_STEPS) -> list[datetime]:
    """The moments the slider stops at: each adoption, thinned evenly to ``steps``, the last kept."""
    distinct = sorted(set(times))
    if len(distinct) <= steps:
        return distinct
    picks = np.linspace(0, len(distinct) - 1, steps).round().astype(int)
    return [distinct[i] for i in sorted(set(picks.tolist()))]


def label_positions(x: np.ndarray, y: np.ndarray, radius: np.ndarray, labels: Sequence[str | None],
                    *, px: float, crowded: float = 0.25) -> list[str | None]:
    """A plotly ``textposition`` per city that keeps its label off the markers and labels placed.

    Greedy in the given order (callers put the biggest first): right, left,
    above, below, the first that overlaps nothing; where every one does, the
    one that overlaps least, or None (no label) when even that covers more
    than ``crowded`` of the label. Sizes are in pixels, from ``px`` pixels
    per projected unit.
    """
    cx, cy = np.asarray(x) * px, np.asarray(y) * px
    taken = [(cx[i] - r, cy[i] - r, cx[i] + r, cy[i] + r) for i, r in enumerate(radius.tolist())]
    out = []
    for i, label in enumerate(labels):
        if not label:
            out.append(None)
            continue
        lines = label.split("<br>")
        w, h, r = FONT_PX * max(len(line) for line in lines) + 4, 15.0 * len(lines), radius[i] + 2
        boxes = {"middle right": (cx[i] + r, cy[i] - h / 2, cx[i] + r + w, cy[i] + h / 2),
                 "middle left": (cx[i] - r - w, cy[i] - h / 2, cx[i] - r, cy[i] + h / 2),
                 "top center": (cx[i] - w / 2, cy[i] + r, cx[i] + w / 2, cy[i] + r + h),
                 "bottom center": (cx[i] - w / 2, cy[i] - r - h, cx[i] + w / 2, cy[i] - r)}
        mine = taken[:i] + taken[i + 1:]
        covered = {p: sum(_overlap(box, t) for t in mine) for p, box in boxes.items()}
        where = min(covered, key=covered.__getitem__)  # the first of ties
        if covered[where] > crowded * w * h:
            out.append(None)
            continue
        taken.append(boxes[where])
        out.append(where)
    return out


def _overlap(a: tuple, b: tuple) -> float:
    """The area two boxes (x0, y0, x1, y1) share."""
    return max(min(a[2], b[2]) - max(a[0], b[0]), 0.0) * max(min(a[3], b[3]) - max(a[1], b[1]), 0.0)


def _text(value: object) -> str:
    return escape(str(value), quote=False)


def _when(moment: datetime) -> str:
    return moment.strftime("%d %b %Y %H:%M UTC")


def _after(hours: float) -> str:
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:,.0f} days"


@dataclass(frozen=True)
class _Cities:
    """The cities drawn, in adoption order, with everything their markers need."""

    rows: list[CityAdoption]
    x: np.ndarray
    y: np.ndarray
    size: np.ndarray
    order: np.ndarray  # adoption rank, the colour: robust to a city that came months late
    symbol: list[str]
    label: list[str]
    position: list[str]
    hover: list[str]

    def traces(self, keep: np.ndarray) -> list[dict]:
        """The cities kept: the others, then the origin (a star) on its own, for the legend.

        Traces are plain dicts: plotly validates them once, in the figure or
        frame they go into (a go.Scatter would be validated twice).
        """
        home = np.array([h == "star" for h in self.symbol], dtype=bool)
        return [self._trace(keep & ~home, "cities (area: accounts)", "circle", colourbar=True),
                self._trace(keep & home, "where it started", "star", colourbar=False)]

    def _trace(self, keep: np.ndarray, name: str, symbol: str, *, colourbar: bool) -> dict:
        at = np.flatnonzero(keep)
        marker = {"size": self.size[at], "color": self.order[at], "symbol": symbol,
                  "colorscale": TIME_COLOURS, "cmin": 0, "cmax": max(len(self.rows) - 1, 1),
                  "opacity": 0.9, "line": {"width": 1.5 if symbol == "star" else 1, "color": "#333"}}
        if colourbar:
            ticks = sorted(set(np.linspace(0, len(self.rows) - 1, min(len(self.rows), 6)).round()
                               .astype(int).tolist()))
            marker.update(showscale=True, colorbar={
                "title": {"text": "first post (UTC), in adoption order", "side": "right"},
                "tickvals": ticks, "ticktext": [self.rows[i].first_at.strftime("%d %b %H:%M")
                                                for i in ticks],
                "thickness": 12, "len": 0.8, "x": 1.01, "xanchor": "left", "y": 0.5})
        return dict(
            type="scatter", x=self.x[at], y=self.y[at], mode="markers+text", name=name, marker=marker,
            text=[self.label[i] for i in at], textposition=[self.position[i] for i in at],
            textfont={"size": 12, "color": "#1d2330", "shadow": "1px 1px 2px #fff"},
            hovertext=[self.hover[i] for i in at], hovertemplate="%{hovertext}<extra></extra>")


def _cities(s: Spread, shown: list[CityAdoption], px: float, *, labels: int) -> _Cities:
    x, y = equal_earth([c.lon for c in shown], [c.lat for c in shown])
    biggest = max((c.accounts for c in shown), default=1)
    size = 8 + 34 * np.sqrt(np.array([c.accounts for c in shown], dtype=np.float64) / biggest)
    start = min((c.first_at for c in shown), default=None)
    hours = np.array([(c.first_at - start).total_seconds() / 3600 for c in shown], dtype=np.float64)
    home = [c.city == s.home for c in shown]
    size = np.where(home, size + 8, size)
    owned = {(v.city, v.country): v.hashtag for v in s.variants if v.city and v.hashtag != s.hashtag}
    by_size = sorted(range(len(shown)), key=lambda i: (not home[i], -shown[i].accounts, i))
    named = set(by_size[:labels])
    label = [_text(c.city) + (f"<br>#{_text(owned[c.city, c.country])}" if (c.city, c.country) in owned
                              else "") if i in named else "" for i, c in enumerate(shown)]
    position = ["middle right"] * len(shown)
    placed = label_positions(x[by_size], y[by_size], size[by_size] / 2, [label[i] for i in by_size],
                             px=px)
    for i, where in zip(by_size, placed, strict=True):
        if where is None:
            label[i] = ""  # no room: named on hover only
        else:
            position[i] = where
    hover = [f"<b>{_text(c.city)}</b> ({_text(c.country)})" + (" · where it started" if home[i] else "")
             + f"<br>first post {_when(c.first_at)}" + (f", {_after(hours[i])} after the first city"
                                                          if hours[i] > 0 else "")
             + f"<br>first tag #{_text(c.first_hashtag)}<br>{c.accounts:,} accounts, {c.posts:,} posts"
             + "<br>tags: " + " ".join("#" + _text(t) for t in c.hashtags[:6])
             for i, c in enumerate(shown)]
    return _Cities(shown, x, y, size, np.arange(len(shown)), ["star" if h else "circle" for h in home],
                   label, position, hover)


@dataclass(frozen=True)
class _Flows:
    """City -> city flows as curves (one trace per width class) and hoverable arrowheads."""

    rows: list[Transmission]
    curves: list[tuple[np.ndarray, np.ndarray]]
    width: np.ndarray  # index into WIDTHS
    head: tuple[np.ndarray, np.ndarray, np.ndarray]  # x, y, angle (degrees clockwise from up)
    hover: list[str]

    def traces(self, keep: np.ndarray) -> list[dict]:
        """The flows kept: one trace of curves per width, then the arrowheads (dicts, as for cities)."""
        out = []
        shown = False
        for w, width in enumerate(WIDTHS):
            parts = [self.curves[i] for i in np.flatnonzero(keep & (self.width == w)).tolist()]
            gap = np.array([np.nan], dtype=np.float32)
            xs = np.concatenate([p for c in parts for p in (c[0], gap)]) if parts else np.zeros(0)
            ys = np.concatenate([p for c in parts for p in (c[1], gap)]) if parts else np.zeros(0)
            out.append(dict(type="scatter", x=xs, y=ys, mode="lines", hoverinfo="skip",
                            line={"width": width, "color": FLOW}, legendgroup="flows",
                            name="retweets between cities (width: count)",
                            showlegend=bool(parts) and not shown))
            shown = shown or bool(parts)
        at = np.flatnonzero(keep)
        out.append(dict(
            type="scatter", x=self.head[0][at], y=self.head[1][at], mode="markers", legendgroup="flows",
            showlegend=False, hovertext=[self.hover[i] for i in at],
            hovertemplate="%{hovertext}<extra></extra>",
            marker={"symbol": "triangle-up", "size": 9 + 2 * self.width[at], "angle": self.head[2][at],
                    "color": "rgba(214,39,40,0.85)", "line": {"width": 0}}))
        return out


def _flows(links: Sequence[Transmission], *, points: int = 16) -> _Flows:
    """Each flow a quadratic curve bending right of its direction, an arrowhead at 60% of it."""
    x0, y0 = equal_earth([t.source_lon for t in links], [t.source_lat for t in links])
    x1, y1 = equal_earth([t.target_lon for t in links], [t.target_lat for t in links])
    dx, dy = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2 + 0.2 * dy, (y0 + y1) / 2 - 0.2 * dx  # right of the way
    u = np.linspace(0.0, 1.0, points)[:, None]
    bx = (1 - u) ** 2 * x0 + 2 * (1 - u) * u * cx + u ** 2 * x1
    by = (1 - u) ** 2 * y0 + 2 * (1 - u) * u * cy + u ** 2 * y1
    h = 0.6
    hx = (1 - h) ** 2 * x0 + 2 * (1 - h) * h * cx + h ** 2 * x1
    hy = (1 - h) ** 2 * y0 + 2 * (1 - h) * h * cy + h ** 2 * y1
    tx = 2 * (1 - h) * (cx - x0) + 2 * h * (x1 - cx)  # the curve's direction there
    ty = 2 * (1 - h) * (cy - y0) + 2 * h * (y1 - cy)
    most = max((t.retweets for t in links), default=1)
    width = np.array([min(int(math.sqrt(t.retweets / most) * len(WIDTHS)), len(WIDTHS) - 1)
                      for t in links], dtype=np.int64)
    hover = [f"{_text(t.source)} → {_text(t.target)}: {t.retweets:,} retweets"
             f"<br>accounts in {_text(t.target)} retweeting posts from {_text(t.source)}"
             f"<br>first {_when(t.first_at)}" for t in links]
    bx, by = bx.astype(np.float32), by.astype(np.float32)  # a tenth of a pixel is plenty
    return _Flows(list(links), [(bx[:, i], by[:, i]) for i in range(len(links))], width,
                  (hx, hy, np.degrees(np.arctan2(tx, ty))), hover)


def map_figure(s: Spread, *, cities: int = MAP_CITIES, labels: int = MAP_LABELS,
               flows: int = MAP_FLOWS, steps: int = REPLAY_STEPS) -> go.Figure:
    """The spread on a world map, opened on the case's cities.

    A marker per city (area: accounts; colour: the order of adoption, the
    colour bar giving the time of each step; a star where the tag started),
    the ``labels`` biggest named where there is room; a curved arrow per
    city -> city retweet flow (width: retweets; it bends to the right of its
    direction, so A -> B and B -> A are two arcs), its count on hover; and a
    slider that replays adoption, city by city, with the flows under way by
    then. Only the ``cities`` cities with most accounts and the ``flows``
    biggest flows are drawn.
    """
    shown = sorted(sorted(s.cities, key=lambda c: -c.accounts)[:cities],
                   key=lambda c: (c.first_at, c.city))
    links = s.transmissions[:flows]
    ends_x, ends_y = equal_earth(
        [c.lon for c in shown] + [t.source_lon for t in links] + [t.target_lon for t in links],
        [c.lat for c in shown] + [t.source_lat for t in links] + [t.target_lat for t in links])
    frame = view(ends_x, ends_y)
    city = _cities(s, shown, frame.px, labels=labels)
    flow = _flows(links)
    w = world()
    fig = go.Figure([
        go.Scatter(x=w.sphere[0], y=w.sphere[1], mode="lines", fill="toself", fillcolor=OCEAN,
                   line={"width": 0.5, "color": COAST}, hoverinfo="skip", showlegend=False),
        go.Scatter(x=w.land[0], y=w.land[1], mode="lines", fill="toself", fillcolor=LAND,
                   line={"width": 0.6, "color": COAST}, hoverinfo="skip", showlegend=False),
        go.Scatter(x=w.borders[0], y=w.borders[1], mode="lines", hoverinfo="skip", showlegend=False,
                   line={"width": 0.8, "color": BORDER}),
        *flow.traces(np.ones(len(links), dtype=bool)),
        *city.traces(np.ones(len(shown), dtype=bool))])
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    fig.update_layout(
        height=MAP_HEIGHT, margin=MAP_MARGIN, hovermode="closest", dragmode="pan",
        plot_bgcolor="#fff", legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom"},
        xaxis={**hidden, "range": list(frame.x)},
        yaxis={**hidden, "range": list(frame.y), "scaleanchor": "x", "scaleratio": 1})
    if not shown:
        fig.add_annotation(x=0, y=0, showarrow=False, font={"size": 15},
                           text="None of the tag's posters could be placed in a city.")
    _replay(fig, city, flow, steps=steps)
    return fig


def _replay(fig: go.Figure, city: _Cities, flow: _Flows, *, steps: int) -> None:
    """Frames and a slider (and a replay button) that show the map as it was at each moment."""
    moments = replay_steps([c.first_at for c in city.rows], steps=steps)
    if len(moments) < 2:
        return
    first = 3  # the sea, the land and the borders stay
    traces = list(range(first, first + len(WIDTHS) + 3))
    fig.frames = [go.Frame(name=str(k), traces=traces, data=[
        *flow.traces(np.array([t.first_at <= m for t in flow.rows], dtype=bool)),
        *city.traces(np.array([c.first_at <= m for c in city.rows], dtype=bool))])
        for k, m in enumerate(moments)]
    instant = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
    fig.update_layout(
        margin={**MAP_MARGIN, "b": 90},
        sliders=[{"active": len(moments) - 1, "x": 0.12, "len": 0.88, "y": 0, "yanchor": "top",
                  "pad": {"t": 10}, "currentvalue": {"prefix": "adopted by ", "suffix": " UTC"},
                  "steps": [{"label": m.strftime("%d %b %H:%M"), "method": "animate",
                             "args": [[str(k)], instant]} for k, m in enumerate(moments)]}],
        updatemenus=[{"type": "buttons", "showactive": False, "x": 0.0, "y": 0, "xanchor": "left",
                      "yanchor": "top", "pad": {"t": 30},
                      "buttons": [{"label": "▶ replay", "method": "animate",
                                   "args": [[str(k) for k in range(len(moments))],
                                            {**instant, "frame": {"duration": 700, "redraw": True},
                                             "fromcurrent": False}]}]}])

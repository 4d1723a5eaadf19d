"""The report's map: Equal Earth, the vendored outlines decoded right, the figure made from the spread."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from importlib.resources import files

import numpy as np
import orjson
import pytest
from report_cases import simulated_store
from tagjack.graph.analytics.pipeline import spread_report
from tagjack.graph.analytics.spread import CityAdoption, Spread, Transmission, VariantRule
from tagjack.graph.outputs.worldmap import (
    WIDTHS,
    cut_at_antimeridian,
    equal_earth,
    label_positions,
    map_figure,
    replay_steps,
    ring_points,
    rings,
    shared_arcs,
    topology_arcs,
    view,
    world,
)
from tagjack.graph.store.sqlite import SqliteStore

START = datetime(2014, 4, 22, 18, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    path, truth = simulated_store(tmp_path_factory)
    with SqliteStore(path) as store:
        return spread_report(store, truth["hashtag"]), truth


# -- the projection and the outlines ----------------------------------------------------------


def test_equal_earth_known_points():
    x, y = equal_earth([0, 180, -180, 0, 0, -74.00597], [0, 0, 0, 90, -90, 40.71427])
    # d3-geo's geoEqualEarthRaw gives the same: the 180th meridian at pi / (sqrt(3)/2 * A1)
    assert x[:3] == pytest.approx([0, math.pi / (math.sqrt(3) / 2 * 1.340264), -2.70662998])
    assert y[:5] == pytest.approx([0, 0, 0, 1.31736276, -1.31736276])
    assert (x[5], y[5]) == pytest.approx((-0.98185183, 0.7870898))  # New York
    assert np.isnan(equal_earth([np.nan], [10])[0][0])


def test_equal_earth_keeps_areas():
    """Equal-area: a 1x1 degree cell covers the same map area as on the sphere, in proportion."""
    def cell(lat: float) -> float:
        x, y = equal_earth([0, 1, 1, 0], [lat, lat, lat + 1, lat + 1])
        return 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))

    def sphere(lat: float) -> float:
        return math.radians(1) * (math.sin(math.radians(lat + 1)) - math.sin(math.radians(lat)))

    ratios = [cell(lat) / sphere(lat) for lat in (0, 30, 60, 80)]
    assert max(ratios) / min(ratios) == pytest.approx(1, abs=2e-3)


def test_arcs_decode_to_the_topologys_bounding_box():
    topo = orjson.loads(files("tagjack.graph.outputs").joinpath("data/countries-110m.json").read_bytes())
    points = np.concatenate(topology_arcs(topo))
    west, south, east, north = topo["bbox"]
    assert points[:, 0].min() == pytest.approx(west) and points[:, 0].max() == pytest.approx(east)
    assert points[:, 1].min() == pytest.approx(south) and points[:, 1].max() == pytest.approx(north)


def test_rings_join_arcs_and_borders_are_the_shared_ones():
    """Two squares side by side share arc 1 (one walks it backwards, as ~1)."""
    topo = {"arcs": [[[0, 0], [0, 1], [1, 0]], [[1, 0], [0, 1]], [[1, 0], [-1, 0]],
                     [[1, 1], [1, 0], [0, -1], [-1, 0]]],
            "transform": {"scale": [1, 1], "translate": [0, 0]},
            "objects": {"countries": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "arcs": [[0, ~1, 2]]},
                {"type": "MultiPolygon", "arcs": [[[1, 3]]]}]}}}
    arcs = topology_arcs(topo)
    left = ring_points(rings(topo["objects"]["countries"]["geometries"][0])[0], arcs)
    assert left.tolist() == [[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]  # closed, joints kept once
    assert rings({"type": "Point", "coordinates": [0, 0]}) == []
    borders = shared_arcs(topo, arcs)
    assert len(borders) == 1 and borders[0].tolist() == [[1, 0], [1, 1]]


def test_rings_across_the_antimeridian_are_cut_there():
    across = np.array([[170, 0], [-170, 0], [-170, 10], [170, 10], [170, 0]], dtype=np.float64)
    parts = cut_at_antimeridian(across)
    assert sorted((p[:, 0].min(), p[:, 0].max()) for p in parts) == [(-180, -170), (170, 180)]
    assert all(p[:, 1].min() == 0 and p[:, 1].max() == 10 for p in parts)
    pole = np.array([[-180, -70], [-60, -75], [60, -72], [180, -70], [-180, -70]], dtype=np.float64)
    (closed,) = cut_at_antimeridian(pole)  # round the South Pole: closed along it
    assert closed[:, 0].min() == -180 and closed[:, 0].max() == 180 and closed[:, 1].min() == -90
    inland = np.array([[0, 0], [10, 0], [10, 10], [0, 0]], dtype=np.float64)
    assert cut_at_antimeridian(inland)[0] is inland


def test_world_outlines_are_projected_and_in_bounds():
    w = world()
    for x, y in (w.land, w.borders, w.sphere):
        assert x.dtype == np.float32 and len(x) == len(y)
        assert np.nanmax(np.abs(x)) <= 2.7067 and np.nanmax(np.abs(y)) <= 1.3174
    assert np.isnan(w.land[0]).sum() > 100  # over a hundred land rings, gaps between them
    assert len(w.land[0]) > 5000 and len(w.borders[0]) > 3000
    x, y = w.land
    both = ~np.isnan(x[:-1]) & ~np.isnan(x[1:])
    wide = np.flatnonzero(both & (np.abs(np.diff(x)) > 0.5))
    assert np.allclose(y[wide], -1.3173628)  # no streak across the map but the South Pole's edge
    assert world() is w  # read once


# -- the pieces of the figure --------------------------------------------------------------------


def test_view_fits_the_points_in_the_plots_proportions():
    x, y = equal_earth([-122.4, -74.0, 23.7], [37.8, 40.7, 38.0])
    v = view(x, y, plot=(1000, 500))
    assert v.x[0] < x.min() < x.max() < v.x[1] and v.y[0] < y.min() < y.max() < v.y[1]
    assert (v.x[1] - v.x[0]) / (v.y[1] - v.y[0]) == pytest.approx(2)
    assert v.px == pytest.approx(1000 / (v.x[1] - v.x[0]))
    whole = view(np.zeros(0), np.zeros(0), plot=(1000, 500))
    assert whole.x[0] < -2.7 and whole.x[1] > 2.7 and whole.y[1] - whole.y[0] >= 2.7
    one = view(*equal_earth([-74.0], [40.7]), plot=(1000, 500))
    assert one.x[1] - one.x[0] >= 0.5  # a single city is not zoomed in to a point


def test_replay_steps_keep_the_first_and_last_and_thin_evenly():
    times = [START + timedelta(minutes=m) for m in (0, 5, 5, 30, 60, 61, 90, 200)]
    assert replay_steps(times) == sorted(set(times))
    thinned = replay_steps(times, steps=3)
    assert thinned == [times[0], times[4], times[-1]]


def test_labels_avoid_each_other():
    """Two cities 5 pixels apart: neither label covers the other city; no label, no place."""
    x, y = np.array([0.0, 0.01, 1.0]), np.array([0.0, 0.0, 1.0])
    placed = label_positions(x, y, np.array([5.0, 5.0, 5.0]), ["San Francisco", "Oakland", None],
                             px=500)
    assert placed == ["middle left", "middle right", None]
    crowd = label_positions(np.zeros(5), np.zeros(5), np.full(5, 3.0), ["Rome"] * 5, px=500)
    assert crowd[:4] == ["middle right", "middle left", "top center", "bottom center"]
    assert crowd[4] is None  # no room left: named on hover only


# -- the figure ------------------------------------------------------------------------------------


def city(name: str, hours: float, accounts: int, lon: float, lat: float, tag: str = "mytag") -> CityAdoption:
    return CityAdoption(city=name, country="US", city_id=name, lat=lat, lon=lon,
                        first_at=START + timedelta(hours=hours), first_hashtag=tag, accounts=accounts,
                        posts=2 * accounts, hashtags=[tag])


def flow(a: CityAdoption, b: CityAdoption, retweets: int, hours: float) -> Transmission:
    return Transmission(a.city, a.country, b.city, b.country, retweets, START + timedelta(hours=hours),
                        a.lat, a.lon, b.lat, b.lon)


def hand_made(cities: list[CityAdoption], flows: list[Transmission]) -> Spread:
    return Spread(hashtag="mytag", home=cities[0].city if cities else None, cities=cities, variants=[],
                  transmissions=flows, posting_accounts=10, located_accounts=8, rule=VariantRule())


def traces(fig) -> dict:
    return {t.name: t for t in fig.data if t.name}


def test_map_of_the_simulated_case(simulated):
    spread, truth = simulated
    fig = map_figure(spread)
    sea, land, borders = fig.data[:3]
    assert land.fill == "toself" and len(land.x) > 5000 and sea.fill == "toself" and len(borders.x) > 3000
    named = traces(fig)
    cities, origin = named["cities (area: accounts)"], named["where it started"]
    assert len(cities.x) + len(origin.x) == len(spread.cities)
    labels = " ".join(cities.text) + " " + " ".join(origin.text)
    assert all(c["city"] in labels for c in truth["cities"])  # every city of the case is named
    assert origin.hovertext[0].startswith(f"<b>{truth['cities'][0]['city']}</b>")
    assert origin.marker.symbol == "star" and min(origin.marker.color) == 0  # the first to adopt
    bar = cities.marker.colorbar
    assert bar.ticktext[0] == spread.cities[0].first_at.strftime("%d %b %H:%M")
    assert bar.ticktext[-1] == spread.cities[-1].first_at.strftime("%d %b %H:%M")
    heads = fig.data[3 + len(WIDTHS)]
    assert len(heads.x) == min(len(spread.transmissions), 40)
    top = spread.transmissions[0]
    assert heads.hovertext[0].startswith(f"{top.source} → {top.target}: {top.retweets:,} retweets")
    x, y = equal_earth([c.lon for c in spread.cities], [c.lat for c in spread.cities])
    xr, yr = fig.layout.xaxis.range, fig.layout.yaxis.range
    assert (xr[0] < x.min() and x.max() < xr[1] and yr[0] < y.min() and y.max() < yr[1])
    assert xr[1] - xr[0] < 5  # opened on the case, not the world
    steps = fig.layout.sliders[0].steps
    assert len(fig.frames) == len(steps) >= 2 and fig.layout.sliders[0].active == len(steps) - 1
    first, last = fig.frames[0], fig.frames[-1]
    assert len(first.data[-2].x) + len(first.data[-1].x) < len(spread.cities)  # the replay starts small
    assert len(last.data[-2].x) + len(last.data[-1].x) == len(spread.cities)


def test_flows_bend_right_and_get_wider_with_retweets():
    a, b = city("A", 0, 10, -100.0, 40.0), city("B", 1, 5, -80.0, 40.0)
    fig = map_figure(hand_made([a, b], [flow(a, b, 100, 1), flow(b, a, 1, 2)]))
    curves = [t for t in fig.data[3:3 + len(WIDTHS)] if len(t.x)]
    assert [t.line.width for t in curves] == [WIDTHS[0], WIDTHS[-1]]  # the thin one, the thick one
    thick = curves[-1]
    middle = len(thick.x) // 2
    assert thick.y[middle] < thick.y[0]  # A -> B goes east, so it bends south (right of its way)
    heads = fig.data[3 + len(WIDTHS)]
    assert heads.marker.angle[0] == pytest.approx(90, abs=30)  # pointing east, more or less
    assert fig.layout.sliders[0].steps[0].label == "22 Apr 18:00"


def test_labels_and_hovers_are_escaped():
    evil = city("<img src=x onerror=alert(1)>", 0, 10, 10.0, 50.0)
    fig = map_figure(hand_made([evil, city("Lyon", 2, 3, 4.8, 45.8)], []))
    origin = traces(fig)["where it started"]
    assert origin.text[0] == "&lt;img src=x onerror=alert(1)&gt;"
    assert "<img" not in origin.hovertext[0]


def test_a_spread_without_cities_shows_the_world():
    fig = map_figure(hand_made([], []))
    assert fig.layout.xaxis.range[0] < -2.7 and not fig.frames and not fig.layout.sliders
    assert "could be placed" in fig.layout.annotations[0].text
    assert len(fig.data[1].x) > 5000  # the land is still drawn


def test_a_single_city_has_no_replay():
    fig = map_figure(hand_made([city("Paris", 0, 10, 2.35, 48.86)], []))
    assert not fig.frames and not fig.layout.sliders and not fig.layout.updatemenus

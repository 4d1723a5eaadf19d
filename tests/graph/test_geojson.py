"""The GeoJSON export, read back with the geojson library: valid RFC 7946, and the spread's own figures."""

from __future__ import annotations

from collections import Counter

import geojson
import orjson
import pytest
from report_cases import TAG, crafted_store, simulated_store
from tagjack.graph.analytics.pipeline import spread_report
from tagjack.graph.analytics.spread import spread_json
from tagjack.graph.errors import NotFound
from tagjack.graph.model import EdgeKind
from tagjack.graph.outputs.export import CannotWrite, export_data
from tagjack.graph.outputs.geojson import export_geojson, line, point, spread_geojson
from tagjack.graph.store.sqlite import SqliteStore


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    s = crafted_store(tmp_path_factory.mktemp("geojson") / "crafted.db")
    yield s
    s.close()


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    path, truth = simulated_store(tmp_path_factory)
    with SqliteStore(path) as store:
        yield store, truth


def read_back(doc_or_path) -> geojson.FeatureCollection:
    text = doc_or_path.read_text(encoding="utf-8") if hasattr(doc_or_path, "read_text") \
        else orjson.dumps(doc_or_path).decode()
    found = geojson.loads(text)
    assert isinstance(found, geojson.FeatureCollection)
    assert found.is_valid, found.errors()
    return found


def of_kind(found: geojson.FeatureCollection, kind: str) -> list:
    return [f for f in found["features"] if f["properties"]["kind"] == kind]


def test_the_spread_as_features(simulated):
    store, truth = simulated
    spread = spread_report(store, truth["hashtag"])
    answer = spread_json(spread)
    found = read_back(spread_geojson(spread))
    cities, flows = of_kind(found, "city"), of_kind(found, "transmission")
    assert [c["properties"]["city"] for c in cities] == [c["city"] for c in answer["cities"]]
    for feature, row in zip(cities, answer["cities"], strict=True):
        p = feature["properties"]
        assert (p["country"], p["accounts"], p["posts"], p["first_at"], p["first_tag"], p["hashtags"]) == \
            (row["country"], row["accounts"], row["posts"], row["first_at"], row["first_hashtag"],
             row["hashtags"])
        assert feature["geometry"]["type"] == "Point"
    assert [(f["properties"]["from"], f["properties"]["to"], f["properties"]["retweets"])
            for f in flows] == [(t["from"], t["to"], t["retweets"]) for t in answer["transmissions"]]
    assert found["hashtag"] == answer["hashtag"] and len(flows) > 10


def test_positions_are_longitude_then_latitude(simulated):
    store, truth = simulated
    found = read_back(spread_geojson(spread_report(store, truth["hashtag"])))
    cities = {f["properties"]["city"]: f for f in of_kind(found, "city")}
    home = cities[truth["cities"][0]["city"]]
    lon, lat = home["geometry"]["coordinates"]
    assert -75 < lon < -73 and 40 < lat < 42  # New York, in RFC 7946's order
    assert home["properties"]["origin"] is True and home["properties"]["order"] == 1
    for f in of_kind(found, "transmission"):
        start, end = f["geometry"]["coordinates"]
        assert start == cities[f["properties"]["from"]]["geometry"]["coordinates"]
        assert end == cities[f["properties"]["to"]]["geometry"]["coordinates"]


def test_local_variants_sit_in_their_cities(simulated):
    store, truth = simulated
    spread = spread_report(store, truth["hashtag"])
    found = read_back(spread_geojson(spread))
    local = {f["properties"]["city"]: f["properties"]["local_variants"] for f in of_kind(found, "city")}
    placed = [v for v in spread.variants if v.city is not None]
    assert len(placed) >= 5
    for v in placed:
        assert "#" + v.hashtag in local[v.city]
    la = next(f["properties"] for f in of_kind(found, "city") if f["properties"]["city"] == "Los Angeles")
    assert "#mylapd" in la["variants"] and "#mylapd" in la["local_variants"]


def test_without_a_tag_all_posts_cities_and_every_retweet_across_them(crafted, tmp_path):
    export_geojson(crafted, tmp_path / "all.geojson")
    found = read_back(tmp_path / "all.geojson")
    data = export_data(crafted)
    cities = of_kind(found, "city")
    assert [(c["properties"]["city"], c["properties"]["accounts"], c["properties"]["posts"])
            for c in cities] == [(c.city.name, c.accounts, c.posts) for c in data.cities]
    assert {c["properties"]["city"] for c in cities} == {"New York City", "Los Angeles", "Oakland"}
    assert all(c["properties"]["first_tag"] is None and c["properties"]["variants"] == [] for c in cities)
    # the same count, the slow way: each stored retweet edge, its two accounts' cities
    results = crafted.results()
    names = {c.id: c.name for c in results.cities}
    city_of = {int(k): names.get(c) for k, c in zip(results.keys.tolist(), results.city_id, strict=True)}
    expected: Counter = Counter()
    edges = crafted.edges(EdgeKind.RETWEET)
    for s, t, w in zip(edges.source.tolist(), edges.target.tolist(), edges.weight.tolist(), strict=True):
        a, b = city_of.get(t), city_of.get(s)
        if a and b and a != b:
            expected[a, b] += w
    got = {(f["properties"]["from"], f["properties"]["to"]): f["properties"]["retweets"]
           for f in of_kind(found, "transmission")}
    assert got == dict(expected) and got


def test_with_a_tag_the_file_is_the_spread(crafted, tmp_path):
    out = tmp_path / "tag.geojson"
    doc = export_geojson(crafted, out, hashtag="#MyTag")
    found = read_back(out)
    assert found == read_back(doc) and found["hashtag"] == "#" + TAG
    spread = spread_report(crafted, TAG)
    assert len(of_kind(found, "city")) == len(spread.cities) == 3
    assert sum(f["properties"]["retweets"] for f in of_kind(found, "transmission")) == \
        sum(t.retweets for t in spread.transmissions)
    assert out.read_bytes().endswith(b"}\n")


def test_lines_cross_the_antimeridian_the_short_way():
    tokyo, la = (139.69171, 35.6895), (-118.24368, 34.05223)
    east = line(tokyo, la)
    assert east["type"] == "MultiLineString"
    (a, b), (c, d) = east["coordinates"]
    assert a == [139.69171, 35.6895] and b[0] == 180.0 and c[0] == -180.0 and d == [-118.24368, 34.05223]
    assert b[1] == c[1] and 34.05 < b[1] < 35.69  # they meet, between the two latitudes
    west = line(la, tokyo)
    assert west["coordinates"][0][1][0] == -180.0 and west["coordinates"][1][0][0] == 180.0
    assert line((-74.0, 40.7), (23.7, 37.98))["type"] == "LineString"  # New York -> Athens: no cut
    for g in (east, west, point(-74.005974, 40.714269)):
        assert geojson.GeoJSON.to_instance(g).is_valid
    assert point(-74.005974, 40.714269)["coordinates"] == [-74.00597, 40.71427]


def test_unknown_tag_and_bad_targets(crafted, tmp_path):
    with pytest.raises(NotFound):
        export_geojson(crafted, tmp_path / "x.geojson", hashtag="#nothere")
    with pytest.raises(CannotWrite, match="is a folder"):
        export_geojson(crafted, tmp_path, hashtag=TAG)
    assert list(tmp_path.iterdir()) == []

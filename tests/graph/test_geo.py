"""graph.geo: profile text, tweet places and coordinates to cities, on hand-made and real data."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tagjack.graph.analytics.geo import (
    account_city,
    city_from_coordinates,
    city_from_place,
    city_from_text,
    name_key,
)
from tagjack.graph.model import City, LocationSource, Place

DATA = Path(__file__).parent.parent / "data"

NYC, LA, OAKLAND, CHICAGO, SEATTLE = "5128581", "5368361", "5378538", "4887398", "5809844"
SAN_FRANCISCO, DENVER, ATHENS, MEXICO_CITY = "5391959", "5419384", "264371", "3530597"

# The simulator's profile strings (graph/simulation/scenario.py): each must give its city.
SIMULATOR = {
    NYC: ["New York, NY", "NYC", "Brooklyn, NY", "New York City", "Manhattan, NY", "Bronx, NY",
          "Queens, NY"],
    LA: ["Los Angeles, CA", "Los Angeles", "LA", "Los Angeles, California"],
    OAKLAND: ["Oakland, CA", "Oakland", "Oakland, California"],
    CHICAGO: ["Chicago, IL", "Chicago", "Chicago, Illinois"],
    SEATTLE: ["Seattle, WA", "Seattle", "Seattle, Washington"],
    SAN_FRANCISCO: ["San Francisco, CA", "San Francisco", "SF"],
    DENVER: ["Denver, CO", "Denver", "Denver, Colorado"],
    ATHENS: ["Athens, Greece", "Αθήνα", "Athens, GR"],
    MEXICO_CITY: ["Mexico City", "Ciudad de México", "CDMX"],
}


def city_label(city: City | None) -> str:
    return f"{city.name}|{city.country}" if city else ""


@pytest.mark.parametrize(("text", "city_id"), [(t, c) for c, ts in SIMULATOR.items() for t in ts])
def test_simulator_strings_give_their_city(text, city_id):
    assert city_from_text(text).id == city_id


@pytest.mark.parametrize(
    "text",
    ["Earth", "somewhere", "everywhere", "🌍", "127.0.0.1", "she/her", "", "Springfield",
     "Portland", "Athens", "California", "Italy", "UK", "Bay Area", "NYC | LA"],
)
def test_junk_regions_and_ambiguous_names_give_none(text):
    assert city_from_text(text) is None


def test_city_record_is_the_geonames_city():
    assert city_from_text("Brooklyn, NY") == City(
        id=NYC, name="New York City", country="US", lat=40.71427, lon=-74.00597
    )


@pytest.mark.parametrize(
    ("text", "qualified", "other"),
    [
        ("Portland, ME", "4975802", "5746545"),  # Maine, not Oregon
        ("Athens, GA", "4180386", ATHENS),
        ("Athens, Georgia", "4180386", ATHENS),  # the state, not the country
        ("London, Ontario", "6058560", "2643743"),
        ("Vancouver, WA", "5814616", "6173331"),
        ("Springfield, MO", "4409896", "4250542"),
        ("Manhattan, KS", "4274994", NYC),
    ],
)
def test_state_or_country_picks_among_namesakes(text, qualified, other):
    found = city_from_text(text)
    assert found.id == qualified != other


def test_flag_breaks_a_tie_but_does_not_override():
    assert city_from_text("Athens 🇬🇷").id == ATHENS
    assert city_from_text("Chicago 🇲🇽").id == CHICAGO  # heritage, not location


def test_location_test_set():
    """Strict accuracy on tests/data/locations.tsv: the right city, or None where none is right."""
    with (DATA / "locations.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    got = [(row["expected"], city_label(city_from_text(row["text"]))) for row in rows]
    correct = sum(e == g for e, g in got) / len(got)
    wrong = sum(g != "" and g != e for e, g in got) / len(got)
    abstained = sum(g == "" and e != "" for e, g in got) / len(got)
    print(f"\nlocations.tsv: n={len(got)} correct={correct:.1%} wrong={wrong:.1%} "
          f"abstained={abstained:.1%}")
    assert len(got) >= 200
    assert correct >= 0.85
    assert wrong < 0.03


@pytest.mark.parametrize(
    ("full_name", "country_code", "city_id"),
    [("Manhattan, NY", "US", NYC), ("Los Angeles, CA", "US", LA), ("Athens, Greece", "GR", ATHENS),
     ("Oakland, CA", "US", OAKLAND), ("Ciudad de México, Distrito Federal", "MX", MEXICO_CITY)],
)
def test_place_full_names(full_name, country_code, city_id):
    assert city_from_place(Place("p", full_name, country_code)).id == city_id


def test_place_of_a_state_gives_none_not_its_centre():
    california = Place("fbd6d2f5a4e4a15e", "California, USA", "US", 37.27, -119.31)
    assert city_from_place(california) is None


def test_place_without_a_known_name_falls_back_to_its_centre():
    assert city_from_place(Place("p", "Lake Merritt", "US", 37.8024, -122.2577)).id == OAKLAND


@pytest.mark.parametrize(
    ("lat", "lon", "city_id"),
    [
        (37.8044, -122.2712, OAKLAND),  # downtown Oakland, 13 km from San Francisco
        (37.8050, -122.2950, OAKLAND),  # West Oakland, towards San Francisco
        (37.7749, -122.2241, OAKLAND),  # Fruitvale, nearer Alameda's centre
        (37.7599, -122.4148, SAN_FRANCISCO),  # the Mission
        (40.7549, -73.9840, NYC),  # Midtown
        (40.8448, -73.8648, NYC),  # the Bronx
        (40.7330, -74.0630, "5099836"),  # Jersey City, New Jersey: not New York
        (52.4986, 13.4030, "2950159"),  # Kreuzberg is Berlin
        (37.9755, 23.7348, ATHENS),
        (19.4326, -99.1332, MEXICO_CITY),
    ],
)
def test_coordinates(lat, lon, city_id):
    assert city_from_coordinates(lat, lon).id == city_id


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(45.246915, -76.163963),  # farmland 19 km from Stittsville, Ontario
     (37.69899055, -123.01234704),  # the Pacific off San Francisco
     (91.0, 0.0), (math.nan, 0.0)],
)
def test_coordinates_far_from_any_city_give_none(lat, lon):
    assert city_from_coordinates(lat, lon) is None


def test_ubertwitter_coordinates_in_profile_text():
    assert city_from_text("ÜT: 40.7127,-74.0059").id == NYC


def v1_place(status: dict) -> Place | None:
    p = status["place"]
    if p is None:
        return None
    corners = p["bounding_box"]["coordinates"][0]
    lon = sum(c[0] for c in corners) / len(corners)
    lat = sum(c[1] for c in corners) / len(corners)
    return Place(p["id"], p["full_name"], p["country_code"], lat, lon)


def v1_point(status: dict) -> tuple[float, float] | None:
    point = status["coordinates"]
    return None if point is None else (point["coordinates"][1], point["coordinates"][0])


@pytest.fixture(scope="module")
def geocode_search():
    """python-twitter's geocoded search around San Francisco: 15 tweets, 14 placed."""
    statuses = json.loads((DATA / "v1-python-twitter" / "get_search_geocode.json").read_text())
    by_author: dict[str, dict] = {}
    for s in statuses["statuses"]:
        author = by_author.setdefault(s["user"]["screen_name"], {
            "places": [], "points": [], "text": s["user"]["location"] or ""})
        if (place := v1_place(s)) is not None:
            author["places"].append(place)
        if (point := v1_point(s)) is not None:
            author["points"].append(point)
    return by_author


def test_geocode_search_top_place_is_palo_alto(geocode_search):
    places = [p for a in geocode_search.values() for p in a["places"]]
    cities = [city_from_place(p) for p in places]
    assert len(places) == 14
    assert max(set(cities) - {None}, key=cities.count).name == "Palo Alto"
    assert cities.count(None) == 1  # "California, USA"


@pytest.mark.parametrize(
    ("author", "city", "source"),
    [
        ("tmj_sfo_it", "Palo Alto", LocationSource.PLACE),  # profile: San Francisco, CA
        ("tmj_CA_it", "Redwood City", LocationSource.PLACE),  # profile: California
        ("tmj_sjc_eng", "Santa Clara", LocationSource.PLACE),
        ("tmj_sfo_eng", "San Francisco", LocationSource.PLACE),
        ("SunPowerTalent", "Davis", LocationSource.PLACE),
        ("bubusher", None, None),  # place "California, USA", a point at sea, no profile text
        ("IVMUG", None, None),  # nothing at all
    ],
)
def test_geocode_search_accounts(geocode_search, author, city, source):
    a = geocode_search[author]
    found = account_city(a["places"], a["points"], a["text"])
    assert (found and (found[0].name, found[1])) == ((city, source) if city else None)


@pytest.mark.parametrize(
    ("author", "city"),
    [
        ("tmj_sfo_it", "Palo Alto"),
        ("tmj_sfo_eng", "San Francisco"),
        ("SunPowerTalent", "Davis"),
        ("tmj_sjc_it1", "Pleasanton"),
        # Known misses, points near a border: Redwood Shores (Redwood City) lies
        # by Foster City, and north Santa Clara is pulled into San Jose, 8x its size.
        ("tmj_CA_it", "Foster City"),
        ("tmj_sjc_eng", "San Jose"),
    ],
)
def test_geocode_search_points(geocode_search, author, city):
    found = account_city([], geocode_search[author]["points"], "")
    assert (found[0].name, found[1]) == (city, LocationSource.COORDINATES)


def test_twarc2_geo_tweets():
    """One tweet placed in "Berlin, Germany" (a bbox, no point); one with a point and no place."""
    pages = [json.loads(line) for line in (DATA / "twarc2-csv" / "geo_tweets.jsonl").open()]
    [berlin] = [p for page in pages for p in page.get("includes", {}).get("places", [])]
    west, south, east, north = berlin["geo"]["bbox"]
    place = Place(berlin["id"], berlin["full_name"], berlin["country_code"],
                  (south + north) / 2, (west + east) / 2)
    [point] = [t["geo"]["coordinates"]["coordinates"] for page in pages for t in page["data"]
               if "coordinates" in t.get("geo", {})]
    assert city_from_place(place).name == "Berlin"
    assert city_from_coordinates(place.lat, place.lon).name == "Berlin"
    assert city_from_coordinates(point[1], point[0]) is None  # 42.8 N, 88.0 E: Xinjiang desert


def test_account_city_precedence():
    oakland_place = Place("p1", "Oakland, CA", "US")
    chicago_point = (41.8781, -87.6298)
    assert account_city([oakland_place], [chicago_point], "Denver")[1] is LocationSource.PLACE
    assert account_city([], [chicago_point], "Denver") == (
        city_from_text("Chicago"), LocationSource.COORDINATES)
    assert account_city([], [], "Denver") == (city_from_text("Denver"), LocationSource.PROFILE)
    assert account_city([], [], "somewhere") is None


def test_account_city_modal_place_and_ties():
    manhattan, brooklyn = Place("m", "Manhattan, NY", "US"), Place("b", "Brooklyn, NY", "US")
    oakland = Place("o", "Oakland, CA", "US")
    assert account_city([manhattan, oakland, brooklyn], [], "")[0].id == NYC  # one city, two places
    tied = account_city([manhattan, oakland], [], "Denver, CO")
    assert tied == (city_from_text("Denver"), LocationSource.PROFILE)  # a tie gives way


@given(st.text(max_size=60))
def test_any_text_gives_a_city_or_none(text):
    assert city_from_text(text) is None or isinstance(city_from_text(text), City)


@given(st.floats(allow_nan=True), st.floats(allow_nan=True))
def test_any_coordinates_give_a_city_or_none(lat, lon):
    found = city_from_coordinates(lat, lon)
    assert found is None or isinstance(found, City)


@pytest.mark.parametrize(
    ("text", "key"),
    [("St. Louis", "st louis"), ("São Paulo", "sao paulo"), ("FL 34787", "fl"),
     ("Winston-Salem", "winston salem"), ("İzmir", "izmir"), ("Αθήνα", "αθηνα")],
)
def test_name_key(text, key):
    assert name_key(text) == key

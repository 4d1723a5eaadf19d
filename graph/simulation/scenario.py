"""The hijack scenario the simulator plays: who posts, when, where, and how noisy.

The defaults retell #MyNYPD (22 April 2014): the NYPD's call for photos,
Occupy Wall Street NYC turning the tag about two hours later, and local
variants spreading over the next two days. A scenario file (JSON or TOML)
overrides any field; ``cities`` entries naming a known city only need the
fields they change::

    # scenario.toml
    hijack_delay_minutes = 90
    cross_share = 0.12
    [[cities]]
    city = "Los Angeles"
    delay_hours = 3
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tagjack.graph.errors import InputError

HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")


@dataclass(frozen=True)
class CityPlan:
    """One city: its local community, tag, adoption time and how it shows in the data."""

    city: str  # GeoNames name, as truth.json reports it
    country: str  # ISO 3166-1 alpha-2
    variant: str  # the local tag, with '#'
    delay_hours: float  # adoption, hours after the campaign's call
    share: float  # share of all tweets posted by the local community
    lat: float
    lon: float
    utc_offset: int  # hours, April 2014 (for the daily rhythm)
    locations: tuple[str, ...]  # profile strings tagjack's geocoder resolves to this city
    place_name: str
    place_full_name: str
    country_name: str
    seed: str  # handle of the first local adopter
    lang: str = "en"


NEW_YORK = CityPlan(
    city="New York City", country="US", variant="#MyNYPD", delay_hours=0.0, share=0.0,
    lat=40.71427, lon=-74.00597, utc_offset=-4,
    locations=("New York, NY", "NYC", "Brooklyn, NY", "New York City", "Manhattan, NY",
               "Bronx, NY", "Queens, NY"),
    place_name="Manhattan", place_full_name="Manhattan, NY", country_name="United States",
    seed="NYPDnews",
)

DEFAULT_CITIES: tuple[CityPlan, ...] = (
    CityPlan("Los Angeles", "US", "#MyLAPD", 5.0, 0.10, 34.05223, -118.24368, -7,
             ("Los Angeles, CA", "Los Angeles", "LA", "Los Angeles, California"),
             "Los Angeles", "Los Angeles, CA", "United States", "LAcopwatch"),
    CityPlan("Oakland", "US", "#MyOPD", 8.0, 0.08, 37.80437, -122.2708, -7,
             ("Oakland, CA", "Oakland", "Oakland, California"),
             "Oakland", "Oakland, CA", "United States", "OaklandCopWatch"),
    CityPlan("Chicago", "US", "#myCPD", 12.0, 0.06, 41.85003, -87.65005, -5,
             ("Chicago, IL", "Chicago", "Chicago, Illinois"),
             "Chicago", "Chicago, IL", "United States", "ChiPoliceWatch"),
    CityPlan("Seattle", "US", "#mySPD", 16.0, 0.047, 47.60621, -122.33207, -7,
             ("Seattle, WA", "Seattle", "Seattle, Washington"),
             "Seattle", "Seattle, WA", "United States", "SeaCopWatch"),
    CityPlan("San Francisco", "US", "#mySFPD", 20.0, 0.047, 37.77493, -122.41942, -7,
             ("San Francisco, CA", "San Francisco", "SF"),
             "San Francisco", "San Francisco, CA", "United States", "SFBayResist"),
    CityPlan("Denver", "US", "#myDPD", 26.0, 0.035, 39.73915, -104.9847, -6,
             ("Denver, CO", "Denver", "Denver, Colorado"),
             "Denver", "Denver, CO", "United States", "DenverCopWatch"),
    CityPlan("Athens", "GR", "#myELAS", 38.0, 0.035, 37.98376, 23.72784, 3,
             ("Athens, Greece", "Αθήνα", "Athens, GR"),
             "Athens", "Athens, Greece", "Greece", "athens_indy", lang="el"),
    CityPlan("Mexico City", "MX", "#MiPolicíaMexicana", 44.0, 0.035, 19.42847, -99.12766, -5,
             ("Mexico City", "Ciudad de México", "CDMX"),
             "Ciudad de México", "Ciudad de México, Distrito Federal", "Mexico", "cdmx_denuncia",
             lang="es"),
)

# Hub first; then activists, alt-media and two celebrities, in planted (descending) weight.
DEFAULT_AMPLIFIERS = (
    "OccupyWallStNYC", "copwatchNYC", "AltNewsNY", "StopFriskNow", "PeoplesMediaNYC",
    "TheRealMsJ", "BKActivist", "HarlemRising", "DJRevolt", "NYCProtestPics",
    "RadicalFilmNY", "JusticeLeagueNY",
)

# Not resolvable to any city on purpose: junk, then ambiguous.
JUNK_LOCATIONS = ("Earth", "somewhere", "everywhere", "🌍", "127.0.0.1", "she/her", "",
                  "in your heart", "Worldwide", "the internet")
AMBIGUOUS_LOCATIONS = ("Springfield", "Portland", "Columbus", "Georgetown")


@dataclass(frozen=True)
class Scenario:
    """Everything the simulator plays.

    Shares are of all tweets (normalised if they do not add up to 1); rates are
    per eligible tweet.
    """

    hashtag: str = "#MyNYPD"
    start: datetime = datetime(2014, 4, 22, 18, 0, tzinfo=UTC)  # the campaign's call
    hours: float = 54.0  # length of the collection
    origin: str = "NYPDnews"
    origin_followers: int = 101_400
    hub: str = "OccupyWallStNYC"
    hub_followers: int = 169_000
    hijack_delay_minutes: float = 120.0
    amplifiers: tuple[str, ...] = DEFAULT_AMPLIFIERS  # hub first
    home: CityPlan = NEW_YORK
    cities: tuple[CityPlan, ...] = DEFAULT_CITIES  # in planted adoption order
    campaign_share: float = 0.07
    hijack_share: float = 0.40
    chatter_share: float = 0.051
    bot_share: float = 0.025
    ring_share: float = 0.015  # a small ring retweeting one account over and over
    ring_size: int = 4
    # A coordinated group in the hijack (0: none): ordinary-looking members who, at each of its
    # pushes, retweet one hijack post within coordinated_spread_s seconds of each other; at
    # 16 pushes a member retweets about as often as a busy organic account.
    coordinated_size: int = 0
    coordinated_pushes: int = 16
    coordinated_spread_s: float = 30.0
    celebrity: str = "StarOfBroadway"  # millions of followers, few retweets: not an amplifier
    celebrity_followers: int = 4_600_000
    # chance that a retweet, quote or mention aims at another community (more for busy
    # accounts, less in the big hijack); newcomers join at home, so ~13% of retweets cross
    cross_share: float = 0.15
    place_rate: float = 0.1  # non-retweets by accounts with a home city that carry a place
    coordinates_rate: float = 0.3  # placed tweets that also carry coordinates
    duplicate_rate: float = 0.005  # deliveries that repeat an earlier tweet
    tweets_per_account: float = 8.0
    # the dunk, as in the real event: this share of the hijackers quote or reply once to the
    # origin's latest tagged post, to mock it (0 turns it off); truth does not change
    dunk: float = 0.4

    def __post_init__(self) -> None:
        if not self.amplifiers or self.amplifiers[0] != self.hub:
            raise InputError("scenario: amplifiers must start with the hub",
                             hint=f"put {self.hub!r} first in amplifiers")
        if self.start.tzinfo is None:
            raise InputError("scenario: start must carry a time zone (e.g. ...Z)")
        names = [self.origin, self.celebrity, *self.amplifiers, *(c.seed for c in self.cities)]
        if len({n.lower() for n in names}) != len(names):
            raise InputError("scenario: origin, celebrity, amplifiers and city seeds must differ")
        for handle in (self.origin, self.hub, self.celebrity, *self.amplifiers,
                       *(c.seed for c in self.cities)):
            if not HANDLE.fullmatch(handle):
                raise InputError(f"scenario: {handle!r} is not a Twitter handle",
                                 hint="1 to 15 letters, digits or underscores")
        late = [c.city for c in self.cities if c.delay_hours * 60 + 1 >= self.hours * 60]
        if late or self.hijack_delay_minutes + 60 >= self.hours * 60:
            raise InputError(f"scenario: the hijack or cities {late} start after the collection ends",
                             hint="raise hours, or lower hijack_delay_minutes / delay_hours")
        if not 0.0 <= self.dunk <= 1.0:
            raise InputError("scenario: dunk is a share of the hijackers, from 0 to 1")
        if min(self.shares()) < 0 or sum(self.shares()) <= 0:
            raise InputError("scenario: shares must be non-negative, and not all zero")

    def shares(self) -> list[float]:
        return [self.campaign_share, self.hijack_share, *(c.share for c in self.cities),
                self.chatter_share, self.bot_share, self.ring_share]

    @property
    def hijack_at(self) -> datetime:
        return self.start + timedelta(minutes=self.hijack_delay_minutes)

    @classmethod
    def from_file(cls, path: Path) -> Scenario:
        """Defaults overridden by a JSON or TOML file (chosen by its suffix)."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{path}: cannot read scenario ({exc.strerror})") from exc
        try:
            data = tomllib.loads(text) if str(path).endswith(".toml") else json.loads(text)
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: not a valid scenario file: {exc}") from exc
        if not isinstance(data, dict):
            raise InputError(f"{path}: a scenario file holds one table/object")
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "scenario") -> Scenario:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"{source}: unknown scenario keys {unknown}",
                             hint=f"known keys: {', '.join(sorted(known))}")
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key == "start":
                values[key] = _utc(value, source)
            elif key == "cities":
                values[key] = tuple(_city(item, source) for item in value)
            elif key == "home":
                values[key] = _city({"city": NEW_YORK.city, **value}, source)
            elif key == "amplifiers":
                values[key] = tuple(value)
            else:
                values[key] = value
        try:
            return cls(**values)
        except TypeError as exc:
            raise InputError(f"{source}: {exc}") from exc


def _utc(value: Any, source: str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError as exc:
            raise InputError(f"{source}: start is not an ISO-8601 time: {value!r}") from exc
    if moment.tzinfo is None:
        raise InputError(f"{source}: start must carry a time zone (e.g. ...Z)")
    return moment.astimezone(UTC)


def _city(item: Any, source: str) -> CityPlan:
    """A city entry: a known city with overrides, or a complete new one."""
    if not isinstance(item, dict) or "city" not in item:
        raise InputError(f"{source}: each city needs at least a 'city' name")
    known = {c.city: c for c in (NEW_YORK, *DEFAULT_CITIES)}
    names = {f.name for f in fields(CityPlan)}
    unknown = sorted(set(item) - names)
    if unknown:
        raise InputError(f"{source}: unknown city keys {unknown}",
                         hint=f"known keys: {', '.join(sorted(names))}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in item.items()}
    base = known.get(item["city"])
    if base is not None:
        return replace(base, **values)
    missing = sorted(f.name for f in fields(CityPlan) if f.name not in values and f.name != "lang")
    if missing:
        raise InputError(f"{source}: new city {item['city']!r} lacks {missing}")
    return CityPlan(**values)


# What people say. Texts never contain '#' or '@' except where the simulator
# puts tags and mentions ({tag} marks an inline tag).
CAMPAIGN_OPENERS = ("Thank you to", "Proud of", "Great day with", "Shoutout to",
                    "So grateful for", "Big thanks to", "Look who stopped by:", "Selfie with",
                    "Nothing but respect for", "Family photo with")
CAMPAIGN_OBJECTS = ("the officers of the 75th Precinct", "our community affairs officers",
                    "Officer Diaz at the block party", "the mounted unit in Central Park",
                    "the school safety agents at PS 41", "the cops who helped my mom home",
                    "the 9th Precinct softball team", "the officers at the Easter egg hunt",
                    "the NYPD band", "our neighborhood officers", "Sgt. Miller and the K9 team",
                    "the officers who found my bike")
CAMPAIGN_CLOSERS = ("", "", "Keep up the good work.", "New York's finest.", "Stay safe out there.",
                    "We appreciate you.")
CAMPAIGN_REPLIES = ("so true", "well said", "thank you!", "agreed, great photo",
                    "love this one", "my uncle is in that precinct")
CAMPAIGN_QUOTES = ("Love this.", "This is what it's about.", "Great photo.", "More of these please.")

HIJACK_OPENERS = ("", "", "Here's", "This is", "Look:", "Never forget:", "Another one for the album:",
                  "Proud moment:", "Photo op:")
HIJACK_SUBJECTS = ("officers", "riot cops", "an officer", "three cops", "the NYPD", "white shirts")
HIJACK_ACTIONS = ("pepper-spraying seated students", "dragging a woman by her hair",
                  "kettling marchers with orange nets", "arresting a man for filming",
                  "tackling a teenager to the pavement", "swinging batons at protesters",
                  "stopping and frisking kids on their way to school",
                  "kneeling on an old man's neck", "shoving a journalist",
                  "zip-tying a street medic", "pulling a protester off a bike")
HIJACK_PLACES = ("in Union Square", "on the Brooklyn Bridge", "at Zuccotti Park", "in East Harlem",
                 "in Bed-Stuy", "outside City Hall", "in the subway", "in Times Square",
                 "on Wall Street", "in the Bronx", "")
HIJACK_REPLIES = ("here's one for your Facebook", "you asked for photos",
                  "is this the kind of photo you wanted?", "how about this one?", "exactly this",
                  "never forget", "this one is mine")
HIJACK_QUOTES = ("Be careful what you ask for.", "This aged well.", "You asked for it.", "Oops.",
                 "The internet delivers.")
CITY_OPENERS = ("Meanwhile in {city}:", "{city} too:", "Same story in {city}:",
                "Don't forget {city}:", "From {city}:", "In {city} it looks like this:")
CITY_PLACES = ("downtown", "at the courthouse", "near the university", "at the transit station",
               "on Main Street", "at the park", "")
CITY_REPLIES = ("same here", "this is awful", "happened on my street too", "solidarity")
CITY_QUOTES = ("Us too.", "Solidarity from {city}.", "Not only New York.")
GREEK = ("Η αστυνομία μας στα Εξάρχεια", "Χημικά σε ειρηνική πορεία στο Σύνταγμα",
         "Έτσι μας προστατεύουν τα ΜΑΤ", "Ξυλοδαρμός διαδηλωτή στην Πανεπιστημίου",
         "Προσαγωγές για μια φωτογραφία", "Δακρυγόνα στην πλατεία Κοτζιά")
SPANISH = ("Así nos cuida la policía en el Zócalo", "Granaderos contra estudiantes otra vez",
           "Detenido por grabar a la policía", "Golpes a manifestantes en Reforma",
           "La policía en la marcha de hoy", "Así tratan a los normalistas")
CHATTER = ("Why is {tag} trending?", "lol {tag} backfired fast",
           "Somebody in NYPD social media is having a very bad day {tag}",
           "Reading the {tag} tweets all afternoon", "PR lesson of the year: {tag}",
           "{tag} is the hashtag fail of 2014", "Can't stop scrolling {tag}",
           "Whoever pitched {tag} is getting a talking-to", "Good morning people {tag}",
           "Coffee first, outrage later {tag}", "Is anyone else seeing {tag}?")
RING = ("Wake up people {tag}", "They don't want you to see this {tag}",
        "Share before it gets deleted {tag}", "The truth about {tag}")
CALL = ("Do you have a photo w/ a member of the NYPD? Tweet us &amp; tag it {tag}. "
        "It may be featured on our Facebook.")
HUB_CALL = "You asked for photos with the NYPD. Here they are. Share yours {tag}"

CO_TAGS = {
    "campaign": ("#NYPD", "#NYC", "#thankyou"),
    "hijack": ("#OWS", "#policebrutality", "#StopAndFrisk"),
    "city": ("#policebrutality", "#solidarity"),
    "chatter": ("#fail", "#PR", "#news"),
}

FIRST_NAMES = ("maria", "james", "keisha", "luis", "sarah", "mike", "aisha", "david", "jen",
               "carlos", "emily", "tyrone", "nina", "kevin", "rosa", "sam", "olivia", "marcus",
               "grace", "andre", "lisa", "omar", "hannah", "derek", "sofia", "ben", "tasha",
               "jorge", "kate", "malik", "amy", "rob", "zoe", "eddie", "dana", "chris", "leah",
               "tony", "maya", "josh", "kim", "ray", "ana", "will", "tina", "alex", "jade", "nick")
LAST_NAMES = ("smith", "lopez", "johnson", "nguyen", "brown", "garcia", "lee", "martin", "kim",
              "davis", "rivera", "clark", "walker", "hall", "young", "king", "wright", "scott",
              "green", "baker", "adams", "nelson", "hill", "campbell", "torres", "reed", "cook",
              "morgan", "bell", "murphy", "bailey", "cooper", "diaz", "reyes", "ortiz", "gray")
GREEK_FIRST = ("giorgos", "maria", "nikos", "eleni", "kostas", "katerina", "dimitris", "sofia",
               "yannis", "anna", "petros", "despina")
GREEK_LAST = ("papadopoulos", "pappas", "nikolaou", "georgiou", "ioannou", "vlachos",
              "karras", "dimas")
SPANISH_FIRST = ("juan", "guadalupe", "jose", "fernanda", "miguel", "ximena", "luis", "valeria",
                 "alejandro", "mariana", "diego", "paola")
SPANISH_LAST = ("hernandez", "garcia", "martinez", "lopez", "gonzalez", "perez", "rodriguez",
                "sanchez", "ramirez", "flores")
HANDLE_WORDS = ("real", "the", "its", "just", "mr", "ms", "dj", "nyc", "bk", "official", "iam",
                "x", "lil", "big")

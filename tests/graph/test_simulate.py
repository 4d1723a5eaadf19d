"""The simulator: same seed, same bytes; real-looking formats; truth that the tweets bear out.

Read against the raw JSON and CSV on purpose (the readers are tested on
these files elsewhere), so a reader bug cannot hide a simulator bug.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import community as louvain  # python-louvain
import networkx as nx
import orjson
import pytest
from ground_truth import nmi
from tagjack.graph.errors import InputError
from tagjack.graph.simulation.scenario import DEFAULT_CITIES, NEW_YORK, Scenario
from tagjack.graph.simulation.simulate import simulate

SMALL = 3_000
MEDIUM = 20_000
TWEPOCH_MS = 1288834974657
V1_TIME = "%a %b %d %H:%M:%S +0000 %Y"
PLANS = {c.city: c for c in (NEW_YORK, *DEFAULT_CITIES)}
PROFILE_CITY = {loc: c.city for c in PLANS.values() for loc in c.locations}
PLACE_CITY = {c.place_full_name: c.city for c in PLANS.values()}

# twarc-csv's DEFAULT_TWEET_COLUMNS (DocNow/twarc-csv@d77da93, dataframe_converter.py)
TWARC_CSV_COLUMNS = """id conversation_id referenced_tweets.replied_to.id referenced_tweets.retweeted.id
referenced_tweets.quoted.id author_id in_reply_to_user_id in_reply_to_username retweeted_user_id
retweeted_username quoted_user_id quoted_username created_at text lang source
public_metrics.impression_count public_metrics.reply_count public_metrics.retweet_count
public_metrics.quote_count public_metrics.like_count public_metrics.bookmark_count reply_settings
edit_history_tweet_ids edit_controls.edits_remaining edit_controls.editable_until
edit_controls.is_edit_eligible possibly_sensitive withheld.scope withheld.copyright
withheld.country_codes entities.annotations entities.cashtags entities.hashtags entities.mentions
entities.urls context_annotations attachments.media attachments.media_keys
attachments.poll.duration_minutes attachments.poll.end_datetime attachments.poll.id
attachments.poll.options attachments.poll.voting_status attachments.poll_ids author.id
author.created_at author.username author.name author.description
author.entities.description.cashtags author.entities.description.hashtags
author.entities.description.mentions author.entities.description.urls author.entities.url.urls
author.url author.location author.pinned_tweet_id author.profile_image_url author.protected
author.public_metrics.followers_count author.public_metrics.following_count
author.public_metrics.listed_count author.public_metrics.tweet_count author.verified
author.verified_type author.withheld.scope author.withheld.copyright author.withheld.country_codes
geo.coordinates.coordinates geo.coordinates.type geo.country geo.country_code geo.full_name
geo.geo.bbox geo.geo.type geo.id geo.name geo.place_id geo.place_type matching_rules
__twarc.retrieved_at __twarc.url __twarc.version""".split()


def tweets_file(folder: Path) -> Path:
    return folder / ("tweets.csv" if (folder / "tweets.csv").exists() else "tweets.jsonl")


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict[str, Path]:
    """SMALL tweets, seed 3, in every format."""
    folders = {}
    for fmt in ("v1", "v2", "csv"):
        folders[fmt] = tmp_path_factory.mktemp(f"small-{fmt}")
        simulate(folders[fmt], tweets=SMALL, fmt=fmt, seed=3)
    return folders


@dataclass
class Case:
    tweets: list[dict]  # v1, first delivery of each id, in file order
    deliveries: int
    truth: dict
    progress: list[int]


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> Case:
    folder = tmp_path_factory.mktemp("medium")
    calls: list[int] = []
    truth = simulate(folder, tweets=MEDIUM, fmt="v1", seed=1, progress=calls.append)
    assert json.loads((folder / "truth.json").read_text(encoding="utf-8")) == truth
    seen: set[str] = set()
    tweets = []
    deliveries = 0
    with (folder / "tweets.jsonl").open("rb") as fh:
        for line in fh:
            deliveries += 1
            t = orjson.loads(line)
            if t["id_str"] not in seen:
                seen.add(t["id_str"])
                tweets.append(t)
    return Case(tweets, deliveries, truth, calls)


def tags(t: dict) -> set[str]:
    return {h["text"].lower() for h in t["entities"]["hashtags"]}


def seconds(t: dict) -> int:
    return int(datetime.strptime(t["created_at"], V1_TIME).replace(tzinfo=UTC).timestamp())


def iso(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- determinism


@pytest.mark.parametrize("fmt", ["v1", "v2", "csv"])
def test_same_seed_gives_the_same_bytes(small, tmp_path, fmt):
    simulate(tmp_path, tweets=SMALL, fmt=fmt, seed=3)
    first = tweets_file(small[fmt])
    assert tweets_file(tmp_path).read_bytes() == first.read_bytes()
    assert (tmp_path / "truth.json").read_bytes() == (small[fmt] / "truth.json").read_bytes()


def test_another_seed_gives_other_tweets(small, tmp_path):
    simulate(tmp_path, tweets=SMALL, fmt="v1", seed=4)
    assert (tmp_path / "tweets.jsonl").read_bytes() != (small["v1"] / "tweets.jsonl").read_bytes()


def test_every_format_tells_the_same_truth(small):
    truths = {fmt: (folder / "truth.json").read_bytes() for fmt, folder in small.items()}
    assert truths["v1"] == truths["v2"] == truths["csv"]


# ---------------------------------------------------------------- formats


def test_v1_lines_are_api_tweets(small):
    lines = (small["v1"] / "tweets.jsonl").read_bytes().splitlines()
    assert len(lines) == SMALL
    ids = Counter()
    kinds = Counter()
    for line in lines:
        t = orjson.loads(line)
        ids[t["id_str"]] += 1
        check_v1_tweet(t)
        if "retweeted_status" in t:
            kinds["retweet"] += 1
            original = t["retweeted_status"]
            check_v1_tweet(original)
            handle = original["user"]["screen_name"]
            assert t["text"] == f"RT @{handle}: {original['text']}" == t["full_text"]
            assert t["entities"]["user_mentions"][0]["screen_name"] == handle
            assert tags(t) == tags(original)
        elif t["is_quote_status"]:
            kinds["quote"] += 1
            assert t["quoted_status_id_str"] == t["quoted_status"]["id_str"]
            check_v1_tweet(t["quoted_status"])
            assert t["entities"]["urls"][0]["expanded_url"].endswith(t["quoted_status_id_str"])
        elif t["in_reply_to_status_id_str"]:
            kinds["reply"] += 1
            assert t["text"].startswith(f"@{t['in_reply_to_screen_name']} ")
            assert int(t["in_reply_to_status_id_str"]) < t["id"]
        kinds["place"] += t["place"] is not None
        kinds["coordinates"] += t["coordinates"] is not None
    assert kinds["retweet"] > SMALL / 2
    assert min(kinds["quote"], kinds["reply"], kinds["place"], kinds["coordinates"]) > 0
    assert kinds["coordinates"] < kinds["place"] < 0.06 * SMALL
    assert any(n == 2 for n in ids.values())  # duplicate deliveries, same id


def check_v1_tweet(t: dict) -> None:
    assert t["id"] > 2**53 and str(t["id"]) == t["id_str"]
    created = seconds(t)
    assert ((t["id"] >> 22) + TWEPOCH_MS) // 1000 == created  # snowflake time = created_at
    user = t["user"]
    assert user["id_str"] == str(user["id"]) and user["screen_name"]
    assert isinstance(user["followers_count"], int) and isinstance(user["location"], str)
    text = t["text"]
    for h in t["entities"]["hashtags"]:
        start, end = h["indices"]
        assert text[start:end] == "#" + h["text"]
    for m in t["entities"]["user_mentions"]:
        start, end = m["indices"]
        assert text[start:end] == "@" + m["screen_name"] and m["id_str"] == str(m["id"])
    place = t["place"]
    if place is not None:
        assert place["place_type"] == "city" and place["full_name"] in PLACE_CITY
        ring = place["bounding_box"]["coordinates"][0]
        assert place["bounding_box"]["type"] == "Polygon" and len(ring) == 4
        plan = PLANS[PLACE_CITY[place["full_name"]]]
        assert place["country_code"] == plan.country
        lon = sum(p[0] for p in ring) / 4
        lat = sum(p[1] for p in ring) / 4
        assert km(lat, lon, plan.lat, plan.lon) < 0.1
    if t["coordinates"] is not None:
        lon, lat = t["coordinates"]["coordinates"]
        assert t["coordinates"]["type"] == "Point" and place is not None
        plan = PLANS[PLACE_CITY[place["full_name"]]]
        assert km(lat, lon, plan.lat, plan.lon) <= 5


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 6371 * 2 * math.asin(math.sqrt(a))


def test_v2_lines_are_twarc2_response_pages(small):
    created = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z")
    pages = [orjson.loads(line) for line in (small["v2"] / "tweets.jsonl").read_bytes().splitlines()]
    assert sum(len(p["data"]) for p in pages) == SMALL
    for number, page in enumerate(pages):
        assert set(page) == {"data", "includes", "meta", "__twarc"}
        data, includes, meta = page["data"], page["includes"], page["meta"]
        assert 0 < len(data) <= 100 and meta["result_count"] == len(data)
        ids = [int(t["id"]) for t in data]
        assert meta["newest_id"] == str(max(ids)) and meta["oldest_id"] == str(min(ids))
        assert ("next_token" in meta) == (number < len(pages) - 1)
        assert page["__twarc"]["url"].startswith("https://api.twitter.com/2/tweets/search/all?")
        users = {u["id"]: u for u in includes["users"]}
        referenced = {t["id"]: t for t in includes.get("tweets", [])}
        places = {p["id"]: p for p in includes.get("places", [])}
        for u in users.values():
            assert isinstance(u["public_metrics"]["followers_count"], int) and u["username"]
        for p in places.values():
            assert p["geo"]["type"] == "Feature" and len(p["geo"]["bbox"]) == 4
            assert p["full_name"] in PLACE_CITY
        for t in data:
            assert created.fullmatch(t["created_at"]) and t["author_id"] in users
            for h in t.get("entities", {}).get("hashtags", []):
                assert t["text"][h["start"]:h["end"]] == "#" + h["tag"]
            for m in t.get("entities", {}).get("mentions", []):
                assert t["text"][m["start"]:m["end"]] == "@" + m["username"]
                assert users[m["id"]]["username"] == m["username"]
            for ref in t.get("referenced_tweets", []):
                assert ref["type"] in ("retweeted", "quoted", "replied_to")
                assert referenced[ref["id"]]["author_id"] in users
            if "geo" in t:
                assert t["geo"]["place_id"] in places
                if "coordinates" in t["geo"]:
                    assert t["geo"]["coordinates"]["type"] == "Point"


def test_csv_has_twarc_csv_default_columns(small):
    with (small["csv"] / "tweets.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == TWARC_CSV_COLUMNS
    assert len(rows) == SMALL + 1 and all(len(r) == len(TWARC_CSV_COLUMNS) for r in rows)
    col = {name: i for i, name in enumerate(rows[0])}
    retweets = [r for r in rows[1:] if r[col["referenced_tweets.retweeted.id"]]]
    assert len(retweets) > SMALL / 2
    for r in retweets:
        assert r[col["retweeted_user_id"]] and r[col["retweeted_username"]]
        assert not r[col["text"]].startswith("RT @")  # --merge-retweets: the original's text
    for r in rows[1:]:
        if r[col["entities.hashtags"]]:
            assert all(tag.startswith("#") for tag in json.loads(r[col["entities.hashtags"]]))
        if r[col["geo.coordinates.coordinates"]]:
            lon, lat = json.loads(r[col["geo.coordinates.coordinates"]])
            assert r[col["geo.full_name"]] in PLACE_CITY and -180 <= lon <= 180
        assert r[col["possibly_sensitive"]] == "False"


# ---------------------------------------------------------------- truth vs. tweets


def test_tweets_and_progress(medium):
    assert medium.deliveries == MEDIUM
    assert 0.003 * MEDIUM < MEDIUM - len(medium.tweets) < 0.01 * MEDIUM  # duplicates
    assert medium.progress == [10_000, 20_000]
    times = [seconds(t) for t in medium.tweets]
    assert times == sorted(times)  # first deliveries come in time order


def test_truth_has_the_designed_keys(medium):
    truth = medium.truth
    assert list(truth) == ["hashtag", "origin", "communities", "campaign_label", "hijacker_labels",
                           "amplifiers", "takeover_at", "cities", "variants", "accounts_city",
                           "coordinated"]
    assert truth["hashtag"] == "#MyNYPD" and truth["origin"] == "NYPDnews"
    assert truth["amplifiers"][0] == "OccupyWallStNYC" and len(truth["amplifiers"]) >= 12
    assert truth["variants"]["#MyLAPD"] == "Los Angeles"
    assert truth["variants"]["#MiPolicíaMexicana"] == "Mexico City"
    assert [c["city"] for c in truth["cities"]] == ["New York City", *(c.city for c in DEFAULT_CITIES)]
    assert {c["country"] for c in truth["cities"]} == {"US", "GR", "MX"}
    labels = set(truth["communities"].values())
    assert labels == {"campaign", "hijack", *(f"city:{c.city}" for c in DEFAULT_CITIES)}
    assert truth["communities"]["NYPDnews"] == "campaign"
    assert truth["communities"]["OccupyWallStNYC"] == "hijack"


def test_communities_are_authors_and_leave_out_bots_and_decoy_ring(medium):
    authors = {t["user"]["screen_name"] for t in medium.tweets}
    communities = medium.truth["communities"]
    assert set(communities) <= authors
    ring = {t["user"]["screen_name"] for t in medium.tweets
            if t.get("retweeted_status", {}).get("user", {}).get("screen_name") == "truthhammer99"}
    assert len(ring) >= 4 and not ring & set(communities)
    assert "truthhammer99" not in communities
    assert not [h for h in communities if h.startswith(("rtbot", "news_rt_", "trend_rt", "autort"))]


def retweets_of_tag(case: Case) -> tuple[Counter, dict[str, set[str]]]:
    received: Counter = Counter()
    retweeters: dict[str, set[str]] = defaultdict(set)
    for t in case.tweets:
        if "retweeted_status" in t and "mynypd" in tags(t):
            author = t["retweeted_status"]["user"]["screen_name"]
            received[author] += 1
            retweeters[author].add(t["user"]["screen_name"])
    return received, retweeters


def test_amplifiers_are_retweeted_by_many_distinct_accounts(medium):
    received, retweeters = retweets_of_tag(medium)
    amplifiers = medium.truth["amplifiers"]
    for handle in amplifiers:
        assert received[handle] >= 100 and len(retweeters[handle]) >= 80, handle
    assert sum(received[h] for h in amplifiers) > 0.4 * sum(received.values())
    by_reach = sorted(retweeters, key=lambda h: -len(retweeters[h]))
    assert by_reach[0] == amplifiers[0]
    assert set(by_reach[:len(amplifiers)]) == set(amplifiers)


def test_decoys_are_not_amplifiers(medium):
    received, retweeters = retweets_of_tag(medium)
    amplifiers = medium.truth["amplifiers"]
    # a ring: as many retweets as an amplifier, from a handful of accounts
    assert received["truthhammer99"] >= min(received[h] for h in amplifiers) / 2
    assert len(retweeters["truthhammer99"]) <= 20
    # a celebrity: millions of followers, few retweeters
    celebrity = next(t["user"] for t in medium.tweets if t["user"]["screen_name"] == "StarOfBroadway")
    assert celebrity["followers_count"] >= 1_000_000
    assert len(retweeters["StarOfBroadway"]) < 30
    assert "StarOfBroadway" not in amplifiers and "truthhammer99" not in amplifiers


def test_takeover_at_is_recomputed_from_the_tweets(medium):
    roles = {"campaign": 0, "hijack": 1}
    communities = medium.truth["communities"]
    windows: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for t in medium.tweets:
        role = roles.get(communities.get(t["user"]["screen_name"], ""))
        if role is not None and "mynypd" in tags(t):
            second = seconds(t)
            windows[second - second % 900][role] += 1
    takeover = next(w for w in sorted(windows) if windows[w][1] > windows[w][0])
    assert medium.truth["takeover_at"] == iso(takeover)
    assert "2014-04-22T20:00:00Z" <= medium.truth["takeover_at"] <= "2014-04-22T21:00:00Z"


def test_city_first_posts_are_the_first_in_the_file(medium):
    truth = medium.truth
    where = truth["accounts_city"]
    tags_of_city = {"mynypd", *(v.lstrip("#").lower() for v in truth["variants"])}
    first: dict[str, int] = {}
    for t in medium.tweets:
        city = where.get(t["user"]["screen_name"])
        if city and tags(t) & tags_of_city:
            first.setdefault(city, seconds(t))
    assert [c["city"] for c in truth["cities"]] == sorted(first, key=first.get)
    assert {c["city"]: c["first_at"] for c in truth["cities"]} == {c: iso(s) for c, s in first.items()}


def test_accounts_city_is_what_the_data_can_tell(medium):
    """Place first, then coordinates (always with a place here), then a clean profile string."""
    expected: dict[str, str] = {}
    for t in medium.tweets:
        user = t["user"]
        handle = user["screen_name"]
        if t["place"] is not None:
            expected[handle] = PLACE_CITY[t["place"]["full_name"]]
        elif handle not in expected and user["location"] in PROFILE_CITY:
            expected[handle] = PROFILE_CITY[user["location"]]
    assert medium.truth["accounts_city"] == expected
    locations = Counter(t["user"]["location"] for t in medium.tweets)
    assert {"Earth", "🌍", "Springfield", "Portland"} <= set(locations)  # junk and ambiguous


def test_cross_community_retweets_are_10_to_20_percent(medium):
    communities = medium.truth["communities"]
    same = cross = 0
    for t in medium.tweets:
        original = t.get("retweeted_status")
        a = communities.get(t["user"]["screen_name"])
        b = original and communities.get(original["user"]["screen_name"])
        if a and b:
            same += a == b
            cross += a != b
    assert 0.10 <= cross / (same + cross) <= 0.20


def test_louvain_recovers_the_planted_communities(medium):
    """python-louvain on the undirected retweet + mention graph (DESIGN.md's projection)."""
    g = nx.Graph()

    def tie(a: str, b: str) -> None:
        if a != b:
            w = g.get_edge_data(a, b, {"weight": 0})["weight"]
            g.add_edge(a, b, weight=w + 1)

    for t in medium.tweets:
        author = t["user"]["screen_name"]
        original = t.get("retweeted_status") or t.get("quoted_status")
        if original is not None:
            tie(author, original["user"]["screen_name"])
        if "retweeted_status" not in t:  # a retweet's mentions are its original's
            for m in t["entities"]["user_mentions"]:
                tie(author, m["screen_name"])
    found = louvain.best_partition(g, weight="weight", random_state=1)
    labels = medium.truth["communities"]
    common = [h for h in g if h in labels]
    assert len(common) >= 0.95 * len(labels)
    score = nmi([labels[h] for h in common], [found[h] for h in common])
    print(f"NMI {score:.3f}")
    assert score >= 0.9


# ---------------------------------------------------------------- scenarios and errors


def test_scenario_file_changes_the_play(tmp_path):
    toml = tmp_path / "case.toml"
    toml.write_text('hijack_delay_minutes = 60\n[[cities]]\ncity = "Los Angeles"\ndelay_hours = 3\n'
                    '[[cities]]\ncity = "Athens"\ndelay_hours = 6\n', encoding="utf-8")
    plan = Scenario.from_file(toml)
    assert [c.city for c in plan.cities] == ["Los Angeles", "Athens"]
    assert plan.cities[1].variant == "#myELAS" and plan.hijack_delay_minutes == 60
    truth = simulate(tmp_path / "out", tweets=2_000, seed=2, scenario=plan)
    assert [c["city"] for c in truth["cities"]] == ["New York City", "Los Angeles", "Athens"]
    assert truth["cities"][1]["first_at"] == "2014-04-22T21:00:30Z"
    assert truth["variants"] == {"#MyLAPD": "Los Angeles", "#myELAS": "Athens"}
    assert truth["takeover_at"] < "2014-04-22T20:00:00Z"
    same = tmp_path / "case.json"
    same.write_text(json.dumps({"hijack_delay_minutes": 60, "cities": [
        {"city": "Los Angeles", "delay_hours": 3}, {"city": "Athens", "delay_hours": 6}]}))
    assert Scenario.from_file(same) == plan


@pytest.mark.parametrize("content, message", [
    ('{"hijak_delay_minutes": 60}', "unknown scenario keys"),
    ('{"amplifiers": ["someone", "OccupyWallStNYC"]}', "must start with the hub"),
    ('{"cities": [{"city": "Gotham", "delay_hours": 3}]}', "lacks"),
    ('{"start": "2014-04-22T18:00:00"}', "time zone"),
    ('{"cities": [{"city": "Denver", "delay_hours": 80}]}', "after the collection ends"),
    ("not json", "not a valid scenario file"),
])
def test_bad_scenario_files_are_user_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        Scenario.from_file(path)


def test_bad_arguments_are_user_errors(tmp_path):
    with pytest.raises(InputError, match="unknown format"):
        simulate(tmp_path, tweets=1_000, fmt="xml")
    with pytest.raises(InputError, match="too few tweets"):
        simulate(tmp_path, tweets=10)


def test_the_dunk_quotes_and_replies_to_the_origin_and_can_be_turned_off(tmp_path):
    """Hijackers mock the origin's call (as in the real event); truth stays the same."""
    def at_origin(folder):
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        hijackers = {h for h, label in truth["communities"].items()
                     if label in truth["hijacker_labels"]}
        found = Counter()
        with (folder / "tweets.jsonl").open("rb") as fh:
            for t in map(orjson.loads, fh):
                if t["user"]["screen_name"] not in hijackers:
                    continue
                if t.get("quoted_status", {}).get("user", {}).get("screen_name") == "NYPDnews":
                    found["quote"] += 1
                if t.get("in_reply_to_screen_name") == "NYPDnews":
                    found["reply"] += 1
        return truth, found

    with_dunk, found = at_origin(_played(tmp_path / "on", Scenario()))
    without, quiet = at_origin(_played(tmp_path / "off", Scenario(dunk=0.0)))
    assert found["quote"] >= 20 and found["reply"] >= 20
    assert quiet["quote"] + quiet["reply"] < (found["quote"] + found["reply"]) / 5
    assert with_dunk["hijacker_labels"] == without["hijacker_labels"]
    with pytest.raises(InputError, match="dunk"):
        Scenario(dunk=1.5)


def _played(folder, plan):
    simulate(folder, tweets=4_000, seed=5, scenario=plan)
    return folder

"""Spread: the variant pattern, modal city or ambiguity, adoption order, city-to-city retweets."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from tagjack.graph.model import City, LocationSource
from tagjack.graph.spread import (
    COOCCURRENCE,
    PATTERN,
    AccountCities,
    VariantRule,
    modal_city,
    pattern_match,
    spread,
    spread_json,
    transmissions,
    union_posts,
    variant_candidates,
)
from tagjack.graph.store.base import HashtagUse, PostTable

T0 = int(datetime(2014, 4, 22, 18, 0, tzinfo=UTC).timestamp())
NYC = City("5128581", "New York City", "US", 40.71, -74.0)
LA = City("5368361", "Los Angeles", "US", 34.05, -118.24)
ABQ = City("5454711", "Albuquerque", "US", 35.08, -106.65)
AUS = City("4671654", "Austin", "US", 30.27, -97.74)
ATH = City("264371", "Athens", "GR", 37.98, 23.73)


def cities(located: dict[int, City]) -> AccountCities:
    return AccountCities.from_located({k: (c, LocationSource.PROFILE) for k, c in located.items()})


def posts(rows: list[tuple[int, int, int, int]]) -> PostTable:
    """(author, minute, kind, ref_author)."""
    a = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return PostTable(a[:, 0], T0 + 60 * a[:, 1], a[:, 2].astype(np.int8), a[:, 3])


@pytest.mark.parametrize("other", ["mylapd", "MyOPD", "#mySFPD", "mycpd", "mybpd", "#myAPD"])
def test_variants_share_the_prefix_and_suffix_around_a_short_middle(other):
    assert pattern_match("#MyNYPD", other)


@pytest.mark.parametrize("other", ["mynypd", "mypd", "nypd", "myday", "myipad", "mynypd2014",
                                   "mylittleponyfanpd", "police", "myelas"])
def test_other_tags_are_not_pattern_variants(other):
    assert not pattern_match("mynypd", other)


def test_candidates_come_from_the_pattern_or_strong_cooccurrence():
    uses = [HashtagUse("mynypd", 100, 50, T0), HashtagUse("mylapd", 30, 10, T0),
            HashtagUse("myelas", 10, 5, T0), HashtagUse("police", 400, 300, T0),
            HashtagUse("myopd", 1, 1, T0)]  # a single post is not a variant yet
    together = {"mylapd": 2, "myelas": 6, "police": 40}
    got = variant_candidates("#MyNYPD", uses, together)
    assert [(c.tag, c.rule) for c in got] == [("mylapd", PATTERN), ("myelas", COOCCURRENCE)]


def test_modal_city_dominates_or_the_tag_is_ambiguous():
    located = cities({1: LA, 2: LA, 3: LA, 4: NYC, 5: ABQ, 6: ABQ, 7: AUS, 8: AUS})
    city, leading, n = modal_city(np.array([1, 2, 3, 4, 9]), located)
    assert (located.cities[city].name, n) == ("Los Angeles", 4)
    city, leading, n = modal_city(np.array([5, 6, 7, 8]), located)
    assert city is None and sorted(located.cities[i].name for i, _ in leading) == \
        ["Albuquerque", "Austin"]
    # one located adopter of twelve says nothing; two of two do
    city, leading, n = modal_city(np.array([1, *range(20, 31)]), located)
    assert (city, leading, n) == (None, [], 1)
    city, _, _ = modal_city(np.array([1, 2]), located)
    assert located.cities[city].name == "Los Angeles"


def test_spread_end_to_end():
    # 1, 2 in New York; 3, 4 in Los Angeles; 5, 6 in Athens; 7, 8 split Albuquerque / Austin
    located = cities({1: NYC, 2: NYC, 3: LA, 4: LA, 5: ATH, 6: ATH, 7: ABQ, 8: AUS})
    by_tag = {
        "mynypd": posts([(1, 0, 0, -1), (2, 5, 0, -1), (3, 300, 1, 1), (5, 900, 0, -1)]),
        "mylapd": posts([(3, 301, 0, -1), (4, 302, 0, -1), (1, 310, 1, 3)]),
        "myelas": posts([(5, 900, 0, -1), (6, 905, 0, -1)]),  # 5's first post carries both tags
        "myapd": posts([(7, 1000, 0, -1), (8, 1001, 0, -1)]),
        "police": posts([(1, 10, 0, -1), (2, 11, 0, -1), (3, 12, 0, -1)]),  # home-city topic
    }
    uses = [HashtagUse(t, len(p), 2, T0) for t, p in by_tag.items()]
    rule = VariantRule(min_cooccurring_posts=1)  # a tiny case
    candidates = variant_candidates("mynypd", uses, {"myelas": 1, "police": 3}, rule=rule)
    found = spread("#MyNYPD", by_tag, candidates, located, rule=rule)
    assert found.home == "New York City"
    assert [c.city for c in found.cities] == ["New York City", "Los Angeles", "Athens",
                                              "Albuquerque", "Austin"]
    assert {v.hashtag: (v.city, v.ambiguous) for v in found.variants} == {
        "mylapd": ("Los Angeles", False), "myelas": ("Athens", False), "myapd": (None, True)}
    athens = next(c for c in found.cities if c.city == "Athens")
    assert (athens.posts, athens.accounts) == (2, 2)  # the post with both tags counts once
    assert athens.hashtags == ["myelas", "mynypd"]
    doc = spread_json(found)
    assert list(doc["cities"][0])[:6] == ["city", "country", "first_at", "accounts", "posts",
                                          "hashtags"]
    assert doc["cities"][0]["first_at"] == "2014-04-22T18:00:00Z"
    assert list(doc["variants"][0])[:4] == ["hashtag", "city", "first_at", "posts"]
    assert doc["transmissions"] == [
        {"from": "New York City", "to": "Los Angeles", "retweets": 1, "from_country": "US",
         "to_country": "US", "first_at": "2014-04-22T23:00:00Z"},
        {"from": "Los Angeles", "to": "New York City", "retweets": 1, "from_country": "US",
         "to_country": "US", "first_at": "2014-04-22T23:10:00Z"}]


def test_transmission_counts_retweets_from_the_authors_city_to_the_retweeters():
    located = cities({1: NYC, 2: LA, 3: LA})
    table = posts([(2, 5, 1, 1), (3, 6, 2, 1), (3, 7, 1, 2), (4, 8, 1, 1), (2, 9, 0, -1)])
    (row,) = transmissions([table], located)
    assert (row.source, row.target, row.retweets) == ("New York City", "Los Angeles", 2)
    assert row.first_at == datetime(2014, 4, 22, 18, 5, tzinfo=UTC)


def test_union_posts_keeps_one_copy_and_the_variant():
    a = posts([(1, 0, 0, -1), (2, 1, 0, -1)])
    b = posts([(2, 1, 0, -1), (3, 2, 1, 1)])
    merged, which = union_posts([a, b])
    assert merged.author.tolist() == [1, 2, 3] and which.tolist() == [0, 1, 1]

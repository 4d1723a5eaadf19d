"""Spread: the variant pattern, modal city or ambiguity, adoption order, city-to-city retweets."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from tagjack.graph.analytics.spread import (
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
from tagjack.graph.model import City, LocationSource
from tagjack.graph.store.base import PostTable

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
    return PostTable(a[:, 0], T0 + 60 * a[:, 1], a[:, 2].astype(np.int8), a[:, 3],
                     np.full(len(a), -1))


@pytest.mark.parametrize("other", ["mylapd", "MyOPD", "#mySFPD", "mycpd", "mybpd", "#myAPD"])
def test_variants_share_the_prefix_and_suffix_around_a_short_middle(other):
    assert pattern_match("#MyNYPD", other)


@pytest.mark.parametrize("other", ["mynypd", "mypd", "nypd", "myday", "myipad", "mynypd2014",
                                   "mylittleponyfanpd", "police", "myelas"])
def test_other_tags_are_not_pattern_variants(other):
    assert not pattern_match("mynypd", other)


def test_candidates_come_from_the_pattern_or_strong_cooccurrence():
    counts = {"mynypd": 100, "mylapd": 30, "myelas": 10, "police": 400,
              "myopd": 1}  # a single post is not a variant yet
    together = {"mylapd": 2, "myelas": 6, "police": 40}
    got = variant_candidates("#MyNYPD", counts, together)
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
    counts = {t: len(p) for t, p in by_tag.items()}
    rule = VariantRule(min_cooccurring_posts=1)  # a tiny case
    candidates = variant_candidates("mynypd", counts, {"myelas": 1, "police": 3}, rule=rule)
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
    (row,) = transmissions([table], located)  # 3's quote of 1 is no retweet
    assert (row.source, row.target, row.retweets) == ("New York City", "Los Angeles", 1)
    assert row.first_at == datetime(2014, 4, 22, 18, 5, tzinfo=UTC)


def test_union_posts_keeps_one_copy_and_the_variant():
    a = posts([(1, 0, 0, -1), (2, 1, 0, -1)])
    b = posts([(2, 1, 0, -1), (3, 2, 1, 1)])
    merged, which = union_posts([a, b])
    assert merged.author.tolist() == [1, 2, 3] and which.tolist() == [0, 1, 1]


def naive_union(tables: list[PostTable]) -> tuple[list[tuple], list[int]]:
    """union_posts by hand: each distinct post once, at its first row of the latest table."""
    rows = [(r, t, i) for t, table in enumerate(tables) for i, r in enumerate(zip(
        table.author.tolist(), table.created_at.tolist(), table.kind.tolist(),
        table.ref_author.tolist(), strict=True))]
    keep: dict[tuple, tuple[int, int]] = {}
    for r, t, i in rows:
        if r not in keep or t > keep[r][0]:
            keep[r] = (t, i)
    position = {(t, i): n for n, (_, t, i) in enumerate(rows)}
    chosen = sorted((position[ti], r, ti[0]) for r, ti in keep.items())
    return [r for _, r, _ in chosen], [t for _, _, t in chosen]


@pytest.mark.parametrize("spread_of_values", [10, 2**40])  # packed in one code, or in several
def test_union_posts_is_the_naive_union(spread_of_values):
    rng = np.random.default_rng(7)
    tables = []
    for n in (300, 40, 0, 120):
        a = rng.integers(0, 6, size=(n, 4))
        tables.append(PostTable(a[:, 0] * spread_of_values, T0 + a[:, 1] * spread_of_values,
                                (a[:, 2] % 4).astype(np.int8), a[:, 3] - 1,
                                np.full(len(a), -1)))
    merged, which = union_posts(tables)
    want_rows, want_tags = naive_union(tables)
    assert list(zip(merged.author.tolist(), merged.created_at.tolist(), merged.kind.tolist(),
                    merged.ref_author.tolist(), strict=True)) == want_rows
    assert which.tolist() == want_tags and len(want_rows) < 460


def test_account_cities_lookup_by_array_or_search():
    located = {k: (NYC if k % 3 else LA, LocationSource.PLACE if k % 2 else LocationSource.PROFILE)
               for k in range(5, 400, 7)}
    dense = AccountCities.from_located(located)
    sparse = AccountCities.from_located({k * 10**9: v for k, v in located.items()})
    query = np.array([-1, 0, 5, 6, 12, 19, 397, 398, 10**6, 7**9], dtype=np.int64)
    want = [located[k][0].name if k in located else None for k in query.tolist()]
    for cities, scale in ((dense, 1), (sparse, 10**9)):
        got = cities.of(np.where(query >= 0, query * scale, query))
        assert [cities.cities[c].name if c >= 0 else None for c in got.tolist()] == want
    assert dense._table is not None and sparse._table is None
    assert AccountCities.empty().of(query).tolist() == [-1] * len(query)


def test_account_cities_from_columns_is_from_located():
    located = {9: (LA, LocationSource.PLACE), 2: (ATH, LocationSource.PROFILE),
               4: (LA, LocationSource.COORDINATES), 7: (NYC, LocationSource.PROFILE)}
    want = AccountCities.from_located(located)
    index = {ATH.id: 0, NYC.id: 1, LA.id: 2, ABQ.id: 3}
    keys = np.array([9, 2, 4, 7])
    got = AccountCities.from_columns(
        keys, np.array([index[located[k][0].id] for k in keys.tolist()]),
        np.array([list(LocationSource).index(located[k][1]) for k in keys.tolist()]),
        [ATH, NYC, LA, ABQ])
    assert [c.name for c in got.cities] == [c.name for c in want.cities] == \
        ["Athens", "Los Angeles", "New York City"]  # in the order the sorted keys name them
    for field in ("keys", "city", "source"):
        assert np.array_equal(getattr(got, field), getattr(want, field))
        assert getattr(got, field).dtype == getattr(want, field).dtype

"""The three answers against the simulator's ground truth (50k tweets, generated once)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from ground_truth import (
    assert_account_cities,
    assert_amplifier_precision_at_10,
    assert_city_order,
    assert_communities_match,
    assert_takeover_and_hijackers,
    assert_variants,
)
from tagjack.graph.analytics.lookup import key_of_handle
from tagjack.graph.analytics.pipeline import Analysis, analyze
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.v1 import read_v1
from tagjack.graph.store.sqlite import SqliteStore

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def case(hijack_case, tmp_path_factory):
    folder = tmp_path_factory.mktemp("answers")
    store = SqliteStore(folder / "case.db")
    load_records(store, read_v1(hijack_case.tweets), rejects=RejectsFile(folder / "rejects.jsonl"))
    found = analyze(store, hashtag=hijack_case.truth["hashtag"], seed=1)
    yield store, found, hijack_case.truth
    store.close()


def test_communities_match_the_planted_ones(case):
    assert_communities_match(*case)


def test_hijackers_and_takeover_match_truth(case):
    store, found, truth = case
    hub = key_of_handle(store.accounts(), truth["amplifiers"][0])
    hub_community = int(found.partition.of(np.array([hub]))[0])
    assert hub_community in found.hijack.hijacker_communities
    assert_takeover_and_hijackers(store, found, truth)


def test_amplifier_precision_at_10(case):
    _, found, truth = case
    assert_amplifier_precision_at_10(found, truth)


def test_decoys_do_not_rank_among_the_top_amplifiers(case):
    store, found, _ = case
    table = found.scores
    repeats = table.retweets / np.maximum(table.retweeters, 1)
    ring_target = int(table.keys[np.argmax(np.where(table.retweets >= 50, repeats, 0))])
    top = {a.key for a in found.amplifiers[:20]}
    celebrity = key_of_handle(store.accounts(), "StarOfBroadway")
    assert ring_target not in top and celebrity not in top


def test_city_adoption_order(case):
    _, found, truth = case
    assert_city_order(found, truth)


def test_variants_map_to_the_planted_cities(case):
    _, found, truth = case
    assert_variants(found, truth)


def test_account_cities(case):
    store, _, truth = case
    assert_account_cities(store, truth)


def test_results_are_written_back(case):
    store, found, _ = case
    results = store.results()
    assert results.meta["hashtag"] == "mynypd" and results.meta["takeover_at"]
    roles = Counter(c.role for c in results.communities)
    assert roles["campaign"] == 1 and roles["hijacker"] >= 1
    hub_label = next(c.label for c in results.communities if c.role == "hijacker")
    assert hub_label.startswith("@OccupyWallStNYC +")
    assert set(found.timings) >= {"projection", "communities", "pagerank", "writeback"}


def test_analysis_without_a_hashtag_omits_hijack_and_spread(case):  # last: rewrites results
    store, _, _ = case
    everything: Analysis = analyze(store, seed=1)
    assert everything.hijack is None and everything.spread is None
    assert everything.amplifiers[0].handle == "OccupyWallStNYC"
    assert store.results().meta["hashtag"] is None

"""The three answers on Bluesky and Mastodon: the simulator's story written as Jetstream events
and as Mastodon statuses (50k posts each), read back and held to the Twitter bars.

City accuracy on Bluesky comes from bios alone (📍 lines the simulator writes from the
accounts' locations, and geo embeds for posts with coordinates); it is printed and held to
the same bars, which it meets.
"""

from __future__ import annotations

import json

import pytest
from ground_truth import (
    assert_account_cities,
    assert_amplifier_precision_at_10,
    assert_city_order,
    assert_communities_match,
    assert_takeover_and_hijackers,
    assert_variants,
)
from tagjack.graph.analytics.pipeline import analyze
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.detect import detect_file, read_file
from tagjack.graph.model import Platform
from tagjack.graph.simulation.simulate import simulate
from tagjack.graph.store.platform import on_platform
from tagjack.graph.store.sqlite import SqliteStore

pytestmark = pytest.mark.slow
POSTS = 50_000


@pytest.fixture(scope="module", params=["jetstream", "mastodon"])
def case(request, tmp_path_factory):
    fmt = request.param
    folder = tmp_path_factory.mktemp(fmt)
    simulate(folder, tweets=POSTS, fmt=fmt, seed=1)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    path = folder / "tweets.jsonl"
    assert detect_file(path) == ("bluesky" if fmt == "jetstream" else "mastodon")
    store = SqliteStore(folder / "case.db")
    stats = load_records(store, read_file(path), rejects=RejectsFile(folder / "rejects.jsonl"))
    assert stats.rejected == 0
    platform = Platform.BLUESKY if fmt == "jetstream" else Platform.MASTODON
    found = analyze(on_platform(store, platform), hashtag=truth["hashtag"], seed=1)
    yield fmt, store, found, truth
    store.close()


def test_handles_are_the_platforms(case):
    fmt, store, _, truth = case
    handles = set(store.accounts().handles)
    assert truth["origin"] in handles
    if fmt == "jetstream":
        assert truth["origin"] == "nypdnews.bsky.social"
        assert all(i.startswith("did:plc:") for i in store.accounts().ids)
    else:
        assert truth["origin"] == "NYPDnews@mastodon.social"
        assert all(i.startswith("acct:") for i in store.accounts().ids)


def test_communities_match_the_planted_ones(case):
    _, store, found, truth = case
    assert_communities_match(store, found, truth)


def test_hijackers_and_takeover(case):
    _, store, found, truth = case
    assert_takeover_and_hijackers(store, found, truth)


def test_amplifier_precision_at_10(case):
    _, _, found, truth = case
    assert_amplifier_precision_at_10(found, truth)


def test_city_adoption_order_and_variants(case):
    _, _, found, truth = case
    assert_city_order(found, truth)
    assert_variants(found, truth)


def test_account_cities(case):
    _, store, _, truth = case
    assert_account_cities(store, truth)

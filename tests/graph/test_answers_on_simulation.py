"""The three answers against the simulator's ground truth (50k tweets, generated once)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

import numpy as np
import pytest
from scipy.stats import kendalltau
from tagjack.graph.analytics.lookup import handles_of, key_of_handle
from tagjack.graph.analytics.pipeline import Analysis, analyze
from tagjack.graph.analytics.projection import projection
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.v1 import read_v1
from tagjack.graph.model import EdgeKind, normalize_tag
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


def nmi(a: list, b: list) -> float:
    """Normalised mutual information, arithmetic mean of the entropies (sklearn's default)."""
    n = len(a)
    ca, cb, cab = Counter(a), Counter(b), Counter(zip(a, b, strict=True))
    mi = sum(c / n * np.log(c * n / (ca[x] * cb[y])) for (x, y), c in cab.items())
    ha = -sum(c / n * np.log(c / n) for c in ca.values())
    hb = -sum(c / n * np.log(c / n) for c in cb.values())
    return float(2 * mi / (ha + hb)) if ha + hb else 1.0


def neighbour_bound(store: SqliteStore, labels: dict[str, str]) -> float:
    """NMI of giving each account the true label most of its ties point to.

    No method that sees only the graph can place an account whose ties
    mostly lead into another community (the simulator's cross-community
    noise), so this is about the best any engine can score.
    """
    accounts = store.accounts()
    p = projection(store.edges(EdgeKind.RETWEET), store.edges(EdgeKind.MENTION), directed=False)
    names = handles_of(accounts, p.keys)
    label = [labels.get(h) for h in names]
    votes: dict[int, Counter] = defaultdict(Counter)
    for s, t, w in zip(p.source.tolist(), p.target.tolist(), p.weight.tolist(), strict=True):
        if label[t]:
            votes[s][label[t]] += w
        if label[s]:
            votes[t][label[s]] += w
    pairs = [(lab, votes[i].most_common(1)[0][0] if votes[i] else "none")
             for i, lab in enumerate(label) if lab]
    return nmi(*map(list, zip(*pairs, strict=True)))


def test_communities_match_the_planted_ones(case):
    store, found, truth = case
    labels = truth["communities"]
    names = handles_of(store.accounts(), found.partition.keys)
    pairs = [(labels[h], int(m)) for h, m in zip(names, found.partition.membership, strict=True)
             if h in labels]
    assert len(pairs) >= 0.95 * len(labels)
    score = nmi(*map(list, zip(*pairs, strict=True)))
    bound = neighbour_bound(store, labels)
    print(f"community NMI {score:.3f}; neighbour-majority bound {bound:.3f}")
    # 0.9 where the data allows it; the simulator's cross-community noise can put the
    # bound itself below 0.9, and then the engine must come within 0.01 of it
    assert score >= min(0.9, bound - 0.01)


def test_hijackers_and_takeover_match_truth(case):
    store, found, truth = case
    h = found.hijack
    hub = key_of_handle(store.accounts(), truth["amplifiers"][0])
    hub_community = int(found.partition.of(np.array([hub]))[0])
    assert hub_community in h.hijacker_communities
    assert h.origin == truth["origin"]
    planted = datetime.fromisoformat(truth["takeover_at"].replace("Z", "+00:00"))
    assert h.takeover_at is not None
    error = abs((h.takeover_at - planted).total_seconds())
    print(f"takeover {h.takeover_at:%H:%M}, truth {planted:%H:%M}, error {error:.0f} s")
    assert error <= h.window
    # the simulator's hijackers mock the origin (the dunk): they must keep their role
    names = handles_of(store.accounts(), found.partition.keys)
    community = dict(zip(names, found.partition.membership.tolist(), strict=True))
    planted_hijackers = [a for a, label in truth["communities"].items()
                         if label in truth["hijacker_labels"]]
    recall = sum(community.get(a) in h.hijacker_communities
                 for a in planted_hijackers) / len(planted_hijackers)
    print(f"hijacker role recall {recall:.3f}")
    assert recall >= 0.9


def test_amplifier_precision_at_10(case):
    _, found, truth = case
    top = [a.handle for a in found.amplifiers[:10]]
    precision = len(set(top) & set(truth["amplifiers"])) / 10
    print(f"amplifier precision@10 {precision:.2f}: {top}")
    assert precision >= 0.8
    assert top[0] == truth["amplifiers"][0]


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
    order = [c.city for c in found.spread.cities]
    planted = [c["city"] for c in truth["cities"]]
    common = [c for c in planted if c in order]
    assert len(common) == len(planted)
    tau = kendalltau([planted.index(c) for c in common], [order.index(c) for c in common]).statistic
    print(f"city order Kendall tau {tau:.3f}")
    assert tau >= 0.8


def test_variants_map_to_the_planted_cities(case):
    _, found, truth = case
    got = {v.hashtag: v.city for v in found.spread.variants}
    for tag, city in truth["variants"].items():
        assert got.get(normalize_tag(tag)) == city, tag


def test_account_cities(case):
    store, found, truth = case
    planted = truth["accounts_city"]
    results = store.results()
    names = {c.id: c.name for c in results.cities}
    got = {h: names[c] for h, c in zip(handles_of(store.accounts(), results.keys), results.city_id,
                                       strict=True) if c is not None}
    right = sum(got.get(h) == c for h, c in planted.items())
    wrong = sum(1 for h, c in got.items() if planted.get(h) != c)
    print(f"accounts_city accuracy {right / len(planted):.3f}, wrong {wrong / len(got):.3%}")
    assert right >= 0.9 * len(planted)
    assert wrong < 0.03 * len(got)


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

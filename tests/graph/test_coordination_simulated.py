"""The simulator's planted coordinated group (truth.json `coordinated`) is found, and little else.

The group is 12 ordinary hijack accounts that retweet the same hijack post within 30 s of each
other at 16 pushes: modest volume, so neither counting retweets nor the plain co-retweet
network singles it out. Precision and recall are of the planted accounts; the plain network's
precision (every account with an edge at the same window and minimum weight) is beside it.
"""

from __future__ import annotations

import pytest
from tagjack.graph.analytics.coordination import coordination
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.detect import read_file
from tagjack.graph.model import PostKind
from tagjack.graph.simulation.scenario import Scenario
from tagjack.graph.simulation.simulate import simulate
from tagjack.graph.store.sqlite import SqliteStore


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_planted_group_is_found(seed, tmp_path):
    truth = simulate(tmp_path / "case", tweets=20_000, seed=seed,
                     scenario=Scenario(coordinated_size=12))
    planted = set(truth["coordinated"])
    assert len(planted) == 12
    with SqliteStore(tmp_path / "case.db") as store:
        load_records(store, read_file(tmp_path / "case" / "tweets.jsonl"),
                     rejects=RejectsFile(tmp_path / "rejects.jsonl"))
        accounts = store.accounts()
        handle = dict(zip(accounts.keys.tolist(), accounts.handles, strict=True))
        found = coordination(store.actions(PostKind.RETWEET), window=60, min_weight=2)
    flagged = {handle[m] for g in found.groups for m in g.members}
    plain = {handle[k] for k in [*found.network.source.tolist(), *found.network.target.tolist()]}
    precision, recall = len(flagged & planted) / max(len(flagged), 1), len(flagged & planted) / 12
    plain_precision = len(plain & planted) / len(plain)
    report = (f"precision {precision:.2f}, recall {recall:.2f}, "
              f"plain co-retweet precision {plain_precision:.2f}")
    assert precision >= 0.9 and recall >= 0.9, report
    assert plain_precision < 0.5, report  # counting co-retweets alone flags many organic accounts
    group = found.groups[0]
    assert group.p_value < 1e-9 and group.pushed >= 12 and group.median_gap_s < 10


def test_without_a_planted_group_truth_lists_none(tmp_path):
    assert simulate(tmp_path, tweets=2_000, seed=1)["coordinated"] == []

"""The answers do not depend on how a load went: a store numbers accounts in the order they
were first committed, which two load workers vary from run to run (and a file in another
order changes outright), and the communities, roles and amplifiers must come out the same.
"""

from __future__ import annotations

import pytest
from tagjack.graph.analytics.lookup import handles_of
from tagjack.graph.analytics.pipeline import analysis_json, analyze
from tagjack.graph.ingest import loader
from tagjack.graph.ingest.batches import LoadStats, RejectsFile
from tagjack.graph.simulation.simulate import simulate
from tagjack.graph.store.sqlite import SqliteStore

TWEETS = 10_000
VOLATILE = ("run", "seconds", "timings")  # when it ran and how long it took


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("load_order")
    simulate(folder, tweets=TWEETS, fmt="v1", seed=2)
    lines = (folder / "tweets.jsonl").read_bytes().splitlines(keepends=True)
    (folder / "reversed.jsonl").write_bytes(b"".join(reversed(lines)))
    return folder


def answers(case, name: str, workers: int, tmp_path) -> tuple[dict, dict, list[str]]:
    """``analyze --json`` (without its times), each account's community by handle, and the
    handles in the order of their store keys."""
    with SqliteStore(tmp_path / f"{name}-{workers}.db") as store:
        stats = loader.load_path(store, case / name, fmt="v1", rejects=RejectsFile(tmp_path / "r"),
                                 batch_size=500, strict=False, stats=LoadStats(), workers=workers)
        assert stats.rejected == 0
        found = analyze(store, hashtag="#MyNYPD", seed=1)
        accounts = store.accounts()
    doc = {k: v for k, v in analysis_json(found).items() if k not in VOLATILE}
    members = dict(zip(handles_of(accounts, found.partition.keys),
                       found.partition.membership.tolist(), strict=True))
    return doc, members, handles_of(accounts, accounts.keys)


def test_two_workers_and_another_order_give_the_same_answers(case, tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "MIN_SLICE_BYTES", 1)  # split even this small file in two
    one, by_one, numbered = answers(case, "tweets.jsonl", 1, tmp_path)
    two, by_two, _ = answers(case, "tweets.jsonl", 2, tmp_path)
    backwards, by_backwards, renumbered = answers(case, "reversed.jsonl", 1, tmp_path)
    assert sorted(renumbered) == sorted(numbered) and renumbered != numbered
    assert one["communities"] > 2
    assert by_two == by_one
    assert by_backwards == by_one
    assert two == one and backwards == one

"""Simulated cases for the fault tests, made once per session.

``case28k`` is big enough (about 70 MB of v1 JSON Lines) for ``--workers 2`` to really
split the file: the loader gives each worker at least 32 MB.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from .support import Expected, expected_of_file

KILL_TWEETS = 28_000


@dataclass(frozen=True)
class Case:
    tweets: Path
    truth: dict
    expected: Expected


def simulated(folder: Path, tweets: int, seed: int) -> Case:
    from tagjack.graph.simulate import simulate

    simulate(folder, tweets=tweets, fmt="v1", seed=seed)
    path = folder / "tweets.jsonl"
    return Case(path, json.loads((folder / "truth.json").read_text(encoding="utf-8")),
                expected_of_file(path))


@pytest.fixture(scope="session")
def case28k(tmp_path_factory: pytest.TempPathFactory) -> Case:
    """28,000 simulated tweets (seed 10), about 70 MB."""
    return simulated(tmp_path_factory.mktemp("case28k"), KILL_TWEETS, seed=10)

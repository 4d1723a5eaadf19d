"""Fixtures shared across test packages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from tagjack.graph.simulation.simulate import simulate

HIJACK_TWEETS = 50_000


@dataclass(frozen=True)
class SimulatedCase:
    """A simulated #MyNYPD hijack on disk: ``tweets`` (v1 JSONL) and its ``truth``."""

    folder: Path
    tweets: Path
    truth: dict


@pytest.fixture(scope="session")
def hijack_case(tmp_path_factory: pytest.TempPathFactory) -> SimulatedCase:
    """50,000 simulated tweets (seed 1), generated once per test session."""
    folder = tmp_path_factory.mktemp("hijack50k")
    simulate(folder, tweets=HIJACK_TWEETS, fmt="v1", seed=1)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return SimulatedCase(folder, folder / "tweets.jsonl", truth)

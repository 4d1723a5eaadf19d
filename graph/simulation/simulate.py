"""A #MyNYPD-like hashtag hijack, simulated with exact ground truth.

``simulate()`` plays a ``Scenario`` minute by minute and streams the tweets
to ``out/tweets.jsonl`` (API v1.1 lines, or twarc2 v2 response pages) or
``out/tweets.csv`` (twarc-csv's default columns), then writes
``out/truth.json`` (DESIGN.md, "Simulator ground truth").

How the truth stays exact:

- Communities are planted: every labelled account retweets, quotes and
  mentions inside its community, except ``cross_share`` of the time.
- The takeover time, each city's first post and which accounts have a
  recoverable city are not planned but counted from the tweets as they are
  written, with tagjack's own definitions.
- Generation draws the same random numbers whatever the format, so one seed
  gives one truth in v1, v2 and CSV, and the same bytes on every run.

Tweets are written in time order; about 0.5% are delivered again a little
later (same id and text; counts as of the second delivery). Only bounded
pools of recent tweets are kept, so memory grows with the accounts (about
one per eight tweets), not with the tweets.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tagjack.graph.errors import InputError
from tagjack.graph.simulation.players import Player
from tagjack.graph.simulation.scenario import Scenario
from tagjack.graph.simulation.world import World
from tagjack.graph.simulation.writers.base import Writer
from tagjack.graph.simulation.writers.csv import CsvWriter
from tagjack.graph.simulation.writers.jetstream import JetstreamWriter
from tagjack.graph.simulation.writers.mastodon import MastodonWriter
from tagjack.graph.simulation.writers.v1 import V1Writer
from tagjack.graph.simulation.writers.v2 import V2Writer

__all__ = ["FORMATS", "Scenario", "simulate"]

WRITERS: dict[str, type[Writer]] = {"v1": V1Writer, "v2": V2Writer, "csv": CsvWriter,
                                    "jetstream": JetstreamWriter, "mastodon": MastodonWriter}
FORMATS = tuple(WRITERS)
MIN_TWEETS = 100


def simulate(out: Path, *, tweets: int, fmt: str = "v1", seed: int = 1,
             scenario: Scenario | None = None,
             progress: Callable[[int], None] | None = None) -> dict:
    """Write a simulated hijack to ``out`` and return its ground truth.

    Parameters
    ----------
    out
        Directory (created if missing) for ``tweets.jsonl`` (v1, v2) or
        ``tweets.csv`` (csv), and ``truth.json``.
    tweets
        Tweets written, duplicate deliveries included.
    fmt
        ``v1`` (API v1.1 JSON Lines), ``v2`` (twarc2 JSON Lines: one response
        page of up to 100 tweets a line), ``csv`` (twarc-csv columns), ``jetstream``
        (Bluesky Jetstream events) or ``mastodon`` (Mastodon statuses); the truth
        names accounts by the handles of that format's platform.
    progress
        Called with the number of tweets written so far, every 10,000 and at the end.

    Returns
    -------
    dict
        The truth, as written to ``truth.json``.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    if tweets < MIN_TWEETS:
        raise InputError(f"too few tweets to play the scenario: {tweets}",
                         hint=f"ask for at least {MIN_TWEETS}")
    plan = scenario or Scenario()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    world = World(plan, tweets, seed)
    path = out / ("tweets.csv" if fmt == "csv" else "tweets.jsonl")
    with (path.open("w", encoding="utf-8", newline="") if fmt == "csv" else path.open("wb")) as fh:
        writer = WRITERS[fmt](fh, world)
        Player(world, writer, seed=seed, progress=progress).play()
        writer.close()
    truth = platform_truth(world.truth.as_dict(), writer.platform_handle)
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n",
                                    encoding="utf-8")
    return truth


def platform_truth(truth: dict, handle: Callable[[str], str]) -> dict:
    """The truth with every account named as the platform writes its handle."""
    return {**truth, "origin": handle(truth["origin"]),
            "communities": {handle(h): label for h, label in truth["communities"].items()},
            "amplifiers": [handle(h) for h in truth["amplifiers"]],
            "accounts_city": {handle(h): city for h, city in truth["accounts_city"].items()}}

"""The v1.1 fast path (msgspec structs) gives exactly what the tolerant dict reader gives.

Every line is read twice: as a load reads it (fast path first, the tolerant
reader for what it leaves) and by the tolerant reader alone. Real collections,
the golden files, a simulated hijack and mangled tweets must all agree, and the
fast path must really take the usual tweets (or it would only be slow code).
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tagjack.graph.ingest.readers import v1_typed
from tagjack.graph.ingest.readers.common import Originals, loads, open_binary
from tagjack.graph.ingest.readers.v1 import parse_v1_stream, tweet_records
from tagjack.graph.ingest.readers.v1_typed import TypedDecoder, TypedRecords
from tagjack.graph.simulation.simulate import simulate

from .helpers import DATA, GOLDEN, agreeing_share
from .test_fuzz import FUZZ, V1_SEEDS, as_line, mangled

REAL = [DATA / "v1-sample500" / "sample-tweets-500.jsonl.gz",
        DATA / "v1-python-twitter" / "streaming_lines.jsonl.gz"]


def both_ways(line: bytes) -> tuple[object, object]:
    """(fast path's records or None when it declined, the tolerant reader's records)."""
    decoded = TypedDecoder(Originals()).decode(line)
    fast = list(decoded) if decoded.__class__ is TypedRecords else None
    return fast, tweet_records(loads(line))


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.parent.name)
def test_real_tweets_read_the_same_and_mostly_fast(path: Path):
    with open_binary(path) as fh:
        lines = [line for line in fh if b'"user"' in line]
    assert len(lines) > 50
    assert agreeing_share(lines, both_ways) >= 0.95


def test_golden_tweets_read_the_same():
    lines = [line for name in ["retweet.jsonl", "quote.jsonl", "reply.jsonl",
                               "mentions_hashtags.jsonl", "truncated_rt.jsonl"]
             for line in (GOLDEN / "v1" / name).read_bytes().splitlines() if line.strip()]
    assert agreeing_share(lines, both_ways) == 1.0


def test_simulated_stream_reads_the_same(tmp_path: Path, monkeypatch):
    simulate(tmp_path, tweets=3_000, fmt="v1", seed=5)
    data = (tmp_path / "tweets.jsonl").read_bytes()
    fast = list(parse_v1_stream(io.BytesIO(data), source="t.jsonl"))
    monkeypatch.setattr(v1_typed.TypedDecoder, "decode", lambda self, line: loads(line))
    tolerant = list(parse_v1_stream(io.BytesIO(data), source="t.jsonl"))
    assert fast == tolerant
    assert sum(1 for r in fast if type(r).__name__ == "Post") >= 3_000


def test_a_broken_original_is_left_to_the_tolerant_reader():
    """An embedded original the fast path cannot take sends the whole line back, and the
    original it read first is not remembered (or the tolerant reader would skip it)."""
    seed = next(t for t in V1_SEEDS if "retweeted_status" in t)
    tweet = copy.deepcopy(seed)
    tweet["retweeted_status"]["user"]["followers_count"] = "12"  # a string: not the usual shape
    seen = Originals()
    assert TypedDecoder(seen).decode(orjson.dumps(tweet)).__class__ is dict
    assert not seen


@FUZZ
@given(data=st.data())
def test_mangled_tweets_read_the_same(data):
    line = as_line(data, mangled(data, copy.deepcopy(data.draw(st.sampled_from(V1_SEEDS)))))
    try:
        value = loads(line)
    except ValueError:
        value = None
    decoded = TypedDecoder(Originals()).decode(line) if value is not None else None
    if decoded.__class__ is TypedRecords:
        assert list(decoded) == tweet_records(value)

"""The API v2 fast path (msgspec structs) gives exactly what the tolerant dict reader gives.

Every page is read twice: by the fast path and by the tolerant reader alone.
Real twarc2 collections, academictwitteR's pages, the golden files, a simulated
hijack and mangled pages must all agree; odd shapes must go to the tolerant
reader and still load; and the fast path must really take the usual pages (or
it would only be slow code).
"""

from __future__ import annotations

import copy
import gzip
import io
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tagjack.graph.ingest.readers import v2, v2_typed
from tagjack.graph.ingest.readers.common import loads, open_binary
from tagjack.graph.ingest.readers.v2 import Seen, parse_v2, parse_v2_stream
from tagjack.graph.ingest.readers.v2_typed import TypedDecoder, TypedRecords
from tagjack.graph.model import Account, Post, Reject
from tagjack.graph.simulation.simulate import simulate

from .helpers import DATA, GOLDEN, agreeing_share
from .test_fuzz import FUZZ, V2_SEEDS, as_line, mangled

TWARC2 = [DATA / "twarc2-blm" / "tweets.jsonl.gz", DATA / "twarc2-csv" / "brexit.jsonl.gz",
          DATA / "twarc2-csv" / "kpop.jsonl.gz", DATA / "twarc2-csv" / "geo_tweets.jsonl"]
HK2 = sorted((DATA / "v2-hk2").glob("data_*.json.gz"))
GOLDEN_PAGES = ["retweet.jsonl", "quote_reply.jsonl", "mentions_hashtags.jsonl", "place_coordinates.json"]


def both_ways(line: bytes) -> tuple[list | None, list]:
    """(fast path's records or None when it declined, the tolerant reader's records)."""
    decoded = TypedDecoder(Seen()).decode(line)
    fast = list(decoded) if decoded.__class__ is TypedRecords else None
    return fast, list(parse_v2([line], source="t.jsonl"))


def lines_of(path: Path) -> list[bytes]:
    with open_binary(path) as fh:
        return [line for line in fh if line.strip()]


def tolerant_only(monkeypatch) -> None:
    monkeypatch.setattr(v2_typed.TypedDecoder, "decode", lambda self, line: loads(line))


@pytest.mark.parametrize("path", TWARC2, ids=lambda p: p.name.split(".")[0])
def test_real_twarc2_pages_read_the_same_and_fast(path: Path):
    assert agreeing_share(lines_of(path), both_ways) == 1.0


@pytest.mark.parametrize("path", HK2[:3], ids=lambda p: p.name[5:12])
def test_academictwitter_pages_read_the_same_and_fast(path: Path):
    """A data_ file and its users_ file are one search page cut in two (R's ``{}`` and all)."""
    users = path.with_name(path.name.replace("data_", "users_"))
    page = b'{"data":%b,"includes":%b}' % (gzip.decompress(path.read_bytes()).strip(),
                                         gzip.decompress(users.read_bytes()).strip())
    assert agreeing_share([page], both_ways) == 1.0


def test_golden_pages_read_the_same():
    lines = [orjson.dumps(value) for name in GOLDEN_PAGES
             for value in map(loads, _values_of(GOLDEN / "v2" / name))]
    assert agreeing_share(lines, both_ways) == 1.0


def _values_of(path: Path) -> list[bytes]:
    text = path.read_bytes()
    return [text] if path.suffix == ".json" else [line for line in text.splitlines() if line.strip()]


def test_real_stream_reads_the_same(monkeypatch):
    """Pages that repeat users and referenced tweets: what earlier pages gave is skipped alike."""
    data = b"".join(lines_of(TWARC2[0]))
    fast = list(parse_v2_stream(io.BytesIO(data), source="t.jsonl"))
    tolerant_only(monkeypatch)
    assert fast == list(parse_v2_stream(io.BytesIO(data), source="t.jsonl"))


@pytest.fixture(scope="module")
def simulated(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("v2")
    simulate(out, tweets=2_000, fmt="v2", seed=5)
    return (out / "tweets.jsonl").read_bytes()


def test_simulated_stream_reads_the_same(simulated: bytes, monkeypatch):
    data = simulated
    decoded = [TypedDecoder(Seen()).decode(line).__class__ for line in data.splitlines()]
    assert decoded == [TypedRecords] * len(decoded)
    fast = list(parse_v2_stream(io.BytesIO(data), source="t.jsonl"))
    tolerant_only(monkeypatch)
    assert fast == list(parse_v2_stream(io.BytesIO(data), source="t.jsonl"))
    assert sum(1 for r in fast if r.__class__ is Post) >= 1_900


def test_a_long_stream_forgets_between_pages_alike(simulated: bytes, monkeypatch):
    monkeypatch.setattr(v2, "Seen", lambda: Seen(limit=50))  # every page or two, all is forgotten
    data = simulated
    fast = list(parse_v2_stream(io.BytesIO(data), source="t.jsonl"))
    tolerant_only(monkeypatch)
    assert fast == list(parse_v2_stream(io.BytesIO(data), source="t.jsonl"))


def _page() -> dict:
    return copy.deepcopy(loads(lines_of(GOLDEN / "v2" / "retweet.jsonl")[0]))


def odd_pages() -> dict[str, bytes]:
    """Shapes the fast path leaves to the tolerant reader."""
    no_id, int_id, flat_ref, bad_time = _page(), _page(), _page(), _page()
    no_id["data"][0].pop("id")
    int_id["data"][0]["author_id"] = 1000000001
    flat_ref["data"][0]["referenced_tweets"][0].update(id="1", author_id="5")
    bad_time["includes"]["tweets"][0]["created_at"] = "yesterday"
    return {
        "flattened": lines_of(GOLDEN / "v2" / "flattened.jsonl")[0],
        "bare tweet": lines_of(GOLDEN / "v2" / "truncated_rt.jsonl")[0],
        "id-less tweet": orjson.dumps(no_id),
        "integer id": orjson.dumps(int_id),
        "flattened reference": orjson.dumps(flat_ref),
        "broken included tweet": orjson.dumps(bad_time),
        "lone surrogate": orjson.dumps(_page()).replace(b"RT @", b"\\ud83dRT @", 1),
        "not UTF-8": orjson.dumps(_page()).replace(b"RT @", b"\xff RT @", 1),
        "notice": b'{"errors":[{"title":"Not Found Error"}]}',
    }


@pytest.mark.parametrize("name", odd_pages())
def test_odd_shapes_go_to_the_tolerant_reader_and_still_load(name: str, monkeypatch):
    line = odd_pages()[name]
    try:
        assert TypedDecoder(Seen()).decode(line).__class__ is not TypedRecords
    except orjson.JSONDecodeError:
        assert name == "not UTF-8"  # orjson's verdict, as for any line the tolerant reader reads
    got = list(parse_v2_stream(io.BytesIO(line + b"\n"), source="odd.jsonl"))
    tolerant_only(monkeypatch)
    assert got == list(parse_v2_stream(io.BytesIO(line + b"\n"), source="odd.jsonl"))
    rejects = [(r.source, r.line, r.reason) for r in got if isinstance(r, Reject)]
    if name == "id-less tweet":  # the same reject: file, line, reason
        assert rejects == [("odd.jsonl", 1, "missing field 'id'")]
    elif name == "not UTF-8":
        assert rejects and rejects[0][:2] == ("odd.jsonl", 1)
    elif name in ("flattened", "bare tweet", "broken included tweet", "lone surrogate"):
        assert any(isinstance(r, Post) for r in got)


def test_a_declined_page_leaves_what_was_seen_alone():
    """The tolerant reader reads a declined page from the state the fast path found."""
    seen = Seen()
    seen.page()
    broken = _page()
    broken["data"].append({"id": "9", "text": "no author"})
    assert TypedDecoder(seen).decode(orjson.dumps(broken)).__class__ is dict
    assert not seen.users and not seen.tweets


def test_usual_page_is_read_once_and_remembered():
    seen = Seen()
    line = orjson.dumps(_page())
    first = TypedDecoder(seen).decode(line)
    again = TypedDecoder(seen).decode(line)
    assert any(isinstance(r, Account) for r in first)
    assert not any(isinstance(r, Account) for r in again)  # users seen on the page before
    assert [r for r in again if isinstance(r, Post)] == [r for r in first if isinstance(r, Post)
                                                         and r.id not in seen.tweets]


@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_mangled_pages_read_the_same(data):
    line = as_line(data, mangled(data, copy.deepcopy(data.draw(st.sampled_from(V2_SEEDS)))))
    try:
        loads(line)
    except ValueError:
        return
    decoded = TypedDecoder(Seen()).decode(line)
    if decoded.__class__ is TypedRecords:
        assert list(decoded) == list(parse_v2([line], source="t.jsonl"))

"""Mangled input: every tweet, page or row is read or rejected with a reason, never a crash.

Hypothesis starts from the golden tweets and breaks them: keys dropped, values
replaced by junk of the wrong type, huge strings, NaN/Infinity, nesting deeper
than any parser allows, JSON that is no object, bytes that are not UTF-8,
lines cut short. What the readers yield must also go into the SQLite store.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
from pathlib import Path

import orjson
from fuzzing import mutated
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.csv import parse_csv
from tagjack.graph.ingest.readers.detect import detect
from tagjack.graph.ingest.readers.edgelist import parse_edgelist
from tagjack.graph.ingest.readers.v1 import parse_v1, parse_v1_stream
from tagjack.graph.ingest.readers.v2 import includes_of, parse_v2, parse_v2_stream
from tagjack.graph.model import Account, AccountEdge, Deletion, Post, Reject

from .helpers import GOLDEN

FUZZ = settings(max_examples=700, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DEEP = "\x00deep\x00"  # replaced by nesting deeper than orjson reads, after serialising
KEYS = ["id", "id_str", "user", "author_id", "created_at", "text", "entities", "hashtags", "mentions",
        "user_mentions", "tag", "username", "screen_name", "referenced_tweets", "type", "retweeted_status",
        "quoted_status", "place", "geo", "place_id", "coordinates", "includes", "data", "users", "tweets",
        "places", "public_metrics", "followers_count", "statuses", "bounding_box", "bbox"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(["", "0", "-1", "1e999", "NaN", "retweeted", "quoted", "replied_to", "RT @a_b: x",
                     "Tue Apr 22 18:00:00 +0000 2014", "2021-06-26T19:56:26.000Z", "9999-12-31T23:59:59Z",
                     "0001-01-01T00:00:00+05:00", "\ud800", "x" * 100_000, "@", "#", "²", DEEP]),
)
JUNK = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(KEYS) | st.text(max_size=4), children, max_size=3),
    max_leaves=8,
)


def seeds(path: Path) -> list:
    text = path.read_bytes()
    try:
        return [orjson.loads(text)]
    except orjson.JSONDecodeError:
        return [orjson.loads(line) for line in text.splitlines() if line.strip()]


V1_SEEDS = [t for name in ["retweet.jsonl", "quote.jsonl", "reply.jsonl", "mentions_hashtags.jsonl",
                           "place_coordinates.json"] for t in seeds(GOLDEN / "v1" / name)]
V2_SEEDS = [p for name in ["retweet.jsonl", "quote_reply.jsonl", "mentions_hashtags.jsonl",
                           "place_coordinates.json", "flattened.jsonl",
                           "academic/data_1407125775103365135.json",
                           "academic/users_1407125775103365135.json"] for p in seeds(GOLDEN / "v2" / name)]
CSV_FILES = [GOLDEN / "csv" / "twarc_csv.csv", GOLDEN / "csv" / "early.csv"]


def mangled(data, value):
    """1 to 4 changes inside ``value``, or (now and then) something that is no object at all."""
    if data.draw(st.integers(0, 9)) == 0:
        return data.draw(JUNK)
    for _ in range(data.draw(st.integers(1, 4))):
        value = mutated(data, value, JUNK)
    return value




def as_line(data, value) -> bytes:
    """Serialise like a careless writer would: NaN, lone surrogates, then maybe corrupt bytes."""
    line = json.dumps(value, ensure_ascii=data.draw(st.booleans())).encode("utf-8", "surrogatepass")
    depth = data.draw(st.sampled_from([50, 1100]))
    line = line.replace(json.dumps(DEEP).encode(), b"[" * depth + b"{}" + b"]" * depth)
    corruption = data.draw(st.sampled_from(["none"] * 8 + ["bytes", "cut"]))
    at = data.draw(st.integers(0, len(line)))
    if corruption == "bytes":
        line = line[:at] + data.draw(st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\xed\xa0\x80", b"\n"])) \
            + line[at:]
    elif corruption == "cut":
        line = line[:at]
    return line


def checked(records) -> list:
    """Records as a store takes them; a Reject always says where and why."""
    records = list(records)
    for record in records:
        assert isinstance(record, Account | Post | AccountEdge | Deletion | Reject), record
        if isinstance(record, Reject):
            assert record.reason and record.line >= 0 and record.source
        elif isinstance(record, Post):
            assert isinstance(record.id, str) and record.id and isinstance(record.author_id, str)
            assert record.created_at.tzinfo is not None
            assert all(isinstance(t, str) and t for t in record.hashtags)
            if record.coordinates:
                assert all(math.isfinite(c) for c in record.coordinates)
        elif isinstance(record, Account):
            assert isinstance(record.id, str) and record.id
    event("posts read" if any(isinstance(r, Post) for r in records) else "no posts")
    event("rejected" if any(isinstance(r, Reject) for r in records) else "no rejects")
    return records


def stored(records: list, tmp: Path) -> None:
    from tagjack.graph.store.sqlite import SqliteStore

    with SqliteStore.in_memory() as store:
        sink = RejectsFile(tmp / "rejects.jsonl")
        load_records(store, records, rejects=sink)
        sink.close()


@FUZZ
@given(data=st.data())
def test_v1_mangled_tweets(data, tmp_path_factory):
    tweet = mangled(data, copy.deepcopy(data.draw(st.sampled_from(V1_SEEDS))))
    line = as_line(data, tweet)
    records = checked(parse_v1([line], source="fuzz.jsonl"))
    streamed = checked(parse_v1_stream(io.BytesIO(line), source="fuzz.jsonl"))
    assert [type(r) for r in streamed] == [type(r) for r in records]
    detect(line[:65536])
    stored(records, tmp_path_factory.getbasetemp())


@FUZZ
@given(data=st.data())
def test_v2_mangled_pages(data, tmp_path_factory):
    page = mangled(data, copy.deepcopy(data.draw(st.sampled_from(V2_SEEDS))))
    line = as_line(data, page)
    includes = includes_of(mutated(data, copy.deepcopy(V2_SEEDS[-1]), JUNK))
    records = checked(parse_v2([line], source="fuzz.jsonl", includes=includes))
    checked(parse_v2_stream(io.BytesIO(line), source="fuzz.jsonl"))
    detect(line[:65536])
    stored(records, tmp_path_factory.getbasetemp())


CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", '"', '""', "\n", "\r\n", ",", "\t", '["#a", 5, null]', '[{"username": 1}]',
                     '{"a": [', "NaN", "1e999", "-5", "3.7", "x" * 200_000, "\udcff\udcfe", "[200, 95]",
                     "[null, 1]", "RT @someone: hi", "2021-13-45T99:00:00Z", "²"]),
    JUNK.map(lambda v: json.dumps(v)),
)


@FUZZ
@given(data=st.data())
def test_csv_mangled_rows(data, tmp_path_factory):
    path = data.draw(st.sampled_from(CSV_FILES))
    header, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows = copy.deepcopy(rows)
    for _ in range(data.draw(st.integers(1, 6))):
        row = data.draw(st.sampled_from(rows))
        action = data.draw(st.sampled_from(["cell", "cell", "cell", "drop", "add"]))
        if action == "cell":
            row[data.draw(st.integers(0, len(row) - 1))] = data.draw(CELLS)
        elif action == "drop" and row:
            row.pop()
        else:
            row.append(data.draw(CELLS))
    if data.draw(st.booleans()):
        header = header.copy()
        renamed = data.draw(st.sampled_from(["id", "author_id", "x"]))
        header[data.draw(st.integers(0, len(header) - 1))] = renamed
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=data.draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_NONE])),
                        escapechar="\\")
    writer.writerow(header)
    writer.writerows(rows)
    raw = out.getvalue().encode("utf-8", "surrogateescape")
    if data.draw(st.integers(0, 4)) == 0:
        at = data.draw(st.integers(0, len(raw)))
        raw = raw[:at] + data.draw(st.sampled_from([b'"', b"\xff", b"\x00", b"\r", b""])) + raw[at:]
    lines = raw.splitlines(keepends=True)
    records = checked(parse_csv(lines, source="fuzz.csv"))
    detect(raw[:65536])
    stored(records, tmp_path_factory.getbasetemp())


@settings(FUZZ, max_examples=300)
@given(st.lists(st.lists(CELLS, max_size=6), max_size=6), st.sampled_from([",", "\t", ";"]))
def test_edgelist_mangled_rows(rows, delimiter):
    text = "".join(delimiter.join(row) + "\n" for row in rows)  # raw: stray quotes and all
    raw = text.encode("utf-8", "surrogateescape")
    checked(parse_edgelist(raw.splitlines(keepends=True), source="fuzz.csv"))
    detect(raw[:65536])

"""Fuzzed files through the whole read path: detection, ``read_file`` (.gz too), the store.

tests/graph/readers/test_fuzz.py breaks single tweets, pages and rows. Here hypothesis
writes whole files, good lines mixed with broken ones (mangled tweets, cut lines,
bytes that are not UTF-8, JSON that is no tweet, lone surrogates, NULs, blank
lines, CRLF), reads them the way ``tagjack load`` does and loads them into SQLite.

The oracle is each line (or CSV row) read alone: in the file it must give the same
outcome, so a bad line never takes a good one down and nothing is lost silently:

- exactly the lines that are rejected alone are rejected, with that line number and
  a reason;
- the store holds exactly the posts (edges, for edge lists) the lines give alone;
- every good line is loaded.

``make fuzz`` sets ``TAGJACK_FUZZ_SCALE`` (default 1) to run that many times more
cases, with a fresh random seed each run instead of the fixed one.
"""

from __future__ import annotations

import copy
import csv
import gzip
import io
import json
import os
import re
from collections import Counter
from pathlib import Path

import orjson
import pytest
from fuzzing import mutated
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tagjack.graph.errors import InputError
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.common import LOOKAHEAD_LINES, MAX_COUNT, loads
from tagjack.graph.ingest.readers.csv import parse_csv
from tagjack.graph.ingest.readers.detect import detect, detect_file, read_file
from tagjack.graph.ingest.readers.edgelist import parse_edgelist
from tagjack.graph.ingest.readers.v1 import parse_v1
from tagjack.graph.ingest.readers.v2 import parse_v2
from tagjack.graph.model import AccountEdge, Post, Reject
from tagjack.graph.store.sqlite import SqliteStore

SCALE = max(1, int(os.environ.get("TAGJACK_FUZZ_SCALE", "1")))


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples * SCALE, deadline=None, database=None,
                    derandomize=SCALE == 1, print_blob=True,
                    suppress_health_check=list(HealthCheck))


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.integers(10_000, 100_000).map(lambda n: "x" * n),  # a huge string
    st.sampled_from(["", "0", "-1", "1e999", "NaN", "retweeted", "quoted", "\ud800", "\u0000",
                     "\u202e\u200f", "Tue Apr 22 18:00:00 +0000 2014",
                     "2021-06-26T19:56:26.000Z", "9999-12-31T23:59:59Z", "RT @u1: x", "#", "@"]),
)
JUNK = st.recursive(SCALARS, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(
    st.sampled_from(["id", "id_str", "user", "text", "data", "includes", "users", "entities",
                     "statuses", "limit", "delete", "author_id", "created_at"]) | st.text(max_size=3),
    kids, max_size=3), max_leaves=6)




# -- JSON Lines: v1 and v2 -------------------------------------------------------------------


def v1_tweet(k: int) -> dict:
    tweet = {"id_str": str(7_000_000 + k), "created_at": f"Tue Apr 22 18:{k % 60:02d}:00 +0000 2014",
             "text": f"#MyNYPD photo {k} @cop{k % 3}", "lang": "en",
             "entities": {"hashtags": [{"text": "MyNYPD"}],
                          "user_mentions": [{"id_str": str(500 + k % 3), "screen_name": f"cop{k % 3}"}]},
             "user": {"id_str": str(100 + k % 5), "screen_name": f"u{k % 5}", "name": f"U {k % 5}",
                      "followers_count": k, "location": "New York"}}
    if k % 3 == 0:
        original = {**copy.deepcopy(tweet), "id_str": str(6_000_000 + k),
                    "user": {"id_str": "99", "screen_name": "NYPDnews"}}
        tweet.update(retweeted_status=original, text="RT @NYPDnews: " + tweet["text"])
    return tweet


def v2_page(k: int) -> dict:
    return {"data": [{"id": str(7_000_000 + k), "author_id": str(100 + k % 5),
                      "created_at": f"2014-04-22T18:{k % 60:02d}:00.000Z", "text": f"#MyNYPD {k}",
                      "entities": {"hashtags": [{"tag": "MyNYPD"}],
                                   "mentions": [{"username": f"cop{k % 3}", "id": str(500 + k % 3)}]},
                      "referenced_tweets": [{"type": "quoted", "id": str(6_000_000 + k)}]}],
            "includes": {"users": [{"id": str(100 + k % 5), "username": f"u{k % 5}",
                                    "public_metrics": {"followers_count": k}}],
                         "tweets": [{"id": str(6_000_000 + k), "author_id": "99",
                                     "created_at": "2014-04-22T17:00:00.000Z", "text": "photo"}]}}


GOOD = {"v1": v1_tweet, "v2": v2_page}
ALONE = {"v1": parse_v1, "v2": parse_v2}
KINDS = ["good"] * 4 + ["mangled"] * 4 + ["cut", "bytes", "junk json", "blank", "surrogate", "nul",
                                            "notice"]


def json_line(data, fmt: str, k: int) -> tuple[bytes, bool]:
    """One line (no newline) and whether it is good (must be loaded)."""
    kind = data.draw(st.sampled_from(KINDS))
    event(f"{fmt} line: {kind}")
    good = orjson.dumps(GOOD[fmt](k))
    if kind == "good":
        return good, True
    if kind == "surrogate":  # a tweet cut mid-emoji by its collector: a lone surrogate escape
        return good.replace(b"#MyNYPD", b"#MyNYPD \\ud83d", 1), True
    if kind == "nul":
        return good.replace(b"#MyNYPD", b"#MyNYPD\\u0000", 1), True
    if kind == "mangled":
        value = GOOD[fmt](k)
        for _ in range(data.draw(st.integers(1, 3))):
            value = mutated(data, value, JUNK, max_depth=6)
        return json.dumps(value, ensure_ascii=data.draw(st.booleans())).encode("utf-8",
                                                                              "surrogatepass"), False
    if kind == "cut":
        return good[:data.draw(st.integers(1, len(good) - 1))], False
    if kind == "bytes":
        return data.draw(st.binary(max_size=120)).replace(b"\n", b" ").replace(b"\r", b" "), False
    if kind == "junk json":
        return json.dumps(data.draw(JUNK)).encode("utf-8", "surrogatepass"), False
    if kind == "notice":
        return data.draw(st.sampled_from([b'{"limit": {"track": 5}}', b'{"delete": {"status": {}}}',
                                          b"[]", b'{"statuses": []}', b"null"])), False
    return data.draw(st.sampled_from([b"", b"   ", b"\t"])), False


def file_bytes(data, lines: list[bytes]) -> bytes:
    newline = data.draw(st.sampled_from([b"\n", b"\r\n"]))
    return newline.join(lines) + (newline if data.draw(st.booleans()) else b"")


def written(data, tmp: Path, name: str, content: bytes) -> tuple[Path, bool]:
    """The file on disk, gzipped now and then; True if it reads as a broken .gz."""
    how = data.draw(st.sampled_from(["plain"] * 6 + ["gz", "gz cut"]))
    path = tmp / name
    if how == "plain":
        path.write_bytes(content)
        return path, content.startswith(b"\x1f\x8b")  # gzip's magic: read as a broken .gz
    packed = gzip.compress(content)
    cut = how == "gz cut" and len(packed) > 30
    path.write_bytes(packed[:len(packed) - 10] if cut else packed)
    return path, cut


def alone(parse, line: bytes, number: int, source: str) -> tuple[set[str], set[int]]:
    """Post ids and rejected line numbers of one line read alone."""
    records = list(parse([line], source=source))
    return ({r.id for r in records if isinstance(r, Post)},
            {number for r in records if isinstance(r, Reject)})


def loaded(records: list, tmp: Path) -> tuple[set[str], Counter]:
    """Load into a fresh store: the stored post ids, and the given edges with weights."""
    with SqliteStore.in_memory() as store:
        sink = RejectsFile(tmp / "fuzz.rejects.jsonl")
        stats = load_records(store, records, rejects=sink, batch_size=7)
        sink.close()
        assert stats.rejected == sum(isinstance(r, Reject) for r in records)
        posts = {r[0] for r in store.db.execute("SELECT id FROM posts")}
        edges = Counter({(k, s, t): c for k, s, t, c in store.db.execute(
            "SELECT g.kind, a.id, b.id, g.count FROM given_edges g "
            "JOIN accounts a ON a.key = g.source JOIN accounts b ON b.key = g.target")})
    (tmp / "fuzz.rejects.jsonl").unlink(missing_ok=True)
    return posts, edges


def read_back(path: Path, fmt: str, tmp: Path, *, detected: bool) -> list:
    """``read_file`` as ``tagjack load`` calls it; every Reject well formed."""
    if detected:
        assert detect_file(path) == fmt
    records = list(read_file(path, fmt=None if detected else fmt))
    for r in records:
        assert isinstance(r, Post | Reject) or type(r).__name__ in ("Account", "AccountEdge", "Deletion"), r
        if isinstance(r, Reject):
            assert r.source == path.name and r.reason and r.line >= 0, r
    return records


def one_document(lines: list[bytes]) -> bool:
    """The readers' rule: a first line that opens JSON but is not whole, with no line of
    JSON (an object or an array) among the next few, starts one document spread over lines."""
    first = lines[0]
    if first.lstrip()[:1] not in (b"[", b"{") or _json(first) is not None:
        return False
    return not any(isinstance(_json(line), dict | list) for line in lines[1:1 + LOOKAHEAD_LINES])


def _json(line: bytes):
    try:
        return loads(line)
    except orjson.JSONDecodeError:
        return None


def check_json_lines(data, fmt: str, tmp: Path) -> None:
    count = data.draw(st.integers(1, 10))
    drawn = [json_line(data, fmt, k) for k in range(count)]
    lines = [line for line, _ in drawn]
    content = file_bytes(data, lines)
    path, cut = written(data, tmp, f"fuzz-{fmt}.jsonl", content)
    detected = drawn[0][1] and not cut and data.draw(st.booleans())  # needs a good first line
    records = read_back(path, fmt, tmp, detected=detected)
    rejected = {r.line for r in records if isinstance(r, Reject)}
    stored, _ = loaded(records, tmp)
    if cut:  # only what came before the cut can be there: no crash, one reject says why
        assert any(isinstance(r, Reject) and "ends badly" in r.reason for r in records)
        return
    expected_posts: set[str] = set()
    expected_rejects: set[int] = set()
    if one_document(lines):
        event("read as one document")
        expected_posts, expected_rejects = alone(ALONE[fmt], content, 1, path.name)
    else:
        for number, line in enumerate(lines, start=1):
            posts, rejects = alone(ALONE[fmt], line, number, path.name)
            expected_posts |= posts
            expected_rejects |= rejects
    assert rejected == expected_rejects
    assert stored == expected_posts
    for number, (line, good) in enumerate(drawn, start=1):
        if good:
            assert str(7_000_000 + number - 1) in stored, (number, line[:200])


@fuzz(800)
@given(data=st.data())
def test_v1_files_load_or_reject_every_line(data, tmp_path_factory):
    check_json_lines(data, "v1", tmp_path_factory.mktemp("v1", numbered=True))


@fuzz(600)
@given(data=st.data())
def test_v2_files_load_or_reject_every_line(data, tmp_path_factory):
    check_json_lines(data, "v2", tmp_path_factory.mktemp("v2", numbered=True))


# -- CSV (twarc-csv) -------------------------------------------------------------------------

CSV_HEADER = ["id", "author_id", "author.username", "author.name", "created_at", "text",
              "entities.hashtags", "entities.mentions", "referenced_tweets.retweeted.id",
              "retweeted_user_id", "retweeted_username", "author.public_metrics.followers_count"]
CELLS = st.one_of(st.text(max_size=20), SCALARS.map(lambda v: v if isinstance(v, str) else json.dumps(v)),
                  st.sampled_from(['["#a", 5, null]', "[{", "NaN", "3.7", "-5", "\r\n", "\n", '"', ","]))


def csv_row(k: int) -> list[str]:
    return [str(7_000_000 + k), str(100 + k % 5), f"u{k % 5}", f"U {k % 5}",
            f"2014-04-22T18:{k % 60:02d}:00.000Z", f"#MyNYPD photo {k} @cop{k % 3}", '["#MyNYPD"]',
            f'["@cop{k % 3}"]', str(6_000_000 + k) if k % 3 == 0 else "",
            "99" if k % 3 == 0 else "", "NYPDnews" if k % 3 == 0 else "", str(k)]


def physical_lines(raw: bytes) -> int:
    """Lines as the CSV reader counts them: \\n, \\r\\n and a lone \\r each end one."""
    return len(re.findall(rb"\r\n|\r|\n", raw))


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue()


@fuzz(600)
@given(data=st.data())
def test_csv_files_load_or_reject_every_row(data, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("csv", numbered=True)
    header = csv_text([CSV_HEADER]).encode()
    rows: list[tuple[bytes, bool]] = []
    for k in range(data.draw(st.integers(1, 8))):
        row, good = csv_row(k), True
        kind = data.draw(st.sampled_from(["good"] * 3 + ["cells", "fields", "bytes", "nul"]))
        event(f"csv row: {kind}")
        if kind == "cells":
            for _ in range(data.draw(st.integers(1, 3))):
                row[data.draw(st.integers(0, len(row) - 1))] = data.draw(CELLS)
            good = False
        elif kind == "fields":
            row = row[:data.draw(st.integers(0, len(row) - 1))] + data.draw(st.lists(CELLS, max_size=2))
            good = False
        elif kind == "nul":
            row[5] += "\u0000"
        raw = csv_text([row]).encode("utf-8", "surrogatepass")
        if kind == "bytes":  # not UTF-8 (a Latin-1 export), never a quote or a newline
            at = data.draw(st.integers(0, len(raw) - 2))
            raw = raw[:at] + data.draw(st.sampled_from([b"\xff", b"\xe9", b"\xed\xa0\x80"])) + raw[at:]
            good = False
        rows.append((raw, good))
    content = header + b"".join(raw for raw, _ in rows)
    path, cut = written(data, tmp, "fuzz.csv", content)
    records = read_back(path, "csv", tmp, detected=not cut and data.draw(st.booleans()))
    stored, _ = loaded(records, tmp)
    if cut:
        return
    rejected = {r.line for r in records if isinstance(r, Reject)}
    expected_posts: set[str] = set()
    expected_rejects: set[int] = set()
    line = 2  # where each row starts in the file (rows may span lines)
    for raw, good in rows:
        alone_records = list(parse_csv([header, raw], source=path.name))
        expected_posts |= {r.id for r in alone_records if isinstance(r, Post)}
        expected_rejects |= {r.line - 2 + line for r in alone_records if isinstance(r, Reject)}
        if good:
            assert any(isinstance(r, Post) for r in alone_records)
        line += physical_lines(raw)
    assert rejected == expected_rejects
    assert stored == expected_posts


# -- edge lists ----------------------------------------------------------------------------------


@fuzz(500)
@given(data=st.data())
def test_edge_lists_load_or_reject_every_row(data, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("edges", numbered=True)
    header = b"source,target,weight,type,time\n"
    rows: list[bytes] = []
    for k in range(data.draw(st.integers(1, 8))):
        row = [f"ctl{k % 4}", f"dst{k % 3}", str(k + 1), data.draw(st.sampled_from(["retweet", "mention"])),
               "2014-04-22T20:05:00Z"]
        kind = data.draw(st.sampled_from(["good"] * 3 + ["cells", "fields", "bytes"]))
        event(f"edge row: {kind}")
        if kind == "cells":
            row[data.draw(st.integers(0, 4))] = data.draw(CELLS)
        elif kind == "fields":
            row = row[:data.draw(st.integers(0, 4))] + data.draw(st.lists(CELLS, max_size=2))
        raw = csv_text([row]).encode("utf-8", "surrogatepass")
        if kind == "bytes":
            at = data.draw(st.integers(0, len(raw) - 2))
            raw = raw[:at] + b"\xff" + raw[at:]
        rows.append(raw)
    path, cut = written(data, tmp, "fuzz-edges.csv", header + b"".join(rows))
    records = read_back(path, "edgelist", tmp, detected=False)
    _, stored = loaded(records, tmp)
    if cut:
        return
    expected: Counter = Counter()
    expected_rejects: set[int] = set()
    line = 2
    for raw in rows:
        alone_records = list(parse_edgelist([header, raw], source=path.name))
        for r in alone_records:
            if isinstance(r, AccountEdge):
                key = (r.kind.value, r.source_id, r.target_id)
                expected[key] = min(expected[key] + r.weight, MAX_COUNT)
            elif isinstance(r, Reject):
                expected_rejects.add(r.line - 2 + line)
        line += physical_lines(raw)
    assert {r.line for r in records if isinstance(r, Reject)} == expected_rejects
    assert stored == Counter({k: v for k, v in expected.items() if v})


# -- detection -----------------------------------------------------------------------------------


HEADS = st.one_of(
    st.binary(max_size=300),
    JUNK.map(lambda v: json.dumps(v).encode("utf-8", "surrogatepass")),
    st.lists(st.text(max_size=30), max_size=5).map(lambda x: ",".join(x).encode("utf-8", "surrogatepass")),
)


@fuzz(1000)
@given(HEADS)
def test_detection_never_crashes(head):
    assert detect(head) in (None, "v1", "v2", "csv", "edgelist")


def test_an_unknown_file_is_an_input_error_not_a_crash(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"\x00\x01 just some notes\nno format here\n")
    with pytest.raises(InputError, match="unknown format"):
        detect_file(path)

"""The Jetstream fast path gives the records of the tolerant reader, line for line."""

from __future__ import annotations

import io
import json

from tagjack.graph.ingest.readers.bluesky import parse_bluesky, parse_bluesky_stream
from tagjack.graph.simulation.simulate import simulate

from .helpers import DATA, as_jsonable


def both(lines: list[bytes]) -> tuple[list, list]:
    fast = list(parse_bluesky_stream(io.BytesIO(b"".join(lines)), source="s.jsonl"))
    tolerant = list(parse_bluesky(lines, source="s.jsonl"))
    return [as_jsonable(r) for r in fast], [as_jsonable(r) for r in tolerant]


def test_simulated_jetstream_reads_the_same_both_ways(tmp_path):
    simulate(tmp_path, tweets=3_000, fmt="jetstream", seed=3)
    lines = (tmp_path / "tweets.jsonl").read_bytes().splitlines(keepends=True)
    fast, tolerant = both(lines)
    assert fast == tolerant
    assert len(fast) > 3_000


def test_real_firehose_events_read_the_same_both_ways():
    events = json.loads((DATA / "bluesky-twitwi" / "bluesky-firehose-posts.json").read_text("utf-8"))
    odd = [
        {"did": events[0]["did"], "time_us": 1, "kind": "account", "account": {"active": False}},
        {**events[0], "commit": {**events[0]["commit"], "operation": "delete"}},
        {**events[0], "commit": {"operation": "delete", "collection": "app.bsky.feed.repost",
                                 "rkey": "3kz"}},
        {**events[0], "commit": {"operation": "delete", "collection": "app.bsky.actor.profile",
                                 "rkey": "self"}},
        {**events[0], "commit": {"operation": "delete", "collection": "app.bsky.feed.post"}},
        {**events[0], "commit": {**events[0]["commit"], "collection": "app.bsky.graph.follow",
                                 "record": {"subject": "did:plc:x"}}},
        {**events[0], "commit": {**events[0]["commit"], "rkey": ""}},
        {**events[0], "did": "nobody"},
        {"$type": "message", "payload": events[1]},
    ]
    lines = [json.dumps(e).encode() + b"\n" for e in events + odd] + [b"\xff{bad\n"]
    fast, tolerant = both(lines)
    assert fast == tolerant
    assert [r["reason"][:18] for r in fast if r["record"] == "Reject"] == [
        "missing field 'rke", "missing field 'rke", "not a DID: 'nobody", "invalid JSON: str "]
    assert sum(r["record"] == "Deletion" for r in fast) == 2


def test_invalid_utf8_in_a_field_the_fast_path_skips_is_rejected_both_ways():
    event = json.loads((DATA / "bluesky-twitwi" / "bluesky-firehose-posts.json").read_text("utf-8"))[0]
    plain = json.dumps({**event, "commit": {**event["commit"], "cid": "CID"}}).encode()
    accented = json.dumps({**event, "commit": {**event["commit"], "cid": "é"}},
                          ensure_ascii=False).encode()
    lines = [plain + b"\n", plain.replace(b"CID", b"\xff\xfe") + b"\n", accented + b"\n"]
    fast, tolerant = both(lines)
    assert fast == tolerant
    assert [r["record"] for r in fast] == ["Post", "Reject", "Post"]

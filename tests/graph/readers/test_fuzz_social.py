"""Mangled Bluesky and Mastodon input: every event, view or status is read or rejected, never a crash.

The golden material is the real shared sets; the breaking is test_fuzz's. For Jetstream the
typed fast path and the tolerant reader must agree on every mangled line.
"""

from __future__ import annotations

import copy
import io
import json

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from tagjack.graph.ingest.readers.bluesky import parse_bluesky, parse_bluesky_stream
from tagjack.graph.ingest.readers.detect import detect
from tagjack.graph.ingest.readers.mastodon import parse_mastodon, parse_mastodon_stream
from tagjack.graph.model import Reject

from .helpers import DATA, as_jsonable
from .test_fuzz import FUZZ, as_line, checked, mangled, stored

BSKY = DATA / "bluesky-twitwi"
JETSTREAM_SEEDS = [
    *json.loads((BSKY / "bluesky-firehose-posts.json").read_text("utf-8")),
    {"did": "did:plc:a", "time_us": 1745000000000000, "kind": "identity",
     "identity": {"did": "did:plc:a", "handle": "a.bsky.social"}},
    {"did": "did:plc:a", "time_us": 1745000000000000, "kind": "commit",
     "commit": {"operation": "create", "collection": "app.bsky.feed.repost", "rkey": "3kb",
                "record": {"createdAt": "2025-04-18T18:20:00Z",
                           "subject": {"uri": "at://did:plc:b/app.bsky.feed.post/3ka"}}}},
]
VIEW_SEEDS = json.loads((BSKY / "bluesky-posts.json").read_text("utf-8"))[:40]
STATUS_SEEDS = json.loads((DATA / "mastodon-py" / "statuses.json").read_text("utf-8"))


@FUZZ
@given(data=st.data())
def test_jetstream_mangled_events(data, tmp_path_factory):
    event = mangled(data, copy.deepcopy(data.draw(st.sampled_from(JETSTREAM_SEEDS))))
    line = as_line(data, event)
    records = checked(parse_bluesky([line], source="fuzz.jsonl"))
    streamed = checked(parse_bluesky_stream(io.BytesIO(line), source="fuzz.jsonl"))
    # the fast path reads what the tolerant reader reads (a reject's wording may differ: a
    # stream also reads one document spread over lines)
    assert [type(r) for r in streamed] == [type(r) for r in records]
    assert [as_jsonable(r) for r in streamed if not isinstance(r, Reject)] == \
        [as_jsonable(r) for r in records if not isinstance(r, Reject)]
    detect(line[:65536])
    stored(records, tmp_path_factory.getbasetemp())


@FUZZ
@given(data=st.data())
def test_appview_mangled_views(data, tmp_path_factory):
    view = mangled(data, copy.deepcopy(data.draw(st.sampled_from(VIEW_SEEDS))))
    line = as_line(data, view)
    records = checked(parse_bluesky([line], source="fuzz.jsonl"))
    checked(parse_bluesky_stream(io.BytesIO(line), source="fuzz.jsonl"))
    detect(line[:65536])
    stored(records, tmp_path_factory.getbasetemp())


@FUZZ
@given(data=st.data())
def test_mastodon_mangled_statuses(data, tmp_path_factory):
    status = mangled(data, copy.deepcopy(data.draw(st.sampled_from(STATUS_SEEDS))))
    line = as_line(data, status)
    records = checked(parse_mastodon([line], source="fuzz.jsonl"))
    checked(parse_mastodon_stream(io.BytesIO(line), source="fuzz.jsonl"))
    detect(line[:65536])
    stored(records, tmp_path_factory.getbasetemp())


@settings(FUZZ, max_examples=100)  # the status itself is fuzzed above: here, its wrapping
@given(data=st.data())
def test_mastodon_mangled_cassettes(data, tmp_path_factory):
    status = mangled(data, copy.deepcopy(data.draw(st.sampled_from(STATUS_SEEDS))))
    body = as_line(data, status).decode("utf-8", "replace")
    code = data.draw(st.sampled_from([200, 200, 404, None]))
    cassette = {"interactions": [{"request": {"uri": "https://mastodon.social/api/v1/statuses/1"},
                                  "response": {"status": {"code": code}, "body": {"string": body}}}],
                "version": 1}
    text = yaml.dump(cassette, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper)).encode()
    if data.draw(st.booleans()):  # cut anywhere: broken YAML is one reject with its line
        text = text[:data.draw(st.integers(0, len(text)))]
    records = checked(parse_mastodon_stream(io.BytesIO(text), source="fuzz.yaml"))
    detect(text[:65536])
    stored(records, tmp_path_factory.getbasetemp())

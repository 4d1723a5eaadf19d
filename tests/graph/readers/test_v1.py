"""API v1.1 reader: golden files, and the rules a retweet, quote and reply follow."""

from __future__ import annotations

import pytest
from tagjack.graph.ingest.readers.v1 import parse_v1, read_v1
from tagjack.graph.model import Account, Post, PostKind, Reject

from .helpers import GOLDEN, check_golden

V1 = GOLDEN / "v1"
CASES = ["retweet.jsonl", "quote.jsonl", "reply.jsonl", "mentions_hashtags.jsonl",
         "place_coordinates.json", "truncated_rt.jsonl", "bad_json_line.jsonl", "retweet.jsonl.gz"]


@pytest.mark.parametrize("case", CASES)
def test_v1_golden(case):
    check_golden(V1 / case, read_v1(V1 / case))


def posts(case: str) -> list[Post]:
    return [r for r in read_v1(V1 / case) if isinstance(r, Post)]


def test_retweet_yields_the_original_first_and_takes_its_hashtags():
    original, retweet = posts("retweet.jsonl")
    assert (original.id, original.kind) == ("458700000000000001", PostKind.ORIGINAL)
    assert retweet.kind is PostKind.RETWEET
    assert (retweet.ref_id, retweet.ref_author_id) == (original.id, "18510860")
    assert retweet.mention_ids == ()  # "RT @x:" is not a mention; the original's are the original's
    assert original.mention_ids == ("19579839",)
    assert retweet.hashtags == ("mynypd", "police")


def test_quote_without_the_quoted_tweet_still_points_at_it():
    *_, with_quoted, without = posts("quote.jsonl")
    assert (with_quoted.kind, with_quoted.ref_author_id) == (PostKind.QUOTE, "18510860")
    assert (without.kind, without.ref_id, without.ref_author_id) == (
        PostKind.QUOTE, "458700000000000099", None)


def test_reply_mentions_and_hashtags_are_unique_and_normalised():
    (reply,) = posts("reply.jsonl")
    assert (reply.kind, reply.reply_to_id, reply.reply_to_author_id, reply.ref_id) == (
        PostKind.REPLY, "458690000000000000", "19579839", None)
    assert reply.mention_ids == ("19579839", "18510860")
    (tweet,) = posts("mentions_hashtags.jsonl")
    assert tweet.text.endswith("(full text)")  # extended_tweet wins over the truncated text
    assert tweet.hashtags == ("mynypd", "police")  # #myNYPD #MyNYPD #ＭｙＮＹＰＤ are one tag
    assert tweet.mention_ids == ("19579839", "2000000001")


def test_place_centre_and_coordinates_out_of_range():
    la, oakland = posts("place_coordinates.json")
    assert la.place.full_name == "Los Angeles, CA"
    assert (la.place.lat, la.place.lon) == pytest.approx((34.0, -118.35))
    assert la.coordinates == (34.05, -118.25)
    assert oakland.place.full_name == "Oakland" and oakland.place.lat is None  # junk bounding box
    assert oakland.coordinates is None  # (200, 95) is not on Earth


def test_truncated_retweet_points_at_the_handle():
    known, unknown = posts("truncated_rt.jsonl")
    assert (known.kind, known.ref_id, known.ref_author_id) == (PostKind.RETWEET, None, "18510860")
    assert (unknown.kind, unknown.ref_author_id) == (PostKind.RETWEET, "@someone_else")


def test_bad_lines_are_rejected_with_line_and_reason_and_the_rest_is_read():
    records = list(read_v1(V1 / "bad_json_line.jsonl"))
    rejects = [(r.line, r.reason.split(":")[0]) for r in records if isinstance(r, Reject)]
    assert rejects == [(2, "invalid JSON"), (4, "missing field 'user'"),
                       (5, "missing field 'created_at'"), (6, "field 'created_at' is not a time"),
                       (7, "not a tweet object"), (7, "not a tweet object")]
    assert [r.id for r in records if isinstance(r, Post)] == ["458690000000000000", "458690000000000005"]


def test_gz_reads_like_plain():
    assert list(read_v1(V1 / "retweet.jsonl.gz")) == list(read_v1(V1 / "retweet.jsonl"))


def test_parse_v1_takes_byte_lines():
    lines = (V1 / "retweet.jsonl").read_bytes().splitlines(keepends=True)
    records = list(parse_v1(lines, source="retweet.jsonl"))
    assert records == list(read_v1(V1 / "retweet.jsonl"))
    assert [type(r) for r in records][:1] == [Account]


def test_deep_nesting_is_cut_off_not_a_crash():
    head = b'{"id_str":"%d","created_at":"Tue Apr 22 18:00:00 +0000 2014","user":{"id_str":"9"}'
    line = b"".join(head % i + b',"retweeted_status":' for i in range(500)) + b"{}" + b"}" * 500
    records = list(parse_v1([line], source="deep"))
    assert [r.id for r in records if isinstance(r, Post)] == ["3", "2", "1", "0"]
    assert [r.reason for r in parse_v1([b"[" * 1000 + b"]" * 1000], source="deep")] == [
        "not a tweet object: list"]


def test_stream_notices_are_skipped_without_rejects():
    lines = [b'{"limit": {"track": 12, "timestamp_ms": "1398197100000"}}\n',
             b'{"delete": {"status": {"id": 1, "id_str": "1", "user_id": 2, "user_id_str": "2"}}}\n',
             b'{"limit": 5, "user": "not a notice when it looks like a tweet"}\n']
    records = list(parse_v1(lines, source="stream.jsonl"))
    assert [(r.line, r.reason) for r in records] == [(3, "field 'user' is not an object")]

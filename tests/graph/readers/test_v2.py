"""API v2 reader: twarc2 pages, single pages, bare and flattened tweets, academictwitteR files."""

from __future__ import annotations

import io
import shutil

import pytest
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.v2 import parse_v2, parse_v2_stream, read_v2
from tagjack.graph.model import Account, Post, PostKind, Reject
from tagjack.graph.simulation.simulate import simulate
from tagjack.graph.store.sqlite import SqliteStore

from .helpers import GOLDEN, check_golden

V2 = GOLDEN / "v2"
ACADEMIC = V2 / "academic"
CASES = ["retweet.jsonl", "quote_reply.jsonl", "mentions_hashtags.jsonl", "place_coordinates.json",
         "truncated_rt.jsonl", "bad_json_line.jsonl", "flattened.jsonl", "retweet.jsonl.gz",
         "academic/data_1407125775103365135.json"]


@pytest.mark.parametrize("case", CASES)
def test_v2_golden(case):
    check_golden(V2 / case, read_v2(V2 / case))


def posts(path) -> dict[str, Post]:
    return {r.id: r for r in read_v2(path) if isinstance(r, Post)}


def test_retweet_of_an_includes_only_tweet():
    records = list(read_v2(V2 / "retweet.jsonl"))
    kinds = [type(r).__name__ for r in records]
    assert kinds.index("Post") > max(i for i, k in enumerate(kinds[:3]) if k == "Account")
    original, retweet = (r for r in records if isinstance(r, Post))  # the original comes first
    assert (original.id, original.author_id) == ("1408678886733451268", "18510860")
    assert (retweet.kind, retweet.ref_id, retweet.ref_author_id) == (
        PostKind.RETWEET, original.id, "18510860")
    assert retweet.mention_ids == ()
    assert retweet.hashtags == ("mynypd", "police")  # its own, and the truncated-away #Police
    author = next(r for r in records if isinstance(r, Account) and r.id == "1000000001")
    assert author == Account("1000000001", "ann_rt", "Ann Retweeter", 120, "Brooklyn, NY")


def test_a_quote_that_replies_keeps_both_and_reply_author_comes_from_in_reply_to():
    got = posts(V2 / "quote_reply.jsonl")
    assert got["1408876829491015682"].kind is PostKind.QUOTE
    assert got["1408876829491015682"].ref_author_id == "18510860"
    reply = got["1408876829491015683"]
    assert (reply.kind, reply.reply_to_id, reply.reply_to_author_id, reply.ref_id) == (
        PostKind.REPLY, "1408600000000000000", "19579839", None)
    assert reply.mention_ids == ("19579839", "18510860")
    both = got["1408876829491015684"]
    assert (both.kind, both.ref_id, both.ref_author_id) == (
        PostKind.QUOTE, "1408678886733451268", "18510860")
    assert (both.reply_to_id, both.reply_to_author_id) == ("1408876829491015683", "1000000003")


def test_mentions_without_ids_resolve_through_includes_or_by_handle():
    (tweet,) = posts(V2 / "mentions_hashtags.jsonl").values()
    assert tweet.mention_ids == ("19579839", "2000000001", "@nobody_known")
    assert tweet.hashtags == ("mynypd", "police")


def test_place_from_includes_and_coordinates():
    la, oakland = posts(V2 / "place_coordinates.json").values()
    assert (la.place.full_name, la.place.country_code) == ("Los Angeles, CA", "US")
    assert (la.place.lat, la.place.lon) == pytest.approx((34.0, -118.35))
    assert la.coordinates == (34.05, -118.25)
    assert (oakland.place.id, oakland.place.full_name) == ("ab2f2fac83aa388d", "")  # not in includes
    assert oakland.coordinates is None


def test_truncated_retweet_and_time_from_the_snowflake_id():
    known, unknown = posts(V2 / "truncated_rt.jsonl").values()
    assert (known.kind, known.ref_id, known.ref_author_id) == (PostKind.RETWEET, None, "18510860")
    assert unknown.ref_author_id == "@someone_else"
    assert unknown.created_at.isoformat() == "2021-06-26T08:33:39.130000+00:00"


def test_bad_lines_and_tweets_are_rejected_with_the_field_named():
    records = list(read_v2(V2 / "bad_json_line.jsonl"))
    rejects = [(r.line, r.reason.split(":")[0]) for r in records if isinstance(r, Reject)]
    assert rejects == [(1, "missing field 'author_id'"), (1, "field 'created_at' is not a time"),
                       (1, "missing field 'created_at'"), (1, "not a tweet object"),
                       (2, "invalid JSON"), (5, "field 'data' is not a list of tweets"),
                       (6, "not a tweet or response page")]
    assert sorted(posts(V2 / "bad_json_line.jsonl")) == ["1408690000000000000", "1408690000000000005"]


def test_flattened_tweet_brings_its_own_expansions():
    records = list(read_v2(V2 / "flattened.jsonl"))
    original, retweet = (r for r in records if isinstance(r, Post))
    assert (original.id, original.author_id, original.mention_ids) == (
        "1408678886733451268", "18510860", ("19579839",))
    assert (retweet.ref_author_id, retweet.hashtags) == ("18510860", ("mynypd", "police"))
    assert retweet.place.full_name == "Manhattan, NY" and retweet.place.lat == pytest.approx(40.7807)
    accounts = {r.id: r for r in records if isinstance(r, Account)}
    assert accounts["18510860"].followers == 169000 and accounts["1000000001"].handle == "ann_rt"


def test_academic_data_file_is_joined_with_its_users_file():
    got = posts(ACADEMIC / "data_1407125775103365135.json")
    retweet, reply = got["1407185217132007427"], got["1407185172814913546"]
    assert (retweet.ref_author_id, retweet.hashtags) == ("1263000000000000000", ("standwithhongkong", "ccp"))
    assert got["1407000000000000000"].author_id == "1263000000000000000"  # loaded from includes
    assert (reply.reply_to_author_id, reply.mention_ids) == ("17864468", ("17864468",))
    assert reply.place.full_name == "Auckland, New Zealand"


def test_users_file_alone_yields_nothing_and_is_skipped_next_to_its_data_file(tmp_path):
    users = ACADEMIC / "users_1407125775103365135.json"
    assert list(read_v2(users)) == []
    alone = tmp_path / users.name
    shutil.copy(users, alone)
    assert list(read_v2(alone)) == []  # no data file: an includes-only object, no rejects


def test_data_file_without_users_file_still_loads(tmp_path):
    data = tmp_path / "data_1407125775103365135.json"
    shutil.copy(ACADEMIC / data.name, data)
    got = posts(data)
    assert got["1407185217132007427"].ref_author_id == "@drlimengyan1"  # from "RT @DrLiMengYAN1:"
    assert "1407000000000000000" not in got


def test_broken_users_file_is_one_reject(tmp_path):
    shutil.copy(ACADEMIC / "data_1407125775103365135.json", tmp_path)
    (tmp_path / "users_1407125775103365135.json").write_text('{"users": [')
    records = list(read_v2(tmp_path / "data_1407125775103365135.json"))
    rejects = [r for r in records if isinstance(r, Reject)]
    assert [(r.source, r.line) for r in rejects] == [("users_1407125775103365135.json", 1)]
    assert sum(isinstance(r, Post) for r in records) == 2


def test_parse_v2_takes_byte_lines():
    lines = (V2 / "retweet.jsonl").read_bytes().splitlines(keepends=True)
    assert list(parse_v2(lines, source="retweet.jsonl")) == list(read_v2(V2 / "retweet.jsonl"))


def test_a_stream_reads_repeated_includes_once_and_stores_the_same(tmp_path):
    """Pages repeat the users and tweets they point to; a stream skips what it has read, and
    the store ends up exactly as if every page had been read in full."""
    simulate(tmp_path / "sim", tweets=4_000, fmt="v2", seed=3)
    lines = (tmp_path / "sim" / "tweets.jsonl").read_bytes().splitlines(keepends=True)
    streamed = list(parse_v2_stream(io.BytesIO(b"".join(lines)), source="t.jsonl"))
    every_page = list(parse_v2(lines, source="t.jsonl"))
    assert len(streamed) < 0.8 * len(every_page)
    tables = []
    for records in (streamed, every_page):
        with SqliteStore.in_memory() as store:
            load_records(store, records, rejects=RejectsFile(tmp_path / "r.jsonl"))
            tables.append([list(store.db.execute(f"SELECT * FROM {t} ORDER BY 1, 2"))
                           for t in ("accounts", "posts", "post_tags", "post_mentions", "edges")])
    assert tables[0] == tables[1]

"""twarc-csv reader: modern default columns, the early dotted layout, bad rows."""

from __future__ import annotations

import pytest
from tagjack.graph.ingest.readers.common import MAX_FIELD_CHARS
from tagjack.graph.ingest.readers.csv import parse_csv, read_csv
from tagjack.graph.model import Account, Post, PostKind, Reject

from .helpers import DATA, GOLDEN, check_golden, load

CSV = GOLDEN / "csv"
CASES = ["twarc_csv.csv", "early.csv", "truncated_rt.csv", "bad_rows.csv"]


@pytest.mark.parametrize("case", CASES)
def test_csv_golden(case):
    check_golden(CSV / case, read_csv(CSV / case))


def posts(case: str) -> dict[str, Post]:
    return {r.id: r for r in read_csv(CSV / case) if isinstance(r, Post)}


def test_modern_columns_written_by_twarc_csv():
    """twarc_csv.csv is twarc-csv 0.7.2's output for the v2 golden pages (retweet, quote, reply...)."""
    got = posts("twarc_csv.csv")
    retweet = got["1408876829491015681"]
    assert (retweet.kind, retweet.ref_id, retweet.ref_author_id) == (
        PostKind.RETWEET, "1408678886733451268", "18510860")
    assert retweet.mention_ids == () and retweet.hashtags == ("mynypd", "police")
    reply = got["1408876829491015683"]
    assert (reply.kind, reply.reply_to_author_id) == (PostKind.REPLY, "19579839")
    # "@NYPDnews" has the id the file gives it as an author; "@OccupyWallStNYC" as a retweeted user
    assert reply.mention_ids == ("19579839", "18510860")
    assert got["1408876829491015684"].kind is PostKind.QUOTE
    nypd = got["1408600000000000000"]
    assert nypd.mention_ids == ("19579839", "@nypd_chief", "@nobody_known")
    la = got["1408700000000000005"]
    assert la.place.full_name == "Los Angeles, CA" and la.place.lat == pytest.approx(34.0)
    assert la.coordinates == (34.05, -118.25)
    author = next(r for r in read_csv(CSV / "twarc_csv.csv") if isinstance(r, Account))
    assert author == Account("1000000001", "ann_rt", "Ann Retweeter", 120, "Brooklyn, NY")


def test_modern_csv_matches_the_jsonl_it_was_made_from(tmp_path):
    """brexit_twarc_csv.csv.gz is twarc-csv 0.7.2's output for the shared brexit.jsonl."""
    from_csv = load([CSV / "brexit_twarc_csv.csv.gz"], tmp_path)
    from_json = load([DATA / "twarc2-csv" / "brexit.jsonl.gz"], tmp_path)
    ids = set(from_csv.posts)
    assert len(ids) == 100 and not from_csv.rejects
    assert from_csv.kinds(ids) == from_json.kinds(ids)
    assert from_csv.retweets_by_handle() == from_json.retweets_by_handle()
    for tweet_id in ids:
        a, b = from_csv.posts[tweet_id], from_json.posts[tweet_id]
        assert (a.author_id, a.created_at, a.ref_id, a.ref_author_id) == (
            b.author_id, b.created_at, b.ref_id, b.ref_author_id)


def test_early_layout_decodes_json_quoted_cells():
    got = posts("early.csv")
    quote = got["1169968866866466817"]
    assert (quote.kind, quote.ref_id) == (PostKind.QUOTE, "1169734611666198528")
    assert quote.ref_author_id == "22258315"  # GameStop, from the link to the quoted tweet
    assert quote.text.startswith("Keep that same energy")  # not '"Keep...'
    assert quote.place.full_name == "Queens, NY"
    accounts = [r for r in read_csv(CSV / "early.csv") if isinstance(r, Account)]
    assert accounts[0].location_text == "Grapevine, TX"


def test_truncated_retweet_takes_the_id_the_file_gives_the_handle():
    got = posts("truncated_rt.csv")
    assert got["1408705000000000007"].ref_author_id == "18510860"  # OccupyWallStNYC writes row 3
    assert got["1408705000000000008"].ref_author_id == "@someone_else"
    assert got["1408705000000000008"].created_at.isoformat().startswith("2021-06-26T08:33:39")


def test_bad_rows_are_rejected_at_their_starting_line():
    records = list(read_csv(CSV / "bad_rows.csv"))
    rejects = [(r.line, r.reason.split(":")[0]) for r in records if isinstance(r, Reject)]
    assert rejects == [(3, "missing field 'author_id'"), (7, "field 'created_at' is not a time"),
                       (8, "expected 6 fields, found 3"),
                       (9, "not valid UTF-8 (save the file as UTF-8)")]
    got = {r.id: r for r in records if isinstance(r, Post)}
    assert sorted(got) == ["1408690000000000000", "1408690000000000002", "1408690000000000006"]
    assert got["1408690000000000002"].text == "a text\r\nover three\r\nlines"
    assert got["1408690000000000002"].hashtags == ("a", "b")  # not JSON: split on spaces


def test_over_long_field_is_rejected_and_reading_goes_on():
    header = b"id,author_id,created_at,text\n"
    huge = b'1,2,2021-06-26T18:00:00Z,"' + b"x" * (MAX_FIELD_CHARS + 10) + b'"\n'
    fine = b"1408690000000000009,2,2021-06-26T18:00:00Z,fine\n"
    records = list(parse_csv([header, huge, fine], source="huge.csv"))
    assert [(r.line, r.reason) for r in records if isinstance(r, Reject)] == [
        (2, f"field longer than {MAX_FIELD_CHARS} characters")]
    assert [r.id for r in records if isinstance(r, Post)] == ["1408690000000000009"]


def test_header_without_twarc_columns_is_one_reject():
    records = list(parse_csv([b"a,b\n", b"1,2\n"], source="x.csv"))
    assert [(r.line, r.reason) for r in records] == [(1, "not a twarc-csv header: no column 'id'")]


@pytest.mark.parametrize("variant", ["twarc_csv_json_encode_all.csv", "twarc_csv_no_process_entities.csv"])
def test_twarc_csv_options_give_the_same_posts(variant):
    """The same pages through twarc-csv 0.7.2 with --json-encode-all or --no-process-entities."""
    from tagjack.graph.ingest.readers.v2 import read_v2

    from_json = {}
    for page in ["retweet.jsonl", "quote_reply.jsonl", "mentions_hashtags.jsonl", "place_coordinates.json"]:
        from_json.update({r.id: r for r in read_v2(GOLDEN / "v2" / page) if isinstance(r, Post)})
    got = posts(variant)
    assert len(got) == 7
    for tweet_id, post in got.items():
        want = from_json[tweet_id]
        assert (post.kind, post.author_id, post.created_at, post.ref_id, post.ref_author_id,
                post.reply_to_id, post.reply_to_author_id, post.hashtags, post.place,
                post.coordinates) == (
            want.kind, want.author_id, want.created_at, want.ref_id, want.ref_author_id,
            want.reply_to_id, want.reply_to_author_id, want.hashtags, want.place, want.coordinates)
    # unprocessed entities keep the mentioned users' ids, as the JSON does
    nypd = got["1408600000000000000"].mention_ids
    assert nypd == (("19579839", "2000000001", "@nobody_known") if "no_process" in variant
                    else ("19579839", "@nypd_chief", "@nobody_known"))

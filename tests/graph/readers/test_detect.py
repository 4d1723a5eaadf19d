"""Format detection from content, path expansion, progress, broken .gz."""

from __future__ import annotations

import gzip
import shutil

import pytest
from tagjack.graph.errors import InputError
from tagjack.graph.ingest.readers.common import PROGRESS_EVERY
from tagjack.graph.ingest.readers.detect import (
    FORMATS,
    detect,
    detect_file,
    input_files,
    is_json_lines,
    read_file,
)
from tagjack.graph.model import Post, Reject

from .helpers import DATA, GOLDEN

SHARED_FORMATS = {
    "twarc2-blm/tweets.jsonl.gz": "v2", "twarc2-csv/brexit.jsonl.gz": "v2",
    "twarc2-csv/geo_tweets.jsonl": "v2", "twarc2-csv/small_sample.csv": "csv",
    "v1-python-twitter/get_search_geocode.json": "v1", "v1-python-twitter/get_search_raw.json.gz": "v1",
    "v1-python-twitter/get_status_with_place.json": "v1", "v1-python-twitter/streaming_lines.jsonl.gz": "v1",
    "v1-rtweet/lat_lng.json": "v1", "v1-rtweet/search_tweets.json.gz": "v1",
    "v1-sample500/sample-tweets-500.jsonl.gz": "v1",
    "v2-hk2/data_1407125775103365135.json.gz": "v2", "v2-hk2/users_1407125775103365135.json.gz": "v2",
}


def test_formats():
    assert FORMATS == ("v1", "v2", "csv", "edgelist", "bluesky", "bluesky-csv", "mastodon")


@pytest.mark.parametrize(("name", "kind"), sorted(SHARED_FORMATS.items()))
def test_shared_data_is_detected(name, kind):
    assert detect_file(DATA / name) == kind


@pytest.mark.parametrize("folder", ["v1", "v2", "csv", "edgelist"])
def test_golden_files_are_detected(folder):
    for path in sorted((GOLDEN / folder).rglob("*")):
        if path.is_file() and not path.name.endswith(".expected.json"):
            assert detect_file(path) == folder, path.name


@pytest.mark.parametrize(("head", "kind"), [
    (b'{"id_str": "1", "user": {}}\n', "v1"),
    (b'[{"id": "1", "author_id": "2", "text": "x"}]', "v2"),
    (b'{"users": [{"id": "1", "username": "a"}], "tweets": []}', "v2"),
    (b'{"data": [], "meta": {"result_count": 0}}\n', "v2"),
    (b'\xef\xbb\xbfid,created_at,author_id,text\n1,2,3,x\n', "csv"),
    (b"Source,Target,Weight\na,b,1\n", "edgelist"),
    (b"vertex 1\tvertex 2\na\tb\n", "edgelist"),
    (b"ann,bob\nbob,cy,2,mention,2014-04-22T18:00:00Z\n", "edgelist"),
    (b"", "v1"),
    (b"# a readme\n\nsome words, more words\n", None),
    (b"a,b,c,d,e,f\n1,2,3,4,5,6\n", None),
    (b"ann,bob,many\n", None),
    (b"\x00\x01\x02binary", None),
    (b'"a json string"', None),
    (b'{"unrelated": true}', None),
])
def test_detect_from_the_first_bytes(head, kind):
    assert detect(head) == kind


def test_long_first_line_is_detected_by_its_keys():
    page = b'{"data": [' + b'{"id": "1", "author_id": "2", "text": "' + b"x" * 70000 + b'"}]}\n'
    assert detect(page[:65536]) == "v2"


def test_unknown_content_is_one_error_naming_the_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("these are my notes\nnot tweets\n")
    with pytest.raises(InputError, match=r"notes\.txt: unknown format") as raised:
        read_file(path)
    assert "--format" in raised.value.hint


def test_format_flag_skips_detection(tmp_path):
    path = tmp_path / "edges.txt"
    path.write_text("ann bob,cy\n")  # a handle with a space: not detected as an edge list
    with pytest.raises(InputError):
        read_file(path)
    assert [type(r).__name__ for r in read_file(path, fmt="edgelist")] == [
        "Account", "Account", "AccountEdge"]


def test_folders_and_globs_skip_files_that_are_no_data(tmp_path):
    shutil.copytree(DATA / "v1-rtweet", tmp_path / "set")
    (tmp_path / "set" / "notes.txt").write_text("not tweets\n")
    got = input_files([str(tmp_path / "set")])
    assert [p.name for p in got] == ["lat_lng.json", "search_tweets.json.gz"]  # no SOURCE.md, notes
    assert input_files([str(tmp_path / "set" / "*")]) == got
    assert input_files([str(tmp_path / "set"), str(tmp_path / "set" / "lat_lng.json")]) == got
    assert input_files([str(tmp_path / "set" / "notes.txt")]) == [tmp_path / "set" / "notes.txt"]
    odd = tmp_path / "set" / "tweets[1].json"
    shutil.copy(tmp_path / "set" / "lat_lng.json", odd)
    assert input_files([str(odd)]) == [odd]  # a name, not a pattern
    with pytest.raises(InputError, match="no file matches"):
        input_files([str(tmp_path / "nothing*.json")])
    with pytest.raises(InputError, match="no such file"):
        input_files([str(tmp_path / "missing.json")])


def test_progress_counts_bytes_on_disk(tmp_path):
    for name in ("v1-sample500/sample-tweets-500.jsonl.gz", "twarc2-csv/small_sample.csv"):
        path = DATA / name
        seen: list[int] = []
        records = list(read_file(path, on_progress=seen.append))
        assert records and seen == sorted(seen) and seen[-1] == path.stat().st_size
    plain = tmp_path / "plain.jsonl"
    plain.write_bytes(gzip.decompress((DATA / "v1-sample500/sample-tweets-500.jsonl.gz").read_bytes()))
    seen = []
    list(read_file(plain, on_progress=seen.append))
    assert len(seen) >= plain.stat().st_size // PROGRESS_EVERY and seen[-1] == plain.stat().st_size


def test_truncated_gz_ends_with_one_reject(tmp_path):
    whole = (DATA / "v1-sample500/sample-tweets-500.jsonl.gz").read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    records = list(read_file(cut))
    assert sum(isinstance(r, Post) for r in records) > 100
    assert isinstance(records[-1], Reject) and "truncated or corrupt" in records[-1].reason
    assert sum(isinstance(r, Reject) for r in records) <= 2  # the cut line, and the end


def test_empty_file_has_no_records(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    assert list(read_file(tmp_path / "empty.jsonl")) == []


def test_json_lines_or_one_document():
    assert is_json_lines(DATA / "v1-sample500" / "sample-tweets-500.jsonl.gz")
    assert is_json_lines(DATA / "v1-python-twitter" / "get_search_geocode.json")  # one line
    assert not is_json_lines(GOLDEN / "v1" / "place_coordinates.json")  # spread over lines
    assert not is_json_lines(DATA / "twarc2-csv" / "small_sample.csv")

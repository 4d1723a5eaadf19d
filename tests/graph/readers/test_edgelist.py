"""Edge lists: plain, Gephi, NodeXL, tagjack's own export; weights add up; reloads change nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tagjack.graph.ingest.readers.edgelist import parse_edgelist, read_edgelist
from tagjack.graph.model import Account, AccountEdge, EdgeKind, Reject

from .helpers import GOLDEN, check_golden, load

EDGES = GOLDEN / "edgelist"
CASES = ["plain.csv", "gephi.csv", "export.tsv", "nodexl.csv", "bad.csv"]


@pytest.mark.parametrize("case", CASES)
def test_edgelist_golden(case):
    check_golden(EDGES / case, read_edgelist(EDGES / case))


def edges(case: str) -> dict[tuple[str, str, EdgeKind], AccountEdge]:
    return {(e.source_id, e.target_id, e.kind): e for e in read_edgelist(EDGES / case)
            if isinstance(e, AccountEdge)}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_rows_for_one_edge_add_up_and_keep_first_and_last_time():
    got = edges("plain.csv")
    ann = got[("@ann_rt", "@occupywallstnyc", EdgeKind.RETWEET)]
    assert (ann.weight, ann.first_at, ann.last_at) == (
        2, at("2014-04-22T20:05:00"), at("2014-04-22T20:05:00"))
    assert got[("@bo_q", "@occupywallstnyc", EdgeKind.RETWEET)].weight == 2
    assert got[("@cy_re", "@nypdnews", EdgeKind.MENTION)].first_at == at("2014-04-22T18:30:00")
    accounts = [r for r in read_edgelist(EDGES / "plain.csv") if isinstance(r, Account)]
    assert [(a.id, a.handle) for a in accounts][:2] == [("@ann_rt", "ann_rt"),
                                                        ("@occupywallstnyc", "OccupyWallStNYC")]


def test_gephi_header_any_case_and_its_direction_type():
    got = edges("gephi.csv")
    assert {k: e.weight for k, e in got.items()} == {
        ("@ann_rt", "@occupywallstnyc", EdgeKind.RETWEET): 3,
        ("@bo_q", "@occupywallstnyc", EdgeKind.RETWEET): 1}


def test_tagjack_export_round_trips():
    got = edges("export.tsv")
    ann = got[("@ann_rt", "@occupywallstnyc", EdgeKind.RETWEET)]
    assert (ann.weight, ann.first_at, ann.last_at) == (
        3, at("2014-04-22T20:05:00"), at("2014-04-22T21:00:00"))
    assert got[("@cy_re", "@nypdnews", EdgeKind.MENTION)].weight == 1


def test_nodexl_relationships():
    got = edges("nodexl.csv")
    assert sorted((s, t, k.value) for s, t, k in got) == [
        ("@ann_rt", "@occupywallstnyc", "retweet"), ("@cy_re", "@nypdnews", "reply"),
        ("@cy_re", "@occupywallstnyc", "mention")]  # the "Tweet" self-loop carries no edge
    assert got[("@ann_rt", "@occupywallstnyc", EdgeKind.RETWEET)].first_at == at("2014-04-22T20:05:00")


def test_bad_rows_are_rejected_with_line_and_reason():
    records = list(read_edgelist(EDGES / "bad.csv"))
    assert [(r.line, r.reason) for r in records if isinstance(r, Reject)] == [
        (3, "missing field 'target'"), (4, "missing field 'source'"),
        (5, "field 'weight' is '-2', not a positive number"),
        (6, "field 'weight' is 'NaN', not a positive number"),
        (7, "field 'type' is 'likes', not retweet or mention"),
        (8, "field 'time' is 'the day before', not a time")]
    assert len([r for r in records if isinstance(r, AccountEdge)]) == 2


def test_reloading_an_edge_list_changes_nothing(tmp_path):
    first = load([EDGES / "plain.csv"], tmp_path)
    status = first.store.status()
    assert first.stats.edges == 3
    from tagjack.graph.ingest.batches import RejectsFile, load_records

    again = load_records(first.store, read_edgelist(EDGES / "plain.csv"),
                         rejects=RejectsFile(tmp_path / "r.jsonl"))
    assert (again.posts, again.accounts, again.edges) == (0, 0, 0)
    assert first.store.status() == status
    table = first.store.edges(EdgeKind.RETWEET)
    assert sorted(table.weight.tolist()) == [2, 2]


def test_parse_edgelist_takes_byte_lines_and_tabs():
    records = list(parse_edgelist([b"a\tb\t4\tmention\n", b"b\ta\n"], source="x.tsv"))
    assert [(e.source_id, e.target_id, e.kind, e.weight) for e in records
            if isinstance(e, AccountEdge)] == [("@a", "@b", EdgeKind.MENTION, 4),
                                               ("@b", "@a", EdgeKind.RETWEET, 1)]

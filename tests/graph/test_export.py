"""Exports round-trip: GEXF (networkx), GraphML (networkx and igraph), CSV, JSON against the store."""

from __future__ import annotations

import csv
import json

import igraph as ig
import networkx as nx
import numpy as np
import pytest
from report_cases import FORMULAS, IMG, SCRIPT, SVG, TAG, XML_BAD, XML_CLEAN, crafted_store
from tagjack.graph.model import EdgeKind
from tagjack.graph.outputs.export import (
    ACCOUNT_COLUMNS,
    EDGE_COLUMNS,
    CannotWrite,
    csv_cell,
    export_data,
    write_csv,
    write_export,
    xml_text,
)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = crafted_store(tmp_path_factory.mktemp("export") / "crafted.db")
    yield s
    s.close()


@pytest.fixture(scope="module")
def raw_store(tmp_path_factory):
    """The same case before any analyze."""
    s = crafted_store(tmp_path_factory.mktemp("export_raw") / "crafted.db", analysed=False)
    yield s
    s.close()


def stored_edges(store, hashtag=None) -> dict[tuple[str, str, str], tuple[int, int, int]]:
    """(source id, target id, type) -> (weight, first_at, last_at), straight from the store."""
    accounts = store.accounts()
    ids = dict(zip(accounts.keys.tolist(), accounts.ids, strict=True))
    out = {}
    for kind in EdgeKind:
        e = store.edges(kind, hashtag=hashtag)
        for s, t, w, f, z in zip(e.source.tolist(), e.target.tolist(), e.weight.tolist(),
                                 e.first_at.tolist(), e.last_at.tolist(), strict=True):
            out[ids[s], ids[t], kind.value] = (w, f, z)
    return out


def stored_pairs(store) -> dict[tuple[str, str], tuple[dict[str, int], int, int]]:
    """(source id, target id) -> ({kind: weight}, first_at, last_at): one GEXF/GraphML edge."""
    out: dict = {}
    for (s, t, kind), (w, f, z) in stored_edges(store).items():
        counts, first, last = out.get((s, t), ({k.value: 0 for k in EdgeKind}, f, z))
        counts[kind] += w
        out[s, t] = (counts, min(first, f), max(last, z))
    return out


def stored_accounts(store) -> dict[str, dict]:
    """Account id -> what the store says of it, with the last analyze's results."""
    accounts, results = store.accounts(), store.results()
    cities = {c.id: c.name for c in results.cities}
    at = {k: i for i, k in enumerate(results.keys.tolist())}
    out = {}
    for key, i, handle, name, followers in zip(accounts.keys.tolist(), accounts.ids, accounts.handles,
                                               accounts.names, accounts.followers.tolist(), strict=True):
        r = at[key]
        out[i] = {"handle": handle, "name": name, "followers": followers,
                  "community": int(results.community[r]), "role": results.role[r],
                  "city": cities.get(results.city_id[r]), "pagerank": float(results.pagerank[r]),
                  "amplifier_score": float(results.amplifier_score[r])}
    return out


def iso(epoch: int) -> str:
    return np.datetime_as_string(np.datetime64(epoch, "s"), unit="s") + "Z"


def test_gexf_reads_back_with_networkx_as_stored(store, tmp_path):
    path = write_export(export_data(store), "gexf", tmp_path / "case.gexf")[0]
    g = nx.read_gexf(path)
    accounts, pairs = stored_accounts(store), stored_pairs(store)
    assert g.number_of_nodes() == len(accounts) and g.number_of_edges() == len(pairs)
    for node, attrs in g.nodes(data=True):
        want = accounts[node]
        assert attrs["label"] == xml_text(want["handle"]) == attrs["handle"]
        assert attrs["followers"] == want["followers"]
        assert attrs["community"] == want["community"] and attrs["role"] == want["role"]
        assert attrs.get("city") == want["city"]
        assert attrs["pagerank"] == pytest.approx(want["pagerank"])
        assert attrs["amplifier_score"] == pytest.approx(want["amplifier_score"])
        assert "start" in attrs  # every account here posted: Gephi's timeline shows it arrive
    # one edge per pair, a count per kind and their total, as twarc-network writes them
    kinds = [k.value for k in EdgeKind]
    got = {(u, v): ({k: d[k] for k in kinds}, d["weight"], d["start"], d["end"])
           for u, v, d in g.edges(data=True)}
    assert got == {k: (c, float(sum(c.values())), iso(f), iso(z))
                   for k, (c, f, z) in pairs.items()}
    assert all(sum(d[k] > 0 for k in kinds) >= 1 for _, _, d in g.edges(data=True))
    assert any(d["retweet"] and d["mention"] for _, _, d in g.edges(data=True))


def test_gexf_is_dynamic_with_dates(store, tmp_path):
    text = write_export(export_data(store), "gexf", tmp_path / "case.gexf")[0].read_text("utf-8")
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text
    assert 'start="2014-04-22T18:00:00Z"' in text


def test_graphml_reads_back_with_networkx_and_igraph(store, tmp_path):
    path = write_export(export_data(store), "graphml", tmp_path / "case.graphml")[0]
    accounts, pairs = stored_accounts(store), stored_pairs(store)
    kinds = [k.value for k in EdgeKind]
    g = nx.read_graphml(path)
    assert isinstance(g, nx.DiGraph) and not g.is_multigraph()
    assert g.number_of_nodes() == len(accounts) and g.number_of_edges() == len(pairs)
    got = {(u, v): ({k: d[k] for k in kinds}, d["weight"], d["first_at"], d["last_at"])
           for u, v, d in g.edges(data=True)}
    assert got == {k: (c, float(sum(c.values())), iso(f), iso(z))
                   for k, (c, f, z) in pairs.items()}
    for node, attrs in g.nodes(data=True):
        want = accounts[node]
        assert (attrs["handle"], attrs["followers"], attrs["community"], attrs["role"]) == \
            (xml_text(want["handle"]), want["followers"], want["community"], want["role"])
        assert attrs["pagerank"] == pytest.approx(want["pagerank"])

    h = ig.Graph.Read_GraphML(str(path))
    assert h.is_directed() and (h.vcount(), h.ecount()) == (len(accounts), len(pairs))
    names = h.vs["id"]
    got = {(names[e.source], names[e.target]): (e["weight"], e["retweet"], e["quote"])
           for e in h.es}
    assert got == {k: (float(sum(c.values())), c["retweet"], c["quote"])
                   for k, (c, _, _) in pairs.items()}
    for v in h.vs:
        want = accounts[v["id"]]
        assert v["handle"] == xml_text(want["handle"]) and v["community"] == want["community"]
        assert v["amplifier_score"] == pytest.approx(want["amplifier_score"])
        assert v["city"] == (want["city"] or "")


def test_xml_exports_strip_forbidden_characters_and_keep_markup_as_text(store, tmp_path):
    data = export_data(store)
    for fmt in ("gexf", "graphml"):
        path = write_export(data, fmt, tmp_path / f"case.{fmt}")[0]
        raw = path.read_bytes()
        assert b"\x00" not in raw and b"\x0b" not in raw and b"\x1f" not in raw
        g = nx.read_gexf(path) if fmt == "gexf" else nx.read_graphml(path)
        assert g.nodes["c2"]["name"] == XML_CLEAN
        assert g.nodes["1"]["handle"] == SCRIPT and g.nodes["1"]["name"] == IMG  # text, intact
        assert g.nodes["h0"]["handle"] == "h0" + SVG
        assert g.nodes["h5"]["name"] == "\tTAB" and g.nodes["h6"]["name"] == "\rCR"  # kept, escaped
        assert b"<script>" not in raw


def test_xml_text_drops_exactly_what_xml_forbids():
    assert xml_text(XML_BAD) == XML_CLEAN
    assert xml_text("a\ud800b\udfffc\uffff") == "abc"  # lone surrogates, U+FFFF
    kept = "tab\t nl\n cr\r é 漢 🙂 \u200f\u200d"
    assert xml_text(kept) == kept


def test_csv_headers_rows_and_neutralised_formulas(store, tmp_path):
    paths = write_export(export_data(store), "csv", tmp_path / "csv")
    assert [p.name for p in paths] == ["accounts.csv", "edges.csv", "cities.csv"]
    with open(paths[0], newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert ",".join(rows[0]).startswith("handle,community,role,city,pagerank,amplifier_score,")
    assert tuple(rows[0]) == ACCOUNT_COLUMNS
    accounts = stored_accounts(store)
    assert len(rows) - 1 == len(accounts)
    by_id = {r[ACCOUNT_COLUMNS.index("id")]: dict(zip(ACCOUNT_COLUMNS, r, strict=True)) for r in rows[1:]}
    for key, name in FORMULAS.items():
        assert by_id[key]["name"] == "'" + name  # shown as text, never run
    for row in by_id.values():
        float(row["pagerank"]), float(row["amplifier_score"]), int(row["followers"])  # numbers
        assert not row["name"].startswith(("=", "+", "-", "@", "\t", "\r"))
        assert not row["community_label"].startswith("@")  # "@NYPDnews +920" would be a formula
    assert by_id["1"]["handle"] == SCRIPT and by_id["1"]["name"] == IMG
    assert by_id["1"]["city"] == "New York City" and by_id["1"]["role"] == "campaign"
    assert float(by_id["1"]["amplifier_score"]) == pytest.approx(accounts["1"]["amplifier_score"])

    with open(paths[1], newline="", encoding="utf-8") as fh:
        edges = list(csv.reader(fh))
    assert tuple(edges[0]) == EDGE_COLUMNS
    handles = {a["handle"]: i for i, a in accounts.items()}
    got = {(handles[s], handles[t], k): int(w) for s, t, k, w, _, _ in edges[1:]}
    assert got == {k: w for k, (w, _, _) in stored_edges(store).items()}

    with open(paths[2], newline="", encoding="utf-8") as fh:
        cities = list(csv.DictReader(fh))
    assert [c["city"] for c in cities] == ["New York City", "Los Angeles", "Oakland"]  # by adoption
    assert sum(int(c["accounts"]) for c in cities) == 16


def test_csv_cells_numbers_stay_numbers():
    assert csv_cell(-0.5) == -0.5 and csv_cell(-3) == -3 and csv_cell(None) == ""
    assert csv_cell("-0.5") == "'-0.5" and csv_cell("=1+1") == "'=1+1" and csv_cell("a=b") == "a=b"

    class Sink(list):
        def write(self, text):
            self.append(text)

    out = Sink()
    write_csv(out, ["n", "text"], [(-0.5, "@x"), (1e-9, "+1")])
    assert "".join(out).splitlines() == ["n,text", "-0.5,'@x", "1e-09,'+1"]


def test_json_document(store, tmp_path):
    path = write_export(export_data(store, hashtag="#MyTag"), "json", tmp_path / "case.json")[0]
    doc = json.loads(path.read_bytes())
    assert doc["hashtag"] == "#mytag" and doc["run"]
    assert set(doc) >= {"accounts", "edges", "communities", "cities"}
    edges = stored_edges(store, hashtag=TAG)
    got = {(e["source_id"], e["target_id"], e["type"]): e["weight"] for e in doc["edges"]}
    assert got == {k: w for k, (w, _, _) in edges.items()}
    assert {c["role"] for c in doc["communities"]} >= {"campaign", "hijacker"}
    origin = next(a for a in doc["accounts"] if a["id"] == "1")
    assert origin["handle"] == SCRIPT and origin["posts"] == 2  # JSON keeps text as it is


def test_hashtag_scope_keeps_the_tags_accounts_and_edges(store):
    data = export_data(store, hashtag="MYTAG")
    assert len(data.edges) == len(stored_edges(store, hashtag=TAG))
    assert len(data.nodes) == 16 and int(data.nodes.posts.sum()) == 126


def test_without_analyze_result_columns_are_empty(raw_store, tmp_path):
    data = export_data(raw_store)
    assert data.run is None and data.communities == [] and data.cities == []
    paths = write_export(data, "csv", tmp_path / "csv")
    with open(paths[0], newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["community"] == r["role"] == r["city"] == r["pagerank"] == "" for r in rows)
    g = nx.read_graphml(write_export(data, "graphml", tmp_path / "raw.graphml")[0])
    assert g.number_of_edges() == len(stored_pairs(raw_store))
    assert all("community" not in d and "pagerank" not in d for _, d in g.nodes(data=True))


def test_unwritable_targets_raise_cannot_write_and_leave_nothing(store, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    data = export_data(store)
    for fmt, out in (("csv", blocker), ("gexf", blocker / "x.gexf"), ("json", tmp_path)):
        with pytest.raises(CannotWrite):
            write_export(data, fmt, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # no half-written files

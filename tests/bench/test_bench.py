"""The benchmark suite runs end to end at tiny size, so it never rots. No timing is asserted."""

from __future__ import annotations

import json
import numbers
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # `bench` is a top-level folder of the repository, not installed

from bench.render import markdown  # noqa: E402
from bench.suite import BENCHMARKS  # noqa: E402

# Benchmarks that may skip, with the reason recorded: no server, or the peer not installed.
MAY_SKIP = {"neo4j_load", "neo4j_bulk", "peer"}


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("bench")
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--results", str(tmp / "r.json"),
                           "--work", str(tmp / "work")],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((tmp / "r.json").read_text())


def test_quick_run_has_the_machine_and_sizes(quick):
    assert {"cpu", "cores", "ram_gib"} <= quick["machine"].keys()
    assert quick["quick"] is True
    assert quick["tweets"] == 3_000 and quick["peer_tweets"] == 2_000
    assert quick["started_at"] and quick["finished_at"] and quick["code"]


@pytest.mark.parametrize("name", list(BENCHMARKS))
def test_every_benchmark_measures_or_says_why_not(quick, name):
    found = quick["results"][name]
    if found["status"] == "skipped":
        assert name in MAY_SKIP and found["reason"]
        return
    assert found["status"] in {"pass", "fail", "info"}, found.get("error")
    assert found["summary"]
    for c in found["checks"]:
        assert isinstance(c["value"], numbers.Real) and isinstance(c["target"], numbers.Real), c
        assert isinstance(c["pass"], bool)
        assert c["op"] in {">=", ">", "<=", "<"}


def test_raw_numbers_are_numbers(quick):
    numeric = {
        "simulate": ["seconds", "peak_rss_mb", "tweets_per_s"],
        "load": ["load_seconds", "load_peak_rss_mb", "orjson_seconds", "ratio", "load_tweets_per_s"],
        "load_v2": ["load_seconds", "orjson_seconds", "ratio", "load_tweets_per_s"],
        "communities": ["speedup", "modularity_gap", "nodes", "edges"],
        "end_to_end": ["seconds", "peak_rss_mb"],
        "peer": ["ratio", "twarc_network_seconds", "tagjack_seconds", "ratio_with_analysis"],
        "coordination": ["seconds", "peak_rss_mb", "edges", "retweets"],
    }
    for name, keys in numeric.items():
        found = quick["results"][name]
        if found["status"] == "skipped":
            continue
        for key in keys:
            assert isinstance(found[key], numbers.Real), (name, key, found.get(key))
    steps = quick["results"]["end_to_end"]["steps"]
    assert set(steps) == {"load", "analyze", "report"}


def test_markdown_table_lists_every_benchmark(quick):
    text = markdown(quick)
    assert "| benchmark |" in text
    for name in BENCHMARKS:
        assert f"| {name} |" in text
    assert all(found["code"] == quick["code"] for found in quick["results"].values())
    assert "on code" not in text


def test_an_entry_kept_from_other_code_says_so(quick):
    kept = {**quick["results"]["simulate"], "code": "0123abcd", "measured_at": "2026-01-02T03:04:05Z"}
    text = markdown({**quick, "results": {**quick["results"], "simulate": kept}})
    simulate, = (line for line in text.splitlines() if line.startswith("- **simulate**"))
    assert simulate.endswith("(measured 2026-01-02T03:04:05Z on code 0123abcd)")


def test_the_neo4j_row_under_with_neo4j_loads_into_that_server(monkeypatch):
    """The child run that with-neo4j.sh wraps has no NEO4J_URI (the script removes every
    NEO4J_* variable): it must load into the server the script names."""
    import bench.neo4j_load
    from bench import suite

    seen = {}

    def fake(n_tweets, *, seed, uri=None):
        seen["uri"] = uri
        return {"tweets": n_tweets, "neo4j_tweets_per_s": 1.0, "sqlite_tweets_per_s": 2.0,
                "neo4j_vs_sqlite": 0.5}

    for name in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(suite.CHILD_FLAG, "1")
    monkeypatch.setenv("TAGJACK_TEST_NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setattr(bench.neo4j_load, "bench_neo4j_load", fake)
    monkeypatch.setattr(suite, "neo4j_unreachable", lambda uri: None)
    found = suite._neo4j_load(suite.Sizes.quick())
    assert seen["uri"] == "bolt://127.0.0.1:1"
    assert found["checks"][0]["value"] == 0.5

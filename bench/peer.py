"""peer: twarc-network (the DocNow twarc2 plugin) against tagjack on one twarc2 JSONL file (issue 9).

The same simulated ``--format v2`` file goes through ``twarc2 network --format
gexf`` (in its own venv, bench/work/peer-venv, made on first use: it pins its
own dependencies) and through ``tagjack load`` + ``tagjack export --format
gexf`` on a fresh SQLite file. Target: tagjack's time <= 0.5 x twarc-network's.
tagjack then runs ``analyze`` and exports again, and that time (which includes
finding communities, PageRank, the hijack and the spread) is reported beside it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.inputs import SEED, WORK, fresh_db, simulated
from bench.measure import run, tagjack, warm
from bench.result import check, result

PEER = "twarc-network==0.2.0"
PEER_VENV = WORK / "peer-venv"
MAX_RATIO = 0.5


class PeerUnavailable(RuntimeError):
    """twarc-network could not be installed (e.g. no network): the benchmark is skipped."""


def bench_peer(tweets: int, *, work: Path = WORK, seed: int = SEED, venv: Path = PEER_VENV,
               install: bool = True) -> dict:
    """tagjack time / twarc-network time for one GEXF of the same file.

    ``install=False`` (the quick run) raises PeerUnavailable rather than install twarc-network.
    """
    twarc2 = peer_venv(venv, install=install)
    source = simulated(work, tweets, "v2", seed)
    folder = work / f"peer-{tweets}"
    folder.mkdir(parents=True, exist_ok=True)
    db = fresh_db(folder / "tagjack.db")
    warm(source)
    theirs = run([str(twarc2), "--bearer-token", "unused-offline", "--log", str(folder / "twarc.log"),
                  "network", str(source), "--format", "gexf", str(folder / "twarc-network.gexf")])
    load = run(tagjack("load", str(source), "--db", str(db), "--json", "-q"))
    export = run(tagjack("export", "--db", str(db), "--format", "gexf",
                         "--out", str(folder / "tagjack.gexf")))
    analyze = run(tagjack("analyze", "--db", str(db), "--json", "-q"))
    export_after = run(tagjack("export", "--db", str(db), "--format", "gexf",
                               "--out", str(folder / "tagjack-analyzed.gexf")))
    ours = load.seconds + export.seconds
    with_analysis = load.seconds + analyze.seconds + export_after.seconds
    raw = {
        "tweets": tweets,
        "file_mb": round(source.stat().st_size / 2**20, 1),
        "peer": PEER,
        "twarc_network_seconds": round(theirs.seconds, 3),
        "twarc_network_peak_rss_mb": round(theirs.peak_rss_mb, 1),
        "twarc_network_gexf": gexf_counts(folder / "twarc-network.gexf"),
        "tagjack_seconds": round(ours, 3),
        "tagjack_steps": {"load": round(load.seconds, 3), "export": round(export.seconds, 3),
                          "analyze": round(analyze.seconds, 3),
                          "export_after_analyze": round(export_after.seconds, 3)},
        "tagjack_peak_rss_mb": round(max(r.peak_rss_mb for r in (load, export, analyze,
                                                                 export_after)), 1),
        "tagjack_gexf": gexf_counts(folder / "tagjack.gexf"),
        "ratio": round(ours / theirs.seconds, 4),
        "tagjack_with_analysis_seconds": round(with_analysis, 3),
        "ratio_with_analysis": round(with_analysis / theirs.seconds, 4),
    }
    return result(raw, [
        check("ratio", raw["ratio"], "<=", MAX_RATIO, label="tagjack / twarc-network time"),
    ], summary=f"{tweets:,} twarc2 tweets: twarc-network {theirs.seconds:.1f} s, tagjack load+export "
               f"{ours:.1f} s (with analyze {with_analysis:.1f} s)")


def peer_venv(venv: Path, *, install: bool = True) -> Path:
    """The ``twarc2`` of a venv holding only twarc-network, installed on first use."""
    twarc2 = venv / "bin" / "twarc2"
    stamp = venv / ".tagjack-installed"
    if twarc2.exists() and stamp.exists() and stamp.read_text() == PEER:
        return twarc2
    if not install:
        raise PeerUnavailable(f"{PEER} is not installed in {venv} (the full `python -m bench` "
                              "installs it on first use)")
    for step in ([sys.executable, "-m", "venv", "--clear", str(venv)],
                 [str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                  "--disable-pip-version-check", PEER]):
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            raise PeerUnavailable(f"cannot install {PEER} into {venv}: "
                                  f"{(done.stderr or done.stdout).strip()[-300:]}")
    stamp.write_text(PEER)
    return twarc2


def gexf_counts(path: Path) -> dict:
    """Nodes and edges in a GEXF file (counted by their elements, without parsing it)."""
    nodes = edges = 0
    with path.open("rb") as fh:
        for line in fh:
            nodes += line.count(b"<node ")
            edges += line.count(b"<edge ")
    return {"nodes": nodes, "edges": edges, "mb": round(path.stat().st_size / 2**20, 2)}

"""coordination: tagjack's co-retweet network and groups on the simulated v1 file (issue 18).

``tagjack coordination`` (read the retweets from the loaded store, sweep each post's retweets
in time order, test the pairs, write the coordinated pairs back) on the 1M-tweet store, timed
with its peak RSS. Targets: under 60 s and 1.5 GB. Beside it, coordination-network-toolkit
1.5.2 (the test dependency) on the same file: ``compute_networks DB preprocess --format
twitter_json`` then ``compute co_retweet --time_window 60 --min_edge_weight 2``. When the
toolkit cannot finish within TOOLKIT_TIMEOUT, it is run on a tenth of the file (the file's
first lines), tagjack's load and coordination are timed on that same part, and the entry
says so.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.inputs import SEED, WORK, fresh_db, loaded_store, simulated
from bench.measure import Run, TimedOut, run, tagjack, warm
from bench.result import check, result

MAX_SECONDS, MAX_RSS_MB = 60.0, 1536.0
TOOLKIT_TIMEOUT = 1800.0
WINDOW, MIN_WEIGHT = 60, 2


def bench_coordination(tweets: int, *, work: Path = WORK, seed: int = SEED,
                       toolkit_timeout: float = TOOLKIT_TIMEOUT) -> dict:
    db = loaded_store(work, tweets, seed)
    ours = _tagjack(db)
    found = json.loads(ours.stdout)
    raw = {"tweets": tweets, "seconds": round(ours.seconds, 3),
           "peak_rss_mb": round(ours.peak_rss_mb, 1), "retweets": found["actions"],
           "edges": found["edges"], "coordinated_pairs": found["coordinated_pairs"],
           "groups": len(found["groups"])}
    source = simulated(work, tweets, "v1", seed)
    folder = work / f"coordination-{tweets}"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        raw["toolkit"] = _toolkit(source, folder, tweets, timeout=toolkit_timeout)
    except TimedOut as exc:
        part = _head(source, folder / "part.jsonl", tweets // 10)
        raw["toolkit"] = {"full_file": f"killed after {exc.seconds:.0f} s",
                          **_toolkit(part, folder, tweets // 10, timeout=toolkit_timeout)}
        part_db = fresh_db(folder / "part.db")
        load = run(tagjack("load", str(part), "--db", str(part_db), "--json", "-q"))
        raw["tagjack_on_toolkit_part"] = {
            "tweets": tweets // 10, "load_seconds": round(load.seconds, 3),
            "coordination_seconds": round(_tagjack(part_db).seconds, 3)}
    t = raw["toolkit"]
    return result(raw, [
        check("seconds", raw["seconds"], "<", MAX_SECONDS, label="coordination wall", unit="s"),
        check("peak_rss_mb", raw["peak_rss_mb"], "<", MAX_RSS_MB, label="coordination peak RSS",
              unit="MB"),
    ], summary=f"{tweets:,} tweets ({raw['retweets']:,} retweets): tagjack coordination "
               f"{ours.seconds:.1f} s / {ours.peak_rss_mb:,.0f} MB, {raw['edges']:,} edges, "
               f"{raw['groups']} group{'' if raw['groups'] == 1 else 's'}; "
               f"toolkit on {t['tweets']:,} tweets: preprocess "
               f"{t['preprocess_seconds']:.1f} s + co_retweet {t['compute_seconds']:.1f} s")


def _tagjack(db: Path) -> Run:
    return run(tagjack("coordination", "--db", str(db), "--window", str(WINDOW),
                       "--min-weight", str(MIN_WEIGHT), "--json", "-q"))


def _toolkit(source: Path, folder: Path, tweets: int, *, timeout: float) -> dict:
    tool = str(Path(sys.executable).parent / "compute_networks")
    db = fresh_db(folder / "toolkit.db")
    warm(source)
    pre = run([tool, str(db), "preprocess", "--format", "twitter_json", str(source)], timeout=timeout)
    compute = run([tool, str(db), "compute", "co_retweet", "--time_window", str(WINDOW),
                   "--min_edge_weight", str(MIN_WEIGHT), "--n_cpus", "2"], timeout=timeout)
    return {"tweets": tweets, "preprocess_seconds": round(pre.seconds, 3),
            "compute_seconds": round(compute.seconds, 3),
            "peak_rss_mb": round(max(pre.peak_rss_mb, compute.peak_rss_mb), 1)}


def _head(source: Path, out: Path, lines: int) -> Path:
    with source.open("rb") as src, out.open("wb") as dst:
        for _, line in zip(range(lines), src, strict=False):
            dst.write(line)
    return out

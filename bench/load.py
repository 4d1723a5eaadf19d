"""load: ``tagjack load`` of the simulated v1 file against a bare orjson loop (issue 5);
load_v2: the same for the simulated API v2 file, one twarc2 response page of 100 tweets a
line (issue 19); load_jetstream: the same for the simulated Bluesky Jetstream file (issue 17).

Both run as child processes over the same file, already in the page cache.
The load may use several worker processes: its wall time is what counts, and
its peak RSS is that of all its processes together (see bench.measure.Run).
The bare loop runs before and after the load and the faster of the two counts,
so a busy machine can only make the ratio look worse, never better.
Targets: load tweets/s >= 0.3 x the bare loop's; load peak RSS < 1 GB.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.inputs import SEED, WORK, load_into, simulated
from bench.measure import Run, python, run, warm
from bench.result import check, result

MIN_RATIO = 0.3
PEAK_RSS_MB = 1024.0

# The parsing limit: every line through orjson.loads, nothing kept.
ORJSON_LOOP = """
import sys, time, orjson
started = time.perf_counter()
n = 0
with open(sys.argv[1], "rb") as fh:
    for line in fh:
        if line.strip():
            orjson.loads(line)
            n += 1
print(n, time.perf_counter() - started)
"""


def bench_load(tweets: int, *, work: Path = WORK, seed: int = SEED, fmt: str = "v1") -> dict:
    """Load rate as a fraction of the bare orjson rate, and the load's peak RSS.

    ``fmt`` is the simulated format loaded: v1, v2 (whose lines are pages: its rates count
    the tweets simulated), or jetstream (whose lines are events: the posts and each
    account's identity and profile, all counted as lines).
    """
    source = simulated(work, tweets, fmt, seed)
    warm(source)
    before = run(python("-c", ORJSON_LOOP, str(source)))
    loaded = load_into(source.parent / "store" / "tagjack.db", source)  # communities reuses v1
    after = run(python("-c", ORJSON_LOOP, str(source)))
    bare = min(before, after, key=lambda r: r.seconds)
    lines = int(bare.stdout.split()[0])
    counted = tweets if fmt == "v2" else lines
    stats = json.loads(loaded.stdout)
    raw = {
        "tweets": tweets,
        "lines": lines,
        "file_mb": round(source.stat().st_size / 2**20, 1),
        "load_seconds": round(loaded.seconds, 3),
        "load_cpu_seconds": round(loaded.cpu_seconds, 3),
        "load_inner_seconds": stats["seconds"],  # what load reports, without start-up
        "load_tweets_per_s": round(counted / loaded.seconds, 1),
        "load_peak_rss_mb": round(loaded.peak_rss_mb, 1),  # the load and its workers, summed
        "load_peak_pss_mb": round(loaded.peak_pss_mb, 1),
        "load_processes": loaded.processes,
        "orjson_seconds": round(bare.seconds, 3),
        "orjson_seconds_runs": [round(r.seconds, 3) for r in (before, after)],
        "orjson_cpu_seconds": round(bare.cpu_seconds, 3),
        "orjson_inner_seconds": round(float(bare.stdout.split()[1]), 3),
        "orjson_tweets_per_s": round(counted / bare.seconds, 1),
        "ratio": round(bare.seconds / loaded.seconds, 4),
        "ratio_cpu": round(bare.cpu_seconds / loaded.cpu_seconds, 4),  # steadier on a busy machine
        "posts": stats["posts"], "accounts": stats["accounts"], "edges": stats["edges"],
        "rejected": stats["rejected"],
    }
    return result(raw, [
        check("ratio", raw["ratio"], ">=", MIN_RATIO, label="load / orjson tweets/s"),
        check("load_peak_rss_mb", raw["load_peak_rss_mb"], "<", PEAK_RSS_MB, label="load peak RSS",
              unit="MB"),
    ], summary=_summary(counted, loaded, bare, "events" if fmt == "jetstream" else "tweets"))


def _summary(lines: int, loaded: Run, bare: Run, what: str) -> str:
    return (f"{lines:,} {what} loaded in {loaded.seconds:.1f} s ({lines / loaded.seconds:,.0f}/s), "
            f"orjson loop {bare.seconds:.1f} s ({lines / bare.seconds:,.0f}/s)")

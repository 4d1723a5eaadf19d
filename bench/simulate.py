"""simulate: ``tagjack simulate --format v1`` at scale, wall time and peak RSS (issue 4).

Targets, stated for 1M tweets: under 120 s (scaled with the size above 1M) and
under 500 MB whatever the size (the simulator streams to disk).
"""

from __future__ import annotations

from pathlib import Path

from bench.inputs import SEED, WORK, simulate_into, simulation_dir, tweets_file
from bench.result import check, result

SECONDS_PER_MILLION = 120.0
PEAK_RSS_MB = 500.0


def bench_simulate(tweets: int, *, work: Path = WORK, seed: int = SEED) -> dict:
    """Wall time, peak RSS and tweets/s of one ``tagjack simulate`` child."""
    folder = simulation_dir(work, tweets, "v1", seed)
    made = simulate_into(folder, tweets, "v1", seed)  # later benchmarks reuse this file
    size_mb = tweets_file(folder, "v1").stat().st_size / 2**20
    limit = SECONDS_PER_MILLION * max(1.0, tweets / 1e6)
    raw = {
        "tweets": tweets,
        "seconds": round(made.seconds, 3),
        "cpu_seconds": round(made.cpu_seconds, 3),
        "peak_rss_mb": round(made.peak_rss_mb, 1),
        "tweets_per_s": round(tweets / made.seconds, 1),
        "file_mb": round(size_mb, 1),
    }
    return result(raw, [
        check("seconds", raw["seconds"], "<", limit, label="wall time", unit="s"),
        check("peak_rss_mb", raw["peak_rss_mb"], "<", PEAK_RSS_MB, label="peak RSS", unit="MB"),
    ], summary=f"{tweets:,} v1 tweets ({size_mb:,.0f} MB) in {made.seconds:.1f} s, "
               f"{raw['tweets_per_s']:,.0f} tweets/s")

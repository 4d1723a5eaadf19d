"""end to end: load + analyze + report of the simulated v1 file, each step a child (issue 9).

Simulation is not counted. Wall time is the sum of the steps; peak RSS is the
largest of them (each step's processes summed, see bench.measure.Run).
Targets: up to 1M tweets under 180 s and 2 GB; above 1M (the 10M run,
``python -m bench --tweets 10000000 --only end_to_end``) under 30 min and 12 GB.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.inputs import HASHTAG, SEED, WORK, fresh_db, simulated
from bench.measure import Run, run, tagjack, warm
from bench.result import check, result


def targets(tweets: int) -> tuple[float, float]:
    """(seconds, peak RSS MB) the run must stay under at this size."""
    return (180.0, 2048.0) if tweets <= 1_000_000 else (1800.0, 12288.0)


def bench_end_to_end(tweets: int, *, work: Path = WORK, seed: int = SEED,
                     hashtag: str = HASHTAG) -> dict:
    """Per-step and total wall time and peak RSS of load, analyze and report on a fresh store."""
    source = simulated(work, tweets, "v1", seed)
    folder = work / f"e2e-{tweets}"
    db = fresh_db(folder / "tagjack.db")
    warm(source)
    steps: dict[str, Run] = {
        "load": run(tagjack("load", str(source), "--db", str(db), "--json", "-q")),
        "analyze": run(tagjack("analyze", "--db", str(db), "--hashtag", hashtag, "--json", "-q")),
        "report": run(tagjack("report", "--db", str(db), "--hashtag", hashtag,
                              "--out", str(folder / "report.html"))),
    }
    seconds = sum(r.seconds for r in steps.values())
    peak = max(r.peak_rss_mb for r in steps.values())
    analysis = json.loads(steps["analyze"].stdout)
    max_seconds, max_rss = targets(tweets)
    raw = {
        "tweets": tweets,
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(peak, 1),
        "steps": {name: {"seconds": round(r.seconds, 3), "cpu_seconds": round(r.cpu_seconds, 3),
                         "peak_rss_mb": round(r.peak_rss_mb, 1), "peak_pss_mb": round(r.peak_pss_mb, 1),
                         "processes": r.processes} for name, r in steps.items()},
        "analyze_timings": analysis.get("timings", {}),
        "engine": analysis.get("engine"),
        "communities": analysis.get("communities"),
        "modularity": analysis.get("modularity"),
        "report_mb": round((folder / "report.html").stat().st_size / 2**20, 2),
    }
    return result(raw, [
        check("seconds", raw["seconds"], "<", max_seconds, label="load+analyze+report wall",
              unit="s"),
        check("peak_rss_mb", raw["peak_rss_mb"], "<", max_rss, label="peak RSS (max of steps)",
              unit="MB"),
    ], summary=f"{tweets:,} tweets: " + ", ".join(
        f"{name} {r.seconds:.1f} s / {r.peak_rss_mb:,.0f} MB" for name, r in steps.items()))

"""communities: leiden (igraph) against python-louvain on the 1M-tweet store (issue 9).

The undirected retweet + mention projection is built once, in this process.
Each engine then runs in a forked child of it (same projection, copy-on-write,
nothing reloaded) so a time cap can stop python-louvain; the time is taken
inside the child around the engine call alone.
Targets: louvain time / leiden time >= 20; leiden modularity >= louvain's - 0.005.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path

from tagjack.graph.analytics.communities import Partition, leiden, louvain
from tagjack.graph.analytics.pipeline import community_graph
from tagjack.graph.analytics.projection import DEFAULT_TIES, Projection, edge_union
from tagjack.graph.model import EdgeKind
from tagjack.graph.store.sqlite import SqliteStore

from bench.inputs import SEED, WORK, loaded_store
from bench.measure import self_peak_rss_mb
from bench.result import check, result

MIN_SPEEDUP = 20.0
MODULARITY_SLACK = 0.005
LOUVAIN_TIMEOUT = 3600.0

Engine = Callable[..., Partition]


def bench_communities(tweets: int, *, work: Path = WORK, seed: int = SEED,
                      timeout: float = LOUVAIN_TIMEOUT) -> dict:
    """Time and modularity of both engines on one projection; python-louvain capped at ``timeout``."""
    db = loaded_store(work, tweets, seed)
    started = time.perf_counter()
    with SqliteStore(db) as store:
        # the graph analyze gives the engines: each kind weighted by the default ties
        p = community_graph({k: edge_union(store.edges(k)) for k in EdgeKind}, DEFAULT_TIES)
    built = time.perf_counter() - started
    fast = engine_run(leiden, p, seed=1, timeout=timeout)
    slow = engine_run(louvain, p, seed=1, timeout=timeout)
    finished = not (fast["timed_out"] or slow["timed_out"])
    lower_bound = slow["timed_out"] and not fast["timed_out"]
    speedup = slow["seconds"] / fast["seconds"] if not fast["timed_out"] else None
    gap = fast["modularity"] - slow["modularity"] if finished else None
    raw = {
        "tweets": tweets,
        "nodes": p.n,
        "edges": int(len(p.source)),
        "projection_seconds": round(built, 3),
        "leiden": fast,
        "louvain": slow,
        "speedup": round(speedup, 2) if speedup else None,
        "speedup_is_lower_bound": lower_bound,  # python-louvain hit the cap
        "speedup_cpu": round(slow["cpu_seconds"] / fast["cpu_seconds"], 2)  # steadier when busy
        if finished and fast["cpu_seconds"] else None,
        "modularity_gap": round(gap, 6) if gap is not None else None,  # leiden - louvain
    }
    return result(raw, [
        check("speedup", raw["speedup"], ">=", MIN_SPEEDUP, label="louvain / leiden time", unit="x",
              at_least=lower_bound),
        check("modularity_gap", raw["modularity_gap"], ">=", -MODULARITY_SLACK,
              label="leiden - louvain modularity"),
    ], summary=_summary(p, fast, slow))


def engine_run(engine: Engine, p: Projection, *, seed: int, timeout: float) -> dict:
    """``{seconds, modularity, communities, peak_rss_mb, timed_out}`` of one engine in a fork."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_engine_child, args=(engine, p, seed, send), daemon=True)
    started = time.perf_counter()
    child.start()
    send.close()
    if receive.poll(timeout):
        answer = receive.recv()
        child.join()
    else:
        child.kill()
        child.join()
        return {"seconds": round(time.perf_counter() - started, 3), "cpu_seconds": None,
                "modularity": None,
                "communities": None, "peak_rss_mb": None, "timed_out": True}
    if "error" in answer:
        raise RuntimeError(f"{engine.__name__} failed: {answer['error']}")
    return {**answer, "timed_out": False}


def _engine_child(engine: Engine, p: Projection, seed: int, send) -> None:
    try:
        started, cpu = time.perf_counter(), time.process_time()
        found = engine(p, seed=seed)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        send.send({"seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
                   "modularity": round(found.modularity, 6),
                   "communities": int(found.membership.max() + 1) if len(found.membership) else 0,
                   "peak_rss_mb": round(self_peak_rss_mb(), 1)})  # includes the shared projection
    except Exception as exc:  # reported to the parent, which raises it
        send.send({"error": f"{type(exc).__name__}: {exc}"})


def _summary(p: Projection, fast: dict, slow: dict) -> str:
    return f"{p.n:,} accounts, {len(p.source):,} edges: {_said('leiden', fast)}, " \
           f"{_said('python-louvain', slow)}"


def _said(name: str, ran: dict) -> str:
    if ran["timed_out"]:
        return f"{name} > {ran['seconds']:.0f} s (stopped)"
    return f"{name} {ran['seconds']:.2f} s (Q {ran['modularity']:.4f})"

"""tagjack demo: simulate a #MyNYPD-like hijack, load it, analyse it, print the answers, write the report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from tagjack.cli.analyze import analyze
from tagjack.cli.errors import user_errors
from tagjack.cli.load import load
from tagjack.cli.options import open_store
from tagjack.cli.render import out
from tagjack.cli.simulate import simulate
from tagjack.graph.outputs.report import write_report

DEMO_TAG = "#MyNYPD"


def demo(
    out_dir: Annotated[Path, typer.Option(
        "--out", help="Folder for the simulated case, its store and report.")] = Path("demo"),
    tweets: Annotated[int, typer.Option("--tweets", min=1000, help="How many tweets to simulate.")] = 30_000,
    seed: Annotated[int, typer.Option("--seed")] = 1,
) -> None:
    """Simulate, load, analyse and report a #MyNYPD-like hijack on the embedded store."""
    db = out_dir / "tagjack.db"
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)  # a demo always starts from an empty store
    out.rule(f"1. simulate {tweets:,} tweets of a {DEMO_TAG}-like hijack")
    simulate(out=out_dir / "case", tweets=tweets, fmt="v1", seed=seed, scenario=None, quiet=False)
    out.rule("2. load them into the embedded store")
    load(paths=[str(out_dir / "case" / "tweets.jsonl")], db=db, neo4j=None, fmt=None, rejects=None,
         strict=False, batch_size=None, as_json=False, quiet=False)
    out.rule(f"3. analyse {DEMO_TAG}: who took it over, who amplified it, where it spread")
    analyze(db=db, neo4j=None, hashtag=DEMO_TAG, engine="auto", seed=seed, origin=None, window="15m",
            as_json=False, quiet=False)
    out.rule("4. write the report")
    with user_errors(), open_store(db, None) as store:
        report = write_report(store, DEMO_TAG, out_dir / "report.html", seed=seed)
    out.print(f"report: {report.resolve()}  (open it in a browser; it works offline)", highlight=False)
    out.print(f"truth:  {(out_dir / 'case' / 'truth.json').resolve()}  (what the simulator planted)",
              highlight=False)

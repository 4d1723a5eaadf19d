"""tagjack simulate: write a #MyNYPD-like hijack with its ground truth."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from tagjack.cli.errors import err, user_errors
from tagjack.cli.options import SeedOption
from tagjack.graph.simulation.simulate import FORMATS as SIM_FORMATS
from tagjack.graph.simulation.simulate import Scenario
from tagjack.graph.simulation.simulate import simulate as simulate_case


def simulate(
    out: Annotated[Path, typer.Option("--out", help="Folder for tweets.* and truth.json.")],
    tweets: Annotated[int, typer.Option("--tweets", min=100, help="How many tweets.")] = 20_000,
    fmt: Annotated[str, typer.Option(
        "--format", help="v1 (API v1.1 JSONL), v2 (twarc2 JSONL), csv, jetstream (Bluesky) "
        "or mastodon.")] = "v1",
    seed: SeedOption = 1,
    scenario: Annotated[Path | None, typer.Option(
        help="Scenario file (JSON or TOML) to change defaults.")] = None,
    coordinated: Annotated[int, typer.Option(
        "--coordinated", min=0,
        help="Plant a coordinated group of this many hijack accounts (truth.json lists them).")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Simulate a #MyNYPD-like hijack spreading across cities, with ground truth."""
    if fmt not in SIM_FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(SIM_FORMATS)}", param_hint="--format")
    with user_errors():
        case = Scenario.from_file(scenario) if scenario else Scenario()
        if coordinated:
            case = replace(case, coordinated_size=coordinated)
        with Progress(TextColumn("simulate"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, disable=quiet) as progress:
            task = progress.add_task("simulate", total=tweets)
            simulate_case(out, tweets=tweets, fmt=fmt, seed=seed, scenario=case,
                          progress=lambda n: progress.update(task, completed=n))
    err.print(f"wrote {out}/tweets.{'csv' if fmt == 'csv' else 'jsonl'} and {out}/truth.json")

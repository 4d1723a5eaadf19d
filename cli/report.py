"""tagjack report: one self-contained HTML page of the case, for people who would rather look."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from tagjack.cli.answers import OriginOption, parse_window
from tagjack.cli.errors import err, user_errors
from tagjack.cli.hijack import RequiredHashtag
from tagjack.cli.options import DbOption, Neo4jOption, PlatformOption, open_store
from tagjack.graph.outputs.report import NETWORK_SIZE, write_report

OutOption = Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")]


def report(
    hashtag: RequiredHashtag,
    out: OutOption = Path("report.html"),
    db: DbOption = None,
    neo4j: Neo4jOption = None,
    platform: PlatformOption = None,
    top: Annotated[int, typer.Option("--top", min=1, max=500, help="Amplifiers listed.")] = 20,
    network: Annotated[int, typer.Option(
        "--network", min=10, max=2000, help="Accounts drawn in the network view.")] = NETWORK_SIZE,
    origin: OriginOption = None,
    window: Annotated[str | None, typer.Option(
        "--window", help="Takeover window: 15m, 900s, 1h (default: the last analyze's, else 15m).",
        show_default=False)] = None,
) -> None:
    """Write the case as one HTML file that opens offline: summary, takeover, communities,
    amplifiers, spread, network."""
    seconds = parse_window(window) if window else None
    with user_errors(), open_store(db, neo4j, platform=platform) as store, err.status("building the report"):
        path = write_report(store, hashtag, out, top=top, network_size=network, origin=origin,
                            window=seconds)
    err.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB); open it in a browser")
    typer.echo(str(path))

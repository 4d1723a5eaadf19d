"""tagjack export: the graph for Gephi and Cytoscape (GEXF, GraphML), spreadsheets (CSV) or code (JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from tagjack.cli.errors import err, user_errors
from tagjack.cli.options import DbOption, HashtagOption, Neo4jOption, open_store
from tagjack.graph.outputs.export import FORMATS, export_data, write_export


def export(
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="gexf (Gephi, with a timeline), graphml, csv (a folder of "
        "accounts.csv, edges.csv, cities.csv) or json.")],
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="File to write; for csv, the folder.")],
    hashtag: HashtagOption = None,
    db: DbOption = None,
    neo4j: Neo4jOption = None,
) -> None:
    """Export accounts (with the last analyze's community, role, city and scores) and their
    retweet and mention edges."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    with user_errors(), open_store(db, neo4j) as store:
        data = export_data(store, hashtag=hashtag)
        paths = write_export(data, fmt, out)
    err.print(f"exported {len(data.nodes):,} accounts and {len(data.edges):,} edges"
              + ("" if data.run else " (no analysis stored: community, role, city and scores "
                 "are empty; run tagjack analyze first to fill them)"))
    for path in paths:
        typer.echo(str(path))

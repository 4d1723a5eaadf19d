"""tagjack export: the graph for Gephi and Cytoscape (GEXF, GraphML), spreadsheets (CSV), code (JSON), or
the spread for GIS tools (GeoJSON), or the whole graph for neo4j-admin's bulk import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from tagjack.cli.errors import err, user_errors
from tagjack.cli.options import DbOption, HashtagOption, Neo4jOption, PlatformOption, db_path, open_store
from tagjack.graph.errors import StoreUnavailable
from tagjack.graph.model import Platform
from tagjack.graph.outputs.export import FORMATS, export_data, write_export

GEOJSON = "geojson"
NEO4J_ADMIN = "neo4j-admin"
CHOICES = (*FORMATS, GEOJSON, NEO4J_ADMIN)


def export(
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="gexf (Gephi, with a timeline), graphml, csv (a folder of "
        "accounts.csv, edges.csv, cities.csv), json, or geojson (the cities and city-to-city "
        "retweets, for QGIS, kepler.gl or geojson.io), or neo4j-admin (a folder of CSV files for "
        "a fresh Neo4j database: make neo4j IMPORT=DIR).")],
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="File to write; for csv, the folder.")],
    hashtag: HashtagOption = None,
    db: DbOption = None,
    neo4j: Neo4jOption = None,
    platform: PlatformOption = None,
) -> None:
    """Export accounts (with the last analyze's community, role, city and scores) and their
    retweet and mention edges; or, as geojson, the cities and the retweets between them."""
    fmt = fmt.lower()
    if fmt not in CHOICES:
        raise typer.BadParameter(f"choose one of {', '.join(CHOICES)}", param_hint="--format")
    if fmt == NEO4J_ADMIN:
        export_neo4j_admin(out, db=db, neo4j=neo4j, hashtag=hashtag, platform=platform)
        return
    if fmt == GEOJSON:
        export_map(out, hashtag=hashtag, db=db, neo4j=neo4j, platform=platform)
        return
    with user_errors(), open_store(db, neo4j, platform=platform) as store:
        data = export_data(store, hashtag=hashtag)
        paths = write_export(data, fmt, out)
    err.print(f"exported {len(data.nodes):,} accounts and {len(data.edges):,} edges"
              + ("" if data.run else " (no analysis stored: community, role, city and scores "
                 "are empty; run tagjack analyze first to fill them)"))
    for path in paths:
        typer.echo(str(path))


def export_map(out: Path, *, hashtag: str | None, db: Path | None, neo4j: str | None,
               platform: Platform | None) -> None:
    """The GeoJSON export: the tag's spread, or the cities of all posts."""
    from tagjack.graph.outputs.geojson import export_geojson

    with user_errors(), open_store(db, neo4j, platform=platform) as store:
        doc = export_geojson(store, out, hashtag=hashtag)
    kinds = [f["properties"]["kind"] for f in doc["features"]]
    err.print(f"exported {kinds.count('city'):,} cities and {kinds.count('transmission'):,} city-to-city "
              f"flows of {doc['hashtag'] or 'all posts'}"
              + ("" if hashtag or kinds else " (no city known: tagjack analyze locates the accounts)"))
    typer.echo(str(out))


def export_neo4j_admin(out: Path, *, db: Path | None, neo4j: str | None, hashtag: str | None,
                       platform: Platform | None) -> None:
    """The bulk export: the whole SQLite store as neo4j-admin import files."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from tagjack.graph.outputs.neo4j_admin import FILES, write_neo4j_admin

    with user_errors():
        if neo4j or hashtag or platform:
            raise StoreUnavailable(
                "--format neo4j-admin exports a whole SQLite store (--db), not "
                + ("a Neo4j database" if neo4j else "one hashtag or platform"))
        with open_store(db_path(db), None) as store, Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=err, transient=False) as progress:
            task = progress.add_task("neo4j-admin files", total=len(FILES))
            lines = write_neo4j_admin(
                store, out, on_progress=lambda name, done, total: progress.update(
                    task, description=f"{name} written", completed=done, total=total))
    nodes = sum(lines[f.name] for f in FILES if f.option == "nodes")
    err.print(f"exported {nodes:,} nodes and {sum(lines.values()) - nodes:,} relationships; "
              f"build a fresh local Neo4j from them with: make neo4j IMPORT={out}")
    typer.echo(str(out))

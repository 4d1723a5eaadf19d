"""tagjack export: the graph for Gephi and Cytoscape (GEXF, GraphML), spreadsheets (CSV), code (JSON), or
the spread for GIS tools (GeoJSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from tagjack.cli.errors import err, user_errors
from tagjack.cli.options import DbOption, HashtagOption, Neo4jOption, PlatformOption, open_store
from tagjack.graph.model import Platform
from tagjack.graph.outputs.export import FORMATS, export_data, write_export

GEOJSON = "geojson"


def export(
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="gexf (Gephi, with a timeline), graphml, csv (a folder of "
        "accounts.csv, edges.csv, cities.csv), json, or geojson (the cities and city-to-city "
        "retweets, for QGIS, kepler.gl or geojson.io).")],
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
    if fmt not in (*FORMATS, GEOJSON):
        raise typer.BadParameter(f"choose one of {', '.join((*FORMATS, GEOJSON))}", param_hint="--format")
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

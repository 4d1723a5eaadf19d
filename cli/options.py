"""Options every command shares, and opening the store they name."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from tagjack.cli.errors import err
from tagjack.graph.errors import StoreUnavailable
from tagjack.graph.model import Platform
from tagjack.graph.store.base import Store
from tagjack.graph.store.platform import on_platform
from tagjack.graph.store.sqlite import SqliteStore

DbOption = Annotated[Path | None, typer.Option(
    "--db", help="SQLite file (default ./tagjack.db, env TAGJACK_DB).", show_default=False)]
Neo4jOption = Annotated[str | None, typer.Option(
    "--neo4j", help="Neo4j URI, e.g. bolt://127.0.0.1:7687 (env NEO4J_URI; credentials from "
    "NEO4J_USERNAME / NEO4J_PASSWORD / NEO4J_DATABASE).", show_default=False)]
HashtagOption = Annotated[str | None, typer.Option(
    "--hashtag", "-t", help="Hashtag to analyse, e.g. '#MyNYPD' (case-insensitive).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of tables.")]


def platform_name(value: str) -> Platform:
    """The platform ``--platform`` names; an unknown one is a one-line usage error (exit 2)."""
    try:
        return Platform(value.strip().lower())
    except ValueError:
        err.print(f"[red]error:[/] --platform {escape(repr(value))} is no platform: choose "
                  + ", ".join(Platform), soft_wrap=True)
        raise typer.Exit(2) from None


PlatformOption = Annotated[Platform | None, typer.Option(
    "--platform", help="Analyse one platform's accounts and posts (a case may hold several).",
    parser=platform_name, metavar="twitter|bluesky|mastodon", show_default=False)]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed, so runs repeat.")]


def db_path(db: Path | None) -> Path:
    return db or Path(os.environ.get("TAGJACK_DB", "tagjack.db"))


def open_store(db: Path | None, neo4j: str | None, *, create: bool = False,
               any_version: bool = False, platform: Platform | None = None) -> Store:
    """The Neo4j store when a URI is given (flag or env) and no --db, else SQLite;
    with ``platform``, its view of that platform's accounts and posts.

    Reading commands refuse to create an empty SQLite file by mistake. ``any_version``
    opens a Neo4j database an older tagjack made (``tagjack cypher``, to empty it).
    """
    uri = neo4j or (None if db else os.environ.get("NEO4J_URI"))
    if uri:
        from tagjack.graph.store.neo4j import Neo4jStore  # the driver loads only when used

        return on_platform(Neo4jStore.from_env(uri, any_version=any_version), platform)
    path = db_path(db)
    if not create and not path.exists():
        raise StoreUnavailable(f"no database at {path}",
                               hint="load tweets first: tagjack load FILE --db " + str(path))
    return on_platform(SqliteStore(path), platform)

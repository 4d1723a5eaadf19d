"""tagjack communities: the communities of the last analyze (or computed now), largest first."""

from __future__ import annotations

from typing import Annotated

import typer
from tagjack.cli.answers import QuietOption, print_communities, stages
from tagjack.cli.errors import user_errors
from tagjack.cli.options import DbOption, JsonOption, Neo4jOption, PlatformOption, open_store
from tagjack.cli.render import print_json
from tagjack.graph.analytics.hijack import community_summary_json
from tagjack.graph.analytics.pipeline import community_rows


def communities(
    db: DbOption = None,
    neo4j: Neo4jOption = None,
    platform: PlatformOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many to show (tables only).")] = 30,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """List communities with size, role and their most retweeted members."""
    with user_errors(), open_store(db, neo4j, platform=platform) as store, stages(quiet) as progress:
        progress("reading communities")
        rows = community_rows(store)
    if as_json:
        print_json([community_summary_json(c) for c in rows])
    else:
        print_communities(rows, top=top)

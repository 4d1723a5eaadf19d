"""tagjack amplifiers: the accounts that carried a tag, ranked, with their reasons."""

from __future__ import annotations

from typing import Annotated

import typer
from tagjack.cli.answers import QuietOption, print_amplifiers, stages
from tagjack.cli.errors import user_errors
from tagjack.cli.options import DbOption, HashtagOption, JsonOption, Neo4jOption, PlatformOption, open_store
from tagjack.cli.render import print_json
from tagjack.graph.analytics.influence import amplifier_json
from tagjack.graph.analytics.pipeline import amplifier_rows


def amplifiers(
    db: DbOption = None,
    neo4j: Neo4jOption = None,
    platform: PlatformOption = None,
    hashtag: HashtagOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many accounts.")] = 20,
    community: Annotated[int | None, typer.Option(
        "--community", help="Only this community's accounts (ids as `tagjack communities`).")] = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Rank the accounts that amplified a hashtag (all posts without --hashtag)."""
    with user_errors(), open_store(db, neo4j, platform=platform) as store, stages(quiet) as progress:
        progress("ranking amplifiers")
        rows = amplifier_rows(store, hashtag, top, community)
    if as_json:
        print_json([amplifier_json(a) for a in rows])
    else:
        print_amplifiers(rows, title="amplifiers" + (f" of {hashtag}" if hashtag else " (all posts)")
                         + (f", community {community}" if community is not None else ""))

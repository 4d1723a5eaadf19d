"""tagjack account HANDLE: one account's place in the case."""

from __future__ import annotations

from typing import Annotated

import typer
from tagjack.cli.answers import QuietOption, print_profile, stages
from tagjack.cli.errors import user_errors
from tagjack.cli.options import DbOption, JsonOption, Neo4jOption, PlatformOption, open_store
from tagjack.cli.render import print_json
from tagjack.graph.analytics.pipeline import account_profile, account_profile_json


def account(
    handle: Annotated[str, typer.Argument(help="Handle, with or without '@'.")],
    db: DbOption = None,
    neo4j: Neo4jOption = None,
    platform: PlatformOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Community, role, city, scores, and who amplified the account and whom it amplified."""
    with user_errors(), open_store(db, neo4j, platform=platform) as store, stages(quiet) as progress:
        progress("reading the account")
        profile = account_profile(store, handle)
    if as_json:
        print_json(account_profile_json(profile))
    else:
        print_profile(profile)

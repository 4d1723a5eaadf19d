"""tagjack hijack: campaign and hijacker communities of a tag, and the takeover time."""

from __future__ import annotations

from typing import Annotated

import typer
from tagjack.cli.answers import (
    EndorsementOption,
    MinShareOption,
    OriginOption,
    QuietOption,
    WindowOption,
    parse_window,
    print_hijack,
    stages,
)
from tagjack.cli.errors import user_errors
from tagjack.cli.options import DbOption, JsonOption, Neo4jOption, PlatformOption, open_store
from tagjack.cli.render import print_json
from tagjack.graph.analytics.hijack import Thresholds, hijack_json
from tagjack.graph.analytics.pipeline import hijack_report

RequiredHashtag = Annotated[str, typer.Option(
    "--hashtag", "-t", help="Hashtag to analyse, e.g. '#MyNYPD' (case-insensitive).")]


def hijack(
    hashtag: RequiredHashtag,
    db: DbOption = None,
    neo4j: Neo4jOption = None,
    platform: PlatformOption = None,
    origin: OriginOption = None,
    window: WindowOption = "15m",
    min_share: MinShareOption = Thresholds.min_share,
    max_endorsement_ratio: EndorsementOption = Thresholds.max_endorsement_ratio,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Who took the hashtag over, and when."""
    seconds = parse_window(window)
    with user_errors(), open_store(db, neo4j, platform=platform) as store, stages(quiet) as progress:
        progress("finding the hijack")
        found = hijack_report(store, hashtag, origin=origin, window=seconds,
                              thresholds=Thresholds(min_share, max_endorsement_ratio))
    if as_json:
        print_json(hijack_json(found))
    else:
        print_hijack(found)

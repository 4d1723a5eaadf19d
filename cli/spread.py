"""tagjack spread: the cities a tag reached, its local variants and city-to-city retweets."""

from __future__ import annotations

from tagjack.cli.answers import QuietOption, print_spread, stages
from tagjack.cli.errors import user_errors
from tagjack.cli.hijack import RequiredHashtag
from tagjack.cli.options import DbOption, JsonOption, Neo4jOption, PlatformOption, open_store
from tagjack.cli.render import print_json
from tagjack.graph.analytics.pipeline import spread_report
from tagjack.graph.analytics.spread import spread_json


def spread(
    hashtag: RequiredHashtag,
    db: DbOption = None,
    neo4j: Neo4jOption = None,
    platform: PlatformOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Where the hashtag spread: cities in adoption order, variants, transmissions."""
    with user_errors(), open_store(db, neo4j, platform=platform) as store, stages(quiet) as progress:
        progress("tracing the spread")
        found = spread_report(store, hashtag)
    if as_json:
        print_json(spread_json(found))
    else:
        print_spread(found)

"""tagjack status: totals in the store."""

from __future__ import annotations

import dataclasses

from tagjack.cli.errors import user_errors
from tagjack.cli.options import DbOption, JsonOption, Neo4jOption, open_store
from tagjack.cli.render import print_json, print_table


def status(db: DbOption = None, neo4j: Neo4jOption = None, as_json: JsonOption = False) -> None:
    """Show what the store holds: posts, accounts, hashtags, cities, edges, communities,
    and posts and accounts per platform."""
    with user_errors(), open_store(db, neo4j) as store:
        totals = dataclasses.asdict(store.status())
    if as_json:
        print_json(totals)
    else:
        platforms = totals.pop("platforms")
        print_table(f"store {totals.pop('store')}", ["what", "count"],
                    [(k.replace("_", " "), v) for k, v in totals.items()])
        print_table("per platform", ["platform", "posts", "accounts"],
                    [(name, n["posts"], n["accounts"]) for name, n in platforms.items()])

"""tagjack cypher: run your own Cypher on the Neo4j store, read-only unless --write."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
import typer
from tagjack.cli.errors import user_errors
from tagjack.cli.options import DbOption, JsonOption, Neo4jOption, open_store, platform_name
from tagjack.cli.query import ParamOption, parse_params
from tagjack.cli.render import print_json, print_table
from tagjack.graph.errors import TagjackError
from tagjack.graph.model import Platform


def cypher(
    text: Annotated[str, typer.Argument(metavar="QUERY", help="A Cypher query, e.g. "
                                        "\"MATCH (a:Account) RETURN a.handle LIMIT 5\".")],
    params: ParamOption = None,
    write: Annotated[bool, typer.Option(
        "--write", help="Allow writes (the query runs in READ access mode otherwise).")] = False,
    db: DbOption = None,
    neo4j: Neo4jOption = None,
    platform: Annotated[Platform | None, typer.Option(
        "--platform", help="Bind $platform to a platform's name, for a query that filters on it "
        "(see above); the query itself decides what it matches.", parser=platform_name,
        metavar="twitter|bluesky|mastodon", show_default=False)] = None,
    as_json: JsonOption = False,
) -> None:
    """Run a Cypher query on the Neo4j store: read-only unless --write.

    Parameters are bound, never pasted in: --param limit=5 gives $limit. A value
    that reads as JSON is taken as JSON (5, true, ["a","b"]); quote it for a
    string: --param id='"123"'.

    One platform: an account's id names its platform (did:... Bluesky, acct:...
    Mastodon, the rest Twitter), so filter on it, with --platform bluesky giving
    $platform: MATCH (a:Account) WHERE CASE WHEN a.id STARTS WITH 'did:' THEN
    'bluesky' WHEN a.id STARTS WITH 'acct:' THEN 'mastodon' ELSE 'twitter' END =
    $platform RETURN a.handle LIMIT 5. Posts follow their authors.
    """
    values = {k: _value(v) for k, v in parse_params(params or []).items()}
    if platform is not None:
        values["platform"] = str(platform)
    with user_errors(), open_store(db, neo4j, any_version=True) as store:
        run = getattr(store, "user_query", None)
        if run is None:
            raise TagjackError(f"tagjack cypher needs the Neo4j store, not {store.name}",
                               hint="pass --neo4j URI (or set NEO4J_URI); "
                                    "tagjack query runs named queries on SQLite too")
        found = run(text, values, write=write)
    if as_json:
        print_json(found.dicts())
    else:
        print_table("", found.columns, found.rows)


def _value(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return text

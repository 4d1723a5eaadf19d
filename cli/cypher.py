"""tagjack cypher: run your own Cypher on the Neo4j store, read-only unless --write."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
import typer
from tagjack.cli.errors import user_errors
from tagjack.cli.options import DbOption, JsonOption, Neo4jOption, open_store
from tagjack.cli.query import ParamOption, parse_params
from tagjack.cli.render import print_json, print_table
from tagjack.graph.errors import TagjackError


def cypher(
    text: Annotated[str, typer.Argument(metavar="QUERY", help="A Cypher query, e.g. "
                                        "\"MATCH (a:Account) RETURN a.handle LIMIT 5\".")],
    params: ParamOption = None,
    write: Annotated[bool, typer.Option(
        "--write", help="Allow writes (the query runs in READ access mode otherwise).")] = False,
    db: DbOption = None,
    neo4j: Neo4jOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run a Cypher query on the Neo4j store: read-only unless --write.

    Parameters are bound, never pasted in: --param limit=5 gives $limit. A value
    that reads as JSON is taken as JSON (5, true, ["a","b"]); quote it for a
    string: --param id='"123"'.
    """
    values = {k: _value(v) for k, v in parse_params(params or []).items()}
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

"""tagjack query: the named analyst queries, the same on SQLite and Neo4j."""

from __future__ import annotations

from typing import Annotated

import typer
from tagjack.cli.errors import user_errors
from tagjack.cli.options import DbOption, JsonOption, Neo4jOption, PlatformOption, open_store
from tagjack.cli.render import print_json, print_table
from tagjack.graph.store.queries import QUERIES, QueryParamError, bind, get_query, run_query, signature

ParamOption = Annotated[list[str] | None, typer.Option(
    "--param", "-p", help="A parameter as NAME=VALUE; repeat for more.", show_default=False)]


def query(
    name: Annotated[str | None, typer.Argument(help="The query to run (see --list).",
                                               show_default=False)] = None,
    params: ParamOption = None,
    list_queries: Annotated[bool, typer.Option("--list", help="List the named queries.")] = False,
    db: DbOption = None,
    neo4j: Neo4jOption = None,
    platform: PlatformOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run a named query (top amplifiers, community members and bridges, paths, city spread...).

    With --platform, the query covers that platform's accounts only: a handle names
    that platform's account, and rows name no other platform's.
    """
    if list_queries:
        _list(as_json=as_json)
        return
    if name is None:
        raise typer.BadParameter("name a query, or use --list to see them", param_hint="NAME")
    raw = parse_params(params or [])
    with user_errors():
        named = get_query(name)
        try:
            bind(named, raw)
        except QueryParamError as exc:
            raise typer.BadParameter(str(exc) + (f" ({exc.hint})" if exc.hint else ""),
                                     param_hint="--param") from exc
        with open_store(db, neo4j) as store:
            found = run_query(store, name, raw, platform=platform)
    if as_json:
        print_json(found.dicts())
    else:
        print_table(name, found.columns, found.rows)


def _list(*, as_json: bool) -> None:
    rows = [(q.name, signature(q), q.summary) for q in QUERIES.values()]
    if as_json:
        print_json([{"name": n, "params": s, "description": d} for n, s, d in rows])
    else:
        print_table("named queries (tagjack query NAME --param k=v)",
                    ["name", "parameters", "what it answers"], rows)


def parse_params(values: list[str]) -> dict[str, str]:
    """``["k=v", ...]`` -> ``{"k": "v"}``; the value may itself hold '='."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--param")
        out[key.strip()] = value
    return out

"""tagjack coordination: which accounts acted in lockstep (co-action networks, tested against chance)."""

from __future__ import annotations

from typing import Annotated

import typer
from tagjack.cli.answers import QuietOption, handle, stages
from tagjack.cli.errors import user_errors
from tagjack.cli.options import DbOption, HashtagOption, JsonOption, Neo4jOption, PlatformOption, open_store
from tagjack.cli.render import out, print_json, print_table
from tagjack.graph.analytics.coordinated import (
    KINDS,
    CoordinationAnswer,
    coordination_answer,
    coordination_json,
)


def coordination(
    db: DbOption = None,
    neo4j: Neo4jOption = None,
    hashtag: HashtagOption = None,
    window: Annotated[float, typer.Option(
        "--window", min=0, help="Seconds: two actions on one post at most this far apart co-occur.")] = 60,
    min_weight: Annotated[int, typer.Option(
        "--min-weight", min=1, help="Least co-actions for an edge (and distinct posts for a "
        "coordinated pair).")] = 2,
    kind: Annotated[str, typer.Option(
        "--kind", help="co_retweet (the same post retweeted) or co_reply (the same post replied to).")
    ] = "co_retweet",
    alpha: Annotated[float, typer.Option(
        "--alpha", min=0, max=1, help="False discovery rate over the pairs tested.")] = 0.001,
    edges: Annotated[bool, typer.Option(
        "--edges", help="The co-action network itself (with --json: {\"edges\": [...]}).")] = False,
    platform: PlatformOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Coordinated groups: accounts that acted on the same posts within seconds, beyond chance."""
    if kind not in KINDS:
        raise typer.BadParameter(f"choose one of {', '.join(KINDS)}", param_hint="--kind")
    with user_errors(), open_store(db, neo4j, platform=platform) as store, stages(quiet) as progress:
        progress("finding coordinated groups")
        answer = coordination_answer(store, hashtag, kind=kind, window=window,
                                     min_weight=min_weight, alpha=alpha, edges=edges)
    if as_json:
        print_json(coordination_json(answer, edges=edges))
    elif edges:
        print_table(f"{answer.kind} network ({answer.pairs:,} edges)", ["source", "target", "weight"],
                    [(handle(s), handle(t), w) for s, t, w in answer.edges or []])
    else:
        print_groups(answer)


def print_groups(a: CoordinationAnswer) -> None:
    scope = f"#{a.hashtag}" if a.hashtag else "all posts"
    print_table(f"coordinated groups, {a.kind} within {a.window:g} s ({scope})",
                ["group", "accounts", "community", "role", "p-value", "posts pushed", "median gap",
                 "coordinated share", "members"],
                [(g.id, len(g.handles), g.community, g.role, f"{g.p_value:.1e}", g.pushed,
                  f"{g.median_gap_s:.1f} s", f"{g.coordinated_share:.0%}",
                  ", ".join(handle(h) for h in g.handles[:8]) + (" ..." if len(g.handles) > 8 else ""))
                 for g in a.groups])
    out.print(f"{a.actions:,} actions; plain {a.kind} network: {a.pairs:,} edges of weight >= "
              f"{a.min_weight}; {a.coordinated_pairs:,} pairs coordinated beyond chance "
              f"(false discovery rate {a.alpha:g}) in {len(a.groups):,} groups",
              soft_wrap=True, highlight=False)

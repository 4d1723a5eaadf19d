"""tagjack analyze: communities, scores, hijack and spread in one run, written back to the store."""

from __future__ import annotations

from typing import Annotated

import typer
from tagjack.cli.answers import (
    EndorsementOption,
    MinShareOption,
    OriginOption,
    QuietOption,
    TiesOption,
    WindowOption,
    parse_window,
    print_amplifiers,
    print_communities,
    print_hijack,
    print_spread,
    stages,
)
from tagjack.cli.errors import user_errors
from tagjack.cli.options import (
    DbOption,
    HashtagOption,
    JsonOption,
    Neo4jOption,
    PlatformOption,
    SeedOption,
    open_store,
)
from tagjack.cli.render import out, print_json
from tagjack.graph.analytics.communities import ENGINES
from tagjack.graph.analytics.hijack import Thresholds
from tagjack.graph.analytics.pipeline import analysis_json, summary_text
from tagjack.graph.analytics.pipeline import analyze as run_analysis
from tagjack.graph.analytics.projection import DEFAULT_TIES, Ties
from tagjack.graph.errors import TagjackError

DEFAULT_TIES_TEXT = DEFAULT_TIES.text()
EngineOption = Annotated[str, typer.Option(
    "--engine", help=f"Community engine: {', '.join(ENGINES)} (gds runs inside Neo4j).")]


def analyze(
    db: DbOption = None,
    neo4j: Neo4jOption = None,
    platform: PlatformOption = None,
    hashtag: HashtagOption = None,
    engine: EngineOption = "auto",
    seed: SeedOption = 1,
    origin: OriginOption = None,
    window: WindowOption = "15m",
    min_share: MinShareOption = Thresholds.min_share,
    max_endorsement_ratio: EndorsementOption = Thresholds.max_endorsement_ratio,
    ties: TiesOption = DEFAULT_TIES_TEXT,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Find communities, amplifiers, the hijack and the spread; store the results."""
    if engine not in ENGINES:
        raise typer.BadParameter(f"choose one of {', '.join(ENGINES)}", param_hint="--engine")
    seconds = parse_window(window)
    try:
        weights = Ties.parse(ties)
    except TagjackError as exc:
        raise typer.BadParameter(str(exc).removeprefix("--ties: "), param_hint="--ties") from exc
    with user_errors(), open_store(db, neo4j, platform=platform) as store, stages(quiet) as progress:
        found = run_analysis(store, hashtag=hashtag, engine=engine, seed=seed, origin=origin,
                             window=seconds, progress=progress, ties=weights,
                             thresholds=Thresholds(min_share, max_endorsement_ratio))
    if as_json:
        print_json(analysis_json(found))
        return
    out.print(summary_text(found), soft_wrap=True, highlight=False)
    if found.hijack is not None:
        print_hijack(found.hijack, top=8)
    print_amplifiers(found.amplifiers[:10], reasons=False, title="top amplifiers"
                     + (f" of #{found.hashtag}" if found.hashtag else " (all posts)")
                     + "; `tagjack amplifiers` gives the reasons")
    print_communities(found.communities, top=10)
    if found.spread is not None:
        print_spread(found.spread)
    out.print(f"engine {found.engine}, modularity {found.modularity:.3f}, "
              f"{found.seconds:.1f} s; results written to {store.name}", highlight=False)

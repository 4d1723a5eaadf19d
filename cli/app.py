"""The tagjack command line: parse, call graph/, render. No logic lives here.

A command's module is imported only when that command runs: ``tagjack load``
has no use for igraph, plotly or the analysis code, and importing every
command cost 0.3 s at each start. ``app`` (for tests and tools) holds them all.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterable

import typer

# The Neo4j driver logs each retried transaction and dropped connection as a warning;
# with no handler set up, Python prints those raw on stderr. tagjack says what failed itself.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

# command -> module in tagjack.cli holding a function of the same name, in --help order
COMMANDS = ("load", "status", "analyze", "communities", "hijack", "amplifiers", "spread",
            "coordination", "account", "query", "cypher", "browser", "report", "export", "simulate", "demo")


def root() -> None:
    """tagjack: who took a hashtag over, who amplified it, and where it spread."""


def build(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """The app with the commands ``names`` (their modules imported now)."""
    built = typer.Typer(
        name="tagjack",
        help="Take a hashtag hijack apart: who took it over, who amplified it, where it spread.",
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,
        add_completion=False,
    )
    built.callback()(root)
    for name in names:
        built.command(name)(getattr(importlib.import_module(f"tagjack.cli.{name}"), name))
    return built


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return build()
    raise AttributeError(name)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else None
    build([command] if command in COMMANDS else COMMANDS)()

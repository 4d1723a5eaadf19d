"""The tagjack command line: parse, call graph/, render. No logic lives here."""

from __future__ import annotations

import logging

import typer
from tagjack.cli import account as account_cmd
from tagjack.cli import amplifiers as amplifiers_cmd
from tagjack.cli import analyze as analyze_cmd
from tagjack.cli import browser as browser_cmd
from tagjack.cli import communities as communities_cmd
from tagjack.cli import cypher as cypher_cmd
from tagjack.cli import demo as demo_cmd
from tagjack.cli import export as export_cmd
from tagjack.cli import hijack as hijack_cmd
from tagjack.cli import load as load_cmd
from tagjack.cli import query as query_cmd
from tagjack.cli import report as report_cmd
from tagjack.cli import simulate as simulate_cmd
from tagjack.cli import spread as spread_cmd
from tagjack.cli import status as status_cmd

# The Neo4j driver logs each retried transaction and dropped connection as a warning;
# with no handler set up, Python prints those raw on stderr. tagjack says what failed itself.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

app = typer.Typer(
    name="tagjack",
    help="Take a hashtag hijack apart: who took it over, who amplified it, where it spread.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)



@app.callback()
def root() -> None:
    """tagjack: who took a hashtag over, who amplified it, and where it spread."""


app.command("load")(load_cmd.load)
app.command("status")(status_cmd.status)
app.command("analyze")(analyze_cmd.analyze)
app.command("communities")(communities_cmd.communities)
app.command("hijack")(hijack_cmd.hijack)
app.command("amplifiers")(amplifiers_cmd.amplifiers)
app.command("spread")(spread_cmd.spread)
app.command("account")(account_cmd.account)
app.command("query")(query_cmd.query)
app.command("cypher")(cypher_cmd.cypher)
app.command("browser")(browser_cmd.browser)
app.command("report")(report_cmd.report)
app.command("export")(export_cmd.export)
app.command("simulate")(simulate_cmd.simulate)
app.command("demo")(demo_cmd.demo)


def main() -> None:
    app()

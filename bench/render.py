"""results.json as a short rich table (on screen) or a markdown table (for the README)."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console
from rich.table import Table

MARK = {True: "pass", False: "FAIL", None: ""}


def machine_line(doc: dict) -> str:
    m = doc["machine"]
    return (f"{m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, Python {m['python']}, "
            f"{m['system']}")


def sizes_line(doc: dict) -> str:
    return (f"{doc['tweets']:,} simulated tweets (peer {doc['peer_tweets']:,}, "
            f"Neo4j {doc['neo4j_tweets']:,}); code {doc.get('code', 'unknown')}, "
            f"started {doc['started_at']}"
            + (" (--quick: sizes too small for the figures to mean anything)" if doc.get("quick")
               else ""))


def rows(doc: dict) -> Iterator[tuple[str, str, str, str, str]]:
    """(benchmark, figure, measured, target, verdict) per check; one row per skip or error."""
    for name, found in doc["results"].items():
        if found["status"] == "skipped":
            yield name, "skipped", found["reason"], "", ""
        elif found["status"] == "error":
            yield name, "error", found["error"], "", "FAIL"
        elif not found["checks"]:
            yield name, "(no target)", found.get("summary", ""), "", ""
        for c in found["checks"]:
            yield (name, c["label"], value_text(c), f"{c['op']} {number(c['target'], c)}",
                   MARK[c["pass"]])


def value_text(c: dict) -> str:
    if c["value"] is None:
        return "not measured"
    return (">= " if c.get("at_least") else "") + number(c["value"], c)


def number(value: float, c: dict) -> str:
    if c["metric"] == "modularity_gap":
        return f"{value:+.4f}"
    unit = c.get("unit", "")
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "s":
        return f"{value:,.1f} s"
    if unit == "x":
        return f"{value:,.2f}x" if value < 1 else f"{value:,.1f}x"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"


def print_table(doc: dict, console: Console) -> None:
    table = Table("benchmark", "figure", "measured", "target", "", title="tagjack bench",
                  caption=f"{machine_line(doc)}\n{sizes_line(doc)}", title_justify="left")
    for name, figure, measured, target, verdict in rows(doc):
        style = "red" if verdict == "FAIL" else "green" if verdict == "pass" else "dim"
        table.add_row(name, figure, measured, target, f"[{style}]{verdict}[/]")
    console.print(table)


def _other_run(doc: dict, found: dict) -> str:
    """Where an entry kept from an earlier run was measured, when that run's code differs."""
    code = found.get("code")
    if code is None or code == doc.get("code"):
        return ""
    return f" (measured {found.get('measured_at', 'earlier')} on code {code})"


def markdown(doc: dict) -> str:
    lines = [f"Measured on {machine_line(doc)}; {sizes_line(doc)}.", "",
             "| benchmark | figure | measured | target | |", "|---|---|---|---|---|"]
    for row in rows(doc):
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    lines.append("")
    for name, found in doc["results"].items():
        if found.get("summary"):
            lines.append(f"- **{name}**: {found['summary']}{_other_run(doc, found)}")
    return "\n".join(lines) + "\n"

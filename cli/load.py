"""tagjack load: files, globs, directories, .gz -> the store, with progress and a summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TransferSpeedColumn
from tagjack.cli.errors import err, user_errors
from tagjack.cli.options import DbOption, JsonOption, Neo4jOption, db_path, open_store
from tagjack.cli.render import print_json, print_table
from tagjack.graph.ingest.batches import LoadStats, RejectsFile
from tagjack.graph.ingest.loader import NEO4J_BATCH_SIZE, SQLITE_BATCH_SIZE, load_path
from tagjack.graph.ingest.readers.detect import FORMATS, input_files


def load(
    paths: Annotated[list[str], typer.Argument(help="Files, globs or directories (.gz is fine).")],
    db: DbOption = None,
    neo4j: Neo4jOption = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help=f"Skip detection: one of {', '.join(FORMATS)}.")] = None,
    rejects: Annotated[Path | None, typer.Option(
        help="Where rejected lines go (default <db>.rejects.jsonl).")] = None,
    strict: Annotated[bool, typer.Option(help="Stop at the first bad record (exit 2).")] = False,
    batch_size: Annotated[int | None, typer.Option(
        min=1, help=f"Records per transaction (default: {SQLITE_BATCH_SIZE:,} into SQLite, "
                    f"{NEO4J_BATCH_SIZE:,} into Neo4j).", show_default=False)] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Processes for a big JSON Lines file into SQLite (default: cores, up to 4).",
        show_default=False)] = None,
    as_json: JsonOption = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Load tweet collections (API v1.1, v2 pages, twarc2 JSONL, CSV, edge lists)."""
    if fmt is not None and fmt not in FORMATS:
        raise typer.BadParameter(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}",
                                 param_hint="--format")
    with user_errors():
        files = input_files(paths)
        sink = RejectsFile(rejects or _default_rejects(db, neo4j))
        stats = LoadStats()
        with open_store(db, neo4j, create=True) as store, _progress(quiet) as progress:
            for path in files:
                task = progress.add_task(path.name, total=path.stat().st_size)
                load_path(store, path, fmt=fmt, rejects=sink, batch_size=batch_size, strict=strict,
                          stats=stats, workers=workers,
                          on_progress=lambda done, t=task: progress.update(t, completed=done))
                progress.update(task, completed=path.stat().st_size)
        sink.close()
    _render(stats, as_json=as_json)


def _default_rejects(db: Path | None, neo4j: str | None) -> Path:
    if neo4j:
        return Path("neo4j.rejects.jsonl")
    path = db_path(db)
    return path.with_name(path.name + ".rejects.jsonl")


def _progress(quiet: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TransferSpeedColumn(),
                    TimeElapsedColumn(), console=err, disable=quiet, transient=False)


def _render(stats: LoadStats, *, as_json: bool) -> None:
    doc = {"posts": stats.posts, "accounts": stats.accounts, "edges": stats.edges,
           "deleted": stats.deleted, "rejected": stats.rejected, "rejects_file": stats.rejects_file,
           "seconds": round(stats.seconds, 3)}
    if as_json:
        print_json(doc)
        return
    print_table("load", ["new posts", "new accounts", "new interactions", "deleted posts",
                         "rejected", "seconds"],
                [(stats.posts, stats.accounts, stats.edges, stats.deleted, stats.rejected,
                  round(stats.seconds, 1))])
    if stats.rejected:
        err.print(f"{stats.rejected:,} rejected records written to {stats.rejects_file}")

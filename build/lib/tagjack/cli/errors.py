"""One place where library errors become one readable line and an exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape
from tagjack.graph.errors import StrictReject, TagjackError

err = Console(stderr=True)


@contextmanager
def user_errors() -> Iterator[None]:
    try:
        yield
    except StrictReject as exc:
        _show(exc)
        raise typer.Exit(2) from exc
    except TagjackError as exc:
        _show(exc)
        raise typer.Exit(1) from exc
    except KeyboardInterrupt as exc:
        err.print("[red]interrupted[/]: whole batches were kept; run the same command again to finish")
        raise typer.Exit(130) from exc


def _show(exc: TagjackError) -> None:
    err.print(f"[red]error:[/] {escape(str(exc))}"
              + (f"\n  hint: {escape(exc.hint)}" if exc.hint else ""), soft_wrap=True)

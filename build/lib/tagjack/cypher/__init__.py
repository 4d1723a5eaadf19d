"""Every Cypher statement tagjack runs, as package data (``cypher/**/*.cypher``).

A statement's name is its path without the suffix: ``load/posts`` is
``cypher/load/posts.cypher``, run by ``Neo4jStore._upsert_posts``. Values are
always ``$parameters``; labels and types can't be, so variants get a file each.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import LiteralString, cast

from tagjack.graph.errors import NotFound

# A statement ends at a ';' that closes a line (schema.cypher holds several).
_END = re.compile(r";[ \t]*(?://[^\n]*)?$", re.MULTILINE)
_COMMENT = re.compile(r"//[^\n]*")
# String literals and comments hide no parameters (whichever starts first wins).
_HIDDEN = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@cache
def statement(name: str) -> LiteralString:
    """The text of ``cypher/<name>.cypher``; NotFound if there is none."""
    path = files(__name__).joinpath(f"{name}.cypher")
    if not path.is_file():
        raise NotFound(f"no Cypher statement {name!r}")
    text = path.read_text(encoding="utf-8")
    return cast(LiteralString, text)  # package data, never user input


def statements(name: str) -> list[LiteralString]:
    """The ``;``-separated statements of one file, comments and blanks dropped."""
    parts = (p.strip() for p in _END.split(statement(name)))
    return [cast(LiteralString, p) for p in parts if _COMMENT.sub("", p).strip()]


def names(folder: str = "") -> list[str]:
    """Names of every statement under ``folder`` ("" for all), sorted."""
    root = files(__name__)
    for part in filter(None, folder.split("/")):
        root = root.joinpath(part)
    prefix = f"{folder.strip('/')}/" if folder else ""
    return sorted(prefix + n for n in _walk(root))


def _walk(node: Traversable) -> list[str]:
    found: list[str] = []
    if not node.is_dir():
        return found
    for child in node.iterdir():
        if child.is_dir():
            found += [f"{child.name}/{n}" for n in _walk(child)]
        elif child.name.endswith(".cypher"):
            found.append(child.name.removesuffix(".cypher"))
    return found


def description(name: str) -> str:
    """The first comment line of a statement, without its ``// name:`` lead-in."""
    first = statement(name).lstrip().splitlines()[0] if statement(name).strip() else ""
    if not first.startswith("//"):
        return ""
    text = first.removeprefix("//").strip()
    lead = f"{name.rsplit('/', 1)[-1]}:"
    return text.removeprefix(lead).strip()


def parameters(name: str) -> frozenset[str]:
    """The ``$parameters`` a statement uses (outside comments and strings).

    A quick scan for run-time checks; the offline lint (tests/cypher_lint.py)
    asks Neo4j's own parser.
    """
    text = _HIDDEN.sub(" ", statement(name))
    return frozenset(_PARAM.findall(text))

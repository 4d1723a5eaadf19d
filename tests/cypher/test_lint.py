"""Every .cypher file of tagjack.cypher passes Neo4j's parser and semantic analysis.

One node process per session: the module fixture lints the package's files, the
samples and the deliberately broken statements in a single `lint()` call.
"""

import importlib
from collections.abc import Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest
from cypher_lint import Diagnostic, lint_or_skip

REPO = Path(__file__).resolve().parents[2]
CYPHER_DIR = REPO / "cypher"
SAMPLES = Path(__file__).resolve().parent / "samples"
SUITE = Path(__file__).resolve().parent / "suite"  # the test suite's own statements
FAILING = {"error", "warning"}
# Warnings a package file may keep, reviewed: {"queries/x.cypher": ["cartesian product"]}
# (substrings of the message). Errors are never allowed.
ALLOWED_WARNINGS: dict[str, list[str]] = {}


def passed_params(name: str) -> set[str] | None:
    """The $params the Python code passes when it runs statement `name` ("load/posts").

    None means "not known yet": the file may use any parameter (the linter then
    declares exactly the ones Neo4j's parser finds in it). To check that every
    $param of a file is passed by its caller, return the names the caller passes,
    e.g. from a registry next to the store:

        from tagjack.graph.store.neo4j import STATEMENT_PARAMS  # {"load/posts": {"rows"}, ...}
        return set(STATEMENT_PARAMS[name])
    """
    from tagjack.graph.store.neo4j import STATEMENT_PARAMS  # the store refuses any other set

    return set(STATEMENT_PARAMS[name])


def _walk(node: Traversable, prefix: str = "") -> list[tuple[str, str]]:
    found = []
    for child in node.iterdir():
        if child.is_dir():
            found += _walk(child, f"{prefix}{child.name}/")
        elif child.name.endswith(".cypher"):
            found.append((f"{prefix}{child.name}", child.read_text(encoding="utf-8")))
    return found


def package_files() -> dict[str, str]:
    """`{"load/posts.cypher": text}` for every .cypher file the package ships."""
    try:
        importlib.import_module("tagjack.cypher")
    except ModuleNotFoundError as exc:  # no cypher/__init__.py yet
        if exc.name != "tagjack.cypher":
            raise
        return {}
    return dict(sorted(_walk(files("tagjack.cypher"))))


def statement_name(path: str) -> str:
    return path.removesuffix(".cypher")


# name -> (statement, params it may use, expected diagnostic: severity, line, column, text)
BROKEN = {
    "syntax": (
        "MATCH (a:Account RETURN a", set(),
        ("error", 1, 18, "Invalid input 'RETURN'"),
    ),
    "undefined_variable": (
        "MATCH (a:Account)\nRETURN b.handle AS handle", set(),
        ("error", 2, 8, "Variable `b` not defined"),
    ),
    "bad_aggregation": (
        "MATCH (a:Account) RETURN a.handle, count(*) + a.followers", set(),
        ("error", 1, 47, "Aggregation column contains implicit grouping expressions"),
    ),
    "undeclared_param": (
        "UNWIND $rows AS row\nMATCH (a:Account {id: row.id})\nSET a.pagerank = $pagerank", {"rows"},
        ("error", 3, 18, "Parameter $pagerank is not defined."),
    ),
    "param_not_passed": (
        "UNWIND $rows AS row MERGE (p:Post {id: row.id})", set(),
        ("error", 1, 8, "Parameter $rows is not defined."),
    ),
    "unknown_label_read": (
        "MATCH (a:Acount) RETURN a.handle AS handle", set(),
        ("warning", 1, 10, "Label Acount is not present in the database"),
    ),
    "unknown_type_read": (
        "MATCH (a:Account)-[:RETWEET]->(b:Account) RETURN b.handle AS handle", set(),
        ("warning", 1, 21, "Relationship type RETWEET is not present in the database"),
    ),
    "against_model_endpoints": (
        "MATCH (a:Account)-[:RETWEETS]->(b:Account) RETURN b.handle AS handle", set(),
        ("warning", 1, 7, "[:RETWEETS] has no incoming (:Account)"),
    ),
    "against_model_direction": (
        "MATCH (p:Post)-[:POSTED]->(a:Account) RETURN a.handle AS handle", set(),
        ("warning", 1, 7, "[:POSTED] has no incoming (:Post)"),
    ),
    "unknown_label_merge": (
        "UNWIND $rows AS row MERGE (p:Pots {id: row.id})", {"rows"},
        ("warning", 1, 30, "Label or relationship type Pots is not in tagjack's graph model"),
    ),
    "unknown_property_set": (
        "UNWIND $rows AS row MATCH (a:Account {id: row.id}) SET a.pagrank = row.pagerank",
        {"rows"},
        ("warning", 1, 58, "Property pagrank is not in tagjack's graph model"),
    ),
    "unknown_property_read": (
        "MATCH (a:Account) RETURN a.folowers AS followers", set(),
        ("warning", 1, 28, "Property folowers is not in tagjack's graph model"),
    ),
    "unknown_function": (
        "UNWIND $rows AS row RETURN datetme(row.created_at) AS t", {"rows"},
        ("error", 1, 28, "Function datetme is not present in the database"),
    ),
    "no_apoc": (
        "RETURN apoc.text.join(['a', 'b'], ',') AS s", set(),
        ("error", 1, 8, "Function apoc.text.join is not present in the database"),
    ),
    "gds_typo": (
        "CALL gds.pagerank.stream($graph) YIELD nodeId, score RETURN nodeId, score", {"graph"},
        ("error", 1, 6, "Procedure gds.pagerank.stream is not present in the database"),
    ),
    "deprecated": (
        "MATCH (a:Account) WHERE id(a) = 0 RETURN a.handle AS handle", set(),
        ("warning", 1, 25, "The query used a deprecated function"),
    ),
    "second_statement": (
        "MATCH (a:Account) RETURN a.handle AS handle;\nMATCH (b:Account) RETURN c", set(),
        ("error", 2, 26, "Variable `c` not defined"),
    ),
    "console_command": (
        ":param rows => []", set(),
        ("error", 1, 1, "Console commands are unsupported"),
    ),
}

# Samples with the parameters a caller would pass, as passed_params() will say.
SAMPLE_PARAMS = {
    "schema": set(),
    "load/posts": {"rows"},
    "load/retweeted": {"rows"},
    "writeback/accounts": {"rows", "run"},
    "queries/top_amplifiers": {"hashtag", "top"},
}


def sample_files() -> dict[str, str]:
    return {
        str(p.relative_to(SAMPLES)): p.read_text(encoding="utf-8")
        for p in sorted(SAMPLES.rglob("*.cypher"))
    }


# tests/neo4j_server.py's statements and the $params it passes. They may name the suite's
# marker label, which is in no graph model (that is the point of it).
SUITE_PARAMS = {
    "state": set(),
    "mark": set(),
    "wipe_relationships": {"batch_size"},
    "wipe_nodes": {"batch_size"},
    "dump_nodes": set(),
    "dump_relationships": set(),
}
SUITE_ALLOWED_WARNINGS = ["TagjackTestSuite"]


def suite_files() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SUITE.glob("*.cypher"))}


@pytest.fixture(scope="module")
def diagnostics() -> dict[str, list[Diagnostic]]:
    request: dict[str, tuple[str, set[str] | None]] = {}
    for path, text in package_files().items():
        request[f"cypher/{path}"] = (text, passed_params(statement_name(path)))
    for path, text in sample_files().items():
        request[f"samples/{path}"] = (text, None)
        request[f"samples-passed/{path}"] = (text, SAMPLE_PARAMS[statement_name(path)])
    for path, text in suite_files().items():
        request[f"suite/{path}"] = (text, SUITE_PARAMS[statement_name(path)])
    for name, (text, params, _) in BROKEN.items():
        request[f"broken/{name}.cypher"] = (text, params)
    by_file: dict[str, list[Diagnostic]] = {name: [] for name in request}
    for d in lint_or_skip(request):
        by_file[d.file].append(d)
    return by_file


def failing(diags: list[Diagnostic], allowed: Sequence[str] = ()) -> list[str]:
    return [
        str(d) for d in diags
        if d.severity in FAILING
        and not (d.severity == "warning" and any(a in d.message for a in allowed))
    ]


def test_package_ships_every_cypher_file():
    on_disk = sorted(str(p.relative_to(CYPHER_DIR)) for p in CYPHER_DIR.rglob("*.cypher"))
    assert sorted(package_files()) == on_disk


def test_package_files_lint_clean(diagnostics):
    found = {name: d for name, d in diagnostics.items() if name.startswith("cypher/")}
    assert len(found) == len(list(CYPHER_DIR.rglob("*.cypher")))
    problems = [
        msg for name, d in found.items()
        for msg in failing(d, ALLOWED_WARNINGS.get(name.removeprefix("cypher/"), []))
    ]
    assert problems == []


@pytest.mark.parametrize("mode", ["samples", "samples-passed"])
def test_samples_lint_clean(diagnostics, mode):
    found = {name: d for name, d in diagnostics.items() if name.startswith(f"{mode}/")}
    assert len(found) == len(sample_files()) >= 3
    assert [str(d) for ds in found.values() for d in ds] == []


def test_suite_files_lint_clean(diagnostics):
    found = {name: d for name, d in diagnostics.items() if name.startswith("suite/")}
    assert sorted(found) == sorted(f"suite/{name}.cypher" for name in SUITE_PARAMS)
    assert [msg for d in found.values() for msg in failing(d, SUITE_ALLOWED_WARNINGS)] == []


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_statement_is_caught(diagnostics, name):
    severity, line, column, text = BROKEN[name][2]
    got = diagnostics[f"broken/{name}.cypher"]
    hits = [
        d for d in got
        if (d.severity, d.line, d.column) == (severity, line, column) and text in d.message
    ]
    assert hits, f"expected {severity} at {line}:{column} containing {text!r}, got:\n" + "\n".join(
        map(str, got)
    )

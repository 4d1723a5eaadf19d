"""Offline lint of Cypher with Neo4j's own parser and semantic analysis.

`lint()` sends statements to ``node tests/cypher-lint/lint.mjs``, which runs
``lintCypherQuery`` of the npm package ``@neo4j-cypher/language-support``
(exact version pinned in ``tests/cypher-lint/package.json``) against tagjack's
graph model below. It reports syntax errors, undefined variables, bad
aggregations, undeclared ``$parameters``, unknown functions and procedures
(errors); unknown labels, relationship types and properties, relationships
against the model's directions, and deprecations (warnings).

The npm install is lazy: the first `lint()` runs ``npm ci`` in
``tests/cypher-lint`` when ``node_modules`` is missing or stale, so
``make setup`` never needs npm.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

LINT_DIR = Path(__file__).resolve().parent / "cypher-lint"
PACKAGE = "@neo4j-cypher/language-support"
MIN_NODE_MAJOR = 20

# --- tagjack's graph model as the linter sees it (DESIGN.md, "Graph model"). ---
# The one place to extend: a label, type or property used in a .cypher file but
# missing here is reported as a warning, and warnings fail the package-file test.

NODE_PROPERTIES: dict[str, tuple[str, ...]] = {
    # write-back puts community, pagerank, amplifier_score, role (and city) on :Account
    "Account": ("id", "handle", "name", "followers", "location_text",
                "community", "pagerank", "amplifier_score", "role", "city"),
    # ref_author_id: who a retweet/quote refers to, also when the referred post is unknown
    # (a truncated "RT @x:"); reply_to_author_id: who a reply (or a quote that replies)
    # answers; place_* and lat/lon: the geo evidence of the post
    "Post": ("id", "created_at", "text", "lang", "kind", "ref_author_id", "reply_to_author_id",
             "place_id", "place_full_name", "place_country_code", "place_lat", "place_lon",
             "lat", "lon"),
    "Hashtag": ("tag",),
    "City": ("id", "name", "country", "lat", "lon"),
    "Community": ("run", "id", "size", "role", "label"),
    # the last complete write-back: its run id and summary (JSON), written last
    "Run": ("id", "meta"),
    # the version of the graph model the database holds (an older tagjack's data has none)
    "Schema": ("id", "version"),
    # the id of a deleted post or repost (a Bluesky delete event): never stored again
    "Deleted": ("id",),
}

# type: (from label, to label, properties)
RELATIONSHIPS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "POSTED": ("Account", "Post", ()),
    "RETWEETS": ("Post", "Post", ()),
    "QUOTES": ("Post", "Post", ()),
    "REPLIES_TO": ("Post", "Post", ()),
    "MENTIONS": ("Post", "Account", ()),
    "TAGGED": ("Post", "Hashtag", ()),
    "LOCATED_IN": ("Account", "City", ("source",)),
    # given: the weight an edge list gave, so reloading the list replaces it instead of adding
    "RETWEETED": ("Account", "Account", ("count", "first_at", "last_at", "given")),
    "QUOTED": ("Account", "Account", ("count", "first_at", "last_at", "given")),
    "REPLIED_TO": ("Account", "Account", ("count", "first_at", "last_at", "given")),
    "MENTIONED": ("Account", "Account", ("count", "first_at", "last_at", "given")),
    "IN_COMMUNITY": ("Account", "Community", ()),
    # `tagjack coordination`: a coordinated pair (undirected; written from the lower account key)
    "COORDINATED_WITH": ("Account", "Account", ("kind", "weight", "window_s", "group", "posts",
                                                "p_value")),
}

# Property keys on no node or relationship of the model but still legitimate.
EXTRA_PROPERTY_KEYS: tuple[str, ...] = ()

# Functions and procedures: the package's own registry of Neo4j 5 built-ins, GDS
# and APOC, minus APOC (tagjack's server runs GDS, not APOC). To check against the
# real server instead, put its SHOW FUNCTIONS / SHOW PROCEDURES output here as
# DbSchema "functions" / "procedures" registries (see lint.mjs).
REGISTRIES: dict[str, object] = {"bundled": True, "excludePrefixes": ["apoc."]}

CYPHER_VERSION = "CYPHER 5"  # Neo4j 5.26 LTS


def db_schema() -> dict[str, object]:
    """The DbSchema (minus parameters, which are per file) that lint.mjs passes on."""
    keys = {k for props in NODE_PROPERTIES.values() for k in props}
    keys |= {k for *_, props in RELATIONSHIPS.values() for k in props}
    keys |= set(EXTRA_PROPERTY_KEYS)
    return {
        "labels": sorted(NODE_PROPERTIES),
        "relationshipTypes": sorted(RELATIONSHIPS),
        "propertyKeys": sorted(keys),
        "graphSchema": [
            {"from": src, "relType": rel, "to": dst}
            for rel, (src, dst, _) in sorted(RELATIONSHIPS.items())
        ],
        "defaultLanguage": CYPHER_VERSION,
        "registries": REGISTRIES,
    }


@dataclass(frozen=True, slots=True)
class Diagnostic:
    file: str
    line: int  # 1-based
    column: int  # 1-based
    severity: str  # error | warning | information | hint
    message: str
    source: str = "neo4j"  # neo4j: the package; tagjack: lint.mjs's write-clause model check

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"


class LintUnavailable(Exception):
    """node, npm or the npm package can't be had; the reason says which."""


_cache: dict[str, list[Diagnostic]] = {}


def lint(files: Mapping[str, tuple[str, set[str] | None]]) -> list[Diagnostic]:
    """Lint each ``name -> (text, allowed params)`` in one node process.

    A file may hold several statements separated by ``;``. Any ``$param`` not in
    the allowed set is an error; ``None`` allows whatever the file uses.
    Results are cached per request, so repeating a call costs nothing.
    """
    request = {
        "schema": db_schema(),
        "files": [
            {"name": name, "text": text, "params": None if params is None else sorted(params)}
            for name, (text, params) in files.items()
        ],
    }
    payload = json.dumps(request, sort_keys=True)
    key = hashlib.sha256(payload.encode()).hexdigest()
    if key not in _cache:
        _cache[key] = _run(payload)
    return list(_cache[key])


def _run(payload: str) -> list[Diagnostic]:
    node = _node()
    _ensure_installed()
    done = subprocess.run(
        [node, str(LINT_DIR / "lint.mjs")],
        input=payload, capture_output=True, text=True, timeout=300, cwd=LINT_DIR,
    )
    if done.returncode != 0:
        raise RuntimeError(f"lint.mjs failed ({done.returncode}):\n{done.stderr}")
    return [Diagnostic(**d) for d in json.loads(done.stdout)]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise LintUnavailable("Cypher lint needs Node.js (node not found on PATH)")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    major = re.match(r"v(\d+)", version)
    if major is None or int(major.group(1)) < MIN_NODE_MAJOR:
        raise LintUnavailable(f"Cypher lint needs Node.js >= {MIN_NODE_MAJOR}, found {version!r}")
    return node


def pinned_version() -> str:
    manifest = json.loads((LINT_DIR / "package.json").read_text(encoding="utf-8"))
    return manifest["dependencies"][PACKAGE]


def _installed_version() -> str | None:
    installed = LINT_DIR / "node_modules" / PACKAGE / "package.json"
    if not installed.exists():
        return None
    return json.loads(installed.read_text(encoding="utf-8")).get("version")


def _ensure_installed() -> None:
    if _installed_version() == pinned_version():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise LintUnavailable(f"Cypher lint needs npm to install {PACKAGE} (npm not found on PATH)")
    # another pytest session may be installing too
    lock_path = Path(tempfile.gettempdir()) / f"tagjack-cypher-lint-{os.getuid()}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _installed_version() == pinned_version():
            return
        done = subprocess.run(  # --loglevel=error: --silent, but keeps the reason of a failure
            [npm, "ci", "--loglevel=error", "--no-audit", "--no-fund"],
            cwd=LINT_DIR, capture_output=True, text=True, timeout=600,
        )
    if done.returncode != 0 or _installed_version() != pinned_version():
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise LintUnavailable(
            f"npm ci in {LINT_DIR} failed, can't install {PACKAGE}: " + " | ".join(tail)
        )


def lint_or_skip(files: Mapping[str, tuple[str, set[str] | None]]) -> list[Diagnostic]:
    """`lint()` for tests: skip when Node.js/npm are missing, but fail under CI=true."""
    import pytest

    try:
        return lint(files)
    except LintUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{exc} (CI=true: the Cypher lint must run)", pytrace=False)
        pytest.skip(str(exc))

"""tagjack browser: the exact steps to explore the store in Neo4j Browser, with tagjack's
style and guide (and, with --serve, a local server for both)."""

from __future__ import annotations

import functools
import os
from contextlib import ExitStack
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import as_file, files
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer
from tagjack.cli.errors import err, user_errors
from tagjack.cli.options import DbOption, Neo4jOption, PlatformOption
from tagjack.cypher import statement
from tagjack.graph.model import Platform

GUIDE_PORT = 8001


def browser(
    db: DbOption = None,
    neo4j: Neo4jOption = None,
    serve: Annotated[bool, typer.Option(
        "--serve", help="Serve the style and the guide on localhost until Ctrl-C.")] = False,
    port: Annotated[int, typer.Option(help="Port for --serve.", min=1, max=65535)] = GUIDE_PORT,
    platform: PlatformOption = None,
) -> None:
    """Print how to open the graph in Neo4j Browser with tagjack's style and #MyNYPD guide
    (with --platform, and a query that shows that platform's network alone)."""
    with user_errors(), ExitStack() as stack:
        folder = stack.enter_context(as_file(files("tagjack.cypher").joinpath("browser")))
        uri = neo4j or (None if db else os.environ.get("NEO4J_URI"))
        if not uri:
            typer.echo(_sqlite_steps(folder))
            return
        from tagjack.graph.store.neo4j_connect import public_uri

        typer.echo(steps(public_uri(uri), folder, port=port, platform=platform))  # never user:password@
        if serve:
            _serve(folder, port)


def browser_url(uri: str) -> str:
    """Where the Browser for ``uri`` is: the local server's, else the server's HTTP port,
    else (Aura, TLS schemes) the hosted Browser."""
    known = os.environ.get("TAGJACK_NEO4J_BROWSER_URL")
    if known:
        return known
    parts = urlsplit(uri)
    if parts.scheme.endswith("+s") or parts.scheme.endswith("+ssc"):
        return f"https://browser.neo4j.io/?connectURL={uri}"
    return f"http://{parts.hostname or '127.0.0.1'}:7474/browser/"


def steps(uri: str, folder: Path, *, port: int = GUIDE_PORT, platform: Platform | None = None) -> str:
    user = os.environ.get("NEO4J_USERNAME") or "neo4j"
    base = f"http://localhost:{port}"
    return "\n".join([*_steps(uri, folder, user, base, port), *_platform_step(platform), "",
                      "Run `tagjack analyze --hashtag '#MyNYPD'` first: the style and the guide use the",
                      "communities, roles, scores and cities it writes back."])


def _platform_step(platform: Platform | None) -> list[str]:
    """How to look at one platform's accounts in the Browser: set $platform, then a query."""
    if platform is None:
        return []
    query = "\n".join("     " + line for line in statement("browser/platform").splitlines()
                      if not line.startswith("//"))
    return [f"5. Only {platform}'s accounts: set the parameter, then run the query",
            f"     :param platform => '{platform}'", query]


def _steps(uri: str, folder: Path, user: str, base: str, port: int) -> list[str]:
    return [
        "Explore the graph in Neo4j Browser:",
        "",
        f"1. Open {browser_url(uri)}",
        f"   and connect to {uri} as {user} (the password is the one in NEO4J_PASSWORD).",
        "2. Serve tagjack's style and guide (leave it running; Ctrl-C stops it):",
        f"     tagjack browser --serve --port {port}",
        "   (Neo4j Browser fetches them over HTTP, and allows localhost by default.)",
        "3. In the Browser's editor, apply the style: communities coloured (labels C0..C11),",
        "   campaign / hijacker borders, node size by amplifier score, handles as captions:",
        f"     :style {base}/style.grass",
        f"   (or drag {folder / 'style.grass'} onto the Browser window)",
        "4. Play the #MyNYPD walk-through; click a query to put it in the editor:",
        f"     :play {base}/guide.html",
    ]


def _sqlite_steps(folder: Path) -> str:
    return "\n".join([
        "Neo4j Browser needs the Neo4j store; this store is SQLite.",
        "",
        "1. Start a local Neo4j (Java 17 + Maven): make neo4j",
        "   and export the NEO4J_* lines it prints (or use Docker neo4j:5 with GDS, or Aura).",
        "2. Load and analyse into it: tagjack load FILES --neo4j $NEO4J_URI",
        "                             tagjack analyze --hashtag '#MyNYPD' --neo4j $NEO4J_URI",
        "3. Run `tagjack browser --neo4j $NEO4J_URI` for the Browser steps.",
        "",
        f"The style and the guide are in {folder}.",
    ])


class _CorsHandler(SimpleHTTPRequestHandler):
    """Static files with CORS: the Browser fetches guides and styles cross-origin."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def do_OPTIONS(self) -> None:
        """The CORS preflight: the Browser fetches with a JSON content type and its own
        header, so it asks first, and without an answer `:style` and `:play` fail to fetch."""
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        asked = self.headers.get("Access-Control-Request-Headers")
        if asked:
            self.send_header("Access-Control-Allow-Headers", asked)
        if self.headers.get("Access-Control-Request-Private-Network") == "true":
            # the hosted Browser (https://browser.neo4j.io) reaching this localhost server
            self.send_header("Access-Control-Allow-Private-Network", "true")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        err.print(f"[dim]{self.address_string()} {format % args}[/]")


def _serve(folder: Path, port: int) -> None:
    handler = functools.partial(_CorsHandler, directory=str(folder))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise typer.BadParameter(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}",
                                 param_hint="--port") from exc
    err.print(f"serving {folder} on http://localhost:{port}/ (Ctrl-C stops)")
    with server:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            err.print("stopped")

"""The Neo4j Browser with tagjack's style and guide, driven in headless Chromium.

A simulated #MyNYPD case (3,000 tweets) is loaded into the shared Neo4j and analysed;
`tagjack browser --serve` serves the style and the guide on a free port; and
``tests/browser/neo4j_browser.mjs`` drives the Browser over the DevTools protocol as an analyst
would: fill the connect form, ``:style`` the style, ``:play`` the guide, click one of its
queries, run it, wait for the graph, take a screenshot. The tests below check what the page
showed. The password goes to the script in its environment only, and is never printed.

To look at the screenshot: ``TAGJACK_SCREENSHOTS=/some/folder`` (as for the report's).
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from neo4j_server import browser_url, free_port, neo4j_settings, under_ci
from store_cases import store_for_test
from tagjack.cli.app import app
from typer.testing import CliRunner

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]

TESTS = Path(__file__).resolve().parents[1]
SCRIPT = TESTS / "browser" / "neo4j_browser.mjs"
BROWSER_FILES = Path(__file__).resolve().parents[2] / "cypher" / "browser"
# The guide query clicked: the two camps' retweets, drawn as a graph (slide "2. Campaign vs
# hijackers"). Picked by a line of its text.
QUERY_MARKER = "RETURN a, r, b"
WAIT_MS = 30_000  # budget of each wait in the page; a normal run needs a few seconds in all


def scrub(text: str) -> str:
    """``text`` without the password (in case a page or a log ever echoes it)."""
    secret = neo4j_settings()[2]
    return text.replace(secret, "***") if secret else text


def chromium() -> str:
    """The report tests' chromium() (tests/graph/test_report.py): its path, or skip (fail under
    CI=true). That module is already imported when pytest collected it, else it is loaded here."""
    module = sys.modules.get("test_report")
    if module is None or not hasattr(module, "chromium"):
        spec = importlib.util.spec_from_file_location("test_report", TESTS / "graph" / "test_report.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["test_report"] = module
        spec.loader.exec_module(module)
    return module.chromium()


def node() -> str:
    found = shutil.which("node")
    if found:
        return found
    reason = "node not found (Node.js 20.10+ drives the Neo4j Browser over the DevTools protocol)"
    if under_ci():
        pytest.fail(reason)
    pytest.skip(reason)


def connection() -> tuple[str, str]:
    """(bolt URI, user) of the shared server; the password stays in the environment."""
    uri, user, _, _ = neo4j_settings()
    return uri, user


def guide_query() -> str:
    """The clicked query as the guide's HTML has it."""
    page = (BROWSER_FILES / "guide.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<pre class="[^"]*runnable[^"]*">(.*?)</pre>', page, re.S)
    [block] = [html.unescape(b) for b in blocks if QUERY_MARKER in html.unescape(b)]
    return block


def community_colours() -> set[str]:
    """The fill colours style.grass gives the community labels C0, C1, ..."""
    grass = (BROWSER_FILES / "style.grass").read_text(encoding="utf-8")
    rules = re.findall(r"node\.C\d+\s*\{([^}]*)\}", grass)
    fill = re.compile(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{6})")  # not border-color
    colours = {m.group(1).upper() for rule in rules if (m := fill.search(rule))}
    assert len(colours) >= 2, "style.grass colours no community"
    return colours


def stop(proc: subprocess.Popen, *, group: bool = False) -> None:
    """End a process this module started (its process group for Chromium), by its id."""
    if proc.poll() is not None:
        return
    kill = (lambda sig: os.killpg(proc.pid, sig)) if group else proc.send_signal
    try:
        kill(signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        kill(signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


def wait_for(what: str, ready, *, timeout: float, proc: subprocess.Popen | None = None,
             log: Path | None = None):
    """Poll ``ready()`` until it returns something truthy; fail saying what did not happen."""
    deadline = time.monotonic() + timeout
    while True:
        value = ready()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-1500:] if log else ""
            pytest.fail(scrub(f"{what}: the process exited with {proc.returncode}\n{tail}"))
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.2)


# -- the case, the guide server, Chromium -----------------------------------------------------


@pytest.fixture(scope="module")
def tools():
    """Chromium and node, or skip (fail under CI=true) before any loading."""
    return {"chromium": chromium(), "node": node()}


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    """The shared Neo4j, emptied, with a simulated #MyNYPD case loaded and analysed (emptied
    again afterwards)."""
    uri, _ = connection()
    folder = tmp_path_factory.mktemp("neo4j-browser")
    runner = CliRunner()
    with store_for_test("neo4j", folder) as store:
        for args in (["simulate", "--out", str(folder / "case"), "--tweets", "3000", "-q"],
                     ["load", str(folder / "case" / "tweets.jsonl"), "--neo4j", uri],
                     ["analyze", "--hashtag", "#MyNYPD", "--neo4j", uri]):
            done = runner.invoke(app, args)
            assert done.exit_code == 0, scrub(f"tagjack {args[0]}: {done.output[-2000:]}")
        yield store


@pytest.fixture(scope="module")
def guide_server(tmp_path_factory):
    """`tagjack browser --serve` on a free port: (its base URL for the Browser, its log)."""
    uri, _ = connection()
    port = free_port()
    log = tmp_path_factory.mktemp("guide-server") / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from tagjack.cli.app import main; main()",
             "browser", "--serve", "--port", str(port), "--neo4j", uri],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        def up() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/style.grass", timeout=2) as r:
                    return r.status == 200
            except (urllib.error.URLError, OSError):
                return False

        wait_for("tagjack browser --serve", up, timeout=30, proc=proc, log=log)
        # `localhost`, not 127.0.0.1: the Browser fetches remote content from localhost by default
        # (browser.remote_content_hostname_whitelist).
        yield f"http://localhost:{port}", log
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def devtools(tools, tmp_path_factory):
    """A headless Chromium with a fresh profile, offline but for this machine: its DevTools URL."""
    exe = tools["chromium"]
    folder = tmp_path_factory.mktemp("chromium")
    profile, log = folder / "profile", folder / "chromium.log"
    uri, _ = connection()
    hosts = {"localhost", "127.0.0.1", urlsplit(uri).hostname, urlsplit(browser_url()).hostname}
    rules = ", ".join(["MAP * ~NOTFOUND", *(f"EXCLUDE {h}" for h in sorted(hosts - {None}))])
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", "--mute-audio", "--window-size=1400,900",
             f"--user-data-dir={profile}", f"--host-resolver-rules={rules}",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        active = profile / "DevToolsActivePort"  # Chromium writes its port here when listening
        port = wait_for("Chromium's DevTools port",
                        lambda: active.exists() and active.read_text().split("\n")[0].strip(),
                        timeout=60, proc=proc, log=log)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc, group=True)
        # The Browser keeps the connection's credentials in the profile's local storage.
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def walk(tools, case, guide_server, devtools, tmp_path_factory):
    """What the Browser showed: the report of tests/browser/neo4j_browser.mjs."""
    uri, user = connection()
    base, _ = guide_server
    folder = tmp_path_factory.mktemp("walk")
    config = folder / "config.json"
    config.write_text(json.dumps({
        "devtools": devtools, "browserUrl": browser_url(), "boltUrl": uri, "user": user,
        "styleUrl": f"{base}/style.grass", "guideUrl": f"{base}/guide.html",
        "query": QUERY_MARKER, "screenshot": str(folder / "neo4j-browser.png"), "timeoutMs": WAIT_MS,
    }), encoding="utf-8")
    done = subprocess.run([tools["node"], "--experimental-websocket", str(SCRIPT), str(config)],
                          capture_output=True, text=True, timeout=240, check=False)
    progress = scrub(done.stderr)
    (folder / "progress.log").write_text(progress, encoding="utf-8")
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        pytest.fail(f"{SCRIPT.name} broke (exit {done.returncode}):\n{progress[-3000:]}")
    report = json.loads(scrub(lines[-1]))
    (folder / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    if report.get("failedAt"):
        # the Browser's own calls to the internet (fonts, analytics) fail offline: not news
        errors = [e for e in report["errors"] if "ERR_NAME_NOT_RESOLVED" not in e["text"]]
        pytest.fail(f"the Browser walk failed at {report['failedAt']!r}: {report['error']}\n"
                    f"steps done: {report['steps']}\npage: {report.get('page', '')[:1000]}\n"
                    f"page errors: {errors[:10]}\nscreenshot: {report['screenshot']}\n"
                    f"report: {folder / 'report.json'}", pytrace=False)
    return report


# -- what the Browser showed --------------------------------------------------------------------


def test_connects_with_the_credentials(walk):
    uri, user = connection()
    address = urlsplit(uri).netloc
    assert walk["connectUrl"].endswith(address), walk["connectUrl"]
    assert walk["connected"].startswith(f"You are connected as user {user}"), walk["connected"]
    assert address in walk["connected"], walk["connected"]


def test_style_and_guide_are_fetched_from_tagjack_browser_serve(walk, guide_server):
    assert "node.Account" in walk["style"]["text"] and walk["style"]["error"] is None
    assert "#MyNYPD, taken apart" in walk["guide"]["text"] and walk["guide"]["error"] is None
    served = guide_server[1].read_text(encoding="utf-8")
    assert '"GET /style.grass HTTP/1.1" 200' in served and '"GET /guide.html HTTP/1.1" 200' in served


def test_clicked_guide_query_draws_what_it_returns(walk, case):
    query = guide_query()
    assert walk["clicked"]["text"].split() == query.split()  # the guide's block, as written
    with case.session() as session:
        want = session.run(f"CALL {{ {query} }} "
                           "WITH collect(a) + collect(b) AS ends, count(DISTINCT r) AS rels "
                           "UNWIND ends AS n RETURN count(DISTINCT n) AS nodes, rels").single()
    result = walk["result"]
    assert want["nodes"] > 10 and want["rels"] > 10  # the case has the two camps, retweeting
    assert (result["nodes"], result["relationships"]) == (want["nodes"], want["rels"]), result["status"]
    assert result["svgNodes"] == want["nodes"]  # every node drawn
    assert result["svgRelationships"] >= want["rels"]  # (plus those the Browser connects itself)


def test_style_colours_the_communities(walk):
    fills = {f.upper() for f in walk["result"]["fills"] if f}
    # every account in the result belongs to a community: all drawn in its colour, none grey
    assert fills and fills <= community_colours(), fills


def test_no_page_errors_from_tagjack_files(walk, guide_server):
    base = guide_server[0]
    ours = (base, base.replace("localhost", "127.0.0.1"), "guide.html", "style.grass")
    mentioning = [e for e in walk["errors"]
                  if any(o in json.dumps(e) for o in ours)]
    assert mentioning == []
    assert not [e for e in walk["errors"] if e["kind"] == "exception"]  # nothing uncaught at all


def test_screenshot_shows_the_page(walk):
    shot = Path(walk["screenshot"])
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a drawn graph, not a blank page
    keep = os.environ.get("TAGJACK_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / "neo4j-browser.png")

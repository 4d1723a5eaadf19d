"""The HTML report: the same answers as the commands, self-contained, escaped, and drawn by a real browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs
from report_cases import IMG, SCRIPT, SVG, TAG, crafted_store, simulated_store
from tagjack.graph.analytics.pipeline import amplifier_rows, hijack_report, spread_report
from tagjack.graph.errors import NotFound
from tagjack.graph.model import EdgeKind
from tagjack.graph.outputs.export import CannotWrite
from tagjack.graph.outputs.report import (
    _chart,
    elapsed,
    render_report,
    report_data,
    summary,
    tag_retweets,
    write_report,
)
from tagjack.graph.store.sqlite import SqliteStore

CHARTS = ("timeline", "communities", "amplifiers", "map", "adoption", "flows", "network")
PAYLOADS = (SCRIPT, IMG, SVG, "<img src=x onerror=alert(2)>", "<svg onload=alert(3)>")


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    s = crafted_store(tmp_path_factory.mktemp("report") / "crafted.db")
    yield s
    s.close()


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    path, truth = simulated_store(tmp_path_factory)
    with SqliteStore(path) as s:
        yield s, truth


@pytest.fixture(scope="module")
def simulated_page(simulated, tmp_path_factory):
    store, truth = simulated
    started = time.perf_counter()
    path = write_report(store, truth["hashtag"], tmp_path_factory.mktemp("page") / "report.html")
    return path, time.perf_counter() - started


@pytest.fixture(scope="module")
def crafted_page(crafted, tmp_path_factory):
    return write_report(crafted, "#MyTag", tmp_path_factory.mktemp("page") / "crafted.html")


# -- the answers -----------------------------------------------------------------------------


def test_the_page_shows_what_the_commands_answer(simulated):
    store, truth = simulated
    data = report_data(store, truth["hashtag"])
    h = hijack_report(store, truth["hashtag"])
    assert data.hijack.takeover_at == h.takeover_at and data.hijack.origin == truth["origin"]
    assert data.hijack.communities == h.communities
    rows = amplifier_rows(store, truth["hashtag"])
    assert [(a.handle, round(a.score, 6), a.reason) for a in data.amplifiers] == \
        [(a.handle, round(a.score, 6), a.reason) for a in rows]
    assert data.spread == spread_report(store, truth["hashtag"])
    assert [c.city for c in data.spread.cities][:3] == [c["city"] for c in truth["cities"]][:3]


def test_summary_reads_like_the_case(simulated):
    store, truth = simulated
    data = report_data(store, "#MyNYPD")
    text = " ".join(summary(data))
    assert text.startswith(f"#MyNYPD was launched by @{truth['origin']} on 22 Apr 2014 ")
    assert re.search(r"took it over at \d\d:\d\d UTC, \d+h \d\dm later", text)
    first = next(c for c in data.spread.cities if c.city != data.spread.home)
    assert f"first {first.city} as #" in text and "spread to " in text


def test_elapsed():
    assert [elapsed(s) for s in (0, 59, 300, 7500, 7200, 90000)] == \
        ["0m", "1m", "5m", "2h 05m", "2h 00m", "1d 1h"]


@pytest.mark.parametrize("which", ["crafted", "simulated"])
def test_tag_retweets_are_the_stores(which, request):
    store, tag = (request.getfixturevalue("crafted"), TAG) if which == "crafted" else \
        (request.getfixturevalue("simulated")[0], "mynypd")
    mine = tag_retweets(store.posts(hashtag=tag))
    theirs = store.edges(EdgeKind.RETWEET, hashtag=tag)

    def rows(e):
        return sorted(zip(e.source.tolist(), e.target.tolist(), e.weight.tolist(),
                          e.first_at.tolist(), e.last_at.tolist(), strict=True))

    assert rows(mine) == rows(theirs) and len(mine) > 10


def test_network_view_is_the_top_accounts_laid_out(simulated):
    data = report_data(simulated[0], "#MyNYPD", network_size=120)
    v = data.network
    assert 0 < len(v) <= 120 and np.all(np.diff(v.score) <= 0)
    assert np.isfinite(v.x).all() and np.isfinite(v.y).all() and len(v.source) > len(v)
    assert set(np.concatenate((v.source, v.target)).tolist()) == set(range(len(v)))  # no isolates
    again = report_data(simulated[0], "#MyNYPD", network_size=120).network
    assert np.allclose(again.x, v.x) and np.allclose(again.y, v.y)  # seeded layout


def test_unknown_tag_and_bad_targets(crafted, tmp_path):
    with pytest.raises(NotFound):
        write_report(crafted, "#nothere", tmp_path / "r.html")
    with pytest.raises(CannotWrite, match="is a folder"):
        write_report(crafted, "#MyTag", tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(CannotWrite, match="not a folder"):
        write_report(crafted, "#MyTag", tmp_path / "file" / "r.html")


# -- the page --------------------------------------------------------------------------------


class Elements(HTMLParser):
    """Start tags and the text of each <script>, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def elements(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    parser.close()
    return parser


def test_page_is_self_contained(simulated_page):
    path, seconds = simulated_page
    page = path.read_text(encoding="utf-8")
    parsed = elements(page)
    assert not [a for t, a in parsed.tags if a.get("src") or (t == "link" and a.get("href"))]
    assert page.count(get_plotlyjs()[:200]) == 1  # plotly.js inlined once
    assert [a["id"] for t, a in parsed.tags if a.get("class") == "plotly-graph-div"] == \
        [f"chart-{c}" for c in CHARTS]
    assert 4_000_000 < path.stat().st_size < 12_000_000 and seconds < 30


def test_crafted_handles_and_names_render_as_text(crafted_page):
    page = crafted_page.read_text(encoding="utf-8")
    for payload in PAYLOADS:
        assert payload not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the handle, escaped in the HTML
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in page  # the name
    parsed = elements(page)
    assert {t for t, _ in parsed.tags} <= {"html", "head", "meta", "title", "style", "script", "body",
                                           "header", "h1", "h2", "h3", "p", "div", "nav", "a", "main",
                                           "section", "table", "thead", "tbody", "tr", "th", "td",
                                           "footer", "code", "b", "span"}
    assert len(parsed.scripts) == 2 + len(CHARTS) + 1  # nothing broke out of, or into, a script
    charts = [s for s in parsed.scripts if "Plotly.newPlot" in s]
    assert len(charts) == len(CHARTS)
    for script in charts:  # plotly's JSON: no markup, labels pre-escaped for plotly's renderer
        assert "<" not in script and "</" not in script
    assert any("&lt;script&gt;alert(1)&lt;\\u002fscript&gt;" in s for s in charts)


def test_chart_json_cannot_close_its_script():
    fig = go.Figure(go.Scatter(x=[1], y=[1], text=["</script><script>alert(1)</script>"],
                               name="</SCRIPT >"))
    html = str(_chart(fig, "probe"))
    assert html.lower().count("</script") == 1 and html.lower().count("<script") == 1


def test_render_without_spread_or_hijackers(tmp_path):
    """A tag nobody took over and nobody located: the page still renders and says so."""
    from datetime import UTC, datetime, timedelta

    from tagjack.graph.model import Account, Post, PostKind
    from tagjack.graph.store.base import Batch

    store = SqliteStore(tmp_path / "quiet.db")
    start = datetime(2020, 1, 1, tzinfo=UTC)
    store.write_batch(Batch(
        accounts=[Account(str(i), f"user{i}") for i in range(5)],
        posts=[Post("p0", "0", start, hashtags=("calm",))]
        + [Post(f"r{i}", str(i), start + timedelta(minutes=i), kind=PostKind.RETWEET,
                ref_id="p0", ref_author_id="0", hashtags=("calm",)) for i in range(1, 5)]))
    page = render_report(report_data(store, "calm"))
    assert "No community took it over" in page and "could be placed in a city" in page
    store.close()


# -- in a real browser -----------------------------------------------------------------------


def chromium() -> str:
    """Path of headless Chromium, or skip (fail under CI=true) saying why."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    reason = ("headless Chromium not found (Debian package 'chromium'; .ci/run installs it): "
              "the report is not checked in a browser")
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def browse(page: Path, profile: Path, *, screenshot: Path | None = None) -> tuple[str, list[str]]:
    """Open ``page`` offline (every host name fails to resolve); (DOM after scripts, console lines)."""
    args = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--hide-scrollbars", f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr", "--v=0", "--window-size=1366,900",
            "--virtual-time-budget=20000"]
    args += [f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
    done = subprocess.run([*args, page.resolve().as_uri()], capture_output=True, text=True,
                          timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done.stdout, console


@pytest.mark.browser
@pytest.mark.parametrize("which", ["simulated", "crafted"])
def test_browser_draws_every_chart_without_errors(which, simulated_page, crafted_page, tmp_path):
    page = simulated_page[0] if which == "simulated" else crafted_page
    dom, console = browse(page, tmp_path / "profile")
    assert console == [], console  # no script error, no console message at all
    root = re.search(r"<html[^>]*>", dom).group(0)  # the page's own record of what ran
    assert f'data-charts="{len(CHARTS)}"' in root and f'data-charts-expected="{len(CHARTS)}"' in root
    assert "data-js-errors" not in root
    starts = [(m.group(1), m.start()) for m in re.finditer(r'id="chart-([a-z]+)"', dom)]
    assert [name for name, _ in starts] == list(CHARTS)
    for (name, at), (_, end) in zip(starts, [*starts[1:], ("", len(dom))], strict=True):
        drawn = dom[at:end]
        assert 'class="main-svg"' in drawn, name
        assert ('class="trace' in drawn or "sankey-node" in drawn), f"{name}: nothing drawn"
    for payload in ("<img src=x onerror=alert(2)>", "<svg onload=alert(3)>", "<script>alert(1)"):
        assert payload not in dom  # the browser made no element of them


@pytest.mark.browser
def test_browser_draws_the_map_offline(simulated, simulated_page, tmp_path):
    """The land is drawn from the page's own outlines (no host resolves), and every city is named."""
    dom, console = browse(simulated_page[0], tmp_path / "profile")
    assert console == [], console
    drawn = dom[dom.index('id="chart-map"'):dom.index('id="chart-adoption"')]
    fills = re.findall(r'<path class="js-fill" d="([^"]+)"', drawn)
    assert len(fills) == 2  # the sea and the land
    land = fills[1]
    assert land.count("M") > 100 and land.count("L") > 3000  # over a hundred land masses, outlined
    labels = re.findall(r'<g class="textpoint"[^>]*><text[^>]*>(.*?)</text>', drawn)
    named = " ".join(re.sub(r"<[^>]+>", " ", t) for t in labels)
    for c in simulated[1]["cities"]:
        assert c["city"] in named, c["city"]
    assert len(re.findall(r'<path class="point"', drawn)) >= len(simulated[1]["cities"])
    assert 'class="slider-container"' in drawn and "updatemenu-button" in drawn  # the replay


@pytest.mark.browser
def test_browser_screenshot(simulated_page, tmp_path):
    shot = tmp_path / "report.png"
    _, console = browse(simulated_page[0], tmp_path / "profile", screenshot=shot)
    assert console == []
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a page with charts, not blank
    keep = os.environ.get("TAGJACK_SCREENSHOTS")
    if keep:  # to look at it: TAGJACK_SCREENSHOTS=/some/folder pytest -k screenshot
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / "report.png")


@pytest.mark.browser
def test_browser_check_catches_a_broken_page(crafted_page, tmp_path):
    """The checks above are not vacuous: a page whose charts fail is caught by each of them."""
    broken = tmp_path / "broken.html"
    page = crafted_page.read_text(encoding="utf-8")
    broken.write_text(page.replace(get_plotlyjs(), "throw new Error('plotly missing');"),
                      encoding="utf-8")
    dom, console = browse(broken, tmp_path / "profile")
    root = re.search(r"<html[^>]*>", dom).group(0)
    assert any("plotly missing" in line for line in console)
    assert 'data-js-errors="' in root and 'data-charts="0"' in root
    assert 'class="main-svg"' not in dom

"""What tagjack writes for people and their tools is safe whatever the data holds.

A simulated #MyNYPD case gets extra accounts whose handle, name, location and tweets
carry script payloads, spreadsheet formulas and characters XML forbids, and enough
retweets to rank among the amplifiers (so the report shows them). Then, end to end
through the command line (load, analyze, report, export):

- HTML report: no payload appears as markup anywhere; every one appears escaped
  (so the test is not vacuous); inside <script> blocks (the charts' JSON) nothing can
  close the element or open a comment, and no '<' of the data is left as it is.
- CSV: no text cell starts with = + - @ tab or carriage return (OWASP's list) unless
  it is a number; the crafted ones are there with a leading '.
- GEXF and GraphML: they parse (ElementTree and networkx), and the crafted names come
  back with exactly the forbidden characters removed.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import markupsafe
import networkx as nx
import pytest

from .conftest import simulated
from .support import jsonl, lines_of, run_tagjack, v1_tweet, v1_user, write_lines

XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
       "</script><script>alert(2)</script>", "' onmouseover='alert(3)", "<!--<script>alert(4)//",
       "<svg/onload=alert(5)>", "{{7*7}}${7*7}"]
TEMPLATE = "{{7*7}}${7*7}"  # shown as written: a template that ran on data would show 49
FORMULAS = ["=1+1", "+SUM(1,2)", "-2+3", "@cmd", "\t=1", "\r=1", '=HYPERLINK("http://x","y")']
XML_BAD = ["nul\x00here", "bell\x07and\x0bvt", "fffe\ufffeffff\uffff", "ok ]]> &amp; <x/>"]
XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
FANS = 25


def crafted() -> list[dict]:
    accounts = []
    for i, p in enumerate(XSS):
        accounts.append(v1_user(f"x{i}", p, name=XSS[(i + 1) % len(XSS)], location="New York, NY"))
    for i, p in enumerate(FORMULAS):
        accounts.append(v1_user(f"f{i}", p, name=p, location=p))
    for i, p in enumerate(XML_BAD):
        accounts.append(v1_user(f"m{i}", f"xml{i}", name=p, location=p))
    fans = [v1_user(f"fan{j}", f"fan{j}", location="New York, NY") for j in range(FANS)]
    tweets = []
    for i, account in enumerate(accounts):
        payload = XSS[i % len(XSS)]
        original = v1_tweet(f"77{i:04d}", account, text=f"#MyNYPD {payload} {account['name']}",
                            tags=("MyNYPD", payload), minute=5 + i % 50)
        tweets.append(original)
        tweets += [v1_tweet(f"78{i:04d}{j:03d}", fan, retweet_of=original, minute=6 + (i + j) % 50)
                   for j, fan in enumerate(fans)]
    return tweets


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Load, analyze, report and export (CSV, GEXF, GraphML) the case with the crafted accounts."""
    folder = tmp_path_factory.mktemp("output-safety")
    case = simulated(folder / "case", 3_000, seed=3)
    tweets = write_lines(folder / "tweets.jsonl",
                         lines_of(case.tweets) + lines_of(jsonl(folder / "crafted.jsonl", crafted())))
    db = folder / "t.db"

    def run(*args):
        result = run_tagjack(*args, "--db", db, cwd=folder)
        assert result.returncode == 0, (args, result.stderr[-2000:])
        return result

    run("load", tweets, "--quiet")
    run("analyze", "--hashtag", "#MyNYPD", "--quiet", "--json")
    run("report", "--hashtag", "#MyNYPD", "--out", folder / "report.html", "--top", 40)
    for fmt, out in (("csv", "csv"), ("gexf", "graph.gexf"), ("graphml", "graph.graphml")):
        run("export", "--format", fmt, "--out", folder / out)
    return folder


class Page(HTMLParser):
    """Tags with their attributes, script contents, and the text and attributes outside scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.tags: list[tuple[str, list]] = []
        self.scripts: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag == "script":
            self.in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            self.scripts[-1] += data


def test_the_report_escapes_every_payload(outputs):
    html = (outputs / "report.html").read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    outside = html
    for script in page.scripts:
        outside = outside.replace(script, "")
    for p in XSS:
        if p != TEMPLATE:
            assert p not in outside, f"{p!r} is in the page as markup"
    assert TEMPLATE in outside and "@49$" not in outside
    shown = [p for p in XSS if escaped(p) in outside]
    assert len(shown) >= len(XSS) - 1, "the crafted accounts should show (as text) in the report"
    for tag, attrs in page.tags:
        assert tag not in ("img", "svg", "iframe", "object", "embed"), (tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert "alert(" not in (value or ""), (tag, name, value)
    charts = [s for s in page.scripts if "alert(" in s]
    assert charts, "the charts' JSON should carry the crafted labels"
    for script in page.scripts:
        lowered = script.lower()
        assert "</script" not in lowered and "<!--" not in script, "data could close the script"
        for p in XSS:
            if "<" in p:
                assert p not in script, f"{p!r} raw inside a <script>"


def escaped(text: str) -> str:
    """The start of ``text`` as jinja2's autoescape writes it."""
    return str(markupsafe.escape(text))[:16]


def test_csv_cells_never_start_a_formula(outputs):
    seen = set()
    for path in sorted((outputs / "csv").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                        float(cell)  # only a number may start so: -0.5
                    seen.add(cell)
    for p in FORMULAS:
        assert "'" + p in seen, p


def test_xml_exports_parse_and_lose_only_forbidden_characters(outputs):
    wanted = {XML_FORBIDDEN.sub("", p) for p in XML_BAD}
    for name in ("graph.gexf", "graph.graphml"):
        path = outputs / name
        ET.parse(path)
        graph = nx.read_gexf(path) if name.endswith("gexf") else nx.read_graphml(path)
        names = {data.get("name") for _, data in graph.nodes(data=True)}
        assert wanted <= names, (name, wanted - names)
        assert all(XSS[(i + 1) % len(XSS)] in names for i in range(len(XSS)))
        assert not any(XML_FORBIDDEN.search(n or "") for n in names)

"""cypher/browser: the guide's clickable queries are sound Cypher, and the style covers the model."""

from __future__ import annotations

import html
import re
from importlib.resources import files

import pytest
from cypher_lint import NODE_PROPERTIES, RELATIONSHIPS, lint_or_skip
from tagjack.graph.store.neo4j import ALL_DISPLAY_LABELS

BROWSER = files("tagjack.cypher").joinpath("browser")
GUIDE_PARAMS = {"hashtag", "origin"}


def guide_blocks() -> list[str]:
    text = BROWSER.joinpath("guide.html").read_text(encoding="utf-8")
    return [html.unescape(b) for b in re.findall(
        r'<pre class="[^"]*\brunnable\b[^"]*">(.*?)</pre>', text, re.S)]


def guide_queries() -> list[str]:
    return [b for b in guide_blocks() if not b.startswith(":")]


def grass_rules() -> dict[str, dict[str, str]]:
    """The style read the way Neo4j Browser's GraphStyle.parse reads it: braces inside
    '...' belong to the value, quotes are dropped, whitespace outside braces is ignored."""
    text = BROWSER.joinpath("style.grass").read_text(encoding="utf-8")
    rules: dict[str, str] = {}
    selector, body, in_string, in_props = "", "", False, False
    for c in text:
        if c == "'":
            in_string = not in_string
        elif c == "{" and not in_string:
            in_props = True
        elif c == "}" and not in_string:
            in_props = False
            rules[selector], selector, body = body, "", ""
        elif in_props:
            body += c
        elif not c.isspace():
            selector += c
    return {sel: {k.strip(): v.strip() for k, _, v in (p.partition(":") for p in body.split(";"))
                  if k.strip() and v.strip()} for sel, body in rules.items()}


def test_guide_sets_the_parameters_its_queries_use():
    params = [b for b in guide_blocks() if b.startswith(":param")]
    assert {re.match(r":param (\w+) =>", p).group(1) for p in params} == GUIDE_PARAMS
    assert len(guide_queries()) >= 10


def test_guide_queries_lint_clean():
    request = {f"guide/{i}.cypher": (q, GUIDE_PARAMS) for i, q in enumerate(guide_queries())}
    problems = [str(d) for d in lint_or_skip(request) if d.severity in ("error", "warning")]
    assert problems == []


def test_style_colours_communities_sizes_amplifiers_and_captions_handles():
    rules = grass_rules()
    assert rules["node.Account"]["caption"] == "{handle}"
    colours = [rules[f"node.C{i}"]["color"] for i in range(12)]
    assert len(set(colours)) == 12
    assert int(rules["node.TopAmplifier"]["diameter"].removesuffix("px")) > \
        int(rules["node.Amplifier"]["diameter"].removesuffix("px")) > \
        int(rules["node.Account"]["diameter"].removesuffix("px"))
    assert "border-width" in rules["node.Hijacker"] and "border-width" in rules["node.Campaign"]


def test_style_names_only_labels_and_types_tagjack_writes():
    known = set(NODE_PROPERTIES) | set(RELATIONSHIPS) | set(ALL_DISPLAY_LABELS) | {"Run"}
    for selector in grass_rules():
        tag, *classes = selector.split(".")
        assert tag in ("node", "relationship")
        assert set(classes) <= known, selector
    assert {f"node.{label}" for label in ALL_DISPLAY_LABELS} <= set(grass_rules())


@pytest.mark.neo4j
def test_guide_queries_run_on_an_analysed_store(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
    from store_cases import load_sample, store_for_test, synthetic_results

    with store_for_test("neo4j", tmp_path) as store:
        load_sample(store, tmp_path)
        store.write_results(synthetic_results(store))
        origin = store.user_query("MATCH (a:Account)<-[:RETWEETED]-() RETURN a.handle AS h, "
                                  "count(*) AS n ORDER BY n DESC, h LIMIT 1", {}).rows[0][0]
        for query in guide_queries():
            store.user_query(query, {"hashtag": "scotus", "origin": origin})

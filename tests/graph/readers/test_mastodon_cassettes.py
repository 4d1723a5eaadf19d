"""Mastodon.py's VCR cassettes (real mastodon.social responses): each loads with the statuses
and accounts its SOURCE.md lists, and a broken cassette is rejected with its line and why."""

from __future__ import annotations

import gzip
import io
import json

import pytest
import yaml
from tagjack.graph.ingest.readers.detect import detect_file, input_files
from tagjack.graph.ingest.readers.mastodon import parse_mastodon_stream
from tagjack.graph.model import Account, Post, PostKind, Reject

from .helpers import DATA, load

MASTO = DATA / "mastodon-py"
HALCY, LOCAL, BRIDGED = "halcy@icosahedron.website", "halcy@mastodon.social", "h4lcy.bsky.social@bsky.brid.gy"
QUOTE_URI = "https://bsky.brid.gy/convert/ap/at://did:plc:5syfqzormjkutgo5hi2u2gpr/app.bsky.feed.post/"

# SOURCE.md's table: cassette -> (statuses, accounts)
CASSETTES = {
    "test_entity_status.yaml": (2, {HALCY, LOCAL}),
    "test_entity_quote.yaml": (2, {BRIDGED}),
    "test_entity_shallowquote.yaml": (2, {BRIDGED}),
    "test_entity_account.yaml": (0, {HALCY, LOCAL}),
    "test_entity_accountfield.yaml": (0, {HALCY}),
}


def entities(name: str) -> list[dict]:
    """The recorded response bodies, read independently of tagjack."""
    cassette = yaml.safe_load((MASTO / name).read_text(encoding="utf-8"))
    return [json.loads(i["response"]["body"]["string"]) for i in cassette["interactions"]]


def test_the_table_covers_every_cassette():
    assert {f.name for f in MASTO.glob("*.yaml")} == set(CASSETTES)


@pytest.mark.parametrize("name", CASSETTES)
def test_each_cassette_loads_as_source_md_says(name, tmp_path):
    statuses, accounts = CASSETTES[name]
    assert detect_file(MASTO / name) == "mastodon"
    loaded = load([MASTO / name], tmp_path)
    assert loaded.rejects == []
    assert len(loaded.posts) == loaded.stats.posts == statuses
    assert set(loaded.store.accounts().handles) == accounts
    recorded = entities(name)
    top = {e["uri"] for e in recorded if "account" in e}
    assert top <= set(loaded.posts)
    for entity in recorded:
        account = entity.get("account", entity)
        followers = dict(zip(loaded.store.accounts().handles, loaded.store.accounts().followers,
                             strict=True))
        assert followers[account["acct"] if "@" in account["acct"] else LOCAL] == account["followers_count"]


def test_the_quote_cassette_quotes_and_the_quoted_status_replies(tmp_path):
    posts = load([MASTO / "test_entity_quote.yaml"], tmp_path).posts
    quote = posts[QUOTE_URI + "3lwlunj3oqs22"]
    assert quote.kind is PostKind.QUOTE
    assert quote.ref_id == QUOTE_URI + "3lwlumdwf522i"
    assert quote.ref_author_id == "acct:" + BRIDGED
    assert posts[QUOTE_URI + "3lwlumdwf522i"].kind is PostKind.REPLY


def test_the_cassettes_together_hold_the_statuses_of_statuses_json(tmp_path):
    cassettes = load(sorted(MASTO.glob("*.yaml")), tmp_path / "a")
    array = load([MASTO / "statuses.json"], tmp_path / "b")
    assert set(cassettes.posts) == set(array.posts) and len(cassettes.posts) == 4
    assert cassettes.posts == array.posts
    assert set(cassettes.store.accounts().handles) == {HALCY, LOCAL, BRIDGED}
    assert {f.name for f in input_files([str(MASTO)])} == {"statuses.json", *CASSETTES}


# -- cassettes written by hand: what is skipped, what is rejected ----------------


def cassette(*responses: tuple[int, object], uri: str = "https://mastodon.social/api/v1/statuses/1") -> dict:
    return {"interactions": [
        {"request": {"method": "GET", "uri": uri, "body": None, "headers": {}},
         "response": {"status": {"code": code, "message": ""}, "headers": {},
                      "body": {"string": body if isinstance(body, str | bytes) else json.dumps(body)}}}
        for code, body in responses], "version": 1}


def status(number: int, **extra) -> dict:
    return {"id": str(number), "uri": f"https://mastodon.social/users/a/statuses/{number}",
            "url": f"https://mastodon.social/@a/{number}", "created_at": "2025-01-01T00:00:00.000Z",
            "content": "<p>#MyNYPD</p>", "account": {"id": "1", "acct": "a", "username": "a"}, **extra}


def read_bytes(text: bytes, source: str = "c.yaml") -> list:
    return list(parse_mastodon_stream(io.BufferedReader(io.BytesIO(text)), source=source))


def read_yaml(doc: dict) -> list:
    return read_bytes(yaml.safe_dump(doc, sort_keys=True).encode())  # as vcrpy writes it


def test_lists_searches_contexts_and_notifications_give_their_statuses():
    got = read_yaml(cassette(
        (200, [status(1), status(2)]),
        (200, {"accounts": [{"id": "9", "acct": "b@x.example", "username": "b"}], "statuses": [status(3)],
               "hashtags": []}),
        (200, {"ancestors": [status(4)], "descendants": [status(5)]}),
        (200, [{"id": "7", "type": "mention", "account": status(6)["account"], "status": status(6)}])))
    assert [r.id for r in got if isinstance(r, Post)] == [status(n)["uri"] for n in range(1, 7)]
    assert "acct:b@x.example" in {r.id for r in got if isinstance(r, Account)}
    assert {r.id for r in got if isinstance(r, Account)} == {"acct:a@mastodon.social", "acct:b@x.example"}


def test_error_empty_and_other_responses_are_skipped_not_rejected():
    got = read_yaml(cassette((404, {"error": "Record not found"}), (200, ""),
                             (200, {"uri": "mastodon.social", "title": "Mastodon"}), (200, {}),
                             (200, status(1))))
    assert [type(r) for r in got] == [Account, Post]


def test_a_gzip_body_kept_as_bytes_is_read():
    doc = cassette((200, gzip.compress(json.dumps(status(1)).encode())))
    doc["interactions"][0]["response"]["headers"] = {"Content-Encoding": ["gzip"]}
    assert [type(r) for r in read_yaml(doc)] == [Account, Post]


def test_broken_cassettes_are_rejected_with_line_and_reason():
    text = yaml.safe_dump(cassette((200, status(1)), (200, '{"id": "2", "uri": '),
                                   (200, {**status(3), "account": None}),
                                   (200, gzip.compress(b"{}")[:10])), sort_keys=True)
    broken = read_bytes(text.encode())
    rejects = [r for r in broken if isinstance(r, Reject)]
    assert [(r.source, r.reason.split(":")[0]) for r in rejects] == [
        ("c.yaml", "response body is not JSON"), ("c.yaml", "field 'account' is not an object"),
        ("c.yaml", "unreadable response body")]
    lines = text.splitlines()
    for r in rejects:  # each names the line where its response body starts
        assert lines[r.line - 1].lstrip().startswith("string:")
    assert len({r.line for r in rejects}) == 3
    assert sum(isinstance(r, Post) for r in broken) == 1


def test_not_yaml_and_not_a_cassette_are_one_reject_each():
    bad = read_bytes(b"interactions:\n- request: [\n  x: }\n", "bad.yaml")
    assert len(bad) == 1 and bad[0].reason.startswith("not a YAML cassette") and bad[0].line >= 2
    other = read_bytes(b"version: 1\n", "v.yaml")
    assert [(r.line, r.reason) for r in other] == [(1, "not a cassette: no 'interactions' list")]
    missing = read_yaml({"interactions": [{"request": {"uri": "https://m.example/api/v1/statuses/1"}}],
                         "version": 1})
    assert [(r.line, r.reason) for r in missing] == [(2, "interaction without a response")]

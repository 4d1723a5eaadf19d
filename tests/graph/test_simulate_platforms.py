"""The simulator's Bluesky and Mastodon formats: the same story, the same truth in platform handles."""

from __future__ import annotations

import json

import pytest
from tagjack.graph.ingest.readers.detect import detect_file, read_file
from tagjack.graph.model import Account, Post, PostKind, Reject
from tagjack.graph.simulation.simulate import simulate

SMALL = 2_000


@pytest.fixture(scope="module")
def twitter(tmp_path_factory):
    folder = tmp_path_factory.mktemp("v1")
    return simulate(folder, tweets=SMALL, fmt="v1", seed=3)


@pytest.mark.parametrize(("fmt", "platform_handle"), [
    ("jetstream", lambda h: h.lower().replace("_", "-") + ".bsky.social"),
    ("mastodon", lambda h: h + "@" + h.split("@")[-1] if "@" in h else None),
])
def test_same_truth_in_platform_handles(tmp_path, twitter, fmt, platform_handle):
    truth = simulate(tmp_path, tweets=SMALL, fmt=fmt, seed=3)
    for key in ("hashtag", "takeover_at", "cities", "variants", "campaign_label", "hijacker_labels"):
        assert truth[key] == twitter[key], key
    assert list(truth["communities"].values()) == list(twitter["communities"].values())
    assert len(truth["accounts_city"]) == len(twitter["accounts_city"])
    if fmt == "jetstream":
        assert truth["origin"] == platform_handle(twitter["origin"])
        assert truth["amplifiers"] == [platform_handle(h) for h in twitter["amplifiers"]]
    else:
        assert [h.split("@")[0] for h in truth["amplifiers"]] == twitter["amplifiers"]
    again = tmp_path / "again"
    simulate(again, tweets=SMALL, fmt=fmt, seed=3)
    assert (again / "tweets.jsonl").read_bytes() == (tmp_path / "tweets.jsonl").read_bytes()
    assert json.loads((again / "truth.json").read_text()) == truth


@pytest.mark.parametrize(("fmt", "reader"), [("jetstream", "bluesky"), ("mastodon", "mastodon")])
def test_every_simulated_post_reads_back(tmp_path, fmt, reader):
    simulate(tmp_path, tweets=SMALL, fmt=fmt, seed=3)
    path = tmp_path / "tweets.jsonl"
    assert detect_file(path) == reader
    records = list(read_file(path))
    assert not [r for r in records if isinstance(r, Reject)]
    posts = {r.id: r for r in records if isinstance(r, Post)}
    kinds = {p.kind for p in posts.values()}
    assert kinds == set(PostKind)
    # every repost, quote and reply names whom it answers
    assert all(p.ref_author_id for p in posts.values() if p.kind in (PostKind.RETWEET, PostKind.QUOTE))
    assert all(p.reply_to_author_id and not p.ref_id for p in posts.values() if p.kind is PostKind.REPLY)


@pytest.mark.parametrize("fmt", ["jetstream", "mastodon"])
def test_a_quote_that_replies_sets_both_references(tmp_path, fmt):
    simulate(tmp_path, tweets=SMALL, fmt=fmt, seed=3)
    quotes = [r for r in read_file(tmp_path / "tweets.jsonl")
              if isinstance(r, Post) and r.kind is PostKind.QUOTE]
    both = [q for q in quotes if q.reply_to_id is not None]
    assert 0 < len(both) < len(quotes)  # one quote in five, by id
    for quote in both:  # the reply answers the post it quotes: both references, both authors
        assert quote.reply_to_id == quote.ref_id and quote.reply_to_author_id == quote.ref_author_id
        assert quote.ref_author_id
    assert all(q.reply_to_author_id is None for q in quotes if q.reply_to_id is None)


def dunks(folder, truth) -> dict[str, int]:
    """The hijackers' quotes of and replies to the origin, read back as tagjack reads them."""
    records = list(read_file(folder / "tweets.jsonl"))
    handles = {r.id: r.handle for r in records if isinstance(r, Account) and r.handle}
    hijackers = {h for h, label in truth["communities"].items() if label in truth["hijacker_labels"]}
    found = {"quote": 0, "reply": 0}
    for post in (r for r in records if isinstance(r, Post) and handles.get(r.author_id) in hijackers):
        found["quote"] += post.kind is PostKind.QUOTE and handles.get(post.ref_author_id) == truth["origin"]
        # a quote that also replies (Bluesky, Mastodon) counts as a quote, as on Twitter
        found["reply"] += post.kind is PostKind.REPLY \
            and handles.get(post.reply_to_author_id) == truth["origin"]
    return found


@pytest.mark.parametrize("fmt", ["jetstream", "mastodon"])
def test_the_dunk_reads_back_as_on_twitter(tmp_path_factory, fmt):
    """The hijackers quote and reply to the origin on every platform, as many times as on Twitter."""
    on_twitter = tmp_path_factory.mktemp("dunk-v1")
    expected = dunks(on_twitter, simulate(on_twitter, tweets=SMALL, fmt="v1", seed=3))
    folder = tmp_path_factory.mktemp(f"dunk-{fmt}")
    assert dunks(folder, simulate(folder, tweets=SMALL, fmt=fmt, seed=3)) == expected
    assert expected["quote"] > 0 and expected["reply"] > 0

"""One case, three platforms: a Twitter, a Bluesky and a Mastodon collection in one store.

Both stores count per platform alike, and a platform's view holds that platform's
accounts, edges and posts only, with the same answers as a store loaded with it alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_cases import SAMPLE, edges_by_ids, posts_by_ids, totals
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.detect import input_files, read_file
from tagjack.graph.model import EdgeKind, Platform, platform_of
from tagjack.graph.simulation.simulate import simulate
from tagjack.graph.store.platform import on_platform
from tagjack.graph.store.queries import QUERIES, run_query
from tagjack.graph.store.sqlite import SqliteStore

DATA = Path(__file__).resolve().parents[1] / "data"
BLUESKY = [DATA / "bluesky-twitwi"]
MASTODON = [DATA / "mastodon-py" / "statuses.json"]
FILES = {Platform.TWITTER: [SAMPLE], Platform.BLUESKY: BLUESKY, Platform.MASTODON: MASTODON}


def load(store, paths, tmp_path: Path) -> None:
    records = (r for p in input_files([str(p) for p in paths]) for r in read_file(p))
    stats = load_records(store, records, rejects=RejectsFile(tmp_path / "rejects.jsonl"))
    assert stats.rejected == 0


@pytest.fixture(scope="module")
def alone(tmp_path_factory) -> dict[Platform, SqliteStore]:
    """Each platform's collection in a store of its own."""
    stores = {}
    for platform, paths in FILES.items():
        folder = tmp_path_factory.mktemp(platform)
        stores[platform] = SqliteStore(folder / "alone.db")
        load(stores[platform], paths, folder)
    return stores


def test_ids_name_their_platform():
    assert platform_of("1234") is platform_of("@nypdnews") is Platform.TWITTER
    assert platform_of("did:plc:abc") is platform_of("at://did:plc:abc/app.bsky.feed.post/1") \
        is Platform.BLUESKY
    assert platform_of("acct:a@m.example") is platform_of("https://m.example/users/a/statuses/1") \
        is Platform.MASTODON


def test_status_counts_each_platform(store, alone, tmp_path):
    load(store, [SAMPLE, *BLUESKY, *MASTODON], tmp_path)
    got = totals(store)["platforms"]
    assert set(got) == {"twitter", "bluesky", "mastodon"}
    for platform, single in alone.items():
        mine = single.status()
        assert got[platform] == {"posts": mine.posts, "accounts": mine.accounts}
    assert sum(n["posts"] for n in got.values()) == totals(store)["posts"]


def test_a_platform_view_answers_as_the_platform_alone(store, alone, tmp_path):
    load(store, [SAMPLE, *BLUESKY, *MASTODON], tmp_path)
    for platform, single in alone.items():
        view = on_platform(store, platform)
        assert sorted(view.accounts().ids) == sorted(single.accounts().ids)
        assert posts_by_ids(view) == posts_by_ids(single)
        for kind in EdgeKind:
            assert edges_by_ids(view, kind) == edges_by_ids(single, kind)
        assert view.hashtag_counts() == single.hashtag_counts()
        assert sorted(view.hashtags(), key=lambda h: h.tag) == sorted(single.hashtags(), key=lambda h: h.tag)
        top = max(single.hashtag_counts().items(), key=lambda kv: (kv[1], kv[0]))[0] \
            if single.hashtag_counts() else "none"
        assert view.cooccurring(top) == single.cooccurring(top)
        assert posts_by_ids(view, top) == posts_by_ids(single, top)
        evidence = view.geo_evidence()
        ids = dict(zip(view.accounts().keys.tolist(), view.accounts().ids, strict=True))
        assert {ids[k] for k in evidence.location_texts} == {
            i for i, t in zip(single.accounts().ids, single.accounts().location_texts, strict=True) if t}


def test_the_whole_store_is_unchanged_by_platforms(store, tmp_path):
    load(store, [SAMPLE, *BLUESKY, *MASTODON], tmp_path)
    assert on_platform(store, None) is store
    whole = store.hashtag_counts()
    per = [store.hashtag_counts(platform=p) for p in Platform]
    assert {t: sum(c.get(t, 0) for c in per) for t in whole} == whole



@pytest.fixture(scope="module")
def one_story(tmp_path_factory) -> dict[Platform, list[Path]]:
    """The same simulated #MyNYPD story as Twitter, Bluesky and Mastodon collections."""
    folder = tmp_path_factory.mktemp("story")
    formats = {Platform.TWITTER: "v1", Platform.BLUESKY: "jetstream", Platform.MASTODON: "mastodon"}
    for platform, fmt in formats.items():
        simulate(folder / platform, tweets=400, fmt=fmt, seed=3)
    return {platform: [folder / platform / "tweets.jsonl"] for platform in formats}


def test_named_queries_of_one_platform_answer_as_the_platform_alone(store, one_story, tmp_path):
    load(store, [p for paths in one_story.values() for p in paths], tmp_path)
    whole = run_query(store, "top_amplifiers", {"hashtag": "mynypd", "limit": "100"})
    total = 0
    for platform, paths in one_story.items():
        single = SqliteStore(tmp_path / f"{platform}.db")
        load(single, paths, tmp_path)
        truth = json.loads((paths[0].parent / "truth.json").read_text(encoding="utf-8"))
        params = {"hashtag": "mynypd", "handle": truth["origin"], "source": truth["origin"],
                  "target": truth["amplifiers"][0], "community": "0", "limit": "100"}
        for name, query in QUERIES.items():
            mine = {k: v for k, v in params.items() if k in query.params}
            got = run_query(store, name, mine, platform=platform)
            assert got == run_query(single, name, mine), (platform, name)
        amplifiers = run_query(single, "top_amplifiers", {"hashtag": "mynypd", "limit": "100"}).rows
        assert amplifiers and run_query(single, "account_neighbourhood", {"handle": truth["origin"]}).rows
        total += len(amplifiers)
    assert len(whole.rows) == total  # the whole store: the three platforms' amplifiers together

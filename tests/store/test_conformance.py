"""One suite, both stores: the same loads give the same totals, edges, posts and results.

SQLite is the reference: every answer of the store under test is compared, by
account id, with a SQLite store loaded from the same records. Keys are store
specific (stable only within one open store), so nothing compares keys.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import numpy as np
import pytest
from store_cases import (
    LINES,
    TAGS,
    actions_by_ids,
    coordinated_by_ids,
    edges_by_ids,
    ids_by_key,
    load_lines,
    load_sample,
    posts_by_ids,
    results_by_ids,
    synthetic_coordinated,
    synthetic_results,
    totals,
)
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.model import AccountEdge, EdgeKind, PostKind
from tagjack.graph.store.base import KIND_CODES
from tagjack.graph.store.queries import QUERIES, run_query
from tagjack.graph.store.sqlite import SqliteStore


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> SqliteStore:
    """SQLite, loaded once with the sample: what every store must answer."""
    folder = tmp_path_factory.mktemp("reference")
    store = SqliteStore(folder / "reference.db")
    load_sample(store, folder)
    return store


# -- the suite -------------------------------------------------------------------------------


def test_status_totals_match_sqlite(store, reference, tmp_path):
    stats = load_sample(store, tmp_path)
    assert totals(store) == totals(reference)
    # 500 tweets and the originals embedded in their retweets and quotes
    assert totals(store)["posts"] == stats.posts == 721
    assert stats.rejected == 0


def test_edge_weights_match_sqlite_by_account_ids(store, reference, tmp_path):
    load_sample(store, tmp_path)
    for kind in EdgeKind:
        got = edges_by_ids(store, kind)
        assert got and got == edges_by_ids(reference, kind), kind
    # SOURCE.md: retweeters -> original authors, 173 distinct pairs among the 500 tweets
    assert len(edges_by_ids(store, EdgeKind.RETWEET)) >= 173
    # self-interactions are data: replies in one's own thread, mentions of oneself
    assert sum(s == t for s, t in edges_by_ids(store, EdgeKind.REPLY)) == 10
    assert sum(s == t for s, t in edges_by_ids(store, EdgeKind.MENTION)) == 7
    assert totals(store)["quote_edges"] == len(edges_by_ids(store, EdgeKind.QUOTE)) > 0
    assert totals(store)["reply_edges"] == len(edges_by_ids(store, EdgeKind.REPLY)) > 0


def test_hashtag_filtered_edges_and_posts_match_sqlite(store, reference, tmp_path):
    load_sample(store, tmp_path)
    for tag in TAGS:
        assert posts_by_ids(store, tag) == posts_by_ids(reference, tag), tag
        assert len(store.posts(hashtag="#" + tag.upper())) == len(reference.posts(hashtag=tag))
        for kind in EdgeKind:
            assert edges_by_ids(store, kind, tag) == edges_by_ids(reference, kind, tag), (tag, kind)


def test_posts_of_tags_are_each_tags_posts(store, reference, tmp_path):
    """One read of several tags gives, per tag as asked, what ``posts(hashtag=t)`` gives."""
    load_sample(store, tmp_path)
    counts = store.hashtag_counts()
    asked = [*TAGS, "#SCOTUS", "ScOtUs", "scotus", "＃ｚｉｋａ", "nosuchtag", "#nosuchtag",
             *sorted(counts)[:40]]
    for s in (store, reference):
        got = s.posts_of_tags(asked)
        assert set(got) == set(asked)
        for tag in asked:
            one = s.posts(hashtag=tag)
            for field in ("author", "created_at", "kind", "ref_author", "reply_author"):
                assert np.array_equal(getattr(got[tag], field), getattr(one, field)), (tag, field)
                assert getattr(got[tag], field).dtype == getattr(one, field).dtype
        assert len(got["nosuchtag"]) == 0 and len(got["#SCOTUS"]) == counts["scotus"] > 0
        assert s.posts_of_tags([]) == {}
    for tag in asked:
        assert posts_by_ids(store, tag) == posts_by_ids(reference, tag), tag


def test_hashtag_counts_are_the_post_counts_of_hashtags(store, reference, tmp_path):
    load_sample(store, tmp_path)
    counts = store.hashtag_counts()
    assert counts == {h.tag: h.posts for h in store.hashtags()} == reference.hashtag_counts()
    assert all(len(store.posts(hashtag=t)) == n for t, n in counts.items())


def test_posts_hashtags_cooccurrence_and_geo_match_sqlite(store, reference, tmp_path):
    load_sample(store, tmp_path)
    assert posts_by_ids(store) == posts_by_ids(reference)
    assert sorted(store.hashtags(), key=lambda h: h.tag) == \
        sorted(reference.hashtags(), key=lambda h: h.tag)
    for tag in TAGS:
        assert store.cooccurring(tag) == reference.cooccurring(tag)
    got, want = store.geo_evidence(), reference.geo_evidence()
    mine, theirs = ids_by_key(store), ids_by_key(reference)
    assert {mine[k]: v for k, v in got.location_texts.items()} == \
        {theirs[k]: v for k, v in want.location_texts.items()}
    assert {mine[k]: sorted(v, key=repr) for k, v in got.places.items()} == \
        {theirs[k]: sorted(v, key=repr) for k, v in want.places.items()}
    assert {mine[k]: v for k, v in got.coordinates.items()} == \
        {theirs[k]: v for k, v in want.coordinates.items()}


def test_accounts_match_sqlite(store, reference, tmp_path):
    load_sample(store, tmp_path)
    got, want = store.accounts(), reference.accounts()
    assert len(got) == len(want) == len(set(got.keys.tolist()))
    assert list(got.keys) == sorted(got.keys)

    def rows(t):
        return sorted(zip(t.ids, t.handles, t.names, t.followers.tolist(), t.location_texts,
                          strict=True))

    assert rows(got) == rows(want)


def test_reload_adds_nothing(store, tmp_path):
    first = load_sample(store, tmp_path)
    before, edges = totals(store), edges_by_ids(store, EdgeKind.RETWEET)
    again = load_sample(store, tmp_path, batch_size=97)
    assert (first.posts, first.edges) == (721, 618)  # 179 retweets, 43 quotes, 28 replies, 368 mentions
    assert (again.posts, again.accounts, again.edges) == (0, 0, 0)
    assert totals(store) == before
    assert edges_by_ids(store, EdgeKind.RETWEET) == edges


def test_batch_boundaries_change_nothing(store, reference, tmp_path):
    """Originals and their retweets in different batches, stub posts and stub accounts."""
    load_sample(store, tmp_path, batch_size=37)
    assert totals(store) == totals(reference)
    for kind in EdgeKind:
        assert edges_by_ids(store, kind) == edges_by_ids(reference, kind)
    assert posts_by_ids(store) == posts_by_ids(reference)


def test_bad_input_cases_match_sqlite(store, tmp_path):
    stats = load_lines(store, tmp_path)
    reference = SqliteStore.in_memory()
    want = load_lines(reference, tmp_path)
    assert (stats.posts, stats.accounts, stats.edges, stats.rejected) == \
        (want.posts, want.accounts, want.edges, want.rejected) == (7, 3, 6, 2)
    assert totals(store) == totals(reference)
    handles = {"1": "alice", "2": "bob", "3": "carol"}

    def by_handle(s, kind, tag=None):
        return {(handles[a], handles[b]): v[0] for (a, b), v in edges_by_ids(s, kind, tag).items()}

    # alice retweeted bob twice and quoted him once, apart; bob's self-retweet is data;
    # carol's truncated "RT @alice:" is a retweet of alice, not a mention
    assert by_handle(store, EdgeKind.RETWEET) == {("alice", "bob"): 2, ("bob", "bob"): 1,
                                                 ("carol", "alice"): 1}
    assert by_handle(store, EdgeKind.QUOTE) == {("alice", "bob"): 1}
    assert by_handle(store, EdgeKind.MENTION) == {("alice", "carol"): 1}
    assert by_handle(store, EdgeKind.RETWEET, "#MyNYPD") == {("alice", "bob"): 2, ("bob", "bob"): 1}
    assert len(store.posts(hashtag="＃ＭｙＮＹＰＤ")) == 5
    bob = store.accounts().handles.index("bob")
    assert (store.accounts().followers[bob], store.accounts().location_texts[bob]) == (100_000, "NYC")


def test_overlapping_loads_count_each_post_once(store, tmp_path):
    load_lines(store, tmp_path, LINES[:3])
    load_lines(store, tmp_path, LINES[1:])
    ids = {(a, b): v[0] for (a, b), v in edges_by_ids(store, EdgeKind.RETWEET).items()}
    assert ids == {("1", "2"): 2, ("2", "2"): 1, ("3", "1"): 1}


def test_given_edges_replace_rather_than_add(store, tmp_path):
    at = datetime(2014, 4, 22, 18, tzinfo=UTC)
    edges = [AccountEdge("@ann", "@ben", EdgeKind.RETWEET, 4, at),
             AccountEdge("@ben", "@ann", EdgeKind.MENTION, 2)]
    reference = SqliteStore.in_memory()
    for s in (store, reference):
        first = load_records(s, iter(edges), rejects=RejectsFile(tmp_path / "r.jsonl"))
        again = load_records(s, iter(edges), rejects=RejectsFile(tmp_path / "r.jsonl"))
        assert (first.accounts, first.edges, again.edges) == (2, 2, 0)
        changed = load_records(s, iter([dataclasses.replace(edges[0], weight=9)]),
                               rejects=RejectsFile(tmp_path / "r.jsonl"))
        assert changed.edges == 1
    for kind in EdgeKind:
        assert edges_by_ids(store, kind) == edges_by_ids(reference, kind)
    assert edges_by_ids(store, EdgeKind.RETWEET)[("@ann", "@ben")][0] == 9
    assert totals(store) == totals(reference)
    assert store.accounts().handles == sorted(store.accounts().handles) == ["ann", "ben"]


def test_results_round_trip(store, tmp_path):
    load_sample(store, tmp_path)
    assert store.results() is None
    written = synthetic_results(store)
    store.write_results(written)
    read = store.results()
    assert read is not None
    assert (read.run, read.meta) == ("run-1", written.meta)
    assert results_by_ids(store, read) == results_by_ids(store, written)
    assert read.communities == written.communities
    assert read.cities == written.cities
    status = store.status()
    assert (status.communities, status.cities) == (3, 2)


def test_results_replace_the_last_run(store, tmp_path):
    load_sample(store, tmp_path)
    store.write_results(synthetic_results(store, run="run-1", communities=3))
    second = synthetic_results(store, run="run-2", communities=2)
    second = dataclasses.replace(second, cities=second.cities[:1],
                                 city_id=[None] * len(second.keys),
                                 city_source=[None] * len(second.keys))
    store.write_results(second)
    read = store.results()
    assert read.run == "run-2"
    assert [c.id for c in read.communities] == [0, 1]
    assert read.cities == second.cities[:1]
    assert set(read.city_id) == {None}
    assert set(read.community.tolist()) <= {-1, 0, 1}
    assert store.status().communities == 2 and store.status().cities == 0


@pytest.fixture(scope="module")
def analysed_reference(tmp_path_factory) -> SqliteStore:
    """The reference with (synthetic) analysis results written back."""
    folder = tmp_path_factory.mktemp("analysed")
    store = SqliteStore(folder / "reference.db")
    load_sample(store, folder)
    store.write_results(synthetic_results(store))
    store.write_coordinated("co_retweet", synthetic_coordinated(store))
    return store


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_named_queries_give_the_same_rows(store, analysed_reference, tmp_path, name):
    reference = analysed_reference
    load_sample(store, tmp_path)
    store.write_results(synthetic_results(store))
    store.write_coordinated("co_retweet", synthetic_coordinated(store))
    for params in QUERY_PARAMS[name]:
        got = run_query(store, name, params)
        want = run_query(reference, name, params)
        assert got.columns == want.columns
        assert got.rows == want.rows, params
    assert any(run_query(store, name, p).rows for p in QUERY_PARAMS[name]), "no rows at all"


# Parameters that give rows on the sample (a handle with edges, tags in use, a community).
QUERY_PARAMS: dict[str, list[dict[str, str]]] = {
    "top_amplifiers": [{"hashtag": "#SCOTUS"}, {"hashtag": "gopdebate", "limit": "3"},
                       {"hashtag": "nosuchtag"}],
    "community_members": [{"community": "0", "limit": "15"}, {"community": "2"}],
    "community_bridges": [{"community": "0"}, {"community": "1", "limit": "5"}],
    "account_neighbourhood": [{"handle": "@TheDemocrats"}, {"handle": "hillaryclinton"},
                              {"handle": "nobody_at_all"}],
    "shortest_path": [{"source": "TheDemocrats", "target": "HillaryClinton"},
                      {"source": "dncpress", "target": "TheDemocrats"},
                      {"source": "TheDemocrats", "target": "GOPoversight"},
                      {"source": "TheDemocrats", "target": "TheDemocrats"}],
    "city_spread": [{"hashtag": "scotus"}, {"hashtag": "gopdebate"}],
    "hashtag_cooccurrence": [{"hashtag": "scotus"}, {"hashtag": "gopdebate", "limit": "2"}],
    "origin_engagement": [{"handle": "GOP", "hashtag": "#GOPDebate"},
                          {"handle": "AriBerman", "hashtag": "vra"},
                          {"handle": "TheDemocrats", "hashtag": "scotus"}],
    "origin_retweeters": [{"handle": "BarackObama", "hashtag": "#GetCovered"},
                          {"handle": "abc", "hashtag": "madaya"},
                          {"handle": "TheDemocrats", "hashtag": "scotus"}],
    "coordinated_groups": [{}, {"limit": "1"}],
}


@pytest.mark.parametrize(("kind", "hashtag"), [(PostKind.RETWEET, None), (PostKind.RETWEET, "#SCOTUS"),
                                               (PostKind.REPLY, None)])
def test_actions_match_sqlite_by_ids(store, reference, tmp_path, kind, hashtag):
    load_sample(store, tmp_path)
    got = actions_by_ids(store, kind, hashtag)
    assert got == actions_by_ids(reference, kind, hashtag)
    assert got and all(n > 0 for _, _, n, _ in got)  # tweet ids are numbers
    if kind is PostKind.RETWEET and hashtag is None:
        assert len(got) == 178  # SOURCE.md: 178 with retweeted_status


def test_coordinated_pairs_are_written_read_and_replaced(store, tmp_path):
    load_sample(store, tmp_path)
    assert len(store.coordinated()) == 0
    table = synthetic_coordinated(store)
    store.write_coordinated("co_retweet", table)
    first = coordinated_by_ids(store)
    assert len(first) == 4 and {v[2] for v in first.values()} == {0, 1}
    store.write_coordinated("co_reply", table)
    store.write_coordinated("co_retweet", dataclasses.replace(
        table, source=table.source[:1], target=table.target[:1], weight=table.weight[:1],
        window_s=table.window_s[:1], group=table.group[:1], posts=table.posts[:1],
        p_value=table.p_value[:1], kind=table.kind[:1]))
    kinds = [k for k, *_ in coordinated_by_ids(store)]
    assert kinds.count("co_retweet") == 1 and kinds.count("co_reply") == 4


def test_every_named_query_is_exercised():
    assert set(QUERY_PARAMS) == set(QUERIES)


def test_post_kinds_are_the_codes_analytics_expect(store, reference, tmp_path):
    load_sample(store, tmp_path)
    kinds = np.bincount(store.posts().kind, minlength=len(KIND_CODES))
    assert kinds.tolist() == np.bincount(reference.posts().kind, minlength=len(KIND_CODES)).tolist()
    # SOURCE.md: 178 with retweeted_status, and one old-style manual "RT @x:"
    assert kinds[KIND_CODES[PostKind.RETWEET]] == 179

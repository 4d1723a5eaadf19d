"""Bluesky (Jetstream, AppView JSON, twitwi CSV) and Mastodon readers: the real shared sets
load whole with the counts of their SOURCE.md, and each shape's rules, line by line."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import UTC, datetime

import pytest
from tagjack.graph.ingest.readers.bluesky import parse_bluesky
from tagjack.graph.ingest.readers.bluesky_csv import parse_bluesky_csv
from tagjack.graph.ingest.readers.bluesky_ids import repost_id, tid_time
from tagjack.graph.ingest.readers.detect import detect, detect_file, input_files
from tagjack.graph.ingest.readers.mastodon import parse_mastodon, profile_location
from tagjack.graph.ingest.readers.social import html_text
from tagjack.graph.model import Account, Deletion, Post, PostKind, Reject

from .helpers import DATA, load

BSKY = DATA / "bluesky-twitwi"
MASTO = DATA / "mastodon-py"


def raw(name: str):
    return json.loads((BSKY / name).read_text(encoding="utf-8"))


def quoted_uri(record: dict) -> str | None:
    embed = record.get("embed") or {}
    if embed.get("$type") == "app.bsky.embed.record":
        return embed["record"].get("uri")
    if embed.get("$type") == "app.bsky.embed.recordWithMedia":
        return embed["record"]["record"].get("uri")
    return None


# -- the shared sets -------------------------------------------------------------


def test_every_shared_file_is_detected_and_loads_without_rejects(tmp_path):
    files = input_files([str(BSKY), str(MASTO)])
    assert {f.name: detect_file(f) for f in files} == {
        "bluesky-firehose-posts.json": "bluesky", "bluesky-hydrated-firehose-posts.json": "bluesky",
        "bluesky-partial-profiles.json": "bluesky", "bluesky-posts.json": "bluesky",
        "bluesky-profiles.json": "bluesky", "bluesky-tap-posts.json": "bluesky",
        "bluesky-posts-export.csv": "bluesky-csv", "statuses.json": "mastodon",
        **{f.name: "mastodon" for f in MASTO.glob("*.yaml")}}
    loaded = load(files, tmp_path)
    assert loaded.rejects == []
    assert loaded.stats.rejected == 0


def test_firehose_posts_match_source_md(tmp_path):
    loaded = load([BSKY / "bluesky-firehose-posts.json"], tmp_path)
    posts = list(loaded.posts.values())
    events = raw("bluesky-firehose-posts.json")
    assert len(posts) == len(events) == 9
    assert {p.id for p in posts} == {f"at://{e['did']}/{e['commit']['collection']}/{e['commit']['rkey']}"
                                     for e in events}
    assert Counter(p.kind for p in posts) == {PostKind.ORIGINAL: 8, PostKind.REPLY: 1}
    assert sum(len(p.mention_ids) for p in posts) == 2
    assert all(m.startswith("did:plc:") for p in posts for m in p.mention_ids)
    facet_tags = sum(1 for e in events for f in e["commit"]["record"].get("facets", [])
                     for x in f["features"] if "tag" in x)
    assert facet_tags == 10
    assert sum(len(p.hashtags) for p in posts) >= 10


def test_hydrated_firehose_gives_the_same_posts_with_handles(tmp_path):
    fire = load([BSKY / "bluesky-firehose-posts.json"], tmp_path)
    hydrated = load([BSKY / "bluesky-hydrated-firehose-posts.json"], tmp_path)
    assert set(fire.posts) == set(hydrated.posts)
    for uri, post in fire.posts.items():
        assert hydrated.posts[uri].hashtags == post.hashtags
        assert hydrated.posts[uri].created_at == post.created_at
    accounts = hydrated.store.accounts()
    handle = dict(zip(accounts.ids, accounts.handles, strict=True))
    assert all("." in handle[p.author_id] for p in hydrated.posts.values())
    # a mentioned account is known by its DID alone until a view or identity event names it
    assert {handle[m] for p in hydrated.posts.values() for m in p.mention_ids} == {""}


def test_appview_posts_match_source_md(tmp_path):
    loaded = load([BSKY / "bluesky-posts.json"], tmp_path)
    items = raw("bluesky-posts.json")
    views = [item.get("post", item) for item in items]
    assert len(items) == 123  # 110 postViews and 13 feedViewPosts
    own = {v["uri"] for v in views}
    posts = [loaded.posts[u] for u in own]
    assert len(own) == 119 and len({p.author_id for p in posts}) == 99
    last = {v["uri"]: v for v in views}.values()  # one uri is in the file twice, as two records
    quotes = {v["uri"] for v in last if (q := quoted_uri(v["record"])) and "/app.bsky.feed.post/" in q}
    assert {p.id for p in posts if p.kind is PostKind.QUOTE} == quotes
    # 25 records embed a record: 21 posts, the rest lists, feeds and starter packs (no quote)
    assert sum(1 for v in views if quoted_uri(v["record"])) == 25 and len(quotes) == 20
    replies = {v["uri"] for v in last if v["record"].get("reply")}
    assert sum(1 for v in views if v["record"].get("reply")) == 18
    assert {p.id for p in posts if p.kind is PostKind.REPLY} == replies - quotes
    # a quote that replies counts as both: every reply keeps the post it answers
    assert {p.id for p in posts if p.reply_to_id} == replies and replies & quotes
    reposts = [p for p in loaded.posts.values() if p.kind is PostKind.RETWEET]
    assert len(reposts) == 2
    assert all(r.author_id == "did:plc:5klvtukw5fucxsrkjldhrjxs" for r in reposts)
    geo = {v["uri"] for v in last
           if (v["record"].get("embed") or {}).get("$type") == "community.lexicon.embed.geo"}
    assert {p.id for p in posts if p.coordinates is not None} == geo and len(geo) == 1
    assert Counter(t for p in posts for t in p.hashtags).most_common(1) == [("hceres", 6)]
    # "0000-10-14" is no time: the post's record key (a TID) says when it was made
    year_zero = loaded.posts["at://did:plc:jhzoul6h437y2g5xsnsr2qr5/app.bsky.feed.post/3kbpuogc6fz2o"]
    assert year_zero.created_at.date().isoformat() == "2023-10-14"


def test_misspelt_tag_facets_still_give_tags(tmp_path):
    loaded = load([BSKY / "bluesky-posts.json"], tmp_path)
    facet_tags = {x["tag"].strip().lower() for item in raw("bluesky-posts.json")
                  for f in item.get("post", item)["record"].get("facets", [])
                  for x in f["features"] if isinstance(x.get("tag"), str)}
    got = {t for p in loaded.posts.values() for t in p.hashtags}
    assert facet_tags <= got


def test_tap_records_and_profiles(tmp_path):
    tap = load([BSKY / "bluesky-tap-posts.json"], tmp_path)
    assert len(tap.posts) == len(raw("bluesky-tap-posts.json")) == 14
    profiles = load([BSKY / "bluesky-profiles.json", BSKY / "bluesky-partial-profiles.json"], tmp_path)
    accounts = profiles.store.accounts()
    assert len(accounts) == 5 + 2
    assert all(i.startswith("did:") for i in accounts.ids)
    assert "yomguithereal.bsky.social" in accounts.handles


def test_twitwi_csv_matches_source_md(tmp_path):
    loaded = load([BSKY / "bluesky-posts-export.csv"], tmp_path)
    with (BSKY / "bluesky-posts-export.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 157
    assert sum(1 for r in rows if r["repost_by_user_did"]) == 2
    assert sum(1 for r in rows if r["quoted_uri"]) == 44
    posts = [p for p in loaded.posts.values() if p.kind is not PostKind.RETWEET]
    assert {p.id for p in posts} == {r["uri"] for r in rows}
    assert {p.id for p in posts if p.kind is PostKind.QUOTE} == {r["uri"] for r in rows if r["quoted_uri"]}
    reposts = [p for p in loaded.posts.values() if p.kind is PostKind.RETWEET]
    assert {(p.author_id, p.ref_id) for p in reposts} == {
        (r["repost_by_user_did"], r["uri"]) for r in rows if r["repost_by_user_did"]}


def test_mastodon_statuses_match_source_md(tmp_path):
    loaded = load([MASTO / "statuses.json"], tmp_path)
    statuses = json.loads((MASTO / "statuses.json").read_text(encoding="utf-8"))
    assert len(statuses) == 3
    assert {s["uri"] for s in statuses} <= set(loaded.posts)
    assert len(loaded.posts) == 4  # and the quoted status, embedded whole
    mention = loaded.posts["https://icosahedron.website/users/halcy/statuses/110446222386355655"]
    assert mention.hashtags == ("thisisahashtag",)
    assert mention.mention_ids == ("acct:halcy@icosahedron.website",)
    assert "<" not in mention.text and "#ThisIsAHashtag" in mention.text
    quote = loaded.posts[statuses[0]["uri"]]
    assert quote.kind is PostKind.QUOTE
    assert quote.ref_id == statuses[0]["quote"]["quoted_status"]["uri"]
    assert quote.ref_author_id == "acct:h4lcy.bsky.social@bsky.brid.gy"
    assert "RE:" not in quote.text  # the quote-inline copy of the link is left out
    handles = set(loaded.store.accounts().handles)
    assert {"halcy@mastodon.social", "halcy@icosahedron.website", "h4lcy.bsky.social@bsky.brid.gy"} <= handles


# -- Jetstream, line by line -------------------------------------------------------

DID, OTHER = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb"
T0 = 1_745_000_000_000_000


def event(collection: str, rkey: str, record: dict | None, *, did: str = DID,
          operation: str = "create") -> dict:
    commit = {"rev": "r", "operation": operation, "collection": collection, "rkey": rkey}
    if record is not None:
        commit["record"] = record
    return {"did": did, "time_us": T0, "kind": "commit", "commit": commit}


def post_record(text: str, **extra) -> dict:
    return {"$type": "app.bsky.feed.post", "createdAt": "2025-04-18T18:13:20.000Z", "text": text,
            **extra}


def lines(*values) -> list[bytes]:
    return [json.dumps(v).encode() + b"\n" if not isinstance(v, bytes) else v for v in values]


def read(*values) -> list:
    return list(parse_bluesky(lines(*values), source="s.jsonl"))


def test_a_post_with_facets_tags_mentions_and_a_quote_that_replies():
    record = post_record(
        "Take #MyNYPD back @b.bsky.social #mynypd",
        langs=["en", "fr"], tags=["Police"],
        facets=[{"features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "MyNYPD"}]},
                {"features": [{"$type": "app.bsky.richtext.facet#mention", "did": OTHER}]}],
        embed={"$type": "app.bsky.embed.record",
               "record": {"uri": f"at://{OTHER}/app.bsky.feed.post/3kq", "cid": "c"}},
        reply={"root": {"uri": f"at://{OTHER}/app.bsky.feed.post/3kr"},
               "parent": {"uri": f"at://{OTHER}/app.bsky.feed.post/3kr"}})
    [post] = read(event("app.bsky.feed.post", "3ks", record))
    assert post == Post(
        id=f"at://{DID}/app.bsky.feed.post/3ks", author_id=DID,
        created_at=datetime(2025, 4, 18, 18, 13, 20, tzinfo=UTC), kind=PostKind.QUOTE,
        text="Take #MyNYPD back @b.bsky.social #mynypd", lang="en",
        ref_id=f"at://{OTHER}/app.bsky.feed.post/3kq", ref_author_id=OTHER,
        reply_to_id=f"at://{OTHER}/app.bsky.feed.post/3kr", reply_to_author_id=OTHER,
        mention_ids=(OTHER,), hashtags=("mynypd", "police"))


def test_a_repost_refers_to_its_subject_and_leaves_its_tags_to_the_store():
    original = event("app.bsky.feed.post", "3ka", post_record("#MyNYPD photo"), did=OTHER)
    repost = event("app.bsky.feed.repost", "3kb", {
        "$type": "app.bsky.feed.repost", "createdAt": "2025-04-18T18:20:00Z",
        "subject": {"uri": f"at://{OTHER}/app.bsky.feed.post/3ka", "cid": "c"}})
    first, second = read(original, repost)
    assert second.kind is PostKind.RETWEET
    assert (second.ref_id, second.ref_author_id) == (first.id, OTHER)
    assert second.hashtags == ()  # tests/store/test_bluesky_rules.py: the store gives them


def test_deletes_of_posts_and_reposts_are_deletions_the_rest_are_counted():
    got = read(event("app.bsky.feed.post", "3ke", None, operation="delete"),
               event("app.bsky.feed.repost", "3kf", None, operation="delete"),
               event("app.bsky.feed.like", "3kg", None, operation="delete"),
               event("app.bsky.feed.post", "", None, operation="delete"))
    assert got[:2] == [Deletion(f"at://{DID}/app.bsky.feed.post/3ke"),
                       Deletion(f"at://{DID}/app.bsky.feed.repost/3kf")]
    assert len(got) == 3 and isinstance(got[2], Reject) and "rkey" in got[2].reason


def test_identity_profile_envelope_and_skipped_events():
    got = read(
        {"did": DID, "time_us": T0, "kind": "identity",
         "identity": {"did": DID, "handle": "ann.bsky.social", "seq": 1, "time": "2025-04-18T18:00:00Z"}},
        {"did": DID, "time_us": T0, "kind": "account", "account": {"active": True, "did": DID}},
        event("app.bsky.actor.profile", "self", {"displayName": "Ann", "description": "📍 Brooklyn, NY"}),
        event("app.bsky.feed.like", "3kc", {"subject": {"uri": "at://x"}}),
        event("app.bsky.graph.follow", "3kd", {"subject": OTHER}),
        event("app.bsky.actor.profile", "self", None, operation="delete"),
        {"$type": "message", "payload": event("app.bsky.feed.post", "3kf", post_record("hi"))},
    )
    assert got == [
        Account(id=DID, handle="ann.bsky.social"),
        Account(id=DID, handle="", name="Ann", location_text="Brooklyn, NY"),
        Post(id=f"at://{DID}/app.bsky.feed.post/3kf", author_id=DID,
             created_at=datetime(2025, 4, 18, 18, 13, 20, tzinfo=UTC), text="hi"),
    ]


@pytest.mark.parametrize(("value", "reason"), [
    (b"{not json\n", "invalid JSON"),
    ({"did": "nobody", "time_us": T0, "kind": "commit", "commit": {}}, "not a DID"),
    (event("app.bsky.feed.post", "", post_record("x")), "missing field 'rkey'"),
    (event("app.bsky.feed.post", "3kg", {"text": "no time"}) | {"time_us": None},
     "missing field 'createdAt'"),
    (event("app.bsky.feed.repost", "3kh", {"subject": {}}), "repost without a subject"),
    ({"did": DID, "time_us": T0, "kind": "weird"}, "unknown Jetstream event kind"),
    ([1], "not a Bluesky event or view"),
])
def test_bad_lines_are_rejects_with_line_and_reason(value, reason):
    good = event("app.bsky.feed.post", "3kz", post_record("fine"))
    got = read(good, value, good)
    rejects = [r for r in got if isinstance(r, Reject)]
    assert len(rejects) == 1 and rejects[0].line == 2 and reason in rejects[0].reason
    assert sum(isinstance(r, Post) for r in got) == 2


def test_record_key_times_and_stand_in_repost_ids():
    assert tid_time("3kbpuogc6fz2o").date().isoformat() == "2023-10-14"
    assert tid_time("self") is None
    stand_in = repost_id(DID, f"at://{OTHER}/app.bsky.feed.post/3ka")
    assert stand_in == f"at://{DID}/app.bsky.feed.repost/{OTHER}:app.bsky.feed.post:3ka"


@pytest.mark.parametrize(("head", "kind"), [
    (b'{"did":"did:plc:x","time_us":1,"kind":"commit","commit":{}}\n', "bluesky"),
    (b'{"$type":"message","payload":{"did":"did:plc:x","kind":"identity"}}\n', "bluesky"),
    (b'{"posts":[{"uri":"at://did:plc:x/app.bsky.feed.post/1","record":{}}]}', "bluesky"),
    (b'{"feed":[{"post":{"uri":"at://did:plc:x/app.bsky.feed.post/1"}}]}', "bluesky"),
    (b'{"id":1,"type":"record","record":{"did":"did:plc:x","collection":"c","record":{}}}\n', "bluesky"),
    (b'uri,user_did,timestamp_utc\n', "bluesky-csv"),
    (b'{"uri":"https://m.s/users/a/statuses/1","account":{"acct":"a"}}\n', "mastodon"),
    (b'{"statuses":[{"uri":"https://m.s/users/a/statuses/1","account":{"acct":"a"}}]}', "mastodon"),
    (b'{"id_str":"1","user":{}}\n', "v1"),
])
def test_detected_from_content(head, kind):
    assert detect(head) == kind


# -- twitwi CSV ------------------------------------------------------------------------


def test_a_csv_row_that_is_no_post_is_a_reject():
    header = b"uri,user_did,user_handle,timestamp_utc,text,hashtags\n"
    good = f"at://{DID}/app.bsky.feed.post/3ka,{DID},ann.bsky.social,1745000000,#A b,a\n".encode()
    bad = f"https://example.com/x,{DID},ann.bsky.social,1745000000,x,\n".encode()
    got = list(parse_bluesky_csv([header, good, bad], source="e.csv"))
    [reject] = [r for r in got if isinstance(r, Reject)]
    assert reject.line == 3 and "not a post" in reject.reason
    [post] = [r for r in got if isinstance(r, Post)]
    assert post.hashtags == ("a",)


# -- Mastodon, line by line --------------------------------------------------------------


def status(uri: str, acct: str, content: str, **extra) -> dict:
    user = acct.split("@")[0]
    return {"id": uri.rsplit("/", 1)[-1], "uri": uri, "url": f"https://mastodon.social/@{user}/1",
            "created_at": "2025-04-18T18:00:00.000Z", "content": content, "language": "en",
            "account": {"id": "9" + user, "acct": acct, "display_name": user, "followers_count": 10,
                        "fields": []},
            "mentions": [], "tags": [], "reblog": None, "in_reply_to_id": None, **extra}


def masto(*values) -> list:
    return list(parse_mastodon(lines(*values), source="m.jsonl"))


def test_a_boost_reply_and_shallow_quote():
    original = status("https://a.example/users/ann/statuses/1", "ann@a.example",
                      "<p>Go <a href='https://a.example/tags/MyNYPD'>#<span>MyNYPD</span></a></p>",
                      tags=[{"name": "mynypd"}])
    boost = status("https://mastodon.social/users/bob/statuses/2/activity", "bob", "", reblog=original)
    reply = status("https://mastodon.social/users/cy/statuses/3", "cy", "<p>@ann no</p>",
                   in_reply_to_id="1", in_reply_to_account_id="9ann",
                   mentions=[{"id": "9ann", "acct": "ann@a.example", "username": "ann",
                              "url": "https://a.example/@ann"}])
    quote = status("https://mastodon.social/users/dee/statuses/4", "dee", "<p>look</p>",
                   quote={"state": "accepted", "quoted_status_id": "3"})
    dunk = status("https://mastodon.social/users/eve/statuses/5", "eve", "<p>@ann lol</p>",
                  quote={"state": "accepted", "quoted_status_id": "1"},
                  in_reply_to_id="1", in_reply_to_account_id="9ann")
    got = masto(boost, reply, quote, boost, dunk)
    posts = [r for r in got if isinstance(r, Post)]
    assert [p.kind for p in posts] == [PostKind.ORIGINAL, PostKind.RETWEET, PostKind.REPLY, PostKind.QUOTE,
                                       PostKind.QUOTE]
    first, boosted, replied, quoted, dunked = posts
    assert first.author_id == "acct:ann@a.example" and first.hashtags == ("mynypd",)
    assert first.text == "Go #MyNYPD"
    assert (boosted.author_id, boosted.ref_id, boosted.hashtags) == (
        "acct:bob@mastodon.social", first.id, ("mynypd",))
    # ids are local to the serving instance: the reply finds its parent and its author by them
    assert (replied.reply_to_id, replied.reply_to_author_id) == (first.id, "acct:ann@a.example")
    assert (replied.ref_id, replied.ref_author_id) == (None, None)
    assert (quoted.ref_id, quoted.ref_author_id, quoted.reply_to_id) == (replied.id, None, None)
    # a quote that replies counts as both
    assert (dunked.ref_id, dunked.reply_to_id, dunked.reply_to_author_id) == (
        first.id, first.id, "acct:ann@a.example")
    handles = {r.handle for r in got if isinstance(r, Account)}
    assert handles == {"ann@a.example", "bob@mastodon.social", "cy@mastodon.social", "dee@mastodon.social",
                       "eve@mastodon.social"}


def test_mastodon_archive_and_bad_statuses():
    archive = {"statuses": [status("https://m.example/users/a/statuses/1", "a@m.example", "x")]}
    no_uri = status("", "a@m.example", "x")
    got = masto(archive, no_uri, b'"a string"\n')
    assert sum(isinstance(r, Post) for r in got) == 1
    assert [(r.line, r.reason[:20]) for r in got if isinstance(r, Reject)] == [
        (2, "field 'uri' is not a"), (3, "not a Mastodon statu")]


@pytest.mark.parametrize(("fields", "expected"), [
    ([{"name": "Location", "value": "Brooklyn, NY"}], "Brooklyn, NY"),
    ([{"name": "Web", "value": "<a href='x'>x</a>"}, {"name": "Ort", "value": "<p>Berlin</p>"}], "Berlin"),
    ([{"name": "📍", "value": "Lyon"}], "Lyon"),
    ([{"name": "Ubicación", "value": "Ciudad de México"}], "Ciudad de México"),
    ([{"name": "Pronouns", "value": "she/her"}], ""),
])
def test_location_from_profile_fields(fields, expected):
    assert profile_location(fields) == expected


def test_html_to_text():
    assert html_text("<p>a &amp; b</p><p>c<br>d</p>") == "a & b\n\nc\nd"
    assert html_text('<a href="https://x.org/"><span class="invisible">https://</span>x.org/</a>') == "https://x.org/"

"""Odd Unicode in handles, names, places and text comes back from both stores as it went in.

RTL and bidi override marks, zero-width joiners (emoji families), emoji, NUL and
combining accents are kept exactly. A lone surrogate (``"\\ud83d"`` in the JSON: a
tweet cut mid-emoji by its collector) cannot be held by UTF-8, so by SQLite or Neo4j:
it becomes U+FFFD and the tweet loads; that is the one normalisation of text.

Hashtags are matched by ``normalize_tag``: Unicode NFKC, then case folding, without
the ``#``. So ``#MyNYPD``, ``#mynypd``, the full-width ``＃ＭｙＮＹＰＤ`` and the
mathematical bold ``#𝐌𝐲𝐍𝐘𝐏𝐃`` are one tag, ``mynypd``, in storage and in every
``--hashtag`` / ``-p hashtag=``. Zero-width and bidi characters inside a tag are not
removed (some scripts need them), so ``#My\\u200dNYPD`` stays a different tag.
"""

from __future__ import annotations

import orjson
import pytest
from tagjack.graph.model import normalize_tag

from .support import cli_env, jsonl, neo4j_rows, run_tagjack, v1_tweet, v1_user, wipe_neo4j

ACCOUNTS = {  # id: (handle, name, location)
    "1": ("\u202eDPYN\u200f", "شرطة نيويورك\u200f", "\u200fالقاهرة"),
    "2": ("fam\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f46e\u200d\u2640\ufe0f officer",
          "NYC \U0001f5fd"),
    "3": ("nul\u0000byte", "a\u0000b", "\u0000"),
    "4": ("cafe\u0301", "Cafe\u0301 Owner", "Montre\u0301al"),
    "5": ("cut", "half an emoji \ud83d", "\udc00 somewhere"),
}
STORED = {**ACCOUNTS, "5": ("cut", "half an emoji \ufffd", "\ufffd somewhere")}
BOLD = "\U0001d40c\U0001d432\U0001d40d\U0001d418\U0001d40f\U0001d403"  # mathematical bold MyNYPD
TAGS = ["MyNYPD", "mynypd", "ＭｙＮＹＰＤ", BOLD]
TEXTS = {
    "101": "\u202e#MyNYPD in RTL \u200f\u200e",
    "102": "family \U0001f468\u200d\U0001f469\u200d\U0001f467 #mynypd",
    "103": "before\u0000after #ＭｙＮＹＰＤ",
    "104": "Cafe\u0301 #MyNYPD",
    "105": "cut mid-emoji \ud83d",
}
STORED_TEXTS = {**TEXTS, "105": "cut mid-emoji \ufffd"}
SPELLINGS = ["#MyNYPD", "#mynypd", "mynypd", "＃ＭｙＮＹＰＤ", "#" + BOLD]


def test_the_tag_rule():
    assert {normalize_tag(s) for s in SPELLINGS} == {"mynypd"}
    assert normalize_tag("#My\u200dNYPD") != "mynypd"  # documented: zero-width characters stay
    assert normalize_tag("#STRASSE") == normalize_tag("#Straße") == "strasse"  # case folding


@pytest.fixture(scope="module")
def tweets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("unicode")
    users = {uid: v1_user(uid, h, name=n, location=loc) for uid, (h, n, loc) in ACCOUNTS.items()}
    fans = [v1_user(str(50 + i), f"fan{i}") for i in range(4)]
    originals = [v1_tweet(tid, users[str(i + 1)], text=TEXTS[tid], tags=(TAGS[i % len(TAGS)],), minute=i)
                 for i, tid in enumerate(TEXTS)]
    retweets = [v1_tweet(f"2{i}{j}", fan, retweet_of=o, minute=10 + i)
                for i, o in enumerate(originals) for j, fan in enumerate(fans[:i + 1])]
    return folder, jsonl(folder / "unicode.jsonl", originals + retweets)


def sqlite_contents(db):
    import sqlite3

    with sqlite3.connect(db) as con:
        accounts = {r[0]: tuple(r[1:]) for r in con.execute(
            "SELECT id, handle, name, location_text FROM accounts")}
        texts = dict(con.execute("SELECT id, text FROM posts"))
        tags = {r[0] for r in con.execute("SELECT DISTINCT tag FROM post_tags")}
    return accounts, texts, tags


def neo4j_contents(driver):
    accounts = {r[0]: tuple(r[1:]) for r in neo4j_rows(
        driver, "MATCH (a:Account) RETURN a.id, a.handle, a.name, a.location_text")}
    texts = dict(neo4j_rows(driver, "MATCH (p:Post) WHERE p.created_at IS NOT NULL RETURN p.id, p.text"))
    tags = {r[0] for r in neo4j_rows(driver, "MATCH (h:Hashtag) RETURN h.tag")}
    return accounts, texts, tags


def amplifiers_by_spelling(env, cwd, *store_args) -> dict[str, list]:
    found = {}
    for spelling in SPELLINGS:
        result = run_tagjack("query", "top_amplifiers", "-p", f"hashtag={spelling}", "--json",
                             *store_args, cwd=cwd, env=env)
        assert result.returncode == 0, result.stderr
        found[spelling] = orjson.loads(result.stdout)
    return found


def check(accounts, texts, tags, by_spelling):
    for uid, row in STORED.items():
        assert accounts[uid] == row, uid
    for tid, text in STORED_TEXTS.items():
        assert texts[tid] == text, tid
    assert tags == {"mynypd"}
    first = by_spelling[SPELLINGS[0]]
    assert all(rows == first for rows in by_spelling.values())
    assert {r["handle"] for r in first} == {h for h, _, _ in STORED.values()}


def test_sqlite_keeps_odd_unicode_and_matches_every_spelling_of_the_tag(tweets):
    folder, path = tweets
    db = folder / "unicode.db"
    load = run_tagjack("load", path, "--db", db, "--quiet", "--json", cwd=folder)
    assert load.returncode == 0, load.stderr
    assert orjson.loads(load.stdout)["rejected"] == 0
    check(*sqlite_contents(db), amplifiers_by_spelling(cli_env(), folder, "--db", db))


@pytest.mark.neo4j
def test_neo4j_keeps_odd_unicode_and_matches_every_spelling_of_the_tag(tweets, own_neo4j):
    folder, path = tweets
    env = cli_env(own_neo4j.env(), neo4j=True)
    with own_neo4j.driver() as driver:
        wipe_neo4j(driver)
        load = run_tagjack("load", path, "--quiet", "--json", cwd=folder, env=env)
        assert load.returncode == 0, load.stderr
        assert orjson.loads(load.stdout)["rejected"] == 0
        check(*neo4j_contents(driver), amplifiers_by_spelling(env, folder))
        wipe_neo4j(driver)

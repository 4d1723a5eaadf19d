"""Stores for the report and export tests: a tiny hostile hijack built by hand, and a small simulated one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tagjack.graph.analytics.pipeline import analyze
from tagjack.graph.ingest.batches import RejectsFile, load_records
from tagjack.graph.ingest.readers.v1 import read_v1
from tagjack.graph.model import Account, Post, PostKind
from tagjack.graph.simulation.simulate import simulate
from tagjack.graph.store.base import Batch
from tagjack.graph.store.sqlite import SqliteStore

START = datetime(2014, 4, 22, 18, 0, tzinfo=UTC)
TAG = "mytag"
SIMULATED_TWEETS = 10_000

# Crafted strings: markup that must stay text in the report, formulas that must stay text in a
# spreadsheet, characters XML forbids.
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
SVG = "</script><svg onload=alert(3)>"
FORMULAS = {"h1": "=HYPERLINK(\"http://evil.example\",\"click\")", "h2": "+SUM(A1:A9)",
            "h3": "-2+3", "h4": "@cmd", "h5": "\tTAB", "h6": "\rCR"}
XML_BAD = "bad\x00name\x0bwith\x1fcontrol\ufffeend"
XML_CLEAN = "badnamewithcontrolend"


def crafted_accounts() -> list[Account]:
    """The origin (a campaign of 6 around it) and a hijacker hub with 8 followers of its own."""
    accounts = [Account("1", SCRIPT, IMG, 5_000, "New York, NY")]
    accounts += [Account(f"c{i}", f"c{i}", XML_BAD if i == 2 else f"Campaign {i}", 100 * i,
                         "New York, NY") for i in range(1, 7)]
    accounts.append(Account("h0", "h0" + SVG, "Hijack hub", 20_000, "Los Angeles, CA"))
    accounts += [Account(f"h{i}", f"h{i}", FORMULAS.get(f"h{i}", f"Hijacker {i}"), 50 * i,
                         "Los Angeles, CA" if i % 2 else "Oakland, CA") for i in range(1, 9)]
    return accounts


def crafted_posts() -> list[Post]:
    """The origin launches the tag; its campaign retweets it; two hours on the hijackers take it."""
    posts: list[Post] = []

    def post(pid: str, author: str, minutes: float, *, kind: PostKind = PostKind.ORIGINAL,
             ref: tuple[str, str] | None = None, mentions: tuple[str, ...] = (),
             tags: tuple[str, ...] = (TAG,), text: str = "") -> None:
        posts.append(Post(id=pid, author_id=author, created_at=START + timedelta(minutes=minutes),
                          kind=kind, text=text or f"#{tags[0]} {SCRIPT} {IMG}",
                          ref_id=ref[0] if ref else None, ref_author_id=ref[1] if ref else None,
                          mention_ids=mentions, hashtags=tags))

    post("p0", "1", 0)
    post("p1", "1", 30)
    for i in range(1, 7):
        post(f"rc{i}", f"c{i}", 2 + i, kind=PostKind.RETWEET, ref=("p0", "1"))
        post(f"rd{i}", f"c{i}", 40 + i, kind=PostKind.RETWEET, ref=("p1", "1"))
        post(f"oc{i}", f"c{i}", 10 + i, mentions=("1",) if i == 1 else ())  # c1 -> 1 twice over
        post(f"xc{i}", f"c{i}", 20 + i, kind=PostKind.RETWEET, ref=(f"oc{i % 6 + 1}", f"c{i % 6 + 1}"))
    for n in range(4):
        post(f"ph{n}", "h0", 125 + 30 * n)
        for i in range(1, 9):
            post(f"rh{n}-{i}", f"h{i}", 127 + 30 * n + i, kind=PostKind.RETWEET, ref=(f"ph{n}", "h0"))
            post(f"oh{n}-{i}", f"h{i}", 128 + 30 * n + i,
                 tags=(TAG, "mytagla") if i % 2 else (TAG,),
                 mentions=("1",) if i in (1, 2) and n == 0 else ())
            post(f"xh{n}-{i}", f"h{i}", 140 + 30 * n + i, kind=PostKind.RETWEET,
                 ref=(f"oh{n}-{i % 8 + 1}", f"h{i % 8 + 1}"))
    return posts


def crafted_store(path: Path, *, analysed: bool = True) -> SqliteStore:
    """The hostile hijack in a SQLite file; analysed for #mytag unless told otherwise."""
    store = SqliteStore(path)
    store.write_batch(Batch(accounts=crafted_accounts(), posts=crafted_posts()))
    if analysed:
        analyze(store, hashtag=TAG, engine="louvain", seed=1)
    return store


_simulated: dict[str, Path] = {}


def simulated_store(tmp_path_factory) -> tuple[Path, dict]:
    """A 10k-tweet simulated #MyNYPD hijack, loaded and analysed once per test session."""
    if "db" not in _simulated:
        import json


        folder = tmp_path_factory.mktemp("report_case")
        simulate(folder, tweets=SIMULATED_TWEETS, fmt="v1", seed=3)
        with SqliteStore(folder / "case.db") as store:
            load_records(store, read_v1(folder / "tweets.jsonl"),
                         rejects=RejectsFile(folder / "rejects.jsonl"))
            truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
            analyze(store, hashtag=truth["hashtag"], seed=1)
        _simulated["db"] = folder / "case.db"
        _simulated["truth"] = folder / "truth.json"
    import json

    return _simulated["db"], json.loads(_simulated["truth"].read_text(encoding="utf-8"))

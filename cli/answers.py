"""What the analysis commands share: the window option, a stage spinner, and the answer tables."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from tagjack.cli.errors import err
from tagjack.cli.render import out, print_table
from tagjack.graph.analytics.hijack import CommunitySummary, Hijack
from tagjack.graph.analytics.influence import Amplifier
from tagjack.graph.analytics.pipeline import AccountProfile
from tagjack.graph.analytics.spread import Spread
from tagjack.graph.times import iso

WindowOption = Annotated[str, typer.Option(
    "--window", help="Takeover window: 15m, 900s, 1h (aligned to the UTC epoch).")]
OriginOption = Annotated[str | None, typer.Option(
    "--origin", help="Handle of the tag's owner (default: its earliest poster).")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")]
MinShareOption = Annotated[float, typer.Option(
    "--min-share", min=0.0, max=1.0,
    help="A hijacker community posts at least this share of the tag's posts.")]
TiesOption = Annotated[str, typer.Option(
    "--ties", help="What one retweet, quote, reply and mention weighs in the community graph, "
                   "e.g. retweet=1,mention=0.3 (kinds not named keep their default).")]
EndorsementOption = Annotated[float, typer.Option(
    "--max-endorsement-ratio", min=0.0,
    help="...and its members endorse the origin at most this times as often as the campaign's.")]

_WINDOW = re.compile(r"^\s*(\d+)\s*([smh]?)\s*$", re.IGNORECASE)
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600}


def parse_window(text: str) -> int:
    """Seconds in "15m", "900s", "900" or "1h"; BadParameter otherwise."""
    match = _WINDOW.match(text or "")
    seconds = int(match.group(1)) * _UNIT[match.group(2).lower()] if match else 0
    if seconds <= 0:
        raise typer.BadParameter(f"{text!r} is not a window length; try 15m, 900s or 1h",
                                 param_hint="--window")
    return seconds


@contextmanager
def stages(quiet: bool) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr naming the stage running; yields the progress callback."""
    if quiet:
        yield lambda stage: None
        return
    with err.status("reading the store") as status:
        yield lambda stage: status.update(f"{stage}…")


def handle(h: str | None) -> str:
    return f"@{h}" if h else ""


def print_hijack(h: Hijack, *, top: int = 12) -> None:
    print_table(
        f"#{h.hashtag}: communities in the tag (origin @{h.origin})",
        ["community", "role", "members", "tag posts", "share", "endorsement", "engaged",
         "quotes+replies", "first post", "top accounts"],
        [(r.community if r.community >= 0 else "none", r.role, r.members, r.posts,
          f"{r.share:.1%}", f"{r.endorsement:.1%}", f"{r.engagement:.1%}", r.engagement_posts,
          iso(r.first_at), ", ".join(handle(a) for a in r.top_accounts))
         for r in h.communities[:top]])
    out.print(f"endorsement: members who retweeted @{h.origin}; engaged: members who quoted or "
              "replied to it (a quote or a reply may mock: engagement, not endorsement)",
              soft_wrap=True, highlight=False)
    takeover = iso(h.takeover_at) or "never (the campaign kept the majority)"
    out.print(f"takeover: {takeover}   windows: {h.window // 60} min   {h.explanation}",
              soft_wrap=True, highlight=False)


def print_amplifiers(rows: list[Amplifier], *, title: str, reasons: bool = True) -> None:
    """The ranked table; ``reasons=False`` leaves out the long columns (the analyze overview)."""
    if not reasons:
        print_table(title, ["rank", "handle", "community", "score", "retweeters", "retweets",
                            "city"],
                    [(a.rank, handle(a.handle), a.community, round(a.score, 1),
                      a.unique_retweeters, a.retweets_received, a.city) for a in rows])
        return
    print_table(title, ["rank", "handle", "community", "score", "retweets", "retweeters",
                        "quotes", "pagerank", "reach", "reason"],
                [(a.rank, handle(a.handle), a.community, round(a.score, 1), a.retweets_received,
                  a.unique_retweeters, a.quotes_received, a.pagerank, a.reach, a.reason)
                 for a in rows])


def print_communities(rows: list[CommunitySummary], *, top: int) -> None:
    print_table(f"communities ({len(rows):,}; the {min(top, len(rows))} largest)",
                ["id", "size", "role", "label", "top accounts"],
                [(c.id, c.size, c.role, c.label, ", ".join(handle(a) for a in c.top_accounts))
                 for c in rows[:top]])


def print_spread(s: Spread) -> None:
    print_table(f"#{s.hashtag}: cities in adoption order "
                f"({s.located_accounts:,} of {s.posting_accounts:,} posting accounts located)",
                ["#", "city", "country", "first post", "first tag", "accounts", "posts", "tags"],
                [(i, c.city, c.country, iso(c.first_at), "#" + c.first_hashtag, c.accounts,
                  c.posts, " ".join("#" + t for t in c.hashtags[:4]))
                 for i, c in enumerate(s.cities, start=1)])
    if s.variants:
        print_table("variants", ["tag", "city", "found by", "first post", "posts", "adopters",
                                 "candidates"],
                    [("#" + v.hashtag, v.city or ("ambiguous" if v.ambiguous else "unknown"),
                      v.rule, iso(v.first_at), v.posts, v.accounts,
                      ", ".join(f"{c.city} {c.accounts}" for c in v.candidates))
                     for v in s.variants])
    if s.transmissions:
        print_table("city -> city retweets (top 15)", ["from", "to", "retweets", "first"],
                    [(t.source, t.target, t.retweets, iso(t.first_at))
                     for t in s.transmissions[:15]])


def print_profile(p: AccountProfile) -> None:
    scope = f"#{p.scope}" if p.scope else "all posts"
    print_table(f"@{p.handle}", ["what", "value"], [
        ("name", p.name), ("followers", p.followers), ("profile location", p.location_text),
        ("community", f"{p.community} {p.community_label or ''}" if p.community is not None
         else "none"),
        ("role", p.role),
        ("city", f"{p.city}, {p.country} (from {p.city_source})" if p.city else "unknown"),
        (f"pagerank ({scope})", p.pagerank), (f"amplifier score ({scope})", round(p.amplifier_score, 2)),
        ("retweets received", p.retweets_received), ("distinct retweeters", p.unique_retweeters),
        ("retweets given", p.retweets_given),
        ("coordination", p.coordinated or "none found (tagjack coordination)")])
    for title, ties in (("amplified by", p.amplified_by), ("amplified", p.amplified)):
        if ties:
            print_table(f"@{p.handle} {title}", ["handle", "retweets", "first", "last"],
                        [(handle(t.handle), t.retweets, iso(t.first_at), iso(t.last_at))
                         for t in ties])

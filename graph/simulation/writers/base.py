"""What every format's writer shares: timestamps, sources, links; writers never draw random numbers."""

from __future__ import annotations

import time
from typing import Any

import orjson
from tagjack.graph.simulation.world import Tweet, World, iso

SOURCES = (("Twitter for iPhone", "http://twitter.com/download/iphone"),
           ("Twitter for Android", "http://twitter.com/download/android"),
           ("Twitter Web Client", "http://twitter.com"),
           ("TweetDeck", "https://about.twitter.com/products/tweetdeck"))
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fragment(value: Any) -> orjson.Fragment:
    """Pre-serialised JSON to keep; a str, as orjson's bytes come over-allocated (4 KB)."""
    return orjson.Fragment(orjson.dumps(value).decode())


class Writer:
    """Serialises tweets for one format; never draws random numbers."""

    def __init__(self, fh: Any, world: World) -> None:
        self.fh = fh
        self.w = world
        self.acc = world.accounts
        self.start_s = world.start_s
        self._times: dict[int, str] = {}

    def write(self, tw: Tweet) -> None:
        raise NotImplementedError

    def platform_handle(self, handle: str) -> str:
        """A simulated handle as this format's platform writes it (the truth uses these)."""
        return handle

    def close(self) -> None:
        pass

    def v1_time(self, ms: int) -> str:
        second = self.start_s + ms // 1000
        text = self._times.get(second)
        if text is None:
            if len(self._times) > 100_000:
                self._times.clear()
            t = time.gmtime(second)
            text = self._times[second] = (
                f"{DAYS[t.tm_wday]} {MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} "
                f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000 {t.tm_year}")
        return text

    def v2_time(self, ms: int) -> str:
        return iso(self.start_s + ms // 1000)[:-1] + ".000Z"

    def source(self, a: int) -> tuple[str, str]:
        return SOURCES[a % len(SOURCES)]

    def quoted_url(self, tw: Tweet) -> str:
        ref = tw.ref
        assert ref is not None
        return f"https://twitter.com/{self.acc.handle[ref.author]}/status/{ref.id}"

"""The place a profile bio states, when it clearly states one (Bluesky has no location field).

A wrong city is worse than none, so only the conventions people use to say where
they are count; a place merely named ("I love Paris", "Lakers fan", "ex-NYT")
gives nothing:

- the pin: ``📍 Brooklyn, NY`` (to the end of its line or the next separator);
- ``based in X``, ``based out of X``, ``living in X``, ``located in X``;
- ``X-based`` (``Chicago-based reporter``), X capitalised;
- a US city and state standing alone on a line or between separators:
  ``Nurse | Oakland, CA | she/her``, ``Coffee first. Denver, CO``.

The phrase found goes to the account's ``location_text``, which the geocoder
(``analytics/geo.py``) reads like a Twitter location field: it still gives None
for a region, an ambiguous name or noise.
"""

from __future__ import annotations

import re

PIN = "\U0001f4cd"  # 📍
# a separator ends a place phrase: pipes, bullets, slashes, other emoji, sentence ends
_STOP = r"[|•·/\n;!?()\[\]]|\.(?:\s|$)|\s[-–—]\s|[\U0001F300-\U0001FAFF\u2600-\u27BF]"
PINNED = re.compile(PIN + r"\ufe0f?\s*(?P<place>.+?)\s*(?=" + _STOP + r"|$)")
BASED_IN = re.compile(r"\b(?:[Bb]ased (?:in|out of)|[Ll]iving in|[Ll]ocated in|[Ll]ive in|"
                      r"[Ll]ives in)\s+(?:the\s+)?(?P<place>[A-Z][^|•·/\n;!?()]*?)"
                      r"\s*(?=" + _STOP + r"|\s(?:and|but|with|where|since|for|by|as)\s|,\s+[a-z]|$)")
X_BASED = re.compile(r"(?P<place>(?:[A-Z][\w.'’]*[ -]){0,2}[A-Z][\w.'’]*)-based\b")
US_STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE "
             "NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY").split()
CITY_STATE = re.compile(r"(?:^|[|•·/]|[.,](?=\s))\s*(?P<place>(?:[A-Z][\w.'’]*\s){0,2}[A-Z][\w.'’]*,"
                        r"\s?(?:" + "|".join(US_STATES) + r"))\s*(?=[|•·/]|$)")
ARTICLE = re.compile(r"^(?:A|An|The)\s+")
MAX_WORDS = 6  # longer is a sentence, not a place


def place_in_bio(bio: str) -> str:
    """The place phrase a bio states by one of the conventions above, or '' if none."""
    if not bio:
        return ""
    for pattern in (PINNED, BASED_IN, X_BASED):
        if (match := pattern.search(bio)) is not None:
            return _phrase(match.group("place"))
    for line in bio.splitlines():
        if (match := CITY_STATE.search(line.strip())) is not None:
            return _phrase(match.group("place"))
    return ""


def _phrase(text: str) -> str:
    text = ARTICLE.sub("", text.strip(" ,.:-–—\t"))
    return text if 0 < len(text.split()) <= MAX_WORDS else ""

"""Plumbing the Bluesky and Mastodon readers share: hashtags in text, HTML to text,
the kind of a post."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tagjack.graph.model import PostKind

# '#tag' not inside a word or an HTML entity ('&#39;'); a tag is not only digits
TEXT_TAG = re.compile(r"(?<![\w&#])#(\w*[^\W\d]\w*)")
BLOCKS = {"p", "br", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}


def post_kind(quoted: str | None, reply_to: str | None) -> PostKind:
    """A quote (which may also reply), else a reply, else an original, as in the Twitter readers."""
    return PostKind.QUOTE if quoted else PostKind.REPLY if reply_to else PostKind.ORIGINAL


def text_tags(text: str) -> list[str]:
    """Hashtags written in ``text`` (without '#'), as a reader adds them to a platform's own."""
    return TEXT_TAG.findall(text) if "#" in text else []


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS and self.parts and tag != "br":
            self.parts.append("\n\n" if tag == "p" else "\n")
        elif tag == "br":
            self.parts.append("\n")
        # Mastodon 4.4 repeats a quote's link in <span class="quote-inline"> for old clients
        if tag == "span" and self._hidden:
            self._hidden += 1
        elif tag == "span" and any(k == "class" and v and "quote-inline" in v.split() for k, v in attrs):
            self._hidden = 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_text(html: str) -> str:
    """Plain text of an HTML fragment (a status's ``content``, a profile ``note`` or field).

    Paragraphs become blank lines, ``<br>`` a newline, entities characters; Mastodon's
    invisible link parts stay in, so a link reads as its address; the copy of a quote's
    link for old clients (``quote-inline``) is left out.
    """
    if "<" not in html and "&" not in html:
        return html.strip()
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts).strip()

"""Mastodon Status entities as collectors write them: JSON Lines, a JSON array,
mastodon-archive's ``{"statuses": [...]}`` (its ``favourites`` and ``mentions`` too), or the
VCR cassettes of an API client's tests (Mastodon.py's; YAML or JSON, ``cassette.py``), whose
responses hold statuses, accounts, lists of them, search results, a thread's context or
notifications. Account entities become accounts; other responses are skipped, with a count.

Ids are global, so one store holds several instances' views of the same posts:
- a post is its ``uri`` (the ActivityPub id; a status ``id`` is local to the instance
  that served it, and the same post read from two instances is read once);
- an account is ``acct:user@domain`` (RFC 7565, what WebFinger resolves), lower-cased.
  Mentions carry ``acct`` but no account URI, and Mastodon usernames never change
  (a move makes a new account), so the global ``acct`` is the stable key every
  reference can name. ``acct`` without a domain is made global with the host of
  the serving instance, taken from the URL of a status whose author's ``acct`` has
  no domain (a local account's status is on the serving instance).

A boost (``reblog``) is a post of kind retweet whose reference is the original;
a quote (4.4+ ``quote.quoted_status``, or a shallow ``quoted_status_id``) and a
reply (``in_reply_to_id``; a quote that replies is both) refer to posts by local id,
resolved through the statuses read so far from the file (one instance's view, as
collectors write them); the replied-to account through the status's
mentions (a reply mentions whom it answers). HTML (``content``, ``note``, field
values) becomes text through ``html.parser``. An account's location is the profile
field that names one (``Location``, ``Ort``, ``Ubicación``, ``📍``...), else the place its
note clearly states (``bio.place_in_bio``).
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from tagjack.graph.ingest.readers.bio import place_in_bio
from tagjack.graph.ingest.readers.cassette import Response, host_of, responses, yaml_responses
from tagjack.graph.ingest.readers.common import (
    RECORD_ERRORS,
    BadRecord,
    Originals,
    Progress,
    count_or_none,
    created_time,
    json_lines,
    json_values,
    open_binary,
    reason,
    reject,
    unique_tags,
)
from tagjack.graph.ingest.readers.social import html_text, post_kind, text_tags
from tagjack.graph.model import Account, Post, PostKind, Record, Reject

log = logging.getLogger(__name__)

ARCHIVE_KEYS = ("statuses", "favourites", "mentions", "bookmarks")
RESPONSE_LISTS = ("statuses", "accounts", "ancestors", "descendants")  # search, context
MAX_NESTING = 3  # a boost of a quote of a quote: as deep as Mastodon nests
# profile fields people use to say where they are (names compared casefolded, without emoji)
LOCATION_FIELDS = {
    "location", "loc", "place", "city", "where", "based in", "home", "hometown", "lives in",
    "ort", "wohnort", "standort", "stadt", "heimat",
    "lieu", "localisation", "ville", "emplacement",
    "ubicación", "ubicacion", "ciudad", "localización", "lugar",
    "localização", "localizacao", "cidade", "local",
    "luogo", "posizione", "città", "locatie", "plaats", "woonplaats", "sted", "plats",
    "lokalizacja", "miasto", "місто", "город", "местоположение", "所在地", "場所", "위치",
}
PIN = "📍"


def read_mastodon(path: Path, *, on_progress: Progress | None = None) -> Iterator[Record | Reject]:
    with open_binary(path, on_progress=on_progress) as fh:
        yield from parse_mastodon_stream(fh, source=path.name)


def parse_mastodon_stream(fh: IO[bytes], *, source: str) -> Iterator[Record | Reject]:
    """Records of a Mastodon file: JSON Lines of statuses, a JSON array, an archive, or a
    cassette (YAML when the file does not open as JSON)."""
    reader = MastodonReader(source)
    fh = fh if hasattr(fh, "peek") else io.BufferedReader(fh)  # type: ignore[arg-type]
    if fh.peek(4096).lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (b"{", b"[", b""):
        for response in yaml_responses(fh, source=source, skipped=reader.skipped):
            yield from (response,) if isinstance(response, Reject) else reader.response(response)
    else:
        for item in json_values(fh, source=source):
            yield from (item,) if isinstance(item, Reject) else reader.value(item[1], line=item[0])
    reader.log_skipped()


def parse_mastodon(lines: Iterable[bytes], *, source: str) -> Iterator[Record | Reject]:
    """Parse Mastodon JSON Lines given as byte lines (one status per line)."""
    reader = MastodonReader(source)
    for item in json_lines(lines, source=source):
        yield from (item,) if isinstance(item, Reject) else reader.value(item[1], line=item[0])
    reader.log_skipped()


class MastodonReader:
    """What one stream needs across lines: the serving instance, uris seen, local ids met."""

    limit = 200_000

    def __init__(self, source: str) -> None:
        self.source = source
        self.server: str | None = None  # the instance that served the statuses
        self.posts = Originals()  # posts read, by uri: a status read twice is read once
        self.statuses: dict[str, str] = {}  # local id -> uri
        self.accounts: dict[str, str] = {}  # local id -> account id
        self.skipped: Counter[str] = Counter()

    def log_skipped(self) -> None:
        if self.skipped:
            log.info("%s: skipped %s", self.source,
                     ", ".join(f"{n:,} {what}" for what, n in self.skipped.most_common()))

    def value(self, value: Any, *, line: int) -> Iterator[Record | Reject]:
        if isinstance(value, list):
            for item in value:
                yield from self.value(item, line=line)
        elif isinstance(value, dict) and isinstance(value.get("interactions"), list) \
                and "account" not in value:  # a cassette vcrpy wrote as JSON
            for response in responses(value, source=self.source, skipped=self.skipped, line=line):
                yield from (response,) if isinstance(response, Reject) else self.response(response)
        elif isinstance(value, dict) and any(isinstance(value.get(k), list) for k in ARCHIVE_KEYS) \
                and "account" not in value:
            for key in ARCHIVE_KEYS:
                for item in value.get(key) or ():
                    yield from self.value(item, line=line)
        elif not isinstance(value, dict):
            yield reject(self.source, line, f"not a Mastodon status: {type(value).__name__}", value)
        elif _is_account(value):
            try:
                yield account_of(value, instance=self.server or host_of(value.get("url")))
            except RECORD_ERRORS as exc:
                yield reject(self.source, line, reason(exc), value)
        else:
            try:
                records, _ = self.status(value)
            except RECORD_ERRORS as exc:
                yield reject(self.source, line, reason(exc), value)
            else:
                yield from records

    def response(self, response: Response) -> Iterator[Record | Reject]:
        """The statuses and accounts of one API response; the host that answered it is the
        serving instance (the domain of an ``acct`` without one)."""
        if response.host:
            self.server = response.host
        body = response.body
        for entity in (e for value in (body if isinstance(body, list) else [body]) for e in _entities(value)):
            if isinstance(entity, dict) and (_is_account(entity) or _is_status(entity)):
                yield from self.value(entity, line=response.line)
            else:
                self.skipped["responses holding no status or account"] += 1

    def status(self, status: dict, *, depth: int = 0) -> tuple[list[Record], Post]:
        """The records of one status (what it embeds first, its post last) and its post.

        A status read before (a boosted original, again and again) gives no records,
        only its post, without being read again.
        """
        if depth > MAX_NESTING:
            raise BadRecord("statuses nested too deeply")
        uri = status["uri"]
        if not isinstance(uri, str) or not uri:
            raise BadRecord("field 'uri' is not a URI")
        self._remember(self.statuses, _local(status.get("id")), uri)
        if (known := self.posts.get(uri)) is not None:
            return [], known
        instance = self._instance(status, uri)
        author = account_of(status["account"], instance=instance)
        self._remember(self.accounts, _local(status["account"].get("id")), author.id)
        mentions = list(self._mentions(status.get("mentions"), instance))
        records: list[Record] = [author, *mentions]
        kind, ref, ref_author = PostKind.ORIGINAL, None, None
        reply_to = reply_author = None
        text = html_text(status["content"]) if isinstance(status.get("content"), str) else ""
        tags = [t["name"] for t in _objects(status.get("tags")) if isinstance(t.get("name"), str)]
        if isinstance(status.get("reblog"), dict):
            embedded, original = self.status(status["reblog"], depth=depth + 1)
            records += embedded
            kind, ref, ref_author = PostKind.RETWEET, original.id, original.author_id
            tags, text = list(original.hashtags), ""
        else:
            if (quoted := self._quoted(status, depth)) is not None:
                embedded, original = quoted
                records += embedded
                if original is not None:
                    ref, ref_author = original.id, original.author_id
                else:
                    ref = self._known(self.statuses, _quote_id(status))
            if answers := _local(status.get("in_reply_to_id")):  # a quote may also reply: both count
                reply_to = self._known(self.statuses, answers)
                reply_author = self._known(self.accounts, status.get("in_reply_to_account_id"))
            kind = post_kind(ref, answers)
        post = Post(
            id=uri, author_id=author.id, created_at=created_time(status.get("created_at"), ""),
            kind=kind, text=text,
            lang=status["language"] if isinstance(status.get("language"), str) else "",
            ref_id=ref, ref_author_id=ref_author, reply_to_id=reply_to,
            reply_to_author_id=reply_author,
            mention_ids=tuple(dict.fromkeys(m.id for m in mentions)),
            hashtags=unique_tags(tags + text_tags(text)),
        )
        self.posts.remember(post)
        records.append(post)
        return records, post

    def _mentions(self, mentions: Any, instance: str) -> Iterator[Account]:
        for mention in _objects(mentions):
            account = mention_account(mention, instance=instance)
            if account is not None:
                self._remember(self.accounts, _local(mention.get("id")), account.id)
                yield account

    def _quoted(self, status: dict, depth: int) -> tuple[list[Record], Post | None] | None:
        """The records and post of the quoted status when it is embedded, ([], None) for a
        shallow quote, None for no quote."""
        quote = status.get("quote")
        if isinstance(quote, dict) and isinstance(quote.get("quoted_status"), dict):
            if quote.get("state") not in (None, "accepted"):
                return None  # pending, rejected, revoked: the quote is not shown, no interaction
            return self.status(quote["quoted_status"], depth=depth + 1)
        return ([], None) if _quote_id(status) else None

    def _instance(self, status: dict, uri: str) -> str:
        """The serving instance, learnt from the first status of a local account; until then
        the status's own host."""
        own = host_of(status.get("url")) or host_of(uri)
        account = status.get("account")
        acct = account.get("acct") if isinstance(account, dict) else None
        if self.server is None and own and isinstance(acct, str) and "@" not in acct.strip("@"):
            self.server = own
        instance = self.server or own
        if not instance:
            raise BadRecord("no instance: neither 'url' nor 'uri' names a host")
        return instance

    def _remember(self, table: dict[str, str], key: str | None, value: str) -> None:
        if key is None:
            return
        if len(table) >= self.limit:
            table.clear()
        table[key] = value

    @staticmethod
    def _known(table: dict[str, str], local_id: Any) -> str | None:
        key = _local(local_id)
        return table.get(key) if key is not None else None


def account_of(account: Any, *, instance: str) -> Account:
    """An Account from a Mastodon Account entity."""
    if not isinstance(account, dict):
        raise BadRecord("field 'account' is not an object")
    handle = global_acct(account.get("acct"), instance)
    name, note = account.get("display_name"), account.get("note")
    return Account(id=account_id(handle), handle=handle,
                   name=name.strip() if isinstance(name, str) else "",
                   followers=count_or_none(account.get("followers_count")),
                   location_text=profile_location(account.get("fields"))
                   or place_in_bio(html_text(note) if isinstance(note, str) else ""))


def mention_account(mention: dict, *, instance: str) -> Account | None:
    acct = mention.get("acct")
    if not isinstance(acct, str) or not acct.strip("@"):
        return None
    handle = global_acct(acct, instance)
    return Account(id=account_id(handle), handle=handle)


def global_acct(acct: Any, instance: str) -> str:
    """``user@domain`` from an ``acct``, which omits the domain for the serving instance's users."""
    if not isinstance(acct, str) or not acct.strip("@"):
        raise KeyError("acct")
    acct = acct.strip().lstrip("@")
    return acct if "@" in acct else f"{acct}@{instance}"


def account_id(handle: str) -> str:
    return "acct:" + handle.lower()


def profile_location(fields: Any) -> str:
    """The value of the profile field that names a place (``Location``, ``Ort``, ``📍``...)."""
    for item in _objects(fields):
        name, value = item.get("name"), item.get("value")
        if not isinstance(name, str) or not isinstance(value, str):
            continue
        key = name.replace(PIN, " ").strip(" :.-\ufe0f").casefold()
        if key in LOCATION_FIELDS or (PIN in name and not key):
            return html_text(value)
    return ""


def _quote_id(status: dict) -> Any:
    quote = status.get("quote")
    if isinstance(quote, dict) and quote.get("quoted_status_id"):
        return quote["quoted_status_id"]
    return status.get("quoted_status_id")


def _entities(value: Any) -> list:
    """The Status and Account entities in one value of a response: itself, the lists of a
    search result or a thread's context, or a notification's status."""
    if not isinstance(value, dict) or _is_account(value) or _is_status(value):
        return [value]
    found = [value[k] for k in RESPONSE_LISTS if isinstance(value.get(k), list)]
    return [item for items in found for item in items] if found else [value.get("status")]


def _is_account(value: dict) -> bool:
    """An Account entity (not a status, which holds one)."""
    return "acct" in value and "username" in value and "account" not in value


def _is_status(value: dict) -> bool:
    return "uri" in value and bool(value.keys() & {"account", "content", "reblog"})


def _local(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _objects(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

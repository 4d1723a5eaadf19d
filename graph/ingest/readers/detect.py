"""Pick a reader from a file's content (never its name) and expand paths, globs, folders."""

from __future__ import annotations

import csv
import glob
import logging
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
from tagjack.graph.errors import InputError
from tagjack.graph.ingest.readers.bluesky import read_bluesky
from tagjack.graph.ingest.readers.bluesky_csv import looks_like_bluesky_csv, read_bluesky_csv
from tagjack.graph.ingest.readers.common import Progress, bounded_lines, loads, open_binary, reject
from tagjack.graph.ingest.readers.csv import read_csv
from tagjack.graph.ingest.readers.edgelist import looks_like_edge_list, read_edgelist
from tagjack.graph.ingest.readers.mastodon import read_mastodon
from tagjack.graph.ingest.readers.v1 import read_v1
from tagjack.graph.ingest.readers.v2 import read_v2
from tagjack.graph.model import Record, Reject

log = logging.getLogger(__name__)

Reader = Callable[..., Iterator[Record | Reject]]
READERS: dict[str, Reader] = {"v1": read_v1, "v2": read_v2, "csv": read_csv, "edgelist": read_edgelist,
                              "bluesky": read_bluesky, "bluesky-csv": read_bluesky_csv,
                              "mastodon": read_mastodon}
FORMATS = tuple(READERS)
HEAD_BYTES = 64 * 1024

V1_KEYS = re.compile(
    rb'"(id_str|screen_name|user_mentions|retweeted_status|statuses|http_interactions)"\s*:')
V2_KEYS = re.compile(rb'"(author_id|includes|referenced_tweets|conversation_id|edit_history_tweet_ids)"\s*:')
V2_USER_KEYS = re.compile(rb'"(username|public_metrics)"\s*:')  # a users_ file opens with users
BLUESKY_KEYS = re.compile(rb'"(did|uri)"\s*:\s*"(did:|at://did:)')
MASTODON_KEYS = re.compile(rb'"acct"\s*:')
# a vcrpy cassette (YAML, keys sorted) of a Mastodon API client: Mastodon's API paths or an
# account's "acct" in a recorded body (quoted as YAML keeps it, or escaped)
YAML_CASSETTE = re.compile(rb"^interactions:[ \t]*\r?$", re.MULTILINE)
MASTODON_API = re.compile(rb'/api/v[12]/(statuses|accounts|timelines|search|notifications)|\\?"acct\\?"\s*:')


def input_files(paths: list[str]) -> list[Path]:
    """Expand globs and directories (their files, recursively, sorted); missing ones are errors.

    Files a folder or glob brings in whose content is no format of ours (a README,
    a SOURCE.md, a query file) are skipped with a warning; a file named
    explicitly is kept, so reading it says what is wrong.
    """
    found: list[Path] = []
    for raw in paths:
        expanded = glob.has_magic(raw) and not Path(raw).exists()  # "tweets[1].json" may be a name
        matches = sorted(glob.glob(raw, recursive=True)) if expanded else [raw]
        if not matches:
            raise InputError(f"{raw}: no file matches")
        for match in map(Path, matches):
            if match.is_dir():
                found.extend(p for p in sorted(match.rglob("*")) if p.is_file()
                             and not p.name.startswith(".") and _is_data(p))
            elif match.exists():
                if not expanded or _is_data(match):
                    found.append(match)
            else:
                raise InputError(f"{match}: no such file")
    return list(dict.fromkeys(found))  # a file named twice (a glob and its folder) is read once


def _is_data(path: Path) -> bool:
    try:
        detect_file(path)
    except InputError as exc:
        log.warning("skipped %s", exc)
        return False
    return True


def detect(head: bytes) -> str | None:
    """The format of a file from its first bytes (decompressed); None when it is none of ours.

    An empty file counts as v1: it holds no records in any format.
    """
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not text:
        return "v1"
    if text[:1] in (b"{", b"["):
        return _json_format(text)
    if YAML_CASSETTE.search(text):
        return "mastodon" if MASTODON_API.search(text) else None
    return _text_format(text)


def _json_format(text: bytes) -> str | None:
    first = text.split(b"\n", 1)[0]
    for candidate in (first, text):
        try:
            value = loads(candidate)
        except orjson.JSONDecodeError:
            continue
        if (kind := _shape(value)) is not None:
            return kind
    # a document cut off by the head, or a shape we could not place: its keys tell
    if BLUESKY_KEYS.search(text):
        return "bluesky"
    if MASTODON_KEYS.search(text):
        return "mastodon"
    if V2_KEYS.search(text):
        return "v2"
    if V1_KEYS.search(text):
        return "v1"
    if V2_USER_KEYS.search(text):
        return "v2"
    return None


def _shape(value: Any) -> str | None:
    """The format of one parsed JSON value, from its structure."""
    if isinstance(value, list):
        return next((k for v in value[:20] if isinstance(v, dict) and (k := _shape(v))), None)
    if not isinstance(value, dict):
        return None
    if (platform := _platform(value)) is not None:
        return platform
    keys = value.keys()
    if keys & {"statuses", "http_interactions", "user", "id_str", "retweeted_status",
                "delete", "limit", "scrub_geo"}:  # the last three: v1.1 stream notices
        return "v1"
    if keys & {"data", "includes", "author_id", "referenced_tweets"}:
        return "v2"
    if "users" in keys and keys <= {"users", "tweets", "places", "media", "polls"}:
        return "v2"  # academictwitteR's users_<id>.json: the includes of its data file
    return None


def _platform(value: dict) -> str | None:
    """bluesky or mastodon when ``value`` is one of their events, views, statuses or pages."""
    if isinstance(value.get("did"), str) and value["did"].startswith("did:") \
            and value.keys() & {"kind", "commit", "handle"}:
        return "bluesky"  # a Jetstream event or a profile view
    if isinstance(value.get("uri"), str) and value["uri"].startswith("at://"):
        return "bluesky"  # a postView
    if value.get("$type") == "message" and isinstance(value.get("payload"), dict):
        return "bluesky"  # the subscribeEvents envelope
    inner = value.get("record") or value.get("post")
    if isinstance(inner, dict) and value.get("type", "record") == "record" and _platform(inner):
        return "bluesky"  # a tap record, a feedViewPost
    account = value.get("account")
    if isinstance(account, dict) and "acct" in account and "uri" in value:
        return "mastodon"
    interactions = value.get("interactions")
    if isinstance(interactions, list) and MASTODON_API.search(orjson.dumps(interactions[:5])):
        return "mastodon"  # a cassette vcrpy wrote as JSON
    for key in ("posts", "feed", "statuses"):  # a searchPosts or feed page, an archive
        items = value.get(key)
        if isinstance(items, list) and items and isinstance(items[0], dict) \
                and (found := _platform(items[0])) is not None:
            return found
    if isinstance(value.get("thread"), dict) and isinstance(value["thread"].get("post"), dict):
        return _platform(value["thread"]["post"])
    return None


def _text_format(text: bytes) -> str | None:
    lines = text.decode("utf-8", "replace").splitlines()
    if len(text) == HEAD_BYTES and len(lines) > 1:
        lines.pop()  # cut off by the head
    if not lines:
        return None
    header = _fields(lines[0])
    names = {h.strip().lower() for h in header}
    if looks_like_bluesky_csv(names):
        return "bluesky-csv"
    if "id" in names and names & {"author.username", "author_id", "author.id"}:
        return "csv"
    if looks_like_edge_list([_fields(line) for line in lines[:50] if line.strip()]):
        return "edgelist"
    return None


def _fields(line: str) -> list[str]:
    delimiter = "\t" if "\t" in line else ","
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def is_json_lines(path: Path) -> bool:
    """True when the file's first non-blank line is a whole JSON value (JSON Lines), so the
    file can be cut at any newline; False for one document spread over lines, or no JSON."""
    with open_binary(path) as fh:
        for line in bounded_lines(fh):
            if line is None:
                return False
            if line.strip():
                try:
                    loads(line)
                except orjson.JSONDecodeError:
                    return False
                return True
    return False


def detect_file(path: Path) -> str:
    """The format of ``path``, or an InputError naming it."""
    try:
        with open_binary(path) as fh:
            head = fh.read(HEAD_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{path}: cannot read it: {exc}") from exc
    kind = detect(head)
    if kind is None:
        raise InputError(f"{path}: unknown format: not Twitter JSON (API v1.1 or v2), "
                         "twarc-csv CSV, Bluesky (Jetstream, AppView JSON, twitwi CSV), "
                         "Mastodon (statuses, API cassettes) or an edge list",
                         hint=f"if it is one of them, say which with --format ({', '.join(FORMATS)})")
    return kind


def read_file(path: Path, *, fmt: str | None = None,
              on_progress: Progress | None = None) -> Iterator[Record | Reject]:
    """Records of one file in format ``fmt`` (detected from its content when None).

    Detection happens now, so an unknown file fails before anything of it is read;
    a compressed file that turns out broken half-way ends with one Reject.
    """
    kind = fmt or detect_file(path)
    return _guarded(READERS[kind](path, on_progress=on_progress), path)


def _guarded(records: Iterator[Record | Reject], path: Path) -> Iterator[Record | Reject]:
    try:
        yield from records
    except (EOFError, zlib.error, OSError) as exc:
        yield reject(path.name, 0, f"file ends badly (truncated or corrupt .gz?): {exc}")

"""VCR cassettes: the HTTP responses a client library's tests recorded (vcrpy's YAML, or its
JSON serializer), as the JSON bodies they hold.

A cassette is ``{interactions: [{request: {method, uri, ...}, response: {status: {code},
headers, body: {string}}}], version}``. Each successful response with a JSON body is one
value for a platform's reader, with the line of the cassette it starts on. Error
responses (not 2xx) and empty bodies carry no data and are skipped, with a count; a body
that is not JSON, or an interaction without a response, is a reject with its line.
vcrpy keeps a compressed body as bytes (YAML ``!!binary``): gzip and deflate are undone
here; other encodings (``br``) are rejected with how to record them readable.
"""

from __future__ import annotations

import gzip
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

import orjson
import yaml
from tagjack.graph.ingest.readers.common import MAX_DOCUMENT_BYTES, loads, reject
from tagjack.graph.model import Reject

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it


@dataclass(frozen=True, slots=True)
class Response:
    """One recorded response's JSON body, where it is, and which host served it."""

    line: int
    host: str
    body: Any


def yaml_responses(fh: IO[bytes], *, source: str, skipped: Counter[str]) -> Iterator[Response | Reject]:
    """The JSON bodies of a YAML cassette's successful responses, or Rejects with their line.

    The YAML is read whole (as a JSON document is), so it is bounded by MAX_DOCUMENT_BYTES.
    """
    text = fh.read(MAX_DOCUMENT_BYTES + 1)
    if len(text) > MAX_DOCUMENT_BYTES:
        yield reject(source, 1, f"YAML cassette larger than {MAX_DOCUMENT_BYTES} bytes")
        return
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        document = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        yield reject(source, mark.line + 1 if mark else 1, f"not a YAML cassette: {problem}")
        return
    finally:
        loader.dispose()
    lines = _interaction_lines(node)
    yield from responses(document, source=source, skipped=skipped, line=1, lines=lines)


def responses(document: Any, *, source: str, skipped: Counter[str], line: int,
              lines: list[tuple[int, int]] | None = None) -> Iterator[Response | Reject]:
    """The JSON bodies of a parsed cassette's successful responses.

    ``lines`` gives each interaction's first line and its body's (YAML); without it
    every value has ``line``, the line of the JSON document.
    """
    interactions = document.get("interactions") if isinstance(document, dict) else None
    if not isinstance(interactions, list):
        yield reject(source, line, "not a cassette: no 'interactions' list")
        return
    for i, interaction in enumerate(interactions):
        at, body_at = lines[i] if lines and i < len(lines) else (line, line)
        yield from _response(interaction, source=source, skipped=skipped, at=at, body_at=body_at)


def _response(interaction: Any, *, source: str, skipped: Counter[str], at: int,
              body_at: int) -> Iterator[Response | Reject]:
    response = interaction.get("response") if isinstance(interaction, dict) else None
    if not isinstance(response, dict):
        yield reject(source, at, "interaction without a response", interaction)
        return
    code = (response.get("status") or {}).get("code") if isinstance(response.get("status"), dict) else None
    if isinstance(code, int) and not 200 <= code < 300:
        skipped[f"{code} responses"] += 1
        return
    body = response.get("body")
    raw = body.get("string") if isinstance(body, dict) else body
    try:
        text = _decoded(raw, _encoding(response.get("headers")))
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError) as exc:
        yield reject(source, body_at, f"unreadable response body: {exc}")
        return
    if not text.strip():
        skipped["empty responses"] += 1
        return
    try:
        value = loads(text.encode("utf-8", "surrogatepass"))
    except orjson.JSONDecodeError as exc:
        yield reject(source, body_at, f"response body is not JSON: {exc}", text)
        return
    request = interaction.get("request")
    uri = request.get("uri") if isinstance(request, dict) else None
    yield Response(line=body_at, host=host_of(uri), body=value)


def _decoded(raw: Any, encoding: str) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw
    if not isinstance(raw, bytes):
        raise ValueError(f"body is a {type(raw).__name__}, not text")
    if encoding == "gzip" or raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    elif encoding == "deflate":
        raw = zlib.decompress(raw)
    elif encoding not in ("", "identity"):
        raise ValueError(f"body compressed with {encoding!r}: record with "
                         "vcr.VCR(decode_compressed_response=True)")
    return raw.decode("utf-8")


def _encoding(headers: Any) -> str:
    """The Content-Encoding of a recorded response (vcrpy keeps each header as a list)."""
    if not isinstance(headers, dict):
        return ""
    for name, value in headers.items():
        if isinstance(name, str) and name.lower() == "content-encoding":
            value = value[0] if isinstance(value, list) and value else value
            return value.strip().lower() if isinstance(value, str) else ""
    return ""


def _interaction_lines(node: yaml.Node | None) -> list[tuple[int, int]]:
    """(first line, body line) of each interaction, 1-based, from the YAML's nodes."""
    items = _child(node, "interactions")
    if not isinstance(items, yaml.SequenceNode):
        return []
    found = []
    for item in items.value:
        body = _child(_child(_child(item, "response"), "body"), "string") or \
            _child(_child(item, "response"), "body") or item
        found.append((item.start_mark.line + 1, body.start_mark.line + 1))
    return found


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def host_of(url: Any) -> str:
    """The host of a URL, lower-cased; "" for anything else."""
    if not isinstance(url, str) or "://" not in url:
        return ""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""

"""Connecting to Neo4j: URIs, credentials, and driver errors as one line a user can act on.

Kept apart from the store so that what reaches a user (never a password, never a
traceback for an unreachable server) is decided in one place.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)
from tagjack.graph.errors import StoreUnavailable

log = logging.getLogger(__name__)

BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
DATABASE_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"


@dataclass(frozen=True, slots=True)
class Credentials:
    """Who connects; ``repr`` never shows the password."""

    user: str
    password: str
    database: str | None

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, password=***, database={self.database!r})"


def public_uri(uri: str) -> str:
    """``uri`` without any user:password@ part, fit to show."""
    parts = urlsplit(uri)
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def connect(uri: str, creds: Credentials, *, shown: str) -> Driver:
    parts = urlsplit(uri)
    if parts.scheme not in BOLT_SCHEMES:
        raise StoreUnavailable(f"not a Neo4j Bolt URI: {shown}",
                               hint="use bolt://HOST:7687, or neo4j+s://HOST for Aura")
    if parts.username is not None or parts.password is not None:
        raise StoreUnavailable(f"{shown}: the driver takes no user or password in the URI",
                               hint="set NEO4J_USERNAME and NEO4J_PASSWORD instead")
    try:
        # the store's statements are linted offline: server notifications would only be noise
        driver = GraphDatabase.driver(uri, auth=(creds.user, creds.password),
                                      notifications_min_severity="OFF")
    except (ConfigurationError, ValueError):  # its message quotes the URI: not chained
        raise StoreUnavailable(f"not a Neo4j URI: {shown}",
                               hint="use bolt://HOST:7687 or neo4j://HOST:7687") from None
    try:
        driver.verify_connectivity()
    except BaseException as exc:
        driver.close()
        raise unavailable(exc, shown, creds) from exc
    log.info("connected to %s as %s", shown, creds.user)
    return driver


def unavailable(exc: BaseException, uri: str, creds: Credentials) -> BaseException:
    """One line a user can act on; never the password."""
    if isinstance(exc, AuthError):
        return StoreUnavailable(f"Neo4j at {uri} refused user {creds.user!r}: wrong user name or "
                                "password (check NEO4J_USERNAME and NEO4J_PASSWORD)")
    if isinstance(exc, ServiceUnavailable | SessionExpired):
        return StoreUnavailable(unreachable(uri))
    if isinstance(exc, Neo4jError | DriverError):
        return StoreUnavailable(f"Neo4j at {uri}: {first_line(str(exc))}")
    return exc


def unreachable(uri: str) -> str:
    return f"cannot reach {uri} (is Neo4j running? `make neo4j` starts a local one)"


class translated:
    """Driver errors met after connecting: an unreachable server becomes StoreUnavailable."""

    def __init__(self, uri: str) -> None:
        self.uri = uri

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if isinstance(exc, ServiceUnavailable | SessionExpired):
            raise StoreUnavailable(unreachable(self.uri)) from exc
        if isinstance(exc, AuthError):
            raise StoreUnavailable(f"Neo4j at {self.uri} refused the credentials "
                                   "(check NEO4J_USERNAME and NEO4J_PASSWORD)") from exc
        if isinstance(exc, ClientError) and exc.code == DATABASE_NOT_FOUND:
            raise StoreUnavailable(f"Neo4j at {self.uri} has no such database "
                                   "(check NEO4J_DATABASE)") from exc


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text

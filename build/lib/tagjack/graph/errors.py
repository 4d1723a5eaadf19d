"""Errors a user can fix. The CLI shows ``str(exc)`` and the hint, never a traceback."""

from __future__ import annotations


class TagjackError(Exception):
    """A problem the user can fix. str(exc) is shown as-is, then the hint."""

    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class InputError(TagjackError):
    """A file that cannot be read at all (missing, unknown format)."""


class StoreUnavailable(TagjackError):
    """The store cannot be opened or reached."""


class NotFound(TagjackError):
    """A named thing (account, hashtag, query) is not in the store."""


class WriteFailed(TagjackError):
    """A store could not write a batch (disk full, read-only, a constraint); earlier batches stay."""

    hint = "the batches before it are kept: fix that, then run the same command again to finish"


class StrictReject(TagjackError):
    """--strict: the first rejected record stops the load."""

"""Account columns by account key (rows, handles, followers) and pair grouping over key columns."""

from __future__ import annotations

import numpy as np
from tagjack.graph.store.base import AccountTable

DENSE_KEYS = 1 << 22  # sorted keys up to this (or 4 per key) get a lookup array


def key_table(keys: np.ndarray, values: np.ndarray, *, missing: int = -1) -> np.ndarray | None:
    """``values`` laid out by key in one array (``missing`` between), for ``values_by_key``.

    None when the sorted keys are negative or too sparse for it; store keys are
    dense (0 or 1, 2, 3, ...), so this is the common case.
    """
    if not len(keys) or keys[0] < 0 or keys[-1] > DENSE_KEYS + 4 * len(keys):
        return None
    table = np.full(int(keys[-1]) + 1, missing, dtype=values.dtype)
    table[keys] = values
    return table


def values_by_key(keys: np.ndarray, values: np.ndarray, query: np.ndarray,
                  table: np.ndarray | None, *, missing: int = -1) -> np.ndarray:
    """``values`` of each query key (``keys`` sorted), ``missing`` where it has none.

    With ``table`` (``key_table(keys, values)``) a gather, far faster on a
    million keys than the binary search per key it falls back to.
    """
    query = np.asarray(query, dtype=np.int64)
    if not len(keys):
        return np.full(len(query), missing, dtype=values.dtype)
    if table is not None:
        inside = (query >= 0) & (query < len(table))
        return table[query] if inside.all() else \
            np.where(inside, table[np.where(inside, query, 0)], missing)
    at = np.clip(np.searchsorted(keys, query), 0, len(keys) - 1)
    return np.where(keys[at] == query, values[at], missing)


def rows_of(accounts: AccountTable, keys: np.ndarray) -> np.ndarray:
    """Row of each account key in ``accounts`` (whose keys are sorted); -1 if absent."""
    keys = np.asarray(keys, dtype=np.int64)
    if not len(accounts):
        return np.full(len(keys), -1, dtype=np.int64)
    at = np.clip(np.searchsorted(accounts.keys, keys), 0, len(accounts) - 1)
    return np.where(accounts.keys[at] == keys, at, -1)


def id_ranks(accounts: AccountTable, keys: np.ndarray) -> np.ndarray:
    """Each of ``keys``' rank among them by platform id: an order of the accounts that does not
    depend on the store's keys, which follow the order accounts were first committed (a
    parallel load varies it from run to run)."""
    ids = np.array([accounts.ids[r] for r in rows_of(accounts, keys).tolist()], dtype=str)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    return rank


def handles_of(accounts: AccountTable, keys: np.ndarray | list[int]) -> list[str]:
    """Handles without '@'; the account id stands in where no handle is known."""
    rows = rows_of(accounts, np.asarray(keys, dtype=np.int64))
    return [(accounts.handles[r] or accounts.ids[r]) if r >= 0 else f"#{k}"
            for r, k in zip(rows.tolist(), np.asarray(keys).tolist(), strict=True)]


def handle_of(accounts: AccountTable, key: int) -> str:
    return handles_of(accounts, [key])[0]


def followers_of(accounts: AccountTable, keys: np.ndarray) -> np.ndarray:
    """Followers of each key (0 when unknown or absent)."""
    rows = rows_of(accounts, keys)
    return np.where(rows >= 0, accounts.followers[np.maximum(rows, 0)], 0) if len(accounts) \
        else np.zeros(len(rows), dtype=np.int64)


def key_of_handle(accounts: AccountTable, handle: str) -> int | None:
    """Account key of a handle (case-insensitive, '@' optional), or None.

    When two accounts share a handle (a renamed account), the one with the
    larger key (stored later) wins.
    """
    wanted = handle.strip().lstrip("@").casefold()
    found = None
    for i, h in enumerate(accounts.handles):
        if h.casefold() == wanted:
            found = i
    if found is None:
        for i, account_id in enumerate(accounts.ids):
            if account_id.casefold() == wanted:
                found = i
    return int(accounts.keys[found]) if found is not None else None


def pair_codes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One int64 per (a, b) pair of non-negative ints, equal exactly when both are.

    Sorting codes sorts pairs by a, then b, so ``np.unique`` on codes groups
    pairs far faster than ``np.unique(..., axis=0)``.
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    width = int(b.max()) + 1 if len(b) else 1
    if len(a) and int(a.max()) >= np.iinfo(np.int64).max // width:
        raise OverflowError("keys too large to pair")
    return a * width + b


def distinct_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (a, b) pairs of two non-negative int columns, sorted by a then b."""
    if not len(a):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    width = int(np.max(b)) + 1
    codes = np.unique(pair_codes(a, b))
    return codes // width, codes % width

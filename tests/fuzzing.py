"""What the reader fuzz tests share: one way to mangle a JSON value with hypothesis."""

from __future__ import annotations

from hypothesis import strategies as st


def mutated(data, value, junk: st.SearchStrategy, *, max_depth: int = 8, depth: int = 0):
    """``value`` with one change somewhere inside: a key dropped, or a value replaced by ``junk``."""
    deeper = depth == 0 or data.draw(st.integers(0, 4)) > 0
    if isinstance(value, dict | list) and value and depth < max_depth and deeper:
        keys = sorted(value) if isinstance(value, dict) else list(range(len(value)))
        key = data.draw(st.sampled_from(keys))
        action = data.draw(st.sampled_from(["descend", "descend", "drop", "replace"]))
        if action == "drop":
            del value[key]
        elif action == "replace":
            value[key] = data.draw(junk)
        else:
            value[key] = mutated(data, value[key], junk, max_depth=max_depth, depth=depth + 1)
        return value
    return data.draw(junk)

"""What every benchmark returns: raw numbers, checks against targets, and a verdict."""

from __future__ import annotations

import operator
from collections.abc import Callable

OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt,
}


def check(metric: str, value: float | None, op: str, target: float, *, label: str,
          unit: str = "", at_least: bool = False) -> dict:
    """One target: ``value op target``; a missing value (not measured) fails it.

    ``at_least`` marks a value that is only a lower bound (a capped run), shown as ">= value".
    """
    return {"metric": metric, "label": label, "value": value, "op": op, "target": target,
            "unit": unit, "at_least": at_least,
            "pass": value is not None and OPS[op](value, target)}


def result(raw: dict, checks: list[dict], *, summary: str) -> dict:
    """A benchmark's answer: ``status`` is pass or fail (info when it has no target)."""
    passed = all(c["pass"] for c in checks) if checks else None
    status = "info" if passed is None else "pass" if passed else "fail"
    return {"status": status, "pass": passed, "summary": summary, **raw, "checks": checks}


def skipped(reason: str) -> dict:
    return {"status": "skipped", "pass": None, "reason": reason, "checks": []}


def failed(error: str) -> dict:
    return {"status": "error", "pass": False, "error": error, "checks": []}

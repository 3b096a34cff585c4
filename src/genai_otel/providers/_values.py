"""Readers for values an SDK object holds: what the server sent, whatever its type; total functions,
never raise."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def get(obj: Any, name: str) -> Any:
    """``obj[name]`` for mappings, ``obj.name`` otherwise; ``None`` when absent."""
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def seq(value: Any) -> list[Any] | tuple[Any, ...]:
    """``value`` if it is a list or tuple, else empty: an SDK object holds what the server sent."""
    return value if isinstance(value, (list, tuple)) else ()


def text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def json_or_text(value: Any) -> Any:
    """Decoded from JSON when ``value`` is a string of valid JSON, else as sent."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value

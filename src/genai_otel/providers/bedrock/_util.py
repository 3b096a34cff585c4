"""Small readers shared by the Bedrock modules: typed lookups that never raise on malformed input.

botocore hands requests and responses over as plain dicts and lists (and JSON bodies decode to
the same), so every reader takes ``Any`` and returns ``None`` or an empty value on a surprise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from genai_otel.adapter import Usage

from .._values import integer, seq


def dict_get(obj: Any, key: str, default: Any = None) -> Any:
    return obj.get(key, default) if isinstance(obj, Mapping) else default


def dig(obj: Any, *keys: str) -> Any:
    for key in keys:
        obj = dict_get(obj, key)
    return obj


def nonempty_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def strings(value: Any) -> list[str] | None:
    items = [s for s in seq(value) if isinstance(s, str)]
    return items or None


def first(mapping: Any, *keys: str) -> Any:
    """The value of the first of ``keys`` present in ``mapping`` (aliases across model families)."""
    if isinstance(mapping, Mapping):
        for key in keys:
            value = mapping.get(key)
            if value is not None:
                return value
    return None


def parse_json(data: Any) -> Any:
    """A JSON body or chunk (bytes or str) decoded, or ``None``."""
    if not isinstance(data, (bytes, bytearray, str)):
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def arguments(text: str) -> Any:
    """Tool-call arguments streamed as JSON text: the object, or the text when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def usage(
    fresh: Any, output: Any, cache_read: Any = None, cache_write: Any = None, *, fresh_only: bool
) -> Usage | None:
    """Semconv usage from a provider's counts. ``fresh_only``: the provider's input count leaves
    cache reads and writes out (Converse, Anthropic), so semconv's input is the sum of the three."""
    fresh, output = integer(fresh), integer(output)
    read, write = integer(cache_read), integer(cache_write)
    if fresh is None and output is None:
        return None
    total = fresh
    if fresh is not None and fresh_only:
        total = fresh + (read or 0) + (write or 0)
    return Usage(
        input_tokens=total, output_tokens=output, cache_read_input_tokens=read, cache_write_input_tokens=write
    )

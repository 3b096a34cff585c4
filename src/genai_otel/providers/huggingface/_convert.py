"""Readers shared by the Hugging Face surfaces. Pure functions, no SDK import.

The SDK's inference types (``ChatCompletionOutput``, ``TextGenerationStreamOutput``, the input
message classes) are dataclasses that are also ``dict`` subclasses; fields a type does not declare
(``prompt_tokens_details`` from an OpenAI-compatible upstream) are kept as attributes, while the
parent's dict copy of a nested object has lost them, so ``attr_or_item`` reads attributes first and falls
back to the mapping (plain dicts from the caller). Only lists and tuples are ever
iterated: a caller's one-shot iterator belongs to the SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genai_otel.adapter import Part, Usage, text_part, tool_call_part

from .._values import integer, json_or_text, seq, text


def attr_or_item(obj: Any, key: str) -> Any:
    """``obj.key``, else ``obj[key]``. Attributes first: a nested inference type's dict items are
    an ``asdict`` copy made at construction, which drops its undeclared fields."""
    if type(obj) is dict:
        return obj.get(key)
    value = getattr(obj, key, None)
    if value is None and isinstance(obj, Mapping):
        return obj.get(key)
    return value


def passed(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments the caller passed: ``None`` means "not passed" in this SDK. A new dict."""
    return {k: v for k, v in kwargs.items() if v is not None} if isinstance(kwargs, Mapping) else {}


def strings(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    return [s for s in seq(value) if isinstance(s, str)] or None


def finish_reason(value: Any) -> str:
    """A choice's ``finish_reason`` as sent (``stop``, ``length``, ``tool_calls``, TGI's ``eos_token``
    and ``stop_sequence``), ``"error"`` when it has none."""
    return value if isinstance(value, str) and value else "error"


def tool_call(call: Any) -> Part:
    function = attr_or_item(call, "function")
    return tool_call_part(
        text(attr_or_item(call, "id")),
        text(attr_or_item(function, "name")) or "",
        json_or_text(attr_or_item(function, "arguments")),
    )


def chat_usage(u: Any) -> Usage | None:
    """``prompt_tokens`` already includes cached tokens (OpenAI wire semantics); the details
    blocks are read only when an OpenAI-compatible upstream sent them."""
    if u is None:
        return None
    prompt, completion = (
        attr_or_item(u, "prompt_tokens_details"),
        attr_or_item(u, "completion_tokens_details"),
    )
    return Usage(
        input_tokens=integer(attr_or_item(u, "prompt_tokens")),
        output_tokens=integer(attr_or_item(u, "completion_tokens")),
        cache_read_input_tokens=integer(attr_or_item(prompt, "cached_tokens"))
        if prompt is not None
        else None,
        reasoning_output_tokens=integer(attr_or_item(completion, "reasoning_tokens"))
        if completion is not None
        else None,
    )


def joined_text(content: Any) -> Any:
    """A tool result: the string, the text of a list of text chunks, or as sent."""
    if isinstance(content, (list, tuple)):
        texts = [attr_or_item(c, "text") for c in content]
        if texts and all(isinstance(t, str) for t in texts):
            return "".join(texts)
    return content


def text_parts(value: Any) -> list[Part]:
    return [text_part(value)] if isinstance(value, str) and value else []

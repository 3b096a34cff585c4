"""Mistral shapes -> semconv values: readers, content parts, tools, usage. Pure, no SDK import.

Every reader takes request params (TypedDicts, so plain dicts) and the SDK's pydantic models
alike. The SDK marks "not passed" with its ``Unset`` object (class name, so no SDK import here);
``get_passed`` reads it as ``None``. Only lists and tuples are ever iterated: the SDK accepts any
iterable for ``messages``/``tools``, and consuming a caller's generator would empty the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genai_otel.adapter import (
    Message,
    Part,
    Usage,
    blob_part,
    file_part,
    generic_part,
    message,
    output_finish_reason,
    reasoning_part,
    text_part,
    tool_call_part,
    tool_call_response_part,
    uri_part,
)

from .._values import integer, json_or_text, seq, text

_UNSET = "Unset"


def get_passed(obj: Any, key: str) -> Any:
    value = obj.get(key) if isinstance(obj, Mapping) else getattr(obj, key, None)
    return None if type(value).__name__ == _UNSET else value


def passed(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """What the caller actually passed (no ``None``, no ``UNSET``), as a new dict."""
    if not isinstance(kwargs, Mapping):
        return {}
    return {k: v for k, v in kwargs.items() if v is not None and type(v).__name__ != _UNSET}


def finish_reason(value: Any) -> str:
    """A choice's ``finish_reason`` as sent (``stop``, ``length``, ``model_length``, ``error``,
    ``tool_calls``), ``"error"`` when it has none. ``str()``: the SDK types an unknown value as its
    own ``str`` subclass, which OpenTelemetry would drop from a list attribute."""
    return str(value) if isinstance(value, str) and value else "error"


def call_id(value: Any) -> str | None:
    """``ToolCall.id`` defaults to the string ``"null"`` when the wire had none."""
    return value if isinstance(value, str) and value and value != "null" else None


def usage(u: Any) -> Usage | None:
    """``prompt_tokens`` already includes the cached ones (``prompt_tokens_details.cached_tokens``,
    an extra field the SDK model keeps as a dict)."""
    if u is None:
        return None
    details = get_passed(u, "prompt_tokens_details")
    return Usage(
        input_tokens=integer(get_passed(u, "prompt_tokens")),
        output_tokens=integer(get_passed(u, "completion_tokens")),
        cache_read_input_tokens=integer(get_passed(details, "cached_tokens"))
        if details is not None
        else None,
    )


def _thinking_text(chunk: Any) -> str:
    return "".join(
        t for t in (get_passed(c, "text") for c in seq(get_passed(chunk, "thinking"))) if isinstance(t, str)
    )


def _url(value: Any) -> str | None:
    return text(value) if isinstance(value, str) else text(get_passed(value, "url"))


def chunk_part(chunk: Any) -> Part:
    """One ``ContentChunk`` (text, image_url, document_url, file, input_audio, thinking, ...)."""
    if isinstance(chunk, str):
        return text_part(chunk)
    kind = get_passed(chunk, "type")
    if kind == "text":
        return text_part(text(get_passed(chunk, "text")) or "")
    if kind == "thinking":
        return reasoning_part(_thinking_text(chunk))
    if kind == "image_url":
        url = _url(get_passed(chunk, "image_url")) or ""
        if url.startswith("data:"):
            header, _, payload = url[5:].partition(",")
            return blob_part("image", payload, header.split(";", 1)[0] or None)
        return uri_part("image", url)
    if kind == "document_url":
        return uri_part("document", text(get_passed(chunk, "document_url")) or "")
    if kind == "file":
        return file_part("document", text(get_passed(chunk, "file_id")) or "")
    if kind == "input_audio":
        return blob_part("audio", text(get_passed(chunk, "input_audio")) or "")
    if kind == "reference":
        return generic_part("reference", reference_ids=list(seq(get_passed(chunk, "reference_ids"))))
    return generic_part(kind if isinstance(kind, str) else "unknown")


def parts(content: Any) -> list[Part]:
    if isinstance(content, str):
        return [text_part(content)]
    return [chunk_part(c) for c in seq(content)]


def tool_call(call: Any) -> Part:
    function = get_passed(call, "function")
    name = text(get_passed(function, "name")) or ""
    return tool_call_part(
        call_id(get_passed(call, "id")), name, json_or_text(get_passed(function, "arguments"))
    )


def _joined(content: Any) -> Any:
    if isinstance(content, (list, tuple)):
        texts = [get_passed(c, "text") for c in content]
        if texts and all(isinstance(t, str) for t in texts):
            return "".join(texts)
    return content


def input_message(msg: Any) -> Message | None:
    role = get_passed(msg, "role")
    if not isinstance(role, str):
        return None
    content = get_passed(msg, "content")
    if role == "tool":
        part = tool_call_response_part(call_id(get_passed(msg, "tool_call_id")), _joined(content))
        return message(role, [part], name=text(get_passed(msg, "name")))
    out = parts(content)
    out.extend(tool_call(c) for c in seq(get_passed(msg, "tool_calls")))
    return message(role, out)


def output_message(msg: Any, reason: str) -> Message:
    """``reason``: the choice's finish reason as sent, mapped here to the output-message schema."""
    content = get_passed(msg, "content")
    out = parts(content) if content != "" else []  # "" beside tool calls says nothing
    out.extend(tool_call(c) for c in seq(get_passed(msg, "tool_calls")))
    role = text(get_passed(msg, "role")) or "assistant"
    return message(role, out, finish_reason=output_finish_reason(reason, out))


def tool_definition(tool: Any) -> dict[str, Any]:
    kind = get_passed(tool, "type") or "function"
    if kind != "function":  # agents' built-in tools (image_generation, document_library, connectors)
        return (
            {"type": kind, "name": kind} if isinstance(kind, str) else {"type": "unknown", "name": "unknown"}
        )
    function = get_passed(tool, "function")
    out = {
        "type": "function",
        "name": text(get_passed(function, "name")) or "",
        "description": get_passed(function, "description"),
        "parameters": get_passed(function, "parameters"),
    }
    return {k: v for k, v in out.items() if v is not None}

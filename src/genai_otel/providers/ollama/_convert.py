"""Ollama shapes -> semconv message parts, tool definitions and usage. Pure functions.

Every reader takes both plain dicts (what callers usually pass) and the SDK's pydantic models
(``ollama.Message``, ``ollama.Tool``, a previous ``ChatResponse.message`` sent back), and never
iterates anything but a list or tuple: consuming a caller's generator would empty the request
the SDK is about to send.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genai_otel.adapter import (
    Message,
    Part,
    Usage,
    blob_part,
    generic_part,
    message,
    output_finish_reason,
    reasoning_part,
    text_part,
    tool_call_part,
    tool_call_response_part,
)

from .._values import get, integer, seq, text

#: Image strings the SDK treats as file paths (it reads them at send time; we do no I/O).
_PATH_SUFFIXES = ("png", "jpg", "jpeg", "webp")


def usage(result: Any) -> Usage | None:
    """``prompt_eval_count`` / ``eval_count`` (the latter includes thinking tokens)."""
    inputs, outputs = integer(get(result, "prompt_eval_count")), integer(get(result, "eval_count"))
    if inputs is None and outputs is None:
        return None
    return Usage(input_tokens=inputs, output_tokens=outputs)


def image_part(image: Any) -> Part:
    """An ``images`` entry: raw bytes, base64 text, a file path, or an ``ollama.Image`` of one."""
    value = getattr(image, "value", image) if type(image).__name__ == "Image" else image
    if isinstance(value, bytes):
        return blob_part("image", value)
    if isinstance(value, str) and value.rpartition(".")[2].lower() not in _PATH_SUFFIXES:
        return blob_part("image", value)
    return generic_part("blob", modality="image")  # a path the SDK reads at send time


def tool_calls(calls: Any) -> list[Part]:
    """Ollama tool calls carry no id: ``{"function": {"name", "arguments"}}``."""
    out = []
    for call in seq(calls):
        fn = get(call, "function")
        args = get(fn, "arguments")
        out.append(
            tool_call_part(
                None, text(get(fn, "name")) or "", dict(args) if isinstance(args, Mapping) else args
            )
        )
    return out


def input_message(msg: Any) -> Message:
    role = text(get(msg, "role")) or "user"
    content, parts = get(msg, "content"), []
    if role == "tool":
        parts.append(tool_call_response_part(None, content))
        return message(role, parts, name=text(get(msg, "tool_name")))
    thinking = text(get(msg, "thinking"))
    if thinking:
        parts.append(reasoning_part(thinking))
    if isinstance(content, str) and content:
        parts.append(text_part(content))
    parts.extend(image_part(i) for i in seq(get(msg, "images")))
    parts.extend(tool_calls(get(msg, "tool_calls")))
    return message(role, parts)


def output_message(
    role: Any, content: Any, thinking: Any, calls: Any, finish_reason: str | None, image: Any = None
) -> Message:
    parts: list[Part] = []
    if isinstance(thinking, str) and thinking:
        parts.append(reasoning_part(thinking))
    if isinstance(content, str) and (content or not calls):
        parts.append(text_part(content))
    if isinstance(image, str) and image:
        parts.append(blob_part("image", image))  # image generation models: base64 in ``image``
    parts.extend(tool_calls(calls))
    # ``finish_reason``: Ollama's ``done_reason`` as sent, here in the output-message schema's
    # words (a tool call ends with ``stop``: ``tool_call`` then)
    return message(text(role) or "assistant", parts, finish_reason=output_finish_reason(finish_reason, parts))


def tool_definition(tool: Any) -> dict[str, Any]:
    """A ``tools`` entry: a dict or ``ollama.Tool`` (``{"type", "function": {...}}``), or a Python
    function, which the SDK turns into a schema from its signature and docstring."""
    if callable(tool) and not isinstance(tool, Mapping):
        doc = (getattr(tool, "__doc__", None) or "").strip()
        name, extra = getattr(tool, "__name__", None), {"description": doc.split("\n\n")[0]}
        kind = "function"
    else:
        fn = get(tool, "function")
        params = get(fn, "parameters")
        dump = getattr(params, "model_dump", None)  # ollama.Tool.Function.Parameters
        name, kind = get(fn, "name"), text(get(tool, "type")) or "function"
        extra = {
            "description": get(fn, "description"),
            "parameters": dump(exclude_none=True, by_alias=True) if callable(dump) else params,
        }
    out: dict[str, Any] = {"type": kind, "name": text(name) or ""}
    out.update({k: v for k, v in extra.items() if v})
    return out

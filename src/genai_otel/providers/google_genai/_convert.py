"""Google GenAI shapes -> semconv message parts, tool definitions, usage and finish reasons.

Pure functions over the SDK's pydantic models (``google.genai.types``) and the dicts callers may
pass instead; missing attributes, ``None`` and wrong types are skipped, never raised on. Content
is normalised with the SDK's own ``t_contents`` (what the SDK itself sends), only when content is
captured.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from genai_otel.adapter import (
    Message,
    Part,
    Usage,
    blob_part,
    message,
    output_finish_reason,
    reasoning_part,
    server_tool_call_part,
    server_tool_call_response_part,
    text_part,
    tool_call_part,
    tool_call_response_part,
    uri_part,
)

from .._values import get, integer, text

#: Gemini roles -> semconv roles; anything else (``user``, ``function``) is kept as sent.
_ROLES = {"model": "assistant"}
#: ``MediaModality.MODALITY_UNSPECIFIED``: "when a modality is not specified, it is treated as TEXT".
_MODALITIES = {"modality_unspecified": "text"}
_MIME_MODALITIES = ("image", "audio", "video")


@functools.cache
def sdk() -> tuple[Any, Any]:
    from google.genai import _transformers, types  # called only once google.genai is imported

    return _transformers, types


def enum_text(value: Any) -> str | None:
    """An SDK enum's wire value (``FinishReason.STOP`` -> ``"STOP"``), or a plain string."""
    value = getattr(value, "value", value)
    return value if isinstance(value, str) else None


def finish_reason(value: Any) -> str:
    """A candidate's finish reason as the API sent it (``FinishReason.MAX_TOKENS`` ->
    ``"MAX_TOKENS"``, an unknown value as the string it is), ``"error"`` when it has none."""
    return enum_text(value) or "error"


def plain(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, Mapping):
        return dump(mode="json", exclude_none=True)
    return value


# --- usage -------------------------------------------------------------------------------------------


def _by_modality(*details: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for items in details:
        for item in items if isinstance(items, list) else ():
            name, count = enum_text(get(item, "modality")), integer(get(item, "token_count"))
            if name and count is not None:
                name = _MODALITIES.get(name.lower(), name.lower())
                out[name] = out.get(name, 0) + count
    return out


def usage(u: Any) -> Usage | None:
    """Gemini counts thoughts and tool-use prompt tokens apart from ``candidates_token_count`` and
    ``prompt_token_count`` (``total = prompt + tool_use_prompt + candidates + thoughts``); semconv
    input includes every prompt token the model read (cached ones included), output the thoughts."""
    if u is None:
        return None
    prompt, tool_use = integer(get(u, "prompt_token_count")), integer(get(u, "tool_use_prompt_token_count"))
    answer, thoughts = integer(get(u, "candidates_token_count")), integer(get(u, "thoughts_token_count"))
    ins = [n for n in (prompt, tool_use) if n is not None]
    outs = [n for n in (answer, thoughts) if n is not None]
    return Usage(
        input_tokens=sum(ins) if ins else None,
        output_tokens=sum(outs) if outs else None,
        cache_read_input_tokens=integer(get(u, "cached_content_token_count")),
        reasoning_output_tokens=thoughts,
        input_by_modality=_by_modality(
            get(u, "prompt_tokens_details"), get(u, "tool_use_prompt_tokens_details")
        ),
        output_by_modality=_by_modality(get(u, "candidates_tokens_details")),
    )


# --- content -----------------------------------------------------------------------------------------


def _modality(mime: str | None) -> str:
    kind = mime.split("/", 1)[0] if mime else ""
    return kind if kind in _MIME_MODALITIES else "document"


def part(p: Any) -> Part | None:
    """One ``types.Part``; ``None`` for parts that carry no content (a bare thought signature)."""
    value = get(p, "text")
    if isinstance(value, str):
        return reasoning_part(value) if get(p, "thought") is True else text_part(value)
    if (blob := get(p, "inline_data")) is not None:
        mime, data = text(get(blob, "mime_type")), get(blob, "data")
        return blob_part(_modality(mime), data if isinstance(data, (bytes, str)) else b"", mime)
    if (file := get(p, "file_data")) is not None:
        mime = text(get(file, "mime_type"))
        return uri_part(_modality(mime), text(get(file, "file_uri")) or "", mime)
    if (call := get(p, "function_call")) is not None:
        return tool_call_part(text(get(call, "id")), text(get(call, "name")) or "", plain(get(call, "args")))
    if (result := get(p, "function_response")) is not None:
        return tool_call_response_part(text(get(result, "id")), plain(get(result, "response")))
    if (code := get(p, "executable_code")) is not None:
        language = enum_text(get(code, "language"))
        return server_tool_call_part(
            text(get(code, "id")), "code_execution", code=get(code, "code"), language=language
        )
    if (ran := get(p, "code_execution_result")) is not None:
        outcome = enum_text(get(ran, "outcome"))
        return server_tool_call_response_part(
            text(get(ran, "id")), "code_execution", outcome=outcome, output=get(ran, "output")
        )
    if (tool := get(p, "tool_call")) is not None:  # a server-side tool (google_search, url_context, ...)
        name = (enum_text(get(tool, "tool_type")) or "tool").lower()
        return server_tool_call_part(text(get(tool, "id")), name, arguments=plain(get(tool, "args")))
    if (answer := get(p, "tool_response")) is not None:
        name = (enum_text(get(answer, "tool_type")) or "tool").lower()
        return server_tool_call_response_part(
            text(get(answer, "id")), name, response=plain(get(answer, "response"))
        )
    return None


def parts(items: Any) -> list[Part]:
    converted = (part(p) for p in items) if isinstance(items, (list, tuple)) else ()
    return [p for p in converted if p is not None]


def role(value: Any) -> str:
    return _ROLES.get(value, value) if isinstance(value, str) and value else "user"


def contents(value: Any) -> list[Any]:
    """The request's ``contents`` as the SDK sends them (``types.Content`` list); ``[]`` when the
    SDK would reject them too (it raises the same error to the caller)."""
    if value is None or isinstance(value, (bytes, bytearray)):
        return []
    try:
        return list(sdk()[0].t_contents(value))
    except (ValueError, TypeError):
        return []


def input_messages(value: Any) -> list[Message]:
    return [message(role(get(c, "role")), parts(get(c, "parts"))) for c in contents(value)]


def system_parts(value: Any) -> list[Part]:
    if isinstance(value, str):
        return [text_part(value)]
    return [p for c in contents(value) for p in parts(get(c, "parts"))]


def candidate_message(candidate: Any) -> Message:
    content = get(candidate, "content")
    out = parts(get(content, "parts"))
    reason = finish_reason(get(candidate, "finish_reason"))
    return message("assistant", out, finish_reason=output_finish_reason(reason, out))

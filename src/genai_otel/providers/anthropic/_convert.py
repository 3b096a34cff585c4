"""Anthropic Messages shapes -> semconv message parts and usage. Pure functions, no SDK import.

Every reader accepts both request params (TypedDicts, so plain dicts) and response models
(pydantic objects passed back as input), and never iterates anything but a list or tuple: the
SDK accepts any iterable for ``messages``/``system``/``tools``, and consuming a caller's generator
here would empty the request the SDK is about to send.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from genai_otel.adapter import (
    Part,
    Usage,
    blob_part,
    file_part,
    generic_part,
    reasoning_part,
    server_tool_call_part,
    server_tool_call_response_part,
    text_part,
    tool_call_part,
    tool_call_response_part,
    uri_part,
)

from .._values import get, integer, seq

#: Server tools' result blocks (``web_search_tool_result``, ``code_execution_tool_result``, ...).
_SERVER_RESULT_SUFFIX = "_tool_result"
_UNSET_TYPES = frozenset({"Omit", "NotGiven"})


def given(value: Any) -> bool:
    """Whether the caller passed ``value``: not missing, ``None``, ``omit`` or ``NOT_GIVEN``."""
    return value is not None and type(value).__name__ not in _UNSET_TYPES


def usage(u: Any) -> Usage | None:
    """Anthropic's ``input_tokens`` excludes cached tokens; semconv's includes them."""
    if u is None:
        return None
    fresh, read = get(u, "input_tokens"), get(u, "cache_read_input_tokens")
    write = get(u, "cache_creation_input_tokens")
    counts = [n for n in (fresh, read, write) if isinstance(n, int)]
    details = get(u, "output_tokens_details")
    return Usage(
        input_tokens=sum(counts) if counts else None,
        output_tokens=integer(get(u, "output_tokens")),
        cache_read_input_tokens=integer(read),
        cache_write_input_tokens=integer(write),
        reasoning_output_tokens=integer(get(details, "thinking_tokens")) if details is not None else None,
    )


def plain(value: Any) -> Any:
    """JSON-ready copy of an SDK model (``to_dict``) or a list of them."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if callable(to_dict) and not isinstance(value, Mapping) else value


def parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def parts(content: Any) -> list[Part]:
    """A message's ``content``: a string or a list of content blocks."""
    if isinstance(content, str):
        return [text_part(content)]
    out: list[Part] = []
    for block in seq(content):
        out.extend(block_parts(block))
    return out


def block_parts(block: Any) -> list[Part]:
    kind = get(block, "type")
    if isinstance(block, str) or kind == "text":
        return [text_part(block if isinstance(block, str) else get(block, "text") or "")]
    if kind == "image":
        return [_source_part("image", get(block, "source"))]
    if kind == "document":
        source = get(block, "source")
        source_kind = get(source, "type")
        if source_kind == "text":
            return [text_part(get(source, "data") or "")]
        if source_kind == "content":
            return parts(get(source, "content"))
        return [_source_part("document", source)]
    if kind == "tool_use":
        return [tool_call_part(get(block, "id"), get(block, "name") or "", plain(get(block, "input")))]
    if kind == "tool_result":
        content = get(block, "content")
        response = content if isinstance(content, str) else parts(content)
        return [tool_call_response_part(get(block, "tool_use_id"), response)]
    if kind == "thinking":
        return [reasoning_part(get(block, "thinking") or "")]
    if kind == "redacted_thinking":
        # The payload is encrypted; the part records that reasoning happened, not its bytes.
        return [reasoning_part("")]
    if kind == "server_tool_use":
        name = get(block, "name") or ""
        return [server_tool_call_part(get(block, "id"), name, arguments=plain(get(block, "input")))]
    if isinstance(kind, str) and kind.endswith(_SERVER_RESULT_SUFFIX):
        content = plain(get(block, "content"))
        return [server_tool_call_response_part(get(block, "tool_use_id"), kind, content=content)]
    if kind == "search_result":
        texts = [get(b, "text") for b in seq(get(block, "content"))]
        return [generic_part(kind, source=get(block, "source"), title=get(block, "title"), content=texts)]
    return [generic_part(kind if isinstance(kind, str) else "unknown")]


def _source_part(modality: str, source: Any) -> Part:
    kind = get(source, "type")
    if kind == "base64":
        data, mime = get(source, "data"), get(source, "media_type")
        if isinstance(data, (str, bytes)):
            return blob_part(modality, data, mime)
        # A file object or path the SDK reads at send time: no I/O here, so no content.
        return generic_part("blob", modality=modality, mime_type=mime)
    if kind == "url":
        mime = "application/pdf" if modality == "document" else None  # URL documents are PDFs only
        return uri_part(modality, get(source, "url") or "", mime)
    if kind == "file":
        return file_part(modality, get(source, "file_id") or "")
    return generic_part(kind if isinstance(kind, str) else "unknown", modality=modality)


def server_tool_response(call_id: Any, kind: str, content: Any) -> Part:
    return {
        "type": "server_tool_call_response",
        "id": call_id,
        "server_tool_call_response": {"type": kind, "content": content},
    }


def system_parts(system: Any) -> list[Part]:
    if isinstance(system, str):
        return [text_part(system)]
    return [part for block in seq(system) for part in block_parts(block)]


def tool_definition(tool: Any) -> dict[str, Any]:
    if not isinstance(tool, Mapping) and callable(getattr(tool, "to_dict", None)):
        tool = tool.to_dict()  # beta ``@beta_tool`` functions and builtin tool objects
    kind, name = get(tool, "type"), get(tool, "name")
    if kind in (None, "custom"):
        out = {
            "type": "function",
            "name": name,
            "description": get(tool, "description"),
            "parameters": get(tool, "input_schema"),
        }
        return {k: v for k, v in out.items() if v is not None}
    return {"type": kind, "name": name}

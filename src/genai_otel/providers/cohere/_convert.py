"""Cohere v2 shapes -> semconv message parts and usage. Pure functions, no SDK import.

Every reader takes both request params (plain dicts) and the SDK's models (``UncheckedBaseModel``,
built without validation, so any field may be missing or of the wrong type), and iterates only
lists and tuples: a caller's one-shot iterator belongs to the SDK.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from genai_otel._telemetry.semconv import COHERE_USAGE_BILLED_INPUT_TOKENS, COHERE_USAGE_BILLED_OUTPUT_TOKENS
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
    uri_part,
)

from .._values import get, seq, text

#: Finish reasons that mean the generation failed (``error.type`` is the reason itself).
FAILED = frozenset({"ERROR", "TIMEOUT"})


def given(value: Any) -> bool:
    """Passed by the caller: not ``None`` and not the SDK's ``OMIT`` (``...``)."""
    return value is not None and value is not Ellipsis


def count(value: Any) -> int | None:
    """A token count: the SDK types them as floats (``12.0``); a whole number or nothing."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return value


def plain(value: Any) -> Any:
    """JSON-ready copy of an SDK model (``dict()``) or a list of them."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    to_dict = getattr(value, "dict", None)
    return to_dict() if callable(to_dict) and not isinstance(value, Mapping) else value


def parse_json(raw: Any) -> Any:
    if not isinstance(raw, str):
        return plain(raw)
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def usage(u: Any) -> Usage | None:
    """Chat usage: ``tokens``, what the model processed (the caller's text inside the prompt
    template and tool preamble Cohere wraps around it), and ``cached_tokens`` as returned. Not
    ``billed_units``, the caller's text alone (7 where the model processed 69): those are the
    ``cohere.usage.billed_units.*`` attributes (``billed_attributes``). A response with billed
    units and no ``tokens`` reports no ``gen_ai.usage.*`` (billed units are not tokens used)."""
    if u is None:
        return None
    tokens = get(u, "tokens")
    counts = (
        count(get(tokens, "input_tokens")),
        count(get(tokens, "output_tokens")),
        count(get(u, "cached_tokens")),
    )
    if counts == (None, None, None):
        return None
    return Usage(input_tokens=counts[0], output_tokens=counts[1], cache_read_input_tokens=counts[2])


def billed_attributes(u: Any) -> dict[str, int]:
    """``usage.billed_units`` as the ``cohere.usage.billed_units.*`` attributes (what Cohere bills)."""
    billed = get(u, "billed_units") if u is not None else None
    if billed is None:
        return {}
    pairs = (
        (COHERE_USAGE_BILLED_INPUT_TOKENS, count(get(billed, "input_tokens"))),
        (COHERE_USAGE_BILLED_OUTPUT_TOKENS, count(get(billed, "output_tokens"))),
    )
    return {key: value for key, value in pairs if value is not None}


def meta_usage(meta: Any) -> Usage | None:
    """Embed usage from ``meta``: billed input tokens (split by text/image where billed so),
    else the consumed ``tokens``."""
    billed = get(meta, "billed_units")
    total = count(get(billed, "input_tokens"))
    split = {m: n for m in ("text", "image") if (n := count(get(billed, f"{m}_tokens"))) is not None}
    if total is None and split:
        total = sum(split.values())
    if total is None:
        total = count(get(get(meta, "tokens"), "input_tokens"))
    if total is None:
        return None
    return Usage(input_tokens=total, input_by_modality=split)


# --- messages ---------------------------------------------------------------------------------------


def content_parts(content: Any) -> list[Part]:
    """A message's ``content``: a string or a list of ``text``/``thinking``/``image_url``/``document``."""
    if isinstance(content, str):
        return [text_part(content)]
    out: list[Part] = []
    for block in seq(content):
        kind = get(block, "type")
        if isinstance(block, str):
            out.append(text_part(block))
        elif kind == "text":
            out.append(text_part(text(get(block, "text")) or ""))
        elif kind == "thinking":
            out.append(reasoning_part(text(get(block, "thinking")) or ""))
        elif kind == "image_url":
            out.append(_image(get(get(block, "image_url"), "url")))
        elif kind == "document":
            out.append(generic_part("document", document=plain(get(block, "document"))))
        else:
            out.append(generic_part(kind if isinstance(kind, str) else "unknown"))
    return out


def _image(url: Any) -> Part:
    if not isinstance(url, str):
        return generic_part("image_url")
    if url.startswith("data:") and ";base64," in url:
        header, _, data = url.partition(",")
        return blob_part("image", data, header[5:].split(";")[0] or None)
    return uri_part("image", url)


def tool_call(call: Any) -> Part:
    function = get(call, "function")
    return tool_call_part(
        text(get(call, "id")), text(get(function, "name")) or "", parse_json(get(function, "arguments"))
    )


def assistant_parts(msg: Any) -> list[Part]:
    """The tool plan (Cohere's reasoning before tool calls), the content, then the tool calls."""
    plan = get(msg, "tool_plan")
    parts = [reasoning_part(plan)] if isinstance(plan, str) and plan else []
    parts.extend(content_parts(get(msg, "content")))
    parts.extend(tool_call(call) for call in seq(get(msg, "tool_calls")))
    return parts


def output_message(content: list[Part], reason: str | None) -> Message:
    """The generated message; ``reason`` (Cohere's, as sent) mapped to the output-message schema."""
    return message("assistant", content, finish_reason=output_finish_reason(reason, content))


def _tool_result(content: Any) -> Any:
    if isinstance(content, str):
        return content
    blocks = seq(content)
    if blocks and all(get(b, "type") == "text" for b in blocks):
        return "".join(text(get(b, "text")) or "" for b in blocks)
    return plain(list(blocks))


def input_message(msg: Any) -> Message | None:
    """System messages stay in the history, as sent (like OpenAI's): semconv keeps
    ``gen_ai.system_instructions`` for APIs that pass instructions apart from the messages."""
    role = get(msg, "role")
    if not isinstance(role, str):
        return None
    if role == "tool":
        response = _tool_result(get(msg, "content"))
        return message(role, [tool_call_response_part(text(get(msg, "tool_call_id")), response)])
    if role == "assistant":
        return message(role, assistant_parts(msg))
    return message(role, content_parts(get(msg, "content")))


def tool_definition(tool: Any) -> dict[str, Any]:
    function = get(tool, "function")
    out = {
        "type": text(get(tool, "type")) or "function",
        "name": text(get(function, "name")) or "",
        "description": text(get(function, "description")),
        "parameters": plain(get(function, "parameters")),
    }
    return {k: v for k, v in out.items() if v is not None}

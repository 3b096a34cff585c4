"""Responses API items as semconv messages: the request's ``input`` and the response's ``output``.

Only called when content capture is on. ``input`` is a string or a list of items (dicts, or the
SDK models of a previous response's ``output`` sent back); the items that the model produced
(messages, tool calls, reasoning) fold into one ``assistant`` message per turn (consecutive
assistant-side items merge), tool results become ``tool`` messages. ``output`` becomes one
``assistant`` message: the Responses API has a single "choice".
"""

from __future__ import annotations

from typing import Any

from ...adapter import (
    Message,
    Part,
    generic_part,
    message,
    output_finish_reason,
    reasoning_part,
    server_tool_call_part,
    text_part,
    tool_call_part,
    tool_call_response_part,
)
from .._values import get, json_or_text, seq
from ._parts import content_parts, joined_text

#: Tool calls the caller must execute (the model waits for their output).
CLIENT_TOOL_CALLS = frozenset(
    {
        "function_call",
        "custom_tool_call",
        "computer_call",
        "local_shell_call",
        "shell_call",
        "apply_patch_call",
        "mcp_approval_request",
    }
)

_TOOL_OUTPUTS = frozenset(
    {
        "function_call_output",
        "custom_tool_call_output",
        "computer_call_output",
        "local_shell_call_output",
        "shell_call_output",
        "apply_patch_call_output",
    }
)


def item_parts(item: Any) -> list[Part]:
    """The parts of one model-side item (an output item, or one sent back as input)."""
    kind = get(item, "type")
    if not isinstance(kind, str):
        return [generic_part("unknown")]
    if kind == "message":
        return content_parts(get(item, "content"))
    if kind == "function_call":
        arguments = json_or_text(get(item, "arguments"))
        return [tool_call_part(get(item, "call_id"), get(item, "name") or "", arguments)]
    if kind == "custom_tool_call":
        return [tool_call_part(get(item, "call_id"), get(item, "name") or "", get(item, "input"))]
    if kind == "reasoning":
        texts = (get(summary, "text") for summary in seq(get(item, "summary")))
        return [reasoning_part(t) for t in texts if isinstance(t, str)]
    if kind in CLIENT_TOOL_CALLS:
        return [tool_call_part(get(item, "call_id") or get(item, "id"), kind, None)]
    if isinstance(kind, str) and kind.endswith("_call"):  # web_search_call, mcp_call, ...
        return [server_tool_call_part(get(item, "id"), kind)]
    return [generic_part(kind if isinstance(kind, str) else "unknown")]


def input_messages(value: Any) -> list[Message]:
    if isinstance(value, str):
        return [message("user", [text_part(value)])]
    if not isinstance(value, (list, tuple)):  # a one-shot iterator belongs to the SDK
        return []
    out: list[Message] = []
    for item in value:
        kind = get(item, "type")
        role = get(item, "role")
        if kind in _TOOL_OUTPUTS:
            output = joined_text(get(item, "output"))
            out.append(message("tool", [tool_call_response_part(get(item, "call_id"), output)]))
            continue
        if kind in (None, "message") and isinstance(role, str):
            parts = content_parts(get(item, "content"))
        else:  # a model-side item: reasoning, a tool call, a provider tool's call, a reference
            role, parts = "assistant", item_parts(item)
        if role == "assistant" and out and out[-1]["role"] == "assistant":
            out[-1]["parts"].extend(parts)  # one model turn: reasoning, text and calls together
        else:
            out.append(message(role, parts))
    return out


def output_messages(output: Any, reason: str | None = None) -> list[Message]:
    """``reason``: why the response ended, in the API's words (see ``responses._finish_reason``)."""
    if not isinstance(output, list) or not output:
        return []
    parts = [part for item in output for part in item_parts(item)]
    return [message("assistant", parts, finish_reason=output_finish_reason(reason, parts))]

"""Chat Completions: ``client.chat.completions.create`` / ``.parse`` (sync and async).

``.stream()`` is not patched: the SDK's helper calls ``create(stream=True)`` (lazily, on
``__enter__``), so the patched ``create`` sees it. ``.parse()`` posts on its own, so it is
patched too; its ``response_format`` is a pydantic class, read as ``json``.

Stream shape: ``ChatCompletionChunk`` objects; every chunk repeats ``id``/``model``; a choice's
``finish_reason`` arrives on its last delta; with ``stream_options={"include_usage": True}`` a
final chunk carries ``usage`` and ``choices == []``. Azure sends a first chunk with empty
``id``/``model`` (prompt filter results), so the first non-empty values win.

Finish reasons: ``gen_ai.response.finish_reasons`` are the choices' ``finish_reason`` values as
sent (``stop``, ``length``, ``tool_calls``, ``content_filter``, ``function_call``; an OpenAI-compatible
server's own, such as Together's ``eos``), ``error`` for a choice that never got one; each output
message's ``finish_reason`` is the same value in the output-message schema's enum
(``adapter.output_finish_reason``: ``tool_calls`` -> ``tool_call``, ``eos`` -> ``stop``).

Known gaps: streamed audio deltas are not captured as parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..._telemetry import semconv as sc
from ...adapter import (
    Message,
    Part,
    PatchTarget,
    RequestContent,
    RequestInfo,
    ResponseInfo,
    message,
    output_finish_reason,
    text_part,
    tool_call_part,
    tool_call_response_part,
)
from .._values import get, integer, json_or_text, number, seq, text
from ._common import (
    completion_usage,
    finish_reason,
    passed,
    request_info,
    response_attributes,
    service_tier_attributes,
    stop_sequences,
)
from ._parts import audio_part, content_parts, joined_text, tool_definitions

_OUTPUT_TYPES = {"text": "text", "json_object": "json", "json_schema": "json"}


def _output_type(kwargs: Mapping[str, Any]) -> str | None:
    fmt = kwargs.get("response_format")
    if isinstance(fmt, type):  # .parse(response_format=SomeModel)
        return "json"
    kind = get(fmt, "type") if fmt is not None else None
    if isinstance(kind, str):
        return _OUTPUT_TYPES.get(kind, kind)
    modalities = kwargs.get("modalities")
    if isinstance(modalities, (list, tuple)) and "audio" in modalities:
        return "speech"
    return None


def parse_request(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestInfo:
    kwargs = passed(kwargs)
    n = integer(kwargs.get("n"))
    max_tokens = kwargs.get("max_completion_tokens")
    return request_info(
        instance,
        kwargs,
        temperature=number(kwargs.get("temperature")),
        top_p=number(kwargs.get("top_p")),
        max_tokens=integer(max_tokens if max_tokens is not None else kwargs.get("max_tokens")),
        frequency_penalty=number(kwargs.get("frequency_penalty")),
        presence_penalty=number(kwargs.get("presence_penalty")),
        stop_sequences=stop_sequences(kwargs.get("stop")),
        seed=integer(kwargs.get("seed")),
        choice_count=n if n is not None and n != 1 else None,
        output_type=_output_type(kwargs),
        reasoning_level=text(kwargs.get("reasoning_effort")),
        attributes=service_tier_attributes(kwargs, sc.OPENAI_API_TYPE_CHAT_COMPLETIONS),
    )


def _tool_call(call: Any) -> Part:
    if get(call, "type") == "custom":
        custom = get(call, "custom")
        return tool_call_part(get(call, "id"), get(custom, "name") or "", get(custom, "input"))
    function = get(call, "function")
    arguments = json_or_text(get(function, "arguments"))
    return tool_call_part(get(call, "id"), get(function, "name") or "", arguments)


def _input_message(msg: Any) -> Message | None:
    role = get(msg, "role")
    if not isinstance(role, str):
        return None
    content = get(msg, "content")
    if role in ("tool", "function"):
        return message(role, [tool_call_response_part(get(msg, "tool_call_id"), joined_text(content))])
    parts = content_parts(content)
    if role == "assistant":
        parts.extend(_assistant_parts(msg))
    return message(role, parts, name=text(get(msg, "name")))


def _assistant_parts(msg: Any) -> list[Part]:
    parts: list[Part] = []
    refusal = get(msg, "refusal")
    if isinstance(refusal, str):
        parts.append(text_part(refusal))
    for call in get(msg, "tool_calls") or ():
        parts.append(_tool_call(call))
    function_call = get(msg, "function_call")  # deprecated predecessor of tool_calls
    if function_call is not None:
        name = get(function_call, "name") or ""
        parts.append(tool_call_part(None, name, json_or_text(get(function_call, "arguments"))))
    return parts


def request_content(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestContent:
    kwargs = passed(kwargs)
    messages = kwargs.get("messages")  # only sequences: a one-shot iterator belongs to the SDK
    inputs = [m for m in map(_input_message, messages) if m] if isinstance(messages, (list, tuple)) else []
    tools = kwargs.get("tools") or kwargs.get("functions")
    return RequestContent(input_messages=inputs, tool_definitions=tool_definitions(tools))


def _output_message(msg: Any, reason: str) -> Message:
    parts = content_parts(get(msg, "content"))
    parts.extend(_assistant_parts(msg))
    audio = get(msg, "audio")
    if audio is not None:
        part = audio_part(audio)
        if part is not None:
            transcript = get(audio, "transcript")
            if isinstance(transcript, str):
                part["transcript"] = transcript
            parts.append(part)
    role = text(get(msg, "role")) or "assistant"
    return message(role, parts, finish_reason=output_finish_reason(reason, parts))


_raw_types: dict[type, bool] = {}


def is_raw_response(result: Any) -> bool:
    """A ``with_raw_response`` / ``with_streaming_response`` wrapper the engine did not unwrap."""
    cls = type(result)
    raw = _raw_types.get(cls)
    if raw is None:
        raw = any(c.__name__ in ("BaseAPIResponse", "LegacyAPIResponse") for c in cls.__mro__)
        if len(_raw_types) < 256:
            _raw_types[cls] = raw
    return raw


def parse_response(result: Any, target: PatchTarget, capture: bool) -> ResponseInfo:
    if is_raw_response(result):
        return ResponseInfo()
    choices = seq(getattr(result, "choices", None))
    reasons = tuple(finish_reason(get(c, "finish_reason")) for c in choices)
    return ResponseInfo(
        response_id=text(getattr(result, "id", None)),
        response_model=text(getattr(result, "model", None)),
        finish_reasons=reasons,
        usage=completion_usage(getattr(result, "usage", None)),
        output_messages=[_output_message(get(c, "message"), r) for c, r in zip(choices, reasons, strict=True)]
        if capture and choices
        else (),
        attributes=response_attributes(result),
    )

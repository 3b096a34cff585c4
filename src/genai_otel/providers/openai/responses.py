"""Responses API: ``client.responses.create`` / ``.parse`` and ``client.beta.responses.create``
(sync and async).

``responses.stream(...)`` is not patched: for a new response the SDK's helper calls
``create(stream=True)`` on ``__enter__``. (``stream(response_id=...)`` resumes an existing
response through ``retrieve``, which is not an inference call and is not traced.)

Stream shape: typed events. ``response.created`` / ``in_progress`` / ``queued`` /
``completed`` / ``incomplete`` / ``failed`` each carry the whole ``Response``; the last one
seen holds id, model, status, usage and output, so the accumulator keeps only that (and, when
capturing, the ``response.output_text.delta`` texts, for a stream cut off before its end).
``response.failed`` and the ``error`` event set ``ResponseInfo.error_type`` to the provider's
error code (``_OTHER`` when it has none).

Finish reasons: the API has no per-choice ``finish_reason``, only the response's ``status`` (one
"choice"), so ``gen_ai.response.finish_reasons`` is the one value the API gives for why the
response ended, as sent: the ``status`` (``completed``, ``failed``, ``cancelled``), or for
``incomplete`` its ``incomplete_details.reason`` (``max_output_tokens``, ``content_filter``; plain
``incomplete`` when it has none); ``queued`` / ``in_progress`` (background mode) report none; a
stream that ends before a final event reports ``error``. The output message's ``finish_reason``
maps that value (``adapter.output_finish_reason``): ``completed`` -> ``stop``, or ``tool_call``
when the output holds a tool call the caller must run; ``max_output_tokens`` -> ``length``;
``failed`` / ``cancelled`` -> ``error``.

Known gaps: ``prompt`` templates (id/version) have no ``RequestInfo`` field yet; reasoning
*content* (not summaries) and built-in tool details are not captured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..._telemetry import semconv as sc
from ...adapter import (
    Message,
    PatchTarget,
    RequestContent,
    RequestInfo,
    ResponseInfo,
    Usage,
    message,
    text_part,
)
from .._values import get, integer, number, text
from ._common import passed, request_info, response_attributes, service_tier_attributes
from ._parts import tool_definitions
from .chat import is_raw_response
from .responses_content import input_messages, output_messages

_OUTPUT_TYPES = {"text": "text", "json_object": "json", "json_schema": "json"}
_RESPONSE_EVENTS = frozenset(
    {
        "response.created",
        "response.in_progress",
        "response.queued",
        "response.completed",
        "response.incomplete",
        "response.failed",
    }
)
_FINAL_STATUSES = frozenset({"completed", "incomplete", "failed", "cancelled"})
_NO_TARGET = PatchTarget("", "")  # parse_response reads no target


def _output_type(kwargs: Mapping[str, Any]) -> str | None:
    if isinstance(kwargs.get("text_format"), type):  # .parse(text_format=SomeModel)
        return "json"
    config = kwargs.get("text")
    kind = get(get(config, "format"), "type") if config is not None else None
    return _OUTPUT_TYPES.get(kind, kind) if isinstance(kind, str) else None


def parse_request(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestInfo:
    kwargs = passed(kwargs)
    reasoning = kwargs.get("reasoning")
    conversation = kwargs.get("conversation")
    if not isinstance(conversation, str):
        conversation = get(conversation, "id") if conversation is not None else None
    prompt = kwargs.get("prompt")
    return request_info(
        instance,
        kwargs,
        prompt_name=text(get(prompt, "id")) if prompt is not None else None,
        prompt_version=text(get(prompt, "version")) if prompt is not None else None,
        temperature=number(kwargs.get("temperature")),
        top_p=number(kwargs.get("top_p")),
        max_tokens=integer(kwargs.get("max_output_tokens")),
        output_type=_output_type(kwargs),
        reasoning_level=text(get(reasoning, "effort")) if reasoning is not None else None,
        previous_response_id=text(kwargs.get("previous_response_id")),
        conversation_id=text(conversation),
        attributes=service_tier_attributes(kwargs, sc.OPENAI_API_TYPE_RESPONSES),
    )


def request_content(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestContent:
    kwargs = passed(kwargs)
    instructions = kwargs.get("instructions")
    return RequestContent(
        input_messages=input_messages(kwargs.get("input")),
        system_instructions=[text_part(instructions)] if isinstance(instructions, str) else (),
        tool_definitions=tool_definitions(kwargs.get("tools"), nested=False),
    )


def _finish_reason(result: Any) -> str | None:
    """Why the response ended, in the API's words: a final ``status``, or the reason an
    ``incomplete`` one gives; ``None`` while it is still queued or in progress."""
    status = text(getattr(result, "status", None))
    if status == "incomplete":
        reason = get(getattr(result, "incomplete_details", None), "reason")
        return reason if isinstance(reason, str) and reason else status
    return status if status in _FINAL_STATUSES else None


def _error_code(error: Any) -> str:
    code = get(error, "code") if error is not None else None
    return code if isinstance(code, str) and code else "_OTHER"


def _usage(usage: Any) -> Usage | None:
    if usage is None:
        return None
    inputs = getattr(usage, "input_tokens_details", None)
    outputs = getattr(usage, "output_tokens_details", None)
    return Usage(
        input_tokens=integer(getattr(usage, "input_tokens", None)),
        output_tokens=integer(getattr(usage, "output_tokens", None)),
        cache_read_input_tokens=integer(getattr(inputs, "cached_tokens", None)),
        cache_write_input_tokens=integer(getattr(inputs, "cache_write_tokens", None)),
        reasoning_output_tokens=integer(getattr(outputs, "reasoning_tokens", None)),
    )


def parse_response(result: Any, target: PatchTarget, capture: bool) -> ResponseInfo:
    if is_raw_response(result):
        return ResponseInfo()
    reason = _finish_reason(result)
    failed = getattr(result, "status", None) == "failed"
    return ResponseInfo(
        response_id=text(getattr(result, "id", None)),
        response_model=text(getattr(result, "model", None)),
        finish_reasons=(reason,) if reason else (),
        usage=_usage(getattr(result, "usage", None)),
        output_messages=output_messages(getattr(result, "output", None), reason) if capture else (),
        attributes=response_attributes(result),
        error_type=_error_code(getattr(result, "error", None)) if failed else None,
    )


class ResponsesAccumulator:
    """Folds ``ResponseStreamEvent`` objects; the last ``Response`` snapshot wins."""

    __slots__ = ("_capture", "_error", "_response", "_texts")

    def __init__(self, capture: bool) -> None:
        self._capture = capture
        self._response: Any = None
        self._error: str | None = None
        self._texts: list[str] = []

    def add(self, event: Any) -> None:
        kind = getattr(event, "type", None)
        if not isinstance(kind, str):
            return
        if kind == "response.output_text.delta":
            delta = getattr(event, "delta", None)
            if self._capture and isinstance(delta, str):
                self._texts.append(delta)
        elif kind in _RESPONSE_EVENTS:
            self._response = event.response
            if kind == "response.failed":
                self._error = _error_code(getattr(event.response, "error", None))
        elif kind == "error":
            self._error = _error_code(event)

    def finish(self) -> ResponseInfo:
        response = self._response
        if response is None:
            if not (self._texts or self._error):
                return ResponseInfo()
            return ResponseInfo(
                finish_reasons=("error",), output_messages=self._cut(), error_type=self._error
            )
        info = parse_response(response, _NO_TARGET, self._capture)
        if text(getattr(response, "status", None)) in _FINAL_STATUSES:
            return replace(info, error_type=self._error or info.error_type)
        # cut off before the final event: the snapshot has no output yet, the deltas do
        return replace(info, finish_reasons=("error",), output_messages=self._cut(), error_type=self._error)

    def _cut(self) -> list[Message]:
        """The text that arrived before the stream was cut short, as one message."""
        if not self._texts:
            return []
        return [message("assistant", [text_part("".join(self._texts))], finish_reason="error")]

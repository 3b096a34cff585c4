"""Legacy Completions: ``client.completions.create`` (sync and async), operation ``text_completion``.

Request: ``prompt`` (a string, a list of strings, or token arrays) plus the classic sampling
parameters. Response: ``Completion`` with ``choices[].text``; the streamed chunks are
``Completion`` objects of the same shape (``[DONE]``-terminated SSE), with a final usage chunk
(``choices == []``) when ``stream_options={"include_usage": True}``.

Known gaps: token-array prompts are not captured as content; ``openai.api.type`` is not set
(semconv defines only ``chat_completions`` and ``responses``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...adapter import (
    PatchTarget,
    RequestContent,
    RequestInfo,
    ResponseInfo,
    message,
    output_finish_reason,
    text_part,
)
from .._values import get, integer, number, seq, text
from ._common import (
    completion_usage,
    finish_reason,
    passed,
    request_info,
    response_attributes,
    service_tier_attributes,
    stop_sequences,
)
from .chat import is_raw_response


def parse_request(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestInfo:
    kwargs = passed(kwargs)
    n = integer(kwargs.get("n"))
    return request_info(
        instance,
        kwargs,
        temperature=number(kwargs.get("temperature")),
        top_p=number(kwargs.get("top_p")),
        max_tokens=integer(kwargs.get("max_tokens")),
        frequency_penalty=number(kwargs.get("frequency_penalty")),
        presence_penalty=number(kwargs.get("presence_penalty")),
        stop_sequences=stop_sequences(kwargs.get("stop")),
        seed=integer(kwargs.get("seed")),
        choice_count=n if n is not None and n != 1 else None,
        attributes=service_tier_attributes(kwargs, None),
    )


def request_content(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestContent:
    kwargs = passed(kwargs)
    prompt = kwargs.get("prompt")
    prompts = [prompt] if isinstance(prompt, str) else prompt if isinstance(prompt, (list, tuple)) else ()
    inputs = [message("user", [text_part(p)]) for p in prompts if isinstance(p, str)]
    return RequestContent(input_messages=inputs)


def parse_response(result: Any, target: PatchTarget, capture: bool) -> ResponseInfo:
    if is_raw_response(result):
        return ResponseInfo()
    choices = seq(getattr(result, "choices", None))
    reasons = tuple(finish_reason(get(c, "finish_reason")) for c in choices)
    outputs = (
        [
            message("assistant", [text_part(get(c, "text") or "")], finish_reason=output_finish_reason(r))
            for c, r in zip(choices, reasons, strict=True)
        ]
        if capture and choices
        else ()
    )
    return ResponseInfo(
        response_id=text(getattr(result, "id", None)),
        response_model=text(getattr(result, "model", None)),
        finish_reasons=reasons,
        usage=completion_usage(getattr(result, "usage", None)),
        output_messages=outputs,
        attributes=response_attributes(result),
    )

"""OpenAI API bodies, shaped like the real API's: ``chatcmpl-``/``resp_``/``cmpl-`` ids, ``created``
timestamps, ``system_fingerprint``, ``service_tier``, full usage blocks with their ``*_details``,
chat SSE ending in ``data: [DONE]`` (``obfuscation`` on every chunk, a final ``choices: []`` usage
chunk with ``include_usage``), Responses SSE with ``event:`` lines and ``sequence_number``, and
the ``{"error": {"message", "type", "param", "code"}}`` error envelope. Functions return fresh
objects, so a test may mutate what it gets.
"""

from __future__ import annotations

import base64
import struct
from typing import Any

from replay import sse_events

MODEL = "gpt-4o-mini"
RESPONSE_MODEL = "gpt-4o-mini-2024-07-18"
FINGERPRINT = "fp_34a54ae93c"
CREATED = 1750166281
HEADERS = {"openai-organization": "org-test", "openai-processing-ms": "312", "openai-version": "2020-10-01"}

CHAT_ID = "chatcmpl-BjTXtL4ZHbFpvnPHIOq3uG9IRNkOv"
RESP_ID = "resp_6851a3f0c4e88191a35b7dd4e5f0a3b70c8e4f6f1e9d2a7b"
MSG_ID = "msg_6851a3f1b0a48191b6c9e2a7d3f4e5a60c8e4f6f1e9d2a7b"


# --- chat completions ------------------------------------------------------------------------------
def chat_usage(prompt: int = 19, completion: int = 10, cached: int = 0, reasoning: int = 0) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": reasoning,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _assistant(content: str | None, **extra: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": content, "refusal": None, "annotations": [], **extra}


def _choice(index: int, message: dict[str, Any], finish: str) -> dict[str, Any]:
    return {"index": index, "message": message, "logprobs": None, "finish_reason": finish}


def chat_completion(
    choices: list[dict[str, Any]] | None = None, usage: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "id": CHAT_ID,
        "object": "chat.completion",
        "created": CREATED,
        "model": RESPONSE_MODEL,
        "choices": choices or [_choice(0, _assistant("Hello! How can I assist you today?"), "stop")],
        "usage": usage or chat_usage(),
        "service_tier": "default",
        "system_fingerprint": FINGERPRINT,
        **extra,
    }


def chat_completion_n2() -> dict[str, Any]:
    return chat_completion(
        [
            _choice(0, _assistant("Hello! How can I help?"), "stop"),
            _choice(1, _assistant("Hi there! What can I do for"), "length"),
        ],
        chat_usage(19, 16),
    )


def chat_completion_json() -> dict[str, Any]:
    content = '{"city":"Paris","temperature_c":18}'
    return chat_completion([_choice(0, _assistant(content), "stop")], chat_usage(42, 12, cached=0))


def chat_completion_cached_reasoning() -> dict[str, Any]:
    usage = chat_usage(2006, 300, cached=1920, reasoning=192)
    return {**chat_completion([_choice(0, _assistant("42."), "stop")], usage), "model": "o4-mini-2025-04-16"}


def chat_completion_tool_calls() -> dict[str, Any]:
    calls = [
        {
            "id": "call_Vx4kM2Y7oXvkk6nbW3lHd0Bt",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"location":"Paris, France"}'},
        },
        {
            "id": "call_8Zt0QmBd1bX0W3oZr5oyFvJp",
            "type": "function",
            "function": {"name": "get_time", "arguments": '{"tz":"Europe/Paris"'},  # truncated JSON
        },
    ]
    message = _assistant(None, tool_calls=calls)
    return chat_completion([_choice(0, message, "tool_calls")], chat_usage(82, 51))


def _chunk(
    choices: list[dict[str, Any]], include_usage: bool, usage: Any = None, model: str = RESPONSE_MODEL
) -> dict[str, Any]:
    chunk: dict[str, Any] = {
        "id": CHAT_ID,
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
        "service_tier": "default",
        "system_fingerprint": FINGERPRINT,
        "choices": choices,
    }
    if include_usage:
        chunk["usage"] = usage
    chunk["obfuscation"] = "k3Jd"
    return chunk


def _delta(delta: dict[str, Any], finish: str | None = None, index: int = 0) -> dict[str, Any]:
    return {"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}


def chat_stream(include_usage: bool = True) -> str:
    deltas = [
        _delta({"role": "assistant", "content": "", "refusal": None}),
        _delta({"content": "Hello"}),
        _delta({"content": "!"}),
        _delta({"content": " How can I help?"}),
        _delta({}, "stop"),
    ]
    chunks = [_chunk([d], include_usage) for d in deltas]
    if include_usage:
        chunks.append(_chunk([], True, chat_usage(9, 7, cached=0)))
    return sse_events([(None, c) for c in chunks] + [(None, "[DONE]")])


def chat_stream_n2(model: str = RESPONSE_MODEL) -> str:
    """``n=2`` as the API streams it: the two choices' deltas interleaved (one choice per chunk),
    each choice ending with its own ``finish_reason`` chunk, then the usage chunk and ``[DONE]``.
    Every chunk names the served model (``gpt-4-0613`` for a request of ``gpt-4``)."""
    deltas = [
        _delta({"role": "assistant", "content": "", "refusal": None}, index=0),
        _delta({"role": "assistant", "content": "", "refusal": None}, index=1),
        _delta({"content": "Hello!"}, index=0),
        _delta({"content": "Hi there!"}, index=1),
        _delta({"content": " How can I help?"}, index=0),
        _delta({"content": " What can I do for you?"}, index=1),
        _delta({}, "stop", index=0),
        _delta({}, "stop", index=1),
    ]
    chunks = [_chunk([d], True, model=model) for d in deltas]
    chunks.append(_chunk([], True, chat_usage(9, 17, cached=0), model=model))
    return sse_events([(None, c) for c in chunks] + [(None, "[DONE]")])


def chat_tool_call_stream() -> str:
    first = {"index": 0, "id": "call_Vx4kM2Y7oXvkk6nbW3lHd0Bt", "type": "function"}
    deltas = [
        _delta(
            {
                "role": "assistant",
                "content": None,
                "refusal": None,
                "tool_calls": [{**first, "function": {"name": "get_weather", "arguments": ""}}],
            }
        ),
        _delta({"tool_calls": [{"index": 0, "function": {"arguments": '{"lo'}}]}),
        _delta({"tool_calls": [{"index": 0, "function": {"arguments": 'cation":"'}}]}),
        _delta({"tool_calls": [{"index": 0, "function": {"arguments": 'Paris"}'}}]}),
        _delta({}, "tool_calls"),
    ]
    chunks = [_chunk([d], True) for d in deltas] + [_chunk([], True, chat_usage(82, 17))]
    return sse_events([(None, c) for c in chunks] + [(None, "[DONE]")])


def chat_stream_cut_off() -> str:
    """Two choices (n=2); the stream ends before choice 1's finish_reason (no [DONE])."""
    deltas = [
        _delta({"role": "assistant", "content": "Hi", "refusal": None}, index=0),
        _delta({"role": "assistant", "content": "Hey", "refusal": None}, index=1),
        _delta({}, "stop", index=0),
    ]
    return sse_events([(None, _chunk([d], False)) for d in deltas])


def error_body(message: str, type_: str, code: str | None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def model_not_found() -> dict[str, Any]:
    return error_body(
        "The model `gpt-9` does not exist or you do not have access to it.",
        "invalid_request_error",
        "model_not_found",
    )


def rate_limited() -> dict[str, Any]:
    return error_body(
        "Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): "
        "Limit 500, Used 500, Requested 1. Please try again in 120ms. "
        "Visit https://platform.openai.com/account/rate-limits to learn more.",
        "requests",
        "rate_limit_exceeded",
    )


# --- responses -------------------------------------------------------------------------------------
def responses_usage(
    inputs: int = 36, outputs: int = 87, cached: int = 0, reasoning: int = 0
) -> dict[str, Any]:
    return {
        "input_tokens": inputs,
        "input_tokens_details": {"cached_tokens": cached, "cache_write_tokens": 0},
        "output_tokens": outputs,
        "output_tokens_details": {"reasoning_tokens": reasoning},
        "total_tokens": inputs + outputs,
    }


def output_message(text: str, status: str = "completed") -> dict[str, Any]:
    content = [{"type": "output_text", "annotations": [], "logprobs": [], "text": text}] if text else []
    return {"id": MSG_ID, "type": "message", "status": status, "content": content, "role": "assistant"}


def response(
    output: list[dict[str, Any]] | None = None,
    status: str = "completed",
    usage: dict[str, Any] | None = None,
    model: str = "gpt-4.1-2025-04-14",
    **extra: Any,
) -> dict[str, Any]:
    done = status != "in_progress"
    return {
        "id": RESP_ID,
        "object": "response",
        "created_at": 1750180848,
        "status": status,
        "background": False,
        "completed_at": 1750180850 if status == "completed" else None,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "max_output_tokens": None,
        "max_tool_calls": None,
        "model": model,
        "output": [output_message("Hello! How can I help you today?")] if output is None else output,
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "prompt_cache_key": None,
        "reasoning": {"effort": None, "summary": None},
        "safety_identifier": None,
        "service_tier": "default" if done else "auto",
        "store": True,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [],
        "top_logprobs": 0,
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": (usage or responses_usage()) if done else None,
        "user": None,
        "metadata": {},
        **extra,
    }


def response_function_call() -> dict[str, Any]:
    call = {
        "id": "fc_6851a3f2c0f48191a0b1c2d3e4f5a6b7",
        "type": "function_call",
        "status": "completed",
        "arguments": '{"location":"Paris, France"}',
        "call_id": "call_q8xYPmO3rQ2sL1kN0jH9gF7d",
        "name": "get_weather",
    }
    return response([call], usage=responses_usage(291, 23))


def response_reasoning() -> dict[str, Any]:
    reasoning = {
        "id": "rs_6851a3f3d1048191b2c3d4e5f6a7b8c9",
        "type": "reasoning",
        "summary": [{"type": "summary_text", "text": "**Comparing numbers**\n\n9.11 < 9.9."}],
    }
    return response(
        [reasoning, output_message("9.9 is larger.")],
        usage=responses_usage(18, 210, cached=0, reasoning=192),
        model="o4-mini-2025-04-16",
        reasoning={"effort": "medium", "summary": "auto"},
    )


def response_incomplete() -> dict[str, Any]:
    return response(
        [output_message("The history of", status="incomplete")],
        status="incomplete",
        usage=responses_usage(20, 16),
        incomplete_details={"reason": "max_output_tokens"},
        max_output_tokens=16,
    )


def _events(pairs: list[tuple[str, dict[str, Any]]]) -> str:
    return sse_events(
        [(kind, {"type": kind, "sequence_number": n, **data}) for n, (kind, data) in enumerate(pairs)]
    )


def response_stream(text_parts: tuple[str, ...] = ("Hello", "!", " How can I help?")) -> str:
    text = "".join(text_parts)
    part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
    at = {"item_id": MSG_ID, "output_index": 0, "content_index": 0}
    return _events(
        [
            ("response.created", {"response": response([], status="in_progress")}),
            ("response.in_progress", {"response": response([], status="in_progress")}),
            ("response.output_item.added", {"output_index": 0, "item": output_message("", "in_progress")}),
            ("response.content_part.added", {**at, "part": part}),
            *[
                ("response.output_text.delta", {**at, "delta": d, "logprobs": [], "obfuscation": "Qx1"})
                for d in text_parts
            ],
            ("response.output_text.done", {**at, "text": text, "logprobs": []}),
            ("response.content_part.done", {**at, "part": {**part, "text": text}}),
            ("response.output_item.done", {"output_index": 0, "item": output_message(text)}),
            (
                "response.completed",
                {"response": response([output_message(text)], usage=responses_usage(9, 7))},
            ),
        ]
    )


def response_function_call_stream(parts: tuple[str, ...] = ('{"lo', 'cation":"', 'Paris"}')) -> str:
    """A streamed function call: ``response.function_call_arguments.delta`` events, then the
    completed response whose output is the call."""
    arguments = "".join(parts)
    fc_id = "fc_6851a3f2c0f48191a0b1c2d3e4f5a6b7"

    def call(args: str, status: str) -> dict[str, Any]:
        return {
            "id": fc_id,
            "type": "function_call",
            "status": status,
            "arguments": args,
            "call_id": "call_q8xYPmO3rQ2sL1kN0jH9gF7d",
            "name": "get_weather",
        }

    at = {"item_id": fc_id, "output_index": 0}
    return _events(
        [
            ("response.created", {"response": response([], status="in_progress")}),
            ("response.in_progress", {"response": response([], status="in_progress")}),
            ("response.output_item.added", {"output_index": 0, "item": call("", "in_progress")}),
            *[
                ("response.function_call_arguments.delta", {**at, "delta": d, "obfuscation": "Zt0"})
                for d in parts
            ],
            ("response.function_call_arguments.done", {**at, "arguments": arguments}),
            ("response.output_item.done", {"output_index": 0, "item": call(arguments, "completed")}),
            (
                "response.completed",
                {"response": response([call(arguments, "completed")], usage=responses_usage(291, 23))},
            ),
        ]
    )


def response_stream_failed() -> str:
    failed = response([], status="failed", usage=responses_usage(9, 0))
    failed["error"] = {"code": "server_error", "message": "The model failed to generate a response."}
    return _events(
        [
            ("response.created", {"response": response([], status="in_progress")}),
            ("response.in_progress", {"response": response([], status="in_progress")}),
            ("response.failed", {"response": failed}),
        ]
    )


def response_stream_error_event() -> str:
    message = "Rate limit reached for gpt-4.1 in organization org-test on tokens per min (TPM)."
    return _events(
        [
            ("response.created", {"response": response([], status="in_progress")}),
            ("error", {"code": "rate_limit_exceeded", "message": message, "param": None}),
        ]
    )


def response_stream_cut_off() -> str:
    at = {"item_id": MSG_ID, "output_index": 0, "content_index": 0}
    return _events(
        [
            ("response.created", {"response": response([], status="in_progress")}),
            ("response.output_item.added", {"output_index": 0, "item": output_message("", "in_progress")}),
            ("response.output_text.delta", {**at, "delta": "Partial", "logprobs": []}),
            ("response.output_text.delta", {**at, "delta": " answer", "logprobs": []}),
        ]
    )


# --- embeddings ------------------------------------------------------------------------------------
EMBEDDING_MODEL = "text-embedding-3-small"
DIMENSIONS = 1536


def vector(dimensions: int = DIMENSIONS, seed: int = 1) -> list[float]:
    return [round(((i * 7919 + seed * 104729) % 2000 - 1000) / 31622.0, 6) for i in range(dimensions)]


def embeddings(encoding: str = "float", count: int = 1, dimensions: int = DIMENSIONS) -> dict[str, Any]:
    data = []
    for index in range(count):
        values = vector(dimensions, index + 1)
        embedding: Any = values
        if encoding == "base64":
            embedding = base64.b64encode(struct.pack(f"<{dimensions}f", *values)).decode()
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    return {
        "object": "list",
        "data": data,
        "model": EMBEDDING_MODEL,
        "usage": {"prompt_tokens": 5 * count, "total_tokens": 5 * count},
    }


# --- legacy completions ----------------------------------------------------------------------------
INSTRUCT_MODEL = "gpt-3.5-turbo-instruct"
INSTRUCT_RESPONSE_MODEL = "gpt-3.5-turbo-instruct:20230824-v2"
COMPLETION_ID = "cmpl-9sN3pQ0wX7kLmZr2bY5tUvH8aJcDe"


def completion() -> dict[str, Any]:
    return {
        "id": COMPLETION_ID,
        "object": "text_completion",
        "created": CREATED,
        "model": INSTRUCT_RESPONSE_MODEL,
        "choices": [
            {"text": "\n\nThis is indeed a test", "index": 0, "logprobs": None, "finish_reason": "length"}
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
    }


def completion_stream(include_usage: bool = False) -> str:
    def chunk(text: str, finish: str | None) -> dict[str, Any]:
        choice = {"text": text, "index": 0, "logprobs": None, "finish_reason": finish}
        return {
            "id": COMPLETION_ID,
            "object": "text_completion",
            "created": CREATED,
            "choices": [choice],
            "model": INSTRUCT_RESPONSE_MODEL,
        }

    chunks = [chunk("\n\n", None), chunk("This is", None), chunk(" indeed a test", None), chunk("", "length")]
    if include_usage:
        last = {
            **chunk("", None),
            "choices": [],
            "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
        }
        chunks.append(last)
    return sse_events([(None, c) for c in chunks] + [(None, "[DONE]")])

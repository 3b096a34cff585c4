"""Groq API bodies, shaped like the real API's: ``chatcmpl-<uuid>`` ids, ``system_fingerprint``,
``service_tier``, ``x_groq: {"id": "req_..."}`` on responses, usage blocks with Groq's timings
(``queue_time``, ``prompt_time``, ``completion_time``, ``total_time``, seconds) and, where the
model reports them, ``prompt_tokens_details.cached_tokens`` /
``completion_tokens_details.reasoning_tokens``.

Streams (``chat_sse``) are derived from the plain bodies: a first chunk with the role and
``x_groq.id``, ``reasoning`` then ``content`` deltas, a tool-call chunk carrying whole calls, a
last chunk with ``finish_reason`` and the usage in ``x_groq.usage``, then ``data: [DONE]``.
Errors use ``{"error": {"message", "type", "code"}}``. Functions return fresh objects.
"""

from __future__ import annotations

import copy
from typing import Any

from replay import sse_events

MODEL = "llama-3.3-70b-versatile"
REASONING_MODEL = "openai/gpt-oss-20b"
FINGERPRINT = "fp_3f39b9d545"
CREATED = 1752571811
REQUEST_ID = "req_01k05wz8y1f0ra1pbrc5fq8m5n"
HEADERS = {"x-request-id": REQUEST_ID, "x-ratelimit-remaining-requests": "14399"}
CHAT_ID = "chatcmpl-8b2e4f1a-3c5d-4e6f-9a7b-1c2d3e4f5a6b"
CALL_ID = "call_n0bqkr5x"


def usage(
    prompt: int = 42,
    completion: int = 11,
    cached: int | None = None,
    reasoning: int | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "queue_time": 0.052713,
        "prompt_tokens": prompt,
        "prompt_time": 0.002154,
        "completion_tokens": completion,
        "completion_time": 0.018333,
        "total_tokens": prompt + completion,
        "total_time": 0.020487,
    }
    if cached is not None:
        out["prompt_tokens_details"] = {"cached_tokens": cached}
    if reasoning is not None:
        out["completion_tokens_details"] = {"reasoning_tokens": reasoning}
    return out


def completion(
    message: dict[str, Any],
    finish: str = "stop",
    model: str = MODEL,
    usage_block: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": CHAT_ID,
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": usage_block or usage(),
        "usage_breakdown": None,
        "system_fingerprint": FINGERPRINT,
        "x_groq": {"id": REQUEST_ID, "seed": 1284938372},
        "service_tier": "on_demand",
    }


def text() -> dict[str, Any]:
    return completion({"role": "assistant", "content": "Hello! How can I help you today?"})


def cached() -> dict[str, Any]:
    message = {"role": "assistant", "content": "Paris is the capital of France."}
    return completion(
        message, model="moonshotai/kimi-k2-instruct-0905", usage_block=usage(2316, 9, cached=2048)
    )


def reasoning() -> dict[str, Any]:
    message = {
        "role": "assistant",
        "content": "There are 3 r's in strawberry.",
        "reasoning": "Count the letters: s-t-r-a-w-b-e-r-r-y. r appears at 3, 8 and 9.",
    }
    return completion(message, model=REASONING_MODEL, usage_block=usage(81, 164, reasoning=139))


def tool_call() -> dict[str, Any]:
    message = {
        "role": "assistant",
        "tool_calls": [
            {
                "id": CALL_ID,
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"location":"Paris"}'},
            }
        ],
    }
    return completion(message, finish="tool_calls", usage_block=usage(228, 19))


def _chunk(
    body: dict[str, Any], delta: dict[str, Any], finish: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "id": body["id"],
        "object": "chat.completion.chunk",
        "created": body["created"],
        "model": body["model"],
        "system_fingerprint": FINGERPRINT,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        **extra,
    }


def chunks(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The chunks Groq streams for the completion ``body`` (``[DONE]`` not included)."""
    message = body["choices"][0]["message"]
    out = [_chunk(body, {"role": "assistant", "content": ""}, x_groq={"id": REQUEST_ID})]
    reasoning_text = message.get("reasoning") or ""
    out += [
        _chunk(body, {"reasoning": reasoning_text[i : i + 20]}) for i in range(0, len(reasoning_text), 20)
    ]
    content = message.get("content") or ""
    out += [_chunk(body, {"content": content[i : i + 8]}) for i in range(0, len(content), 8)]
    calls = message.get("tool_calls")
    if calls:
        out.append(_chunk(body, {"tool_calls": [{**c, "index": i} for i, c in enumerate(calls)]}))
    final = {"id": REQUEST_ID, "usage": copy.deepcopy(body["usage"])}
    out.append(_chunk(body, {}, body["choices"][0]["finish_reason"], x_groq=final))
    return out


def chat_sse(body: dict[str, Any]) -> str:
    return sse_events([*((None, c) for c in chunks(body)), (None, "[DONE]")])


def stream_error_sse() -> str:
    """A stream the API stops with an error object (Groq's failed tool-call validation)."""
    body = text()
    error = {
        "error": {
            "message": "Failed to call a function. Please adjust your prompt. "
            "See 'failed_generation' for more details.",
            "type": "invalid_request_error",
            "code": "tool_use_failed",
            "failed_generation": '<function=get_weather>{"city": "Paris"</function>',
        }
    }
    return sse_events([(None, chunks(body)[0]), (None, chunks(body)[1]), (None, error)])


def error(message: str, type_: str, code: str | None) -> dict[str, Any]:
    inner: dict[str, Any] = {"message": message, "type": type_}
    if code is not None:
        inner["code"] = code
    return {"error": inner}


def model_not_found(model: str = MODEL) -> dict[str, Any]:
    return error(
        f"The model `{model}` does not exist or you do not have access to it.",
        "invalid_request_error",
        "model_not_found",
    )


def rate_limited() -> dict[str, Any]:
    return error(
        f"Rate limit reached for model `{MODEL}` in organization `org_01hqx3test` service tier `on_demand` "
        "on tokens per minute (TPM): Limit 12000, Used 11950, Requested 580. Please try again in 2.65s.",
        "tokens",
        "rate_limit_exceeded",
    )


EMBEDDING_MODEL = "nomic-embed-text-v1_5"


def embeddings(dimensions: int = 768) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [
            {"object": "embedding", "embedding": [0.0125 * (i % 7) for i in range(dimensions)], "index": 0}
        ],
        "model": EMBEDDING_MODEL,
        "usage": {"prompt_tokens": 8, "total_tokens": 8},
        "x_groq": {"id": REQUEST_ID},
    }

"""Together AI API bodies, shaped like the real API's: ``o...-...`` ids, ``prompt: []``, choices
with ``seed`` and ``finish_reason`` (``eos`` / ``stop`` / ``length`` / ``tool_calls``), usage
blocks with Together's top-level ``cached_tokens``, ``reasoning`` on reasoning models' messages.

Streams (``chat_sse`` / ``completion_sse``) are derived from the plain bodies as Together sends
them: every chunk has ``choices[].text`` and ``delta`` (``token_id``, ``role``, ``content``), a
tool call arrives as a first delta with id and name then argument pieces, the last chunk carries
``finish_reason`` and ``usage``, then ``data: [DONE]``. Errors use
``{"id", "error": {"message", "type", "param", "code"}}``. Functions return fresh objects.
"""

from __future__ import annotations

import copy
from typing import Any

from replay import sse_events

MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
REASONING_MODEL = "Qwen/Qwen3-235B-A22B-Thinking-2507"
CREATED = 1758039001
CHAT_ID = "oBUtQrM-62bZhn-9801a1ac2a5f9b29"
HEADERS = {"x-request-id": "oBUtQrM-62bZhn-9801a1ac2a5f9b29", "x-ratelimit-remaining": "59"}
CALL_ID = "call_jy63yt7kp8hfof3sy4pim94o"


def usage(prompt: int = 49, completion: int = 34, cached: int = 0) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "cached_tokens": cached,
    }


def chat(
    message: dict[str, Any],
    finish: str = "eos",
    model: str = MODEL,
    usage_block: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": CHAT_ID,
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "prompt": [],
        "choices": [
            {
                "finish_reason": finish,
                "seed": 2387155844510162400,
                "logprobs": None,
                "index": 0,
                "message": message,
            }
        ],
        "usage": usage_block or usage(),
    }


def text() -> dict[str, Any]:
    return chat(
        {
            "role": "assistant",
            "content": "The planet with rings whose name starts with S is Saturn.",
            "tool_calls": [],
        }
    )


def cached() -> dict[str, Any]:
    return chat(
        {"role": "assistant", "content": "Saturn.", "tool_calls": []},
        finish="stop",
        usage_block=usage(1832, 3, 1536),
    )


def reasoning() -> dict[str, Any]:
    message = {
        "role": "assistant",
        "content": "17 × 24 = 408.",
        "reasoning": "17 × 24 = 17 × 20 + 17 × 4 = 340 + 68 = 408.",
        "tool_calls": [],
    }
    return chat(message, finish="stop", model=REASONING_MODEL, usage_block=usage(21, 287))


def tool_call() -> dict[str, Any]:
    message = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": CALL_ID,
                "type": "function",
                "index": 0,
                "function": {"name": "get_weather", "arguments": '{"city":"Tokyo"}'},
            }
        ],
    }
    return chat(message, finish="tool_calls", usage_block=usage(233, 18))


def _chunk(
    body: dict[str, Any], delta: dict[str, Any], finish: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "id": body["id"],
        "object": "chat.completion.chunk",
        "created": body["created"],
        "model": body["model"],
        "choices": [
            {
                "index": 0,
                "text": delta.get("content") or "",
                "logprobs": None,
                "finish_reason": finish,
                "seed": body["choices"][0]["seed"] if finish else None,
                "delta": {"token_id": None, "role": "assistant", **delta},
            }
        ],
        "usage": None,
        **extra,
    }


def chat_chunks(body: dict[str, Any]) -> list[dict[str, Any]]:
    message = body["choices"][0]["message"]
    out: list[dict[str, Any]] = []
    thinking = message.get("reasoning") or ""
    out += [
        _chunk(body, {"content": None, "reasoning": thinking[i : i + 16]})
        for i in range(0, len(thinking), 16)
    ]
    content = message.get("content") or ""
    out += [
        _chunk(body, {"token_id": 791 + i, "content": content[i : i + 6]}) for i in range(0, len(content), 6)
    ]
    for index, call in enumerate(message.get("tool_calls") or ()):
        head = {**call, "index": index, "function": {"name": call["function"]["name"], "arguments": ""}}
        out.append(_chunk(body, {"content": None, "tool_calls": [head]}))
        arguments = call["function"]["arguments"]
        out += [
            _chunk(
                body,
                {
                    "content": None,
                    "tool_calls": [{"index": index, "function": {"arguments": arguments[i : i + 7]}}],
                },
            )
            for i in range(0, len(arguments), 7)
        ]
    final = _chunk(body, {"token_id": 128009, "content": ""}, body["choices"][0]["finish_reason"])
    final["usage"] = copy.deepcopy(body["usage"])
    return [*out, final]


def chat_sse(body: dict[str, Any]) -> str:
    return sse_events([*((None, c) for c in chat_chunks(body)), (None, "[DONE]")])


def stream_error_sse() -> str:
    error = {
        "error": {"message": "Internal server error", "type": "server_error", "param": None, "code": None}
    }
    return sse_events([(None, chat_chunks(text())[0]), (None, error)])


# --- completions ------------------------------------------------------------------------------------------

COMPLETION_MODEL = "meta-llama/Llama-3.2-3B-Instruct-Turbo"
COMPLETION_ID = "oBUszH9-4Yz4kd-98019fa76a947327"
COMPLETION_TEXT = " blue, sugar is sweet."


def completion() -> dict[str, Any]:
    return {
        "id": COMPLETION_ID,
        "object": "text.completion",
        "created": CREATED,
        "model": COMPLETION_MODEL,
        "prompt": [],
        "choices": [
            {
                "text": COMPLETION_TEXT,
                "finish_reason": "length",
                "seed": 15924764223251450000,
                "logprobs": None,
                "index": 0,
            }
        ],
        "usage": usage(24, 6),
    }


def completion_sse() -> str:
    pieces = [" blue", ",", " sugar", " is", " sweet", "."]
    chunks = []
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        chunks.append(
            {
                "id": COMPLETION_ID,
                "object": "completion.chunk",
                "created": CREATED,
                "model": COMPLETION_MODEL,
                "choices": [
                    {
                        "index": 0,
                        "text": piece,
                        "logprobs": None,
                        "finish_reason": "length" if last else None,
                        "seed": 15924764223251450000 if last else None,
                        "delta": {"token_id": 6437 + i, "role": "assistant", "content": piece},
                    }
                ],
                "usage": usage(24, 6) if last else None,
            }
        )
    return sse_events([*((None, c) for c in chunks), (None, "[DONE]")])


# --- embeddings, rerank, errors ----------------------------------------------------------------------------

EMBEDDING_MODEL = "BAAI/bge-base-en-v1.5"
RERANK_MODEL = "Salesforce/Llama-Rank-V1"


def embeddings(dimensions: int = 768) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [
            {"object": "embedding", "embedding": [0.021 * (i % 5) for i in range(dimensions)], "index": 0}
        ],
        "model": EMBEDDING_MODEL,
        "request_id": "oBUtX7R-62bZhn-9801a22f6ad243dc",
    }


def rerank() -> dict[str, Any]:
    return {
        "object": "rerank",
        "id": "9dfa1a09-5ebc-4a40-970f-586cb8f4ae47",
        "model": RERANK_MODEL,
        "results": [
            {"index": 0, "relevance_score": 0.29980177813003117, "document": {"text": None}},
            {"index": 2, "relevance_score": 0.2752447527354349, "document": {"text": None}},
        ],
        "usage": {"prompt_tokens": 2929, "completion_tokens": 0, "total_tokens": 2929},
    }


def error(message: str, type_: str, code: str | None, param: str | None = None) -> dict[str, Any]:
    return {
        "id": "oBUtdGc-62bZhn-9801a2b11e77499b",
        "error": {"message": message, "type": type_, "param": param, "code": code},
    }


def model_not_available(model: str = MODEL) -> dict[str, Any]:
    return error(
        f"Unable to access model {model}. Please visit https://api.together.ai/models to view the list of "
        "supported models.",
        "invalid_request_error",
        "model_not_available",
        "model",
    )


def invalid_api_key() -> dict[str, Any]:
    return error(
        "Invalid API key provided. You can find your API key at https://api.together.ai/settings/api-keys.",
        "invalid_request_error",
        "invalid_api_key",
    )

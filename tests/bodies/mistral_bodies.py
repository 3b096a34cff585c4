"""Mistral API bodies, shaped like the real API's: 32-hex ids, ``object: chat.completion``, the
``usage`` block (``prompt_tokens_details.cached_tokens`` on a cache hit, already counted in
``prompt_tokens``), tool calls with 9-character ids and JSON-string arguments, SSE ``data:`` frames
of ``chat.completion.chunk`` with usage on the last chunk and ``data: [DONE]``, and the error
body ``{"object": "error", "message", "type", "param", "code"}``.
"""

from __future__ import annotations

import json
from typing import Any

from replay import sse_events

MODEL = "mistral-small-latest"
FIM_MODEL = "codestral-latest"
EMBED_MODEL = "mistral-embed"
AGENT_ID = "ag_019a8b1c2d3e7f40a5b6c7d8e9f0a1b2"
CREATED = 1767225600
HEADERS = {"mistral-correlation-id": "019a8b1c-5e6f-7a8b-9c0d-1e2f3a4b5c6d", "x-kong-request-id": "req-test"}


def usage(prompt: int, completion: int, cached: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "prompt_tokens": prompt,
        "total_tokens": prompt + completion,
        "completion_tokens": completion,
    }
    if cached is not None:
        out["prompt_tokens_details"] = {"cached_tokens": cached}
    return out


def completion(
    completion_id: str,
    content: Any,
    finish_reason: str,
    u: dict[str, Any],
    tool_calls: list[dict[str, Any]] | None = None,
    model: str = MODEL,
) -> dict[str, Any]:
    return {
        "id": completion_id,
        "object": "chat.completion",
        "model": model,
        "usage": u,
        "created": CREATED,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "tool_calls": tool_calls, "content": content},
                "finish_reason": finish_reason,
            }
        ],
    }


def tool_call(call_id: str, name: str, arguments: dict[str, Any], index: int = 0) -> dict[str, Any]:
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(arguments)},
        "index": index,
    }


TEXT = completion(
    "cf79f7daaee244b1a0ae5c7b1444424a", "Hello! How can I help you today?", "stop", usage(9, 10)
)

CACHED = completion(
    "6b3b0bfa2bc94b33a2a8e1f3d7c9d0e4",
    "Check that the Authorization header carries a valid key.",
    "stop",
    usage(1013, 14, cached=1008),
)

TOOL_CALLS = completion(
    "0b5e6c7d8a9f4e3d2c1b0a9f8e7d6c5b",
    "",
    "tool_calls",
    usage(84, 31),
    tool_calls=[
        tool_call("D681PevKs", "get_weather", {"location": "Paris"}),
        tool_call("Xq7rT2mNb", "get_weather", {"location": "Lyon"}, index=1),
    ],
)

THINKING = completion(
    "8f1e2d3c4b5a69788796a5b4c3d2e1f0",
    [
        {"type": "thinking", "thinking": [{"type": "text", "text": "The user greets me; answer briefly."}]},
        {"type": "text", "text": "Hi there!"},
    ],
    "stop",
    usage(12, 41),
    model="magistral-small-latest",
)

LENGTH = completion("a1b2c3d4e5f60718293a4b5c6d7e8f90", "Once upon a", "length", usage(8, 3))

FIM = completion(
    "2c4e6a8b0d1f43a5b7c9e1f3a5b7c9d1",
    "\n    return a + b\n",
    "stop",
    usage(15, 9),
    model=FIM_MODEL,
)


def embeddings(count: int = 2, dimensions: int = 1024) -> dict[str, Any]:
    vector = [round(((i * 37) % 200 - 100) / 1000, 4) for i in range(dimensions)]
    return {
        "id": "d3f1a2b4c5e6478899aabbccddeeff00",
        "object": "list",
        "data": [{"object": "embedding", "embedding": vector, "index": i} for i in range(count)],
        "model": EMBED_MODEL,
        "usage": {"prompt_tokens": 11, "total_tokens": 11, "completion_tokens": 0},
    }


# --- errors -------------------------------------------------------------------------------------
def error(message: Any, kind: str, code: str | None = None) -> dict[str, Any]:
    return {"object": "error", "message": message, "type": kind, "param": None, "code": code}


BAD_REQUEST = error(
    "Prompt contains 40960 tokens and 0 draft tokens, too large for model with 32768 maximum context length",
    "invalid_request_message_error",
)
RATE_LIMITED = error("Rate limit exceeded", "rate_limited", "1300")
VALIDATION = error(
    {
        "detail": [
            {
                "type": "less_than_equal",
                "loc": ["body", "temperature"],
                "msg": "Input should be less than or equal to 1.5",
                "input": 3.0,
                "ctx": {"le": 1.5},
            }
        ]
    },
    "invalid_request_error",
)


# --- streams --------------------------------------------------------------------------------------
def _chunk(body: dict[str, Any], choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "id": body["id"],
        "object": "chat.completion.chunk",
        "created": body["created"],
        "model": body["model"],
        "choices": choices,
        **extra,
    }


def chunks(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects the API streams for the completion ``body``: a role
    delta, content in pieces (thinking chunks as typed content), each tool call whole in one
    delta, then the finish reason with the usage block on the last chunk."""
    choice = body["choices"][0]
    msg = choice["message"]
    out = [_chunk(body, [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])]
    content = msg["content"]
    pieces: list[Any] = []
    if isinstance(content, str):
        pieces = [content[i : i + 8] for i in range(0, len(content), 8)]
    else:
        for block in content:
            if block["type"] == "text":
                pieces += [
                    [{"type": "text", "text": block["text"][i : i + 5]}]
                    for i in range(0, len(block["text"]), 5)
                ]
            else:
                pieces.append([block])
    out += [_chunk(body, [{"index": 0, "delta": {"content": p}, "finish_reason": None}]) for p in pieces]
    out += [
        _chunk(body, [{"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": None}])
        for call in msg["tool_calls"] or ()
    ]
    last = {"index": 0, "delta": {"content": ""}, "finish_reason": choice["finish_reason"]}
    out.append(_chunk(body, [last], usage=body["usage"]))
    return out


def sse_of(body: dict[str, Any]) -> str:
    return sse_events([(None, c) for c in chunks(body)] + [(None, "[DONE]")])


def cut_sse(body: dict[str, Any], keep: int) -> str:
    """The first ``keep`` chunks, then the connection ends (no finish reason, no usage, no [DONE])."""
    return sse_events([(None, c) for c in chunks(body)[:keep]])


def error_mid_stream(body: dict[str, Any], keep: int, err: dict[str, Any]) -> str:
    """``keep`` chunks, then an error object as the next ``data:`` frame."""
    return sse_events([(None, c) for c in chunks(body)[:keep]] + [(None, err)])

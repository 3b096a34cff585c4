"""Cohere v2 API bodies, shaped like the real API's: UUID ids, upper-case ``finish_reason``,
``message.content`` blocks, ``tool_plan`` + ``tool_calls`` (arguments as a JSON string), the
``usage`` block with ``billed_units`` and ``tokens`` (and ``cached_tokens`` when the cache hit),
SSE with ``event:`` lines whose ``data`` carries the same ``type``, embed's ``embeddings_by_type``
body with ``meta``, rerank ``results``, and the ``{"id", "message"}`` error body.
"""

from __future__ import annotations

import json
from typing import Any

from replay import sse_events

MODEL = "command-a-03-2025"
EMBED_MODEL = "embed-v4.0"
RERANK_MODEL = "rerank-v3.5"
HEADERS = {
    "x-debug-trace-id": "5c2e3b0f6a1d4e2b9c7f8a6d3e1b2c4d",
    "x-endpoint-monthly-call-limit": "1000",
    "x-trial-endpoint-call-limit": "20",
    "x-trial-endpoint-call-remaining": "19",
}


def _usage(billed_in: int | None, billed_out: int | None, tokens_in: int, tokens_out: int, **extra: Any):
    out: dict[str, Any] = {"tokens": {"input_tokens": tokens_in, "output_tokens": tokens_out}, **extra}
    if billed_in is not None:
        out["billed_units"] = {"input_tokens": billed_in, "output_tokens": billed_out}
    return out


def _chat(chat_id: str, message: dict[str, Any], finish_reason: str, usage: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": chat_id,
        "message": {"role": "assistant", **message},
        "finish_reason": finish_reason,
        "usage": usage,
    }


TEXT = _chat(
    "c14c80c3-18eb-4519-9460-6c92edd8cfb4",
    {"content": [{"type": "text", "text": "Hello! How can I help you today?"}]},
    "COMPLETE",
    # billed: the caller's text only; tokens: with the prompt template Cohere wraps around it
    _usage(5, 9, 496, 11),
)
CACHED = _chat(
    "8d8f7a1e-2b4c-4d6e-9f01-23456789abcd",
    {"content": [{"type": "text", "text": "The report covers revenue growth in three regions."}]},
    "COMPLETE",
    _usage(2210, 12, 2701, 14, cached_tokens=2048),
)
#: Shaped like a recorded exchange: Cohere billed 7 input tokens (the caller's "Hello there!") where
#: the model processed 69 (the same text inside the chat template and default preamble).
RECORDED_GREETING = _chat(
    "6b0c3e4a-9d2f-4c8e-b1a7-5e3f9d2c0a84",
    {"content": [{"type": "text", "text": "Hello! How can I assist you today?"}]},
    "COMPLETE",
    _usage(7, 9, 69, 11),
)
TOKENS_ONLY = _chat(
    "3f9b0c2d-7e6a-4b58-a1c3-9d2e4f6a8b0c",
    {"content": [{"type": "text", "text": "Hi."}]},
    "COMPLETE",
    _usage(None, None, 470, 4),
)
MAX_TOKENS = _chat(
    "a7e5d3c1-b9f7-4e5d-8c3b-1a9f7e5d3c1b",
    {"content": [{"type": "text", "text": "Once upon a time, in a land far"}]},
    "MAX_TOKENS",
    _usage(7, 10, 498, 10),
)
THINKING = _chat(
    "e2d4f6a8-0b1c-4d3e-9f5a-7b9c1d3e5f7a",
    {
        "content": [
            {"type": "thinking", "thinking": "The user greets me; answer briefly."},
            {"type": "text", "text": "Hello!"},
        ]
    },
    "COMPLETE",
    _usage(5, 31, 512, 31),
)
TOOL_ID = "get_weather_1byjy32y4hvq"
TOOL_CALL = _chat(
    "5f1e8b2a-6c3d-4e9f-a0b1-c2d3e4f5a6b7",
    {
        "tool_plan": "I will look up the weather in Toronto.",
        "tool_calls": [
            {
                "id": TOOL_ID,
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"location":"Toronto"}'},
            }
        ],
    },
    "TOOL_CALL",
    _usage(37, 28, 1480, 28),
)
FAILED = _chat(
    "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    {"content": [{"type": "text", "text": "Here is"}]},
    "ERROR",
    _usage(5, 2, 496, 2),
)

EMBED = {
    "id": "da6e531f-54c6-4a73-bf92-f60566d8d753",
    "embeddings": {
        "float": [
            [0.016296387, -0.008354187, -0.04699707, 0.07104492],
            [0.02331543, 0.0107, -0.0528, 0.0431],
        ],
        "int8": [[18, -12, -60, 90], [30, 13, -67, 55]],
    },
    "texts": ["hello", "goodbye"],
    "meta": {"api_version": {"version": "2"}, "billed_units": {"input_tokens": 2}},
    "response_type": "embeddings_by_type",
}
RERANK = {
    "results": [{"index": 3, "relevance_score": 0.999071}, {"index": 4, "relevance_score": 0.7867867}],
    "id": "07734bd2-2473-4f07-94e1-0d9f0e6843cf",
    "meta": {"api_version": {"version": "2", "is_experimental": False}, "billed_units": {"search_units": 1}},
}

BAD_REQUEST = {
    "id": "9b1d5a3e-2f4c-4e6a-8b0d-1c3e5f7a9b2d",
    "message": "invalid request: model 'command-z' not found, make sure the correct model ID was used",
}
TOO_MANY_REQUESTS = {
    "id": "4c6e8a0b-2d4f-4a6c-8e0a-2b4d6f8a0c2e",
    "message": "You are using a Trial key, which is limited to 20 API calls / minute. You can continue to "
    "use the Trial key for free or upgrade to a Production key with higher rate limits at "
    "'https://dashboard.cohere.com/api-keys'. Contact us on 'https://discord.gg/XW44jPfYJu' or email us at "
    "support@cohere.com with any questions",
}


def stream_events(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``chat_stream`` events the API sends for the chat response ``body``."""
    msg = body["message"]
    start = {"role": "assistant", "content": [], "tool_plan": "", "tool_calls": [], "citations": []}
    events: list[dict[str, Any]] = [{"id": body["id"], "type": "message-start", "delta": {"message": start}}]
    plan = msg.get("tool_plan", "")
    for i in range(0, len(plan), 10):
        events.append({"type": "tool-plan-delta", "delta": {"message": {"tool_plan": plan[i : i + 10]}}})
    for index, block in enumerate(msg.get("content", [])):
        kind = block["type"]
        events.append(
            {
                "type": "content-start",
                "index": index,
                "delta": {"message": {"content": {"type": kind, kind: ""}}},
            }
        )
        piece = block[kind]
        for i in range(0, len(piece), 12):
            delta = {"message": {"content": {kind: piece[i : i + 12]}}}
            events.append({"type": "content-delta", "index": index, "delta": delta, "logprobs": None})
        events.append({"type": "content-end", "index": index})
    for index, call in enumerate(msg.get("tool_calls", [])):
        first = {**call, "function": {"name": call["function"]["name"], "arguments": ""}}
        events.append(
            {"type": "tool-call-start", "index": index, "delta": {"message": {"tool_calls": first}}}
        )
        arguments = call["function"]["arguments"]
        for i in range(0, len(arguments), 9):
            fragment = {"function": {"arguments": arguments[i : i + 9]}}
            events.append(
                {"type": "tool-call-delta", "index": index, "delta": {"message": {"tool_calls": fragment}}}
            )
        events.append({"type": "tool-call-end", "index": index})
    end = {"finish_reason": body["finish_reason"], "usage": body["usage"]}
    events.append({"type": "message-end", "delta": end})
    return events


def sse_of(body: dict[str, Any]) -> str:
    return sse_events((event["type"], event) for event in stream_events(body))


def sse_frames(body: dict[str, Any]) -> list[str]:
    """The SSE frames one at a time (to cut a stream short)."""
    return [
        f"event: {e['type']}\ndata: {json.dumps(e, separators=(',', ':'))}\n\n" for e in stream_events(body)
    ]

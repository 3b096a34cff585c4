"""Anthropic Messages API bodies, shaped like the real API's: ``msg_01...`` ids, ``type: message``,
content blocks, ``stop_reason``/``stop_sequence``, the full usage block, SSE with ``event:`` lines
and ``ping``, and the ``{"type": "error", "error": {...}, "request_id": ...}`` error envelope.
"""

from __future__ import annotations

from typing import Any

from replay import sse_events

MODEL = "claude-haiku-4-5"
RESPONSE_MODEL = "claude-haiku-4-5-20251001"
HEADERS = {"request-id": "req_011CSHoEeqs5C35K2UUqR7Fy", "anthropic-organization-id": "org-test"}


def _usage(
    input_tokens: int,
    output_tokens: int,
    cache_write: int = 0,
    cache_read: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "input_tokens": input_tokens,
        "cache_creation_input_tokens": cache_write,
        "cache_read_input_tokens": cache_read,
        "cache_creation": {"ephemeral_5m_input_tokens": cache_write, "ephemeral_1h_input_tokens": 0},
        "output_tokens": output_tokens,
        "service_tier": "standard",
        **extra,
    }


def _message(msg_id: str, content: list[dict[str, Any]], stop_reason: str | None, usage: dict[str, Any]):
    return {
        "id": msg_id,
        "type": "message",
        "role": "assistant",
        "model": RESPONSE_MODEL,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": usage,
    }


TEXT = _message(
    "msg_01XFDUDYJgAACzvnptvVoYEL",
    [{"type": "text", "text": "Hello! How can I help you today?"}],
    "end_turn",
    _usage(12, 11),
)

TOOL_USE = _message(
    "msg_01Aq9w938a90dw8q",
    [
        {"type": "text", "text": "I'll check the current weather in Paris for you."},
        {
            "type": "tool_use",
            "id": "toolu_01A09q90qw90lq917835lq9",
            "name": "get_weather",
            "input": {"location": "Paris, France", "unit": "celsius"},
        },
    ],
    "tool_use",
    _usage(384, 76),
)

THINKING = _message(
    "msg_01JbK9vMtYp2sD3wE4rF5gH6",
    [
        {
            "type": "thinking",
            "thinking": "The user asks for 27 * 453. 27 * 453 = 12231.",
            "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds5pZWQmN2Qx",
        },
        {"type": "text", "text": "27 * 453 = 12,231"},
    ],
    "end_turn",
    _usage(45, 310, output_tokens_details={"thinking_tokens": 254}),
)

CACHED = _message(
    "msg_01CacheHitExample4ZkP9qW",
    [{"type": "text", "text": "The contract's termination clause requires 30 days' notice."}],
    "end_turn",
    _usage(21, 393, cache_write=188, cache_read=2048),
)


# --- streams -------------------------------------------------------------------------------------------


def _start(msg_id: str, input_tokens: int, cache_write: int = 0, cache_read: int = 0) -> tuple[str, Any]:
    body = _message(msg_id, [], None, _usage(input_tokens, 1, cache_write, cache_read))
    return "message_start", {"type": "message_start", "message": body}


def _block(index: int, block: dict[str, Any]) -> tuple[str, Any]:
    return "content_block_start", {"type": "content_block_start", "index": index, "content_block": block}


def _delta(index: int, delta: dict[str, Any]) -> tuple[str, Any]:
    return "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}


def _stop(index: int) -> tuple[str, Any]:
    return "content_block_stop", {"type": "content_block_stop", "index": index}


def _message_delta(stop_reason: str, usage: dict[str, Any]) -> tuple[str, Any]:
    return "message_delta", {
        "type": "message_delta",
        "delta": {"stop_reason": stop_reason, "stop_sequence": None},
        "usage": usage,
    }


PING = ("ping", {"type": "ping"})
MESSAGE_STOP = ("message_stop", {"type": "message_stop"})

STREAM_TEXT = sse_events(
    [
        _start("msg_01StreamText7kLmN2pQ3rS4", 25, cache_read=100),
        _block(0, {"type": "text", "text": ""}),
        PING,
        _delta(0, {"type": "text_delta", "text": "Hello"}),
        _delta(0, {"type": "text_delta", "text": "! How can I"}),
        _delta(0, {"type": "text_delta", "text": " help?"}),
        _stop(0),
        _message_delta(
            "end_turn",
            {
                "input_tokens": 25,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 100,
                "output_tokens": 15,
            },
        ),
        MESSAGE_STOP,
    ]
)

STREAM_TOOL_USE = sse_events(
    [
        _start("msg_014p7gG3wDgGV9EUtLvnow3U", 472),
        _block(0, {"type": "text", "text": ""}),
        PING,
        _delta(0, {"type": "text_delta", "text": "Let me check the weather."}),
        _stop(0),
        _block(
            1,
            {"type": "tool_use", "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "name": "get_weather", "input": {}},
        ),
        _delta(1, {"type": "input_json_delta", "partial_json": ""}),
        _delta(1, {"type": "input_json_delta", "partial_json": '{"location":'}),
        _delta(1, {"type": "input_json_delta", "partial_json": ' "San Fra'}),
        _delta(1, {"type": "input_json_delta", "partial_json": 'ncisco, CA"}'}),
        _stop(1),
        _message_delta("tool_use", {"output_tokens": 89}),
        MESSAGE_STOP,
    ]
)

STREAM_THINKING = sse_events(
    [
        _start("msg_01ThinkStream3xYz9AbCd", 36),
        _block(0, {"type": "thinking", "thinking": "", "signature": ""}),
        _delta(0, {"type": "thinking_delta", "thinking": "Let me solve this step by step.\n\n"}),
        _delta(0, {"type": "thinking_delta", "thinking": "27 * 453 = 12231"}),
        _delta(0, {"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrk"}),
        _stop(0),
        _block(1, {"type": "text", "text": ""}),
        _delta(1, {"type": "text_delta", "text": "27 * 453 = 12,231"}),
        _stop(1),
        _message_delta(
            "end_turn",
            {
                "input_tokens": 36,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
                "output_tokens": 120,
                "output_tokens_details": {"thinking_tokens": 98},
            },
        ),
        MESSAGE_STOP,
    ]
)

OVERLOADED_EVENT = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}

STREAM_ERROR = sse_events(
    [
        _start("msg_01StreamErr5pQ8rT2uV", 18),
        _block(0, {"type": "text", "text": ""}),
        _delta(0, {"type": "text_delta", "text": "Once upon"}),
        ("error", OVERLOADED_EVENT),
    ]
)


# --- HTTP errors ---------------------------------------------------------------------------------------


def _error(kind: str, text: str, request_id: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": text}, "request_id": request_id}


NOT_FOUND = _error("not_found_error", "model: claude-nonexistent-1", "req_011CSHoQ7cJLdUPVf6VvR2Fw")
OVERLOADED = _error("overloaded_error", "Overloaded", "req_011CSHoTd3B4mhUvJ5wE8kXm")
INVALID_REQUEST = _error(
    "invalid_request_error", "max_tokens: Input should be a valid integer", "req_011CSHoWn1Ji8Rk2sq6PZcJv"
)

"""Shared by the benchmarks: the workloads (real ``openai`` / ``anthropic`` clients, sync and
async, over an in-process httpx2 MockTransport, so the network is not measured) and a span
exporter that drops.

The async workloads run each call to completion on one event loop that lives as long as the
process (``loop.run_until_complete(client...create(...))``): the loop is not set up per call.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import anthropic
import httpx2
import openai
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult


class DropExporter(SpanExporter):
    """Drops the spans; counts them, so a check run can tell which workloads a variant traces
    (``count`` is read and written by the BatchSpanProcessor's thread only, off the timed path)."""

    def __init__(self) -> None:
        self.count = 0

    def export(self, spans: Any) -> SpanExportResult:
        self.count += len(spans)
        return SpanExportResult.SUCCESS


def _chat_body() -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
            "object": "chat.completion",
            "created": 1741569952,
            "model": "gpt-4o-mini-2024-07-18",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "Paris.", "refusal": None, "annotations": []},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": 19,
                "completion_tokens": 2,
                "total_tokens": 21,
                "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
            },
            "service_tier": "default",
            "system_fingerprint": "fp_06737a9306",
        }
    ).encode()


def _chat_stream(chunks: int) -> bytes:
    head = {
        "id": "chatcmpl-B9MBs",
        "object": "chat.completion.chunk",
        "created": 1741569952,
        "model": "gpt-4o-mini-2024-07-18",
        "system_fingerprint": "fp_06737a9306",
    }
    events = []
    for i in range(chunks):
        delta = {"role": "assistant", "content": ""} if i == 0 else {"content": "tok "}
        events.append({**head, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
    events[-1]["choices"][0]["finish_reason"] = "stop"
    usage = {"prompt_tokens": 19, "completion_tokens": chunks, "total_tokens": 19 + chunks}
    events.append({**head, "choices": [], "usage": usage})
    text = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    return text.encode()


def _anthropic_body() -> bytes:
    return json.dumps(
        {
            "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
            "type": "message",
            "role": "assistant",
            "model": "claude-haiku-4-5-20251001",
            "content": [{"type": "text", "text": "Paris."}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {
                "input_tokens": 19,
                "output_tokens": 4,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
                "service_tier": "standard",
            },
        }
    ).encode()


def _anthropic_stream(deltas: int) -> bytes:
    """A text stream as the Messages API sends it: ``event:`` + ``data:`` lines, message_start
    (with the usage block), content_block_start, a ping, ``deltas`` text deltas, content_block_stop,
    message_delta (stop_reason and the final usage), message_stop."""
    usage = {
        "input_tokens": 19,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "output_tokens": 1,
        "service_tier": "standard",
    }
    message = {
        "id": "msg_01StreamText7kLmN2pQ3rS4",
        "type": "message",
        "role": "assistant",
        "model": "claude-haiku-4-5-20251001",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": usage,
    }
    events: list[tuple[str, Any]] = [
        ("message_start", {"type": "message_start", "message": message}),
        (
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        ),
        ("ping", {"type": "ping"}),
    ]
    for i in range(deltas):
        delta = {"type": "text_delta", "text": "Paris" if i == 0 else " tok"}
        events.append(("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}))
    final_usage = {
        "input_tokens": 19,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": deltas,
    }
    events += [
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": final_usage,
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    text = "".join(f"event: {e}\ndata: {json.dumps(d, separators=(',', ':'))}\n\n" for e, d in events)
    return text.encode()


def _transport(body: bytes, sse: bool) -> httpx2.MockTransport:
    headers = {"content-type": "text/event-stream" if sse else "application/json"}

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers=headers, content=body)

    return httpx2.MockTransport(handler)


MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]


_LOOP: asyncio.AbstractEventLoop | None = None


def _loop() -> asyncio.AbstractEventLoop:
    """The process's one event loop for the async workloads."""
    global _LOOP
    if _LOOP is None:
        _LOOP = asyncio.new_event_loop()
    return _LOOP


def workloads() -> dict[str, Callable[[], Any]]:
    def sync_client(sdk: Any, key: str, body: bytes, sse: bool) -> Any:
        return sdk(api_key=key, http_client=httpx2.Client(transport=_transport(body, sse)))

    def async_client(sdk: Any, key: str, body: bytes) -> Any:
        return sdk(api_key=key, http_client=httpx2.AsyncClient(transport=_transport(body, False)))

    chat = sync_client(openai.OpenAI, "sk-bench", _chat_body(), False)
    achat = async_client(openai.AsyncOpenAI, "sk-bench", _chat_body())
    s1 = sync_client(openai.OpenAI, "sk-bench", _chat_stream(1), True)
    s50 = sync_client(openai.OpenAI, "sk-bench", _chat_stream(50), True)
    claude = sync_client(anthropic.Anthropic, "sk-ant-bench", _anthropic_body(), False)
    aclaude = async_client(anthropic.AsyncAnthropic, "sk-ant-bench", _anthropic_body())
    c1 = sync_client(anthropic.Anthropic, "sk-ant-bench", _anthropic_stream(1), True)
    c50 = sync_client(anthropic.Anthropic, "sk-ant-bench", _anthropic_stream(50), True)
    loop = _loop()
    opts = {"include_usage": True}
    chat_kw: dict[str, Any] = {"model": "gpt-4o-mini", "messages": MESSAGES}
    claude_kw: dict[str, Any] = {"model": "claude-haiku-4-5", "max_tokens": 64, "messages": MESSAGES}

    def stream(client: openai.OpenAI) -> Callable[[], Any]:
        def run() -> Any:
            for _ in client.chat.completions.create(**chat_kw, stream=True, stream_options=opts):
                pass

        return run

    def claude_stream(client: anthropic.Anthropic) -> Callable[[], Any]:
        def run() -> Any:
            for _ in client.messages.create(**claude_kw, stream=True):
                pass

        return run

    return {
        "openai chat": lambda: chat.chat.completions.create(**chat_kw),
        "openai async chat": lambda: loop.run_until_complete(achat.chat.completions.create(**chat_kw)),
        "openai stream 1 chunk": stream(s1),
        "openai stream 50 chunks": stream(s50),
        "anthropic messages": lambda: claude.messages.create(**claude_kw),
        "anthropic async messages": lambda: loop.run_until_complete(aclaude.messages.create(**claude_kw)),
        "anthropic stream 1 chunk": claude_stream(c1),
        "anthropic stream 50 chunks": claude_stream(c50),
    }

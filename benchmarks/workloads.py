"""Shared by the benchmarks: the workloads (real ``openai`` / ``anthropic`` clients over an
in-process httpx2 MockTransport, so the network is not measured) and a span exporter that drops."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anthropic
import httpx2
import openai
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult


class DropExporter(SpanExporter):
    def export(self, spans: Any) -> SpanExportResult:
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


def _transport(body: bytes, sse: bool) -> httpx2.MockTransport:
    headers = {"content-type": "text/event-stream" if sse else "application/json"}

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers=headers, content=body)

    return httpx2.MockTransport(handler)


MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]


def workloads() -> dict[str, Callable[[], Any]]:
    chat = openai.OpenAI(
        api_key="sk-bench", http_client=httpx2.Client(transport=_transport(_chat_body(), False))
    )
    s1 = openai.OpenAI(
        api_key="sk-bench", http_client=httpx2.Client(transport=_transport(_chat_stream(1), True))
    )
    s50 = openai.OpenAI(
        api_key="sk-bench", http_client=httpx2.Client(transport=_transport(_chat_stream(50), True))
    )
    claude = anthropic.Anthropic(
        api_key="sk-ant-bench", http_client=httpx2.Client(transport=_transport(_anthropic_body(), False))
    )
    opts = {"include_usage": True}

    def stream(client: openai.OpenAI) -> Callable[[], Any]:
        def run() -> Any:
            kw = {"model": "gpt-4o-mini", "messages": MESSAGES, "stream": True, "stream_options": opts}
            for _ in client.chat.completions.create(**kw):
                pass

        return run

    return {
        "openai chat": lambda: chat.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES),
        "openai stream 1 chunk": stream(s1),
        "openai stream 50 chunks": stream(s50),
        "anthropic messages": lambda: claude.messages.create(
            model="claude-haiku-4-5", max_tokens=64, messages=MESSAGES
        ),
    }

"""CPU overhead genai_otel adds per call and per streamed chunk (``make bench``).

The real ``openai`` / ``anthropic`` clients talk to an in-process httpx2 MockTransport, so the
network is not measured. The same SDK setup serves every variant: a BatchSpanProcessor into an
exporter that drops, and a MeterProvider with a reader. Variants run in short interleaved
blocks (baseline, instrumented, baseline, ...) in one process, and the figure is a low
percentile of per-call CPU time per block: on a shared, noisy machine that is what two
identical variants agree on.

    python benchmarks/overhead.py [--blocks 30] [--calls 200]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import anthropic
import httpx2
import openai
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

import genai_otel


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


def block_time(fn: Callable[[], Any], calls: int) -> float:
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) / calls


def measure(blocks: int, calls: int, settings: dict[str, Any]) -> dict[str, dict[str, float]]:
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(BatchSpanProcessor(DropExporter()))
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    work = workloads()
    samples: dict[str, dict[str, list[float]]] = {name: {"baseline": [], "genai_otel": []} for name in work}
    for fn in work.values():  # warm-up: imports, caches, connection pools
        for _ in range(50):
            fn()
    for _ in range(blocks):
        for variant in ("baseline", "genai_otel"):
            if variant == "genai_otel":
                genai_otel.instrument(
                    tracer_provider=tracer_provider, meter_provider=meter_provider, **settings
                )
            for name, fn in work.items():
                samples[name][variant].append(block_time(fn, calls))
            genai_otel.uninstrument()
    out: dict[str, dict[str, float]] = {}
    for name, by_variant in samples.items():
        base = sorted(by_variant["baseline"])
        inst = sorted(by_variant["genai_otel"])
        p10 = max(0, len(base) // 10)
        out[name] = {
            "baseline_us": base[p10] * 1e6,
            "genai_otel_us": inst[p10] * 1e6,
            "added_us": (inst[p10] - base[p10]) * 1e6,
            "spread_us": (statistics.quantiles(inst, n=4)[2] - inst[p10]) * 1e6 if len(inst) > 3 else 0.0,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=30)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}")
    print(
        f"openai {openai.__version__}, anthropic {anthropic.__version__}, genai_otel {genai_otel.__version__}"
    )
    configs = (
        {"capture_content": "NO_CONTENT"},
        {"capture_content": "NO_CONTENT", "chunk_metrics": False},
        {"capture_content": "SPAN_ONLY"},
    )
    for settings in configs:
        results = measure(args.blocks, args.calls, settings)
        print(f"\n{settings}  (CPU µs per call, p10 of {args.blocks} blocks × {args.calls} calls)")
        print(f"{'workload':<26}{'baseline':>10}{'genai_otel':>12}{'added':>9}{'spread':>9}")
        for name, r in results.items():
            print(
                f"{name:<26}{r['baseline_us']:>10.1f}{r['genai_otel_us']:>12.1f}{r['added_us']:>9.1f}"
                f"{r['spread_us']:>9.1f}"
            )
        per_chunk = (
            results["openai stream 50 chunks"]["added_us"] - results["openai stream 1 chunk"]["added_us"]
        ) / 49
        print(f"added per streamed chunk: {per_chunk:.2f} µs")


if __name__ == "__main__":
    main()

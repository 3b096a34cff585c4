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
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import anthropic
import openai
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from workloads import DropExporter, workloads

import genai_otel


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
        for provider in ("openai", "anthropic"):
            s50, s1 = results[f"{provider} stream 50 chunks"], results[f"{provider} stream 1 chunk"]
            per_chunk = (s50["added_us"] - s1["added_us"]) / 49
            print(f"added per streamed chunk, {provider}: {per_chunk:.2f} µs")


if __name__ == "__main__":
    main()

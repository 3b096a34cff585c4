"""A sampler that records what each span was started with, for the sampling-relevant tests."""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult

import genai_otel


class RecordingSampler(Sampler):
    """Records what every span was started with; samples per ``decision``."""

    def __init__(self, decision: Decision = Decision.RECORD_AND_SAMPLE) -> None:
        self.decision = decision
        self.seen: list[tuple[str, Any, dict[str, Any]]] = []

    def should_sample(
        self, parent_context, trace_id, name, kind=None, attributes=None, links=None, trace_state=None
    ):
        self.seen.append((name, kind, dict(attributes or {})))
        return SamplingResult(self.decision)

    def get_description(self) -> str:
        return "RecordingSampler"


def instrument_with_sampler(otel: Any, sampler: Sampler) -> tuple[TracerProvider, InMemorySpanExporter]:
    """Re-instrument with a tracer provider using ``sampler``; metrics and logs as ``otel``'s."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=sampler)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    genai_otel.uninstrument()
    genai_otel.instrument(
        tracer_provider=provider, meter_provider=otel.meter_provider, logger_provider=otel.logger_provider
    )
    return provider, exporter

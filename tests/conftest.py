"""Shared fixtures: in-memory exporters passed to ``instrument()`` (no globals), and a sink that
turns any internal error genai_otel swallowed into a test failure."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import genai_otel
from genai_otel import _guard

# No network in tests: litellm otherwise fetches its model cost map when imported. Subprocesses
# the tests start inherit it.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``--dist loadgroup``), the tests that need the real local model or
    Phoenix run in one worker, so each server starts once per run rather than once per worker."""
    for item in items:
        if item.get_closest_marker("local_model") or item.get_closest_marker("phoenix"):
            item.add_marker(pytest.mark.xdist_group("servers"))


@pytest.fixture(autouse=True)
def internal_errors() -> Iterator[list[tuple[str, BaseException]]]:
    """Fails the test if genai_otel swallowed an internal error. Tests that provoke one on
    purpose read and clear the list."""
    seen: list[tuple[str, BaseException]] = []

    def sink(label: str, exc: BaseException) -> None:
        seen.append((label, exc))

    _guard.add_sink(sink)
    yield seen
    gc.collect()  # streams finalised by the garbage collector report here too
    _guard.remove_sink(sink)
    genai_otel.uninstrument()
    assert not seen, f"genai_otel swallowed internal errors: {seen!r}"


@dataclass
class Otel:
    spans_exporter: InMemorySpanExporter
    reader: InMemoryMetricReader
    logs_exporter: InMemoryLogRecordExporter
    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    logger_provider: LoggerProvider

    def instrument(self, **kwargs: Any) -> None:
        genai_otel.uninstrument()
        genai_otel.instrument(
            tracer_provider=self.tracer_provider,
            meter_provider=self.meter_provider,
            logger_provider=self.logger_provider,
            **kwargs,
        )

    def spans(self) -> list[ReadableSpan]:
        return list(self.spans_exporter.get_finished_spans())

    def span(self) -> ReadableSpan:
        spans = self.spans()
        assert len(spans) == 1, [s.name for s in spans]
        return spans[0]

    def metrics(self) -> dict[str, list[Any]]:
        """metric name -> data points"""
        data = self.reader.get_metrics_data()
        out: dict[str, list[Any]] = {}
        if data is None:
            return out
        for rm in data.resource_metrics:
            for sm in rm.scope_metrics:
                for metric in sm.metrics:
                    out.setdefault(metric.name, []).extend(metric.data.data_points)
        return out

    def events(self) -> list[Any]:
        return [r.log_record for r in self.logs_exporter.get_finished_logs()]


@pytest.fixture
def otel() -> Iterator[Otel]:
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    logs = InMemoryLogRecordExporter()
    logger_provider = LoggerProvider()
    logger_provider.add_log_record_processor(SimpleLogRecordProcessor(logs))
    o = Otel(spans, reader, logs, tracer_provider, meter_provider, logger_provider)
    o.instrument()
    yield o
    genai_otel.uninstrument()

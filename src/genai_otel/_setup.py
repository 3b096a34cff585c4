"""Which Tracer/Meter/LoggerProvider genai_otel reports to.

Per signal: a provider passed to ``instrument()`` is used as given (no global is set); else an
SDK provider the application installed globally is used; else, when the caller passed none at
all, one is built from the standard ``OTEL_*`` variables (OTLP over gRPC or HTTP, ``console``,
``none``), installed globally, and shut down at exit within a bounded time so a process with
no collector reachable still exits promptly. Building performs no network call: exporters
connect lazily from their batch threads.
"""

from __future__ import annotations

import atexit
import logging
import threading
from typing import Any

from opentelemetry import _logs, metrics, trace

from .config import Settings

logger = logging.getLogger("genai_otel")

#: Seconds the exit handler waits for a final export before letting the process go.
EXIT_TIMEOUT = 1.5

_owned: list[Any] = []


def _span_exporter(settings: Settings) -> Any:
    if settings.traces_exporter == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter()
    if settings.traces_protocol.startswith("http"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    else:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter  # type: ignore[assignment]
    return OTLPSpanExporter()


def _metric_exporter(settings: Settings) -> Any:
    if settings.metrics_exporter == "console":
        from opentelemetry.sdk.metrics.export import ConsoleMetricExporter

        return ConsoleMetricExporter()
    if settings.metrics_protocol.startswith("http"):
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    else:
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter  # type: ignore[assignment]
    return OTLPMetricExporter()


def _log_exporter(settings: Settings) -> Any:
    if settings.logs_exporter == "console":
        from opentelemetry.sdk._logs.export import ConsoleLogRecordExporter

        return ConsoleLogRecordExporter()
    if settings.logs_protocol.startswith("http"):
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    else:
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter  # type: ignore[assignment]
    return OTLPLogExporter()


def _is_sdk(provider: Any) -> bool:
    return type(provider).__module__.startswith("opentelemetry.sdk")


def _build_tracer_provider(settings: Settings, resource: Any) -> Any:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=resource, shutdown_on_exit=False)
    if settings.traces_exporter != "none":
        provider.add_span_processor(BatchSpanProcessor(_span_exporter(settings)))
    return provider


def _build_meter_provider(settings: Settings, resource: Any) -> Any:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

    readers = (
        []
        if settings.metrics_exporter == "none"
        else [PeriodicExportingMetricReader(_metric_exporter(settings))]
    )
    return MeterProvider(metric_readers=readers, resource=resource, shutdown_on_exit=False)


def _build_logger_provider(settings: Settings, resource: Any) -> Any:
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor

    provider = LoggerProvider(resource=resource, shutdown_on_exit=False)
    if settings.logs_exporter != "none":
        provider.add_log_record_processor(BatchLogRecordProcessor(_log_exporter(settings)))
    return provider


def resolve_providers(
    settings: Settings, tracer_provider: Any, meter_provider: Any, logger_provider: Any
) -> tuple[Any, Any, Any]:
    build = tracer_provider is None and meter_provider is None and logger_provider is None
    resource = None
    if build:
        from opentelemetry.sdk.resources import Resource

        resource = Resource.create()  # reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
    if tracer_provider is None:
        tracer_provider = trace.get_tracer_provider()
        if build and not _is_sdk(tracer_provider):
            tracer_provider = _build_tracer_provider(settings, resource)
            trace.set_tracer_provider(tracer_provider)
            _owned.append(tracer_provider)
    if meter_provider is None:
        meter_provider = metrics.get_meter_provider()
        if build and not _is_sdk(meter_provider):
            meter_provider = _build_meter_provider(settings, resource)
            metrics.set_meter_provider(meter_provider)
            _owned.append(meter_provider)
    if logger_provider is None and settings.capture.on_event:
        logger_provider = _logs.get_logger_provider()
        if build and not _is_sdk(logger_provider):
            logger_provider = _build_logger_provider(settings, resource)
            _logs.set_logger_provider(logger_provider)
            _owned.append(logger_provider)
    if build and _owned:
        _register_exit_handler()
    return tracer_provider, meter_provider, logger_provider


_exit_registered = False


def _register_exit_handler() -> None:
    global _exit_registered
    if not _exit_registered:
        _exit_registered = True
        atexit.register(shutdown_owned, EXIT_TIMEOUT)


def shutdown_owned(timeout: float = EXIT_TIMEOUT) -> None:
    """Flush and shut down the providers genai_otel built, giving up after ``timeout`` seconds
    (an unreachable collector would otherwise hold the process for the exporters' retries)."""
    providers = list(_owned)
    _owned.clear()
    if not providers:
        return

    def run() -> None:
        for provider in providers:
            try:
                provider.shutdown()
            except Exception:
                logger.debug("genai_otel: provider shutdown failed", exc_info=True)

    worker = threading.Thread(target=run, name="genai_otel-shutdown", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        logger.warning("genai_otel: telemetry export did not finish within %.1fs at exit; giving up", timeout)

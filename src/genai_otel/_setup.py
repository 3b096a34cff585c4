"""Which Tracer/Meter/LoggerProvider genai_otel reports to.

Per signal: a provider passed to ``instrument()`` is used as given (no global is set); else an
SDK provider the application installed globally is used; else, when the caller passed none at
all, one is built from the standard ``OTEL_*`` variables (OTLP over gRPC or HTTP, ``console``,
``none``) with a backend preset's defaults under them (``Settings``: explicit exporter
arguments for what the user left unset; the ``console`` preset's readable view is
``_pretty``), installed globally, and shut down at exit within a bounded time so a process with
no collector reachable still exits promptly. Building performs no network call: exporters
connect lazily from their batch threads.
"""

from __future__ import annotations

import atexit
import logging
import threading
from typing import Any

from opentelemetry import _logs, metrics, trace

from ._presets import DEFAULT_BACKEND
from .config import Settings, public_endpoint

logger = logging.getLogger("genai_otel")

#: Seconds the exit handler waits for a final export before letting the process go.
EXIT_TIMEOUT = 1.0

_owned: list[Any] = []


def _span_exporter(settings: Settings) -> Any:
    if settings.traces_exporter == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter()
    if settings.traces_protocol.startswith("http"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    else:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter  # type: ignore[assignment]
    return OTLPSpanExporter(**settings.traces_options.kwargs())


def preferred_temporality(name: str | None) -> dict[type, Any] | None:
    """``OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`` semantics as the OTLP exporters
    implement them, for a preference that came from a preset (the exporters read a user's own
    variable themselves)."""
    if name not in ("delta", "lowmemory"):
        return None
    from opentelemetry.sdk.metrics import (
        Counter,
        Histogram,
        ObservableCounter,
        ObservableGauge,
        ObservableUpDownCounter,
        UpDownCounter,
    )
    from opentelemetry.sdk.metrics.export import AggregationTemporality

    delta, cumulative = AggregationTemporality.DELTA, AggregationTemporality.CUMULATIVE
    return {
        Counter: delta,
        UpDownCounter: cumulative,
        Histogram: delta,
        ObservableCounter: delta if name == "delta" else cumulative,
        ObservableUpDownCounter: cumulative,
        ObservableGauge: cumulative,
    }


def _metric_exporter(settings: Settings) -> Any:
    if settings.metrics_exporter == "console":
        from opentelemetry.sdk.metrics.export import ConsoleMetricExporter

        return ConsoleMetricExporter()
    if settings.metrics_protocol.startswith("http"):
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    else:
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter  # type: ignore[assignment]
    temporality = preferred_temporality(settings.metrics_temporality)
    if temporality is not None:
        return OTLPMetricExporter(preferred_temporality=temporality, **settings.metrics_options.kwargs())
    return OTLPMetricExporter(**settings.metrics_options.kwargs())


def _log_exporter(settings: Settings) -> Any:
    if settings.logs_exporter == "console":
        from opentelemetry.sdk._logs.export import ConsoleLogRecordExporter

        return ConsoleLogRecordExporter()
    if settings.logs_protocol.startswith("http"):
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    else:
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter  # type: ignore[assignment]
    return OTLPLogExporter(**settings.logs_options.kwargs())


def _describe(exporter: Any, protocol: str) -> str:
    """One signal's destination for the log line: exporter and endpoint, never headers."""
    if exporter is None:
        return "none"
    name = type(exporter).__name__
    if not name.startswith("OTLP"):
        return name
    return f"OTLP {protocol} {public_endpoint(getattr(exporter, '_endpoint', None))}"


def _is_sdk(provider: Any) -> bool:
    return type(provider).__module__.startswith("opentelemetry.sdk")


def _build_tracer_provider(settings: Settings, resource: Any, built: dict[str, str]) -> Any:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(resource=resource, shutdown_on_exit=False)
    exporter = None
    if settings.traces_exporter == "pretty":
        from ._pretty import PrettySpanExporter

        exporter = PrettySpanExporter(color=settings.console_color)
        # printing is the export: done as each span ends, buffered per trace until its root ends
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    elif settings.traces_exporter != "none":
        exporter = _span_exporter(settings)
        provider.add_span_processor(BatchSpanProcessor(exporter))
    built["traces"] = _describe(exporter, settings.traces_protocol)
    return provider


def _build_meter_provider(settings: Settings, resource: Any, built: dict[str, str]) -> Any:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

    readers: list[Any] = []
    if settings.metrics_exporter == "pretty":
        from ._pretty import MetricSummaryReader

        # a summary of every metric, printed at shutdown
        readers.append(MetricSummaryReader(color=settings.console_color))
        built["metrics"] = "MetricSummaryReader"
    else:
        exporter = None
        if settings.metrics_exporter != "none":
            exporter = _metric_exporter(settings)
            readers.append(PeriodicExportingMetricReader(exporter))
        built["metrics"] = _describe(exporter, settings.metrics_protocol)
        if exporter is not None and settings.metrics_temporality:
            built["metrics"] += f" ({settings.metrics_temporality} temporality)"
    return MeterProvider(metric_readers=readers, resource=resource, shutdown_on_exit=False)


def _build_logger_provider(settings: Settings, resource: Any, built: dict[str, str]) -> Any:
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor

    provider = LoggerProvider(resource=resource, shutdown_on_exit=False)
    exporter = None
    if settings.logs_exporter != "none":
        exporter = _log_exporter(settings)
        provider.add_log_record_processor(BatchLogRecordProcessor(exporter))
    built["logs"] = _describe(exporter, settings.logs_protocol)
    return provider


def resolve_providers(
    settings: Settings, tracer_provider: Any, meter_provider: Any, logger_provider: Any
) -> tuple[Any, Any, Any]:
    build = tracer_provider is None and meter_provider is None and logger_provider is None
    resource = None
    built: dict[str, str] = {}
    if build:
        from opentelemetry.sdk.resources import Resource

        # reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; a preset adds only other keys
        resource = Resource.create(dict(settings.resource_attributes))
    if tracer_provider is None:
        tracer_provider = trace.get_tracer_provider()
        if build and not _is_sdk(tracer_provider):
            tracer_provider = _build_tracer_provider(settings, resource, built)
            trace.set_tracer_provider(tracer_provider)
            _owned.append(tracer_provider)
    if meter_provider is None:
        meter_provider = metrics.get_meter_provider()
        if build and not _is_sdk(meter_provider):
            meter_provider = _build_meter_provider(settings, resource, built)
            metrics.set_meter_provider(meter_provider)
            _owned.append(meter_provider)
    if logger_provider is None and settings.capture.on_event:
        logger_provider = _logs.get_logger_provider()
        if build and not _is_sdk(logger_provider):
            logger_provider = _build_logger_provider(settings, resource, built)
            _logs.set_logger_provider(logger_provider)
            _owned.append(logger_provider)
    if build and _owned:
        _register_exit_handler()
    if settings.backend != DEFAULT_BACKEND:
        if built:
            # the preset's name and each destination; header values are never logged
            logger.info(
                "genai_otel: backend %s: %s",
                settings.backend,
                "; ".join(f"{signal} -> {where}" for signal, where in built.items()),
            )
        else:
            logger.warning(
                "genai_otel: backend %r not applied: the application configured its own "
                "OpenTelemetry providers, which are used as they are",
                settings.backend,
            )
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

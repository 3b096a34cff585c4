"""Shared fixtures: in-memory exporters passed to ``instrument()`` (no globals), and a sink that
turns any internal error genai_otel swallowed into a test failure."""

from __future__ import annotations

import gc
import ipaddress
import os
import socket
from collections.abc import Callable, Iterator
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

# No network in tests (see NetworkGuard below): litellm otherwise fetches its model cost map when
# imported. Subprocesses the tests start inherit this.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``--dist loadgroup``), the tests that need the real local model or
    Phoenix run in one worker, so each server starts once per run rather than once per worker."""
    for item in items:
        if item.get_closest_marker("local_model") or item.get_closest_marker("phoenix"):
            item.add_marker(pytest.mark.xdist_group("servers"))


# --- no network --------------------------------------------------------------------------------------

#: Host names that resolve to this machine without asking any DNS server (``/etc/hosts``).
_LOCAL_NAMES = frozenset({"localhost", "ip6-localhost", "ip6-loopback"})


def _is_local(host: Any) -> bool:
    """Loopback (``127.0.0.0/8``, ``::1``, ``::ffff:127.0.0.1``, ``localhost``), or no host at all
    (``getaddrinfo(None, port)``: this machine's own addresses, for a server to bind)."""
    if host is None or host in ("", b""):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    host = host.strip("[]").split("%", 1)[0].rstrip(".").lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # any other name needs a DNS lookup
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


class NetworkGuard:
    """Refuses, for the whole test session, every socket connection and name lookup that could leave
    this machine, and records each attempt: ``connect``/``connect_ex``/``sendto`` on an IPv4 or
    IPv6 socket to a non-loopback address, and ``getaddrinfo``/``gethostbyname[_ex]``/
    ``gethostbyaddr`` of any name but ``localhost`` and loopback addresses (refusing the DNS
    lookup stops a connection before it starts, and a lookup alone already leaks a host name).
    Unix sockets, ``socketpair`` and loopback stay allowed (the OTLP receivers, asyncio's self-pipe).
    The refusal raises ``OSError`` (``socket.gaierror`` for lookups), as a dead network would; code
    that swallows it is still caught, since the ``no_network`` fixture fails the test on any
    recorded attempt.

    Out of its reach: subprocesses (the launcher and end-to-end tests start Python processes,
    which get no such guard; they get ``LITELLM_LOCAL_MODEL_COST_MAP`` from the environment and
    talk to loopback receivers by construction) and C code that calls the C library directly
    (gRPC's core, a native DNS resolver)."""

    _METHODS = ("connect", "connect_ex", "sendto")
    _LOOKUPS = ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr")

    def __init__(self) -> None:
        self.attempts: list[tuple[str, Any]] = []
        self._saved: list[tuple[Any, str, Any]] = []

    def _refuse(self, what: str, target: Any, error: type[OSError] = OSError) -> OSError:
        self.attempts.append((what, target))
        return error(f"network disabled in tests: {what} {target!r}")

    def _method(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        guard = self

        def guarded(sock: socket.socket, *args: Any) -> Any:
            address = args[-1] if args else None  # sendto(data[, flags], address)
            inet = sock.family in (socket.AF_INET, socket.AF_INET6)
            if inet and isinstance(address, tuple) and not _is_local(address[0]):
                raise guard._refuse(f"socket.{name}", address)
            return original(sock, *args)

        return guarded

    def _lookup(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        guard = self

        def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
            if not _is_local(host):
                raise guard._refuse(f"socket.{name}", host, socket.gaierror)
            return original(host, *args, **kwargs)

        return guarded

    def install(self) -> None:
        for name in self._METHODS:
            original = getattr(socket.socket, name)
            self._saved.append((socket.socket, name, original))
            setattr(socket.socket, name, self._method(name, original))
        for name in self._LOOKUPS:
            original = getattr(socket, name)
            self._saved.append((socket, name, original))
            setattr(socket, name, self._lookup(name, original))

    def uninstall(self) -> None:
        while self._saved:
            owner, name, original = self._saved.pop()
            setattr(owner, name, original)


NETWORK = NetworkGuard()


def pytest_configure(config: pytest.Config) -> None:
    NETWORK.install()  # before collection: importing a test module may not reach out either


def pytest_unconfigure(config: pytest.Config) -> None:
    NETWORK.uninstall()


@pytest.fixture(autouse=True)
def no_network() -> Iterator[list[tuple[str, Any]]]:
    """Fails the test if anything (an SDK, litellm's cost map, an exporter, an OAuth flow) tried to
    reach the network while it ran; attempts made before it (collection, a session fixture) fail
    the first test. See ``NetworkGuard``."""
    yield NETWORK.attempts
    attempts = list(NETWORK.attempts)
    NETWORK.attempts.clear()
    assert not attempts, f"tried to reach the network: {attempts!r}"


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

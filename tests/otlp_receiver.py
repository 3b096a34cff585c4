"""A real OTLP receiver for end-to-end tests: gRPC and HTTP (``application/x-protobuf``, gzip
aware) on 127.0.0.1 with ephemeral ports, decoding the official ``opentelemetry-proto`` export
requests into plain Python values.

    with Receiver() as receiver:
        env = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.http_endpoint, ...}
        ...
        receiver.wait_for(lambda r: len(r.spans) >= 4, timeout=5)

``otlp_receiver`` is the same as a pytest fixture; a test module (or a conftest) takes it with
``import otlp_receiver as receivers`` and ``otlp_receiver = receivers.otlp_receiver``.
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import grpc
import pytest
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span as ProtoSpan
from opentelemetry.proto.trace.v1.trace_pb2 import Status as ProtoStatus


def value(v: AnyValue) -> Any:
    kind = v.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [value(x) for x in v.array_value.values]
    if kind == "kvlist_value":
        return attributes(v.kvlist_value.values)
    return getattr(v, kind)


def attributes(kvs: Any) -> dict[str, Any]:
    return {kv.key: value(kv.value) for kv in kvs}


@dataclass
class Span:
    name: str
    kind: str  # "CLIENT", "INTERNAL", ...
    attributes: dict[str, Any]
    status: str  # "UNSET", "OK", "ERROR"
    status_message: str
    resource: dict[str, Any]
    scope: str
    trace_id: str
    span_id: str
    transport: str  # "grpc" or "http"


@dataclass
class Point:
    attributes: dict[str, Any]
    value: float | int | None  # gauge/sum value, histogram sum
    count: int | None = None  # histograms only


@dataclass
class Metric:
    name: str
    unit: str
    type: str  # "sum", "histogram", "gauge", ...
    points: list[Point]
    resource: dict[str, Any]
    scope: str
    transport: str


@dataclass
class LogRecord:
    event_name: str
    body: Any
    attributes: dict[str, Any]
    resource: dict[str, Any]
    transport: str


@dataclass
class Receiver:
    spans: list[Span] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    logs: list[LogRecord] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (transport, signal)
    grpc_endpoint: str = ""
    http_endpoint: str = ""

    def __post_init__(self) -> None:
        self._changed = threading.Condition()
        self._grpc: grpc.Server | None = None
        self._http: ThreadingHTTPServer | None = None

    # --- decoding --------------------------------------------------------------------------------
    def add_traces(self, request: trace_service_pb2.ExportTraceServiceRequest, transport: str) -> None:
        spans = []
        for rs in request.resource_spans:
            resource = attributes(rs.resource.attributes)
            for ss in rs.scope_spans:
                for s in ss.spans:
                    spans.append(
                        Span(
                            name=s.name,
                            kind=ProtoSpan.SpanKind.Name(s.kind).removeprefix("SPAN_KIND_"),
                            attributes=attributes(s.attributes),
                            status=ProtoStatus.StatusCode.Name(s.status.code).removeprefix("STATUS_CODE_"),
                            status_message=s.status.message,
                            resource=resource,
                            scope=ss.scope.name,
                            trace_id=s.trace_id.hex(),
                            span_id=s.span_id.hex(),
                            transport=transport,
                        )
                    )
        self._record(transport, "traces", self.spans, spans)

    def add_metrics(self, request: metrics_service_pb2.ExportMetricsServiceRequest, transport: str) -> None:
        metrics = []
        for rm in request.resource_metrics:
            resource = attributes(rm.resource.attributes)
            for sm in rm.scope_metrics:
                for m in sm.metrics:
                    kind = m.WhichOneof("data") or ""
                    points = []
                    for p in getattr(m, kind).data_points if kind else []:
                        if kind in ("histogram", "exponential_histogram"):
                            points.append(Point(attributes(p.attributes), p.sum, p.count))
                        else:
                            points.append(Point(attributes(p.attributes), getattr(p, p.WhichOneof("value"))))
                    metrics.append(Metric(m.name, m.unit, kind, points, resource, sm.scope.name, transport))
        self._record(transport, "metrics", self.metrics, metrics)

    def add_logs(self, request: logs_service_pb2.ExportLogsServiceRequest, transport: str) -> None:
        logs = []
        for rl in request.resource_logs:
            resource = attributes(rl.resource.attributes)
            for sl in rl.scope_logs:
                for r in sl.log_records:
                    logs.append(
                        LogRecord(r.event_name, value(r.body), attributes(r.attributes), resource, transport)
                    )
        self._record(transport, "logs", self.logs, logs)

    def _record(self, transport: str, signal: str, into: list[Any], items: list[Any]) -> None:
        with self._changed:
            self.requests.append((transport, signal))
            into.extend(items)
            self._changed.notify_all()

    # --- queries ---------------------------------------------------------------------------------
    def wait_for(self, predicate: Callable[[Receiver], bool], timeout: float = 5.0) -> bool:
        """Wait until ``predicate(self)`` holds; returns whether it did within ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True

    def metric_points(self) -> dict[str, list[Point]]:
        """metric name -> every data point received under that name"""
        out: dict[str, list[Point]] = {}
        for m in self.metrics:
            out.setdefault(m.name, []).extend(m.points)
        return out

    def clear(self) -> None:
        with self._changed:
            self.spans.clear()
            self.metrics.clear()
            self.logs.clear()
            self.requests.clear()

    # --- servers ---------------------------------------------------------------------------------
    def start(self) -> Receiver:
        self._grpc = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(_TraceService(self), self._grpc)
        metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(_MetricsService(self), self._grpc)
        logs_service_pb2_grpc.add_LogsServiceServicer_to_server(_LogsService(self), self._grpc)
        grpc_port = self._grpc.add_insecure_port("127.0.0.1:0")
        self._grpc.start()
        self.grpc_endpoint = f"http://127.0.0.1:{grpc_port}"

        handler = type("Handler", (_HttpHandler,), {"receiver": self})
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._http.daemon_threads = True
        threading.Thread(target=self._http.serve_forever, name="otlp-http", daemon=True).start()
        self.http_endpoint = f"http://127.0.0.1:{self._http.server_address[1]}"
        return self

    def stop(self) -> None:
        if self._grpc is not None:
            self._grpc.stop(grace=None)
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _TraceService(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver

    def Export(self, request: Any, context: Any) -> Any:
        self.receiver.add_traces(request, "grpc")
        return trace_service_pb2.ExportTraceServiceResponse()


class _MetricsService(metrics_service_pb2_grpc.MetricsServiceServicer):
    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver

    def Export(self, request: Any, context: Any) -> Any:
        self.receiver.add_metrics(request, "grpc")
        return metrics_service_pb2.ExportMetricsServiceResponse()


class _LogsService(logs_service_pb2_grpc.LogsServiceServicer):
    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver

    def Export(self, request: Any, context: Any) -> Any:
        self.receiver.add_logs(request, "grpc")
        return logs_service_pb2.ExportLogsServiceResponse()


#: path -> (request message, response message, Receiver method)
_ROUTES: dict[str, tuple[Any, Any, str]] = {
    "/v1/traces": (
        trace_service_pb2.ExportTraceServiceRequest,
        trace_service_pb2.ExportTraceServiceResponse,
        "add_traces",
    ),
    "/v1/metrics": (
        metrics_service_pb2.ExportMetricsServiceRequest,
        metrics_service_pb2.ExportMetricsServiceResponse,
        "add_metrics",
    ),
    "/v1/logs": (
        logs_service_pb2.ExportLogsServiceRequest,
        logs_service_pb2.ExportLogsServiceResponse,
        "add_logs",
    ),
}


class _HttpHandler(BaseHTTPRequestHandler):
    receiver: Receiver
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        route = _ROUTES.get(self.path.split("?")[0])
        body = self._body()
        if route is None:
            return self._reply(404, b"")
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/x-protobuf":
            return self._reply(415, b"")
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        request_type, response_type, method = route
        request = request_type()
        request.ParseFromString(body)
        getattr(self.receiver, method)(request, "http")
        self._reply(200, response_type().SerializeToString())

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while size := int(self.rfile.readline().split(b";")[0], 16):
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(parts)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def otlp_receiver() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver

"""Exporter faults: a collector that accepts connections and never answers, and exporters that
raise. The user's calls return what they always return, and the process still exits (DESIGN
§3-4). Unreachable collectors are covered in test_instrument.py and test_launcher.py.

No wall-clock time is asserted here (a busy machine makes any bound flaky): the export timeout is
set far beyond the tests' hang guard, so a call that waited on an export, or an exit that waited
for one, would hang the app past the guard and fail the test. How long the exit takes is
measured in ``benchmarks/exit_time.py``.

The hanging collector is a real TCP listener on loopback that reads and holds every connection:
the OTLP exporters (gRPC and HTTP) connect, send, and wait for an answer that never comes, so
the batch processor's worker is stuck in an export while the application keeps calling.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricExporter, PeriodicExportingMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter

import genai_otel
from bodies import openai_bodies as ob
from launch import EXIT_GAVE_UP, EXPORTS_NEVER_TIME_OUT, HANG_GUARD_S, TESTS_DIR, clean_env, run, write_app
from replay import Replay, Reply

CALLS = 20

#: the application: instrument(), then many calls while exports hang; prints each result
APP = f"""
import sys, time
sys.path.insert(0, {str(TESTS_DIR)!r})
import genai_otel
genai_otel.instrument()
import openai
from bodies import openai_bodies as ob
from replay import Replay, Reply

replay = Replay(*[Reply(json_body=ob.chat_completion()) for _ in range({CALLS})])
client = openai.OpenAI(api_key="sk-test-not-a-key", max_retries=0, http_client=replay.sync_client())
hi = [{{"role": "user", "content": "Hi"}}]
for i in range({CALLS}):
    result = client.chat.completions.create(model=ob.MODEL, messages=hi)
    assert result.id == ob.CHAT_ID, result.id
    time.sleep(0.01)  # let the batch processor's short schedule start exports meanwhile
print("CALLS", {CALLS}, flush=True)
"""


class HangingCollector:
    """Accepts every connection, reads whatever arrives, never writes a byte back."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.received = 0
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self.server.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.connections.append(conn)
            threading.Thread(target=self._hold, args=(conn,), daemon=True).start()

    def _hold(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        while not self._stop.is_set():
            try:
                data = conn.recv(65536)
            except OSError:
                continue
            if not data:
                return
            self.received += len(data)

    def close(self) -> None:
        self._stop.set()
        for conn in self.connections:
            conn.close()
        self.server.close()


@pytest.fixture
def hanging() -> Iterator[HangingCollector]:
    collector = HangingCollector()
    yield collector
    collector.close()


@pytest.mark.parametrize("protocol", ["grpc", "http/protobuf"])
def test_a_hanging_collector_blocks_neither_the_calls_nor_the_exit(
    tmp_path: Path, hanging: HangingCollector, protocol: str
) -> None:
    write_app(tmp_path, source=APP)
    exporting = {
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_METRICS_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{hanging.port}",
        "OTEL_BSP_SCHEDULE_DELAY": "20",  # exports start (and hang) while the app still calls
        "OTEL_METRIC_EXPORT_INTERVAL": "50",
        **EXPORTS_NEVER_TIME_OUT,
    }
    # a call or an exit that waited on the stuck export would outlast the hang guard
    done = run(["python", "app.py"], clean_env(**exporting), tmp_path, timeout=HANG_GUARD_S).check()

    assert f"CALLS {CALLS}" in done.stdout, done.stdout
    assert hanging.connections and hanging.received > 0, "the exporters never reached the collector"
    assert EXIT_GAVE_UP in done.stderr, done.stderr[-2000:]  # the bounded exit let the process go


# --- exporters that raise ----------------------------------------------------------------------------


class Boom(RuntimeError):
    pass


class RaisingSpanExporter(SpanExporter):
    def __init__(self) -> None:
        self.calls = 0

    def export(self, spans):  # type: ignore[no-untyped-def]
        self.calls += 1
        raise Boom("span exporter failed")

    def shutdown(self) -> None:
        pass


class RaisingMetricExporter(MetricExporter):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def export(self, metrics_data, timeout_millis: float = 10_000, **kwargs):  # type: ignore[no-untyped-def]
        self.calls += 1
        raise Boom("metric exporter failed")

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        return True

    def shutdown(self, timeout_millis: float = 30_000, **kwargs) -> None:  # type: ignore[no-untyped-def]
        pass


@pytest.mark.parametrize("processor", ["simple", "batch"])
async def test_exporters_that_raise_leave_every_call_untouched(internal_errors, processor: str) -> None:
    """A synchronous exporter raises inside ``span.end()`` on the user's thread; the call still
    returns its result (streams too), sync and async."""
    span_exporter, metric_exporter = RaisingSpanExporter(), RaisingMetricExporter()
    tracer_provider = TracerProvider()
    make = SimpleSpanProcessor if processor == "simple" else BatchSpanProcessor
    tracer_provider.add_span_processor(make(span_exporter))
    reader = PeriodicExportingMetricReader(metric_exporter, export_interval_millis=10)
    meter_provider = MeterProvider(metric_readers=[reader])
    genai_otel.instrument(
        tracer_provider=tracer_provider, meter_provider=meter_provider, capture_content=True
    )
    try:
        replay = Replay(
            Reply(json_body=ob.chat_completion()),
            Reply(sse=ob.chat_stream()),
            Reply(json_body=ob.chat_completion()),
        )
        hi = [{"role": "user", "content": "Hi"}]
        client = openai.OpenAI(api_key="sk-test-not-a-key", max_retries=0, http_client=replay.sync_client())
        assert client.chat.completions.create(model=ob.MODEL, messages=hi).id == ob.CHAT_ID
        chunks = list(client.chat.completions.create(model=ob.MODEL, messages=hi, stream=True))
        assert chunks and all(c.id == ob.CHAT_ID for c in chunks)
        aclient = openai.AsyncOpenAI(
            api_key="sk-test-not-a-key", max_retries=0, http_client=replay.async_client()
        )
        assert (await aclient.chat.completions.create(model=ob.MODEL, messages=hi)).id == ob.CHAT_ID
        tracer_provider.force_flush()
        meter_provider.force_flush()
    finally:
        genai_otel.uninstrument()
        tracer_provider.shutdown()
        meter_provider.shutdown()
    assert span_exporter.calls >= 1 and metric_exporter.calls >= 1
    assert internal_errors == []  # the SDK contains its exporters' errors; nothing reached our guards


RAISING_APP = f"""
import sys, time
sys.path.insert(0, {str(TESTS_DIR)!r})
from test_faults import RaisingMetricExporter, RaisingSpanExporter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry import metrics, trace
tp = TracerProvider()
tp.add_span_processor(BatchSpanProcessor(RaisingSpanExporter(), schedule_delay_millis=10))
trace.set_tracer_provider(tp)
metrics.set_meter_provider(MeterProvider(
    metric_readers=[PeriodicExportingMetricReader(RaisingMetricExporter(), export_interval_millis=10)]))
import genai_otel
genai_otel.instrument()
""" + APP.split("genai_otel.instrument()", 1)[1]


def test_a_process_whose_exporters_raise_exits(tmp_path: Path) -> None:
    write_app(tmp_path, source=RAISING_APP)
    done = run(["python", "app.py"], clean_env(), tmp_path, timeout=HANG_GUARD_S).check()
    assert f"CALLS {CALLS}" in done.stdout, done.stdout
    assert "span exporter failed" in done.stderr  # the SDK logged its exporter's failure

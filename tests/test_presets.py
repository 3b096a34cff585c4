"""Backend presets: the table (pure), precedence of explicit OTEL_* variables, and what
instrument() really builds (subprocesses: exporter classes, endpoints, headers, temporality),
with no network and no secret in any log line."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap

import pytest

from genai_otel import _presets
from genai_otel.config import ExportOptions, Settings, public_endpoint

DT = {
    "DT_ENDPOINT": "https://abc12345.live.dynatrace.com/api/v2/otlp/",
    "DT_API_TOKEN": "dt0c01.SECRET-TOKEN",
}


def load(backend: str | None = None, **env: str) -> Settings:
    return Settings.load(environ=env, backend=backend)


def headers(options: ExportOptions) -> dict[str, str]:
    return dict(options.headers or ())


# --- the table ---------------------------------------------------------------------------------


def test_every_preset_is_documented_and_consistent() -> None:
    assert set(_presets.PRESETS) == {"otlp", "console", "jaeger", "instana", "datadog", "dynatrace"}
    for name, preset in _presets.PRESETS.items():
        assert preset.name == name
        assert preset.source.startswith(("https://", "genai_otel."))
        assert set(preset.env) <= {
            "OTEL_EXPORTER_OTLP_PROTOCOL",
            "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
            "OTEL_TRACES_EXPORTER",
            "OTEL_METRICS_EXPORTER",
            "OTEL_LOGS_EXPORTER",
        }
        for header, _variable, _template in preset.headers:
            assert header == header.lower()  # gRPC metadata keys must be lower-case


def test_otlp_default_adds_nothing() -> None:
    s = load()
    assert s.backend == "otlp"
    assert (s.traces_exporter, s.metrics_exporter, s.logs_exporter) == ("otlp", "otlp", "otlp")
    assert s.traces_protocol == s.metrics_protocol == s.logs_protocol == "grpc"
    assert s.traces_options == s.metrics_options == s.logs_options == ExportOptions()
    assert s.metrics_temporality is None
    assert s.resource_attributes == ()


def test_console_preset_prints_readably() -> None:
    s = load("console")
    assert (s.traces_exporter, s.metrics_exporter, s.logs_exporter) == ("pretty", "pretty", "console")
    assert s.traces_options == ExportOptions()
    assert load("console", NO_COLOR="1").console_color is False


@pytest.mark.parametrize(
    ("protocol", "traces"),
    [("grpc", "http://localhost:4317"), ("http/protobuf", "http://localhost:4318/v1/traces")],
)
def test_jaeger_preset_traces_only_on_its_otlp_ports(protocol: str, traces: str) -> None:
    s = load("jaeger", OTEL_EXPORTER_OTLP_PROTOCOL=protocol)
    assert s.traces_exporter == "otlp" and s.traces_protocol == protocol
    assert s.traces_options.endpoint == traces
    assert (s.metrics_exporter, s.logs_exporter) == ("none", "none")
    assert load("jaeger").traces_protocol == "grpc"
    assert s.metrics_temporality is None


def test_instana_preset_agent_host_key_and_service_name() -> None:
    env = {"INSTANA_AGENT_HOST": "agent.local", "INSTANA_AGENT_KEY": "ikey", "INSTANA_SERVICE_NAME": "svc"}
    s = load("instana", **env)
    assert s.traces_protocol == "grpc"
    assert s.traces_options.endpoint == "http://agent.local:4317"
    assert s.metrics_options.endpoint == "http://agent.local:4317"
    assert headers(s.traces_options) == {"x-instana-key": "ikey"}
    assert s.resource_attributes == (("service.name", "svc"),)
    http = load("instana", OTEL_EXPORTER_OTLP_PROTOCOL="http/protobuf")
    assert http.traces_options.endpoint == "http://localhost:4318/v1/traces"
    assert http.metrics_options.endpoint == "http://localhost:4318/v1/metrics"
    assert http.traces_options.headers is None  # no key, no header
    assert load("instana", OTEL_SERVICE_NAME="mine", **env).resource_attributes == ()


def test_datadog_preset_agent_delta_and_unified_service_tags() -> None:
    env = {"DD_AGENT_HOST": "10.0.0.5", "DD_ENV": "prod", "DD_SERVICE": "svc", "DD_VERSION": "1.2"}
    s = load("datadog", **env)
    assert s.traces_options.endpoint == s.metrics_options.endpoint == "http://10.0.0.5:4317"
    assert s.metrics_temporality == "delta"
    assert dict(s.resource_attributes) == {
        "service.name": "svc",
        "deployment.environment.name": "prod",
        "service.version": "1.2",
    }
    assert s.traces_options.headers is None
    assert load("datadog", DD_AGENT_HOST="::1").traces_options.endpoint == "http://[::1]:4317"
    own = load("datadog", OTEL_RESOURCE_ATTRIBUTES="deployment.environment.name=staging", **env)
    assert dict(own.resource_attributes) == {"service.name": "svc", "service.version": "1.2"}


def test_dynatrace_preset_http_only_delta_and_api_token() -> None:
    s = load("dynatrace", **DT)
    assert s.traces_protocol == s.metrics_protocol == s.logs_protocol == "http/protobuf"
    base = "https://abc12345.live.dynatrace.com/api/v2/otlp"
    assert s.traces_options.endpoint == f"{base}/v1/traces"
    assert s.metrics_options.endpoint == f"{base}/v1/metrics"
    assert s.logs_options.endpoint == f"{base}/v1/logs"
    for options in (s.traces_options, s.metrics_options, s.logs_options):
        assert headers(options) == {"authorization": "Api-Token dt0c01.SECRET-TOKEN"}
    assert s.metrics_temporality == "delta"


# --- explicit OTEL_* wins ----------------------------------------------------------------------


def test_explicit_endpoints_win_per_signal() -> None:
    activegate = "https://activegate:9999/e/abc/api/v2/otlp"
    everything = load("dynatrace", OTEL_EXPORTER_OTLP_ENDPOINT=activegate, **DT)
    assert everything.traces_options.endpoint is None  # the exporter reads the user's variable
    assert everything.metrics_options.endpoint is None
    # the token still goes with it (an ActiveGate needs it too)
    assert headers(everything.traces_options) == {"authorization": "Api-Token dt0c01.SECRET-TOKEN"}
    one = load("jaeger", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http://collector:4317")
    assert one.traces_options.endpoint is None
    assert load("datadog", OTEL_EXPORTER_OTLP_LOGS_ENDPOINT="http://x:1").metrics_options.endpoint == (
        "http://localhost:4317"
    )


def test_explicit_protocol_exporters_and_temporality_win() -> None:
    s = load(
        "jaeger",
        OTEL_EXPORTER_OTLP_PROTOCOL="http/protobuf",
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="grpc",
        OTEL_METRICS_EXPORTER="otlp",
    )
    assert s.traces_protocol == "grpc" and s.traces_options.endpoint == "http://localhost:4317"
    assert s.metrics_exporter == "otlp" and s.metrics_options.endpoint == "http://localhost:4318/v1/metrics"
    assert s.logs_exporter == "none"
    cumulative = load("datadog", OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE="cumulative")
    assert cumulative.metrics_temporality is None  # the exporter reads the user's preference
    assert load("console", OTEL_TRACES_EXPORTER="console").traces_exporter == "console"


def test_explicit_headers_win_and_are_kept() -> None:
    own_auth = load("dynatrace", OTEL_EXPORTER_OTLP_HEADERS="Authorization=Api-Token%20mine", **DT)
    assert own_auth.traces_options.headers is None  # nothing added: the SDK reads the user's
    merged = load("dynatrace", OTEL_EXPORTER_OTLP_HEADERS="x-team=a", **DT)
    assert headers(merged.traces_options) == {"authorization": "Api-Token dt0c01.SECRET-TOKEN", "x-team": "a"}
    per_signal = load("dynatrace", OTEL_EXPORTER_OTLP_METRICS_HEADERS="authorization=Api-Token other", **DT)
    assert per_signal.metrics_options.headers is None
    assert headers(per_signal.traces_options) == {"authorization": "Api-Token dt0c01.SECRET-TOKEN"}


def test_backend_keyword_beats_environment_and_is_case_insensitive() -> None:
    assert Settings.load(environ={"GENAI_OTEL_BACKEND": "datadog"}, backend="Jaeger").backend == "jaeger"
    assert Settings.load(environ={"GENAI_OTEL_BACKEND": " DYNATRACE "}).backend == "dynatrace"
    assert Settings.load(environ={"GENAI_OTEL_BACKEND": ""}).backend == "otlp"


def test_unknown_backend_warns_and_uses_otlp(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="genai_otel"):
        s = Settings.load(environ={"GENAI_OTEL_BACKEND": "newrelic"})
    assert s.backend == "otlp"
    assert s.traces_options == ExportOptions()
    assert "unknown backend 'newrelic'" in caplog.text


def test_no_credentials_for_the_sdk_default_endpoint() -> None:
    s = load("dynatrace", DT_API_TOKEN="dt0c01.SECRET-TOKEN")  # DT_ENDPOINT missing
    assert s.traces_options == ExportOptions()  # the token does not go to localhost:4318
    own = load(
        "dynatrace",
        DT_API_TOKEN="t",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="https://ag/e/x/api/v2/otlp/v1/traces",
    )
    assert headers(own.traces_options) == {"authorization": "Api-Token t"}
    assert own.metrics_options.headers is None


def test_dynatrace_misconfiguration_warns_without_the_token(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="genai_otel"):
        load("dynatrace")
        load("dynatrace", OTEL_EXPORTER_OTLP_PROTOCOL="grpc", **DT)
    assert "needs DT_ENDPOINT" in caplog.text
    assert "needs DT_API_TOKEN" in caplog.text
    assert "accepts OTLP over http/protobuf only" in caplog.text
    assert "SECRET-TOKEN" not in caplog.text


def test_secrets_stay_out_of_repr() -> None:
    s = load("dynatrace", **DT)
    assert "SECRET-TOKEN" not in repr(s)
    assert "SECRET-TOKEN" not in repr(s.traces_options)
    assert "authorization" in repr(s.traces_options)


def test_public_endpoint_drops_credentials() -> None:
    assert public_endpoint("https://user:pw@host:4318/v1/traces?key=1#x") == "https://host:4318/v1/traces"
    assert public_endpoint("user:pw@host:4317") == "host:4317"
    assert public_endpoint(None) == "(SDK default)"


# --- what instrument() builds ------------------------------------------------------------------

PROBE = """
import json, os, sys
import genai_otel
genai_otel.instrument()
from opentelemetry import trace, metrics
tp, mp = trace.get_tracer_provider(), metrics.get_meter_provider()
out = {"service": tp.resource.attributes.get("service.name"), "traces": None, "metrics": None}
processors = tp._active_span_processor._span_processors
if processors:
    e = processors[0].span_exporter
    http_client = getattr(e, "_client", None)
    h = getattr(http_client, "_headers", None) or dict(getattr(e, "_headers", ()) or ())
    out["traces"] = {"class": f"{type(e).__module__}.{type(e).__name__}",
                     "endpoint": getattr(e, "_endpoint", None),
                     "headers": sorted(h), "processor": type(processors[0]).__name__}
readers = mp._metric_readers
if readers:
    r = readers[0]
    e = getattr(r, "_exporter", None)
    out["metrics"] = {"reader": type(r).__name__,
                      "class": e is not None and f"{type(e).__module__}.{type(e).__name__}",
                      "endpoint": getattr(e, "_endpoint", None),
                      "temporality": {k.__name__.lstrip("_"): v.name
                                      for k, v in r._instrument_class_temporality.items()}}
print("PROBE " + json.dumps(out))
sys.stdout.flush()
os._exit(0)  # no export at exit: these endpoints are not for tests
"""


def run_python(code: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    ours = ("OTEL_", "GENAI_OTEL_", "DT_", "DD_", "INSTANA_")
    full = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full,
    )


def probe(env: dict[str, str]) -> dict[str, object]:
    result = run_python(PROBE, env)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE "))
    return json.loads(line[len("PROBE ") :])


GRPC_SPAN = "opentelemetry.exporter.otlp.proto.grpc.trace_exporter.OTLPSpanExporter"
GRPC_METRIC = "opentelemetry.exporter.otlp.proto.grpc.metric_exporter.OTLPMetricExporter"
HTTP_SPAN = "opentelemetry.exporter.otlp.proto.http.trace_exporter.OTLPSpanExporter"
HTTP_METRIC = "opentelemetry.exporter.otlp.proto.http.metric_exporter.OTLPMetricExporter"


def test_instrument_builds_jaeger() -> None:
    out = probe({"GENAI_OTEL_BACKEND": "jaeger"})
    assert out["traces"] == {
        "class": GRPC_SPAN, "endpoint": "localhost:4317", "headers": [], "processor": "BatchSpanProcessor"
    }  # fmt: skip
    assert out["metrics"] is None  # OTEL_METRICS_EXPORTER=none: a MeterProvider without readers


def test_instrument_builds_instana_over_http() -> None:
    out = probe(
        {
            "GENAI_OTEL_BACKEND": "instana",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "INSTANA_AGENT_HOST": "127.0.0.1",
            "INSTANA_AGENT_KEY": "ikey",
            "INSTANA_SERVICE_NAME": "svc",
        }
    )
    traces, metrics = out["traces"], out["metrics"]
    assert isinstance(traces, dict) and isinstance(metrics, dict)
    assert traces["class"] == HTTP_SPAN and traces["endpoint"] == "http://127.0.0.1:4318/v1/traces"
    assert "x-instana-key" in traces["headers"]
    assert metrics["class"] == HTTP_METRIC and metrics["endpoint"] == "http://127.0.0.1:4318/v1/metrics"
    assert metrics["temporality"]["Counter"] == "CUMULATIVE"
    assert out["service"] == "svc"


def test_instrument_builds_datadog_with_delta() -> None:
    out = probe({"GENAI_OTEL_BACKEND": "datadog", "DD_SERVICE": "svc"})
    traces, metrics = out["traces"], out["metrics"]
    assert isinstance(traces, dict) and isinstance(metrics, dict)
    assert traces["class"] == GRPC_SPAN and traces["endpoint"] == "localhost:4317"
    assert metrics["class"] == GRPC_METRIC and metrics["reader"] == "PeriodicExportingMetricReader"
    assert metrics["temporality"]["Counter"] == "DELTA"
    assert metrics["temporality"]["Histogram"] == "DELTA"
    assert metrics["temporality"]["UpDownCounter"] == "CUMULATIVE"
    assert out["service"] == "svc"


def test_instrument_builds_dynatrace() -> None:
    out = probe({"GENAI_OTEL_BACKEND": "dynatrace", **DT})
    traces, metrics = out["traces"], out["metrics"]
    assert isinstance(traces, dict) and isinstance(metrics, dict)
    base = "https://abc12345.live.dynatrace.com/api/v2/otlp"
    assert traces["class"] == HTTP_SPAN and traces["endpoint"] == f"{base}/v1/traces"
    assert "authorization" in traces["headers"]
    assert metrics["class"] == HTTP_METRIC and metrics["endpoint"] == f"{base}/v1/metrics"
    assert metrics["temporality"]["Counter"] == metrics["temporality"]["Histogram"] == "DELTA"


def test_instrument_dynatrace_user_temporality_wins() -> None:
    out = probe(
        {
            "GENAI_OTEL_BACKEND": "dynatrace",
            "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE": "cumulative",
            **DT,
        }
    )
    metrics = out["metrics"]
    assert isinstance(metrics, dict) and metrics["temporality"]["Counter"] == "CUMULATIVE"


def test_instrument_builds_console() -> None:
    out = probe({"GENAI_OTEL_BACKEND": "console"})
    traces, metrics = out["traces"], out["metrics"]
    assert isinstance(traces, dict) and isinstance(metrics, dict)
    assert traces["class"] == "genai_otel._pretty.PrettySpanExporter"
    assert traces["processor"] == "SimpleSpanProcessor"
    assert metrics["reader"] == "MetricSummaryReader"


def test_instrument_otlp_reads_the_standard_variables() -> None:
    out = probe({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"})
    traces = out["traces"]
    assert isinstance(traces, dict)
    assert traces["class"] == GRPC_SPAN and traces["endpoint"] == "collector:4317"


def test_keyword_backend_and_explicit_endpoint_win_in_instrument() -> None:
    result = run_python(
        PROBE.replace("genai_otel.instrument()", "genai_otel.instrument(backend='datadog')"),
        {"GENAI_OTEL_BACKEND": "jaeger", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4317"},
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.split("PROBE ", 1)[1])
    assert out["traces"]["endpoint"] == "collector:4317"
    assert out["metrics"]["temporality"]["Counter"] == "DELTA"  # datadog, not jaeger (no metrics)


def test_preset_ignored_when_the_application_configured_providers() -> None:
    result = run_python(
        """
        import logging; logging.basicConfig(level=logging.INFO)
        from opentelemetry import trace, metrics
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.metrics import MeterProvider
        trace.set_tracer_provider(TracerProvider()); metrics.set_meter_provider(MeterProvider())
        import genai_otel
        genai_otel.instrument(backend="jaeger")
        """,
        {},
    )
    assert result.returncode == 0, result.stderr
    assert "backend 'jaeger' not applied" in result.stderr


def test_api_token_never_logged_even_at_debug() -> None:
    """Everything at DEBUG (ours, the SDK's, urllib3's) while a span and a metric are exported to
    a local port where nothing listens: the token appears nowhere; the endpoint is logged."""
    token = "dt0c01.NEVER-LOG-THIS-TOKEN"
    result = run_python(
        """
        import logging; logging.basicConfig(level=logging.DEBUG)
        import genai_otel
        from genai_otel._patching.registry import REGISTRY
        genai_otel.instrument(backend="dynatrace")
        logging.getLogger("genai_otel").debug("settings %r", REGISTRY.telemetry.settings)
        from opentelemetry import trace, metrics
        with trace.get_tracer("app").start_as_current_span("work"):
            metrics.get_meter("app").create_counter("c").add(1)
        print("DONE")
        """,
        {"DT_ENDPOINT": "http://127.0.0.1:9/api/v2/otlp", "DT_API_TOKEN": token},
    )
    assert result.returncode == 0, result.stderr
    assert "DONE" in result.stdout
    everything = result.stdout + result.stderr
    endpoint = "http://127.0.0.1:9/api/v2/otlp/v1/traces"
    assert f"backend dynatrace: traces -> OTLP http/protobuf {endpoint}" in everything
    assert "NEVER-LOG-THIS-TOKEN" not in everything
    assert "Api-Token" not in everything

"""Backend presets: what each backend needs, as defaults for the standard ``OTEL_*`` settings.

A small pure table (no I/O, no ``os.environ``): ``config`` applies a preset to the environment
mapping it read, filling only what the user left unset, so explicit ``OTEL_*`` variables always
win. Every value cites the backend's documentation.

Per preset:

``env``        ``OTEL_*`` defaults the preset implies (protocol, exporters, temporality).
``endpoints``  base OTLP endpoint per protocol family (``grpc`` / ``http``); ``{host}`` is
               replaced by ``host_var`` (default ``localhost``); ``{endpoint}`` by ``endpoint_var``.
``headers``    (header, variable, template): an authentication header built from the backend's
               usual variable. These values are secrets: they are never logged.
``resource``   (resource attribute, variable): attributes the backend keys on, from its usual
               variables.
``protocols``  the OTLP protocols the backend accepts (``None``: any).
``auth_required``  warn when no authentication header can be built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_BACKEND = "otlp"


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    source: str
    env: Mapping[str, str]
    endpoints: Mapping[str, str]
    host_var: str | None = None
    endpoint_var: str | None = None
    headers: tuple[tuple[str, str, str], ...] = ()
    resource: tuple[tuple[str, str], ...] = ()
    protocols: frozenset[str] | None = None
    auth_required: bool = False


PRESETS: dict[str, Preset] = {
    # Nothing but the standard OTEL_* variables, read by the OpenTelemetry SDK as documented.
    "otlp": Preset(
        name="otlp",
        source="https://opentelemetry.io/docs/specs/otel/protocol/exporter/",
        env={},
        endpoints={},
    ),
    # A readable terminal view (genai_otel._pretty): span trees as traces end, a metric summary at
    # exit. Logs (only built for event content capture) use the SDK's console exporter.
    "console": Preset(
        name="console",
        source="genai_otel._pretty",
        env={
            "OTEL_TRACES_EXPORTER": "pretty",
            "OTEL_METRICS_EXPORTER": "pretty",
            "OTEL_LOGS_EXPORTER": "console",
        },
        endpoints={},
    ),
    # Jaeger v2 "Default Ports / Write APIs": 4317 gRPC ExportTraceServiceRequest, 4318 HTTP
    # /v1/traces. Jaeger stores traces only, so metrics and logs are not exported.
    # https://www.jaegertracing.io/docs/latest/apis/
    "jaeger": Preset(
        name="jaeger",
        source="https://www.jaegertracing.io/docs/latest/apis/",
        env={
            "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
            "OTEL_METRICS_EXPORTER": "none",
            "OTEL_LOGS_EXPORTER": "none",
        },
        endpoints={"grpc": "http://localhost:4317", "http": "http://localhost:4318"},
    ),
    # Instana host agent: receives OTLP traces, metrics and logs on 4317 (gRPC) and 4318 (HTTP),
    # on by default since agent 1.1.726.
    # https://www.ibm.com/docs/en/instana-observability?topic=instana-agent
    # INSTANA_AGENT_HOST / INSTANA_SERVICE_NAME are the Instana Python collector's variables for the
    # agent's address and the service name.
    # https://www.ibm.com/docs/en/instana-observability?topic=python-configuration-configuring-instana-package
    # x-instana-key (the agent key) is what the Instana backend's OTLP acceptor requires when the
    # endpoint is pointed there instead of at an agent.
    # https://www.ibm.com/docs/en/instana-observability?topic=instana-backend
    "instana": Preset(
        name="instana",
        source="https://www.ibm.com/docs/en/instana-observability?topic=instana-agent",
        env={"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
        endpoints={"grpc": "http://{host}:4317", "http": "http://{host}:4318"},
        host_var="INSTANA_AGENT_HOST",
        headers=(("x-instana-key", "INSTANA_AGENT_KEY", "{}"),),
        resource=(("service.name", "INSTANA_SERVICE_NAME"),),
    ),
    # Datadog Agent OTLP ingest (traces and metrics since 7.32, logs since 7.48; off until enabled
    # on the Agent, conventionally on 4317 gRPC / 4318 HTTP); one Agent per host, hence localhost.
    # https://docs.datadoghq.com/opentelemetry/setup/otlp_ingest_in_the_agent/
    # Delta temporality: "Datadog works best with delta aggregation temporality for monotonic sums,
    # histograms, and exponential histograms."
    # https://docs.datadoghq.com/opentelemetry/guide/otlp_delta_temporality/
    # Unified service tagging: service.name -> service, deployment.environment.name -> env
    # (Agent 7.58+), service.version -> version.
    # https://docs.datadoghq.com/opentelemetry/correlate/
    # DD_AGENT_HOST / DD_SERVICE / DD_ENV / DD_VERSION are the Datadog libraries' usual variables.
    # https://docs.datadoghq.com/getting_started/tagging/unified_service_tagging/
    # The agentless OTLP intake (per-site hosts, partly in Preview) is not preset: set its
    # OTEL_EXPORTER_OTLP_* variables yourself.
    "datadog": Preset(
        name="datadog",
        source="https://docs.datadoghq.com/opentelemetry/setup/otlp_ingest_in_the_agent/",
        env={
            "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
            "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE": "delta",
        },
        endpoints={"grpc": "http://{host}:4317", "http": "http://{host}:4318"},
        host_var="DD_AGENT_HOST",
        resource=(
            ("service.name", "DD_SERVICE"),
            ("deployment.environment.name", "DD_ENV"),
            ("service.version", "DD_VERSION"),
        ),
    ),
    # Dynatrace OTLP API: base URL https://{env-id}.live.dynatrace.com/api/v2/otlp (ActiveGate:
    # https://{host}:9999/e/{env-id}/api/v2/otlp) with the standard /v1/{signal} paths.
    # https://docs.dynatrace.com/docs/shortlink/otel-getstarted-otlpexport
    # Binary protobuf over HTTP only (application/x-protobuf; no gRPC), Authorization: Api-Token,
    # token scopes openTelemetryTrace.ingest / metrics.ingest / logs.ingest.
    # https://docs.dynatrace.com/docs/shortlink/api-otlp-traces
    # Delta temporality required: cumulative counters and histograms are rejected
    # (UNSUPPORTED_METRIC_TYPE_MONOTONIC_CUMULATIVE_SUM); explicit-bucket histograms are ingested,
    # exponential histograms only as min/max/sum/count.
    # https://docs.dynatrace.com/docs/shortlink/otel-getstarted-metrics-ingest
    # DT_ENDPOINT (the base URL) and DT_API_TOKEN are the variables Dynatrace's own Collector
    # configurations use.
    # https://docs.dynatrace.com/docs/extend-dynatrace/opentelemetry/collector/use-cases/fluentd
    "dynatrace": Preset(
        name="dynatrace",
        source="https://docs.dynatrace.com/docs/shortlink/otel-getstarted-otlpexport",
        env={
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE": "delta",
        },
        endpoints={"http": "{endpoint}"},
        endpoint_var="DT_ENDPOINT",
        headers=(("authorization", "DT_API_TOKEN", "Api-Token {}"),),
        protocols=frozenset({"http/protobuf"}),
        auth_required=True,
    ),
}


def get(name: str) -> Preset | None:
    return PRESETS.get(name.strip().lower())


def protocol_family(protocol: str) -> str:
    return "http" if protocol.startswith("http") else "grpc"


def _value(env: Mapping[str, str], name: str | None) -> str | None:
    if name is None:
        return None
    value = env.get(name, "").strip()
    return value or None


def base_endpoint(preset: Preset, protocol: str, env: Mapping[str, str]) -> str | None:
    """The preset's base OTLP endpoint for ``protocol`` (no signal path), or None."""
    template = preset.endpoints.get(protocol_family(protocol))
    if template is None:
        return None
    if "{endpoint}" in template:
        endpoint = _value(env, preset.endpoint_var)
        return endpoint.rstrip("/") if endpoint else None
    host = _value(env, preset.host_var) or "localhost"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    return template.format(host=host)


def signal_endpoint(base: str, protocol: str, signal: str) -> str:
    """What an exporter takes as ``endpoint``: gRPC the base, OTLP/HTTP the full signal URL."""
    if protocol_family(protocol) == "grpc":
        return base
    return f"{base.rstrip('/')}/v1/{signal}"


def header_values(preset: Preset, env: Mapping[str, str]) -> dict[str, str]:
    """Authentication headers from the backend's variables (lower-case names; secret values)."""
    out: dict[str, str] = {}
    for header, variable, template in preset.headers:
        value = _value(env, variable)
        if value is not None:
            out[header] = template.format(value)
    return out


def resource_values(preset: Preset, env: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for attribute, variable in preset.resource:
        value = _value(env, variable)
        if value is not None:
            out[attribute] = value
    return out

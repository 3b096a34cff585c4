"""A real backend: Arize Phoenix started on loopback, telemetry exported to it over OTLP HTTP
(through the launcher when it is installed, else ``instrument()``), the spans read back over
Phoenix's REST API (``GET /v1/projects/{project}/spans``): the replay app (exact names and token
counts), and every example (``examples/demo.py``) against the local model when it is installed.

Phoenix pins dependencies this project's test environment cannot share (e.g. ``anthropic<2``), so
it lives in a virtual environment of its own; the test runs its ``phoenix serve``, found at
``$GENAI_OTEL_PHOENIX`` or ``.venv/phoenix/bin/phoenix``:

    python -m venv .venv/phoenix && .venv/phoenix/bin/pip install arize-phoenix==20.26.1

Skipped when neither exists; ``-m "not phoenix"`` deselects it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import test_e2e_otlp as e2e
from bodies import openai_bodies as b
from requires import missing
from test_e2e_otlp import ROOT, app_env, command, launcher_missing, report, run, write_app

pytestmark = pytest.mark.phoenix
local_model = e2e.local_model  # the fixture: examples/local_model.py, shared with test_e2e_otlp

PROJECT = "genai-otel-e2e"
#: Phoenix's first start creates its SQLite database (migrations): ~10 s on 2 cores.
START_TIMEOUT_S = 120


def phoenix_executable() -> Path | None:
    for candidate in (os.environ.get("GENAI_OTEL_PHOENIX"), ROOT / ".venv" / "phoenix" / "bin" / "phoenix"):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def phoenix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``phoenix serve`` on free loopback ports with a fresh working directory; yields its URL."""
    executable = phoenix_executable()
    if executable is None:
        missing("Arize Phoenix is not installed: set GENAI_OTEL_PHOENIX or create .venv/phoenix")
    workdir = tmp_path_factory.mktemp("phoenix")
    port = e2e.free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "PHOENIX_"))}
    env.update(
        PHOENIX_HOST="127.0.0.1",
        PHOENIX_PORT=str(port),
        PHOENIX_GRPC_PORT=str(e2e.free_port()),
        PHOENIX_WORKING_DIR=str(workdir),
        PHOENIX_TELEMETRY_ENABLED="false",
    )
    log = workdir / "phoenix.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(executable), "serve"], stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        while True:
            assert server.poll() is None, f"phoenix exited {server.returncode}:\n{log.read_text()[-3000:]}"
            assert time.monotonic() - started < START_TIMEOUT_S, (
                f"phoenix not ready:\n{log.read_text()[-3000:]}"
            )
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.25)
        print(f"\nphoenix ready in {time.monotonic() - started:.1f}s at {url}")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def read_spans(url: str, project: str, want: int | None = None, timeout: float = 15) -> list[dict[str, Any]]:
    """The project's spans once ``want`` of them are stored, or (``want=None``) once some are and
    their number held for a second: Phoenix stores what it received in the background."""
    deadline = time.monotonic() + timeout
    spans: list[dict[str, Any]] = []
    counts: list[int] = []
    while time.monotonic() < deadline:
        try:
            spans = get_json(f"{url}/v1/projects/{project}/spans?limit=1000")["data"]
        except urllib.error.HTTPError as exc:  # 404 until the project's first span arrives
            if exc.code != 404:
                raise
        counts.append(len(spans))
        if want is not None and len(spans) >= want:
            return spans
        if want is None and spans and counts[-5:] == [len(spans)] * 5:
            return spans
        time.sleep(0.25)
    return spans


#: span name -> (span_kind Phoenix gives it, gen_ai attributes, Phoenix's own token attributes)
EXPECTED: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    f"chat {b.MODEL}": (
        "LLM",
        {
            "gen_ai.usage.input_tokens": 19,
            "gen_ai.usage.output_tokens": 10,
            "gen_ai.response.model": b.RESPONSE_MODEL,
        },
        {"llm.token_count.prompt": 19, "llm.token_count.completion": 10, "llm.token_count.total": 29},
    ),
    f"chat {b.MODEL} (stream)": (
        "LLM",
        {"gen_ai.usage.input_tokens": 9, "gen_ai.usage.output_tokens": 7, "gen_ai.request.stream": True},
        {"llm.token_count.prompt": 9, "llm.token_count.completion": 7, "llm.token_count.total": 16},
    ),
    f"embeddings {b.EMBEDDING_MODEL}": (
        "EMBEDDING",
        {"gen_ai.usage.input_tokens": 5, "gen_ai.embeddings.dimension.count": b.DIMENSIONS},
        {"llm.token_count.prompt": 5},
    ),
    "chat gpt-9": ("LLM", {"error.type": "openai.NotFoundError"}, {}),
}


def test_spans_read_back_from_phoenix(phoenix: str, tmp_path: Path) -> None:
    mode = "instrument" if launcher_missing() else "launcher"
    app = write_app(tmp_path, mode)
    env = app_env(
        OTEL_EXPORTER_OTLP_ENDPOINT=phoenix,
        OTEL_EXPORTER_OTLP_PROTOCOL="http/protobuf",
        OTEL_SERVICE_NAME="e2e-phoenix",
        OTEL_RESOURCE_ATTRIBUTES=f"openinference.project.name={PROJECT}",
        OTEL_METRICS_EXPORTER="none",  # Phoenix takes traces only
    )

    result, elapsed = run(command(mode, app), env, tmp_path)

    assert result.returncode == 0, report(result)
    assert "APP DONE" in result.stdout, report(result)
    spans = read_spans(phoenix, PROJECT, len(EXPECTED))
    by_key = {
        s["name"] + (" (stream)" if s["attributes"].get("gen_ai.request.stream") else ""): s for s in spans
    }
    assert set(by_key) == set(EXPECTED), [s["name"] for s in spans]
    for key, (kind, gen_ai, openinference) in EXPECTED.items():
        span = by_key[key]
        attributes = span["attributes"]
        wrong = {
            k: (attributes.get(k), v)
            for k, v in {**gen_ai, **openinference}.items()
            if attributes.get(k) != v
        }
        assert not wrong, f"{key}: (read back, expected) {wrong}\n{json.dumps(span, indent=2)}"
        assert span["span_kind"] == kind, span
        assert span["status_code"] == ("ERROR" if "error.type" in gen_ai else "UNSET"), span
    print(f"[{mode}] app ran {elapsed:.2f}s; one span read back from Phoenix:")
    print(json.dumps(by_key[f"chat {b.MODEL}"], indent=2))


@pytest.mark.local_model
def test_examples_on_the_local_model_read_back_from_phoenix(
    phoenix: str, local_model: str, tmp_path: Path
) -> None:
    """``examples/demo.py`` runs every example under the launcher against the real model; what
    Phoenix stored carries the tokens genai_otel exported, and Phoenix read them as its own."""
    demo = ROOT / "examples" / "demo.py"
    project = "genai-otel-examples"
    env = app_env(
        OTEL_EXPORTER_OTLP_ENDPOINT=phoenix,
        OTEL_EXPORTER_OTLP_PROTOCOL="http/protobuf",
        OTEL_SERVICE_NAME="e2e-phoenix-examples",
        OTEL_RESOURCE_ATTRIBUTES=f"openinference.project.name={project}",
        OTEL_METRICS_EXPORTER="none",
    )
    base_url = local_model.removesuffix("/v1")

    result, elapsed = run([sys.executable, str(demo), "--base-url", base_url], env, tmp_path, timeout=300)

    print(f"examples/demo.py ran {elapsed:.1f}s")
    assert result.returncode == 0, report(result)
    spans = [s for s in read_spans(phoenix, project) if "gen_ai.operation.name" in s["attributes"]]
    names = sorted({s["name"] for s in spans})
    # a stream read without include_usage, or left early, or a failed call has no usage to report
    counted = [s for s in spans if "gen_ai.usage.input_tokens" in s["attributes"]]
    assert {"chat smollm2", "embeddings smollm2"} <= {s["name"] for s in counted}, names
    for span in counted:
        attributes, shown = span["attributes"], json.dumps(span, indent=2)
        tokens_in, tokens_out = (
            attributes["gen_ai.usage.input_tokens"],
            attributes.get("gen_ai.usage.output_tokens"),
        )
        assert tokens_in > 0, shown
        assert attributes.get("llm.token_count.prompt") == tokens_in, shown
        if tokens_out is not None:
            assert attributes.get("llm.token_count.completion") == tokens_out, shown
    print(f"{len(spans)} spans read back ({len(counted)} with tokens): {names}")

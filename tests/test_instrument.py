"""instrument()/uninstrument(): laziness, idempotency, provider selection, prompt exit."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from opentelemetry.trace import ProxyTracerProvider

import genai_otel
from genai_otel._patching.registry import REGISTRY
from launch import EXIT_GAVE_UP, EXPORTS_NEVER_TIME_OUT, HANG_GUARD_S


def run_python(
    code: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "GENAI_OTEL_"))}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, timeout=timeout, env=full_env,
    )  # fmt: skip


def test_instrument_imports_no_provider_sdk_and_patches_on_import() -> None:
    result = run_python(
        """
        import sys
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.metrics import MeterProvider
        import genai_otel
        genai_otel.instrument(tracer_provider=TracerProvider(), meter_provider=MeterProvider())
        leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("openai", "anthropic", "httpx2"))
        print("LEAKED", leaked)
        import openai
        from openai.resources.chat.completions.completions import Completions
        print("PATCHED", type(Completions.__dict__["create"]).__name__)
        genai_otel.uninstrument()
        print("RESTORED", type(Completions.__dict__["create"]).__name__)
        """
    )
    assert result.returncode == 0, result.stderr
    assert "LEAKED []" in result.stdout
    assert "PATCHED FunctionWrapper" in result.stdout
    assert "RESTORED function" in result.stdout


def test_sdk_imported_before_instrument_is_patched_at_once(otel) -> None:
    from anthropic.resources.messages.messages import Messages
    from openai.resources.chat.completions.completions import Completions

    assert getattr(Completions.__dict__["create"], "_self_genai_otel", False)
    assert getattr(Messages.__dict__["create"], "_self_genai_otel", False)


def test_instrument_is_idempotent_and_uninstrument_restores(otel) -> None:
    from openai.resources.chat.completions.completions import Completions

    patched = Completions.__dict__["create"]
    genai_otel.instrument(tracer_provider=otel.tracer_provider, meter_provider=otel.meter_provider)
    assert Completions.__dict__["create"] is patched  # no double wrap
    genai_otel.uninstrument()
    genai_otel.uninstrument()
    assert not genai_otel.is_instrumented()
    assert type(Completions.__dict__["create"]).__name__ == "function"
    otel.instrument()
    assert getattr(Completions.__dict__["create"], "_self_genai_otel", False)


def test_exclude_and_providers_select_adapters(otel) -> None:
    from anthropic.resources.messages.messages import Messages
    from openai.resources.chat.completions.completions import Completions

    otel.instrument(exclude=["anthropic"])
    assert "openai" in REGISTRY.installed and "anthropic" not in REGISTRY.installed
    assert type(Messages.__dict__["create"]).__name__ == "function"
    otel.instrument(providers=["anthropic"])
    assert REGISTRY.installed == {"anthropic"}
    assert type(Completions.__dict__["create"]).__name__ == "function"


def test_passed_providers_set_no_global(otel) -> None:
    from opentelemetry import trace

    assert isinstance(trace.get_tracer_provider(), ProxyTracerProvider)


@pytest.mark.parametrize("protocol", ["grpc", "http/protobuf"])
def test_process_with_no_collector_exits(protocol: str) -> None:
    code = """
        import genai_otel
        genai_otel.instrument()
        from opentelemetry import trace
        with trace.get_tracer("app").start_as_current_span("work"):
            pass
        print("DONE")
    """
    # port 9 (discard) on loopback: nothing listens; the exporter retries until its timeout, set
    # beyond the hang guard, so the process ends only because the exit handler stops waiting
    # (the exit's duration is measured in benchmarks/exit_time.py)
    env = {
        "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9",
        "OTEL_SERVICE_NAME": "exit-test",
        **EXPORTS_NEVER_TIME_OUT,
    }
    result = run_python(code, env=env, timeout=HANG_GUARD_S)
    assert result.returncode == 0, result.stderr
    assert "DONE" in result.stdout
    assert EXIT_GAVE_UP in result.stderr, result.stderr[-2000:]


def test_global_sdk_providers_are_used_when_configured() -> None:
    result = run_python(
        """
        from opentelemetry import trace, metrics
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.metrics import MeterProvider
        tp, mp = TracerProvider(), MeterProvider()
        trace.set_tracer_provider(tp); metrics.set_meter_provider(mp)
        import genai_otel
        from genai_otel._patching.registry import REGISTRY
        genai_otel.instrument()
        print("SAME", trace.get_tracer_provider() is tp, metrics.get_meter_provider() is mp)
        from genai_otel import _setup
        print("OWNED", len(_setup._owned))
        """
    )
    assert result.returncode == 0, result.stderr
    assert "SAME True True" in result.stdout
    assert "OWNED 0" in result.stdout


def test_traces_exporter_console_builds_from_environment() -> None:
    result = run_python(
        """
        import genai_otel
        genai_otel.instrument()
        from opentelemetry import trace
        with trace.get_tracer("app").start_as_current_span("console-span"):
            pass
        """,
        env={
            "OTEL_TRACES_EXPORTER": "console",
            "OTEL_METRICS_EXPORTER": "none",
            "OTEL_SERVICE_NAME": "svc-x",
        },
    )
    assert result.returncode == 0, result.stderr
    assert '"name": "console-span"' in result.stdout
    assert '"service.name": "svc-x"' in result.stdout

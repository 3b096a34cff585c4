"""The user's call is sacred: whatever of ours explodes, the caller sees what the SDK gave.

Through the real ``openai`` (chat: plain and ``stream=True``, sync and async) and ``anthropic``
(``messages.create`` plain and ``stream=True``, and the ``messages.stream`` manager, sync and
async) clients over the replay transport, one thing of ours is made to raise at a time: each
adapter function (built with ``dataclasses.replace(ADAPTER, ...)`` and installed by
monkeypatching the adapter module's ``ADAPTER`` before ``instrument()``), the stream
accumulator's ``add``/``finish``, the user's ``redact=`` hook, the completion hook, and the
OpenTelemetry pipeline behind us (span exporter, span processor, metric exporter, metric
instruments, log processor). For a successful call and for an HTTP error the caller gets
exactly what an uninstrumented run gives (the result's ``model_dump()``, every streamed chunk,
or the exception's type, message, status code and body), the SDK sent the same one request,
every span started is ended exactly once, the swallowed error is reported under the label that
names what failed, logged at WARNING the first time and at DEBUG afterwards.

Also here: a redactor that fails exports no content at all (fail closed); a post-import hook of
ours that fails leaves ``import openai`` and its calls working (in a subprocess); one patch
target that cannot be installed skips only that target; ``KeyboardInterrupt`` and task
cancellation raised under the SDK pass through unchanged and the span ends with ``error.type``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import json
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import anthropic
import httpx2
import openai
import pytest
from opentelemetry.sdk._logs import LogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    MetricExporter,
    MetricExportResult,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.trace import SpanProcessor
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import StatusCode

import genai_otel
from bodies import anthropic_bodies as ab
from bodies import openai_bodies as ob
from genai_otel import _guard
from genai_otel._patching.registry import REGISTRY
from genai_otel.adapter import PatchTarget
from replay import Replay, Reply

OPENAI_KEY = "sk-proj-containment-test-key-0000000000000000"
ANTHROPIC_KEY = "sk-ant-api03-containment-test-key-00000000000000"
CONTENT_KEYS = (
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.definitions",
)
TESTS_DIR = os.path.dirname(os.path.abspath(__file__))


# --- the call matrix ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mode:
    provider: str  # "openai" | "anthropic"
    asynchronous: bool
    kind: str  # "plain" | "stream" (create(stream=True)) | "manager" (anthropic messages.stream)

    def __str__(self) -> str:
        return f"{self.provider}-{'async' if self.asynchronous else 'sync'}-{self.kind}"

    @property
    def streams(self) -> bool:
        return self.kind != "plain"


MODES = {
    "openai": [Mode("openai", a, k) for a in (False, True) for k in ("plain", "stream")],
    "anthropic": [Mode("anthropic", a, k) for a in (False, True) for k in ("plain", "stream", "manager")],
}
OUTCOMES = ("ok", "http_error")


def reply_for(mode: Mode, outcome: str) -> Reply:
    if mode.provider == "openai":
        if outcome == "http_error":
            return Reply(status=404, json_body=ob.model_not_found(), headers=ob.HEADERS)
        if mode.streams:
            return Reply(sse=ob.chat_stream(), headers=ob.HEADERS)
        return Reply(json_body=ob.chat_completion(), headers=ob.HEADERS)
    if outcome == "http_error":
        return Reply(status=404, json_body=ab.NOT_FOUND, headers=ab.HEADERS)
    if mode.streams:
        return Reply(sse=ab.STREAM_TEXT, headers=ab.HEADERS)
    return Reply(json_body=ab.TEXT, headers=ab.HEADERS)


def client_for(mode: Mode, http_client: Any) -> Any:
    if mode.provider == "openai":
        cls = openai.AsyncOpenAI if mode.asynchronous else openai.OpenAI
        return cls(api_key=OPENAI_KEY, http_client=http_client, max_retries=0)
    cls = anthropic.AsyncAnthropic if mode.asynchronous else anthropic.Anthropic
    return cls(api_key=ANTHROPIC_KEY, http_client=http_client, max_retries=0)


def http_client_for(mode: Mode, replay: Replay) -> Any:
    return replay.async_client() if mode.asynchronous else replay.sync_client()


async def call(mode: Mode, client: Any) -> Any:
    """The call ``mode`` names, read to the end; what the caller got, as plain data."""
    if mode.provider == "openai":
        params: dict[str, Any] = {"model": ob.MODEL, "messages": [{"role": "user", "content": "Hello"}]}
        create = client.chat.completions.create
        if mode.kind == "plain":
            result = await create(**params) if mode.asynchronous else create(**params)
            return result.__class__.__name__, result.model_dump()
        params.update(stream=True, stream_options={"include_usage": True})
        if mode.asynchronous:
            stream = await create(**params)
            return stream.__class__.__name__, [chunk.model_dump() async for chunk in stream]
        stream = create(**params)
        return stream.__class__.__name__, [chunk.model_dump() for chunk in stream]

    params = {"model": ab.MODEL, "max_tokens": 1024, "messages": [{"role": "user", "content": "Hello"}]}
    messages = client.messages
    if mode.kind == "plain":
        result = await messages.create(**params) if mode.asynchronous else messages.create(**params)
        return result.__class__.__name__, result.model_dump()
    if mode.kind == "stream":
        if mode.asynchronous:
            stream = await messages.create(**params, stream=True)
            return stream.__class__.__name__, [event.model_dump() async for event in stream]
        stream = messages.create(**params, stream=True)
        return stream.__class__.__name__, [event.model_dump() for event in stream]
    if mode.asynchronous:
        async with messages.stream(**params) as managed:
            events = [event.model_dump() async for event in managed]
            final = await managed.get_final_message()
            return managed.__class__.__name__, events, final.model_dump()
    with messages.stream(**params) as managed:
        events = [event.model_dump() for event in managed]
        return managed.__class__.__name__, events, managed.get_final_message().model_dump()


async def observe(mode: Mode, outcome: str) -> tuple[Any, list[Any]]:
    """What the caller saw (its result, or its exception as comparable data) and what was sent."""
    replay = Replay(reply_for(mode, outcome))
    client = client_for(mode, http_client_for(mode, replay))
    try:
        seen: Any = ("returned", await call(mode, client))
    except Exception as exc:
        seen = ("raised", type(exc), str(exc), getattr(exc, "status_code", None), getattr(exc, "body", None))
    return seen, replay.bodies


_BASELINES: dict[tuple[Mode, str], tuple[Any, list[Any]]] = {}


async def baseline(mode: Mode, outcome: str) -> tuple[Any, list[Any]]:
    """The same call with genai_otel uninstrumented (cached: the SDK's answer does not change)."""
    key = (mode, outcome)
    if key not in _BASELINES:
        genai_otel.uninstrument()
        _BASELINES[key] = await observe(mode, outcome)
    return _BASELINES[key]


# --- exploding pieces -----------------------------------------------------------------------------------


class Boom(RuntimeError):
    """What every exploding piece of ours raises."""


def explode(what: str) -> Callable[..., Any]:
    def raiser(*args: Any, **kwargs: Any) -> Any:
        raise Boom(f"boom: {what}")

    return raiser


class ExplodingAccumulator:
    def __init__(self, inner: Any, method: str) -> None:
        self.inner = inner
        self.method = method

    def add(self, chunk: Any) -> None:
        if self.method == "add":
            raise Boom("boom: add")
        self.inner.add(chunk)

    def finish(self) -> Any:
        if self.method == "finish":
            raise Boom("boom: finish")
        return self.inner.finish()


def exploding_adapter(provider: str, fault: str) -> Any:
    module = importlib.import_module(f"genai_otel.providers.{provider}")
    adapter = module.ADAPTER
    if fault in ("add", "finish"):
        inner = adapter.new_accumulator
        return dataclasses.replace(
            adapter,
            new_accumulator=lambda target, capture: ExplodingAccumulator(inner(target, capture), fault),
        )
    return dataclasses.replace(adapter, **{fault: explode(fault)})


class RaisingSpanExporter(SpanExporter):
    def export(self, spans: Any) -> SpanExportResult:
        raise Boom("boom: span exporter")

    def shutdown(self) -> None:
        pass


class RaisingSpanProcessor(SpanProcessor):
    def on_end(self, span: Any) -> None:
        raise Boom("boom: span processor")


class RaisingMetricExporter(MetricExporter):
    def __init__(self) -> None:
        super().__init__()

    def export(self, metrics_data: Any, timeout_millis: float = 10_000, **kwargs: Any) -> MetricExportResult:
        raise Boom("boom: metric exporter")

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        return True

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        pass


class _RaisingInstrument:
    def record(self, *args: Any, **kwargs: Any) -> None:
        raise Boom("boom: metric instrument")

    add = record


class _RaisingMeter:
    def create_histogram(self, *args: Any, **kwargs: Any) -> _RaisingInstrument:
        return _RaisingInstrument()

    create_counter = create_histogram


class RaisingMeterProvider:
    """A metrics pipeline whose every instrument raises when recorded into."""

    def get_meter(self, *args: Any, **kwargs: Any) -> _RaisingMeter:
        return _RaisingMeter()


class RaisingLogProcessor(LogRecordProcessor):
    def on_emit(self, log_record: Any) -> None:
        raise Boom("boom: log processor")

    emit = on_emit

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True


class SpanLedger(SpanProcessor):
    """Counts starts and ends per span id."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.ended: list[int] = []

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        self.started.append(span.context.span_id)

    def on_end(self, span: Any) -> None:
        self.ended.append(span.context.span_id)

    def clear(self) -> None:
        self.started.clear()
        self.ended.clear()


# --- which label each fault must be reported under ------------------------------------------------------

ADAPTER_FAULTS = [
    "parse_request",
    "request_content",
    "parse_response",
    "is_stream",
    "unwrap",
    "new_accumulator",
    "add",
    "finish",
    "error_type",
]
HOOK_FAULTS = ["redact", "completion_hook"]
PIPELINE_FAULTS = ["span_exporter", "span_processor", "metric_exporter", "metric_instrument", "log_processor"]


def expected_labels(fault: str, mode: Mode, outcome: str) -> set[str] | None:
    """The labels ``fault`` is reported under for one call; ``None``: some label, not pinned."""
    p = mode.provider
    ok = outcome == "ok"
    returned_stream = ok and mode.kind == "stream"
    read = {f"{p}: read response"}
    table: dict[str, set[str] | None] = {
        "parse_request": {f"{p}: parse request"},
        "request_content": {f"{p}: read request content"},
        "parse_response": read if ok and mode.kind == "plain" else set(),
        "is_stream": read if ok and mode.kind != "manager" else set(),
        "unwrap": read if ok and mode.kind != "manager" else set(),
        "new_accumulator": {f"{p}: new accumulator"}
        if mode.kind == "manager"
        else (read if returned_stream else set()),
        "add": {f"{p}: stream chunk"} if ok and mode.streams else set(),
        "finish": {f"{p}: finish stream"} if ok and mode.streams else set(),
        "error_type": {f"{p}: error type"} if not ok else set(),
        "redact": {"sanitise content"},
        "completion_hook": {"completion hook"},
        "span_exporter": set(),
        "span_processor": {"end span"},
        "metric_exporter": set(),
        "metric_instrument": {"record metrics"},
        "log_processor": {"export content"},
    }
    return table[fault]


def fault_params(faults: list[str]) -> list[Any]:
    out = []
    for provider in MODES:
        for fault in faults:
            out.append(pytest.param(provider, fault, id=f"{provider}-{fault}"))
    return out


def configure(otel: Any, monkeypatch: pytest.MonkeyPatch, provider: str, fault: str) -> Any:
    """Instrument with ``fault`` armed (content to span and event, so every path runs); returns
    a meter provider of the test's own to shut down afterwards, if it made one."""
    settings: dict[str, Any] = {"capture_content": "SPAN_AND_EVENT"}
    if fault in ADAPTER_FAULTS:
        module = importlib.import_module(f"genai_otel.providers.{provider}")
        monkeypatch.setattr(module, "ADAPTER", exploding_adapter(provider, fault))
    elif fault == "redact":
        settings["redact"] = explode("redact")
    elif fault == "completion_hook":
        settings["completion_hook"] = explode("completion hook")
    elif fault == "span_exporter":
        otel.tracer_provider.add_span_processor(SimpleSpanProcessor(RaisingSpanExporter()))
    elif fault == "span_processor":
        otel.tracer_provider.add_span_processor(RaisingSpanProcessor())
    elif fault == "log_processor":
        otel.logger_provider.add_log_record_processor(RaisingLogProcessor())
    if fault == "metric_exporter":
        reader = PeriodicExportingMetricReader(RaisingMetricExporter(), export_interval_millis=50)
        meter_provider: Any = MeterProvider(metric_readers=[reader])
    elif fault == "metric_instrument":
        meter_provider = RaisingMeterProvider()
    else:
        meter_provider = otel.meter_provider
    genai_otel.uninstrument()
    genai_otel.instrument(
        tracer_provider=otel.tracer_provider,
        meter_provider=meter_provider,
        logger_provider=otel.logger_provider,
        **settings,
    )
    return meter_provider if fault == "metric_exporter" else None


@pytest.fixture
def ledger(otel: Any) -> SpanLedger:
    spans = SpanLedger()
    otel.tracer_provider.add_span_processor(spans)
    return spans


@pytest.fixture
def fresh_warnings(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A WARNING is logged once per label per process: start with none warned yet."""
    monkeypatch.setattr(_guard, "_warned", set())
    caplog.set_level(logging.DEBUG, logger="genai_otel")


def check_logged_once_per_label(caplog: pytest.LogCaptureFixture, reported: list[str]) -> None:
    for label in set(reported):
        records = [r for r in caplog.records if r.getMessage().startswith(f"genai_otel: {label} failed")]
        levels = [r.levelno for r in records]
        assert levels.count(logging.WARNING) == 1, (label, levels)
        assert levels[0] == logging.WARNING, (label, levels)  # the first one
        assert levels.count(logging.DEBUG) == reported.count(label) - 1, (label, levels)
        assert all(r.exc_info and isinstance(r.exc_info[1], Exception) for r in records)


# --- the containment matrix -----------------------------------------------------------------------------


async def _run_matrix(
    otel: Any,
    ledger: SpanLedger,
    internal_errors: list[tuple[str, BaseException]],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    provider: str,
    fault: str,
) -> None:
    modes = MODES[provider]
    expected_seen = {(m, o): await baseline(m, o) for m in modes for o in OUTCOMES}
    own_meter_provider = configure(otel, monkeypatch, provider, fault)
    reported: list[str] = []
    try:
        for mode in modes:
            for outcome in OUTCOMES:
                where = f"{mode} {outcome}"
                otel.spans_exporter.clear()
                otel.logs_exporter.clear()
                ledger.clear()
                seen, sent = await observe(mode, outcome)
                want_seen, want_sent = expected_seen[(mode, outcome)]
                assert seen == want_seen, where
                assert sent == want_sent, where  # one request, the caller's own arguments

                # every span started was ended, once
                assert sorted(ledger.started) == sorted(ledger.ended), where
                assert len(set(ledger.ended)) == len(ledger.ended), where
                assert len(ledger.started) == (0 if fault == "parse_request" else 1), where

                labels = [label for label, _ in internal_errors]
                expected = expected_labels(fault, mode, outcome)
                if expected is None:
                    assert labels, where
                else:
                    assert set(labels) == expected, (where, internal_errors)
                assert all(isinstance(exc, Boom) for _, exc in internal_errors), (where, internal_errors)
                reported += labels
                internal_errors.clear()

                spans = otel.spans()
                if fault == "redact":  # fail closed: no content anywhere
                    assert not any(set(s.attributes) & set(CONTENT_KEYS) for s in spans), where
                    assert otel.events() == [], where
                failed_early = fault == "new_accumulator" and mode.kind == "manager"
                if outcome == "http_error" and spans and not failed_early:
                    [span] = spans
                    assert span.status.status_code is StatusCode.ERROR, where
                    assert span.attributes["error.type"], where
                    if fault == "error_type":  # the fallback: the public class name
                        assert span.attributes["error.type"] == f"{provider}.NotFoundError", where
    finally:
        internal_errors.clear()  # asserted call by call above
        if own_meter_provider is not None:
            own_meter_provider.shutdown()
    check_logged_once_per_label(caplog, reported)
    sdk_complaints = [r.getMessage() for r in caplog.records if r.name.startswith("opentelemetry")]
    assert not [m for m in sdk_complaints if "ended span" in m or "detach" in m], sdk_complaints


@pytest.mark.parametrize(("provider", "fault"), fault_params(ADAPTER_FAULTS))
async def test_an_exploding_adapter_leaves_the_call_untouched(
    otel, ledger, internal_errors, caplog, monkeypatch, fresh_warnings, provider, fault
):
    await _run_matrix(otel, ledger, internal_errors, caplog, monkeypatch, provider, fault)


@pytest.mark.parametrize(("provider", "fault"), fault_params(HOOK_FAULTS))
async def test_an_exploding_user_hook_leaves_the_call_untouched(
    otel, ledger, internal_errors, caplog, monkeypatch, fresh_warnings, provider, fault
):
    await _run_matrix(otel, ledger, internal_errors, caplog, monkeypatch, provider, fault)


@pytest.mark.parametrize(("provider", "fault"), fault_params(PIPELINE_FAULTS))
async def test_an_exploding_telemetry_pipeline_leaves_the_call_untouched(
    otel, ledger, internal_errors, caplog, monkeypatch, fresh_warnings, provider, fault
):
    await _run_matrix(otel, ledger, internal_errors, caplog, monkeypatch, provider, fault)


# --- fail closed, and what survives a failure -------------------------------------------------------------


@pytest.mark.parametrize(
    "redact",
    [explode("redact"), lambda text: None, lambda text: text.encode()],
    ids=["raises", "returns-none", "returns-bytes"],
)
async def test_a_failing_redactor_exports_no_content_at_all(otel, internal_errors, redact):
    mode = Mode("openai", False, "plain")
    want, _ = await baseline(mode, "ok")
    otel.instrument(capture_content="SPAN_AND_EVENT", redact=redact)
    seen, _ = await observe(mode, "ok")
    assert seen == want
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)
    assert otel.events() == []
    exported = json.dumps([dict(s.attributes) for s in otel.spans()], default=str)
    assert "Hello" not in exported  # neither the input nor the output text went anywhere
    assert span.attributes["gen_ai.response.id"] == ob.CHAT_ID  # the rest of the telemetry did
    assert {label for label, _ in internal_errors} == {"sanitise content"}
    internal_errors.clear()


async def test_a_failing_completion_hook_still_exports_content_and_metrics(otel, internal_errors):
    otel.instrument(capture_content="SPAN_ONLY", completion_hook=explode("completion hook"))
    await observe(Mode("anthropic", False, "plain"), "ok")
    span = otel.span()
    assert json.loads(span.attributes["gen_ai.input.messages"])[0]["parts"][0]["content"] == "Hello"
    assert "gen_ai.client.inference.duration" in otel.metrics()
    assert [label for label, _ in internal_errors] == ["completion hook"]
    internal_errors.clear()


async def test_a_failing_event_pipeline_does_not_cost_the_metrics(otel, internal_errors):
    otel.logger_provider.add_log_record_processor(RaisingLogProcessor())
    otel.instrument(capture_content="EVENT_ONLY")
    try:
        await observe(Mode("openai", False, "plain"), "ok")
        assert otel.span().attributes["gen_ai.response.id"] == ob.CHAT_ID
        assert "gen_ai.client.inference.duration" in otel.metrics()
    finally:
        internal_errors.clear()


async def test_one_patch_target_that_cannot_be_installed_skips_only_that_target(
    otel, internal_errors, monkeypatch
):
    module = importlib.import_module("genai_otel.providers.openai")
    bogus = PatchTarget("openai.resources.chat.completions.completions", "Completions.no_such_method")
    patched = dataclasses.replace(module.ADAPTER, targets=(bogus, *module.ADAPTER.targets))
    monkeypatch.setattr(module, "ADAPTER", patched)
    otel.instrument()
    assert [label for label, _ in internal_errors] == [
        "openai: patch openai.resources.chat.completions.completions:Completions.no_such_method"
    ]
    internal_errors.clear()
    assert {"openai", "anthropic"} <= REGISTRY.installed
    seen, _ = await observe(Mode("openai", False, "plain"), "ok")
    assert seen[0] == "returned"
    assert otel.span().name == f"chat {ob.MODEL}"


# --- our post-import hook never breaks `import` -------------------------------------------------------------

IMPORT_PRELUDE = """
    import importlib, sys
    sys.path.insert(0, {tests!r})
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.sdk.metrics import MeterProvider
    import genai_otel
    from genai_otel import _guard
    _guard.add_sink(lambda label, exc: print("SWALLOWED", label, type(exc).__name__, flush=True))
"""
IMPORT_BREAKERS = {
    # the adapter module cannot be loaded when the hook fires
    "adapter-import-fails": """
        real_import_module = importlib.import_module
        def import_module(name, package=None):
            if name == "genai_otel.providers.openai":
                raise ImportError("adapter exploded")
            return real_import_module(name, package)
        importlib.import_module = import_module
    """,
    # anything else in the hook raises
    "hook-body-fails": """
        from genai_otel._patching.registry import Registry
        def on_import(self, name):
            raise RuntimeError("hook exploded")
        Registry._on_import = on_import
    """,
}
IMPORT_AND_CALL = """
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    genai_otel.instrument(tracer_provider=tracer_provider, meter_provider=MeterProvider())
    assert "openai" not in sys.modules
    import openai
    from openai.resources.chat.completions.completions import Completions
    from bodies import openai_bodies as ob
    from replay import Replay, Reply
    client = openai.OpenAI(api_key="sk-x", max_retries=0,
                           http_client=Replay(Reply(json_body=ob.chat_completion())).sync_client())
    result = client.chat.completions.create(model=ob.MODEL, messages=[{{"role": "user", "content": "Hi"}}])
    print("RESULT", result.id, result.choices[0].message.content)
    print("PATCHED", type(Completions.__dict__["create"]).__name__)
    print("SPANS", len(exporter.get_finished_spans()))
"""


@pytest.mark.parametrize("breaker", list(IMPORT_BREAKERS))
def test_a_failing_post_import_hook_does_not_break_import(breaker):
    code = (
        textwrap.dedent(IMPORT_PRELUDE.format(tests=TESTS_DIR))
        + textwrap.dedent(IMPORT_BREAKERS[breaker])
        + textwrap.dedent(IMPORT_AND_CALL.format())
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "GENAI_OTEL_"))}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert f"RESULT {ob.CHAT_ID} Hello! How can I assist you today?" in done.stdout
    assert "PATCHED function" in done.stdout  # not instrumented, but working
    assert "SPANS 0" in done.stdout
    label = "openai: load adapter" if breaker == "adapter-import-fails" else "openai: post-import hook"
    assert f"SWALLOWED {label}" in done.stdout
    assert f"genai_otel: {label} failed" in done.stderr  # logged at WARNING


# --- BaseExceptions from under the SDK ----------------------------------------------------------------------


class _Interrupting(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """An SSE body that raises ``exc`` after ``after`` events."""

    def __init__(self, body: str, after: int, exc: BaseException) -> None:
        self.parts = [p.encode() + b"\n\n" for p in body.split("\n\n") if p]
        self.after = after
        self.exc = exc

    def __iter__(self) -> Iterator[bytes]:
        yield from self.parts[: self.after]
        raise self.exc

    async def __aiter__(self):  # type: ignore[override]
        for part in self.parts[: self.after]:
            yield part
        raise self.exc


def interrupting_client(mode: Mode, exc: BaseException) -> Any:
    """A client whose transport raises ``exc``: at once (plain), or mid-stream after 2 events."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        if not mode.streams:
            raise exc
        body = ob.chat_stream() if mode.provider == "openai" else ab.STREAM_TEXT
        headers = {"content-type": "text/event-stream; charset=utf-8"}
        return httpx2.Response(200, headers=headers, stream=_Interrupting(body, 2, exc))

    transport = httpx2.MockTransport(handler)
    http_client = (
        httpx2.AsyncClient(transport=transport) if mode.asynchronous else httpx2.Client(transport=transport)
    )
    return client_for(mode, http_client)


BASE_EXCEPTION_MODES = [
    Mode(p, a, k) for p in ("openai", "anthropic") for a in (False, True) for k in ("plain", "stream")
]


@pytest.mark.parametrize("mode", BASE_EXCEPTION_MODES, ids=str)
async def test_keyboard_interrupt_from_the_transport_propagates_unchanged(otel, ledger, mode):
    interrupt = KeyboardInterrupt("operator pressed ^C")
    client = interrupting_client(mode, interrupt)
    with pytest.raises(KeyboardInterrupt) as caught:
        await call(mode, client)
    assert caught.value is interrupt
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "KeyboardInterrupt"
    assert sorted(ledger.started) == sorted(ledger.ended) == [span.context.span_id]


@pytest.mark.parametrize("mode", [m for m in BASE_EXCEPTION_MODES if m.asynchronous], ids=str)
async def test_cancellation_propagates_unchanged_and_ends_the_span(otel, ledger, mode):
    entered = asyncio.Event()

    async def handler(request: httpx2.Request) -> httpx2.Response:
        entered.set()
        await asyncio.Event().wait()  # the server never answers
        raise AssertionError("not reached")

    async def stalled_after_two() -> Any:
        body = ob.chat_stream() if mode.provider == "openai" else ab.STREAM_TEXT
        parts = [p.encode() + b"\n\n" for p in body.split("\n\n") if p]
        for part in parts[:2]:
            yield part
        entered.set()
        await asyncio.Event().wait()

    class Stalled(httpx2.AsyncByteStream):
        def __aiter__(self):  # type: ignore[override]
            return stalled_after_two()

    async def stream_handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=Stalled())

    transport = httpx2.MockTransport(stream_handler if mode.streams else handler)
    client = client_for(mode, httpx2.AsyncClient(transport=transport))
    task = asyncio.ensure_future(call(mode, client))
    await asyncio.wait_for(entered.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "asyncio.CancelledError"
    assert sorted(ledger.started) == sorted(ledger.ended) == [span.context.span_id]

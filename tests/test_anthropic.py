"""End to end through the real, unmodified ``anthropic`` clients.

``Anthropic`` / ``AsyncAnthropic`` talk to the replay transport after ``otel`` instrumented;
each behaviour is written once and runs over the matrix {sync, async} x {``messages.create``,
``messages.create(stream=True)`` iterated, the ``messages.stream(...)`` manager}. The clients
are given the test's tracer provider too (``open_telemetry={"tracer_provider": ...}``), so the
SDK's own tracing is live and any doubled span would show.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import anthropic
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.sampling import Decision
from opentelemetry.trace import SpanKind, StatusCode

import genai_otel
from bodies.anthropic_bodies import (
    CACHED,
    HEADERS,
    MODEL,
    NOT_FOUND,
    OVERLOADED,
    RESPONSE_MODEL,
    STREAM_ERROR,
    TEXT,
    THINKING,
    TOOL_USE,
)
from replay import Replay, Reply, sse_events
from sampling import RecordingSampler, instrument_with_sampler
from spans import span_attrs

#: Obviously fake, but shaped like a real key so a leak would be recognisable.
API_KEY = "sk-ant-api03-FAKEFAKEFAKEFAKE-test-key-not-real-0000000000000000-AAAAAAAA"
PARAMS: dict[str, Any] = {
    "model": MODEL,
    "max_tokens": 1024,
    "messages": [{"role": "user", "content": "Hello"}],
}
SPAN_NAME = f"chat {MODEL}"

CONTENT_KEYS = (
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.definitions",
)
LATEST = {
    "gen_ai.client.inference.duration",
    "gen_ai.client.inference.usage.input_tokens",
    "gen_ai.client.inference.usage.output_tokens",
    "gen_ai.client.inference.usage.cache_read.input_tokens",
    "gen_ai.client.inference.usage.cache_write.input_tokens",
    "gen_ai.client.inference.operation.input_tokens",
    "gen_ai.client.inference.operation.output_tokens",
}
LATEST_STREAM = {
    "gen_ai.client.inference.time_to_first_chunk",
    "gen_ai.client.inference.time_per_output_chunk",
}
LEGACY = {"gen_ai.client.operation.duration", "gen_ai.client.token.usage"}
LEGACY_STREAM = {
    "gen_ai.client.operation.time_to_first_chunk",
    "gen_ai.client.operation.time_per_output_chunk",
}


# --- the call matrix ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallMode:
    asynchronous: bool
    kind: str  # "create" | "stream" (create(stream=True)) | "manager" (messages.stream)

    def __str__(self) -> str:
        return f"{'async' if self.asynchronous else 'sync'}-{self.kind}"

    @property
    def streams(self) -> bool:
        return self.kind != "create"


CALL_MODES = [CallMode(a, k) for a in (False, True) for k in ("create", "stream", "manager")]
STREAM_MODES = [m for m in CALL_MODES if m.streams]


@pytest.fixture(params=CALL_MODES, ids=str)
def call_mode(request: pytest.FixtureRequest) -> CallMode:
    return request.param


def client_for(mode: CallMode, replay: Replay, tracer_provider: Any = None, **options: Any) -> Any:
    options.setdefault("max_retries", 0)
    if tracer_provider is not None:
        options["open_telemetry"] = {"tracer_provider": tracer_provider}
    if mode.asynchronous:
        return anthropic.AsyncAnthropic(api_key=API_KEY, http_client=replay.async_client(), **options)
    return anthropic.Anthropic(api_key=API_KEY, http_client=replay.sync_client(), **options)


async def call(mode: CallMode, client: Any, **params: Any) -> Any:
    """One call made the way ``mode`` says and read to the end; what the caller got, as plain data."""
    messages = client.messages
    if mode.kind == "create":
        result = messages.create(**params)
        if mode.asynchronous:
            result = await result
        assert isinstance(result, anthropic.types.Message)
        return result.model_dump()
    if mode.kind == "stream":
        if mode.asynchronous:
            stream = await messages.create(**params, stream=True)
            assert isinstance(stream, anthropic.AsyncStream)
            return [event.model_dump() async for event in stream]
        stream = messages.create(**params, stream=True)
        assert isinstance(stream, anthropic.Stream)
        return [event.model_dump() for event in stream]
    if mode.asynchronous:
        async with messages.stream(**params) as stream:
            return (await stream.get_final_message()).model_dump()
    with messages.stream(**params) as stream:
        return stream.get_final_message().model_dump()


def sse_of(body: dict[str, Any]) -> str:
    """The SSE stream the API sends for the message ``body``: ``message_start`` (input-side usage),
    per block ``content_block_start`` / deltas / ``content_block_stop``, a ``ping``,
    ``message_delta`` (stop reason, cumulative usage) and ``message_stop``."""
    usage = body["usage"]
    start = {
        **body,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {**usage, "output_tokens": 1},
    }
    events: list[tuple[str, Any]] = [("message_start", {"type": "message_start", "message": start})]
    for index, block in enumerate(body["content"]):
        kind = block["type"]
        if kind == "text":
            first: dict[str, Any] = {"type": "text", "text": ""}
            text = block["text"]
            deltas = [{"type": "text_delta", "text": text[i : i + 12]} for i in range(0, len(text), 12)]
        elif kind == "thinking":
            first = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [
                {"type": "thinking_delta", "thinking": block["thinking"]},
                {"type": "signature_delta", "signature": block["signature"]},
            ]
        elif kind == "tool_use":
            first = {**block, "input": {}}
            arguments = json.dumps(block["input"])
            deltas = [
                {"type": "input_json_delta", "partial_json": arguments[i : i + 9]}
                for i in range(0, len(arguments), 9)
            ]
        else:  # pragma: no cover - only the kinds above are used here
            raise AssertionError(kind)
        events.append(
            ("content_block_start", {"type": "content_block_start", "index": index, "content_block": first})
        )
        if index == 0:
            events.append(("ping", {"type": "ping"}))
        events += [
            ("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d})
            for d in deltas
        ]
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    counts = (
        "input_tokens",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
        "output_tokens",
        "output_tokens_details",
    )
    delta_usage = {k: usage[k] for k in counts if k in usage}
    delta = {"stop_reason": body["stop_reason"], "stop_sequence": None}
    events.append(("message_delta", {"type": "message_delta", "delta": delta, "usage": delta_usage}))
    events.append(("message_stop", {"type": "message_stop"}))
    return sse_events(events)


def chunk_count(sse: str) -> int:
    """Events the SDK yields (``ping`` is dropped)."""
    return sum(1 for frame in sse.split("\n\n") if frame and not frame.startswith("event: ping"))


def reply_for(mode: CallMode, body: dict[str, Any]) -> Reply:
    if mode.streams:
        return Reply(sse=sse_of(body), headers=HEADERS)
    return Reply(json_body=body, headers=HEADERS)


async def run(otel: Any, mode: CallMode, body: dict[str, Any] = TEXT, **params: Any) -> Any:
    replay = Replay(reply_for(mode, body))
    client = client_for(mode, replay, otel.tracer_provider)
    return await call(mode, client, **(params or PARAMS))


@contextmanager
def uninstrumented(otel: Any, **settings: Any) -> Iterator[None]:
    """Runs the block without genai_otel (the SDK's own span goes to the exporter and is dropped)."""
    genai_otel.uninstrument()
    try:
        yield
    finally:
        otel.instrument(**settings)
        otel.spans_exporter.clear()


# --- expectations -------------------------------------------------------------------------------------


def start_attrs(mode: CallMode, **extra: Any) -> dict[str, Any]:
    attrs = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": MODEL,
        "server.address": "api.anthropic.com",
        "server.port": 443,
        "gen_ai.request.max_tokens": 1024,
    }
    if mode.streams:
        attrs["gen_ai.request.stream"] = True
    attrs.update(extra)
    return attrs


def response_attrs(
    body: dict[str, Any],
    input_tokens: int,
    output_tokens: int,
    cache_read: int = 0,
    cache_write: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "gen_ai.response.id": body["id"],
        "gen_ai.response.model": RESPONSE_MODEL,
        "gen_ai.response.finish_reasons": (body["stop_reason"],),
        "gen_ai.usage.input_tokens": input_tokens,
        "gen_ai.usage.output_tokens": output_tokens,
        "gen_ai.usage.cache_read.input_tokens": cache_read,
        "gen_ai.usage.cache_write.input_tokens": cache_write,
        "anthropic.response.service_tier": "standard",
        **extra,
    }


def metric_attrs(**extra: Any) -> dict[str, Any]:
    return {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": MODEL,
        "server.address": "api.anthropic.com",
        "server.port": 443,
        **extra,
    }


def one_point(otel: Any, name: str) -> Any:
    points = otel.metrics().get(name, [])
    assert len(points) == 1, (name, [dict(p.attributes) for p in points])
    return points[0]


def counter_values(otel: Any, name: str) -> dict[str, int]:
    """A usage counter's value per ``gen_ai.token.modality`` (other attributes checked too)."""
    out = {}
    for point in otel.metrics().get(name, []):
        attrs = dict(point.attributes)
        out[attrs.pop("gen_ai.token.modality")] = point.value
        answered = {"gen_ai.response.model": RESPONSE_MODEL} if "gen_ai.response.model" in attrs else {}
        assert attrs == metric_attrs(**answered)
    return out


def all_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from all_strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from all_strings(v)
    elif value is not None:
        yield str(value)


def plain(value: Any) -> Any:
    """Structured log attributes come back with tuples for lists (and mappings as they were)."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict) or hasattr(value, "items"):
        return {k: plain(v) for k, v in value.items()}
    return value


# --- spans ------------------------------------------------------------------------------------------------


async def test_one_client_span_with_exactly_the_semconv_attributes(otel, call_mode):
    result = await run(otel, call_mode)
    assert result  # the caller got its response

    span = otel.span()  # one span: the SDK's own anthropic.messages.create span is suppressed
    assert span.name == SPAN_NAME
    assert not [s.name for s in otel.spans() if s.name.startswith("anthropic.")]
    assert span.kind is SpanKind.CLIENT
    assert span.instrumentation_scope.name == "genai_otel"
    assert span.parent is None
    assert span.status.status_code is StatusCode.UNSET
    assert span.events == ()
    assert span_attrs(span, call_mode.streams) == {**start_attrs(call_mode), **response_attrs(TEXT, 12, 11)}


async def test_result_is_what_the_uninstrumented_sdk_returns(otel, call_mode):
    with uninstrumented(otel):
        expected = await run(otel, call_mode, TOOL_USE)
        # the SDK's own tracing is live in these tests: without genai_otel its span is there
        assert [s.name for s in otel.spans()] == ["anthropic.messages.create"]
    assert await run(otel, call_mode, TOOL_USE) == expected
    assert [s.name for s in otel.spans()] == [SPAN_NAME]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(TEXT, response_attrs(TEXT, 12, 11), id="text"),
        # Anthropic's input_tokens leaves the cache out; semconv's includes it: 21 + 2048 + 188
        pytest.param(CACHED, response_attrs(CACHED, 2257, 393, cache_read=2048, cache_write=188), id="cache"),
        pytest.param(
            THINKING,
            response_attrs(THINKING, 45, 310, **{"gen_ai.usage.reasoning.output_tokens": 254}),
            id="thinking",
        ),
        pytest.param(TOOL_USE, response_attrs(TOOL_USE, 384, 76), id="tool_use"),
    ],
)
async def test_response_attributes_and_usage(otel, call_mode, body, expected):
    await run(otel, call_mode, body)
    assert span_attrs(otel.span(), call_mode.streams) == {**start_attrs(call_mode), **expected}


async def test_request_parameters_only_when_passed(otel, call_mode):
    params = {**PARAMS, "stop_sequences": ["END", "STOP"], "service_tier": "standard_only"}
    await run(otel, call_mode, **params)
    attrs = span_attrs(otel.span(), call_mode.streams)
    requested = {k: v for k, v in attrs.items() if k.startswith(("gen_ai.request.", "anthropic.request."))}
    expected = {
        "gen_ai.request.model": MODEL,
        "gen_ai.request.max_tokens": 1024,
        "gen_ai.request.stop_sequences": ("END", "STOP"),
        "anthropic.request.service_tier": "standard_only",
    }
    if call_mode.streams:
        expected["gen_ai.request.stream"] = True
    assert requested == expected  # nothing invented: no temperature, top_p, top_k, seed, ...


async def test_sampling_parameters_sent_through_extra_body_are_reported(otel):
    mode = CallMode(False, "create")
    replay = Replay(reply_for(mode, TEXT))
    client = client_for(mode, replay, otel.tracer_provider)
    await call(mode, client, **PARAMS, extra_body={"temperature": 1, "top_k": 40, "top_p": 0.9})
    assert {k: replay.bodies[0][k] for k in ("temperature", "top_k", "top_p")} == {
        "temperature": 1,
        "top_k": 40,
        "top_p": 0.9,
    }
    attrs = dict(otel.span().attributes)
    assert attrs["gen_ai.request.temperature"] == 1.0 and type(attrs["gen_ai.request.temperature"]) is float
    assert attrs["gen_ai.request.top_k"] == 40 and type(attrs["gen_ai.request.top_k"]) is int
    assert attrs["gen_ai.request.top_p"] == 0.9


async def test_span_uses_the_clients_base_url_for_server_attributes(otel, call_mode):
    replay = Replay(reply_for(call_mode, TEXT))
    client = client_for(call_mode, replay, otel.tracer_provider, base_url="http://localhost:8089/proxy")
    await call(call_mode, client, **PARAMS)
    attrs = dict(otel.span().attributes)
    assert (attrs["server.address"], attrs["server.port"]) == ("localhost", 8089)
    assert str(replay.requests[0].url) == "http://localhost:8089/proxy/v1/messages"


async def test_sampling_relevant_attributes_are_given_at_span_start(otel, call_mode):
    sampler = RecordingSampler()
    provider, exporter = instrument_with_sampler(otel, sampler)
    replay = Replay(reply_for(call_mode, TEXT))
    await call(call_mode, client_for(call_mode, replay, provider), **{**PARAMS, "stop_sequences": ["END"]})
    [(name, kind, attrs)] = sampler.seen
    assert (name, kind) == (SPAN_NAME, SpanKind.CLIENT)
    attrs = {k: tuple(v) if isinstance(v, list) else v for k, v in attrs.items()}
    assert attrs == start_attrs(call_mode, **{"gen_ai.request.stop_sequences": ("END",)})
    assert len(exporter.get_finished_spans()) == 1


async def test_a_dropped_span_still_records_metrics_and_returns_the_result(otel, call_mode):
    with uninstrumented(otel):
        expected = await run(otel, call_mode)
    sampler = RecordingSampler(Decision.DROP)
    provider, exporter = instrument_with_sampler(otel, sampler)
    replay = Replay(reply_for(call_mode, TEXT))
    assert await call(call_mode, client_for(call_mode, replay, provider), **PARAMS) == expected
    assert len(sampler.seen) == 1
    assert exporter.get_finished_spans() == ()
    assert one_point(otel, "gen_ai.client.inference.duration").count == 1
    assert counter_values(otel, "gen_ai.client.inference.usage.input_tokens") == {"unknown": 12}


async def test_the_span_is_a_child_of_the_callers_span_and_leaves_no_current_span(otel, call_mode):
    tracer = otel.tracer_provider.get_tracer("app")
    with tracer.start_as_current_span("handle request") as parent:
        await run(otel, call_mode)
        assert trace.get_current_span() is parent
    assert not trace.get_current_span().get_span_context().is_valid
    chat = next(s for s in otel.spans() if s.name == SPAN_NAME)
    assert chat.parent is not None and chat.parent.span_id == parent.get_span_context().span_id
    assert chat.context.trace_id == parent.get_span_context().trace_id


async def test_count_tokens_gets_no_chat_span_and_keeps_the_sdks_span(otel, call_mode):
    replay = Replay(Reply(json_body={"input_tokens": 14}, headers=HEADERS), reply_for(call_mode, TEXT))
    client = client_for(call_mode, replay, otel.tracer_provider)
    counted = client.messages.count_tokens(model=MODEL, messages=PARAMS["messages"])
    if call_mode.asynchronous:
        counted = await counted
    assert counted.input_tokens == 14
    assert [s.name for s in otel.spans()] == ["anthropic.messages.count_tokens"]
    assert "gen_ai.client.inference.duration" not in otel.metrics()
    await call(call_mode, client, **PARAMS)
    assert [s.name for s in otel.spans()] == ["anthropic.messages.count_tokens", SPAN_NAME]


async def test_retries_are_inside_the_one_span(otel, call_mode):
    retry = Reply(status=529, json_body=OVERLOADED, headers={**HEADERS, "retry-after-ms": "1"})
    replay = Replay(retry, reply_for(call_mode, TEXT))
    client = client_for(call_mode, replay, otel.tracer_provider, max_retries=1)
    await call(call_mode, client, **PARAMS)
    assert len(replay.requests) == 2
    span = otel.span()
    assert span.status.status_code is StatusCode.UNSET
    assert "error.type" not in span.attributes
    assert span.attributes["gen_ai.response.id"] == TEXT["id"]


# --- metrics ----------------------------------------------------------------------------------------------


async def test_latest_metrics(otel, call_mode):
    await run(otel, call_mode, CACHED)
    span = otel.span()
    metrics = otel.metrics()
    assert set(metrics) == LATEST | (LATEST_STREAM if call_mode.streams else set())
    ok = metric_attrs(**{"gen_ai.response.model": RESPONSE_MODEL})

    duration = one_point(otel, "gen_ai.client.inference.duration")
    assert dict(duration.attributes) == ok
    assert duration.count == 1
    assert 0 < duration.sum <= (span.end_time - span.start_time) / 1e9
    assert list(duration.explicit_bounds)[:3] == [0.01, 0.02, 0.04]

    assert counter_values(otel, "gen_ai.client.inference.usage.input_tokens") == {"unknown": 2257}
    assert counter_values(otel, "gen_ai.client.inference.usage.output_tokens") == {"unknown": 393}
    assert counter_values(otel, "gen_ai.client.inference.usage.cache_read.input_tokens") == {"unknown": 2048}
    assert counter_values(otel, "gen_ai.client.inference.usage.cache_write.input_tokens") == {"unknown": 188}
    for name, tokens in (("input_tokens", 2257), ("output_tokens", 393)):
        point = one_point(otel, f"gen_ai.client.inference.operation.{name}")
        assert dict(point.attributes) == ok  # not split by modality
        assert (point.count, point.sum) == (1, tokens)
        assert list(point.explicit_bounds)[:3] == [1, 4, 16]

    if call_mode.streams:
        ttfc = one_point(otel, "gen_ai.client.inference.time_to_first_chunk")
        assert dict(ttfc.attributes) == ok
        assert (ttfc.count, ttfc.sum) == (1, span.attributes["gen_ai.response.time_to_first_chunk"])
        [gaps] = otel.metrics()["gen_ai.client.inference.time_per_output_chunk"]
        assert dict(gaps.attributes) == ok
        assert gaps.count == chunk_count(sse_of(CACHED)) - 1  # every chunk after the first


async def test_reasoning_tokens_are_counted(otel, call_mode):
    await run(otel, call_mode, THINKING)
    assert counter_values(otel, "gen_ai.client.inference.usage.reasoning.output_tokens") == {"unknown": 254}
    assert counter_values(otel, "gen_ai.client.inference.usage.output_tokens") == {"unknown": 310}


@pytest.mark.parametrize(
    ("semconv", "names", "stream_names"),
    [
        ("latest", LATEST, LATEST_STREAM),
        ("legacy", LEGACY, LEGACY_STREAM),
        ("both", LATEST | LEGACY, LATEST_STREAM | LEGACY_STREAM),
    ],
)
async def test_semconv_setting_picks_the_metric_names(otel, call_mode, semconv, names, stream_names):
    otel.instrument(semconv=semconv)
    await run(otel, call_mode, CACHED)
    metrics = otel.metrics()
    assert set(metrics) == names | (stream_names if call_mode.streams else set())
    ok = metric_attrs(**{"gen_ai.response.model": RESPONSE_MODEL})
    if "gen_ai.client.operation.duration" in names:
        assert dict(one_point(otel, "gen_ai.client.operation.duration").attributes) == ok
        usage = {p.attributes["gen_ai.token.type"]: p for p in metrics["gen_ai.client.token.usage"]}
        assert set(usage) == {"input", "output"}
        for token_type, tokens in (("input", 2257), ("output", 393)):
            assert dict(usage[token_type].attributes) == {**ok, "gen_ai.token.type": token_type}
            assert (usage[token_type].count, usage[token_type].sum) == (1, tokens)
        if call_mode.streams:
            assert one_point(otel, "gen_ai.client.operation.time_to_first_chunk").count == 1
    assert len(otel.spans()) == 1


# --- failures ---------------------------------------------------------------------------------------------


async def raised(coro: Any) -> BaseException:
    try:
        await coro
    except Exception as exc:
        return exc
    raise AssertionError("the call did not raise")


def same_failure(exc: BaseException) -> tuple[Any, ...]:
    return type(exc), str(exc), getattr(exc, "status_code", None), getattr(exc, "body", None)


@pytest.mark.parametrize(
    ("status", "body", "exc_type", "error_type"),
    [
        (404, NOT_FOUND, anthropic.NotFoundError, "not_found_error"),
        (529, OVERLOADED, anthropic.OverloadedError, "overloaded_error"),
    ],
    ids=["404", "529"],
)
async def test_http_error(otel, call_mode, status, body, exc_type, error_type):
    def attempt() -> Any:
        replay = Replay(Reply(status=status, json_body=body, headers=HEADERS))
        return call(call_mode, client_for(call_mode, replay, otel.tracer_provider), **PARAMS)

    with uninstrumented(otel):
        expected = await raised(attempt())
    exc = await raised(attempt())
    assert type(exc) is exc_type
    assert same_failure(exc) == same_failure(expected)

    span = otel.span()
    assert span.name == SPAN_NAME
    assert span.status.status_code is StatusCode.ERROR
    assert span_attrs(span, streamed=False) == {**start_attrs(call_mode), "error.type": error_type}
    [event] = span.events
    assert event.name == "exception"
    assert event.attributes["exception.type"] == f"anthropic.{exc_type.__name__}"
    assert event.attributes["exception.message"] == str(exc)

    failed = metric_attrs(**{"error.type": error_type})
    duration = one_point(otel, "gen_ai.client.inference.duration")
    assert dict(duration.attributes) == failed
    for name in ("input_tokens", "output_tokens"):  # recorded on failure too, as 0
        point = one_point(otel, f"gen_ai.client.inference.operation.{name}")
        assert (dict(point.attributes), point.sum) == (failed, 0)
    assert counter_values(otel, "gen_ai.client.inference.usage.input_tokens") == {"unknown": 0}
    assert counter_values(otel, "gen_ai.client.inference.usage.output_tokens") == {"unknown": 0}
    assert not set(otel.metrics()) & LATEST_STREAM


@pytest.mark.parametrize("call_mode", STREAM_MODES, ids=str)
async def test_mid_stream_error_event(otel, call_mode):
    def attempt() -> Any:
        replay = Replay(Reply(sse=STREAM_ERROR, headers=HEADERS))
        return call(call_mode, client_for(call_mode, replay, otel.tracer_provider), **PARAMS)

    with uninstrumented(otel):
        expected = await raised(attempt())
    exc = await raised(attempt())
    assert type(exc) is anthropic.APIStatusError
    assert same_failure(exc) == same_failure(expected)

    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span_attrs(span, call_mode.streams) == {
        **start_attrs(call_mode),
        "gen_ai.response.id": "msg_01StreamErr5pQ8rT2uV",
        "gen_ai.response.model": RESPONSE_MODEL,
        "gen_ai.response.finish_reasons": ("error",),  # the message never said why it stopped
        "gen_ai.usage.input_tokens": 18,
        "gen_ai.usage.output_tokens": 1,
        "gen_ai.usage.cache_read.input_tokens": 0,
        "gen_ai.usage.cache_write.input_tokens": 0,
        "anthropic.response.service_tier": "standard",
        "error.type": "overloaded_error",
    }
    assert [e.name for e in span.events] == ["exception"]

    failed = metric_attrs(**{"gen_ai.response.model": RESPONSE_MODEL, "error.type": "overloaded_error"})
    assert dict(one_point(otel, "gen_ai.client.inference.duration").attributes) == failed
    point = one_point(otel, "gen_ai.client.inference.operation.input_tokens")
    assert (dict(point.attributes), point.sum) == (failed, 18)
    assert counter_values(otel, "gen_ai.client.inference.usage.input_tokens") == {"unknown": 18}
    assert one_point(otel, "gen_ai.client.inference.time_to_first_chunk").count == 1


# --- the messages.stream manager ------------------------------------------------------------------------


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("read", ["text_stream", "get_final_message", "until_done", "iterate"])
async def test_stream_manager_ends_the_span_when_the_stream_is_read(otel, asynchronous, read):
    mode = CallMode(asynchronous, "manager")
    client = client_for(mode, Replay(reply_for(mode, TOOL_USE)), otel.tracer_provider)
    manager = client.messages.stream(**PARAMS)
    assert otel.spans() == []  # nothing is sent before the manager is entered
    if asynchronous:
        async with manager as stream:
            assert isinstance(stream, anthropic.lib.streaming.AsyncMessageStream)
            if read == "text_stream":
                text = "".join([t async for t in stream.text_stream])
            elif read == "get_final_message":
                text = (await stream.get_final_message()).content[0].text
            elif read == "until_done":
                await stream.until_done()
                text = await stream.get_final_text()
            else:
                text = "".join(
                    [
                        e.delta.text
                        async for e in stream
                        if e.type == "content_block_delta" and e.delta.type == "text_delta"
                    ]
                )
            assert len(otel.spans()) == 1  # ended when the stream was read, inside the block
    else:
        with manager as stream:
            assert isinstance(stream, anthropic.lib.streaming.MessageStream)
            if read == "text_stream":
                text = "".join(stream.text_stream)
            elif read == "get_final_message":
                text = stream.get_final_message().content[0].text
            elif read == "until_done":
                stream.until_done()
                text = stream.get_final_text()
            else:
                text = "".join(
                    e.delta.text
                    for e in stream
                    if e.type == "content_block_delta" and e.delta.type == "text_delta"
                )
            assert len(otel.spans()) == 1
    assert text == TOOL_USE["content"][0]["text"]
    span = otel.span()
    assert span_attrs(span, mode.streams) == {**start_attrs(mode), **response_attrs(TOOL_USE, 384, 76)}


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_stream_manager_early_exit_ends_the_span_at_exit(otel, asynchronous):
    mode = CallMode(asynchronous, "manager")
    client = client_for(mode, Replay(reply_for(mode, TOOL_USE)), otel.tracer_provider)
    if asynchronous:
        async with client.messages.stream(**PARAMS) as stream:
            async for event in stream:
                assert event.type == "message_start"
                break
            assert otel.spans() == []
    else:
        with client.messages.stream(**PARAMS) as stream:
            for event in stream:
                assert event.type == "message_start"
                break
            assert otel.spans() == []
    span = otel.span()
    assert span.status.status_code is StatusCode.UNSET
    attrs = span_attrs(span, mode.streams)
    assert attrs["gen_ai.response.id"] == TOOL_USE["id"]
    assert attrs["gen_ai.response.finish_reasons"] == ("error",)  # cut before message_delta
    assert attrs["gen_ai.usage.input_tokens"] == 384
    assert "error.type" not in attrs


@pytest.mark.parametrize(
    "call_mode",
    STREAM_MODES,
    ids=str,
)
async def test_a_with_block_left_by_the_callers_exception(otel, call_mode):
    client = client_for(call_mode, Replay(reply_for(call_mode, TEXT)), otel.tracer_provider)
    with pytest.raises(KeyError, match="caller's own"):
        if call_mode.kind == "manager":
            if call_mode.asynchronous:
                async with client.messages.stream(**PARAMS) as stream:
                    await stream.__anext__()
                    raise KeyError("caller's own")
            else:
                with client.messages.stream(**PARAMS) as stream:
                    next(stream)
                    raise KeyError("caller's own")
        elif call_mode.asynchronous:
            async with await client.messages.create(**PARAMS, stream=True) as stream:
                await stream.__anext__()
                raise KeyError("caller's own")
        else:
            with client.messages.create(**PARAMS, stream=True) as stream:
                next(stream)
                raise KeyError("caller's own")
    span = otel.span()  # ended at exit
    assert span.attributes["gen_ai.response.finish_reasons"] == ("error",)
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "KeyError"
    assert one_point(otel, "gen_ai.client.inference.duration").attributes["error.type"] == "KeyError"


# --- content ----------------------------------------------------------------------------------------------

IMAGE = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(200))
IMAGE_B64 = base64.b64encode(IMAGE).decode()
TOOL_ID = "toolu_01A09q90qw90lq917835lq9"
WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Get the current weather in a given location",
    "input_schema": {
        "type": "object",
        "properties": {"location": {"type": "string"}},
        "required": ["location"],
    },
}
CONTENT_PARAMS: dict[str, Any] = {
    "model": MODEL,
    "max_tokens": 1024,
    "system": [
        {"type": "text", "text": "You are a weather assistant.", "cache_control": {"type": "ephemeral"}}
    ],
    "tools": [WEATHER_TOOL],
    "messages": [
        {
            "role": "user",
            "content": [
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": IMAGE_B64}},
                {"type": "text", "text": "Where was this taken, and what is the weather there?"},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {
                    "type": "thinking",
                    "thinking": "The photo shows the Eiffel Tower.",
                    "signature": "EqQBCgIYAhIM",
                },
                {"type": "tool_use", "id": TOOL_ID, "name": "get_weather", "input": {"location": "Paris"}},
            ],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": TOOL_ID, "content": "18°C, sunny"}],
        },
    ],
}
ANSWER = {
    "id": "msg_01Hd8x2Kq7VwPbN3mZr4TcYe",
    "type": "message",
    "role": "assistant",
    "model": RESPONSE_MODEL,
    "content": [
        {"type": "thinking", "thinking": "Paris, 18°C. Check Lyon too.", "signature": "EqQBCgIYAhIMzx9"},
        {"type": "text", "text": "That's Paris: 18°C and sunny. Let me check Lyon as well."},
        {
            "type": "tool_use",
            "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
            "name": "get_weather",
            "input": {"location": "Lyon, France"},
        },
    ],
    "stop_reason": "tool_use",
    "stop_sequence": None,
    "usage": {
        "input_tokens": 1534,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": 95,
        "service_tier": "standard",
    },
}
EXPECTED_INPUT = [
    {
        "role": "user",
        "parts": [
            {
                "type": "blob",
                "modality": "image",
                "mime_type": "image/png",
                "size": len(IMAGE),
                "sha256": hashlib.sha256(IMAGE).hexdigest(),
            },
            {"type": "text", "content": "Where was this taken, and what is the weather there?"},
        ],
    },
    {
        "role": "assistant",
        "parts": [
            {"type": "reasoning", "content": "The photo shows the Eiffel Tower."},
            {"type": "tool_call", "id": TOOL_ID, "name": "get_weather", "arguments": {"location": "Paris"}},
        ],
    },
    {"role": "user", "parts": [{"type": "tool_call_response", "id": TOOL_ID, "response": "18°C, sunny"}]},
]
EXPECTED_OUTPUT = [
    {
        "role": "assistant",
        "parts": [
            {"type": "reasoning", "content": "Paris, 18°C. Check Lyon too."},
            {"type": "text", "content": "That's Paris: 18°C and sunny. Let me check Lyon as well."},
            {
                "type": "tool_call",
                "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
                "name": "get_weather",
                "arguments": {"location": "Lyon, France"},
            },
        ],
        "finish_reason": "tool_call",  # tool_use (the span's), in the output-message schema's words
    }
]
EXPECTED_SYSTEM = [{"type": "text", "content": "You are a weather assistant."}]
EXPECTED_TOOLS = [
    {
        "type": "function",
        "name": "get_weather",
        "description": "Get the current weather in a given location",
        "parameters": WEATHER_TOOL["input_schema"],
    }
]
EXPECTED_CONTENT = {
    "gen_ai.input.messages": EXPECTED_INPUT,
    "gen_ai.output.messages": EXPECTED_OUTPUT,
    "gen_ai.system_instructions": EXPECTED_SYSTEM,
    "gen_ai.tool.definitions": EXPECTED_TOOLS,
}

#: Required fields per part type (semconv gen-ai-{input,output}-messages.json).
PART_FIELDS = {
    "text": {"content"},
    "reasoning": {"content"},
    "tool_call": {"name"},
    "tool_call_response": {"response"},
    "blob": {"modality"},
    "uri": {"modality", "uri"},
    "file": {"modality", "file_id"},
}


def check_schema(key: str, value: Any) -> None:
    """The shape the semconv JSON schema gives each content attribute."""
    assert isinstance(value, list)
    if key in ("gen_ai.input.messages", "gen_ai.output.messages"):
        for msg in value:
            assert isinstance(msg["role"], str) and isinstance(msg["parts"], list)
            for part in msg["parts"]:
                assert PART_FIELDS[part["type"]] <= set(part), part
                if part["type"] == "blob":  # a placeholder, never the bytes
                    assert (
                        "content" not in part and isinstance(part["size"], int) and len(part["sha256"]) == 64
                    )
    elif key == "gen_ai.system_instructions":
        assert all(part["type"] == "text" and isinstance(part["content"], str) for part in value)
    else:
        assert all(tool["type"] == "function" and isinstance(tool["name"], str) for tool in value)


async def test_span_only_content(otel, call_mode):
    otel.instrument(capture_content="SPAN_ONLY")
    await run(otel, call_mode, ANSWER, **CONTENT_PARAMS)
    span = otel.span()
    for key, expected in EXPECTED_CONTENT.items():
        raw = span.attributes[key]
        assert isinstance(raw, str)  # a JSON string on spans
        value = json.loads(raw)
        check_schema(key, value)
        assert value == expected, key
    assert not any(IMAGE_B64[:40] in str(v) for v in span.attributes.values())
    assert otel.events() == []  # no event in SPAN_ONLY


@pytest.mark.parametrize(
    ("body", "sent", "schema"),
    [
        pytest.param(TEXT, "end_turn", "stop", id="end_turn"),
        pytest.param(TOOL_USE, "tool_use", "tool_call", id="tool_use"),
        pytest.param({**TEXT, "stop_reason": "max_tokens"}, "max_tokens", "length", id="max_tokens"),
        pytest.param({**TEXT, "stop_reason": "refusal"}, "refusal", "content_filter", id="refusal"),
        pytest.param({**TEXT, "stop_reason": "pause_turn"}, "pause_turn", "pause_turn", id="pause_turn"),
    ],
)
async def test_finish_reason_as_sent_on_the_span_and_the_schema_value_in_the_message(
    otel, call_mode, body, sent, schema
):
    """``pause_turn`` has no counterpart in the schema's enum (open): kept as sent."""
    otel.instrument(capture_content="SPAN_ONLY")
    await run(otel, call_mode, body)
    attrs = otel.span().attributes
    assert attrs["gen_ai.response.finish_reasons"] == (sent,)
    [output] = json.loads(attrs["gen_ai.output.messages"])
    assert output["finish_reason"] == schema


async def test_event_only_content(otel, call_mode):
    otel.instrument(capture_content="EVENT_ONLY")
    await run(otel, call_mode, ANSWER, **CONTENT_PARAMS)
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)
    [record] = otel.events()
    assert record.event_name == "gen_ai.client.inference.operation.details"
    assert (record.trace_id, record.span_id) == (span.context.trace_id, span.context.span_id)
    attrs = dict(record.attributes)
    for key, expected in EXPECTED_CONTENT.items():
        value = plain(attrs.pop(key))  # structured, not a JSON string
        check_schema(key, value)
        assert value == expected, key
    # the rest is the span's own attribute set
    assert attrs == dict(span.attributes)
    assert not any(IMAGE_B64[:40] in s for s in all_strings(dict(record.attributes)))


async def test_content_event_has_debug_severity(otel):
    from opentelemetry._logs import SeverityNumber

    otel.instrument(capture_content="EVENT_ONLY")
    await run(otel, CallMode(False, "create"))
    [record] = otel.events()
    assert record.severity_number is SeverityNumber.DEBUG


async def test_content_event_of_a_failed_call_carries_error_type(otel):
    otel.instrument(capture_content="EVENT_ONLY")
    mode = CallMode(False, "create")
    replay = Replay(Reply(status=404, json_body=NOT_FOUND, headers=HEADERS))
    with pytest.raises(anthropic.NotFoundError):
        await call(mode, client_for(mode, replay, otel.tracer_provider), **PARAMS)
    [record] = otel.events()
    assert plain(record.attributes["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": "Hello"}]}
    ]
    assert record.attributes["error.type"] == "not_found_error"


async def test_no_content_by_default(otel, call_mode, monkeypatch):
    monkeypatch.delenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", raising=False)
    otel.instrument()
    await run(otel, call_mode, ANSWER, **CONTENT_PARAMS)
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)
    assert otel.events() == []
    texts = " ".join(all_strings(dict(span.attributes)))
    assert "Eiffel" not in texts and "weather assistant" not in texts and "Lyon" not in texts


async def test_the_api_key_is_never_exported(otel, call_mode):
    otel.instrument(capture_content="SPAN_AND_EVENT")
    params = {**PARAMS, "messages": [{"role": "user", "content": f"Is my key {API_KEY} still valid?"}]}
    replay = Replay(Reply(json_body={"input_tokens": 20}, headers=HEADERS), reply_for(call_mode, TEXT))
    client = client_for(call_mode, replay, otel.tracer_provider)
    counted = client.messages.count_tokens(model=MODEL, messages=params["messages"])
    if call_mode.asynchronous:
        await counted
    await call(call_mode, client, **params)
    assert any(API_KEY in value for value in replay.requests[-1].headers.values())  # the SDK did send it

    exported: list[str] = []
    for span in otel.spans():
        exported += [span.name, *all_strings(dict(span.attributes))]
        for event in span.events:
            exported += [event.name, *all_strings(dict(event.attributes))]
    for record in otel.events():
        exported += [str(record.body), *all_strings(dict(record.attributes or {}))]
    for points in otel.metrics().values():
        for point in points:
            exported += list(all_strings(dict(point.attributes)))
    assert len(otel.spans()) == 2 and otel.events()
    secret = API_KEY.removeprefix("sk-ant-api03-")
    assert not [s for s in exported if secret[:16] in s]
    chat = next(s for s in otel.spans() if s.name == SPAN_NAME)
    [user] = json.loads(chat.attributes["gen_ai.input.messages"])
    assert user["parts"][0]["content"] == "Is my key [REDACTED:api_key] still valid?"


# --- with_raw_response --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stream",
    [
        False,
        pytest.param(True, id="stream"),
    ],
    ids=["plain", "stream"],
)
@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_with_raw_response(otel, asynchronous, stream, request):
    mode = CallMode(asynchronous, "stream" if stream else "create")
    client = client_for(mode, Replay(reply_for(mode, TEXT)), otel.tracer_provider)
    params = {**PARAMS, "stream": True} if stream else PARAMS
    raw = client.messages.with_raw_response.create(**params)
    if asynchronous:
        raw = await raw
    assert raw.headers["request-id"] == HEADERS["request-id"]
    assert raw.http_response.status_code == 200
    parsed = raw.parse()
    if asynchronous:
        parsed = await parsed
    if stream:
        assert isinstance(parsed, anthropic.AsyncStream if asynchronous else anthropic.Stream)
        events = [e async for e in parsed] if asynchronous else list(parsed)
        assert events[-1].type == "message_stop"
    else:
        assert isinstance(parsed, anthropic.types.Message)
        assert parsed.id == TEXT["id"]
    span = otel.span()
    assert span_attrs(span, mode.streams) == {**start_attrs(mode), **response_attrs(TEXT, 12, 11)}


def test_one_log_line_says_which_span_is_used(otel, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="genai_otel"):
        otel.instrument()
    notes = [r.getMessage() for r in caplog.records if "anthropic.messages.create" in r.getMessage()]
    assert len(notes) == 1
    assert "genai_otel emits the inference span" in notes[0] and 'exclude=["anthropic"]' in notes[0]


async def test_excluding_the_adapter_gives_the_sdk_span_back(otel):
    otel.instrument(exclude=["anthropic"])
    mode = CallMode(False, "create")
    await call(mode, client_for(mode, Replay(reply_for(mode, TEXT)), otel.tracer_provider), **PARAMS)
    assert [s.name for s in otel.spans()] == ["anthropic.messages.create"]

"""End to end through the real, unmodified ``cohere`` v2 clients.

``ClientV2`` / ``AsyncClientV2`` talk to the replay transport (``httpx_client=``) after ``otel``
instrumented. Chat behaviours run over {sync, async} x {``chat``, ``chat_stream``}; embed and
rerank over {sync, async}.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import cohere
import httpx
import pytest
import wrapt
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

import genai_otel
from bodies.cohere_bodies import (
    BAD_REQUEST,
    CACHED,
    EMBED,
    EMBED_MODEL,
    FAILED,
    HEADERS,
    MAX_TOKENS,
    MODEL,
    RECORDED_GREETING,
    RERANK,
    RERANK_MODEL,
    TEXT,
    THINKING,
    TOKENS_ONLY,
    TOO_MANY_REQUESTS,
    TOOL_CALL,
    TOOL_ID,
    sse_frames,
    sse_of,
    stream_events,
)
from replay import Replay, Reply
from spans import span_attrs

#: Obviously fake, but shaped like a real key (40 characters) so a leak would be recognisable.
API_KEY = "FAKEtestkeynotreal0000000000000000000000"
PARAMS: dict[str, Any] = {"model": MODEL, "messages": [{"role": "user", "content": "Hello"}]}
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
    "gen_ai.client.inference.operation.input_tokens",
    "gen_ai.client.inference.operation.output_tokens",
}
LATEST_STREAM = {
    "gen_ai.client.inference.time_to_first_chunk",
    "gen_ai.client.inference.time_per_output_chunk",
}


@dataclass(frozen=True)
class CallMode:
    asynchronous: bool
    streams: bool

    def __str__(self) -> str:
        return f"{'async' if self.asynchronous else 'sync'}-{'stream' if self.streams else 'chat'}"


CALL_MODES = [CallMode(a, s) for a in (False, True) for s in (False, True)]
STREAM_MODES = [m for m in CALL_MODES if m.streams]
SYNC_ASYNC = pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])


@pytest.fixture(params=CALL_MODES, ids=str)
def call_mode(request: pytest.FixtureRequest) -> CallMode:
    return request.param


def client_for(asynchronous: bool, replay: Replay, **options: Any) -> Any:
    options.setdefault("max_retries", 0)
    if asynchronous:
        return cohere.AsyncClientV2(api_key=API_KEY, httpx_client=replay.async_client(), **options)
    return cohere.ClientV2(api_key=API_KEY, httpx_client=replay.sync_client(), **options)


def reply_for(mode: CallMode, body: dict[str, Any]) -> Reply:
    return (
        Reply(sse=sse_of(body), headers=HEADERS) if mode.streams else Reply(json_body=body, headers=HEADERS)
    )


async def call(mode: CallMode, client: Any, **params: Any) -> Any:
    """One call made the way ``mode`` says and read to the end; what the caller got, as plain data."""
    if not mode.streams:
        result = client.chat(**params)
        if mode.asynchronous:
            result = await result
        assert isinstance(result, cohere.V2ChatResponse)
        return result.dict()
    if mode.asynchronous:
        return [event.dict() async for event in client.chat_stream(**params)]
    return [event.dict() for event in client.chat_stream(**params)]


async def run(otel: Any, mode: CallMode, body: dict[str, Any] = TEXT, **params: Any) -> Any:
    replay = Replay(reply_for(mode, body), lib=httpx)
    return await call(mode, client_for(mode.asynchronous, replay), **(params or PARAMS))


async def maybe_await(value: Any) -> Any:
    return await value if hasattr(value, "__await__") else value


@contextmanager
def uninstrumented(otel: Any) -> Iterator[None]:
    genai_otel.uninstrument()
    try:
        yield
    finally:
        otel.instrument()


def start_attrs(mode: CallMode, **extra: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "cohere",
        "gen_ai.request.model": MODEL,
        "server.address": "api.cohere.com",
        "server.port": 443,
    }
    if mode.streams:
        attrs["gen_ai.request.stream"] = True
    return {**attrs, **extra}


def response_attrs(
    body: dict[str, Any],
    input_tokens: int,
    output_tokens: int,
    billed: tuple[int, int] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """``input_tokens``/``output_tokens``: what the model processed (``usage.tokens``); ``billed``:
    Cohere's billed units, on their own ``cohere.*`` attributes."""
    attrs = {
        "gen_ai.response.id": body["id"],
        "gen_ai.response.finish_reasons": (body["finish_reason"],),  # as Cohere sent it
        "gen_ai.usage.input_tokens": input_tokens,
        "gen_ai.usage.output_tokens": output_tokens,
        **extra,
    }
    if billed is not None:
        attrs["cohere.usage.billed_units.input_tokens"] = billed[0]
        attrs["cohere.usage.billed_units.output_tokens"] = billed[1]
    return attrs


def metric_attrs(operation: str = "chat", model: str = MODEL, **extra: Any) -> dict[str, Any]:
    return {
        "gen_ai.operation.name": operation,
        "gen_ai.provider.name": "cohere",
        "gen_ai.request.model": model,
        "server.address": "api.cohere.com",
        "server.port": 443,
        **extra,
    }


def one_point(otel: Any, name: str) -> Any:
    points = otel.metrics().get(name, [])
    assert len(points) == 1, (name, [dict(p.attributes) for p in points])
    return points[0]


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
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict) or hasattr(value, "items"):
        return {k: plain(v) for k, v in value.items()}
    return value


# --- chat spans ---------------------------------------------------------------------------------------


async def test_one_client_span_with_exactly_the_semconv_attributes(otel, call_mode):
    assert await run(otel, call_mode)
    span = otel.span()
    assert span.name == SPAN_NAME
    assert span.kind is SpanKind.CLIENT
    assert span.instrumentation_scope.name == "genai_otel"
    assert span.status.status_code is StatusCode.UNSET
    expected = {**start_attrs(call_mode), **response_attrs(TEXT, 496, 11, billed=(5, 9))}
    assert span_attrs(span, call_mode.streams) == expected


async def test_result_is_what_the_uninstrumented_sdk_returns(otel, call_mode):
    with uninstrumented(otel):
        expected = await run(otel, call_mode, TOOL_CALL)
    assert otel.spans() == []
    assert await run(otel, call_mode, TOOL_CALL) == expected
    assert [s.name for s in otel.spans()] == [SPAN_NAME]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the tokens the model processed (prompt template included), the billed units beside them
        pytest.param(TEXT, response_attrs(TEXT, 496, 11, billed=(5, 9)), id="tokens-and-billed"),
        pytest.param(TOKENS_ONLY, response_attrs(TOKENS_ONLY, 470, 4), id="tokens-only"),
        pytest.param(
            CACHED,
            response_attrs(
                CACHED, 2701, 14, billed=(2210, 12), **{"gen_ai.usage.cache_read.input_tokens": 2048}
            ),
            id="cached",
        ),
        pytest.param(MAX_TOKENS, response_attrs(MAX_TOKENS, 498, 10, billed=(7, 10)), id="max_tokens"),
        pytest.param(THINKING, response_attrs(THINKING, 512, 31, billed=(5, 31)), id="thinking"),
        pytest.param(TOOL_CALL, response_attrs(TOOL_CALL, 1480, 28, billed=(37, 28)), id="tool_call"),
    ],
)
async def test_response_attributes_and_usage(otel, call_mode, body, expected):
    await run(otel, call_mode, body)
    assert span_attrs(otel.span(), call_mode.streams) == {**start_attrs(call_mode), **expected}


async def test_usage_is_the_tokens_the_model_processed_not_the_billed_units(otel, call_mode):
    """Regression (issue 9): a recorded exchange reported 7 input tokens (billed: the caller's text)
    where the model processed 69 (the text inside Cohere's template and preamble)."""
    await run(otel, call_mode, RECORDED_GREETING)
    attrs = span_attrs(otel.span(), call_mode.streams)
    assert (attrs["gen_ai.usage.input_tokens"], attrs["gen_ai.usage.output_tokens"]) == (69, 11)
    billed = (
        attrs["cohere.usage.billed_units.input_tokens"],
        attrs["cohere.usage.billed_units.output_tokens"],
    )
    assert billed == (7, 9)  # kept for cost, on Cohere's own attributes
    for name, tokens in (("input_tokens", 69), ("output_tokens", 11)):
        assert one_point(otel, f"gen_ai.client.inference.operation.{name}").sum == tokens
        assert one_point(otel, f"gen_ai.client.inference.usage.{name}").value == tokens
    duration = one_point(otel, "gen_ai.client.inference.duration")
    assert not {k for k in duration.attributes if k.startswith("cohere.")}  # not metric attributes


@pytest.mark.parametrize(
    ("body", "schema"),
    [
        pytest.param(TEXT, "stop", id="COMPLETE"),
        pytest.param(MAX_TOKENS, "length", id="MAX_TOKENS"),
        pytest.param(TOOL_CALL, "tool_call", id="TOOL_CALL"),
        pytest.param(FAILED, "error", id="ERROR"),
    ],
)
async def test_finish_reason_as_sent_on_the_span_and_the_schema_value_in_the_message(
    otel, call_mode, body, schema
):
    otel.instrument(capture_content="SPAN_ONLY")
    await run(otel, call_mode, body)
    attrs = otel.span().attributes
    assert attrs["gen_ai.response.finish_reasons"] == (body["finish_reason"],)
    [output] = json.loads(attrs["gen_ai.output.messages"])
    assert output["finish_reason"] == schema


async def test_request_parameters_are_reported_and_sent(otel, call_mode):
    params = {
        **PARAMS,
        "temperature": 0.3,
        "p": 0.75,
        "k": 40,
        "max_tokens": 512,
        "stop_sequences": ["END", "STOP"],
        "seed": 42,
        "frequency_penalty": 0.2,
        "presence_penalty": 0.1,
        "response_format": {"type": "json_object"},
    }
    replay = Replay(reply_for(call_mode, TEXT), lib=httpx)
    await call(call_mode, client_for(call_mode.asynchronous, replay), **params)
    sent = replay.bodies[0]
    assert (sent["p"], sent["k"], sent["response_format"]) == (0.75, 40, {"type": "json_object"})
    attrs = span_attrs(otel.span(), call_mode.streams)
    requested = {k: v for k, v in attrs.items() if k.startswith(("gen_ai.request.", "gen_ai.output."))}
    expected = {
        "gen_ai.request.model": MODEL,
        "gen_ai.request.temperature": 0.3,
        "gen_ai.request.top_p": 0.75,
        "gen_ai.request.top_k": 40,
        "gen_ai.request.max_tokens": 512,
        "gen_ai.request.stop_sequences": ("END", "STOP"),
        "gen_ai.request.seed": 42,
        "gen_ai.request.frequency_penalty": 0.2,
        "gen_ai.request.presence_penalty": 0.1,
        "gen_ai.output.type": "json",
    }
    if call_mode.streams:
        expected["gen_ai.request.stream"] = True
    assert requested == expected
    assert type(attrs["gen_ai.request.top_k"]) is int


async def test_the_span_uses_the_clients_base_url(otel, call_mode):
    replay = Replay(reply_for(call_mode, TEXT), lib=httpx)
    client = client_for(call_mode.asynchronous, replay, base_url="http://localhost:8089/proxy")
    await call(call_mode, client, **PARAMS)
    attrs = dict(otel.span().attributes)
    assert (attrs["server.address"], attrs["server.port"]) == ("localhost", 8089)
    assert str(replay.requests[0].url) == "http://localhost:8089/proxy/v2/chat"


@SYNC_ASYNC
async def test_the_v2_namespace_of_the_v1_client_is_covered(otel, asynchronous):
    replay = Replay(Reply(json_body=TEXT, headers=HEADERS), lib=httpx)
    if asynchronous:
        client: Any = cohere.AsyncClient(api_key=API_KEY, httpx_client=replay.async_client(), max_retries=0)
    else:
        client = cohere.Client(api_key=API_KEY, httpx_client=replay.sync_client(), max_retries=0)
    await maybe_await(client.v2.chat(**PARAMS))
    mode = CallMode(asynchronous, False)
    expected = {**start_attrs(mode), **response_attrs(TEXT, 496, 11, billed=(5, 9))}
    assert span_attrs(otel.span(), False) == expected


async def test_the_span_is_a_child_of_the_callers_span(otel, call_mode):
    tracer = otel.tracer_provider.get_tracer("app")
    with tracer.start_as_current_span("handle request") as parent:
        await run(otel, call_mode)
        assert trace.get_current_span() is parent
    chat = next(s for s in otel.spans() if s.name == SPAN_NAME)
    assert chat.parent is not None and chat.parent.span_id == parent.get_span_context().span_id


# --- chat metrics -------------------------------------------------------------------------------------


async def test_latest_metrics(otel, call_mode):
    await run(otel, call_mode, CACHED)
    metrics = otel.metrics()
    cached = {"gen_ai.client.inference.usage.cache_read.input_tokens"}
    assert set(metrics) == LATEST | cached | (LATEST_STREAM if call_mode.streams else set())
    duration = one_point(otel, "gen_ai.client.inference.duration")
    assert dict(duration.attributes) == metric_attrs()
    for name, tokens in (("input_tokens", 2701), ("output_tokens", 14)):  # processed, not billed
        point = one_point(otel, f"gen_ai.client.inference.operation.{name}")
        assert (point.count, point.sum) == (1, tokens)
        assert one_point(otel, f"gen_ai.client.inference.usage.{name}").value == tokens
    assert one_point(otel, "gen_ai.client.inference.usage.cache_read.input_tokens").value == 2048
    if call_mode.streams:
        [gaps] = metrics["gen_ai.client.inference.time_per_output_chunk"]
        assert gaps.count == len(stream_events(CACHED)) - 1


# --- failures ---------------------------------------------------------------------------------------------


def same_failure(exc: BaseException) -> tuple[Any, ...]:
    return type(exc), getattr(exc, "status_code", None), getattr(exc, "body", None)


async def raised(coro: Any) -> BaseException:
    try:
        await coro
    except Exception as exc:
        return exc
    raise AssertionError("the call did not raise")


@pytest.mark.parametrize(
    ("status", "body", "exc_type", "error_type"),
    [
        (400, BAD_REQUEST, cohere.BadRequestError, "cohere.BadRequestError"),
        (429, TOO_MANY_REQUESTS, cohere.TooManyRequestsError, "cohere.TooManyRequestsError"),
    ],
    ids=["400", "429"],
)
async def test_http_error_ends_the_span_as_error_and_reraises_unchanged(
    otel, call_mode, status, body, exc_type, error_type
):
    def failing() -> Any:
        replay = Replay(Reply(status=status, json_body=body, headers=HEADERS), lib=httpx)
        return call(call_mode, client_for(call_mode.asynchronous, replay), **PARAMS)

    with uninstrumented(otel):
        expected = await raised(failing())
    exc = await raised(failing())
    assert isinstance(exc, exc_type)
    assert same_failure(exc) == same_failure(expected)
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    attrs = span_attrs(span, False)  # nothing arrived: no time to first chunk
    assert attrs == start_attrs(call_mode, **{"error.type": error_type})
    duration = one_point(otel, "gen_ai.client.inference.duration")
    assert dict(duration.attributes) == metric_attrs(**{"error.type": error_type})
    assert one_point(otel, "gen_ai.client.inference.operation.input_tokens").sum == 0


async def test_a_generation_that_failed_inside_a_200_is_an_error(otel, call_mode):
    await run(otel, call_mode, FAILED)
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    attrs = span_attrs(span, call_mode.streams)
    failed = response_attrs(FAILED, 496, 2, billed=(5, 2))
    assert attrs == {**start_attrs(call_mode), **failed, "error.type": "ERROR"}


class _Broken(httpx.SyncByteStream, httpx.AsyncByteStream):
    """An SSE body cut by the network after ``frames``."""

    def __init__(self, frames: list[str]) -> None:
        self.frames = [f.encode() for f in frames]

    def __iter__(self) -> Iterator[bytes]:
        yield from self.frames
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        for frame in self.frames:
            yield frame
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


@SYNC_ASYNC
async def test_an_error_mid_stream_ends_the_span_as_error(otel, asynchronous):
    frames = sse_frames(TEXT)[:3]  # message-start, content-start, one delta

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=_Broken(frames))

    transport = httpx.MockTransport(handler)
    seen: list[Any] = []
    if asynchronous:
        client: Any = cohere.AsyncClientV2(
            api_key=API_KEY, httpx_client=httpx.AsyncClient(transport=transport)
        )
        with pytest.raises(httpx.RemoteProtocolError):
            async for event in client.chat_stream(**PARAMS):
                seen.append(event)
    else:
        client = cohere.ClientV2(api_key=API_KEY, httpx_client=httpx.Client(transport=transport))
        with pytest.raises(httpx.RemoteProtocolError):
            for event in client.chat_stream(**PARAMS):
                seen.append(event)
    assert len(seen) == 3
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    attrs = span_attrs(span, True)
    assert attrs == start_attrs(
        CallMode(asynchronous, True),
        **{
            "error.type": "httpx.RemoteProtocolError",
            "gen_ai.response.id": TEXT["id"],
            "gen_ai.response.finish_reasons": ("error",),
        },
    )


@SYNC_ASYNC
async def test_early_break_then_close_ends_the_span(otel, asynchronous):
    client = client_for(asynchronous, Replay(reply_for(CallMode(asynchronous, True), TOOL_CALL), lib=httpx))
    stream = client.chat_stream(**PARAMS)
    if asynchronous:
        async for event in stream:
            assert event.type == "message-start"
            break
        assert otel.spans() == []
        await stream.aclose()
    else:
        for event in stream:
            assert event.type == "message-start"
            break
        assert otel.spans() == []
        stream.close()
    span = otel.span()
    assert span.status.status_code is StatusCode.UNSET
    attrs = span_attrs(span, True)
    assert attrs["gen_ai.response.id"] == TOOL_CALL["id"]
    assert attrs["gen_ai.response.finish_reasons"] == ("error",)  # cut before message-end
    assert "gen_ai.usage.input_tokens" not in attrs


def test_an_abandoned_stream_ends_its_span_when_collected(otel):
    client = client_for(False, Replay(reply_for(CallMode(False, True), TEXT), lib=httpx))
    stream = client.chat_stream(**PARAMS)
    next(stream)
    assert otel.spans() == []
    del stream
    gc.collect()
    assert otel.span().attributes["gen_ai.response.finish_reasons"] == ("error",)


# --- content ----------------------------------------------------------------------------------------------

IMAGE_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Gets the weather of a given location",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string"}},
            "required": ["location"],
        },
    },
}
CONTENT_PARAMS: dict[str, Any] = {
    "model": MODEL,
    "tools": [WEATHER_TOOL],
    "messages": [
        {"role": "system", "content": "You are a weather assistant."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is the weather where this was taken?"},
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{IMAGE_B64}"}},
            ],
        },
        {
            "role": "assistant",
            "tool_plan": "The photo shows Paris; I will look up its weather.",
            "tool_calls": [
                {
                    "id": "get_weather_0",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"location":"Paris"}'},
                }
            ],
        },
        {
            "role": "tool",
            "tool_call_id": "get_weather_0",
            "content": [{"type": "text", "text": "18°C, sunny"}],
        },
        {"role": "user", "content": "And in Toronto?"},
    ],
}
EXPECTED_INPUT = [
    {"role": "system", "parts": [{"type": "text", "content": "You are a weather assistant."}]},
    {
        "role": "user",
        "parts": [
            {"type": "text", "content": "What is the weather where this was taken?"},
            {"type": "blob", "modality": "image", "mime_type": "image/png"},  # size/sha256 checked apart
        ],
    },
    {
        "role": "assistant",
        "parts": [
            {"type": "reasoning", "content": "The photo shows Paris; I will look up its weather."},
            {
                "type": "tool_call",
                "id": "get_weather_0",
                "name": "get_weather",
                "arguments": {"location": "Paris"},
            },
        ],
    },
    {
        "role": "tool",
        "parts": [{"type": "tool_call_response", "id": "get_weather_0", "response": "18°C, sunny"}],
    },
    {"role": "user", "parts": [{"type": "text", "content": "And in Toronto?"}]},
]
EXPECTED_OUTPUT = [
    {
        "role": "assistant",
        "parts": [
            {"type": "reasoning", "content": "I will look up the weather in Toronto."},
            {"type": "tool_call", "id": TOOL_ID, "name": "get_weather", "arguments": {"location": "Toronto"}},
        ],
        "finish_reason": "tool_call",  # TOOL_CALL (the span's), in the output-message schema's words
    }
]
EXPECTED_TOOLS = [{"type": "function", **WEATHER_TOOL["function"]}]


def without_blob_digest(messages: list[Any]) -> list[Any]:
    out = json.loads(json.dumps(messages))
    for msg in out:
        for part in msg["parts"]:
            if part["type"] == "blob":
                assert (
                    "content" not in part
                    and isinstance(part.pop("size"), int)
                    and len(part.pop("sha256")) == 64
                )
    return out


async def test_span_only_content(otel, call_mode):
    otel.instrument(capture_content="SPAN_ONLY")
    await run(otel, call_mode, TOOL_CALL, **CONTENT_PARAMS)
    span = otel.span()
    attrs = span.attributes
    assert without_blob_digest(json.loads(attrs["gen_ai.input.messages"])) == EXPECTED_INPUT
    assert json.loads(attrs["gen_ai.output.messages"]) == EXPECTED_OUTPUT
    assert json.loads(attrs["gen_ai.tool.definitions"]) == EXPECTED_TOOLS
    assert "gen_ai.system_instructions" not in attrs  # the system message is part of the history
    assert not any(IMAGE_B64[:40] in str(v) for v in attrs.values())
    assert otel.events() == []


async def test_event_only_content(otel, call_mode):
    otel.instrument(capture_content="EVENT_ONLY")
    await run(otel, call_mode, THINKING)
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)
    [record] = otel.events()
    attrs = dict(record.attributes)
    assert plain(attrs.pop("gen_ai.input.messages")) == [
        {"role": "user", "parts": [{"type": "text", "content": "Hello"}]}
    ]
    assert plain(attrs.pop("gen_ai.output.messages")) == [
        {
            "role": "assistant",
            "parts": [
                {"type": "reasoning", "content": "The user greets me; answer briefly."},
                {"type": "text", "content": "Hello!"},
            ],
            "finish_reason": "stop",  # COMPLETE, in the output-message schema's words
        }
    ]
    assert attrs == dict(span.attributes)


async def test_no_content_by_default(otel, call_mode, monkeypatch):
    monkeypatch.delenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", raising=False)
    otel.instrument()
    await run(otel, call_mode, TOOL_CALL, **CONTENT_PARAMS)
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)
    assert otel.events() == []
    texts = " ".join(all_strings(dict(span.attributes)))
    assert "weather" not in texts and "Toronto" not in texts


async def test_the_api_key_is_never_exported(otel, call_mode):
    otel.instrument(capture_content="SPAN_AND_EVENT")
    replay = Replay(reply_for(call_mode, TEXT), lib=httpx)
    await call(call_mode, client_for(call_mode.asynchronous, replay), **PARAMS)
    assert replay.requests[0].headers["authorization"] == f"Bearer {API_KEY}"
    exported: list[str] = []
    for span in otel.spans():
        exported += [span.name, *all_strings(dict(span.attributes))]
    for record in otel.events():
        exported += list(all_strings(dict(record.attributes or {})))
    for points in otel.metrics().values():
        for point in points:
            exported += list(all_strings(dict(point.attributes)))
    assert exported and not [s for s in exported if API_KEY in s]


# --- embed ----------------------------------------------------------------------------------------------

EMBED_PARAMS: dict[str, Any] = {
    "model": EMBED_MODEL,
    "texts": ["hello", "goodbye"],
    "input_type": "search_document",
    "embedding_types": ["float", "int8"],
}


@SYNC_ASYNC
async def test_embed(otel, asynchronous):
    replay = Replay(Reply(json_body=EMBED, headers=HEADERS), lib=httpx)
    result = await maybe_await(client_for(asynchronous, replay).embed(**EMBED_PARAMS))
    assert result.embeddings.float_ == EMBED["embeddings"]["float"]
    span = otel.span()
    assert span.name == f"embeddings {EMBED_MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert dict(span.attributes) == {
        **metric_attrs("embeddings", EMBED_MODEL),
        "gen_ai.request.encoding_formats": ("float", "int8"),
        "cohere.request.input_type": "search_document",
        "gen_ai.response.id": EMBED["id"],
        "gen_ai.usage.input_tokens": 2,
        "gen_ai.embeddings.dimension.count": 4,
    }
    assert set(otel.metrics()) == {
        "gen_ai.client.embeddings.duration",
        "gen_ai.client.embeddings.operation.input_tokens",
    }
    assert one_point(otel, "gen_ai.client.embeddings.operation.input_tokens").sum == 2


@SYNC_ASYNC
async def test_embed_error(otel, asynchronous):
    replay = Replay(Reply(status=400, json_body=BAD_REQUEST, headers=HEADERS), lib=httpx)
    with pytest.raises(cohere.BadRequestError):
        await maybe_await(client_for(asynchronous, replay).embed(**EMBED_PARAMS))
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "cohere.BadRequestError"


# --- rerank ---------------------------------------------------------------------------------------------

DOCUMENTS = [
    "Carson City is the capital city of the American state of Nevada.",
    "The Commonwealth of the Northern Mariana Islands is a group of islands in the Pacific Ocean.",
    "Capitalization in English grammar is the use of a capital letter at the start of a word.",
    "Washington, D.C. is the capital of the United States.",
    "Capital punishment has existed in the United States since before it was a country.",
]


@SYNC_ASYNC
async def test_rerank(otel, asynchronous):
    replay = Replay(Reply(json_body=RERANK, headers=HEADERS), lib=httpx)
    client = client_for(asynchronous, replay)
    result = await maybe_await(
        client.rerank(
            model=RERANK_MODEL,
            query="What is the capital of the United States?",
            documents=DOCUMENTS,
            top_n=2,
        )
    )
    assert [r.index for r in result.results] == [3, 4]
    span = otel.span()
    assert span.name == f"rerank {RERANK_MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert dict(span.attributes) == {
        **metric_attrs("rerank", RERANK_MODEL),
        "gen_ai.rerank.top_n": 2,
        "gen_ai.rerank.candidate.count": 5,
        "gen_ai.response.id": RERANK["id"],
    }
    assert set(otel.metrics()) == {"gen_ai.client.operation.duration"}  # no token metrics
    assert dict(one_point(otel, "gen_ai.client.operation.duration").attributes) == metric_attrs(
        "rerank", RERANK_MODEL
    )


# --- uninstrument ---------------------------------------------------------------------------------------


async def test_uninstrument_restores_the_sdk(otel, call_mode):
    from cohere.v2.client import AsyncV2Client, V2Client

    methods = ("chat", "chat_stream", "embed", "rerank")
    assert all(
        isinstance(vars(cls)[m], wrapt.FunctionWrapper) for cls in (V2Client, AsyncV2Client) for m in methods
    )
    genai_otel.uninstrument()
    assert not any(
        isinstance(vars(cls)[m], wrapt.FunctionWrapper) for cls in (V2Client, AsyncV2Client) for m in methods
    )
    await run(otel, call_mode)
    assert otel.spans() == []

"""End to end through the real, unmodified ``mistralai`` client (``mistralai.client.Mistral``).

The client talks to the replay transport (``client=`` / ``async_client=`` are httpx2 clients);
each chat behaviour runs over {sync, async} x {``complete``, ``stream``}. FIM, agents and
embeddings have their own tests. Where the SDK's own tracing matters it is switched on with the
test's tracer provider, so a doubled span would show.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from mistralai.client import Mistral, errors, models
from mistralai.client.utils.eventstreaming import EventStream, EventStreamAsync
from mistralai.extra.observability import set_tracer_provider
from opentelemetry.trace import SpanKind, StatusCode

import genai_otel
from bodies.mistral_bodies import (
    AGENT_ID,
    BAD_REQUEST,
    CACHED,
    EMBED_MODEL,
    FIM,
    FIM_MODEL,
    HEADERS,
    LENGTH,
    MODEL,
    RATE_LIMITED,
    TEXT,
    THINKING,
    TOOL_CALLS,
    VALIDATION,
    chunks,
    cut_sse,
    embeddings,
    error_mid_stream,
    sse_of,
)
from replay import Replay, Reply
from sampling import RecordingSampler, instrument_with_sampler
from spans import span_attrs

#: Obviously fake.
API_KEY = "test-key-not-real-Mistral0000000000"
MESSAGES = [{"role": "user", "content": "Hello"}]
PARAMS: dict[str, Any] = {"model": MODEL, "messages": MESSAGES}
SPAN_NAME = f"chat {MODEL}"
CONTENT_KEYS = (
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.definitions",
)


@dataclass(frozen=True)
class CallMode:
    asynchronous: bool
    streams: bool

    def __str__(self) -> str:
        return f"{'async' if self.asynchronous else 'sync'}-{'stream' if self.streams else 'complete'}"


CALL_MODES = [CallMode(a, s) for a in (False, True) for s in (False, True)]
STREAM_MODES = [m for m in CALL_MODES if m.streams]


@pytest.fixture(params=CALL_MODES, ids=str)
def call_mode(request: pytest.FixtureRequest) -> CallMode:
    return request.param


def client_for(replay: Replay, **options: Any) -> Mistral:
    return Mistral(
        api_key=API_KEY, client=replay.sync_client(), async_client=replay.async_client(), **options
    )


def reply_for(mode: CallMode, body: dict[str, Any]) -> Reply:
    return (
        Reply(sse=sse_of(body), headers=HEADERS) if mode.streams else Reply(json_body=body, headers=HEADERS)
    )


async def call(mode: CallMode, client: Mistral, surface: str = "chat", **params: Any) -> Any:
    """One call made the way ``mode`` says and read to the end; what the caller got, as plain data."""
    api = getattr(client, surface)
    if not mode.streams:
        if mode.asynchronous:
            return (await api.complete_async(**params)).model_dump()
        return api.complete(**params).model_dump()
    if mode.asynchronous:
        stream = await api.stream_async(**params)
        assert isinstance(stream, EventStreamAsync)
        return [event.model_dump() async for event in stream]
    stream = api.stream(**params)
    assert isinstance(stream, EventStream)
    return [event.model_dump() for event in stream]


async def run(otel: Any, mode: CallMode, body: dict[str, Any] = TEXT, **params: Any) -> Any:
    replay = Replay(reply_for(mode, body))
    return await call(mode, client_for(replay), **(params or PARAMS))


async def raised(coro: Any) -> BaseException:
    try:
        await coro
    except Exception as exc:
        return exc
    raise AssertionError("the call did not raise")


def start_attrs(mode: CallMode, **extra: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "mistral_ai",
        "gen_ai.request.model": MODEL,
        "server.address": "api.mistral.ai",
        "server.port": 443,
    }
    if mode.streams:
        attrs["gen_ai.request.stream"] = True
    return {**attrs, **extra}


def response_attrs(body: dict[str, Any], finish: str, **extra: Any) -> dict[str, Any]:
    u = body["usage"]
    return {
        "gen_ai.response.id": body["id"],
        "gen_ai.response.model": body["model"],
        "gen_ai.response.finish_reasons": (finish,),
        "gen_ai.usage.input_tokens": u["prompt_tokens"],
        "gen_ai.usage.output_tokens": u["completion_tokens"],
        **extra,
    }


def counter_values(otel: Any, name: str) -> dict[str, int]:
    return {p.attributes["gen_ai.token.modality"]: p.value for p in otel.metrics().get(name, [])}


def all_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from all_strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from all_strings(v)


# --- chat spans ------------------------------------------------------------------------------------------


async def test_one_client_span_with_exactly_the_semconv_attributes(otel, call_mode):
    assert await run(otel, call_mode)
    span = otel.span()
    assert span.name == SPAN_NAME
    assert span.kind is SpanKind.CLIENT
    assert span.instrumentation_scope.name == "genai_otel"
    assert span.status.status_code is StatusCode.UNSET
    assert span.events == ()
    assert span_attrs(span, call_mode.streams) == {**start_attrs(call_mode), **response_attrs(TEXT, "stop")}


async def test_result_is_what_the_uninstrumented_sdk_returns(otel, call_mode):
    genai_otel.uninstrument()
    expected = await run(otel, call_mode, TOOL_CALLS)
    assert otel.spans() == []
    otel.instrument()
    assert await run(otel, call_mode, TOOL_CALLS) == expected
    assert [s.name for s in otel.spans()] == [SPAN_NAME]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(TEXT, response_attrs(TEXT, "stop"), id="text"),
        # prompt_tokens already includes the cached 1008
        pytest.param(
            CACHED,
            response_attrs(CACHED, "stop", **{"gen_ai.usage.cache_read.input_tokens": 1008}),
            id="cache",
        ),
        pytest.param(TOOL_CALLS, response_attrs(TOOL_CALLS, "tool_calls"), id="tool_calls"),  # as sent
        pytest.param(THINKING, response_attrs(THINKING, "stop"), id="thinking"),
        pytest.param(LENGTH, response_attrs(LENGTH, "length"), id="length"),
    ],
)
async def test_response_attributes_and_usage(otel, call_mode, body, expected):
    await run(otel, call_mode, body)
    assert span_attrs(otel.span(), call_mode.streams) == {**start_attrs(call_mode), **expected}


async def test_every_request_parameter_the_caller_passed(otel, call_mode):
    params = {
        **PARAMS,
        "temperature": 0.3,
        "top_p": 0.9,
        "top_k": 40,
        "max_tokens": 256,
        "stop": ["END", "STOP"],
        "random_seed": 42,
        "n": 2,
        "presence_penalty": 0.5,
        "frequency_penalty": 0.25,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "greeting", "schema": {"type": "object"}},
        },
        "reasoning_effort": "high",
        "prompt_mode": "reasoning",
    }
    await run(otel, call_mode, **params)
    attrs = span_attrs(otel.span(), call_mode.streams)
    requested = {
        k: v for k, v in attrs.items() if k.startswith("gen_ai.request.") or k == "gen_ai.output.type"
    }
    assert requested == {
        "gen_ai.request.model": MODEL,
        "gen_ai.request.temperature": 0.3,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.top_k": 40,
        "gen_ai.request.max_tokens": 256,
        "gen_ai.request.stop_sequences": ("END", "STOP"),
        "gen_ai.request.seed": 42,
        "gen_ai.request.choice.count": 2,
        "gen_ai.request.presence_penalty": 0.5,
        "gen_ai.request.frequency_penalty": 0.25,
        "gen_ai.request.reasoning.level": "high",
        "gen_ai.output.type": "json",
        **({"gen_ai.request.stream": True} if call_mode.streams else {}),
    }


async def test_nothing_invented_and_defaults_left_out(otel):
    mode = CallMode(False, False)
    await run(otel, mode, **PARAMS, n=1, stop="END", response_format={"type": "text"}, temperature=None)
    attrs = dict(otel.span().attributes)
    requested = {
        k: v for k, v in attrs.items() if k.startswith("gen_ai.request.") or k == "gen_ai.output.type"
    }
    assert requested == {
        "gen_ai.request.model": MODEL,
        "gen_ai.request.stop_sequences": ("END",),
        "gen_ai.output.type": "text",
    }


@pytest.mark.parametrize(
    ("options", "call_options", "address", "url"),
    [
        (
            {"server_url": "http://localhost:8089/mistral/"},
            {},
            ("localhost", 8089),
            "http://localhost:8089/mistral",
        ),
        ({"server": "eu"}, {}, ("api.eu.mistral.ai", 443), "https://api.eu.mistral.ai"),
        (
            {},
            {"server_url": "https://proxy.example.com:8443"},
            ("proxy.example.com", 8443),
            "https://proxy.example.com:8443",
        ),
    ],
    ids=["client-server_url", "named-server", "per-call-server_url"],
)
async def test_server_attributes_come_from_the_url_the_sdk_uses(
    otel, call_mode, options, call_options, address, url
):
    replay = Replay(reply_for(call_mode, TEXT))
    await call(call_mode, client_for(replay, **options), **PARAMS, **call_options)
    attrs = dict(otel.span().attributes)
    assert (attrs["server.address"], attrs["server.port"]) == address
    assert str(replay.requests[0].url).startswith(f"{url}/v1/chat/completions")  # streams add "#stream"


async def test_sampling_relevant_attributes_are_given_at_span_start(otel, call_mode):
    sampler = RecordingSampler()
    _provider, exporter = instrument_with_sampler(otel, sampler)
    await run(otel, call_mode)
    [(name, kind, attrs)] = sampler.seen
    assert (name, kind) == (SPAN_NAME, SpanKind.CLIENT)
    assert attrs == start_attrs(call_mode)
    assert len(exporter.get_finished_spans()) == 1


async def test_the_span_is_a_child_of_the_callers_span(otel, call_mode):
    tracer = otel.tracer_provider.get_tracer("app")
    with tracer.start_as_current_span("handle request") as parent:
        await run(otel, call_mode)
    chat = next(s for s in otel.spans() if s.name == SPAN_NAME)
    assert chat.parent is not None and chat.parent.span_id == parent.get_span_context().span_id


async def test_structured_output_parse_is_one_span(otel):
    from pydantic import BaseModel

    class Greeting(BaseModel):
        text: str

    body = {
        **TEXT,
        "choices": [{**TEXT["choices"][0], "message": {"role": "assistant", "content": '{"text": "Hi"}'}}],
    }
    client = client_for(Replay(Reply(json_body=body, headers=HEADERS)))
    parsed = client.chat.parse(Greeting, **PARAMS)
    assert parsed.choices[0].message.parsed == Greeting(text="Hi")
    span = otel.span()
    assert span.attributes["gen_ai.output.type"] == "json"
    assert span.attributes["gen_ai.response.id"] == TEXT["id"]


# --- metrics ----------------------------------------------------------------------------------------------


async def test_token_metrics_with_cache_reads(otel, call_mode):
    await run(otel, call_mode, CACHED)
    assert counter_values(otel, "gen_ai.client.inference.usage.input_tokens") == {"unknown": 1013}
    assert counter_values(otel, "gen_ai.client.inference.usage.output_tokens") == {"unknown": 14}
    assert counter_values(otel, "gen_ai.client.inference.usage.cache_read.input_tokens") == {"unknown": 1008}
    [duration] = otel.metrics()["gen_ai.client.inference.duration"]
    assert duration.count == 1
    assert dict(duration.attributes) == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "mistral_ai",
        "gen_ai.request.model": MODEL,
        "gen_ai.response.model": MODEL,
        "server.address": "api.mistral.ai",
        "server.port": 443,
    }
    if call_mode.streams:
        [gaps] = otel.metrics()["gen_ai.client.inference.time_per_output_chunk"]
        assert gaps.count == len(chunks(CACHED)) - 1


# --- failures ---------------------------------------------------------------------------------------------


def same_failure(exc: BaseException) -> tuple[Any, ...]:
    return type(exc), str(exc), getattr(exc, "status_code", None), getattr(exc, "body", None)


@pytest.mark.parametrize(
    ("status", "body", "exc_type", "error_type"),
    [
        (400, BAD_REQUEST, errors.SDKError, "invalid_request_message_error"),
        (422, VALIDATION, errors.HTTPValidationError, "invalid_request_error"),
        (429, RATE_LIMITED, errors.SDKError, "rate_limited"),
        (503, {"message": "Service unavailable"}, errors.SDKError, None),
    ],
    ids=["400", "422", "429", "503-no-type"],
)
async def test_http_error(otel, call_mode, status, body, exc_type, error_type):
    def attempt() -> Any:
        replay = Replay(Reply(status=status, json_body=body, headers=HEADERS))
        return call(call_mode, client_for(replay), **PARAMS)

    genai_otel.uninstrument()
    expected = await raised(attempt())
    otel.instrument()
    exc = await raised(attempt())
    assert type(exc) is exc_type
    assert same_failure(exc) == same_failure(expected)

    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    error = error_type or f"{exc_type.__module__}.{exc_type.__qualname__}"
    assert span_attrs(span, streamed=False) == {**start_attrs(call_mode), "error.type": error}
    [event] = span.events
    assert event.name == "exception"
    [duration] = otel.metrics()["gen_ai.client.inference.duration"]
    assert duration.attributes["error.type"] == error


# --- stream lifecycle -------------------------------------------------------------------------------------


@pytest.mark.parametrize("call_mode", STREAM_MODES, ids=str)
async def test_early_break_then_close_ends_the_span(otel, call_mode):
    client = client_for(Replay(reply_for(call_mode, TEXT)))
    if call_mode.asynchronous:
        stream = await client.chat.stream_async(**PARAMS)
        async for _event in stream:
            break
        assert otel.spans() == []
        await stream.close()
    else:
        stream = client.chat.stream(**PARAMS)
        for _event in stream:
            break
        assert otel.spans() == []
        stream.close()
    span = otel.span()
    assert span.status.status_code is StatusCode.UNSET
    attrs = span_attrs(span, True)
    assert attrs["gen_ai.response.id"] == TEXT["id"]
    assert attrs["gen_ai.response.finish_reasons"] == ("error",)  # cut before the finish reason
    assert "gen_ai.usage.input_tokens" not in attrs and "error.type" not in attrs


@pytest.mark.parametrize("call_mode", STREAM_MODES, ids=str)
async def test_with_block_ends_the_span(otel, call_mode):
    client = client_for(Replay(reply_for(call_mode, TOOL_CALLS)))
    if call_mode.asynchronous:
        async with await client.chat.stream_async(**PARAMS) as stream:
            events = [e async for e in stream]
    else:
        with client.chat.stream(**PARAMS) as stream:
            events = list(stream)
    assert len(events) == len(chunks(TOOL_CALLS))
    assert span_attrs(otel.span(), True) == {
        **start_attrs(call_mode),
        **response_attrs(TOOL_CALLS, "tool_calls"),
    }


def test_a_dropped_stream_ends_its_span_when_collected(otel):
    client = client_for(Replay(reply_for(CallMode(False, True), TEXT)))
    stream = client.chat.stream(**PARAMS)
    next(stream)
    del stream
    gc.collect()
    assert otel.span().attributes["gen_ai.response.finish_reasons"] == ("error",)


@pytest.mark.parametrize("call_mode", STREAM_MODES, ids=str)
async def test_a_stream_cut_by_the_server_reports_error_finish(otel, call_mode):
    replay = Replay(Reply(sse=cut_sse(TEXT, 3), headers=HEADERS))
    events = await call(call_mode, client_for(replay), **PARAMS)
    assert len(events) == 3
    span = otel.span()
    assert span.status.status_code is StatusCode.UNSET
    assert span_attrs(span, True) == {
        **start_attrs(call_mode),
        "gen_ai.response.id": TEXT["id"],
        "gen_ai.response.model": MODEL,
        "gen_ai.response.finish_reasons": ("error",),
    }


@pytest.mark.parametrize("call_mode", STREAM_MODES, ids=str)
async def test_an_error_frame_mid_stream(otel, call_mode):
    def attempt() -> Any:
        replay = Replay(Reply(sse=error_mid_stream(TEXT, 2, RATE_LIMITED), headers=HEADERS))
        return call(call_mode, client_for(replay), **PARAMS)

    genai_otel.uninstrument()
    expected = await raised(attempt())
    otel.instrument()
    exc = await raised(attempt())
    assert type(exc) is errors.ResponseValidationError  # the SDK cannot read it as a chunk
    assert same_failure(exc) == same_failure(expected)
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span_attrs(span, True) == {
        **start_attrs(call_mode),
        "gen_ai.response.id": TEXT["id"],
        "gen_ai.response.model": MODEL,
        "gen_ai.response.finish_reasons": ("error",),
        "error.type": "rate_limited",
    }


class _Dropped(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """A body that sends some frames and then loses the connection."""

    def __init__(self, frames: list[bytes]) -> None:
        self.frames = frames

    def __iter__(self) -> Iterator[bytes]:
        yield from self.frames
        raise httpx2.ReadError("connection reset by peer")

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        for frame in self.frames:
            yield frame
        raise httpx2.ReadError("connection reset by peer")


@pytest.mark.parametrize("call_mode", STREAM_MODES, ids=str)
async def test_a_transport_error_mid_stream(otel, call_mode):
    frames = [f"data: {json.dumps(c)}\n\n".encode() for c in chunks(TEXT)[:2]]

    def handler(request: httpx2.Request) -> httpx2.Response:
        headers = {"content-type": "text/event-stream", **HEADERS}
        return httpx2.Response(200, headers=headers, stream=_Dropped(frames))

    transport = httpx2.MockTransport(handler)
    client = Mistral(
        api_key=API_KEY,
        client=httpx2.Client(transport=transport),
        async_client=httpx2.AsyncClient(transport=transport),
    )
    exc = await raised(call(call_mode, client, **PARAMS))
    assert isinstance(exc, httpx2.ReadError)
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    attrs = span_attrs(span, True)
    assert attrs["error.type"] == "httpx2.ReadError"
    assert attrs["gen_ai.response.finish_reasons"] == ("error",)


# --- content ----------------------------------------------------------------------------------------------

IMAGE_URL = "https://docs.mistral.ai/img/eiffel-tower-paris.jpg"
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a given location",
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
                {"type": "text", "text": "Where is this, and what is the weather there?"},
                {"type": "image_url", "image_url": IMAGE_URL},
            ],
        },
        models.AssistantMessage(
            content="",
            tool_calls=[
                models.ToolCall(
                    id="a1B2c3D4e",
                    function=models.FunctionCall(name="get_weather", arguments='{"location": "Paris"}'),
                )
            ],
        ),
        {"role": "tool", "tool_call_id": "a1B2c3D4e", "name": "get_weather", "content": "18°C, sunny"},
    ],
}
EXPECTED_INPUT = [
    {"role": "system", "parts": [{"type": "text", "content": "You are a weather assistant."}]},
    {
        "role": "user",
        "parts": [
            {"type": "text", "content": "Where is this, and what is the weather there?"},
            {"type": "uri", "modality": "image", "uri": IMAGE_URL},
        ],
    },
    {
        "role": "assistant",
        "parts": [
            {"type": "text", "content": ""},
            {
                "type": "tool_call",
                "id": "a1B2c3D4e",
                "name": "get_weather",
                "arguments": {"location": "Paris"},
            },
        ],
    },
    {
        "role": "tool",
        "parts": [{"type": "tool_call_response", "id": "a1B2c3D4e", "response": "18°C, sunny"}],
        "name": "get_weather",
    },
]
EXPECTED_TOOLS = [
    {
        "type": "function",
        "name": "get_weather",
        "description": "Get the current weather in a given location",
        "parameters": WEATHER_TOOL["function"]["parameters"],
    }
]
EXPECTED_OUTPUT = [
    {
        "role": "assistant",
        "parts": [
            {
                "type": "tool_call",
                "id": "D681PevKs",
                "name": "get_weather",
                "arguments": {"location": "Paris"},
            },
            {
                "type": "tool_call",
                "id": "Xq7rT2mNb",
                "name": "get_weather",
                "arguments": {"location": "Lyon"},
            },
        ],
        "finish_reason": "tool_call",  # tool_calls (the span's), in the output-message schema's words
    }
]


async def test_tool_calls_in_request_and_response_as_content(otel, call_mode):
    otel.instrument(capture_content="SPAN_ONLY")
    replay = Replay(reply_for(call_mode, TOOL_CALLS))
    await call(call_mode, client_for(replay), **CONTENT_PARAMS)
    sent = replay.bodies[0]
    assert sent["tools"] == [WEATHER_TOOL] and len(sent["messages"]) == 4  # the SDK sent what was asked
    span = otel.span()
    assert json.loads(span.attributes["gen_ai.input.messages"]) == EXPECTED_INPUT
    assert json.loads(span.attributes["gen_ai.tool.definitions"]) == EXPECTED_TOOLS
    assert json.loads(span.attributes["gen_ai.output.messages"]) == EXPECTED_OUTPUT
    assert span.attributes["gen_ai.response.finish_reasons"] == ("tool_calls",)  # Mistral's, as sent
    assert "gen_ai.system_instructions" not in span.attributes  # Mistral's system prompt is a message


def finished_with(reason: str) -> dict[str, Any]:
    body = json.loads(json.dumps(LENGTH))
    body["choices"][0]["finish_reason"] = reason
    return body


@pytest.mark.parametrize(
    ("body", "sent", "schema"),
    [
        pytest.param(TEXT, "stop", "stop", id="stop"),
        pytest.param(TOOL_CALLS, "tool_calls", "tool_call", id="tool_calls"),
        pytest.param(LENGTH, "length", "length", id="length"),
        pytest.param(finished_with("model_length"), "model_length", "length", id="model_length"),
        pytest.param(finished_with("error"), "error", "error", id="error"),
    ],
)
async def test_finish_reason_as_sent_on_the_span_and_the_schema_value_in_the_message(
    otel, call_mode, body, sent, schema
):
    otel.instrument(capture_content="SPAN_ONLY")
    await run(otel, call_mode, body)
    attrs = otel.span().attributes
    assert attrs["gen_ai.response.finish_reasons"] == (sent,)
    [output] = json.loads(attrs["gen_ai.output.messages"])
    assert output["finish_reason"] == schema


async def test_reasoning_and_text_output_as_content(otel, call_mode):
    otel.instrument(capture_content="SPAN_ONLY")
    await run(otel, call_mode, THINKING)
    assert json.loads(otel.span().attributes["gen_ai.output.messages"]) == [
        {
            "role": "assistant",
            "parts": [
                {"type": "reasoning", "content": "The user greets me; answer briefly."},
                {"type": "text", "content": "Hi there!"},
            ],
            "finish_reason": "stop",
        }
    ]


async def test_event_only_content(otel):
    otel.instrument(capture_content="EVENT_ONLY")
    await run(otel, CallMode(False, False), TEXT)
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)
    [record] = otel.events()
    assert record.event_name == "gen_ai.client.inference.operation.details"
    assert record.span_id == span.context.span_id
    output = record.attributes["gen_ai.output.messages"]
    assert output[0]["parts"][0]["content"] == "Hello! How can I help you today?"


async def test_no_content_by_default(otel, call_mode, monkeypatch):
    monkeypatch.delenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", raising=False)
    otel.instrument()
    replay = Replay(reply_for(call_mode, TOOL_CALLS))
    await call(call_mode, client_for(replay), **CONTENT_PARAMS)
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)
    assert otel.events() == []
    texts = " ".join(all_strings(dict(span.attributes)))
    assert "weather" not in texts and "Paris" not in texts


async def test_the_api_key_is_never_exported(otel, call_mode):
    otel.instrument(capture_content="SPAN_AND_EVENT")
    replay = Replay(reply_for(call_mode, TEXT))
    await call(call_mode, client_for(replay), **PARAMS)
    assert replay.requests[0].headers["authorization"] == f"Bearer {API_KEY}"
    exported = [*all_strings(dict(otel.span().attributes))]
    for record in otel.events():
        exported += list(all_strings(dict(record.attributes or {})))
    assert exported and not [s for s in exported if API_KEY in s]


# --- FIM, agents, embeddings ------------------------------------------------------------------------------

FIM_PARAMS = {"model": FIM_MODEL, "prompt": "def add(a, b):", "suffix": "print(add(1, 2))", "max_tokens": 64}


async def test_fim_is_a_text_completion(otel, call_mode):
    otel.instrument(capture_content="SPAN_ONLY")
    replay = Replay(reply_for(call_mode, FIM))
    await call(call_mode, client_for(replay), "fim", **FIM_PARAMS)
    assert replay.requests[0].url.path == "/v1/fim/completions"
    span = otel.span()
    assert span.name == f"text_completion {FIM_MODEL}"
    attrs = span_attrs(span, call_mode.streams)
    content = {k: json.loads(attrs.pop(k)) for k in ("gen_ai.input.messages", "gen_ai.output.messages")}
    assert attrs == {
        **start_attrs(call_mode),
        "gen_ai.operation.name": "text_completion",
        "gen_ai.request.model": FIM_MODEL,
        "gen_ai.request.max_tokens": 64,
        **response_attrs(FIM, "stop"),
    }
    assert content == {
        "gen_ai.input.messages": [
            {
                "role": "user",
                "parts": [
                    {"type": "text", "content": "def add(a, b):"},
                    {"type": "generic", "generic_type": "fim_suffix", "content": "print(add(1, 2))"},
                ],
            }
        ],
        "gen_ai.output.messages": [
            {
                "role": "assistant",
                "parts": [{"type": "text", "content": FIM["choices"][0]["message"]["content"]}],
                "finish_reason": "stop",
            }
        ],
    }


async def test_agents_completion_names_the_agent(otel, call_mode):
    replay = Replay(reply_for(call_mode, TEXT))
    await call(call_mode, client_for(replay), "agents", agent_id=AGENT_ID, messages=MESSAGES, max_tokens=100)
    assert replay.bodies[0]["agent_id"] == AGENT_ID
    span = otel.span()
    assert span.name == "chat"  # the request names no model; the response does
    expected = {**start_attrs(call_mode), "gen_ai.agent.id": AGENT_ID, "gen_ai.request.max_tokens": 100}
    del expected["gen_ai.request.model"]
    assert span_attrs(span, call_mode.streams) == {**expected, **response_attrs(TEXT, "stop")}


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_embeddings(otel, asynchronous):
    replay = Replay(Reply(json_body=embeddings(), headers=HEADERS))
    client = client_for(replay)
    params = {
        "model": EMBED_MODEL,
        "inputs": ["Embed this sentence.", "As well as this one."],
        "encoding_format": "float",
    }
    if asynchronous:
        result = await client.embeddings.create_async(**params)
    else:
        result = client.embeddings.create(**params)
    assert len(result.data) == 2
    span = otel.span()
    assert span.name == f"embeddings {EMBED_MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert dict(span.attributes) == {
        "gen_ai.operation.name": "embeddings",
        "gen_ai.provider.name": "mistral_ai",
        "gen_ai.request.model": EMBED_MODEL,
        "gen_ai.request.encoding_formats": ("float",),
        "server.address": "api.mistral.ai",
        "server.port": 443,
        "gen_ai.response.id": "d3f1a2b4c5e6478899aabbccddeeff00",
        "gen_ai.response.model": EMBED_MODEL,
        "gen_ai.embeddings.dimension.count": 1024,
        "gen_ai.usage.input_tokens": 11,
    }
    [tokens] = otel.metrics()["gen_ai.client.embeddings.operation.input_tokens"]
    assert tokens.sum == 11


async def test_embeddings_error(otel):
    replay = Replay(Reply(status=400, json_body=BAD_REQUEST, headers=HEADERS))
    with pytest.raises(errors.SDKError):
        client_for(replay).embeddings.create(model=EMBED_MODEL, inputs="x")
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "invalid_request_message_error"


# --- coexistence and uninstrument -----------------------------------------------------------------------


async def test_the_sdks_own_span_is_replaced_by_ours(otel, call_mode):
    replay = Replay(reply_for(call_mode, TEXT), Reply(json_body=embeddings(), headers=HEADERS))
    client = client_for(replay)
    set_tracer_provider(client, otel.tracer_provider)  # the SDK's own tracing, live
    await call(call_mode, client, **PARAMS)
    client.embeddings.create(model=EMBED_MODEL, inputs="x")
    assert [s.instrumentation_scope.name for s in otel.spans()] == ["genai_otel", "genai_otel"]

    otel.instrument(exclude=["mistral"])
    otel.spans_exporter.clear()
    # SDK tracing off for this client: no span at all
    await call(call_mode, client_for(Replay(reply_for(call_mode, TEXT))), **PARAMS)
    replay = Replay(reply_for(call_mode, TEXT))
    client = client_for(replay)
    set_tracer_provider(client, otel.tracer_provider)
    await call(call_mode, client, **PARAMS)
    assert [s.instrumentation_scope.name for s in otel.spans()] == ["mistralai_sdk_tracer"]


def test_uninstrument_restores_the_sdk(otel):
    from mistralai.client import chat, fim
    from mistralai.client import embeddings as emb
    from mistralai.client._hooks import tracing

    patched = [chat.Chat.complete, chat.Chat.stream_async, fim.Fim.complete, emb.Embeddings.create]
    assert all(hasattr(m, "__wrapped__") for m in patched)
    genai_otel.uninstrument()
    assert not hasattr(chat.Chat.complete, "__wrapped__")
    assert not hasattr(chat.Chat.stream_async, "__wrapped__")
    assert not hasattr(fim.Fim.complete, "__wrapped__")
    assert not hasattr(emb.Embeddings.create, "__wrapped__")
    assert not hasattr(tracing.get_traced_request_and_span, "__wrapped__")
    client_for(Replay(Reply(json_body=TEXT))).chat.complete(**PARAMS)
    assert otel.spans() == []

"""End to end through the real, unmodified ``google-genai`` client (``google.genai.Client``).

The client's own httpx2 clients are kept (the replay transport goes in through
``HttpOptions.client_args`` / ``async_client_args``), so the SDK's request building, SSE decoding,
error mapping, automatic function calling and continuation all run. Each behaviour is written once
and runs over {sync (``client.models``), async (``client.aio.models``)} x {``generate_content``,
``generate_content_stream``}.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import openai
import pytest
from google import genai
from google.genai import errors, types
from google.oauth2.credentials import Credentials
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

import genai_otel
from bodies import openai_bodies as ob
from bodies.google_genai_bodies import (
    CACHED,
    EMBEDDING_MODEL,
    EMBEDDINGS,
    FUNCTION_CALL,
    GROUNDED,
    INTERNAL,
    INVALID_ARGUMENT,
    MAX_TOKENS,
    MODEL,
    MULTIMODAL,
    NOT_FOUND,
    RESOURCE_EXHAUSTED,
    RESPONSE_MODEL,
    TEXT,
    THINKING,
    TWO_CANDIDATES,
    UNAVAILABLE,
    VERTEX_EMBEDDING_MODEL,
    VERTEX_EMBEDDINGS,
    WEATHER_ANSWER,
    cut_sse,
    sse_of,
)
from genai_otel._telemetry.invocation import INFERENCE_SCOPE
from replay import Replay, Reply
from sampling import RecordingSampler, instrument_with_sampler
from spans import span_attrs

API_KEY = "test-key-not-real"
GEMINI_HOST = "generativelanguage.googleapis.com"
SPAN_NAME = f"generate_content {MODEL}"
PARAMS: dict[str, Any] = {"model": MODEL, "contents": "Hello"}
CONTENT_KEYS = (
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.definitions",
)


# --- the call matrix ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallMode:
    asynchronous: bool
    stream: bool

    def __str__(self) -> str:
        return f"{'async' if self.asynchronous else 'sync'}-{'stream' if self.stream else 'generate'}"


CALL_MODES = [CallMode(a, s) for a in (False, True) for s in (False, True)]
STREAM_MODES = [m for m in CALL_MODES if m.stream]


@pytest.fixture(params=CALL_MODES, ids=str)
def call_mode(request: pytest.FixtureRequest) -> CallMode:
    return request.param


def http_options(replay: Replay, **options: Any) -> types.HttpOptions:
    transport = replay.lib.MockTransport(replay.handler)
    return types.HttpOptions(
        client_args={"transport": transport}, async_client_args={"transport": transport}, **options
    )


def client_for(replay: Replay, **options: Any) -> genai.Client:
    return genai.Client(api_key=API_KEY, http_options=http_options(replay, **options))


def dump(response: types.GenerateContentResponse) -> dict[str, Any]:
    return response.model_dump(exclude={"sdk_http_response"})


async def call(mode: CallMode, client: genai.Client, **params: Any) -> Any:
    """One call made the way ``mode`` says and read to the end; what the caller got, as plain data."""
    models = client.aio.models if mode.asynchronous else client.models
    if mode.stream:
        if mode.asynchronous:
            return [dump(chunk) async for chunk in await models.generate_content_stream(**params)]
        return [dump(chunk) for chunk in models.generate_content_stream(**params)]
    result = models.generate_content(**params)
    if mode.asynchronous:
        result = await result
    assert isinstance(result, types.GenerateContentResponse)
    return dump(result)


def reply_for(mode: CallMode, body: dict[str, Any]) -> Reply:
    return Reply(sse=sse_of(body)) if mode.stream else Reply(json_body=body)


async def run(otel: Any, mode: CallMode, body: dict[str, Any] = TEXT, **params: Any) -> Any:
    replay = Replay(reply_for(mode, body))
    return await call(mode, client_for(replay), **(params or PARAMS))


@contextmanager
def uninstrumented(otel: Any, **settings: Any) -> Iterator[None]:
    genai_otel.uninstrument()
    try:
        yield
    finally:
        otel.instrument(**settings)
        otel.spans_exporter.clear()


# --- expectations -------------------------------------------------------------------------------------


def start_attrs(mode: CallMode, **extra: Any) -> dict[str, Any]:
    attrs = {
        "gen_ai.operation.name": "generate_content",
        "gen_ai.provider.name": "gcp.gemini",
        "gen_ai.request.model": MODEL,
        "server.address": GEMINI_HOST,
        "server.port": 443,
    }
    if mode.stream:
        attrs["gen_ai.request.stream"] = True
    attrs.update(extra)
    return attrs


def response_attrs(body: dict[str, Any], finish: tuple[str, ...] = ("STOP",), **usage: Any) -> dict[str, Any]:
    """``finish``: the candidates' ``finishReason`` as the API sent them."""
    return {
        "gen_ai.response.id": body["responseId"],
        "gen_ai.response.model": RESPONSE_MODEL,
        "gen_ai.response.finish_reasons": finish,
        **{f"gen_ai.usage.{k.replace('__', '.')}": v for k, v in usage.items()},
    }


def metric_attrs(**extra: Any) -> dict[str, Any]:
    return {
        "gen_ai.operation.name": "generate_content",
        "gen_ai.provider.name": "gcp.gemini",
        "gen_ai.request.model": MODEL,
        "server.address": GEMINI_HOST,
        "server.port": 443,
        **extra,
    }


def one_point(otel: Any, name: str) -> Any:
    points = otel.metrics().get(name, [])
    assert len(points) == 1, (name, [dict(p.attributes) for p in points])
    return points[0]


def counter_values(otel: Any, name: str) -> dict[str, int]:
    return {p.attributes["gen_ai.token.modality"]: p.value for p in otel.metrics().get(name, [])}


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


# --- spans ------------------------------------------------------------------------------------------------


async def test_one_client_span_with_exactly_the_semconv_attributes(otel, call_mode):
    result = await run(otel, call_mode)
    assert result

    span = otel.span()
    assert span.name == SPAN_NAME
    assert span.kind is SpanKind.CLIENT
    assert span.instrumentation_scope.name == "genai_otel"
    assert span.parent is None
    assert span.status.status_code is StatusCode.UNSET
    assert span.events == ()
    expected = response_attrs(TEXT, input_tokens=5, output_tokens=9, text__input_tokens=5)
    assert span_attrs(span, call_mode.stream) == {**start_attrs(call_mode), **expected}


async def test_result_is_what_the_uninstrumented_sdk_returns(otel, call_mode):
    with uninstrumented(otel):
        expected = await run(otel, call_mode, FUNCTION_CALL)
        assert otel.spans() == []
    assert await run(otel, call_mode, FUNCTION_CALL) == expected
    assert [s.name for s in otel.spans()] == [SPAN_NAME]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            TEXT, response_attrs(TEXT, input_tokens=5, output_tokens=9, text__input_tokens=5), id="text"
        ),
        # Gemini counts thoughts apart from the candidates; semconv output includes them: 40 + 812
        pytest.param(
            THINKING,
            response_attrs(
                THINKING,
                input_tokens=12,
                output_tokens=852,
                reasoning__output_tokens=812,
                text__input_tokens=12,
            ),
            id="thinking",
        ),
        # promptTokenCount already includes the cached tokens
        pytest.param(
            CACHED,
            response_attrs(
                CACHED,
                input_tokens=2100,
                output_tokens=15,
                cache_read__input_tokens=2048,
                text__input_tokens=2100,
            ),
            id="cache",
        ),
        pytest.param(
            MULTIMODAL,
            response_attrs(
                MULTIMODAL,
                input_tokens=268,
                output_tokens=11,
                text__input_tokens=10,
                image__input_tokens=258,
                text__output_tokens=11,
            ),
            id="multimodal",
        ),
        # search results fed back to the model: tool-use prompt tokens, input too (14 + 121)
        pytest.param(
            GROUNDED,
            response_attrs(GROUNDED, input_tokens=135, output_tokens=17, text__input_tokens=135),
            id="grounded",
        ),
        pytest.param(
            FUNCTION_CALL,
            response_attrs(FUNCTION_CALL, input_tokens=61, output_tokens=16, text__input_tokens=61),
            id="function_call",
        ),
        pytest.param(
            MAX_TOKENS,
            response_attrs(
                MAX_TOKENS, ("MAX_TOKENS",), input_tokens=8, output_tokens=16, text__input_tokens=8
            ),
            id="max_tokens",
        ),
    ],
)
async def test_response_attributes_and_usage(otel, call_mode, body, expected):
    await run(otel, call_mode, body)
    assert span_attrs(otel.span(), call_mode.stream) == {**start_attrs(call_mode), **expected}


async def test_request_parameters_from_the_config(otel, call_mode):
    config = {
        "temperature": 0.4,
        "top_p": 0.9,
        "top_k": 32,
        "max_output_tokens": 256,
        "stop_sequences": ["END"],
        "seed": 42,
        "candidate_count": 2,
        "presence_penalty": 0.5,
        "frequency_penalty": 0.25,
        "response_mime_type": "application/json",
        "thinking_config": {"thinking_level": "low"},
    }
    replay = Replay(reply_for(call_mode, TWO_CANDIDATES))
    result = await call(call_mode, client_for(replay), **PARAMS, config=config)
    assert result
    sent = replay.bodies[0]["generationConfig"]
    assert sent["topK"] == 32 and list(sent["thinkingConfig"].values()) == ["LOW"]
    attrs = span_attrs(otel.span(), call_mode.stream)
    requested = {
        k: v for k, v in attrs.items() if k.startswith("gen_ai.request.") or k == "gen_ai.output.type"
    }
    expected = {
        "gen_ai.request.model": MODEL,
        "gen_ai.request.temperature": 0.4,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.top_k": 32,
        "gen_ai.request.max_tokens": 256,
        "gen_ai.request.stop_sequences": ("END",),
        "gen_ai.request.seed": 42,
        "gen_ai.request.choice.count": 2,
        "gen_ai.request.presence_penalty": 0.5,
        "gen_ai.request.frequency_penalty": 0.25,
        "gen_ai.request.reasoning.level": "LOW",  # the string sent to the API
        "gen_ai.output.type": "json",
    }
    if call_mode.stream:
        expected["gen_ai.request.stream"] = True
    assert requested == expected
    assert type(attrs["gen_ai.request.top_k"]) is int  # the SDK holds it as a float
    assert attrs["gen_ai.response.finish_reasons"] == ("STOP", "STOP")  # one per candidate, as sent


async def test_nothing_invented_without_a_config(otel, call_mode):
    await run(otel, call_mode)
    attrs = span_attrs(otel.span(), call_mode.stream)
    requested = {k for k in attrs if k.startswith("gen_ai.request.") or k == "gen_ai.output.type"}
    assert requested == {"gen_ai.request.model"} | ({"gen_ai.request.stream"} if call_mode.stream else set())


@pytest.mark.parametrize(
    ("vertex", "host"),
    [
        ({"api_key": API_KEY}, "aiplatform.googleapis.com"),  # express mode
        (
            {
                "project": "test-project",
                "location": "us-central1",
                "credentials": Credentials(token="test-token-not-real"),
            },
            "us-central1-aiplatform.googleapis.com",
        ),
    ],
    ids=["express", "project"],
)
async def test_vertex_ai_mode(otel, call_mode, vertex, host):
    replay = Replay(reply_for(call_mode, TEXT))
    client = genai.Client(vertexai=True, http_options=http_options(replay), **vertex)
    await call(call_mode, client, **PARAMS)
    assert replay.requests[0].url.host == host
    attrs = span_attrs(otel.span(), call_mode.stream)
    assert attrs == {
        **start_attrs(call_mode, **{"gen_ai.provider.name": "gcp.vertex_ai", "server.address": host}),
        **response_attrs(TEXT, input_tokens=5, output_tokens=9, text__input_tokens=5),
    }


async def test_server_attributes_follow_the_base_url(otel, call_mode):
    replay = Replay(reply_for(call_mode, TEXT), reply_for(call_mode, TEXT))
    client = client_for(replay, base_url="http://localhost:8089/gemini/")
    await call(call_mode, client, **PARAMS)
    override = {"http_options": {"base_url": "https://gateway.example.com:8443/"}}
    await call(call_mode, client, **PARAMS, config=override)
    assert [(r.url.host, r.url.port) for r in replay.requests] == [
        ("localhost", 8089),
        ("gateway.example.com", 8443),
    ]
    assert [(s.attributes["server.address"], s.attributes["server.port"]) for s in otel.spans()] == [
        ("localhost", 8089),
        ("gateway.example.com", 8443),
    ]


async def test_sampling_relevant_attributes_are_given_at_span_start(otel, call_mode):
    sampler = RecordingSampler()
    _, exporter = instrument_with_sampler(otel, sampler)
    await run(otel, call_mode, TEXT, **PARAMS, config={"temperature": 0.0})
    [(name, kind, attrs)] = sampler.seen
    assert (name, kind) == (SPAN_NAME, SpanKind.CLIENT)
    assert attrs == start_attrs(call_mode, **{"gen_ai.request.temperature": 0.0})
    assert len(exporter.get_finished_spans()) == 1


async def test_the_span_is_a_child_of_the_callers_span_and_leaves_no_current_span(otel, call_mode):
    tracer = otel.tracer_provider.get_tracer("app")
    with tracer.start_as_current_span("handle request") as parent:
        await run(otel, call_mode)
        assert trace.get_current_span() is parent
    span = next(s for s in otel.spans() if s.name == SPAN_NAME)
    assert span.parent is not None and span.parent.span_id == parent.get_span_context().span_id


async def test_chat_sessions_go_through_the_models(otel, call_mode):
    otel.instrument(capture_content="SPAN_ONLY")
    replay = Replay(reply_for(call_mode, TEXT), reply_for(call_mode, MAX_TOKENS))
    client = client_for(replay)
    chats = client.aio.chats if call_mode.asynchronous else client.chats
    chat = chats.create(model=MODEL)
    for prompt in ("Hello", "Tell me a story"):
        if call_mode.stream:
            if call_mode.asynchronous:
                [c async for c in await chat.send_message_stream(prompt)]
            else:
                list(chat.send_message_stream(prompt))
        elif call_mode.asynchronous:
            await chat.send_message(prompt)
        else:
            chat.send_message(prompt)
    first, second = otel.spans()
    assert first.name == second.name == SPAN_NAME
    # the history exactly as the SDK sent it (a streamed answer is kept as one content per chunk)
    sent = [
        {
            "role": {"model": "assistant"}.get(c["role"], c["role"]),
            "parts": [{"type": "text", "content": p["text"]} for p in c["parts"]],
        }
        for c in replay.bodies[1]["contents"]
    ]
    assert json.loads(second.attributes["gen_ai.input.messages"]) == sent
    answer = TEXT["candidates"][0]["content"]["parts"][0]["text"]
    assert "".join(p["content"] for m in sent if m["role"] == "assistant" for p in m["parts"]) == answer
    assert sent[0]["role"] == "user" and sent[-1]["parts"][0]["content"] == "Tell me a story"
    assert second.attributes["gen_ai.response.finish_reasons"] == ("MAX_TOKENS",)


# --- metrics ----------------------------------------------------------------------------------------------


async def test_latest_metrics_split_tokens_by_modality(otel, call_mode):
    await run(otel, call_mode, MULTIMODAL)
    span = otel.span()
    names = {
        "gen_ai.client.inference.duration",
        "gen_ai.client.inference.usage.input_tokens",
        "gen_ai.client.inference.usage.output_tokens",
        "gen_ai.client.inference.operation.input_tokens",
        "gen_ai.client.inference.operation.output_tokens",
    }
    if call_mode.stream:
        names |= {
            "gen_ai.client.inference.time_to_first_chunk",
            "gen_ai.client.inference.time_per_output_chunk",
        }
    assert set(otel.metrics()) == names
    ok = metric_attrs(**{"gen_ai.response.model": RESPONSE_MODEL})
    duration = one_point(otel, "gen_ai.client.inference.duration")
    assert dict(duration.attributes) == ok
    assert 0 < duration.sum <= (span.end_time - span.start_time) / 1e9
    assert counter_values(otel, "gen_ai.client.inference.usage.input_tokens") == {"text": 10, "image": 258}
    assert counter_values(otel, "gen_ai.client.inference.usage.output_tokens") == {"text": 11}
    for name, tokens in (("input_tokens", 268), ("output_tokens", 11)):
        point = one_point(otel, f"gen_ai.client.inference.operation.{name}")
        assert (dict(point.attributes), point.sum) == (ok, tokens)


async def test_reasoning_and_cache_counters(otel, call_mode):
    await run(otel, call_mode, THINKING)
    # thoughts have no modality split in the response: they are the part the split does not explain
    assert counter_values(otel, "gen_ai.client.inference.usage.output_tokens") == {"unknown": 852}
    assert counter_values(otel, "gen_ai.client.inference.usage.reasoning.output_tokens") == {"unknown": 812}
    await run(otel, call_mode, CACHED)
    assert counter_values(otel, "gen_ai.client.inference.usage.cache_read.input_tokens") == {"text": 2048}


# --- failures ---------------------------------------------------------------------------------------------


async def raised(coro: Any) -> BaseException:
    try:
        await coro
    except Exception as exc:
        return exc
    raise AssertionError("the call did not raise")


def same_failure(exc: BaseException) -> tuple[Any, ...]:
    return (
        type(exc),
        str(exc),
        getattr(exc, "code", None),
        getattr(exc, "status", None),
        getattr(exc, "details", None),
    )


@pytest.mark.parametrize(
    ("status", "body", "exc_type", "error_type"),
    [
        (400, INVALID_ARGUMENT, errors.ClientError, "INVALID_ARGUMENT"),
        (404, NOT_FOUND, errors.ClientError, "NOT_FOUND"),
        (429, RESOURCE_EXHAUSTED, errors.ClientError, "RESOURCE_EXHAUSTED"),
        (503, UNAVAILABLE, errors.ServerError, "UNAVAILABLE"),
    ],
    ids=["400", "404", "429", "503"],
)
async def test_http_error(otel, call_mode, status, body, exc_type, error_type):
    def attempt() -> Any:
        return call(call_mode, client_for(Replay(Reply(status=status, json_body=body))), **PARAMS)

    with uninstrumented(otel):
        expected = await raised(attempt())
    exc = await raised(attempt())
    assert type(exc) is exc_type
    assert same_failure(exc) == same_failure(expected)

    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span_attrs(span, streamed=False) == {**start_attrs(call_mode), "error.type": error_type}
    [event] = span.events
    assert event.name == "exception"
    assert event.attributes["exception.type"] == f"google.genai.errors.{exc_type.__name__}"
    failed = metric_attrs(**{"error.type": error_type})
    assert dict(one_point(otel, "gen_ai.client.inference.duration").attributes) == failed
    assert counter_values(otel, "gen_ai.client.inference.usage.input_tokens") == {"unknown": 0}


@pytest.mark.parametrize("call_mode", STREAM_MODES, ids=str)
async def test_mid_stream_error_event(otel, call_mode):
    def attempt() -> Any:
        return call(call_mode, client_for(Replay(Reply(sse=cut_sse(TEXT, INTERNAL)))), **PARAMS)

    with uninstrumented(otel):
        expected = await raised(attempt())
    exc = await raised(attempt())
    assert type(exc) is errors.ServerError
    assert same_failure(exc) == same_failure(expected)

    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span_attrs(span, streamed=True) == {
        **start_attrs(call_mode),
        # what the first frame said: prompt usage only, and no finish reason ever arrived
        **response_attrs(TEXT, ("error",), input_tokens=5, text__input_tokens=5),
        "error.type": "INTERNAL",
    }


@pytest.mark.parametrize("call_mode", STREAM_MODES, ids=str)
async def test_stream_cut_short_without_an_error(otel, call_mode):
    replay = Replay(Reply(sse=cut_sse(TEXT)))
    chunks = await call(call_mode, client_for(replay), **PARAMS)
    assert len(chunks) == 1 and len(replay.requests) == 1
    span = otel.span()
    assert span.status.status_code is StatusCode.UNSET
    assert span.attributes["gen_ai.response.finish_reasons"] == ("error",)


@pytest.mark.parametrize("call_mode", STREAM_MODES, ids=str)
async def test_early_break_and_close_end_the_span(otel, call_mode):
    client = client_for(Replay(reply_for(call_mode, TEXT)))
    if call_mode.asynchronous:
        stream = await client.aio.models.generate_content_stream(**PARAMS)
        async for _chunk in stream:
            break
        assert otel.spans() == []
        await stream.aclose()
        # the SDK's inner async generators are finalised by the event loop (asyncio's asyncgen
        # hooks schedule their aclose), a turn or two later
        for _ in range(3):
            await asyncio.sleep(0)
    else:
        stream = client.models.generate_content_stream(**PARAMS)
        for _chunk in stream:
            break
        assert otel.spans() == []
        stream.close()
    span = otel.span()
    assert span.status.status_code is StatusCode.UNSET
    attrs = span_attrs(span, streamed=True)
    assert attrs["gen_ai.response.id"] == TEXT["responseId"]
    assert attrs["gen_ai.response.finish_reasons"] == ("error",)  # cut before the last frame
    assert "error.type" not in attrs


def test_an_abandoned_stream_ends_its_span_when_collected(otel):
    client = client_for(Replay(Reply(sse=sse_of(TEXT))))  # kept: a collected Client closes its HTTP client
    stream = client.models.generate_content_stream(**PARAMS)
    next(stream)
    assert otel.spans() == []
    del stream
    gc.collect()
    assert otel.span().attributes["gen_ai.response.finish_reasons"] == ("error",)


# --- automatic function calling -----------------------------------------------------------------------


def get_weather(location: str) -> str:
    """Get the current weather in a given location.

    Args:
      location: a city name.
    """
    return f"18°C and sunny in {location}"


def broken_weather(location: str) -> str:
    """Always fails."""
    raise RuntimeError(f"weather station offline near {location}")


async def test_automatic_function_calling_spans(otel, call_mode):
    otel.instrument(capture_content="SPAN_ONLY")
    replay = Replay(reply_for(call_mode, FUNCTION_CALL), reply_for(call_mode, WEATHER_ANSWER))
    tracer = otel.tracer_provider.get_tracer("app")
    with tracer.start_as_current_span("handle request") as parent:
        result = await call(
            call_mode,
            client_for(replay),
            model=MODEL,
            contents="Weather in Paris?",
            config={"tools": [get_weather]},
        )
    answer = result[-1] if call_mode.stream else result
    assert "18°C" in json.dumps(answer, ensure_ascii=False, default=str)
    assert len(replay.requests) == 2

    spans = sorted((s for s in otel.spans() if s.name != "handle request"), key=lambda s: s.start_time)
    assert [s.name for s in spans] == [SPAN_NAME, "execute_tool get_weather", SPAN_NAME]
    first, tool, second = spans
    for span in spans:  # siblings under the caller's span: one inference span per round trip
        assert span.parent is not None and span.parent.span_id == parent.get_span_context().span_id
    assert tool.kind is SpanKind.INTERNAL
    assert tool.status.status_code is StatusCode.UNSET
    assert dict(tool.attributes) == {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "get_weather",
        "gen_ai.tool.type": "function",
        "gen_ai.tool.description": "Get the current weather in a given location.",
        "gen_ai.tool.call.arguments": json.dumps({"location": "Paris"}),
        "gen_ai.tool.call.result": json.dumps("18°C and sunny in Paris", ensure_ascii=False),
    }
    if not call_mode.stream:  # a stream's span ends on the frame after the call, when the hop ends
        assert first.end_time <= tool.start_time
    assert tool.end_time <= second.start_time

    assert first.attributes["gen_ai.response.id"] == FUNCTION_CALL["responseId"]
    assert (
        first.attributes["gen_ai.usage.input_tokens"],
        second.attributes["gen_ai.usage.input_tokens"],
    ) == (61, 104)
    assert json.loads(second.attributes["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]},
        {
            "role": "assistant",
            "parts": [
                {"type": "tool_call", "id": None, "name": "get_weather", "arguments": {"location": "Paris"}}
            ],
        },
        {
            "role": "user",
            "parts": [
                {"type": "tool_call_response", "id": None, "response": {"result": "18°C and sunny in Paris"}}
            ],
        },
    ]
    [definition] = json.loads(second.attributes["gen_ai.tool.definitions"])
    assert definition["name"] == "get_weather" and definition["type"] == "function"
    assert definition["parameters"]["properties"] == {"location": {"type": "string"}}
    tools = {
        p.attributes["gen_ai.tool.name"]: p.count for p in otel.metrics()["gen_ai.execute_tool.duration"]
    }
    assert tools == {"get_weather": 1}


async def test_a_failing_tool(otel, call_mode):
    params = {"model": MODEL, "contents": "Weather in Paris?", "config": {"tools": [broken_weather]}}
    broken_call = json.loads(json.dumps(FUNCTION_CALL).replace("get_weather", "broken_weather"))
    replay = Replay(reply_for(call_mode, broken_call), reply_for(call_mode, WEATHER_ANSWER))
    await call(call_mode, client_for(replay), **params)
    # the SDK sends the error back to the model as the function's response
    assert "weather station offline" in json.dumps(replay.bodies[1]["contents"][-1])
    [tool] = [s for s in otel.spans() if s.kind is SpanKind.INTERNAL]
    assert tool.name == "execute_tool broken_weather"
    assert tool.status.status_code is StatusCode.ERROR
    assert tool.attributes["error.type"] == "google.genai.errors.FunctionInvocationError"
    assert [s.status.status_code for s in otel.spans() if s.kind is SpanKind.CLIENT] == [StatusCode.UNSET] * 2


def asking_weather(location: str) -> str:
    """Get the current weather in a given location, from another model.

    Args:
      location: a city name.
    """
    replay = Replay(Reply(json_body=ob.chat_completion(), headers=ob.HEADERS))
    client = openai.OpenAI(api_key="sk-test-not-a-key", http_client=replay.sync_client(), max_retries=0)
    answer = client.chat.completions.create(
        model=ob.MODEL, messages=[{"role": "user", "content": f"Weather in {location}?"}]
    )
    return answer.choices[0].message.content or ""


def afc_call(mode: CallMode) -> tuple[Replay, dict[str, Any]]:
    call_body = json.loads(json.dumps(FUNCTION_CALL).replace("get_weather", "asking_weather"))
    replay = Replay(reply_for(mode, call_body), reply_for(mode, WEATHER_ANSWER))
    params = {"model": MODEL, "contents": "Weather in Paris?", "config": {"tools": [asking_weather]}}
    return replay, params


async def test_an_llm_call_inside_a_tool_is_traced_under_the_tool_span(otel, call_mode):
    replay, params = afc_call(call_mode)
    await call(call_mode, client_for(replay), **params)
    assert len(replay.requests) == 2
    spans = sorted(otel.spans(), key=lambda s: s.start_time)
    assert [s.name for s in spans] == [
        SPAN_NAME,
        "execute_tool asking_weather",
        f"chat {ob.MODEL}",
        SPAN_NAME,
    ]
    _, tool, nested, _ = spans
    assert nested.parent is not None and nested.parent.span_id == tool.context.span_id
    assert nested.attributes["gen_ai.provider.name"] == "openai"
    assert tool.start_time <= nested.start_time and nested.end_time <= tool.end_time


async def test_a_tool_run_inside_an_inference_call_is_traced_and_so_is_its_llm_call(otel, call_mode):
    """Where an SDK runs tools inside its own traced call (the inference scope is set, here by hand
    as the wrapper sets it), the model calls of that SDK pass through untraced (one LLM call, one
    span), but the tool span clears the scope: the LLM call the tool makes is traced again."""
    replay, params = afc_call(call_mode)
    token = otel_context.attach(otel_context.set_value(INFERENCE_SCOPE, True))
    try:
        await call(call_mode, client_for(replay), **params)
    finally:
        otel_context.detach(token)
    assert len(replay.requests) == 2
    spans = sorted(otel.spans(), key=lambda s: s.start_time)
    assert [s.name for s in spans] == ["execute_tool asking_weather", f"chat {ob.MODEL}"]
    tool, nested = spans
    assert nested.parent is not None and nested.parent.span_id == tool.context.span_id


async def get_weather_async(location: str) -> str:
    """Get the current weather, asynchronously."""
    return f"18°C and sunny in {location}"


@pytest.mark.parametrize("call_mode", [m for m in CALL_MODES if m.asynchronous], ids=str)
async def test_an_async_tool(otel, call_mode):
    replay = Replay(
        reply_for(
            call_mode, json.loads(json.dumps(FUNCTION_CALL).replace("get_weather", "get_weather_async"))
        ),
        reply_for(call_mode, WEATHER_ANSWER),
    )
    config = {"tools": [get_weather_async]}
    await call(call_mode, client_for(replay), model=MODEL, contents="Weather in Paris?", config=config)
    assert "18°C and sunny in Paris" in json.dumps(replay.bodies[1]["contents"][-1], ensure_ascii=False)
    spans = sorted(otel.spans(), key=lambda s: s.start_time)
    assert [s.name for s in spans] == [SPAN_NAME, "execute_tool get_weather_async", SPAN_NAME]
    assert spans[1].attributes["gen_ai.tool.description"] == "Get the current weather, asynchronously."
    assert "gen_ai.tool.call.arguments" not in spans[1].attributes  # content is off by default


async def test_function_calls_returned_to_the_caller_make_no_tool_span(otel, call_mode):
    declaration = types.FunctionDeclaration(
        name="get_weather",
        description="Get the current weather in a given location.",
        parameters_json_schema={"type": "object", "properties": {"location": {"type": "string"}}},
    )
    configs = [
        {"tools": [types.Tool(function_declarations=[declaration])]},  # declared only: nothing to run
        {"tools": [get_weather], "automatic_function_calling": {"disable": True}},  # AFC off
    ]
    for config in configs:
        replay = Replay(reply_for(call_mode, FUNCTION_CALL))
        await call(call_mode, client_for(replay), model=MODEL, contents="Weather in Paris?", config=config)
        assert len(replay.requests) == 1
    assert [s.name for s in otel.spans()] == [SPAN_NAME, SPAN_NAME]
    assert "gen_ai.execute_tool.duration" not in otel.metrics()


# --- content ----------------------------------------------------------------------------------------------

IMAGE = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(200))
WEATHER_DECLARATION = {
    "name": "get_weather",
    "description": "Get the current weather in a given location",
    "parameters_json_schema": {
        "type": "object",
        "properties": {"location": {"type": "string"}},
        "required": ["location"],
    },
}
CONTENT_PARAMS: dict[str, Any] = {
    "model": MODEL,
    "contents": [
        types.Content(
            role="user",
            parts=[
                types.Part.from_bytes(data=IMAGE, mime_type="image/png"),
                types.Part.from_text(text="Where was this taken, and what is the weather there?"),
            ],
        ),
        types.Content(
            role="model",
            parts=[types.Part.from_function_call(name="get_weather", args={"location": "Paris"})],
        ),
        types.Content(
            role="user",
            parts=[types.Part.from_function_response(name="get_weather", response={"result": "18°C, sunny"})],
        ),
        {
            "role": "user",
            "parts": [{"file_data": {"file_uri": "gs://bucket/notes.pdf", "mime_type": "application/pdf"}}],
        },
    ],
    "config": {
        "system_instruction": "You are a weather assistant.",
        "tools": [
            {"function_declarations": [WEATHER_DECLARATION]},
            types.Tool(google_search=types.GoogleSearch()),
        ],
    },
}
ANSWER = {
    "candidates": [
        {
            "content": {
                "parts": [
                    {"text": "The photo shows the Eiffel Tower.", "thought": True},
                    {"text": "That's Paris: 18°C and sunny."},
                ],
                "role": "model",
            },
            "finishReason": "STOP",
            "index": 0,
        }
    ],
    "usageMetadata": {
        "promptTokenCount": 320,
        "candidatesTokenCount": 9,
        "thoughtsTokenCount": 7,
        "totalTokenCount": 336,
    },
    "modelVersion": RESPONSE_MODEL,
    "responseId": "pU8MaeCxBPaLz7IPxZ_1yQg",
}
EXPECTED_CONTENT = {
    "gen_ai.input.messages": [
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
                {"type": "tool_call", "id": None, "name": "get_weather", "arguments": {"location": "Paris"}}
            ],
        },
        {
            "role": "user",
            "parts": [{"type": "tool_call_response", "id": None, "response": {"result": "18°C, sunny"}}],
        },
        {
            "role": "user",
            "parts": [
                {
                    "type": "uri",
                    "modality": "document",
                    "uri": "gs://bucket/notes.pdf",
                    "mime_type": "application/pdf",
                }
            ],
        },
    ],
    "gen_ai.output.messages": [
        {
            "role": "assistant",
            "parts": [
                {"type": "reasoning", "content": "The photo shows the Eiffel Tower."},
                {"type": "text", "content": "That's Paris: 18°C and sunny."},
            ],
            "finish_reason": "stop",
        }
    ],
    "gen_ai.system_instructions": [{"type": "text", "content": "You are a weather assistant."}],
    "gen_ai.tool.definitions": [
        {
            "type": "function",
            "name": "get_weather",
            "description": "Get the current weather in a given location",
            "parameters": WEATHER_DECLARATION["parameters_json_schema"],
        },
        {"type": "google_search", "name": "google_search"},
    ],
}


async def test_span_only_content(otel, call_mode):
    otel.instrument(capture_content="SPAN_ONLY")
    await run(otel, call_mode, ANSWER, **CONTENT_PARAMS)
    span = otel.span()
    for key, expected in EXPECTED_CONTENT.items():
        raw = span.attributes[key]
        assert isinstance(raw, str)
        assert json.loads(raw) == expected, key
    encoded = base64.b64encode(IMAGE).decode()
    assert not any(encoded[:40] in str(v) for v in span.attributes.values())
    assert otel.events() == []


def finished_with(reason: str) -> dict[str, Any]:
    """``TEXT`` with another ``finishReason`` (a safety stop, one the enum calls ``OTHER``)."""
    body = json.loads(json.dumps(TEXT))
    body["candidates"][0]["finishReason"] = reason
    return body


@pytest.mark.parametrize(
    ("body", "sent", "schema"),
    [
        pytest.param(TEXT, "STOP", "stop", id="STOP"),
        pytest.param(FUNCTION_CALL, "STOP", "tool_call", id="STOP-with-a-function-call"),
        pytest.param(MAX_TOKENS, "MAX_TOKENS", "length", id="MAX_TOKENS"),
        pytest.param(finished_with("SAFETY"), "SAFETY", "content_filter", id="SAFETY"),
        pytest.param(finished_with("OTHER"), "OTHER", "OTHER", id="OTHER"),  # no enum value: as sent
    ],
)
async def test_finish_reason_as_sent_on_the_span_and_the_schema_value_in_the_message(
    otel, call_mode, body, sent, schema
):
    otel.instrument(capture_content="SPAN_ONLY")
    await run(otel, call_mode, body)
    attrs = otel.span().attributes
    assert attrs["gen_ai.response.finish_reasons"] == (sent,)  # the enum's wire value
    [output] = json.loads(attrs["gen_ai.output.messages"])
    assert output["finish_reason"] == schema


async def test_no_content_by_default(otel, call_mode, monkeypatch):
    monkeypatch.delenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", raising=False)
    otel.instrument()
    await run(otel, call_mode, ANSWER, **CONTENT_PARAMS)
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)
    assert otel.events() == []
    texts = " ".join(all_strings(dict(span.attributes)))
    assert "Eiffel" not in texts and "weather assistant" not in texts


async def test_the_api_key_is_never_exported(otel, call_mode):
    otel.instrument(capture_content="SPAN_AND_EVENT")
    replay = Replay(reply_for(call_mode, TEXT))
    await call(call_mode, client_for(replay), **PARAMS)
    assert replay.requests[0].headers["x-goog-api-key"] == API_KEY  # the SDK did send it
    exported = [s for span in otel.spans() for s in all_strings(dict(span.attributes))]
    exported += [s for record in otel.events() for s in all_strings(dict(record.attributes or {}))]
    assert exported and not [s for s in exported if API_KEY in s]


# --- embeddings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_embeddings(otel, asynchronous):
    replay = Replay(Reply(json_body=EMBEDDINGS))
    client = client_for(replay)
    models = client.aio.models if asynchronous else client.models
    result = models.embed_content(model=EMBEDDING_MODEL, contents=["What is your name?", "Favourite colour?"])
    if asynchronous:
        result = await result
    assert len(result.embeddings) == 2
    assert replay.requests[0].url.path.endswith(":batchEmbedContents")
    span = otel.span()
    assert span.name == f"embeddings {EMBEDDING_MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert dict(span.attributes) == {
        "gen_ai.operation.name": "embeddings",
        "gen_ai.provider.name": "gcp.gemini",
        "gen_ai.request.model": EMBEDDING_MODEL,
        "server.address": GEMINI_HOST,
        "server.port": 443,
        "gen_ai.embeddings.dimension.count": 8,
        "gen_ai.usage.input_tokens": 12,
    }
    assert "gen_ai.client.embeddings.duration" in otel.metrics()


async def test_vertex_embeddings_count_tokens_per_instance(otel):
    replay = Replay(Reply(json_body=VERTEX_EMBEDDINGS))
    client = genai.Client(vertexai=True, api_key=API_KEY, http_options=http_options(replay))
    result = client.models.embed_content(model=VERTEX_EMBEDDING_MODEL, contents=["first", "second one"])
    assert [e.statistics.token_count for e in result.embeddings] == [5, 7]
    assert replay.requests[0].url.path.endswith(":predict")
    attrs = dict(otel.span().attributes)
    assert attrs["gen_ai.provider.name"] == "gcp.vertex_ai"
    assert (attrs["gen_ai.embeddings.dimension.count"], attrs["gen_ai.usage.input_tokens"]) == (4, 12)


async def test_embeddings_error(otel):
    client = client_for(Replay(Reply(status=400, json_body=INVALID_ARGUMENT)))
    with pytest.raises(errors.ClientError):
        client.models.embed_content(model=EMBEDDING_MODEL, contents="x")
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "INVALID_ARGUMENT"


# --- instrument / uninstrument --------------------------------------------------------------------------


async def test_uninstrument_restores_the_sdk(otel):
    from google.genai import _extra_utils, models

    assert getattr(models.Models._generate_content, "_self_genai_otel", False)
    assert getattr(_extra_utils.invoke_function_from_dict_args, "_self_genai_otel", False)
    genai_otel.uninstrument()
    for function in (
        models.Models._generate_content,
        models.Models._generate_content_stream,
        models.Models.embed_content,
        models.AsyncModels._generate_content,
        models.AsyncModels._generate_content_stream,
        models.AsyncModels.embed_content,
        _extra_utils.invoke_function_from_dict_args,
        _extra_utils.invoke_function_from_dict_args_async,
    ):
        assert not hasattr(function, "__wrapped__"), function
    await run(otel, CallMode(False, False))
    assert otel.spans() == []


async def test_excluding_the_adapter(otel, call_mode):
    otel.instrument(exclude=["google_genai"])
    await run(otel, call_mode)
    assert otel.spans() == []

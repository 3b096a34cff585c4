"""End to end through the real, unmodified ``groq`` clients (httpx underneath).

``Groq`` / ``AsyncGroq`` talk to the replay transport after ``otel`` instrumented. Behaviours run
over {sync, async} x {plain, stream}; streamed bodies are derived from the plain ones
(``groq_bodies.chat_sse``), so one expectation serves both. The adapter reuses the openai
adapter's Chat Completions surface (``providers/openai/compat.py``); these tests pin what must
differ: provider ``groq`` whatever the base URL, no ``openai.*`` attributes, usage from
``x_groq.usage`` in streams, Groq's timings, ``error.type`` from the error body's ``code``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import groq
import httpx
import pydantic
import pytest
from opentelemetry.trace import SpanKind, StatusCode

import genai_otel
from bodies import groq_bodies as b
from replay import Replay, Reply
from spans import span_attrs

API_KEY = "gsk_FAKEFAKEFAKEFAKE-test-key-not-real-000000000000000000"
HELLO = [{"role": "user", "content": "Hello"}]
PARAMS: dict[str, Any] = {"model": b.MODEL, "messages": HELLO}
CONTENT_KEYS = ("gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.tool.definitions")


@dataclass(frozen=True)
class Mode:
    asynchronous: bool
    stream: bool

    def __str__(self) -> str:
        return f"{'async' if self.asynchronous else 'sync'}-{'stream' if self.stream else 'plain'}"


MODES = [Mode(a, s) for a in (False, True) for s in (False, True)]


@pytest.fixture(params=MODES, ids=str)
def mode(request: pytest.FixtureRequest) -> Mode:
    return request.param


def client_for(asynchronous: bool, replay: Replay, **options: Any) -> Any:
    options.setdefault("max_retries", 0)
    if asynchronous:
        return groq.AsyncGroq(api_key=API_KEY, http_client=replay.async_client(), **options)
    return groq.Groq(api_key=API_KEY, http_client=replay.sync_client(), **options)


def reply_for(mode: Mode, body: dict[str, Any]) -> Reply:
    return (
        Reply(sse=b.chat_sse(body), headers=b.HEADERS)
        if mode.stream
        else Reply(json_body=body, headers=b.HEADERS)
    )


async def call(mode: Mode, client: Any, **params: Any) -> Any:
    """One chat call made the way ``mode`` says, read to the end; what the caller got, as data."""
    create = client.chat.completions.create
    if not mode.stream:
        result = create(**params)
        if mode.asynchronous:
            result = await result
        assert isinstance(result, pydantic.BaseModel)
        return result.model_dump()
    if mode.asynchronous:
        stream = await create(**params, stream=True)
        assert isinstance(stream, groq.AsyncStream)
        return [chunk.model_dump() async for chunk in stream]
    stream = create(**params, stream=True)
    assert isinstance(stream, groq.Stream)
    return [chunk.model_dump() for chunk in stream]


async def run(otel: Any, mode: Mode, body: dict[str, Any] | None = None, **params: Any) -> Any:
    replay = Replay(reply_for(mode, body or b.text()), lib=httpx)
    return await call(mode, client_for(mode.asynchronous, replay), **(params or PARAMS))


def start_attrs(mode: Mode, **extra: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "groq",
        "gen_ai.request.model": b.MODEL,
        "server.address": "api.groq.com",
        "server.port": 443,
    }
    if mode.stream:
        attrs["gen_ai.request.stream"] = True
    return {**attrs, **extra}


def response_attrs(
    body: dict[str, Any], input_tokens: int, output_tokens: int, finish: str = "stop", **extra: Any
) -> dict[str, Any]:
    return {
        "gen_ai.response.id": b.CHAT_ID,
        "gen_ai.response.model": body["model"],
        "gen_ai.response.finish_reasons": (finish,),
        "gen_ai.usage.input_tokens": input_tokens,
        "gen_ai.usage.output_tokens": output_tokens,
        "genai_otel.groq.queue_time": 0.052713,
        "genai_otel.groq.prompt_time": 0.002154,
        "genai_otel.groq.completion_time": 0.018333,
        **extra,
    }


def metric_attrs(**extra: Any) -> dict[str, Any]:
    return {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "groq",
        "gen_ai.request.model": b.MODEL,
        "server.address": "api.groq.com",
        "server.port": 443,
        **extra,
    }


def one_point(otel: Any, name: str) -> Any:
    points = otel.metrics().get(name, [])
    assert len(points) == 1, (name, [dict(p.attributes) for p in points])
    return points[0]


async def raised(coro: Any) -> BaseException:
    try:
        await coro
    except Exception as exc:
        return exc
    raise AssertionError("the call did not raise")


# --- chat ----------------------------------------------------------------------------------------------


async def test_chat_one_client_span_with_exactly_the_semconv_attributes(otel, mode):
    assert await run(otel, mode)
    span = otel.span()
    assert span.name == f"chat {b.MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    assert span_attrs(span, mode.stream) == {**start_attrs(mode), **response_attrs(b.text(), 42, 11)}
    assert not [k for k in span.attributes if k.startswith("openai.")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            b.cached(),
            response_attrs(b.cached(), 2316, 9, **{"gen_ai.usage.cache_read.input_tokens": 2048}),
            id="cached",
        ),
        pytest.param(
            b.reasoning(),
            response_attrs(b.reasoning(), 81, 164, **{"gen_ai.usage.reasoning.output_tokens": 139}),
            id="reasoning",
        ),
        pytest.param(
            b.tool_call(), response_attrs(b.tool_call(), 228, 19, finish="tool_calls"), id="tool_call"
        ),
    ],
)
async def test_chat_usage_exactly_as_returned(otel, mode, body, expected):
    await run(otel, mode, body)
    assert span_attrs(otel.span(), mode.stream) == {**start_attrs(mode), **expected}


async def test_chat_token_metrics(otel, mode):
    await run(otel, mode, b.cached())
    ok = metric_attrs(**{"gen_ai.response.model": b.cached()["model"]})
    assert dict(one_point(otel, "gen_ai.client.inference.duration").attributes) == ok
    for name, tokens in (("input_tokens", 2316), ("output_tokens", 9)):
        point = one_point(otel, f"gen_ai.client.inference.operation.{name}")
        assert (dict(point.attributes), point.sum) == (ok, tokens)
    cache = one_point(otel, "gen_ai.client.inference.usage.cache_read.input_tokens")
    assert cache.value == 2048
    assert ("gen_ai.client.inference.time_to_first_chunk" in otel.metrics()) is mode.stream


async def test_chat_reports_exactly_the_parameters_passed(otel, mode):
    params = {
        **PARAMS,
        "temperature": 0.2,
        "top_p": 0.9,
        "max_completion_tokens": 256,
        "frequency_penalty": 0.5,
        "presence_penalty": 0.25,
        "stop": ["END"],
        "seed": 7,
        "n": 1,
        "response_format": {"type": "json_object"},
        "reasoning_effort": "low",
        "reasoning_format": "parsed",
        "service_tier": "flex",
    }
    await run(otel, mode, **params)
    attrs = span_attrs(otel.span(), mode.stream)
    requested = {
        k: v for k, v in attrs.items() if k.startswith("gen_ai.request.") or k == "gen_ai.output.type"
    }
    assert requested == {
        "gen_ai.request.model": b.MODEL,
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.max_tokens": 256,
        "gen_ai.request.frequency_penalty": 0.5,
        "gen_ai.request.presence_penalty": 0.25,
        "gen_ai.request.stop_sequences": ("END",),
        "gen_ai.request.seed": 7,
        "gen_ai.request.reasoning.level": "low",
        "gen_ai.output.type": "json",
        **({"gen_ai.request.stream": True} if mode.stream else {}),
    }
    assert not [k for k in attrs if k.startswith("openai.")]  # service_tier is Groq's, not openai's


async def test_chat_result_is_the_uninstrumented_result(otel, mode):
    genai_otel.uninstrument()
    expected = await run(otel, mode, b.tool_call())
    assert otel.spans() == []
    otel.instrument()
    assert await run(otel, mode, b.tool_call()) == expected
    assert len(otel.spans()) == 1


async def test_provider_is_groq_behind_a_proxy_and_server_is_the_base_url(otel, mode):
    replay = Replay(reply_for(mode, b.text()), lib=httpx)
    client = client_for(mode.asynchronous, replay, base_url="http://localhost:8000/groq")
    await call(mode, client, **PARAMS)
    attrs = dict(otel.span().attributes)
    assert attrs["gen_ai.provider.name"] == "groq"  # not vllm, as port 8000 alone would say
    assert (attrs["server.address"], attrs["server.port"]) == ("localhost", 8000)
    assert str(replay.requests[0].url) == "http://localhost:8000/groq/openai/v1/chat/completions"


# --- streams --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_stream_broken_off_and_closed_ends_the_span(otel, asynchronous):
    replay = Replay(Reply(sse=b.chat_sse(b.text()), headers=b.HEADERS), lib=httpx)
    client = client_for(asynchronous, replay)
    if asynchronous:
        stream = await client.chat.completions.create(**PARAMS, stream=True)
        async for _chunk in stream:
            break
        assert otel.spans() == []
        await stream.close()
    else:
        stream = client.chat.completions.create(**PARAMS, stream=True)
        for _chunk in stream:
            break
        assert otel.spans() == []
        stream.close()
    span = otel.span()
    assert span.status.status_code is StatusCode.UNSET
    attrs = span_attrs(span, streamed=True)
    assert attrs["gen_ai.response.id"] == b.CHAT_ID
    assert attrs["gen_ai.response.finish_reasons"] == ("error",)  # it never said why it stopped
    assert "gen_ai.usage.input_tokens" not in attrs  # the usage chunk never came


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_error_mid_stream(otel, asynchronous):
    async def attempt() -> Any:
        replay = Replay(Reply(sse=b.stream_error_sse(), headers=b.HEADERS), lib=httpx)
        return await call(Mode(asynchronous, True), client_for(asynchronous, replay), **PARAMS)

    genai_otel.uninstrument()
    expected = await raised(attempt())
    otel.instrument()
    exc = await raised(attempt())
    assert type(exc) is groq.APIError and type(expected) is groq.APIError
    assert (str(exc), exc.body) == (str(expected), expected.body)
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    attrs = span_attrs(span, streamed=True)
    assert attrs["error.type"] == "tool_use_failed"
    assert attrs["gen_ai.response.finish_reasons"] == ("error",)
    duration = one_point(otel, "gen_ai.client.inference.duration")
    assert duration.attributes["error.type"] == "tool_use_failed"


# --- errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "exc_type", "error_type"),
    [
        (404, b.model_not_found(), groq.NotFoundError, "model_not_found"),
        (429, b.rate_limited(), groq.RateLimitError, "rate_limit_exceeded"),
        (
            500,
            {"error": {"message": "Internal Server Error", "type": "internal_server_error"}},
            groq.InternalServerError,
            "internal_server_error",
        ),
    ],
    ids=["404", "429", "500"],
)
async def test_http_error(otel, mode, status, body, exc_type, error_type):
    async def attempt() -> Any:
        replay = Replay(Reply(status=status, json_body=body, headers=b.HEADERS), lib=httpx)
        return await call(mode, client_for(mode.asynchronous, replay), **PARAMS)

    genai_otel.uninstrument()
    expected = await raised(attempt())
    otel.instrument()
    exc = await raised(attempt())
    assert type(exc) is exc_type
    assert (str(exc), exc.status_code, exc.body) == (str(expected), expected.status_code, expected.body)

    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span_attrs(span, streamed=False) == {**start_attrs(mode), "error.type": error_type}
    [event] = span.events
    assert event.attributes["exception.type"] == f"groq.{exc_type.__name__}"
    assert dict(one_point(otel, "gen_ai.client.inference.duration").attributes) == metric_attrs(
        **{"error.type": error_type}
    )


# --- embeddings -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_embeddings(otel, asynchronous):
    replay = Replay(Reply(json_body=b.embeddings(), headers=b.HEADERS), lib=httpx)
    client = client_for(asynchronous, replay)
    result = client.embeddings.create(
        model=b.EMBEDDING_MODEL, input="The quick brown fox", encoding_format="float"
    )
    if asynchronous:
        result = await result
    assert len(result.data[0].embedding) == 768
    span = otel.span()
    assert span.name == f"embeddings {b.EMBEDDING_MODEL}"
    assert dict(span.attributes) == {
        "gen_ai.operation.name": "embeddings",
        "gen_ai.provider.name": "groq",
        "gen_ai.request.model": b.EMBEDDING_MODEL,
        "gen_ai.request.encoding_formats": ("float",),
        "server.address": "api.groq.com",
        "server.port": 443,
        "gen_ai.response.model": b.EMBEDDING_MODEL,
        "gen_ai.usage.input_tokens": 8,
        "gen_ai.embeddings.dimension.count": 768,
    }
    point = one_point(otel, "gen_ai.client.embeddings.operation.input_tokens")
    assert point.sum == 8


# --- content --------------------------------------------------------------------------------------------

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
    "model": b.MODEL,
    "tools": [WEATHER_TOOL],
    "messages": [
        {"role": "system", "content": "You are a weather assistant."},
        {"role": "user", "content": "What is the weather in Paris?"},
        {
            "role": "assistant",
            "tool_calls": [
                {
                    "id": "call_prev01",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"location":"Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_prev01", "content": "18°C, sunny"},
        {"role": "user", "content": "And tomorrow?"},
    ],
}
EXPECTED_INPUT = [
    {"role": "system", "parts": [{"type": "text", "content": "You are a weather assistant."}]},
    {"role": "user", "parts": [{"type": "text", "content": "What is the weather in Paris?"}]},
    {
        "role": "assistant",
        "parts": [
            {
                "type": "tool_call",
                "id": "call_prev01",
                "name": "get_weather",
                "arguments": {"location": "Paris"},
            }
        ],
    },
    {
        "role": "tool",
        "parts": [{"type": "tool_call_response", "id": "call_prev01", "response": "18°C, sunny"}],
    },
    {"role": "user", "parts": [{"type": "text", "content": "And tomorrow?"}]},
]
EXPECTED_TOOLS = [
    {
        "type": "function",
        "name": "get_weather",
        "description": "Get the current weather in a given location",
        "parameters": WEATHER_TOOL["function"]["parameters"],
    }
]


@pytest.mark.parametrize(
    ("body", "output", "sent", "schema"),
    [
        pytest.param(
            b.tool_call(),
            [
                {
                    "type": "tool_call",
                    "id": b.CALL_ID,
                    "name": "get_weather",
                    "arguments": {"location": "Paris"},
                }
            ],
            "tool_calls",
            "tool_call",
            id="tool_call",
        ),
        pytest.param(
            b.reasoning(),
            [
                {"type": "reasoning", "content": b.reasoning()["choices"][0]["message"]["reasoning"]},
                {"type": "text", "content": "There are 3 r's in strawberry."},
            ],
            "stop",
            "stop",
            id="reasoning",
        ),
    ],
)
async def test_content_on_shows_messages_tools_and_output(otel, mode, body, output, sent, schema):
    otel.instrument(capture_content="SPAN_ONLY")
    await run(otel, mode, body, **CONTENT_PARAMS)
    attrs = otel.span().attributes
    assert json.loads(attrs["gen_ai.input.messages"]) == EXPECTED_INPUT
    assert json.loads(attrs["gen_ai.tool.definitions"]) == EXPECTED_TOOLS
    [message] = json.loads(attrs["gen_ai.output.messages"])
    assert message["role"] == "assistant"
    assert message["parts"] == output
    # finish reason: Groq's value on the span, the output-message schema's in the message
    assert attrs["gen_ai.response.finish_reasons"] == (sent,)
    assert message["finish_reason"] == schema


async def test_no_content_by_default(otel, mode, monkeypatch):
    monkeypatch.delenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", raising=False)
    otel.instrument()
    await run(otel, mode, b.reasoning(), **CONTENT_PARAMS)
    attrs = otel.span().attributes
    assert not set(attrs) & set(CONTENT_KEYS)
    assert "Paris" not in " ".join(str(v) for v in attrs.values())
    assert otel.events() == []


# --- raw responses, uninstrument -----------------------------------------------------------------------


async def test_with_raw_response(otel, mode):
    replay = Replay(reply_for(mode, b.text()), lib=httpx)
    client = client_for(mode.asynchronous, replay)
    params = {**PARAMS, "stream": True} if mode.stream else PARAMS
    raw = client.chat.completions.with_raw_response.create(**params)
    if mode.asynchronous:
        raw = await raw
    assert raw.headers["x-request-id"] == b.REQUEST_ID
    parsed = raw.parse()
    if mode.asynchronous:
        parsed = await parsed
    if mode.stream:
        chunks = [c async for c in parsed] if mode.asynchronous else list(parsed)
        assert chunks[-1].x_groq.usage.prompt_tokens == 42
    else:
        assert parsed.id == b.CHAT_ID
    assert span_attrs(otel.span(), mode.stream) == {**start_attrs(mode), **response_attrs(b.text(), 42, 11)}


async def test_uninstrument_restores_the_sdk(otel):
    from groq.resources.chat.completions import AsyncCompletions, Completions

    assert hasattr(Completions.create, "__wrapped__") and hasattr(AsyncCompletions.create, "__wrapped__")
    genai_otel.uninstrument()
    assert not hasattr(Completions.create, "__wrapped__") and not hasattr(
        AsyncCompletions.create, "__wrapped__"
    )
    await run(otel, Mode(False, False))
    assert otel.spans() == []

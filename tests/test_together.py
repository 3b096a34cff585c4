"""End to end through the real, unmodified ``together`` clients (together 2.x+, httpx underneath).

``Together`` / ``AsyncTogether`` talk to the replay transport after ``otel`` instrumented. Chat runs
over {sync, async} x {plain, stream} with streams derived from the plain bodies
(``together_bodies.chat_sse``); legacy completions the same; embeddings and rerank over {sync,
async}. The adapter reuses the openai adapter's surfaces (``providers/openai/compat.py``); these
tests pin Together's own: provider ``together_ai``, chat served by ``api-inference.together.ai``
unless the base URL is set, ``top_k``, ``usage.cached_tokens``, float tool-call indexes in
streams, ``reasoning`` parts, rerank spans, ``error.type`` from the error body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
import pydantic
import pytest
import together
from opentelemetry.trace import SpanKind, StatusCode

import genai_otel
from bodies import together_bodies as b
from replay import Replay, Reply
from spans import span_attrs

API_KEY = "tgp_v1_FAKEFAKEFAKEFAKE-test-key-not-real-0000000000000000"
HELLO = [{"role": "user", "content": "Which planet has rings and starts with S?"}]
PARAMS: dict[str, Any] = {"model": b.MODEL, "messages": HELLO}
INFERENCE = {"server.address": "api-inference.together.ai", "server.port": 443}
API = {"server.address": "api.together.ai", "server.port": 443}
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


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def asynchronous(request: pytest.FixtureRequest) -> bool:
    return request.param


@pytest.fixture(autouse=True)
def default_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOGETHER_BASE_URL", raising=False)


def client_for(asynchronous: bool, replay: Replay, **options: Any) -> Any:
    options.setdefault("max_retries", 0)
    if asynchronous:
        return together.AsyncTogether(api_key=API_KEY, http_client=replay.async_client(), **options)
    return together.Together(api_key=API_KEY, http_client=replay.sync_client(), **options)


def replay_of(mode: Mode, body: dict[str, Any], sse: str) -> Replay:
    reply = Reply(sse=sse, headers=b.HEADERS) if mode.stream else Reply(json_body=body, headers=b.HEADERS)
    return Replay(reply, lib=httpx)


async def call(mode: Mode, create: Any, **params: Any) -> Any:
    """One call made the way ``mode`` says, read to the end; what the caller got, as data."""
    if not mode.stream:
        result = create(**params)
        if mode.asynchronous:
            result = await result
        assert isinstance(result, pydantic.BaseModel)
        return result.model_dump()
    if mode.asynchronous:
        stream = await create(**params, stream=True)
        assert isinstance(stream, together.AsyncStream)
        return [chunk.model_dump() async for chunk in stream]
    stream = create(**params, stream=True)
    assert isinstance(stream, together.Stream)
    return [chunk.model_dump() for chunk in stream]


async def chat(otel: Any, mode: Mode, body: dict[str, Any] | None = None, **params: Any) -> Any:
    body = body or b.text()
    client = client_for(mode.asynchronous, replay_of(mode, body, b.chat_sse(body)))
    return await call(mode, client.chat.completions.create, **(params or PARAMS))


def start_attrs(mode: Mode, operation: str = "chat", model: str = b.MODEL, **extra: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "gen_ai.operation.name": operation,
        "gen_ai.provider.name": "together_ai",
        "gen_ai.request.model": model,
        **(INFERENCE if operation == "chat" else API),
    }
    if mode.stream:
        attrs["gen_ai.request.stream"] = True
    return {**attrs, **extra}


def response_attrs(
    body: dict[str, Any], input_tokens: int, output_tokens: int, cached: int = 0, **extra: Any
) -> dict[str, Any]:
    return {
        "gen_ai.response.id": body["id"],
        "gen_ai.response.model": body["model"],
        "gen_ai.response.finish_reasons": (body["choices"][0]["finish_reason"],),
        "gen_ai.usage.input_tokens": input_tokens,
        "gen_ai.usage.output_tokens": output_tokens,
        "gen_ai.usage.cache_read.input_tokens": cached,
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


# --- chat ------------------------------------------------------------------------------------------------


async def test_chat_one_client_span_with_exactly_the_semconv_attributes(otel, mode):
    assert await chat(otel, mode)
    span = otel.span()
    assert span.name == f"chat {b.MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    # finish reason "eos" as Together sent it; no openai.* attributes
    assert span_attrs(span, mode.stream) == {**start_attrs(mode), **response_attrs(b.text(), 49, 34)}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(b.cached(), response_attrs(b.cached(), 1832, 3, cached=1536), id="cached"),
        pytest.param(b.reasoning(), response_attrs(b.reasoning(), 21, 287), id="reasoning"),
        pytest.param(b.tool_call(), response_attrs(b.tool_call(), 233, 18), id="tool_call"),  # tool_calls
    ],
)
async def test_chat_usage_exactly_as_returned(otel, mode, body, expected):
    await chat(otel, mode, body)
    assert span_attrs(otel.span(), mode.stream) == {**start_attrs(mode), **expected}


async def test_chat_reports_exactly_the_parameters_passed(otel, mode):
    params = {
        **PARAMS,
        "temperature": 0.7,
        "top_p": 0.9,
        "top_k": 40,
        "max_tokens": 512,
        "min_p": 0.05,
        "repetition_penalty": 1.1,
        "stop": ["</s>"],
        "seed": 42,
        "n": 2,
        "reasoning_effort": "high",
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "a", "schema": {"type": "object"}},
        },
    }
    await chat(otel, mode, **params)
    attrs = span_attrs(otel.span(), mode.stream)
    requested = {
        k: v for k, v in attrs.items() if k.startswith("gen_ai.request.") or k == "gen_ai.output.type"
    }
    assert requested == {
        "gen_ai.request.model": b.MODEL,
        "gen_ai.request.temperature": 0.7,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.top_k": 40,
        "gen_ai.request.max_tokens": 512,
        "gen_ai.request.stop_sequences": ("</s>",),
        "gen_ai.request.seed": 42,
        "gen_ai.request.choice.count": 2,
        "gen_ai.request.reasoning.level": "high",
        "gen_ai.output.type": "json",
        **({"gen_ai.request.stream": True} if mode.stream else {}),
    }
    assert type(attrs["gen_ai.request.top_k"]) is int


async def test_chat_result_is_the_uninstrumented_result(otel, mode):
    genai_otel.uninstrument()
    expected = await chat(otel, mode, b.tool_call())
    assert otel.spans() == []
    otel.instrument()
    assert await chat(otel, mode, b.tool_call()) == expected
    assert len(otel.spans()) == 1


async def test_chat_server_is_the_base_url_when_set(otel, mode):
    body = b.text()
    replay = replay_of(mode, body, b.chat_sse(body))
    client = client_for(mode.asynchronous, replay, base_url="http://localhost:8000")
    await call(mode, client.chat.completions.create, **PARAMS)
    assert str(replay.requests[0].url) == "http://localhost:8000/v1/chat/completions"
    attrs = dict(otel.span().attributes)
    assert attrs["gen_ai.provider.name"] == "together_ai"
    assert (attrs["server.address"], attrs["server.port"]) == ("localhost", 8000)


async def test_chat_default_url_is_the_inference_host(otel, asynchronous):
    replay = replay_of(Mode(asynchronous, False), b.text(), "")
    await call(Mode(asynchronous, False), client_for(asynchronous, replay).chat.completions.create, **PARAMS)
    assert replay.requests[0].url.host == "api-inference.together.ai"
    assert otel.span().attributes["server.address"] == "api-inference.together.ai"


# --- streams -----------------------------------------------------------------------------------------------


async def test_stream_broken_off_and_closed_ends_the_span(otel, asynchronous):
    client = client_for(asynchronous, Replay(Reply(sse=b.chat_sse(b.text()), headers=b.HEADERS), lib=httpx))
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
    assert attrs["gen_ai.response.finish_reasons"] == ("error",)
    assert "gen_ai.usage.input_tokens" not in attrs


async def test_error_mid_stream(otel, asynchronous):
    async def attempt() -> Any:
        client = client_for(
            asynchronous, Replay(Reply(sse=b.stream_error_sse(), headers=b.HEADERS), lib=httpx)
        )
        return await call(Mode(asynchronous, True), client.chat.completions.create, **PARAMS)

    genai_otel.uninstrument()
    expected = await raised(attempt())
    otel.instrument()
    exc = await raised(attempt())
    assert type(exc) is together.APIError
    assert (str(exc), exc.body) == (str(expected), expected.body)
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    attrs = span_attrs(span, streamed=True)
    assert attrs["error.type"] == "server_error"  # no code in the body: its type
    assert attrs["gen_ai.response.finish_reasons"] == ("error",)


# --- errors -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "exc_type", "error_type"),
    [
        (404, b.model_not_available(), together.NotFoundError, "model_not_available"),
        (401, b.invalid_api_key(), together.AuthenticationError, "invalid_api_key"),
    ],
    ids=["404", "401"],
)
async def test_http_error(otel, mode, status, body, exc_type, error_type):
    async def attempt() -> Any:
        client = client_for(mode.asynchronous, Replay(Reply(status=status, json_body=body), lib=httpx))
        return await call(mode, client.chat.completions.create, **PARAMS)

    genai_otel.uninstrument()
    expected = await raised(attempt())
    otel.instrument()
    exc = await raised(attempt())
    assert type(exc) is exc_type
    assert (str(exc), exc.status_code, exc.body) == (str(expected), expected.status_code, expected.body)
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span_attrs(span, streamed=False) == {**start_attrs(mode), "error.type": error_type}
    assert one_point(otel, "gen_ai.client.inference.duration").attributes["error.type"] == error_type


# --- legacy completions ---------------------------------------------------------------------------------


async def test_completions(otel, mode):
    replay = replay_of(mode, b.completion(), b.completion_sse())
    client = client_for(mode.asynchronous, replay)
    otel.instrument(capture_content="SPAN_ONLY")
    prompt = "Roses are red, violets are"
    await call(
        mode, client.completions.create, model=b.COMPLETION_MODEL, prompt=prompt, max_tokens=6, top_k=50
    )
    span = otel.span()
    assert span.name == f"text_completion {b.COMPLETION_MODEL}"
    attrs = span_attrs(span, mode.stream)
    content = {k: json.loads(attrs.pop(k)) for k in ("gen_ai.input.messages", "gen_ai.output.messages")}
    assert attrs == {
        **start_attrs(mode, "text_completion", b.COMPLETION_MODEL),
        "gen_ai.request.max_tokens": 6,
        "gen_ai.request.top_k": 50,
        "gen_ai.response.id": b.COMPLETION_ID,
        "gen_ai.response.model": b.COMPLETION_MODEL,
        "gen_ai.response.finish_reasons": ("length",),
        "gen_ai.usage.input_tokens": 24,
        "gen_ai.usage.output_tokens": 6,
        "gen_ai.usage.cache_read.input_tokens": 0,
    }
    assert content == {
        "gen_ai.input.messages": [{"role": "user", "parts": [{"type": "text", "content": prompt}]}],
        "gen_ai.output.messages": [
            {
                "role": "assistant",
                "parts": [{"type": "text", "content": b.COMPLETION_TEXT}],
                "finish_reason": "length",
            }
        ],
    }


# --- embeddings and rerank -------------------------------------------------------------------------------


async def test_embeddings(otel, asynchronous):
    client = client_for(asynchronous, Replay(Reply(json_body=b.embeddings(), headers=b.HEADERS), lib=httpx))
    result = client.embeddings.create(
        model=b.EMBEDDING_MODEL, input=["Our solar system orbits the Milky Way."]
    )
    if asynchronous:
        result = await result
    assert len(result.data[0].embedding) == 768
    span = otel.span()
    assert span.name == f"embeddings {b.EMBEDDING_MODEL}"
    assert dict(span.attributes) == {
        **start_attrs(Mode(asynchronous, False), "embeddings", b.EMBEDDING_MODEL),
        "gen_ai.response.model": b.EMBEDDING_MODEL,
        "gen_ai.embeddings.dimension.count": 768,
    }
    assert one_point(otel, "gen_ai.client.embeddings.duration").count == 1


async def test_rerank(otel, asynchronous):
    client = client_for(asynchronous, Replay(Reply(json_body=b.rerank(), headers=b.HEADERS), lib=httpx))
    result = client.rerank.create(
        model=b.RERANK_MODEL,
        query="What animals can I find near Peru?",
        documents=[
            "The giant panda is a bear species endemic to China.",
            "The llama is a domesticated camelid.",
        ],
        top_n=2,
    )
    if asynchronous:
        result = await result
    assert [r.index for r in result.results] == [0, 2]
    span = otel.span()
    assert span.name == f"rerank {b.RERANK_MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert dict(span.attributes) == {
        **start_attrs(Mode(asynchronous, False), "rerank", b.RERANK_MODEL),
        "gen_ai.response.id": b.rerank()["id"],
        "gen_ai.response.model": b.RERANK_MODEL,
        "gen_ai.usage.input_tokens": 2929,
        "gen_ai.usage.output_tokens": 0,
    }
    assert "gen_ai.client.inference.operation.input_tokens" not in otel.metrics()


# --- content ----------------------------------------------------------------------------------------------

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather in a given city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}
CONTENT_PARAMS: dict[str, Any] = {
    "model": b.MODEL,
    "tools": [WEATHER_TOOL],
    "messages": [
        {"role": "system", "content": "Use the tools."},
        {"role": "user", "content": "What's the weather in Tokyo?"},
    ],
}


@pytest.mark.parametrize(
    ("body", "output", "schema"),
    [
        pytest.param(
            b.tool_call(),
            [{"type": "tool_call", "id": b.CALL_ID, "name": "get_weather", "arguments": {"city": "Tokyo"}}],
            "tool_call",  # tool_calls
            id="tool_call",
        ),
        pytest.param(
            b.reasoning(),
            [
                {"type": "reasoning", "content": b.reasoning()["choices"][0]["message"]["reasoning"]},
                {"type": "text", "content": "17 × 24 = 408."},
            ],
            "stop",
            id="reasoning",
        ),
        pytest.param(
            b.text(),
            [{"type": "text", "content": b.text()["choices"][0]["message"]["content"]}],
            "stop",  # Together's eos
            id="eos",
        ),
    ],
)
async def test_content_on_shows_messages_tools_and_output(otel, mode, body, output, schema):
    otel.instrument(capture_content="SPAN_ONLY")
    await chat(otel, mode, body, **CONTENT_PARAMS)
    attrs = otel.span().attributes
    assert json.loads(attrs["gen_ai.input.messages"]) == [
        {"role": "system", "parts": [{"type": "text", "content": "Use the tools."}]},
        {"role": "user", "parts": [{"type": "text", "content": "What's the weather in Tokyo?"}]},
    ]
    assert json.loads(attrs["gen_ai.tool.definitions"]) == [
        {
            "type": "function",
            "name": "get_weather",
            **{k: WEATHER_TOOL["function"][k] for k in ("description", "parameters")},
        }
    ]
    [message] = json.loads(attrs["gen_ai.output.messages"])
    assert message == {"role": "assistant", "parts": output, "finish_reason": schema}
    # the span keeps Together's value as sent (eos, tool_calls)
    assert attrs["gen_ai.response.finish_reasons"] == (body["choices"][0]["finish_reason"],)


async def test_no_content_by_default(otel, mode, monkeypatch):
    monkeypatch.delenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", raising=False)
    otel.instrument()
    await chat(otel, mode, b.tool_call(), **CONTENT_PARAMS)
    attrs = otel.span().attributes
    assert not set(attrs) & set(CONTENT_KEYS)
    assert "Tokyo" not in " ".join(str(v) for v in attrs.values())


# --- raw responses, uninstrument ------------------------------------------------------------------------


async def test_with_raw_response(otel, mode):
    body = b.text()
    client = client_for(mode.asynchronous, replay_of(mode, body, b.chat_sse(body)))
    params = {**PARAMS, "stream": True} if mode.stream else PARAMS
    raw = client.chat.completions.with_raw_response.create(**params)
    if mode.asynchronous:
        raw = await raw
    parsed = raw.parse()
    if mode.asynchronous:
        parsed = await parsed
    if mode.stream:
        chunks = [c async for c in parsed] if mode.asynchronous else list(parsed)
        assert chunks[-1].usage.prompt_tokens == 49
    else:
        assert parsed.id == b.CHAT_ID
    assert span_attrs(otel.span(), mode.stream) == {**start_attrs(mode), **response_attrs(body, 49, 34)}


async def test_uninstrument_restores_the_sdk(otel):
    from together.resources.rerank import AsyncRerankResource, RerankResource

    assert hasattr(RerankResource.create, "__wrapped__") and hasattr(
        AsyncRerankResource.create, "__wrapped__"
    )
    genai_otel.uninstrument()
    assert not hasattr(RerankResource.create, "__wrapped__")
    await chat(otel, Mode(False, False))
    assert otel.spans() == []

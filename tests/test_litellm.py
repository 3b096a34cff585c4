"""End to end through the real, unmodified ``litellm`` module functions.

LiteLLM routes each call to an upstream: here the real ``openai`` SDK (``client=OpenAI(...)`` over
the replay transport; LiteLLM posts chat through the client and calls the patched
``embeddings.with_raw_response.create``, so the openai adapter is on underneath) and LiteLLM's own
httpx handler for Anthropic (``client=HTTPHandler(...)``). Chat behaviours run over {sync, async}
x {plain, ``stream=True``}. No test reaches the network: litellm reads its model cost map from the
installed package (``LITELLM_LOCAL_MODEL_COST_MAP``, set before the import) and the suite's
network guard (``tests/conftest.py``) fails any test that tries to leave the machine.
"""

from __future__ import annotations

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # else litellm fetches it at import

import gc
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import httpx2
import litellm
import openai
import pytest
from litellm.litellm_core_utils.streaming_handler import CustomStreamWrapper
from litellm.llms.custom_httpx.http_handler import AsyncHTTPHandler, HTTPHandler
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

import genai_otel
from bodies import anthropic_bodies as ab
from bodies import litellm_bodies as lb
from bodies import openai_bodies as ob
from replay import Replay, Reply
from spans import span_attrs

API_KEY = "sk-proj-FAKE-test-key-not-real-0000"
ANTHROPIC_KEY = "sk-ant-api03-FAKE-test-key-not-real-0000"
MESSAGES = [{"role": "user", "content": "Hello"}]
SPAN_NAME = f"chat {ob.MODEL}"
CONTENT_KEYS = ("gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.tool.definitions")


# --- the call matrix ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallMode:
    asynchronous: bool
    stream: bool

    def __str__(self) -> str:
        return f"{'async' if self.asynchronous else 'sync'}-{'stream' if self.stream else 'plain'}"


MODES = [CallMode(a, s) for a in (False, True) for s in (False, True)]


@pytest.fixture(params=MODES, ids=str)
def mode(request: pytest.FixtureRequest) -> CallMode:
    return request.param


def openai_client(replay: Replay, asynchronous: bool) -> Any:
    if asynchronous:
        return openai.AsyncOpenAI(api_key=API_KEY, http_client=replay.async_client(), max_retries=0)
    return openai.OpenAI(api_key=API_KEY, http_client=replay.sync_client(), max_retries=0)


def anthropic_client(replay: Replay, asynchronous: bool) -> Any:
    """LiteLLM's own HTTP handler over the replay transport (httpx, not httpx2)."""
    if asynchronous:
        return AsyncHTTPHandler(transport=httpx.MockTransport(replay.handler))
    return HTTPHandler(client=replay.sync_client())


async def complete(mode: CallMode, *args: Any, **params: Any) -> Any:
    """``litellm.completion`` / ``acompletion`` as ``mode`` says, read to the end; the result as data."""
    if mode.stream:
        params["stream"] = True
    if mode.asynchronous:
        result = await litellm.acompletion(*args, **params)
    else:
        result = litellm.completion(*args, **params)
    if not mode.stream:
        assert isinstance(result, litellm.ModelResponse)
        return result.model_dump()
    assert isinstance(result, CustomStreamWrapper)  # the proxy keeps isinstance
    if mode.asynchronous:
        return [chunk.model_dump() async for chunk in result]
    return [chunk.model_dump() for chunk in result]


def openai_reply(mode: CallMode, body: dict[str, Any] | None = None, sse: str | None = None) -> Reply:
    if mode.stream:
        return Reply(sse=sse or lb.chat_stream(), headers=lb.OPENAI_HEADERS)
    return Reply(json_body=body or lb.chat(), headers=lb.OPENAI_HEADERS)


async def chat(mode: CallMode, body: Any = None, sse: str | None = None, **params: Any) -> tuple[Any, Replay]:
    """One OpenAI-routed call: model and messages passed positionally, as most callers do."""
    replay = Replay(openai_reply(mode, body, sse))
    result = await complete(
        mode, lb.OPENAI_MODEL, MESSAGES, client=openai_client(replay, mode.asynchronous), **params
    )
    return result, replay


# --- expectations -------------------------------------------------------------------------------------


def openai_start(mode: CallMode, **extra: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": ob.MODEL,
        "server.address": "api.openai.com",
        "server.port": 443,
    }
    if mode.stream:
        attrs["gen_ai.request.stream"] = True
    return {**attrs, **extra}


def openai_response(mode: CallMode) -> dict[str, Any]:
    tokens = (9, 7) if mode.stream else (19, 10)
    return {
        "gen_ai.response.id": ob.CHAT_ID,
        # the upstream's model, on streams too: LiteLLM stamps the requested one on every chunk
        "gen_ai.response.model": ob.RESPONSE_MODEL,
        "gen_ai.response.finish_reasons": ("stop",),
        "gen_ai.usage.input_tokens": tokens[0],
        "gen_ai.usage.output_tokens": tokens[1],
        "gen_ai.usage.cache_read.input_tokens": 0,
        "gen_ai.usage.reasoning.output_tokens": 0,
    }


def without_timestamps(result: Any) -> Any:
    """LiteLLM stamps ``created`` on stream chunks with the time it built them."""
    if isinstance(result, list):
        return [without_timestamps(r) for r in result]
    return {k: v for k, v in result.items() if k != "created"}


def one_point(otel: Any, name: str) -> Any:
    points = otel.metrics().get(name, [])
    assert len(points) == 1, (name, [dict(p.attributes) for p in points])
    return points[0]


def no_current_span() -> bool:
    return not trace.get_current_span().get_span_context().is_valid


# --- spans: the OpenAI route ----------------------------------------------------------------------------


async def test_one_client_span_with_exactly_the_semconv_attributes(otel, mode):
    otel.instrument(providers=["litellm", "openai"])  # the openai SDK runs underneath, patched too
    result = await chat(mode)
    assert result

    span = otel.span()  # one span: the nested openai SDK call passes through untraced
    assert span.name == SPAN_NAME
    assert span.kind is SpanKind.CLIENT
    assert span.instrumentation_scope.name == "genai_otel"
    assert span.parent is None
    assert span.status.status_code is StatusCode.UNSET
    assert span_attrs(span, mode.stream) == {**openai_start(mode), **openai_response(mode)}
    assert no_current_span()


async def test_one_set_of_metrics_for_the_one_call(otel, mode):
    await chat(mode)
    duration = one_point(otel, "gen_ai.client.inference.duration")
    assert dict(duration.attributes) == {
        **{k: v for k, v in openai_start(mode).items() if k != "gen_ai.request.stream"},
        "gen_ai.response.model": openai_response(mode)["gen_ai.response.model"],
    }
    assert one_point(otel, "gen_ai.client.inference.operation.input_tokens").sum == (9 if mode.stream else 19)
    assert ("gen_ai.client.inference.time_to_first_chunk" in otel.metrics()) is mode.stream


async def test_result_is_what_uninstrumented_litellm_returns(otel, mode):
    genai_otel.uninstrument()
    expected, _ = await chat(mode, ob.chat_completion_tool_calls(), ob.chat_tool_call_stream())
    otel.instrument()
    got, _ = await chat(mode, ob.chat_completion_tool_calls(), ob.chat_tool_call_stream())
    assert without_timestamps(got) == without_timestamps(expected)
    assert len(otel.spans()) == 1


async def test_request_parameters_only_when_passed(otel):
    params = {
        "temperature": 0.2,
        "top_p": 0.9,
        "max_tokens": 200,
        "stop": ["END"],
        "seed": 7,
        "n": 2,
        "presence_penalty": 0.5,
        "frequency_penalty": 0.25,
        "response_format": {"type": "json_object"},
    }
    _, replay = await chat(CallMode(False, False), ob.chat_completion_n2(), **params)
    assert {k: replay.bodies[0][k] for k in params} == params  # litellm sent them all

    attrs = dict(otel.span().attributes)
    assert {k: v for k, v in attrs.items() if k.startswith("gen_ai.request.")} == {
        "gen_ai.request.model": ob.MODEL,
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.max_tokens": 200,
        "gen_ai.request.stop_sequences": ("END",),
        "gen_ai.request.seed": 7,
        "gen_ai.request.choice.count": 2,
        "gen_ai.request.presence_penalty": 0.5,
        "gen_ai.request.frequency_penalty": 0.25,
    }
    assert attrs["gen_ai.output.type"] == "json"
    assert attrs["gen_ai.response.finish_reasons"] == ("stop", "length")


async def test_no_request_attribute_is_invented(otel, mode):
    await chat(mode)
    requested = {k for k in otel.span().attributes if k.startswith("gen_ai.request.")}
    assert requested == {"gen_ai.request.model"} | ({"gen_ai.request.stream"} if mode.stream else set())


async def test_cached_and_reasoning_tokens_exactly_as_returned(otel):
    await chat(CallMode(False, False), ob.chat_completion_cached_reasoning())
    attrs = dict(otel.span().attributes)
    assert {k: v for k, v in attrs.items() if k.startswith("gen_ai.usage.")} == {
        "gen_ai.usage.input_tokens": 2006,  # includes the 1920 cached
        "gen_ai.usage.output_tokens": 300,  # includes the 192 reasoning
        "gen_ai.usage.cache_read.input_tokens": 1920,
        "gen_ai.usage.reasoning.output_tokens": 192,
    }


async def test_span_is_a_child_of_the_callers_span(otel, mode):
    tracer = otel.tracer_provider.get_tracer("app")
    with tracer.start_as_current_span("handle request") as parent:
        await chat(mode)
        assert trace.get_current_span() is parent
    [span] = [s for s in otel.spans() if s.name == SPAN_NAME]
    assert span.parent is not None and span.parent.span_id == parent.get_span_context().span_id


# --- content --------------------------------------------------------------------------------------------

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a place",
            "parameters": {"type": "object", "properties": {"location": {"type": "string"}}},
        },
    }
]
CONVERSATION = [
    {"role": "system", "content": "You are a weather assistant."},
    {"role": "user", "content": "Weather in Paris and Lyon?"},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "call_lyon", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
        ],
    },
    {"role": "tool", "tool_call_id": "call_lyon", "content": "Lyon: 14C"},
]


async def tool_call(mode: CallMode) -> None:
    replay = Replay(openai_reply(mode, ob.chat_completion_tool_calls(), ob.chat_tool_call_stream()))
    client = openai_client(replay, mode.asynchronous)
    await complete(mode, model=lb.OPENAI_MODEL, messages=CONVERSATION, tools=TOOLS, client=client)


async def test_content_is_off_by_default(otel, mode, monkeypatch):
    monkeypatch.delenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", raising=False)
    otel.instrument()
    await tool_call(mode)
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)
    assert "Lyon" not in json.dumps(dict(span.attributes), default=str)
    assert otel.events() == []


async def test_content_with_tool_calls_in_request_and_response(otel, mode):
    otel.instrument(capture_content="SPAN_ONLY")
    await tool_call(mode)
    attrs = otel.span().attributes
    assert json.loads(attrs["gen_ai.input.messages"]) == [
        {"role": "system", "parts": [{"type": "text", "content": "You are a weather assistant."}]},
        {"role": "user", "parts": [{"type": "text", "content": "Weather in Paris and Lyon?"}]},
        {
            "role": "assistant",
            "parts": [{"type": "tool_call", "id": "call_lyon", "name": "get_weather", "arguments": {}}],
        },
        {
            "role": "tool",
            "parts": [{"type": "tool_call_response", "id": "call_lyon", "response": "Lyon: 14C"}],
        },
    ]
    assert json.loads(attrs["gen_ai.tool.definitions"]) == [
        {
            "type": "function",
            "name": "get_weather",
            "description": "Current weather for a place",
            "parameters": TOOLS[0]["function"]["parameters"],
        }
    ]
    [output] = json.loads(attrs["gen_ai.output.messages"])
    weather = {"type": "tool_call", "id": "call_Vx4kM2Y7oXvkk6nbW3lHd0Bt", "name": "get_weather"}
    assert output["role"] == "assistant"
    location = "Paris" if mode.stream else "Paris, France"  # what each body's arguments say
    assert output["parts"][0] == {**weather, "arguments": {"location": location}}
    # the span: LiteLLM's value as it returned it; the message: the output-message schema's enum
    assert attrs["gen_ai.response.finish_reasons"] == ("tool_calls",)
    assert output["finish_reason"] == "tool_call"


# --- streams --------------------------------------------------------------------------------------------


class DroppedConnection(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """Sends the first two SSE frames, then the connection drops."""

    def __init__(self, sse: str) -> None:
        self._frames = lb.first_events(sse, 2)

    def __iter__(self) -> Iterator[bytes]:
        yield from self._frames
        raise httpx2.ReadError("peer closed connection without sending complete message body")

    async def __aiter__(self) -> AsyncIterator[bytes]:  # type: ignore[override]
        for frame in self._frames:
            yield frame
        raise httpx2.ReadError("peer closed connection without sending complete message body")


async def open_stream(asynchronous: bool, dropped: bool = False) -> Any:
    if dropped:

        def handler(request: httpx2.Request) -> httpx2.Response:
            headers = {"content-type": "text/event-stream; charset=utf-8"}
            return httpx2.Response(200, headers=headers, stream=DroppedConnection(lb.chat_stream()))

        transport = httpx2.MockTransport(handler)
        http: Any = (
            httpx2.AsyncClient(transport=transport) if asynchronous else httpx2.Client(transport=transport)
        )
        cls = openai.AsyncOpenAI if asynchronous else openai.OpenAI
        client = cls(api_key=API_KEY, http_client=http, max_retries=0)
    else:
        client = openai_client(Replay(Reply(sse=lb.chat_stream(), headers=lb.OPENAI_HEADERS)), asynchronous)
    if asynchronous:
        stream = await litellm.acompletion(lb.OPENAI_MODEL, MESSAGES, client=client, stream=True)
    else:
        stream = litellm.completion(lb.OPENAI_MODEL, MESSAGES, client=client, stream=True)
    assert isinstance(stream, CustomStreamWrapper)
    assert no_current_span()
    return stream


async def first_chunk(stream: Any, asynchronous: bool) -> Any:
    return await stream.__anext__() if asynchronous else next(stream)


async def read_all(stream: Any, asynchronous: bool) -> list[Any]:
    if asynchronous:
        return [chunk async for chunk in stream]
    return list(stream)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_stream_span_ends_on_exhaustion(otel, asynchronous):
    stream = await open_stream(asynchronous)
    chunks = await read_all(stream, asynchronous)
    assert chunks[-1].usage.prompt_tokens == 9
    span = otel.span()  # ended before the next statement
    assert span.attributes["gen_ai.usage.input_tokens"] == 9


async def gpt4_n2_stream(asynchronous: bool) -> list[Any]:
    """The recorded exchange: ``gpt-4``, ``n=2``, streamed; both choices ended with ``stop``."""
    replay = Replay(Reply(sse=lb.chat_stream_n2(), headers=lb.OPENAI_HEADERS))
    client = openai_client(replay, asynchronous)
    if asynchronous:
        stream = await litellm.acompletion(lb.GPT4, MESSAGES, client=client, stream=True, n=2)
    else:
        stream = litellm.completion(lb.GPT4, MESSAGES, client=client, stream=True, n=2)
    return await read_all(stream, asynchronous)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_stream_response_model_is_the_upstreams_not_the_requested_one(otel, asynchronous):
    """Regression (issue 9): every upstream chunk said ``gpt-4-0613``; the span said ``gpt-4``."""
    chunks = await gpt4_n2_stream(asynchronous)
    assert {c.model for c in chunks} == {lb.GPT4}  # what LiteLLM hands the caller
    span = otel.span()
    assert span.attributes["gen_ai.request.model"] == lb.GPT4
    assert span.attributes["gen_ai.response.model"] == lb.GPT4_SERVED
    duration = one_point(otel, "gen_ai.client.inference.duration")
    assert duration.attributes["gen_ai.response.model"] == lb.GPT4_SERVED


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_a_finished_stream_reports_no_error_for_a_choice_litellm_dropped(otel, asynchronous):
    """Regression (issue 9): both choices ended with ``stop``, LiteLLM passed on only choice 0's
    finish (it drops choice 1's last chunk), and the span said ``['stop', 'error']``."""
    otel.instrument(capture_content="SPAN_ONLY")
    chunks = await gpt4_n2_stream(asynchronous)
    arrived = [(c.index, c.finish_reason) for chunk in chunks for c in chunk.choices if c.finish_reason]
    assert arrived == [(0, "stop")]  # what LiteLLM passed on: one finish reason for two choices
    attrs = otel.span().attributes
    assert attrs["gen_ai.response.finish_reasons"] == ("stop",)  # the reasons that arrived, in order
    outputs = json.loads(attrs["gen_ai.output.messages"])
    assert [o["parts"] for o in outputs] == [
        [{"type": "text", "content": "Hello! How can I help?"}],
        [{"type": "text", "content": "Hi there! What can I do for you?"}],
    ]
    assert outputs[0]["finish_reason"] == "stop"
    assert "finish_reason" not in outputs[1]  # never arrived, and the stream did end: unknown


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_stream_span_ends_on_break_and_close(otel, asynchronous):
    stream = await open_stream(asynchronous)
    await first_chunk(stream, asynchronous)
    assert otel.spans() == []  # still open
    if asynchronous:
        await stream.aclose()
    else:
        stream.close()
    span = otel.span()
    assert span.status.status_code is StatusCode.UNSET
    assert span.attributes["gen_ai.response.finish_reasons"] == ("error",)  # the reason never arrived
    assert "gen_ai.usage.input_tokens" not in span.attributes
    assert no_current_span()


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_stream_span_ends_when_a_broken_off_stream_is_collected(otel, asynchronous):
    stream = await open_stream(asynchronous)
    await first_chunk(stream, asynchronous)
    del stream
    gc.collect()
    assert otel.span().attributes["gen_ai.response.finish_reasons"] == ("error",)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_stream_error_mid_stream(otel, asynchronous):
    genai_otel.uninstrument()
    with pytest.raises(Exception) as uninstrumented:
        await read_all(await open_stream(asynchronous, dropped=True), asynchronous)
    otel.instrument()
    with pytest.raises(Exception) as raised:
        await read_all(await open_stream(asynchronous, dropped=True), asynchronous)
    assert type(raised.value) is type(uninstrumented.value)  # the caller's exception, unchanged
    assert str(raised.value) == str(uninstrumented.value)
    assert isinstance(raised.value, litellm.exceptions.MidStreamFallbackError)

    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "litellm.exceptions.MidStreamFallbackError"
    assert span.attributes["gen_ai.response.finish_reasons"] == ("error",)
    assert no_current_span()


# --- errors ---------------------------------------------------------------------------------------------


async def test_http_error_is_reraised_unchanged_and_recorded(otel, mode):
    def attempt() -> Any:
        replay = Replay(Reply(status=404, json_body=ob.model_not_found(), headers=lb.OPENAI_HEADERS))
        client = openai_client(replay, mode.asynchronous)
        return complete(mode, "openai/gpt-9", MESSAGES, client=client)

    genai_otel.uninstrument()
    with pytest.raises(litellm.NotFoundError) as uninstrumented:
        await attempt()
    otel.instrument()
    with pytest.raises(litellm.NotFoundError) as raised:
        await attempt()
    assert type(raised.value) is type(uninstrumented.value)
    assert str(raised.value) == str(uninstrumented.value)

    span = otel.span()
    assert span.name == "chat gpt-9"
    assert span.status.status_code is StatusCode.ERROR
    assert span_attrs(span, streamed=False) == {
        **openai_start(mode, **{"gen_ai.request.model": "gpt-9"}),
        "error.type": "litellm.NotFoundError",  # litellm's mapping keeps no error code here
    }
    duration = one_point(otel, "gen_ai.client.inference.duration")
    assert duration.attributes["error.type"] == "litellm.NotFoundError"


async def test_anthropic_route_error(otel):
    replay = Replay(Reply(status=404, json_body=ab.NOT_FOUND, headers=lb.ANTHROPIC_HEADERS), lib=httpx)
    with pytest.raises(litellm.NotFoundError):
        litellm.completion(
            lb.ANTHROPIC_MODEL,
            MESSAGES,
            max_tokens=100,
            api_key=ANTHROPIC_KEY,
            client=anthropic_client(replay, False),
        )
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "litellm.NotFoundError"
    assert span.attributes["gen_ai.provider.name"] == "anthropic"


# --- the Anthropic route --------------------------------------------------------------------------------


def anthropic_start(mode: CallMode, **extra: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": ab.MODEL,  # LiteLLM's "anthropic/" routing prefix is not the model
        "gen_ai.request.max_tokens": 100,
    }
    if mode.stream:
        attrs["gen_ai.request.stream"] = True
    return {**attrs, **extra}


async def anthropic_call(mode: CallMode, reply: Reply, **params: Any) -> Replay:
    replay = Replay(reply, lib=httpx)
    client = anthropic_client(replay, mode.asynchronous)
    await complete(
        mode, lb.ANTHROPIC_MODEL, MESSAGES, max_tokens=100, api_key=ANTHROPIC_KEY, client=client, **params
    )
    return replay


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_anthropic_route_usage_with_cache(otel, asynchronous):
    mode = CallMode(asynchronous, False)
    replay = await anthropic_call(mode, Reply(json_body=ab.CACHED, headers=lb.ANTHROPIC_HEADERS))
    assert str(replay.requests[0].url) == "https://api.anthropic.com/v1/messages"
    assert replay.bodies[0]["model"] == ab.MODEL
    span = otel.span()
    assert span.name == f"chat {ab.MODEL}"
    assert span_attrs(span, streamed=False) == {
        **anthropic_start(mode),
        "gen_ai.response.id": span.attributes["gen_ai.response.id"],  # LiteLLM makes its own chatcmpl- id
        "gen_ai.response.model": ab.RESPONSE_MODEL,
        "gen_ai.response.finish_reasons": ("stop",),  # LiteLLM's mapping of end_turn
        "gen_ai.usage.input_tokens": 2257,  # 21 + 2048 cache read + 188 cache write
        "gen_ai.usage.output_tokens": 393,
        "gen_ai.usage.cache_read.input_tokens": 2048,
        "gen_ai.usage.cache_write.input_tokens": 188,
        "gen_ai.usage.reasoning.output_tokens": 0,
    }
    assert span.attributes["gen_ai.response.id"].startswith("chatcmpl-")


@pytest.mark.parametrize(
    "stream_options", [None, {"include_usage": True}], ids=["usage-hidden", "usage-chunk"]
)
async def test_anthropic_route_stream_reports_the_providers_usage(otel, stream_options):
    mode = CallMode(False, True)
    params = {"stream_options": stream_options} if stream_options else {}
    await anthropic_call(mode, Reply(sse=ab.STREAM_THINKING, headers=lb.ANTHROPIC_HEADERS), **params)
    attrs = span_attrs(otel.span(), streamed=True)
    assert {k: v for k, v in attrs.items() if k.startswith("gen_ai.usage.")} == {
        "gen_ai.usage.input_tokens": 36,
        "gen_ai.usage.output_tokens": 120,
        "gen_ai.usage.cache_read.input_tokens": 0,
        "gen_ai.usage.cache_write.input_tokens": 0,
        "gen_ai.usage.reasoning.output_tokens": 98,
    }
    assert attrs["gen_ai.response.finish_reasons"] == ("stop",)
    assert attrs["gen_ai.response.model"] == ab.RESPONSE_MODEL  # Anthropic's, not the requested alias


async def test_api_base_gives_the_server_address(otel):
    mode = CallMode(False, False)
    reply = Reply(json_body=ab.TEXT, headers=lb.ANTHROPIC_HEADERS)
    replay = await anthropic_call(mode, reply, api_base="http://localhost:8089/proxy")
    assert str(replay.requests[0].url) == "http://localhost:8089/proxy/v1/messages"
    attrs = otel.span().attributes
    assert (attrs["server.address"], attrs["server.port"]) == ("localhost", 8089)


# --- one LLM call, one span: LiteLLM over the patched openai SDK (the Azure route) ------------------------
# LiteLLM posts OpenAI chat itself (``client.post``), but its Azure route calls the SDK's patched
# ``chat.completions.with_raw_response.create``: a nested inference call, the case the inference scope
# exists for.

AZURE_ENDPOINT = "https://myres.openai.azure.com"
AZURE_VERSION = "2024-10-21"


async def azure_chat(mode: CallMode) -> tuple[Any, Replay]:
    replay = Replay(openai_reply(mode))
    options = {
        "api_key": API_KEY,
        "api_version": AZURE_VERSION,
        "azure_endpoint": AZURE_ENDPOINT,
        "max_retries": 0,
    }
    if mode.asynchronous:
        client: Any = openai.AsyncAzureOpenAI(http_client=replay.async_client(), **options)
    else:
        client = openai.AzureOpenAI(http_client=replay.sync_client(), **options)
    result = await complete(
        mode,
        "azure/my-deployment",
        MESSAGES,
        client=client,
        api_base=AZURE_ENDPOINT,
        api_version=AZURE_VERSION,
        api_key=API_KEY,
    )
    return result, replay


async def test_litellms_azure_route_goes_through_the_patched_openai_sdk(otel, mode):
    """Alone, the openai adapter traces the SDK call underneath: the nesting below is real."""
    otel.instrument(providers=["openai"])
    _, replay = await azure_chat(mode)
    assert [str(r.url) for r in replay.requests] == [
        f"{AZURE_ENDPOINT}/openai/deployments/my-deployment/chat/completions?api-version={AZURE_VERSION}"
    ]
    span = otel.span()
    assert span.name == "chat my-deployment"
    assert span.attributes["openai.api.type"] == "chat_completions"  # the openai adapter's span
    assert span.attributes["gen_ai.provider.name"] == "azure.ai.openai"


async def test_one_span_for_litellm_over_the_openai_sdk(otel, mode):
    otel.instrument(providers=["litellm", "openai"])
    tracer = otel.tracer_provider.get_tracer("app")
    with tracer.start_as_current_span("app") as app:
        result, _ = await azure_chat(mode)
    assert result
    spans = [s for s in otel.spans() if s.name != "app"]
    assert [s.name for s in spans] == ["chat my-deployment"]  # LiteLLM's; the SDK call passed through
    [span] = spans
    assert "openai.api.type" not in span.attributes
    assert span.parent is not None and span.parent.span_id == app.get_span_context().span_id
    assert span.attributes["gen_ai.provider.name"] == "azure.ai.openai"
    assert span.attributes["server.address"] == "myres.openai.azure.com"
    assert span.attributes.get("gen_ai.request.stream", False) is mode.stream
    assert span.end_time is not None
    assert one_point(otel, "gen_ai.client.inference.duration").count == 1  # one call, metered once
    assert no_current_span()


# --- embeddings -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_embeddings(otel, asynchronous):
    otel.instrument(providers=["litellm", "openai"])
    replay = Replay(Reply(json_body=ob.embeddings(count=2), headers=lb.OPENAI_HEADERS))
    client = openai_client(replay, asynchronous)
    if asynchronous:
        result = await litellm.aembedding(
            lb.EMBEDDING_MODEL, ["a", "b"], client=client, encoding_format="float"
        )
    else:
        result = litellm.embedding(lb.EMBEDDING_MODEL, ["a", "b"], client=client, encoding_format="float")
    assert len(result.data) == 2

    span = otel.span()
    assert span.name == f"embeddings {lb.EMBEDDING_MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert dict(span.attributes) == {
        "gen_ai.operation.name": "embeddings",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": lb.EMBEDDING_MODEL,
        "gen_ai.request.encoding_formats": ("float",),
        "server.address": "api.openai.com",
        "server.port": 443,
        "gen_ai.response.model": lb.EMBEDDING_MODEL,
        "gen_ai.embeddings.dimension.count": ob.DIMENSIONS,
        "gen_ai.usage.input_tokens": 10,
    }
    assert one_point(otel, "gen_ai.client.embeddings.duration").count == 1


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_embeddings_go_through_the_patched_openai_sdk(otel, asynchronous):
    """Alone, the openai adapter traces the SDK call litellm makes: with both adapters on, the one
    span above is litellm's and the nested SDK call passed through."""
    otel.instrument(providers=["openai"])
    replay = Replay(Reply(json_body=ob.embeddings(), headers=lb.OPENAI_HEADERS))
    client = openai_client(replay, asynchronous)
    # with an encoding_format litellm calls embeddings.with_raw_response.create (else a bare post)
    if asynchronous:
        await litellm.aembedding(lb.EMBEDDING_MODEL, "a", client=client, encoding_format="float")
    else:
        litellm.embedding(lb.EMBEDDING_MODEL, "a", client=client, encoding_format="float")
    assert [s.name for s in otel.spans()] == [f"embeddings {lb.EMBEDDING_MODEL}"]


# --- install and uninstall ------------------------------------------------------------------------------


async def test_uninstrument_restores_the_module_functions(otel):
    patched = (litellm.completion, litellm.acompletion, litellm.embedding, litellm.aembedding)
    assert all(getattr(f, "_self_genai_otel", False) for f in patched)
    genai_otel.uninstrument()
    assert not any(getattr(f, "_self_genai_otel", False) for f in (litellm.completion, litellm.acompletion))
    assert not any(getattr(f, "_self_genai_otel", False) for f in (litellm.embedding, litellm.aembedding))
    await chat(CallMode(False, False))
    assert otel.spans() == []


async def test_the_sync_flag_for_async_passes_through_untraced(otel):
    otel.instrument(providers=["litellm"])
    replay = Replay(openai_reply(CallMode(True, False)))
    client = openai_client(replay, True)
    result = await litellm.completion(lb.OPENAI_MODEL, MESSAGES, client=client, acompletion=True)
    assert result.id == ob.CHAT_ID
    assert otel.spans() == []

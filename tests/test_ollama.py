"""End to end through the real, unmodified ``ollama`` clients (``Client`` / ``AsyncClient`` and the
module-level ``ollama.chat`` & co. of the SDK's default client) over the replay transport.

Behaviours run over the matrix {sync, async, module-level} x {plain, ``stream=True``}. Ollama's
clients pass unknown keywords to ``httpx.Client``, so tests hand them ``transport=``; the
default client's ``httpx`` client is swapped for one with the same base URL for the module case.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import ollama
import pytest
from opentelemetry.trace import SpanKind, StatusCode

import genai_otel
from bodies.ollama_bodies import (
    CHAT,
    CHAT_LENGTH,
    CHAT_THINKING,
    CHAT_TOOL,
    EMBED,
    EMBED_MODEL,
    EMBEDDINGS,
    GENERATE,
    MODEL,
    NOT_FOUND,
    STREAM_ERROR_TEXT,
    THINKING_MODEL,
    ndjson,
    parts_in,
    stream_error,
)
from replay import Replay, Reply
from spans import span_attrs

MESSAGES = [{"role": "user", "content": "Hello"}]
PROMPT = "Why is the sky blue?"
CONTENT_KEYS = (
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.definitions",
)
SERVER = {"server.address": "127.0.0.1", "server.port": 11434}


@dataclass(frozen=True)
class Mode:
    kind: str  # "sync" | "async" | "module" (ollama.chat: the default client, sync)
    stream: bool

    def __str__(self) -> str:
        return f"{self.kind}-{'stream' if self.stream else 'plain'}"

    @property
    def asynchronous(self) -> bool:
        return self.kind == "async"


MODES = [Mode(k, s) for k in ("sync", "async", "module") for s in (False, True)]
STREAM_MODES = [m for m in MODES if m.stream]


@pytest.fixture(params=MODES, ids=str)
def mode(request: pytest.FixtureRequest) -> Mode:
    return request.param


@contextmanager
def default_client_on(replay: Replay) -> Iterator[None]:
    """The module-level functions' client (``ollama._client``, the instance) talking to ``replay``."""
    default = ollama._client
    original = default._client
    default._client = httpx.Client(
        base_url=original.base_url, headers=original.headers, transport=httpx.MockTransport(replay.handler)
    )
    try:
        yield
    finally:
        default._client = original


def client_for(mode: Mode, replay: Replay, host: str | None = None) -> Any:
    if mode.kind == "module":
        return ollama
    cls = ollama.AsyncClient if mode.asynchronous else ollama.Client
    transport = httpx.MockTransport(replay.handler)
    return cls(host=host, transport=transport) if host else cls(transport=transport)


def reply_for(mode: Mode, body: dict[str, Any]) -> Reply:
    return Reply(stream=ndjson(body), stream_separator="\n") if mode.stream else Reply(json_body=body)


async def call(mode: Mode, client: Any, api: str, *args: Any, **kwargs: Any) -> Any:
    """One call made the way ``mode`` says, read to the end; what the caller got, as plain data."""
    if api in ("chat", "generate"):
        kwargs["stream"] = mode.stream
    result = getattr(client, api)(*args, **kwargs)
    if mode.asynchronous:
        result = await result
    if not mode.stream or api not in ("chat", "generate"):
        return result.model_dump()
    if mode.asynchronous:
        return [part.model_dump() async for part in result]
    return [part.model_dump() for part in result]


async def run(
    mode: Mode, body: dict[str, Any], api: str, *args: Any, replay: Replay | None = None, **kwargs: Any
) -> Any:
    replay = replay or Replay(reply_for(mode, body), lib=httpx)
    if mode.kind == "module":
        with default_client_on(replay):
            return await call(mode, ollama, api, *args, **kwargs)
    return await call(mode, client_for(mode, replay), api, *args, **kwargs)


async def chat(mode: Mode, body: dict[str, Any] = CHAT, *args: Any, **kwargs: Any) -> Any:
    return await run(mode, body, "chat", *(args or (body["model"], MESSAGES)), **kwargs)


@contextmanager
def uninstrumented(otel: Any, **settings: Any) -> Iterator[None]:
    genai_otel.uninstrument()
    try:
        yield
    finally:
        otel.instrument(**settings)


def start_attrs(mode: Mode, model: str = MODEL, operation: str = "chat", **extra: Any) -> dict[str, Any]:
    attrs = {
        "gen_ai.operation.name": operation,
        "gen_ai.provider.name": "ollama",
        "gen_ai.request.model": model,
    }
    attrs.update(SERVER)
    if mode.stream and operation != "embeddings":
        attrs["gen_ai.request.stream"] = True
    return {**attrs, **extra}


def response_attrs(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "gen_ai.response.model": body["model"],
        "gen_ai.response.finish_reasons": (body["done_reason"],),
        "gen_ai.usage.input_tokens": body["prompt_eval_count"],
        "gen_ai.usage.output_tokens": body["eval_count"],
    }


def one_point(otel: Any, name: str) -> Any:
    points = otel.metrics().get(name, [])
    assert len(points) == 1, (name, [dict(p.attributes) for p in points])
    return points[0]


# --- spans ------------------------------------------------------------------------------------------


async def test_chat_is_one_client_span_with_exactly_the_semconv_attributes(otel, mode):
    result = await chat(mode)
    assert result
    span = otel.span()
    assert span.name == f"chat {MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    assert span.events == ()
    assert span_attrs(span, mode.stream) == {**start_attrs(mode), **response_attrs(CHAT)}
    assert "gen_ai.response.id" not in span.attributes  # Ollama has none; none is invented


async def test_result_is_what_the_uninstrumented_sdk_returns(otel, mode):
    with uninstrumented(otel):
        expected = await chat(mode, CHAT_TOOL)
    assert otel.spans() == []
    assert await chat(mode, CHAT_TOOL) == expected
    assert len(otel.spans()) == 1


async def test_generate_is_a_text_completion_span(otel, mode):
    await run(mode, GENERATE, "generate", MODEL, PROMPT)
    span = otel.span()
    assert span.name == f"text_completion {MODEL}"
    expected = {**start_attrs(mode, operation="text_completion"), **response_attrs(GENERATE)}
    assert span_attrs(span, mode.stream) == expected


@pytest.mark.parametrize("body", [CHAT_TOOL, CHAT_THINKING, CHAT_LENGTH], ids=["tool", "thinking", "length"])
async def test_response_attributes(otel, mode, body):
    await chat(mode, body)
    assert span_attrs(otel.span(), mode.stream) == {
        **start_attrs(mode, body["model"]),
        **response_attrs(body),
    }


@pytest.mark.parametrize("as_model", [False, True], ids=["dict", "ollama.Options"])
async def test_request_parameters_from_options(otel, mode, as_model):
    options: Any = {
        "temperature": 0.2,
        "top_p": 0.9,
        "top_k": 40,
        "num_predict": 256,
        "stop": ["<|eot|>", "END"],
        "seed": 42,
        "presence_penalty": 0.5,
        "frequency_penalty": 1,
        "num_ctx": 8192,  # not a semconv parameter
    }
    options = ollama.Options(**options) if as_model else options
    await chat(mode, CHAT_THINKING, options=options, format="json", think="high")
    requested = {k: v for k, v in otel.span().attributes.items() if k.startswith("gen_ai.request.")}
    assert requested == {
        "gen_ai.request.model": THINKING_MODEL,
        **({"gen_ai.request.stream": True} if mode.stream else {}),
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.top_k": 40,
        "gen_ai.request.max_tokens": 256,
        "gen_ai.request.stop_sequences": ("<|eot|>", "END"),
        "gen_ai.request.seed": 42,
        "gen_ai.request.presence_penalty": 0.5,
        "gen_ai.request.frequency_penalty": 1.0,
        "gen_ai.request.reasoning.level": "high",
    }
    assert type(otel.span().attributes["gen_ai.request.frequency_penalty"]) is float
    assert otel.span().attributes["gen_ai.output.type"] == "json"


@pytest.mark.parametrize(
    ("kwargs", "output_type"),
    [
        pytest.param(
            {"options": {"num_predict": -1}, "think": True, "format": ""}, None, id="no-limit-bool-think"
        ),
        pytest.param(
            {"format": {"type": "object", "properties": {"n": {"type": "integer"}}}}, "json", id="schema"
        ),
        pytest.param({"options": {}, "think": False}, None, id="empty"),
    ],
)
async def test_only_parameters_that_mean_something_are_reported(otel, kwargs, output_type):
    await chat(Mode("sync", False), CHAT, **kwargs)
    attrs = dict(otel.span().attributes)
    assert {k for k in attrs if k.startswith("gen_ai.request.")} == {"gen_ai.request.model"}
    assert attrs.get("gen_ai.output.type") == output_type


async def test_positional_and_keyword_arguments_give_the_same_span(otel):
    sync = Mode("sync", False)
    await run(sync, CHAT, "chat", MODEL, MESSAGES)
    await run(sync, CHAT, "chat", model=MODEL, messages=MESSAGES)
    await run(sync, GENERATE, "generate", MODEL, PROMPT, "suffix")
    await run(sync, GENERATE, "generate", model=MODEL, prompt=PROMPT, suffix="suffix")
    first, second, third, fourth = (dict(s.attributes) for s in otel.spans())
    assert first == second and first["gen_ai.request.model"] == MODEL
    assert third == fourth and third["gen_ai.operation.name"] == "text_completion"


@pytest.mark.parametrize(
    ("host", "address", "port"),
    [
        ("http://gpu-box.lan:8080", "gpu-box.lan", 8080),
        ("https://ollama.com", "ollama.com", 443),
        ("localhost", "localhost", 11434),
        ("[::1]:11500", "::1", 11500),
    ],
)
async def test_server_attributes_come_from_the_clients_host(otel, host, address, port):
    replay = Replay(Reply(json_body=CHAT), lib=httpx)
    await call(Mode("sync", False), client_for(Mode("sync", False), replay, host), "chat", MODEL, MESSAGES)
    attrs = dict(otel.span().attributes)
    assert (attrs["server.address"], attrs["server.port"], attrs["gen_ai.provider.name"]) == (
        address,
        port,
        "ollama",
    )
    assert replay.requests[0].url.path == "/api/chat"


# --- embeddings -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async", "module"])
async def test_embed(otel, kind):
    mode = Mode(kind, False)
    result = await run(mode, EMBED, "embed", EMBED_MODEL, ["Hello", "World"])
    assert len(result["embeddings"]) == 2
    span = otel.span()
    assert span.name == f"embeddings {EMBED_MODEL}"
    assert dict(span.attributes) == {
        **start_attrs(mode, EMBED_MODEL, "embeddings"),
        "gen_ai.response.model": EMBED_MODEL,
        "gen_ai.embeddings.dimension.count": 8,
        "gen_ai.usage.input_tokens": 8,
    }
    assert one_point(otel, "gen_ai.client.embeddings.operation.input_tokens").sum == 8
    assert one_point(otel, "gen_ai.client.embeddings.duration").count == 1
    assert "gen_ai.client.inference.duration" not in otel.metrics()


@pytest.mark.parametrize("kind", ["sync", "async", "module"])
async def test_legacy_embeddings(otel, kind):
    mode = Mode(kind, False)
    await run(mode, EMBEDDINGS, "embeddings", EMBED_MODEL, "Hello")
    span = otel.span()
    # /api/embeddings answers the vector only: no model, no counts
    expected = {**start_attrs(mode, EMBED_MODEL, "embeddings"), "gen_ai.embeddings.dimension.count": 4}
    assert dict(span.attributes) == expected


# --- metrics ----------------------------------------------------------------------------------------


async def test_latest_metrics(otel, mode):
    await chat(mode)
    names = {
        "gen_ai.client.inference.duration",
        "gen_ai.client.inference.usage.input_tokens",
        "gen_ai.client.inference.usage.output_tokens",
        "gen_ai.client.inference.operation.input_tokens",
        "gen_ai.client.inference.operation.output_tokens",
    }
    if mode.stream:
        names |= {
            "gen_ai.client.inference.time_to_first_chunk",
            "gen_ai.client.inference.time_per_output_chunk",
        }
    assert set(otel.metrics()) == names
    ok = {**start_attrs(Mode("sync", False)), "gen_ai.response.model": MODEL}
    assert dict(one_point(otel, "gen_ai.client.inference.duration").attributes) == ok
    for name, tokens in (("input_tokens", 26), ("output_tokens", 10)):
        point = one_point(otel, f"gen_ai.client.inference.operation.{name}")
        assert (dict(point.attributes), point.sum) == (ok, tokens)
    if mode.stream:
        [gaps] = otel.metrics()["gen_ai.client.inference.time_per_output_chunk"]
        assert gaps.count == parts_in(ndjson(CHAT)) - 1


# --- streams ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async", "module"])
async def test_a_stream_closed_early_ends_the_span(otel, kind):
    mode = Mode(kind, True)
    replay = Replay(reply_for(mode, CHAT), lib=httpx)
    with default_client_on(replay):
        stream = client_for(mode, replay).chat(MODEL, MESSAGES, stream=True)
        if mode.asynchronous:
            stream = await stream
            async for part in stream:
                assert part.message.content == "Hello! H"
                break
            assert otel.spans() == []
            await stream.aclose()
        else:
            for part in stream:
                assert part.message.content == "Hello! H"
                break
            assert otel.spans() == []
            stream.close()
    span = otel.span()
    assert span.status.status_code is StatusCode.UNSET
    assert span_attrs(span, True) == {
        **start_attrs(mode),
        "gen_ai.response.model": MODEL,
        "gen_ai.response.finish_reasons": ("error",),  # the stream never said why it stopped
    }


async def test_an_abandoned_stream_ends_its_span_when_collected(otel):
    replay = Replay(reply_for(Mode("sync", True), CHAT), lib=httpx)
    stream = client_for(Mode("sync", True), replay).chat(MODEL, MESSAGES, stream=True)
    next(stream)
    del stream
    gc.collect()
    assert otel.span().attributes["gen_ai.response.finish_reasons"] == ("error",)


# --- failures ---------------------------------------------------------------------------------------


async def raised(coro: Any) -> BaseException:
    try:
        await coro
    except Exception as exc:
        return exc
    raise AssertionError("the call did not raise")


def same_failure(exc: BaseException) -> tuple[Any, ...]:
    return type(exc), str(exc), getattr(exc, "status_code", None), getattr(exc, "error", None)


async def test_http_error(otel, mode):
    def attempt() -> Any:
        return chat(mode, replay=Replay(Reply(status=404, json_body=NOT_FOUND), lib=httpx))

    with uninstrumented(otel):
        expected = await raised(attempt())
    exc = await raised(attempt())
    assert type(exc) is ollama.ResponseError
    assert same_failure(exc) == same_failure(expected)
    assert (exc.status_code, exc.error) == (404, NOT_FOUND["error"])

    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    # with stream=True the request goes out on the first iteration, which raises: no chunk came
    assert span_attrs(span, False) == {**start_attrs(mode), "error.type": "ollama.ResponseError"}
    [event] = span.events
    assert event.name == "exception" and event.attributes["exception.message"] == str(exc)
    duration = one_point(otel, "gen_ai.client.inference.duration")
    assert dict(duration.attributes) == {
        **start_attrs(Mode("sync", False)),
        "error.type": "ollama.ResponseError",
    }


@pytest.mark.parametrize("mode", STREAM_MODES, ids=str)
async def test_an_error_line_mid_stream(otel, mode):
    def attempt() -> Any:
        return chat(mode, replay=Replay(Reply(stream=stream_error(), stream_separator="\n"), lib=httpx))

    with uninstrumented(otel):
        expected = await raised(attempt())
    exc = await raised(attempt())
    assert same_failure(exc) == same_failure(expected)
    assert (type(exc), exc.error) == (ollama.ResponseError, STREAM_ERROR_TEXT)

    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span_attrs(span, True) == {
        **start_attrs(mode),
        "gen_ai.response.model": MODEL,
        "gen_ai.response.finish_reasons": ("error",),
        "error.type": "ollama.ResponseError",
    }


# --- content ----------------------------------------------------------------------------------------

IMAGE_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def get_weather(city: str) -> str:
    """Get the current weather for a city.

    Args:
      city: The city
    """
    return "sunny"


CONTENT_MESSAGES = [
    {"role": "system", "content": "You are a weather assistant."},
    {"role": "user", "content": "Weather in Paris? Here is a photo.", "images": [IMAGE_B64]},
    ollama.Message(
        role="assistant",
        content="",
        thinking="Need the tool.",
        tool_calls=[
            ollama.Message.ToolCall(function={"name": "get_weather", "arguments": {"city": "Paris"}})
        ],
    ),
    {"role": "tool", "content": "18 degrees, sunny", "tool_name": "get_weather"},
    {"role": "user", "content": "And in Lyon?"},
]
WEATHER_PARAMS = {"type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}}
CONTENT_TOOLS = [
    {
        "type": "function",
        "function": {"name": "get_time", "description": "Time in a city", "parameters": WEATHER_PARAMS},
    },
    get_weather,
]
EXPECTED_INPUT = [
    {"role": "system", "parts": [{"type": "text", "content": "You are a weather assistant."}]},
    {
        "role": "user",
        "parts": [
            {"type": "text", "content": "Weather in Paris? Here is a photo."},
            {"type": "blob", "modality": "image", "size": 70, "sha256": "PLACEHOLDER"},
        ],
    },
    {
        "role": "assistant",
        "parts": [
            {"type": "reasoning", "content": "Need the tool."},
            {"type": "tool_call", "id": None, "name": "get_weather", "arguments": {"city": "Paris"}},
        ],
    },
    {
        "role": "tool",
        "parts": [{"type": "tool_call_response", "id": None, "response": "18 degrees, sunny"}],
        "name": "get_weather",
    },
    {"role": "user", "parts": [{"type": "text", "content": "And in Lyon?"}]},
]
EXPECTED_TOOLS = [
    {"type": "function", "name": "get_time", "description": "Time in a city", "parameters": WEATHER_PARAMS},
    {"type": "function", "name": "get_weather", "description": "Get the current weather for a city."},
]


def blob_fixed(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for msg in messages:
        for part in msg["parts"]:
            if part["type"] == "blob":
                assert len(part.pop("sha256")) == 64 and "content" not in part
                part["sha256"] = "PLACEHOLDER"
    return messages


async def test_content_is_off_by_default(otel, mode, monkeypatch):
    monkeypatch.delenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", raising=False)
    otel.instrument()
    await chat(mode, CHAT_TOOL, MODEL, CONTENT_MESSAGES, tools=CONTENT_TOOLS)
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)
    assert "Lyon" not in json.dumps(dict(span.attributes), default=str)
    assert otel.events() == []


async def test_chat_content_on_the_span(otel, mode):
    otel.instrument(capture_content="SPAN_ONLY")
    await chat(mode, CHAT_TOOL, MODEL, CONTENT_MESSAGES, tools=CONTENT_TOOLS)
    attrs = otel.span().attributes
    assert blob_fixed(json.loads(attrs["gen_ai.input.messages"])) == EXPECTED_INPUT
    assert json.loads(attrs["gen_ai.tool.definitions"]) == EXPECTED_TOOLS
    assert json.loads(attrs["gen_ai.output.messages"]) == [
        {
            "role": "assistant",
            "parts": [
                {
                    "type": "tool_call",
                    "id": None,
                    "name": "get_weather",
                    "arguments": {"city": "Paris", "unit": "celsius"},
                }
            ],
            # Ollama says "stop" (the span keeps it); the message waits for its tool: tool_call
            "finish_reason": "tool_call",
        }
    ]
    assert attrs["gen_ai.response.finish_reasons"] == ("stop",)
    assert "gen_ai.system_instructions" not in attrs  # system messages stay in the history
    assert IMAGE_B64[:40] not in json.dumps(dict(attrs), default=str)


def finished_with(reason: str) -> dict[str, Any]:
    return {**CHAT, "done_reason": reason}


@pytest.mark.parametrize(
    ("body", "sent", "schema"),
    [
        pytest.param(CHAT, "stop", "stop", id="stop"),
        pytest.param(CHAT_TOOL, "stop", "tool_call", id="stop-with-a-tool-call"),
        pytest.param(CHAT_LENGTH, "length", "length", id="length"),
        pytest.param(finished_with("load"), "load", "load", id="load"),  # no enum value: as sent
    ],
)
async def test_finish_reason_as_sent_on_the_span_and_the_schema_value_in_the_message(
    otel, mode, body, sent, schema
):
    otel.instrument(capture_content="SPAN_ONLY")
    await chat(mode, body)
    attrs = otel.span().attributes
    assert attrs["gen_ai.response.finish_reasons"] == (sent,)
    [output] = json.loads(attrs["gen_ai.output.messages"])
    assert output["finish_reason"] == schema


async def test_reasoning_is_a_part_of_the_output(otel, mode):
    otel.instrument(capture_content="SPAN_ONLY")
    await chat(mode, CHAT_THINKING, think=True)
    assert json.loads(otel.span().attributes["gen_ai.output.messages"]) == [
        {
            "role": "assistant",
            "parts": [
                {"type": "reasoning", "content": CHAT_THINKING["message"]["thinking"]},
                {"type": "text", "content": CHAT_THINKING["message"]["content"]},
            ],
            "finish_reason": "stop",
        }
    ]


async def test_generate_content(otel, mode):
    otel.instrument(capture_content="SPAN_AND_EVENT")
    await run(mode, GENERATE, "generate", MODEL, PROMPT, system="Answer in one sentence.")
    attrs = otel.span().attributes
    assert json.loads(attrs["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": PROMPT}]}
    ]
    assert json.loads(attrs["gen_ai.system_instructions"]) == [
        {"type": "text", "content": "Answer in one sentence."}
    ]
    assert json.loads(attrs["gen_ai.output.messages"]) == [
        {
            "role": "assistant",
            "parts": [{"type": "text", "content": GENERATE["response"]}],
            "finish_reason": "stop",
        }
    ]
    [record] = otel.events()
    assert record.event_name == "gen_ai.client.inference.operation.details"


async def test_messages_given_as_an_iterator_are_sent_and_not_consumed(otel):
    otel.instrument(capture_content="SPAN_ONLY")
    replay = Replay(Reply(json_body=CHAT), lib=httpx)
    await call(Mode("sync", False), client_for(Mode("sync", False), replay), "chat", MODEL, iter(MESSAGES))
    assert replay.bodies[0]["messages"] == MESSAGES
    assert "gen_ai.input.messages" not in otel.span().attributes


# --- patching -----------------------------------------------------------------------------------------


async def test_uninstrument_restores_the_sdk(otel):
    assert hasattr(vars(ollama.AsyncClient)["chat"], "__wrapped__") and hasattr(ollama.chat, "__wrapped__")
    genai_otel.uninstrument()
    assert not hasattr(vars(ollama.AsyncClient)["chat"], "__wrapped__")
    assert not hasattr(ollama.chat, "__wrapped__") and ollama.chat.__self__ is ollama._client
    await chat(Mode("module", False))
    await chat(Mode("async", True))
    assert otel.spans() == []


async def test_a_name_imported_after_instrument_is_traced(otel):
    from ollama import chat as imported_chat

    with default_client_on(Replay(Reply(json_body=CHAT), lib=httpx)):
        imported_chat(MODEL, MESSAGES)
    assert otel.span().name == f"chat {MODEL}"


def test_module_functions_are_traced_when_instrumented_before_import(tmp_path: Path):
    """A fresh interpreter: ``instrument()`` first, then ``import ollama`` (the post-import hook)."""
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        from opentelemetry.sdk.metrics import MeterProvider
        import genai_otel
        spans = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(spans))
        genai_otel.instrument(tracer_provider=provider, meter_provider=MeterProvider())
        assert "ollama" not in sys.modules
        import httpx, ollama
        from bodies.ollama_bodies import CHAT, EMBED, ndjson
        from replay import Replay, Reply
        plain, streamed = Reply(json_body=CHAT), Reply(stream=ndjson(CHAT))
        replay = Replay(plain, streamed, Reply(json_body=EMBED), Reply(json_body=CHAT), lib=httpx)
        ollama._client._client = httpx.Client(base_url=ollama._client._client.base_url,
                                              transport=httpx.MockTransport(replay.handler))
        ollama.chat("llama3.2", [{{"role": "user", "content": "Hi"}}])
        list(ollama.chat("llama3.2", [{{"role": "user", "content": "Hi"}}], stream=True))
        ollama.embed("all-minilm", "Hi")
        ollama.Client(transport=httpx.MockTransport(replay.handler)).chat("llama3.2", [])
        for span in spans.get_finished_spans():
            attrs = span.attributes
            print(span.name, attrs.get("server.address"), attrs.get("gen_ai.usage.input_tokens"))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "chat llama3.2 127.0.0.1 26",
        "chat llama3.2 127.0.0.1 26",
        "embeddings all-minilm 127.0.0.1 8",
        "chat llama3.2 127.0.0.1 26",
    ]

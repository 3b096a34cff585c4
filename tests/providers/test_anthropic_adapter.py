"""The Anthropic adapter over REAL SDK objects: the unpatched anthropic client talks to the replay
transport, and what it returns (messages, streams, events, raw responses, errors, request options)
is fed to the adapter functions."""

from __future__ import annotations

import copy
import inspect
import json
from typing import Any

import anthropic
import httpx2
import pytest
import wrapt

from bodies.anthropic_bodies import (
    CACHED,
    HEADERS,
    INVALID_REQUEST,
    MODEL,
    NOT_FOUND,
    OVERLOADED,
    OVERLOADED_EVENT,
    RESPONSE_MODEL,
    STREAM_ERROR,
    STREAM_TEXT,
    STREAM_THINKING,
    STREAM_TOOL_USE,
    TEXT,
    THINKING,
    TOOL_USE,
)
from genai_otel.adapter import RequestContent, RequestInfo, ResponseInfo, Usage
from genai_otel.providers.anthropic import ADAPTER, TARGETS, suppress_sdk_span
from replay import Replay, Reply, _Chunks2

STABLE = "anthropic.resources.messages.messages"
CREATE = next(t for t in TARGETS if t.module == STABLE and t.method == "Messages.create")
ACREATE = next(t for t in TARGETS if t.module == STABLE and t.method == "AsyncMessages.create")
MANAGER = next(t for t in TARGETS if t.module == STABLE and t.method == "Messages.stream")
BASE = {"model": MODEL, "max_tokens": 1024, "messages": [{"role": "user", "content": "Hello"}]}


def sync_client(*replies: Reply, **options: Any) -> tuple[anthropic.Anthropic, Replay]:
    replay = Replay(*replies)
    client = anthropic.Anthropic(
        api_key="sk-ant-test", http_client=replay.sync_client(), max_retries=0, **options
    )
    return client, replay


def async_client(*replies: Reply, **options: Any) -> tuple[anthropic.AsyncAnthropic, Replay]:
    replay = Replay(*replies)
    client = anthropic.AsyncAnthropic(
        api_key="sk-ant-test", http_client=replay.async_client(), max_retries=0, **options
    )
    return client, replay


def json_reply(body: Any, status: int = 200) -> Reply:
    return Reply(status=status, json_body=body, headers=HEADERS)


def fold(events: list[Any], capture: bool = True, target=CREATE) -> ResponseInfo:
    acc = ADAPTER.new_accumulator(target, capture)
    for event in events:
        acc.add(event)
    return acc.finish()


# --- targets -----------------------------------------------------------------------------------------


def test_targets_resolve_against_the_installed_sdk():
    import importlib

    assert len(TARGETS) == 24
    for target in TARGETS:
        cls_name, method = target.method.split(".")
        func = getattr(getattr(importlib.import_module(target.module), cls_name), method)
        name = func.__name__
        assert name == method
        if target.stream_manager:
            # a plain def returning a manager that sends the request on (a)enter
            assert not inspect.iscoroutinefunction(func) and target.raw_stream_attr == "_raw_stream"
        else:
            # AsyncMessages.create is a sync ``required_args`` wrapper around the coroutine function
            assert inspect.iscoroutinefunction(inspect.unwrap(func)) == target.is_async
        assert "count_tokens" not in target.method
    assert {t.method for t in TARGETS if t.stream_manager} == {"Messages.stream", "AsyncMessages.stream"}


# --- parse_request ------------------------------------------------------------------------------------


def test_parse_request_reports_exactly_the_passed_parameters():
    client, _ = sync_client()
    kwargs = {
        **BASE,
        "temperature": 1,
        "top_p": 0.9,
        "top_k": 40,
        "stop_sequences": ["\n\nHuman:", "END"],
        "stream": True,
        "service_tier": "auto",
        "output_config": {"effort": "high", "format": {"type": "json_schema", "schema": {"type": "object"}}},
        "metadata": {"user_id": "u-1"},
    }
    before = copy.deepcopy(kwargs)
    info = ADAPTER.parse_request(client.messages, kwargs, CREATE)
    assert kwargs == before
    assert info == RequestInfo(
        provider="anthropic",
        model=MODEL,
        server_address="api.anthropic.com",
        server_port=443,
        stream=True,
        temperature=1.0,
        top_p=0.9,
        top_k=40,
        max_tokens=1024,
        stop_sequences=["\n\nHuman:", "END"],
        output_type="json",
        reasoning_level="high",
        attributes={"anthropic.request.service_tier": "auto"},
    )
    assert isinstance(info.temperature, float)


def test_parse_request_omits_what_was_not_passed():
    client, _ = sync_client(base_url="http://localhost:8080")
    kwargs = {
        **BASE,
        "temperature": anthropic.omit,
        "top_k": anthropic.NOT_GIVEN,
        "stream": False,
        "output_config": anthropic.omit,
        "system": anthropic.omit,
    }
    assert ADAPTER.parse_request(client.messages, kwargs, CREATE) == RequestInfo(
        provider="anthropic", model=MODEL, server_address="localhost", server_port=8080, max_tokens=1024
    )


def test_parse_request_stream_manager_parse_and_conversation_id():
    client, _ = sync_client(open_telemetry={"conversation_id": "conv-42"})
    info = ADAPTER.parse_request(client.messages, {**BASE, "output_config": {"effort": "low"}}, MANAGER)
    assert (info.stream, info.reasoning_level, info.output_type, info.conversation_id) == (
        True,
        "low",
        None,
        "conv-42",
    )

    class Answer(anthropic.BaseModel):
        text: str

    parse = next(t for t in TARGETS if t.module == STABLE and t.method == "Messages.parse")
    assert (
        ADAPTER.parse_request(client.messages, {**BASE, "output_format": Answer}, parse).output_type == "json"
    )


def test_parse_request_uses_the_platform_clients_provider_name():
    bedrock = anthropic.AnthropicBedrock(
        aws_access_key="AKIATEST", aws_secret_key="test", aws_region="us-east-1"
    )
    info = ADAPTER.parse_request(bedrock.messages, BASE, CREATE)
    assert (info.provider, info.server_address, info.server_port) == (
        "aws.bedrock",
        "bedrock-runtime.us-east-1.amazonaws.com",
        443,
    )
    vertex = anthropic.AnthropicVertex(region="us-east5", project_id="proj", access_token="tok")
    beta = next(
        t for t in TARGETS if t.module.endswith("vertex._beta_messages") and t.method == "Messages.create"
    )
    assert type(vertex.beta.messages).__module__ == beta.module
    assert ADAPTER.parse_request(vertex.beta.messages, BASE, beta).provider == "gcp.vertex_ai"


# --- request_content -----------------------------------------------------------------------------------

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
PDF = "JVBERi0xLjQKJcfsj6IKNSAwIG9iago="
WEATHER_SCHEMA = {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}
CONTENT_KWARGS: dict[str, Any] = {
    "model": MODEL,
    "max_tokens": 1024,
    "system": [
        {"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}},
        {"type": "text", "text": "Answer in English."},
    ],
    "messages": [
        {"role": "user", "content": "Hi"},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Describe these."},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
                {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
                {"type": "image", "source": {"type": "file", "file_id": "file_011CNha8iCJcU1wXNR6q4V8w"}},
                {
                    "type": "document",
                    "source": {"type": "base64", "media_type": "application/pdf", "data": PDF},
                },
                {"type": "document", "source": {"type": "url", "url": "https://example.com/paper.pdf"}},
                {
                    "type": "document",
                    "source": {"type": "text", "media_type": "text/plain", "data": "Notes."},
                },
                {
                    "type": "document",
                    "source": {"type": "content", "content": [{"type": "text", "text": "Chunk"}]},
                },
                {"type": "document", "source": {"type": "file", "file_id": "file_011CPdfA"}},
                {
                    "type": "search_result",
                    "source": "https://example.com/s",
                    "title": "S",
                    "content": [{"type": "text", "text": "Result."}],
                },
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "Need the weather.", "signature": "EqQBCgIYAhIM"},
                {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"},
                {"type": "text", "text": "Checking."},
                {
                    "type": "tool_use",
                    "id": "toolu_01A",
                    "name": "get_weather",
                    "input": {"location": "Paris"},
                },
                {
                    "type": "server_tool_use",
                    "id": "srvtoolu_01",
                    "name": "web_search",
                    "input": {"query": "q"},
                },
                {
                    "type": "web_search_tool_result",
                    "tool_use_id": "srvtoolu_01",
                    "content": [
                        {
                            "type": "web_search_result",
                            "url": "https://w.example",
                            "title": "W",
                            "encrypted_content": "Eq",
                        }
                    ],
                },
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01A", "content": "15 degrees"},
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_01B",
                    "is_error": False,
                    "content": [
                        {"type": "text", "text": "rain"},
                        {"type": "image", "source": {"type": "url", "url": "https://example.com/radar.png"}},
                    ],
                },
            ],
        },
    ],
    "tools": [
        {"name": "get_weather", "description": "Get the weather.", "input_schema": WEATHER_SCHEMA},
        {"type": "custom", "name": "noop", "input_schema": {"type": "object"}},
        {"type": "web_search_20250305", "name": "web_search", "max_uses": 3},
        {"type": "bash_20250124", "name": "bash"},
    ],
}


def test_request_content_converts_every_block_type():
    client, replay = sync_client(json_reply(TEXT))
    before = copy.deepcopy(CONTENT_KWARGS)
    content = ADAPTER.request_content(client.messages, CONTENT_KWARGS, CREATE)
    assert before == CONTENT_KWARGS
    client.messages.create(**CONTENT_KWARGS)  # the real SDK accepts and sends these shapes
    assert replay.bodies[0]["messages"] == CONTENT_KWARGS["messages"]

    assert content.system_instructions == [
        {"type": "text", "content": "You are terse."},
        {"type": "text", "content": "Answer in English."},
    ]
    hi, media, assistant, results = content.input_messages
    assert hi == {"role": "user", "parts": [{"type": "text", "content": "Hi"}]}
    assert media == {
        "role": "user",
        "parts": [
            {"type": "text", "content": "Describe these."},
            {"type": "blob", "modality": "image", "content": PNG, "mime_type": "image/png"},
            {"type": "uri", "modality": "image", "uri": "https://example.com/cat.jpg"},
            {"type": "file", "modality": "image", "file_id": "file_011CNha8iCJcU1wXNR6q4V8w"},
            {"type": "blob", "modality": "document", "content": PDF, "mime_type": "application/pdf"},
            {
                "type": "uri",
                "modality": "document",
                "uri": "https://example.com/paper.pdf",
                "mime_type": "application/pdf",
            },
            {"type": "text", "content": "Notes."},
            {"type": "text", "content": "Chunk"},
            {"type": "file", "modality": "document", "file_id": "file_011CPdfA"},
            {
                "type": "generic",
                "generic_type": "search_result",
                "source": "https://example.com/s",
                "title": "S",
                "content": ["Result."],
            },
        ],
    }
    assert assistant == {
        "role": "assistant",
        "parts": [
            {"type": "reasoning", "content": "Need the weather."},
            {"type": "reasoning", "content": ""},
            {"type": "text", "content": "Checking."},
            {
                "type": "tool_call",
                "id": "toolu_01A",
                "name": "get_weather",
                "arguments": {"location": "Paris"},
            },
            {
                "type": "server_tool_call",
                "id": "srvtoolu_01",
                "name": "web_search",
                "server_tool_call": {"type": "web_search", "arguments": {"query": "q"}},
            },
            {
                "type": "server_tool_call_response",
                "id": "srvtoolu_01",
                "server_tool_call_response": {
                    "type": "web_search_tool_result",
                    "content": CONTENT_KWARGS["messages"][2]["content"][5]["content"],
                },
            },
        ],
    }
    assert results == {
        "role": "user",
        "parts": [
            {"type": "tool_call_response", "id": "toolu_01A", "response": "15 degrees"},
            {
                "type": "tool_call_response",
                "id": "toolu_01B",
                "response": [
                    {"type": "text", "content": "rain"},
                    {"type": "uri", "modality": "image", "uri": "https://example.com/radar.png"},
                ],
            },
        ],
    }
    assert content.tool_definitions == [
        {
            "type": "function",
            "name": "get_weather",
            "description": "Get the weather.",
            "parameters": WEATHER_SCHEMA,
        },
        {"type": "function", "name": "noop", "parameters": {"type": "object"}},
        {"type": "web_search_20250305", "name": "web_search"},
        {"type": "bash_20250124", "name": "bash"},
    ]


def test_request_content_system_string_models_passed_back_and_beta_tools():
    client, _ = sync_client(json_reply(TOOL_USE))
    previous = client.messages.create(**BASE)  # a real Message whose content blocks are passed back
    from anthropic.lib.tools import beta_tool

    @beta_tool
    def get_weather(location: str) -> str:
        """Get the weather for a location."""
        return "sunny"

    kwargs = {
        **BASE,
        "system": "Be brief.",
        "messages": [{"role": "user", "content": "Weather?"}, previous.to_param()],
        "tools": [get_weather],
    }
    content = ADAPTER.request_content(client.beta.messages, kwargs, CREATE)
    assert content.system_instructions == [{"type": "text", "content": "Be brief."}]
    assert content.input_messages[1] == {
        "role": "assistant",
        "parts": [
            {"type": "text", "content": "I'll check the current weather in Paris for you."},
            {
                "type": "tool_call",
                "id": "toolu_01A09q90qw90lq917835lq9",
                "name": "get_weather",
                "arguments": {"location": "Paris, France", "unit": "celsius"},
            },
        ],
    }
    assert content.tool_definitions == [
        {
            "type": "function",
            "name": "get_weather",
            "description": "Get the weather for a location.",
            "parameters": get_weather.to_dict()["input_schema"],
        },
    ]


def test_request_content_never_consumes_one_shot_iterables():
    messages = iter([{"role": "user", "content": "Hi"}])
    content = ADAPTER.request_content(None, {**BASE, "messages": messages, "tools": iter([])}, CREATE)
    assert content == RequestContent(input_messages=[], system_instructions=(), tool_definitions=[])
    assert next(messages) == {"role": "user", "content": "Hi"}


# --- parse_response ------------------------------------------------------------------------------------


def test_parse_response_text_with_content_capture():
    client, _ = sync_client(json_reply(TEXT))
    result = client.messages.create(**BASE)
    assert ADAPTER.parse_response(result, CREATE, True) == ResponseInfo(
        response_id="msg_01XFDUDYJgAACzvnptvVoYEL",
        response_model=RESPONSE_MODEL,
        finish_reasons=("end_turn",),
        usage=Usage(input_tokens=12, output_tokens=11, cache_read_input_tokens=0, cache_write_input_tokens=0),
        output_messages=(
            {
                "role": "assistant",
                "parts": [{"type": "text", "content": "Hello! How can I help you today?"}],
                "finish_reason": "stop",  # end_turn (the span's), in the output-message schema's words
            },
        ),
        attributes={"anthropic.response.service_tier": "standard"},
    )
    assert ADAPTER.parse_response(result, CREATE, False).output_messages == ()


def test_parse_response_prompt_caching_usage_arithmetic():
    client, _ = sync_client(json_reply(CACHED))
    info = ADAPTER.parse_response(client.messages.create(**BASE), CREATE, False)
    # Anthropic's input_tokens (21) excludes the cache read (2048) and the cache write (188).
    assert info.usage == Usage(
        input_tokens=21 + 2048 + 188,
        output_tokens=393,
        cache_read_input_tokens=2048,
        cache_write_input_tokens=188,
    )


def test_parse_response_tool_use_and_thinking():
    client, _ = sync_client(json_reply(TOOL_USE), json_reply(THINKING))
    tool = ADAPTER.parse_response(client.messages.create(**BASE), CREATE, True)
    assert tool.finish_reasons == ("tool_use",)
    assert tool.output_messages[0]["parts"][1] == {
        "type": "tool_call",
        "id": "toolu_01A09q90qw90lq917835lq9",
        "name": "get_weather",
        "arguments": {"location": "Paris, France", "unit": "celsius"},
    }
    thinking = ADAPTER.parse_response(client.messages.create(**BASE), CREATE, True)
    assert thinking.usage == Usage(45, 310, 0, 0, reasoning_output_tokens=254)
    assert thinking.output_messages[0]["parts"] == [
        {"type": "reasoning", "content": "The user asks for 27 * 453. 27 * 453 = 12231."},
        {"type": "text", "content": "27 * 453 = 12,231"},
    ]


def test_parse_response_of_a_parsed_message():
    class Answer(anthropic.BaseModel):
        value: int

    client, _ = sync_client(json_reply({**TEXT, "content": [{"type": "text", "text": '{"value": 7}'}]}))
    result = client.messages.parse(**BASE, output_format=Answer)
    assert result.parsed_output == Answer(value=7)
    assert ADAPTER.parse_response(result, CREATE, False).response_id == "msg_01XFDUDYJgAACzvnptvVoYEL"


# --- unwrap / is_stream --------------------------------------------------------------------------------


def test_unwrap_raw_response_returns_the_sdks_cached_parse():
    client, _ = sync_client(json_reply(TEXT))
    raw = client.messages.with_raw_response.create(**BASE)
    message = ADAPTER.unwrap(raw, CREATE)
    assert isinstance(message, anthropic.types.Message)
    assert raw.parse() is message  # cached by type: the caller gets the same object, parsed once
    assert ADAPTER.parse_response(message, CREATE, False).response_id == "msg_01XFDUDYJgAACzvnptvVoYEL"


async def test_unwrap_async_raw_response():
    client, _ = async_client(json_reply(TEXT))
    raw = await client.messages.with_raw_response.create(**BASE)
    message = ADAPTER.unwrap(raw, ACREATE)
    assert isinstance(message, anthropic.types.Message) and message.id == "msg_01XFDUDYJgAACzvnptvVoYEL"
    assert (await raw.parse()).id == message.id


def test_unwrap_raw_sse_gives_the_cached_stream_and_leaves_unread_bodies_alone():
    client, _ = sync_client(Reply(sse=STREAM_TEXT), json_reply(TEXT))
    raw_stream = client.messages.with_raw_response.create(**BASE, stream=True)
    stream = ADAPTER.unwrap(raw_stream, CREATE)
    assert isinstance(stream, anthropic.Stream) and raw_stream.parse() is stream
    assert fold(list(stream)).finish_reasons == ("end_turn",)
    assert ADAPTER.unwrap(None, CREATE) is None


def test_unwrap_does_not_read_a_with_streaming_response_body():
    def handler(request: httpx2.Request) -> httpx2.Response:
        # a body that arrives over the wire (replay's JSON replies are pre-read by httpx2)
        return httpx2.Response(200, headers=HEADERS, stream=_Chunks2(json.dumps(TEXT)))

    client = anthropic.Anthropic(
        api_key="sk-ant-test", http_client=httpx2.Client(transport=httpx2.MockTransport(handler))
    )
    with client.messages.with_streaming_response.create(**BASE) as streamed:
        assert ADAPTER.unwrap(streamed, CREATE) is streamed
        assert not streamed.http_response.is_stream_consumed  # not read behind the caller's back
        assert streamed.parse().id == "msg_01XFDUDYJgAACzvnptvVoYEL"


async def test_unwrap_leaves_async_raw_sse_alone():
    client, _ = async_client(Reply(sse=STREAM_TEXT))
    raw_stream = await client.messages.with_raw_response.create(**BASE, stream=True)
    assert ADAPTER.unwrap(raw_stream, ACREATE) is raw_stream
    await (await raw_stream.parse()).close()


async def test_is_stream_on_real_results():
    client, _ = sync_client(Reply(sse=STREAM_TEXT), json_reply(TEXT))
    stream = client.messages.create(**BASE, stream=True)
    assert ADAPTER.is_stream(stream, CREATE)
    stream.close()
    assert not ADAPTER.is_stream(client.messages.create(**BASE), CREATE)
    aclient, _ = async_client(Reply(sse=STREAM_TEXT))
    astream = await aclient.messages.create(**BASE, stream=True)
    assert ADAPTER.is_stream(astream, ACREATE)
    await astream.close()


# --- stream accumulation -------------------------------------------------------------------------------


def test_accumulator_over_a_real_text_stream():
    client, _ = sync_client(Reply(sse=STREAM_TEXT))
    events = list(client.messages.create(**BASE, stream=True))
    assert [e.type for e in events][:2] == ["message_start", "content_block_start"]  # ping was dropped
    assert fold(events) == ResponseInfo(
        response_id="msg_01StreamText7kLmN2pQ3rS4",
        response_model=RESPONSE_MODEL,
        finish_reasons=("end_turn",),
        usage=Usage(
            input_tokens=125, output_tokens=15, cache_read_input_tokens=100, cache_write_input_tokens=0
        ),
        output_messages=(
            {
                "role": "assistant",
                "parts": [{"type": "text", "content": "Hello! How can I help?"}],
                "finish_reason": "stop",  # end_turn (the span's), in the output-message schema's words
            },
        ),
        attributes={"anthropic.response.service_tier": "standard"},
    )
    assert fold(events, capture=False).output_messages == ()


def test_accumulator_tool_use_with_input_json_delta():
    client, _ = sync_client(Reply(sse=STREAM_TOOL_USE))
    info = fold(list(client.messages.create(**BASE, stream=True)))
    assert info.finish_reasons == ("tool_use",)
    # message_delta carried only output_tokens: the message_start input counts survive
    assert info.usage == Usage(472, 89, 0, 0)
    assert info.output_messages[0]["parts"] == [
        {"type": "text", "content": "Let me check the weather."},
        {
            "type": "tool_call",
            "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
            "name": "get_weather",
            "arguments": {"location": "San Francisco, CA"},
        },
    ]


def test_accumulator_thinking_stream():
    client, _ = sync_client(Reply(sse=STREAM_THINKING))
    info = fold(list(client.messages.create(**BASE, stream=True)))
    assert info.usage == Usage(36, 120, 0, 0, reasoning_output_tokens=98)
    assert info.output_messages[0]["parts"] == [
        {"type": "reasoning", "content": "Let me solve this step by step.\n\n27 * 453 = 12231"},
        {"type": "text", "content": "27 * 453 = 12,231"},
    ]


def test_accumulator_with_zero_chunks():
    assert fold([]) == ResponseInfo()
    assert fold([], capture=False) == ResponseInfo()


def test_mid_stream_error_event_raises_and_reports_the_envelope_type():
    client, _ = sync_client(Reply(sse=STREAM_ERROR))
    events: list[Any] = []
    with pytest.raises(anthropic.APIStatusError) as caught:
        for event in client.messages.create(**BASE, stream=True):
            events.append(event)
    # the SDK raises a bare APIStatusError (HTTP 200) instead of yielding the error event
    assert type(caught.value) is anthropic.APIStatusError and caught.value.status_code == 200
    assert ADAPTER.error_type(caught.value) == "overloaded_error"
    info = fold(events)
    assert (info.response_id, info.finish_reasons, info.usage) == (
        "msg_01StreamErr5pQ8rT2uV",
        ("error",),
        Usage(18, 1, 0, 0),
    )
    assert info.output_messages[0]["parts"] == [{"type": "text", "content": "Once upon"}]
    # a stream that hands the error over as an event
    error_event = anthropic.types.ErrorResponse.construct(**OVERLOADED_EVENT)
    assert fold([*events, error_event]).error_type == "overloaded_error"


class RecordingStream(wrapt.ObjectProxy):
    """Stands in for the engine's stream proxy, swapped into MessageStream._raw_stream."""

    def __init__(self, wrapped: Any) -> None:
        super().__init__(wrapped)
        self._self_events: list[Any] = []
        self._self_closed = False

    # ObjectProxy does not forward __iter__/__aiter__ through the proxy's own code
    def __iter__(self):
        for event in self.__wrapped__:
            self._self_events.append(event)
            yield event

    async def __aiter__(self):
        async for event in self.__wrapped__:
            self._self_events.append(event)
            yield event

    def close(self):
        self._self_closed = True
        return self.__wrapped__.close()


def test_stream_manager_reads_raw_stream_lazily_so_a_proxy_sees_every_event():
    client, _ = sync_client(Reply(sse=STREAM_TEXT), Reply(sse=STREAM_TOOL_USE))
    with client.messages.stream(**BASE) as stream:
        proxy = RecordingStream(stream._raw_stream)
        stream._raw_stream = proxy
        assert stream.get_final_text() == "Hello! How can I help?"
        assert stream.response.headers["content-type"].startswith("text/event-stream")
    assert proxy._self_closed
    assert fold(proxy._self_events, target=MANAGER).output_messages[0]["parts"] == [
        {"type": "text", "content": "Hello! How can I help?"}
    ]
    with client.messages.stream(**BASE) as stream:
        stream._raw_stream = proxy = RecordingStream(stream._raw_stream)
        assert "".join(stream.text_stream) == "Let me check the weather."
    assert fold(proxy._self_events, target=MANAGER).finish_reasons == ("tool_use",)


async def test_async_stream_manager_reads_raw_stream_lazily():
    client, _ = async_client(Reply(sse=STREAM_THINKING))
    async with client.beta.messages.stream(**BASE) as stream:
        proxy = RecordingStream(stream._raw_stream)
        stream._raw_stream = proxy
        final = await stream.get_final_message()
    assert final.content[1].text == "27 * 453 = 12,231"
    assert fold(proxy._self_events).usage == Usage(36, 120, 0, 0, reasoning_output_tokens=98)


# --- errors --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "exc_type", "kind"),
    [
        (404, NOT_FOUND, anthropic.NotFoundError, "not_found_error"),
        (529, OVERLOADED, anthropic.OverloadedError, "overloaded_error"),
        (400, INVALID_REQUEST, anthropic.BadRequestError, "invalid_request_error"),
    ],
)
def test_error_type_is_the_api_error_envelope_type(status, body, exc_type, kind):
    client, _ = sync_client(json_reply(body, status))
    with pytest.raises(exc_type) as caught:
        client.messages.create(**BASE)
    assert ADAPTER.error_type(caught.value) == kind
    assert ADAPTER.error_type(ValueError("x")) is None
    assert ADAPTER.error_type(anthropic.APIConnectionError(request=caught.value.request)) is None


# --- coexistence with the SDK's own tracing -----------------------------------------------------------


@pytest.fixture
def sdk_spans(monkeypatch):
    """The SDK traces into an in-memory exporter; start_api_call_span wrapped as the engine would."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def recording(wrapped, instance, args, kwargs):
        calls.append((args, kwargs))
        return suppress_sdk_span(wrapped, instance, args, kwargs)

    module, name, _ = ADAPTER.extra_patches[0]
    base_client = __import__(module, fromlist=["_"])
    monkeypatch.setattr(base_client, name, wrapt.FunctionWrapper(getattr(base_client, name), recording))
    yield exporter, calls, {"open_telemetry": {"tracer_provider": provider}}
    provider.shutdown()


def test_sdk_inference_span_is_suppressed_other_spans_kept(sdk_spans):
    exporter, calls, options = sdk_spans
    client, _ = sync_client(
        json_reply(TEXT),
        Reply(sse=STREAM_TEXT),
        Reply(sse=STREAM_TEXT),
        json_reply(TEXT),
        json_reply(TEXT),
        json_reply({"input_tokens": 12}),
        **options,
    )
    client.messages.create(**BASE)
    list(client.messages.create(**BASE, stream=True))
    with client.messages.stream(**BASE) as stream:
        stream.until_done()
    client.messages.parse(**BASE)
    client.beta.messages.create(**BASE)
    assert client.messages.count_tokens(model=MODEL, messages=BASE["messages"]).input_tokens == 12
    assert [s.name for s in exporter.get_finished_spans()] == ["anthropic.messages.count_tokens"]
    # the sync call site passes options as the third positional argument
    assert [args[2].span_name for args, _ in calls] == ["anthropic.messages.create"] * 5 + [
        "anthropic.messages.count_tokens"
    ]
    assert all(set(kw) == {"propagation", "stream", "default_headers"} for _, kw in calls)


async def test_async_call_site_is_suppressed_too(sdk_spans):
    exporter, calls, options = sdk_spans
    client, _ = async_client(json_reply(TEXT), json_reply({"input_tokens": 12}), **options)
    await client.messages.create(**BASE)
    await client.messages.count_tokens(model=MODEL, messages=BASE["messages"])
    assert [s.name for s in exporter.get_finished_spans()] == ["anthropic.messages.count_tokens"]
    assert [args[2].span_name for args, _ in calls] == [
        "anthropic.messages.create",
        "anthropic.messages.count_tokens",
    ]


def test_suppression_wrapper_with_real_request_options(sdk_spans):
    _, calls, options = sdk_spans
    client, _ = sync_client(json_reply(TEXT), json_reply({"input_tokens": 12}), **options)
    client.messages.create(**BASE)
    client.messages.count_tokens(model=MODEL, messages=BASE["messages"])
    (create_args, create_kwargs), (count_args, count_kwargs) = calls
    assert type(create_args[2]).__name__ == "FinalRequestOptions"
    sentinel, seen = object(), []

    def fake(*args, **kwargs):
        seen.append((args, kwargs))
        return sentinel

    assert suppress_sdk_span(fake, None, create_args, create_kwargs) is None
    assert suppress_sdk_span(fake, None, (), {**create_kwargs, "options": create_args[2]}) is None
    assert seen == []
    assert suppress_sdk_span(fake, None, count_args, count_kwargs) is sentinel
    assert seen == [(count_args, count_kwargs)]
    assert "exclude" in ADAPTER.install_note and "GENAI_OTEL_EXCLUDE=anthropic" in ADAPTER.install_note


# --- robustness ----------------------------------------------------------------------------------------


def test_adapter_functions_are_total_on_minimal_and_odd_input():
    assert ADAPTER.parse_request(None, {}, CREATE) == RequestInfo(provider="anthropic")
    odd = {"model": 3, "max_tokens": "x", "temperature": True, "stop_sequences": "END", "messages": "hi"}
    assert ADAPTER.parse_request(object(), odd, CREATE) == RequestInfo(provider="anthropic")
    assert ADAPTER.request_content(None, {}, CREATE) == RequestContent([], (), [])
    weird = {"messages": [None, {"role": "user", "content": [None, {"type": "future_block"}]}], "system": 5}
    assert ADAPTER.request_content(None, weird, CREATE).input_messages == [
        {"role": "user", "parts": []},
        {
            "role": "user",
            "parts": [
                {"type": "generic", "generic_type": "unknown"},
                {"type": "generic", "generic_type": "future_block"},
            ],
        },
    ]
    assert ADAPTER.parse_response(None, CREATE, True) == ResponseInfo()
    assert ADAPTER.parse_response(object(), CREATE, True) == ResponseInfo()
    assert not ADAPTER.is_stream(None, CREATE)
    assert ADAPTER.unwrap(42, CREATE) == 42

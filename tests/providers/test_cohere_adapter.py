"""The Cohere adapter's functions over real SDK objects (typed request models, parsed responses
and stream events) and over malformed input."""

from __future__ import annotations

import base64
import struct
from typing import Any

import cohere
import httpx
import pytest
from cohere.core import construct_type
from cohere.v2.types.v2chat_response import V2ChatResponse
from cohere.v2.types.v2chat_stream_response import V2ChatStreamResponse

from bodies.cohere_bodies import CACHED, EMBED, HEADERS, TEXT, THINKING, TOOL_CALL, stream_events
from genai_otel.adapter import RequestContent, RequestInfo, ResponseInfo, Usage
from genai_otel.providers.cohere import ADAPTER, TARGETS
from replay import Replay, Reply

CHAT = next(t for t in TARGETS if t.method == "V2Client.chat")
STREAM = next(t for t in TARGETS if t.method == "V2Client.chat_stream")
ASTREAM = next(t for t in TARGETS if t.method == "AsyncV2Client.chat_stream")
EMBED_TARGET = next(t for t in TARGETS if t.method == "V2Client.embed")
RERANK_TARGET = next(t for t in TARGETS if t.method == "V2Client.rerank")


def fold(events: list[Any], capture: bool = True) -> ResponseInfo:
    acc = ADAPTER.new_accumulator(STREAM, capture)
    for event in events:
        acc.add(event)
    return acc.finish()


def typed_events(body: dict[str, Any]) -> list[Any]:
    return [construct_type(type_=V2ChatStreamResponse, object_=e) for e in stream_events(body)]


def test_targets():
    assert len(TARGETS) == 8
    awaited = [t.method for t in TARGETS if t.is_async]
    assert awaited == ["AsyncV2Client.chat", "AsyncV2Client.embed", "AsyncV2Client.rerank"]
    assert not ASTREAM.is_async  # an async generator function: called, never awaited
    assert {t.operation for t in TARGETS} == {"chat", "embeddings", "rerank"}


def test_platform_clients_name_their_provider_and_no_server(monkeypatch):
    # fake credentials in the environment, which boto3 reads first: without any it asks the EC2
    # instance metadata service (169.254.169.254) while the clients are built
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-secret")
    bedrock = ADAPTER.parse_request(cohere.BedrockClientV2(aws_region="us-east-1"), {"model": "m"}, CHAT)
    assert (bedrock.provider, bedrock.server_address, bedrock.server_port) == ("aws.bedrock", None, None)
    sagemaker = ADAPTER.parse_request(cohere.SagemakerClientV2(aws_region="us-east-1"), {}, CHAT)
    assert (sagemaker.provider, sagemaker.server_address) == ("cohere", None)


def test_unusual_base_urls():
    def info(url: str) -> RequestInfo:
        client = cohere.ClientV2(api_key="test-key-not-real", base_url=url, httpx_client=httpx.Client())
        return ADAPTER.parse_request(client, {}, CHAT)

    assert (info("http://10.0.0.5").server_address, info("http://10.0.0.5").server_port) == ("10.0.0.5", 80)
    assert (info("https://proxy:99999").server_address, info("https://proxy:99999").server_port) == (
        "proxy",
        443,
    )
    assert info("not a url").server_address is None


def test_request_ignores_the_sdk_omit_sentinel_and_wrong_types():
    kwargs = {
        "model": 3,
        "temperature": ...,
        "k": True,
        "p": "0.5",
        "stop_sequences": "END",
        "response_format": ...,
    }
    info = ADAPTER.parse_request(object(), kwargs, CHAT)
    assert info == RequestInfo(provider="cohere")
    text = ADAPTER.parse_request(object(), {"response_format": cohere.TextResponseFormatV2()}, CHAT)
    assert text.output_type == "text"
    schema = cohere.JsonObjectResponseFormatV2(json_schema={"type": "object"})
    assert ADAPTER.parse_request(object(), {"response_format": schema}, STREAM).output_type == "json"


def test_rerank_and_embed_requests_with_iterators_and_missing_values():
    docs = iter(["a", "b"])
    info = ADAPTER.parse_request(object(), {"documents": docs, "top_n": None}, RERANK_TARGET)
    assert info.attributes == {}
    assert list(docs) == ["a", "b"]  # not consumed
    info = ADAPTER.parse_request(object(), {"embedding_types": ("float", 1)}, EMBED_TARGET)
    assert info.encoding_formats == ["float"] and info.attributes == {}


def test_request_content_from_sdk_models():
    messages = [
        cohere.SystemChatMessageV2(content=[cohere.TextSystemMessageV2ContentOneItem(text="Be brief.")]),
        cohere.UserChatMessageV2(
            content=[
                cohere.TextContent(text="What is this?"),
                cohere.ImageUrlContent(image_url=cohere.ImageUrl(url="https://example.com/cat.png")),
            ]
        ),
        cohere.AssistantChatMessageV2(
            tool_calls=[
                cohere.ToolCallV2(
                    id="search_0", function=cohere.ToolCallV2Function(name="search", arguments="not json")
                )
            ]
        ),
        cohere.ToolChatMessageV2(
            tool_call_id="search_0",
            content=[
                cohere.DocumentToolContent(document=cohere.Document(data={"title": "Cats"}, id="doc_0"))
            ],
        ),
        {"role": None, "content": "dropped"},
    ]
    tools = [cohere.ToolV2(function=cohere.ToolV2Function(name="search", parameters={"type": "object"}))]
    content = ADAPTER.request_content(object(), {"messages": messages, "tools": tools}, CHAT)
    assert content.input_messages == [
        {"role": "system", "parts": [{"type": "text", "content": "Be brief."}]},
        {
            "role": "user",
            "parts": [
                {"type": "text", "content": "What is this?"},
                {"type": "uri", "modality": "image", "uri": "https://example.com/cat.png"},
            ],
        },
        {
            "role": "assistant",
            "parts": [{"type": "tool_call", "id": "search_0", "name": "search", "arguments": "not json"}],
        },
        {
            "role": "tool",
            "parts": [
                {
                    "type": "tool_call_response",
                    "id": "search_0",
                    "response": [
                        {"type": "document", "document": {"data": {"title": "Cats"}, "id": "doc_0"}}
                    ],
                }
            ],
        },
    ]
    assert content.tool_definitions == [
        {"type": "function", "name": "search", "parameters": {"type": "object"}}
    ]
    assert content.system_instructions == ()


def test_request_content_of_other_operations_and_iterators():
    assert ADAPTER.request_content(object(), {"texts": ["x"]}, EMBED_TARGET) == RequestContent()
    messages = iter([{"role": "user", "content": "hi"}])
    assert ADAPTER.request_content(object(), {"messages": messages}, CHAT).input_messages == []
    assert next(messages) == {"role": "user", "content": "hi"}


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        (  # the tokens the model processed, never the billed units (cohere.* attributes)
            {"billed_units": {"input_tokens": 5, "output_tokens": 9}, "tokens": {"input_tokens": 496}},
            Usage(496),
        ),
        ({"billed_units": {"input_tokens": 5, "output_tokens": 9}}, None),  # billed only: no tokens used
        (
            {"billed_units": {"search_units": 1}, "tokens": {"input_tokens": 4, "output_tokens": 2}},
            Usage(4, 2),
        ),
        ({"tokens": {"input_tokens": 4.5, "output_tokens": -1}}, None),
        ({"cached_tokens": 3.0}, Usage(cache_read_input_tokens=3)),
        ({}, None),
    ],
)
def test_usage_sources(usage, expected):
    result = construct_type(type_=V2ChatResponse, object_={**TEXT, "usage": usage})
    assert ADAPTER.parse_response(result, CHAT, False).usage == expected


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        (
            {"billed_units": {"input_tokens": 7.0, "output_tokens": 12.0}, "tokens": {"input_tokens": 69}},
            {"cohere.usage.billed_units.input_tokens": 7, "cohere.usage.billed_units.output_tokens": 12},
        ),
        ({"billed_units": {"search_units": 1}}, {}),
        ({"billed_units": {"input_tokens": 2.5, "output_tokens": "x"}}, {}),
        ({"tokens": {"input_tokens": 69}}, {}),
        ({}, {}),
    ],
)
def test_billed_units_are_vendor_attributes(usage, expected):
    result = construct_type(type_=V2ChatResponse, object_={**TEXT, "usage": usage})
    assert ADAPTER.parse_response(result, CHAT, False).attributes == expected


def test_a_parsed_response_from_the_sdk():
    replay = Replay(Reply(json_body=CACHED, headers=HEADERS), lib=httpx)
    client = cohere.ClientV2(api_key="test-key-not-real", httpx_client=replay.sync_client())
    info = ADAPTER.parse_response(client.chat(model="m", messages=[]), CHAT, True)
    assert info.usage == Usage(input_tokens=2701, output_tokens=14, cache_read_input_tokens=2048)
    assert info.attributes == {
        "cohere.usage.billed_units.input_tokens": 2210,
        "cohere.usage.billed_units.output_tokens": 12,
    }
    assert info.output_messages[0]["parts"] == [
        {"type": "text", "content": "The report covers revenue growth in three regions."}
    ]


def test_malformed_responses():
    for result in (
        {},
        {"message": "text", "finish_reason": 3},
        {"message": {"content": 5, "tool_calls": [None]}},
    ):
        info = ADAPTER.parse_response(result, CHAT, True)
        assert info.finish_reasons == () and info.error_type is None
    assert ADAPTER.parse_response({"id": 1}, RERANK_TARGET, True) == ResponseInfo()


def _floats(n: int) -> str:
    return base64.b64encode(struct.pack(f"<{n}f", *range(n))).decode()


@pytest.mark.parametrize(
    ("embeddings", "dimensions"),
    [
        ({"float": [[0.1, 0.2, 0.3]]}, 3),
        ({"uint8": [[1, 2]]}, 2),
        ({"ubinary": [[255, 0]]}, 16),
        ({"base64": [_floats(1536)]}, 1536),
        ({"float": []}, None),
        ({}, None),
    ],
)
def test_embedding_dimensions(embeddings, dimensions):
    info = ADAPTER.parse_response({**EMBED, "embeddings": embeddings}, EMBED_TARGET, False)
    assert info.embedding_dimensions == dimensions


def test_embed_usage_by_modality_and_fallback():
    meta = {"billed_units": {"image_tokens": 1000, "text_tokens": 10}}
    info = ADAPTER.parse_response({"meta": meta}, EMBED_TARGET, False)
    assert info.usage == Usage(input_tokens=1010, input_by_modality={"text": 10, "image": 1000})
    info = ADAPTER.parse_response({"meta": {"tokens": {"input_tokens": 7}}}, EMBED_TARGET, False)
    assert info.usage == Usage(input_tokens=7)


@pytest.mark.parametrize("capture", [False, True])
def test_stream_folds_like_the_response(capture):
    for body in (TEXT, THINKING, TOOL_CALL):
        response = construct_type(type_=V2ChatResponse, object_=body)
        assert fold(typed_events(body), capture) == ADAPTER.parse_response(response, CHAT, capture)


def test_stream_without_capture_keeps_nothing():
    acc = ADAPTER.new_accumulator(STREAM, False)
    for event in typed_events(TOOL_CALL):
        acc.add(event)
    assert acc._blocks == {} and acc._calls == {} and acc._plan == []  # type: ignore[attr-defined]


def test_stream_with_malformed_events():
    events = [
        None,
        object(),
        construct_type(type_=V2ChatStreamResponse, object_={"type": "message-start", "id": 7}),
        construct_type(type_=V2ChatStreamResponse, object_={"type": "message-start", "id": "abc"}),
        construct_type(type_=V2ChatStreamResponse, object_={"type": "content-delta", "index": 9}),
        construct_type(type_=V2ChatStreamResponse, object_={"type": "tool-call-delta", "index": 0}),
        construct_type(type_=V2ChatStreamResponse, object_={"type": "content-start", "index": "x"}),
        construct_type(type_=V2ChatStreamResponse, object_={"type": "debug", "prompt": "secret"}),
        construct_type(
            type_=V2ChatStreamResponse, object_={"type": "message-end", "delta": {"finish_reason": 1}}
        ),
    ]
    info = fold(events)
    assert info.finish_reasons == ("error",) and info.usage is None
    assert info.output_messages == (
        {"role": "assistant", "parts": [{"type": "text", "content": ""}], "finish_reason": "error"},
    )
    assert fold([]) == ResponseInfo()


def test_is_stream():
    assert ADAPTER.is_stream(iter(()), STREAM)
    assert not ADAPTER.is_stream(iter(()), CHAT)
    assert not ADAPTER.is_stream({}, STREAM)

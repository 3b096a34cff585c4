"""The Hugging Face adapter's pure functions: routing, request reading, odd and malformed
objects, accumulators and error codes (the end-to-end behaviour is in test_huggingface.py)."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import httpx2
import pytest
from huggingface_hub import InferenceClient
from huggingface_hub.errors import GenerationError, HfHubHTTPError
from huggingface_hub.inference._generated.types import (
    ChatCompletionOutput,
    ChatCompletionStreamOutput,
    TextGenerationOutput,
    TextGenerationStreamOutput,
)

from bodies.huggingface_bodies import (
    LOADING,
    TOKEN,
    chat,
    chat_tool_call,
    groq_reasoning,
    model_not_found,
    tgi_stream_events,
    tool_call_chunks,
)
from genai_otel.adapter import ResponseInfo, Usage
from genai_otel.providers.huggingface import ADAPTER, PROVIDER_HUGGINGFACE, TARGETS
from genai_otel.providers.huggingface._text import dimensions

CHAT = next(t for t in TARGETS if t.method == "InferenceClient.chat_completion")
TEXT = next(t for t in TARGETS if t.method == "InferenceClient.text_generation")
EMBED = next(t for t in TARGETS if t.method == "InferenceClient.feature_extraction")


def client(**options: Any) -> InferenceClient:
    return InferenceClient(**{"token": TOKEN, **options})


def server(info: Any) -> tuple[Any, Any, Any]:
    return info.provider, info.server_address, info.server_port


def test_targets_name_the_positional_parameters():
    assert {(t.method.split(".")[1], t.positional) for t in TARGETS} == {
        ("chat_completion", ("messages",)),
        ("text_generation", ("prompt",)),
        ("feature_extraction", ("text",)),
    }
    assert {t.is_async for t in TARGETS} == {False, True} and len(TARGETS) == 6


@pytest.mark.parametrize(
    ("options", "target", "expected"),
    [
        # auto for chat: the router picks server-side
        ({}, CHAT, (PROVIDER_HUGGINGFACE, "router.huggingface.co", 443)),
        # auto for other tasks: the model's first mapped provider, through the router with an HF token...
        ({"provider": "auto"}, EMBED, (PROVIDER_HUGGINGFACE, "router.huggingface.co", 443)),
        # ...or at that provider's own host with its key: unknown before the call
        (
            {"provider": "auto", "token": "tgp_v1_test-key-not-real"},
            EMBED,
            (PROVIDER_HUGGINGFACE, None, None),
        ),
        ({"provider": "hf-inference"}, TEXT, (PROVIDER_HUGGINGFACE, "router.huggingface.co", 443)),
        ({"provider": "together", "token": None}, TEXT, ("together_ai", "router.huggingface.co", 443)),
        ({"provider": "together", "token": "tgp_v1_x"}, EMBED, ("together_ai", "api.together.xyz", 443)),
        ({"provider": "sambanova"}, CHAT, ("sambanova", "router.huggingface.co", 443)),
        ({"provider": "zai-org"}, CHAT, ("zai_org", "router.huggingface.co", 443)),
        ({"provider": "featherless-ai", "token": "k"}, TEXT, ("featherless_ai", "api.featherless.ai", 443)),
        ({"provider": "nebius", "token": "k"}, CHAT, ("nebius", None, None)),  # not in this SDK version
        ({"model": "http://localhost:8080"}, CHAT, (PROVIDER_HUGGINGFACE, "localhost", 8080)),  # TGI
        ({"model": "http://127.0.0.1:11434/v1"}, CHAT, ("ollama", "127.0.0.1", 11434)),
        (
            {"base_url": "https://api.together.xyz/v1", "token": "k"},
            CHAT,
            ("together_ai", "api.together.xyz", 443),
        ),
        ({"model": "https://[::1"}, CHAT, (PROVIDER_HUGGINGFACE, None, None)),  # unparsable
    ],
)
def test_provider_and_server(options, target, expected):
    assert server(ADAPTER.parse_request(client(**options), {"model": "org/model"}, target)) == expected


def test_which_model_is_reported():
    endpoint = client(model="http://tgi.internal:3000")
    # chat: the URL comes from the client, the model argument is what is sent
    info = ADAPTER.parse_request(endpoint, {"messages": [], "model": "tgi"}, CHAT)
    assert (info.model, info.server_address, info.server_port) == ("tgi", "tgi.internal", 3000)
    assert ADAPTER.parse_request(endpoint, {"messages": []}, CHAT).model is None  # a URL is not a model
    # text_generation: the argument wins for both
    info = ADAPTER.parse_request(client(model="org/a"), {"model": "http://localhost:8080"}, TEXT)
    assert (info.model, info.server_address) == (None, "localhost")
    assert ADAPTER.parse_request(client(model="org/a"), {}, EMBED).model == "org/a"


def test_request_parameters_and_no_mutation():
    kwargs = {
        "messages": [{"role": "user", "content": "hi"}],
        "stop": "END",
        "n": 1,
        "max_tokens": True,  # not a count
        "response_format": {"type": "regex", "value": "a+"},
        "extra_body": {"top_k": 5, "reasoning_effort": "low"},
        "seed": None,
    }
    before = copy.deepcopy(kwargs)
    info = ADAPTER.parse_request(client(provider="groq"), kwargs, CHAT)
    assert kwargs == before
    assert (info.stop_sequences, info.choice_count, info.max_tokens) == (["END"], None, None)
    assert (info.output_type, info.top_k, info.reasoning_level, info.seed) == ("text", 5, "low", None)
    text = ADAPTER.parse_request(
        client(), {"prompt": "x", "stop_sequences": ["\n"], "grammar": {"type": "json", "value": {}}}, TEXT
    )
    assert (text.stop_sequences, text.output_type) == (["\n"], "json")
    embed = ADAPTER.parse_request(client(), {"text": "x", "encoding_format": "base64"}, EMBED)
    assert embed.encoding_formats == ["base64"]


def test_request_content_reads_sdk_input_types_and_leaves_iterators_alone():
    from huggingface_hub.inference._generated.types import ChatCompletionInputMessage

    msg = ChatCompletionInputMessage.parse_obj_as_instance({"role": "user", "content": "Hi", "name": "ana"})
    content = ADAPTER.request_content(None, {"messages": [msg], "tools": [{"type": "x"}, None]}, CHAT)
    assert list(content.input_messages) == [
        {"role": "user", "parts": [{"type": "text", "content": "Hi"}], "name": "ana"}
    ]
    assert list(content.tool_definitions) == []  # no name: not a definition
    one_shot = iter([{"role": "user", "content": "Hi"}])
    assert list(ADAPTER.request_content(None, {"messages": one_shot}, CHAT).input_messages) == []
    assert next(one_shot) == {"role": "user", "content": "Hi"}
    data_url = {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
    [user] = ADAPTER.request_content(
        None, {"messages": [{"role": "user", "content": [data_url]}]}, CHAT
    ).input_messages
    assert user["parts"] == [
        {"type": "blob", "modality": "image", "content": "iVBORw0KGgo=", "mime_type": "image/png"}
    ]


def test_responses_from_real_sdk_types():
    out = ChatCompletionOutput.parse_obj_as_instance(chat_tool_call())
    info = ADAPTER.parse_response(out, CHAT, True)
    assert info.finish_reasons == ("tool_calls",)  # as sent; the message's is the schema's value
    assert info.usage == Usage(input_tokens=203, output_tokens=24)
    [msg] = info.output_messages
    assert msg["finish_reason"] == "tool_call"
    assert msg["parts"][0]["arguments"] == {"location": "Lyon, France"}
    groq = ADAPTER.parse_response(ChatCompletionOutput.parse_obj_as_instance(groq_reasoning()), CHAT, False)
    assert groq.usage == Usage(2006, 300, cache_read_input_tokens=1920, reasoning_output_tokens=192)
    assert groq.output_messages == ()
    gen = TextGenerationOutput.parse_obj_as_instance(
        {"generated_text": "x", "details": {"finish_reason": "stop_sequence", "generated_tokens": 3}}
    )
    assert ADAPTER.parse_response(gen, TEXT, False) == ResponseInfo(
        finish_reasons=("stop_sequence",), usage=Usage(output_tokens=3)
    )


@pytest.mark.parametrize(
    "result",
    [object(), None, "text", 3, {"choices": None, "usage": "x"}, {"choices": [None, {"finish_reason": 1}]}],
)
@pytest.mark.parametrize("target", [CHAT, TEXT, EMBED], ids=["chat", "text", "embed"])
def test_odd_results_never_raise(result, target):
    for capture in (False, True):
        assert isinstance(ADAPTER.parse_response(result, target, capture), ResponseInfo)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (SimpleNamespace(shape=(2, 768)), 768),
        (SimpleNamespace(shape=(1, 7, 384)), 384),  # token embeddings (no pooling)
        (SimpleNamespace(shape=()), None),
        ([0.1, 0.2, 0.3], 3),
        ([[0.1, 0.2], [0.3, 0.4]], 2),
        ([], None),
        ("x", None),
        (None, None),
    ],
)
def test_dimensions(value, expected):
    assert dimensions(value) == expected


def test_chat_accumulator_over_real_chunks_and_tgi_single_tool_call_objects():
    acc = ADAPTER.new_accumulator(CHAT, True)
    for chunk in tool_call_chunks():
        acc.add(ChatCompletionStreamOutput.parse_obj_as_instance(chunk))
    info = acc.finish()
    assert info.finish_reasons == ("tool_calls",)
    assert info.output_messages[0]["parts"][0]["arguments"] == {"location": "Lyon, France"}
    assert info.output_messages[0]["finish_reason"] == "tool_call"
    # TGI 2.x streamed ``tool_calls`` as one object, not a list
    tgi = ADAPTER.new_accumulator(CHAT, True)
    delta = {
        "role": "assistant",
        "tool_calls": {"index": 0, "id": "", "function": {"name": "f", "arguments": "{}"}},
    }
    tgi.add({"id": "", "model": "tgi", "choices": [{"index": 0, "delta": delta, "finish_reason": "stop"}]})
    [msg] = tgi.finish().output_messages
    assert msg["parts"] == [{"type": "tool_call", "id": None, "name": "f", "arguments": {}}]
    assert msg["finish_reason"] == "tool_call"  # TGI said stop, but the message calls a tool


def test_accumulators_survive_malformed_chunks():
    for target in (CHAT, TEXT, EMBED):
        acc = ADAPTER.new_accumulator(target, True)
        for chunk in (None, 3, {"choices": [None, {"index": "0"}]}, {"token": None}, SimpleNamespace()):
            acc.add(chunk)
        assert isinstance(acc.finish(), ResponseInfo)


def test_text_accumulator():
    events = [TextGenerationStreamOutput.parse_obj_as_instance(e) for e in tgi_stream_events()]
    full = ADAPTER.new_accumulator(TEXT, False)
    for e in events:
        full.add(e)
    assert full.finish() == ResponseInfo(
        finish_reasons=("eos_token",), usage=Usage(input_tokens=6, output_tokens=10)
    )
    cut = ADAPTER.new_accumulator(TEXT, True)
    for e in events[:3]:
        cut.add(e)
    info = cut.finish()
    assert info.finish_reasons == ("error",) and info.usage is None
    assert info.output_messages[0]["parts"] == [{"type": "text", "content": " a city in"}]
    plain = ADAPTER.new_accumulator(TEXT, False)
    plain.add(" a")
    assert plain.finish() == ResponseInfo()  # str chunks say nothing but their text


def body_error(status: int, body: Any = None, content: bytes | None = None) -> HfHubHTTPError:
    request = httpx2.Request("POST", "https://router.huggingface.co/together/v1/chat/completions")
    if content is None:
        response = httpx2.Response(status, json=body, request=request)
    else:
        response = httpx2.Response(status, content=content, request=request)
    return HfHubHTTPError("failed", response=response)


class _Unread(httpx2.SyncByteStream):
    def __iter__(self):  # type: ignore[no-untyped-def]
        raise AssertionError("error_type must not read the body")


def test_error_type():
    assert ADAPTER.error_type(body_error(404, model_not_found())) == "model_not_found"
    assert ADAPTER.error_type(body_error(503, LOADING)) is None
    assert ADAPTER.error_type(body_error(500, {"error": {"code": 500}})) is None
    assert ADAPTER.error_type(body_error(502, content=b"<html>Bad gateway</html>")) is None
    request = httpx2.Request("POST", "https://router.huggingface.co/v1/chat/completions")
    unread = HfHubHTTPError("failed", response=httpx2.Response(500, stream=_Unread(), request=request))
    assert ADAPTER.error_type(unread) is None
    assert ADAPTER.error_type(GenerationError("CUDA out of memory")) is None
    foreign = RuntimeError("x")
    foreign.response = SimpleNamespace(json=lambda: {"error": {"code": "nope"}})  # type: ignore[attr-defined]
    assert ADAPTER.error_type(foreign) is None


def test_chat_body_reads_as_the_sdk_type():
    """The plain-body helper matches what the SDK builds (guards the bodies module's shapes)."""
    out = ChatCompletionOutput.parse_obj_as_instance(chat())
    assert out.choices[0].message.content and out.usage.prompt_tokens == 42

"""The Mistral adapter's pure functions over real SDK objects (the unpatched ``mistralai`` client
over the replay transport) and over malformed input: nothing here may raise."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mistralai.client import Mistral, errors, models

from bodies.mistral_bodies import (
    AGENT_ID,
    BAD_REQUEST,
    MODEL,
    TEXT,
    TOOL_CALLS,
    chunks,
    error_mid_stream,
    sse_of,
)
from genai_otel.adapter import RequestInfo, ResponseInfo, Usage
from genai_otel.providers.mistral import ADAPTER, TARGETS, suppress_sdk_span
from replay import Replay, Reply

COMPLETE = next(t for t in TARGETS if t.method == "Chat.complete")
STREAM = next(t for t in TARGETS if t.method == "Chat.stream")
AGENTS = next(t for t in TARGETS if t.method == "Agents.stream_async")
FIM = next(t for t in TARGETS if t.method == "Fim.complete")
EMBED = next(t for t in TARGETS if t.method == "Embeddings.create")


def client(*replies: Reply, **options: Any) -> Mistral:
    replay = Replay(*replies)
    return Mistral(api_key="test-key-not-real", client=replay.sync_client(), **options)


def test_targets_cover_every_surface_sync_and_async():
    assert {(t.module.rsplit(".", 1)[1], t.method, t.operation, t.is_async) for t in TARGETS} == {
        *{("chat", f"Chat.{m}", "chat", m.endswith("_async")) for m in _four()},
        *{("agents", f"Agents.{m}", "chat", m.endswith("_async")) for m in _four()},
        *{("fim", f"Fim.{m}", "text_completion", m.endswith("_async")) for m in _four()},
        ("embeddings", "Embeddings.create", "embeddings", False),
        ("embeddings", "Embeddings.create_async", "embeddings", True),
    }


def _four() -> list[str]:
    return ["complete", "complete_async", "stream", "stream_async"]


def test_parse_request_reads_only_what_was_passed():
    from mistralai.client.types import UNSET

    sdk = client()
    info = ADAPTER.parse_request(
        sdk.chat, {"model": MODEL, "messages": [], "temperature": UNSET, "n": None}, STREAM
    )
    assert info == RequestInfo(
        provider="mistral_ai", model=MODEL, server_address="api.mistral.ai", server_port=443, stream=True
    )
    agents = ADAPTER.parse_request(sdk.agents, {"agent_id": AGENT_ID, "stop": ("A", 3)}, AGENTS)
    assert (agents.model, agents.attributes, agents.stop_sequences) == (
        None,
        {"gen_ai.agent.id": AGENT_ID},
        ["A"],
    )
    assert ADAPTER.parse_request(object(), {"model": 3, "temperature": True}, COMPLETE) == RequestInfo(
        provider="mistral_ai"
    )


def test_request_content_never_consumes_a_callers_iterator():
    messages = iter([{"role": "user", "content": "Hello"}])
    content = ADAPTER.request_content(None, {"messages": messages}, COMPLETE)
    assert content.input_messages == []
    assert next(messages) == {"role": "user", "content": "Hello"}


def test_content_chunks_become_semconv_parts():
    msg = {
        "role": "user",
        "content": [
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
            {"type": "document_url", "document_url": "https://arxiv.org/pdf/1805.04770"},
            {"type": "file", "file_id": "3b6e1d2c-0000-4f00-8000-000000000000"},
            {"type": "input_audio", "input_audio": "UklGRiQAAABXQVZF"},
            {"type": "reference", "reference_ids": [1, 2]},
            {"type": "something_new"},
            models.TextChunk(text="and text"),
        ],
    }
    [converted] = ADAPTER.request_content(None, {"messages": [msg]}, COMPLETE).input_messages
    assert converted["parts"] == [
        {"type": "blob", "modality": "image", "content": "iVBORw0KGgo=", "mime_type": "image/png"},
        {"type": "uri", "modality": "document", "uri": "https://arxiv.org/pdf/1805.04770"},
        {"type": "file", "modality": "document", "file_id": "3b6e1d2c-0000-4f00-8000-000000000000"},
        {"type": "blob", "modality": "audio", "content": "UklGRiQAAABXQVZF"},
        {"type": "generic", "generic_type": "reference", "reference_ids": [1, 2]},
        {"type": "generic", "generic_type": "something_new"},
        {"type": "text", "content": "and text"},
    ]


def test_parse_response_over_a_real_sdk_result():
    result = client(Reply(json_body=TOOL_CALLS)).chat.complete(model=MODEL, messages=[])
    info = ADAPTER.parse_response(result, COMPLETE, False)
    assert info == ResponseInfo(
        response_id=TOOL_CALLS["id"],
        response_model=MODEL,
        finish_reasons=("tool_calls",),  # as sent
        usage=Usage(input_tokens=84, output_tokens=31),
    )


@pytest.mark.parametrize(
    "result",
    [
        {"choices": "nope", "usage": 3},
        {"choices": [{"finish_reason": 5, "message": None}], "usage": {"prompt_tokens": "x"}},
        {"data": [{"embedding": "base64"}]},
        object(),
    ],
)
def test_parse_response_is_total_on_malformed_results(result):
    for target in (COMPLETE, EMBED):
        for capture in (False, True):
            assert isinstance(ADAPTER.parse_response(result, target, capture), ResponseInfo)


def _events(sse: str) -> list[Any]:
    return list(client(Reply(sse=sse)).chat.stream(model=MODEL, messages=[]))


def test_accumulator_folds_choices_and_split_tool_calls():
    base = chunks(TEXT)[0]
    frames = [
        {**base, "choices": [{"index": 1, "delta": {"content": "B"}, "finish_reason": None}]},
        {**base, "choices": [{"index": 0, "delta": {"content": "A"}, "finish_reason": None}]},
        {
            **base,
            "choices": [
                {
                    "index": 0,
                    "delta": {
                        "tool_calls": [{"id": "a1B2c3D4e", "function": {"name": "f", "arguments": '{"x"'}}]
                    },
                    "finish_reason": None,
                }
            ],
        },
        {
            **base,
            "choices": [
                {
                    "index": 0,
                    "delta": {"tool_calls": [{"function": {"name": "", "arguments": ": 1}"}}]},
                    "finish_reason": None,
                }
            ],
        },
        {**base, "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "tool_calls"}]},
    ]
    sse = "".join(f"data: {json.dumps(f)}\n\n" for f in frames) + "data: [DONE]\n\n"
    acc = ADAPTER.new_accumulator(STREAM, True)
    for event in _events(sse):
        acc.add(event)
    info = acc.finish()
    assert info.finish_reasons == ("tool_calls", "error")  # as sent; choice 1 never finished
    assert info.usage is None
    assert list(info.output_messages) == [
        {
            "role": "assistant",
            "parts": [
                {"type": "text", "content": "A"},
                {"type": "tool_call", "id": "a1B2c3D4e", "name": "f", "arguments": {"x": 1}},
            ],
            "finish_reason": "tool_call",
        },
        {"role": "assistant", "parts": [{"type": "text", "content": "B"}], "finish_reason": "error"},
    ]


def test_accumulator_ignores_malformed_chunks():
    acc = ADAPTER.new_accumulator(STREAM, True)
    for chunk in (None, object(), {"data": 1}, models.CompletionEvent.model_construct(data=None)):
        acc.add(chunk)
    assert acc.finish() == ResponseInfo()


def test_error_type_reads_the_api_error_body():
    with pytest.raises(errors.SDKError) as caught:
        client(Reply(status=400, json_body=BAD_REQUEST)).chat.complete(model=MODEL, messages=[])
    assert ADAPTER.error_type(caught.value) == "invalid_request_message_error"
    err = {"object": "error", "message": "boom", "type": None, "param": None, "code": "3505"}
    with pytest.raises(errors.ResponseValidationError) as caught:
        _events(error_mid_stream(TEXT, 1, err))
    assert ADAPTER.error_type(caught.value) == "3505"
    with pytest.raises(errors.SDKError) as caught:
        client(Reply(status=502, stream="<html>Bad gateway</html>", content_type="text/html")).chat.complete(
            model=MODEL, messages=[]
        )
    assert ADAPTER.error_type(caught.value) is None
    assert ADAPTER.error_type(ValueError("x")) is None


def test_sdk_span_is_suppressed_only_for_the_calls_we_trace():
    calls: list[Any] = []

    def original(*args: Any, **kwargs: Any) -> Any:
        calls.append((args, kwargs))
        return "request", "sdk-span"

    request = object()
    assert suppress_sdk_span(
        original, None, (), {"operation_id": "stream_chat", "request": request, "span": None}
    ) == (
        request,
        None,
    )
    assert suppress_sdk_span(
        original, None, (True, None, None, "embeddings_v1_embeddings_post", request), {}
    ) == (
        request,
        None,
    )
    assert calls == []
    assert suppress_sdk_span(original, None, (), {"operation_id": "ocr_v1_ocr_post", "request": request}) == (
        "request",
        "sdk-span",
    )


def test_stream_chunks_match_the_sse_helper():
    assert len(_events(sse_of(TEXT))) == len(chunks(TEXT))

"""The Google GenAI adapter's functions over real SDK objects (``google.genai.types`` models built
from API-shaped bodies, real clients, real errors) and over malformed input."""

from __future__ import annotations

from typing import Any

import pytest
from google import genai
from google.genai import errors, types

from bodies.google_genai_bodies import GROUNDED, MODEL, MULTIMODAL, THINKING, TWO_CANDIDATES, sse_of
from genai_otel.adapter import RequestInfo, ResponseInfo, Usage
from genai_otel.providers.google_genai import ADAPTER, TARGETS, parse_request, parse_tool
from genai_otel.providers.google_genai._convert import finish_reason, usage

GENERATE = next(t for t in TARGETS if t.method == "Models._generate_content")
STREAM = next(t for t in TARGETS if t.method == "Models._generate_content_stream")
EMBED = next(t for t in TARGETS if t.method == "Models.embed_content")
TOOL = next(t for t in TARGETS if t.method == "invoke_function_from_dict_args")


def response(body: dict[str, Any]) -> types.GenerateContentResponse:
    return types.GenerateContentResponse.model_validate(body)


_clients: dict[bool, genai.Client] = {}


def models(vertexai: bool = False) -> Any:
    """A real client's ``Models`` (kept: building a client loads TLS certificates)."""
    if vertexai not in _clients:
        url = "https://europe-west4-aiplatform.googleapis.com/" if vertexai else None
        options = {"base_url": url} if url else None
        _clients[vertexai] = genai.Client(
            vertexai=vertexai, api_key="test-key-not-real", http_options=options
        )
    return _clients[vertexai].models


def test_targets_cover_sync_and_async_per_request_methods_and_the_tool_runners():
    assert {(t.method, t.is_async, t.operation) for t in TARGETS} == {
        ("Models._generate_content", False, "generate_content"),
        ("Models._generate_content_stream", False, "generate_content"),
        ("Models.embed_content", False, "embeddings"),
        ("AsyncModels._generate_content", True, "generate_content"),
        ("AsyncModels._generate_content_stream", True, "generate_content"),
        ("AsyncModels.embed_content", True, "embeddings"),
        ("invoke_function_from_dict_args", False, "execute_tool"),
        ("invoke_function_from_dict_args_async", True, "execute_tool"),
    }
    assert all(t.positional == ("args", "function_to_invoke") for t in TARGETS if t.api == "tool")


# --- usage and finish reasons -------------------------------------------------------------------------


def test_usage_adds_thoughts_to_output_and_tool_use_prompt_to_input():
    assert usage(response(THINKING).usage_metadata) == Usage(
        input_tokens=12, output_tokens=852, reasoning_output_tokens=812, input_by_modality={"text": 12}
    )
    assert usage(response(GROUNDED).usage_metadata) == Usage(
        input_tokens=135, output_tokens=17, input_by_modality={"text": 135}
    )
    assert usage(response(MULTIMODAL).usage_metadata) == Usage(
        input_tokens=268,
        output_tokens=11,
        input_by_modality={"text": 10, "image": 258},
        output_by_modality={"text": 11},
    )


def test_usage_modalities_and_partial_counts():
    u = types.GenerateContentResponseUsageMetadata(
        prompt_token_count=30,
        prompt_tokens_details=[
            types.ModalityTokenCount(modality="MODALITY_UNSPECIFIED", token_count=4),  # treated as TEXT
            types.ModalityTokenCount(modality="TEXT", token_count=6),
            types.ModalityTokenCount(modality="DOCUMENT", token_count=12),
            types.ModalityTokenCount(modality="VIDEO", token_count=8),
            types.ModalityTokenCount(modality="AUDIO", token_count=None),  # no count: skipped
        ],
    )
    assert usage(u) == Usage(input_tokens=30, input_by_modality={"text": 10, "document": 12, "video": 8})
    assert usage({"candidates_token_count": 3}) == Usage(output_tokens=3)
    assert usage({"prompt_token_count": True, "prompt_tokens_details": "x"}) == Usage()
    assert usage(None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [  # the enum's wire value, as the API sent it; "error" where there is none
        (types.FinishReason.STOP, "STOP"),
        (types.FinishReason.MAX_TOKENS, "MAX_TOKENS"),
        (types.FinishReason.FINISH_REASON_UNSPECIFIED, "FINISH_REASON_UNSPECIFIED"),
        (types.FinishReason.MALFORMED_FUNCTION_CALL, "MALFORMED_FUNCTION_CALL"),
        ("SAFETY", "SAFETY"),
        (None, "error"),
        (3, "error"),
    ],
)
def test_finish_reasons(value, expected):
    assert finish_reason(value) == expected


def test_an_unknown_finish_reason_from_the_api_is_kept():
    with pytest.warns(UserWarning):  # the SDK warns and keeps the value
        body = {
            **TWO_CANDIDATES,
            "candidates": [{**TWO_CANDIDATES["candidates"][0], "finishReason": "NEW_REASON"}],
        }
        info = ADAPTER.parse_response(response(body), GENERATE, False)
    assert info.finish_reasons == ("NEW_REASON",)


# --- requests -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "output_type"),
    [
        ({"response_mime_type": "application/json"}, "json"),
        ({"response_mime_type": "text/x.enum"}, "text"),
        ({"response_modalities": ["IMAGE"]}, "image"),
        ({"response_modalities": ["AUDIO"]}, "speech"),
        ({"response_modalities": ["TEXT", "IMAGE"]}, None),
        ({}, None),
    ],
)
def test_output_type(config, output_type):
    for cfg in (config, types.GenerateContentConfig(**config)):
        assert parse_request(models(), {"model": MODEL, "config": cfg}, GENERATE).output_type == output_type


def test_request_reads_dicts_and_models_alike_and_skips_wrong_types():
    values = {"temperature": 1, "top_k": 40.0, "max_output_tokens": 100, "stop_sequences": ["a", "b"]}
    for config in (values, types.GenerateContentConfig(**values)):
        info = parse_request(models(), {"model": MODEL, "contents": "hi", "config": config}, STREAM)
        assert (info.temperature, info.top_k, info.max_tokens, info.stop_sequences) == (
            1.0,
            40,
            100,
            ["a", "b"],
        )
        assert info.stream is True and info.provider == "gcp.gemini"
    odd = {"temperature": "hot", "top_k": 2.5, "seed": True, "stop_sequences": "END", "thinking_config": 3}
    info = parse_request(object(), {"model": 7, "config": odd}, GENERATE)
    assert info == RequestInfo(provider="gcp.gemini")


def test_vertex_mode_and_base_url():
    info = parse_request(models(vertexai=True), {"model": MODEL}, GENERATE)
    assert (info.provider, info.server_address, info.server_port) == (
        "gcp.vertex_ai",
        "europe-west4-aiplatform.googleapis.com",
        443,
    )
    bad = {"config": {"http_options": {"base_url": "http://proxy:notaport/"}}}
    assert parse_request(models(), bad, GENERATE).server_address is None


def test_request_content_never_raises_on_what_the_sdk_rejects():
    for contents in (None, [], b"raw", 42, [object()]):
        assert ADAPTER.request_content(models(), {"contents": contents}, GENERATE).input_messages == []
    assert ADAPTER.request_content(models(), {"contents": "x"}, EMBED).input_messages == ()


def test_tool_definitions_of_every_kind():
    def lookup(city: str, when: Undefined) -> str:  # type: ignore[name-defined]  # noqa: F821
        """Look up."""  # the SDK cannot declare it (NameError resolving the annotation)
        return city

    class McpTool:
        name = "search_docs"
        description = "Search the docs"
        inputSchema = {"type": "object"}

    config = {"tools": [lookup, McpTool(), object(), {"code_execution": {}, "url_context": None}]}
    definitions = ADAPTER.request_content(
        models(), {"contents": "x", "config": config}, GENERATE
    ).tool_definitions
    assert definitions == [
        {"type": "function", "name": "lookup", "description": "Look up."},
        {
            "type": "function",
            "name": "search_docs",
            "description": "Search the docs",
            "parameters": {"type": "object"},
        },
        {"type": "object", "name": "object"},
        {"type": "code_execution", "name": "code_execution"},
    ]


# --- responses and streams ----------------------------------------------------------------------------------


def test_parse_response_of_two_candidates_with_content():
    info = ADAPTER.parse_response(response(TWO_CANDIDATES), GENERATE, True)
    assert info.finish_reasons == ("STOP", "STOP")
    assert [m["finish_reason"] for m in info.output_messages] == ["stop", "stop"]
    assert [m["parts"] for m in info.output_messages] == [
        [{"type": "text", "content": "Blue."}],
        [{"type": "text", "content": "Azure, mostly."}],
    ]


def test_embeddings_without_usage_or_values():
    assert ADAPTER.parse_response(types.EmbedContentResponse(), EMBED, False) == ResponseInfo()
    assert (
        ADAPTER.parse_response({"embeddings": [{"values": [0.1, 0.2]}]}, EMBED, False).embedding_dimensions
        == 2
    )


def frames(body: dict[str, Any]) -> list[types.GenerateContentResponse]:
    import json

    return [
        response(json.loads(frame.removeprefix("data: ")))
        for frame in sse_of(body).split("\r\n\r\n")
        if frame
    ]


def test_stream_accumulator_joins_deltas_per_candidate():
    acc = ADAPTER.new_accumulator(STREAM, True)
    for chunk in frames(TWO_CANDIDATES):
        acc.add(chunk)
    info = acc.finish()
    assert info.finish_reasons == ("STOP", "STOP")
    assert [m["finish_reason"] for m in info.output_messages] == ["stop", "stop"]
    assert [m["parts"] for m in info.output_messages] == [
        [{"type": "text", "content": "Blue."}],
        [{"type": "text", "content": "Azure, mostly."}],
    ]
    assert info.usage == Usage(input_tokens=6, output_tokens=7, input_by_modality={"text": 6})


def test_stream_accumulator_survives_malformed_chunks():
    acc = ADAPTER.new_accumulator(STREAM, True)
    for chunk in (None, object(), types.GenerateContentResponse(candidates=None)):
        acc.add(chunk)
    assert acc.finish() == ResponseInfo()
    acc = ADAPTER.new_accumulator(STREAM, True)
    acc.add(types.GenerateContentResponse(candidates=[types.Candidate(content=types.Content(parts=None))]))
    info = acc.finish()
    assert info.finish_reasons == ("error",)  # never finished
    assert info.output_messages == ({"role": "assistant", "parts": [], "finish_reason": "error"},)


def test_is_stream_only_for_the_stream_target():
    def gen():
        yield 1

    assert ADAPTER.is_stream(gen(), STREAM) and not ADAPTER.is_stream(gen(), GENERATE)
    assert not ADAPTER.is_stream(response(THINKING), STREAM)


# --- errors and tools ---------------------------------------------------------------------------------------


def test_error_type_is_the_api_status():
    body = {"error": {"code": 429, "message": "quota", "status": "RESOURCE_EXHAUSTED"}}
    assert ADAPTER.error_type(errors.ClientError(429, body)) == "RESOURCE_EXHAUSTED"
    assert ADAPTER.error_type(errors.ServerError(502, {"message": "bad gateway"})) is None
    assert ADAPTER.error_type(errors.FunctionInvocationError("boom")) is None


def test_parse_tool():
    def get_weather(location: str) -> str:
        """
        Get the weather.

        Longer text.
        """
        return location

    call = parse_tool(None, {"args": {"location": "Paris"}, "function_to_invoke": get_weather}, TOOL)
    assert call is not None
    assert (call.name, call.description, call.tool_type, call.arguments) == (
        "get_weather",
        "Get the weather.",
        "function",
        {"location": "Paris"},
    )

    class Callable:
        __doc__ = None

        def __call__(self) -> None: ...

    undocumented = parse_tool(None, {"args": {}, "function_to_invoke": Callable()}, TOOL)
    assert undocumented is not None and (undocumented.name, undocumented.description) == ("Callable", None)
    assert parse_tool(None, {}, TOOL) is None

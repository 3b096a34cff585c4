"""The Bedrock adapter's pure functions on bodies the end-to-end tests do not reach: the families
whose responses differ only in shape, malformed input, and the arguments it must never touch."""

from __future__ import annotations

import copy
import json
from typing import Any

import boto3
import pytest

from bodies import bedrock_bodies as B
from genai_otel.adapter import CHAT, EMBEDDINGS, TEXT_COMPLETION, RequestContent, ResponseInfo, Usage
from genai_otel.providers.bedrock import ADAPTER, TARGETS, parse_request, request_content
from genai_otel.providers.bedrock._converse import ConverseFold, block_parts, usage
from genai_otel.providers.bedrock._invoke import operation, request_params
from genai_otel.providers.bedrock._invoke_response import header_usage, parse_body
from genai_otel.providers.bedrock._invoke_stream import InvokeStreamFold

[TARGET] = TARGETS
CLIENT = boto3.client(
    "bedrock-runtime",
    region_name="eu-west-3",
    aws_access_key_id="AKIDEXAMPLE",
    aws_secret_access_key="test-secret-not-real",
)


def kwargs(operation_name: str, **params: Any) -> dict[str, Any]:
    return {"operation_name": operation_name, "api_params": params}


def test_only_bedrock_runtime_inference_operations_are_traced():
    s3 = boto3.client(
        "s3", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x"
    )
    assert parse_request(s3, kwargs("ListBuckets"), TARGET) is None
    for name in ("CountTokens", "ApplyGuardrail", "StartAsyncInvoke", "InvokeModelWithBidirectionalStream"):
        assert parse_request(CLIENT, kwargs(name, modelId=B.MODEL), TARGET) is None
    info = parse_request(CLIENT, kwargs("ConverseStream", modelId=B.MODEL), TARGET)
    assert info is not None
    assert (info.provider, info.model, info.stream) == ("aws.bedrock", B.MODEL, True)
    assert (info.server_address, info.server_port) == ("bedrock-runtime.eu-west-3.amazonaws.com", 443)


def test_a_custom_endpoint_gives_its_own_host_and_port():
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url="http://localhost:4566",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="x",
    )
    info = parse_request(client, kwargs("Converse", modelId=B.MODEL), TARGET)
    assert info is not None and (info.server_address, info.server_port) == ("localhost", 4566)


def test_the_callers_arguments_are_not_touched():
    params = {
        "modelId": B.NOVA_MODEL,
        "body": json.dumps({"messages": [{"role": "user", "content": [{"text": "hi"}]}]}).encode(),
        "guardrailIdentifier": "gr-1",
    }
    converse = {
        "modelId": B.MODEL,
        "messages": [
            {"role": "user", "content": [{"image": {"format": "png", "source": {"bytes": b"\x89PNG"}}}]}
        ],
    }
    before = copy.deepcopy((params, converse))
    parse_request(CLIENT, kwargs("InvokeModel", **params), TARGET)
    request_content(CLIENT, kwargs("InvokeModel", **params), TARGET)
    request_content(CLIENT, kwargs("Converse", **converse), TARGET)
    assert (params, converse) == before


def test_a_file_object_body_is_not_read():
    import io

    body = io.BytesIO(b'{"prompt": "hi", "max_gen_len": 10}')
    info = parse_request(CLIENT, kwargs("InvokeModel", modelId=B.LLAMA_MODEL, body=body), TARGET)
    assert info is not None and info.max_tokens is None
    assert (
        request_content(CLIENT, kwargs("InvokeModel", modelId=B.LLAMA_MODEL, body=body), TARGET)
        == RequestContent()
    )
    assert body.tell() == 0


ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3"


@pytest.mark.parametrize(
    ("model", "body", "expected"),
    [
        pytest.param(
            B.TITAN_EMBED_MODEL, {"inputText": "hi", "dimensions": 256}, EMBEDDINGS, id="titan_embed_v2"
        ),
        pytest.param("amazon.titan-embed-text-v1", {"inputText": "hi"}, EMBEDDINGS, id="titan_embed_v1"),
        pytest.param(
            B.COHERE_EMBED_MODEL,
            {"texts": ["hi"], "input_type": "search_query"},
            EMBEDDINGS,
            id="cohere_embed",
        ),
        pytest.param(
            "amazon.nova-2-multimodal-embeddings-v1:0",
            {"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {"text": {"value": "hi"}}},
            EMBEDDINGS,
            id="nova_embed",
        ),
        pytest.param(ARN, {"texts": ["hi"]}, EMBEDDINGS, id="cohere_embed_arn"),
        pytest.param(B.LLAMA_MODEL, {"prompt": "hi"}, TEXT_COMPLETION, id="llama"),
        pytest.param(
            B.MISTRAL_MODEL, {"prompt": "<s>[INST] hi [/INST]"}, TEXT_COMPLETION, id="mistral_prompt"
        ),
        pytest.param(
            B.MISTRAL_CHAT_MODEL,
            {"messages": [{"role": "user", "content": "hi"}]},
            CHAT,
            id="mistral_messages",
        ),
        pytest.param(B.TITAN_MODEL, {"inputText": "hi"}, TEXT_COMPLETION, id="titan_text"),
        pytest.param(B.COHERE_COMMAND_MODEL, {"prompt": "hi"}, TEXT_COMPLETION, id="cohere_command"),
        pytest.param(B.COHERE_MODEL, {"message": "hi"}, CHAT, id="cohere_command_r"),
        pytest.param(B.NOVA_MODEL, {"messages": []}, CHAT, id="nova"),
        pytest.param(
            ARN, {"anthropic_version": "bedrock-2023-05-31", "messages": []}, CHAT, id="anthropic_arn"
        ),
        pytest.param(B.ANTHROPIC_MODEL, None, CHAT, id="unreadable_body"),
    ],
)
def test_operation_by_model_and_body(model, body, expected):
    assert operation(model, body) == expected


def test_parse_request_names_the_invoke_operation_and_leaves_converse_to_the_target():
    def info(name: str, model: str, body: Any = None) -> Any:
        params = {"modelId": model} if body is None else {"modelId": model, "body": json.dumps(body)}
        result = parse_request(CLIENT, kwargs(name, **params), TARGET)
        assert result is not None
        return result

    assert TARGET.operation == CHAT
    assert info("Converse", B.MODEL).operation is None  # the target's: chat
    assert info("InvokeModel", B.LLAMA_MODEL, {"prompt": "hi"}).operation == TEXT_COMPLETION
    stream = info("InvokeModelWithResponseStream", B.MISTRAL_CHAT_MODEL, {"messages": []})
    assert (stream.operation, stream.stream) == (CHAT, True)
    assert info("InvokeModel", B.TITAN_EMBED_MODEL, {"inputText": "hi"}).operation == EMBEDDINGS


def test_embeddings_requests_have_no_content():
    for model, body in (
        (B.TITAN_EMBED_MODEL, {"inputText": "hi"}),
        (B.COHERE_EMBED_MODEL, {"texts": ["hi"]}),
    ):
        params = kwargs("InvokeModel", modelId=model, body=json.dumps(body))
        assert request_content(CLIENT, params, TARGET) == RequestContent()
    text = kwargs("InvokeModel", modelId=B.TITAN_MODEL, body=json.dumps({"inputText": "hi"}))
    assert request_content(CLIENT, text, TARGET).input_messages == [
        {"role": "user", "parts": [{"type": "text", "content": "hi"}]}
    ]


def test_request_params_keep_each_familys_spelling():
    assert request_params({"prompt": "x", "max_tokens": 5, "stop": "END", "seed": 7, "n": 2}) == {
        "max_tokens": 5,
        "temperature": None,
        "top_p": None,
        "top_k": None,
        "stop_sequences": ["END"],
        "seed": 7,
        "choice_count": 2,
        "encoding_formats": None,
        "output_type": None,
    }
    assert request_params({"texts": ["a"], "embedding_types": ["float", "int8"]})["encoding_formats"] == [
        "float",
        "int8",
    ]
    assert (
        request_params({"messages": [], "response_format": {"type": "json_object"}})["output_type"] == "json"
    )
    assert request_params("not a body") == {}


# --- response bodies -------------------------------------------------------------------------------------


def test_openai_style_body_with_usage():
    body = {
        "id": "chatcmpl-9f8e7d",
        "object": "chat.completion",
        "model": "openai.gpt-oss-120b-1:0",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "Paris."}, "finish_reason": "stop"}
        ],
        "usage": {
            "prompt_tokens": 20,
            "completion_tokens": 3,
            "total_tokens": 23,
            "prompt_tokens_details": {"cached_tokens": 8},
        },
    }
    info = parse_body(body, {}, capture=True)
    assert (info.response_id, info.response_model, info.finish_reasons) == (
        "chatcmpl-9f8e7d",
        "openai.gpt-oss-120b-1:0",
        ("stop",),
    )
    assert info.usage == Usage(input_tokens=20, output_tokens=3, cache_read_input_tokens=8)
    assert info.output_messages == [
        {"role": "assistant", "parts": [{"type": "text", "content": "Paris."}], "finish_reason": "stop"}
    ]


@pytest.mark.parametrize(
    ("body", "dimensions", "input_tokens"),
    [
        (B.TITAN_EMBED, 4, 7),
        (B.COHERE_EMBED, 3, 2),  # headers only
        ({"embeddings": {"float": [[0.1, 0.2]]}, "id": "x", "response_type": "embeddings_by_type"}, 2, 2),
        ({"embeddings": [{"embeddingType": "TEXT", "embedding": [0.1, 0.2, 0.3, 0.4, 0.5]}]}, 5, 2),
        ({"embeddingsByType": {"binary": [1, 0, 1]}, "inputTextTokenCount": 3}, 3, 3),
    ],
    ids=["titan", "cohere", "cohere_by_type", "nova", "titan_by_type"],
)
def test_embedding_bodies(body, dimensions, input_tokens):
    info = parse_body(body, {"x-amzn-bedrock-input-token-count": "2"}, capture=False)
    assert info.embedding_dimensions == dimensions
    assert info.usage is not None and info.usage.input_tokens == input_tokens


def test_header_usage_fills_what_the_body_lacks():
    headers = {
        "x-amzn-bedrock-input-token-count": "10",
        "x-amzn-bedrock-output-token-count": "4",
        "x-amzn-bedrock-cache-read-input-token-count": "100",
        "x-amzn-bedrock-cache-write-input-token-count": "0",
    }
    assert header_usage(headers) == Usage(
        input_tokens=110, output_tokens=4, cache_read_input_tokens=100, cache_write_input_tokens=0
    )
    assert header_usage({"x-amzn-bedrock-input-token-count": "n/a"}) is None
    info = parse_body(B.TITAN, {"x-amzn-bedrock-input-token-count": "99"}, capture=False)
    assert info.usage == Usage(input_tokens=6, output_tokens=22)  # the body wins


@pytest.mark.parametrize(
    "body",
    [
        None,
        3,
        "x",
        [],
        {},
        {"type": "message", "content": None, "usage": "?"},
        {"output": 1},
        {"choices": [None]},
        {"results": [{"tokenCount": "1"}]},
        {"generations": "x"},
    ],
)
def test_malformed_bodies_give_a_response_info(body):
    for capture in (False, True):
        assert isinstance(parse_body(body, None, capture), ResponseInfo)


def test_parse_response_on_odd_results_is_total():
    for result in ({}, {"body": b"{}"}, {"ResponseMetadata": "?"}, {"output": {"message": "x"}, "usage": []}):
        assert isinstance(ADAPTER.parse_response(result, TARGET, True), ResponseInfo)


# --- content blocks and folds ---------------------------------------------------------------------------


def test_content_blocks():
    assert block_parts({"document": {"format": "txt", "name": "n", "source": {"text": "plain"}}}) == [
        {"type": "text", "content": "plain"}
    ]
    assert block_parts({"video": {"format": "mp4", "source": {"s3Location": {"uri": "s3://b/v.mp4"}}}}) == [
        {"type": "uri", "modality": "video", "uri": "s3://b/v.mp4", "mime_type": "video/mp4"}
    ]
    assert block_parts({"guardContent": {"text": {"text": "guarded"}}}) == [
        {"type": "text", "content": "guarded"}
    ]
    assert block_parts({"reasoningContent": {"redactedContent": b"\x00"}}) == [
        {"type": "reasoning", "content": ""}
    ]
    assert block_parts({"cachePoint": {"type": "default"}}) == []
    assert block_parts({"searchResult": {"source": "s"}}) == [
        {"type": "generic", "generic_type": "searchResult"}
    ]
    assert block_parts(
        {"toolResult": {"toolUseId": "t", "content": [{"text": "a"}, {"json": {"b": 1}}]}}
    ) == [{"type": "tool_call_response", "id": "t", "response": ["a", {"b": 1}]}]
    assert block_parts("not a block") == []


def test_converse_usage_includes_cache_in_input():
    assert usage(
        {"inputTokens": 3, "outputTokens": 5, "cacheReadInputTokens": 100, "cacheWriteInputTokens": 20}
    ) == Usage(input_tokens=123, output_tokens=5, cache_read_input_tokens=100, cache_write_input_tokens=20)
    assert usage({"inputTokens": 3, "outputTokens": 5}) == Usage(input_tokens=3, output_tokens=5)
    assert usage(None) is None


def test_converse_fold_ignores_odd_events():
    fold = ConverseFold(capture=True)
    for event in (
        None,
        {"contentBlockDelta": {"delta": "x", "contentBlockIndex": 0}},
        {"contentBlockDelta": {"delta": {"citation": {}}, "contentBlockIndex": 0}},
        {"messageStart": {"role": "assistant"}},
    ):
        fold.add(event)
    assert fold.finish().finish_reasons == ("error",)
    assert ConverseFold(capture=False).finish() == ResponseInfo()


def chunk_bytes(chunks: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps(c).encode() for c in chunks]


@pytest.mark.parametrize(
    ("chunks", "text", "reason"),
    [
        (
            [
                {"outputs": [{"text": "Par", "stop_reason": None}]},
                {"outputs": [{"text": "is", "stop_reason": "stop"}], **B.invocation_metrics(9, 2)},
            ],
            "Paris",
            "stop",
        ),
        (
            [
                {
                    "choices": [
                        {"index": 0, "message": {"role": "assistant", "content": "Par"}, "stop_reason": None}
                    ]
                },
                {
                    "choices": [
                        {"index": 0, "message": {"role": "assistant", "content": "is"}, "stop_reason": "stop"}
                    ],
                    **B.invocation_metrics(9, 2),
                },
            ],
            "Paris",
            "stop",
        ),
        (
            [
                {"choices": [{"delta": {"content": "Par"}, "finish_reason": None}]},
                {
                    "choices": [{"delta": {"content": "is"}, "finish_reason": "stop"}],
                    **B.invocation_metrics(9, 2),
                },
            ],
            "Paris",
            "stop",
        ),
        (
            [
                {"is_finished": False, "event_type": "stream-start", "generation_id": "g"},
                {"is_finished": False, "event_type": "text-generation", "text": "Paris"},
                {
                    "is_finished": True,
                    "event_type": "stream-end",
                    "finish_reason": "COMPLETE",
                    "response": {"text": "Paris"},
                    **B.invocation_metrics(9, 2),
                },
            ],
            "Paris",
            "COMPLETE",
        ),
        (
            [
                {"generations": [{"text": "Paris", "finish_reason": None}]},
                {"is_finished": True, "finish_reason": "COMPLETE", **B.invocation_metrics(9, 2)},
            ],
            "Paris",
            "COMPLETE",
        ),
    ],
    ids=["mistral", "mistral_chat", "openai_style", "cohere_chat", "cohere_command"],
)
def test_invoke_stream_text_families(chunks, text, reason):
    fold = InvokeStreamFold(capture=True)
    for data in chunk_bytes(chunks):
        fold.add(data)
    info = fold.finish()
    assert info.finish_reasons == (reason,)  # as the model family sent it
    assert info.usage == Usage(input_tokens=9, output_tokens=2)
    assert info.output_messages == (  # stop and COMPLETE alike: the output-message schema's value
        {"role": "assistant", "parts": [{"type": "text", "content": text}], "finish_reason": "stop"},
    )


def test_invoke_stream_without_capture_decodes_only_the_ends():
    fold = InvokeStreamFold(capture=False)
    chunks = chunk_bytes(B.LLAMA_CHUNKS)
    for data in [chunks[0], b"not json", b"{bad", *chunks[1:]]:
        fold.add(data)
    info = fold.finish()
    assert (info.finish_reasons, info.usage, info.output_messages) == (
        ("stop",),
        Usage(input_tokens=18, output_tokens=8),
        (),
    )
    empty = InvokeStreamFold(capture=True)
    empty.add(None)
    assert empty.finish() == ResponseInfo()

"""The Ollama adapter's functions over the SDK's own objects (built the way the SDK builds them,
``cls(**body)``), plain dicts, and malformed input."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import ollama
import pytest

from bodies.ollama_bodies import (
    CHAT,
    CHAT_THINKING,
    CHAT_TOOL,
    EMBED,
    EMBEDDINGS,
    GENERATE,
    MODEL,
    ndjson,
)
from genai_otel.adapter import CHAT as CHAT_OP
from genai_otel.adapter import EMBEDDINGS as EMBEDDINGS_OP
from genai_otel.adapter import TEXT_COMPLETION, ResponseInfo, Usage
from genai_otel.providers.ollama import ADAPTER, TARGETS


def target(module: str, method: str) -> Any:
    return next(t for t in TARGETS if (t.module, t.method) == (module, method))


CHAT_T = target("ollama._client", "Client.chat")
GENERATE_T = target("ollama._client", "AsyncClient.generate")
EMBED_T = target("ollama", "embed")
LEGACY_T = target("ollama._client", "Client.embeddings")


def test_targets():
    assert len(TARGETS) == 12
    assert {(t.method, t.operation) for t in TARGETS if t.module == "ollama"} == {
        ("chat", CHAT_OP),
        ("generate", TEXT_COMPLETION),
        ("embed", EMBEDDINGS_OP),
        ("embeddings", EMBEDDINGS_OP),
    }
    assert all(t.is_async == t.method.startswith("AsyncClient.") for t in TARGETS)
    assert all(t.min_version == "0.4.0" for t in TARGETS)
    assert CHAT_T.positional == ("model", "messages")
    assert GENERATE_T.positional == ("model", "prompt", "suffix")


@pytest.mark.parametrize(
    ("host", "address", "port"),
    [(None, "127.0.0.1", 11434), ("https://ollama.com", "ollama.com", 443), ("http://box", "box", 80)],
)
def test_server_from_the_clients_base_url(host, address, port):
    info = ADAPTER.parse_request(ollama.Client(host=host), {"model": MODEL}, CHAT_T)
    assert (info.provider, info.server_address, info.server_port) == ("ollama", address, port)


def test_no_client_no_server():
    info = ADAPTER.parse_request(object(), {"model": 3, "options": "odd", "think": 1}, CHAT_T)
    assert (info.model, info.server_address, info.server_port, info.temperature) == (None, None, None, None)


def test_options_model_and_dict_read_the_same():
    values = {"temperature": 1, "top_k": 5, "num_predict": 0, "stop": ["a", 3], "seed": 7}
    for options in (values, ollama.Options(**{k: v for k, v in values.items() if k != "stop"}, stop=["a"])):
        info = ADAPTER.parse_request(None, {"model": MODEL, "options": options}, CHAT_T)
        assert (info.temperature, info.top_k, info.max_tokens, info.stop_sequences, info.seed) == (
            1.0,
            5,
            0,
            ["a"],
            7,
        )
        assert type(info.temperature) is float


def test_embeddings_requests_carry_no_sampling_parameters():
    info = ADAPTER.parse_request(None, {"model": "m", "options": {"temperature": 0.5}}, EMBED_T)
    assert (info.model, info.temperature, info.stream) == ("m", None, False)


CHAT_TOOL_ARGS = {"city": "Paris", "unit": "celsius"}


def test_chat_response_and_content():
    info = ADAPTER.parse_response(ollama.ChatResponse(**CHAT_TOOL), CHAT_T, True)
    assert info.response_id is None
    assert (info.response_model, info.finish_reasons) == (MODEL, ("stop",))
    assert info.usage == Usage(input_tokens=171, output_tokens=23)
    [out] = info.output_messages
    assert out["parts"] == [
        {
            "type": "tool_call",
            "id": None,
            "name": "get_weather",
            "arguments": {"city": "Paris", "unit": "celsius"},
        }
    ]
    assert ADAPTER.parse_response(ollama.ChatResponse(**CHAT_TOOL), CHAT_T, False).output_messages == ()


def test_dict_responses_read_like_models():
    """ollama < 0.4 returned dicts; an SDK model and its dump give the same answer."""
    for body, tgt in ((CHAT, CHAT_T), (GENERATE, GENERATE_T), (EMBED, EMBED_T)):
        model_cls = {
            CHAT_T: ollama.ChatResponse,
            GENERATE_T: ollama.GenerateResponse,
            EMBED_T: ollama.EmbedResponse,
        }
        as_model = ADAPTER.parse_response(model_cls[tgt](**body), tgt, True)
        assert ADAPTER.parse_response(copy.deepcopy(body), tgt, True) == as_model


def test_embeddings_dimensions():
    assert ADAPTER.parse_response(ollama.EmbedResponse(**EMBED), EMBED_T, False).embedding_dimensions == 8
    legacy = ADAPTER.parse_response(ollama.EmbeddingsResponse(**EMBEDDINGS), LEGACY_T, False)
    assert (legacy.embedding_dimensions, legacy.usage, legacy.response_model) == (4, None, None)
    empty = ADAPTER.parse_response({"model": "m", "embeddings": []}, EMBED_T, False)
    assert empty.embedding_dimensions is None


@pytest.mark.parametrize("malformed", [None, {}, {"message": None}, {"done_reason": 3, "eval_count": "x"}])
def test_malformed_responses(malformed):
    for tgt in (CHAT_T, GENERATE_T, EMBED_T, LEGACY_T):
        assert isinstance(ADAPTER.parse_response(malformed, tgt, True), ResponseInfo)


def test_images_become_blob_parts_without_io(tmp_path: Path):
    png = tmp_path / "cat.png"
    msg = {
        "role": "user",
        "content": "look",
        "images": [b"\x89PNG", ollama.Image(value=b"\x89PNG"), "aGVsbG8=", str(png), png],
    }
    content = ADAPTER.request_content(None, {"messages": [msg]}, CHAT_T)
    parts = content.input_messages[0]["parts"]
    assert parts[0] == {"type": "text", "content": "look"}
    assert parts[1:4] == [
        {"type": "blob", "modality": "image", "content": b"\x89PNG"},
        {"type": "blob", "modality": "image", "content": b"\x89PNG"},
        {"type": "blob", "modality": "image", "content": "aGVsbG8="},
    ]
    assert parts[4:] == [{"type": "generic", "generic_type": "blob", "modality": "image"}] * 2


def test_request_content_never_mutates_or_consumes():
    messages = [{"role": "user", "content": "hi"}, ollama.Message(role="assistant", content="yo")]
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    before = copy.deepcopy((messages, tools))
    content = ADAPTER.request_content(None, {"messages": messages, "tools": tools}, CHAT_T)
    assert (messages, tools) == before
    assert [m["role"] for m in content.input_messages] == ["user", "assistant"]
    one_shot = iter(messages)
    assert not ADAPTER.request_content(None, {"messages": one_shot}, CHAT_T).input_messages
    assert next(one_shot) is messages[0]


def test_tool_definitions():
    tool = ollama.Tool(
        function=ollama.Tool.Function(
            name="f",
            description="d",
            parameters=ollama.Tool.Function.Parameters(required=["a"], properties={"a": {"type": "string"}}),
        )
    )

    def lookup(key: str) -> str:
        """Look a key up.

        Args:
          key: the key
        """
        return key

    defs = ADAPTER.request_content(None, {"tools": [tool, lookup, {}]}, CHAT_T).tool_definitions
    assert list(defs) == [
        {
            "type": "function",
            "name": "f",
            "description": "d",
            "parameters": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
        },
        {"type": "function", "name": "lookup", "description": "Look a key up."},
        {"type": "function", "name": ""},
    ]
    json.dumps(list(defs))


def parts_of(body: dict[str, Any], cls: type) -> list[Any]:
    return [cls(**json.loads(line)) for line in ndjson(body).splitlines()]


@pytest.mark.parametrize("capture", [False, True])
def test_accumulator_folds_a_chat_stream_like_the_whole_response(capture):
    acc = ADAPTER.new_accumulator(CHAT_T, capture)
    for part in parts_of(CHAT_THINKING, ollama.ChatResponse):
        acc.add(part)
    assert acc.finish() == ADAPTER.parse_response(ollama.ChatResponse(**CHAT_THINKING), CHAT_T, capture)


def test_accumulator_folds_a_generate_stream():
    acc = ADAPTER.new_accumulator(GENERATE_T, True)
    for part in parts_of(GENERATE, ollama.GenerateResponse):
        acc.add(part)
    assert acc.finish() == ADAPTER.parse_response(ollama.GenerateResponse(**GENERATE), GENERATE_T, True)


def test_a_stream_cut_short_reports_error_and_no_usage():
    acc = ADAPTER.new_accumulator(CHAT_T, True)
    for part in parts_of(CHAT_TOOL, ollama.ChatResponse)[:-1]:
        acc.add(part)
    info = acc.finish()
    assert (info.finish_reasons, info.usage, info.response_model) == (("error",), None, MODEL)
    assert info.output_messages[0]["parts"][0]["name"] == "get_weather"
    assert ADAPTER.new_accumulator(CHAT_T, True).finish() == ResponseInfo()


def test_is_stream_recognises_the_sdks_generators():
    def gen():
        yield 1

    async def agen():
        yield 1

    assert ADAPTER.is_stream(gen(), CHAT_T) and ADAPTER.is_stream(agen(), CHAT_T)
    assert not ADAPTER.is_stream(ollama.ChatResponse(**CHAT), CHAT_T)
    streamed = ollama.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200))).chat(
        MODEL, [], stream=True
    )
    assert ADAPTER.is_stream(streamed, CHAT_T)  # not started: nothing was sent yet
    streamed.close()

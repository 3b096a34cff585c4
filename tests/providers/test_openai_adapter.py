"""The OpenAI adapter over REAL SDK objects: the unpatched openai client talks to the replay
transport, a spy on the SDK method records the exact (instance, kwargs) the engine's wrapper would
see, and what the SDK returns (completions, chunks, events, raw responses) is fed to the adapter."""

from __future__ import annotations

import ast
import copy
import importlib
import inspect
import pathlib
from collections.abc import Iterator
from typing import Any

import openai
import pydantic
import pytest
import wrapt

from bodies import openai_bodies as b
from genai_otel.adapter import (
    RequestContent,
    RequestInfo,
    ResponseInfo,
    Usage,
    blob_part,
    file_part,
    generic_part,
    message,
    reasoning_part,
    text_part,
    tool_call_part,
    tool_call_response_part,
    uri_part,
)
from genai_otel.providers._endpoints import provider_from_url
from genai_otel.providers.openai import ADAPTER, TARGETS
from genai_otel.providers.openai import _common as openai_common
from genai_otel.providers.openai._common import passed
from replay import Replay, Reply

CHAT_MODULE = "openai.resources.chat.completions.completions"
RESP_MODULE = "openai.resources.responses.responses"


def target(method: str, module: str = "") -> Any:
    return next(
        t for t in TARGETS if t.method == method and t.module.startswith(module or "openai.resources")
    )


CHAT = target("Completions.create", CHAT_MODULE)
ACHAT = target("AsyncCompletions.create", CHAT_MODULE)
CHAT_PARSE = target("Completions.parse", CHAT_MODULE)
RESP = target("Responses.create", RESP_MODULE)
ARESP = target("AsyncResponses.create", RESP_MODULE)
RESP_PARSE = target("Responses.parse", RESP_MODULE)
EMBED = target("Embeddings.create")
LEGACY = target("Completions.create", "openai.resources.completions")
API_TYPE = {"openai.api.type": "chat_completions"}
RESP_TYPE = {"openai.api.type": "responses"}
SERVED = {"openai.response.service_tier": "default", "openai.response.system_fingerprint": b.FINGERPRINT}
HELLO = [{"role": "user", "content": "Hello"}]


def sync_client(*replies: Reply, **options: Any) -> openai.OpenAI:
    http = Replay(*replies).sync_client()
    return openai.OpenAI(api_key="sk-test", http_client=http, max_retries=0, **options)


def async_client(*replies: Reply, **options: Any) -> openai.AsyncOpenAI:
    http = Replay(*replies).async_client()
    return openai.AsyncOpenAI(api_key="sk-test", http_client=http, max_retries=0, **options)


def ok(body: Any) -> Reply:
    return Reply(json_body=body, headers=b.HEADERS)


def sse(text: str) -> Reply:
    return Reply(sse=text, headers=b.HEADERS)


class Spy:
    """Wraps SDK methods the way the engine does (wrapt, class level) and records each call."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.calls: list[tuple[Any, dict[str, Any]]] = []

    def on(self, module: str, method: str) -> Spy:
        owner, attribute, original = wrapt.resolve_path(module, method)

        def record(wrapped: Any, instance: Any, args: Any, kwargs: dict[str, Any]) -> Any:
            self.calls.append((instance, kwargs))
            return wrapped(*args, **kwargs)

        self.monkeypatch.setattr(owner, attribute, wrapt.FunctionWrapper(original, record))
        return self

    @property
    def last(self) -> tuple[Any, dict[str, Any]]:
        return self.calls[-1]


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    return Spy(monkeypatch)


def fold(tgt: Any, chunks: list[Any], capture: bool = True) -> ResponseInfo:
    acc = ADAPTER.new_accumulator(tgt, capture)
    for chunk in chunks:
        acc.add(chunk)
    return acc.finish()


# --- targets -------------------------------------------------------------------------------------------


def test_targets_resolve_to_the_installed_sdk_methods():
    assert len(TARGETS) == 14
    for tgt in TARGETS:
        cls_name, method = tgt.method.split(".")
        func = getattr(getattr(importlib.import_module(tgt.module), cls_name), method)
        assert func.__name__ == method
        # the async create methods are sync ``required_args`` wrappers around coroutine functions
        assert inspect.iscoroutinefunction(inspect.unwrap(func)) == tgt.is_async
        assert cls_name.startswith("Async") == tgt.is_async
        assert not tgt.stream_manager
    assert {(t.operation, t.api) for t in TARGETS} == {
        ("chat", "chat"),
        ("chat", "responses"),
        ("embeddings", "embeddings"),
        ("text_completion", "completions"),
    }
    assert not any(t.method.endswith(".stream") for t in TARGETS)  # the helpers call create


def test_stream_helpers_go_through_create(spy):
    spy.on(CHAT_MODULE, "Completions.create").on(RESP_MODULE, "Responses.create")
    client = sync_client(sse(b.chat_stream()), sse(b.response_stream()))
    with client.chat.completions.stream(model=b.MODEL, messages=HELLO) as stream:
        assert stream.get_final_completion().choices[0].message.content == "Hello! How can I help?"
    instance, kwargs = spy.last
    assert instance is client.chat.completions
    info = ADAPTER.parse_request(instance, kwargs, CHAT)  # the helper passes every omitted param
    assert info == RequestInfo(
        provider="openai",
        model=b.MODEL,
        server_address="api.openai.com",
        server_port=443,
        stream=True,
        attributes=API_TYPE,
    )
    with client.responses.stream(model="gpt-4.1", input="Hi", reasoning={"effort": "low"}) as stream:
        stream.until_done()
    instance, kwargs = spy.last
    assert instance is client.responses
    info = ADAPTER.parse_request(instance, kwargs, RESP)
    assert (info.stream, info.model, info.reasoning_level, info.attributes) == (
        True,
        "gpt-4.1",
        "low",
        RESP_TYPE,
    )


def test_the_stream_helpers_sentinels_never_pass_as_values(spy):
    """openai 3.x's ``.stream()`` calls ``create`` with every parameter: ``openai.omit`` for those
    not passed, ``NOT_GIVEN`` for ``timeout``. ``passed`` drops both; nothing else reads them."""
    spy.on(CHAT_MODULE, "Completions.create")
    client = sync_client(sse(b.chat_stream()))
    with client.chat.completions.stream(model=b.MODEL, messages=HELLO, max_tokens=64) as stream:
        stream.until_done()
    instance, kwargs = spy.last
    sentinels = {k for k, v in kwargs.items() if isinstance(v, (openai.Omit, openai.NotGiven))}
    assert {"max_completion_tokens", "temperature", "tools", "stop"} <= sentinels
    assert kwargs["timeout"] is openai.not_given and kwargs["max_completion_tokens"] is openai.omit
    kept = passed(kwargs)
    assert not sentinels & set(kept)
    assert {k: v for k, v in kept.items() if k != "extra_headers"} == {
        "model": b.MODEL,
        "messages": HELLO,
        "max_tokens": 64,
        "stream": True,
    }
    assert kept is not kwargs and sentinels <= set(kwargs)  # the caller's mapping is untouched
    info = ADAPTER.parse_request(instance, kwargs, CHAT)
    assert (info.max_tokens, info.stream, info.temperature, info.stop_sequences) == (64, True, None, None)


# --- base URL -> provider ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "provider", "address", "port"),
    [
        (None, "openai", "api.openai.com", 443),
        ("https://eu.api.openai.com/v1", "openai", "eu.api.openai.com", 443),
        (
            "https://myres.openai.azure.com/openai/deployments/gpt4o",
            "azure.ai.openai",
            "myres.openai.azure.com",
            443,
        ),
        (
            "https://myres.cognitiveservices.azure.com/openai/v1",
            "azure.ai.openai",
            "myres.cognitiveservices.azure.com",
            443,
        ),
        (
            "https://proj.services.ai.azure.com/openai/v1",
            "azure.ai.openai",
            "proj.services.ai.azure.com",
            443,
        ),
        (
            "https://proj.services.ai.azure.com/models",
            "azure.ai.inference",
            "proj.services.ai.azure.com",
            443,
        ),
        ("https://api.deepseek.com", "deepseek", "api.deepseek.com", 443),
        ("https://api.groq.com/openai/v1", "groq", "api.groq.com", 443),
        ("https://api.together.xyz/v1", "together_ai", "api.together.xyz", 443),
        ("https://api.together.ai/v1", "together_ai", "api.together.ai", 443),
        ("https://openrouter.ai/api/v1", "openrouter", "openrouter.ai", 443),
        ("https://api.x.ai/v1", "x_ai", "api.x.ai", 443),
        ("https://api.mistral.ai/v1", "mistral_ai", "api.mistral.ai", 443),
        ("https://api.perplexity.ai", "perplexity", "api.perplexity.ai", 443),
        (
            "https://generativelanguage.googleapis.com/v1beta/openai/",
            "gcp.gemini",
            "generativelanguage.googleapis.com",
            443,
        ),
        ("http://localhost:11434/v1", "ollama", "localhost", 11434),
        ("http://127.0.0.1:8000/v1", "vllm", "127.0.0.1", 8000),
        ("http://[::1]:1234/v1", "lm_studio", "::1", 1234),
        ("http://localhost:8080/v1", "llama_cpp", "localhost", 8080),
        ("http://localhost:9999/v1", "openai", "localhost", 9999),
        ("http://gateway.internal/v1", "openai", "gateway.internal", 80),
        ("https://llm.example.com:8443/v1", "openai", "llm.example.com", 8443),
    ],
)
def test_provider_and_server_come_from_the_clients_base_url(base_url, provider, address, port):
    client = sync_client(**({"base_url": base_url} if base_url else {}))
    info = ADAPTER.parse_request(client.chat.completions, {"model": "m", "messages": HELLO}, CHAT)
    assert (info.provider, info.server_address, info.server_port) == (provider, address, port)


def test_azure_clients_are_azure_openai_even_on_a_custom_domain():
    azure = openai.AzureOpenAI(
        azure_endpoint="https://myres.openai.azure.com", api_version="2024-10-21", api_key="k"
    )
    custom = openai.AsyncAzureOpenAI(
        base_url="https://llm.corp.example/openai", api_version="2024-10-21", api_key="k"
    )
    for client in (azure, custom):
        assert (
            ADAPTER.parse_request(client.chat.completions, {"model": "m"}, CHAT).provider == "azure.ai.openai"
        )


def test_provider_from_url_edge_cases():
    assert provider_from_url(None, None, "openai") == "openai"
    assert provider_from_url("", 443, "x") == "x"
    assert provider_from_url("API.GROQ.COM.", 443, "openai") == "groq"
    assert provider_from_url("localhost", None, "openai") == "openai"
    assert provider_from_url("[::1]", 11434, "openai") == "ollama"
    assert provider_from_url("x.services.ai.azure.com", 443, "openai") == "azure.ai.openai"
    assert provider_from_url("bedrock-mantle.us-east-1.api.aws", 443, "openai") == "aws.bedrock"
    assert provider_from_url("bedrock-runtime.eu-west-1.amazonaws.com", 443, "openai") == "aws.bedrock"
    assert provider_from_url("us-central1-aiplatform.googleapis.com", 443, "openai") == "gcp.vertex_ai"
    assert provider_from_url("api.moonshot.ai", 443, "openai") == "moonshot_ai"
    assert provider_from_url("notapi.openai.com.evil.example", 443, "openai") == "openai"  # the default
    assert provider_from_url(123, 1, "d") == "d"  # type: ignore[arg-type]


class CountingURL:
    """A base URL whose parts count their reads: the server cache should read them once."""

    def __init__(self, host: str, port: int | None, scheme: str = "https", path: str = "/v1") -> None:
        self._parts = {"host": host, "port": port, "scheme": scheme, "path": path}
        self.reads = 0

    def __getattr__(self, name: str) -> Any:
        if name not in ("host", "port", "scheme", "path"):
            raise AttributeError(name)
        self.reads += 1
        return self._parts[name]


class Resource:
    """What the wrapper sees as ``instance``: an SDK resource, its client in ``_client``."""

    def __init__(self, client: Any) -> None:
        self._client = client


class Client:
    """A client as the adapter reads it: its ``_base_url`` (a real one holds an ``httpx2.URL``)."""

    def __init__(self, url: Any) -> None:
        self._base_url = url


def server_of(instance: Any) -> tuple[Any, ...]:
    info = ADAPTER.parse_request(instance, {"model": "m"}, CHAT)
    return info.provider, info.server_address, info.server_port


@pytest.fixture
def servers(monkeypatch: pytest.MonkeyPatch) -> dict[int, Any]:
    """The base URL -> server cache of the OpenAI adapter, empty for this test."""
    cache: dict[int, Any] = {}
    monkeypatch.setattr(openai_common, "_servers", cache)
    return cache


def test_the_server_cache_reads_a_base_url_once(servers):
    url = CountingURL("api.groq.com", None)
    client = Client(url)
    assert server_of(Resource(client)) == ("groq", "api.groq.com", 443)
    reads = url.reads
    assert reads > 0 and len(servers) == 1
    for _ in range(3):  # hits: the same answer, the URL not read again
        assert server_of(Resource(client)) == ("groq", "api.groq.com", 443)
    assert url.reads == reads and len(servers) == 1

    other = CountingURL("localhost", 11434, "http")  # a miss: another URL, its own entry
    client._base_url = other
    assert server_of(Resource(client)) == ("ollama", "localhost", 11434)
    assert other.reads > 0 and len(servers) == 2
    client._base_url = url  # and the first is still cached
    assert server_of(Resource(client)) == ("groq", "api.groq.com", 443)
    assert url.reads == reads


def test_the_server_cache_tells_client_types_and_stale_entries_apart(servers):
    plain = sync_client(base_url="https://llm.corp.example/v1")
    azure = openai.AzureOpenAI(base_url="https://llm.corp.example/v1", api_version="2024-10-21", api_key="k")
    azure.base_url = plain.base_url  # one URL object, two client types: two providers
    assert azure._base_url is plain._base_url
    assert server_of(plain.chat.completions) == ("openai", "llm.corp.example", 443)
    assert server_of(azure.chat.completions) == ("azure.ai.openai", "llm.corp.example", 443)
    assert server_of(plain.chat.completions) == ("openai", "llm.corp.example", 443)

    # an entry under this URL's id that holds another URL object (its id was reused) is a miss
    url = plain._base_url
    servers[id(url)] = (object(), type(plain), "stale.example", 1, "stale")
    assert server_of(plain.chat.completions) == ("openai", "llm.corp.example", 443)
    assert servers[id(url)][0] is url


def test_the_server_cache_stays_small(servers):
    clients = [sync_client(base_url=f"http://localhost:{9000 + i}/v1") for i in range(100)]
    for i, client in enumerate(clients):
        assert server_of(client.chat.completions) == ("openai", "localhost", 9000 + i)
        assert len(servers) <= 64


def test_a_client_without_base_url_or_any_url(servers):
    """An OpenAI-compatible client that exposes only ``base_url`` (no ``_base_url``); one with
    neither gets the default provider and no server."""
    only_public = Resource(type("Compatible", (), {"base_url": CountingURL("localhost", 8000, "http")})())
    assert server_of(only_public) == ("vllm", "localhost", 8000)
    assert server_of(Resource(object())) == ("openai", None, None)
    assert server_of(Resource(None)) == ("openai", None, None)
    assert server_of(object()) == ("openai", None, None)  # no ``_client`` at all


# --- chat: parse_request -----------------------------------------------------------------------------


class Weather(pydantic.BaseModel):
    city: str
    temperature_c: int


def test_chat_parse_request_reports_exactly_the_passed_parameters(spy):
    spy.on(CHAT_MODULE, "Completions.create")
    client = sync_client(sse(b.chat_stream()))
    kwargs: dict[str, Any] = {
        "model": b.MODEL,
        "messages": HELLO,
        "temperature": 0,
        "top_p": 0.5,
        "max_completion_tokens": 256,
        "max_tokens": 999,
        "frequency_penalty": 0.1,
        "presence_penalty": -0.2,
        "stop": "END",
        "seed": 7,
        "n": 2,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "w", "schema": {"type": "object"}},
        },
        "reasoning_effort": "high",
        "service_tier": "flex",
        "stream": True,
        "stream_options": {"include_usage": True},
        "top_logprobs": 3,  # must not become top_k
        "extra_body": {"top_k": 40},
    }
    before = copy.deepcopy(kwargs)
    list(client.chat.completions.create(**kwargs))
    instance, seen = spy.last
    info = ADAPTER.parse_request(instance, seen, CHAT)
    assert info == RequestInfo(
        provider="openai",
        model=b.MODEL,
        server_address="api.openai.com",
        server_port=443,
        stream=True,
        temperature=0.0,
        top_p=0.5,
        top_k=40,
        max_tokens=256,
        frequency_penalty=0.1,
        presence_penalty=-0.2,
        stop_sequences=["END"],
        seed=7,
        choice_count=2,
        output_type="json",
        reasoning_level="high",
        attributes={"openai.api.type": "chat_completions", "openai.request.service_tier": "flex"},
    )
    assert isinstance(info.temperature, float)
    ADAPTER.request_content(instance, seen, CHAT)
    assert seen == before == kwargs  # nothing of ours touched the caller's arguments


def test_chat_parse_request_omits_what_was_not_passed():
    client = sync_client()
    kwargs = {
        "model": b.MODEL,
        "messages": HELLO,
        "temperature": openai.omit,
        "seed": openai.NOT_GIVEN,
        "n": 1,
        "stop": ["a", "b"],
        "max_tokens": 64,
        "service_tier": "auto",
        "stream": False,
        "response_format": {"type": "text"},
    }
    assert ADAPTER.parse_request(client.chat.completions, kwargs, CHAT) == RequestInfo(
        provider="openai",
        model=b.MODEL,
        server_address="api.openai.com",
        server_port=443,
        max_tokens=64,
        stop_sequences=["a", "b"],
        output_type="text",
        attributes=API_TYPE,
    )


def test_chat_parse_and_audio_output_types(spy):
    spy.on(CHAT_MODULE, "Completions.parse")
    client = sync_client(ok(b.chat_completion_json()))
    completion = client.chat.completions.parse(model=b.MODEL, messages=HELLO, response_format=Weather)
    assert completion.choices[0].message.parsed == Weather(city="Paris", temperature_c=18)
    instance, kwargs = spy.last
    assert ADAPTER.parse_request(instance, kwargs, CHAT_PARSE).output_type == "json"
    info = ADAPTER.parse_response(completion, CHAT_PARSE, True)
    assert info.output_messages == [
        message("assistant", [text_part('{"city":"Paris","temperature_c":18}')], finish_reason="stop")
    ]
    audio = {"model": "gpt-4o-audio-preview", "modalities": ["text", "audio"], "audio": {"voice": "alloy"}}
    assert ADAPTER.parse_request(instance, audio, CHAT).output_type == "speech"


# --- chat: request_content ----------------------------------------------------------------------------

JPEG = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwY="
WAV = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA="
PDF = "JVBERi0xLjQKJcfsj6IKNSAwIG9iago="
WEATHER_SCHEMA = {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}


def test_chat_request_content_converts_every_message_kind():
    client = sync_client(ok(b.chat_completion()))
    previous = client.chat.completions.create(model=b.MODEL, messages=HELLO).choices[0].message  # a model
    kwargs = {
        "model": b.MODEL,
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "developer", "content": [{"type": "text", "text": "Answer in French."}]},
            {
                "role": "user",
                "name": "ada",
                "content": [
                    {"type": "text", "text": "What is in these?"},
                    {
                        "type": "image_url",
                        "image_url": {"url": "https://example.com/cat.png", "detail": "low"},
                    },
                    {"type": "image_url", "image_url": {"url": f"data:image/jpeg;base64,{JPEG}"}},
                    {"type": "input_audio", "input_audio": {"data": WAV, "format": "wav"}},
                    {"type": "input_audio", "input_audio": {"data": WAV, "format": "mp3"}},
                    {"type": "file", "file": {"file_id": "file-6F2ksmvXxt4VdoqmHRw6kL"}},
                    {
                        "type": "file",
                        "file": {"filename": "a.pdf", "file_data": f"data:application/pdf;base64,{PDF}"},
                    },
                ],
            },
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"location":"Paris"}'},
                    },
                    {
                        "id": "call_2",
                        "type": "function",
                        "function": {"name": "broken", "arguments": "{not json"},
                    },
                    {"id": "call_3", "type": "custom", "custom": {"name": "sql", "input": "SELECT 1"}},
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "18C and sunny"},
            {
                "role": "tool",
                "tool_call_id": "call_2",
                "content": [{"type": "text", "text": "a "}, {"type": "text", "text": "b"}],
            },
            previous,
            {"role": "assistant", "content": [{"type": "refusal", "refusal": "I can't help with that."}]},
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Get the weather",
                    "parameters": WEATHER_SCHEMA,
                    "strict": True,
                },
            },
            {"type": "custom", "custom": {"name": "sql", "description": "Run SQL"}},
        ],
    }
    before = copy.deepcopy(kwargs)
    content = ADAPTER.request_content(client.chat.completions, kwargs, CHAT)
    assert content == RequestContent(
        input_messages=[
            message("system", [text_part("You are terse.")]),
            message("developer", [text_part("Answer in French.")]),
            message(
                "user",
                [
                    text_part("What is in these?"),
                    uri_part("image", "https://example.com/cat.png"),
                    blob_part("image", JPEG, "image/jpeg"),
                    blob_part("audio", WAV, "audio/wav"),
                    blob_part("audio", WAV, "audio/mpeg"),
                    file_part("document", "file-6F2ksmvXxt4VdoqmHRw6kL"),
                    blob_part("document", PDF, "application/pdf"),
                ],
                name="ada",
            ),
            message(
                "assistant",
                [
                    tool_call_part("call_1", "get_weather", {"location": "Paris"}),
                    tool_call_part("call_2", "broken", "{not json"),
                    tool_call_part("call_3", "sql", "SELECT 1"),
                ],
            ),
            message("tool", [tool_call_response_part("call_1", "18C and sunny")]),
            message("tool", [tool_call_response_part("call_2", "a b")]),
            message("assistant", [text_part("Hello! How can I assist you today?")]),
            message("assistant", [text_part("I can't help with that.")]),
        ],
        tool_definitions=[
            {
                "type": "function",
                "name": "get_weather",
                "description": "Get the weather",
                "parameters": WEATHER_SCHEMA,
            },
            {"type": "custom", "name": "sql", "description": "Run SQL"},
        ],
    )
    assert kwargs == before


def test_chat_request_content_never_consumes_a_one_shot_iterator():
    messages = iter([{"role": "user", "content": "Hi"}])
    content = ADAPTER.request_content(object(), {"model": "m", "messages": messages}, CHAT)
    assert content.input_messages == []
    assert next(messages) == {"role": "user", "content": "Hi"}


# --- chat: parse_response ----------------------------------------------------------------------------


def test_chat_parse_response_plain():
    client = sync_client(ok(b.chat_completion()))
    completion = client.chat.completions.create(model=b.MODEL, messages=HELLO)
    assert ADAPTER.parse_response(completion, CHAT, False) == ResponseInfo(
        response_id=b.CHAT_ID,
        response_model=b.RESPONSE_MODEL,
        finish_reasons=("stop",),
        usage=Usage(input_tokens=19, output_tokens=10, cache_read_input_tokens=0, reasoning_output_tokens=0),
        attributes=SERVED,
    )
    captured = ADAPTER.parse_response(completion, CHAT, True)
    assert captured.output_messages == [
        message("assistant", [text_part("Hello! How can I assist you today?")], finish_reason="stop")
    ]


def test_chat_parse_response_n2_tool_calls_and_usage_details():
    client = sync_client(
        ok(b.chat_completion_n2()),
        ok(b.chat_completion_tool_calls()),
        ok(b.chat_completion_cached_reasoning()),
    )
    two = ADAPTER.parse_response(
        client.chat.completions.create(model=b.MODEL, messages=HELLO, n=2), CHAT, True
    )
    assert two.finish_reasons == ("stop", "length")
    assert two.output_messages == [
        message("assistant", [text_part("Hello! How can I help?")], finish_reason="stop"),
        message("assistant", [text_part("Hi there! What can I do for")], finish_reason="length"),
    ]
    tools = ADAPTER.parse_response(client.chat.completions.create(model=b.MODEL, messages=HELLO), CHAT, True)
    assert tools.finish_reasons == ("tool_calls",)  # as sent; the message's is the schema's value
    assert tools.output_messages == [
        message(
            "assistant",
            [
                tool_call_part("call_Vx4kM2Y7oXvkk6nbW3lHd0Bt", "get_weather", {"location": "Paris, France"}),
                tool_call_part("call_8Zt0QmBd1bX0W3oZr5oyFvJp", "get_time", '{"tz":"Europe/Paris"'),
            ],
            finish_reason="tool_call",
        )
    ]
    reasoning = ADAPTER.parse_response(
        client.chat.completions.create(model="o4-mini", messages=HELLO), CHAT, False
    )
    assert reasoning.response_model == "o4-mini-2025-04-16"
    assert reasoning.usage == Usage(
        input_tokens=2006, output_tokens=300, cache_read_input_tokens=1920, reasoning_output_tokens=192
    )


def test_chat_usage_modality_split_and_cache_writes():
    body = b.chat_completion()
    body["usage"]["prompt_tokens_details"] = {
        "cached_tokens": 40,
        "cache_write_tokens": 60,
        "text_tokens": 100,
        "image_tokens": 200,
        "audio_tokens": 0,
    }
    body["usage"]["prompt_tokens"] = 300
    body["usage"]["completion_tokens_details"] = {
        "audio_tokens": 30,
        "text_tokens": 12,
        "reasoning_tokens": 0,
    }
    completion = sync_client(ok(body)).chat.completions.create(model=b.MODEL, messages=HELLO)
    assert ADAPTER.parse_response(completion, CHAT, False).usage == Usage(
        input_tokens=300,
        output_tokens=10,
        cache_read_input_tokens=40,
        cache_write_input_tokens=60,
        reasoning_output_tokens=0,
        input_by_modality={"text": 100, "image": 200},
        output_by_modality={"text": 12, "audio": 30},
    )


def test_chat_errors_keep_the_exception_class_for_error_type():
    client = sync_client(
        Reply(status=404, json_body=b.model_not_found()), Reply(status=429, json_body=b.rate_limited())
    )
    for expected, code in (
        (openai.NotFoundError, "model_not_found"),
        (openai.RateLimitError, "rate_limit_exceeded"),
    ):
        with pytest.raises(expected) as info:
            client.chat.completions.create(model="gpt-9", messages=HELLO)
        assert info.value.code == code
        assert ADAPTER.error_type(info.value) is None


# --- chat: streams -----------------------------------------------------------------------------------


def test_chat_stream_with_usage():
    chunks = list(
        sync_client(sse(b.chat_stream())).chat.completions.create(model=b.MODEL, messages=HELLO, stream=True)
    )
    assert ADAPTER.is_stream(chunks, CHAT) is False
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert fold(CHAT, chunks) == ResponseInfo(
        response_id=b.CHAT_ID,
        response_model=b.RESPONSE_MODEL,
        finish_reasons=("stop",),
        usage=Usage(input_tokens=9, output_tokens=7, cache_read_input_tokens=0, reasoning_output_tokens=0),
        output_messages=[message("assistant", [text_part("Hello! How can I help?")], finish_reason="stop")],
        attributes=SERVED,
    )
    assert fold(CHAT, chunks, capture=False).output_messages == ()


def test_chat_stream_without_usage_and_zero_chunks():
    stream = sync_client(sse(b.chat_stream(include_usage=False))).chat.completions.create(
        model=b.MODEL, messages=HELLO, stream=True
    )
    assert ADAPTER.is_stream(stream, CHAT)
    info = fold(CHAT, list(stream), capture=False)
    assert (info.response_id, info.finish_reasons, info.usage) == (b.CHAT_ID, ("stop",), None)
    assert fold(CHAT, []) == ResponseInfo()


def test_chat_stream_tool_call_deltas_are_joined():
    client = sync_client(sse(b.chat_tool_call_stream()))
    chunks = list(client.chat.completions.create(model=b.MODEL, messages=HELLO, stream=True))
    info = fold(CHAT, chunks)
    assert info.finish_reasons == ("tool_calls",)
    assert info.usage == Usage(
        input_tokens=82, output_tokens=17, cache_read_input_tokens=0, reasoning_output_tokens=0
    )
    assert info.output_messages == [
        message(
            "assistant",
            [tool_call_part("call_Vx4kM2Y7oXvkk6nbW3lHd0Bt", "get_weather", {"location": "Paris"})],
            finish_reason="tool_call",
        )
    ]


def test_chat_stream_cut_off_reports_error_for_the_missing_choice():
    chunks = list(
        sync_client(sse(b.chat_stream_cut_off())).chat.completions.create(
            model=b.MODEL, messages=HELLO, stream=True, n=2
        )
    )
    info = fold(CHAT, chunks)
    assert info.finish_reasons == ("stop", "error")
    assert info.output_messages == [
        message("assistant", [text_part("Hi")], finish_reason="stop"),
        message("assistant", [text_part("Hey")], finish_reason="error"),
    ]


async def test_async_chat_stream_and_parse_request(spy):
    spy.on(CHAT_MODULE, "AsyncCompletions.create")
    client = async_client(sse(b.chat_stream()))
    stream = await client.chat.completions.create(model=b.MODEL, messages=HELLO, stream=True)
    assert ADAPTER.is_stream(stream, ACHAT)
    chunks = [chunk async for chunk in stream]
    instance, kwargs = spy.last
    assert ADAPTER.parse_request(instance, kwargs, ACHAT).stream is True
    assert fold(ACHAT, chunks).output_messages == [
        message("assistant", [text_part("Hello! How can I help?")], finish_reason="stop")
    ]


# --- raw responses -----------------------------------------------------------------------------------


def test_with_raw_response_unwraps_to_the_callers_parsed_object(spy):
    spy.on(CHAT_MODULE, "Completions.create")
    client = sync_client(ok(b.chat_completion()))
    raw = client.chat.completions.with_raw_response.create(model=b.MODEL, messages=HELLO)
    _, kwargs = spy.last
    assert kwargs["extra_headers"] == {"X-Stainless-Raw-Response": "true"}  # how the SDK marks it
    inner = ADAPTER.unwrap(raw, CHAT)
    assert isinstance(inner, openai.types.chat.ChatCompletion)
    assert raw.parse() is inner  # cached by type: the caller gets the very same object
    assert ADAPTER.parse_response(inner, CHAT, False).response_id == b.CHAT_ID


def test_with_raw_response_stream_unwraps_to_the_callers_unstarted_stream():
    client = sync_client(sse(b.chat_stream()))
    raw = client.chat.completions.with_raw_response.create(model=b.MODEL, messages=HELLO, stream=True)
    assert not ADAPTER.is_stream(raw, CHAT)
    assert ADAPTER.parse_response(raw, CHAT, True) == ResponseInfo()  # total on the wrapper too
    inner = ADAPTER.unwrap(raw, CHAT)
    assert ADAPTER.is_stream(inner, CHAT)
    assert raw.parse() is inner  # the object the engine's raw-response proxy swaps for its proxy
    assert fold(CHAT, list(inner)).finish_reasons == ("stop",)  # nothing was consumed by unwrap


def test_with_streaming_response_is_not_read():
    client = sync_client(ok(b.chat_completion()), sse(b.response_stream()))
    with client.chat.completions.with_streaming_response.create(model=b.MODEL, messages=HELLO) as response:
        assert ADAPTER.unwrap(response, CHAT) is response
        assert not ADAPTER.is_stream(response, CHAT)
        assert ADAPTER.parse_response(response, CHAT, True) == ResponseInfo()
        assert response.parse().id == b.CHAT_ID  # the body was left for the caller
    with client.responses.with_streaming_response.create(
        model="gpt-4.1", input="Hi", stream=True
    ) as response:
        assert ADAPTER.parse_response(response, RESP, True) == ResponseInfo()
        assert [e.type for e in response.parse()][-1] == "response.completed"


# --- responses -----------------------------------------------------------------------------------------


def test_responses_parse_request(spy):
    spy.on(RESP_MODULE, "Responses.create")
    client = sync_client(ok(b.response()))
    kwargs: dict[str, Any] = {
        "model": "gpt-4.1",
        "input": "Hi",
        "instructions": "Be brief.",
        "temperature": 0.7,
        "top_p": 1,
        "max_output_tokens": 500,
        "reasoning": {"effort": "minimal", "summary": "auto"},
        "text": {"format": {"type": "json_schema", "name": "w", "schema": {"type": "object"}}},
        "previous_response_id": "resp_prev",
        "conversation": {"id": "conv_68a1b2c3"},
        "service_tier": "priority",
        "top_logprobs": 2,
        "prompt": {"id": "pmpt_weather", "version": "3", "variables": {"city": "Paris"}},
    }
    client.responses.create(**kwargs)
    instance, seen = spy.last
    assert ADAPTER.parse_request(instance, seen, RESP) == RequestInfo(
        provider="openai",
        model="gpt-4.1",
        server_address="api.openai.com",
        server_port=443,
        temperature=0.7,
        top_p=1.0,
        max_tokens=500,
        output_type="json",
        reasoning_level="minimal",
        previous_response_id="resp_prev",
        conversation_id="conv_68a1b2c3",
        prompt_name="pmpt_weather",
        prompt_version="3",
        attributes={"openai.api.type": "responses", "openai.request.service_tier": "priority"},
    )
    minimal = ADAPTER.parse_request(
        instance, {"model": "gpt-4.1", "input": "Hi", "conversation": "conv_9"}, RESP
    )
    assert minimal == RequestInfo(
        provider="openai",
        model="gpt-4.1",
        server_address="api.openai.com",
        server_port=443,
        conversation_id="conv_9",
        attributes=RESP_TYPE,
    )


def test_responses_parse_helper(spy):
    spy.on(RESP_MODULE, "Responses.parse")
    body = b.response([b.output_message('{"city":"Paris","temperature_c":18}')])
    parsed = sync_client(ok(body)).responses.parse(model="gpt-4.1", input="Weather?", text_format=Weather)
    assert parsed.output_parsed == Weather(city="Paris", temperature_c=18)
    instance, kwargs = spy.last
    assert ADAPTER.parse_request(instance, kwargs, RESP_PARSE).output_type == "json"
    assert ADAPTER.parse_response(parsed, RESP_PARSE, False).finish_reasons == ("completed",)


def test_responses_request_content():
    client = sync_client(ok(b.response_reasoning()), ok(b.response_function_call()))
    earlier = client.responses.create(model="o4-mini", input="Which is larger?").output  # models sent back
    call = client.responses.create(model="gpt-4.1", input="Weather?").output
    kwargs = {
        "model": "gpt-4.1",
        "instructions": "You are a weather bot.",
        "input": [
            {"role": "user", "content": "Which is larger, 9.11 or 9.9?"},
            *earlier,
            {
                "type": "message",
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "And these?"},
                    {"type": "input_image", "image_url": "https://example.com/a.png", "detail": "auto"},
                    {"type": "input_image", "image_url": f"data:image/jpeg;base64,{JPEG}", "detail": "low"},
                    {"type": "input_image", "file_id": "file-img1", "detail": "high"},
                    {
                        "type": "input_file",
                        "filename": "a.pdf",
                        "file_data": f"data:application/pdf;base64,{PDF}",
                    },
                    {"type": "input_file", "file_url": "https://example.com/b.pdf"},
                    {"type": "input_audio", "input_audio": {"data": WAV, "format": "wav"}},
                ],
            },
            *call,
            {
                "type": "function_call_output",
                "call_id": "call_q8xYPmO3rQ2sL1kN0jH9gF7d",
                "output": '{"temp":18}',
            },
            {"type": "item_reference", "id": "msg_abc"},
        ],
        "tools": [
            {
                "type": "function",
                "name": "get_weather",
                "description": "Get the weather",
                "parameters": WEATHER_SCHEMA,
                "strict": True,
            },
            {"type": "web_search"},
        ],
    }
    assert ADAPTER.request_content(client.responses, kwargs, RESP) == RequestContent(
        input_messages=[
            message("user", [text_part("Which is larger, 9.11 or 9.9?")]),
            message(
                "assistant",
                [reasoning_part("**Comparing numbers**\n\n9.11 < 9.9."), text_part("9.9 is larger.")],
            ),
            message(
                "user",
                [
                    text_part("And these?"),
                    uri_part("image", "https://example.com/a.png"),
                    blob_part("image", JPEG, "image/jpeg"),
                    file_part("image", "file-img1"),
                    blob_part("document", PDF, "application/pdf"),
                    uri_part("document", "https://example.com/b.pdf"),
                    blob_part("audio", WAV, "audio/wav"),
                ],
            ),
            message(
                "assistant",
                [
                    tool_call_part(
                        "call_q8xYPmO3rQ2sL1kN0jH9gF7d", "get_weather", {"location": "Paris, France"}
                    ),
                ],
            ),
            message("tool", [tool_call_response_part("call_q8xYPmO3rQ2sL1kN0jH9gF7d", '{"temp":18}')]),
            message("assistant", [generic_part("item_reference")]),
        ],
        system_instructions=[text_part("You are a weather bot.")],
        tool_definitions=[
            {
                "type": "function",
                "name": "get_weather",
                "description": "Get the weather",
                "parameters": WEATHER_SCHEMA,
            },
            {"type": "web_search", "name": "web_search"},
        ],
    )
    simple = ADAPTER.request_content(client.responses, {"input": "Hi"}, RESP)
    assert simple == RequestContent(input_messages=[message("user", [text_part("Hi")])], tool_definitions=[])


def test_responses_parse_response_plain_function_call_reasoning_incomplete():
    client = sync_client(
        ok(b.response()),
        ok(b.response_function_call()),
        ok(b.response_reasoning()),
        ok(b.response_incomplete()),
    )
    plain = client.responses.create(model="gpt-4.1", input="Hi")
    assert ADAPTER.parse_response(plain, RESP, True) == ResponseInfo(
        response_id=b.RESP_ID,
        response_model="gpt-4.1-2025-04-14",
        finish_reasons=("completed",),  # the status, as sent: the API has no per-choice reason
        usage=Usage(
            input_tokens=36,
            output_tokens=87,
            cache_read_input_tokens=0,
            cache_write_input_tokens=0,
            reasoning_output_tokens=0,
        ),
        output_messages=[
            message("assistant", [text_part("Hello! How can I help you today?")], finish_reason="stop")
        ],
        attributes={"openai.response.service_tier": "default"},
    )
    call = ADAPTER.parse_response(client.responses.create(model="gpt-4.1", input="Weather?"), RESP, True)
    assert call.finish_reasons == ("completed",)
    assert call.output_messages == [
        message(
            "assistant",
            [tool_call_part("call_q8xYPmO3rQ2sL1kN0jH9gF7d", "get_weather", {"location": "Paris, France"})],
            finish_reason="tool_call",  # completed, waiting for the caller's tool
        )
    ]
    reasoning = ADAPTER.parse_response(client.responses.create(model="o4-mini", input="?"), RESP, True)
    assert reasoning.usage is not None and reasoning.usage.reasoning_output_tokens == 192
    assert reasoning.output_messages == [
        message(
            "assistant",
            [reasoning_part("**Comparing numbers**\n\n9.11 < 9.9."), text_part("9.9 is larger.")],
            finish_reason="stop",
        )
    ]
    incomplete = ADAPTER.parse_response(client.responses.create(model="gpt-4.1", input="?"), RESP, True)
    assert incomplete.finish_reasons == ("max_output_tokens",)  # incomplete_details.reason, as sent
    assert [m["finish_reason"] for m in incomplete.output_messages] == ["length"]


def test_responses_stream_reads_the_final_response():
    events = list(
        sync_client(sse(b.response_stream())).responses.create(model="gpt-4.1", input="Hi", stream=True)
    )
    assert fold(RESP, events) == ResponseInfo(
        response_id=b.RESP_ID,
        response_model="gpt-4.1-2025-04-14",
        finish_reasons=("completed",),
        usage=Usage(
            input_tokens=9,
            output_tokens=7,
            cache_read_input_tokens=0,
            cache_write_input_tokens=0,
            reasoning_output_tokens=0,
        ),
        output_messages=[message("assistant", [text_part("Hello! How can I help?")], finish_reason="stop")],
        attributes={"openai.response.service_tier": "default"},
    )
    assert fold(RESP, events, capture=False).output_messages == ()
    assert fold(RESP, []) == ResponseInfo()


def test_responses_stream_failures_set_error_type():
    client = sync_client(sse(b.response_stream_failed()), sse(b.response_stream_error_event()))
    failed = fold(RESP, list(client.responses.create(model="gpt-4.1", input="Hi", stream=True)))
    assert (failed.finish_reasons, failed.error_type, failed.response_id) == (
        ("failed",),
        "server_error",
        b.RESP_ID,
    )
    error = fold(RESP, list(client.responses.create(model="gpt-4.1", input="Hi", stream=True)))
    assert (error.finish_reasons, error.error_type) == (("error",), "rate_limit_exceeded")


def test_responses_stream_cut_off_keeps_the_deltas():
    events = list(
        sync_client(sse(b.response_stream_cut_off())).responses.create(
            model="gpt-4.1", input="Hi", stream=True
        )
    )
    info = fold(RESP, events)
    assert (info.response_id, info.finish_reasons, info.usage, info.error_type) == (
        b.RESP_ID,
        ("error",),
        None,
        None,
    )
    assert info.output_messages == [
        message("assistant", [text_part("Partial answer")], finish_reason="error")
    ]


async def test_async_responses_stream(spy):
    spy.on(RESP_MODULE, "AsyncResponses.create")
    client = async_client(sse(b.response_stream()))
    async with client.responses.stream(model="gpt-4.1", input="Hi") as stream:
        await stream.until_done()
    instance, kwargs = spy.last
    assert ADAPTER.parse_request(instance, kwargs, ARESP).stream is True
    events = [
        e
        async for e in await async_client(sse(b.response_stream())).responses.create(
            model="gpt-4.1", input="Hi", stream=True
        )
    ]
    assert fold(ARESP, events).finish_reasons == ("completed",)


def test_beta_responses_create_is_read_like_responses(spy):
    beta = target("Responses.create", "openai.resources.beta.responses")
    spy.on(beta.module, beta.method)
    result = sync_client(ok(b.response())).beta.responses.create(model="gpt-4.1", input="Hi", temperature=0.2)
    instance, kwargs = spy.last
    info = ADAPTER.parse_request(instance, kwargs, beta)
    assert (info.model, info.temperature, info.attributes) == ("gpt-4.1", 0.2, RESP_TYPE)
    parsed = ADAPTER.parse_response(result, beta, True)
    assert (parsed.response_id, parsed.finish_reasons) == (b.RESP_ID, ("completed",))
    assert parsed.output_messages == [
        message("assistant", [text_part("Hello! How can I help you today?")], finish_reason="stop")
    ]


def test_raw_parse_errors_stay_with_the_caller():
    body = b.chat_completion()
    body["choices"][0]["finish_reason"] = "length"
    raw = sync_client(ok(body)).chat.completions.with_raw_response.parse(
        model=b.MODEL, messages=HELLO, response_format=Weather
    )
    assert ADAPTER.unwrap(raw, CHAT_PARSE) is raw  # parse() raises LengthFinishReasonError
    with pytest.raises(openai.LengthFinishReasonError):
        raw.parse()


# --- embeddings and legacy completions -----------------------------------------------------------------


def test_embeddings(spy):
    spy.on("openai.resources.embeddings", "Embeddings.create")
    client = sync_client(
        ok(b.embeddings("float")), ok(b.embeddings("base64", count=2)), ok(b.embeddings("base64"))
    )
    result = client.embeddings.create(model=b.EMBEDDING_MODEL, input="Hello", encoding_format="float")
    instance, kwargs = spy.last
    assert ADAPTER.parse_request(instance, kwargs, EMBED) == RequestInfo(
        provider="openai",
        model=b.EMBEDDING_MODEL,
        server_address="api.openai.com",
        server_port=443,
        encoding_formats=["float"],
    )
    expected = ResponseInfo(
        response_model=b.EMBEDDING_MODEL, usage=Usage(input_tokens=5), embedding_dimensions=1536
    )
    assert ADAPTER.parse_response(result, EMBED, True) == expected
    raw64 = client.embeddings.create(model=b.EMBEDDING_MODEL, input=["a", "b"], encoding_format="base64")
    assert isinstance(raw64.data[0].embedding, str)
    assert ADAPTER.parse_response(raw64, EMBED, False).embedding_dimensions == 1536
    # no encoding_format: the SDK asks for base64 on the wire and decodes; the caller asked for nothing
    decoded = client.embeddings.create(model=b.EMBEDDING_MODEL, input="Hello")
    instance, kwargs = spy.last
    assert ADAPTER.parse_request(instance, kwargs, EMBED).encoding_formats is None
    assert ADAPTER.parse_response(decoded, EMBED, False) == expected
    assert ADAPTER.request_content(instance, kwargs, EMBED) == RequestContent()
    assert fold(EMBED, [object()]) == ResponseInfo()


def test_legacy_completions(spy):
    spy.on("openai.resources.completions", "Completions.create")
    client = sync_client(ok(b.completion()), sse(b.completion_stream(include_usage=True)))
    kwargs = {
        "model": b.INSTRUCT_MODEL,
        "prompt": "Say this is a test",
        "max_tokens": 7,
        "temperature": 0,
        "n": 1,
    }
    result = client.completions.create(**kwargs)
    instance, seen = spy.last
    assert ADAPTER.parse_request(instance, seen, LEGACY) == RequestInfo(
        provider="openai",
        model=b.INSTRUCT_MODEL,
        server_address="api.openai.com",
        server_port=443,
        temperature=0.0,
        max_tokens=7,
    )
    assert ADAPTER.request_content(instance, seen, LEGACY).input_messages == [
        message("user", [text_part("Say this is a test")])
    ]
    usage = Usage(input_tokens=5, output_tokens=7)
    assert ADAPTER.parse_response(result, LEGACY, True) == ResponseInfo(
        response_id=b.COMPLETION_ID,
        response_model=b.INSTRUCT_RESPONSE_MODEL,
        finish_reasons=("length",),
        usage=usage,
        output_messages=[
            message("assistant", [text_part("\n\nThis is indeed a test")], finish_reason="length")
        ],
    )
    stream = client.completions.create(**kwargs, stream=True, stream_options={"include_usage": True})
    assert ADAPTER.is_stream(stream, LEGACY)
    assert fold(LEGACY, list(stream)) == ResponseInfo(
        response_id=b.COMPLETION_ID,
        response_model=b.INSTRUCT_RESPONSE_MODEL,
        finish_reasons=("length",),
        usage=usage,
        output_messages=[
            message("assistant", [text_part("\n\nThis is indeed a test")], finish_reason="length")
        ],
    )


# --- robustness ------------------------------------------------------------------------------------------


class Odd:
    choices = [None, {"finish_reason": None}]
    usage = "not a usage"
    output = "not a list"
    status = 3
    data = [object()]


@pytest.mark.parametrize("tgt", TARGETS, ids=lambda t: f"{t.module}:{t.method}")
def test_every_function_is_total_on_odd_input(tgt):
    for result in (None, object(), {}, Odd(), "text"):
        for capture in (False, True):
            assert isinstance(ADAPTER.parse_response(result, tgt, capture), ResponseInfo)
    odd_kwargs = {
        "model": 3,
        "messages": "x",
        "input": 5,
        "tools": "y",
        "stop": 7,
        "n": "2",
        "reasoning": "r",
        "response_format": 1,
        "text": [],
        "conversation": 4,
        "extra_body": {"top_k": "x"},
    }
    assert ADAPTER.parse_request(object(), odd_kwargs, tgt).model is None
    assert isinstance(ADAPTER.request_content(object(), odd_kwargs, tgt), RequestContent)
    acc = ADAPTER.new_accumulator(tgt, True)
    for chunk in (None, object(), Odd(), {"type": "response.output_text.delta"}):
        acc.add(chunk)
    assert isinstance(acc.finish(), ResponseInfo)
    assert ADAPTER.unwrap(None, tgt) is None and not ADAPTER.is_stream(None, tgt)


def adapter_files() -> Iterator[pathlib.Path]:
    package = pathlib.Path(importlib.import_module("genai_otel.providers.openai").__file__ or "").parent
    yield from sorted(package.glob("*.py"))
    yield package.parent / "_endpoints.py"


ALLOWED_INTERNAL = {
    "_parts",
    "adapter",
    "_telemetry",
    "_endpoints",
    "_credentials",
    "_common",
    "_values",
    "_chunks",
    "chat",
    "completions",
    "embeddings",
    "responses",
    "responses_content",
}


def test_adapter_imports_no_opentelemetry_and_only_leaf_modules():
    for path in adapter_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
                if node.level:  # relative: only the contract, semconv constants and siblings
                    assert (node.module or "").split(".")[-1] in ALLOWED_INTERNAL | {""}, (path, node.module)
            else:
                continue
            assert not any(n.startswith(("opentelemetry", "wrapt")) for n in names), (path, names)

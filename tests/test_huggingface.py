"""End to end through the real, unmodified ``huggingface_hub`` inference clients.

``InferenceClient`` / ``AsyncInferenceClient`` talk to the replay transport: the SDK's own
``set_client_factory`` / ``set_async_client_factory`` hooks hand it httpx2 clients built like its
defaults (same event hooks) over a ``MockTransport``, so provider routing, payloads, SSE parsing
and error mapping are the SDK's. The model-to-provider mapping normally comes from a Hub API call
(cached per model); most tests put it in the SDK's own ``HARDCODED_MODEL_INFERENCE_MAPPING``
and one test serves the Hub call. The token is ``hf_test_not_real``; no request leaves the process.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import httpx2
import huggingface_hub
import pytest
from huggingface_hub import AsyncInferenceClient, InferenceClient, InferenceTimeoutError
from huggingface_hub import constants as hf_constants
from huggingface_hub.errors import GenerationError, HfHubHTTPError, ValidationError
from huggingface_hub.hf_api import InferenceProviderMapping
from huggingface_hub.inference import _common as hf_common
from huggingface_hub.inference._client import InferenceClient as ClientClass
from huggingface_hub.inference._providers import _common as providers_common
from huggingface_hub.utils import _http as hf_http
from opentelemetry.trace import SpanKind, StatusCode
from packaging.version import Version

import genai_otel
from bodies.huggingface_bodies import (
    CHAT_ID,
    EMBED_MODEL,
    GROQ_ID,
    GROQ_MODEL,
    LOADING,
    MODEL,
    ROUTER_HEADERS,
    TGI_STREAM_ERROR,
    TGI_TEXT,
    TGI_VALIDATION,
    TOGETHER_MODEL,
    TOKEN,
    TOOL_CALL_ID,
    UNUSED_KWARGS,
    chat,
    chat_chunks,
    chat_tool_call,
    groq_reasoning,
    groq_reasoning_chunks,
    hub_model,
    model_not_found,
    rate_limited,
    tgi_generate,
    tgi_stream_events,
    together_embeddings,
    together_mapping,
    tool_call_chunks,
)
from replay import Replay, Reply, sse_events
from spans import span_attrs

TGI_URL = "http://localhost:8080"
#: From huggingface_hub 2.5 a chat call routed with an HF token goes to the router's own
#: OpenAI-compatible endpoint with ``model="{model}:{provider}"`` (no Hub mapping call); before, it
#: went to ``router.huggingface.co/{provider}/...`` with the provider's id from the Hub mapping.
ROUTER_CHAT = Version(huggingface_hub.__version__) >= Version("2.5")


def routed_chat(provider_path: str) -> str:
    """The URL of a chat call routed through the router, as the installed SDK builds it."""
    path = "v1/chat/completions" if ROUTER_CHAT else provider_path
    return f"https://router.huggingface.co/{path}"


def routed_model(provider: str, provider_id: str) -> str:
    """The ``model`` the SDK sends for a chat call routed to ``provider``."""
    return f"{MODEL}:{provider}" if ROUTER_CHAT else provider_id


CONTENT_KEYS = (
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.definitions",
)


# --- the network ----------------------------------------------------------------------------------------


def _mapping(provider: str, model: str, provider_id: str, task: str) -> InferenceProviderMapping:
    return InferenceProviderMapping(
        provider=provider, hf_model_id=model, providerId=provider_id, status="live", task=task
    )


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Replay]]:
    """``serve(*replies)`` routes the SDK's HTTP clients to a fresh ``Replay``."""
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", False)  # the request hook would refuse
    monkeypatch.setitem(
        providers_common.HARDCODED_MODEL_INFERENCE_MAPPING,
        "together",
        {
            MODEL: _mapping("together", MODEL, TOGETHER_MODEL, "conversational"),
            EMBED_MODEL: _mapping("together", EMBED_MODEL, EMBED_MODEL, "feature-extraction"),
        },
    )
    monkeypatch.setitem(
        providers_common.HARDCODED_MODEL_INFERENCE_MAPPING,
        "groq",
        {
            GROQ_MODEL: _mapping("groq", GROQ_MODEL, GROQ_MODEL, "conversational"),
            MODEL: _mapping("groq", MODEL, "llama-3.3-70b-versatile", "conversational"),
        },
    )
    for name in ("cohere", "fireworks-ai"):
        monkeypatch.setitem(
            providers_common.HARDCODED_MODEL_INFERENCE_MAPPING,
            name,
            {MODEL: _mapping(name, MODEL, MODEL, "conversational")},
        )

    def start(*replies: Reply) -> Replay:
        replay = Replay(*replies)
        transport = httpx2.MockTransport(replay.handler)
        hf_http.set_client_factory(
            lambda: httpx2.Client(
                transport=transport,
                event_hooks={"request": [hf_http.hf_request_event_hook]},
                follow_redirects=True,
                timeout=None,
            )
        )
        hf_http.set_async_client_factory(
            lambda: httpx2.AsyncClient(
                transport=transport,
                event_hooks={
                    "request": [hf_http.async_hf_request_event_hook],
                    "response": [hf_http.async_hf_response_event_hook],
                },
                follow_redirects=True,
                timeout=None,
            )
        )
        return replay

    yield start
    hf_http.set_client_factory(hf_http.default_client_factory)
    hf_http.set_async_client_factory(hf_http.default_async_client_factory)


def sse(chunks: list[dict[str, Any]]) -> Reply:
    return Reply(sse=sse_events([(None, c) for c in chunks] + [(None, "[DONE]")]), headers=ROUTER_HEADERS)


def tgi_sse(events: list[dict[str, Any]]) -> Reply:
    """TGI writes ``data:{json}`` (no space) and ends without ``[DONE]``."""
    body = "".join(f"data:{json.dumps(e)}\n\n" for e in events)
    return Reply(stream=body, stream_separator="\n\n", content_type="text/event-stream")


# --- the call matrix ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mode:
    asynchronous: bool
    stream: bool

    def __str__(self) -> str:
        return f"{'async' if self.asynchronous else 'sync'}-{'stream' if self.stream else 'plain'}"


MODES = [Mode(a, s) for a in (False, True) for s in (False, True)]
STREAM_MODES = [m for m in MODES if m.stream]


@pytest.fixture(params=MODES, ids=str)
def mode(request: pytest.FixtureRequest) -> Mode:
    return request.param


def client_for(mode: Mode, **options: Any) -> Any:
    options.setdefault("token", TOKEN)
    return (AsyncInferenceClient if mode.asynchronous else InferenceClient)(**options)


def plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


async def call(mode: Mode, client: Any, method: str, *args: Any, **params: Any) -> Any:
    """One call made as ``mode`` says and read to the end; what the caller got, as plain data."""
    if mode.stream:
        params["stream"] = True
    fn = client.chat.completions.create if method == "alias" else getattr(client, method)
    try:
        result = fn(*args, **params)
        if mode.asynchronous:
            result = await result
            return [plain(c) async for c in result] if mode.stream else plain(result)
        return [plain(c) for c in result] if mode.stream else plain(result)
    finally:
        closed = client.close()
        if mode.asynchronous:
            await closed


async def raised(awaitable: Any) -> BaseException:
    try:
        await awaitable
    except Exception as exc:
        return exc
    raise AssertionError("the call did not raise")


MESSAGES = [{"role": "user", "content": "Hello"}]


async def chat_call(mode: Mode, serve: Any, reply: Reply | None = None, **params: Any) -> tuple[Any, Replay]:
    replay = serve(
        reply or (sse(chat_chunks()) if mode.stream else Reply(json_body=chat(), headers=ROUTER_HEADERS))
    )
    client = client_for(mode, provider="together")
    return await call(mode, client, "chat_completion", MESSAGES, model=MODEL, **params), replay


def chat_start(mode: Mode, **extra: Any) -> dict[str, Any]:
    attrs = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "together_ai",
        "gen_ai.request.model": MODEL,
        "server.address": "router.huggingface.co",
        "server.port": 443,
    }
    if mode.stream:
        attrs["gen_ai.request.stream"] = True
    return {**attrs, **extra}


CHAT_RESPONSE = {
    "gen_ai.response.id": CHAT_ID,
    "gen_ai.response.model": TOGETHER_MODEL,
    "gen_ai.response.finish_reasons": ("stop",),
    "gen_ai.usage.input_tokens": 42,
    "gen_ai.usage.output_tokens": 9,
}


# --- chat ------------------------------------------------------------------------------------------------


async def test_chat_one_client_span_with_exactly_the_semconv_attributes(otel, serve, mode):
    result, replay = await chat_call(mode, serve)
    assert result
    span = otel.span()
    assert span.name == f"chat {MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    assert span.events == ()
    assert span_attrs(span, mode.stream) == {**chat_start(mode), **CHAT_RESPONSE}
    [request] = replay.requests
    assert str(request.url) == routed_chat("together/v1/chat/completions")
    assert replay.bodies[0]["model"] == routed_model("together", TOGETHER_MODEL)


async def test_chat_result_is_what_the_uninstrumented_sdk_returns(otel, serve, mode):
    genai_otel.uninstrument()
    expected, _ = await chat_call(
        mode, serve, (sse(tool_call_chunks()) if mode.stream else Reply(json_body=chat_tool_call()))
    )
    assert otel.spans() == []
    otel.instrument()
    got, _ = await chat_call(
        mode, serve, (sse(tool_call_chunks()) if mode.stream else Reply(json_body=chat_tool_call()))
    )
    assert got == expected
    assert len(otel.spans()) == 1


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_openai_style_alias_and_keyword_messages(otel, serve, asynchronous):
    mode = Mode(asynchronous, False)
    serve(Reply(json_body=chat(), headers=ROUTER_HEADERS))
    client = client_for(mode, provider="together", model=MODEL)  # model on the client
    await call(mode, client, "alias", messages=MESSAGES)
    assert span_attrs(otel.span(), False) == {**chat_start(mode), **CHAT_RESPONSE}


async def test_chat_request_parameters_only_when_passed(otel, serve, mode):
    params = {
        "temperature": 0.2,
        "top_p": 0.9,
        "max_tokens": 64,
        "stop": ["END"],
        "seed": 7,
        "frequency_penalty": 0.5,
        "presence_penalty": 0.25,
        "n": 2,
        "response_format": {"type": "json_object"},
        "extra_body": {"top_k": 40},
    }
    _, replay = await chat_call(mode, serve, **params)
    sent = replay.bodies[0]
    assert (sent["top_k"], sent["n"], sent["response_format"]) == (40, 2, {"type": "json_object"})
    attrs = span_attrs(otel.span(), mode.stream)
    requested = {
        k: v for k, v in attrs.items() if k.startswith("gen_ai.request.") or k == "gen_ai.output.type"
    }
    expected = {
        "gen_ai.request.model": MODEL,
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.top_k": 40,
        "gen_ai.request.max_tokens": 64,
        "gen_ai.request.stop_sequences": ("END",),
        "gen_ai.request.seed": 7,
        "gen_ai.request.frequency_penalty": 0.5,
        "gen_ai.request.presence_penalty": 0.25,
        "gen_ai.request.choice.count": 2,
        "gen_ai.output.type": "json",
    }
    if mode.stream:
        expected["gen_ai.request.stream"] = True
    assert requested == expected


async def test_chat_reports_no_parameter_that_was_not_passed(otel, serve, mode):
    await chat_call(mode, serve)
    attrs = span_attrs(otel.span(), mode.stream)
    extra = {k for k in attrs if k.startswith("gen_ai.request.")} - {
        "gen_ai.request.model",
        "gen_ai.request.stream",
    }
    assert extra == set()


async def test_cached_and_reasoning_tokens_as_the_upstream_reports_them(otel, serve, mode):
    reply = sse(groq_reasoning_chunks()) if mode.stream else Reply(json_body=groq_reasoning())
    replay = serve(reply)
    await call(mode, client_for(mode, provider="groq"), "chat_completion", MESSAGES, model=GROQ_MODEL)
    assert str(replay.requests[0].url) == routed_chat("groq/openai/v1/chat/completions")
    attrs = span_attrs(otel.span(), mode.stream)
    assert {
        k: v for k, v in attrs.items() if k.startswith(("gen_ai.usage", "gen_ai.response", "gen_ai.provider"))
    } == {
        "gen_ai.provider.name": "groq",
        "gen_ai.response.id": GROQ_ID,
        "gen_ai.response.model": GROQ_MODEL,
        "gen_ai.response.finish_reasons": ("stop",),
        "gen_ai.usage.input_tokens": 2006,  # includes the 1920 cached ones (OpenAI semantics)
        "gen_ai.usage.output_tokens": 300,  # includes the 192 reasoning ones
        "gen_ai.usage.cache_read.input_tokens": 1920,
        "gen_ai.usage.reasoning.output_tokens": 192,
    }


async def test_metrics(otel, serve, mode):
    await chat_call(mode, serve)
    metrics = otel.metrics()
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
    assert set(metrics) == names
    [duration] = metrics["gen_ai.client.inference.duration"]
    assert dict(duration.attributes) == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "together_ai",
        "gen_ai.request.model": MODEL,
        "gen_ai.response.model": TOGETHER_MODEL,
        "server.address": "router.huggingface.co",
        "server.port": 443,
    }
    [tokens] = metrics["gen_ai.client.inference.operation.input_tokens"]
    assert (tokens.count, tokens.sum) == (1, 42)


# --- provider and server ------------------------------------------------------------------------------------


ROUTES = [
    # provider=, token, client model, expected provider name, expected server, URL the SDK called
    (
        "together",
        TOKEN,
        None,
        "together_ai",
        "router.huggingface.co",
        routed_chat("together/v1/chat/completions"),
    ),
    (
        "together",
        "tgp_v1_test-key-not-real",
        None,
        "together_ai",
        "api.together.xyz",
        "https://api.together.xyz/v1/chat/completions",
    ),
    (
        "groq",
        "gsk_test-key-not-real",
        None,
        "groq",
        "api.groq.com",
        "https://api.groq.com/openai/v1/chat/completions",
    ),
    (
        "cohere",
        TOKEN,
        None,
        "cohere",
        "router.huggingface.co",
        routed_chat("cohere/compatibility/v1/chat/completions"),
    ),
    (
        "fireworks-ai",
        TOKEN,
        None,
        "fireworks_ai",
        "router.huggingface.co",
        routed_chat("fireworks-ai/inference/v1/chat/completions"),
    ),
    (
        "openai",
        "sk-test-key-not-real",
        None,
        "openai",
        "api.openai.com",
        "https://api.openai.com/v1/chat/completions",
    ),
    (
        None,
        TOKEN,
        None,
        "huggingface",
        "router.huggingface.co",
        "https://router.huggingface.co/v1/chat/completions",
    ),
    (
        "auto",
        TOKEN,
        None,
        "huggingface",
        "router.huggingface.co",
        "https://router.huggingface.co/v1/chat/completions",
    ),
    (None, TOKEN, TGI_URL, "huggingface", "localhost", "http://localhost:8080/v1/chat/completions"),
    (
        None,
        TOKEN,
        "https://xyz123.us-east-1.aws.endpoints.huggingface.cloud",
        "huggingface",
        "xyz123.us-east-1.aws.endpoints.huggingface.cloud",
        "https://xyz123.us-east-1.aws.endpoints.huggingface.cloud/v1/chat/completions",
    ),
    (
        None,
        "gsk_test-key-not-real",
        "https://api.groq.com/openai/v1",
        "groq",
        "api.groq.com",
        "https://api.groq.com/openai/v1/chat/completions",
    ),
    (
        None,
        TOKEN,
        "http://localhost:8000/v1",
        "vllm",
        "localhost",
        "http://localhost:8000/v1/chat/completions",
    ),
]


@pytest.mark.parametrize(("provider", "token", "base", "name", "address", "url"), ROUTES)
async def test_provider_and_server_follow_the_sdks_routing(
    otel, serve, provider, token, base, name, address, url
):
    replay = serve(Reply(json_body=chat()))
    mode = Mode(False, False)
    client = client_for(mode, provider=provider, token=token, base_url=base)
    await call(mode, client, "chat_completion", MESSAGES, model=MODEL)
    assert str(replay.requests[0].url) == url
    attrs = dict(otel.span().attributes)
    sent = replay.requests[0].url
    assert (attrs["gen_ai.provider.name"], attrs["server.address"], attrs["server.port"]) == (
        name,
        address,
        sent.port or 443,
    )
    assert attrs["gen_ai.request.model"] == MODEL


async def test_the_hub_mapping_call_stays_inside_the_one_span(otel, serve, numpy, monkeypatch):
    """The SDK asks the Hub which id the provider knows the model by (a cached call); that request
    is part of the one embeddings span, not a span of its own. (A routed chat call made the same
    lookup before huggingface_hub 2.5; now the router resolves ``model:provider`` itself.)"""
    monkeypatch.delitem(providers_common.HARDCODED_MODEL_INFERENCE_MAPPING["together"], EMBED_MODEL)
    providers_common._fetch_inference_provider_mapping.cache_clear()
    hub = Reply(
        json_body=hub_model(EMBED_MODEL, together=together_mapping("feature-extraction", EMBED_MODEL))
    )
    replay = serve(hub, Reply(json_body=together_embeddings(1)))
    mode = Mode(False, False)
    try:
        await call(
            mode, client_for(mode, provider="together"), "feature_extraction", "Lyon", model=EMBED_MODEL
        )
    finally:
        providers_common._fetch_inference_provider_mapping.cache_clear()
    assert [r.url.path for r in replay.requests] == [f"/api/models/{EMBED_MODEL}", "/together/v1/embeddings"]
    span = otel.span()  # exactly one
    assert span.name == f"embeddings {EMBED_MODEL}"
    assert span.attributes["gen_ai.provider.name"] == "together_ai"


@pytest.mark.parametrize("provider", [None, "auto"])
async def test_a_model_suffixed_with_a_provider_reports_that_provider(otel, serve, provider):
    """The router sends ``model:provider`` to that provider; ``gen_ai.request.model`` stays what the
    caller asked for."""
    replay = serve(Reply(json_body=chat(), headers=ROUTER_HEADERS))
    mode = Mode(False, False)
    suffixed = f"{MODEL}:groq"
    await call(mode, client_for(mode, provider=provider), "chat_completion", MESSAGES, model=suffixed)
    assert str(replay.requests[0].url) == "https://router.huggingface.co/v1/chat/completions"
    assert replay.bodies[0]["model"] == suffixed
    attrs = otel.span().attributes
    assert (attrs["gen_ai.provider.name"], attrs["server.address"]) == ("groq", "router.huggingface.co")
    assert attrs["gen_ai.request.model"] == suffixed


async def test_a_model_tag_that_names_no_provider_leaves_the_router_as_provider(otel, serve):
    serve(Reply(json_body=chat(), headers=ROUTER_HEADERS))
    mode = Mode(False, False)
    await call(mode, client_for(mode, provider="auto"), "chat_completion", MESSAGES, model=f"{MODEL}:fastest")
    assert otel.span().attributes["gen_ai.provider.name"] == "huggingface"


# --- content ------------------------------------------------------------------------------------------------

IMAGE_URL = "https://upload.wikimedia.org/wikipedia/commons/a/a8/Tour_Eiffel_Wikimedia_Commons.jpg"
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a given location",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string"}},
            "required": ["location"],
        },
    },
}
CONTENT_MESSAGES = [
    {"role": "system", "content": "You are a weather assistant."},
    {
        "role": "user",
        "content": [
            {"type": "image_url", "image_url": {"url": IMAGE_URL}},
            {"type": "text", "text": "Where was this taken, and what is the weather there?"},
        ],
    },
    {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {
                "id": "call_0",
                "type": "function",
                "function": {"name": "get_weather", "arguments": {"location": "Paris"}},
            }
        ],
    },
    {"role": "tool", "tool_call_id": "call_0", "content": "18°C, sunny"},
]
EXPECTED_INPUT = [
    {"role": "system", "parts": [{"type": "text", "content": "You are a weather assistant."}]},
    {
        "role": "user",
        "parts": [
            {"type": "uri", "modality": "image", "uri": IMAGE_URL},
            {"type": "text", "content": "Where was this taken, and what is the weather there?"},
        ],
    },
    {
        "role": "assistant",
        "parts": [
            {"type": "text", "content": ""},
            {"type": "tool_call", "id": "call_0", "name": "get_weather", "arguments": {"location": "Paris"}},
        ],
    },
    {"role": "tool", "parts": [{"type": "tool_call_response", "id": "call_0", "response": "18°C, sunny"}]},
]
EXPECTED_OUTPUT = [
    {
        "role": "assistant",
        "parts": [
            {
                "type": "tool_call",
                "id": TOOL_CALL_ID,
                "name": "get_weather",
                "arguments": {"location": "Lyon, France"},
            }
        ],
        "finish_reason": "tool_call",  # tool_calls (the span's), in the output-message schema's words
    }
]
EXPECTED_TOOLS = [
    {
        "type": "function",
        "name": "get_weather",
        "description": "Get the current weather in a given location",
        "parameters": WEATHER_TOOL["function"]["parameters"],
    }
]


async def content_call(mode: Mode, serve: Any) -> Replay:
    reply = sse(tool_call_chunks()) if mode.stream else Reply(json_body=chat_tool_call())
    replay = serve(reply)
    client = client_for(mode, provider="together")
    await call(
        mode,
        client,
        "chat_completion",
        CONTENT_MESSAGES,
        model=MODEL,
        tools=[WEATHER_TOOL],
        tool_choice="auto",
    )
    return replay


async def test_tool_calls_in_request_and_response_as_semconv_parts(otel, serve, mode):
    otel.instrument(capture_content="SPAN_ONLY")
    await content_call(mode, serve)
    attrs = span_attrs(otel.span(), mode.stream)
    assert json.loads(attrs["gen_ai.input.messages"]) == EXPECTED_INPUT
    assert json.loads(attrs["gen_ai.output.messages"]) == EXPECTED_OUTPUT
    assert json.loads(attrs["gen_ai.tool.definitions"]) == EXPECTED_TOOLS
    assert "gen_ai.system_instructions" not in attrs  # system messages stay in the history
    assert attrs["gen_ai.response.finish_reasons"] == ("tool_calls",)  # as the upstream sent it
    assert (attrs["gen_ai.usage.input_tokens"], attrs["gen_ai.usage.output_tokens"]) == (203, 24)


async def test_reasoning_is_captured_as_a_reasoning_part(otel, serve, mode):
    otel.instrument(capture_content="SPAN_ONLY")
    serve(sse(groq_reasoning_chunks()) if mode.stream else Reply(json_body=groq_reasoning()))
    await call(mode, client_for(mode, provider="groq"), "chat_completion", MESSAGES, model=GROQ_MODEL)
    assert json.loads(otel.span().attributes["gen_ai.output.messages"]) == [
        {
            "role": "assistant",
            "parts": [
                {"type": "reasoning", "content": "The user asks about Lyon."},
                {"type": "text", "content": "Lyon is 18°C and sunny."},
            ],
            "finish_reason": "stop",
        }
    ]


async def test_no_content_by_default(otel, serve, mode, monkeypatch):
    monkeypatch.delenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", raising=False)
    otel.instrument()
    await content_call(mode, serve)
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)
    assert otel.events() == []
    assert "Lyon" not in json.dumps(dict(span.attributes), default=str)


def exported_strings(otel: Any) -> list[str]:
    out: list[str] = []
    for span in otel.spans():
        out += [span.name, json.dumps(dict(span.attributes), default=str)]
        out += [json.dumps(dict(e.attributes), default=str) for e in span.events]
    out += [json.dumps(dict(r.attributes or {}), default=str) + str(r.body) for r in otel.events()]
    out += [json.dumps(dict(p.attributes), default=str) for points in otel.metrics().values() for p in points]
    return out


async def test_the_token_is_never_exported(otel, serve, mode):
    otel.instrument(capture_content="SPAN_AND_EVENT")
    replay = await content_call(mode, serve)
    assert replay.requests[0].headers["authorization"] == f"Bearer {TOKEN}"  # the SDK did send it
    exported = exported_strings(otel)
    assert otel.events() and exported
    assert not [s for s in exported if TOKEN in s]


# --- streams ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_stream_span_ends_on_exhaustion(otel, serve, asynchronous):
    serve(sse(chat_chunks()))
    client = client_for(Mode(asynchronous, True), provider="together")
    if asynchronous:
        stream = await client.chat_completion(MESSAGES, model=MODEL, stream=True)
        chunks = [c async for c in stream]
    else:
        stream = client.chat_completion(MESSAGES, model=MODEL, stream=True)
        chunks = list(stream)
    assert len(chunks) == len(chat_chunks())
    assert span_attrs(otel.span(), True) == {**chat_start(Mode(asynchronous, True)), **CHAT_RESPONSE}


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_stream_early_break_and_close_ends_the_span(otel, serve, asynchronous):
    serve(sse(chat_chunks()))
    client = client_for(Mode(asynchronous, True), provider="together")
    if asynchronous:
        stream = await client.chat_completion(MESSAGES, model=MODEL, stream=True)
        async for _ in stream:
            break
        assert otel.spans() == []
        await stream.aclose()
        await client.close()
    else:
        stream = client.chat_completion(MESSAGES, model=MODEL, stream=True)
        for _ in stream:
            break
        assert otel.spans() == []
        stream.close()
        client.close()
    span = otel.span()
    assert span.status.status_code is StatusCode.UNSET
    attrs = span_attrs(span, True)
    assert attrs["gen_ai.response.id"] == CHAT_ID
    assert attrs["gen_ai.response.finish_reasons"] == ("error",)  # cut before the finish reason
    assert "gen_ai.usage.input_tokens" not in attrs and "error.type" not in attrs


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_error_event_mid_stream(otel, serve, asynchronous):
    events = [(None, c) for c in chat_chunks()[:2]] + [(None, TGI_STREAM_ERROR)]
    serve(Reply(sse=sse_events(events)))
    mode = Mode(asynchronous, True)
    exc = await raised(
        call(mode, client_for(mode, provider="together"), "chat_completion", MESSAGES, model=MODEL)
    )
    assert type(exc) is GenerationError and str(exc) == TGI_STREAM_ERROR["error"]
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    attrs = span_attrs(span, True)
    assert attrs["error.type"] == "huggingface_hub.errors.GenerationError"
    assert (attrs["gen_ai.response.id"], attrs["gen_ai.response.finish_reasons"]) == (CHAT_ID, ("error",))
    assert [e.name for e in span.events] == ["exception"]


# --- failures -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "error_type"),
    [
        (404, model_not_found(), "model_not_found"),  # the upstream's error code
        (429, rate_limited(), "huggingface_hub.errors.HfHubHTTPError"),  # code null: the class
        (503, LOADING, "huggingface_hub.errors.HfHubHTTPError"),  # HF's own body has no code
    ],
    ids=["404-code", "429-null-code", "503-loading"],
)
async def test_http_error(otel, serve, mode, status, body, error_type):
    async def attempt() -> BaseException:
        replay = serve(Reply(status=status, json_body=body, headers=ROUTER_HEADERS))
        client = client_for(mode, provider="together")
        exc = await raised(call(mode, client, "chat_completion", MESSAGES, model=MODEL))
        assert len(replay.requests) == 1
        return exc

    genai_otel.uninstrument()
    expected = await attempt()
    otel.instrument()
    exc = await attempt()
    assert isinstance(exc, HfHubHTTPError)
    assert (type(exc), str(exc), exc.response.status_code) == (type(expected), str(expected), status)

    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span_attrs(span, False) == {**chat_start(mode), "error.type": error_type}
    [event] = span.events
    assert event.name == "exception"
    [duration] = otel.metrics()["gen_ai.client.inference.duration"]
    assert duration.attributes["error.type"] == error_type


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_timeout(otel, serve, asynchronous):
    serve()
    requests: list[Any] = []

    def timeout(request: Any) -> Any:
        requests.append(request)
        raise httpx2.ReadTimeout("timed out", request=request)

    hf_http.set_client_factory(lambda: httpx2.Client(transport=httpx2.MockTransport(timeout)))
    hf_http.set_async_client_factory(lambda: httpx2.AsyncClient(transport=httpx2.MockTransport(timeout)))
    mode = Mode(asynchronous, False)
    exc = await raised(
        call(mode, client_for(mode, provider="together", timeout=5), "chat_completion", MESSAGES, model=MODEL)
    )
    assert type(exc) is InferenceTimeoutError and len(requests) == 1
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "huggingface_hub.InferenceTimeoutError"


# --- text generation (TGI) ----------------------------------------------------------------------------------


def tgi_start(mode: Mode, **extra: Any) -> dict[str, Any]:
    """A model given as a URL names a server, not a model: no ``gen_ai.request.model``."""
    attrs = {
        "gen_ai.operation.name": "text_completion",
        "gen_ai.provider.name": "huggingface",
        "server.address": "localhost",
        "server.port": 8080,
        **extra,
    }
    if mode.stream:
        attrs["gen_ai.request.stream"] = True
    return attrs


@pytest.mark.parametrize("details", [False, True], ids=["text", "details"])
async def test_text_generation(otel, serve, mode, details):
    otel.instrument(capture_content="SPAN_ONLY")
    events = tgi_stream_events()
    replay = serve(tgi_sse(events) if mode.stream else Reply(json_body=tgi_generate(details)))
    client = client_for(mode, model=TGI_URL)  # a TGI server: no provider routing, no Hub call
    params = {"max_new_tokens": 10, "temperature": 0.7, "top_k": 50, "top_p": 0.95, "stop": ["\n"], "seed": 3}
    result = await call(mode, client, "text_generation", "Lyon is", details=details, **params)
    if mode.stream and details:
        assert [c["token"]["text"] for c in result] == [e["token"]["text"] for e in events]
        assert result[-1]["generated_text"] == TGI_TEXT
    elif mode.stream:
        assert result == [e["token"]["text"] for e in events]
    else:
        assert (result["generated_text"] if details else result) == TGI_TEXT
    assert str(replay.requests[0].url) == TGI_URL
    attrs = span_attrs(otel.span(), mode.stream)
    expected = tgi_start(
        mode,
        **{
            "gen_ai.request.max_tokens": 10,
            "gen_ai.request.temperature": 0.7,
            "gen_ai.request.top_k": 50,
            "gen_ai.request.top_p": 0.95,
            "gen_ai.request.stop_sequences": ("\n",),
            "gen_ai.request.seed": 3,
            "gen_ai.input.messages": json.dumps(
                [{"role": "user", "parts": [{"type": "text", "content": "Lyon is"}]}]
            ),
        },
    )
    finish: dict[str, Any] = {}  # no details: TGI says nothing about why it stopped
    if mode.stream and details:
        # the last event carries the details: TGI's own finish reason and both token counts
        expected |= {
            "gen_ai.response.finish_reasons": ("eos_token",),
            "gen_ai.usage.input_tokens": 6,
            "gen_ai.usage.output_tokens": 10,
        }
        output, finish = TGI_TEXT, {"finish_reason": "stop"}  # eos_token, in the schema's words
    elif mode.stream:
        output = "".join(e["token"]["text"] for e in events)  # what the caller got: token texts only
    elif details:
        expected |= {"gen_ai.response.finish_reasons": ("length",), "gen_ai.usage.output_tokens": 9}
        output, finish = TGI_TEXT, {"finish_reason": "length"}
    else:
        output = TGI_TEXT
    out = json.loads(attrs.pop("gen_ai.output.messages"))
    assert out == [{"role": "assistant", "parts": [{"type": "text", "content": output}], **finish}]
    attrs["gen_ai.input.messages"] = json.dumps(json.loads(attrs["gen_ai.input.messages"]))
    assert attrs == expected


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_text_generation_validation_error(otel, serve, asynchronous):
    serve(Reply(status=422, json_body=TGI_VALIDATION))
    mode = Mode(asynchronous, False)
    exc = await raised(
        call(mode, client_for(mode, model=TGI_URL), "text_generation", "Lyon is", max_new_tokens=200)
    )
    assert type(exc) is ValidationError
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "huggingface_hub.errors.ValidationError"


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
async def test_text_generation_retry_without_unused_parameters_is_one_span(
    otel, serve, asynchronous, monkeypatch
):
    monkeypatch.setattr(hf_common, "_UNSUPPORTED_TEXT_GENERATION_KWARGS", {})
    replay = serve(
        Reply(status=400, json_body=UNUSED_KWARGS), Reply(json_body=[{"generated_text": TGI_TEXT}])
    )
    mode = Mode(asynchronous, False)
    with pytest.warns(UserWarning, match="not served via TGI"):
        # the model as an argument: the SDK files the rejected parameters under it for the retry
        result = await call(
            mode, client_for(mode), "text_generation", "Lyon is", model=TGI_URL, watermark=True
        )
    assert result == TGI_TEXT
    assert [("watermark" in (b.get("parameters") or {})) for b in replay.bodies] == [True, False]
    span = otel.span()  # the SDK's own retry ran inside the first call's span
    assert span.status.status_code is StatusCode.UNSET
    assert span.attributes["gen_ai.operation.name"] == "text_completion"


# --- embeddings ---------------------------------------------------------------------------------------------


class _FakeArray:
    def __init__(self, data: Any) -> None:
        self.data = data
        shape = []
        while isinstance(data, list):
            shape.append(len(data))
            data = data[0] if data else None
        self.shape = tuple(shape)


@pytest.fixture
def numpy(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The SDK turns embeddings into a numpy array; numpy is optional and may be absent here."""
    try:
        import numpy as np
    except ImportError:
        np = SimpleNamespace(array=lambda data, dtype=None: _FakeArray(data))
        monkeypatch.setitem(sys.modules, "numpy", np)
        monkeypatch.setattr(hf_common, "is_numpy_available", lambda: True)
    return np


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("count", [1, 3])
async def test_feature_extraction(otel, serve, numpy, asynchronous, count):
    replay = serve(Reply(json_body=together_embeddings(count)))
    mode = Mode(asynchronous, False)
    texts = "Lyon" if count == 1 else ["Lyon", "Paris", "Nice"]
    result = await call(
        mode, client_for(mode, provider="together"), "feature_extraction", texts, model=EMBED_MODEL
    )
    assert result.shape == (count, 768)
    assert str(replay.requests[0].url) == "https://router.huggingface.co/together/v1/embeddings"
    span = otel.span()
    assert span.name == f"embeddings {EMBED_MODEL}"
    assert dict(span.attributes) == {
        "gen_ai.operation.name": "embeddings",
        "gen_ai.provider.name": "together_ai",
        "gen_ai.request.model": EMBED_MODEL,
        "server.address": "router.huggingface.co",
        "server.port": 443,
        "gen_ai.embeddings.dimension.count": 768,
    }
    assert "gen_ai.client.inference.duration" not in otel.metrics()


async def test_feature_extraction_error(otel, serve):
    serve(Reply(status=404, json_body=model_not_found(EMBED_MODEL)))
    mode = Mode(False, False)
    exc = await raised(
        call(mode, client_for(mode, provider="together"), "feature_extraction", "Lyon", model=EMBED_MODEL)
    )
    assert isinstance(exc, HfHubHTTPError)
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "model_not_found"


# --- instrumentation lifecycle ------------------------------------------------------------------------------


async def test_uninstrument_restores_the_sdk(otel, serve):
    assert type(vars(ClientClass)["chat_completion"]).__name__ == "FunctionWrapper"
    genai_otel.uninstrument()
    for method in ("chat_completion", "text_generation", "feature_extraction"):
        assert type(vars(ClientClass)[method]).__name__ == "function"
        assert type(vars(AsyncInferenceClient)[method]).__name__ == "function"
    await chat_call(Mode(False, False), serve)
    assert otel.spans() == []

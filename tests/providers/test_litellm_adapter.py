"""The LiteLLM adapter's pure functions: routing (provider, model, server), request parameters,
usage as LiteLLM reports it, and the stream accumulator, without a network call."""

from __future__ import annotations

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # else litellm fetches it at import

from collections.abc import Iterator
from typing import Any

import litellm
import pydantic
import pytest

from genai_otel.providers.litellm import ADAPTER, TARGETS, StreamAccumulator, _route

CHAT, ACHAT, EMBEDDING = TARGETS[0], TARGETS[1], TARGETS[2]


@pytest.fixture(autouse=True)
def fresh_routes() -> Iterator[None]:
    """Each test resolves anew (and, as every test, may not touch the network: an OAuth flow, a
    secret manager; tests/conftest.py's guard fails it)."""
    _route.route.cache_clear()
    yield
    _route.route.cache_clear()


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"model": "gpt-4o-mini"}, ("openai", "gpt-4o-mini", None, None)),
        ({"model": "claude-haiku-4-5"}, ("anthropic", "claude-haiku-4-5", None, None)),
        ({"model": "anthropic/claude-haiku-4-5"}, ("anthropic", "claude-haiku-4-5", None, None)),
        ({"model": "groq/llama-3.3-70b-versatile"}, ("groq", "llama-3.3-70b-versatile", "api.groq.com", 443)),
        ({"model": "ollama/llama3"}, ("ollama", "llama3", "localhost", 11434)),
        ({"model": "llama3", "custom_llm_provider": "ollama"}, ("ollama", "llama3", "localhost", 11434)),
        (
            {"model": "azure/my-deployment", "api_base": "https://myres.openai.azure.com"},
            ("azure.ai.openai", "my-deployment", "myres.openai.azure.com", 443),
        ),
        ({"model": "azure_ai/mistral-large"}, ("azure.ai.inference", "mistral-large", None, None)),
        (
            {"model": "bedrock/anthropic.claude-3-haiku-20240307-v1:0"},
            ("aws.bedrock", "anthropic.claude-3-haiku-20240307-v1:0", None, None),
        ),
        ({"model": "vertex_ai/gemini-2.0-flash"}, ("gcp.vertex_ai", "gemini-2.0-flash", None, None)),
        ({"model": "gemini/gemini-2.0-flash"}, ("gcp.gemini", "gemini-2.0-flash", None, None)),
        ({"model": "mistral/mistral-small"}, ("mistral_ai", "mistral-small", "api.mistral.ai", 443)),
        ({"model": "cohere/command-r-plus"}, ("cohere", "command-r-plus", None, None)),
        ({"model": "xai/grok-3"}, ("x_ai", "grok-3", "api.x.ai", 443)),
        ({"model": "deepseek/deepseek-chat"}, ("deepseek", "deepseek-chat", "api.deepseek.com", 443)),
        ({"model": "perplexity/sonar"}, ("perplexity", "sonar", "api.perplexity.ai", 443)),
        (
            {"model": "openrouter/anthropic/claude-3.5-sonnet"},
            ("openrouter", "anthropic/claude-3.5-sonnet", None, None),
        ),
        # no semconv value: LiteLLM's own name
        (
            {"model": "huggingface/meta-llama/Llama-3.1-8B"},
            ("huggingface", "meta-llama/Llama-3.1-8B", None, None),
        ),
        # "openai/" is any OpenAI-compatible server: the base URL tells which
        (
            {"model": "openai/llama3", "api_base": "http://localhost:8000/v1"},
            ("vllm", "llama3", "localhost", 8000),
        ),
        (
            {"model": "gpt-4o-mini", "base_url": "https://api.groq.com/openai/v1"},
            ("groq", "gpt-4o-mini", "api.groq.com", 443),
        ),
        (
            {"model": "hosted_vllm/llama", "api_base": "http://gpu-box:8000/v1"},
            ("vllm", "llama", "gpu-box", 8000),
        ),
        # resolving these runs an OAuth device flow: taken as declared, nothing sent
        ({"model": "github_copilot/gpt-4o"}, ("github_copilot", "gpt-4o", None, None)),
        ({"model": "gpt-5", "custom_llm_provider": "chatgpt"}, ("chatgpt", "gpt-5", None, None)),
        # LiteLLM cannot route these (the call fails the same way)
        ({"model": "no-such-model-xyz"}, ("litellm", "no-such-model-xyz", None, None)),
        ({"model": "nowhere/some-model"}, ("litellm", "nowhere/some-model", None, None)),
        ({}, ("litellm", None, None, None)),
        ({"model": 42}, ("litellm", None, None, None)),
    ],
)
def test_provider_model_and_server_as_litellm_routes_them(kwargs, expected):
    info = ADAPTER.parse_request(None, kwargs, CHAT)
    assert info is not None
    assert (info.provider, info.model, info.server_address, info.server_port) == expected


def test_an_openai_clients_base_url_gives_the_server(monkeypatch):
    import openai

    client = openai.OpenAI(api_key="sk-proj-FAKE-test-key-not-real", base_url="http://localhost:11434/v1")
    info = ADAPTER.parse_request(None, {"model": "openai/llama3", "client": client}, CHAT)
    assert info is not None
    assert (info.provider, info.server_address, info.server_port) == ("ollama", "localhost", 11434)


def test_routing_is_asked_once_per_model_and_never_keeps_the_key(monkeypatch):
    calls = []
    real = litellm.get_llm_provider

    def counting(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(litellm, "get_llm_provider", counting)
    monkeypatch.setenv("GROQ_API_KEY", "gsk_FAKE_test_key_not_real_0000")
    for _ in range(3):
        ADAPTER.parse_request(None, {"model": "groq/llama3", "messages": []}, CHAT)
    assert len(calls) == 1
    assert "gsk_FAKE" not in repr(_route.route("groq/llama3", None, None))


def test_a_failing_resolution_costs_only_the_provider(monkeypatch):
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("litellm internals changed")

    monkeypatch.setattr(litellm, "get_llm_provider", broken)
    info = ADAPTER.parse_request(None, {"model": "groq/llama3", "custom_llm_provider": "groq"}, CHAT)
    assert info is not None and (info.provider, info.model) == ("groq", "groq/llama3")


def test_request_parameters_read_as_semconv():
    class Answer(pydantic.BaseModel):
        text: str

    kwargs = {
        "model": "gpt-4o-mini",
        "messages": [],
        "max_completion_tokens": 300,
        "max_tokens": 100,  # max_completion_tokens wins, as it does upstream
        "top_k": 40,
        "stop": "END",
        "reasoning_effort": "low",
        "response_format": Answer,
        "n": 1,  # the default: not reported
        "temperature": None,  # not passed
        "stream": True,
    }
    info = ADAPTER.parse_request(None, kwargs, ACHAT)
    assert info is not None
    assert (info.max_tokens, info.top_k, info.stop_sequences) == (300, 40, ["END"])
    assert (info.reasoning_level, info.output_type, info.choice_count) == ("low", "json", None)
    assert info.temperature is None and info.stream is True


def test_embeddings_request():
    info = ADAPTER.parse_request(
        None, {"model": "text-embedding-3-small", "encoding_format": "base64"}, EMBEDDING
    )
    assert info is not None
    assert (info.provider, info.encoding_formats, info.stream) == ("openai", ["base64"], False)


@pytest.mark.parametrize("flag", ["acompletion", "aembedding"])
def test_the_async_flag_of_a_sync_function_passes_through(flag):
    assert ADAPTER.parse_request(None, {"model": "gpt-4o-mini", flag: True}, CHAT) is None


def test_usage_from_anthropic_fields_when_the_details_are_missing():
    usage = litellm.Usage(prompt_tokens=2257, completion_tokens=393, total_tokens=2650)
    usage.cache_read_input_tokens = 2048  # type: ignore[attr-defined]
    usage.cache_creation_input_tokens = 188  # type: ignore[attr-defined]
    usage.prompt_tokens_details = None
    info = ADAPTER.parse_response(litellm.ModelResponse(usage=usage), CHAT, False)
    assert info.usage is not None
    assert (info.usage.input_tokens, info.usage.output_tokens) == (2257, 393)
    assert (info.usage.cache_read_input_tokens, info.usage.cache_write_input_tokens) == (2048, 188)


def stream_chunk(text: str | None = None, finish: str | None = None, **fields: Any) -> Any:
    delta = {"content": text} if text is not None else {}
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return litellm.ModelResponseStream(id="chatcmpl-1", model="m", choices=[choice], **fields)


def test_stream_usage_hidden_in_the_last_chunk_and_placeholders_skipped():
    from litellm.types.utils import UnreportedUsage

    accumulator = StreamAccumulator(capture=True)
    accumulator.add(stream_chunk("Hel"))
    last = stream_chunk("lo", "stop")
    last._hidden_params["usage"] = litellm.Usage(prompt_tokens=5, completion_tokens=2, total_tokens=7)
    accumulator.add(last)
    info = accumulator.finish()
    assert info.usage is not None and (info.usage.input_tokens, info.usage.output_tokens) == (5, 2)
    assert info.finish_reasons == ("stop",)
    assert info.output_messages == [
        {"role": "assistant", "parts": [{"type": "text", "content": "Hello"}], "finish_reason": "stop"}
    ]

    unreported = StreamAccumulator(capture=False)
    chunk = stream_chunk("x", "stop")
    chunk._hidden_params["usage"] = UnreportedUsage(prompt_tokens=0, completion_tokens=0, total_tokens=0)
    unreported.add(chunk)
    assert unreported.finish().usage is None  # LiteLLM's "nothing reported", not zero tokens


def test_error_type_is_a_kept_provider_code_or_none():
    exc = litellm.RateLimitError(message="slow down", llm_provider="openai", model="gpt-4o-mini")
    assert exc.code == "429"  # LiteLLM's own stamp: the HTTP status, not a provider code
    assert ADAPTER.error_type(exc) is None  # so the class names it: litellm.RateLimitError
    exc.code = "rate_limit_exceeded"
    assert ADAPTER.error_type(exc) == "rate_limit_exceeded"
    for odd in (429, "", None):
        exc.code = odd  # type: ignore[assignment]
        assert ADAPTER.error_type(exc) is None

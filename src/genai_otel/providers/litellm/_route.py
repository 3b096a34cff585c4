"""Where LiteLLM sends a call: the upstream provider, the model it receives, and the server.

LiteLLM decides from the model string (``groq/llama3``, a bare ``gpt-4o``), ``custom_llm_provider``
and ``api_base``; ``litellm.get_llm_provider`` is that decision, so it is asked here rather than
re-implemented. It is cheap but not pure: it reads environment variables (keys and default base
URLs), prints litellm's "Provider List" banner for a model it cannot route, and for providers whose
provider info is a login (``github_copilot``, ``chatgpt``) runs an OAuth device flow. So answers
are cached per (model, provider, base URL), the API key it also returns is dropped at once, and
the login providers are taken as declared without asking. A model LiteLLM cannot route gets
``gen_ai.provider.name`` ``litellm`` (its call then fails the same way).

LiteLLM's provider names map to the semconv registry values; names without one pass through as
LiteLLM spells them (``fireworks_ai``, ``huggingface``). ``openai`` with a base URL (LiteLLM's
``openai/<model>`` means "any OpenAI-compatible server") is refined by the URL's host, as the
openai adapter does (``providers/_endpoints.py``).
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlsplit

from genai_otel._telemetry.semconv import PROVIDER_LITELLM

from ..._telemetry import semconv as sc
from .._endpoints import provider_from_url

__all__ = ["PROVIDER_LITELLM", "route"]

#: ``gen_ai.provider.name`` when LiteLLM cannot tell the upstream.

#: LiteLLM provider name -> semconv ``gen_ai.provider.name``.
_PROVIDERS = {
    "openai": sc.PROVIDER_OPENAI,
    "text-completion-openai": sc.PROVIDER_OPENAI,
    "azure": sc.PROVIDER_AZURE_OPENAI,
    "azure_text": sc.PROVIDER_AZURE_OPENAI,
    "azure_ai": sc.PROVIDER_AZURE_AI_INFERENCE,
    "anthropic": sc.PROVIDER_ANTHROPIC,
    "anthropic_text": sc.PROVIDER_ANTHROPIC,
    "bedrock": sc.PROVIDER_AWS_BEDROCK,
    "bedrock_converse": sc.PROVIDER_AWS_BEDROCK,
    "vertex_ai": sc.PROVIDER_GCP_VERTEX_AI,
    "vertex_ai_beta": sc.PROVIDER_GCP_VERTEX_AI,
    "gemini": sc.PROVIDER_GCP_GEMINI,
    "groq": sc.PROVIDER_GROQ,
    "mistral": sc.PROVIDER_MISTRAL_AI,
    "codestral": sc.PROVIDER_MISTRAL_AI,
    "text-completion-codestral": sc.PROVIDER_MISTRAL_AI,
    "cohere": sc.PROVIDER_COHERE,
    "cohere_chat": sc.PROVIDER_COHERE,
    "together_ai": sc.PROVIDER_TOGETHER_AI,
    "ollama": sc.PROVIDER_OLLAMA,
    "ollama_chat": sc.PROVIDER_OLLAMA,
    "deepseek": sc.PROVIDER_DEEPSEEK,
    "xai": sc.PROVIDER_X_AI,
    "perplexity": sc.PROVIDER_PERPLEXITY,
    "openrouter": sc.PROVIDER_OPENROUTER,
    "moonshot": sc.PROVIDER_MOONSHOT_AI,
    "hosted_vllm": sc.PROVIDER_VLLM,
    "lm_studio": sc.PROVIDER_LM_STUDIO,
}
#: Resolving these runs an OAuth device flow (network, a human at a browser).
_LOGIN_PROVIDERS = frozenset({"github_copilot", "chatgpt"})
_DEFAULT_PORTS = {"https": 443, "http": 80}


def _resolve(model: str, custom: str | None, base_url: str | None) -> tuple[str | None, str, str | None]:
    """(LiteLLM provider name, upstream model, LiteLLM's default base URL for it)."""
    declared = custom or (model.split("/", 1)[0] if "/" in model else None)
    if declared in _LOGIN_PROVIDERS:
        return declared, model.removeprefix(f"{declared}/"), None
    import litellm  # already imported: this adapter is loaded by litellm's import

    try:
        upstream, name, _, default_base = litellm.get_llm_provider(
            model=model, custom_llm_provider=custom, api_base=base_url
        )
    except Exception:  # a model LiteLLM cannot route: the call itself fails the same way
        return custom, model, None
    return name, upstream, default_base


def _server(url: str | None) -> tuple[str | None, int | None]:
    try:
        parts = urlsplit(url) if url else None
        if parts is None or not parts.hostname:
            return None, None
        return parts.hostname, parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a malformed port
        return None, None


@functools.lru_cache(maxsize=256)
def route(model: str | None, custom: str | None, base_url: str | None) -> tuple[str, str | None, Any, Any]:
    """(``gen_ai.provider.name``, upstream model, server address, server port) of a call."""
    name, upstream, default_base = _resolve(model, custom, base_url) if model else (custom, model, None)
    host, port = _server(base_url or default_base)
    provider = _PROVIDERS.get(name, name) if name else PROVIDER_LITELLM
    if provider == sc.PROVIDER_OPENAI and host:
        provider = provider_from_url(host, port, provider)
    return provider, upstream, host, port

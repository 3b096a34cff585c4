"""Which upstream serves an ``InferenceClient`` call, and at which host: a pure mirror of the
SDK's ``get_provider_helper`` and ``TaskProviderHelper._prepare_base_url``, cached per client
setting (no I/O; the SDK's helper table is read, never called).

The host is all that differs between SDK versions: up to 2.4 a routed call went to
``router.huggingface.co/{provider}/...``; from 2.5 a routed chat call goes to
``router.huggingface.co/v1/chat/completions`` with ``model`` sent as ``{model}:{provider}``. Both
are the router's host and the same upstream. A model the caller suffixes themselves
(``"meta-llama/Llama-3.3-70B-Instruct:groq"`` with ``provider="auto"``) is routed by the router to
that provider, which is then the reported upstream."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from genai_otel._telemetry import semconv as sc
from genai_otel._telemetry.semconv import PROVIDER_HUGGINGFACE

from .._endpoints import provider_from_url
from .._values import text
from ._convert import attr_or_item

#: Not in the semconv registry: our own snake-case value (the HF router / HF Inference / TGI).

#: api -> the SDK's task name (its provider helpers are keyed by it)
_TASKS = {
    "chat": "conversational",
    "text_generation": "text-generation",
    "feature_extraction": "feature-extraction",
}
#: HF provider names whose semconv value is not just the name in snake case
_PROVIDERS = {
    "hf-inference": PROVIDER_HUGGINGFACE,
    "auto": PROVIDER_HUGGINGFACE,
    "together": sc.PROVIDER_TOGETHER_AI,
    "openai": sc.PROVIDER_OPENAI,
    "groq": sc.PROVIDER_GROQ,
    "cohere": sc.PROVIDER_COHERE,
}
_ROUTER = ("router.huggingface.co", 443)
_PORTS = {"https": 443, "http": 80}

#: (provider, api, url, direct, has model, model suffix) -> (host, port, provider name)
_routes: dict[tuple[Any, ...], tuple[str | None, int | None, str]] = {}


def _host_port(url: str) -> tuple[str | None, int | None]:
    try:
        parts = urlsplit(url)
        return parts.hostname, parts.port or _PORTS.get(parts.scheme)
    except ValueError:
        return None, None


def _provider_host(provider: str, api: str) -> tuple[str | None, int | None]:
    """The provider's own host, read from the SDK's helper table (no I/O)."""
    try:
        from huggingface_hub.inference._providers import PROVIDERS
    except ImportError:  # pragma: no cover - loaded only once the inference client is
        return None, None
    helper = attr_or_item(PROVIDERS.get(provider), _TASKS.get(api, ""))  # type: ignore[call-overload]
    base = getattr(helper, "base_url", None)
    return _host_port(base) if isinstance(base, str) else (None, None)


def _name(provider: str) -> str:
    return _PROVIDERS.get(provider) or provider.lower().replace("-", "_")


def _known_provider(name: str) -> bool:
    try:
        from huggingface_hub.inference._providers import PROVIDERS
    except ImportError:  # pragma: no cover - loaded only once the inference client is
        return False
    return name in PROVIDERS


def _resolve(
    provider: str | None, api: str, url: str | None, direct: bool, has_model: bool, suffix: str | None
) -> tuple[Any, ...]:
    """Mirrors ``get_provider_helper`` and ``TaskProviderHelper._prepare_base_url``."""
    if url is not None:
        host, port = _host_port(url)
        name = provider_from_url(host, port, PROVIDER_HUGGINGFACE)
        if name == sc.PROVIDER_LLAMA_CPP:  # loopback :8080, TGI's `docker run -p 8080:80`
            name = PROVIDER_HUGGINGFACE
        return host, port if host else None, name
    if suffix and provider in (None, "auto") and api == "chat" and not direct and _known_provider(suffix):
        # ``model:provider``: the router sends the call to that provider
        return (*_ROUTER, _name(suffix))
    if provider in (None, "auto", "hf-inference"):
        # no model: HF Inference's recommended one; chat: the router's server-side auto-routing;
        # other tasks: the model's first mapped provider, reached through the router with an HF token
        if direct and has_model and provider != "hf-inference" and api != "chat":
            return None, None, PROVIDER_HUGGINGFACE
        return *_ROUTER, PROVIDER_HUGGINGFACE
    name = _name(provider)
    direct = direct or provider == "openai"  # the SDK never routes OpenAI through the router
    return (*(_provider_host(provider, api) if direct else _ROUTER), name)


def route(instance: Any, api: str, url: str | None, model: str | None) -> tuple[str | None, int | None, str]:
    """``model`` is the model id the SDK sends (not a URL), or None."""
    provider = text(getattr(instance, "provider", None))
    token = getattr(instance, "token", None)
    direct = isinstance(token, str) and not token.startswith("hf_")  # a provider's own key
    suffix = model.rpartition(":")[2] if model is not None and ":" in model else None
    key = (provider, api, url, direct, model is not None or url is not None, suffix)
    hit = _routes.get(key)
    if hit is None:
        if len(_routes) >= 64:
            _routes.clear()
        hit = _routes[key] = _resolve(provider, api, url, direct, key[4], suffix)
    return hit

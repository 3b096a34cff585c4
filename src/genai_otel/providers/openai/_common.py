"""Helpers shared by the OpenAI surfaces: argument reading, endpoint, vendor attributes, usage.

Pure functions over the SDK's own objects and the caller's kwargs; they never mutate either,
never import OpenTelemetry and never raise on odd input (missing attributes, ``None``, wrong
types are skipped). Both SDK models and plain dicts are read, because callers routinely send
a previous response's objects back as input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..._telemetry import semconv as sc
from ...adapter import RequestInfo, Usage
from .._endpoints import provider_from_url
from .._values import integer, text

#: The SDK's "not passed" sentinels (``openai.omit`` / ``openai.NOT_GIVEN``), matched by class
#: name so this module needs no private SDK import.
_SENTINEL_NAMES = frozenset({"Omit", "NotGiven"})


def passed(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments the caller actually passed: no ``None``, no SDK "not given" sentinel (the
    SDK's own helpers forward every parameter, most of them as ``omit``). A new dict: the
    caller's stays untouched."""
    if not isinstance(kwargs, Mapping):
        return {}
    return {k: v for k, v in kwargs.items() if v is not None and type(v).__name__ not in _SENTINEL_NAMES}


def stop_sequences(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [s for s in value if isinstance(s, str)] or None
    return None


def finish_reason(value: Any) -> str:
    """A choice's ``finish_reason`` as the API sent it (``tool_calls``, Together's ``eos``), or
    ``"error"`` when it has none: a choice that never said why it stopped. Output messages map
    it with ``adapter.output_finish_reason``."""
    return value if isinstance(value, str) and value else "error"


def _default_provider(client_type: type) -> str:
    """``azure.ai.openai`` for the SDK's Azure clients (custom domains too), else ``openai``."""
    azure = any(c.__name__ in ("AzureOpenAI", "AsyncAzureOpenAI") for c in client_type.__mro__)
    return sc.PROVIDER_AZURE_OPENAI if azure else sc.PROVIDER_OPENAI


#: id(base URL) -> (URL, client type, host, port, provider). The URL is held so its id stays
#: unique while cached; reading an httpx URL's parts costs more than the rest of parse_request.
_servers: dict[int, tuple[Any, type, str | None, int | None, str]] = {}


def _server(client: Any) -> tuple[str | None, int | None, str]:
    # ``_base_url`` (openai 3.x: a property returning ``base_url``, one URL object per client);
    # ``base_url`` for OpenAI-compatible clients that have only the public name
    url = getattr(client, "_base_url", None) or getattr(client, "base_url", None)
    hit = _servers.get(id(url))
    if hit is not None and hit[0] is url and hit[1] is type(client):
        return hit[2], hit[3], hit[4]
    host = text(getattr(url, "host", None)) or None
    port = getattr(url, "port", None)
    if host is None:
        port = None
    elif not isinstance(port, int):
        scheme = getattr(url, "scheme", None)
        port = 443 if scheme == "https" else 80 if scheme == "http" else None
    path = text(getattr(url, "path", None))
    provider = provider_from_url(host, port, _default_provider(type(client)), path=path)
    if len(_servers) >= 64:
        _servers.clear()
    _servers[id(url)] = (url, type(client), host, port, provider)
    return host, port, provider


def request_info(instance: Any, kwargs: Mapping[str, Any], **fields: Any) -> RequestInfo:
    """A ``RequestInfo`` with provider and server read from the client's base URL; ``kwargs``
    is what ``passed`` returned."""
    host, port, provider = _server(getattr(instance, "_client", None))
    extra_body = kwargs.get("extra_body")
    if extra_body and isinstance(extra_body, Mapping) and "top_k" in extra_body:
        fields.setdefault("top_k", integer(extra_body.get("top_k")))  # vLLM & co. take top_k here
    return RequestInfo(
        provider=provider,
        model=text(kwargs.get("model")),
        server_address=host,
        server_port=port,
        stream=kwargs.get("stream") is True,
        **fields,
    )


def service_tier_attributes(kwargs: Mapping[str, Any], api_type: str | None) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    if api_type:
        attributes[sc.OPENAI_API_TYPE] = api_type
    tier = kwargs.get("service_tier")
    if isinstance(tier, str) and tier != "auto":
        attributes[sc.OPENAI_REQUEST_SERVICE_TIER] = tier
    return attributes


def response_attributes(result: Any) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    tier = getattr(result, "service_tier", None)
    if isinstance(tier, str):
        attributes[sc.OPENAI_RESPONSE_SERVICE_TIER] = tier
    fingerprint = getattr(result, "system_fingerprint", None)
    if isinstance(fingerprint, str):
        attributes[sc.OPENAI_RESPONSE_SYSTEM_FINGERPRINT] = fingerprint
    return attributes


_MODALITY_FIELDS = (("text", "text_tokens"), ("audio", "audio_tokens"), ("image", "image_tokens"))


def _modalities(details: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    if details is not None:
        for modality, field in _MODALITY_FIELDS:
            count = integer(getattr(details, field, None))
            if count:  # only a split the provider actually reported
                out[modality] = count
    return out


def completion_usage(usage: Any) -> Usage | None:
    """Chat / legacy-completions ``CompletionUsage``: prompt tokens already include cached ones."""
    if usage is None:
        return None
    prompt = getattr(usage, "prompt_tokens_details", None)
    completion = getattr(usage, "completion_tokens_details", None)
    return Usage(
        input_tokens=integer(getattr(usage, "prompt_tokens", None)),
        output_tokens=integer(getattr(usage, "completion_tokens", None)),
        cache_read_input_tokens=integer(getattr(prompt, "cached_tokens", None)),
        cache_write_input_tokens=integer(getattr(prompt, "cache_write_tokens", None)),
        reasoning_output_tokens=integer(getattr(completion, "reasoning_tokens", None)),
        input_by_modality=_modalities(prompt),
        output_by_modality=_modalities(completion),
    )

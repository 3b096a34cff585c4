"""Mistral adapter: the ``mistralai`` SDK, v2+ layout (written against mistralai 3.7).

Users import ``from mistralai.client import Mistral`` (``mistralai`` is a namespace package), so
``mistralai.client`` triggers the adapter; patching imports the lazily loaded sub-SDK modules.
Patched (all keyword-only): ``Chat`` and ``Agents`` (operation ``chat``; an agents request names
no model, its ``agent_id`` is ``gen_ai.agent.id``) and ``Fim`` (``text_completion``), each
``complete``/``complete_async``/``stream``/``stream_async``; ``Embeddings.create``/``create_async``.
``chat.parse*`` call ``complete``/``stream`` and are covered through them.

``stream*`` return the SDK's ``EventStream``/``EventStreamAsync`` (iterator, ``with``, ``close()``),
folded in ``_stream.py``. ``server.address``/``server.port``: the call's ``server_url``, else the
client's, else its named server (``global``/``eu``/``us``). ``error.type``: the error body's
``type`` (``invalid_request_error``, ``rate_limited``), else its ``code``; ``SDKError``,
``HTTPValidationError`` and ``ResponseValidationError`` carry the raw body on ``.body``.

Coexistence: the SDK traces itself when its telemetry is on (``configure_telemetry``,
``MISTRAL_SDK_TELEMETRY``); for the calls above we emit the one span and suppress the SDK's by
wrapping ``get_traced_request_and_span`` where ``mistralai.client._hooks.tracing`` imported it.

``gen_ai.response.finish_reasons``: each choice's ``finish_reason`` as sent (``stop``, ``length``,
``model_length``, ``error``, ``tool_calls``), ``error`` for a choice without one (a cut stream); the
output messages map them (``adapter.output_finish_reason``: ``tool_calls`` -> ``tool_call``,
``model_length`` -> ``length``).

Known gaps: ``mistralai.azure.client``/``mistralai.gcp.client`` (other modules) and v1's
``mistralai.chat`` are not patched; conversations, classifiers, OCR and audio are not covered;
``service_tier`` and ``prompt_audio_seconds`` have no semconv attribute; ``messages`` given as a
one-shot iterator are not captured (we must not consume them).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from genai_otel._telemetry.semconv import GEN_AI_AGENT_ID, PROVIDER_MISTRAL_AI
from genai_otel.adapter import (
    CHAT,
    EMBEDDINGS,
    TEXT_COMPLETION,
    PatchTarget,
    ProviderAdapter,
    RequestContent,
    RequestInfo,
    ResponseInfo,
    Usage,
    generic_part,
    message,
    text_part,
)

from .._credentials import attribute
from .._values import integer, number, seq, text
from ._convert import finish_reason, get_passed, input_message, output_message, passed, tool_definition, usage
from ._sdk import error_type, is_stream, named_server, suppress_sdk_span
from ._stream import StreamAccumulator

__all__ = ["ADAPTER", "TARGETS", "suppress_sdk_span"]

#: semconv's agent id (``gen_ai.agent.id``), not yet in the semconv module.

_SURFACES = (
    ("mistralai.client.chat", "Chat", "chat", CHAT, ("complete", "stream")),
    ("mistralai.client.fim", "Fim", "fim", TEXT_COMPLETION, ("complete", "stream")),
    ("mistralai.client.agents", "Agents", "agents", CHAT, ("complete", "stream")),
    ("mistralai.client.embeddings", "Embeddings", "embeddings", EMBEDDINGS, ("create",)),
)
TARGETS = tuple(
    PatchTarget(module, f"{cls}.{method}{suffix}", operation=operation, api=api, is_async=bool(suffix))
    for module, cls, api, operation, methods in _SURFACES
    for method in methods
    for suffix in ("", "_async")
)

_OUTPUT_TYPES = {"text": "text", "json_object": "json", "json_schema": "json"}
_DEFAULT_PORTS = {"https": 443, "http": 80}


@functools.lru_cache(maxsize=64)
def _host_port(url: str) -> tuple[str | None, int | None]:
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None, None
    return (host, port or _DEFAULT_PORTS.get(parts.scheme)) if host else (None, None)


def _server(instance: Any, kwargs: Mapping[str, Any]) -> tuple[str | None, int | None]:
    url = kwargs.get("server_url")
    if not isinstance(url, str) or not url:
        config = getattr(instance, "sdk_configuration", None)
        if config is None:
            return None, None
        url = getattr(config, "server_url", None)
        if not isinstance(url, str) or not url:  # what SDKConfiguration.get_server_details reads
            url = named_server(getattr(config, "server", None) or "global")
    return _host_port(url) if isinstance(url, str) and url else (None, None)


def parse_request(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestInfo:
    kwargs = passed(kwargs)
    host, port = _server(instance, kwargs)
    stops = kwargs.get("stop")
    stops = [stops] if isinstance(stops, str) else [s for s in seq(stops) if isinstance(s, str)]
    n = integer(kwargs.get("n"))
    fmt = get_passed(kwargs.get("response_format"), "type")
    encoding = text(kwargs.get("encoding_format"))
    agent = text(kwargs.get("agent_id"))
    return RequestInfo(
        provider=PROVIDER_MISTRAL_AI,
        model=text(kwargs.get("model")),
        server_address=host,
        server_port=port if host else None,
        stream=target.method.partition(".")[2].startswith("stream"),
        temperature=number(kwargs.get("temperature")),
        top_p=number(kwargs.get("top_p")),
        top_k=integer(kwargs.get("top_k")),
        max_tokens=integer(kwargs.get("max_tokens")),
        frequency_penalty=number(kwargs.get("frequency_penalty")),
        presence_penalty=number(kwargs.get("presence_penalty")),
        stop_sequences=stops or None,
        seed=integer(kwargs.get("random_seed")),
        choice_count=n if n is not None and n != 1 else None,
        output_type=_OUTPUT_TYPES.get(fmt, fmt) if isinstance(fmt, str) else None,
        reasoning_level=text(kwargs.get("reasoning_effort")),
        encoding_formats=[encoding] if encoding else None,
        attributes={GEN_AI_AGENT_ID: agent} if agent else {},
    )


def request_content(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestContent:
    kwargs = passed(kwargs)
    if target.api == "fim":
        prompt, suffix = text(kwargs.get("prompt")), text(kwargs.get("suffix"))
        fim_parts = [text_part(prompt)] if prompt is not None else []
        if suffix is not None:
            fim_parts.append(generic_part("fim_suffix", content=suffix))
        return RequestContent(input_messages=[message("user", fim_parts)] if fim_parts else ())
    if target.api == "embeddings":
        return RequestContent()  # semconv defines no content attributes for embeddings
    messages = [m for m in map(input_message, seq(kwargs.get("messages"))) if m is not None]
    return RequestContent(
        input_messages=messages,
        tool_definitions=[tool_definition(t) for t in seq(kwargs.get("tools"))],
    )


def parse_response(result: Any, target: PatchTarget, capture: bool) -> ResponseInfo:
    if result is None:
        return ResponseInfo()
    if target.api == "embeddings":
        data = get_passed(result, "data")
        vector = get_passed(data[0], "embedding") if isinstance(data, list) and data else None
        tokens = integer(get_passed(get_passed(result, "usage"), "prompt_tokens"))
        return ResponseInfo(
            response_id=text(get_passed(result, "id")),
            response_model=text(get_passed(result, "model")),
            usage=Usage(input_tokens=tokens) if tokens is not None else None,
            embedding_dimensions=len(vector) if isinstance(vector, list) else None,
        )
    choices = seq(get_passed(result, "choices"))
    reasons = [finish_reason(get_passed(c, "finish_reason")) for c in choices]
    return ResponseInfo(
        response_id=text(get_passed(result, "id")),
        response_model=text(get_passed(result, "model")),
        finish_reasons=tuple(reasons),
        usage=usage(get_passed(result, "usage")),
        output_messages=[
            output_message(get_passed(c, "message"), r) for c, r in zip(choices, reasons, strict=True)
        ]
        if capture
        else (),
    )


def new_accumulator(target: PatchTarget, capture: bool) -> StreamAccumulator:
    return StreamAccumulator(capture)


ADAPTER = ProviderAdapter(
    credentials=attribute("sdk_configuration", "security", "api_key"),
    name="mistral",
    distribution="mistralai",
    targets=TARGETS,
    parse_request=parse_request,
    request_content=request_content,
    parse_response=parse_response,
    new_accumulator=new_accumulator,
    is_stream=is_stream,
    error_type=error_type,
    extra_patches=(("mistralai.client._hooks.tracing", "get_traced_request_and_span", suppress_sdk_span),),
    install_note=(
        "mistral: genai_otel emits the span of chat/fim/agents completions and embeddings and suppresses "
        "the Mistral SDK's own span for them when its telemetry is on; to keep the SDK's span instead, "
        'use genai_otel.instrument(exclude=["mistral"]) or GENAI_OTEL_EXCLUDE=mistral'
    ),
)

"""Anthropic adapter: the ``anthropic`` SDK's Messages API (written against anthropic 2.14, httpx2).

Patched (operation ``chat``), sync ``Messages`` and async ``AsyncMessages`` of:

- ``anthropic.resources.messages.messages``: ``create`` (``stream=True`` returns a ``Stream``),
  ``parse`` (structured output), ``stream`` (a plain ``def`` returning a stream manager);
- ``anthropic.resources.beta.messages.messages``: the same three, same request and event shapes
  (``BetaMessage``, ``BetaRawMessageStreamEvent``); ``beta.messages.tool_runner`` and threads call
  ``create``/``stream`` and are covered through them;
- ``anthropic.lib.bedrock._beta_messages`` and ``anthropic.lib.vertex._beta_messages``: these
  classes copy the beta functions at ``import anthropic`` time, before any hook can patch them.

``count_tokens`` is not an inference and is not patched. Stream managers: ``__enter__`` /
``__aenter__`` sends the request and builds a ``MessageStream`` whose ``__stream__`` generator
reads ``self._raw_stream`` on first iteration; ``text_stream``, ``until_done``,
``get_final_message`` and ``close`` all go through it, so the engine swaps its proxy into
``_raw_stream`` right after entering. For ``AsyncMessages.stream`` ``is_async`` means "the
manager is entered with ``async with``"; the method itself is not a coroutine function.

Stream shape: ``message_start`` / ``content_block_*`` / ``message_delta`` (cumulative usage) /
``message_stop`` (see ``_stream.py``). ``gen_ai.response.finish_reasons`` keep Anthropic's
``stop_reason`` as sent (``end_turn``, ``tool_use``, ``max_tokens``, ``stop_sequence``, ``pause_turn``,
``refusal``, ...); a stream cut before its ``message_delta`` reports ``error``. The output message's
``finish_reason`` is the output-message schema's value (``adapter.output_finish_reason``:
``end_turn`` -> ``stop``, ``tool_use`` -> ``tool_call``, ``max_tokens`` -> ``length``, ``refusal`` ->
``content_filter``; ``pause_turn`` as sent). ``error.type`` is the API error
envelope's ``error.type`` (``overloaded_error``, ``not_found_error``): a mid-stream ``event: error``
arrives as a bare ``APIStatusError`` (HTTP 200), whose class name would say nothing.

Coexistence: the SDK traces itself (``anthropic._tracing``). We emit the one inference span and
suppress the SDK's ``anthropic.messages.create`` span by wrapping ``start_api_call_span`` where
``anthropic._base_client`` imported it (both the sync and async ``request`` call it with
``options`` as the third positional argument); its other spans (count_tokens, files, batches,
tool runner) stay. ``gen_ai.provider.name`` is the client's own ``_gen_ai_provider_name``
(``aws.bedrock`` / ``gcp.vertex_ai`` for the platform clients).

Known gaps: ``messages``/``system``/``tools`` given as one-shot iterators are not captured (we
must not consume them); ``with_streaming_response`` and async raw SSE responses
(``with_raw_response`` + ``stream=True``) get no response attributes; beta compaction
iterations are not added to usage (the API leaves them out of the top-level counts); base64
sources given as file objects or paths are not read (no I/O on the request path).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from genai_otel._telemetry.semconv import (
    ANTHROPIC_REQUEST_SERVICE_TIER,
    ANTHROPIC_RESPONSE_SERVICE_TIER,
    PROVIDER_ANTHROPIC,
)
from genai_otel.adapter import (
    Message,
    Part,
    PatchTarget,
    ProviderAdapter,
    RequestContent,
    RequestInfo,
    ResponseInfo,
    message,
    output_finish_reason,
)

from .._credentials import stainless
from .._values import get, number, seq
from ._convert import given, parts, system_parts, tool_definition, usage
from ._stream import MessageStreamAccumulator

__all__ = ["ADAPTER", "TARGETS", "suppress_sdk_span"]

_MODULES = (
    ("anthropic.resources.messages.messages", "messages"),
    ("anthropic.resources.beta.messages.messages", "beta.messages"),
    ("anthropic.lib.bedrock._beta_messages", "beta.messages"),
    ("anthropic.lib.vertex._beta_messages", "beta.messages"),
)
TARGETS = tuple(
    PatchTarget(
        module,
        f"{cls}.{method}",
        api=api,
        is_async=is_async,
        stream_manager=method == "stream",
        raw_stream_attr="_raw_stream" if method == "stream" else "",
    )
    for module, api in _MODULES
    for cls, is_async in (("Messages", False), ("AsyncMessages", True))
    for method in ("create", "parse", "stream")
)

#: ``FinalRequestOptions.span_name`` of the SDK spans our inference span replaces (stable and beta).
_REPLACED_SPANS = frozenset({"anthropic.messages.create"})
_DEFAULT_PORTS = {"https": 443, "http": 80}


@functools.cache
def _sdk() -> Any:
    import anthropic  # only ever called once anthropic is imported: the engine patches on import

    return anthropic


def suppress_sdk_span(wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Wraps ``anthropic._base_client.start_api_call_span``; ``None`` is the SDK's "no span, go on"."""
    options = args[2] if len(args) > 2 else kwargs.get("options")
    if getattr(options, "span_name", None) in _REPLACED_SPANS:
        return None
    return wrapped(*args, **kwargs)


def parse_request(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestInfo:
    client = getattr(instance, "_client", None)
    url: Any = getattr(client, "base_url", None)
    host = getattr(url, "host", None) or None
    config = kwargs.get("output_config")
    config = config if given(config) else None
    fmt = get(config, "format") if config is not None else None
    json_output = get(fmt, "type") == "json_schema" or given(kwargs.get("output_format"))
    effort = get(config, "effort") if config is not None else None
    stops = seq(kwargs.get("stop_sequences"))
    tier = kwargs.get("service_tier")
    provider = getattr(client, "_gen_ai_provider_name", None)
    conversation = getattr(getattr(client, "_otel", None), "conversation_id", None)
    # anthropic 2.x dropped the temperature/top_p/top_k keywords: callers send them in extra_body.
    extra = kwargs.get("extra_body")
    sampling = {**extra, **kwargs} if isinstance(extra, Mapping) else kwargs
    return RequestInfo(
        provider=provider if isinstance(provider, str) else PROVIDER_ANTHROPIC,
        model=_typed(kwargs.get("model"), str),
        server_address=host,
        server_port=(url.port or _DEFAULT_PORTS.get(url.scheme)) if host else None,
        stream=target.stream_manager or kwargs.get("stream") is True,
        temperature=number(sampling.get("temperature")),
        top_p=number(sampling.get("top_p")),
        top_k=_typed(sampling.get("top_k"), int),
        max_tokens=_typed(kwargs.get("max_tokens"), int),
        stop_sequences=[s for s in stops if isinstance(s, str)] if stops else None,
        output_type="json" if json_output else None,
        reasoning_level=_typed(effort, str),
        conversation_id=_typed(conversation, str),
        attributes={ANTHROPIC_REQUEST_SERVICE_TIER: tier} if isinstance(tier, str) else {},
    )


def request_content(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestContent:
    system = kwargs.get("system")
    return RequestContent(
        input_messages=[
            message(_typed(get(m, "role"), str) or "user", parts(get(m, "content")))
            for m in seq(kwargs.get("messages"))
        ],
        system_instructions=system_parts(system) if given(system) else (),
        tool_definitions=[tool_definition(t) for t in seq(kwargs.get("tools"))],
    )


def parse_response(result: Any, target: PatchTarget, capture: bool) -> ResponseInfo:
    u = get(result, "usage")
    tier = get(u, "service_tier") if u is not None else None
    stop = _typed(get(result, "stop_reason"), str)
    content = get(result, "content")
    return ResponseInfo(
        response_id=_typed(get(result, "id"), str),
        response_model=_typed(get(result, "model"), str),
        finish_reasons=(stop,) if stop else (),
        usage=usage(u),
        output_messages=(_output(parts(content), stop),) if capture and isinstance(content, list) else (),
        attributes={ANTHROPIC_RESPONSE_SERVICE_TIER: tier} if isinstance(tier, str) else {},
    )


def _output(content: list[Part], stop: str | None) -> Message:
    return message("assistant", content, finish_reason=output_finish_reason(stop, content))


def new_accumulator(target: PatchTarget, capture: bool) -> MessageStreamAccumulator:
    return MessageStreamAccumulator(capture)


def is_stream(result: Any, target: PatchTarget) -> bool:
    sdk = _sdk()
    return isinstance(result, (sdk.Stream, sdk.AsyncStream))


def unwrap(result: Any, target: PatchTarget) -> Any:
    """``with_raw_response`` returns an ``APIResponse``: the parsed ``Message`` or ``Stream`` inside."""
    sdk = _sdk()
    if not isinstance(result, (sdk.APIResponse, sdk.AsyncAPIResponse)):
        return result
    sse = getattr(result, "_is_sse_stream", False)
    if not sse and not result.http_response.is_stream_consumed:
        return result  # ``with_streaming_response``: reading the body here would change the call
    if isinstance(result, sdk.APIResponse):
        # Cached per type, so the caller's own parse() returns this same object; for SSE it only
        # builds the Stream (no I/O), which the engine then observes.
        return result.parse()
    if sse:
        return result  # AsyncAPIResponse.parse is a coroutine; its stream can't be shared from here
    return result._parse()  # the sync core of AsyncAPIResponse.parse, body already read


def is_raw_response(result: Any, target: PatchTarget) -> bool:
    sdk = _sdk()
    return isinstance(result, (sdk.APIResponse, sdk.AsyncAPIResponse))


def error_type(exc: BaseException) -> str | None:
    kind = getattr(exc, "type", None)
    return kind if isinstance(kind, str) and kind and isinstance(exc, _sdk().APIStatusError) else None


def _typed(value: Any, kind: type) -> Any:
    return value if isinstance(value, kind) and not isinstance(value, bool) else None


ADAPTER = ProviderAdapter(
    credentials=stainless,
    name="anthropic",
    distribution="anthropic",
    targets=TARGETS,
    parse_request=parse_request,
    request_content=request_content,
    parse_response=parse_response,
    new_accumulator=new_accumulator,
    is_stream=is_stream,
    unwrap=unwrap,
    is_raw_response=is_raw_response,
    error_type=error_type,
    extra_patches=(("anthropic._base_client", "start_api_call_span", suppress_sdk_span),),
    install_note=(
        "anthropic: genai_otel emits the inference span of messages.create/parse/stream and suppresses "
        "the SDK's own 'anthropic.messages.create' span (its other spans are kept); to keep the SDK's "
        'span instead, use genai_otel.instrument(exclude=["anthropic"]) or GENAI_OTEL_EXCLUDE=anthropic'
    ),
)

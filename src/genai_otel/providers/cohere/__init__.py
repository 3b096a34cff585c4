"""Cohere adapter: the ``cohere`` SDK's v2 API (written against cohere 7.3.1, httpx).

Patched, sync ``V2Client`` and async ``AsyncV2Client`` in ``cohere.v2.client`` (``ClientV2`` /
``AsyncClientV2`` inherit these methods, and ``Client().v2`` is a ``V2Client``):

- ``chat`` (operation ``chat``); ``chat_stream`` (``chat``, streamed): a generator function (an
  async generator function on ``AsyncV2Client``, so that target is not awaited) that sends the
  request on the first ``next()``; the engine observes the generator itself;
- ``embed`` (``embeddings``); ``rerank`` (``rerank``: a span and the operation duration only).

Version gates: ``chat``/``chat_stream`` from cohere 5.8.0 (the first ``ClientV2``), ``embed``/``rerank``
from 5.10.0 (when ``V2Client`` gained them).

Request: ``p``/``k`` are ``top_p``/``top_k``; ``response_format`` ``json_object`` is output type
``json``; embed's ``embedding_types`` are the encoding formats and ``input_type`` is
``cohere.request.input_type``; rerank's ``top_n`` and the number of ``documents`` go to
``gen_ai.rerank.top_n`` / ``gen_ai.rerank.candidate.count`` (the names proposed in
semantic-conventions-genai#253). Chat usage: ``gen_ai.usage.*`` are ``usage.tokens``, the tokens the
model processed, prompt template and tool preamble included; ``usage.billed_units`` (the caller's
text alone, what Cohere bills: often a tenth of it) go to ``cohere.usage.billed_units.input_tokens``
/ ``.output_tokens`` (see ``_convert.usage``; a departure from semconv's "billed counts when both
are known", docs/ARCHITECTURE.md). Embed reports its billed input tokens, the only count it returns.
``gen_ai.response.finish_reasons`` keep Cohere's values as sent (``COMPLETE``, ``STOP_SEQUENCE``,
``MAX_TOKENS``, ``TOOL_CALL``, ``ERROR``, ``TIMEOUT``); the output message's ``finish_reason`` maps them
(``adapter.output_finish_reason``: ``COMPLETE`` -> ``stop``, ``TOOL_CALL`` -> ``tool_call``,
``MAX_TOKENS`` -> ``length``, ``ERROR``/``TIMEOUT`` -> ``error``). ``ERROR``/``TIMEOUT`` also set
``error.type`` to that value (the call failed inside a 200). HTTP errors carry
``{"id", "message"}`` with no code, so ``error.type`` is the SDK's exception class
(``cohere.BadRequestError``, ``cohere.TooManyRequestsError``).

``gen_ai.provider.name`` is ``cohere``; ``BedrockClientV2`` is ``aws.bedrock``. The AWS and OCI
clients rewrite the request in httpx hooks, so their base URL says nothing: no ``server.*``.

Known gaps: the v1 API (``Client.chat``/``chat_stream``/``embed``/``rerank``/``generate``: other
request and response shapes), ``with_raw_response`` (``RawV2Client``), ``embed_stream`` and
``parse`` are not patched; chat ``documents`` (RAG sources) are not captured as content (no
semconv place for them); the API returns no response model.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from genai_otel._telemetry.semconv import (
    COHERE_REQUEST_INPUT_TYPE,
    PROVIDER_AWS_BEDROCK,
    PROVIDER_COHERE,
    RERANK_CANDIDATE_COUNT,
    RERANK_TOP_N,
)
from genai_otel.adapter import (
    CHAT,
    EMBEDDINGS,
    RERANK,
    PatchTarget,
    ProviderAdapter,
    RequestContent,
    RequestInfo,
    ResponseInfo,
)

from .._credentials import attribute
from .._values import get, integer, number, seq, text
from ._convert import (
    FAILED,
    assistant_parts,
    billed_attributes,
    given,
    input_message,
    meta_usage,
    output_message,
    tool_definition,
    usage,
)
from ._stream import ChatStreamAccumulator

__all__ = ["ADAPTER", "PROVIDER_COHERE", "TARGETS"]


_MODULE = "cohere.v2.client"
#: method -> (operation, first SDK version whose ``V2Client`` has it)
_METHODS = {
    "chat": (CHAT, "5.8.0"),
    "chat_stream": (CHAT, "5.8.0"),
    "embed": (EMBEDDINGS, "5.10.0"),
    "rerank": (RERANK, "5.10.0"),
}
TARGETS = tuple(
    PatchTarget(
        _MODULE,
        f"{cls}.{method}",
        operation=op,
        api=method,
        is_async=is_async and method != "chat_stream",
        min_version=since,
    )
    for cls, is_async in (("V2Client", False), ("AsyncV2Client", True))
    for method, (op, since) in _METHODS.items()
)

_DEFAULT_PORTS = {"https": 443, "http": 80}
_OUTPUT_TYPES = {"json_object": "json", "text": "text"}
#: Client classes that send elsewhere than their base URL, and the provider they reach.
_PLATFORMS = {
    "BedrockClientV2": PROVIDER_AWS_BEDROCK,
    "SagemakerClientV2": PROVIDER_COHERE,
    "OciClientV2": PROVIDER_COHERE,
}


_platform_of: dict[type, str | None] = {}


def _platform(cls: type) -> str | None:
    if cls not in _platform_of:
        _platform_of[cls] = next(
            (_PLATFORMS[c.__name__] for c in cls.__mro__ if c.__name__ in _PLATFORMS), None
        )
    return _platform_of[cls]


@functools.lru_cache(maxsize=32)
def _host_port(base_url: str) -> tuple[str | None, int | None]:
    parts = urlsplit(base_url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.hostname or None, port or _DEFAULT_PORTS.get(parts.scheme)


def _endpoint(instance: Any) -> tuple[str, str | None, int | None]:
    platform = _platform(type(instance))
    if platform is not None:
        return platform, None, None
    wrapper = getattr(instance, "_client_wrapper", None)
    if wrapper is None:  # ``Client().v2``: the wrapper sits on its raw client
        wrapper = getattr(getattr(instance, "_raw_client", None), "_client_wrapper", None)
    base_url = getattr(wrapper, "_base_url", None)
    host, port = _host_port(base_url) if isinstance(base_url, str) else (None, None)
    return PROVIDER_COHERE, host, port


def parse_request(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestInfo:
    provider, host, port = _endpoint(instance)
    model = text(kwargs.get("model"))
    if target.api == "embed":
        formats = [t for t in seq(kwargs.get("embedding_types")) if isinstance(t, str)]
        input_type = text(kwargs.get("input_type"))
        return RequestInfo(
            provider=provider,
            model=model,
            server_address=host,
            server_port=port,
            encoding_formats=formats or None,
            attributes={COHERE_REQUEST_INPUT_TYPE: input_type} if input_type else {},
        )
    if target.api == "rerank":
        attributes: dict[str, Any] = {}
        top_n, documents = integer(kwargs.get("top_n")), kwargs.get("documents")
        if top_n is not None:
            attributes[RERANK_TOP_N] = top_n
        if isinstance(documents, (list, tuple)):
            attributes[RERANK_CANDIDATE_COUNT] = len(documents)
        return RequestInfo(
            provider=provider, model=model, server_address=host, server_port=port, attributes=attributes
        )
    fmt = kwargs.get("response_format")
    stops = kwargs.get("stop_sequences")
    return RequestInfo(
        provider=provider,
        model=model,
        server_address=host,
        server_port=port,
        stream=target.api == "chat_stream",
        temperature=number(kwargs.get("temperature")),
        top_p=number(kwargs.get("p")),
        top_k=integer(kwargs.get("k")),
        max_tokens=integer(kwargs.get("max_tokens")),
        frequency_penalty=number(kwargs.get("frequency_penalty")),
        presence_penalty=number(kwargs.get("presence_penalty")),
        stop_sequences=[s for s in seq(stops) if isinstance(s, str)] or None,
        seed=integer(kwargs.get("seed")),
        output_type=_OUTPUT_TYPES.get(get(fmt, "type")) if given(fmt) else None,
    )


def request_content(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestContent:
    if target.operation != CHAT:
        return RequestContent()
    messages = (input_message(m) for m in seq(kwargs.get("messages")))
    return RequestContent(
        input_messages=[m for m in messages if m is not None],
        tool_definitions=[tool_definition(t) for t in seq(kwargs.get("tools"))],
    )


def parse_response(result: Any, target: PatchTarget, capture: bool) -> ResponseInfo:
    if result is None:
        return ResponseInfo()
    response_id = text(get(result, "id"))
    if target.api == "embed":
        return ResponseInfo(
            response_id=response_id,
            usage=meta_usage(get(result, "meta")),
            embedding_dimensions=_dimensions(get(result, "embeddings")),
        )
    if target.api == "rerank":
        return ResponseInfo(response_id=response_id)
    stop = text(get(result, "finish_reason"))
    msg = get(result, "message")
    u = get(result, "usage")
    return ResponseInfo(
        response_id=response_id,
        finish_reasons=(stop,) if stop else (),
        usage=usage(u),
        output_messages=(output_message(assistant_parts(msg), stop),) if capture and msg is not None else (),
        attributes=billed_attributes(u),
        error_type=stop if stop in FAILED else None,
    )


def _dimensions(embeddings: Any) -> int | None:
    """Length of the first vector of the first type returned; packed binary vectors hold 8
    dimensions per value, base64 ones 4 bytes (float32) per dimension."""
    for name, per_value in (
        ("float_", 1),
        ("float", 1),
        ("int8", 1),
        ("uint8", 1),
        ("binary", 8),
        ("ubinary", 8),
    ):
        vectors = seq(get(embeddings, name))
        if vectors and isinstance(vectors[0], (list, tuple)):
            return len(vectors[0]) * per_value
    vectors = seq(get(embeddings, "base64"))
    if vectors and isinstance(vectors[0], str):
        return len(vectors[0].rstrip("=")) * 3 // 4 // 4
    return None


def new_accumulator(target: PatchTarget, capture: bool) -> ChatStreamAccumulator:
    return ChatStreamAccumulator(capture)


def is_stream(result: Any, target: PatchTarget) -> bool:
    return target.api == "chat_stream" and (hasattr(result, "__next__") or hasattr(result, "__anext__"))


ADAPTER = ProviderAdapter(
    credentials=attribute("_client_wrapper", "_token"),
    name="cohere",
    distribution="cohere",
    targets=TARGETS,
    parse_request=parse_request,
    request_content=request_content,
    parse_response=parse_response,
    new_accumulator=new_accumulator,
    is_stream=is_stream,
)

"""The OpenAI adapter: the ``openai`` Python SDK (written against 3.57; ``openai>=3.0``).

Patched (sync ``Class`` and async ``AsyncClass`` of each):

=====================================================  ===========================  ================
module                                                 method                       operation / api
=====================================================  ===========================  ================
``openai.resources.chat.completions.completions``      ``Completions.create``       chat / chat
``openai.resources.chat.completions.completions``      ``Completions.parse``        chat / chat
``openai.resources.responses.responses``               ``Responses.create``         chat / responses
``openai.resources.responses.responses``               ``Responses.parse``          chat / responses
``openai.resources.beta.responses.responses``          ``Responses.create``         chat / responses
``openai.resources.embeddings``                        ``Embeddings.create``        embeddings
``openai.resources.completions``                       ``Completions.create``       text_completion
=====================================================  ===========================  ================

The SDK's ``chat.completions.stream()`` and ``responses.stream()`` helpers call ``create`` and are
therefore not patched themselves. Each surface lives in its own module (``chat``, ``responses``,
``embeddings``, ``completions``); this module only routes by ``PatchTarget.api``.

Provider and server come from the client's ``base_url`` (see ``providers/_endpoints.py``), so an
``OpenAI(base_url=...)`` client pointed at Groq, DeepSeek, Ollama, vLLM, Azure, ... is reported
as that provider. ``openai.*`` vendor attributes describe the wire API and are emitted for every
OpenAI-compatible endpoint.

Streams: ``openai.Stream`` / ``openai.AsyncStream`` results (``stream=True``) are observed through
the engine's proxy and folded by a per-surface accumulator.

Raw responses: ``with_raw_response`` returns a ``LegacyAPIResponse``; ``unwrap`` returns its
``parse()``, cached by the SDK per type, so the caller's own ``parse()`` gets the same object;
with ``stream=True`` that is the (not yet iterated) ``Stream``, which the engine observes through
its raw-response proxy. ``with_streaming_response`` returns an ``APIResponse`` whose body is
unread; it is not parsed and ``parse_response`` reports nothing for it.

Errors: ``error_type`` returns ``None`` (the engine's fully-qualified class name, e.g.
``openai.NotFoundError``): the body's ``code`` is often ``null`` (most 400s), so using it would
mix two vocabularies for one failure kind; the class is always present and low-cardinality.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from ...adapter import (
    CHAT,
    EMBEDDINGS,
    TEXT_COMPLETION,
    ChunkAccumulator,
    PatchTarget,
    ProviderAdapter,
    RequestContent,
    RequestInfo,
    ResponseInfo,
)
from .._credentials import stainless
from . import chat, completions, embeddings, responses
from ._chunks import ChatAccumulator, CompletionAccumulator

__all__ = ["ADAPTER"]

_CHAT = "openai.resources.chat.completions.completions"
_RESPONSES = "openai.resources.responses.responses"
_BETA_RESPONSES = "openai.resources.beta.responses.responses"
_EMBEDDINGS = "openai.resources.embeddings"
_COMPLETIONS = "openai.resources.completions"


def _pair(module: str, cls: str, method: str, operation: str, api: str) -> tuple[PatchTarget, PatchTarget]:
    return (
        PatchTarget(module, f"{cls}.{method}", operation, api),
        PatchTarget(module, f"Async{cls}.{method}", operation, api, is_async=True),
    )


TARGETS: tuple[PatchTarget, ...] = (
    *_pair(_CHAT, "Completions", "create", CHAT, "chat"),
    *_pair(_CHAT, "Completions", "parse", CHAT, "chat"),
    *_pair(_RESPONSES, "Responses", "create", CHAT, "responses"),
    *_pair(_RESPONSES, "Responses", "parse", CHAT, "responses"),
    *_pair(_BETA_RESPONSES, "Responses", "create", CHAT, "responses"),
    *_pair(_EMBEDDINGS, "Embeddings", "create", EMBEDDINGS, "embeddings"),
    *_pair(_COMPLETIONS, "Completions", "create", TEXT_COMPLETION, "completions"),
)

_PARSE_REQUEST: dict[str, Callable[[Any, Mapping[str, Any], PatchTarget], RequestInfo]] = {
    "chat": chat.parse_request,
    "responses": responses.parse_request,
    "embeddings": embeddings.parse_request,
    "completions": completions.parse_request,
}
_REQUEST_CONTENT: dict[str, Callable[[Any, Mapping[str, Any], PatchTarget], RequestContent]] = {
    "chat": chat.request_content,
    "responses": responses.request_content,
    "embeddings": embeddings.request_content,
    "completions": completions.request_content,
}
_PARSE_RESPONSE: dict[str, Callable[[Any, PatchTarget, bool], ResponseInfo]] = {
    "chat": chat.parse_response,
    "responses": responses.parse_response,
    "embeddings": embeddings.parse_response,
    "completions": completions.parse_response,
}
_ACCUMULATORS: dict[str, Callable[[bool], ChunkAccumulator]] = {
    "chat": ChatAccumulator,
    "responses": responses.ResponsesAccumulator,
    "embeddings": lambda capture: embeddings.EmbeddingsAccumulator(),
    "completions": CompletionAccumulator,
}


def parse_request(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestInfo:
    return _PARSE_REQUEST.get(target.api, chat.parse_request)(instance, kwargs, target)


def request_content(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestContent:
    return _REQUEST_CONTENT.get(target.api, chat.request_content)(instance, kwargs, target)


def parse_response(result: Any, target: PatchTarget, capture: bool) -> ResponseInfo:
    return _PARSE_RESPONSE.get(target.api, chat.parse_response)(result, target, capture)


def new_accumulator(target: PatchTarget, capture: bool) -> ChunkAccumulator:
    return _ACCUMULATORS.get(target.api, ChatAccumulator)(capture)


@functools.cache
def _stream_types() -> tuple[type, ...]:
    """Imported on first use, not with this package: OpenAI-compatible adapters (``compat``)
    import the surface modules here without needing the ``openai`` SDK."""
    try:
        from openai import AsyncStream, Stream
    except ImportError:  # pragma: no cover - the adapter is loaded when openai is imported
        return ()
    return (Stream, AsyncStream)


def is_stream(result: Any, target: PatchTarget) -> bool:
    return isinstance(result, _stream_types())


def unwrap(result: Any, target: PatchTarget) -> Any:
    """The parsed object (or ``Stream``) of a ``with_raw_response`` result, else ``result``.

    ``LegacyAPIResponse.parse()`` caches per type, so the caller's own ``parse()`` returns the
    very object read here; for a stream that object is a ``Stream`` whose iteration has not
    started (building it does no I/O), which the engine's raw-response proxy swaps for its
    observed proxy. ``with_streaming_response``'s ``APIResponse`` is left unread."""
    if type(result).__name__ == "LegacyAPIResponse":
        try:
            return result.parse()
        except Exception:  # e.g. .parse()'s LengthFinishReasonError: the caller's parse() raises it
            return result
    return result


def is_raw_response(result: Any, target: PatchTarget) -> bool:
    return chat.is_raw_response(result)


def error_type(exc: BaseException) -> str | None:
    return None


def error_response(exc: BaseException, target: PatchTarget) -> ResponseInfo | None:
    """``.parse()`` raises ``LengthFinishReasonError`` / ``ContentFilterFinishReasonError`` after a
    successful, billed call; the completion they carry still has id, model and usage."""
    completion = getattr(exc, "completion", None)
    return chat.parse_response(completion, target, False) if completion is not None else None


ADAPTER = ProviderAdapter(
    credentials=stainless,
    name="openai",
    distribution="openai",
    targets=TARGETS,
    parse_request=parse_request,
    request_content=request_content,
    parse_response=parse_response,
    new_accumulator=new_accumulator,
    is_stream=is_stream,
    unwrap=unwrap,
    is_raw_response=is_raw_response,
    error_type=error_type,
    error_response=error_response,
)

"""OpenAI-compatible SDKs: Stainless-generated siblings of the ``openai`` SDK (``groq``, ``together``).

Their Chat Completions, legacy Completions and Embeddings have the openai SDK's shapes (the same
keyword arguments, response and chunk models read by attribute, ``[DONE]``-terminated SSE), so
the openai surfaces of this package parse them. ``Compat`` adds only what differs:

- the provider is the SDK's, not the base URL's (a Groq client behind a proxy is still Groq),
  and the ``openai.*`` vendor attributes are left out: they describe OpenAI's own API;
- ``top_k`` is a keyword argument of these SDKs (openai's reads it from ``extra_body`` only);
- ``reasoning`` / ``reasoning_content`` (message and delta fields of both SDKs) become reasoning
  parts when content is captured;
- a rerank surface (``api="rerank"``): model, id and usage; query and documents are not content;
- the SDK's own classes: ``Stream``/``AsyncStream``, ``APIResponse``/``AsyncAPIResponse`` raw
  responses (unwrapped as the Anthropic adapter does), and ``error.type`` from the error body's
  ``code`` (else its ``type``), the OpenAI error envelope both APIs answer with.

Per-SDK hooks: ``server(instance, target)`` names the host a surface posts to when it is not the
client's base URL; ``usage(block)`` maps a usage block (default: openai's ``completion_usage``);
``usage_attributes(block)`` reads vendor attributes off it; ``chat_accumulator`` folds vendor
envelopes of the chunks (Groq's ``x_groq``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from ...adapter import (
    Message,
    PatchTarget,
    ProviderAdapter,
    RequestContent,
    RequestInfo,
    ResponseInfo,
    Usage,
    reasoning_part,
)
from .._credentials import stainless
from .._values import get, integer, seq, text
from . import chat, completions, embeddings
from ._chunks import ChatAccumulator, CompletionAccumulator
from ._common import completion_usage, passed, request_info

__all__ = ["Compat", "CompatChatAccumulator", "CompatCompletionAccumulator"]

UsageAttributes = Callable[[Any], Mapping[str, Any]]
UsageOf = Callable[[Any], "Usage | None"]
Server = Callable[[Any, PatchTarget], "tuple[str, int] | None"]


def no_attributes(usage: Any) -> Mapping[str, Any]:
    return {}


def _reasoning(obj: Any) -> str | None:
    """A message's or delta's reasoning text (Groq: ``reasoning``; Together: either field)."""
    value = get(obj, "reasoning") or get(obj, "reasoning_content")
    return value if isinstance(value, str) else None


def _prepend_reasoning(messages: list[Message], reasoning: Mapping[int, str]) -> None:
    """Our own freshly built messages, so they are changed in place."""
    for index, content in reasoning.items():
        if 0 <= index < len(messages):
            messages[index]["parts"].insert(0, reasoning_part(content))


class CompatChatAccumulator(ChatAccumulator):
    """openai's chat accumulator, with reasoning deltas and the SDK's vendor attributes."""

    __slots__ = ("_usage_of", "_vendor")

    def __init__(
        self, capture: bool, vendor: UsageAttributes = no_attributes, usage_of: UsageOf = completion_usage
    ) -> None:
        super().__init__(capture)
        self._vendor = vendor
        self._usage_of = usage_of

    def finish(self) -> ResponseInfo:
        usage = self._usage
        return replace(super().finish(), usage=self._usage_of(usage), attributes=self._vendor(usage))

    def _messages(self, reasons: Sequence[str | None]) -> list[Message]:
        out = super()._messages(reasons)
        pieces: dict[int, list[str]] = {}
        for choice in self._deltas:
            piece = _reasoning(getattr(choice, "delta", None))
            if piece:
                pieces.setdefault(choice.index, []).append(piece)
        _prepend_reasoning(out, {i: "".join(p) for i, p in pieces.items()})
        return out


class CompatCompletionAccumulator(CompatChatAccumulator):
    """Legacy completions chunks (``choices[].text``)."""

    __slots__ = ()
    _messages = CompletionAccumulator._messages


class _NoStream:
    """Embeddings and rerank never stream; ``new_accumulator`` is total for every target."""

    __slots__ = ()

    def add(self, chunk: Any) -> None:
        pass

    def finish(self) -> ResponseInfo:
        return ResponseInfo()


_PARSE_REQUEST = {
    "chat": chat.parse_request,
    "completions": completions.parse_request,
    "embeddings": embeddings.parse_request,
}
_REQUEST_CONTENT = {
    "chat": chat.request_content,
    "completions": completions.request_content,
}
_PARSE_RESPONSE = {
    "chat": chat.parse_response,
    "completions": completions.parse_response,
    "embeddings": embeddings.parse_response,
}


class Compat:
    """The adapter functions for one OpenAI-compatible SDK (``sdk`` is its import name)."""

    def __init__(
        self,
        sdk: str,
        provider: str,
        *,
        server: Server | None = None,
        usage: UsageOf = completion_usage,
        usage_attributes: UsageAttributes = no_attributes,
        chat_accumulator: type[CompatChatAccumulator] = CompatChatAccumulator,
    ) -> None:
        self.sdk = sdk
        self.provider = provider
        self.server = server
        self.usage = usage
        self.usage_attributes = usage_attributes
        self.chat_accumulator = chat_accumulator
        self._classes: tuple[Any, Any, Any, Any] | None = None

    def classes(self) -> tuple[Any, Any, Any, Any]:
        """(stream types, raw response types, APIResponse, APIError), imported on first use:
        the engine calls the adapter only once the SDK is imported."""
        if self._classes is None:
            m = importlib.import_module(self.sdk)
            raw = (m.APIResponse, m.AsyncAPIResponse)
            self._classes = ((m.Stream, m.AsyncStream), raw, m.APIResponse, m.APIError)
        return self._classes

    # --- requests ----------------------------------------------------------------------------
    def parse_request(self, instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestInfo:
        parse = _PARSE_REQUEST.get(target.api)
        info = parse(instance, kwargs, target) if parse else request_info(instance, passed(kwargs))
        changes: dict[str, Any] = {"provider": self.provider, "attributes": {}}
        top_k = kwargs.get("top_k") if isinstance(kwargs, Mapping) else None
        if integer(top_k) is not None:
            changes["top_k"] = top_k
        server = self.server(instance, target) if self.server else None
        if server:
            changes["server_address"], changes["server_port"] = server
        return replace(info, **changes)

    def request_content(
        self, instance: Any, kwargs: Mapping[str, Any], target: PatchTarget
    ) -> RequestContent:
        content = _REQUEST_CONTENT.get(target.api)
        return content(instance, kwargs, target) if content else RequestContent()

    # --- responses ---------------------------------------------------------------------------
    def parse_response(self, result: Any, target: PatchTarget, capture: bool) -> ResponseInfo:
        usage = getattr(result, "usage", None)
        parse = _PARSE_RESPONSE.get(target.api)
        if parse is None:  # rerank
            return ResponseInfo(
                response_id=text(getattr(result, "id", None)),
                response_model=text(getattr(result, "model", None)),
                usage=self.usage(usage),
                attributes=self.usage_attributes(usage),
            )
        info = parse(result, target, capture)
        if capture and target.api == "chat" and info.output_messages:
            choices = seq(getattr(result, "choices", None))
            reasoning = {i: _reasoning(get(c, "message")) for i, c in enumerate(choices)}
            _prepend_reasoning(list(info.output_messages), {i: r for i, r in reasoning.items() if r})
        if target.api == "embeddings":  # prompt_tokens only, as openai reads it
            return replace(info, attributes=self.usage_attributes(usage))
        return replace(info, usage=self.usage(usage), attributes=self.usage_attributes(usage))

    def new_accumulator(self, target: PatchTarget, capture: bool) -> Any:
        if target.api == "chat":
            return self.chat_accumulator(capture, self.usage_attributes, self.usage)
        if target.api == "completions":
            return CompatCompletionAccumulator(capture, self.usage_attributes, self.usage)
        return _NoStream()

    def is_stream(self, result: Any, target: PatchTarget) -> bool:
        return isinstance(result, self.classes()[0])

    def unwrap(self, result: Any, target: PatchTarget) -> Any:
        """``with_raw_response`` returns an ``APIResponse``: the parsed object or ``Stream`` inside
        (cached per type, so the caller's own ``parse()`` returns the same object)."""
        _, raw, sync_raw, _ = self.classes()
        if not isinstance(result, raw):
            return result
        sse = getattr(result, "_is_sse_stream", False)
        if not sse and not result.http_response.is_stream_consumed:
            return result  # ``with_streaming_response``: reading the body here would change the call
        if isinstance(result, sync_raw):
            return result.parse()
        if sse:
            return result  # AsyncAPIResponse.parse is a coroutine; its stream can't be shared from here
        return result._parse()  # the sync core of AsyncAPIResponse.parse, body already read

    def is_raw_response(self, result: Any, target: PatchTarget) -> bool:
        return isinstance(result, self.classes()[1])

    def error_type(self, exc: BaseException) -> str | None:
        """``{"error": {"code": "model_not_found", "type": "invalid_request_error", ...}}``; a
        mid-stream error's body is the inner object already."""
        if not isinstance(exc, self.classes()[3]):
            return None
        body = getattr(exc, "body", None)
        error = body.get("error", body) if isinstance(body, Mapping) else None
        if not isinstance(error, Mapping):
            return None
        return text(error.get("code")) or text(error.get("type")) or None

    def adapter(self, name: str, targets: tuple[PatchTarget, ...]) -> ProviderAdapter:
        return ProviderAdapter(
            credentials=stainless,
            name=name,
            distribution=name,
            targets=targets,
            parse_request=self.parse_request,
            request_content=self.request_content,
            parse_response=self.parse_response,
            new_accumulator=self.new_accumulator,
            is_stream=self.is_stream,
            unwrap=self.unwrap,
            is_raw_response=self.is_raw_response,
            error_type=self.error_type,
        )

"""LiteLLM adapter: the ``litellm`` module functions (written against litellm 1.110.2).

Patched on the ``litellm`` module, the attribute callers reach (``litellm.completion``, or
``from litellm import completion`` after instrumenting); no version gate, these four have always
been module functions. The Router calls them, so its calls are covered too.

- ``completion`` / ``acompletion``: operation ``chat``; ``stream=True`` returns a
  ``CustomStreamWrapper`` of ``ModelResponseStream`` chunks (sync and async iteration);
- ``embedding`` / ``aembedding``: operation ``embeddings``.

One span per call: ``acompletion`` runs ``litellm.main.completion`` (not the patched attribute) in
an executor with a copy of the caller's context, and an SDK LiteLLM calls underneath (the openai
SDK's ``embeddings.with_raw_response.create``) finds our span current and passes through untraced.
Chat on the OpenAI route needs no such care: LiteLLM posts through the client, past ``create``.

``gen_ai.provider.name`` is the upstream LiteLLM routes to and ``gen_ai.request.model`` the model
that upstream receives, without LiteLLM's routing prefix (``anthropic/claude-haiku-4-5`` ->
``claude-haiku-4-5``); ``server.*`` come from ``api_base``/``base_url``, an OpenAI ``client=``'s
base URL, or the default base LiteLLM knows (see ``_route.py``).

Responses are OpenAI-shaped for every upstream: ``prompt_tokens`` includes cached tokens
(LiteLLM adds Anthropic's in), so usage maps directly. ``gen_ai.response.finish_reasons`` are
the values LiteLLM returns, as returned: its OpenAI vocabulary (LiteLLM has already rewritten the
upstream's: Anthropic's ``end_turn`` arrives as ``stop``); output messages map them like every
adapter (``adapter.output_finish_reason``). A stream's usage is its last ``usage`` chunk or,
when the caller did not ask for one, the provider-reported usage LiteLLM leaves in the last
chunk's ``_hidden_params`` (its ``UnreportedUsage`` placeholder is skipped). A stream's
``gen_ai.response.model`` is the model the upstream named on its chunks, which LiteLLM keeps in
each chunk's ``_hidden_params["provider_response_model"]`` while it stamps the requested model
on the chunk itself (``gpt-4`` where the upstream said ``gpt-4-0613``); the chunks' model when
no chunk carries one. ``error.type`` is a provider error code kept on the exception, else its
class (``litellm.NotFoundError``).

Streams with several choices (``n=2``): LiteLLM passes on one finish reason per stream and drops
the other choices' last chunks (1.110.2: the first reason it reads is kept for the stream, later
ones are dropped), so a stream that ended normally can lack a choice's reason. When the stream ran
to its end (LiteLLM itself raises ``MidStreamFallbackError`` when the upstream stopped before any
finish reason), such a choice is left out of ``gen_ai.response.finish_reasons`` rather than
reported as ``error``: the attribute lists the reasons that arrived, in choice order (fewer
entries than choices), and that choice's output message has no ``finish_reason``. A stream that
failed, or was closed or abandoned before its end, keeps ``error`` for every choice whose reason
never arrived, as every adapter does.

Known gaps: where a stream's usage is requested (LiteLLM requests it from OpenAI-compatible
servers itself) and the provider sends none, LiteLLM fills the last chunk with its own tokenizer
estimate, which no chunk marks as such: it is reported as is. Per-modality token counts are not
reported (LiteLLM's ``text_tokens`` leave Anthropic's cached tokens out). On routes LiteLLM
translates (Anthropic, ...) ``gen_ai.response.id`` is LiteLLM's own ``chatcmpl-<uuid>``: it does
not keep the provider's id. Reasoning text
(``reasoning_content``) is not captured. ``completion(..., acompletion=True)`` returns a coroutine
and passes through untraced. ``text_completion``, ``responses``, ``image_generation``,
``rerank`` and ``anthropic.messages`` are not patched.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ...adapter import (
    CHAT,
    EMBEDDINGS,
    ChunkAccumulator,
    PatchTarget,
    ProviderAdapter,
    RequestContent,
    RequestInfo,
    ResponseInfo,
    Usage,
)
from .._values import get, integer, number, text
from ..openai import chat
from ..openai._chunks import ChatAccumulator
from ..openai._common import passed, stop_sequences
from ..openai.embeddings import dimensions
from ._route import route

__all__ = ["ADAPTER", "TARGETS"]

TARGETS = (
    PatchTarget("litellm", "completion", CHAT, "chat", positional=("model", "messages")),
    PatchTarget("litellm", "acompletion", CHAT, "chat", True, positional=("model", "messages")),
    PatchTarget("litellm", "embedding", EMBEDDINGS, "embeddings", positional=("model", "input")),
    PatchTarget("litellm", "aembedding", EMBEDDINGS, "embeddings", True, positional=("model", "input")),
)

_OUTPUT_TYPES = {"text": "text", "json_object": "json", "json_schema": "json"}


def _base_url(kwargs: Mapping[str, Any]) -> str | None:
    """Where the call goes when the caller says so: ``api_base``/``base_url``, or its SDK client's."""
    url = kwargs.get("api_base") or kwargs.get("base_url")
    if url is None:  # an OpenAI client; ``_base_url`` skips the property that imports on each read
        client = kwargs.get("client")
        url = getattr(client, "_base_url", None) or getattr(client, "base_url", None)
    return str(url) if url else None


def _output_type(fmt: Any) -> str | None:
    if isinstance(fmt, type):  # a pydantic model class
        return "json"
    kind = get(fmt, "type") if fmt is not None else None
    return _OUTPUT_TYPES.get(kind, kind) if isinstance(kind, str) else None


def parse_request(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestInfo | None:
    kwargs = passed(kwargs)
    if kwargs.get("acompletion") is True or kwargs.get("aembedding") is True:
        return None  # the sync function then returns a coroutine, which the engine cannot observe
    provider, model, host, port = route(
        text(kwargs.get("model")), text(kwargs.get("custom_llm_provider")), _base_url(kwargs)
    )
    common = {"provider": provider, "model": model, "server_address": host, "server_port": port}
    if target.operation == EMBEDDINGS:
        fmt = text(kwargs.get("encoding_format"))
        return RequestInfo(**common, encoding_formats=[fmt] if fmt else None)
    n = integer(kwargs.get("n"))
    max_tokens = kwargs.get("max_completion_tokens", kwargs.get("max_tokens"))
    return RequestInfo(
        **common,
        stream=kwargs.get("stream") is True,
        temperature=number(kwargs.get("temperature")),
        top_p=number(kwargs.get("top_p")),
        top_k=integer(kwargs.get("top_k")),
        max_tokens=integer(max_tokens),
        frequency_penalty=number(kwargs.get("frequency_penalty")),
        presence_penalty=number(kwargs.get("presence_penalty")),
        stop_sequences=stop_sequences(kwargs.get("stop")),
        seed=integer(kwargs.get("seed")),
        choice_count=n if n is not None and n != 1 else None,
        output_type=_output_type(kwargs.get("response_format")),
        reasoning_level=text(kwargs.get("reasoning_effort")),
    )


def request_content(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestContent:
    """litellm takes OpenAI-format messages and tools for every provider."""
    return chat.request_content(instance, kwargs, target) if target.operation == CHAT else RequestContent()


def _count(*values: Any) -> int | None:
    """The first of ``values`` that is a count."""
    return next((count for count in map(integer, values) if count is not None), None)


def _usage(usage: Any) -> Usage | None:
    """litellm's OpenAI-shaped ``Usage``: prompt tokens include cached ones for every provider."""
    if usage is None or type(usage).__name__ == "UnreportedUsage":
        return None
    prompt = get(usage, "prompt_tokens_details")
    return Usage(
        input_tokens=integer(get(usage, "prompt_tokens")),
        output_tokens=integer(get(usage, "completion_tokens")),
        cache_read_input_tokens=_count(get(prompt, "cached_tokens"), get(usage, "cache_read_input_tokens")),
        cache_write_input_tokens=_count(
            get(prompt, "cache_write_tokens"), get(usage, "cache_creation_input_tokens")
        ),
        reasoning_output_tokens=integer(get(get(usage, "completion_tokens_details"), "reasoning_tokens")),
    )


def parse_response(result: Any, target: PatchTarget, capture: bool) -> ResponseInfo:
    usage = _usage(get(result, "usage"))
    if target.operation == EMBEDDINGS:
        data = get(result, "data")
        first = data[0] if isinstance(data, list) and data else None
        return ResponseInfo(
            response_model=text(get(result, "model")),
            usage=Usage(input_tokens=usage.input_tokens)
            if usage and usage.input_tokens is not None
            else None,
            embedding_dimensions=dimensions(get(first, "embedding")),
        )
    # the OpenAI adapter's reading of id, model, finish reasons and messages; not its openai.* attributes
    return replace(chat.parse_response(result, target, capture), usage=usage, attributes={})


class StreamAccumulator(ChatAccumulator):
    """The OpenAI chat accumulator over ``ModelResponseStream`` chunks, plus what LiteLLM keeps
    in each chunk's ``_hidden_params``: the upstream's model and usage."""

    __slots__ = ("_ended", "_served")

    def __init__(self, capture: bool) -> None:
        super().__init__(capture)
        self._served: str | None = None
        self._ended = False

    def add(self, chunk: Any) -> None:
        super().add(chunk)
        hidden = getattr(chunk, "_hidden_params", None)
        if not isinstance(hidden, dict):
            return
        served = hidden.get("provider_response_model")
        if isinstance(served, str) and served:
            self._served = served
        if getattr(chunk, "usage", None) is None:  # not asked for: the provider's, on the last chunk
            usage = hidden.get("usage")
            if usage is not None:
                self._usage = usage

    def exhausted(self) -> None:
        """The stream ran to its end: a choice without a reason lost it to LiteLLM, not to a cut."""
        self._ended = True

    def _choice_reasons(self) -> list[str | None]:
        if not self._ended:
            return super()._choice_reasons()
        reasons = self._reasons
        return [text(reasons.get(i)) or None for i in range(self._choices)]

    def finish(self) -> ResponseInfo:
        info = super().finish()
        model = self._served or info.response_model
        return replace(info, response_model=model, usage=_usage(self._usage), attributes={})


def new_accumulator(target: PatchTarget, capture: bool) -> ChunkAccumulator:
    return StreamAccumulator(capture)


@functools.cache
def _stream_type() -> type:
    from litellm.litellm_core_utils.streaming_handler import CustomStreamWrapper

    return CustomStreamWrapper


def is_stream(result: Any, target: PatchTarget) -> bool:
    return target.operation == CHAT and isinstance(result, _stream_type())


def error_type(exc: BaseException) -> str | None:
    """A provider error code LiteLLM kept on its exception (``model_not_found``), else ``None``
    (the class, ``litellm.RateLimitError``). LiteLLM stamps some classes' ``code`` with the HTTP
    status (``"429"``, ``"400"``), which would name one failure two ways: those are skipped."""
    code = getattr(exc, "code", None)
    return code if isinstance(code, str) and code and not code.isdigit() else None


def credentials(instance: Any, kwargs: Mapping[str, Any]) -> tuple[str | None, ...]:
    """The ``api_key=`` argument, and the key of an SDK client passed as ``client=``."""
    key, client_key = kwargs.get("api_key"), getattr(kwargs.get("client"), "api_key", None)
    return tuple(k if isinstance(k, str) else None for k in (key, client_key))


ADAPTER = ProviderAdapter(
    credentials=credentials,
    name="litellm",
    distribution="litellm",
    targets=TARGETS,
    parse_request=parse_request,
    request_content=request_content,
    parse_response=parse_response,
    new_accumulator=new_accumulator,
    is_stream=is_stream,
    error_type=error_type,
)

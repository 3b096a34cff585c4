"""Ollama adapter: the ``ollama`` Python SDK (written against ollama 0.6.3; targets need >= 0.4,
where responses became pydantic models and parameters after ``messages``/``suffix`` keyword-only).

Patched, sync ``Client`` and async ``AsyncClient`` in ``ollama._client``:

================  ===================  ===================================  =========
method            operation            positional parameters                streams
================  ===================  ===================================  =========
``chat``          ``chat``             model, messages                      yes
``generate``      ``text_completion``  model, prompt, suffix                yes
``embed``         ``embeddings``       model, input, truncate, options, ..  no
``embeddings``    ``embeddings``       model, prompt, options, keep_alive   no
================  ===================  ===================================  =========

Module-level functions: ``ollama.chat`` and friends are bound methods of a default ``Client``
made while ``ollama`` is imported (``chat = _client.chat``). A post-import hook runs after that,
and a bound method keeps the original function, so patching ``Client.chat`` never reaches them;
they are patched as module attributes too (wrapt hands the wrapper the bound method's
``__self__`` as the instance). A name copied before ``instrument()`` (``from ollama import chat``)
keeps the original and is not traced.

Request: sampling parameters live in ``options`` (a dict or ``ollama.Options``): ``temperature``,
``top_p``, ``top_k``, ``num_predict`` (-> max_tokens; the sentinels -1 "no limit" and -2 "fill
the context" are not limits and are not reported), ``stop``, ``seed``, ``presence_penalty``,
``frequency_penalty``. ``format`` ``"json"`` or a JSON schema -> output type ``json``; ``think``
as a string (``"low"``/``"medium"``/``"high"``) -> reasoning level (``True``/``False`` are not
levels). ``gen_ai.provider.name`` is ``ollama`` wherever the server is; ``server.*`` come from the
client's ``httpx`` base URL (default ``http://127.0.0.1:11434``).

Response: ``model``; ``done_reason`` as the finish reason, kept as Ollama says it (``stop``,
``length``, ``load``, ``unload``; a tool call ends with ``stop``), which the output message maps
(``adapter.output_finish_reason``: ``stop``, or ``tool_call`` when the message calls tools;
``length``; ``load``/``unload`` as sent); ``prompt_eval_count`` / ``eval_count`` as input / output
tokens (thinking tokens are inside ``eval_count``; Ollama reports no split and no cache counts).
Ollama has no response id and no tool call ids: none is reported.
Streams are generators (async generators) of response parts; see ``_stream.py``.

Errors: ``ollama.ResponseError`` carries the HTTP status and the body's ``error`` text, no error
code, so ``error.type`` is the class name (``ollama.ResponseError``). With ``stream=True`` the
request is sent on the first iteration, so an HTTP error surfaces there and ends the span then.

Known gaps: ``messages``/``tools`` given as one-shot iterators are not captured; image paths are
not read (a ``blob`` placeholder without content); embeddings inputs are not captured (semconv
defines no content attributes for them); ``web_search``/``web_fetch``/``systemone``/model
management are not LLM inference and are not patched.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import AsyncGeneratorType, GeneratorType
from typing import Any

from genai_otel._telemetry.semconv import PROVIDER_OLLAMA
from genai_otel.adapter import (
    CHAT,
    EMBEDDINGS,
    TEXT_COMPLETION,
    Message,
    PatchTarget,
    ProviderAdapter,
    RequestContent,
    RequestInfo,
    ResponseInfo,
    message,
    text_part,
)

from .._credentials import bearer
from .._values import get, integer, number, seq, text
from ._convert import image_part, input_message, output_message, tool_definition, usage
from ._stream import PartsAccumulator

__all__ = ["ADAPTER", "TARGETS"]

_MIN_VERSION = "0.4.0"
_METHODS = (
    ("chat", CHAT, ("model", "messages")),
    ("generate", TEXT_COMPLETION, ("model", "prompt", "suffix")),
    ("embed", EMBEDDINGS, ("model", "input", "truncate", "options", "keep_alive", "dimensions")),
    ("embeddings", EMBEDDINGS, ("model", "prompt", "options", "keep_alive")),
)
TARGETS = tuple(
    PatchTarget(
        module, f"{cls}{method}", op, api=method, is_async=is_async, min_version=_MIN_VERSION, positional=pos
    )
    for method, op, pos in _METHODS
    for module, cls, is_async in (
        ("ollama._client", "Client.", False),
        ("ollama._client", "AsyncClient.", True),
        ("ollama", "", False),  # the module-level functions of the default client
    )
)
_DEFAULT_PORTS = {"https": 443, "http": 80}
_STREAM_TYPES = (GeneratorType, AsyncGeneratorType)


def parse_request(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestInfo:
    url: Any = getattr(getattr(instance, "_client", None), "base_url", None)
    host = text(getattr(url, "host", None)) or None
    port = getattr(url, "port", None) or _DEFAULT_PORTS.get(getattr(url, "scheme", None))  # type: ignore[arg-type]
    model = text(kwargs.get("model")) or None
    if target.operation == EMBEDDINGS:
        return RequestInfo(PROVIDER_OLLAMA, model, host, port if host else None)
    options = kwargs.get("options")
    fmt, think = kwargs.get("format"), kwargs.get("think")
    stops = get(options, "stop") if options is not None else None
    limit = integer(get(options, "num_predict")) if options is not None else None
    return RequestInfo(
        provider=PROVIDER_OLLAMA,
        model=model,
        server_address=host,
        server_port=port if host else None,
        stream=kwargs.get("stream") is True,
        temperature=number(get(options, "temperature")) if options is not None else None,
        top_p=number(get(options, "top_p")) if options is not None else None,
        top_k=integer(get(options, "top_k")) if options is not None else None,
        max_tokens=limit if limit is not None and limit >= 0 else None,
        frequency_penalty=number(get(options, "frequency_penalty")) if options is not None else None,
        presence_penalty=number(get(options, "presence_penalty")) if options is not None else None,
        stop_sequences=[s for s in seq(stops) if isinstance(s, str)] or None,
        seed=integer(get(options, "seed")) if options is not None else None,
        output_type="json" if fmt == "json" or (isinstance(fmt, Mapping) and fmt) else None,
        reasoning_level=think if isinstance(think, str) and think else None,
    )


def request_content(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestContent:
    if target.api == "chat":
        return RequestContent(
            input_messages=[input_message(m) for m in seq(kwargs.get("messages"))],
            tool_definitions=[tool_definition(t) for t in seq(kwargs.get("tools"))],
        )
    if target.api == "generate":
        prompt, system = kwargs.get("prompt"), text(kwargs.get("system"))
        parts = [text_part(prompt)] if isinstance(prompt, str) and prompt else []
        parts.extend(image_part(i) for i in seq(kwargs.get("images")))
        return RequestContent(
            input_messages=[message("user", parts)] if parts else (),
            system_instructions=[text_part(system)] if system else (),
        )
    return RequestContent()


def parse_response(result: Any, target: PatchTarget, capture: bool) -> ResponseInfo:
    model = text(get(result, "model"))
    if target.operation == EMBEDDINGS:
        vectors = get(result, "embeddings") if target.api == "embed" else [get(result, "embedding")]
        first = vectors[0] if isinstance(vectors, (list, tuple)) and vectors else None
        return ResponseInfo(
            response_model=model,
            usage=usage(result),
            embedding_dimensions=len(first) if isinstance(first, (list, tuple)) else None,
        )
    reason = text(get(result, "done_reason")) or None
    out: tuple[Message, ...] = ()
    if capture and result is not None:
        if target.api == "chat":
            msg = get(result, "message")
            content, thinking, calls = get(msg, "content"), get(msg, "thinking"), get(msg, "tool_calls")
            out = (output_message(get(msg, "role"), content, thinking, calls, reason),)
        else:
            content, thinking, image = get(result, "response"), get(result, "thinking"), get(result, "image")
            out = (output_message("assistant", content, thinking, None, reason, image),)
    return ResponseInfo(
        response_model=model,
        finish_reasons=(reason,) if reason else (),
        usage=usage(result),
        output_messages=out,
    )


def new_accumulator(target: PatchTarget, capture: bool) -> PartsAccumulator:
    return PartsAccumulator(capture, target.api == "chat")


def is_stream(result: Any, target: PatchTarget) -> bool:
    """``stream=True`` returns the SDK's ``inner()`` generator (an async generator for ``AsyncClient``)."""
    return isinstance(result, _STREAM_TYPES)


def credentials(instance: Any, kwargs: Mapping[str, Any]) -> tuple[str | None]:
    """A bearer token the client sends to an authenticating proxy in front of Ollama."""
    return (bearer(getattr(getattr(instance, "_client", None), "headers", None)),)


ADAPTER = ProviderAdapter(
    credentials=credentials,
    name="ollama",
    distribution="ollama",
    targets=TARGETS,
    parse_request=parse_request,
    request_content=request_content,
    parse_response=parse_response,
    new_accumulator=new_accumulator,
    is_stream=is_stream,
)

"""Hugging Face adapter: ``huggingface_hub``'s ``InferenceClient`` / ``AsyncInferenceClient``
(written against huggingface_hub 2.4.0, checked on 2.5.0; targets need >= 0.28, where
``provider=`` routing began).

Patched, sync ``InferenceClient`` (``huggingface_hub.inference._client``) and async
``AsyncInferenceClient`` (``huggingface_hub.inference._generated._async_client``):

======================  =================  ==========  ============================================
method                  operation          positional  ``stream=True`` yields
======================  =================  ==========  ============================================
``chat_completion``     chat               messages    ``ChatCompletionStreamOutput``
``text_generation``     text_completion    prompt      ``str``, or ``TextGenerationStreamOutput``
``feature_extraction``  embeddings         text        (never streams)
======================  =================  ==========  ============================================

``client.chat.completions.create`` is a property returning the bound ``chat_completion``, so it is
covered. ``text_generation`` retries itself once without the parameters a non-TGI server
rejected; the retry runs inside the first call's span and is not traced again. Surfaces are in
``_chat.py`` and ``_text.py``; streams are the SDK's (async) generators.

Trigger module: ``huggingface_hub.inference``, the package both client modules live in. The SDK
exposes them lazily (``from huggingface_hub import InferenceClient`` imports the module on first
access); importing either imports the package first, whose post-import hook then patches both.
``import huggingface_hub`` alone (``hf_hub_download``, ``transformers``) imports neither, and
genai_otel does not import them either (the inference client costs ~0.3 s to import). Importing
the inference types (``from huggingface_hub import ChatCompletionOutput``) imports the package,
so both clients are imported and patched then.

Provider (``gen_ai.provider.name``) and server: ``provider=`` picks the upstream (``together`` ->
``together_ai``, ``groq``, ``openai``, ``cohere``, ``fireworks-ai`` -> ``fireworks_ai``: the
registry value where one exists, else the name in snake case). With a Hugging Face token
(``hf_...``, or none given: the SDK then reads the saved/env token, an HF token) the request goes
through ``router.huggingface.co`` (up to 2.4 at ``/{provider}/...``; from 2.5 a chat call goes to
the router's ``/v1/chat/completions`` with ``model="{model}:{provider}"``: same host, same
upstream); with a provider's own key it goes to that provider's host. A chat model the caller
suffixes with a provider (``"...:groq"`` with ``provider="auto"``) reports that provider.
``hf-inference``, ``auto`` and ``None`` report ``huggingface``: for chat, ``auto`` is routed
server-side by the router (the SDK sends the model id, the router picks); for the other tasks the
SDK picks the first provider of the model's Hub mapping (a cached Hub API call we do not make), so
the upstream is unknown before the call and the response does not say. A model given as a URL (TGI,
Inference Endpoints, an OpenAI-compatible server) is called directly: server from the URL, provider
from its host (``providers/_endpoints.py``), except that a loopback ``:8080`` is TGI's documented
port here (``huggingface``), not llama.cpp.

Errors: ``HfHubHTTPError`` (HTTP), ``InferenceTimeoutError``, and TGI's ``TextGenerationError``
subclasses (``ValidationError``, ``OverloadedError``, ...; also raised mid-stream). ``error.type``
is the body's ``error.code`` when an OpenAI-compatible upstream sent one
(``{"error": {"message": ..., "code": "model_not_found"}}``); HF's own bodies
(``{"error": "Model ... is currently loading", "estimated_time": ...}``) carry no code, so the
class name is used. The token is never read into telemetry: only whether it starts with ``hf_``.

Known gaps: the other tasks (``text_to_image``, ``automatic_speech_recognition``, ...) are not
LLM inference in semconv's sense and are not patched; embeddings inputs are not captured (semconv
defines no content attributes for them); with ``provider="auto"`` for text generation and
embeddings the upstream stays ``huggingface``; without numpy ``feature_extraction`` raises
``ImportError`` after the response (the SDK's behaviour; the span records that error).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import AsyncGeneratorType, GeneratorType
from typing import Any

from genai_otel._telemetry.semconv import PROVIDER_HUGGINGFACE
from genai_otel.adapter import (
    CHAT,
    EMBEDDINGS,
    TEXT_COMPLETION,
    ChunkAccumulator,
    PatchTarget,
    ProviderAdapter,
    RequestContent,
    RequestInfo,
    ResponseInfo,
    message,
    text_part,
)

from .._credentials import attribute
from .._values import integer, number, text
from . import _chat, _text
from ._convert import attr_or_item, passed, strings
from ._route import route

__all__ = ["ADAPTER", "PROVIDER_HUGGINGFACE", "TARGETS"]

_MIN_VERSION = "0.28.0"
_STREAMS = (GeneratorType, AsyncGeneratorType)
_URL_PREFIXES = ("http://", "https://")
_METHODS = (
    ("chat_completion", CHAT, "chat", ("messages",)),
    ("text_generation", TEXT_COMPLETION, "text_generation", ("prompt",)),
    ("feature_extraction", EMBEDDINGS, "feature_extraction", ("text",)),
)
TARGETS = tuple(
    PatchTarget(module, f"{cls}.{method}", op, api, is_async, min_version=_MIN_VERSION, positional=pos)
    for module, cls, is_async in (
        ("huggingface_hub.inference._client", "InferenceClient", False),
        ("huggingface_hub.inference._generated._async_client", "AsyncInferenceClient", True),
    )
    for method, op, api, pos in _METHODS
)


def _url(value: str | None) -> str | None:
    return value if value is not None and value.startswith(_URL_PREFIXES) else None


def parse_request(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestInfo:
    kw = passed(kwargs)
    api = target.api
    called, own = text(kw.get("model")), text(getattr(instance, "model", None))
    # chat_completion builds the URL from the client's model first and sends the argument first;
    # the other tasks use the argument first for both
    routed = (own or called) if api == "chat" else (called or own)
    sent = called or own
    url = _url(routed)
    model = sent if _url(sent) is None else None
    host, port, provider = route(instance, api, url, model if url is None else None)
    if api == "feature_extraction":
        fmt = text(kw.get("encoding_format"))
        return RequestInfo(provider, model, host, port, encoding_formats=[fmt] if fmt else None)
    if api == "chat":
        extra = kw.get("extra_body")
        extra = extra if isinstance(extra, Mapping) else {}
        n = integer(kw.get("n"))
        limit, fmt, top_k = kw.get("max_tokens"), kw.get("response_format"), extra.get("top_k")
        stops, effort, choices = kw.get("stop"), text(extra.get("reasoning_effort")), n if n != 1 else None
    else:
        limit, fmt, top_k = kw.get("max_new_tokens"), kw.get("grammar"), kw.get("top_k")
        stops, effort, choices = kw.get("stop", kw.get("stop_sequences")), None, None
    return RequestInfo(
        provider=provider,
        model=model,
        server_address=host,
        server_port=port,
        stream=kw.get("stream") is True,
        temperature=number(kw.get("temperature")),
        top_p=number(kw.get("top_p")),
        top_k=integer(top_k),
        max_tokens=integer(limit),
        frequency_penalty=number(kw.get("frequency_penalty")),
        presence_penalty=number(kw.get("presence_penalty")),
        stop_sequences=strings(stops),
        seed=integer(kw.get("seed")),
        choice_count=choices,
        output_type=_chat.output_type(fmt),
        reasoning_level=effort,
    )


def request_content(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestContent:
    if target.api == "chat":
        return _chat.request_content(kwargs)
    prompt = kwargs.get("prompt") if target.api == "text_generation" else None
    return RequestContent(
        input_messages=[message("user", [text_part(prompt)])] if isinstance(prompt, str) else ()
    )


def parse_response(result: Any, target: PatchTarget, capture: bool) -> ResponseInfo:
    if target.api == "chat":
        return _chat.parse_response(result, capture)
    if target.api == "text_generation":
        return _text.parse_response(result, capture)
    return ResponseInfo(embedding_dimensions=_text.dimensions(result))


def new_accumulator(target: PatchTarget, capture: bool) -> ChunkAccumulator:
    if target.api == "chat":
        return _chat.ChatAccumulator(capture)
    if target.api == "text_generation":
        return _text.TextAccumulator(capture)
    return _text.NoStream()


def is_stream(result: Any, target: PatchTarget) -> bool:
    return isinstance(result, _STREAMS)


def error_type(exc: BaseException) -> str | None:
    """``error.code`` of an OpenAI-style error body that the SDK already read (no I/O here)."""
    response = getattr(exc, "response", None)
    if response is None or type(exc).__module__.partition(".")[0] != "huggingface_hub":
        return None
    try:
        body = response.json()  # raises ResponseNotRead (no read) on an unread stream
    except Exception:
        return None
    error = attr_or_item(body, "error") if isinstance(body, Mapping) else None
    code = attr_or_item(error, "code") if isinstance(error, Mapping) else None
    return code if isinstance(code, str) and code else None


ADAPTER = ProviderAdapter(
    credentials=attribute("token"),
    name="huggingface",
    distribution="huggingface_hub",
    targets=TARGETS,
    parse_request=parse_request,
    request_content=request_content,
    parse_response=parse_response,
    new_accumulator=new_accumulator,
    is_stream=is_stream,
    error_type=error_type,
)

"""Google GenAI adapter: the ``google-genai`` SDK (``google.genai``, Gemini API and Vertex AI;
written against 3.6.1, the patched methods checked back to 1.0.0).

One inference span per model round trip (operation ``generate_content``). The public
``Models.generate_content`` / ``generate_content_stream`` (and the ``AsyncModels`` twins behind
``client.aio.models``; ``client.chats`` calls them) loop: automatic function calling (AFC) sends a
request per step and runs the caller's Python tools in between, automatic continuation follows
``continuation_token`` hops. So the patched methods are the private per-request ones each loop
calls, ``_generate_content`` / ``_generate_content_stream`` (keyword-only ``model``, ``contents``,
``config``), and each span has exactly its request's contents, parameters and usage. A tool the
SDK runs is an ``execute_tool`` span (``_extra_utils.invoke_function_from_dict_args`` and its async
twin, called with ``(args, function_to_invoke)``), a sibling of the inference spans under the
caller's span; function calls merely returned (no AFC) run nothing and get no tool span.
``embed_content`` (one request) is patched where it is public: operation ``embeddings``.

``gen_ai.provider.name``: ``gcp.vertex_ai`` when the API client is in Vertex mode (express mode
too), else ``gcp.gemini``; ``server.*`` from its base URL or ``config.http_options.base_url``.

Usage: input = ``prompt_token_count`` (cached tokens included) + ``tool_use_prompt_token_count``
(server-side tool results fed back to the model, billed as input, outside the prompt count:
``total_token_count`` sums all four counts); output = ``candidates_token_count`` +
``thoughts_token_count`` (thoughts are outside the candidates count); cache read =
``cached_content_token_count``; reasoning = thoughts; per modality from the ``*_tokens_details``
lists (thoughts have no split). ``gen_ai.response.finish_reasons``: each candidate's
``finish_reason`` as the API sends it (the ``FinishReason`` enum's wire value: ``STOP``,
``MAX_TOKENS``, ``SAFETY``, ``MALFORMED_FUNCTION_CALL``; an unknown one as sent), ``error`` for a
candidate without one; the output message's ``finish_reason`` is the output-message schema's
value (``adapter.output_finish_reason``: ``STOP`` -> ``stop``, or ``tool_call`` when the candidate
calls a function; ``MAX_TOKENS`` -> ``length``; ``SAFETY`` and the other safety reasons ->
``content_filter``; ``OTHER`` as sent). ``error.type``: the API error's ``status`` (``INVALID_ARGUMENT``),
mid-stream error events included.

Not covered: image/video generation, ``count_tokens``, the Live API, ``interactions``, tools run
through MCP sessions; a prompt blocked with no candidates has no finish reason (the SDK returns
normally; ``prompt_feedback.block_reason`` says why).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from genai_otel._telemetry.semconv import PROVIDER_GCP_GEMINI, PROVIDER_GCP_VERTEX_AI
from genai_otel.adapter import (
    EMBEDDINGS,
    EXECUTE_TOOL,
    GENERATE_CONTENT,
    PatchTarget,
    ProviderAdapter,
    RequestContent,
    RequestInfo,
    ResponseInfo,
    Usage,
)

from .._credentials import attribute
from .._values import get, integer, number, text
from ._convert import candidate_message, enum_text, finish_reason, input_messages, system_parts, usage
from ._stream import GenerateContentAccumulator
from ._tools import parse_tool, tool_definitions

__all__ = ["ADAPTER", "TARGETS", "parse_request", "parse_tool"]

_MODELS = "google.genai.models"
_TOOLS = "google.genai._extra_utils"
_TOOL_ARGS = ("args", "function_to_invoke")
TARGETS = (
    *(
        PatchTarget(
            _MODELS, f"{cls}.{method}", operation=operation, api=api, is_async=is_async, min_version="1.0.0"
        )
        for cls, is_async in (("Models", False), ("AsyncModels", True))
        for method, operation, api in (
            ("_generate_content", GENERATE_CONTENT, "generate"),
            ("_generate_content_stream", GENERATE_CONTENT, "stream"),
            ("embed_content", EMBEDDINGS, "embed"),
        )
    ),
    PatchTarget(
        _TOOLS, "invoke_function_from_dict_args", operation=EXECUTE_TOOL, api="tool", positional=_TOOL_ARGS
    ),
    PatchTarget(
        _TOOLS,
        "invoke_function_from_dict_args_async",
        operation=EXECUTE_TOOL,
        api="tool",
        is_async=True,
        min_version="1.15.0",  # absent in 1.10.0
        positional=_TOOL_ARGS,
    ),
)

_DEFAULT_PORTS = {"https": 443, "http": 80}
#: response_modalities with one entry -> gen_ai.output.type
_OUTPUT_MODALITIES = {"TEXT": "text", "IMAGE": "image", "AUDIO": "speech"}
#: base URL -> (host, port); a client has one, so this stays tiny
_servers: dict[str, tuple[str | None, int | None]] = {}


@functools.cache
def _errors() -> Any:
    from google.genai import errors  # called only once google.genai is imported

    return errors


def _server(url: Any) -> tuple[str | None, int | None]:
    if not isinstance(url, str):
        return None, None
    hit = _servers.get(url)
    if hit is None:
        try:
            parts = urlsplit(url)
            host = parts.hostname or None
            hit = (host, (parts.port or _DEFAULT_PORTS.get(parts.scheme)) if host else None)
        except ValueError:  # a malformed port
            hit = (None, None)
        if len(_servers) >= 64:
            _servers.clear()
        _servers[url] = hit
    return hit


def _output_type(config: Any) -> str | None:
    mime = text(get(config, "response_mime_type"))
    if mime == "application/json":
        return "json"
    if mime is not None and mime.startswith("text/"):
        return "text"
    modalities = get(config, "response_modalities")
    if isinstance(modalities, list) and len(modalities) == 1:
        return _OUTPUT_MODALITIES.get((enum_text(modalities[0]) or "").upper())
    return None


def _top_k(value: Any) -> int | None:
    """The SDK types ``top_k`` as a float; semconv as an int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return integer(value)


def parse_request(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestInfo:
    client = getattr(instance, "_api_client", None)
    config = kwargs.get("config")
    url = get(get(config, "http_options"), "base_url") or get(
        getattr(client, "_http_options", None), "base_url"
    )
    host, port = _server(url)
    provider = PROVIDER_GCP_VERTEX_AI if getattr(client, "vertexai", None) is True else PROVIDER_GCP_GEMINI
    model = text(kwargs.get("model"))
    if target.api == "embed" or config is None:
        return RequestInfo(
            provider=provider,
            model=model,
            server_address=host,
            server_port=port,
            stream=target.api == "stream",
        )
    stops = get(config, "stop_sequences")
    return RequestInfo(
        provider=provider,
        model=model,
        server_address=host,
        server_port=port,
        stream=target.api == "stream",
        temperature=number(get(config, "temperature")),
        top_p=number(get(config, "top_p")),
        top_k=_top_k(get(config, "top_k")),
        max_tokens=integer(get(config, "max_output_tokens")),
        frequency_penalty=number(get(config, "frequency_penalty")),
        presence_penalty=number(get(config, "presence_penalty")),
        stop_sequences=[s for s in stops if isinstance(s, str)] if isinstance(stops, list) else None,
        seed=integer(get(config, "seed")),
        choice_count=integer(get(config, "candidate_count")),
        output_type=_output_type(config),
        reasoning_level=enum_text(get(get(config, "thinking_config"), "thinking_level")),
    )


def request_content(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestContent:
    if target.api not in ("generate", "stream"):
        return RequestContent()
    config = kwargs.get("config")
    system = get(config, "system_instruction")
    return RequestContent(
        input_messages=input_messages(kwargs.get("contents")),
        system_instructions=system_parts(system) if system is not None else (),
        tool_definitions=tool_definitions(get(config, "tools"), getattr(instance, "_api_client", None)),
    )


def parse_response(result: Any, target: PatchTarget, capture: bool) -> ResponseInfo:
    if target.api == "embed":
        return _embeddings(result)
    candidates = get(result, "candidates")
    candidates = candidates if isinstance(candidates, list) else []
    return ResponseInfo(
        response_id=text(get(result, "response_id")),
        response_model=text(get(result, "model_version")),
        finish_reasons=tuple(finish_reason(get(c, "finish_reason")) for c in candidates),
        usage=usage(get(result, "usage_metadata")),
        output_messages=tuple(candidate_message(c) for c in candidates) if capture else (),
    )


def _embeddings(result: Any) -> ResponseInfo:
    """Gemini API: ``usage_metadata``; Vertex AI ``predict``: a token count per embedding."""
    embeddings = get(result, "embeddings")
    embeddings = embeddings if isinstance(embeddings, list) else []
    values = get(embeddings[0], "values") if embeddings else None
    u = get(result, "usage_metadata")
    tokens = integer(get(u, "prompt_token_count"))
    if tokens is None:
        counts = [number(get(get(e, "statistics"), "token_count")) for e in embeddings]
        tokens = int(sum(c for c in counts if c is not None)) if any(c is not None for c in counts) else None
    return ResponseInfo(
        embedding_dimensions=len(values) if isinstance(values, list) else None,
        usage=Usage(input_tokens=tokens) if tokens is not None else None,
    )


def new_accumulator(target: PatchTarget, capture: bool) -> GenerateContentAccumulator:
    return GenerateContentAccumulator(capture)


def is_stream(result: Any, target: PatchTarget) -> bool:
    """``_generate_content_stream`` returns a generator (async: a coroutine giving an async one)."""
    return target.api == "stream" and (hasattr(result, "__next__") or hasattr(result, "__anext__"))


def error_type(exc: BaseException) -> str | None:
    status = getattr(exc, "status", None)
    return status if isinstance(status, str) and status and isinstance(exc, _errors().APIError) else None


ADAPTER = ProviderAdapter(
    credentials=attribute("_api_client", "api_key"),
    name="google_genai",
    distribution="google-genai",
    targets=TARGETS,
    parse_request=parse_request,
    request_content=request_content,
    parse_response=parse_response,
    new_accumulator=new_accumulator,
    is_stream=is_stream,
    error_type=error_type,
    parse_tool=parse_tool,
)

"""What touches the SDK's own classes: its stream and error types, its server table, and the
wrapper that keeps its own tracing from doubling our spans. Imported lazily: these functions only
run once ``mistralai.client`` is imported (the engine patches on import)."""

from __future__ import annotations

import functools
import json
from typing import Any

from genai_otel.adapter import PatchTarget

#: ``HookContext.operation_id`` of the SDK spans ours replace (chat, FIM, agents, embeddings).
_REPLACED_OPERATIONS = frozenset(
    {
        "chat_completion_v1_chat_completions_post",
        "stream_chat",
        "fim_completion_v1_fim_completions_post",
        "stream_fim",
        "agents_completion_v1_agents_completions_post",
        "stream_agents",
        "embeddings_v1_embeddings_post",
    }
)
#: ``get_traced_request_and_span``'s parameters, in order.
_TRACED_SPAN_PARAMS = ("tracing_enabled", "tracer", "span", "operation_id", "request")


@functools.cache
def sdk() -> Any:
    from mistralai.client import errors, sdkconfiguration
    from mistralai.client.utils import eventstreaming

    return errors, sdkconfiguration, eventstreaming


def named_server(name: str) -> str | None:
    """The URL of a named server (``global``, ``eu``, ``us``), as ``SDKConfiguration`` reads it."""
    servers = getattr(sdk()[1], "SERVERS", None)
    url = servers.get(name) if isinstance(servers, dict) else None
    return url if isinstance(url, str) else None


def suppress_sdk_span(wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Wraps the SDK's ``get_traced_request_and_span``; ``(request, span)`` unchanged is its own
    "tracing off" answer, so the SDK goes on without a span of its own."""
    bound = {**dict(zip(_TRACED_SPAN_PARAMS, args, strict=False)), **kwargs}
    if bound.get("operation_id") in _REPLACED_OPERATIONS and "request" in bound:
        return bound["request"], bound.get("span")
    return wrapped(*args, **kwargs)


def is_stream(result: Any, target: PatchTarget) -> bool:
    streams = sdk()[2]
    return isinstance(result, (streams.EventStream, streams.EventStreamAsync))


def error_type(exc: BaseException) -> str | None:
    """The API's error body (``{"object": "error", "type": ..., "code": ...}``): its ``type``, else
    its ``code``. An error object sent where a stream chunk should be reaches the SDK's decoder
    wrapped as ``{"data": {...}}`` (``ResponseValidationError``)."""
    if not isinstance(exc, sdk()[0].MistralError):
        return None
    body = getattr(exc, "body", None)
    try:
        parsed = json.loads(body) if isinstance(body, (str, bytes)) and body else None
    except ValueError:
        return None
    if isinstance(parsed, dict) and isinstance(parsed.get("data"), dict):
        parsed = parsed["data"]
    if not isinstance(parsed, dict):
        return None
    for key in ("type", "code"):
        value = parsed.get(key)
        if isinstance(value, str) and value:
            return value
    return None

"""Other OpenTelemetry instrumentations of the calls genai_otel covers, and how genai_otel wins.

When an official OpenTelemetry instrumentation of the same SDK is active as well
(``opentelemetry-instrumentation-genai-openai`` or its predecessor ``-openai-v2``,
``opentelemetry-instrumentation-genai-anthropic``), every call would otherwise produce two
inference spans and two sets of metric points. genai_otel's span is the one kept: the registry
keeps its own wrapper on top of the peer's (see ``Registry._around_peer``) and that wrapper calls
past the peer's wrapper, straight to the SDK method, for the calls genai_otel covers. The peer's
wrappers on calls genai_otel does not cover (``responses.retrieve``) keep working.

A ``shared`` peer wraps the very dispatcher genai_otel patches, which also serves calls genai_otel
does not trace (``opentelemetry-instrumentation-botocore`` on ``BaseClient._make_api_call``: S3,
SQS, ... and Bedrock). Its wrapper is skipped only for a call genai_otel opened a span for; every
other call (another AWS service, a call passed through untraced) still goes through it.

A peer's wrapper is recognised by the module its wrapper function was defined in; nothing of
the peer is imported here. Which peers each adapter has is stated in the support table
(``genai_otel._support``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import wrapt
from opentelemetry import context as otel_context
from opentelemetry import trace

from .._support import SUPPORT, Peer
from .._telemetry.invocation import INFERENCE_SCOPE

Wrapper = Callable[[Any, Any, tuple[Any, ...], dict[str, Any]], Any]

_FUNCTION_WRAPPERS = (wrapt.FunctionWrapper, wrapt.BoundFunctionWrapper)


_OPENAI_RESPONSES = "openai.resources.responses.responses"

#: adapter name -> the instrumentations whose spans genai_otel replaces for the calls it covers
#: (the support table's ``peers``).
PEERS: dict[str, tuple[Peer, ...]] = {row.name: row.peers for row in SUPPORT if row.peers}

#: adapter name -> methods a peer wraps that genai_otel covers through one of its own targets
#: (``responses.stream()`` calls ``responses.create``): over a peer's wrapper they get a wrapper
#: that only calls past it, so the peer's span does not enclose genai_otel's.
PASS_THROUGH: dict[str, tuple[tuple[str, str], ...]] = {
    "openai": ((_OPENAI_RESPONSES, "Responses.stream"), (_OPENAI_RESPONSES, "AsyncResponses.stream")),
}


def peer_of(obj: Any, peers: tuple[Peer, ...]) -> Peer | None:
    """The peer whose wrapt wrapper ``obj`` is (a function wrapper or its bound form), else None."""
    if not peers or not isinstance(obj, _FUNCTION_WRAPPERS):
        return None
    wrapper = obj._self_wrapper
    return next((peer for peer in peers if peer.owns(wrapper)), None)


def skipping_peers(wrapper: Wrapper, peers: tuple[Peer, ...]) -> Wrapper:
    """``wrapper``, called with the method under every peer wrapper instead of the peer's wrapper."""

    def skip(wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        inner, shared = wrapped, False
        while (peer := peer_of(inner, peers)) is not None:
            inner, shared = inner.__wrapped__, shared or peer.shared
        if not shared:
            return wrapper(inner, instance, args, kwargs)
        return wrapper(_if_traced(inner, wrapped), instance, args, kwargs)

    return skip


def _if_traced(inner: Any, wrapped: Any) -> Callable[..., Any]:
    """Calls ``inner`` (past the peers) when genai_otel's wrapper opened a span for this call,
    else ``wrapped`` (through them): our wrapper makes its span current only around a call it
    traces, so a current span that differs from the one before it, inside our scope, is ours."""
    before = trace.get_current_span()

    def call(*args: Any, **kwargs: Any) -> Any:
        ours = otel_context.get_value(INFERENCE_SCOPE) and trace.get_current_span() is not before
        return (inner if ours else wrapped)(*args, **kwargs)

    return call


def pass_through(wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return wrapped(*args, **kwargs)

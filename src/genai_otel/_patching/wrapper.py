"""The one wrapper factory that serves every patch target.

The wrapper calls ``wrapped(*args, **kwargs)`` exactly once with the caller's arguments, returns
its result (or a transparent proxy of it) and re-raises its exception unchanged. The sync and
async shells differ only by ``await``; ``_start`` and ``_complete`` hold the
shared logic so it is written once. Tools the SDK runs (``EXECUTE_TOOL`` targets) get their own
two shells around ``ToolExecution``.

One LLM call is one span: while one of our inference spans is current (``INFERENCE_SCOPE`` is
set in its context), any other inference target passes through untraced; a tool span clears
the flag, so an LLM call made inside a tool is traced again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry.context import _SUPPRESS_INSTRUMENTATION_KEY

from .._guard import guard
from .._telemetry.invocation import INFERENCE_SCOPE, Invocation
from .._telemetry.raw_response import RawResponseProxy
from .._telemetry.stream import ManagerProxy, StreamProxy
from .._telemetry.telemetry import Telemetry
from .._telemetry.tool import ToolExecution
from ..adapter import EXECUTE_TOOL, PatchTarget, ProviderAdapter

Wrapper = Callable[[Callable[..., Any], Any, tuple[Any, ...], dict[str, Any]], Any]


def _arguments(target: PatchTarget, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Mapping[str, Any]:
    """The call's arguments as one mapping: keywords plus the positional ones the target names."""
    if not args or not target.positional:
        return kwargs
    return {**dict(zip(target.positional, args, strict=False)), **kwargs}


def _start(
    tel: Telemetry,
    adapter: ProviderAdapter,
    target: PatchTarget,
    instance: Any,
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
) -> Invocation | None:
    if otel_context.get_value(_SUPPRESS_INSTRUMENTATION_KEY) or otel_context.get_value(INFERENCE_SCOPE):
        return None
    return Invocation.begin(tel, adapter, target, instance, _arguments(target, args, kwargs))


def _complete(inv: Invocation, result: Any) -> Any:
    """Observe ``result``; return it, or a stream proxy of it. Never raises, never loses it."""
    adapter, target = inv.adapter, inv.target
    out = result
    observed = False  # a proxy now ends the span
    with guard(f"{adapter.name}: read response"):
        inner = adapter.unwrap(result, target)
        if adapter.is_stream(inner, target):
            acc = adapter.new_accumulator(target, inv.tel.capture)
            if inner is result:
                out = adapter.replace_stream(result, target, lambda stream: StreamProxy(stream, inv, acc))
            else:
                out = RawResponseProxy(result, inv, StreamProxy(inner, inv, acc))
            observed = True
        elif adapter.is_raw_response(inner, target):  # the body is read later, through .parse()
            out = RawResponseProxy(result, inv)
            observed = True
        else:
            inv.finish(adapter.parse_response(inner, target, inv.tel.capture))
    if not observed and not inv._done:  # reading failed before the span could end
        inv.finish(None)
    return out


def _tool_wrapper(tel: Telemetry, adapter: ProviderAdapter, target: PatchTarget) -> Wrapper:
    def begin(instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> ToolExecution | None:
        if otel_context.get_value(_SUPPRESS_INSTRUMENTATION_KEY):
            return None
        return ToolExecution.begin(tel, adapter, target, instance, _arguments(target, args, kwargs))

    if target.is_async:

        async def async_tool(
            wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
        ) -> Any:
            run = begin(instance, args, kwargs)
            if run is None:
                return await wrapped(*args, **kwargs)
            token = run.attach()
            try:
                result = await wrapped(*args, **kwargs)
            except BaseException as exc:
                run.finish(None, exc)
                raise
            finally:
                run.detach(token)
            run.finish(result)
            return result

        return async_tool

    def sync_tool(wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        run = begin(instance, args, kwargs)
        if run is None:
            return wrapped(*args, **kwargs)
        token = run.attach()
        try:
            result = wrapped(*args, **kwargs)
        except BaseException as exc:
            run.finish(None, exc)
            raise
        finally:
            run.detach(token)
        run.finish(result)
        return result

    return sync_tool


def make_wrapper(tel: Telemetry, adapter: ProviderAdapter, target: PatchTarget) -> Wrapper:
    if target.operation == EXECUTE_TOOL:
        return _tool_wrapper(tel, adapter, target)
    if target.stream_manager:

        def manager_wrapper(
            wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
        ) -> Any:
            manager = wrapped(*args, **kwargs)
            out = manager

            def begin() -> tuple[Invocation, Any] | None:
                inv = _start(tel, adapter, target, instance, args, kwargs)
                if inv is None:
                    return None
                with guard(f"{adapter.name}: new accumulator"):
                    return inv, adapter.new_accumulator(target, tel.capture)
                inv.finish(None)
                return None

            with guard(f"{adapter.name}: wrap stream manager"):
                out = ManagerProxy(manager, begin, target.raw_stream_attr)
            return out

        return manager_wrapper

    if target.is_async:

        async def async_wrapper(
            wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
        ) -> Any:
            inv = _start(tel, adapter, target, instance, args, kwargs)
            if inv is None:
                return await wrapped(*args, **kwargs)
            token = inv.attach()
            try:
                result = await wrapped(*args, **kwargs)
            except BaseException as exc:
                inv.fail(exc)
                raise
            finally:
                inv.detach(token)
            return _complete(inv, result)

        return async_wrapper

    def sync_wrapper(wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        inv = _start(tel, adapter, target, instance, args, kwargs)
        if inv is None:
            return wrapped(*args, **kwargs)
        token = inv.attach()
        try:
            result = wrapped(*args, **kwargs)
        except BaseException as exc:
            inv.fail(exc)
            raise
        finally:
            inv.detach(token)
        return _complete(inv, result)

    return sync_wrapper

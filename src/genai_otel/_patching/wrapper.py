"""The one wrapper factory that serves every patch target.

The wrapper calls ``wrapped(*args, **kwargs)`` exactly once with the caller's arguments, returns
its result (or a transparent proxy of it) and re-raises its exception unchanged. The sync and
async shells differ only by ``await``; ``_start`` and ``_complete`` hold the
shared logic so it is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry.context import _SUPPRESS_INSTRUMENTATION_KEY

from .._guard import guard
from .._telemetry.invocation import Invocation
from .._telemetry.raw_response import RawResponseProxy
from .._telemetry.stream import ManagerProxy, StreamProxy
from .._telemetry.telemetry import Telemetry
from ..adapter import PatchTarget, ProviderAdapter

Wrapper = Callable[[Callable[..., Any], Any, tuple[Any, ...], dict[str, Any]], Any]


def _start(
    tel: Telemetry, adapter: ProviderAdapter, target: PatchTarget, instance: Any, kwargs: Mapping[str, Any]
) -> Invocation | None:
    if otel_context.get_value(_SUPPRESS_INSTRUMENTATION_KEY):
        return None
    return Invocation.begin(tel, adapter, target, instance, kwargs)


def _complete(inv: Invocation, result: Any) -> Any:
    """Observe ``result``; return it, or a stream proxy of it. Never raises, never loses it."""
    adapter, target = inv.adapter, inv.target
    out = result
    with guard(f"{adapter.name}: read response"):
        inner = adapter.unwrap(result, target)
        if adapter.is_stream(inner, target):
            stream = StreamProxy(inner, inv, adapter.new_accumulator(target, inv.tel.capture))
            out = stream if inner is result else RawResponseProxy(result, inv, stream)
        elif adapter.is_raw_response(inner, target):  # the body is read later, through .parse()
            out = RawResponseProxy(result, inv)
        else:
            inv.finish(adapter.parse_response(inner, target, inv.tel.capture))
    if not inv._done and out is result:  # reading failed before the span could end
        inv.finish(None)
    return out


def make_wrapper(tel: Telemetry, adapter: ProviderAdapter, target: PatchTarget) -> Wrapper:
    if target.stream_manager:

        def manager_wrapper(
            wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
        ) -> Any:
            manager = wrapped(*args, **kwargs)
            out = manager

            def begin() -> tuple[Invocation, Any] | None:
                inv = _start(tel, adapter, target, instance, kwargs)
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
            inv = _start(tel, adapter, target, instance, kwargs)
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
        inv = _start(tel, adapter, target, instance, kwargs)
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

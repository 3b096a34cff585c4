"""One generic stream proxy for every provider, plus the two shells that lead to it.

``StreamProxy`` is a ``wrapt.ObjectProxy``: ``isinstance`` still holds for the SDK's own stream
class and every attribute the SDK offers passes through. Provider knowledge stays in the
adapter's ``ChunkAccumulator``. The span ends exactly once, on whichever comes first:
exhaustion, an error while iterating, ``close()``/``aclose()``, ``with`` exit, the SDK helper
closing the HTTP response, or garbage collection (an early ``break`` with the stream dropped).
Context is never attached across iterations, so nothing can fail to detach.

``ManagerProxy`` covers methods that return a context manager which sends the request on
``__enter__`` (Anthropic's ``messages.stream``): the call starts there, and the entered object's
raw stream is observed through a ``StreamProxy``.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import wrapt

from .._guard import guard, report
from ..adapter import ChunkAccumulator, ResponseInfo
from .invocation import Invocation

if TYPE_CHECKING:
    _ObjectProxy = wrapt.ObjectProxy[Any]
else:  # wrapt 1.x's proxy takes no type argument at run time
    _ObjectProxy = wrapt.ObjectProxy


class _ClosingResponse(_ObjectProxy):
    """The stream's HTTP response: helpers that close it (openai's ``.stream()`` managers) end
    the span too."""

    def __init__(self, response: Any, stream: StreamProxy) -> None:
        super().__init__(response)
        self._self_stream = stream

    def close(self) -> Any:
        try:
            return self.__wrapped__.close()
        finally:
            self._self_stream._self_end(None)

    async def aclose(self) -> Any:
        try:
            return await self.__wrapped__.aclose()
        finally:
            self._self_stream._self_end(None)


class StreamProxy(_ObjectProxy):
    def __init__(self, stream: Any, invocation: Invocation, accumulator: ChunkAccumulator) -> None:
        super().__init__(stream)
        self._self_inv = invocation
        self._self_acc = accumulator
        self._self_response: Any = None
        # An iterator is advanced directly; a plain iterable (only ``__iter__``, like botocore's
        # EventStream) gets its iterator on first use.
        self._self_it: Any = stream if hasattr(type(stream), "__next__") else None
        self._self_ait: Any = stream if hasattr(type(stream), "__anext__") else None

    # --- lifecycle ---------------------------------------------------------------------------------
    def _self_end(self, exc: BaseException | None, exhausted: bool = False) -> None:
        inv = self._self_inv
        if inv._done:
            return
        info: ResponseInfo | None = None
        with guard(f"{inv.adapter.name}: finish stream"):
            if exhausted:  # the SDK's iterator ran to its end (see ChunkAccumulator)
                ended = getattr(self._self_acc, "exhausted", None)
                if ended is not None:
                    ended()
            info = self._self_acc.finish()
        if exc is None:
            inv.finish(info)
        else:
            inv.fail(exc, info)

    def _self_chunk(self, chunk: Any) -> None:
        # Inline try instead of ``guard``: this runs once per chunk and must stay cheap.
        try:
            self._self_inv.on_chunk()
            self._self_acc.add(chunk)
        except Exception as exc:
            report(f"{self._self_inv.adapter.name}: stream chunk", exc)

    def __del__(self) -> None:
        try:
            self._self_end(None)
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    # --- sync iteration ------------------------------------------------------------------------------
    # Explicit dunders: ObjectProxy would otherwise hand out the wrapped object's iterator and
    # the proxy would never see a chunk.
    def __iter__(self) -> StreamProxy:
        return self

    def __next__(self) -> Any:
        try:
            if self._self_it is None:
                self._self_it = iter(self.__wrapped__)
            chunk = self._self_it.__next__()
        except StopIteration:
            self._self_end(None, exhausted=True)
            raise
        except BaseException as exc:
            self._self_end(exc)
            raise
        self._self_chunk(chunk)
        return chunk

    def __enter__(self) -> StreamProxy:
        self.__wrapped__.__enter__()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Any:
        try:
            return self.__wrapped__.__exit__(exc_type, exc, tb)
        finally:
            self._self_end(exc)

    def close(self) -> Any:
        close = getattr(self.__wrapped__, "close", None)
        result = close() if close is not None else None
        if inspect.isawaitable(result):  # AsyncStream.close is a coroutine
            return self._self_await_then_end(result)
        self._self_end(None)
        return result

    async def _self_await_then_end(self, awaitable: Any) -> Any:
        try:
            return await awaitable
        finally:
            self._self_end(None)

    # --- async iteration -----------------------------------------------------------------------------
    def __aiter__(self) -> StreamProxy:
        return self

    async def __anext__(self) -> Any:
        try:
            if self._self_ait is None:
                self._self_ait = self.__wrapped__.__aiter__()
            chunk = await self._self_ait.__anext__()
        except StopAsyncIteration:
            self._self_end(None, exhausted=True)
            raise
        except BaseException as exc:
            self._self_end(exc)
            raise
        self._self_chunk(chunk)
        return chunk

    async def __aenter__(self) -> StreamProxy:
        await self.__wrapped__.__aenter__()
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> Any:
        try:
            return await self.__wrapped__.__aexit__(exc_type, exc, tb)
        finally:
            self._self_end(exc)

    async def aclose(self) -> Any:
        try:
            return await self.__wrapped__.aclose()
        finally:
            self._self_end(None)

    # --- the HTTP response -----------------------------------------------------------------------
    @property
    def response(self) -> Any:
        if self._self_response is None:
            self._self_response = _ClosingResponse(self.__wrapped__.response, self)
        return self._self_response


def _end_quietly(stream: StreamProxy | None, exc: BaseException | None) -> None:
    if stream is not None:
        stream._self_end(exc)


class ManagerProxy(_ObjectProxy):
    """A stream manager whose ``__enter__`` sends the request. ``begin`` starts the invocation
    and returns ``(invocation, accumulator)`` or ``None``."""

    def __init__(self, manager: Any, begin: Any, raw_stream_attr: str) -> None:
        super().__init__(manager)
        self._self_begin = begin
        self._self_attr = raw_stream_attr
        self._self_stream: StreamProxy | None = None

    def _self_observe(self, entered: Any, inv: Invocation, acc: ChunkAccumulator) -> None:
        with guard(f"{inv.adapter.name}: observe managed stream"):
            raw = getattr(entered, self._self_attr)
            proxy = StreamProxy(raw, inv, acc)
            setattr(entered, self._self_attr, proxy)
            self._self_stream = proxy
        if self._self_stream is None:  # could not observe: end the span now rather than never
            inv.finish(None)

    def __enter__(self) -> Any:
        started = self._self_begin()
        if started is None:
            return self.__wrapped__.__enter__()
        inv, acc = started
        token = inv.attach()
        try:
            entered = self.__wrapped__.__enter__()
        except BaseException as exc:
            inv.fail(exc)
            raise
        finally:
            inv.detach(token)
        self._self_observe(entered, inv, acc)
        return entered

    # The caller's exception ends the span first: the SDK's exit closes the stream, which would
    # otherwise end it as a clean close.
    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Any:
        if exc is not None:
            _end_quietly(self._self_stream, exc)
        try:
            return self.__wrapped__.__exit__(exc_type, exc, tb)
        finally:
            _end_quietly(self._self_stream, exc)

    async def __aenter__(self) -> Any:
        started = self._self_begin()
        if started is None:
            return await self.__wrapped__.__aenter__()
        inv, acc = started
        token = inv.attach()
        try:
            entered = await self.__wrapped__.__aenter__()
        except BaseException as exc:
            inv.fail(exc)
            raise
        finally:
            inv.detach(token)
        self._self_observe(entered, inv, acc)
        return entered

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> Any:
        if exc is not None:
            _end_quietly(self._self_stream, exc)
        try:
            return await self.__wrapped__.__aexit__(exc_type, exc, tb)
        finally:
            _end_quietly(self._self_stream, exc)

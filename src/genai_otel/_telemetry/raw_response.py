"""Raw-response wrappers (``with_raw_response``, ``with_streaming_response``): the call's outcome
is known only when the caller reads the body through ``.parse()``.

``RawResponseProxy`` passes ``.headers``, ``.http_response`` and everything else through and
watches ``.parse()`` (sync, or a coroutine on async clients): a parsed stream is handed out as
the observed ``StreamProxy`` (the same one on every call), a parsed result ends the span with
what it says, and an exception from ``parse()`` (openai raises ``LengthFinishReasonError`` there)
ends it as a failure. ``close()``, leaving the SDK's context manager, or garbage collection end
a span that was never read, with the request attributes only.
"""

from __future__ import annotations

import inspect
from typing import Any

from .._guard import guard
from .invocation import Invocation
from .stream import StreamProxy, _ObjectProxy


class RawResponseProxy(_ObjectProxy):
    def __init__(self, raw: Any, invocation: Invocation, stream: StreamProxy | None = None) -> None:
        super().__init__(raw)
        self._self_inv = invocation
        self._self_stream = stream

    def parse(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("to") is not None or args:  # parsed into the caller's own type: not ours to read
            return self.__wrapped__.parse(*args, **kwargs)
        try:
            parsed = self.__wrapped__.parse()
        except BaseException as exc:
            self._self_inv.fail(exc)
            raise
        if inspect.isawaitable(parsed):
            return self._self_parse_async(parsed)
        return self._self_observe(parsed)

    async def _self_parse_async(self, awaitable: Any) -> Any:
        try:
            parsed = await awaitable
        except BaseException as exc:
            self._self_inv.fail(exc)
            raise
        return self._self_observe(parsed)

    def _self_observe(self, parsed: Any) -> Any:
        """``parsed``, or the stream proxy standing for it. Never raises."""
        stream = self._self_stream
        if stream is not None and stream.__wrapped__ is parsed:
            return stream
        inv = self._self_inv
        if inv._done:
            return parsed
        adapter, target = inv.adapter, inv.target
        out = parsed
        with guard(f"{adapter.name}: read parsed response"):
            if adapter.is_stream(parsed, target):
                stream = StreamProxy(parsed, inv, adapter.new_accumulator(target, inv.tel.capture))
                self._self_stream = out = stream
            else:
                inv.finish(adapter.parse_response(parsed, target, inv.tel.capture))
        if self._self_stream is None and not inv._done:
            inv.finish(None)
        return out

    def _self_closed(self) -> None:
        """The body is gone: a stream read from it cannot go on, an unread call is over."""
        if self._self_stream is not None:
            self._self_stream._self_end(None)
        else:
            self._self_inv.finish(None)

    def close(self) -> Any:
        result = self.__wrapped__.close()
        if inspect.isawaitable(result):  # AsyncAPIResponse.close is a coroutine
            return self._self_await_then_close(result)
        self._self_closed()
        return result

    async def _self_await_then_close(self, awaitable: Any) -> Any:
        try:
            return await awaitable
        finally:
            self._self_closed()

    def __del__(self) -> None:
        # A stream handed out lives on without this wrapper and ends by itself.
        try:
            if self._self_stream is None:
                self._self_inv.finish(None)
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

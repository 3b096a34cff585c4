"""A streamed call's span ends exactly once, whichever way the stream ends.

For an Anthropic ``messages.create(stream=True)`` and an OpenAI ``chat.completions.create(
stream=True, stream_options={"include_usage": True})`` stream, sync and async, through the real
clients over the replay transport: exhaustion, an error while reading (the connection drops
after two events), ``close()``, ``with`` exit, an early ``break`` then the stream dropped, and a
stream never iterated then dropped. Each path is checked for: one span, ended at the right
moment with the right status and attributes, ``isinstance`` still true for the SDK's stream
class, no current span left behind, no "Failed to detach context" and no second ``end()``.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import anthropic
import httpx2
import pytest
from opentelemetry import trace
from opentelemetry.trace import StatusCode
from packaging.version import Version

from bodies import anthropic_bodies as ab
from bodies import openai_bodies as ob
from replay import Replay, Reply


@dataclass(frozen=True)
class Flavour:
    """One provider's streaming call, and what its span says when the stream was read to the end."""

    name: str
    sse: str
    chunks: int  # what the SDK yields for ``sse``
    span_name: str
    complete: dict[str, Any]  # response attributes after exhaustion
    started: dict[str, Any]  # response attributes after the first chunk only
    read_error_type: str  # error.type when the connection drops mid-stream
    options: dict[str, Any] = field(default_factory=dict)

    def sdk(self) -> Any:
        if self.name == "openai":
            import openai

            return openai
        return anthropic

    def client(self, http_client: Any, asynchronous: bool) -> Any:
        sdk = self.sdk()
        name = "OpenAI" if self.name == "openai" else "Anthropic"
        cls = getattr(sdk, f"Async{name}" if asynchronous else name)
        key = "sk-proj-FAKE-test-key-0000" if self.name == "openai" else "sk-ant-api03-FAKE-test-key-0000"
        return cls(api_key=key, http_client=http_client, max_retries=0)

    def open(self, client: Any) -> Any:
        """The streaming call (a coroutine on the async client)."""
        if self.name == "openai":
            return client.chat.completions.create(
                model=ob.MODEL,
                messages=[{"role": "user", "content": "Hello"}],
                stream=True,
                stream_options={"include_usage": True},
            )
        return client.messages.create(
            model=ab.MODEL, max_tokens=1024, messages=[{"role": "user", "content": "Hello"}], stream=True
        )

    def stream_class(self, asynchronous: bool) -> type:
        sdk = self.sdk()
        return sdk.AsyncStream if asynchronous else sdk.Stream


ANTHROPIC = Flavour(
    name="anthropic",
    sse=ab.STREAM_TEXT,
    chunks=8,  # message_start, content_block_start, 3 deltas, content_block_stop, message_delta, message_stop
    span_name=f"chat {ab.MODEL}",
    complete={
        "gen_ai.response.id": "msg_01StreamText7kLmN2pQ3rS4",
        "gen_ai.response.finish_reasons": ("end_turn",),
        "gen_ai.usage.input_tokens": 125,
        "gen_ai.usage.output_tokens": 15,
    },
    started={
        "gen_ai.response.id": "msg_01StreamText7kLmN2pQ3rS4",
        "gen_ai.response.finish_reasons": ("error",),
    },
    # anthropic < 2.17 let a stream's transport errors through; 2.17 wraps them as openai does
    read_error_type=(
        "anthropic.APIConnectionError"
        if Version(anthropic.__version__) >= Version("2.17")
        else "httpx2.ReadError"
    ),
)
OPENAI = Flavour(
    name="openai",
    sse=ob.chat_stream(include_usage=True),
    chunks=6,  # five choice deltas and the usage chunk; [DONE] is not yielded
    span_name=f"chat {ob.MODEL}",
    complete={
        "gen_ai.response.id": ob.CHAT_ID,
        "gen_ai.response.finish_reasons": ("stop",),
        "gen_ai.usage.input_tokens": 9,
        "gen_ai.usage.output_tokens": 7,
    },
    started={"gen_ai.response.id": ob.CHAT_ID, "gen_ai.response.finish_reasons": ("error",)},
    read_error_type="openai.APIConnectionError",  # the openai SDK wraps transport errors
)


@pytest.fixture(params=[ANTHROPIC, OPENAI], ids=lambda f: f.name)
def flavour(request: pytest.FixtureRequest) -> Flavour:
    return request.param


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def asynchronous(request: pytest.FixtureRequest) -> bool:
    return request.param


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING)
    return caplog


class DroppedConnection(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """Sends the first ``events`` SSE frames of ``sse``, then the connection drops."""

    def __init__(self, sse: str, events: int = 2) -> None:
        self._frames = [frame.encode() + b"\n\n" for frame in sse.split("\n\n") if frame][:events]

    def __iter__(self) -> Iterator[bytes]:
        yield from self._frames
        raise httpx2.ReadError("peer closed connection without sending complete message body")

    async def __aiter__(self) -> AsyncIterator[bytes]:  # type: ignore[override]
        for frame in self._frames:
            yield frame
        raise httpx2.ReadError("peer closed connection without sending complete message body")


def http_client(asynchronous: bool, sse: str, dropped: bool = False) -> Any:
    if not dropped:
        replay = Replay(Reply(sse=sse))
        return replay.async_client() if asynchronous else replay.sync_client()

    def handler(request: httpx2.Request) -> httpx2.Response:
        headers = {"content-type": "text/event-stream; charset=utf-8", "x-request-id": "req_0123456789abcdef"}
        return httpx2.Response(200, headers=headers, stream=DroppedConnection(sse))

    transport = httpx2.MockTransport(handler)
    return httpx2.AsyncClient(transport=transport) if asynchronous else httpx2.Client(transport=transport)


async def open_stream(flavour: Flavour, asynchronous: bool, dropped: bool = False) -> Any:
    client = flavour.client(http_client(asynchronous, flavour.sse, dropped), asynchronous)
    stream = flavour.open(client)
    if asynchronous:
        stream = await stream
    assert isinstance(stream, flavour.stream_class(asynchronous))
    assert no_current_span()
    return stream


async def next_chunk(stream: Any, asynchronous: bool) -> Any:
    return await stream.__anext__() if asynchronous else next(stream)


async def read_all(stream: Any, asynchronous: bool) -> list[Any]:
    chunks = []
    if asynchronous:
        async for chunk in stream:
            assert no_current_span()  # no context is held across iterations
            chunks.append(chunk)
    else:
        for chunk in stream:
            assert no_current_span()
            chunks.append(chunk)
    return chunks


async def close(stream: Any, asynchronous: bool) -> None:
    if asynchronous:
        await stream.close()
    else:
        stream.close()


def no_current_span() -> bool:
    return not trace.get_current_span().get_span_context().is_valid


def the_span(otel: Any, flavour: Flavour, logs: pytest.LogCaptureFixture) -> Any:
    """The one span, ended once, with nothing left attached."""
    span = otel.span()
    assert span.name == flavour.span_name
    assert span.attributes["gen_ai.request.stream"] is True
    messages = [r.getMessage() for r in logs.records]
    assert not [m for m in messages if "Failed to detach context" in m or "ended span" in m], messages
    assert no_current_span()
    return span


async def every_other_ending(stream: Any, asynchronous: bool) -> None:
    """After the span ended: close, exit and collect the stream too; none may end it again."""
    await close(stream, asynchronous)
    if asynchronous:
        await stream.__aexit__(None, None, None)
    else:
        stream.__exit__(None, None, None)
    del stream
    gc.collect()


def response_attributes(span: Any) -> dict[str, Any]:
    keys = (
        "gen_ai.response.id",
        "gen_ai.response.finish_reasons",
        "gen_ai.usage.input_tokens",
        "gen_ai.usage.output_tokens",
    )
    return {k: span.attributes[k] for k in keys if k in span.attributes}


# --- exit paths -----------------------------------------------------------------------------------------


async def test_exhaustion_ends_the_span_before_the_next_statement(otel, flavour, asynchronous, logs):
    stream = await open_stream(flavour, asynchronous)
    chunks = await read_all(stream, asynchronous)
    ended = otel.spans()  # the very next statement after the loop
    assert len(chunks) == flavour.chunks
    assert len(ended) == 1
    span = the_span(otel, flavour, logs)
    assert span.status.status_code is StatusCode.UNSET
    assert "error.type" not in span.attributes
    assert response_attributes(span) == flavour.complete
    assert isinstance(span.attributes["gen_ai.response.time_to_first_chunk"], float)
    await every_other_ending(stream, asynchronous)
    assert the_span(otel, flavour, logs) is not None


async def test_an_error_while_reading_ends_the_span_with_the_error(otel, flavour, asynchronous, logs):
    stream = await open_stream(flavour, asynchronous, dropped=True)
    seen = []
    with pytest.raises(Exception) as raised:
        if asynchronous:
            async for chunk in stream:
                seen.append(chunk)
        else:
            for chunk in stream:
                seen.append(chunk)
    assert len(seen) == 2
    exc = raised.value
    expected_type = flavour.read_error_type
    assert f"{type(exc).__module__.partition('.')[0]}.{type(exc).__name__}" == expected_type
    span = the_span(otel, flavour, logs)
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == expected_type
    assert span.attributes["gen_ai.response.finish_reasons"] == ("error",)
    assert [e.name for e in span.events] == ["exception"]
    duration = otel.metrics()["gen_ai.client.inference.duration"]
    assert [p.attributes["error.type"] for p in duration] == [expected_type]
    await every_other_ending(stream, asynchronous)
    assert the_span(otel, flavour, logs) is not None


async def test_close_ends_the_span(otel, flavour, asynchronous, logs):
    stream = await open_stream(flavour, asynchronous)
    await next_chunk(stream, asynchronous)
    assert otel.spans() == []
    await close(stream, asynchronous)
    span = the_span(otel, flavour, logs)
    assert span.status.status_code is StatusCode.UNSET
    assert "error.type" not in span.attributes
    assert flavour.started.items() <= response_attributes(span).items()  # cut short: no finish reason
    await every_other_ending(stream, asynchronous)
    assert the_span(otel, flavour, logs) is not None


async def test_with_exit_ends_the_span(otel, flavour, asynchronous, logs):
    stream = await open_stream(flavour, asynchronous)
    if asynchronous:
        async with stream as entered:
            assert entered is stream
            await next_chunk(entered, asynchronous)
            assert otel.spans() == []
    else:
        with stream as entered:
            assert entered is stream
            await next_chunk(entered, asynchronous)
            assert otel.spans() == []
    span = the_span(otel, flavour, logs)
    assert span.status.status_code is StatusCode.UNSET
    assert flavour.started.items() <= response_attributes(span).items()  # cut short: no finish reason
    await every_other_ending(stream, asynchronous)
    assert the_span(otel, flavour, logs) is not None


async def test_break_then_drop_ends_the_span_when_collected(otel, flavour, asynchronous, logs):
    stream = await open_stream(flavour, asynchronous)
    if asynchronous:
        async for _ in stream:
            break
    else:
        for _ in stream:
            break
    assert otel.spans() == []  # still open: the caller may go on reading
    del stream
    gc.collect()
    span = the_span(otel, flavour, logs)
    assert span.status.status_code is StatusCode.UNSET
    assert flavour.started.items() <= response_attributes(span).items()  # cut short: no finish reason


async def test_never_iterated_then_dropped_ends_the_span_when_collected(otel, flavour, asynchronous, logs):
    stream = await open_stream(flavour, asynchronous)
    assert otel.spans() == []
    del stream
    gc.collect()
    span = the_span(otel, flavour, logs)
    assert span.status.status_code is StatusCode.UNSET
    assert response_attributes(span) == {}  # nothing was read
    assert "gen_ai.response.time_to_first_chunk" not in span.attributes
    [duration] = otel.metrics()["gen_ai.client.inference.duration"]
    assert duration.count == 1


# --- context across tasks and threads -------------------------------------------------------------------


async def test_async_stream_read_in_another_task(otel, flavour, logs):
    stream = await open_stream(flavour, True)
    chunks = await asyncio.create_task(read_all(stream, True))
    assert len(chunks) == flavour.chunks
    span = the_span(otel, flavour, logs)
    assert response_attributes(span) == flavour.complete


async def test_sync_stream_read_in_another_thread(otel, flavour, logs):
    stream = await open_stream(flavour, False)
    out: list[Any] = []
    reader = threading.Thread(target=lambda: out.extend(stream))
    reader.start()
    reader.join(10)
    assert len(out) == flavour.chunks
    span = the_span(otel, flavour, logs)
    assert response_attributes(span) == flavour.complete

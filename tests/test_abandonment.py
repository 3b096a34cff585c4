"""Streams dropped without being closed are finalised, and nothing of them is held.

Through the real ``openai`` and ``anthropic`` clients over the replay transport: a stream dropped
after one chunk (or never read) ends its span on garbage collection; the SDK's own stream
object dies with the proxy (weak reference); after 1000 abandoned streams the number of live
``Invocation`` objects and SDK stream objects is back at its baseline.
"""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Any

import anthropic
import httpx2
import openai
import pytest
from opentelemetry import trace
from opentelemetry.trace import StatusCode

from bodies import anthropic_bodies as ab
from bodies import openai_bodies as ob
from genai_otel._telemetry.invocation import Invocation

MANY = 1000


def _transport(sse: str) -> httpx2.MockTransport:
    def handler(request: httpx2.Request) -> httpx2.Response:
        headers = {"content-type": "text/event-stream; charset=utf-8", "x-request-id": "req_0123456789abcdef"}
        return httpx2.Response(200, headers=headers, content=sse.encode())

    return httpx2.MockTransport(handler)


def openai_client(asynchronous: bool = False) -> Any:
    transport = _transport(ob.chat_stream(include_usage=True))
    if asynchronous:
        return openai.AsyncOpenAI(
            api_key="sk-proj-x-0000", http_client=httpx2.AsyncClient(transport=transport), max_retries=0
        )
    return openai.OpenAI(
        api_key="sk-proj-x-0000", http_client=httpx2.Client(transport=transport), max_retries=0
    )


def anthropic_client() -> anthropic.Anthropic:
    http = httpx2.Client(transport=_transport(ab.STREAM_TEXT))
    return anthropic.Anthropic(api_key="sk-ant-api03-x-0000", http_client=http, max_retries=0)


def open_openai(client: Any) -> Any:
    return client.chat.completions.create(
        model=ob.MODEL,
        messages=[{"role": "user", "content": "Hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )


def open_anthropic(client: Any) -> Any:
    return client.messages.create(
        model=ab.MODEL, max_tokens=16, messages=[{"role": "user", "content": "Hi"}], stream=True
    )


def live(cls: type) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, cls))


def no_current_span() -> bool:
    return not trace.get_current_span().get_span_context().is_valid


@pytest.mark.parametrize("read", [0, 1], ids=["never-read", "one-chunk"])
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_a_dropped_stream_is_finalised_and_released(otel, provider, read):
    client = openai_client() if provider == "openai" else anthropic_client()
    stream = open_openai(client) if provider == "openai" else open_anthropic(client)
    for _ in range(read):
        next(stream)
    sdk_stream = weakref.ref(stream.__wrapped__)
    assert otel.spans() == []
    del stream
    gc.collect()
    assert sdk_stream() is None
    span = otel.span()
    assert span.end_time is not None
    assert span.status.status_code is StatusCode.UNSET
    assert no_current_span()


async def test_a_dropped_async_stream_is_finalised_and_released(otel):
    client = openai_client(asynchronous=True)
    stream = await open_openai(client)
    await stream.__anext__()
    sdk_stream = weakref.ref(stream.__wrapped__)
    del stream
    gc.collect()
    assert sdk_stream() is None
    assert otel.span().end_time is not None
    assert no_current_span()


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_a_thousand_abandoned_streams_hold_nothing(otel, provider):
    client = openai_client() if provider == "openai" else anthropic_client()
    opener = open_openai if provider == "openai" else open_anthropic
    stream_cls = openai.Stream if provider == "openai" else anthropic.Stream
    open_(client, opener, 3)  # warm up lazily created SDK state before the baseline
    otel.spans_exporter.clear()
    invocations, streams = live(Invocation), live(stream_cls)
    open_(client, opener, MANY)
    assert live(Invocation) == invocations
    assert live(stream_cls) == streams
    spans = otel.spans()
    assert len(spans) == MANY
    assert all(s.end_time is not None for s in spans)
    assert no_current_span()


def open_(client: Any, opener: Any, count: int) -> None:
    for i in range(count):
        stream = opener(client)
        if i % 2:
            next(stream)  # half of them read one chunk first
        del stream  # dropped without close(); CPython finalises it here, gc for any cycle


async def test_a_thousand_abandoned_async_streams_hold_nothing(otel):
    client = openai_client(asynchronous=True)
    invocations = live(Invocation)
    for i in range(MANY // 4):
        stream = await open_openai(client)
        if i % 2:
            await stream.__anext__()
        del stream
    await asyncio.sleep(0)
    assert live(Invocation) == invocations
    assert len(otel.spans()) == MANY // 4

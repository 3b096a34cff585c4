"""Hundreds of concurrent calls: every span ends once, each LLM span's parent is its own app span,
no "Failed to detach context", and no context leaks into later code.

Through the real ``openai`` client over a stateless replay transport (one shared client, as
applications use it): 200 streams across a thread pool, 200 across asyncio tasks, streams opened
in one thread/task and read in another, and a nested tool-calling loop (app span -> chat call ->
tool span -> chat call inside the tool -> final chat call).
"""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import openai
import pytest
from opentelemetry import trace

from bodies import openai_bodies as ob

N = 200
TIMEOUT = 60  # generous bound for any one wait on a 2-core CI machine
STREAM = ob.chat_stream(include_usage=True)
CHUNKS = 6


def _response(request: httpx2.Request) -> httpx2.Response:
    body = json.loads(request.content)
    headers = {"x-request-id": "req_0123456789abcdef"}
    if body.get("stream"):
        headers["content-type"] = "text/event-stream; charset=utf-8"
        return httpx2.Response(200, headers=headers, content=STREAM.encode())
    last = body["messages"][-1]
    reply = ob.chat_completion_tool_calls() if last["role"] == "user" else ob.chat_completion()
    return httpx2.Response(200, headers=headers, json=reply)


def sync_client() -> openai.OpenAI:
    http = httpx2.Client(transport=httpx2.MockTransport(_response))
    return openai.OpenAI(api_key="sk-proj-concurrency-0000", http_client=http, max_retries=0)


def async_client() -> openai.AsyncOpenAI:
    async def handler(request: httpx2.Request) -> httpx2.Response:
        await asyncio.sleep(0)  # let other tasks run between request and response
        return _response(request)

    http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    return openai.AsyncOpenAI(api_key="sk-proj-concurrency-0000", http_client=http, max_retries=0)


def stream_kwargs(i: int) -> dict[str, Any]:
    return {
        "model": ob.MODEL,
        "messages": [{"role": "user", "content": f"call {i}"}],
        "stream": True,
        "stream_options": {"include_usage": True},
    }


def no_current_span() -> bool:
    return not trace.get_current_span().get_span_context().is_valid


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING)
    return caplog


def check(otel: Any, logs: pytest.LogCaptureFixture, apps: int, llm_per_app: int) -> None:
    spans = otel.spans()
    ids = [s.context.span_id for s in spans]
    assert len(ids) == len(set(ids)), "a span was exported twice"
    app_spans = {s.context.span_id: s for s in spans if s.name.startswith("app")}
    llm = [s for s in spans if s.name == f"chat {ob.MODEL}"]
    assert len(app_spans) == apps
    assert len(llm) == apps * llm_per_app
    for span in llm:
        assert span.end_time is not None
        assert span.parent is not None and span.parent.span_id in app_spans, span.name
        app = app_spans[span.parent.span_id]
        assert span.context.trace_id == app.context.trace_id
        assert span.attributes["gen_ai.response.finish_reasons"] == ("stop",)
    messages = [r.getMessage() for r in logs.records]
    assert not [m for m in messages if "Failed to detach context" in m or "ended span" in m], messages[:5]
    assert no_current_span()


def test_threads_each_with_its_own_stream(otel, logs):
    tracer = otel.tracer_provider.get_tracer("app")
    client = sync_client()

    def work(i: int) -> int:
        with tracer.start_as_current_span(f"app {i}"):
            stream = client.chat.completions.create(**stream_kwargs(i))
            count = sum(1 for _ in stream)
        assert no_current_span()
        return count

    with ThreadPoolExecutor(max_workers=16) as pool:
        counts = list(pool.map(work, range(N), timeout=TIMEOUT))
    assert counts == [CHUNKS] * N
    check(otel, logs, N, 1)


def test_streams_opened_in_one_thread_and_read_in_another(otel, logs):
    tracer = otel.tracer_provider.get_tracer("app")
    client = sync_client()

    def open_(i: int) -> Any:
        with tracer.start_as_current_span(f"app {i}"):
            return client.chat.completions.create(**stream_kwargs(i))

    def read(stream: Any) -> int:
        count = sum(1 for _ in stream)
        assert no_current_span()
        return count

    with ThreadPoolExecutor(max_workers=8) as openers, ThreadPoolExecutor(max_workers=8) as readers:
        streams = list(openers.map(open_, range(N), timeout=TIMEOUT))
        counts = list(readers.map(read, reversed(streams), timeout=TIMEOUT))
    assert counts == [CHUNKS] * N
    check(otel, logs, N, 1)


async def test_asyncio_tasks_streams_opened_and_read_in_different_tasks(otel, logs):
    tracer = otel.tracer_provider.get_tracer("app")
    client = async_client()

    async def open_(i: int) -> Any:
        with tracer.start_as_current_span(f"app {i}"):
            return await client.chat.completions.create(**stream_kwargs(i))

    async def read(stream: Any) -> int:
        count = 0
        async for _ in stream:
            assert no_current_span()
            count += 1
        return count

    async def own(i: int) -> int:  # opened and read in the same task
        with tracer.start_as_current_span(f"app own {i}"):
            stream = await client.chat.completions.create(**stream_kwargs(i))
            count = 0
            async for _ in stream:
                count += 1
        return count

    streams = await asyncio.wait_for(asyncio.gather(*(open_(i) for i in range(N // 2))), TIMEOUT)
    counts = await asyncio.wait_for(
        asyncio.gather(*(read(s) for s in streams), *(own(i) for i in range(N // 2))), TIMEOUT
    )
    assert counts == [CHUNKS] * N
    check(otel, logs, N, 1)


def test_nested_tool_calling_loop_in_threads(otel, logs):
    tracer = otel.tracer_provider.get_tracer("app")
    client = sync_client()

    def agent(i: int) -> str:
        with tracer.start_as_current_span(f"app {i}") as app:
            messages: list[dict[str, Any]] = [{"role": "user", "content": f"weather {i}"}]
            first = client.chat.completions.create(model=ob.MODEL, messages=messages)
            calls = first.choices[0].message.tool_calls
            messages.append({"role": "assistant", "tool_calls": [c.model_dump() for c in calls]})
            for call in calls:
                with tracer.start_as_current_span(f"tool {call.function.name}"):
                    # the tool itself asks the model (a streamed call nested under the tool span)
                    inner = client.chat.completions.create(**stream_kwargs(i))
                    text = "".join(c.choices[0].delta.content or "" for c in inner if c.choices)
                messages.append({"role": "tool", "tool_call_id": call.id, "content": text})
            final = client.chat.completions.create(model=ob.MODEL, messages=messages)
            assert trace.get_current_span() is app
        assert no_current_span()
        return final.choices[0].message.content

    apps = N // 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(agent, range(apps), timeout=TIMEOUT))
    assert len(answers) == apps and all(answers)
    spans = otel.spans()
    by_id = {s.context.span_id: s for s in spans}
    llm = [s for s in spans if s.name == f"chat {ob.MODEL}"]
    tools = [s for s in spans if s.name.startswith("tool ")]
    assert len(llm) == apps * 4  # first call, two nested streamed calls, final call
    assert len(tools) == apps * 2
    for span in llm:
        parent = by_id[span.parent.span_id]
        assert parent.name.startswith(("app ", "tool "))
        if parent.name.startswith("tool "):
            assert by_id[parent.parent.span_id].name.startswith("app ")
        assert span.attributes.get("gen_ai.request.stream", False) is bool(parent.name.startswith("tool "))
    messages = [r.getMessage() for r in logs.records]
    assert not [m for m in messages if "Failed to detach context" in m], messages[:5]
    assert no_current_span()

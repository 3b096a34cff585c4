"""End to end through the real, unmodified ``openai`` clients.

``OpenAI`` / ``AsyncOpenAI`` talk to the replay transport after ``otel`` instrumented. Each
behaviour is written once and runs over the matrix {sync, async} x {plain, stream} where the SDK
offers it (``stream=True`` iterated to the end); the SDK's helpers (``.parse()``, ``.stream()``,
``with_raw_response``) run over {sync, async}. Streamed bodies are derived from the very bodies
the plain calls get (``chat_sse`` / ``responses_sse``), so one expectation serves both.

Stream exit paths (break, close, GC, errors mid-stream) live in ``test_stream_lifecycle.py``;
content capture in ``test_content.py``; exploding internals in ``test_containment.py``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
import openai
import pydantic
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.sampling import Decision
from opentelemetry.trace import SpanKind, StatusCode

import genai_otel
from bodies import openai_bodies as b
from replay import Replay, Reply, sse_events
from sampling import RecordingSampler, instrument_with_sampler
from spans import span_attrs

#: Obviously fake, shaped like a real project key.
API_KEY = "sk-test-FAKEFAKEFAKEFAKE-not-a-real-key-0000000000"
HELLO = [{"role": "user", "content": "Hello"}]
RESPONSES_MODEL = "gpt-4.1"

#: The spec's bucket advice (SEMCONV.md §3), written out here rather than read from the code.
DURATION_BUCKETS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92)
TOKEN_BUCKETS = (1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864)

OPENAI_SERVER = {"gen_ai.provider.name": "openai", "server.address": "api.openai.com", "server.port": 443}
SERVED = {"openai.response.service_tier": "default", "openai.response.system_fingerprint": b.FINGERPRINT}

LATEST_DURATION = "gen_ai.client.inference.duration"
LATEST_TTFC = "gen_ai.client.inference.time_to_first_chunk"
LATEST_TPOC = "gen_ai.client.inference.time_per_output_chunk"
USAGE_INPUT = "gen_ai.client.inference.usage.input_tokens"
USAGE_OUTPUT = "gen_ai.client.inference.usage.output_tokens"
USAGE_CACHE_READ = "gen_ai.client.inference.usage.cache_read.input_tokens"
USAGE_REASONING = "gen_ai.client.inference.usage.reasoning.output_tokens"
OP_INPUT = "gen_ai.client.inference.operation.input_tokens"
OP_OUTPUT = "gen_ai.client.inference.operation.output_tokens"
EMB_DURATION = "gen_ai.client.embeddings.duration"
EMB_INPUT = "gen_ai.client.embeddings.operation.input_tokens"
LEGACY_DURATION = "gen_ai.client.operation.duration"
LEGACY_TOKENS = "gen_ai.client.token.usage"
LEGACY_TTFC = "gen_ai.client.operation.time_to_first_chunk"
LEGACY_TPOC = "gen_ai.client.operation.time_per_output_chunk"
LATEST_STREAM = {LATEST_TTFC, LATEST_TPOC}
LEGACY_STREAM = {LEGACY_TTFC, LEGACY_TPOC}


# --- the call matrix ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mode:
    asynchronous: bool
    stream: bool

    def __str__(self) -> str:
        return f"{'async' if self.asynchronous else 'sync'}-{'stream' if self.stream else 'plain'}"


MODES = [Mode(a, s) for a in (False, True) for s in (False, True)]


@pytest.fixture(params=MODES, ids=str)
def mode(request: pytest.FixtureRequest) -> Mode:
    return request.param


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def asynchronous(request: pytest.FixtureRequest) -> bool:
    return request.param


def client_for(asynchronous: bool, replay: Replay, **options: Any) -> Any:
    options.setdefault("max_retries", 0)
    options.setdefault("api_key", API_KEY)
    if asynchronous:
        return openai.AsyncOpenAI(http_client=replay.async_client(), **options)
    return openai.OpenAI(http_client=replay.sync_client(), **options)


def resolve(client: Any, path: str) -> Any:
    for name in path.split("."):
        client = getattr(client, name)
    return client


async def call(mode: Mode, client: Any, path: str, **params: Any) -> Any:
    """One call made the way ``mode`` says, a stream read to the end; what the caller got, as
    plain data (a stream's chunks as a list)."""
    method = resolve(client, path)
    if not mode.stream:
        result = method(**params)
        if mode.asynchronous:
            result = await result
        assert isinstance(result, pydantic.BaseModel)
        return dump(result)
    if mode.asynchronous:
        stream = await method(**params, stream=True)
        assert isinstance(stream, openai.AsyncStream)
        return [dump(chunk) async for chunk in stream]
    stream = method(**params, stream=True)
    assert isinstance(stream, openai.Stream)
    return [dump(chunk) for chunk in stream]


def dump(model: pydantic.BaseModel) -> dict[str, Any]:
    # no serializer warnings: a base64 embedding is a str where the SDK's type says list[float]
    return model.model_dump(warnings=False)


@contextmanager
def uninstrumented(otel: Any, **settings: Any) -> Iterator[None]:
    genai_otel.uninstrument()
    try:
        yield
    finally:
        otel.instrument(**settings)


# --- streamed bodies derived from the plain ones ---------------------------------------------------


def _pieces(text: str, size: int = 7) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def chat_sse(body: dict[str, Any], include_usage: bool) -> str:
    """The SSE the Chat Completions API streams for the completion ``body``: per choice a role
    delta, content (or tool call) deltas and a finish delta; with ``include_usage`` every chunk
    carries ``usage: null`` and a last ``choices: []`` chunk carries the usage; then ``[DONE]``."""
    envelope = {k: body[k] for k in ("id", "created", "model", "service_tier", "system_fingerprint")}

    def chunk(choices: list[dict[str, Any]], usage: Any = None) -> dict[str, Any]:
        out = {**envelope, "object": "chat.completion.chunk", "choices": choices}
        if include_usage:
            out["usage"] = usage
        out["obfuscation"] = "k3Jd"
        return out

    def delta(index: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return chunk([{"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}])

    chunks = []
    for choice in body["choices"]:
        index, msg = choice["index"], choice["message"]
        calls = msg.get("tool_calls") or []
        if calls:
            chunks.append(delta(index, {"role": "assistant", "content": None, "refusal": None}))
            for n, tool_call in enumerate(calls):
                function = tool_call["function"]
                first = {
                    "index": n,
                    "id": tool_call["id"],
                    "type": "function",
                    "function": {"name": function["name"], "arguments": ""},
                }
                chunks.append(delta(index, {"tool_calls": [first]}))
                for piece in _pieces(function["arguments"]):
                    chunks.append(
                        delta(index, {"tool_calls": [{"index": n, "function": {"arguments": piece}}]})
                    )
        else:
            chunks.append(delta(index, {"role": "assistant", "content": "", "refusal": None}))
            for piece in _pieces(msg["content"] or ""):
                chunks.append(delta(index, {"content": piece}))
        chunks.append(delta(index, {}, choice["finish_reason"]))
    if include_usage:
        chunks.append(chunk([], body["usage"]))
    return sse_events([(None, c) for c in chunks] + [(None, "[DONE]")])


def responses_sse(body: dict[str, Any]) -> str:
    """The SSE the Responses API streams for the response ``body``: ``response.created`` /
    ``in_progress`` snapshots, per output item ``output_item.added``, its deltas and
    ``output_item.done``, then ``response.completed`` (``response.incomplete`` for an incomplete
    one) with the whole response."""
    pending = {
        **body,
        "status": "in_progress",
        "output": [],
        "usage": None,
        "completed_at": None,
        "service_tier": "auto",
    }
    events: list[tuple[str, dict[str, Any]]] = [
        ("response.created", {"response": pending}),
        ("response.in_progress", {"response": pending}),
    ]
    for index, item in enumerate(body["output"]):
        kind = item["type"]
        if kind == "message":
            events.append(
                (
                    "response.output_item.added",
                    {"output_index": index, "item": {**item, "status": "in_progress", "content": []}},
                )
            )
            for c, part in enumerate(item["content"]):
                at = {"item_id": item["id"], "output_index": index, "content_index": c}
                events.append(("response.content_part.added", {**at, "part": {**part, "text": ""}}))
                for piece in _pieces(part["text"]):
                    events.append(
                        (
                            "response.output_text.delta",
                            {**at, "delta": piece, "logprobs": [], "obfuscation": "Qx1"},
                        )
                    )
                events.append(("response.output_text.done", {**at, "text": part["text"], "logprobs": []}))
                events.append(("response.content_part.done", {**at, "part": part}))
        elif kind == "function_call":
            events.append(
                (
                    "response.output_item.added",
                    {"output_index": index, "item": {**item, "status": "in_progress", "arguments": ""}},
                )
            )
            at = {"item_id": item["id"], "output_index": index}
            for piece in _pieces(item["arguments"]):
                events.append(("response.function_call_arguments.delta", {**at, "delta": piece}))
            events.append(
                (
                    "response.function_call_arguments.done",
                    {**at, "arguments": item["arguments"], "name": item["name"]},
                )
            )
        else:  # reasoning: the summary arrives whole with the item
            events.append(
                ("response.output_item.added", {"output_index": index, "item": {**item, "summary": []}})
            )
        events.append(("response.output_item.done", {"output_index": index, "item": item}))
    final = "response.incomplete" if body["status"] == "incomplete" else "response.completed"
    events.append((final, {"response": body}))
    return sse_events(
        [(kind, {"type": kind, "sequence_number": n, **data}) for n, (kind, data) in enumerate(events)]
    )


def frames(sse: str) -> int:
    """Chunks the SDK yields for an SSE body (``[DONE]`` is not one)."""
    return sum(1 for frame in sse.split("\n\n") if frame and "data: [DONE]" not in frame)


def chat_reply(mode: Mode, body: dict[str, Any], include_usage: bool = True) -> Reply:
    if mode.stream:
        return Reply(sse=chat_sse(body, include_usage), headers=b.HEADERS)
    return Reply(json_body=body, headers=b.HEADERS)


def chat_params(mode: Mode, include_usage: bool = True, **params: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"model": b.MODEL, "messages": HELLO, **params}
    if mode.stream and include_usage:
        out["stream_options"] = {"include_usage": True}
    return out


async def run_chat(
    otel: Any, mode: Mode, body: dict[str, Any] | None = None, include_usage: bool = True, **params: Any
) -> tuple[Any, Replay]:
    replay = Replay(chat_reply(mode, body or b.chat_completion(), include_usage))
    client = client_for(mode.asynchronous, replay)
    result = await call(mode, client, "chat.completions.create", **chat_params(mode, include_usage, **params))
    return result, replay


# --- expectations ------------------------------------------------------------------------------------


def chat_start(stream: bool, **extra: Any) -> dict[str, Any]:
    attrs = {
        "gen_ai.operation.name": "chat",
        **OPENAI_SERVER,
        "gen_ai.request.model": b.MODEL,
        "openai.api.type": "chat_completions",
    }
    if stream:
        attrs["gen_ai.request.stream"] = True
    return {**attrs, **extra}


def usage(input_tokens: int, output_tokens: int, cache_read: int = 0, reasoning: int = 0) -> dict[str, Any]:
    return {
        "gen_ai.usage.input_tokens": input_tokens,
        "gen_ai.usage.output_tokens": output_tokens,
        "gen_ai.usage.cache_read.input_tokens": cache_read,
        "gen_ai.usage.reasoning.output_tokens": reasoning,
    }


def chat_response(*reasons: str, model: str = b.RESPONSE_MODEL, tokens: dict[str, Any] | None = None) -> dict:
    return {
        "gen_ai.response.id": b.CHAT_ID,
        "gen_ai.response.model": model,
        "gen_ai.response.finish_reasons": reasons or ("stop",),
        **(usage(19, 10) if tokens is None else tokens),
        **SERVED,
    }


def assert_client_span(span: Any, name: str) -> None:
    assert span.name == name
    assert span.kind is SpanKind.CLIENT
    assert span.instrumentation_scope.name == "genai_otel"
    assert span.parent is None
    assert span.status.status_code is StatusCode.UNSET
    assert span.events == ()


def metric_attrs(**extra: Any) -> dict[str, Any]:
    return {"gen_ai.operation.name": "chat", **OPENAI_SERVER, "gen_ai.request.model": b.MODEL, **extra}


def served_metric_attrs(model: str = b.RESPONSE_MODEL) -> dict[str, Any]:
    return metric_attrs(**{"gen_ai.response.model": model}, **SERVED)


def points(otel: Any, name: str) -> list[Any]:
    return otel.metrics().get(name, [])


def one_point(otel: Any, name: str) -> Any:
    found = points(otel, name)
    assert len(found) == 1, (name, [dict(p.attributes) for p in found])
    return found[0]


def by_attr(otel: Any, name: str, key: str) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Points of ``name`` keyed by the value of attribute ``key``: (value or sum, other attributes)."""
    out = {}
    for point in points(otel, name):
        attrs = dict(point.attributes)
        out[attrs.pop(key)] = (point.value if hasattr(point, "value") else point.sum, attrs)
    return out


def metric_names(otel: Any) -> set[str]:
    return {name for name, found in otel.metrics().items() if found}


# --- chat completions: spans --------------------------------------------------------------------------


async def test_chat_one_client_span_with_exactly_the_semconv_attributes(otel, mode):
    result, replay = await run_chat(otel, mode)
    assert result
    assert replay.bodies[0].get("stream") is (True if mode.stream else None)

    span = otel.span()
    assert_client_span(span, f"chat {b.MODEL}")
    assert span_attrs(span, mode.stream) == {**chat_start(mode.stream), **chat_response()}


async def test_chat_stream_reports_usage_only_with_include_usage(otel, asynchronous):
    mode = Mode(asynchronous, stream=True)
    await run_chat(otel, mode, include_usage=False)
    expected = {k: v for k, v in chat_response().items() if not k.startswith("gen_ai.usage.")}
    assert span_attrs(otel.span(), streamed=True) == {**chat_start(True), **expected}


CHAT_CASES = [
    pytest.param(
        {
            "tools": [
                {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
            ]
        },
        b.chat_completion_tool_calls(),
        {},
        chat_response("tool_calls", tokens=usage(82, 51)),  # as sent: the span is not mapped
        id="tool_calls",
    ),
    pytest.param(
        {"n": 2},
        b.chat_completion_n2(),
        {"gen_ai.request.choice.count": 2},
        chat_response("stop", "length", tokens=usage(19, 16)),
        id="n2",
    ),
    pytest.param(
        {"response_format": {"type": "json_object"}},
        b.chat_completion_json(),
        {"gen_ai.output.type": "json"},
        chat_response(tokens=usage(42, 12)),
        id="json_object",
    ),
    pytest.param(
        {
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": "weather",
                    "strict": True,
                    "schema": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}, "temperature_c": {"type": "integer"}},
                        "required": ["city", "temperature_c"],
                        "additionalProperties": False,
                    },
                },
            }
        },
        b.chat_completion_json(),
        {"gen_ai.output.type": "json"},
        chat_response(tokens=usage(42, 12)),
        id="json_schema",
    ),
    pytest.param(
        {"model": "o4-mini", "reasoning_effort": "high"},
        b.chat_completion_cached_reasoning(),
        {"gen_ai.request.model": "o4-mini", "gen_ai.request.reasoning.level": "high"},
        chat_response(model="o4-mini-2025-04-16", tokens=usage(2006, 300, cache_read=1920, reasoning=192)),
        id="cached_reasoning",
    ),
]


@pytest.mark.parametrize(("params", "body", "request_attrs", "response_attrs"), CHAT_CASES)
async def test_chat_response_variants(otel, mode, params, body, request_attrs, response_attrs):
    await run_chat(otel, mode, body, **params)
    span = otel.span()
    assert span.name == f"chat {params.get('model', b.MODEL)}"
    assert span_attrs(span, mode.stream) == {**chat_start(mode.stream, **request_attrs), **response_attrs}


async def test_chat_reports_exactly_the_parameters_passed(otel, mode):
    params = {
        "temperature": 1,  # an int on the wire, a double on the span
        "top_p": 0.9,
        "max_tokens": 256,
        "seed": 42,
        "stop": "END",
        "frequency_penalty": 0.5,
        "presence_penalty": -0.25,
        "service_tier": "flex",
    }
    _, replay = await run_chat(otel, mode, **params)
    assert {k: replay.bodies[0][k] for k in params} == params
    attrs = span_attrs(otel.span(), mode.stream)
    requested = {k: v for k, v in attrs.items() if k.startswith(("gen_ai.request.", "openai.request."))}
    expected = {
        "gen_ai.request.model": b.MODEL,
        "gen_ai.request.temperature": 1.0,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.max_tokens": 256,
        "gen_ai.request.seed": 42,
        "gen_ai.request.stop_sequences": ("END",),
        "gen_ai.request.frequency_penalty": 0.5,
        "gen_ai.request.presence_penalty": -0.25,
        "openai.request.service_tier": "flex",
    }
    if mode.stream:
        expected["gen_ai.request.stream"] = True
    assert requested == expected
    assert type(attrs["gen_ai.request.temperature"]) is float


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({}, {}, id="nothing-passed"),
        pytest.param({"service_tier": "auto"}, {}, id="service_tier-auto"),
        pytest.param({"n": 1}, {}, id="n1"),
        pytest.param(
            {"max_completion_tokens": 64, "stop": ["a", "b"]},
            {"gen_ai.request.max_tokens": 64, "gen_ai.request.stop_sequences": ("a", "b")},
            id="max_completion_tokens",
        ),
    ],
)
async def test_chat_invents_no_request_attributes(otel, mode, params, expected):
    await run_chat(otel, mode, **params)
    attrs = span_attrs(otel.span(), mode.stream)
    requested = {k: v for k, v in attrs.items() if k.startswith(("gen_ai.request.", "openai.request."))}
    expected = {"gen_ai.request.model": b.MODEL, **expected}
    if mode.stream:
        expected["gen_ai.request.stream"] = True
    assert requested == expected
    assert "gen_ai.output.type" not in attrs


async def test_chat_result_is_the_uninstrumented_result_and_arguments_are_untouched(otel, mode):
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather",
                "parameters": {"type": "object", "properties": {"location": {"type": "string"}}},
            },
        }
    ]
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Weather in Paris?"}]
    params = {"messages": messages, "tools": tools, "temperature": 0.2}
    before = copy.deepcopy(params)
    body = b.chat_completion_tool_calls()

    with uninstrumented(otel):
        expected, expected_replay = await run_chat(otel, mode, body, **params)
    assert otel.spans() == []
    result, replay = await run_chat(otel, mode, body, **params)
    assert result == expected
    assert params == before
    assert replay.bodies == expected_replay.bodies  # the SDK sent the same request
    assert len(otel.spans()) == 1


# --- finish reasons: the API's on the span, the output-message schema's in messages -------------------


def forced_tool_choice() -> dict[str, Any]:
    """A forced ``tool_choice``: the API says ``stop`` although the message calls a tool."""
    body = b.chat_completion_tool_calls()
    body["choices"][0]["finish_reason"] = "stop"
    return body


@pytest.mark.parametrize(
    ("body", "span_reasons", "message_reasons"),
    [
        pytest.param(b.chat_completion_tool_calls(), ("tool_calls",), ["tool_call"], id="tool_calls"),
        pytest.param(b.chat_completion_n2(), ("stop", "length"), ["stop", "length"], id="n2"),
        pytest.param(forced_tool_choice(), ("stop",), ["tool_call"], id="stop-with-a-tool-call"),
    ],
)
async def test_chat_finish_reasons_as_sent_on_the_span_and_schema_values_in_messages(
    otel, mode, body, span_reasons, message_reasons
):
    otel.instrument(capture_content="SPAN_ONLY")
    await run_chat(otel, mode, body)
    attrs = otel.span().attributes
    assert attrs["gen_ai.response.finish_reasons"] == span_reasons
    outputs = json.loads(attrs["gen_ai.output.messages"])
    assert [o["finish_reason"] for o in outputs] == message_reasons


def content_filtered() -> dict[str, Any]:
    return b.response(
        [b.output_message("", status="incomplete")],
        status="incomplete",
        incomplete_details={"reason": "content_filter"},
    )


@pytest.mark.parametrize(
    ("body", "span_reason", "message_reason"),
    [
        pytest.param(b.response(), "completed", "stop", id="completed"),
        pytest.param(b.response_function_call(), "completed", "tool_call", id="completed-function_call"),
        pytest.param(b.response_incomplete(), "max_output_tokens", "length", id="max_output_tokens"),
        pytest.param(content_filtered(), "content_filter", "content_filter", id="content_filter"),
    ],
)
async def test_responses_finish_reason_is_the_status_on_the_span_and_the_schema_value_in_the_message(
    otel, mode, body, span_reason, message_reason
):
    """No per-choice reason in the Responses API: the span carries why the response ended in the
    API's words (its status, or the reason an incomplete one gives)."""
    otel.instrument(capture_content="SPAN_ONLY")
    reply = Reply(sse=responses_sse(body), headers=b.HEADERS) if mode.stream else Reply(json_body=body)
    await call(mode, client_for(mode.asynchronous, Replay(reply)), "responses.create", model=RESPONSES_MODEL)
    attrs = otel.span().attributes
    assert attrs["gen_ai.response.finish_reasons"] == (span_reason,)
    [output] = json.loads(attrs["gen_ai.output.messages"])
    assert output["finish_reason"] == message_reason


async def test_legacy_completion_finish_reason_in_the_output_message(otel, asynchronous):
    otel.instrument(capture_content="SPAN_ONLY")
    params = {"model": b.INSTRUCT_MODEL, "prompt": "Say this is a test", "max_tokens": 7}
    reply = Reply(json_body=b.completion(), headers=b.HEADERS)
    await call(
        Mode(asynchronous, False), client_for(asynchronous, Replay(reply)), "completions.create", **params
    )
    attrs = otel.span().attributes
    assert attrs["gen_ai.response.finish_reasons"] == ("length",)
    assert [o["finish_reason"] for o in json.loads(attrs["gen_ai.output.messages"])] == ["length"]


# --- chat completions: .parse() and the .stream() helper ------------------------------------------


class Weather(pydantic.BaseModel):
    city: str
    temperature_c: int


async def test_chat_parse(otel, asynchronous):
    replay = Replay(Reply(json_body=b.chat_completion_json(), headers=b.HEADERS))
    client = client_for(asynchronous, replay)
    result = client.chat.completions.parse(model=b.MODEL, messages=HELLO, response_format=Weather)
    if asynchronous:
        result = await result
    assert result.choices[0].message.parsed == Weather(city="Paris", temperature_c=18)
    assert replay.bodies[0]["response_format"]["type"] == "json_schema"

    span = otel.span()  # .parse() posts itself: one span, not one per layer
    assert_client_span(span, f"chat {b.MODEL}")
    expected = {**chat_start(False, **{"gen_ai.output.type": "json"}), **chat_response(tokens=usage(42, 12))}
    assert span_attrs(span, streamed=False) == expected


@pytest.mark.parametrize("consume", ["all", "one-event"])
async def test_chat_stream_helper_one_span_ended_by_the_with_block(otel, asynchronous, consume):
    sse = chat_sse(b.chat_completion_json(), include_usage=True)
    replay = Replay(Reply(sse=sse, headers=b.HEADERS))
    client = client_for(asynchronous, replay)
    manager = client.chat.completions.stream(
        model=b.MODEL, messages=HELLO, response_format=Weather, stream_options={"include_usage": True}
    )
    final = None
    if asynchronous:
        async with manager as stream:
            if consume == "all":
                final = await stream.get_final_completion()
            else:
                await stream.__anext__()
                assert otel.spans() == []  # still open inside the block
    else:
        with manager as stream:
            if consume == "all":
                final = stream.get_final_completion()
            else:
                next(stream)
                assert otel.spans() == []
    span = otel.span()  # ended by the block's exit, not by garbage collection
    assert_client_span(span, f"chat {b.MODEL}")
    start = chat_start(True, **{"gen_ai.output.type": "json"})
    if consume == "all":
        assert final is not None and final.choices[0].message.parsed == Weather(
            city="Paris", temperature_c=18
        )
        assert span_attrs(span, streamed=True) == {**start, **chat_response(tokens=usage(42, 12))}
    else:  # cut off after the first chunk: no finish reason arrived, no usage
        expected = {k: v for k, v in chat_response("error").items() if not k.startswith("gen_ai.usage.")}
        assert span_attrs(span, streamed=True) == {**start, **expected}


async def test_chat_stream_helper_reports_the_parameters_passed_never_its_sentinels(otel, asynchronous):
    """``.stream()`` forwards every parameter to ``create``: those not passed as ``omit``
    (``max_completion_tokens`` among them, which would shadow ``max_tokens``) and ``timeout`` as
    ``NOT_GIVEN``. Only what the caller passed is reported."""
    replay = Replay(Reply(sse=chat_sse(b.chat_completion(), include_usage=True), headers=b.HEADERS))
    client = client_for(asynchronous, replay)
    options = {"stream_options": {"include_usage": True}}
    manager = client.chat.completions.stream(model=b.MODEL, messages=HELLO, max_tokens=64, **options)
    if asynchronous:
        async with manager as stream:
            await stream.until_done()
    else:
        with manager as stream:
            stream.until_done()
    assert replay.bodies[0]["max_tokens"] == 64 and "max_completion_tokens" not in replay.bodies[0]
    span = otel.span()
    expected = {**chat_start(True, **{"gen_ai.request.max_tokens": 64}), **chat_response()}
    assert span_attrs(span, streamed=True) == expected


# --- responses ----------------------------------------------------------------------------------------


def responses_start(stream: bool, **extra: Any) -> dict[str, Any]:
    attrs = {
        "gen_ai.operation.name": "chat",
        **OPENAI_SERVER,
        "gen_ai.request.model": RESPONSES_MODEL,
        "openai.api.type": "responses",
    }
    if stream:
        attrs["gen_ai.request.stream"] = True
    return {**attrs, **extra}


def responses_response(reason: str, model: str, inputs: int, outputs: int, reasoning: int = 0) -> dict:
    return {
        "gen_ai.response.id": b.RESP_ID,
        "gen_ai.response.model": model,
        "gen_ai.response.finish_reasons": (reason,),
        **usage(inputs, outputs, reasoning=reasoning),
        "gen_ai.usage.cache_write.input_tokens": 0,
        "openai.response.service_tier": "default",
    }


RESPONSES_CASES = [
    pytest.param(
        {
            "input": "Hello",
            "temperature": 0.5,
            "max_output_tokens": 512,
            "service_tier": "priority",
            "text": {"format": {"type": "text"}},
        },
        b.response(),
        {
            "gen_ai.request.temperature": 0.5,
            "gen_ai.request.max_tokens": 512,
            "openai.request.service_tier": "priority",
            "gen_ai.output.type": "text",
        },
        responses_response("completed", "gpt-4.1-2025-04-14", 36, 87),  # the status, as sent
        id="text",
    ),
    pytest.param(
        {
            "input": "Weather in Paris?",
            "tools": [
                {
                    "type": "function",
                    "name": "get_weather",
                    "strict": True,
                    "parameters": {
                        "type": "object",
                        "properties": {"location": {"type": "string"}},
                        "required": ["location"],
                        "additionalProperties": False,
                    },
                }
            ],
            "conversation": {"id": "conv_6851a3f0c4e88191"},
        },
        b.response_function_call(),
        {"gen_ai.conversation.id": "conv_6851a3f0c4e88191"},
        responses_response("completed", "gpt-4.1-2025-04-14", 291, 23),
        id="function_call",
    ),
    pytest.param(
        {
            "input": "Which is larger, 9.11 or 9.9?",
            "instructions": "Answer in one sentence.",
            "reasoning": {"effort": "medium", "summary": "auto"},
            "top_p": 1,
            "previous_response_id": "resp_prev1",
        },
        b.response_reasoning(),
        {
            "gen_ai.request.reasoning.level": "medium",
            "gen_ai.request.top_p": 1.0,
            "gen_ai.request.previous_response.id": "resp_prev1",
        },
        responses_response("completed", "o4-mini-2025-04-16", 18, 210, reasoning=192),
        id="reasoning_instructions",
    ),
]


@pytest.mark.parametrize(("params", "body", "request_attrs", "response_attrs"), RESPONSES_CASES)
async def test_responses_create(otel, mode, params, body, request_attrs, response_attrs):
    reply = (
        Reply(sse=responses_sse(body), headers=b.HEADERS)
        if mode.stream
        else Reply(json_body=body, headers=b.HEADERS)
    )
    replay = Replay(reply)
    before = copy.deepcopy(params)
    with uninstrumented(otel):
        expected = await call(
            mode,
            client_for(mode.asynchronous, Replay(reply)),
            "responses.create",
            model=RESPONSES_MODEL,
            **params,
        )
    result = await call(
        mode, client_for(mode.asynchronous, replay), "responses.create", model=RESPONSES_MODEL, **params
    )
    assert result == expected
    assert params == before

    span = otel.span()
    assert_client_span(span, f"chat {RESPONSES_MODEL}")
    # instructions are content: not on the span unless content capture is on
    assert span_attrs(span, mode.stream) == {
        **responses_start(mode.stream, **request_attrs),
        **response_attrs,
    }
    metric = {
        **metric_attrs(**{"gen_ai.request.model": RESPONSES_MODEL}),
        "gen_ai.response.model": response_attrs["gen_ai.response.model"],
        "openai.response.service_tier": "default",
    }
    assert dict(one_point(otel, LATEST_DURATION).attributes) == metric
    assert by_attr(otel, USAGE_OUTPUT, "gen_ai.token.modality") == {
        "unknown": (response_attrs["gen_ai.usage.output_tokens"], metric)
    }


async def test_beta_responses_create(otel, mode):
    body = b.response()
    reply = Reply(sse=responses_sse(body), headers=b.HEADERS) if mode.stream else Reply(json_body=body)
    replay = Replay(reply)
    await call(
        mode,
        client_for(mode.asynchronous, replay),
        "beta.responses.create",
        model=RESPONSES_MODEL,
        input="Hello",
    )
    assert replay.requests[0].url.params["beta"] == "true"
    span = otel.span()
    assert_client_span(span, f"chat {RESPONSES_MODEL}")
    expected = {
        **responses_start(mode.stream),
        **responses_response("completed", "gpt-4.1-2025-04-14", 36, 87),
    }
    assert span_attrs(span, mode.stream) == expected


@pytest.mark.parametrize(
    ("sse", "error_type", "expected"),
    [
        pytest.param(
            b.response_stream_failed(),
            "server_error",
            {
                "gen_ai.response.id": b.RESP_ID,
                "gen_ai.response.model": "gpt-4.1-2025-04-14",
                "gen_ai.response.finish_reasons": ("failed",),  # the status, as sent
                **usage(9, 0),
                "gen_ai.usage.cache_write.input_tokens": 0,
            },
            id="response.failed",
        ),
        pytest.param(
            b.response_stream_error_event(),
            "rate_limit_exceeded",
            {
                "gen_ai.response.id": b.RESP_ID,
                "gen_ai.response.model": "gpt-4.1-2025-04-14",
                "gen_ai.response.finish_reasons": ("error",),
            },
            id="error-event",
        ),
    ],
)
async def test_responses_stream_failure_reported_in_band(otel, asynchronous, sse, error_type, expected):
    mode = Mode(asynchronous, stream=True)
    reply = Reply(sse=sse, headers=b.HEADERS)
    with uninstrumented(otel):
        expected_events = await call(
            mode,
            client_for(asynchronous, Replay(reply)),
            "responses.create",
            model=RESPONSES_MODEL,
            input="Hello",
        )
    events = await call(
        mode,
        client_for(asynchronous, Replay(reply)),
        "responses.create",
        model=RESPONSES_MODEL,
        input="Hello",
    )
    assert events == expected_events  # the SDK raises nothing: the caller reads the events

    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == error_type
    attrs = span_attrs(span, streamed=True)
    # the last snapshot's tier: "auto" (the request's) while in progress; see the cut-off helper test
    attrs.pop("openai.response.service_tier", None)
    assert attrs == {**responses_start(True), **expected, "error.type": error_type}
    duration = one_point(otel, LATEST_DURATION)
    assert duration.attributes["error.type"] == error_type


async def test_responses_parse(otel, asynchronous):
    text = '{"city":"Paris","temperature_c":18}'
    body = b.response([b.output_message(text)], usage=b.responses_usage(40, 12))
    client = client_for(asynchronous, Replay(Reply(json_body=body, headers=b.HEADERS)))
    result = client.responses.parse(model=RESPONSES_MODEL, input="Weather in Paris?", text_format=Weather)
    if asynchronous:
        result = await result
    assert result.output_parsed == Weather(city="Paris", temperature_c=18)

    span = otel.span()
    assert_client_span(span, f"chat {RESPONSES_MODEL}")
    expected = {
        **responses_start(False, **{"gen_ai.output.type": "json"}),
        **responses_response("completed", "gpt-4.1-2025-04-14", 40, 12),
    }
    assert span_attrs(span, streamed=False) == expected


@pytest.mark.parametrize("consume", ["all", "one-event"])
async def test_responses_stream_helper_one_span_ended_by_the_with_block(otel, asynchronous, consume):
    body = b.response()
    client = client_for(asynchronous, Replay(Reply(sse=responses_sse(body), headers=b.HEADERS)))
    manager = client.responses.stream(model=RESPONSES_MODEL, input="Hello")
    final = None
    if asynchronous:
        async with manager as stream:
            if consume == "all":
                final = await stream.get_final_response()
            else:
                await stream.__anext__()
                assert otel.spans() == []  # still open inside the block
    else:
        with manager as stream:
            if consume == "all":
                final = stream.get_final_response()
            else:
                next(stream)
                assert otel.spans() == []
    span = otel.span()
    assert_client_span(span, f"chat {RESPONSES_MODEL}")
    if consume == "all":
        assert final is not None and final.output_text == "Hello! How can I help you today?"
        expected = responses_response("completed", "gpt-4.1-2025-04-14", 36, 87)
    else:  # only response.created seen: the in-progress snapshot, cut off
        expected = {
            "gen_ai.response.id": b.RESP_ID,
            "gen_ai.response.model": "gpt-4.1-2025-04-14",
            "gen_ai.response.finish_reasons": ("error",),
        }
    attrs = span_attrs(span, streamed=True)
    if consume != "all":
        # the in-progress snapshot's service_tier is the requested "auto", not a tier served; not asserted
        attrs.pop("openai.response.service_tier", None)
    assert attrs == {**responses_start(True), **expected}


# --- embeddings -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "wire", "expected"),
    [
        pytest.param(None, "base64", {}, id="not-passed"),  # the SDK asks base64 and decodes itself
        pytest.param("float", "float", {"gen_ai.request.encoding_formats": ("float",)}, id="float"),
        pytest.param("base64", "base64", {"gen_ai.request.encoding_formats": ("base64",)}, id="base64"),
    ],
)
async def test_embeddings(otel, asynchronous, encoding, wire, expected):
    body = b.embeddings(wire, count=2)
    params: dict[str, Any] = {"model": b.EMBEDDING_MODEL, "input": ["Hello", "World"]}
    if encoding:
        params["encoding_format"] = encoding
    with uninstrumented(otel):
        expected_result = await call(
            Mode(asynchronous, False),
            client_for(asynchronous, Replay(Reply(json_body=body))),
            "embeddings.create",
            **params,
        )
    replay = Replay(Reply(json_body=body, headers=b.HEADERS))
    result = await call(
        Mode(asynchronous, False), client_for(asynchronous, replay), "embeddings.create", **params
    )
    assert result == expected_result
    assert replay.bodies[0]["encoding_format"] == wire

    span = otel.span()
    assert_client_span(span, f"embeddings {b.EMBEDDING_MODEL}")
    assert dict(span.attributes) == {
        "gen_ai.operation.name": "embeddings",
        **OPENAI_SERVER,
        "gen_ai.request.model": b.EMBEDDING_MODEL,
        **expected,
        "gen_ai.response.model": b.EMBEDDING_MODEL,
        "gen_ai.embeddings.dimension.count": b.DIMENSIONS,
        "gen_ai.usage.input_tokens": 10,
    }

    attrs = {
        "gen_ai.operation.name": "embeddings",
        **OPENAI_SERVER,
        "gen_ai.request.model": b.EMBEDDING_MODEL,
        "gen_ai.response.model": b.EMBEDDING_MODEL,
    }
    assert metric_names(otel) == {EMB_DURATION, EMB_INPUT}  # and none of the inference metrics
    duration = one_point(otel, EMB_DURATION)
    assert (dict(duration.attributes), duration.count, tuple(duration.explicit_bounds)) == (
        attrs,
        1,
        DURATION_BUCKETS,
    )
    tokens = one_point(otel, EMB_INPUT)
    assert (dict(tokens.attributes), tokens.sum, tuple(tokens.explicit_bounds)) == (attrs, 10, TOKEN_BUCKETS)


# --- legacy completions -----------------------------------------------------------------------------------


LEGACY_CASES = [
    pytest.param(Mode(a, s), u, id=f"{Mode(a, s)}{'' if u else '-no-usage'}")
    for a in (False, True)
    for s, u in ((False, True), (True, True), (True, False))  # a plain completion always has usage
]


@pytest.mark.parametrize(("mode", "include_usage"), LEGACY_CASES)
async def test_legacy_completions(otel, mode, include_usage):
    params: dict[str, Any] = {
        "model": b.INSTRUCT_MODEL,
        "prompt": "Say this is a test",
        "max_tokens": 7,
        "temperature": 0,
    }
    if mode.stream:
        reply = Reply(sse=b.completion_stream(include_usage), headers=b.HEADERS)
        if include_usage:
            params["stream_options"] = {"include_usage": True}
    else:
        reply = Reply(json_body=b.completion(), headers=b.HEADERS)
    with uninstrumented(otel):
        expected = await call(
            mode, client_for(mode.asynchronous, Replay(reply)), "completions.create", **params
        )
    result = await call(mode, client_for(mode.asynchronous, Replay(reply)), "completions.create", **params)
    assert result == expected

    span = otel.span()
    assert_client_span(span, f"text_completion {b.INSTRUCT_MODEL}")
    attrs = {
        "gen_ai.operation.name": "text_completion",
        **OPENAI_SERVER,
        "gen_ai.request.model": b.INSTRUCT_MODEL,
        "gen_ai.request.max_tokens": 7,
        "gen_ai.request.temperature": 0.0,
        "gen_ai.response.id": b.COMPLETION_ID,
        "gen_ai.response.model": b.INSTRUCT_RESPONSE_MODEL,
        "gen_ai.response.finish_reasons": ("length",),
    }
    if include_usage:
        attrs.update({"gen_ai.usage.input_tokens": 5, "gen_ai.usage.output_tokens": 7})
    if mode.stream:
        attrs["gen_ai.request.stream"] = True
    assert span_attrs(span, mode.stream) == attrs  # no openai.api.type: semconv has no value for it
    metric = {
        "gen_ai.operation.name": "text_completion",
        **OPENAI_SERVER,
        "gen_ai.request.model": b.INSTRUCT_MODEL,
        "gen_ai.response.model": b.INSTRUCT_RESPONSE_MODEL,
    }
    assert dict(one_point(otel, LATEST_DURATION).attributes) == metric
    assert one_point(otel, OP_OUTPUT).sum == (7 if include_usage else 0)


# --- with_raw_response ------------------------------------------------------------------------------------


async def test_with_raw_response(otel, mode):
    body = b.chat_completion()

    async def raw_call() -> tuple[Any, Any, Any]:
        client = client_for(mode.asynchronous, Replay(chat_reply(mode, body)))
        create = client.chat.completions.with_raw_response.create
        params = chat_params(mode)
        raw = create(**params, stream=True) if mode.stream else create(**params)
        if mode.asynchronous:
            raw = await raw
        assert isinstance(raw, openai._legacy_response.LegacyAPIResponse)
        parsed = raw.parse()
        assert raw.parse() is parsed  # cached by the SDK, also for the proxied stream
        if not mode.stream:
            return raw, parsed, parsed.model_dump()
        if mode.asynchronous:
            assert isinstance(parsed, openai.AsyncStream)
            return raw, parsed, [c.model_dump() async for c in parsed]
        assert isinstance(parsed, openai.Stream)
        return raw, parsed, [c.model_dump() for c in parsed]

    with uninstrumented(otel):
        expected_raw, _, expected = await raw_call()
    raw, _, result = await raw_call()
    assert result == expected
    assert dict(raw.headers) == dict(expected_raw.headers)
    assert raw.headers["x-request-id"] == "req_0123456789abcdef"
    assert raw.status_code == 200

    span = otel.span()  # the stream from raw.parse() was observed: usage and ttfc
    assert_client_span(span, f"chat {b.MODEL}")
    assert span_attrs(span, mode.stream) == {**chat_start(mode.stream), **chat_response()}


async def test_with_streaming_response_is_observed(otel, mode):
    client = client_for(mode.asynchronous, Replay(chat_reply(mode, b.chat_completion())))
    create = client.chat.completions.with_streaming_response.create
    params = {**chat_params(mode), **({"stream": True} if mode.stream else {})}
    if mode.asynchronous:
        async with create(**params) as response:
            assert otel.spans() == []  # the body has not been read yet
            parsed = await response.parse()
            if mode.stream:
                _ = [chunk async for chunk in parsed]
    else:
        with create(**params) as response:
            assert otel.spans() == []
            parsed = response.parse()
            if mode.stream:
                _ = list(parsed)
    assert span_attrs(otel.span(), mode.stream) == {**chat_start(mode.stream), **chat_response()}


async def test_parse_length_limit_still_reports_the_billed_usage(otel, asynchronous):
    message = {"role": "assistant", "content": '{"city":"Par', "refusal": None, "annotations": []}
    choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": "length"}
    body = b.chat_completion([choice], b.chat_usage(42, 16))
    client = client_for(asynchronous, Replay(Reply(json_body=body, headers=b.HEADERS)))
    exc = await capture_error(
        call(
            Mode(asynchronous, False),
            client,
            "chat.completions.parse",
            model=b.MODEL,
            messages=HELLO,
            response_format=Weather,
            max_completion_tokens=16,
        )
    )
    assert type(exc) is openai.LengthFinishReasonError
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    expected = {
        **chat_start(False, **{"gen_ai.output.type": "json", "gen_ai.request.max_tokens": 16}),
        **chat_response("length", tokens=usage(42, 16)),
        "error.type": "openai.LengthFinishReasonError",
    }
    assert dict(span.attributes) == expected


def test_raw_parse_length_limit_fails_the_span_when_the_caller_parses(otel):
    message = {"role": "assistant", "content": '{"city":"Par', "refusal": None, "annotations": []}
    choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": "length"}
    body = b.chat_completion([choice], b.chat_usage(42, 16))
    client = client_for(False, Replay(Reply(json_body=body, headers=b.HEADERS)))
    raw = client.chat.completions.with_raw_response.parse(
        model=b.MODEL, messages=HELLO, response_format=Weather
    )
    assert raw.headers["openai-processing-ms"] == b.HEADERS["openai-processing-ms"]
    assert otel.spans() == []  # the outcome is known only when the caller parses
    with pytest.raises(openai.LengthFinishReasonError):
        raw.parse()
    span = otel.span()
    assert span.attributes["error.type"] == "openai.LengthFinishReasonError"
    assert (span.attributes["gen_ai.usage.input_tokens"], span.attributes["gen_ai.usage.output_tokens"]) == (
        42,
        16,
    )


# --- provider and server from the base URL ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "provider", "address", "port", "url"),
    [
        pytest.param(
            {"base_url": "https://myres.openai.azure.com/openai/v1"},
            "azure.ai.openai",
            "myres.openai.azure.com",
            443,
            "https://myres.openai.azure.com/openai/v1/chat/completions",
            id="azure-v1",
        ),
        pytest.param(
            {"base_url": "https://api.deepseek.com"},
            "deepseek",
            "api.deepseek.com",
            443,
            "https://api.deepseek.com/chat/completions",
            id="deepseek",
        ),
        pytest.param(
            {"base_url": "https://api.groq.com/openai/v1"},
            "groq",
            "api.groq.com",
            443,
            "https://api.groq.com/openai/v1/chat/completions",
            id="groq",
        ),
        pytest.param(
            {"base_url": "http://localhost:11434/v1", "api_key": "ollama"},
            "ollama",
            "localhost",
            11434,
            "http://localhost:11434/v1/chat/completions",
            id="ollama",
        ),
        pytest.param(
            {"base_url": "http://10.0.0.7:9000/v1"},
            "openai",
            "10.0.0.7",
            9000,
            "http://10.0.0.7:9000/v1/chat/completions",
            id="unknown-host",
        ),
    ],
)
async def test_provider_and_server_from_the_base_url(otel, mode, options, provider, address, port, url):
    replay = Replay(chat_reply(mode, b.chat_completion()))
    client = client_for(mode.asynchronous, replay, **options)
    await call(mode, client, "chat.completions.create", **chat_params(mode))
    assert str(replay.requests[0].url) == url

    server = {"gen_ai.provider.name": provider, "server.address": address, "server.port": port}
    attrs = span_attrs(otel.span(), mode.stream)
    assert {k: attrs[k] for k in server} == server
    assert dict(one_point(otel, LATEST_DURATION).attributes) == {**served_metric_attrs(), **server}


async def test_azure_client_is_azure_openai(otel, asynchronous):
    replay = Replay(Reply(json_body=b.chat_completion(), headers=b.HEADERS))
    options = {
        "azure_endpoint": "https://myres.openai.azure.com",
        "api_version": "2024-10-21",
        "api_key": API_KEY,
        "http_client": replay.async_client() if asynchronous else replay.sync_client(),
        "max_retries": 0,
    }
    client = openai.AsyncAzureOpenAI(**options) if asynchronous else openai.AzureOpenAI(**options)
    await call(
        Mode(asynchronous, False),
        client,
        "chat.completions.create",
        model="gpt-4o-mini-deploy",
        messages=HELLO,
    )
    assert replay.requests[0].url.path == "/openai/deployments/gpt-4o-mini-deploy/chat/completions"
    attrs = dict(otel.span().attributes)
    server = {
        "gen_ai.provider.name": "azure.ai.openai",
        "server.address": "myres.openai.azure.com",
        "server.port": 443,
    }
    assert {k: attrs[k] for k in server} == server


# --- sampling -----------------------------------------------------------------------------------------------


SAMPLING_KEYS = (
    "gen_ai.operation.name",
    "gen_ai.provider.name",
    "gen_ai.request.model",
    "server.address",
    "server.port",
)


async def test_sampling_relevant_attributes_are_given_at_span_start(otel, mode):
    sampler = RecordingSampler()
    _, exporter = instrument_with_sampler(otel, sampler)
    await run_chat(otel, mode, temperature=0.3)
    start = chat_start(mode.stream, **{"gen_ai.request.temperature": 0.3})
    assert sampler.seen == [(f"chat {b.MODEL}", SpanKind.CLIENT, start)]
    assert set(SAMPLING_KEYS) <= sampler.seen[0][2].keys()
    assert len(exporter.get_finished_spans()) == 1


async def test_a_dropped_span_still_returns_the_result_and_records_metrics(otel, mode):
    with uninstrumented(otel):
        expected, _ = await run_chat(otel, mode)
    _, exporter = instrument_with_sampler(otel, RecordingSampler(Decision.DROP))
    result, _ = await run_chat(otel, mode)
    assert result == expected
    assert exporter.get_finished_spans() == ()
    assert one_point(otel, LATEST_DURATION).count == 1


# --- metrics ------------------------------------------------------------------------------------------------


def reasoning_metric_attrs() -> dict[str, Any]:
    """Metric attributes of a call made with ``REASONING_PARAMS`` answered by ``REASONING_BODY``."""
    return {**served_metric_attrs("o4-mini-2025-04-16"), "gen_ai.request.model": "o4-mini"}


REASONING_BODY = b.chat_completion_cached_reasoning()  # 2006 in (1920 cached), 300 out (192 reasoning)
REASONING_PARAMS = {"model": "o4-mini"}


async def test_latest_metrics(otel, mode):
    body = REASONING_BODY
    await run_chat(otel, mode, body, **REASONING_PARAMS)
    attrs = reasoning_metric_attrs()
    expected_names = {
        LATEST_DURATION,
        USAGE_INPUT,
        USAGE_OUTPUT,
        USAGE_CACHE_READ,
        USAGE_REASONING,
        OP_INPUT,
        OP_OUTPUT,
    }
    if mode.stream:
        expected_names |= LATEST_STREAM
    assert metric_names(otel) == expected_names  # no cache_write: the provider reported none

    duration = one_point(otel, LATEST_DURATION)
    span = otel.span()
    assert dict(duration.attributes) == attrs
    assert duration.count == 1
    assert 0 < duration.sum <= (span.end_time - span.start_time) / 1e9
    assert tuple(duration.explicit_bounds) == DURATION_BUCKETS
    for name, value in ((OP_INPUT, 2006), (OP_OUTPUT, 300)):
        point = one_point(otel, name)
        assert (dict(point.attributes), point.count, point.sum) == (attrs, 1, value)
        assert tuple(point.explicit_bounds) == TOKEN_BUCKETS
    for name, value in (
        (USAGE_INPUT, 2006),
        (USAGE_OUTPUT, 300),
        (USAGE_CACHE_READ, 1920),
        (USAGE_REASONING, 192),
    ):
        assert by_attr(otel, name, "gen_ai.token.modality") == {"unknown": (value, attrs)}, name

    if mode.stream:
        chunks = frames(chat_sse(body, include_usage=True))
        ttfc = one_point(otel, LATEST_TTFC)
        assert (dict(ttfc.attributes), ttfc.count) == (attrs, 1)
        assert ttfc.sum == span.attributes["gen_ai.response.time_to_first_chunk"]
        assert tuple(ttfc.explicit_bounds) == DURATION_BUCKETS
        tpoc = one_point(otel, LATEST_TPOC)
        assert (dict(tpoc.attributes), tpoc.count) == (attrs, chunks - 1)  # N chunks, N-1 gaps
        assert tuple(tpoc.explicit_bounds) == DURATION_BUCKETS


async def test_stream_without_usage_records_zero_tokens_of_unknown_modality(otel, asynchronous):
    await run_chat(otel, Mode(asynchronous, True), include_usage=False)
    attrs = served_metric_attrs()
    assert (
        metric_names(otel)
        == {LATEST_DURATION, USAGE_INPUT, USAGE_OUTPUT, OP_INPUT, OP_OUTPUT} | LATEST_STREAM
    )
    for name in (USAGE_INPUT, USAGE_OUTPUT):
        assert by_attr(otel, name, "gen_ai.token.modality") == {"unknown": (0, attrs)}
    for name in (OP_INPUT, OP_OUTPUT):
        assert (one_point(otel, name).sum, one_point(otel, name).count) == (0, 1)
    chunks = frames(chat_sse(b.chat_completion(), include_usage=False))
    assert one_point(otel, LATEST_TPOC).count == chunks - 1


def assert_legacy_metrics(otel: Any, mode: Mode) -> None:
    attrs = reasoning_metric_attrs()
    duration = one_point(otel, LEGACY_DURATION)
    assert (dict(duration.attributes), duration.count) == (attrs, 1)
    assert tuple(duration.explicit_bounds) == DURATION_BUCKETS
    assert by_attr(otel, LEGACY_TOKENS, "gen_ai.token.type") == {
        "input": (2006, attrs),
        "output": (300, attrs),
    }
    assert all(tuple(p.explicit_bounds) == TOKEN_BUCKETS for p in points(otel, LEGACY_TOKENS))
    if mode.stream:
        chunks = frames(chat_sse(REASONING_BODY, include_usage=True))
        ttfc, tpoc = one_point(otel, LEGACY_TTFC), one_point(otel, LEGACY_TPOC)
        assert (dict(ttfc.attributes), ttfc.count) == (attrs, 1)
        assert (dict(tpoc.attributes), tpoc.count) == (attrs, chunks - 1)
        assert all(tuple(p.explicit_bounds) == DURATION_BUCKETS for p in (ttfc, tpoc))


async def test_legacy_metrics(otel, mode):
    otel.instrument(semconv="legacy")
    await run_chat(otel, mode, REASONING_BODY, **REASONING_PARAMS)
    assert metric_names(otel) == {LEGACY_DURATION, LEGACY_TOKENS} | (LEGACY_STREAM if mode.stream else set())
    assert_legacy_metrics(otel, mode)


async def test_both_metric_sets(otel, mode):
    otel.instrument(semconv="both")
    await run_chat(otel, mode, REASONING_BODY, **REASONING_PARAMS)
    latest = {
        LATEST_DURATION,
        USAGE_INPUT,
        USAGE_OUTPUT,
        USAGE_CACHE_READ,
        USAGE_REASONING,
        OP_INPUT,
        OP_OUTPUT,
    }
    legacy = {LEGACY_DURATION, LEGACY_TOKENS}
    if mode.stream:
        latest |= LATEST_STREAM
        legacy |= LEGACY_STREAM
    assert metric_names(otel) == latest | legacy
    assert_legacy_metrics(otel, mode)
    assert dict(one_point(otel, LATEST_DURATION).attributes) == reasoning_metric_attrs()
    assert by_attr(otel, USAGE_INPUT, "gen_ai.token.modality") == {
        "unknown": (2006, reasoning_metric_attrs())
    }


@pytest.mark.parametrize("semconv", ["legacy", "both"])
async def test_embeddings_legacy_metrics(otel, asynchronous, semconv):
    otel.instrument(semconv=semconv)
    client = client_for(asynchronous, Replay(Reply(json_body=b.embeddings("base64"))))
    await call(Mode(asynchronous, False), client, "embeddings.create", model=b.EMBEDDING_MODEL, input="Hello")
    attrs = {
        "gen_ai.operation.name": "embeddings",
        **OPENAI_SERVER,
        "gen_ai.request.model": b.EMBEDDING_MODEL,
        "gen_ai.response.model": b.EMBEDDING_MODEL,
    }
    expected = {LEGACY_DURATION, LEGACY_TOKENS} | ({EMB_DURATION, EMB_INPUT} if semconv == "both" else set())
    assert metric_names(otel) == expected
    assert by_attr(otel, LEGACY_TOKENS, "gen_ai.token.type") == {"input": (5, attrs)}


# --- failures -----------------------------------------------------------------------------------------------


ERRORS = [
    pytest.param(404, b.model_not_found(), openai.NotFoundError, id="404"),
    pytest.param(429, b.rate_limited(), openai.RateLimitError, id="429"),
]


async def capture_error(coro: Any) -> BaseException:
    try:
        await coro
    except Exception as exc:
        return exc
    raise AssertionError("no exception")


def assert_failed_call(otel: Any, mode: Mode, error_type: str, message: str, **metric_extra: Any) -> None:
    span = otel.span()
    assert span.name == f"chat {b.MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == message
    assert dict(span.attributes) == {**chat_start(mode.stream), "error.type": error_type}
    assert [e.name for e in span.events] == ["exception"]
    assert span.events[0].attributes["exception.type"] == error_type

    attrs = metric_attrs(**metric_extra)
    duration = one_point(otel, LATEST_DURATION)
    assert (dict(duration.attributes), duration.count) == ({**attrs, "error.type": error_type}, 1)
    for name in (OP_INPUT, OP_OUTPUT):
        point = one_point(otel, name)
        assert (dict(point.attributes), point.sum) == ({**attrs, "error.type": error_type}, 0)
    for name in (USAGE_INPUT, USAGE_OUTPUT):
        assert by_attr(otel, name, "gen_ai.token.modality") == {"unknown": (0, attrs)}
    assert metric_names(otel) == {LATEST_DURATION, USAGE_INPUT, USAGE_OUTPUT, OP_INPUT, OP_OUTPUT}


@pytest.mark.parametrize(("status", "body", "exc_type"), ERRORS)
async def test_http_error_is_reraised_unchanged_and_recorded(otel, mode, status, body, exc_type):
    reply = Reply(status=status, json_body=body, headers=b.HEADERS)
    with uninstrumented(otel):
        expected = await capture_error(
            call(
                mode,
                client_for(mode.asynchronous, Replay(reply)),
                "chat.completions.create",
                **chat_params(mode),
            )
        )
    exc = await capture_error(
        call(
            mode, client_for(mode.asynchronous, Replay(reply)), "chat.completions.create", **chat_params(mode)
        )
    )
    assert type(exc) is type(expected) is exc_type
    assert (str(exc), exc.status_code, exc.body, exc.code, exc.request_id) == (
        str(expected),
        status,
        body["error"],
        body["error"]["code"],
        expected.request_id,
    )
    error_type = f"openai.{exc_type.__name__}"
    assert_failed_call(otel, mode, error_type, str(exc))


async def test_connection_error_is_reraised_unchanged_and_recorded(otel, mode):
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("[Errno 111] Connection refused", request=request)

    def client() -> Any:
        if mode.asynchronous:
            http = httpx2.AsyncClient(transport=httpx2.MockTransport(refuse))
            return openai.AsyncOpenAI(api_key=API_KEY, http_client=http, max_retries=0)
        http = httpx2.Client(transport=httpx2.MockTransport(refuse))
        return openai.OpenAI(api_key=API_KEY, http_client=http, max_retries=0)

    with uninstrumented(otel):
        expected = await capture_error(call(mode, client(), "chat.completions.create", **chat_params(mode)))
    exc = await capture_error(call(mode, client(), "chat.completions.create", **chat_params(mode)))
    assert type(exc) is type(expected) is openai.APIConnectionError
    assert str(exc) == str(expected) == "Connection error."
    assert type(exc.__cause__) is httpx2.ConnectError
    assert_failed_call(otel, mode, "openai.APIConnectionError", "Connection error.")


@pytest.mark.parametrize("semconv", ["latest", "legacy"])
async def test_embeddings_failure(otel, asynchronous, semconv):
    otel.instrument(semconv=semconv)
    reply = Reply(status=404, json_body=b.model_not_found(), headers=b.HEADERS)
    client = client_for(asynchronous, Replay(reply))
    exc = await capture_error(
        call(Mode(asynchronous, False), client, "embeddings.create", model="gpt-9", input="Hello")
    )
    assert type(exc) is openai.NotFoundError
    span = otel.span()
    assert (span.name, span.status.status_code) == ("embeddings gpt-9", StatusCode.ERROR)
    attrs = {"gen_ai.operation.name": "embeddings", **OPENAI_SERVER, "gen_ai.request.model": "gpt-9"}
    assert dict(span.attributes) == {**attrs, "error.type": "openai.NotFoundError"}
    if semconv == "latest":
        assert metric_names(otel) == {EMB_DURATION, EMB_INPUT}
        assert dict(one_point(otel, EMB_DURATION).attributes) == {
            **attrs,
            "error.type": "openai.NotFoundError",
        }
        tokens = one_point(otel, EMB_INPUT)
        assert (dict(tokens.attributes), tokens.sum) == (attrs, 0)
    else:
        assert metric_names(otel) == {LEGACY_DURATION}
        assert dict(one_point(otel, LEGACY_DURATION).attributes) == {
            **attrs,
            "error.type": "openai.NotFoundError",
        }


async def test_failure_with_legacy_metrics(otel, mode):
    otel.instrument(semconv="legacy")
    reply = Reply(status=429, json_body=b.rate_limited(), headers=b.HEADERS)
    exc = await capture_error(
        call(
            mode, client_for(mode.asynchronous, Replay(reply)), "chat.completions.create", **chat_params(mode)
        )
    )
    assert type(exc) is openai.RateLimitError
    assert metric_names(otel) == {LEGACY_DURATION}  # no usage came back; the legacy set records none
    duration = one_point(otel, LEGACY_DURATION)
    assert dict(duration.attributes) == metric_attrs(**{"error.type": "openai.RateLimitError"})


# --- context ------------------------------------------------------------------------------------------------


async def test_llm_span_is_a_child_of_the_app_span_and_context_is_restored(otel, mode):
    seen_at_transport: list[Any] = []
    replay = Replay(chat_reply(mode, b.chat_completion()))
    handler = replay.handler

    def spy(request: httpx2.Request) -> httpx2.Response:
        seen_at_transport.append(trace.get_current_span())
        return handler(request)

    replay.handler = spy  # type: ignore[method-assign]
    client = client_for(mode.asynchronous, replay)
    tracer = otel.tracer_provider.get_tracer("app")
    with tracer.start_as_current_span("handle request") as app_span:
        method = client.chat.completions.create
        if mode.stream:
            stream = method(**chat_params(mode), stream=True)
            if mode.asynchronous:
                stream = await stream
                async for _ in stream:
                    assert trace.get_current_span() is app_span  # nothing attached across chunks
            else:
                for _ in stream:
                    assert trace.get_current_span() is app_span
        else:
            result = method(**chat_params(mode))
            if mode.asynchronous:
                await result
        assert trace.get_current_span() is app_span

    llm, app = otel.spans()
    assert (llm.name, app.name) == (f"chat {b.MODEL}", "handle request")
    assert llm.parent is not None and llm.parent.span_id == app.context.span_id
    assert llm.context.trace_id == app.context.trace_id
    # the SDK's own HTTP call ran with the LLM span current (so an HTTP instrumentation nests under it)
    assert [s.get_span_context().span_id for s in seen_at_transport] == [llm.context.span_id]
    assert trace.get_current_span() is trace.INVALID_SPAN

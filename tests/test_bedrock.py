"""End to end through the real, unmodified boto3 ``bedrock-runtime`` client.

The network is replayed at botocore's own transport hook: a ``before-send`` handler answers
each signed request with an ``AWSResponse`` holding the real response bytes (JSON bodies, or
``application/vnd.amazon.eventstream`` frames), so botocore's real parsers, ``StreamingBody``
and ``EventStream`` run. boto3 has no async client (aiobotocore is a separate fork), so the
matrix is {Converse, ConverseStream} plus InvokeModel / InvokeModelWithResponseStream per model
family.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.client
import botocore.endpoint
import pytest
import urllib3.exceptions
import wrapt
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError, ResponseStreamingError
from opentelemetry.trace import SpanKind, StatusCode

import genai_otel
from bodies import bedrock_bodies as B
from requires import missing
from sampling import RecordingSampler, instrument_with_sampler
from spans import span_attrs

#: Obviously fake credentials, shaped like real ones so a leak would be recognisable.
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "test-secret-not-real-wJalrXUtnFEMI/K7MDENG"
SESSION_TOKEN = "FQoGZXIvYXdzEFAKE-test-session-token-not-real"
SESSION = boto3.session.Session(
    aws_access_key_id=ACCESS_KEY,
    aws_secret_access_key=SECRET_KEY,
    aws_session_token=SESSION_TOKEN,
    region_name=B.REGION,
)
USER = [{"role": "user", "content": [{"text": "Hello"}]}]
PARAMS: dict[str, Any] = {"modelId": B.MODEL, "messages": USER}
SPAN_NAME = f"chat {B.MODEL}"
CONTENT_KEYS = (
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.definitions",
)


# --- replay at botocore's transport hook ---------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    json_body: Any = None
    events: list[bytes] | None = None  # event-stream frames, sent one per network read
    headers: dict[str, str] = field(default_factory=lambda: dict(B.HEADERS))
    fail_read: Exception | None = None  # the body read fails (a connection cut mid-body)


class _Raw:
    """The urllib3 response botocore reads: ``stream()`` for event streams and error bodies,
    ``read()`` for ``StreamingBody``."""

    def __init__(self, parts: list[bytes], fail: Exception | None) -> None:
        self._parts = parts
        self._fail = fail
        self.closed = False

    def stream(self, **_: Any) -> Iterator[bytes]:
        while self._parts:
            yield self._parts.pop(0)

    def read(self, amt: int | None = None) -> bytes:
        if self._fail is not None:
            raise self._fail
        data = b"".join(self._parts)
        self._parts = [data[amt:]] if amt is not None and data[amt:] else []
        return data[:amt] if amt is not None else data

    def close(self) -> None:
        self.closed = True


class Replay:
    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[Any] = []

    def handler(self, request: Any, **_: Any) -> AWSResponse:
        self.requests.append(request)
        assert self.replies, f"unexpected request {request.method} {request.url}"
        reply = self.replies.pop(0)
        parts = reply.events if reply.events is not None else [json.dumps(reply.json_body).encode()]
        return AWSResponse(request.url, reply.status, reply.headers, _Raw(list(parts), reply.fail_read))

    def client(self, service: str = "bedrock-runtime", attempts: int = 1) -> Any:
        client = SESSION.client(service, config=Config(retries={"total_max_attempts": attempts}))
        client.meta.events.register(f"before-send.{service}", self.handler)
        return client

    @property
    def bodies(self) -> list[Any]:
        return [json.loads(r.body) if r.body else None for r in self.requests]


def converse_reply(stream: bool, body: dict[str, Any]) -> Reply:
    if stream:
        return Reply(events=B.converse_stream(body), headers=dict(B.STREAM_HEADERS))
    return Reply(json_body=body)


def call(client: Any, stream: bool, **params: Any) -> Any:
    """One Converse call read to the end; what the caller got, as plain data."""
    if not stream:
        return client.converse(**params)
    result = client.converse_stream(**params)
    return {**result, "stream": list(result["stream"])}


def run(stream: bool, body: dict[str, Any] = B.TEXT, **params: Any) -> Any:
    replay = Replay(converse_reply(stream, body))
    return call(replay.client(), stream, **(params or PARAMS))


@pytest.fixture(params=[False, True], ids=["converse", "converse_stream"])
def stream(request: pytest.FixtureRequest) -> bool:
    return request.param


def uninstrumented(otel: Any, fn: Any, **settings: Any) -> Any:
    """``fn()`` run without genai_otel, then instrumented again with ``settings``."""
    genai_otel.uninstrument()
    try:
        return fn()
    finally:
        otel.instrument(**settings)


# --- expectations ---------------------------------------------------------------------------------------


def start_attrs(stream: bool, model: str = B.MODEL, operation: str = "chat", **extra: Any) -> dict[str, Any]:
    attrs = {
        "gen_ai.operation.name": operation,
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": model,
        "server.address": B.HOST,
        "server.port": 443,
    }
    if stream:
        attrs["gen_ai.request.stream"] = True
    return {**attrs, **extra}


def response_attrs(stream: bool, body: dict[str, Any], input_tokens: int, **extra: Any) -> dict[str, Any]:
    usage = body["usage"]
    attrs = {
        "gen_ai.response.finish_reasons": (body["stopReason"],),
        "gen_ai.usage.input_tokens": input_tokens,
        "gen_ai.usage.output_tokens": usage["outputTokens"],
        **extra,
    }
    if "cacheReadInputTokens" in usage:
        attrs["gen_ai.usage.cache_read.input_tokens"] = usage["cacheReadInputTokens"]
        attrs["gen_ai.usage.cache_write.input_tokens"] = usage["cacheWriteInputTokens"]
    if not stream:  # a stream's events never carry the HTTP request id
        attrs["aws.request_id"] = B.REQUEST_ID
    return attrs


def metric_attrs(**extra: Any) -> dict[str, Any]:
    return {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": B.MODEL,
        "server.address": B.HOST,
        "server.port": 443,
        **extra,
    }


def one_point(otel: Any, name: str) -> Any:
    points = otel.metrics().get(name, [])
    assert len(points) == 1, (name, [dict(p.attributes) for p in points])
    return points[0]


def all_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from all_strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from all_strings(v)
    elif value is not None:
        yield str(value)


# --- Converse / ConverseStream ----------------------------------------------------------------------------


def test_one_client_span_with_exactly_the_semconv_attributes(otel, stream):
    result = run(stream)
    assert result["ResponseMetadata"]["RequestId"] == B.REQUEST_ID
    span = otel.span()
    assert span.name == SPAN_NAME
    assert span.kind is SpanKind.CLIENT
    assert span.instrumentation_scope.name == "genai_otel"
    assert span.status.status_code is StatusCode.UNSET
    assert span.events == ()
    assert span_attrs(span, stream) == {**start_attrs(stream), **response_attrs(stream, B.TEXT, 12)}


def test_result_is_what_the_uninstrumented_sdk_returns(otel, stream):
    expected = uninstrumented(otel, lambda: run(stream, B.TOOL_USE))
    assert otel.spans() == []
    result = run(stream, B.TOOL_USE)
    assert result == expected
    assert type(result) is dict
    assert [s.name for s in otel.spans()] == [SPAN_NAME]


def test_the_stream_is_botocores_event_stream_in_a_new_dict(otel):
    replay = Replay(converse_reply(True, B.TEXT))
    result = replay.client().converse_stream(**PARAMS)
    assert isinstance(result["stream"], botocore.eventstream.EventStream)  # the proxy keeps isinstance
    assert otel.spans() == []  # ends when the stream does
    assert [e for e in result["stream"] if "messageStop" in e] == [
        {"messageStop": {"stopReason": "end_turn"}}
    ]
    assert len(otel.spans()) == 1


@pytest.mark.parametrize(
    ("body", "input_tokens"),
    [
        pytest.param(B.TEXT, 12, id="text"),
        # Converse's inputTokens leaves the cache out; semconv's includes it: 21 + 2048 + 188
        pytest.param(B.CACHED, 2257, id="cache"),
        pytest.param(B.TOOL_USE, 384, id="tool_use"),
        pytest.param(B.REASONING, 45, id="reasoning"),
    ],
)
def test_response_attributes_and_usage(otel, stream, body, input_tokens):
    run(stream, body)
    assert span_attrs(otel.span(), stream) == {
        **start_attrs(stream),
        **response_attrs(stream, body, input_tokens),
    }


def test_request_parameters_only_when_passed(otel, stream):
    params = {
        **PARAMS,
        "inferenceConfig": {"maxTokens": 512, "temperature": 0.5, "topP": 0.9, "stopSequences": ["END"]},
        "additionalModelRequestFields": {"top_k": 40},
        "guardrailConfig": {"guardrailIdentifier": "gr-7x1kq0example", "guardrailVersion": "1"},
        "outputConfig": {
            "textFormat": {"type": "json_schema", "structure": {"jsonSchema": {"schema": "{}"}}}
        },
    }
    run(stream, B.TEXT, **params)
    attrs = span_attrs(otel.span(), stream)
    requested = {
        k: v for k, v in attrs.items() if k.startswith(("gen_ai.request.", "aws.bedrock.", "gen_ai.output"))
    }
    expected = {
        "gen_ai.request.model": B.MODEL,
        "gen_ai.request.max_tokens": 512,
        "gen_ai.request.temperature": 0.5,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.top_k": 40,
        "gen_ai.request.stop_sequences": ("END",),
        "gen_ai.output.type": "json",
        "aws.bedrock.guardrail.id": "gr-7x1kq0example",
    }
    if stream:
        expected["gen_ai.request.stream"] = True
    assert requested == expected
    run(stream, B.TEXT)  # nothing invented when nothing is passed
    attrs = span_attrs(otel.spans()[-1], stream)
    assert {k for k in attrs if k.startswith("gen_ai.request.")} == {"gen_ai.request.model"} | (
        {"gen_ai.request.stream"} if stream else set()
    )


def test_sampling_relevant_attributes_are_given_at_span_start(otel, stream):
    sampler = RecordingSampler()
    _provider, exporter = instrument_with_sampler(otel, sampler)
    run(stream)
    [(name, kind, attrs)] = sampler.seen
    assert (name, kind) == (SPAN_NAME, SpanKind.CLIENT)
    assert dict(attrs) == start_attrs(stream)
    assert len(exporter.get_finished_spans()) == 1


def test_other_aws_calls_pass_through_untraced(otel):
    replay = Replay(Reply(json_body={"modelSummaries": []}), Reply(json_body={"inputTokens": 42}))
    control = replay.client("bedrock")  # the control plane: another service
    assert control.list_foundation_models()["modelSummaries"] == []
    runtime = Replay(Reply(json_body={"inputTokens": 42})).client()
    counted = runtime.count_tokens(modelId=B.MODEL, input={"converse": {"messages": USER}})
    assert counted["inputTokens"] == 42
    assert otel.spans() == []
    assert otel.metrics() == {}


def test_retries_are_inside_the_one_span(otel, stream, monkeypatch):
    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda seconds: None)
    throttled = Reply(status=429, json_body=B.THROTTLING, headers=B.error_headers("ThrottlingException"))
    replay = Replay(throttled, converse_reply(stream, B.TEXT))
    call(replay.client(attempts=2), stream, **PARAMS)
    assert len(replay.requests) == 2
    span = otel.span()
    assert span.status.status_code is StatusCode.UNSET
    assert span.attributes["gen_ai.usage.input_tokens"] == 12


# --- metrics ------------------------------------------------------------------------------------------------


def test_metrics_count_cached_tokens_as_input(otel, stream):
    run(stream, B.CACHED)
    metrics = otel.metrics()
    expected = {
        "gen_ai.client.inference.duration",
        "gen_ai.client.inference.usage.input_tokens",
        "gen_ai.client.inference.usage.output_tokens",
        "gen_ai.client.inference.usage.cache_read.input_tokens",
        "gen_ai.client.inference.usage.cache_write.input_tokens",
        "gen_ai.client.inference.operation.input_tokens",
        "gen_ai.client.inference.operation.output_tokens",
    }
    if stream:
        expected |= {
            "gen_ai.client.inference.time_to_first_chunk",
            "gen_ai.client.inference.time_per_output_chunk",
        }
    assert set(metrics) == expected
    assert dict(one_point(otel, "gen_ai.client.inference.duration").attributes) == metric_attrs()
    for name, tokens in (("input_tokens", 2257), ("output_tokens", 393)):
        point = one_point(otel, f"gen_ai.client.inference.operation.{name}")
        assert (point.count, point.sum) == (1, tokens)
    assert one_point(otel, "gen_ai.client.inference.usage.cache_read.input_tokens").value == 2048
    assert one_point(otel, "gen_ai.client.inference.usage.cache_write.input_tokens").value == 188
    if stream:
        [gaps] = metrics["gen_ai.client.inference.time_per_output_chunk"]
        assert gaps.count == B.converse_events(B.CACHED) - 1


# --- failures -----------------------------------------------------------------------------------------------


def raised(fn: Any) -> BaseException:
    try:
        fn()
    except Exception as exc:
        return exc
    raise AssertionError("the call did not raise")


def same_failure(exc: BaseException) -> tuple[Any, ...]:
    return type(exc), str(exc), getattr(exc, "response", None)


@pytest.mark.parametrize(
    ("status", "code", "body"),
    [(400, "ValidationException", B.VALIDATION), (429, "ThrottlingException", B.THROTTLING)],
    ids=["400", "429"],
)
def test_http_error(otel, stream, status, code, body):
    def attempt() -> Any:
        replay = Replay(Reply(status=status, json_body=body, headers=B.error_headers(code)))
        return call(replay.client(), stream, **PARAMS)

    expected = raised(lambda: uninstrumented(otel, attempt))
    exc = raised(attempt)
    assert isinstance(exc, ClientError) and exc.__class__.__name__ == code
    assert same_failure(exc) == same_failure(expected)

    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span_attrs(span, streamed=False) == {
        **start_attrs(stream),
        "error.type": code,
        "aws.request_id": B.REQUEST_ID,
    }
    [event] = span.events
    assert event.name == "exception"
    assert event.attributes["exception.message"] == str(exc)
    duration = one_point(otel, "gen_ai.client.inference.duration")
    assert dict(duration.attributes) == metric_attrs(**{"error.type": code})


def test_exception_event_mid_stream(otel):
    events = [
        *B.converse_stream(B.TEXT, stop=False),
        B.exception("modelStreamErrorException", B.MODEL_STREAM_ERROR),
    ]

    def attempt() -> Any:
        return call(Replay(Reply(events=events, headers=dict(B.STREAM_HEADERS))).client(), True, **PARAMS)

    expected = raised(lambda: uninstrumented(otel, attempt))
    exc = raised(attempt)
    assert type(exc) is EventStreamError
    assert same_failure(exc) == same_failure(expected)
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span_attrs(span, streamed=True) == {
        **start_attrs(True),
        "gen_ai.response.finish_reasons": ("error",),  # the message never said why it stopped
        "error.type": "modelStreamErrorException",
    }


def test_early_break_and_close_end_the_span(otel):
    result = Replay(converse_reply(True, B.TOOL_USE)).client().converse_stream(**PARAMS)
    for event in result["stream"]:
        assert "messageStart" in event
        break
    assert otel.spans() == []
    result["stream"].close()
    span = otel.span()
    assert span.status.status_code is StatusCode.UNSET
    assert span.attributes["gen_ai.response.finish_reasons"] == ("error",)  # cut before messageStop
    assert "gen_ai.usage.input_tokens" not in span.attributes


def test_a_dropped_stream_ends_its_span(otel):
    result = Replay(converse_reply(True, B.TEXT)).client().converse_stream(**PARAMS)
    next(iter(result["stream"]))
    del result
    gc.collect()
    assert otel.span().attributes["gen_ai.response.finish_reasons"] == ("error",)


# --- content ------------------------------------------------------------------------------------------------

IMAGE = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))
WEATHER_TOOL = {
    "toolSpec": {
        "name": "get_weather",
        "description": "Get the current weather in a given location",
        "inputSchema": {"json": {"type": "object", "properties": {"location": {"type": "string"}}}},
    }
}
CONTENT_PARAMS: dict[str, Any] = {
    "modelId": B.MODEL,
    "system": [{"text": "You are a weather assistant."}, {"cachePoint": {"type": "default"}}],
    "toolConfig": {"tools": [WEATHER_TOOL]},
    "messages": [
        {
            "role": "user",
            "content": [
                {"image": {"format": "png", "source": {"bytes": IMAGE}}},
                {
                    "document": {
                        "format": "pdf",
                        "name": "forecast",
                        "source": {"s3Location": {"uri": "s3://docs/f.pdf"}},
                    }
                },
                {"text": "Where was this taken, and what is the weather there?"},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {
                    "reasoningContent": {
                        "reasoningText": {"text": "The photo shows the Eiffel Tower.", "signature": "Eq"}
                    }
                },
                {
                    "toolUse": {
                        "toolUseId": "tooluse_1",
                        "name": "get_weather",
                        "input": {"location": "Paris"},
                    }
                },
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "toolResult": {
                        "toolUseId": "tooluse_1",
                        "content": [{"json": {"temperature_c": 18}}],
                        "status": "success",
                    }
                }
            ],
        },
    ],
}
EXPECTED_INPUT = [
    {
        "role": "user",
        "parts": [
            {
                "type": "blob",
                "modality": "image",
                "mime_type": "image/png",
                "size": len(IMAGE),
                "sha256": None,
            },
            {"type": "uri", "modality": "document", "uri": "s3://docs/f.pdf", "mime_type": "application/pdf"},
            {"type": "text", "content": "Where was this taken, and what is the weather there?"},
        ],
    },
    {
        "role": "assistant",
        "parts": [
            {"type": "reasoning", "content": "The photo shows the Eiffel Tower."},
            {
                "type": "tool_call",
                "id": "tooluse_1",
                "name": "get_weather",
                "arguments": {"location": "Paris"},
            },
        ],
    },
    {
        "role": "user",
        "parts": [{"type": "tool_call_response", "id": "tooluse_1", "response": {"temperature_c": 18}}],
    },
]
EXPECTED_OUTPUT = [
    {
        "role": "assistant",
        "parts": [
            {"type": "text", "content": "I'll check the current weather in Paris for you."},
            {
                "type": "tool_call",
                "id": B.TOOL_ID,
                "name": "get_weather",
                "arguments": {"location": "Paris, France"},
            },
        ],
        "finish_reason": "tool_call",  # tool_use (the span's), in the output-message schema's words
    }
]
EXPECTED_SYSTEM = [{"type": "text", "content": "You are a weather assistant."}]
EXPECTED_TOOLS = [
    {
        "type": "function",
        "name": "get_weather",
        "description": "Get the current weather in a given location",
        "parameters": WEATHER_TOOL["toolSpec"]["inputSchema"]["json"],
    }
]


def content_of(span: Any) -> dict[str, Any]:
    out = {key: json.loads(span.attributes[key]) for key in CONTENT_KEYS if key in span.attributes}
    for msg in out.get("gen_ai.input.messages", []):
        for part in msg["parts"]:
            if part["type"] == "blob":  # a placeholder, never the bytes
                assert "content" not in part and len(part["sha256"]) == 64
                part["sha256"] = None
    return out


def test_span_only_content(otel, stream):
    otel.instrument(capture_content="SPAN_ONLY")
    run(stream, B.TOOL_USE, **CONTENT_PARAMS)
    assert content_of(otel.span()) == {
        "gen_ai.input.messages": EXPECTED_INPUT,
        "gen_ai.output.messages": EXPECTED_OUTPUT,
        "gen_ai.system_instructions": EXPECTED_SYSTEM,
        "gen_ai.tool.definitions": EXPECTED_TOOLS,
    }
    assert otel.events() == []


@pytest.mark.parametrize(
    ("body", "schema"),
    [
        pytest.param(B.TEXT, "stop", id="end_turn"),
        pytest.param(B.TOOL_USE, "tool_call", id="tool_use"),
        pytest.param({**B.TEXT, "stopReason": "max_tokens"}, "length", id="max_tokens"),
        pytest.param({**B.TEXT, "stopReason": "guardrail_intervened"}, "content_filter", id="guardrail"),
    ],
)
def test_finish_reason_as_sent_on_the_span_and_the_schema_value_in_the_message(otel, stream, body, schema):
    otel.instrument(capture_content="SPAN_ONLY")
    run(stream, body)
    attrs = otel.span().attributes
    assert attrs["gen_ai.response.finish_reasons"] == (body["stopReason"],)  # Bedrock's, as sent
    [output] = json.loads(attrs["gen_ai.output.messages"])
    assert output["finish_reason"] == schema


def test_reasoning_output_is_captured(otel, stream):
    otel.instrument(capture_content="SPAN_ONLY")
    run(stream, B.REASONING)
    [out] = content_of(otel.span())["gen_ai.output.messages"]
    assert out["parts"] == [
        {"type": "reasoning", "content": "27 * 453 = 12231."},
        {"type": "text", "content": "27 × 453 = 12,231."},
    ]


def test_no_content_by_default(otel, stream, monkeypatch):
    monkeypatch.delenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", raising=False)
    otel.instrument()
    run(stream, B.TOOL_USE, **CONTENT_PARAMS)
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)
    assert otel.events() == []
    texts = " ".join(all_strings(dict(span.attributes)))
    assert "Eiffel" not in texts and "weather assistant" not in texts


def test_credentials_are_never_exported(otel, stream):
    otel.instrument(capture_content="SPAN_AND_EVENT")
    replay = Replay(converse_reply(stream, B.TEXT))
    call(replay.client(), stream, **PARAMS)
    sent = {k: v.decode() if isinstance(v, bytes) else v for k, v in replay.requests[0].headers.items()}
    assert ACCESS_KEY in sent["Authorization"] and sent["X-Amz-Security-Token"] == SESSION_TOKEN
    exported: list[str] = []
    for span in otel.spans():
        exported += [span.name, *all_strings(dict(span.attributes))]
        for event in span.events:
            exported += list(all_strings(dict(event.attributes)))
    for record in otel.events():
        exported += [str(record.body), *all_strings(dict(record.attributes or {}))]
    for points in otel.metrics().values():
        for point in points:
            exported += list(all_strings(dict(point.attributes)))
    assert otel.events()
    secrets = (
        ACCESS_KEY,
        SECRET_KEY,
        SESSION_TOKEN,
        sent["Authorization"],
        "Signature=",
        "X-Amz-Security-Token",
    )
    assert not [s for s in exported for secret in secrets if secret in s]


def test_uninstrument_restores_the_dispatcher(otel):
    assert isinstance(vars(botocore.client.BaseClient)["_make_api_call"], wrapt.FunctionWrapper)
    genai_otel.uninstrument()
    assert not isinstance(vars(botocore.client.BaseClient)["_make_api_call"], wrapt.ObjectProxy)
    run(False)
    assert otel.spans() == []


# --- InvokeModel, by model family ---------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    model: str
    request: dict[str, Any]
    response: dict[str, Any]
    headers: dict[str, str]
    expected: dict[str, Any]
    #: read from the body's shape: ``messages``/``message`` chat, ``prompt``/``inputText`` text
    operation: str = "chat"


ANTHROPIC_REQUEST = {
    "anthropic_version": "bedrock-2023-05-31",
    "max_tokens": 512,
    "temperature": 0.5,
    "top_k": 40,
    "stop_sequences": ["\n\nHuman:"],
    "system": "You are terse.",
    "messages": [{"role": "user", "content": "Hello"}],
}
FAMILIES = {
    "anthropic": Family(
        B.ANTHROPIC_MODEL,
        ANTHROPIC_REQUEST,
        B.ANTHROPIC,
        B.invoke_headers(9, 12),
        {
            "gen_ai.request.max_tokens": 512,
            "gen_ai.request.temperature": 0.5,
            "gen_ai.request.top_k": 40,
            "gen_ai.request.stop_sequences": ("\n\nHuman:",),
            "gen_ai.response.id": "msg_bdrk_01LZ8wXg5qTGRnq7ZbdW3hkt",
            "gen_ai.response.model": "claude-3-7-sonnet-20250219",
            "gen_ai.response.finish_reasons": ("end_turn",),
            # Anthropic's input_tokens leaves the cache out: 9 + 1024 + 120
            "gen_ai.usage.input_tokens": 1153,
            "gen_ai.usage.output_tokens": 12,
            "gen_ai.usage.cache_read.input_tokens": 1024,
            "gen_ai.usage.cache_write.input_tokens": 120,
        },
    ),
    "llama": Family(
        B.LLAMA_MODEL,
        {"prompt": "What is the capital of France?", "max_gen_len": 256, "temperature": 0.2, "top_p": 0.9},
        B.LLAMA,
        B.invoke_headers(18, 8),
        {
            "gen_ai.request.max_tokens": 256,
            "gen_ai.request.temperature": 0.2,
            "gen_ai.request.top_p": 0.9,
            "gen_ai.response.finish_reasons": ("stop",),
            "gen_ai.usage.input_tokens": 18,
            "gen_ai.usage.output_tokens": 8,
        },
        "text_completion",  # Llama's ``prompt``
    ),
    "titan": Family(
        B.TITAN_MODEL,
        {
            "inputText": "What is the capital of France?",
            "textGenerationConfig": {
                "maxTokenCount": 200,
                "temperature": 0,
                "topP": 1,
                "stopSequences": ["User:"],
            },
        },
        B.TITAN,
        B.invoke_headers(6, 22),
        {
            "gen_ai.request.max_tokens": 200,
            "gen_ai.request.temperature": 0.0,
            "gen_ai.request.top_p": 1.0,
            "gen_ai.request.stop_sequences": ("User:",),
            "gen_ai.response.finish_reasons": ("FINISH",),
            "gen_ai.usage.input_tokens": 6,
            "gen_ai.usage.output_tokens": 22,
        },
        "text_completion",  # Titan Text's ``inputText``
    ),
    "mistral": Family(
        B.MISTRAL_MODEL,
        {"prompt": "<s>[INST] Capital of France? [/INST]", "max_tokens": 200, "top_k": 50, "stop": ["</s>"]},
        B.MISTRAL,
        B.invoke_headers(21, 9),  # no usage in the body: the headers give it
        {
            "gen_ai.request.max_tokens": 200,
            "gen_ai.request.top_k": 50,
            "gen_ai.request.stop_sequences": ("</s>",),
            "gen_ai.response.finish_reasons": ("stop",),
            "gen_ai.usage.input_tokens": 21,
            "gen_ai.usage.output_tokens": 9,
        },
        "text_completion",  # Mistral's ``prompt``; its ``messages`` body is chat (mistral_chat)
    ),
    "mistral_chat": Family(
        B.MISTRAL_CHAT_MODEL,
        {
            "messages": [{"role": "user", "content": "Weather in Paris?"}],
            "max_tokens": 400,
            "temperature": 0.7,
        },
        B.MISTRAL_CHAT,
        B.invoke_headers(83, 22),
        {
            "gen_ai.request.max_tokens": 400,
            "gen_ai.request.temperature": 0.7,
            "gen_ai.response.finish_reasons": ("tool_calls",),
            "gen_ai.usage.input_tokens": 83,
            "gen_ai.usage.output_tokens": 22,
        },
    ),
    "nova": Family(
        B.NOVA_MODEL,
        {
            "schemaVersion": "messages-v1",
            "system": [{"text": "Be brief."}],
            "messages": [{"role": "user", "content": [{"text": "Capital of France?"}]}],
            "inferenceConfig": {"maxTokens": 300, "temperature": 0.3, "topP": 0.9, "topK": 20},
        },
        B.NOVA,
        B.invoke_headers(5, 9),
        {
            "gen_ai.request.max_tokens": 300,
            "gen_ai.request.temperature": 0.3,
            "gen_ai.request.top_p": 0.9,
            "gen_ai.request.top_k": 20,
            "gen_ai.response.finish_reasons": ("end_turn",),
            "gen_ai.usage.input_tokens": 5,
            "gen_ai.usage.output_tokens": 9,
            "gen_ai.usage.cache_read.input_tokens": 0,
            "gen_ai.usage.cache_write.input_tokens": 0,
        },
    ),
    "cohere_chat": Family(
        B.COHERE_MODEL,
        {
            "message": "What is the capital of France?",
            "preamble": "Be brief.",
            "max_tokens": 100,
            "p": 0.75,
            "k": 5,
        },
        B.COHERE,
        B.invoke_headers(14, 7),
        {
            "gen_ai.request.max_tokens": 100,
            "gen_ai.request.top_p": 0.75,
            "gen_ai.request.top_k": 5,
            "gen_ai.response.id": B.COHERE["response_id"],
            "gen_ai.response.finish_reasons": ("COMPLETE",),
            "gen_ai.usage.input_tokens": 14,
            "gen_ai.usage.output_tokens": 7,
        },
    ),
    "cohere_command": Family(
        B.COHERE_COMMAND_MODEL,
        {"prompt": "What is the capital of France?", "max_tokens": 50, "num_generations": 2},
        B.COHERE_COMMAND,
        B.invoke_headers(8, 3),
        {
            "gen_ai.request.max_tokens": 50,
            "gen_ai.request.choice.count": 2,
            "gen_ai.response.id": B.COHERE_COMMAND["id"],
            "gen_ai.response.finish_reasons": ("COMPLETE",),
            "gen_ai.usage.input_tokens": 8,
            "gen_ai.usage.output_tokens": 3,
        },
        "text_completion",  # Cohere Command's ``prompt``; Command R's ``message`` is chat
    ),
}


def invoke(family: Family, reply: Reply | None = None) -> dict[str, Any]:
    """An InvokeModel call; the caller's result with the body read back."""
    replay = Replay(reply or Reply(json_body=family.response, headers=family.headers))
    result = replay.client().invoke_model(modelId=family.model, body=json.dumps(family.request))
    assert isinstance(result["body"], botocore.response.StreamingBody)
    return {**result, "body": result["body"].read()}


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_invoke_model(otel, name):
    family = FAMILIES[name]
    expected = uninstrumented(otel, lambda: invoke(family))
    assert invoke(family) == expected  # the caller reads the very same body
    span = otel.span()
    assert span.name == f"{family.operation} {family.model}"
    assert span_attrs(span, streamed=False) == {
        **start_attrs(False, family.model, family.operation),
        **family.expected,
        "aws.request_id": B.REQUEST_ID,
    }
    duration = one_point(otel, "gen_ai.client.inference.duration")
    assert duration.attributes["gen_ai.operation.name"] == family.operation
    assert (
        one_point(otel, "gen_ai.client.inference.operation.output_tokens").sum
        == (family.expected["gen_ai.usage.output_tokens"])
    )


def test_invoke_model_body_reads_the_same_way_after_instrumentation(otel):
    family = FAMILIES["llama"]
    result = (
        Replay(Reply(json_body=family.response, headers=family.headers))
        .client()
        .invoke_model(modelId=family.model, body=json.dumps(family.request).encode())
    )
    assert otel.span()  # ended before the caller reads
    assert b"".join(result["body"].iter_chunks(7)) == json.dumps(family.response).encode()
    assert result["body"].read() == b""


def test_invoke_model_body_read_failure_reaches_the_caller(otel):
    family = FAMILIES["llama"]
    cut = urllib3.exceptions.ProtocolError("Connection broken: IncompleteRead(12 bytes read)")

    def attempt() -> BaseException:
        reply = Reply(json_body=family.response, headers=family.headers, fail_read=cut)
        result = Replay(reply).client().invoke_model(modelId=family.model, body=json.dumps(family.request))
        return raised(result["body"].read)

    expected = uninstrumented(otel, attempt)
    exc = attempt()
    assert type(exc) is type(expected) is ResponseStreamingError
    assert str(exc) == str(expected)
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "botocore.exceptions.ResponseStreamingError"


def test_invoke_model_content(otel):
    otel.instrument(capture_content="SPAN_ONLY")
    invoke(FAMILIES["anthropic"])
    invoke(FAMILIES["mistral_chat"])
    invoke(FAMILIES["llama"])
    anthropic, mistral, llama = map(content_of, otel.spans())
    assert anthropic == {
        "gen_ai.input.messages": [{"role": "user", "parts": [{"type": "text", "content": "Hello"}]}],
        "gen_ai.output.messages": [
            {
                "role": "assistant",
                "parts": [{"type": "text", "content": "Hello! How can I help you today?"}],
                "finish_reason": "stop",  # end_turn
            }
        ],
        "gen_ai.system_instructions": [{"type": "text", "content": "You are terse."}],
    }
    assert mistral["gen_ai.output.messages"] == [
        {
            "role": "assistant",
            "parts": [
                {
                    "type": "tool_call",
                    "id": "b3Xn9kPqR",
                    "name": "get_weather",
                    "arguments": {"location": "Paris"},
                }
            ],
            "finish_reason": "tool_call",  # tool_calls
        }
    ]
    assert llama == {
        "gen_ai.input.messages": [
            {"role": "user", "parts": [{"type": "text", "content": "What is the capital of France?"}]}
        ],
        "gen_ai.output.messages": [
            {
                "role": "assistant",
                "parts": [{"type": "text", "content": "The capital of France is Paris."}],
                "finish_reason": "stop",
            }
        ],
    }


#: Titan Text Embeddings v1: a bare ``embedding`` and its count (v2 adds ``embeddingsByType``).
TITAN_EMBED_V1_MODEL = "amazon.titan-embed-text-v1"
TITAN_EMBED_V1 = {
    "embedding": [0.5078125, -0.2578125, 0.0185546875, 0.734375, -0.1171875],
    "inputTextTokenCount": 4,
}
EMBEDDINGS = {
    "titan_v1": (
        Family(
            TITAN_EMBED_V1_MODEL,
            {"inputText": "hello world"},
            TITAN_EMBED_V1,
            B.invoke_headers(4),
            {"gen_ai.usage.input_tokens": 4, "gen_ai.embeddings.dimension.count": 5},
            "embeddings",
        ),
        4,
    ),
    "titan_v2": (
        Family(
            B.TITAN_EMBED_MODEL,
            {"inputText": "hello", "dimensions": 256, "normalize": True, "embeddingTypes": ["float"]},
            B.TITAN_EMBED,
            B.invoke_headers(7),
            {
                "gen_ai.request.encoding_formats": ("float",),
                "gen_ai.usage.input_tokens": 7,  # the body's inputTextTokenCount
                "gen_ai.embeddings.dimension.count": 4,
            },
            "embeddings",
        ),
        7,
    ),
    "cohere": (
        Family(
            B.COHERE_EMBED_MODEL,
            {"texts": ["hello", "world"], "input_type": "search_document", "embedding_types": ["float"]},
            B.COHERE_EMBED,
            B.invoke_headers(2),
            {
                "gen_ai.request.encoding_formats": ("float",),
                "gen_ai.response.id": B.COHERE_EMBED["id"],
                "gen_ai.usage.input_tokens": 2,  # no count in Cohere's body: the header's
                "gen_ai.embeddings.dimension.count": 3,
            },
            "embeddings",
        ),
        2,
    ),
}


@pytest.mark.parametrize("name", sorted(EMBEDDINGS))
def test_invoke_model_embeddings(otel, name):
    family, input_tokens = EMBEDDINGS[name]
    expected = uninstrumented(otel, lambda: invoke(family))
    assert invoke(family) == expected
    span = otel.span()
    assert span.name == f"embeddings {family.model}"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    assert span_attrs(span, streamed=False) == {
        **start_attrs(False, family.model, "embeddings"),
        **family.expected,
        "aws.request_id": B.REQUEST_ID,
    }
    assert set(otel.metrics()) == {
        "gen_ai.client.embeddings.duration",
        "gen_ai.client.embeddings.operation.input_tokens",
    }  # no gen_ai.client.inference.* (durations or token usage)
    duration = one_point(otel, "gen_ai.client.embeddings.duration")
    assert duration.attributes["gen_ai.operation.name"] == "embeddings"
    tokens = one_point(otel, "gen_ai.client.embeddings.operation.input_tokens")
    assert (tokens.count, tokens.sum) == (1, input_tokens)


@pytest.mark.parametrize("name", sorted(EMBEDDINGS))
def test_invoke_model_embeddings_have_no_content(otel, name):
    otel.instrument(capture_content="SPAN_AND_EVENT")
    invoke(EMBEDDINGS[name][0])
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)  # semconv defines no embeddings content
    assert "hello" not in " ".join(all_strings(dict(span.attributes)))
    assert not [r for r in otel.events() if set(r.attributes or {}) & set(CONTENT_KEYS)]


def test_invoke_model_embeddings_error(otel):
    family, _ = EMBEDDINGS["titan_v2"]
    reply = Reply(status=400, json_body=B.VALIDATION, headers=B.error_headers("ValidationException"))
    with pytest.raises(ClientError):
        invoke(family, reply)
    span = otel.span()
    assert span.name == f"embeddings {family.model}"
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "ValidationException"
    assert {name for name in otel.metrics() if "inference" in name} == set()
    duration = one_point(otel, "gen_ai.client.embeddings.duration")
    assert duration.attributes["error.type"] == "ValidationException"


def test_invoke_model_error(otel):
    reply = Reply(status=400, json_body=B.VALIDATION, headers=B.error_headers("ValidationException"))
    with pytest.raises(ClientError) as caught:
        invoke(FAMILIES["anthropic"], reply)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "ValidationException"


# --- InvokeModelWithResponseStream --------------------------------------------------------------------

STREAMS = {
    "anthropic": (
        FAMILIES["anthropic"],
        B.anthropic_chunks(B.ANTHROPIC),
        {k: v for k, v in FAMILIES["anthropic"].expected.items() if not k.startswith("gen_ai.request.")},
    ),
    "llama": (
        FAMILIES["llama"],
        B.LLAMA_CHUNKS,
        {
            "gen_ai.response.finish_reasons": ("stop",),
            "gen_ai.usage.input_tokens": 18,
            "gen_ai.usage.output_tokens": 8,
        },
    ),
    "mistral": (
        FAMILIES["mistral"],
        [
            {"outputs": [{"text": " Paris is", "stop_reason": None}]},
            {
                "outputs": [{"text": " the capital of France.", "stop_reason": "stop"}],
                **B.invocation_metrics(21, 9),
            },
        ],
        {
            "gen_ai.response.finish_reasons": ("stop",),
            "gen_ai.usage.input_tokens": 21,
            "gen_ai.usage.output_tokens": 9,
        },
    ),
    "mistral_chat": (
        FAMILIES["mistral_chat"],
        [
            {
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": "Paris is"}, "stop_reason": None}
                ]
            },
            {
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": " the capital of France."},
                        "stop_reason": "stop",
                    }
                ],
                **B.invocation_metrics(83, 22),
            },
        ],
        {
            "gen_ai.response.finish_reasons": ("stop",),
            "gen_ai.usage.input_tokens": 83,
            "gen_ai.usage.output_tokens": 22,
        },
    ),
    "titan": (
        FAMILIES["titan"],
        B.TITAN_CHUNKS,
        {
            "gen_ai.response.finish_reasons": ("FINISH",),
            "gen_ai.usage.input_tokens": 6,
            "gen_ai.usage.output_tokens": 22,
        },
    ),
    "nova": (
        FAMILIES["nova"],
        B.NOVA_CHUNKS,
        {
            "gen_ai.response.finish_reasons": ("end_turn",),
            "gen_ai.usage.input_tokens": 5,
            "gen_ai.usage.output_tokens": 9,
        },
    ),
}


def invoke_stream(family: Family, chunks: list[dict[str, Any]]) -> dict[str, Any]:
    reply = Reply(events=[B.chunk(c) for c in chunks], headers=dict(B.INVOKE_STREAM_HEADERS))
    result = (
        Replay(reply)
        .client()
        .invoke_model_with_response_stream(modelId=family.model, body=json.dumps(family.request))
    )
    return {**result, "body": list(result["body"])}


#: The model families' finish reasons in the streams above, as the output-message schema says them.
IN_THE_SCHEMA = {"end_turn": "stop", "stop": "stop", "FINISH": "stop", "COMPLETE": "stop"}


@pytest.mark.parametrize("capture", [False, True], ids=["no_content", "content"])
@pytest.mark.parametrize("name", sorted(STREAMS))
def test_invoke_model_with_response_stream(otel, name, capture):
    family, chunks, expected = STREAMS[name]
    settings = {"capture_content": "SPAN_ONLY"} if capture else {}
    result = uninstrumented(otel, lambda: invoke_stream(family, chunks), **settings)
    assert invoke_stream(family, chunks) == result
    span = otel.span()
    assert span.name == f"{family.operation} {family.model}"
    attrs = span_attrs(span, streamed=True)
    requested = {k: v for k, v in family.expected.items() if k.startswith("gen_ai.request.")}
    content = {k: attrs.pop(k) for k in CONTENT_KEYS if k in attrs}
    assert attrs == {**start_attrs(True, family.model, family.operation), **requested, **expected}
    ttfc = one_point(otel, "gen_ai.client.inference.time_to_first_chunk")
    assert ttfc.attributes["gen_ai.operation.name"] == family.operation
    if capture:
        [out] = json.loads(content["gen_ai.output.messages"])
        texts = [p["content"] for p in out["parts"] if p["type"] == "text"]
        assert "".join(texts).strip().startswith(("Hello", "The capital", "Paris"))
        # every family's own word for a normal end, in the output-message schema's
        assert out["finish_reason"] == IN_THE_SCHEMA[expected["gen_ai.response.finish_reasons"][0]]
    else:
        assert not content


def test_invoke_stream_tool_use_is_captured(otel):
    otel.instrument(capture_content="SPAN_ONLY")
    invoke_stream(FAMILIES["anthropic"], B.anthropic_chunks(B.ANTHROPIC_TOOL_USE))
    [out] = json.loads(otel.span().attributes["gen_ai.output.messages"])
    assert out == {
        "role": "assistant",
        "parts": [
            {"type": "text", "content": "Let me look that up."},
            {
                "type": "tool_call",
                "id": "toolu_bdrk_01T1x1fJ34qAmk2tNTrN7Up6",
                "name": "get_weather",
                "arguments": {"location": "Lyon"},
            },
        ],
        "finish_reason": "tool_call",  # tool_use
    }


def test_invoke_stream_exception_event(otel):
    family = FAMILIES["anthropic"]
    chunks = B.anthropic_chunks(B.ANTHROPIC)[:3]
    events = [
        *map(B.chunk, chunks),
        B.exception("throttlingException", {"message": "Too many tokens, please wait."}),
    ]
    replay = Replay(Reply(events=events, headers=dict(B.INVOKE_STREAM_HEADERS)))
    result = replay.client().invoke_model_with_response_stream(
        modelId=family.model, body=json.dumps(family.request)
    )
    with pytest.raises(EventStreamError, match="Too many tokens"):
        list(result["body"])
    span = otel.span()
    assert span.status.status_code is StatusCode.ERROR
    attrs = span_attrs(span, streamed=True)
    assert attrs["error.type"] == "throttlingException"
    assert attrs["gen_ai.response.finish_reasons"] == ("error",)
    assert attrs["gen_ai.response.id"] == B.ANTHROPIC["id"]
    assert attrs["gen_ai.usage.input_tokens"] == 1153


# --- with opentelemetry-instrumentation-botocore --------------------------------------------------------

BOTOCORE_SCOPE = "opentelemetry.instrumentation.botocore"
RUNTIME_SCOPE = f"{BOTOCORE_SCOPE}.bedrock-runtime"  # its Bedrock extension's tracer
S3_LIST_BUCKETS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    b"<Owner><ID>8f1e6c2a9b4d</ID></Owner><Buckets><Bucket><Name>docs</Name>"
    b"<CreationDate>2025-10-14T09:12:44.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>"
)


@pytest.fixture
def botocore_otel(otel: Any) -> Iterator[Any]:
    """The official botocore instrumentor class (its Bedrock extension makes gen_ai spans too),
    switched off again afterwards."""
    try:
        from opentelemetry.instrumentation.botocore import BotocoreInstrumentor
    except ImportError:
        missing("opentelemetry-instrumentation-botocore is not installed")
    yield BotocoreInstrumentor
    if BotocoreInstrumentor().is_instrumented_by_opentelemetry:
        BotocoreInstrumentor().uninstrument()


def botocore_on(otel: Any, instrumentor: Any) -> None:
    instrumentor().instrument(tracer_provider=otel.tracer_provider, meter_provider=otel.meter_provider)


def scopes(otel: Any) -> list[tuple[str, str]]:
    return [(s.instrumentation_scope.name, s.name) for s in otel.spans()]


def metric_scopes(otel: Any) -> set[str]:
    data = otel.reader.get_metrics_data()
    return {
        sm.scope.name
        for rm in (data.resource_metrics if data else ())
        for sm in rm.scope_metrics
        if any(metric.data.data_points for metric in sm.metrics)
    }


def other_aws_calls() -> None:
    """Calls genai_otel does not trace: the control plane, a non-inference runtime call, S3."""
    control = Replay(Reply(json_body={"modelSummaries": []})).client("bedrock")
    control.list_foundation_models()
    Replay(Reply(json_body={"inputTokens": 42})).client().count_tokens(
        modelId=B.MODEL, input={"converse": {"messages": USER}}
    )
    s3 = Replay(Reply(events=[S3_LIST_BUCKETS], headers={**B.HEADERS, "Content-Type": "application/xml"}))
    assert s3.client("s3").list_buckets()["Buckets"][0]["Name"] == "docs"


OTHER_SPANS = [
    (BOTOCORE_SCOPE, "Bedrock.ListFoundationModels"),
    (RUNTIME_SCOPE, "Bedrock Runtime.CountTokens"),
    (BOTOCORE_SCOPE, "S3.ListBuckets"),
]


def bedrock_calls() -> list[tuple[str, str]]:
    """One call of each kind genai_otel traces; the span each must give."""
    run(False)
    run(True)
    invoke(FAMILIES["llama"])
    invoke_stream(FAMILIES["titan"], B.TITAN_CHUNKS)
    invoke(EMBEDDINGS["cohere"][0])
    return [
        ("genai_otel", SPAN_NAME),
        ("genai_otel", SPAN_NAME),
        ("genai_otel", f"text_completion {B.LLAMA_MODEL}"),
        ("genai_otel", f"text_completion {B.TITAN_MODEL}"),
        ("genai_otel", f"embeddings {B.COHERE_EMBED_MODEL}"),
    ]


def test_the_botocore_instrumentation_alone_makes_gen_ai_spans_for_bedrock(otel, botocore_otel):
    """It really duplicates ours when both are on, so the tests below prove something."""
    genai_otel.uninstrument()
    botocore_on(otel, botocore_otel)
    run(False)
    span = otel.span()
    assert (span.instrumentation_scope.name, span.name) == (RUNTIME_SCOPE, SPAN_NAME)
    assert span.attributes["gen_ai.request.model"] == B.MODEL


@pytest.mark.parametrize("first", ["botocore", "genai_otel"])
def test_with_botocore_instrumented_each_bedrock_call_has_one_span_ours(otel, botocore_otel, caplog, first):
    import logging

    caplog.set_level(logging.INFO, logger="genai_otel")
    if first == "botocore":
        genai_otel.uninstrument()
        botocore_on(otel, botocore_otel)
        otel.instrument()
    else:
        botocore_on(otel, botocore_otel)
    expected = bedrock_calls()
    assert scopes(otel) == expected
    assert metric_scopes(otel) == {"genai_otel"}  # no gen_ai metric points of the botocore extension
    other_aws_calls()
    assert scopes(otel) == expected + OTHER_SPANS  # every other AWS call keeps its botocore span
    assert [r.getMessage() for r in caplog.records if "also active" in r.getMessage()] == [
        "genai_otel: opentelemetry-instrumentation-botocore is also active; genai_otel's spans are used "
        "for the bedrock calls both cover (the other's are skipped for them). To use "
        "opentelemetry-instrumentation-botocore instead, disable genai_otel's adapter: "
        "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=genai_otel_bedrock or GENAI_OTEL_EXCLUDE=bedrock"
    ]


def test_with_botocore_instrumented_errors_and_suppressed_calls(otel, botocore_otel):
    from opentelemetry.instrumentation.utils import suppress_instrumentation

    botocore_on(otel, botocore_otel)
    reply = Reply(status=400, json_body=B.VALIDATION, headers=B.error_headers("ValidationException"))
    with pytest.raises(ClientError):
        invoke(FAMILIES["anthropic"], reply)
    assert scopes(otel) == [("genai_otel", f"chat {B.ANTHROPIC_MODEL}")]
    with suppress_instrumentation():
        run(False)
        other_aws_calls()
    assert len(otel.spans()) == 1


def test_an_aws_call_made_inside_a_traced_bedrock_call_keeps_its_botocore_span(otel, botocore_otel):
    """Like credentials refreshed through STS while a Bedrock call signs its request."""
    botocore_on(otel, botocore_otel)
    s3 = Replay(Reply(events=[S3_LIST_BUCKETS], headers={**B.HEADERS, "Content-Type": "application/xml"}))
    client = Replay(converse_reply(False, B.TEXT)).client()

    def list_buckets_first(**_: Any) -> None:  # returns None: botocore then sends the request
        s3.client("s3").list_buckets()

    client.meta.events.register_first("before-send.bedrock-runtime", list_buckets_first)
    client.converse(**PARAMS)
    inner, outer = otel.spans()
    assert scopes(otel) == [(BOTOCORE_SCOPE, "S3.ListBuckets"), ("genai_otel", SPAN_NAME)]
    assert inner.parent is not None and inner.parent.span_id == outer.context.span_id


def test_either_one_switched_off_leaves_the_other_working(otel, botocore_otel):
    botocore_on(otel, botocore_otel)
    botocore_otel().uninstrument()
    run(False)
    other_aws_calls()
    assert scopes(otel) == [("genai_otel", SPAN_NAME)]  # ours still on, botocore's gone

    botocore_on(otel, botocore_otel)
    genai_otel.uninstrument()
    run(False)
    assert scopes(otel)[1:] == [(RUNTIME_SCOPE, SPAN_NAME)]  # botocore's Bedrock span is back

    botocore_otel().uninstrument()
    assert not isinstance(vars(botocore.client.BaseClient)["_make_api_call"], wrapt.ObjectProxy)

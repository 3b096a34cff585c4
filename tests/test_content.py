"""Content capture end to end, through the real ``openai`` and ``anthropic`` clients.

Capture modes (``NO_CONTENT`` by default, ``SPAN_ONLY``, ``EVENT_ONLY``, ``SPAN_AND_EVENT``, and the
``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`` variable): JSON strings on the span that
validate against the semconv message shapes, one structured ``gen_ai.client.inference.operation.details``
event correlated to the span. Secrets: a key in a message is scrubbed wherever it is exported; the
client's own key and ``Authorization`` header never are. The PII switch, the ``redact=`` hook,
multimodal placeholders (and ``capture_binary``), the per-part and per-attribute size limits, and
completion hooks (passed as an object, or named by an ``opentelemetry_genai_completion_hook``
entry point), which receive the content as the span would carry it: scrubbed, never the raw text.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import hashlib
import json
import logging
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import anthropic
import openai
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

import genai_otel
from bodies import anthropic_bodies as ab
from bodies import openai_bodies as ob
from replay import Replay, Reply

CAPTURE_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
INPUT, OUTPUT = "gen_ai.input.messages", "gen_ai.output.messages"
SYSTEM, TOOLS = "gen_ai.system_instructions", "gen_ai.tool.definitions"
CONTENT_KEYS = (INPUT, OUTPUT, SYSTEM, TOOLS)
EVENT_NAME = "gen_ai.client.inference.operation.details"

#: The clients' own keys: fake, but shaped like real ones so a leak would be recognisable.
OPENAI_CLIENT_KEY = "sk-proj-CLIENTKEY" + "q7W2e9R4t6Y1u3I8o5P0" * 2
ANTHROPIC_CLIENT_KEY = "sk-ant-api03-CLIENTKEY" + "z8X3c5V7b9N2m4L6k1J0" * 2
#: A key the user pasted into a message.
PASTED_KEY = "sk-proj-" + "Ab3De6Gh9Jk2Mn5Pq8St" * 2

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 3
PNG_B64 = base64.b64encode(PNG).decode()
PLACEHOLDER = {
    "type": "blob",
    "modality": "image",
    "mime_type": "image/png",
    "size": len(PNG),
    "sha256": hashlib.sha256(PNG).hexdigest(),
}
WEATHER_PARAMETERS = {
    "type": "object",
    "properties": {"location": {"type": "string"}},
    "required": ["location"],
}
TOOL_DEFINITION = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather in a given location",
    "parameters": WEATHER_PARAMETERS,
}
SYSTEM_TEXT = "You are a weather assistant."

# --- what each provider is sent, and what genai_otel must make of it ------------------------------------

OPENAI_PARAMS: dict[str, Any] = {
    "model": ob.MODEL,
    "messages": [
        {"role": "system", "content": SYSTEM_TEXT},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Where was this taken?"},
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}},
                {"type": "image_url", "image_url": {"url": "https://example.com/eiffel.png"}},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"location":"Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "18C and sunny"},
        {"role": "user", "content": [{"type": "file", "file": {"file_id": "file-abc123"}}]},
    ],
    "tools": [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": TOOL_DEFINITION["description"],
                "parameters": WEATHER_PARAMETERS,
            },
        }
    ],
}
OPENAI_INPUT = [
    {"role": "system", "parts": [{"type": "text", "content": SYSTEM_TEXT}]},
    {
        "role": "user",
        "parts": [
            {"type": "text", "content": "Where was this taken?"},
            PLACEHOLDER,
            {"type": "uri", "modality": "image", "uri": "https://example.com/eiffel.png"},
        ],
    },
    {
        "role": "assistant",
        "parts": [
            {"type": "tool_call", "id": "call_1", "name": "get_weather", "arguments": {"location": "Paris"}}
        ],
    },
    {"role": "tool", "parts": [{"type": "tool_call_response", "id": "call_1", "response": "18C and sunny"}]},
    {"role": "user", "parts": [{"type": "file", "modality": "document", "file_id": "file-abc123"}]},
]

ANTHROPIC_PARAMS: dict[str, Any] = {
    "model": ab.MODEL,
    "max_tokens": 1024,
    "system": SYSTEM_TEXT,
    "tools": [
        {
            "name": "get_weather",
            "description": TOOL_DEFINITION["description"],
            "input_schema": WEATHER_PARAMETERS,
        }
    ],
    "messages": [
        {
            "role": "user",
            "content": [
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64}},
                {"type": "text", "text": "Where was this taken?"},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "That is the Eiffel Tower.", "signature": "EqQBCgIYAhIM"},
                {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"location": "Paris"}},
            ],
        },
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "18C"}]},
    ],
}
ANTHROPIC_INPUT = [
    {"role": "user", "parts": [PLACEHOLDER, {"type": "text", "content": "Where was this taken?"}]},
    {
        "role": "assistant",
        "parts": [
            {"type": "reasoning", "content": "That is the Eiffel Tower."},
            {"type": "tool_call", "id": "toolu_1", "name": "get_weather", "arguments": {"location": "Paris"}},
        ],
    },
    {"role": "user", "parts": [{"type": "tool_call_response", "id": "toolu_1", "response": "18C"}]},
]


@dataclass(frozen=True)
class Flavour:
    provider: str  # "openai" | "anthropic"
    streams: bool = False
    asynchronous: bool = False

    def __str__(self) -> str:
        how = "async" if self.asynchronous else "sync"
        return f"{self.provider}-{how}-{'stream' if self.streams else 'plain'}"

    @property
    def params(self) -> dict[str, Any]:
        return copy.deepcopy(OPENAI_PARAMS if self.provider == "openai" else ANTHROPIC_PARAMS)

    @property
    def expected(self) -> dict[str, Any]:
        """The content attributes this flavour's default call must export."""
        if self.provider == "openai":
            text = "Hello! How can I help?" if self.streams else "Hello! How can I assist you today?"
            output = [
                {"role": "assistant", "parts": [{"type": "text", "content": text}], "finish_reason": "stop"}
            ]
            return {INPUT: OPENAI_INPUT, OUTPUT: output, TOOLS: [TOOL_DEFINITION]}
        reasoning = (
            "Let me solve this step by step.\n\n27 * 453 = 12231"
            if self.streams
            else "The user asks for 27 * 453. 27 * 453 = 12231."
        )
        output = [
            {
                "role": "assistant",
                "parts": [
                    {"type": "reasoning", "content": reasoning},
                    {"type": "text", "content": "27 * 453 = 12,231"},
                ],
                "finish_reason": "stop",  # end_turn, in the output-message schema's words
            }
        ]
        return {
            INPUT: ANTHROPIC_INPUT,
            OUTPUT: output,
            SYSTEM: [{"type": "text", "content": SYSTEM_TEXT}],
            TOOLS: [TOOL_DEFINITION],
        }

    def reply(self) -> Reply:
        if self.provider == "openai":
            if self.streams:
                return Reply(sse=ob.chat_stream(), headers=ob.HEADERS)
            return Reply(json_body=ob.chat_completion(), headers=ob.HEADERS)
        if self.streams:
            return Reply(sse=ab.STREAM_THINKING, headers=ab.HEADERS)
        return Reply(json_body=ab.THINKING, headers=ab.HEADERS)

    def client(self, replay: Replay) -> Any:
        http = replay.async_client() if self.asynchronous else replay.sync_client()
        if self.provider == "openai":
            cls = openai.AsyncOpenAI if self.asynchronous else openai.OpenAI
            return cls(api_key=OPENAI_CLIENT_KEY, http_client=http, max_retries=0)
        cls = anthropic.AsyncAnthropic if self.asynchronous else anthropic.Anthropic
        return cls(api_key=ANTHROPIC_CLIENT_KEY, http_client=http, max_retries=0)

    async def run(self, params: dict[str, Any] | None = None, reply: Reply | None = None) -> Replay:
        """One call, read to the end; the replay holds what the SDK sent."""
        replay = Replay(reply or self.reply())
        client = self.client(replay)
        kwargs = params if params is not None else self.params
        if self.provider == "openai":
            create = client.chat.completions.create
            if self.streams:
                kwargs = {**kwargs, "stream": True, "stream_options": {"include_usage": True}}
        else:
            create = client.messages.create
            if self.streams:
                kwargs = {**kwargs, "stream": True}
        result = create(**kwargs)
        if self.asynchronous:
            result = await result
        if self.streams:
            if self.asynchronous:
                async for _ in result:
                    pass
            else:
                for _ in result:
                    pass
        return replay


OPENAI = Flavour("openai")
ANTHROPIC = Flavour("anthropic")
PROVIDERS = [OPENAI, ANTHROPIC]
FLAVOURS = [Flavour(p, s, a) for p in ("openai", "anthropic") for a in (False, True) for s in (False, True)]


@pytest.fixture(params=FLAVOURS, ids=str)
def flavour(request: pytest.FixtureRequest) -> Flavour:
    return request.param


@pytest.fixture(params=PROVIDERS, ids=str)
def provider(request: pytest.FixtureRequest) -> Flavour:
    return request.param


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (CAPTURE_ENV, "GENAI_OTEL_REDACT_PII", "GENAI_OTEL_CAPTURE_BINARY",
                 "GENAI_OTEL_MAX_PART_LENGTH", "GENAI_OTEL_MAX_ATTRIBUTE_LENGTH",
                 "OTEL_INSTRUMENTATION_GENAI_COMPLETION_HOOK"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


# --- helpers ---------------------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """Structured log attributes come back with tuples for lists and read-only mappings."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict) or hasattr(value, "items"):
        return {k: plain(v) for k, v in value.items()}
    return value


def span_content(span: Any) -> dict[str, Any]:
    """The content attributes of a span, each checked to be a JSON string and parsed."""
    out = {}
    for key in CONTENT_KEYS:
        if key in span.attributes:
            raw = span.attributes[key]
            assert isinstance(raw, str), (key, type(raw))
            out[key] = json.loads(raw)
    return out


def event_content(record: Any) -> dict[str, Any]:
    """The content attributes of an event, each checked to be structured (not a JSON string)."""
    out = {}
    for key in CONTENT_KEYS:
        if key in record.attributes:
            value = record.attributes[key]
            assert isinstance(value, (list, tuple)), (key, type(value))
            assert all(hasattr(item, "items") for item in value), (key, value)  # objects, not JSON text
            out[key] = plain(value)
    return out


def exported_text(otel: Any) -> str:
    """Everything exported (spans, span events, status, log records, metric attributes) as text."""
    out: list[str] = []
    for span in otel.spans():
        out += [span.name, span.status.description or "", json.dumps(dict(span.attributes), default=str)]
        for event in span.events:
            out += [event.name, json.dumps(dict(event.attributes), default=str)]
    for record in otel.events():
        out += [str(record.event_name), str(record.body), json.dumps(plain(record.attributes), default=str)]
    for points in otel.metrics().values():
        out += [json.dumps(dict(point.attributes), default=str) for point in points]
    return "\n".join(out)


def user_texts(messages: list[dict[str, Any]]) -> list[str]:
    return [p["content"] for m in messages for p in m["parts"] if p["type"] in ("text", "reasoning")]


# --- the semconv shapes (gen-ai-{input,output}-messages.json, system instructions, tool definitions) ----

PART_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "text": {"content": str},
    "reasoning": {"content": str},
    "tool_call": {"name": str},
    "tool_call_response": {"response": object},
    "blob": {"modality": str},
    "uri": {"modality": str, "uri": str},
    "file": {"modality": str, "file_id": str},
    "server_tool_call": {"name": str, "server_tool_call": dict},
    "server_tool_call_response": {"server_tool_call_response": dict},
    "generic": {},
}


#: The output-message schema's ``FinishReason`` (gen-ai-output-messages.json).
FINISH_REASONS = ("stop", "length", "content_filter", "tool_call", "error")


def check_part(part: Any) -> None:
    assert isinstance(part, dict) and isinstance(part.get("type"), str), part
    assert part["type"] in PART_FIELDS, part
    for field, kind in PART_FIELDS[part["type"]].items():
        assert field in part and isinstance(part[field], kind), (field, part)
    if "id" in part:
        assert part["id"] is None or isinstance(part["id"], str), part
    if "mime_type" in part:
        assert isinstance(part["mime_type"], str), part
    if part["type"] == "uri":
        assert not part["uri"].startswith("data:"), part  # inline data must be a blob
    if part["type"] == "blob":
        if "content" in part:  # raw bytes asked for: base64 in JSON
            base64.b64decode(part["content"], validate=True)
        else:  # the placeholder
            assert isinstance(part["size"], int) and part["size"] >= 0, part
            assert len(part["sha256"]) == 64 and int(part["sha256"], 16) >= 0, part


def check_semconv(key: str, value: Any) -> None:
    assert isinstance(value, list), (key, value)
    if key in (INPUT, OUTPUT):
        for msg in value:
            assert isinstance(msg, dict) and isinstance(msg["role"], str) and msg["role"], msg
            assert isinstance(msg["parts"], list), msg
            for part in msg["parts"]:
                check_part(part)
            if "name" in msg:
                assert isinstance(msg["name"], str), msg
            if key == OUTPUT:  # the schema's enum, whatever the provider's own words are
                assert msg["finish_reason"] in FINISH_REASONS, msg
    elif key == SYSTEM:
        for part in value:
            check_part(part)
            assert part["type"] in ("text", "generic"), part
    else:
        for tool in value:
            assert isinstance(tool["type"], str) and isinstance(tool["name"], str), tool
            if tool["type"] == "function" and "parameters" in tool:
                assert isinstance(tool["parameters"], dict), tool


# --- capture modes ----------------------------------------------------------------------------------------


async def test_no_content_by_default(otel, flavour):
    otel.instrument()
    await flavour.run()
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)
    assert otel.events() == []
    text = exported_text(otel)
    for needle in (
        "Where was this taken",
        "Eiffel",
        "18C",
        SYSTEM_TEXT,
        "How can I",
        "12,231",
        "get_weather",
    ):
        assert needle not in text, needle


async def test_span_only_puts_semconv_json_on_the_span(otel, flavour):
    otel.instrument(capture_content="SPAN_ONLY")
    await flavour.run()
    content = span_content(otel.span())
    for key, value in content.items():
        check_semconv(key, value)
    assert content == flavour.expected
    assert otel.events() == []


async def test_event_only_emits_one_structured_event_correlated_to_the_span(otel, flavour):
    otel.instrument(capture_content="EVENT_ONLY")
    await flavour.run()
    span = otel.span()
    assert not set(span.attributes) & set(CONTENT_KEYS)
    [record] = otel.events()
    assert record.event_name == EVENT_NAME
    assert (record.trace_id, record.span_id) == (span.context.trace_id, span.context.span_id)
    content = event_content(record)
    for key, value in content.items():
        check_semconv(key, value)
    assert content == flavour.expected
    assert record.attributes["gen_ai.operation.name"] == "chat"
    assert record.attributes["gen_ai.provider.name"] == flavour.provider
    assert record.attributes["gen_ai.response.id"] == span.attributes["gen_ai.response.id"]


async def test_span_and_event_carry_the_same_content(otel, flavour):
    otel.instrument(capture_content="SPAN_AND_EVENT")
    await flavour.run()
    span = otel.span()
    [record] = otel.events()
    assert (record.trace_id, record.span_id) == (span.context.trace_id, span.context.span_id)
    assert span_content(span) == event_content(record) == flavour.expected


@pytest.mark.parametrize("mode", ["EVENT_ONLY", "SPAN_AND_EVENT"])
async def test_a_failed_calls_event_carries_the_error_type(otel, provider, mode):
    otel.instrument(capture_content=mode)
    client = provider.client(Replay(echoing_error(provider)))
    with pytest.raises((openai.AuthenticationError, anthropic.AuthenticationError)) as caught:
        if provider.provider == "openai":
            client.chat.completions.create(**provider.params)
        else:
            client.messages.create(**provider.params)
    span = otel.span()
    assert isinstance(caught.value, (openai.AuthenticationError, anthropic.AuthenticationError))
    # the class name, or the provider's own error code where the adapter reads one
    error_type = {"openai": "openai.AuthenticationError", "anthropic": "authentication_error"}[
        provider.provider
    ]
    assert span.attributes["error.type"] == error_type
    [record] = otel.events()
    assert record.event_name == EVENT_NAME
    assert (record.trace_id, record.span_id) == (span.context.trace_id, span.context.span_id)
    assert record.attributes["error.type"] == error_type
    assert record.attributes["gen_ai.request.model"] == span.attributes["gen_ai.request.model"]
    content = event_content(record)
    assert content[INPUT] == provider.expected[INPUT] and OUTPUT not in content  # no answer came


@pytest.mark.parametrize(
    ("value", "on_span", "on_event"),
    [
        ("true", True, False),
        ("True", True, False),
        ("SPAN_ONLY", True, False),
        ("event_only", False, True),
        ("SPAN_AND_EVENT", True, True),
        ("false", False, False),
        ("NO_CONTENT", False, False),
    ],
)
async def test_the_environment_variable_sets_the_mode(otel, monkeypatch, provider, value, on_span, on_event):
    monkeypatch.setenv(CAPTURE_ENV, value)
    otel.instrument()
    await provider.run()
    assert bool(span_content(otel.span())) is on_span
    assert len(otel.events()) == (1 if on_event else 0)
    if on_span:
        assert span_content(otel.span()) == provider.expected


async def test_the_keyword_wins_over_the_environment(otel, monkeypatch, provider):
    monkeypatch.setenv(CAPTURE_ENV, "SPAN_AND_EVENT")
    otel.instrument(capture_content=False)
    await provider.run()
    assert not span_content(otel.span())
    assert otel.events() == []


# --- secrets ---------------------------------------------------------------------------------------------


def echoing_reply(flavour: Flavour, text: str) -> Reply:
    """A successful answer whose text is ``text``."""
    if flavour.provider == "openai":
        body = ob.chat_completion()
        body["choices"][0]["message"]["content"] = text
        return Reply(json_body=body, headers=ob.HEADERS)
    body = copy.deepcopy(ab.TEXT)
    body["content"][0]["text"] = text
    return Reply(json_body=body, headers=ab.HEADERS)


def with_user_text(flavour: Flavour, text: str) -> dict[str, Any]:
    params = flavour.params
    params["messages"].append({"role": "user", "content": text})
    return params


async def test_a_key_pasted_into_a_message_is_scrubbed_everywhere(otel, provider):
    otel.instrument(capture_content="SPAN_AND_EVENT")
    opaque = "tok9f8e7d6c5b4a39281706"
    params = with_user_text(provider, f"Is {PASTED_KEY} still valid? Header: Authorization: Bearer {opaque}")
    replay = await provider.run(params, echoing_reply(provider, f"I cannot check {PASTED_KEY} for you."))
    assert PASTED_KEY in replay.requests[0].content.decode()  # the SDK did send it
    text = exported_text(otel)
    assert PASTED_KEY[8:24] not in text and opaque not in text
    span, [record] = otel.span(), otel.events()
    for content in (span_content(span), event_content(record)):
        assert content[INPUT][-1]["parts"] == [
            {
                "type": "text",
                "content": "Is [REDACTED:api_key] still valid? Header: Authorization: [REDACTED:bearer]",
            }
        ]
        assert content[OUTPUT][0]["parts"][-1] == {
            "type": "text",
            "content": "I cannot check [REDACTED:api_key] for you.",
        }


def client_key(flavour: Flavour) -> str:
    return OPENAI_CLIENT_KEY if flavour.provider == "openai" else ANTHROPIC_CLIENT_KEY


def assert_no_client_credentials(otel: Any, replay: Replay, flavour: Flavour) -> None:
    key = client_key(flavour)
    sent = replay.requests[0].headers
    assert key in (sent.get("authorization", "") + sent.get("x-api-key", ""))  # the SDK did send it
    text = exported_text(otel)
    assert key not in text
    assert key[-20:] not in text  # not even a tail of it
    assert "Bearer" not in text and "bearer" not in text.lower().replace("[redacted:bearer]", "")
    assert "x-api-key" not in text.lower()


@pytest.mark.parametrize("mode", ["NO_CONTENT", "SPAN_AND_EVENT"])
async def test_the_clients_key_and_authorization_header_are_never_exported(otel, flavour, mode):
    otel.instrument(capture_content=mode)
    replay = await flavour.run()
    assert_no_client_credentials(otel, replay, flavour)


def echoing_error(flavour: Flavour) -> Reply:
    """A 401 whose body echoes the request's credentials, as some proxies and gateways do."""
    key = client_key(flavour)
    if flavour.provider == "openai":
        body = ob.error_body(
            f"Incorrect API key provided: {key}. Request headers: {{'authorization': 'Bearer {key}'}}",
            "invalid_request_error",
            "invalid_api_key",
        )
        return Reply(status=401, json_body=body, headers=ob.HEADERS)
    body = {
        "type": "error",
        "error": {"type": "authentication_error", "message": f"invalid x-api-key: {key}"},
        "request_id": "req_011CSHoQ7cJLdUPVf6VvR2Fw",
    }
    return Reply(status=401, json_body=body, headers=ab.HEADERS)


@pytest.mark.parametrize("mode", ["NO_CONTENT", "SPAN_AND_EVENT"])
async def test_a_key_echoed_by_an_error_body_is_never_exported(otel, provider, mode):
    otel.instrument(capture_content=mode)
    replay = Replay(echoing_error(provider))
    client = provider.client(replay)
    with pytest.raises((openai.AuthenticationError, anthropic.AuthenticationError)) as caught:
        if provider.provider == "openai":
            client.chat.completions.create(**provider.params)
        else:
            client.messages.create(**provider.params)
    key = client_key(provider)
    assert key in str(caught.value)  # the caller's exception is untouched
    span = otel.span()
    assert span.attributes["error.type"]
    assert "[REDACTED:api_key]" in span.status.description  # the message is kept, the key is not
    text = exported_text(otel)
    assert key not in text and key[-20:] not in text


FRAME = re.compile(r'^  File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<function>\S+)$', re.M)


async def test_the_scrubbed_stacktrace_is_still_a_stack_trace(otel, provider):
    replay = Replay(echoing_error(provider))
    client = provider.client(replay)
    with pytest.raises((openai.AuthenticationError, anthropic.AuthenticationError)) as caught:
        if provider.provider == "openai":
            client.chat.completions.create(**provider.params)
        else:
            client.messages.create(**provider.params)
    key = client_key(provider)
    [event] = otel.span().events
    assert event.name == "exception"
    stacktrace = event.attributes["exception.stacktrace"]
    assert key not in stacktrace and key[-20:] not in stacktrace
    assert stacktrace.startswith("Traceback (most recent call last):\n")
    frames = [m.groupdict() for m in FRAME.finditer(stacktrace)]
    assert len(frames) >= 3, stacktrace  # the SDK's frames, each with its file and line
    assert all(int(f["line"]) > 0 for f in frames)
    sdk_files = [f["file"] for f in frames if f"/{provider.provider}/" in f["file"]]
    assert any(path.endswith("_base_client.py") for path in sdk_files), frames
    exc = caught.value
    last = stacktrace.rstrip("\n").splitlines()[-1]
    cls = type(exc)
    assert last == f"{cls.__module__}.{cls.__qualname__}: {event.attributes['exception.message']}"
    assert "[REDACTED:api_key]" in last and key in str(exc)  # scrubbed in the trace, not for the caller


# --- PII and the redact hook ----------------------------------------------------------------------------

PII_TEXT = "Mail jane.doe@example.com or call +1 415-555-0132; card 4111 1111 1111 1111; from 192.168.1.20"
PII_SCRUBBED = "Mail [REDACTED:email] or call [REDACTED:phone]; card [REDACTED:card]; from [REDACTED:ip]"


@pytest.mark.parametrize(
    ("keyword", "env", "scrubbed"),
    [
        (None, None, False),
        (True, None, True),
        (None, "true", True),
        (None, "false", False),
        (False, "true", False),  # the keyword wins
    ],
    ids=["default-off", "keyword", "env", "env-false", "keyword-wins"],
)
async def test_the_pii_scrubber_is_off_by_default_and_one_switch_away(
    otel, monkeypatch, provider, keyword, env, scrubbed
):
    if env is not None:
        monkeypatch.setenv("GENAI_OTEL_REDACT_PII", env)
    otel.instrument(capture_content="SPAN_ONLY", redact_pii=keyword)
    await provider.run(with_user_text(provider, PII_TEXT), echoing_reply(provider, f"Noted: {PII_TEXT}"))
    content = span_content(otel.span())
    expected = PII_SCRUBBED if scrubbed else PII_TEXT
    assert content[INPUT][-1]["parts"] == [{"type": "text", "content": expected}]
    assert content[OUTPUT][0]["parts"][-1] == {"type": "text", "content": f"Noted: {expected}"}


async def test_the_redact_hook_sees_scrubbed_text_and_its_output_is_exported(otel, provider):
    seen: list[str] = []

    def redact(text: str) -> str:
        seen.append(text)
        return text.replace("Paris", "<city>").replace("Eiffel Tower", "<landmark>")

    otel.instrument(capture_content="SPAN_AND_EVENT", redact=redact, redact_pii=True)
    params = with_user_text(provider, f"Key {PASTED_KEY}, mail jane.doe@example.com, city Paris")
    await provider.run(params, echoing_reply(provider, "It is sunny in Paris."))
    assert seen
    assert not [t for t in seen if PASTED_KEY in t or "jane.doe@example.com" in t]
    assert "Key [REDACTED:api_key], mail [REDACTED:email], city Paris" in seen
    span_value, event_value = span_content(otel.span()), event_content(otel.events()[0])
    assert span_value == event_value
    assert span_value[INPUT][-1]["parts"][0]["content"] == (
        "Key [REDACTED:api_key], mail [REDACTED:email], city <city>"
    )
    assert span_value[OUTPUT][0]["parts"][-1]["content"] == "It is sunny in <city>."
    text = exported_text(otel)
    assert "Paris" not in text and "Eiffel Tower" not in text  # tool arguments and reasoning too
    if provider.provider == "anthropic":
        assert "<landmark>" in text  # the assistant's reasoning went through the hook too
    # structure is never handed to the hook
    assert "get_weather" not in seen and "image/png" not in seen and "user" not in seen


# --- multimodal ---------------------------------------------------------------------------------------------


def blob_parts(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for m in content[INPUT] for p in m["parts"] if p["type"] == "blob"]


async def test_inline_images_are_exported_as_a_placeholder(otel, flavour):
    otel.instrument(capture_content="SPAN_AND_EVENT")
    await flavour.run()
    for content in (span_content(otel.span()), event_content(otel.events()[0])):
        assert blob_parts(content) == [PLACEHOLDER]
    text = exported_text(otel)
    assert PNG_B64[:32] not in text and PNG_B64[-32:] not in text


async def test_capture_binary_exports_the_bytes(otel, provider):
    otel.instrument(capture_content="SPAN_AND_EVENT", capture_binary=True)
    await provider.run()
    for content in (span_content(otel.span()), event_content(otel.events()[0])):
        [blob] = blob_parts(content)
        check_part(blob)
        assert blob == {"type": "blob", "modality": "image", "mime_type": "image/png", "content": PNG_B64}
        assert base64.b64decode(blob["content"]) == PNG


async def test_capture_binary_from_the_environment(otel, monkeypatch, provider):
    monkeypatch.setenv("GENAI_OTEL_CAPTURE_BINARY", "true")
    otel.instrument(capture_content="SPAN_ONLY")
    await provider.run()
    [blob] = blob_parts(span_content(otel.span()))
    assert blob["content"] == PNG_B64


# --- size limits --------------------------------------------------------------------------------------------


async def test_max_part_length_cuts_long_texts_with_a_marker(otel, provider):
    otel.instrument(capture_content="SPAN_AND_EVENT", max_part_length=64)
    long_text = "The quick brown fox jumps over the lazy dog. " * 40
    await provider.run(with_user_text(provider, long_text), echoing_reply(provider, long_text[::-1]))
    for content in (span_content(otel.span()), event_content(otel.events()[0])):
        [cut] = content[INPUT][-1]["parts"]
        assert len(cut["content"]) == 64
        assert cut["content"].endswith("…[truncated]")
        assert long_text.startswith(cut["content"].removesuffix("…[truncated]"))
        out = content[OUTPUT][0]["parts"][-1]["content"]
        assert len(out) == 64 and out.endswith("…[truncated]")
        assert "Where was this taken?" in user_texts(content[INPUT])  # short texts are whole


async def test_max_attribute_length_drops_whole_messages_and_keeps_valid_json(otel, provider):
    params = provider.params
    for i in range(12):
        role = "user" if i % 2 == 0 else "assistant"
        params["messages"].append({"role": role, "content": f"Message number {i:02d}: " + "lorem ipsum " * 5})
    long_answer = "A long answer. " * 30

    otel.instrument(capture_content="SPAN_ONLY")
    await provider.run(params, echoing_reply(provider, long_answer))
    full = span_content(otel.span())
    limit = 700
    assert len(json.dumps(full[INPUT])) > limit  # the limit will bite

    otel.spans_exporter.clear()
    otel.instrument(capture_content="SPAN_ONLY", max_attribute_length=limit)
    await provider.run(params, echoing_reply(provider, long_answer))
    span = otel.span()
    for key in CONTENT_KEYS:
        if key in span.attributes:
            raw = span.attributes[key]
            assert len(raw) <= limit, key
            check_semconv(key, json.loads(raw))
    limited = span_content(span)
    kept = limited[INPUT]
    assert 0 < len(kept) < len(full[INPUT])
    assert kept == full[INPUT][-len(kept) :]  # the newest inputs are kept, whole
    assert kept[-1]["parts"][0]["content"].startswith("Message number 11")
    assert limited[OUTPUT] == full[OUTPUT]  # what fits is untouched


async def test_an_output_over_the_attribute_limit_is_dropped_not_cut(otel):
    otel.instrument(capture_content="SPAN_ONLY", max_attribute_length=300)
    body = ob.chat_completion_n2()
    body["choices"][1]["message"]["content"] = "x" * 280
    await OPENAI.run(reply=Reply(json_body=body, headers=ob.HEADERS))
    raw = otel.span().attributes[OUTPUT]
    assert len(raw) <= 300
    assert json.loads(raw) == [
        {
            "role": "assistant",
            "parts": [{"type": "text", "content": "Hello! How can I help?"}],
            "finish_reason": "stop",
        }
    ]


# --- completion hooks ---------------------------------------------------------------------------------------


class RecordingHook:
    """A completion hook in the ``opentelemetry-util-genai`` shape."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def on_completion(
        self,
        *,
        inputs: list[Any],
        outputs: list[Any],
        system_instruction: list[Any],
        tool_definitions: list[Any] | None = None,
        span: Any = None,
        log_record: Any = None,
    ) -> None:
        self.calls.append(
            {
                "inputs": copy.deepcopy(inputs),
                "outputs": copy.deepcopy(outputs),
                "system_instruction": copy.deepcopy(system_instruction),
                "tool_definitions": copy.deepcopy(tool_definitions),
                "span": span,
                "recording": span.is_recording() if span is not None else None,
                "log_record": log_record,
            }
        )


def without_blob_bytes(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """With ``capture_binary`` the hook sees inline data as base64, as the span would; this turns
    each such part into the placeholder it would otherwise be, after checking the bytes."""
    out = copy.deepcopy(messages)
    for msg in out:
        for i, part in enumerate(msg["parts"]):
            if part["type"] == "blob":
                assert base64.b64decode(part.pop("content")) == PNG
                msg["parts"][i] = {**part, "size": len(PNG), "sha256": PLACEHOLDER["sha256"]}
    return out


async def test_a_completion_hook_sees_the_content_even_with_no_content(otel, flavour):
    hook = RecordingHook()
    otel.instrument(completion_hook=hook)
    await flavour.run()
    span = otel.span()
    [call] = hook.calls
    expected = flavour.expected
    assert call["inputs"] == expected[INPUT]  # sanitised as the span would be: a placeholder for bytes
    assert call["outputs"] == expected[OUTPUT]
    assert call["system_instruction"] == expected.get(SYSTEM, [])
    assert call["tool_definitions"] == expected[TOOLS]
    assert call["span"].get_span_context().span_id == span.context.span_id
    assert call["recording"] is True  # called before the span ended
    assert call["log_record"] is None
    assert not set(span.attributes) & set(CONTENT_KEYS)  # NO_CONTENT still exports nothing
    assert otel.events() == []


async def test_a_completion_hook_runs_when_the_span_is_not_sampled(otel, provider):
    hook = RecordingHook()
    genai_otel.uninstrument()
    genai_otel.instrument(
        tracer_provider=TracerProvider(sampler=ALWAYS_OFF),
        meter_provider=otel.meter_provider,
        completion_hook=hook,
    )
    await provider.run()
    [call] = hook.calls
    assert call["recording"] is False
    assert call["outputs"] == provider.expected[OUTPUT]


async def test_the_completion_hooks_changes_are_what_gets_exported(otel, provider):
    class Rewriting:
        def on_completion(self, *, inputs, outputs, system_instruction, tool_definitions=None, **_):
            inputs[:] = [
                {"role": "user", "parts": [{"type": "text", "content": f"summary; key {PASTED_KEY}"}]}
            ]
            outputs[0]["parts"].append({"type": "text", "content": "appended by the hook"})
            system_instruction[:] = [{"type": "text", "content": "rewritten instructions"}]
            tool_definitions.clear()

    otel.instrument(capture_content="SPAN_AND_EVENT", completion_hook=Rewriting())
    await provider.run()
    expected_input = [
        {"role": "user", "parts": [{"type": "text", "content": "summary; key [REDACTED:api_key]"}]}
    ]
    for content in (span_content(otel.span()), event_content(otel.events()[0])):
        assert content[INPUT] == expected_input  # and still scrubbed after the hook
        assert content[OUTPUT][0]["parts"][-1] == {"type": "text", "content": "appended by the hook"}
        assert content[SYSTEM] == [{"type": "text", "content": "rewritten instructions"}]
        assert TOOLS not in content  # emptied: not exported
    assert PASTED_KEY not in exported_text(otel)


async def test_a_plain_callable_is_a_completion_hook_too(otel):
    calls: list[dict[str, Any]] = []
    otel.instrument(completion_hook=lambda **kwargs: calls.append(kwargs))
    await ANTHROPIC.run()
    [call] = calls
    assert set(call) == {"inputs", "outputs", "system_instruction", "tool_definitions", "span", "log_record"}


# --- what the completion hook receives: what the span would, never a secret ---------------------------

PRIVATE_TEXT = f"My key is {PASTED_KEY}, mail me at jane.doe@example.com, I live in Paris."


class UploadingHook:
    """An upload hook (as ``opentelemetry-util-genai``'s ``upload``): stores what it was given."""

    def __init__(self) -> None:
        self.stored: list[str] = []
        self.calls: list[dict[str, Any]] = []

    def on_completion(self, *, inputs, outputs, system_instruction, tool_definitions=None, **_):
        self.calls.append(
            copy.deepcopy(
                {INPUT: inputs, OUTPUT: outputs, SYSTEM: system_instruction, TOOLS: tool_definitions}
            )
        )
        self.stored.append(json.dumps([inputs, outputs, system_instruction, tool_definitions]))


def nonempty(content: dict[str, Any]) -> dict[str, Any]:
    """What is exported of what a hook was given: empty lists are not."""
    return {key: value for key, value in content.items() if value}


def city_redact(seen: list[str]) -> Callable[[str], str]:
    def redact(text: str) -> str:
        seen.append(text)
        return text.replace("Paris", "<city>")

    return redact


@pytest.mark.parametrize("redact_pii", [False, True], ids=["pii-kept", "pii-scrubbed"])
@pytest.mark.parametrize("mode", ["NO_CONTENT", "SPAN_AND_EVENT"])
async def test_the_completion_hook_receives_scrubbed_content(otel, provider, mode, redact_pii):
    hook, seen = UploadingHook(), []
    otel.instrument(
        capture_content=mode, completion_hook=hook, redact=city_redact(seen), redact_pii=redact_pii
    )
    params = with_user_text(provider, PRIVATE_TEXT)
    replay = await provider.run(
        params, echoing_reply(provider, f"Noted, {PASTED_KEY} at jane.doe@example.com.")
    )
    assert PASTED_KEY in replay.requests[0].content.decode()  # the SDK did send it
    [stored] = hook.stored
    assert PASTED_KEY not in stored and PASTED_KEY[8:24] not in stored  # never, whatever the switches
    assert "[REDACTED:api_key]" in stored
    assert ("jane.doe@example.com" in stored) is not redact_pii
    assert ("[REDACTED:email]" in stored) is redact_pii
    assert "Paris" not in stored and "<city>" in stored  # the user's redact ran before the hook
    mail = "[REDACTED:email]" if redact_pii else "jane.doe@example.com"
    [call] = hook.calls
    assert call[INPUT][-1]["parts"] == [
        {"type": "text", "content": f"My key is [REDACTED:api_key], mail me at {mail}, I live in <city>."}
    ]
    assert call[OUTPUT][0]["parts"][-1] == {
        "type": "text",
        "content": f"Noted, [REDACTED:api_key] at {mail}.",
    }
    assert seen  # and it saw no secret
    assert not [t for t in seen if PASTED_KEY in t]
    if mode == "NO_CONTENT":
        assert not span_content(otel.span()) and otel.events() == []
    else:  # the hook got what the span and the event carry
        assert span_content(otel.span()) == event_content(otel.events()[0]) == nonempty(call)
    assert PASTED_KEY not in exported_text(otel)


async def test_the_completion_hook_gets_placeholders_and_cut_texts_like_the_span(otel, provider):
    hook = UploadingHook()
    otel.instrument(capture_content="SPAN_ONLY", completion_hook=hook, max_part_length=40)
    long_text = "The quick brown fox jumps over the lazy dog. " * 10
    await provider.run(with_user_text(provider, long_text))
    [call] = hook.calls
    assert nonempty(call) == span_content(otel.span())
    assert blob_parts(call) == [PLACEHOLDER]  # no image bytes handed to the hook
    [cut] = call[INPUT][-1]["parts"]
    assert len(cut["content"]) == 40 and cut["content"].endswith("…[truncated]")
    assert PNG_B64[:32] not in hook.stored[0]


async def test_the_completion_hook_gets_the_bytes_with_capture_binary(otel, provider):
    hook = RecordingHook()
    otel.instrument(completion_hook=hook, capture_binary=True)
    await provider.run()
    [call] = hook.calls
    assert without_blob_bytes(call["inputs"]) == provider.expected[INPUT]
    assert otel.events() == [] and not span_content(otel.span())


async def test_content_is_sanitised_once_for_the_hook_the_span_and_the_event(otel, provider):
    """The user's ``redact`` sees each text once, though three consumers get it; a text the hook
    adds is sanitised once more (it never went through the scrubbers)."""
    seen: list[str] = []

    class Adding:
        def on_completion(self, *, inputs, outputs, **_):
            inputs.append(
                {"role": "user", "parts": [{"type": "text", "content": f"added {PASTED_KEY} Paris"}]}
            )

    otel.instrument(capture_content="SPAN_AND_EVENT", completion_hook=Adding(), redact=city_redact(seen))
    await provider.run(with_user_text(provider, "Only once, Paris"))
    assert seen.count("Only once, Paris") == 1
    assert seen.count("added [REDACTED:api_key] Paris") == 1
    assert not [t for t in seen if "<city>" in t]  # no output of the pipeline went through it again
    assert len(seen) == len(set(seen)), seen  # the texts of these calls are all distinct
    for content in (span_content(otel.span()), event_content(otel.events()[0])):
        assert user_texts(content[INPUT])[-2:] == ["Only once, <city>", "added [REDACTED:api_key] <city>"]


async def test_a_failing_scrubber_keeps_the_content_from_the_hook_too(otel, provider, internal_errors):
    hook = RecordingHook()

    def broken(text: str) -> str:
        raise RuntimeError("redact failed")

    otel.instrument(capture_content="SPAN_AND_EVENT", completion_hook=hook, redact=broken)
    await provider.run(with_user_text(provider, PRIVATE_TEXT))
    assert hook.calls == []  # fails closed: not the raw content instead
    assert not span_content(otel.span()) and otel.events() == []
    assert {label for label, _ in internal_errors} == {"sanitise content"}
    internal_errors.clear()


HOOK_MODULE = "genai_otel_test_completion_hook"
HOOK_SOURCE = """
    import dataclasses, json
    from opentelemetry.util.genai.types import TextPart

    CALLS = []
    UPLOADED = []  # what an upload hook would store

    class MarkingHook:  # written, like every hook of this group, to util-genai's types
        def on_completion(self, *, inputs, outputs, system_instruction, tool_definitions=None,
                          span=None, log_record=None):
            CALLS.append({"inputs": len(inputs), "outputs": len(outputs), "span": span})
            as_dicts = [[dataclasses.asdict(x) for x in items or ()]
                        for items in (inputs, outputs, system_instruction, tool_definitions)]
            UPLOADED.append(json.dumps(as_dicts))
            outputs[0].parts.append(TextPart(content="marked by the entry-point hook"))

    def make_hook():
        return MarkingHook()
"""


@pytest.fixture
def hook_distribution(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An installed distribution (a dist-info directory on ``sys.path``) that registers the entry
    point ``test_marking`` in ``opentelemetry_genai_completion_hook``."""
    (tmp_path / f"{HOOK_MODULE}.py").write_text(textwrap.dedent(HOOK_SOURCE))
    dist = tmp_path / "genai_otel_test_completion_hook-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: genai-otel-test-completion-hook\nVersion: 1.0\n"
    )
    (dist / "entry_points.txt").write_text(
        f"[opentelemetry_genai_completion_hook]\ntest_marking = {HOOK_MODULE}:make_hook\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "test_marking"
    sys.modules.pop(HOOK_MODULE, None)


async def test_a_completion_hook_named_by_an_entry_point_is_loaded(
    otel, monkeypatch, hook_distribution, provider
):
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_COMPLETION_HOOK", hook_distribution)
    monkeypatch.setenv(CAPTURE_ENV, "SPAN_ONLY")
    otel.instrument()
    await provider.run()
    calls = sys.modules[HOOK_MODULE].CALLS
    span = otel.span()
    assert [(c["inputs"], c["outputs"]) for c in calls] == [(len(provider.expected[INPUT]), 1)]
    assert calls[0]["span"].get_span_context().span_id == span.context.span_id
    output = span_content(span)[OUTPUT]
    assert output[0]["parts"][-1] == {"type": "text", "content": "marked by the entry-point hook"}


async def test_a_completion_hook_from_an_entry_point_runs_with_no_content(
    otel, monkeypatch, hook_distribution
):
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_COMPLETION_HOOK", hook_distribution)
    otel.instrument()
    await OPENAI.run()
    assert len(sys.modules[HOOK_MODULE].CALLS) == 1
    assert not span_content(otel.span())


@pytest.mark.parametrize("redact_pii", ["false", "true"])
async def test_a_completion_hook_from_an_entry_point_receives_scrubbed_content(
    otel, monkeypatch, hook_distribution, provider, redact_pii
):
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_COMPLETION_HOOK", hook_distribution)
    monkeypatch.setenv("GENAI_OTEL_REDACT_PII", redact_pii)
    otel.instrument()  # NO_CONTENT: the hook still runs, on scrubbed content
    await provider.run(with_user_text(provider, PRIVATE_TEXT))
    [stored] = sys.modules[HOOK_MODULE].UPLOADED
    assert PASTED_KEY not in stored and "[REDACTED:api_key]" in stored
    assert ("jane.doe@example.com" in stored) is (redact_pii == "false")
    assert not span_content(otel.span())


async def test_an_unknown_completion_hook_name_is_a_warning_not_a_failure(otel, monkeypatch, caplog):
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_COMPLETION_HOOK", "no_such_hook")
    with caplog.at_level(logging.WARNING, logger="genai_otel"):
        otel.instrument(capture_content="SPAN_ONLY")
    assert any("no_such_hook" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    await OPENAI.run()
    assert span_content(otel.span()) == OPENAI.expected


async def test_a_completion_hook_from_entry_points_as_seen_by_importlib(otel, monkeypatch):
    """The same through a stub of ``importlib.metadata.entry_points`` (what completion_hook.py calls)."""
    import importlib.metadata

    hook = RecordingHook()

    class EntryPoint:
        name = "stubbed"

        def load(self) -> Any:
            return lambda: hook

    def entry_points(**kwargs: Any) -> list[Any]:
        return [EntryPoint()] if kwargs.get("group") == "opentelemetry_genai_completion_hook" else []

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_COMPLETION_HOOK", "stubbed")
    otel.instrument()
    await OPENAI.run()
    [call] = hook.calls
    # the group's hooks get util-genai's dataclasses, which read back as the semconv dicts
    assert [_asdict(m) for m in call["outputs"]] == OPENAI.expected[OUTPUT]


def _asdict(message: Any) -> dict[str, Any]:
    out = dataclasses.asdict(message)
    return {k: v for k, v in out.items() if v is not None}


async def test_the_official_upload_hook_stores_what_the_span_would_carry(otel, monkeypatch, tmp_path):
    """util-genai's own ``upload`` hook, loaded by name, through fsspec to a local directory: it
    receives util-genai's message types (as util-genai's instrumentations pass them), uploads
    scrubbed content and puts its references on the span."""
    pytest.importorskip("fsspec")
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_COMPLETION_HOOK", "upload")
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_UPLOAD_BASE_PATH", f"file://{tmp_path}")
    otel.instrument()  # NO_CONTENT: the hook still runs, on scrubbed content
    try:
        await OPENAI.run(with_user_text(OPENAI, PRIVATE_TEXT))
    finally:
        hook = genai_otel._patching.registry.REGISTRY.telemetry.completion_hook.hook  # type: ignore[union-attr]
        hook.shutdown()  # waits for its upload thread
    span = otel.span()
    refs = {k: v for k, v in span.attributes.items() if k.endswith("_ref")}
    assert set(refs) >= {"gen_ai.input.messages_ref", "gen_ai.output.messages_ref"}, dict(span.attributes)
    stored = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    assert "I live in Paris" in stored, stored
    assert PASTED_KEY not in stored and "[REDACTED:api_key]" in stored
    assert not span_content(span)

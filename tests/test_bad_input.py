"""Malformed but parseable provider bodies: the user gets exactly what the uninstrumented client
gives, and every call ends exactly one span.

Hypothesis starts from the realistic bodies in ``tests/bodies`` and mutates them: fields removed,
set to null or to a value of the wrong type, empty ``choices``/``content``, unknown finish and
stop reasons, tool-call arguments that are not JSON, huge strings, and any unicode JSON can carry
(lone surrogates included, sent as ``\\ud800`` escapes). Each body is answered once to the real,
uninstrumented ``openai``/``anthropic`` client and once to the instrumented one (chat completions
and ``messages.create``, plain and ``stream=True``, sync; a smaller async run for streams). What
the user sees is compared: the result's ``model_dump()``, every streamed chunk, or the
exception's type and message.

Internal errors genai_otel swallows on such input are collected per example (with the input) and
cleared, so the autouse ``internal_errors`` fixture does not fail the test for them; they are
printed at the end of the test (``-s`` shows them) and there must be none: a malformed body may
cost telemetry, never an error genai_otel hides.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

import anthropic
import httpx2
import openai
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import genai_otel
from bodies import anthropic_bodies as ab
from bodies import openai_bodies as ob
from genai_otel._telemetry import content as content_module
from replay import sse_events

# The SDKs' own stream helpers dump the malformed models they build, on both runs alike.
pytestmark = pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning")

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
ASYNC_SETTINGS = settings(SETTINGS, max_examples=25)
NEW_SETTINGS = settings(SETTINGS, max_examples=40)  # Responses API and the stream managers
NEW_ASYNC_SETTINGS = settings(SETTINGS, max_examples=20)
SWALLOWED_LIMIT = 0.0  # the share of examples that may make genai_otel swallow an internal error

# --- values ----------------------------------------------------------------------------------------------

SURROGATES = ["\ud800", "\udfff", "\ud83d", "\ude00", "\ud83d\ude00"]
unicode_text = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=()), max_size=40),  # lone surrogates included
    st.lists(st.sampled_from(SURROGATES), max_size=4).map("".join),
)
huge_text = st.builds(
    lambda c, n: c * n,
    st.sampled_from(["x", "é", "😀", "\ud800", "\x00"]),
    st.sampled_from([70_000, 400_000]),
)
any_text = st.one_of(
    st.text(max_size=20), unicode_text, huge_text, st.sampled_from(["", "{", '{"a":', "null", "[]"])
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    any_text,
)
wrong_values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=6), scalars, max_size=3),
)
FINISH = [
    "stop",
    "length",
    "tool_calls",
    "content_filter",
    "function_call",
    "end_turn",
    "tool_use",
    "max_tokens",
]
finish_values = st.one_of(st.sampled_from(FINISH), st.none(), any_text, st.integers())
#: Responses API: ``status`` of a response or an output item, ``incomplete_details.reason``, event types
RESPONSE_STATUS = ["completed", "incomplete", "failed", "cancelled", "in_progress", "queued"]
RESPONSE_EVENTS = [
    "response.created",
    "response.in_progress",
    "response.completed",
    "response.incomplete",
    "response.failed",
    "response.output_text.delta",
    "response.output_item.added",
    "response.output_item.done",
    "response.function_call_arguments.delta",
    "error",
]
Focus = Mapping[str, st.SearchStrategy[Any]]
RESPONSES_FOCUS: Focus = {
    "status": st.one_of(st.sampled_from(RESPONSE_STATUS), finish_values),
    "reason": st.one_of(st.sampled_from(["max_output_tokens", "content_filter"]), finish_values),
    "type": st.one_of(
        st.sampled_from([*RESPONSE_EVENTS, "message", "function_call", "reasoning", "web_search_call"]),
        finish_values,
    ),
    "delta": st.one_of(any_text, st.none(), st.integers(), st.just([])),
}


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(_paths(value, (*prefix, i)))
    return out


def _parent(root: Any, path: tuple[Any, ...]) -> Any:
    node = root
    for key in path[:-1]:
        node = node[key]
    return node


@st.composite
def mutated(draw: st.DrawFn, base: Any, focus: Focus | None = None) -> Any:
    """``base`` with 0-4 random mutations; "typed" mutations give finish reasons, tool arguments
    or text, and a path whose last key is in ``focus`` the values of its strategy."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(0, 4))):
        paths = _paths(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(doc, path)
        key = path[-1]
        op = draw(st.sampled_from(["delete", "null", "wrong", "empty", "typed"]))
        if op == "delete":
            del parent[key]
        elif op == "null":
            parent[key] = None
        elif op == "empty":
            parent[key] = draw(st.sampled_from([[], {}, ""]))
        elif op == "typed" and focus and key in focus:
            parent[key] = draw(focus[key])
        elif op == "typed" and key in ("finish_reason", "stop_reason", "type"):
            parent[key] = draw(finish_values)
        elif op == "typed" and key in ("arguments", "partial_json", "input"):
            parent[key] = draw(st.one_of(any_text, st.just("{not json"), st.just('{"a": 1')))
        elif op == "typed":
            parent[key] = draw(any_text)
        else:
            parent[key] = draw(wrong_values)
    return doc


def parse_sse(sse: str) -> list[tuple[str | None, Any]]:
    events = []
    for frame in sse.split("\n\n"):
        if not frame:
            continue
        event, data = None, None
        for line in frame.split("\n"):
            if line.startswith("event: "):
                event = line[len("event: ") :]
            elif line.startswith("data: "):
                data = line[len("data: ") :]
        events.append((event, data if data == "[DONE]" else json.loads(data)))
    return events


@st.composite
def mutated_stream(draw: st.DrawFn, sse: str, focus: Focus | None = None) -> str:
    events = parse_sse(sse)
    events = [
        (event, draw(mutated(data, focus)) if isinstance(data, dict) else data) for event, data in events
    ]
    for _ in range(draw(st.integers(0, 2))):  # drop or duplicate an event
        i = draw(st.integers(0, len(events) - 1)) if events else 0
        if events and draw(st.booleans()):
            del events[i]
        elif events:
            events.insert(i, events[i])
    return sse_events(events)


def _openai_chat_bodies() -> st.SearchStrategy[Any]:
    bases = [ob.chat_completion(), ob.chat_completion_n2(), ob.chat_completion_tool_calls()]
    empty = {**ob.chat_completion(), "choices": []}
    return st.one_of(*(mutated(b) for b in bases), st.just(empty), st.just({}), st.just({"choices": None}))


def _openai_stream_bodies() -> st.SearchStrategy[str]:
    empty = sse_events(
        [(None, {"id": ob.CHAT_ID, "object": "chat.completion.chunk", "choices": []}), (None, "[DONE]")]
    )
    return st.one_of(
        mutated_stream(ob.chat_stream(include_usage=True)),
        mutated_stream(ob.chat_tool_call_stream()),
        mutated_stream(ob.chat_stream_cut_off()),
        st.just(empty),
        st.just(sse_events([(None, "[DONE]")])),
    )


def _openai_response_bodies() -> st.SearchStrategy[Any]:
    bases = [ob.response(), ob.response_function_call(), ob.response_reasoning(), ob.response_incomplete()]
    return st.one_of(
        *(mutated(b, RESPONSES_FOCUS) for b in bases),
        st.just(ob.response([])),
        st.just({}),
        st.just({"output": None, "status": "completed"}),
    )


def _openai_response_stream_bodies() -> st.SearchStrategy[str]:
    return st.one_of(
        *(
            mutated_stream(s, RESPONSES_FOCUS)
            for s in (
                ob.response_stream(),
                ob.response_function_call_stream(),
                ob.response_stream_failed(),
                ob.response_stream_error_event(),
                ob.response_stream_cut_off(),
            )
        ),
        st.just(""),
        st.just(sse_events([("response.completed", {"type": "response.completed", "sequence_number": 0})])),
    )


def _anthropic_bodies() -> st.SearchStrategy[Any]:
    empty = {**ab.TEXT, "content": []}
    return st.one_of(
        *(mutated(b) for b in (ab.TEXT, ab.TOOL_USE, ab.THINKING, ab.CACHED)), st.just(empty), st.just({})
    )


def _anthropic_stream_bodies() -> st.SearchStrategy[str]:
    return st.one_of(
        *(
            mutated_stream(s)
            for s in (ab.STREAM_TEXT, ab.STREAM_TOOL_USE, ab.STREAM_THINKING, ab.STREAM_ERROR)
        ),
        st.just(sse_events([ab.PING, ab.MESSAGE_STOP])),
        st.just(""),
    )


# --- running one call, instrumented or not ---------------------------------------------------------------


def _response(body: Any) -> httpx2.Response:
    headers = {"x-request-id": "req_0123456789abcdef"}
    if isinstance(body, str):  # SSE
        headers["content-type"] = "text/event-stream; charset=utf-8"
        return httpx2.Response(200, headers=headers, content=body.encode())
    headers["content-type"] = "application/json"
    return httpx2.Response(200, headers=headers, content=json.dumps(body).encode())  # \uXXXX escapes


def _client(provider: str, body: Any, asynchronous: bool) -> Any:
    transport = httpx2.MockTransport(lambda request: _response(body))
    http = httpx2.AsyncClient(transport=transport) if asynchronous else httpx2.Client(transport=transport)
    if provider.startswith("openai"):
        cls = openai.AsyncOpenAI if asynchronous else openai.OpenAI
        return cls(api_key="sk-proj-bad-input-test-0000", http_client=http, max_retries=0)
    cls = anthropic.AsyncAnthropic if asynchronous else anthropic.Anthropic
    return cls(api_key="sk-ant-api03-bad-input-test-0000", http_client=http, max_retries=0)


def _call(client: Any, provider: str, stream: bool) -> Any:
    messages = [{"role": "user", "content": "Hello"}]
    if provider == "openai-responses":
        return client.responses.create(model="gpt-4.1", input="Hello", **({"stream": True} if stream else {}))
    if provider == "openai":
        extra = {"stream": True, "stream_options": {"include_usage": True}} if stream else {}
        return client.chat.completions.create(model=ob.MODEL, messages=messages, **extra)
    return client.messages.create(
        model=ab.MODEL, max_tokens=64, messages=messages, **({"stream": True} if stream else {})
    )


def _dump(value: Any) -> Any:
    try:
        return ("value", value.model_dump(warnings=False))
    except AttributeError:
        return ("value", repr(value))


def _exc(exc: BaseException) -> tuple[str, str, str]:
    return (
        "raised",
        f"{type(exc).__module__}.{type(exc).__qualname__}",
        re.sub(r"0x[0-9a-f]+", "0x?", str(exc)),
    )


def outcome_sync(provider: str, body: Any, stream: bool) -> list[Any]:
    """Everything the user sees: the result or each chunk, then the exception if one was raised."""
    seen: list[Any] = []
    try:
        result = _call(_client(provider, body, False), provider, stream)
        if not stream:
            return [_dump(result)]
        try:
            for chunk in result:
                seen.append(_dump(chunk))
        finally:
            result.close()
    except Exception as exc:
        seen.append(_exc(exc))
    return seen


async def outcome_async(provider: str, body: Any, stream: bool) -> list[Any]:
    seen: list[Any] = []
    try:
        result = await _call(_client(provider, body, True), provider, stream)
        if not stream:
            return [_dump(result)]
        try:
            async for chunk in result:
                seen.append(_dump(chunk))
        finally:
            await result.close()
    except Exception as exc:
        seen.append(_exc(exc))
    return seen


#: Stream helpers that send the request on ``__enter__``: surface -> how to get the final object.
MANAGERS = {
    "anthropic-manager": "get_final_message",
    "openai-chat-manager": "get_final_completion",
    "openai-responses-manager": "get_final_response",
}


def _manager(client: Any, surface: str) -> Any:
    messages = [{"role": "user", "content": "Hello"}]
    if surface == "anthropic-manager":
        return client.messages.stream(model=ab.MODEL, max_tokens=64, messages=messages)
    if surface == "openai-chat-manager":
        return client.chat.completions.stream(
            model=ob.MODEL, messages=messages, stream_options={"include_usage": True}
        )
    return client.responses.stream(model="gpt-4.1", input="Hello")


def outcome_manager_sync(surface: str, body: Any) -> list[Any]:
    """``with client....stream(...) as s``: every event, then the final object, or the exception."""
    seen: list[Any] = []
    try:
        with _manager(_client(surface, body, False), surface) as s:
            for event in s:
                seen.append(_dump(event))
            seen.append(_dump(getattr(s, MANAGERS[surface])()))
    except Exception as exc:
        seen.append(_exc(exc))
    return seen


async def outcome_manager_async(surface: str, body: Any) -> list[Any]:
    seen: list[Any] = []
    try:
        async with _manager(_client(surface, body, True), surface) as s:
            async for event in s:
                seen.append(_dump(event))
            seen.append(_dump(await getattr(s, MANAGERS[surface])()))
    except Exception as exc:
        seen.append(_exc(exc))
    return seen


class Findings:
    """Swallowed internal errors, with the input that caused them."""

    def __init__(self) -> None:
        self.examples = 0
        self.items: list[tuple[str, str, str]] = []

    def take(self, internal_errors: list[tuple[str, BaseException]], body: Any) -> None:
        self.examples += 1
        if internal_errors:
            shown = body if isinstance(body, str) else json.dumps(body)
            for label, exc in internal_errors:
                self.items.append((label, f"{type(exc).__name__}: {exc}"[:300], shown[:600]))
            internal_errors.clear()

    def check(self, name: str, limit: float = SWALLOWED_LIMIT) -> None:
        if self.items:
            print(f"\n{name}: {len(self.items)} swallowed internal error(s) in {self.examples} examples")
            for label, exc, body in self.items[:10]:
                print(f"  [{label}] {exc}\n    input: {body}")
        bad_examples = len({body for _, _, body in self.items})
        assert bad_examples <= limit * self.examples, self.items[:5]


def compare(
    otel: Any,
    internal_errors: list[tuple[str, BaseException]],
    findings: Findings,
    body: Any,
    run: Callable[[], list[Any]],
) -> None:
    genai_otel.uninstrument()
    expected = run()
    otel.instrument(capture_content=True)
    otel.spans_exporter.clear()
    try:
        got = run()
        spans = otel.spans()
    finally:
        genai_otel.uninstrument()
    assert got == expected
    assert len(spans) == 1, [s.name for s in spans]
    assert spans[0].end_time is not None
    findings.take(internal_errors, body)


# --- the properties --------------------------------------------------------------------------------------

CASES = [
    ("openai", False, _openai_chat_bodies(), SWALLOWED_LIMIT, SETTINGS),
    ("openai", True, _openai_stream_bodies(), SWALLOWED_LIMIT, SETTINGS),
    ("openai-responses", False, _openai_response_bodies(), SWALLOWED_LIMIT, NEW_SETTINGS),
    ("openai-responses", True, _openai_response_stream_bodies(), SWALLOWED_LIMIT, NEW_SETTINGS),
    ("anthropic", False, _anthropic_bodies(), SWALLOWED_LIMIT, SETTINGS),
    ("anthropic", True, _anthropic_stream_bodies(), SWALLOWED_LIMIT, SETTINGS),
]


@pytest.mark.parametrize(
    ("provider", "stream", "bodies", "limit", "config"),
    CASES,
    ids=[
        "openai-chat",
        "openai-stream",
        "openai-responses",
        "openai-responses-stream",
        "anthropic",
        "anthropic-stream",
    ],
)
def test_sync_calls_see_what_the_uninstrumented_client_gives(
    otel, internal_errors, provider, stream, bodies, limit, config
):
    findings = Findings()

    @config
    @given(body=bodies)
    def check(body: Any) -> None:
        compare(otel, internal_errors, findings, body, lambda: outcome_sync(provider, body, stream))

    check()
    findings.check(f"{provider} stream={stream}", limit)


@pytest.mark.parametrize(
    ("provider", "bodies", "limit"),
    [
        ("openai", _openai_stream_bodies(), SWALLOWED_LIMIT),
        ("openai-responses", _openai_response_stream_bodies(), SWALLOWED_LIMIT),
        ("anthropic", _anthropic_stream_bodies(), SWALLOWED_LIMIT),
    ],
    ids=["openai-stream", "openai-responses-stream", "anthropic-stream"],
)
def test_async_streams_see_what_the_uninstrumented_client_gives(
    otel, internal_errors, provider, bodies, limit
):
    findings = Findings()

    @ASYNC_SETTINGS
    @given(body=bodies)
    def check(body: Any) -> None:
        compare(
            otel, internal_errors, findings, body, lambda: asyncio.run(outcome_async(provider, body, True))
        )

    check()
    findings.check(f"{provider} async stream", limit)


MANAGER_CASES = [
    ("anthropic-manager", _anthropic_stream_bodies(), False),
    ("openai-chat-manager", _openai_stream_bodies(), False),
    ("openai-responses-manager", _openai_response_stream_bodies(), False),
    ("anthropic-manager", _anthropic_stream_bodies(), True),
]


@pytest.mark.parametrize(
    ("surface", "bodies", "asynchronous"),
    MANAGER_CASES,
    ids=["anthropic", "openai-chat", "openai-responses", "anthropic-async"],
)
def test_stream_managers_see_what_the_uninstrumented_client_gives(
    otel, internal_errors, surface, bodies, asynchronous
):
    findings = Findings()

    def run(body: Any) -> list[Any]:
        if asynchronous:
            return asyncio.run(outcome_manager_async(surface, body))
        return outcome_manager_sync(surface, body)

    @(NEW_ASYNC_SETTINGS if asynchronous else NEW_SETTINGS)
    @given(body=bodies)
    def check(body: Any) -> None:
        compare(otel, internal_errors, findings, body, lambda: run(body))

    check()
    findings.check(f"{surface} async={asynchronous}")


# --- minimal reproductions of robustness bugs the fuzzing found (fixed) ------------------------------


def _anthropic_stream(*events: tuple[str, Any]) -> str:
    start = ab._start("msg_01Repro", 5)
    return sse_events([start, *events, ab.MESSAGE_STOP])


REPRODUCTIONS = {
    # AnthropicStream accumulator: ``chunk.delta.stop_reason`` on a null delta
    "anthropic-message_delta-null-delta": (
        "anthropic",
        _anthropic_stream(
            ("message_delta", {"type": "message_delta", "delta": None, "usage": {"output_tokens": 1}})
        ),
    ),
    # ``u.output_tokens`` on a null usage
    "anthropic-message_delta-null-usage": (
        "anthropic",
        _anthropic_stream(
            ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": None})
        ),
    ),
    # ``message.usage.input_tokens`` on a null usage in message_start
    "anthropic-message_start-null-usage": (
        "anthropic",
        sse_events(
            [
                ("message_start", {"type": "message_start", "message": {**ab.TEXT, "usage": None}}),
                ab.MESSAGE_STOP,
            ]
        ),
    ),
    # ``delta.type`` on a delta that is a string
    "anthropic-content_block_delta-string-delta": (
        "anthropic",
        _anthropic_stream(
            ab._block(0, {"type": "text", "text": ""}),
            ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": "x"}),
        ),
    ),
    # finish: ``sorted(self._blocks.items())`` with a null and an int block index
    "anthropic-content_block_start-null-index": (
        "anthropic",
        _anthropic_stream(
            ab._block(0, {"type": "text", "text": ""}),
            (
                "content_block_start",
                {"type": "content_block_start", "index": None, "content_block": {"type": "text", "text": ""}},
            ),
        ),
    ),
    # OpenAI chat stream finish: a tool call ``index`` that is a list is used as a dict key
    "openai-tool_call-list-index": (
        "openai",
        sse_events(
            [
                (
                    None,
                    {
                        "id": ob.CHAT_ID,
                        "object": "chat.completion.chunk",
                        "created": ob.CREATED,
                        "model": ob.RESPONSE_MODEL,
                        "choices": [
                            {
                                "index": 0,
                                "delta": {
                                    "role": "assistant",
                                    "tool_calls": [
                                        {
                                            "index": [],
                                            "id": "call_1",
                                            "type": "function",
                                            "function": {"name": "f", "arguments": "{}"},
                                        }
                                    ],
                                },
                                "finish_reason": None,
                            }
                        ],
                    },
                ),
                (None, "[DONE]"),
            ]
        ),
    ),
}


@pytest.mark.parametrize("name", list(REPRODUCTIONS))
def test_known_malformed_stream_events_are_handled_without_internal_errors(otel, internal_errors, name):
    provider, body = REPRODUCTIONS[name]
    findings = Findings()
    try:
        compare(otel, internal_errors, findings, body, lambda: outcome_sync(provider, body, True))
    finally:
        errors = list(findings.items)
    assert not errors, errors


# --- more reproductions the fuzzing of the Responses API and the stream managers found (fixed) ---------
# Each made genai_otel swallow an internal error (the user still saw exactly what the
# uninstrumented client gives, and the span ended), so telemetry for the call was incomplete.


def _responses_events(*pairs: tuple[str, dict[str, Any]]) -> str:
    return sse_events(
        [(kind, {"type": kind, "sequence_number": n, **data}) for n, (kind, data) in enumerate(pairs)]
    )


def _with(body: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    _parent(body, path)[path[-1]] = value
    return body


def _chat_chunk(choices: Any) -> str:
    chunk = {
        "id": ob.CHAT_ID,
        "object": "chat.completion.chunk",
        "created": ob.CREATED,
        "model": ob.RESPONSE_MODEL,
        "choices": choices,
    }
    return sse_events([(None, chunk), (None, "[DONE]")])


_TEXT_AT = {"item_id": ob.MSG_ID, "output_index": 0, "content_index": 0}

FOUND_BY_FUZZING = {
    # responses.py ``_finish_reason``: ``get(item, "type") in CLIENT_TOOL_CALLS`` (a frozenset) with an
    # unhashable item type; responses_content.py ``item_parts`` (``kind in CLIENT_TOOL_CALLS``) next
    "openai-responses-output-item-list-type": (
        "openai-responses",
        False,
        _with(ob.response(), ("output", 0, "type"), []),
        "TypeError: unhashable type: 'list' (responses.py _finish_reason, responses_content.py item_parts)",
    ),
    # responses.py ``_finish_reason``: ``for item in output`` on a truthy non-iterable output
    "openai-responses-output-int": (
        "openai-responses",
        False,
        _with(ob.response(), ("output",), 5),
        "TypeError: 'int' object is not iterable (responses.py _finish_reason)",
    ),
    # responses_content.py ``item_parts``: ``for summary in get(item, "summary") or ()``
    "openai-responses-reasoning-summary-int": (
        "openai-responses",
        False,
        _with(ob.response_reasoning(), ("output", 0, "summary"), 5),
        "TypeError: 'int' object is not iterable (responses_content.py item_parts, reasoning)",
    ),
    # ResponsesAccumulator.add: ``kind in _RESPONSE_EVENTS`` with an unhashable event ``type``
    "openai-responses-stream-dict-event-type": (
        "openai-responses",
        True,
        sse_events(
            [
                (
                    "response.created",
                    {"type": {}, "sequence_number": 0, "response": ob.response([], status="in_progress")},
                )
            ]
        ),
        "TypeError: unhashable type: 'dict' (responses.py ResponsesAccumulator.add)",
    ),
    # ResponsesAccumulator.add keeps ``event.delta`` unchecked; finish: ``"".join(self._texts)``
    "openai-responses-stream-null-text-delta": (
        "openai-responses",
        True,
        _responses_events(("response.output_text.delta", {**_TEXT_AT, "delta": None, "logprobs": []})),
        "TypeError: sequence item 0: expected str instance, NoneType found (ResponsesAccumulator.finish)",
    ),
    # ResponsesAccumulator.finish: ``getattr(response, "status", None) in _FINAL_STATUSES``
    "openai-responses-stream-dict-status": (
        "openai-responses",
        True,
        _responses_events(("response.created", {"response": {**ob.response([]), "status": {}}})),
        "TypeError: unhashable type: 'dict' (responses.py ResponsesAccumulator.finish)",
    ),
    # chat.py ``parse_response``: ``for c in choices`` on a truthy non-iterable ``choices``
    "openai-chat-choices-int": (
        "openai",
        False,
        {**ob.chat_completion(), "choices": 5},
        "TypeError: 'int' object is not iterable (chat.py parse_response)",
    ),
    # ChatAccumulator.add: ``for choice in getattr(chunk, "choices", None) or ()``
    "openai-chat-stream-choices-int": (
        "openai",
        True,
        _chat_chunk(5),
        "TypeError: 'int' object is not iterable (_chunks.py ChatAccumulator.add)",
    ),
    # _chunks.py ``_fold_call`` keeps non-str ``arguments``; ``_messages``: ``"".join(arguments)``
    "openai-chat-stream-int-tool-arguments": (
        "openai",
        True,
        _chat_chunk(
            [
                {
                    "index": 0,
                    "delta": {
                        "role": "assistant",
                        "tool_calls": [
                            {"index": 0, "id": "call_1", "type": "function", "function": {"arguments": 5}}
                        ],
                    },
                    "finish_reason": None,
                }
            ]
        ),
        "TypeError: sequence item 0: expected str instance, int found (_chunks.py ChatAccumulator._messages)",
    ),
    # AnthropicStream accumulator: ``self._blocks.get(chunk.index)`` with an unhashable delta index
    "anthropic-content_block_delta-list-index": (
        "anthropic",
        True,
        _anthropic_stream(
            ab._block(0, {"type": "text", "text": ""}),
            (
                "content_block_delta",
                {"type": "content_block_delta", "index": [], "delta": {"type": "text_delta", "text": "x"}},
            ),
        ),
        "TypeError: unhashable type: 'list' (anthropic/_stream.py MessageStreamAccumulator.add)",
    ),
}


@pytest.mark.parametrize("name", list(FOUND_BY_FUZZING))
def test_malformed_bodies_the_fuzzing_found_swallow_no_internal_errors(otel, internal_errors, name):
    provider, stream, body, _ = FOUND_BY_FUZZING[name]
    findings = Findings()
    try:
        compare(otel, internal_errors, findings, body, lambda: outcome_sync(provider, body, stream))
    finally:
        errors = list(findings.items)
    assert not errors, errors


def test_content_far_over_the_attribute_limit_is_trimmed_in_linear_time(otel, internal_errors, monkeypatch):
    """Trimming dropped one message per re-encoding of all the rest: 10,000 input messages took
    about a minute on the user's thread. Each message is now encoded once: the characters JSON
    encoding produces for the whole call stay within a small multiple of the messages' own size
    (the quadratic version produced ~n/2 times that)."""
    encoded = [0]

    def counting_dumps(obj: Any, *args: Any, **kwargs: Any) -> str:
        out = json.dumps(obj, *args, **kwargs)
        encoded[0] += len(out)
        return out

    monkeypatch.setattr(content_module, "json", SimpleNamespace(dumps=counting_dumps))
    body = ob.chat_completion()
    messages = [{"role": "user", "content": f"message {i}"} for i in range(5_000)]
    client = openai.OpenAI(
        api_key="sk-test-not-a-key",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(lambda r: httpx2.Response(200, json=body))),
    )
    otel.instrument(capture_content=True)
    client.chat.completions.create(model=ob.MODEL, messages=messages)
    [span] = otel.spans()
    kept = json.loads(span.attributes["gen_ai.input.messages"])
    assert 0 < len(kept) < len(messages) and kept[-1]["parts"][0]["content"] == "message 4999"
    once = sum(
        len(json.dumps({"role": "user", "parts": [{"type": "text", "content": m["content"]}]}))
        for m in messages
    )
    assert encoded[0] <= 3 * once, (encoded[0], once)

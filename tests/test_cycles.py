"""instrument / uninstrument / instrument, ten times, with calls in between; and coexistence with
``opentelemetry-instrumentation-httpx``.

Each instrumented phase gives exactly one span per call (plain and streamed, openai and
anthropic), each uninstrumented phase none, and every patched attribute is restored to the very
function object it held before the first ``instrument()``.

``opentelemetry-instrumentation-httpx`` instruments the ``httpx`` package only; the SDKs here use
``httpx2``, which it does not know. Next to us it must not crash and must not change our spans
(it does not add HTTP spans for ``httpx2`` requests).
"""

from __future__ import annotations

from typing import Any

import anthropic
import openai
from openai.resources.chat.completions import Completions

import genai_otel
from bodies import anthropic_bodies as ab
from bodies import openai_bodies as ob
from genai_otel._patching.registry import REGISTRY
from replay import Replay, Reply

ORIGINAL_CREATE = vars(Completions)["create"]  # captured at import, before any instrument()
CYCLES = 10


def calls(otel: Any) -> int:
    """One plain and one streamed call per provider; returns how many calls were made."""
    replay = Replay(
        Reply(json_body=ob.chat_completion()),
        Reply(sse=ob.chat_stream(include_usage=True)),
        Reply(json_body=ab.TEXT),
        Reply(sse=ab.STREAM_TEXT),
    )
    oa = openai.OpenAI(api_key="sk-proj-cycles-0000", http_client=replay.sync_client(), max_retries=0)
    an = anthropic.Anthropic(
        api_key="sk-ant-api03-cycles-0000", http_client=replay.sync_client(), max_retries=0
    )
    messages = [{"role": "user", "content": "Hi"}]
    assert oa.chat.completions.create(model=ob.MODEL, messages=messages).choices[0].message.content
    assert len(list(oa.chat.completions.create(model=ob.MODEL, messages=messages, stream=True))) == 6
    assert an.messages.create(model=ab.MODEL, max_tokens=16, messages=messages).content[0].text
    assert len(list(an.messages.create(model=ab.MODEL, max_tokens=16, messages=messages, stream=True))) == 8
    assert not replay.replies
    return 4


def patched_attributes() -> list[tuple[Any, str, Any]]:
    return [(p.owner, p.attribute, p.original) for p in REGISTRY.patches]


def test_cycles_give_one_span_per_call_and_restore_the_originals(otel):
    genai_otel.uninstrument()
    otel.instrument()
    targets = patched_attributes()
    assert targets, "nothing was patched"
    assert any(
        owner is Completions and attr == "create" and orig is ORIGINAL_CREATE for owner, attr, orig in targets
    )
    genai_otel.uninstrument()
    before = {(id(owner), attr): vars(owner)[attr] for owner, attr, _ in targets}
    assert all(before[(id(owner), attr)] is orig for owner, attr, orig in targets)

    for cycle in range(CYCLES):
        otel.spans_exporter.clear()
        otel.instrument()
        assert genai_otel.is_instrumented()
        assert vars(Completions)["create"] is not ORIGINAL_CREATE
        assert len(REGISTRY.patches) == len(targets), cycle  # never patched twice
        made = calls(otel)
        spans = otel.spans()
        assert len(spans) == made, (cycle, [s.name for s in spans])
        assert all(s.end_time is not None for s in spans)

        genai_otel.uninstrument()
        assert not genai_otel.is_instrumented()
        for owner, attr, _ in targets:
            assert vars(owner)[attr] is before[(id(owner), attr)], (cycle, owner, attr)
        assert vars(Completions)["create"] is ORIGINAL_CREATE
        otel.spans_exporter.clear()
        calls(otel)
        assert otel.spans() == [], cycle


def test_instrument_twice_does_not_double_spans(otel):
    otel.instrument()
    otel.instrument()
    otel.spans_exporter.clear()
    assert len(otel.spans()) == 0
    made = calls(otel)
    assert len(otel.spans()) == made


def test_coexists_with_the_httpx_instrumentation(otel):
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    instrumentor = HTTPXClientInstrumentor()
    for cycle in range(3):
        # it only instruments `httpx` (not installed here: the SDKs use httpx2); instrument()
        # must neither raise nor disturb us, before or after our own instrument()
        instrumentor.instrument(tracer_provider=otel.tracer_provider)
        otel.instrument()
        otel.spans_exporter.clear()
        made = calls(otel)
        spans = otel.spans()
        assert len(spans) == made, (cycle, [s.name for s in spans])
        assert {s.name for s in spans} == {f"chat {ob.MODEL}", f"chat {ab.MODEL}"}
        instrumentor.uninstrument()
        genai_otel.uninstrument()
        assert vars(Completions)["create"] is ORIGINAL_CREATE

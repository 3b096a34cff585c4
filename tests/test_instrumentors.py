"""The ``opentelemetry_instrumentor`` entry points, adapters switched on one at a time, and
coexistence with the official OpenTelemetry OpenAI and Anthropic instrumentations
(``opentelemetry-instrumentation-genai-openai``/``-anthropic``, installed by the ``test`` extra).

In-process tests run the real clients over the replay transport into in-memory exporters;
the ``opentelemetry-instrument`` tests run ``launch.APP`` under the real command with
``opentelemetry-distro`` configuring the SDK.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from importlib.metadata import distribution, entry_points
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest
from opentelemetry.instrumentation.dependencies import get_dependency_conflicts, get_dist_dependency_conflicts
from opentelemetry.instrumentation.genai.anthropic import AnthropicInstrumentor as OfficialAnthropic
from opentelemetry.instrumentation.genai.openai import OpenAIInstrumentor as OfficialOpenAI
from opentelemetry.instrumentation.instrumentor import BaseInstrumentor

import genai_otel
from bodies import anthropic_bodies as ab
from bodies import openai_bodies as ob
from genai_otel._patching.registry import ADAPTERS, REGISTRY
from genai_otel.auto.instrumentors import AnthropicInstrumentor, GenAIInstrumentor, OpenAIInstrumentor
from launch import BIN_DIR, clean_env, run, span_lines, write_app
from replay import Replay, Reply
from test_anthropic import sse_of

OFFICIAL_SCOPE = "opentelemetry.instrumentation.genai.openai"
OFFICIAL_ANTHROPIC_SCOPE = "opentelemetry.instrumentation.genai.anthropic"
ANTHROPIC_SDK_SCOPE = "com.anthropic.sdk.python"
HI = [{"role": "user", "content": "Hi"}]


def patched(cls: type, name: str) -> bool:
    return bool(getattr(vars(cls)[name], "_self_genai_otel", False))


def openai_client(*replies: Reply, asynchronous: bool = False) -> Any:
    replay = Replay(*replies)
    if asynchronous:
        return openai.AsyncOpenAI(api_key="sk-test", max_retries=0, http_client=replay.async_client())
    return openai.OpenAI(api_key="sk-test", max_retries=0, http_client=replay.sync_client())


def chat(client: Any) -> None:
    client.chat.completions.create(model=ob.MODEL, messages=HI)


def scopes(otel: Any) -> list[tuple[str, str]]:
    return [(s.instrumentation_scope.name, s.name) for s in otel.spans()]


def providers(otel: Any) -> dict[str, Any]:
    return {"tracer_provider": otel.tracer_provider, "meter_provider": otel.meter_provider}


@pytest.fixture
def fresh(otel: Any) -> Iterator[Any]:
    """``otel`` with nothing instrumented, and every instrumentor switched off afterwards."""
    genai_otel.uninstrument()
    yield otel
    instrumentors = (OfficialOpenAI(), OfficialAnthropic(), OpenAIInstrumentor(), AnthropicInstrumentor())
    for instrumentor in instrumentors:
        if instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.uninstrument()


# --- the entry points -------------------------------------------------------------------------------------


def test_one_entry_point_per_provider_loads_a_base_instrumentor() -> None:
    found = {ep.name: ep for ep in entry_points(group="opentelemetry_instrumentor")}
    assert found["genai_otel_openai"].load() is OpenAIInstrumentor
    assert found["genai_otel_anthropic"].load() is AnthropicInstrumentor
    for name in ADAPTERS:  # every adapter has its own, named after it
        instrumentor = found[f"genai_otel_{name}"].load()
        assert issubclass(instrumentor, GenAIInstrumentor) and instrumentor.adapter == name
        assert get_dependency_conflicts(instrumentor().instrumentation_dependencies()) is None
    assert issubclass(OpenAIInstrumentor, BaseInstrumentor)
    assert OpenAIInstrumentor().instrumentation_dependencies() == ("openai >= 3.0",)
    assert AnthropicInstrumentor().instrumentation_dependencies() == ("anthropic >= 2.0",)


def test_no_sdk_is_listed_under_the_extras_auto_instrumentation_checks() -> None:
    """``opentelemetry-instrument`` applies a distribution's ``instruments`` extra to every entry
    point of it: listing every SDK there would switch all genai_otel entry points off whenever one
    SDK is missing. Each instrumentor checks its own SDK instead."""
    dist = distribution("genai-otel")
    extras = [req for req in dist.requires or () if "instruments" in req]
    assert extras == []
    assert get_dist_dependency_conflicts(dist) is None


def test_an_instrumentor_whose_sdk_is_missing_patches_nothing(fresh: Any, caplog: Any) -> None:
    class Missing(GenAIInstrumentor):
        adapter = "openai"
        requirement = "no-such-llm-sdk >= 1.0"

    caplog.set_level(logging.DEBUG, logger="genai_otel")
    Missing().instrument(skip_dep_check=True, **providers(fresh))  # as opentelemetry-instrument calls it
    assert not genai_otel.is_instrumented()
    assert "openai not instrumented" in caplog.text and "no-such-llm-sdk" in caplog.text
    Missing().uninstrument()


# --- adapters on and off one at a time --------------------------------------------------------------------


def test_each_instrumentor_switches_its_own_provider_on_and_off(fresh: Any) -> None:
    from anthropic.resources.messages.messages import Messages
    from openai.resources.chat.completions.completions import Completions

    OpenAIInstrumentor().instrument(**providers(fresh))
    assert patched(Completions, "create") and not patched(Messages, "create")
    AnthropicInstrumentor().instrument(**providers(fresh))
    assert patched(Completions, "create") and patched(Messages, "create")
    assert REGISTRY.active == {"openai", "anthropic"}

    OpenAIInstrumentor().uninstrument()
    assert not patched(Completions, "create") and patched(Messages, "create")
    chat(openai_client(Reply(json_body=ob.chat_completion())))
    client = anthropic.Anthropic(
        api_key="sk-ant-test", max_retries=0, http_client=Replay(Reply(json_body=ab.TEXT)).sync_client()
    )
    client.messages.create(model=ab.MODEL, max_tokens=64, messages=HI)
    assert scopes(fresh) == [("genai_otel", f"chat {ab.MODEL}")]

    AnthropicInstrumentor().uninstrument()
    assert not genai_otel.is_instrumented()
    assert not patched(Messages, "create")


def test_instrument_adds_adapters_only_with_the_same_settings_and_providers(fresh: Any, caplog: Any) -> None:
    from anthropic.resources.messages.messages import Messages

    genai_otel.instrument(providers=["openai"], **providers(fresh))
    genai_otel.instrument(providers=["anthropic"], capture_content="SPAN_ONLY", **providers(fresh))
    assert REGISTRY.active == {"openai"}
    assert "already instrumented with other settings or providers; anthropic not added" in caplog.text
    genai_otel.instrument(providers=["anthropic"], tracer_provider=type(fresh.tracer_provider)())
    assert REGISTRY.active == {"openai"}
    genai_otel.instrument()  # no providers passed: every adapter
    assert REGISTRY.active == set(ADAPTERS) and patched(Messages, "create")
    genai_otel.uninstrument(providers=["OpenAI"])
    assert REGISTRY.active == set(ADAPTERS) - {"openai"} and genai_otel.is_instrumented()
    genai_otel.uninstrument()
    assert REGISTRY.active == set() and not genai_otel.is_instrumented()


# --- coexistence with the official OpenAI instrumentation -------------------------------------------------


def official_metric_scopes(otel: Any) -> set[str]:
    data = otel.reader.get_metrics_data()
    found = set()
    for rm in data.resource_metrics if data else ():
        for sm in rm.scope_metrics:
            if any(metric.data.data_points for metric in sm.metrics):
                found.add(sm.scope.name)
    return found


def anthropic_client(*replies: Reply) -> Any:
    replay = Replay(*replies)
    return anthropic.Anthropic(api_key="sk-ant-test", max_retries=0, http_client=replay.sync_client())


def streamed_response(client: Any) -> None:
    with client.messages.with_streaming_response.create(
        model=ab.MODEL, max_tokens=64, messages=HI, stream=True
    ) as response:
        list(response.parse())


#: name -> (official instrumentor, client factory, the call, its reply)
CALLS: dict[str, tuple[Any, Any, Any, Reply]] = {
    "openai-chat": (
        OfficialOpenAI,
        openai_client,
        lambda c: c.chat.completions.create(model=ob.MODEL, messages=HI),
        Reply(json_body=ob.chat_completion()),
    ),
    "openai-chat-stream": (
        OfficialOpenAI,
        openai_client,
        lambda c: list(c.chat.completions.create(model=ob.MODEL, messages=HI, stream=True)),
        Reply(sse=ob.chat_stream()),
    ),
    "openai-responses": (
        OfficialOpenAI,
        openai_client,
        lambda c: c.responses.create(model="gpt-4.1", input="Hi"),
        Reply(json_body=ob.response()),
    ),
    "openai-responses-stream-manager": (
        OfficialOpenAI,
        openai_client,
        lambda c: c.responses.stream(model="gpt-4.1", input="Hi").__enter__().get_final_response(),
        Reply(sse=ob.response_stream()),
    ),
    "openai-embeddings": (
        OfficialOpenAI,
        openai_client,
        lambda c: c.embeddings.create(model=ob.EMBEDDING_MODEL, input="Hi"),
        Reply(json_body=ob.embeddings()),
    ),
    "anthropic-messages": (
        OfficialAnthropic,
        anthropic_client,
        lambda c: c.messages.create(model=ab.MODEL, max_tokens=64, messages=HI),
        Reply(json_body=ab.TEXT),
    ),
    "anthropic-messages-stream": (
        OfficialAnthropic,
        anthropic_client,
        lambda c: list(c.messages.create(model=ab.MODEL, max_tokens=64, messages=HI, stream=True)),
        Reply(sse=sse_of(ab.TEXT)),
    ),
    "anthropic-stream-manager": (
        OfficialAnthropic,
        anthropic_client,
        lambda c: (
            c.messages.stream(model=ab.MODEL, max_tokens=64, messages=HI).__enter__().get_final_message()
        ),
        Reply(sse=sse_of(ab.TEXT)),
    ),
    "anthropic-streaming-response": (
        OfficialAnthropic,
        anthropic_client,
        streamed_response,
        Reply(sse=sse_of(ab.TEXT)),
    ),
}


@pytest.mark.parametrize("call", ["openai-chat", "anthropic-messages"])
def test_the_official_instrumentation_alone_makes_its_span(fresh: Any, call: str) -> None:
    """The official packages really work here, so the tests below prove something."""
    official, client_of, make_call, reply = CALLS[call]
    official().instrument(**providers(fresh))
    make_call(client_of(reply))
    assert [scope for scope, _ in scopes(fresh)] == [official.__module__]


@pytest.mark.parametrize("first", ["official", "genai_otel"])
@pytest.mark.parametrize("call", list(CALLS))
def test_with_the_official_instrumentation_active_each_call_has_one_span_ours(
    fresh: Any, caplog: Any, first: str, call: str
) -> None:
    official, client_of, make_call, reply = CALLS[call]
    caplog.set_level(logging.INFO, logger="genai_otel")
    steps = [lambda: official().instrument(**providers(fresh)), lambda: fresh.instrument()]
    for step in steps if first == "official" else steps[::-1]:
        step()
    make_call(client_of(reply))
    assert [scope for scope, _ in scopes(fresh)] == ["genai_otel"]
    assert official_metric_scopes(fresh) == {"genai_otel"}  # no metric points of the official one
    adapter = call.split("-")[0]
    distribution = f"opentelemetry-instrumentation-genai-{adapter}"
    notes = [r.getMessage() for r in caplog.records if "also active" in r.getMessage()]
    assert notes == [
        f"genai_otel: {distribution} is also active; genai_otel's spans are used for the {adapter} calls "
        f"both cover (the other's are skipped for them). To use {distribution} instead, disable "
        f"genai_otel's adapter: OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=genai_otel_{adapter} or "
        f"GENAI_OTEL_EXCLUDE={adapter}"
    ]


async def test_async_calls_have_one_span_too(fresh: Any) -> None:
    fresh.instrument()
    OfficialOpenAI().instrument(**providers(fresh))
    client = openai_client(
        Reply(json_body=ob.chat_completion()), Reply(sse=ob.chat_stream()), asynchronous=True
    )
    await client.chat.completions.create(model=ob.MODEL, messages=HI)
    stream = await client.chat.completions.create(model=ob.MODEL, messages=HI, stream=True)
    [chunk async for chunk in stream]
    assert scopes(fresh) == [("genai_otel", f"chat {ob.MODEL}")] * 2


def test_calls_genai_otel_does_not_cover_keep_the_official_span(fresh: Any) -> None:
    fresh.instrument()
    OfficialOpenAI().instrument(**providers(fresh))
    openai_client(Reply(json_body=ob.response())).responses.retrieve(ob.RESP_ID)
    assert [scope for scope, _ in scopes(fresh)] == [OFFICIAL_SCOPE]


def test_either_one_switched_off_leaves_the_other_working(fresh: Any) -> None:
    from openai.resources.chat.completions.completions import Completions

    fresh.instrument()
    OfficialOpenAI().instrument(**providers(fresh))
    OfficialOpenAI().uninstrument()
    chat(openai_client(Reply(json_body=ob.chat_completion())))
    assert [scope for scope, _ in scopes(fresh)] == ["genai_otel"]

    OfficialOpenAI().instrument(**providers(fresh))
    genai_otel.uninstrument()
    chat(openai_client(Reply(json_body=ob.chat_completion())))
    assert [scope for scope, _ in scopes(fresh)] == ["genai_otel", OFFICIAL_SCOPE]

    OfficialOpenAI().uninstrument()
    assert type(vars(Completions)["create"]).__name__ == "function"


def test_excluding_genai_otels_adapter_gives_the_official_span_back(fresh: Any) -> None:
    OfficialOpenAI().instrument(**providers(fresh))
    fresh.instrument(exclude=["openai"])
    chat(openai_client(Reply(json_body=ob.chat_completion())))
    assert [scope for scope, _ in scopes(fresh)] == [OFFICIAL_SCOPE]


# --- opentelemetry-instrument, for real -------------------------------------------------------------------

BOTH_CALLS = ("python", "app.py", "openai", "anthropic")


@pytest.mark.parametrize(
    ("disabled", "expected"),
    [
        ("", [("genai_otel", f"chat {ob.MODEL}"), ("genai_otel", f"chat {ab.MODEL}")]),
        (
            "genai_otel_openai",
            [(OFFICIAL_SCOPE, f"chat {ob.MODEL}"), ("genai_otel", f"chat {ab.MODEL}")],
        ),
        (
            " genai_otel_anthropic , openai",
            [
                ("genai_otel", f"chat {ob.MODEL}"),
                (ANTHROPIC_SDK_SCOPE, "anthropic.messages.create"),  # the SDK's own, inside the official's
                (OFFICIAL_ANTHROPIC_SCOPE, f"chat {ab.MODEL}"),
            ],
        ),
        (
            "genai_otel_anthropic,anthropic",
            [("genai_otel", f"chat {ob.MODEL}"), (ANTHROPIC_SDK_SCOPE, "anthropic.messages.create")],
        ),
    ],
    ids=[
        "all",
        "genai_otel_openai-off",
        "genai_otel_anthropic-and-official-openai-off",
        "anthropic-both-off",
    ],
)
def test_opentelemetry_instrument_picks_genai_otel_up(
    tmp_path: Path, disabled: str, expected: list[tuple[str, str]]
) -> None:
    write_app(tmp_path)
    env = clean_env(OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=disabled, OTEL_SERVICE_NAME="auto-svc")
    done = run([str(BIN_DIR / "opentelemetry-instrument"), *BOTH_CALLS], env, tmp_path).check()
    assert "RESULT openai" in done.stdout and "RESULT anthropic" in done.stdout
    assert span_lines(done.stdout) == expected
    assert '"service.name": "auto-svc"' in done.stdout  # the distro's configurator built the SDK

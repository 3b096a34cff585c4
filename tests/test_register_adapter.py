"""``genai_otel.register_adapter``: an adapter written outside genai_otel, for an SDK it does not
cover, gets the same spans as the built-in ones, and stays lazy.

Each test writes a tiny SDK (``Client.complete`` / ``AsyncClient.complete``, optionally streamed)
and its adapter as real packages under ``tmp_path``, with names of their own so that no import
hook of one test meets another's module. The adapter is the example the README points to: it
imports nothing but ``genai_otel.adapter``.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.trace import SpanKind

import genai_otel
from genai_otel._patching.registry import ADAPTERS, REGISTRY

SDK = '''
"""A tiny LLM SDK."""
from dataclasses import dataclass


@dataclass
class Completion:
    id: str
    model: str
    text: str
    tokens_in: int
    tokens_out: int


@dataclass
class Chunk:
    text: str
    model: str = ""
    tokens_in: int = 0
    tokens_out: int = 0


def _chunks(model):
    yield Chunk("Hel")
    yield Chunk("lo", model=model + "-0001", tokens_in=3, tokens_out=2)


class Client:
    def complete(self, model, prompt, temperature=None, stream=False):
        if stream:
            return _chunks(model)
        return Completion("cmpl-1", model + "-0001", "Hello", 3, 2)


class AsyncClient:
    async def complete(self, model, prompt, temperature=None, stream=False):
        if stream:
            async def chunks():
                for chunk in _chunks(model):
                    yield chunk
            return chunks()
        return Completion("cmpl-2", model + "-0001", "Hello", 3, 2)
'''

ADAPTER = '''
"""genai_otel adapter for the tiny SDK: imports nothing but genai_otel.adapter."""
from types import AsyncGeneratorType, GeneratorType

from genai_otel.adapter import (
    PatchTarget, ProviderAdapter, RequestContent, RequestInfo, ResponseInfo, Usage, message, text_part,
)

SDK = "{sdk}"
TARGETS = (
    PatchTarget(SDK + ".client", "Client.complete", positional=("model", "prompt")),
    PatchTarget(SDK + ".client", "AsyncClient.complete", is_async=True, positional=("model", "prompt")),
)


def parse_request(instance, kwargs, target):
    return RequestInfo(
        provider="tiny",
        model=kwargs.get("model"),
        temperature=kwargs.get("temperature"),
        stream=bool(kwargs.get("stream")),
    )


def request_content(instance, kwargs, target):
    return RequestContent(input_messages=[message("user", [text_part(kwargs.get("prompt", ""))])])


def parse_response(result, target, capture):
    id_, model = getattr(result, "id", None), getattr(result, "model", None)
    usage = Usage(getattr(result, "tokens_in", None), getattr(result, "tokens_out", None))
    out = [message("assistant", [text_part(result.text)], finish_reason="stop")] if capture else []
    return ResponseInfo(response_id=id_, response_model=model, usage=usage, output_messages=out)


class Accumulator:
    def __init__(self, capture):
        self.capture, self.text, self.last = capture, [], None

    def add(self, chunk):
        self.text.append(chunk.text)
        self.last = chunk

    def finish(self):
        last = self.last
        if last is None:
            return ResponseInfo()
        out = [message("assistant", [text_part("".join(self.text))])] if self.capture else []
        usage = Usage(last.tokens_in, last.tokens_out)
        return ResponseInfo(response_model=last.model or None, usage=usage, output_messages=out)


ADAPTER = ProviderAdapter(
    name="{name}",
    distribution="{sdk}",
    targets=TARGETS,
    parse_request=parse_request,
    request_content=request_content,
    parse_response=parse_response,
    new_accumulator=lambda target, capture: Accumulator(capture),
    is_stream=lambda result, target: isinstance(result, (GeneratorType, AsyncGeneratorType)),
)
'''


@dataclass(frozen=True)
class Fake:
    name: str  # the adapter's name
    sdk: str  # the SDK's top-level module
    adapter: str  # the adapter's module

    def modules(self) -> list[str]:
        return [m for m in sys.modules if m.split(".")[0] in (self.sdk, self.adapter)]


@pytest.fixture
def fake(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fake]:
    """A tiny SDK and its adapter on ``sys.path``, named after the test; unregistered afterwards."""
    suffix = request.node.name.split("[")[0].removeprefix("test_")[:40]
    fake = Fake(name=f"tiny_{suffix}", sdk=f"tinyllm_{suffix}", adapter=f"tinyllm_{suffix}_otel")
    (tmp_path / fake.sdk).mkdir()
    (tmp_path / fake.sdk / "__init__.py").write_text("from .client import AsyncClient, Client\n")
    (tmp_path / fake.sdk / "client.py").write_text(textwrap.dedent(SDK))
    (tmp_path / f"{fake.adapter}.py").write_text(ADAPTER.format(sdk=fake.sdk, name=fake.name))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield fake
    genai_otel.uninstrument()
    ADAPTERS.pop(fake.name, None)
    for module in fake.modules():
        del sys.modules[module]


def check_span(span: Any, model: str, stream: bool) -> None:
    assert span.name == f"chat {model}"
    assert span.kind is SpanKind.CLIENT
    assert span.instrumentation_scope.name == "genai_otel"
    attrs = dict(span.attributes)
    assert attrs["gen_ai.operation.name"] == "chat"
    assert attrs["gen_ai.provider.name"] == "tiny"
    assert attrs["gen_ai.request.model"] == model
    assert attrs["gen_ai.response.model"] == f"{model}-0001"
    assert attrs["gen_ai.usage.input_tokens"] == 3
    assert attrs["gen_ai.usage.output_tokens"] == 2
    assert ("gen_ai.response.time_to_first_chunk" in attrs) is stream


async def test_registered_before_instrument_is_lazy_and_traced_sync_and_async(otel: Any, fake: Fake) -> None:
    genai_otel.register_adapter(fake.name, fake.sdk, fake.adapter)
    otel.instrument(capture_content="SPAN_ONLY")
    assert fake.name in REGISTRY.active
    assert fake.modules() == []  # neither the SDK nor the adapter was imported

    sdk = importlib.import_module(fake.sdk)
    assert fake.adapter in sys.modules  # imported with the SDK
    client, aclient = sdk.Client(), sdk.AsyncClient()

    result = client.complete("tiny-1", "Hi", temperature=0.5)
    assert result.text == "Hello" and type(result).__name__ == "Completion"
    assert [c.text for c in client.complete("tiny-1", "Hi", stream=True)] == ["Hel", "lo"]
    assert (await aclient.complete(model="tiny-2", prompt="Hi")).id == "cmpl-2"
    assert [c.text async for c in await aclient.complete("tiny-2", "Hi", stream=True)] == ["Hel", "lo"]

    spans = otel.spans()
    assert len(spans) == 4
    for span, (model, stream) in zip(
        spans, [("tiny-1", False), ("tiny-1", True), ("tiny-2", False), ("tiny-2", True)], strict=True
    ):
        check_span(span, model, stream)
    assert spans[0].attributes["gen_ai.request.temperature"] == 0.5
    assert spans[0].attributes["gen_ai.response.id"] == "cmpl-1"
    assert '"Hello"' in spans[0].attributes["gen_ai.output.messages"]
    assert '"Hello"' in spans[3].attributes["gen_ai.output.messages"]  # the async stream, accumulated
    assert otel.metrics()["gen_ai.client.inference.duration"]

    genai_otel.uninstrument(providers=[fake.name])
    client.complete("tiny-1", "Hi")
    assert len(otel.spans()) == 4


async def test_registered_after_instrument_with_the_sdk_imported_is_patched_at_once(
    otel: Any, fake: Fake
) -> None:
    sdk = importlib.import_module(fake.sdk)
    assert genai_otel.is_instrumented() and fake.name not in REGISTRY.active
    genai_otel.register_adapter(fake.name, fake.sdk, fake.adapter)
    assert fake.name in REGISTRY.installed

    sdk.Client().complete("tiny-1", "Hi")
    await sdk.AsyncClient().complete("tiny-2", "Hi")
    check_span(otel.spans()[0], "tiny-1", stream=False)
    check_span(otel.spans()[1], "tiny-2", stream=False)

    genai_otel.register_adapter(fake.name, fake.sdk, fake.adapter)  # the same again: nothing changes
    sdk.Client().complete("tiny-1", "Hi")
    assert len(otel.spans()) == 3


def test_providers_and_exclude_select_it_by_name(otel: Any, fake: Fake) -> None:
    genai_otel.register_adapter(fake.name, fake.sdk, fake.adapter)
    otel.instrument(exclude=[fake.name])
    assert fake.name not in REGISTRY.active and "openai" in REGISTRY.active
    otel.instrument(providers=[fake.name.upper()])
    assert REGISTRY.active == {fake.name}

    sdk = importlib.import_module(fake.sdk)
    sdk.Client().complete("tiny-1", "Hi")
    check_span(otel.span(), "tiny-1", stream=False)


def test_registered_while_other_providers_are_selected_waits_for_instrument(otel: Any, fake: Fake) -> None:
    otel.instrument(providers=["openai"])
    genai_otel.register_adapter(fake.name, fake.sdk, fake.adapter)
    assert fake.name not in REGISTRY.active  # the settings in use do not select it
    genai_otel.instrument(providers=[fake.name], tracer_provider=otel.tracer_provider)
    assert REGISTRY.active == {"openai", fake.name}


@pytest.mark.parametrize(
    ("name", "sdk_module", "adapter_module"),
    [
        ("openai", "openai", "genai_otel.providers.anthropic"),  # a name genai_otel's adapter has
        ("Tiny", "tinyllm", "tinyllm_otel"),  # names are matched lower case
        ("a,b", "tinyllm", "tinyllm_otel"),  # the variables separate names by commas
        ("", "tinyllm", "tinyllm_otel"),
        ("tiny", " tinyllm", "tinyllm_otel"),
        ("tiny", "tinyllm", ""),
    ],
)
def test_a_bad_or_taken_name_is_a_value_error(name: str, sdk_module: str, adapter_module: str) -> None:
    before = dict(ADAPTERS)
    with pytest.raises(ValueError, match="register_adapter"):
        genai_otel.register_adapter(name, sdk_module, adapter_module)
    assert before == ADAPTERS


def test_a_built_in_adapter_registered_again_as_it_is_changes_nothing() -> None:
    before = dict(ADAPTERS)
    genai_otel.register_adapter("openai", *ADAPTERS["openai"])
    assert before == ADAPTERS

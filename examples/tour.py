"""A tour of what genai_otel emits, one call per path, printed as a readable span list.

The real, unmodified ``openai`` and ``anthropic`` clients run against an in-process replay of
the HTTP APIs (the test suite's response bodies, shaped like the real APIs'), so this needs no
API key, no network and no collector:

    make demo                       # or: python examples/tour.py [--content] [--json]

``--content`` turns content capture on (SPAN_ONLY); ``--json`` prints every span's full
attribute set as JSON (the "span dump" of each path).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import pathlib
import sys
from collections.abc import Callable
from typing import Any

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))

import anthropic
import openai
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import genai_otel
from bodies import anthropic_bodies as ab
from bodies import openai_bodies as ob
from replay import Replay, Reply

MSG = [{"role": "user", "content": "What is the capital of France?"}]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]


def oai(*replies: Reply) -> openai.OpenAI:
    return openai.OpenAI(api_key="sk-demo", max_retries=0, http_client=Replay(*replies).sync_client())


def aoai(*replies: Reply) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key="sk-demo", max_retries=0, http_client=Replay(*replies).async_client())


def claude(*replies: Reply) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key="sk-ant-demo", max_retries=0, http_client=Replay(*replies).sync_client()
    )


def drain(stream: Any) -> None:
    for _ in stream:
        pass


def paths() -> list[tuple[str, Callable[[], Any]]]:
    chat = Reply(json_body=ob.chat_completion())
    stream = Reply(sse=ob.chat_stream(include_usage=True))
    anthropic_kw = {"model": ab.MODEL, "max_tokens": 256, "messages": MSG}

    def async_chat() -> Any:
        return asyncio.run(
            aoai(chat).chat.completions.create(model="gpt-4o-mini", messages=MSG, temperature=0.2)
        )

    def chat_helper() -> None:
        with oai(stream).chat.completions.stream(model="gpt-4o-mini", messages=MSG) as s:
            drain(s)

    def claude_manager() -> None:
        with claude(Reply(sse=ab.STREAM_TEXT, headers=ab.HEADERS)).messages.stream(**anthropic_kw) as s:
            "".join(s.text_stream)

    def not_found() -> None:
        try:
            oai(Reply(status=404, json_body=ob.model_not_found())).chat.completions.create(
                model="gpt-5x", messages=MSG
            )
        except openai.NotFoundError:
            pass

    return [
        ("openai chat", lambda: oai(chat).chat.completions.create(model="gpt-4o-mini", messages=MSG, seed=7)),
        ("openai chat (async)", async_chat),
        (
            "openai chat stream + usage",
            lambda: drain(
                oai(stream).chat.completions.create(
                    model="gpt-4o-mini", messages=MSG, stream=True, stream_options={"include_usage": True}
                )
            ),
        ),
        ("openai chat .stream() helper", chat_helper),
        (
            "openai chat tool call",
            lambda: oai(Reply(json_body=ob.chat_completion_tool_calls())).chat.completions.create(
                model="gpt-4o-mini", messages=MSG, tools=TOOLS
            ),
        ),
        (
            "openai responses",
            lambda: oai(Reply(json_body=ob.response())).responses.create(model="gpt-4.1", input="Hi"),
        ),
        (
            "openai responses stream",
            lambda: drain(
                oai(Reply(sse=ob.response_stream())).responses.create(
                    model="gpt-4.1", input="Hi", stream=True
                )
            ),
        ),
        (
            "openai embeddings",
            lambda: oai(Reply(json_body=ob.embeddings())).embeddings.create(
                model="text-embedding-3-small", input="hello"
            ),
        ),
        (
            "openai legacy completions",
            lambda: oai(Reply(json_body=ob.completion())).completions.create(
                model="gpt-3.5-turbo-instruct", prompt="Say hi"
            ),
        ),
        ("openai 404", not_found),
        (
            "anthropic messages",
            lambda: claude(Reply(json_body=ab.CACHED, headers=ab.HEADERS)).messages.create(**anthropic_kw),
        ),
        (
            "anthropic stream=True",
            lambda: drain(
                claude(Reply(sse=ab.STREAM_TEXT, headers=ab.HEADERS)).messages.create(
                    **anthropic_kw, stream=True
                )
            ),
        ),
        ("anthropic messages.stream()", claude_manager),
    ]


def show(spans: list[Any], as_json: bool) -> None:
    for span in spans:
        attrs = dict(span.attributes or {})
        if as_json:
            plain = {k: list(v) if isinstance(v, tuple) else v for k, v in attrs.items()}
            status = span.status.status_code.name
            dump = {"name": span.name, "kind": span.kind.name, "status": status, "attributes": plain}
            print(json.dumps(dump, indent=2))
            continue
        ms = (span.end_time - span.start_time) / 1e6
        usage_in = attrs.get("gen_ai.usage.input_tokens", "-")
        tokens = f"in {usage_in} / out {attrs.get('gen_ai.usage.output_tokens', '-')}"
        ttfc = attrs.get("gen_ai.response.time_to_first_chunk")
        extra = f"  ttfc {ttfc * 1000:.1f} ms" if ttfc is not None else ""
        error = f"  ERROR {attrs['error.type']}" if "error.type" in attrs else ""
        print(
            f"  └─ {span.name:<38} {attrs.get('gen_ai.provider.name', ''):<10} {ms:7.1f} ms"
            f"  {tokens}{extra}{error}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--content", action="store_true", help="capture content on spans (SPAN_ONLY)")
    parser.add_argument("--json", action="store_true", help="print each span's full attributes")
    args = parser.parse_args()
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    genai_otel.instrument(
        tracer_provider=tracer_provider,
        meter_provider=MeterProvider(metric_readers=[reader]),
        capture_content="SPAN_ONLY" if args.content else None,
    )
    print("genai_otel tour: real SDKs, replayed HTTP (no key, no network)\n")
    for title, call in paths():
        exporter.clear()
        call()
        print(f"{title}")
        show(list(exporter.get_finished_spans()), args.json)
    data = reader.get_metrics_data()
    print("\nmetrics recorded:")
    for rm in data.resource_metrics if data else ():
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                print(f"  {metric.name:<58} {len(metric.data.data_points)} series")


if __name__ == "__main__":
    main()

"""The console preset's readable view: span trees per trace, printed when the root ends, safe with
concurrent traces; a metric summary at shutdown."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import textwrap
import threading

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.trace import SpanContext, Status, StatusCode

from genai_otel._pretty import MetricSummaryReader, PrettySpanExporter

T0 = 1_700_000_000_000_000_000  # ns
MS = 1_000_000
TRACE = 0x0AF7651916CD43DD8448EB211C80319C


def span(
    name: str,
    span_id: int,
    parent: int | None,
    start_ms: float,
    end_ms: float,
    trace_id: int = TRACE,
    status: Status | None = None,
    remote_parent: bool = False,
    **attributes: object,
) -> ReadableSpan:
    return ReadableSpan(
        name=name,
        context=SpanContext(trace_id, span_id, is_remote=False),
        parent=SpanContext(trace_id, parent, is_remote=remote_parent) if parent is not None else None,
        attributes={k.replace("__", "."): v for k, v in attributes.items()},  # type: ignore[misc]
        start_time=T0 + int(start_ms * MS),
        end_time=T0 + int(end_ms * MS),
        status=status or Status(StatusCode.UNSET),
    )


def genai(**attrs: object) -> dict[str, object]:
    return {f"gen_ai__{k}": v for k, v in attrs.items()}


ROOT = span("agent-run", 1, None, 0, 1500)
CHAT = span(
    "chat gpt-4o-mini", 2, 1, 10, 422.3,
    **genai(operation__name="chat", provider__name="openai", request__model="gpt-4o-mini",
            response__model="gpt-4o-mini-2024-07-18", usage__input_tokens=1200, usage__output_tokens=96,
            usage__cache_read__input_tokens=1024, usage__reasoning__output_tokens=64),
)  # fmt: skip
EMBED = span(
    "embeddings text-embedding-3-small", 3, 1, 430, 465,
    **genai(operation__name="embeddings", provider__name="openai", request__model="text-embedding-3-small",
            usage__input_tokens=8),
)  # fmt: skip
TOOL = span("lookup", 4, 1, 470, 1330)
STREAM = span(
    "chat gpt-4o-mini", 5, 4, 480, 1330,
    **genai(operation__name="chat", provider__name="openai", request__model="gpt-4o-mini",
            response__model="gpt-4o-mini", usage__input_tokens=20, usage__output_tokens=40,
            response__time_to_first_chunk=0.1204),
)  # fmt: skip
ERROR = span(
    "chat no-such-model", 6, 1, 1340, 1352,
    status=Status(StatusCode.ERROR, "The model `no-such-model` does not exist"),
    **genai(operation__name="chat", provider__name="openai", request__model="no-such-model"),
    error__type="openai.NotFoundError",
)  # fmt: skip

EXPECTED = """\
trace 0af7651916cd43dd8448eb211c80319c
agent-run                              1500.0 ms
├─ chat gpt-4o-mini                     412.3 ms  openai  gpt-4o-mini → gpt-4o-mini-2024-07-18  tokens 1200 in / 96 out (cache read 1024, reasoning 64)
├─ embeddings text-embedding-3-small     35.0 ms  openai  text-embedding-3-small  tokens 8 in
├─ lookup                               860.0 ms
│  └─ chat gpt-4o-mini                  850.0 ms  openai  gpt-4o-mini  tokens 20 in / 40 out  first chunk 120.4 ms
└─ chat no-such-model                    12.0 ms  openai  no-such-model  ERROR openai.NotFoundError: The model `no-such-model` does not exist

"""  # noqa: E501


def exporter(**kwargs: object) -> tuple[PrettySpanExporter, io.StringIO]:
    out = io.StringIO()
    return PrettySpanExporter(out, color=False, unicode=True, **kwargs), out  # type: ignore[arg-type]


def test_trace_printed_as_a_tree_when_the_root_ends() -> None:
    exp, out = exporter()
    children = [CHAT, EMBED, STREAM, TOOL, ERROR]
    random.Random(7).shuffle(children)  # batches arrive in any order
    assert exp.export(children[:2]) is SpanExportResult.SUCCESS
    assert exp.export(children[2:]) is SpanExportResult.SUCCESS
    assert out.getvalue() == ""  # buffered until the root ends
    exp.export([ROOT])
    assert out.getvalue() == EXPECTED
    exp.shutdown()
    assert out.getvalue() == EXPECTED  # nothing left over, nothing printed twice


def test_ascii_when_the_stream_cannot_encode_box_drawing() -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    exp = PrettySpanExporter(out, color=False)
    exp.export([TOOL, STREAM, ROOT])
    out.seek(0)
    text = out.read()
    assert "`- lookup" in text and "   `- chat gpt-4o-mini" in text
    assert "→" not in text


def test_colours_only_when_asked_or_on_a_terminal() -> None:
    exp, out = exporter()
    exp.export([ERROR, ROOT])
    assert "\x1b[" not in out.getvalue()
    coloured = io.StringIO()
    PrettySpanExporter(coloured, color=True).export([ERROR, ROOT])
    assert "\x1b[31mERROR openai.NotFoundError" in coloured.getvalue()
    plain = io.StringIO()  # not a TTY: no colours by default
    PrettySpanExporter(plain).export([ERROR, ROOT])
    assert "\x1b[" not in plain.getvalue()


def test_flush_prints_traces_whose_root_has_not_ended() -> None:
    exp, out = exporter()
    exp.export([STREAM])  # its parent (lookup) never ends
    assert out.getvalue() == ""
    assert exp.force_flush()
    assert "… chat gpt-4o-mini" in out.getvalue()
    assert "first chunk 120.4 ms" in out.getvalue()


def test_shutdown_flushes_and_later_exports_fail() -> None:
    exp, out = exporter()
    exp.export([CHAT])
    exp.shutdown()
    assert "chat gpt-4o-mini" in out.getvalue()
    assert exp.export([ROOT]) is SpanExportResult.FAILURE


def test_remote_parent_makes_a_local_root() -> None:
    exp, out = exporter()
    served = span("POST /ask", 9, 99, 0, 10, remote_parent=True)
    exp.export([span("chat m", 10, 9, 1, 9, **genai(request__model="m")), served])
    assert out.getvalue().splitlines()[1:3] == [
        "POST /ask     10.0 ms",
        "└─ chat m      8.0 ms  m",
    ]


def test_buffer_is_bounded() -> None:
    exp, out = exporter(max_buffered=3)
    for i in range(4):
        exp.export([span(f"orphan-{i}", 100 + i, 1, i, i + 1, trace_id=1000 + i)])
    assert "orphan-0" in out.getvalue()  # the oldest trace, printed as far as it went
    assert "orphan-3" not in out.getvalue()


def test_concurrent_traces_print_whole_trees() -> None:
    exp, out = exporter()
    barrier = threading.Barrier(8)

    def work(n: int) -> None:
        trace_id = 0x1000 + n
        root_id = 10 * n + 1
        kids = [
            span(f"t{n}-child-{i}", root_id + 1 + i, root_id, i, i + 1, trace_id=trace_id) for i in range(5)
        ]
        barrier.wait()
        for kid in kids:
            exp.export([kid])
        exp.export([span(f"t{n}-root", root_id, None, 0, 10, trace_id=trace_id)])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    blocks = [b for b in out.getvalue().split("\n\n") if b.strip()]
    assert len(blocks) == 8
    for block in blocks:
        lines = block.splitlines()
        n = lines[1].split("-")[0]  # "tN"
        assert len(lines) == 7  # header, root, 5 children: one trace, contiguous
        assert all(line.lstrip("├└─ ").startswith(n + "-") for line in lines[1:])


def test_metric_summary_at_shutdown() -> None:
    out = io.StringIO()
    provider = MeterProvider(metric_readers=[MetricSummaryReader(out, color=False)])
    meter = provider.get_meter("t")
    duration = meter.create_histogram("gen_ai.client.inference.duration", unit="s")
    duration.record(0.5, {"gen_ai.request.model": "a"})
    duration.record(0.25, {"gen_ai.request.model": "a"})
    duration.record(1.0, {"gen_ai.request.model": "b"})
    tokens = meter.create_counter("gen_ai.client.inference.usage.input_tokens", unit="{token}")
    tokens.add(12, {"gen_ai.request.model": "a"})
    tokens.add(30, {"gen_ai.request.model": "b"})
    meter.create_up_down_counter("app.queue").add(1)
    assert out.getvalue() == ""
    provider.shutdown()
    assert out.getvalue() == (
        "metrics\n"
        "  app.queue                                      1 point   total 1\n"
        "  gen_ai.client.inference.duration               2 points  count 3  sum 1.75 s\n"
        "  gen_ai.client.inference.usage.input_tokens     2 points  total 42 tokens\n"
    )


def test_console_preset_end_to_end() -> None:
    """instrument() with the console preset: the tree as the root ends, the summary at exit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "GENAI_OTEL_"))}
    env.update({"GENAI_OTEL_BACKEND": "console", "NO_COLOR": "1"})
    code = """
        import genai_otel
        genai_otel.instrument()
        from opentelemetry import metrics, trace
        tracer = trace.get_tracer("app")
        with tracer.start_as_current_span("request"):
            with tracer.start_as_current_span("chat m", attributes={"gen_ai.request.model": "m"}):
                metrics.get_meter("app").create_counter("calls").add(2)
        print("APP DONE")
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("trace ")
    assert lines[1].startswith("request ") and lines[2].startswith("└─ chat m ")
    assert lines.index("APP DONE") > 2  # printed when the root ended, before the app went on
    assert lines[-2:] == ["metrics", "  calls     1 point   total 2"]

"""A readable terminal view of telemetry: what the ``console`` backend preset prints.

``PrettySpanExporter`` buffers finished spans per trace and prints a trace as a tree when its
local root span ends (or at flush/shutdown), one line per span: name, duration, provider,
model (request → response), tokens (cache read, reasoning), time to first chunk on streams,
and error type. ``MetricSummaryReader`` prints a short summary of every metric at shutdown:
the number of points, count/sum for histograms, totals for counters.

Plain text; ANSI colours only when the stream is a terminal (or ``color=True``); box-drawing
characters only when the stream's encoding has them.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from opentelemetry.sdk.metrics.export import (
    Histogram,
    MetricReader,
    MetricsData,
    Sum,
)
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import StatusCode

from ._telemetry import semconv as sc

#: Spans held for traces whose root has not ended; beyond it the oldest trace is printed as is.
MAX_BUFFERED_SPANS = 10_000
#: Widest name column (the tree prefix included) before names are no longer aligned.
MAX_NAME_WIDTH = 56

_UNICODE = {"mid": "├─ ", "last": "└─ ", "pipe": "│  ", "gap": "   ", "arrow": "→"}
_ASCII = {"mid": "|- ", "last": "`- ", "pipe": "|  ", "gap": "   ", "arrow": "->"}

_BOLD, _DIM, _RED, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[0m"


class _Style:
    def __init__(self, color: bool, glyphs: dict[str, str]) -> None:
        self.color = color
        self.glyphs = glyphs

    def __call__(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color and text else text


def _stream(out: TextIO | None) -> TextIO:
    return out if out is not None else sys.stdout  # looked up at write time: redirects work


def _style_for(out: TextIO, color: bool | None, unicode: bool | None) -> _Style:
    if color is None:
        try:
            color = bool(out.isatty())
        except (AttributeError, ValueError):
            color = False
    if unicode is None:
        encoding = getattr(out, "encoding", None) or "utf-8"
        try:
            "".join(_UNICODE.values()).encode(encoding)
            unicode = True
        except (LookupError, UnicodeEncodeError):
            unicode = False
    return _Style(color, _UNICODE if unicode else _ASCII)


def _write(out: TextIO, text: str) -> bool:
    try:
        out.write(text)
        out.flush()
    except (OSError, ValueError):  # a closed or broken stream at exit
        return False
    return True


# ---------------------------------------------------------------------------------------------
# spans


def _number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return str(int(value)) if float(value).is_integer() else f"{value}"


def _duration_ms(span: ReadableSpan) -> float | None:
    if span.start_time is None or span.end_time is None:
        return None
    return (span.end_time - span.start_time) / 1e6


def span_details(span: ReadableSpan, arrow: str = "→") -> tuple[list[str], str | None]:
    """The plain-text fields after name and duration, and the error text (or None)."""
    attrs = span.attributes or {}
    fields: list[str] = []
    provider = attrs.get(sc.PROVIDER_NAME) or attrs.get(sc.SYSTEM_DEPRECATED)
    if provider:
        fields.append(str(provider))
    requested, responded = attrs.get(sc.REQUEST_MODEL), attrs.get(sc.RESPONSE_MODEL)
    if requested and responded and requested != responded:
        fields.append(f"{requested} {arrow} {responded}")
    elif requested or responded:
        fields.append(str(requested or responded))
    tokens_in = _number(attrs.get(sc.USAGE_INPUT_TOKENS))
    tokens_out = _number(attrs.get(sc.USAGE_OUTPUT_TOKENS))
    if tokens_in is not None or tokens_out is not None:
        parts = []
        if tokens_in is not None:
            parts.append(f"{tokens_in} in")
        if tokens_out is not None:
            parts.append(f"{tokens_out} out")
        text = "tokens " + " / ".join(parts)
        extra = []
        cache_read = _number(attrs.get(sc.USAGE_CACHE_READ_INPUT_TOKENS))
        if cache_read is not None:
            extra.append(f"cache read {cache_read}")
        reasoning = _number(attrs.get(sc.USAGE_REASONING_OUTPUT_TOKENS))
        if reasoning is not None:
            extra.append(f"reasoning {reasoning}")
        if extra:
            text += f" ({', '.join(extra)})"
        fields.append(text)
    ttfc = attrs.get(sc.RESPONSE_TIME_TO_FIRST_CHUNK)
    if isinstance(ttfc, (int, float)) and not isinstance(ttfc, bool):
        fields.append(f"first chunk {ttfc * 1000:.1f} ms")
    error = None
    error_type = attrs.get(sc.ERROR_TYPE)
    if span.status.status_code is StatusCode.ERROR or error_type:
        description = (span.status.description or "").strip()
        error = str(error_type or description or "error")
        if error_type and description and len(description) <= 80:
            error += f": {description}"
    return fields, error


def _parent_id(span: ReadableSpan) -> int | None:
    parent = span.parent
    if parent is None or parent.is_remote:
        return None
    return parent.span_id


def render_trace(spans: Sequence[ReadableSpan], style: _Style | None = None) -> str:
    """A trace (or the part of it at hand) as a tree: roots are spans whose parent is remote,
    absent, or not among ``spans``; siblings in start order."""
    style = style or _Style(False, _UNICODE)
    g = style.glyphs
    ids = {s.context.span_id for s in spans if s.context is not None}
    children: dict[int, list[ReadableSpan]] = {}
    roots: list[ReadableSpan] = []
    for span in spans:
        parent = _parent_id(span)
        if parent is not None and parent in ids:
            children.setdefault(parent, []).append(span)
        else:
            roots.append(span)

    def order(items: Iterable[ReadableSpan]) -> list[ReadableSpan]:
        return sorted(items, key=lambda s: (s.start_time or 0, s.name))

    rows: list[tuple[str, ReadableSpan, bool]] = []  # (tree prefix, span, parent elsewhere)

    def walk(span: ReadableSpan, lead: str, branch: str) -> None:
        rows.append((lead + branch, span, False))
        kids = order(children.get(span.context.span_id, []) if span.context else [])
        below = lead + ("" if not branch else (g["gap"] if branch == g["last"] else g["pipe"]))
        for i, kid in enumerate(kids):
            walk(kid, below, g["last"] if i == len(kids) - 1 else g["mid"])

    for root in order(roots):
        start = len(rows)
        walk(root, "", "")
        rows[start] = (rows[start][0], root, _parent_id(root) is not None)

    if not rows:
        return ""
    trace_id = spans[0].context.trace_id if spans[0].context else 0
    names = [prefix + ("… " if orphan else "") + span.name for prefix, span, orphan in rows]
    width = min(max(len(n) for n in names), MAX_NAME_WIDTH)
    lines = [style(f"trace {trace_id:032x}", _DIM)]
    for (prefix, span, _orphan), name in zip(rows, names, strict=True):
        label = name[len(prefix) :]
        is_genai = bool((span.attributes or {}).get(sc.OPERATION_NAME))
        line = style(prefix, _DIM) + style(label, _BOLD if is_genai else "")
        line += " " * max(width - len(name), 0)
        ms = _duration_ms(span)
        line += "  " + (f"{ms:.1f} ms" if ms is not None else "? ms").rjust(10)
        fields, error = span_details(span, g["arrow"])
        if fields:
            line += "  " + "  ".join(fields)
        if error:
            line += "  " + style(f"ERROR {error}", _RED)
        lines.append(line)
    return "\n".join(lines) + "\n\n"


class PrettySpanExporter(SpanExporter):
    """Prints each trace as a tree once its local root span has ended. Thread-safe: traces
    are buffered by trace id, and each tree is written whole."""

    def __init__(
        self,
        out: TextIO | None = None,
        *,
        color: bool | None = None,
        unicode: bool | None = None,
        max_buffered: int = MAX_BUFFERED_SPANS,
    ) -> None:
        self._out = out
        self._color = color
        self._unicode = unicode
        self._max_buffered = max_buffered
        self._lock = threading.Lock()
        self._pending: dict[int, list[ReadableSpan]] = {}  # insertion order: oldest trace first
        self._buffered = 0
        self._shutdown = False

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if self._shutdown:
            return SpanExportResult.FAILURE
        with self._lock:
            ready: list[list[ReadableSpan]] = []
            for span in spans:
                if span.context is None:
                    continue
                self._pending.setdefault(span.context.trace_id, []).append(span)
                self._buffered += 1
                if _parent_id(span) is None:
                    ready.append(self._take_subtree(span))
            while self._buffered > self._max_buffered and self._pending:
                oldest = next(iter(self._pending))
                ready.append(self._pop_trace(oldest))
            return self._print(ready)

    def _pop_trace(self, trace_id: int) -> list[ReadableSpan]:
        spans = self._pending.pop(trace_id, [])
        self._buffered -= len(spans)
        return spans

    def _take_subtree(self, root: ReadableSpan) -> list[ReadableSpan]:
        """The root and its buffered descendants, removed from the buffer; other spans of the
        trace (another local root's) stay."""
        assert root.context is not None
        trace_id = root.context.trace_id
        spans = self._pending.get(trace_id, [])
        kids: dict[int, list[ReadableSpan]] = {}
        for span in spans:
            parent = _parent_id(span)
            if parent is not None:
                kids.setdefault(parent, []).append(span)
        taken, stack = [root], [root]
        while stack:
            span = stack.pop()
            for kid in kids.get(span.context.span_id, []) if span.context else []:
                taken.append(kid)
                stack.append(kid)
        chosen = {id(s) for s in taken}
        rest = [s for s in spans if id(s) not in chosen]
        self._buffered -= len(spans) - len(rest)
        if rest:
            self._pending[trace_id] = rest
        else:
            self._pending.pop(trace_id, None)
        return taken

    def _print(self, groups: list[list[ReadableSpan]]) -> SpanExportResult:
        if not groups:
            return SpanExportResult.SUCCESS
        out = _stream(self._out)
        style = _style_for(out, self._color, self._unicode)
        text = "".join(render_trace(group, style) for group in groups if group)
        return SpanExportResult.SUCCESS if _write(out, text) else SpanExportResult.FAILURE

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Prints what is buffered (traces whose root has not ended), as far as it goes."""
        with self._lock:
            groups = [self._pop_trace(trace_id) for trace_id in list(self._pending)]
            return self._print(groups) is SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        if not self._shutdown:
            self.force_flush()
            self._shutdown = True


# ---------------------------------------------------------------------------------------------
# metrics


def render_metric_summary(data: MetricsData | None, style: _Style | None = None) -> str:
    """One line per metric name: points (attribute sets), and for histograms count and sum,
    for counters the total."""
    style = style or _Style(False, _UNICODE)
    rows: dict[str, dict[str, Any]] = {}
    for resource_metrics in data.resource_metrics if data else ():
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                row = rows.setdefault(
                    metric.name,
                    {"unit": metric.unit or "", "points": 0, "count": 0, "sum": 0.0, "kind": None},
                )
                points: list[Any] = list(metric.data.data_points)
                row["points"] += len(points)
                if isinstance(metric.data, Histogram):
                    row["kind"] = "histogram"
                    row["count"] += sum(p.count for p in points)
                    row["sum"] += sum(p.sum for p in points)
                elif isinstance(metric.data, Sum):
                    row["kind"] = "sum"
                    row["sum"] += sum(p.value for p in points)
    if not rows:
        return ""
    width = min(max(len(name) for name in rows), 64)
    lines = [style("metrics", _DIM)]
    for name in sorted(rows):
        row = rows[name]
        count = row["points"]
        line = f"  {name.ljust(width)}  {count:>4} point{'s' if count != 1 else ' '}"
        unit = _unit(row["unit"])
        if row["kind"] == "histogram":
            line += f"  count {row['count']}  sum {_format_sum(row['sum'])}{unit}"
        elif row["kind"] == "sum":
            line += f"  total {_format_sum(row['sum'])}{unit}"
        lines.append(line.rstrip())
    return "\n".join(lines) + "\n"


def _unit(unit: str) -> str:
    """`` s``; an annotation such as ``{token}`` as `` tokens``; nothing for ``1``."""
    if not unit or unit == "1":
        return ""
    if unit.startswith("{") and unit.endswith("}") and len(unit) > 2:
        word = unit[1:-1]
        return f" {word}" if word.endswith("s") else f" {word}s"
    return f" {unit}"


def _format_sum(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


class MetricSummaryReader(MetricReader):
    """Collects once, at shutdown, and prints the summary (cumulative temporality: the last
    collection holds every total)."""

    def __init__(self, out: TextIO | None = None, *, color: bool | None = None) -> None:
        super().__init__()
        self._out = out
        self._color = color
        self._latest: MetricsData | None = None
        self._done = False

    def _receive_metrics(
        self, metrics_data: MetricsData, timeout_millis: float = 10_000, **kwargs: Any
    ) -> None:
        self._latest = metrics_data

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        if self._done:
            return
        self._done = True
        self.collect(timeout_millis=timeout_millis)
        out = _stream(self._out)
        text = render_metric_summary(self._latest, _style_for(out, self._color, None))
        if text:
            _write(out, text)

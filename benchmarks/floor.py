"""The floor: a minimal hand-written instrumentation doing the same work as genai_otel.

A ``wrapt`` wrapper on openai's ``Completions.create`` and anthropic's ``Messages.create``
(plain and ``stream=True``) and on their async twins ``AsyncCompletions.create`` and
``AsyncMessages.create`` (plain only: async streams are not a workload) that creates the same
span, with the same attributes, and records the same metric points genai_otel records for the
benchmark's workloads: no guards, no adapter layer, no generality beyond these methods.
``python benchmarks/floor.py`` exports every workload through both into in-memory exporters and
prints the comparison.
"""

from __future__ import annotations

import json
import time
from typing import Any

import wrapt
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]
TOKEN_BUCKETS = [4**i for i in range(14)]

_OPENAI = ("openai.resources.chat.completions.completions", "Completions.create")
_ANTHROPIC = ("anthropic.resources.messages.messages", "Messages.create")
_OPENAI_ASYNC = ("openai.resources.chat.completions.completions", "AsyncCompletions.create")
_ANTHROPIC_ASYNC = ("anthropic.resources.messages.messages", "AsyncMessages.create")
_TARGETS = (_OPENAI, _ANTHROPIC, _OPENAI_ASYNC, _ANTHROPIC_ASYNC)

_state: dict[str, Any] = {}


class _Instruments:
    def __init__(self, meter: Any) -> None:
        def hist(name: str, unit: str, buckets: list[float]) -> Any:
            return meter.create_histogram(name, unit=unit, explicit_bucket_boundaries_advisory=buckets)

        p = "gen_ai.client.inference."
        self.duration = hist(p + "duration", "s", DURATION_BUCKETS)
        self.ttfc = hist(p + "time_to_first_chunk", "s", DURATION_BUCKETS)
        self.tpoc = hist(p + "time_per_output_chunk", "s", DURATION_BUCKETS)
        self.op_input = hist(p + "operation.input_tokens", "{token}", TOKEN_BUCKETS)
        self.op_output = hist(p + "operation.output_tokens", "{token}", TOKEN_BUCKETS)
        self.usage_input = meter.create_counter(p + "usage.input_tokens", unit="{token}")
        self.usage_output = meter.create_counter(p + "usage.output_tokens", unit="{token}")

    def record(
        self, attrs: dict[str, Any], duration: float, inp: int, out: int, ttfc: Any, gaps: Any
    ) -> None:
        self.duration.record(duration, attrs)
        self.op_input.record(inp, attrs)
        self.op_output.record(out, attrs)
        counter_attrs = {**attrs, "gen_ai.token.modality": "unknown"}
        self.usage_input.add(inp, counter_attrs)
        self.usage_output.add(out, counter_attrs)
        if ttfc is not None:
            self.ttfc.record(ttfc, attrs)
            for gap in gaps:
                self.tpoc.record(gap, attrs)


def _server(instance: Any) -> tuple[str, int]:
    url = instance._client.base_url
    return url.host, url.port or (443 if url.scheme == "https" else 80)


def _messages_json(messages: Any, system: Any = None) -> str:
    return json.dumps(
        [{"role": m["role"], "parts": [{"type": "text", "content": m["content"]}]} for m in messages],
        separators=(",", ":"),
        ensure_ascii=False,
    )


def _output_json(text: str, finish_reason: str | None) -> str:
    msg: dict[str, Any] = {"role": "assistant", "parts": [{"type": "text", "content": text}] if text else []}
    if finish_reason is not None:
        msg["finish_reason"] = finish_reason
    return json.dumps([msg], separators=(",", ":"), ensure_ascii=False)


class _Call:
    """One call: the span, its start time, chunk timings, the metric attributes."""

    __slots__ = ("capture", "first", "gaps", "last", "metric", "span", "start")

    def __init__(self, provider: str, instance: Any, kwargs: dict[str, Any], extra: dict[str, Any]) -> None:
        model = kwargs.get("model")
        host, port = _server(instance)
        attrs = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": provider,
            "gen_ai.request.model": model,
            "server.address": host,
            "server.port": port,
        }
        self.metric = dict(attrs)
        if kwargs.get("stream"):
            attrs["gen_ai.request.stream"] = True
        for key, name in (("temperature", "temperature"), ("top_p", "top_p"), ("max_tokens", "max_tokens")):
            value = kwargs.get(key)
            if value is not None:
                attrs["gen_ai.request." + name] = value
        attrs.update(extra)
        if _state["capture"]:
            attrs["gen_ai.input.messages"] = _messages_json(kwargs.get("messages") or ())
        self.span = _state["tracer"].start_span(f"chat {model}", kind=SpanKind.CLIENT, attributes=attrs)
        self.start = time.perf_counter()
        self.first: float | None = None
        self.last = 0.0
        self.gaps: list[float] = []

    def chunk(self) -> None:
        now = time.perf_counter()
        if self.first is None:
            self.first = now
        else:
            self.gaps.append(now - self.last)
        self.last = now

    def end(self, attrs: dict[str, Any], metric: dict[str, Any], inp: int, out: int) -> None:
        duration = time.perf_counter() - self.start
        ttfc = None if self.first is None else self.first - self.start
        if ttfc is not None:
            attrs["gen_ai.response.time_to_first_chunk"] = ttfc
        self.span.set_attributes(attrs)
        self.metric.update(metric)
        _state["instruments"].record(self.metric, duration, inp, out, ttfc, self.gaps)
        self.span.end()

    def fail(self, exc: BaseException) -> None:
        error_type = type(exc).__qualname__
        self.span.set_attribute("error.type", error_type)
        self.span.set_status(Status(StatusCode.ERROR, str(exc)))
        self.metric["error.type"] = error_type
        _state["instruments"].record(self.metric, time.perf_counter() - self.start, 0, 0, None, ())
        self.span.end()


def _call(call: _Call, wrapped: Any, args: Any, kwargs: Any) -> Any:
    token = otel_context.attach(trace.set_span_in_context(call.span))
    try:
        return wrapped(*args, **kwargs)
    except BaseException as exc:
        call.fail(exc)
        raise
    finally:
        otel_context.detach(token)


async def _acall(call: _Call, wrapped: Any, args: Any, kwargs: Any) -> Any:
    token = otel_context.attach(trace.set_span_in_context(call.span))
    try:
        return await wrapped(*args, **kwargs)
    except BaseException as exc:
        call.fail(exc)
        raise
    finally:
        otel_context.detach(token)


def _no_async_stream(kwargs: Any) -> None:
    if kwargs.get("stream"):
        raise NotImplementedError("floor: async streams are not a benchmark workload")


# --- OpenAI chat completions ------------------------------------------------------------------------
def _openai_response(resp: Any, attrs: dict[str, Any], metric: dict[str, Any]) -> None:
    for key, value in (
        ("openai.response.service_tier", resp.service_tier),
        ("openai.response.system_fingerprint", resp.system_fingerprint),
    ):
        if value is not None:
            attrs[key] = metric[key] = value


def _openai_create(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    call = _Call("openai", instance, kwargs, {"openai.api.type": "chat_completions"})
    return _openai_result(call, _call(call, wrapped, args, kwargs), kwargs)


async def _openai_acreate(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    _no_async_stream(kwargs)
    call = _Call("openai", instance, kwargs, {"openai.api.type": "chat_completions"})
    return _openai_result(call, await _acall(call, wrapped, args, kwargs), kwargs)


def _openai_result(call: _Call, result: Any, kwargs: Any) -> Any:
    if kwargs.get("stream"):
        return _OpenAIStream(result, call)
    usage = result.usage
    inp, out = usage.prompt_tokens, usage.completion_tokens
    attrs = {
        "gen_ai.response.id": result.id,
        "gen_ai.response.model": result.model,
        "gen_ai.response.finish_reasons": [c.finish_reason for c in result.choices],
        "gen_ai.usage.input_tokens": inp,
        "gen_ai.usage.output_tokens": out,
    }
    details = usage.prompt_tokens_details
    if details is not None and details.cached_tokens is not None:
        attrs["gen_ai.usage.cache_read.input_tokens"] = details.cached_tokens
    details = usage.completion_tokens_details
    if details is not None and details.reasoning_tokens is not None:
        attrs["gen_ai.usage.reasoning.output_tokens"] = details.reasoning_tokens
    metric = {"gen_ai.response.model": result.model}
    _openai_response(result, attrs, metric)
    if _state["capture"]:
        attrs["gen_ai.output.messages"] = _output_json(result.choices[0].message.content or "", None)
    call.end(attrs, metric, inp, out)
    return result


class _Stream(wrapt.ObjectProxy):
    """The stream shell both floor streams share: iteration, failure, close, end once."""

    def __init__(self, stream: Any, call: _Call) -> None:
        super().__init__(stream)
        self._self_call = call
        self._self_text: list[str] = []
        self._self_done = False

    def __iter__(self) -> Any:
        return self

    def __next__(self) -> Any:
        try:
            chunk = next(self.__wrapped__)
        except StopIteration:
            self._self_end()
            raise
        except BaseException as exc:
            if not self._self_done:
                self._self_done = True
                self._self_call.fail(exc)
            raise
        self._self_call.chunk()
        self._self_observe(chunk)
        return chunk

    def close(self) -> Any:
        try:
            return self.__wrapped__.close()
        finally:
            self._self_end()

    def _self_end(self) -> None:
        if not self._self_done:
            self._self_done = True
            self._self_finish_call()

    def _self_observe(self, chunk: Any) -> None:
        raise NotImplementedError

    def _self_finish_call(self) -> None:
        raise NotImplementedError


class _OpenAIStream(_Stream):
    def __init__(self, stream: Any, call: _Call) -> None:
        super().__init__(stream, call)
        self._self_last: Any = None
        self._self_usage: Any = None
        self._self_finish: str | None = None

    def _self_observe(self, chunk: Any) -> None:
        self._self_last = chunk
        if chunk.usage is not None:
            self._self_usage = chunk.usage
        for choice in chunk.choices:
            if choice.finish_reason is not None:
                self._self_finish = choice.finish_reason
            if _state["capture"] and choice.delta.content:
                self._self_text.append(choice.delta.content)

    def _self_finish_call(self) -> None:
        last, usage = self._self_last, self._self_usage
        inp = usage.prompt_tokens if usage is not None else 0
        out = usage.completion_tokens if usage is not None else 0
        attrs: dict[str, Any] = {}
        metric: dict[str, Any] = {}
        if last is not None:
            attrs["gen_ai.response.id"] = last.id
            attrs["gen_ai.response.model"] = metric["gen_ai.response.model"] = last.model
            _openai_response(last, attrs, metric)
        if self._self_finish is not None:
            attrs["gen_ai.response.finish_reasons"] = [self._self_finish]
        if usage is not None:
            attrs["gen_ai.usage.input_tokens"] = inp
            attrs["gen_ai.usage.output_tokens"] = out
        if _state["capture"]:
            attrs["gen_ai.output.messages"] = _output_json("".join(self._self_text), None)
        self._self_call.end(attrs, metric, inp, out)


# --- Anthropic messages -------------------------------------------------------------------------------
def _anthropic_usage(usage: Any, attrs: dict[str, Any]) -> tuple[int, int]:
    inp, out = usage.input_tokens or 0, usage.output_tokens or 0
    attrs["gen_ai.usage.input_tokens"] = inp
    attrs["gen_ai.usage.output_tokens"] = out
    if usage.cache_read_input_tokens is not None:
        attrs["gen_ai.usage.cache_read.input_tokens"] = usage.cache_read_input_tokens
    if usage.cache_creation_input_tokens is not None:
        attrs["gen_ai.usage.cache_write.input_tokens"] = usage.cache_creation_input_tokens
    if getattr(usage, "service_tier", None) is not None:
        attrs["anthropic.response.service_tier"] = usage.service_tier
    return inp, out


def _anthropic_create(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    call = _Call("anthropic", instance, kwargs, {})
    return _anthropic_result(call, _call(call, wrapped, args, kwargs), kwargs)


async def _anthropic_acreate(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    _no_async_stream(kwargs)
    call = _Call("anthropic", instance, kwargs, {})
    return _anthropic_result(call, await _acall(call, wrapped, args, kwargs), kwargs)


def _anthropic_result(call: _Call, result: Any, kwargs: Any) -> Any:
    if kwargs.get("stream"):
        return _AnthropicStream(result, call)
    attrs = {
        "gen_ai.response.id": result.id,
        "gen_ai.response.model": result.model,
        "gen_ai.response.finish_reasons": [result.stop_reason],
    }
    inp, out = _anthropic_usage(result.usage, attrs)
    if _state["capture"]:
        text = "".join(b.text for b in result.content if b.type == "text")
        attrs["gen_ai.output.messages"] = _output_json(text, result.stop_reason)
    call.end(attrs, {"gen_ai.response.model": result.model}, inp, out)
    return result


class _AnthropicStream(_Stream):
    def __init__(self, stream: Any, call: _Call) -> None:
        super().__init__(stream, call)
        self._self_message: Any = None
        self._self_stop: str | None = None
        self._self_output = 0

    def _self_observe(self, event: Any) -> None:
        kind = event.type
        if kind == "message_start":
            self._self_message = event.message
        elif kind == "message_delta":
            self._self_stop = event.delta.stop_reason
            self._self_output = event.usage.output_tokens
        elif kind == "content_block_delta" and _state["capture"] and event.delta.type == "text_delta":
            self._self_text.append(event.delta.text)

    def _self_finish_call(self) -> None:
        attrs: dict[str, Any] = {}
        metric: dict[str, Any] = {}
        inp = out = 0
        message = self._self_message
        if message is not None:
            attrs["gen_ai.response.id"] = message.id
            attrs["gen_ai.response.model"] = metric["gen_ai.response.model"] = message.model
            inp, out = _anthropic_usage(message.usage, attrs)
            out = attrs["gen_ai.usage.output_tokens"] = self._self_output or out
        if self._self_stop is not None:
            attrs["gen_ai.response.finish_reasons"] = [self._self_stop]
        if _state["capture"]:
            attrs["gen_ai.output.messages"] = _output_json("".join(self._self_text), self._self_stop)
        self._self_call.end(attrs, metric, inp, out)


# --- instrument / uninstrument ------------------------------------------------------------------------
def instrument(
    tracer_provider: Any = None, meter_provider: Any = None, capture_content: bool = False
) -> None:
    from opentelemetry import metrics

    _state["tracer"] = trace.get_tracer("floor", tracer_provider=tracer_provider)
    meter = metrics.get_meter("floor", meter_provider=meter_provider)
    _state["instruments"] = _Instruments(meter)
    _state["capture"] = capture_content
    wrapt.wrap_function_wrapper(*_OPENAI, _openai_create)
    wrapt.wrap_function_wrapper(*_ANTHROPIC, _anthropic_create)
    wrapt.wrap_function_wrapper(*_OPENAI_ASYNC, _openai_acreate)
    wrapt.wrap_function_wrapper(*_ANTHROPIC_ASYNC, _anthropic_acreate)


def uninstrument() -> None:
    import importlib

    for module, attr in _TARGETS:
        cls_name, method = attr.split(".")
        cls = getattr(importlib.import_module(module), cls_name)
        wrapped = cls.__dict__[method]
        if hasattr(wrapped, "__wrapped__"):
            setattr(cls, method, wrapped.__wrapped__)


# --- the check: floor and genai_otel export the same span attributes and metric points ------------------
#: span attributes whose values are timings: compared by key only.
_TIMINGS = {"gen_ai.response.time_to_first_chunk"}


def _export(variant: str, capture: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from workloads import workloads

    import genai_otel

    tp = TracerProvider()
    spans = InMemorySpanExporter()
    tp.add_span_processor(SimpleSpanProcessor(spans))
    reader = InMemoryMetricReader()
    mp = MeterProvider(metric_readers=[reader])
    if variant == "floor":
        instrument(tp, mp, capture_content=capture)
    else:
        genai_otel.instrument(
            tracer_provider=tp, meter_provider=mp, capture_content="SPAN_ONLY" if capture else "NO_CONTENT"
        )
    span_keys: dict[str, Any] = {}
    points: dict[str, Any] = {}
    try:
        for name, fn in workloads().items():
            fn()
            (span,) = spans.get_finished_spans()
            spans.clear()
            attrs = dict(span.attributes or {})
            values = {k: v for k, v in attrs.items() if k not in _TIMINGS}
            span_keys[name] = (span.name, span.kind, sorted(attrs), values)
            found = set()
            data = reader.get_metrics_data()
            for rm in data.resource_metrics if data else ():
                for sm in rm.scope_metrics:
                    for metric in sm.metrics:
                        for p in metric.data.data_points:
                            count = getattr(p, "count", None)
                            found.add((metric.name, metric.unit, tuple(sorted(p.attributes.items())), count))
            points[name] = found
            mp.shutdown()
            reader = InMemoryMetricReader()
            mp = MeterProvider(metric_readers=[reader])
            (uninstrument if variant == "floor" else genai_otel.uninstrument)()
            if variant == "floor":
                instrument(tp, mp, capture_content=capture)
            else:
                genai_otel.instrument(
                    tracer_provider=tp,
                    meter_provider=mp,
                    capture_content="SPAN_ONLY" if capture else "NO_CONTENT",
                )
    finally:
        (uninstrument if variant == "floor" else genai_otel.uninstrument)()
    return span_keys, points


def compare() -> bool:
    """Export every workload through both once; print and return whether they match: the same
    span name and kind, the same attribute keys and values (timings by key only), the same metric
    points (instrument, unit, attributes, count)."""
    same = True
    for capture in (False, True):
        floor_spans, floor_points = _export("floor", capture)
        ours_spans, ours_points = _export("genai_otel", capture)
        for name in ours_spans:
            mine, ours = floor_spans.get(name), ours_spans[name]
            span_ok = mine == ours
            points_ok = floor_points.get(name) == ours_points[name]
            same = same and span_ok and points_ok
            print(
                f"content={'on ' if capture else 'off'} {name:<26} span {ours[0]!r} "
                f"{'same' if span_ok else 'DIFFERS'} ({len(ours[2])} attribute keys), metric points "
                f"{'same' if points_ok else 'DIFFER'} ({len(ours_points[name])})"
            )
            if mine is None:
                print("    the floor produced no span")
                continue
            if not span_ok:
                a, b = set(mine[2]), set(ours[2])
                print(f"    span name/kind: floor {mine[:2]}  genai_otel {ours[:2]}")
                print(f"    only floor: {sorted(a - b)}  only genai_otel: {sorted(b - a)}")
                for key in sorted(a & b):
                    if mine[3].get(key) != ours[3].get(key):
                        print(f"    {key}: floor {mine[3].get(key)!r}  genai_otel {ours[3].get(key)!r}")
            if not points_ok:
                print(f"    only floor: {sorted(floor_points.get(name, set()) - ours_points[name])}")
                print(f"    only genai_otel: {sorted(ours_points[name] - floor_points.get(name, set()))}")
    return same


if __name__ == "__main__":
    raise SystemExit(0 if compare() else 1)

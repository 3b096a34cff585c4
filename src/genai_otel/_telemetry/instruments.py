"""Metric instruments, created once per ``instrument()`` with the spec's bucket advice.

The ``semconv`` setting picks the names: ``latest`` (semconv-genai v0.1.0:
``gen_ai.client.inference.*`` and ``gen_ai.client.embeddings.*``), ``legacy`` (v1.37–v1.41:
``gen_ai.client.operation.duration``, ``gen_ai.client.token.usage`` with ``gen_ai.token.type``)
or ``both``. Token metrics are recorded on every inference, failures included: ``0`` tagged
``gen_ai.token.modality="unknown"`` when the provider returned no usage. Operations that are
neither inference nor embeddings (rerank) record ``gen_ai.client.operation.duration`` only;
tools the SDK runs record ``gen_ai.execute_tool.duration``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry.metrics import Meter

from ..adapter import EMBEDDINGS, INFERENCE_OPERATIONS, Usage
from . import semconv as sc


def _histogram(meter: Meter, name: str, unit: str, description: str, buckets: Sequence[float]) -> Any:
    try:
        return meter.create_histogram(
            name, unit=unit, description=description, explicit_bucket_boundaries_advisory=list(buckets)
        )
    except TypeError:  # opentelemetry-api before 1.23 has no bucket advice
        return meter.create_histogram(name, unit=unit, description=description)


def _counter(meter: Meter, name: str, description: str) -> Any:
    return meter.create_counter(name, unit="{token}", description=description)


class Instruments:
    def __init__(self, meter: Meter, mode: str, chunk_metrics: bool = True) -> None:
        self.chunk_metrics = chunk_metrics
        self.latest = mode in (sc.SEMCONV_LATEST, sc.SEMCONV_BOTH)
        self.legacy = mode in (sc.SEMCONV_LEGACY, sc.SEMCONV_BOTH)
        d, t = sc.DURATION_BUCKETS, sc.TOKEN_BUCKETS
        if self.latest:
            self.duration = _histogram(meter, sc.M_INFERENCE_DURATION, "s", "GenAI inference duration", d)
            self.ttfc = _histogram(meter, sc.M_INFERENCE_TTFC, "s", "Time to the first streamed chunk", d)
            self.tpoc = _histogram(meter, sc.M_INFERENCE_TPOC, "s", "Time between streamed chunks", d)
            self.usage_input = _counter(meter, sc.M_USAGE_INPUT, "Input tokens used")
            self.usage_output = _counter(meter, sc.M_USAGE_OUTPUT, "Output tokens used")
            self.usage_cache_read = _counter(meter, sc.M_USAGE_CACHE_READ, "Input tokens read from cache")
            self.usage_cache_write = _counter(meter, sc.M_USAGE_CACHE_WRITE, "Input tokens written to cache")
            self.usage_reasoning = _counter(meter, sc.M_USAGE_REASONING, "Output tokens used for reasoning")
            self.op_input = _histogram(meter, sc.M_OPERATION_INPUT, "{token}", "Input tokens per call", t)
            self.op_output = _histogram(meter, sc.M_OPERATION_OUTPUT, "{token}", "Output tokens per call", t)
            self.emb_duration = _histogram(meter, sc.M_EMBEDDINGS_DURATION, "s", "Embeddings duration", d)
            self.emb_input = _histogram(meter, sc.M_EMBEDDINGS_INPUT, "{token}", "Embeddings input tokens", t)
            self.tool_duration = _histogram(meter, sc.M_EXECUTE_TOOL_DURATION, "s", "Tool run duration", d)
        # legacy inference duration, and in every mode the duration of non-inference operations
        self.op_duration = _histogram(meter, sc.M_OPERATION_DURATION, "s", "GenAI operation duration", d)
        if self.legacy:
            self.legacy_tokens = _histogram(meter, sc.M_LEGACY_TOKEN_USAGE, "{token}", "Tokens used", t)
            self.legacy_ttfc = _histogram(meter, sc.M_LEGACY_TTFC, "s", "Time to the first streamed chunk", d)
            self.legacy_tpoc = _histogram(meter, sc.M_LEGACY_TPOC, "s", "Time between streamed chunks", d)

    def record(
        self,
        operation: str,
        attrs: Mapping[str, Any],
        duration: float,
        usage: Usage | None,
        ttfc: float | None,
        chunk_gaps: Sequence[float],
    ) -> None:
        stream_attrs = {k: v for k, v in attrs.items() if k != sc.ERROR_TYPE} if ttfc is not None else attrs
        if not self.chunk_metrics:
            chunk_gaps = ()
        if operation != EMBEDDINGS and operation not in INFERENCE_OPERATIONS:  # e.g. rerank
            self.op_duration.record(duration, attrs)
            return
        if self.latest:
            if operation == EMBEDDINGS:
                self.emb_duration.record(duration, attrs)
                tokens = usage.input_tokens if usage is not None else None
                self.emb_input.record(tokens or 0, {k: v for k, v in attrs.items() if k != sc.ERROR_TYPE})
            else:
                self.duration.record(duration, attrs)
                self._record_usage(attrs, usage)
                if ttfc is not None:
                    self.ttfc.record(ttfc, stream_attrs)
                    for gap in chunk_gaps:
                        self.tpoc.record(gap, stream_attrs)
        if self.legacy:
            self.op_duration.record(duration, attrs)
            if usage is not None:
                for token_type, count in (
                    (sc.TOKEN_TYPE_INPUT, usage.input_tokens),
                    (sc.TOKEN_TYPE_OUTPUT, usage.output_tokens),
                ):
                    if count is not None:
                        self.legacy_tokens.record(count, {**attrs, sc.TOKEN_TYPE: token_type})
            if ttfc is not None:
                self.legacy_ttfc.record(ttfc, stream_attrs)
                for gap in chunk_gaps:
                    self.legacy_tpoc.record(gap, stream_attrs)

    def record_tool(self, name: str, tool_type: str | None, error_type: str | None, duration: float) -> None:
        if not self.latest:
            return
        attrs = {sc.OPERATION_NAME: "execute_tool", sc.TOOL_NAME: name}
        if tool_type:
            attrs[sc.TOOL_TYPE] = tool_type
        if error_type:
            attrs[sc.ERROR_TYPE] = error_type
        self.tool_duration.record(duration, attrs)

    def _record_usage(self, attrs: Mapping[str, Any], usage: Usage | None) -> None:
        if usage is None:
            usage = Usage()
        self.op_input.record(usage.input_tokens or 0, attrs)
        self.op_output.record(usage.output_tokens or 0, attrs)
        counter_attrs = {k: v for k, v in attrs.items() if k != sc.ERROR_TYPE}
        subset_modality = _by_modality(
            self.usage_input, counter_attrs, usage.input_tokens, usage.input_by_modality
        )
        _by_modality(self.usage_output, counter_attrs, usage.output_tokens, usage.output_by_modality)
        # Subset counters: adding 0 changes no sum, so a zero costs nothing to skip.
        single = {**counter_attrs, sc.TOKEN_MODALITY: subset_modality}
        if usage.cache_read_input_tokens:
            self.usage_cache_read.add(usage.cache_read_input_tokens, single)
        if usage.cache_write_input_tokens:
            self.usage_cache_write.add(usage.cache_write_input_tokens, single)
        if usage.reasoning_output_tokens:
            reasoning = {**counter_attrs, sc.TOKEN_MODALITY: _single_modality(usage.output_by_modality)}
            self.usage_reasoning.add(usage.reasoning_output_tokens, reasoning)


def _single_modality(split: Mapping[str, int]) -> str:
    return next(iter(split)) if len(split) == 1 else sc.MODALITY_UNKNOWN


def _by_modality(counter: Any, attrs: Mapping[str, Any], total: int | None, split: Mapping[str, int]) -> str:
    """Adds ``total`` split by modality; what the split does not explain is ``unknown``.
    Returns the modality that subsets of this total (cache, reasoning) should carry."""
    explained = 0
    for modality, count in split.items():
        counter.add(count, {**attrs, sc.TOKEN_MODALITY: modality})
        explained += count
    rest = (total or 0) - explained
    if rest > 0 or not split:
        counter.add(max(rest, 0), {**attrs, sc.TOKEN_MODALITY: sc.MODALITY_UNKNOWN})
    return _single_modality(split)

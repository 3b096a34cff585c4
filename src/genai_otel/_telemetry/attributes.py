"""Attribute tables: adapter value objects → OpenTelemetry attributes.

Each table is a tuple of ``(KEY, value)`` pairs; ``None`` values are dropped, so only what the
caller passed and what the provider returned is reported. Metric attributes are a separate,
low-cardinality selection.
"""

from __future__ import annotations

from typing import Any

from ..adapter import RequestInfo, ResponseInfo, Usage
from . import semconv as sc


def _drop_none(pairs: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    return {k: v for k, v in pairs if v is not None}


def _list(value: Any) -> list[Any] | None:
    return list(value) if value else None


def start_attributes(operation: str, req: RequestInfo) -> dict[str, Any]:
    """Everything known before the call; the sampling-relevant keys are among them."""
    attrs = _drop_none(
        (
            (sc.OPERATION_NAME, operation),
            (sc.PROVIDER_NAME, req.provider),
            (sc.REQUEST_MODEL, req.model),
            (sc.SERVER_ADDRESS, req.server_address),
            (sc.SERVER_PORT, req.server_port if req.server_address else None),
            (sc.REQUEST_STREAM, True if req.stream else None),
            (sc.REQUEST_TEMPERATURE, req.temperature),
            (sc.REQUEST_TOP_P, req.top_p),
            (sc.REQUEST_TOP_K, req.top_k),
            (sc.REQUEST_MAX_TOKENS, req.max_tokens),
            (sc.REQUEST_FREQUENCY_PENALTY, req.frequency_penalty),
            (sc.REQUEST_PRESENCE_PENALTY, req.presence_penalty),
            (sc.REQUEST_STOP_SEQUENCES, _list(req.stop_sequences)),
            (sc.REQUEST_SEED, req.seed),
            (sc.REQUEST_CHOICE_COUNT, req.choice_count if req.choice_count != 1 else None),
            (sc.OUTPUT_TYPE, req.output_type),
            (sc.REQUEST_REASONING_LEVEL, req.reasoning_level),
            (sc.REQUEST_ENCODING_FORMATS, _list(req.encoding_formats)),
            (sc.REQUEST_PREVIOUS_RESPONSE_ID, req.previous_response_id),
            (sc.CONVERSATION_ID, req.conversation_id),
            (sc.PROMPT_NAME, req.prompt_name),
            (sc.PROMPT_VERSION, req.prompt_version if req.prompt_name else None),
        )
    )
    if req.attributes:
        attrs.update(req.attributes)
    return attrs


def usage_attributes(usage: Usage) -> dict[str, Any]:
    attrs = _drop_none(
        (
            (sc.USAGE_INPUT_TOKENS, usage.input_tokens),
            (sc.USAGE_OUTPUT_TOKENS, usage.output_tokens),
            (sc.USAGE_CACHE_READ_INPUT_TOKENS, usage.cache_read_input_tokens),
            (sc.USAGE_CACHE_WRITE_INPUT_TOKENS, usage.cache_write_input_tokens),
            (sc.USAGE_REASONING_OUTPUT_TOKENS, usage.reasoning_output_tokens),
        )
    )
    for modality, count in usage.input_by_modality.items():
        attrs[sc.usage_modality_input(modality)] = count
    for modality, count in usage.output_by_modality.items():
        attrs[sc.usage_modality_output(modality)] = count
    return attrs


def response_attributes(resp: ResponseInfo) -> dict[str, Any]:
    attrs = _drop_none(
        (
            (sc.RESPONSE_ID, resp.response_id),
            (sc.RESPONSE_MODEL, resp.response_model),
            (sc.RESPONSE_FINISH_REASONS, _list(resp.finish_reasons)),
            (sc.EMBEDDINGS_DIMENSION_COUNT, resp.embedding_dimensions),
        )
    )
    if resp.usage is not None:
        attrs.update(usage_attributes(resp.usage))
    if resp.attributes:
        attrs.update(resp.attributes)
    return attrs


#: Vendor response attributes that the spec adds to metric attributes (openai.md).
_METRIC_VENDOR_KEYS = (sc.OPENAI_RESPONSE_SERVICE_TIER, sc.OPENAI_RESPONSE_SYSTEM_FINGERPRINT)


def metric_attributes(
    operation: str, req: RequestInfo, resp: ResponseInfo | None, error_type: str | None
) -> dict[str, Any]:
    attrs = _drop_none(
        (
            (sc.OPERATION_NAME, operation),
            (sc.PROVIDER_NAME, req.provider),
            (sc.REQUEST_MODEL, req.model),
            (sc.SERVER_ADDRESS, req.server_address),
            (sc.SERVER_PORT, req.server_port if req.server_address else None),
            (sc.RESPONSE_MODEL, resp.response_model if resp is not None else None),
            (sc.ERROR_TYPE, error_type),
        )
    )
    if resp is not None and resp.attributes:
        for key in _METRIC_VENDOR_KEYS:
            value = resp.attributes.get(key)
            if value is not None:
                attrs[key] = value
    return attrs

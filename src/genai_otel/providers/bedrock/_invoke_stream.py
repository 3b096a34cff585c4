"""Folds an InvokeModelWithResponseStream body (``{"chunk": {"bytes": b"<json>"}}`` events) into
one ``ResponseInfo``.

Each chunk is one JSON object in the model family's own streaming format: Anthropic's Messages
stream events (``message_start`` ... ``message_stop``), Nova's Converse-shaped events
(``messageStart`` ... ``metadata``), or a text delta with a stop field (Llama ``generation`` /
``stop_reason``, Titan ``outputText`` / ``completionReason``, Mistral ``outputs`` or ``choices``,
Cohere ``text`` / ``finish_reason``). Bedrock adds ``amazon-bedrock-invocationMetrics``
(``inputTokenCount``, ``outputTokenCount``, cache counts) to the last chunk for every family:
the usage of families whose events carry none.

``add`` only keeps the bytes (no JSON work per chunk); ``finish`` decodes them. Without content
capture only the first chunk (ids, input usage) and the last three (stop reason, usage, metrics)
are decoded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genai_otel.adapter import Message, Part, ResponseInfo, message, output_finish_reason, text_part

from .._values import integer, seq
from ..anthropic import _convert as anthropic
from ._converse import ConverseFold
from ._invoke_response import merged
from ._util import arguments, dict_get, dig, first, nonempty_text, parse_json, usage

_METRICS = "amazon-bedrock-invocationMetrics"
_CONVERSE_EVENTS = frozenset(
    {"messageStart", "contentBlockStart", "contentBlockDelta", "messageStop", "metadata"}
)
_TAIL = 3


class InvokeStreamFold:
    __slots__ = ("_capture", "_chunks")

    def __init__(self, capture: bool) -> None:
        self._capture = capture
        self._chunks: list[Any] = []

    def add(self, data: Any) -> None:
        self._chunks.append(data)

    def finish(self) -> ResponseInfo:
        chunks = self._chunks
        if not self._capture and len(chunks) > _TAIL + 1:
            chunks = [chunks[0], *chunks[-_TAIL:]]
        events = [e for e in map(parse_json, chunks) if isinstance(e, Mapping)]
        if not events:
            return ResponseInfo()
        metrics = next((e[_METRICS] for e in reversed(events) if isinstance(e.get(_METRICS), Mapping)), None)
        fallback = usage(
            dict_get(metrics, "inputTokenCount"),
            dict_get(metrics, "outputTokenCount"),
            dict_get(metrics, "cacheReadInputTokenCount"),
            dict_get(metrics, "cacheWriteInputTokenCount"),
            fresh_only=True,
        )
        head = events[0]
        if isinstance(head.get("type"), str):
            info = _anthropic(events, self._capture)
        elif _CONVERSE_EVENTS.intersection(head):
            fold = ConverseFold(self._capture)
            for event in events:
                fold.add(event)
            info = fold.finish()
        else:
            info = _text(events, self._capture)
        return ResponseInfo(
            response_id=info.response_id,
            response_model=info.response_model,
            finish_reasons=info.finish_reasons,
            usage=merged(info.usage, fallback),
            output_messages=info.output_messages,
        )


def _anthropic(events: list[Mapping[str, Any]], capture: bool) -> ResponseInfo:
    msg: Any = None
    stop: str | None = None
    counts: dict[str, Any] = {}
    blocks: dict[int, list[Any]] = {}  # index -> [content_block_start block, delta strings]
    for event in events:
        kind = event.get("type")
        if kind == "content_block_delta" and capture:
            delta = event.get("delta")
            text = first(delta, "text", "partial_json", "thinking")
            entry = blocks.get(integer(event.get("index")))  # type: ignore[arg-type]
            if isinstance(text, str) and entry is not None:
                entry[1].append(text)
        elif kind == "content_block_start" and capture:
            index = integer(event.get("index"))
            if index is not None:
                blocks[index] = [event.get("content_block"), []]
        elif kind == "message_start":
            msg = event.get("message")
            start_usage = dict_get(msg, "usage")
            if isinstance(start_usage, Mapping):
                counts.update(start_usage)
        elif kind == "message_delta":
            stop = nonempty_text(dig(event, "delta", "stop_reason")) or stop
            delta_usage = event.get("usage")
            if isinstance(delta_usage, Mapping):  # cumulative totals: overwrite, never add
                counts.update({k: v for k, v in delta_usage.items() if v is not None})
    if msg is None and stop is None:
        return ResponseInfo()
    reason = stop or "error"  # started, but never said why it stopped: cut short
    out: tuple[Message, ...] = ()
    if capture:
        content = _anthropic_parts(blocks)
        out = (message("assistant", content, finish_reason=output_finish_reason(reason, content)),)
    return ResponseInfo(
        response_id=nonempty_text(dict_get(msg, "id")),
        response_model=nonempty_text(dict_get(msg, "model")),
        finish_reasons=(reason,),
        usage=anthropic.usage(counts) if counts else None,
        output_messages=out,
    )


def _anthropic_parts(blocks: dict[int, list[Any]]) -> list[Part]:
    out: list[Part] = []
    for _, (block, deltas) in sorted(blocks.items()):
        if not isinstance(block, Mapping):
            continue
        joined, kind = "".join(deltas), block.get("type")
        if kind == "text":
            block = {**block, "text": (nonempty_text(block.get("text")) or "") + joined}
        elif kind in ("tool_use", "server_tool_use") and joined:
            block = {**block, "input": arguments(joined)}
        elif kind == "thinking":
            block = {**block, "thinking": (nonempty_text(block.get("thinking")) or "") + joined}
        out.extend(anthropic.block_parts(block))
    return out


def _text(events: list[Mapping[str, Any]], capture: bool) -> ResponseInfo:
    texts: list[str] = []
    reason: str | None = None
    for event in events:
        item = next(iter(seq(first(event, "outputs", "choices", "generations"))), None) or event
        delta = first(item, "delta", "message")
        text = (
            first(delta, "content") if delta is not None else first(item, "generation", "outputText", "text")
        )
        if capture and isinstance(text, str) and dict_get(event, "event_type") in (None, "text-generation"):
            texts.append(text)
        reason = nonempty_text(first(item, "stop_reason", "completionReason", "finish_reason")) or reason
    final = reason or "error"
    joined = [text_part("".join(texts))]
    out = (message("assistant", joined, finish_reason=output_finish_reason(final)),) if capture else ()
    return ResponseInfo(finish_reasons=(final,), output_messages=out)

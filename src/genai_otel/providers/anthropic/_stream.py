"""Folds a Messages stream (``RawMessageStreamEvent``s, stable or beta) into one ``ResponseInfo``.

Event order: ``message_start`` (id, model, input-side usage), then per content block
``content_block_start`` / ``content_block_delta``* / ``content_block_stop``, then ``message_delta``
(stop_reason and *cumulative* usage: ``output_tokens`` always, input/cache counts when the API
sends them), then ``message_stop``; ``ping`` never reaches the SDK's iterator. The SDK raises an
``APIStatusError`` for an ``event: error`` instead of yielding it, so the ``error`` branch only
serves streams that hand errors over as events.
"""

from __future__ import annotations

from typing import Any

from genai_otel._telemetry.semconv import ANTHROPIC_RESPONSE_SERVICE_TIER
from genai_otel.adapter import (
    Message,
    Part,
    ResponseInfo,
    message,
    reasoning_part,
    server_tool_call_part,
    text_part,
    tool_call_part,
)

from ._convert import block_parts, get, parse_json, plain, usage

#: Usage counts a ``message_delta`` may update (cumulative totals: overwrite, never add).
_DELTA_COUNTS = ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")


class MessageStreamAccumulator:
    __slots__ = ("_blocks", "_capture", "_error", "_id", "_model", "_stop", "_thinking", "_tier", "_usage")

    def __init__(self, capture: bool) -> None:
        self._capture = capture
        self._id: str | None = None
        self._model: str | None = None
        self._stop: str | None = None
        self._error: str | None = None
        self._tier: str | None = None
        self._thinking: int | None = None
        self._usage: dict[str, Any] | None = None
        #: index -> [content_block_start block, list of delta strings]; filled only when capturing.
        self._blocks: dict[int, list[Any]] = {}

    def add(self, chunk: Any) -> None:
        kind = chunk.type
        if kind == "content_block_delta":
            if self._capture:
                delta = chunk.delta
                dtype = delta.type
                if dtype == "text_delta":
                    text = delta.text
                elif dtype == "input_json_delta":
                    text = delta.partial_json
                elif dtype == "thinking_delta":
                    text = delta.thinking
                else:  # signature_delta, citations_delta: not content
                    return
                entry = self._blocks.get(chunk.index)
                if text and entry is not None:
                    entry[1].append(text)
        elif kind == "content_block_start":
            if self._capture:
                self._blocks[chunk.index] = [chunk.content_block, []]
        elif kind == "message_start":
            msg = chunk.message
            self._id, self._model = msg.id, msg.model
            u = msg.usage
            self._usage = {
                "input_tokens": u.input_tokens,
                "cache_read_input_tokens": u.cache_read_input_tokens,
                "cache_creation_input_tokens": u.cache_creation_input_tokens,
                "output_tokens": u.output_tokens,
            }
            self._tier = getattr(u, "service_tier", None)
            self._thinking = _thinking(u)
        elif kind == "message_delta":
            self._stop = chunk.delta.stop_reason or self._stop
            u = chunk.usage
            counts = self._usage if self._usage is not None else {}
            self._usage = counts
            counts["output_tokens"] = u.output_tokens
            for name in _DELTA_COUNTS:
                value = getattr(u, name, None)
                if value is not None:
                    counts[name] = value
            self._thinking = _thinking(u) or self._thinking
        elif kind == "error":
            self._error = get(get(chunk, "error"), "type") or "error"

    def finish(self) -> ResponseInfo:
        if self._id is None and self._usage is None and self._error is None:
            return ResponseInfo()
        counts = dict(self._usage or {})
        if self._thinking is not None:
            counts["output_tokens_details"] = {"thinking_tokens": self._thinking}
        # A message that started but never said why it stopped was cut short (semconv: "error").
        stop = self._stop or ("error" if self._id is not None else None)
        out: tuple[Message, ...] = ()
        if self._capture and self._id is not None:
            out = (message("assistant", self._parts(), finish_reason=stop),)
        return ResponseInfo(
            response_id=self._id,
            response_model=self._model,
            finish_reasons=(stop,) if stop else (),
            usage=usage(counts) if self._usage is not None else None,
            output_messages=out,
            attributes={ANTHROPIC_RESPONSE_SERVICE_TIER: self._tier} if self._tier else {},
            error_type=self._error,
        )

    def _parts(self) -> list[Part]:
        out: list[Part] = []
        for _, (block, deltas) in sorted(self._blocks.items()):
            kind, joined = block.type, "".join(deltas)
            if kind == "text":
                out.append(text_part((block.text or "") + joined))
            elif kind == "thinking":
                out.append(reasoning_part((block.thinking or "") + joined))
            elif kind in ("tool_use", "server_tool_use"):
                args = parse_json(joined) if joined else plain(block.input)
                if kind == "tool_use":
                    out.append(tool_call_part(block.id, block.name, args))
                else:
                    out.append(server_tool_call_part(block.id, block.name, arguments=args))
            else:
                out.extend(block_parts(block))
        return out


def _thinking(u: Any) -> int | None:
    details = getattr(u, "output_tokens_details", None)
    return getattr(details, "thinking_tokens", None) if details is not None else None

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
    output_finish_reason,
    reasoning_part,
    server_tool_call_part,
    text_part,
    tool_call_part,
)

from .._values import get
from ._convert import block_parts, parse_json, plain, usage

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

    # Plain getattr with defaults: the SDK builds events without validation (``construct``), so a
    # malformed body reaches us with ``None`` or wrong types where a model would promise objects.
    def add(self, chunk: Any) -> None:
        kind = getattr(chunk, "type", None)
        if kind == "content_block_delta":
            if self._capture:
                delta = getattr(chunk, "delta", None)
                dtype = getattr(delta, "type", None)
                if dtype == "text_delta":
                    text = getattr(delta, "text", None)
                elif dtype == "input_json_delta":
                    text = getattr(delta, "partial_json", None)
                elif dtype == "thinking_delta":
                    text = getattr(delta, "thinking", None)
                else:  # signature_delta, citations_delta: not content
                    return
                index = getattr(chunk, "index", None)
                entry = self._blocks.get(index) if isinstance(index, int) else None
                if isinstance(text, str) and text and entry is not None:
                    entry[1].append(text)
        elif kind == "content_block_start":
            index = getattr(chunk, "index", None)
            if self._capture and isinstance(index, int):
                self._blocks[index] = [getattr(chunk, "content_block", None), []]
        elif kind == "message_start":
            msg = getattr(chunk, "message", None)
            self._id, self._model = getattr(msg, "id", None), getattr(msg, "model", None)
            u = getattr(msg, "usage", None)
            if u is not None:
                self._usage = {name: getattr(u, name, None) for name in (*_DELTA_COUNTS, "output_tokens")}
                self._tier = getattr(u, "service_tier", None)
                self._thinking = _thinking(u)
        elif kind == "message_delta":
            self._stop = getattr(getattr(chunk, "delta", None), "stop_reason", None) or self._stop
            u = getattr(chunk, "usage", None)
            if u is None:
                return
            counts = self._usage if self._usage is not None else {}
            self._usage = counts
            counts["output_tokens"] = getattr(u, "output_tokens", None)
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
            content = self._parts()
            out = (message("assistant", content, finish_reason=output_finish_reason(stop, content)),)
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
            kind, joined = getattr(block, "type", None), "".join(deltas)
            if not isinstance(kind, str):
                continue
            if kind == "text":
                out.append(text_part(_str(getattr(block, "text", None)) + joined))
            elif kind == "thinking":
                out.append(reasoning_part(_str(getattr(block, "thinking", None)) + joined))
            elif kind in ("tool_use", "server_tool_use"):
                args = parse_json(joined) if joined else plain(getattr(block, "input", None))
                call_id, name = getattr(block, "id", None), _str(getattr(block, "name", None))
                if kind == "tool_use":
                    out.append(tool_call_part(call_id, name, args))
                else:
                    out.append(server_tool_call_part(call_id, name, arguments=args))
            else:
                out.extend(block_parts(block))
        return out


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _thinking(u: Any) -> int | None:
    details = getattr(u, "output_tokens_details", None)
    return getattr(details, "thinking_tokens", None) if details is not None else None

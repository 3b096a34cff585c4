"""Folds a v2 ``chat_stream`` (``V2ChatStreamResponse`` events) into one ``ResponseInfo``.

The SDK parses the SSE body (``event: <type>`` + ``data: {"type": ..., ...}``) into one typed
event per frame: ``message-start`` (id), then per content block ``content-start`` (type ``text`` or
``thinking``) / ``content-delta``* / ``content-end``, or for tools ``tool-plan-delta``* then per
call ``tool-call-start`` (id, name) / ``tool-call-delta``* (argument fragments) / ``tool-call-end``,
``citation-start``/``citation-end``, and last ``message-end`` whose ``delta`` has
``finish_reason`` and ``usage``. Events are built without validation: plain getattr with defaults.
"""

from __future__ import annotations

from typing import Any

from genai_otel.adapter import Message, Part, ResponseInfo, reasoning_part, text_part, tool_call_part

from ._convert import FAILED, billed_attributes, count, output_message, parse_json, usage


def _message(chunk: Any) -> Any:
    return getattr(getattr(chunk, "delta", None), "message", None)


class ChatStreamAccumulator:
    __slots__ = ("_blocks", "_calls", "_capture", "_finish", "_id", "_plan", "_usage")

    def __init__(self, capture: bool) -> None:
        self._capture = capture
        self._id: str | None = None
        self._finish: str | None = None
        self._usage: Any = None
        #: Filled only when capturing: index -> [kind, fragments]; index -> [id, name, fragments].
        self._blocks: dict[Any, list[Any]] = {}
        self._calls: dict[Any, list[Any]] = {}
        self._plan: list[str] = []

    def add(self, chunk: Any) -> None:
        kind = getattr(chunk, "type", None)
        if kind == "content-delta" or kind == "tool-call-delta":
            if self._capture:
                entry = (self._blocks if kind == "content-delta" else self._calls).get(
                    getattr(chunk, "index", None)
                )
                fragment = _fragment(kind, _message(chunk))
                if entry is not None and isinstance(fragment, str):
                    entry[-1].append(fragment)
        elif kind == "content-start":
            if self._capture:
                content = getattr(_message(chunk), "content", None)
                block_type = getattr(content, "type", None) or "text"
                first = getattr(content, "thinking" if block_type == "thinking" else "text", None)
                self._blocks[getattr(chunk, "index", None)] = [
                    block_type,
                    [first] if isinstance(first, str) else [],
                ]
        elif kind == "tool-call-start":
            if self._capture:
                call = getattr(_message(chunk), "tool_calls", None)
                function = getattr(call, "function", None)
                args = getattr(function, "arguments", None)
                name = getattr(function, "name", None)
                self._calls[getattr(chunk, "index", None)] = [
                    getattr(call, "id", None),
                    name if isinstance(name, str) else "",
                    [args] if isinstance(args, str) else [],
                ]
        elif kind == "tool-plan-delta":
            plan = getattr(_message(chunk), "tool_plan", None)
            if self._capture and isinstance(plan, str):
                self._plan.append(plan)
        elif kind == "message-start":
            chunk_id = getattr(chunk, "id", None)
            self._id = chunk_id if isinstance(chunk_id, str) else self._id
        elif kind == "message-end":
            delta = getattr(chunk, "delta", None)
            reason = getattr(delta, "finish_reason", None)
            self._finish = reason if isinstance(reason, str) else self._finish
            self._usage = getattr(delta, "usage", None) or self._usage
            chunk_id = getattr(chunk, "id", None)
            self._id = chunk_id if isinstance(chunk_id, str) else self._id

    def finish(self) -> ResponseInfo:
        if self._id is None and self._finish is None and self._usage is None:
            return ResponseInfo()
        # A message that started but never said why it stopped was cut short (semconv: "error").
        stop = self._finish or "error"
        out: tuple[Message, ...] = ()
        if self._capture:
            out = (output_message(self._parts(), stop),)
        return ResponseInfo(
            response_id=self._id,
            finish_reasons=(stop,),
            usage=usage(self._usage),
            output_messages=out,
            attributes=billed_attributes(self._usage),
            error_type=stop if stop in FAILED else None,
        )

    def _parts(self) -> list[Part]:
        plan = "".join(self._plan)
        out: list[Part] = [reasoning_part(plan)] if plan else []
        for _, (block_type, fragments) in sorted(self._blocks.items(), key=_order):
            joined = "".join(fragments)
            out.append(reasoning_part(joined) if block_type == "thinking" else text_part(joined))
        for _, (call_id, name, fragments) in sorted(self._calls.items(), key=_order):
            out.append(tool_call_part(call_id, name, parse_json("".join(fragments)) if fragments else None))
        return out


def _fragment(kind: str, msg: Any) -> Any:
    if kind == "content-delta":
        content = getattr(msg, "content", None)
        piece = getattr(content, "text", None)
        return piece if isinstance(piece, str) else getattr(content, "thinking", None)
    return getattr(getattr(getattr(msg, "tool_calls", None), "function", None), "arguments", None)


def _order(item: tuple[Any, Any]) -> int:
    index = count(item[0])
    return index if index is not None else 1 << 30

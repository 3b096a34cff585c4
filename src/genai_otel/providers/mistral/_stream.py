"""Folds a Mistral stream (``CompletionEvent`` objects, ``.data`` a ``CompletionChunk``) into one
``ResponseInfo``; chat, FIM and agents streams share the shape.

The API sends ``data: {chunk}`` frames ending with ``data: [DONE]`` (the SDK drops the sentinel).
Every chunk repeats ``id``/``model``; a choice's ``finish_reason`` and the ``usage`` block arrive
on the last chunk. A tool call comes whole in one delta (``index``, ``id``, full ``arguments``);
pieces of one call without a new ``id`` are joined. Magistral's reasoning streams as ``thinking``
content chunks. Finish reasons are reported as sent; a choice whose finish reason never came
(cut-off stream) reports ``"error"``.
"""

from __future__ import annotations

import json
from typing import Any

from genai_otel.adapter import (
    Message,
    Part,
    ResponseInfo,
    message,
    output_finish_reason,
    reasoning_part,
    text_part,
    tool_call_part,
)

from .._values import json_or_text, seq, text
from ._convert import call_id, chunk_part, finish_reason, get_passed, usage


class StreamAccumulator:
    __slots__ = ("_capture", "_choices", "_deltas", "_id", "_model", "_reasons", "_usage")

    def __init__(self, capture: bool) -> None:
        self._capture = capture
        self._id: Any = None
        self._model: Any = None
        self._usage: Any = None
        self._choices = 0
        self._reasons: dict[int, Any] = {}
        self._deltas: list[tuple[int, Any]] = []

    # Plain attribute reads: this runs once per chunk on the caller's thread.
    def add(self, chunk: Any) -> None:
        data = getattr(chunk, "data", None)
        if data is None:
            return
        if self._id is None:
            self._id = getattr(data, "id", None)
            self._model = getattr(data, "model", None)
        u = getattr(data, "usage", None)
        if u is not None:
            self._usage = u
        for choice in getattr(data, "choices", None) or ():
            index = getattr(choice, "index", None)
            if not isinstance(index, int) or isinstance(index, bool) or index < 0:
                continue
            if index >= self._choices:
                self._choices = index + 1
            reason = getattr(choice, "finish_reason", None)
            if reason is not None:
                self._reasons[index] = reason
            if self._capture:
                self._deltas.append((index, getattr(choice, "delta", None)))

    def finish(self) -> ResponseInfo:
        if self._id is None and self._usage is None and not self._choices:
            return ResponseInfo()
        reasons = [finish_reason(self._reasons.get(i)) for i in range(self._choices)]
        return ResponseInfo(
            response_id=text(self._id),
            response_model=text(self._model),
            finish_reasons=tuple(reasons),
            usage=usage(self._usage),
            output_messages=self._messages(reasons) if self._capture else (),
        )

    def _messages(self, reasons: list[str]) -> list[Message]:
        pieces: dict[int, list[Part]] = {}
        calls: dict[int, list[list[Any]]] = {}  # choice -> [[index, id, name, [arguments]], ...]
        for index, delta in self._deltas:
            out = pieces.setdefault(index, [])
            content = get_passed(delta, "content")
            for part in [text_part(content)] if isinstance(content, str) else map(chunk_part, seq(content)):
                _append(out, part)
            for call in seq(get_passed(delta, "tool_calls")):
                _fold_call(calls.setdefault(index, []), call)
        messages = []
        for i in range(self._choices):
            parts = [p for p in pieces.get(i, ()) if p.get("content") != ""]
            for _, cid, name, arguments in calls.get(i, ()):
                parts.append(tool_call_part(cid, name, json_or_text("".join(arguments))))
            messages.append(
                message("assistant", parts, finish_reason=output_finish_reason(reasons[i], parts))
            )
        return messages


def _append(out: list[Part], part: Part) -> None:
    """Consecutive text (or reasoning) deltas become one part."""
    last = out[-1] if out else None
    if last is not None and last["type"] == part["type"] and part["type"] in ("text", "reasoning"):
        joined = last["content"] + part["content"]
        out[-1] = text_part(joined) if part["type"] == "text" else reasoning_part(joined)
    else:
        out.append(part)


def _fold_call(calls: list[list[Any]], call: Any) -> None:
    index, cid = get_passed(call, "index"), call_id(get_passed(call, "id"))
    function = get_passed(call, "function")
    name, arguments = text(get_passed(function, "name")), get_passed(function, "arguments")
    last = next((c for c in reversed(calls) if c[0] == index), None)
    if last is None or (cid is not None and last[1] is not None and cid != last[1]):
        last = [index, cid, name or "", []]
        calls.append(last)
    last[1] = last[1] or cid
    last[2] = last[2] or name or ""
    if isinstance(arguments, str):
        last[3].append(arguments)
    elif arguments is not None:  # the SDK also allows an object
        last[3].append(_dumps(arguments))


def _dumps(value: Any) -> str:
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return str(value)

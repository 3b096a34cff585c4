"""Accumulators for the chunked streams: Chat Completions and legacy Completions.

``add`` runs on the user's thread once per chunk, so it only reads attributes and appends;
deltas are kept (when capturing) and folded into messages in ``finish``. Finish reasons are
reported as sent (output messages map them with ``output_finish_reason``); a choice whose
``finish_reason`` never arrived (cut-off stream) is reported as ``"error"``, as semconv asks.
``_choice_reasons`` is the one place that rule lives (LiteLLM's accumulator overrides it). Zero
chunks give an empty ``ResponseInfo``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...adapter import Message, Part, ResponseInfo, message, output_finish_reason, text_part, tool_call_part
from .._values import json_or_text, seq, text
from ._common import completion_usage, finish_reason, response_attributes


class ChatAccumulator:
    """Folds ``ChatCompletionChunk`` objects."""

    __slots__ = (
        "_capture",
        "_choices",
        "_deltas",
        "_fingerprint",
        "_id",
        "_model",
        "_reasons",
        "_tier",
        "_usage",
    )

    def __init__(self, capture: bool) -> None:
        self._capture = capture
        self._id: Any = None
        self._model: Any = None
        self._tier: Any = None
        self._fingerprint: Any = None
        self._usage: Any = None
        self._choices = 0
        self._reasons: dict[int, Any] = {}
        self._deltas: list[Any] = []

    def add(self, chunk: Any) -> None:
        if not self._id:  # Azure's first chunk has empty id/model
            self._id = getattr(chunk, "id", None)
            self._model = getattr(chunk, "model", None)
        tier = getattr(chunk, "service_tier", None)
        if tier is not None:
            self._tier = tier
        fingerprint = getattr(chunk, "system_fingerprint", None)
        if fingerprint is not None:
            self._fingerprint = fingerprint
        usage = getattr(chunk, "usage", None)
        if usage is not None:
            self._usage = usage
        for choice in seq(getattr(chunk, "choices", None)):
            index = getattr(choice, "index", None)
            if not isinstance(index, int):
                continue
            if index >= self._choices:
                self._choices = index + 1
            reason = getattr(choice, "finish_reason", None)
            if reason is not None:
                self._reasons[index] = reason
            if self._capture:
                self._deltas.append(choice)

    def _choice_reasons(self) -> list[str | None]:
        """Each choice's finish reason as sent, ``"error"`` where none arrived (``None``: leave
        the choice's reason out)."""
        reasons = self._reasons
        return [finish_reason(reasons.get(i)) for i in range(self._choices)]

    def finish(self) -> ResponseInfo:
        reasons = self._choice_reasons()
        return ResponseInfo(
            response_id=text(self._id) or None,
            response_model=text(self._model) or None,
            finish_reasons=tuple(r for r in reasons if r is not None),
            usage=completion_usage(self._usage),
            output_messages=self._messages(reasons) if self._capture and self._choices else (),
            attributes=response_attributes(self),
        )

    # ``response_attributes`` reads these two names off the accumulator like off a response.
    @property
    def service_tier(self) -> Any:
        return self._tier

    @property
    def system_fingerprint(self) -> Any:
        return self._fingerprint

    def _messages(self, reasons: Sequence[str | None]) -> list[Message]:
        texts: dict[int, list[str]] = {}
        calls: dict[int, dict[int, list[Any]]] = {}
        for choice in self._deltas:
            delta = getattr(choice, "delta", None)
            index = choice.index
            for piece in (getattr(delta, "content", None), getattr(delta, "refusal", None)):
                if isinstance(piece, str) and piece:  # the first delta's "" is no text part
                    texts.setdefault(index, []).append(piece)
            for call in getattr(delta, "tool_calls", None) or ():
                call_index = getattr(call, "index", 0)
                if isinstance(call_index, float) and call_index.is_integer():
                    call_index = int(call_index)  # together's SDK types the index as a float
                if not isinstance(call_index, int):  # malformed chunk: not a call we can place
                    continue
                _fold_call(
                    calls.setdefault(index, {}),
                    call_index,
                    getattr(call, "id", None),
                    getattr(call, "function", None),
                )
            function_call = getattr(delta, "function_call", None)  # deprecated predecessor of tool_calls
            if function_call is not None:
                _fold_call(calls.setdefault(index, {}), -1, None, function_call)
        out: list[Message] = []
        for i in range(self._choices):
            parts: list[Part] = [text_part("".join(texts[i]))] if i in texts else []
            for call_id, name, arguments in (calls.get(i) or {}).values():
                parts.append(tool_call_part(call_id, name, json_or_text("".join(arguments))))
            out.append(message("assistant", parts, finish_reason=output_finish_reason(reasons[i], parts)))
        return out


def _fold_call(calls: dict[int, list[Any]], index: Any, call_id: Any, function: Any) -> None:
    entry = calls.setdefault(index, [None, "", []])
    if call_id:
        entry[0] = call_id
    name = getattr(function, "name", None)
    if name:
        entry[1] = name
    arguments = getattr(function, "arguments", None)
    if arguments and isinstance(arguments, str):
        entry[2].append(arguments)


class CompletionAccumulator(ChatAccumulator):
    """Folds legacy ``Completion`` chunks: the same envelope, ``choice.text`` instead of deltas."""

    __slots__ = ()

    def _messages(self, reasons: Sequence[str | None]) -> list[Message]:
        texts: dict[int, list[str]] = {}
        for choice in self._deltas:
            piece = getattr(choice, "text", None)
            if isinstance(piece, str):
                texts.setdefault(choice.index, []).append(piece)
        return [
            message(
                "assistant",
                [text_part("".join(texts.get(i, ())))],
                finish_reason=output_finish_reason(reasons[i]),
            )
            for i in range(self._choices)
        ]

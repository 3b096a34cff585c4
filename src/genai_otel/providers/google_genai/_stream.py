"""Folds one ``streamGenerateContent`` request (``GenerateContentResponse`` chunks) into one
``ResponseInfo``.

Every chunk may carry ``response_id``, ``model_version`` and ``usage_metadata``; within one
request each ``usage_metadata`` is the server's running total, so the last one wins (never
summed). Candidates are told apart by ``index`` (omitted for 0 on the wire, so the position
stands in); the chunk that ends a candidate carries its ``finish_reason`` (reported as sent), and
a candidate that never got one (the stream was cut) reports ``error``. Text arrives split across
chunks: adjacent text (and thought) parts are joined when the output message is built.
"""

from __future__ import annotations

from typing import Any

from genai_otel.adapter import Message, Part, ResponseInfo, message, output_finish_reason

from .._values import text
from ._convert import finish_reason, part, usage


class GenerateContentAccumulator:
    __slots__ = ("_capture", "_id", "_model", "_parts", "_reasons", "_usage")

    def __init__(self, capture: bool) -> None:
        self._capture = capture
        self._id: str | None = None
        self._model: str | None = None
        self._usage: Any = None
        #: candidate index -> latest finish_reason (None until one arrives)
        self._reasons: dict[int, Any] = {}
        #: candidate index -> its content parts, in order; filled only when capturing
        self._parts: dict[int, list[Any]] = {}

    def add(self, chunk: Any) -> None:
        # Plain getattr with defaults: a malformed body may reach us as anything.
        self._id = getattr(chunk, "response_id", None) or self._id
        self._model = getattr(chunk, "model_version", None) or self._model
        u = getattr(chunk, "usage_metadata", None)
        if u is not None:
            self._usage = u
        candidates = getattr(chunk, "candidates", None)
        if not isinstance(candidates, list):
            return
        for position, candidate in enumerate(candidates):
            index = getattr(candidate, "index", None)
            index = index if isinstance(index, int) else position
            reason = getattr(candidate, "finish_reason", None)
            if reason is not None or index not in self._reasons:
                self._reasons[index] = reason
            if self._capture:
                parts = getattr(getattr(candidate, "content", None), "parts", None)
                if isinstance(parts, list):
                    self._parts.setdefault(index, []).extend(parts)

    def finish(self) -> ResponseInfo:
        reasons = tuple(finish_reason(self._reasons[i]) for i in sorted(self._reasons))
        out: tuple[Message, ...] = ()
        if self._capture:
            out = tuple(
                _output(_joined(self._parts.get(i, ())), reason)
                for i, reason in zip(sorted(self._reasons), reasons, strict=True)
            )
        return ResponseInfo(
            response_id=text(self._id),
            response_model=text(self._model),
            finish_reasons=reasons,
            usage=usage(self._usage),
            output_messages=out,
        )


def _output(content: list[Part], reason: str) -> Message:
    return message("assistant", content, finish_reason=output_finish_reason(reason, content))


def _joined(items: Any) -> list[Part]:
    """Parts with adjacent text (and adjacent reasoning) deltas joined into one part."""
    out: list[Part] = []
    for item in items:
        converted = part(item)
        if converted is None:
            continue
        last = out[-1] if out else None
        if (
            last is not None
            and converted["type"] in ("text", "reasoning")
            and last["type"] == converted["type"]
        ):
            last["content"] += converted["content"]
        else:
            out.append(converted)
    return out

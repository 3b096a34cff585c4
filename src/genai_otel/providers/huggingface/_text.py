"""``text_generation`` (TGI's ``/generate`` API, operation ``text_completion``) and
``feature_extraction`` (operation ``embeddings``).

``text_generation`` returns the generated ``str`` unless ``details=True``, which gives a
``TextGenerationOutput`` whose ``details`` carry ``finish_reason`` (TGI's own words: ``length``,
``eos_token``, ``stop_sequence``, kept as they are on the span; the output message maps them with
``adapter.output_finish_reason``: ``eos_token``/``stop_sequence`` -> ``stop``) and
``generated_tokens`` (output tokens). The non-streamed details report no prompt token count
(``prefill`` lists prompt tokens only with ``decoder_input_details=True``), so none is reported.
Streamed (``stream=True``): plain ``str`` token texts (``details=False``; the SDK drops everything
else) or ``TextGenerationStreamOutput`` objects whose last one carries ``generated_text`` and
``details`` with ``finish_reason``, ``generated_tokens`` and ``input_length`` (the prompt tokens).
A detailed stream that ends without its details was cut short: finish reason ``error``. A ``str``
stream says nothing about why it ended: no finish reason.

``feature_extraction`` returns a ``numpy`` float32 array (rows x dimensions, or a token axis in
between for models without pooling): the dimension count is the last axis of its ``shape``, or
the innermost length of nested lists.
"""

from __future__ import annotations

from typing import Any

from genai_otel.adapter import Message, ResponseInfo, Usage, message, output_finish_reason, text_part

from .._values import integer, text
from ._convert import attr_or_item


def _answer(generated: str, capture: bool, reason: str | None = None) -> tuple[Message, ...]:
    """The generated text as one message; ``reason`` (TGI's, as sent) mapped to the schema's."""
    if not capture:
        return ()
    return (message("assistant", [text_part(generated)], finish_reason=output_finish_reason(reason)),)


def parse_response(result: Any, capture: bool) -> ResponseInfo:
    if isinstance(result, str):
        return ResponseInfo(output_messages=_answer(result, capture))
    details = attr_or_item(result, "details") if result is not None else None
    reason = text(attr_or_item(details, "finish_reason")) if details is not None else None
    generated_tokens = integer(attr_or_item(details, "generated_tokens")) if details is not None else None
    generated = text(attr_or_item(result, "generated_text")) if result is not None else None
    return ResponseInfo(
        finish_reasons=(reason,) if reason else (),
        usage=Usage(output_tokens=generated_tokens) if generated_tokens is not None else None,
        output_messages=_answer(generated, capture, reason) if generated is not None else (),
    )


class TextAccumulator:
    """Folds a ``text_generation`` stream: ``str`` chunks or ``TextGenerationStreamOutput``."""

    __slots__ = ("_capture", "_detailed", "_details", "_generated", "_pieces")

    def __init__(self, capture: bool) -> None:
        self._capture = capture
        self._detailed = False
        self._details: Any = None
        self._generated: str | None = None
        self._pieces: list[str] = []

    def add(self, chunk: Any) -> None:
        if isinstance(chunk, str):
            if self._capture:
                self._pieces.append(chunk)
            return
        self._detailed = True
        details = attr_or_item(chunk, "details")
        if details is not None:
            self._details = details
        if self._capture:
            generated = attr_or_item(chunk, "generated_text")
            if isinstance(generated, str):
                self._generated = generated
            token = attr_or_item(chunk, "token")
            piece = (
                attr_or_item(token, "text")
                if token is not None and not attr_or_item(token, "special")
                else None
            )
            if isinstance(piece, str):
                self._pieces.append(piece)

    def finish(self) -> ResponseInfo:
        if not self._detailed and not self._pieces:
            return ResponseInfo()
        details = self._details
        reason = text(attr_or_item(details, "finish_reason")) if details is not None else None
        usage = None
        if details is not None:
            usage = Usage(
                input_tokens=integer(attr_or_item(details, "input_length")),
                output_tokens=integer(attr_or_item(details, "generated_tokens")),
            )
        generated = self._generated if self._generated is not None else "".join(self._pieces)
        reasons = (reason or "error",) if self._detailed else ()
        return ResponseInfo(
            finish_reasons=reasons,
            usage=usage,
            output_messages=_answer(generated, self._capture, reasons[0] if reasons else None),
        )


def dimensions(result: Any) -> int | None:
    """The embedding size: last axis of a numpy ``shape``, else the innermost list's length."""
    shape = getattr(result, "shape", None)
    if isinstance(shape, tuple):
        last = shape[-1] if shape else None
        return last if isinstance(last, int) and last > 0 else None
    value = result
    while isinstance(value, (list, tuple)) and value and isinstance(value[0], (list, tuple)):
        value = value[0]
    return len(value) if isinstance(value, (list, tuple)) and value else None


class NoStream:
    """``feature_extraction`` never streams; this keeps ``new_accumulator`` total."""

    __slots__ = ()

    def add(self, chunk: Any) -> None:
        pass

    def finish(self) -> ResponseInfo:
        return ResponseInfo()

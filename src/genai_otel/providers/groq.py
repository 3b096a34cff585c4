"""Groq adapter: the ``groq`` SDK (written against groq 1.7, httpx), provider ``groq``.

Patched, sync ``Class`` and async ``AsyncClass`` of each:

=======================================  ==========================  ========================
module                                   method                      operation / api
=======================================  ==========================  ========================
``groq.resources.chat.completions``      ``Completions.create``      chat / chat
``groq.resources.embeddings``            ``Embeddings.create``       embeddings / embeddings
=======================================  ==========================  ========================

The SDK is a Stainless sibling of openai's, so the openai adapter's Chat Completions and
Embeddings surfaces parse it (``providers/openai/compat.py``); this module adds Groq's own:

- usage: ``prompt_tokens_details.cached_tokens`` and
  ``completion_tokens_details.reasoning_tokens`` map as openai's do; Groq's timings
  (``queue_time``, ``prompt_time``, ``completion_time``, in seconds) become the vendor attributes
  below;
- streams: the usage block arrives in the last chunk's ``x_groq.usage`` (a top-level ``usage``
  wins when both are sent);
- ``reasoning`` (``reasoning_format="parsed"``) is captured as a reasoning part;
  ``reasoning_effort`` is ``gen_ai.request.reasoning.level``;
- ``error.type`` is the error body's ``code`` (``model_not_found``, ``rate_limit_exceeded``),
  else its ``type``.

Not covered: audio (``audio.transcriptions`` / ``translations`` / ``speech``: no semconv
operation for them yet), batches, files, models. Compound systems' ``executed_tools`` (tools
Groq runs server-side) and ``x_groq.usage``'s DRAM/SRAM cache counts are not reported;
``service_tier`` has no semconv attribute for Groq and is not reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genai_otel._telemetry.semconv import GROQ_COMPLETION_TIME, GROQ_PROMPT_TIME, GROQ_QUEUE_TIME

from .._telemetry.semconv import PROVIDER_GROQ
from ..adapter import CHAT, EMBEDDINGS, PatchTarget
from ._values import number
from .openai.compat import Compat, CompatChatAccumulator

__all__ = ["ADAPTER", "TARGETS"]

#: Vendor attributes (seconds, as Groq reports them); not in the semconv.
_TIMINGS = (
    ("queue_time", GROQ_QUEUE_TIME),
    ("prompt_time", GROQ_PROMPT_TIME),
    ("completion_time", GROQ_COMPLETION_TIME),
)

_CHAT = "groq.resources.chat.completions"
_EMBEDDINGS = "groq.resources.embeddings"

TARGETS: tuple[PatchTarget, ...] = tuple(
    PatchTarget(module, f"{prefix}{cls}.create", operation, api, is_async=bool(prefix))
    for module, cls, operation, api in (
        (_CHAT, "Completions", CHAT, "chat"),
        (_EMBEDDINGS, "Embeddings", EMBEDDINGS, "embeddings"),
    )
    for prefix in ("", "Async")
)


def timings(usage: Any) -> Mapping[str, Any]:
    """Groq's timing fields of a ``CompletionUsage`` (absent ones, and other usage types, skipped)."""
    if usage is None:
        return {}
    out = {}
    for field, key in _TIMINGS:
        value = number(getattr(usage, field, None))
        if value is not None:
            out[key] = value
    return out


class GroqChatAccumulator(CompatChatAccumulator):
    """Takes the stream's usage from the last chunk's ``x_groq.usage``."""

    __slots__ = ()

    def add(self, chunk: Any) -> None:
        super().add(chunk)
        x_groq = getattr(chunk, "x_groq", None)
        if x_groq is not None and self._usage is None:
            self._usage = getattr(x_groq, "usage", None)


_COMPAT = Compat("groq", PROVIDER_GROQ, usage_attributes=timings, chat_accumulator=GroqChatAccumulator)
ADAPTER = _COMPAT.adapter("groq", TARGETS)

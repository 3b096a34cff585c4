"""``opentelemetry_instrumentor`` entry points: one ``BaseInstrumentor`` per provider.

``opentelemetry-instrument python app.py`` loads every entry point of the group and calls
``instrument()`` on it; ``OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=genai_otel_openai`` skips one.
Each instrumentor switches on its own adapter through ``genai_otel.instrument(providers=[name])``
and off through ``genai_otel.uninstrument(providers=[name])``.

Dependencies: the distribution lists no SDK under the ``instruments``/``instruments-any`` extras
(auto-instrumentation applies those to *every* entry point of the distribution, so one missing
SDK would switch all of them off), so auto-instrumentation loads each of these and each checks
its own SDK here: not installed, or outside the supported range, means nothing is patched.

The classes are made from the support table (``genai_otel._support``, one per row: its adapter,
its ``distribution >= floor``); the names below bind them for import.

Like every OpenTelemetry instrumentor, these never build SDK providers: they report to the
providers passed (``tracer_provider=`` ...) or to the global ones, which the distro's
configurator sets up (``opentelemetry-distro``).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any, ClassVar, cast

from opentelemetry import metrics, trace
from opentelemetry.instrumentation.dependencies import get_dependency_conflicts
from opentelemetry.instrumentation.instrumentor import BaseInstrumentor  # type: ignore[attr-defined]

import genai_otel
from genai_otel._support import SUPPORT, Support

logger = logging.getLogger("genai_otel")

#: ``instrument()`` keywords an instrumentor passes through (providers/exclude are its own).
_PASSED = (
    "logger_provider",
    "capture_content",
    "redact",
    "redact_pii",
    "capture_binary",
    "chunk_metrics",
    "semconv",
    "completion_hook",
    "max_part_length",
    "max_attribute_length",
)


class GenAIInstrumentor(BaseInstrumentor):  # type: ignore[misc]  # BaseInstrumentor is untyped
    """Instruments one provider's SDK; subclasses name the adapter and its SDK requirement."""

    adapter: ClassVar[str]
    requirement: ClassVar[str]

    def instrumentation_dependencies(self) -> Collection[str]:
        return (self.requirement,)

    def _instrument(self, **kwargs: Any) -> None:
        conflict = get_dependency_conflicts(self.instrumentation_dependencies())
        if conflict is not None:
            logger.debug("genai_otel: %s not instrumented: %s", self.adapter, conflict)
            return
        genai_otel.instrument(
            providers=[self.adapter],
            tracer_provider=kwargs.get("tracer_provider") or trace.get_tracer_provider(),
            meter_provider=kwargs.get("meter_provider") or metrics.get_meter_provider(),
            **{key: kwargs[key] for key in _PASSED if key in kwargs},
        )

    def _uninstrument(self, **kwargs: Any) -> None:
        genai_otel.uninstrument(providers=[self.adapter])


def _instrumentor(row: Support) -> type[GenAIInstrumentor]:
    namespace = {
        "__module__": __name__,
        "__qualname__": row.instrumentor,
        "__doc__": f"Entry point ``{row.entry_point}``: the ``{row.name}`` adapter ({row.requirement}).",
        "adapter": row.name,
        "requirement": row.requirement,
    }
    return cast("type[GenAIInstrumentor]", type(row.instrumentor, (GenAIInstrumentor,), namespace))


_GENERATED = {row.instrumentor: _instrumentor(row) for row in SUPPORT}

# The public names the entry points (pyproject.toml) and users import; tests/test_support.py
# checks that every row of the support table is bound here and nothing else.
OpenAIInstrumentor = _GENERATED["OpenAIInstrumentor"]
AnthropicInstrumentor = _GENERATED["AnthropicInstrumentor"]
GoogleGenAIInstrumentor = _GENERATED["GoogleGenAIInstrumentor"]
BedrockInstrumentor = _GENERATED["BedrockInstrumentor"]
MistralInstrumentor = _GENERATED["MistralInstrumentor"]
CohereInstrumentor = _GENERATED["CohereInstrumentor"]
OllamaInstrumentor = _GENERATED["OllamaInstrumentor"]
GroqInstrumentor = _GENERATED["GroqInstrumentor"]
TogetherInstrumentor = _GENERATED["TogetherInstrumentor"]
LiteLLMInstrumentor = _GENERATED["LiteLLMInstrumentor"]
HuggingFaceInstrumentor = _GENERATED["HuggingFaceInstrumentor"]

"""``opentelemetry_instrumentor`` entry points: one ``BaseInstrumentor`` per provider.

``opentelemetry-instrument python app.py`` loads every entry point of the group and calls
``instrument()`` on it; ``OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=genai_otel_openai`` skips one.
Each instrumentor switches on its own adapter through ``genai_otel.instrument(providers=[name])``
and off through ``genai_otel.uninstrument(providers=[name])``.

Dependencies: the distribution lists no SDK under the ``instruments``/``instruments-any`` extras
(auto-instrumentation applies those to *every* entry point of the distribution, so one missing
SDK would switch all of them off), so auto-instrumentation loads each of these and each checks
its own SDK here: not installed, or outside the supported range, means nothing is patched.

Like every OpenTelemetry instrumentor, these never build SDK providers: they report to the
providers passed (``tracer_provider=`` ...) or to the global ones, which the distro's
configurator sets up (``opentelemetry-distro``).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any, ClassVar

from opentelemetry import metrics, trace
from opentelemetry.instrumentation.dependencies import get_dependency_conflicts
from opentelemetry.instrumentation.instrumentor import BaseInstrumentor  # type: ignore[attr-defined]

import genai_otel

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


class GenAIInstrumentor(BaseInstrumentor):
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


class OpenAIInstrumentor(GenAIInstrumentor):
    """Entry point ``genai_otel_openai``."""

    adapter = "openai"
    requirement = "openai >= 3.0"


class AnthropicInstrumentor(GenAIInstrumentor):
    """Entry point ``genai_otel_anthropic``."""

    adapter = "anthropic"
    requirement = "anthropic >= 2.0"


class GoogleGenAIInstrumentor(GenAIInstrumentor):
    """Entry point ``genai_otel_google_genai``."""

    adapter = "google_genai"
    requirement = "google-genai >= 1.0.0"


class BedrockInstrumentor(GenAIInstrumentor):
    """Entry point ``genai_otel_bedrock``."""

    adapter = "bedrock"
    requirement = "botocore >= 1.34"


class MistralInstrumentor(GenAIInstrumentor):
    """Entry point ``genai_otel_mistral``."""

    adapter = "mistral"
    requirement = "mistralai >= 2.0"


class CohereInstrumentor(GenAIInstrumentor):
    """Entry point ``genai_otel_cohere``."""

    adapter = "cohere"
    requirement = "cohere >= 5.8"


class OllamaInstrumentor(GenAIInstrumentor):
    """Entry point ``genai_otel_ollama``."""

    adapter = "ollama"
    requirement = "ollama >= 0.4"


class GroqInstrumentor(GenAIInstrumentor):
    """Entry point ``genai_otel_groq``."""

    adapter = "groq"
    requirement = "groq >= 1.0"


class TogetherInstrumentor(GenAIInstrumentor):
    """Entry point ``genai_otel_together``."""

    adapter = "together"
    requirement = "together >= 2.0"


class LiteLLMInstrumentor(GenAIInstrumentor):
    """Entry point ``genai_otel_litellm``."""

    adapter = "litellm"
    requirement = "litellm >= 1.50"


class HuggingFaceInstrumentor(GenAIInstrumentor):
    """Entry point ``genai_otel_huggingface``."""

    adapter = "huggingface"
    requirement = "huggingface_hub >= 0.28"

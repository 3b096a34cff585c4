"""genai_otel: OpenTelemetry for every LLM call, under the GenAI semantic conventions.

    import genai_otel
    genai_otel.instrument()

Every call of a supported client becomes a CLIENT span named ``{operation} {model}`` with the
GenAI attributes, duration/token metrics, and (opt-in) content on the span and/or the
``gen_ai.client.inference.operation.details`` event. Content is off by default.

``instrument()`` imports no provider SDK and makes no network call; it is idempotent, and
``uninstrument()`` removes every patch. See the README for every keyword and variable.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from ._guard import add_sink, remove_sink
from ._patching.registry import REGISTRY
from ._setup import resolve_providers
from ._telemetry.completion_hook import load_completion_hook
from ._telemetry.telemetry import Telemetry
from .config import CaptureMode, Settings
from .version import __version__

__all__ = [
    "CaptureMode",
    "Settings",
    "__version__",
    "add_sink",
    "instrument",
    "is_instrumented",
    "remove_sink",
    "uninstrument",
]

logger = logging.getLogger("genai_otel")
_lock = threading.Lock()


def instrument(
    *,
    tracer_provider: Any = None,
    meter_provider: Any = None,
    logger_provider: Any = None,
    capture_content: bool | str | CaptureMode | None = None,
    redact: Callable[[str], str] | None = None,
    redact_pii: bool | None = None,
    capture_binary: bool | None = None,
    chunk_metrics: bool | None = None,
    semconv: str | None = None,
    providers: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
    completion_hook: Any = None,
    max_part_length: int | None = None,
    max_attribute_length: int | None = None,
) -> None:
    """Instrument every supported LLM client, now and when imported later.

    Keywords win over the environment, which wins over defaults. A second call while
    instrumented does nothing (call ``uninstrument()`` first to change settings).
    """
    with _lock:
        if REGISTRY.telemetry is not None:
            logger.debug("genai_otel: already instrumented; call uninstrument() to reconfigure")
            return
        settings = Settings.load(
            capture_content=capture_content,
            semconv=semconv,
            providers=providers,
            exclude=exclude,
            redact=redact,
            redact_pii=redact_pii,
            capture_binary=capture_binary,
            chunk_metrics=chunk_metrics,
            max_part_length=max_part_length,
            max_attribute_length=max_attribute_length,
            completion_hook=completion_hook,
        )
        hook = (
            completion_hook
            if completion_hook is not None
            else load_completion_hook(settings.completion_hook_name)
        )
        tracer_provider, meter_provider, logger_provider = resolve_providers(
            settings, tracer_provider, meter_provider, logger_provider
        )
        REGISTRY.install(Telemetry(settings, tracer_provider, meter_provider, logger_provider, hook))


def uninstrument() -> None:
    """Remove every patch. Safe to call when not instrumented."""
    with _lock:
        REGISTRY.uninstall()


def is_instrumented() -> bool:
    return REGISTRY.telemetry is not None

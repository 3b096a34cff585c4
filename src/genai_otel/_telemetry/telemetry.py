"""The telemetry objects one ``instrument()`` call builds and every wrapper closes over."""

from __future__ import annotations

import sys
from typing import Any

from opentelemetry.metrics import MeterProvider
from opentelemetry.trace import TracerProvider

from ..config import Settings
from ..version import __version__
from .content import ContentPolicy
from .instruments import Instruments

SCOPE = "genai_otel"


class Telemetry:
    __slots__ = ("capture", "completion_hook", "content", "event_logger", "instruments", "settings", "tracer")

    def __init__(
        self,
        settings: Settings,
        tracer_provider: TracerProvider,
        meter_provider: MeterProvider,
        logger_provider: Any,
        completion_hook: Any,
    ) -> None:
        self.settings = settings
        self.tracer = tracer_provider.get_tracer(SCOPE, __version__)
        self.instruments = Instruments(
            meter_provider.get_meter(SCOPE, __version__), settings.semconv, settings.chunk_metrics
        )
        self.event_logger = (
            logger_provider.get_logger(SCOPE, __version__)
            if logger_provider is not None and settings.capture.on_event
            else None
        )
        self.completion_hook = completion_hook
        self.content = ContentPolicy(settings)
        #: Build content at all? Only when it goes somewhere: span, event or a hook.
        self.capture = settings.capture.enabled or completion_hook is not None


_public_names: dict[type, str] = {}


def error_type_of(exc: BaseException) -> str:
    """The fully qualified class name, preferring the package's public re-export
    (``openai.NotFoundError`` rather than ``openai._exceptions.NotFoundError``)."""
    cls = type(exc)
    name = _public_names.get(cls)
    if name is None:
        module = cls.__module__
        top = module.partition(".")[0]
        if module != top and getattr(sys.modules.get(top), cls.__qualname__, None) is cls:
            module = top
        name = cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"
        _public_names[cls] = name
    return name

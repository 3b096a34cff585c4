"""genai_otel: OpenTelemetry for every LLM call, under the GenAI semantic conventions.

    import genai_otel
    genai_otel.instrument()

Every call of a supported client becomes a CLIENT span named ``{operation} {model}`` with the
GenAI attributes, duration/token metrics, and (opt-in) content on the span and/or the
``gen_ai.client.inference.operation.details`` event. Content is off by default.

``instrument()`` imports no provider SDK and makes no network call; it is idempotent, and
``uninstrument()`` removes every patch. A later ``instrument(providers=[...])`` adds adapters to
the active set and ``uninstrument(providers=[...])`` removes only those (the per-provider
``opentelemetry_instrumentor`` entry points rely on it). ``register_adapter()`` adds an adapter
written outside genai_otel (the contract is ``genai_otel.adapter``). See the README for every
keyword and variable.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from ._guard import add_sink, remove_sink
from ._patching.registry import ADAPTERS, REGISTRY, register
from ._setup import resolve_providers
from ._telemetry.completion_hook import for_util_genai, load_completion_hook
from ._telemetry.telemetry import Telemetry
from .config import CaptureMode, Settings
from .version import __version__

# What the README documents ("Python API"), and nothing else (tests/test_support.py).
# ``Settings`` stays importable from here but is not public: keywords and variables configure.
__all__ = [
    "CaptureMode",
    "__version__",
    "add_sink",
    "instrument",
    "is_instrumented",
    "register_adapter",
    "remove_sink",
    "uninstrument",
]

logger = logging.getLogger("genai_otel")
_lock = threading.Lock()
#: the (tracer, meter, logger) providers the active adapters report to
_providers: tuple[Any, Any, Any] | None = None


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
    backend: str | None = None,
) -> None:
    """Instrument every supported LLM client, now and when imported later.

    Keywords win over the environment, which wins over defaults. A call while instrumented adds
    the adapters it selects that are not active yet, provided its settings and providers are
    those already in use (otherwise it warns and changes nothing: call ``uninstrument()`` first
    to reconfigure); adapters already active are left as they are.

    ``backend`` (``GENAI_OTEL_BACKEND``) presets the exporters built when the application
    configured no OpenTelemetry providers: ``otlp`` (default: the standard ``OTEL_*``
    variables), ``console`` (a readable terminal view), ``jaeger``, ``instana``, ``datadog``,
    ``dynatrace``. Explicit ``OTEL_*`` variables always win over a preset.
    """
    global _providers
    with _lock:
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
            backend=backend,
        )
        names = [name for name in ADAPTERS if settings.wants(name) and name not in REGISTRY.active]
        active = REGISTRY.telemetry
        if active is not None:
            if not names:
                logger.debug("genai_otel: already instrumented; call uninstrument() to reconfigure")
            elif _compatible(active.settings, settings, (tracer_provider, meter_provider, logger_provider)):
                REGISTRY.install(active, names)
            else:
                logger.warning(
                    "genai_otel: already instrumented with other settings or providers; %s not added "
                    "(call uninstrument() first to reconfigure)",
                    ", ".join(names),
                )
            return
        hook = (
            for_util_genai(completion_hook)
            if completion_hook is not None
            else load_completion_hook(settings.completion_hook_name)
        )
        tracer_provider, meter_provider, logger_provider = resolve_providers(
            settings, tracer_provider, meter_provider, logger_provider
        )
        _providers = (tracer_provider, meter_provider, logger_provider)
        REGISTRY.install(Telemetry(settings, tracer_provider, meter_provider, logger_provider, hook), names)


def _compatible(current: Settings, new: Settings, passed: tuple[Any, Any, Any]) -> bool:
    """Same settings but for the adapter selection, and no provider other than those in use."""

    def unselected(settings: Settings) -> Settings:
        return dataclasses.replace(settings, providers=None, exclude=frozenset())

    in_use = _providers or (None, None, None)
    same_providers = all(p is None or p is q for p, q in zip(passed, in_use, strict=True))
    return same_providers and unselected(current) == unselected(new)


def uninstrument(*, providers: Iterable[str] | None = None) -> None:
    """Remove every patch, or only the patches of the adapters named in ``providers``.
    Safe to call when not instrumented."""
    global _providers
    with _lock:
        REGISTRY.uninstall(None if providers is None else {p.strip().lower() for p in providers})
        if REGISTRY.telemetry is None:
            _providers = None


def is_instrumented() -> bool:
    """Whether any adapter is active (between ``instrument()`` and ``uninstrument()``)."""
    return REGISTRY.telemetry is not None


def register_adapter(name: str, sdk_module: str, adapter_module: str) -> None:
    """Add an adapter from outside genai_otel: ``adapter_module`` exports ``ADAPTER``, a
    ``genai_otel.adapter.ProviderAdapter`` for the SDK whose import is ``sdk_module``.

    Nothing is imported now. As for genai_otel's own adapters, ``adapter_module`` is imported
    when ``sdk_module`` is (at once if it already is). Before ``instrument()``, the adapter is one
    of those it switches on (``providers=``/``exclude=`` and their variables name it ``name``);
    after, it is switched on now if the settings in use select it. Registering the same adapter
    again does nothing; another one under a name already taken raises ``ValueError``.
    """
    with _lock:
        register(name, sdk_module, adapter_module)
        telemetry = REGISTRY.telemetry
        if telemetry is not None and telemetry.settings.wants(name) and name not in REGISTRY.active:
            REGISTRY.install(telemetry, [name])

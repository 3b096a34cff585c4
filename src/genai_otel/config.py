"""Settings: the only place in genai_otel that reads ``os.environ``.

Precedence: keyword arguments to ``instrument()`` > environment > defaults. The environment is
read once per ``instrument()`` call, into a frozen ``Settings``.

Our own variables (all optional):

===================================  =========================================================
``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT``  ``NO_CONTENT`` (default) | ``SPAN_ONLY`` |
                                     ``EVENT_ONLY`` | ``SPAN_AND_EVENT``; ``true``/``false`` are
                                     aliases of ``SPAN_ONLY``/``NO_CONTENT``
``OTEL_INSTRUMENTATION_GENAI_COMPLETION_HOOK``  entry-point name in the
                                     ``opentelemetry_genai_completion_hook`` group
``GENAI_OTEL_SEMCONV``               ``latest`` (default) | ``legacy`` | ``both``: metric names
``GENAI_OTEL_PROVIDERS``             comma list: instrument only these adapters
``GENAI_OTEL_EXCLUDE``               comma list: never instrument these adapters
``GENAI_OTEL_REDACT_PII``            ``true`` scrubs e-mails, phones, cards, IPs from content
``GENAI_OTEL_CAPTURE_BINARY``        ``true`` exports inline bytes (images, audio) as base64
``GENAI_OTEL_CHUNK_METRICS``         ``false`` skips time_per_output_chunk (one point per chunk)
``GENAI_OTEL_MAX_PART_LENGTH``       max characters of one text part (default 16384)
``GENAI_OTEL_MAX_ATTRIBUTE_LENGTH``  max characters of one content attribute (default 131072)
===================================  =========================================================

Standard ``OTEL_*`` variables that decide how providers are built (exporters, protocol) are
read here too; everything else (endpoint, headers, sampler, resource) the OpenTelemetry SDK
reads itself when ``_setup`` builds it.
"""

from __future__ import annotations

import enum
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ._telemetry.semconv import SEMCONV_LATEST, SEMCONV_MODES

logger = logging.getLogger("genai_otel")

Redactor = Callable[[str], str]


class CaptureMode(enum.Enum):
    NO_CONTENT = "NO_CONTENT"
    SPAN_ONLY = "SPAN_ONLY"
    EVENT_ONLY = "EVENT_ONLY"
    SPAN_AND_EVENT = "SPAN_AND_EVENT"

    @property
    def on_span(self) -> bool:
        return self in (CaptureMode.SPAN_ONLY, CaptureMode.SPAN_AND_EVENT)

    @property
    def on_event(self) -> bool:
        return self in (CaptureMode.EVENT_ONLY, CaptureMode.SPAN_AND_EVENT)

    @property
    def enabled(self) -> bool:
        return self is not CaptureMode.NO_CONTENT


_ALIASES = {"TRUE": CaptureMode.SPAN_ONLY, "FALSE": CaptureMode.NO_CONTENT}


def parse_capture_mode(value: object) -> CaptureMode:
    """Accepts a CaptureMode, a bool, or a case-insensitive name/alias. Unknown → NO_CONTENT."""
    if isinstance(value, CaptureMode):
        return value
    if isinstance(value, bool):
        return CaptureMode.SPAN_ONLY if value else CaptureMode.NO_CONTENT
    text = str(value).strip().upper()
    if text in _ALIASES:
        return _ALIASES[text]
    try:
        return CaptureMode[text]
    except KeyError:
        logger.warning("genai_otel: unknown content capture mode %r; content is not captured", value)
        return CaptureMode.NO_CONTENT


def _env_bool(env: Mapping[str, str], name: str) -> bool | None:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return None
    return raw.strip().lower() in ("1", "true", "yes", "on")


def _env_int(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        logger.warning("genai_otel: %s=%r is not an integer; using the default", name, raw)
        return None
    return value if value > 0 else None


def _names(value: Iterable[str] | str | None) -> frozenset[str] | None:
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else value
    return frozenset(s.strip().lower() for s in items if s and s.strip())


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


@dataclass(frozen=True, slots=True)
class Settings:
    capture: CaptureMode = CaptureMode.NO_CONTENT
    semconv: str = SEMCONV_LATEST
    providers: frozenset[str] | None = None
    exclude: frozenset[str] = frozenset()
    redact: Redactor | None = None
    redact_pii: bool = False
    capture_binary: bool = False
    chunk_metrics: bool = True
    max_part_length: int = 16384
    max_attribute_length: int = 131072
    completion_hook: Any = None
    completion_hook_name: str | None = None
    # how _setup builds SDK providers when the application configured none
    traces_exporter: str = "otlp"
    metrics_exporter: str = "otlp"
    logs_exporter: str = "otlp"
    traces_protocol: str = "grpc"
    metrics_protocol: str = "grpc"
    logs_protocol: str = "grpc"

    def wants(self, adapter_name: str) -> bool:
        if adapter_name in self.exclude:
            return False
        return self.providers is None or adapter_name in self.providers

    @classmethod
    def load(
        cls,
        *,
        capture_content: object = None,
        semconv: str | None = None,
        providers: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        redact: Redactor | None = None,
        redact_pii: bool | None = None,
        capture_binary: bool | None = None,
        chunk_metrics: bool | None = None,
        max_part_length: int | None = None,
        max_attribute_length: int | None = None,
        completion_hook: Any = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        env = os.environ if environ is None else environ
        capture_raw = _first(capture_content, env.get("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"))
        mode = str(_first(semconv, env.get("GENAI_OTEL_SEMCONV"), SEMCONV_LATEST)).strip().lower()
        if mode not in SEMCONV_MODES:
            logger.warning("genai_otel: unknown semconv setting %r; using %r", mode, SEMCONV_LATEST)
            mode = SEMCONV_LATEST
        if redact is not None and not callable(redact):
            raise TypeError(f"redact must be a callable taking and returning str, not {type(redact)!r}")
        protocol = env.get("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc").strip().lower() or "grpc"

        def signal_protocol(signal: str) -> str:
            value = env.get(f"OTEL_EXPORTER_OTLP_{signal}_PROTOCOL", "").strip().lower()
            return value or protocol

        return cls(
            capture=parse_capture_mode(capture_raw) if capture_raw is not None else CaptureMode.NO_CONTENT,
            semconv=mode,
            providers=_names(_first(providers, env.get("GENAI_OTEL_PROVIDERS") or None)),
            exclude=_names(_first(exclude, env.get("GENAI_OTEL_EXCLUDE"))) or frozenset(),
            redact=redact,
            redact_pii=bool(_first(redact_pii, _env_bool(env, "GENAI_OTEL_REDACT_PII"), False)),
            capture_binary=bool(_first(capture_binary, _env_bool(env, "GENAI_OTEL_CAPTURE_BINARY"), False)),
            chunk_metrics=bool(_first(chunk_metrics, _env_bool(env, "GENAI_OTEL_CHUNK_METRICS"), True)),
            max_part_length=_first(max_part_length, _env_int(env, "GENAI_OTEL_MAX_PART_LENGTH"), 16384),
            max_attribute_length=_first(
                max_attribute_length, _env_int(env, "GENAI_OTEL_MAX_ATTRIBUTE_LENGTH"), 131072
            ),
            completion_hook=completion_hook,
            completion_hook_name=env.get("OTEL_INSTRUMENTATION_GENAI_COMPLETION_HOOK") or None,
            traces_exporter=env.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() or "otlp",
            metrics_exporter=env.get("OTEL_METRICS_EXPORTER", "otlp").strip().lower() or "otlp",
            logs_exporter=env.get("OTEL_LOGS_EXPORTER", "otlp").strip().lower() or "otlp",
            traces_protocol=signal_protocol("TRACES"),
            metrics_protocol=signal_protocol("METRICS"),
            logs_protocol=signal_protocol("LOGS"),
        )

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
``GENAI_OTEL_BACKEND``               ``otlp`` (default) | ``console`` | ``jaeger`` | ``instana`` |
                                     ``datadog`` | ``dynatrace``: a backend preset
===================================  =========================================================

Standard ``OTEL_*`` variables that decide how providers are built (exporters, protocol) are
read here too; everything else (endpoint, headers, sampler, resource) the OpenTelemetry SDK
reads itself when ``_setup`` builds it.

A backend preset (``_presets``) fills only the ``OTEL_*`` settings the user left unset. Since the
SDK's exporters read ``os.environ`` themselves (which is never modified), what the preset adds is
carried to ``_setup`` as explicit exporter arguments: ``ExportOptions`` per signal (endpoint,
headers), the metric temporality, and resource attributes. Header values are secrets: they are
kept out of every ``repr`` and never logged.
"""

from __future__ import annotations

import enum
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from . import _presets
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


SIGNALS = ("traces", "metrics", "logs")


@dataclass(frozen=True, slots=True, repr=False)
class ExportOptions:
    """What a backend preset adds to one signal's OTLP exporter, only where the user set nothing:
    ``None`` leaves the exporter to read the standard variables itself. ``headers`` is complete
    (the user's own headers for the signal merged in), since a gRPC exporter given headers no
    longer reads ``OTEL_EXPORTER_OTLP_HEADERS``."""

    endpoint: str | None = None
    headers: tuple[tuple[str, str], ...] | None = None

    def __repr__(self) -> str:  # header values are secrets: names only
        names = [name for name, _ in self.headers] if self.headers else None
        return f"ExportOptions(endpoint={self.endpoint!r}, headers={names!r})"

    def kwargs(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.endpoint:
            out["endpoint"] = self.endpoint
        if self.headers:
            out["headers"] = dict(self.headers)
        return out


def _pairs(raw: str | None) -> dict[str, str]:
    """``k=v,k2=v2`` as OTEL_EXPORTER_OTLP_HEADERS / OTEL_RESOURCE_ATTRIBUTES write it. Parsed
    here without logging anything (a malformed entry could hold a secret)."""
    out: dict[str, str] = {}
    for item in (raw or "").split(","):
        name, sep, value = item.partition("=")
        if sep and name.strip():
            out[unquote(name).strip()] = unquote(value).strip()
    return out


def public_endpoint(url: str | None) -> str:
    """An endpoint fit for a log line: no user info, query or fragment."""
    if not url:
        return "(SDK default)"
    if "://" not in url:
        return url.rpartition("@")[2].split("?")[0]
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparsable endpoint)"
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


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
    # what a backend preset adds (only settings the user left unset); see _presets
    backend: str = _presets.DEFAULT_BACKEND
    traces_options: ExportOptions = ExportOptions()
    metrics_options: ExportOptions = ExportOptions()
    logs_options: ExportOptions = ExportOptions()
    metrics_temporality: str | None = None
    resource_attributes: tuple[tuple[str, str], ...] = ()
    console_color: bool | None = None  # False when NO_COLOR is set; None: colours on a TTY

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
        backend: str | None = None,
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
        capture = parse_capture_mode(capture_raw) if capture_raw is not None else CaptureMode.NO_CONTENT
        preset = _load_preset(backend, env)
        # logs are built only for event content: no warning about a signal never exported
        exporting = _Exporting(preset, env, SIGNALS if capture.on_event else SIGNALS[:2])
        return cls(
            capture=capture,
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
            traces_exporter=exporting.exporter("traces"),
            metrics_exporter=exporting.exporter("metrics"),
            logs_exporter=exporting.exporter("logs"),
            traces_protocol=exporting.protocol("traces"),
            metrics_protocol=exporting.protocol("metrics"),
            logs_protocol=exporting.protocol("logs"),
            backend=preset.name,
            traces_options=exporting.options("traces"),
            metrics_options=exporting.options("metrics"),
            logs_options=exporting.options("logs"),
            metrics_temporality=exporting.temporality(),
            resource_attributes=exporting.resource(),
            console_color=False if env.get("NO_COLOR") else None,
        )


def _load_preset(backend: str | None, env: Mapping[str, str]) -> _presets.Preset:
    name = str(_first(backend, env.get("GENAI_OTEL_BACKEND") or None, _presets.DEFAULT_BACKEND))
    preset = _presets.get(name)
    if preset is None:
        logger.warning(
            "genai_otel: unknown backend %r (known: %s); using %r",
            name,
            ", ".join(_presets.PRESETS),
            _presets.DEFAULT_BACKEND,
        )
        preset = _presets.PRESETS[_presets.DEFAULT_BACKEND]
    return preset


class _Exporting:
    """The standard ``OTEL_*`` exporter settings with a preset's defaults under them: the user's
    non-empty variables win, per setting and per signal (a signal's own variable beats the
    generic one, which beats the preset)."""

    def __init__(self, preset: _presets.Preset, env: Mapping[str, str], built: Iterable[str]) -> None:
        self.preset = preset
        self.env = env
        self.auth = _presets.header_values(preset, env)
        self._warn(tuple(built))

    def user(self, name: str) -> str | None:
        value = self.env.get(name, "").strip()
        return value or None

    def setting(self, name: str) -> str | None:
        return self.user(name) or self.preset.env.get(name)

    def exporter(self, signal: str) -> str:
        return (self.setting(f"OTEL_{signal.upper()}_EXPORTER") or "otlp").lower()

    def protocol(self, signal: str) -> str:
        value = self.user(f"OTEL_EXPORTER_OTLP_{signal.upper()}_PROTOCOL")
        return (value or self.setting("OTEL_EXPORTER_OTLP_PROTOCOL") or "grpc").lower()

    def user_endpoint(self, signal: str) -> str | None:
        return self.user(f"OTEL_EXPORTER_OTLP_{signal.upper()}_ENDPOINT") or self.user(
            "OTEL_EXPORTER_OTLP_ENDPOINT"
        )

    def options(self, signal: str) -> ExportOptions:
        protocol = self.protocol(signal)
        endpoint = None
        if self.user_endpoint(signal) is None:
            base = _presets.base_endpoint(self.preset, protocol, self.env)
            if base is not None:
                endpoint = _presets.signal_endpoint(base, protocol, signal)
        headers = None
        # credentials go only where the preset or the user points (never to the SDK's default)
        if self.auth and (endpoint is not None or self.user_endpoint(signal) is not None):
            own = {
                name.lower(): value
                for name, value in _pairs(
                    self.user(f"OTEL_EXPORTER_OTLP_{signal.upper()}_HEADERS")
                    or self.user("OTEL_EXPORTER_OTLP_HEADERS")
                ).items()
            }
            added = {name: value for name, value in self.auth.items() if name not in own}
            if added:
                headers = tuple({**added, **own}.items())
        return ExportOptions(endpoint=endpoint, headers=headers)

    def temporality(self) -> str | None:
        if self.user("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"):
            return None  # the exporter reads the user's own preference
        value = self.preset.env.get("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE")
        return value.lower() if value else None

    def resource(self) -> tuple[tuple[str, str], ...]:
        own = set(_pairs(self.user("OTEL_RESOURCE_ATTRIBUTES")))
        if self.user("OTEL_SERVICE_NAME"):
            own.add("service.name")
        values = _presets.resource_values(self.preset, self.env)
        return tuple((key, value) for key, value in values.items() if key not in own)

    def _warn(self, built: tuple[str, ...]) -> None:
        preset = self.preset
        otlp = [s for s in built if self.exporter(s) == "otlp"]
        if preset.protocols is not None:
            for signal in otlp:
                if self.protocol(signal) not in preset.protocols:
                    logger.warning(
                        "genai_otel: backend %r accepts OTLP over %s only; %s keeps the protocol %r "
                        "it was given",
                        preset.name,
                        " / ".join(sorted(preset.protocols)),
                        signal,
                        self.protocol(signal),
                    )
        if preset.endpoint_var and self.user(preset.endpoint_var) is None:
            missing = [s for s in otlp if self.user_endpoint(s) is None]
            if missing:
                logger.warning(
                    "genai_otel: backend %r needs %s (or OTEL_EXPORTER_OTLP_ENDPOINT); %s cannot be exported",
                    preset.name,
                    preset.endpoint_var,
                    ", ".join(missing),
                )
        if not preset.auth_required:
            return
        for header, variable, _ in preset.headers:
            if header in self.auth:
                continue
            lacking = [
                s
                for s in otlp
                if header
                not in {
                    name.lower()
                    for name in _pairs(
                        self.user(f"OTEL_EXPORTER_OTLP_{s.upper()}_HEADERS")
                        or self.user("OTEL_EXPORTER_OTLP_HEADERS")
                    )
                }
            ]
            if lacking:
                logger.warning(
                    "genai_otel: backend %r needs %s (the %s header); %s will be refused",
                    preset.name,
                    variable,
                    header,
                    ", ".join(lacking),
                )

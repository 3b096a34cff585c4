"""Settings precedence: keyword > environment > default; bad values are ignored safely."""

from __future__ import annotations

import pytest

from genai_otel.config import CaptureMode, Settings, parse_capture_mode


@pytest.mark.parametrize(
    ("raw", "mode"),
    [
        ("NO_CONTENT", CaptureMode.NO_CONTENT),
        ("span_only", CaptureMode.SPAN_ONLY),
        ("EVENT_ONLY", CaptureMode.EVENT_ONLY),
        ("Span_And_Event", CaptureMode.SPAN_AND_EVENT),
        ("true", CaptureMode.SPAN_ONLY),
        ("FALSE", CaptureMode.NO_CONTENT),
        (True, CaptureMode.SPAN_ONLY),
        (False, CaptureMode.NO_CONTENT),
        ("bogus", CaptureMode.NO_CONTENT),
    ],
)
def test_capture_modes_and_aliases(raw: object, mode: CaptureMode) -> None:
    assert parse_capture_mode(raw) is mode


def test_default_is_no_content_and_latest() -> None:
    s = Settings.load(environ={})
    assert s.capture is CaptureMode.NO_CONTENT
    assert s.semconv == "latest"
    assert s.wants("openai") and s.wants("anthropic")


def test_keyword_beats_environment_beats_default() -> None:
    env = {
        "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "SPAN_AND_EVENT",
        "GENAI_OTEL_SEMCONV": "legacy",
        "GENAI_OTEL_EXCLUDE": "anthropic, openai",
        "GENAI_OTEL_MAX_PART_LENGTH": "100",
        "GENAI_OTEL_REDACT_PII": "true",
    }
    from_env = Settings.load(environ=env)
    assert from_env.capture is CaptureMode.SPAN_AND_EVENT
    assert from_env.semconv == "legacy"
    assert not from_env.wants("openai") and not from_env.wants("anthropic")
    assert from_env.max_part_length == 100
    assert from_env.redact_pii
    kw = Settings.load(
        environ=env, capture_content=False, semconv="both", exclude=[], max_part_length=7, redact_pii=False
    )
    assert kw.capture is CaptureMode.NO_CONTENT
    assert kw.semconv == "both"
    assert kw.wants("openai")
    assert kw.max_part_length == 7
    assert not kw.redact_pii


def test_bad_environment_values_fall_back_to_defaults() -> None:
    s = Settings.load(environ={"GENAI_OTEL_SEMCONV": "v2", "GENAI_OTEL_MAX_PART_LENGTH": "lots"})
    assert s.semconv == "latest"
    assert s.max_part_length == 16384


def test_providers_allow_list() -> None:
    s = Settings.load(environ={"GENAI_OTEL_PROVIDERS": "OpenAI"})
    assert s.wants("openai") and not s.wants("anthropic")


def test_redact_must_be_callable() -> None:
    with pytest.raises(TypeError):
        Settings.load(environ={}, redact="yes")  # type: ignore[arg-type]


def test_otlp_protocol_per_signal() -> None:
    s = Settings.load(
        environ={
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "grpc",
        }
    )
    assert (s.traces_protocol, s.metrics_protocol, s.logs_protocol) == (
        "http/protobuf",
        "grpc",
        "http/protobuf",
    )

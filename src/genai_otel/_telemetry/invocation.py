"""The lifecycle of one LLM call: span, context, metrics, content, exactly once.

Providers fill value objects; ``Invocation`` alone starts and ends the span, so a span cannot be
forgotten or ended twice. ``finish`` is idempotent and ends the span in ``finally``.
Everything here runs under guards: it never raises into the user's call.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry._logs import SeverityNumber
from opentelemetry.trace import SpanKind, Status, StatusCode

from .._guard import guard
from ..adapter import PatchTarget, ProviderAdapter, RequestContent, RequestInfo, ResponseInfo
from . import semconv as sc
from .attributes import metric_attributes, response_attributes, start_attributes
from .completion_hook import run_completion_hook
from .redaction import scrub_secrets, scrub_values
from .telemetry import Telemetry, error_type_of

#: Set in the context of every current inference span: nested inference targets pass through.
INFERENCE_SCOPE = otel_context.create_key("genai_otel.inference_scope")


class Invocation:
    __slots__ = (
        "_done", "adapter", "arguments", "chunk_gaps", "content", "first_chunk", "instance", "last_chunk",
        "operation", "request", "span", "start", "target", "tel",
    )  # fmt: skip

    def __init__(
        self,
        tel: Telemetry,
        adapter: ProviderAdapter,
        target: PatchTarget,
        request: RequestInfo,
        content: RequestContent | None,
        instance: Any = None,
        arguments: Mapping[str, Any] | None = None,
    ) -> None:
        self.tel = tel
        self.instance = instance  # read again only if the call fails (``credentials``)
        self.arguments = arguments
        self.adapter = adapter
        self.target = target
        self.request = request
        self.content = content
        self.operation = request.operation or target.operation
        self._done = False
        self.first_chunk: float | None = None
        self.last_chunk = 0.0
        self.chunk_gaps: list[float] = []
        name = f"{self.operation} {request.model}" if request.model else self.operation
        self.span = tel.tracer.start_span(
            name, kind=SpanKind.CLIENT, attributes=start_attributes(self.operation, request)
        )
        self.start = time.perf_counter()

    @classmethod
    def begin(
        cls,
        tel: Telemetry,
        adapter: ProviderAdapter,
        target: PatchTarget,
        instance: Any,
        kwargs: Mapping[str, Any],
    ) -> Invocation | None:
        """Parse the request and start the span; ``None`` (and the call goes on untraced) on failure."""
        with guard(f"{adapter.name}: parse request"):
            request = adapter.parse_request(instance, kwargs, target)
            if request is None:  # not an LLM call (a generic dispatcher serving something else)
                return None
            content = None
            if tel.capture:
                with guard(f"{adapter.name}: read request content"):
                    content = adapter.request_content(instance, kwargs, target)
            return cls(tel, adapter, target, request, content, instance, kwargs)
        return None

    # --- context --------------------------------------------------------------------------------
    def attach(self) -> object:
        ctx = trace.set_span_in_context(self.span)
        return otel_context.attach(otel_context.set_value(INFERENCE_SCOPE, True, ctx))

    @staticmethod
    def detach(token: object) -> None:
        otel_context.detach(token)  # type: ignore[arg-type]

    # --- streams --------------------------------------------------------------------------------
    def on_chunk(self) -> None:
        now = time.perf_counter()
        if self.first_chunk is None:
            self.first_chunk = now
        else:
            self.chunk_gaps.append(now - self.last_chunk)
        self.last_chunk = now

    # --- the end ------------------------------------------------------------------------------------
    def fail(self, exc: BaseException, response: ResponseInfo | None = None) -> None:
        error_type = None
        with guard(f"{self.adapter.name}: error type"):
            error_type = self.adapter.error_type(exc)
            if response is None:
                response = self.adapter.error_response(exc, self.target)
        self.finish(response, error_type or error_type_of(exc), exc)

    def finish(
        self, response: ResponseInfo | None, error_type: str | None = None, exc: BaseException | None = None
    ) -> None:
        """End the call once: span attributes and status, metrics, content, ``span.end()``.
        Each part has its own guard, so one failing pipeline costs only its own signal."""
        if self._done:
            return
        self._done = True
        duration = time.perf_counter() - self.start
        ttfc = self.first_chunk - self.start if self.first_chunk is not None else None
        if response is not None and response.error_type and error_type is None:
            error_type = response.error_type
        try:
            with guard("finish span"):
                self._span_outcome(response, error_type, exc, ttfc)
            with guard("record metrics"):
                self.tel.instruments.record(
                    self.operation,
                    metric_attributes(self.operation, self.request, response, error_type),
                    duration,
                    response.usage if response is not None else None,
                    ttfc,
                    self.chunk_gaps,
                )
            if self.content is not None:
                with guard("export content"):
                    self._content(response, error_type, ttfc)
        finally:
            with guard("end span"):
                self.span.end()

    def _span_outcome(
        self,
        response: ResponseInfo | None,
        error_type: str | None,
        exc: BaseException | None,
        ttfc: float | None,
    ) -> None:
        span = self.span
        if response is not None:
            span.set_attributes(response_attributes(response))
        if ttfc is not None:
            span.set_attribute(sc.RESPONSE_TIME_TO_FIRST_CHUNK, ttfc)
        if error_type is None:
            return
        span.set_attribute(sc.ERROR_TYPE, error_type)
        if exc is None:
            span.set_status(Status(StatusCode.ERROR, error_type))
            return
        # Error bodies can echo the request (a key, an Authorization header): scrub what we export,
        # by pattern and by the exact credentials the call was made with.
        secrets: Sequence[str | None] = ()
        with guard(f"{self.adapter.name}: credentials"):
            secrets = self.adapter.credentials(self.instance, self.arguments or {})

        def scrub(text: str) -> str:
            return scrub_values(scrub_secrets(text), secrets)

        description = scrub(str(exc))
        span.set_status(Status(StatusCode.ERROR, description))
        stacktrace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        span.record_exception(
            exc,
            attributes={"exception.message": description, "exception.stacktrace": scrub(stacktrace)},
        )

    def _content(self, response: ResponseInfo | None, error_type: str | None, ttfc: float | None) -> None:
        """Sanitise once; the completion hook gets that (even with NO_CONTENT: the hook is an
        opt-in of its own), then the span and the event get it with the hook's changes."""
        tel = self.tel
        content = self.content
        assert content is not None
        policy, hook = tel.content, tel.completion_hook
        known: set[str] | None = set() if hook is not None else None
        answer = response.output_messages if response is not None else ()
        raw = (content.input_messages, answer, content.system_instructions, content.tool_definitions)
        parts: list[list[Any]] | None = None
        with guard("sanitise content"):  # fails closed: no hook, no export if scrubbing fails
            parts = [policy.sanitize(items, known) for items in raw]
        if parts is not None and hook is not None and known is not None:
            with guard("completion hook"):
                run_completion_hook(hook, parts[0], parts[1], parts[2], parts[3], self.span, None)
            sanitised, parts = parts, None
            with guard("sanitise content"):  # what the hook added or replaced
                parts = [policy.after_hook(items, known) for items in sanitised]
        if parts is None:
            return
        inputs, outputs, system, tools = parts
        mode = tel.settings.capture
        if not mode.enabled:
            return
        values = {
            sc.INPUT_MESSAGES: (inputs, True),
            sc.OUTPUT_MESSAGES: (outputs, False),
            sc.SYSTEM_INSTRUCTIONS: (system, True),
            sc.TOOL_DEFINITIONS: (tools, True),
        }
        values = {k: v for k, v in values.items() if v[0]}
        if not values:
            return
        if mode.on_span:
            encoded = {k: policy.to_json(items, keep_tail) for k, (items, keep_tail) in values.items()}
            self.span.set_attributes({k: v for k, v in encoded.items() if v is not None})
        if mode.on_event and tel.event_logger is not None:
            self._event({k: items for k, (items, _) in values.items()}, response, error_type, ttfc)

    def _event(
        self,
        content: dict[str, Any],
        response: ResponseInfo | None,
        error_type: str | None,
        ttfc: float | None,
    ) -> None:
        """The operation-details event: the span's attributes (built here, not read from the span,
        which a sampler may have dropped) plus the structured content, at DEBUG severity."""
        attributes: dict[str, Any] = start_attributes(self.operation, self.request)
        if response is not None:
            attributes.update(response_attributes(response))
        if ttfc is not None:
            attributes[sc.RESPONSE_TIME_TO_FIRST_CHUNK] = ttfc
        if error_type is not None:
            attributes[sc.ERROR_TYPE] = error_type
        attributes.update(content)
        assert self.tel.event_logger is not None
        self.tel.event_logger.emit(
            severity_number=SeverityNumber.DEBUG,
            event_name=sc.EVENT_OPERATION_DETAILS,
            attributes=attributes,
            context=trace.set_span_in_context(self.span),
        )

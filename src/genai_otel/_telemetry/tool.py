"""A tool the SDK itself runs (automatic function calling): one ``execute_tool`` span.

Emitted only for ``EXECUTE_TOOL`` targets, i.e. where the library really executes the tool;
a client that merely returns tool calls never gets one (gen-ai-spans.md, execute_tool).
The span is INTERNAL, named ``execute_tool {gen_ai.tool.name}``; arguments and result are
content, exported (sanitised like messages) only when content capture goes to the span.
Attaching it clears the inference scope, so an LLM call made inside the tool is traced.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from .._guard import guard
from ..adapter import EXECUTE_TOOL, PatchTarget, ProviderAdapter, ToolCall
from . import semconv as sc
from .invocation import INFERENCE_SCOPE
from .redaction import scrub_secrets
from .telemetry import Telemetry, error_type_of


class ToolExecution:
    __slots__ = ("_done", "call", "span", "start", "tel")

    def __init__(self, tel: Telemetry, call: ToolCall) -> None:
        self.tel = tel
        self.call = call
        self._done = False
        attributes = {
            sc.OPERATION_NAME: EXECUTE_TOOL,
            sc.TOOL_NAME: call.name,
            sc.TOOL_CALL_ID: call.call_id,
            sc.TOOL_TYPE: call.tool_type,
            sc.TOOL_DESCRIPTION: call.description,
        }
        self.span = tel.tracer.start_span(
            f"{EXECUTE_TOOL} {call.name}",
            kind=SpanKind.INTERNAL,
            attributes={k: v for k, v in attributes.items() if v is not None},
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
    ) -> ToolExecution | None:
        with guard(f"{adapter.name}: parse tool"):
            call = adapter.parse_tool(instance, kwargs, target)
            return cls(tel, call) if call is not None else None
        return None

    def attach(self) -> object:
        ctx = trace.set_span_in_context(self.span)
        return otel_context.attach(otel_context.set_value(INFERENCE_SCOPE, False, ctx))

    @staticmethod
    def detach(token: object) -> None:
        otel_context.detach(token)  # type: ignore[arg-type]

    def finish(self, result: Any, exc: BaseException | None = None) -> None:
        if self._done:
            return
        self._done = True
        duration = time.perf_counter() - self.start
        error_type = None
        try:
            with guard("finish tool span"):
                if exc is not None:
                    error_type = error_type_of(exc)
                    self.span.set_attribute(sc.ERROR_TYPE, error_type)
                    self.span.set_status(Status(StatusCode.ERROR, scrub_secrets(str(exc))))
                if self.tel.settings.capture.on_span:
                    self._content(result if exc is None else None)
            with guard("record tool metrics"):
                self.tel.instruments.record_tool(self.call.name, self.call.tool_type, error_type, duration)
        finally:
            with guard("end tool span"):
                self.span.end()

    def _content(self, result: Any) -> None:
        policy = self.tel.content
        for key, value in ((sc.TOOL_CALL_ARGUMENTS, self.call.arguments), (sc.TOOL_CALL_RESULT, result)):
            if value is None:
                continue
            text = json.dumps(policy.sanitize([value])[0], ensure_ascii=False, default=str)
            if len(text) <= policy.max_attribute:
                self.span.set_attribute(key, text)

"""AWS Bedrock adapter: boto3/botocore's ``bedrock-runtime`` client (written against botocore 1.44).

botocore builds client methods at run time from its service model, so the one patched method is
the dispatcher they all call, ``botocore.client.BaseClient._make_api_call(operation_name,
api_params)`` (sync only: aiobotocore, botocore's async fork, is not covered). ``parse_request``
returns ``None`` (the call passes through untraced) unless the client's service is
``bedrock-runtime`` and the operation is one of:

- ``Converse`` / ``ConverseStream`` (``_converse.py``): the model-neutral chat API. The stream
  is ``result["stream"]``, an ``EventStream`` of ``messageStart`` / ``contentBlock*`` /
  ``messageStop`` / ``metadata`` events;
- ``InvokeModel`` / ``InvokeModelWithResponseStream``: the model's own JSON body, read by model
  family (``_invoke.py`` requests, ``_invoke_response.py`` bodies, ``_invoke_stream.py`` chunks);
  the stream is ``result["body"]``, an ``EventStream`` of ``{"chunk": {"bytes": b"<json>"}}``.
  One dispatcher serves three operations, so ``parse_request`` names the call's own
  (``RequestInfo.operation``, ``_invoke.operation``): ``embeddings`` for an ``*embed*`` model or a
  Cohere ``texts`` body; ``chat`` for a ``messages`` (Anthropic, Nova, OpenAI-style) or Cohere
  ``message`` body; ``text_completion`` for a ``prompt`` (Llama, Mistral, Cohere Command) or Titan
  ``inputText`` body. Converse is always ``chat``. Embeddings spans get the vector length
  (``gen_ai.embeddings.dimension.count``) and the input tokens (Titan's ``inputTextTokenCount``,
  else the ``X-Amzn-Bedrock-Input-Token-Count`` header) and no content (semconv defines none).

Streams: the engine's proxy replaces the ``EventStream`` in a *new* result dict
(``replace_stream``); the user iterates it as before. Other operations (CountTokens,
ApplyGuardrail, async invokes, the bidirectional stream) are not inference calls we trace.

**InvokeModel's body is read here.** ``result["body"]`` is a ``StreamingBody`` readable once, so
``parse_response`` reads it and puts a fresh ``StreamingBody`` over the same bytes back into the
result dict: the one change made to a user's result. The caller reads the identical bytes
(``read()``, ``iter_lines()``, ``iter_chunks()``); if reading fails, the new body raises that
same exception on the caller's first read, and the span records the failure.

Attributes: ``gen_ai.provider.name`` ``aws.bedrock``; ``server.*`` from the client's
``endpoint_url``; request model = ``modelId`` as passed (an id, inference profile or ARN);
``aws.bedrock.guardrail.id`` from ``guardrailConfig.guardrailIdentifier`` (Converse) or
``guardrailIdentifier`` (InvokeModel). Bedrock returns no response id for Converse: the
``x-amzn-RequestId`` (``ResponseMetadata.RequestId``) identifies the HTTP request, not the
completion, so it goes to ``aws.request_id`` (the AWS SDK semconv attribute), never to
``gen_ai.response.id``; InvokeModel bodies that carry an id (Anthropic ``msg_bdrk_...``, Cohere,
OpenAI-style) give ``gen_ai.response.id``. ``gen_ai.response.finish_reasons`` keep the values
Bedrock and each model family send (``end_turn``, ``tool_use``, ``max_tokens``,
``guardrail_intervened``, Titan's ``FINISH``, Cohere's ``COMPLETE``, ``stop``/``tool_calls``, ...);
output messages map them to the output-message schema's values (``adapter.output_finish_reason``:
``end_turn``/``FINISH``/``COMPLETE`` -> ``stop``, ``tool_use`` -> ``tool_call``,
``guardrail_intervened`` -> ``content_filter``).
``error.type`` is the AWS error code of a ``ClientError`` (``ValidationException``,
``ThrottlingException``; a stream's exception event gives e.g. ``throttlingException``).

With ``opentelemetry-instrumentation-botocore`` also active (its Bedrock extension makes gen_ai
spans too), its wrapper is skipped for the calls traced here and kept for every other AWS call
(``_patching.peers``: a ``shared`` peer).

Cost: InvokeModel's request body is JSON-decoded before the call (its sampling parameters live
nowhere else), and again for content when content is captured; every other AWS call costs one
service-name and operation-name check.

Known gaps: a request body given as a file object is not read (it belongs to botocore), so
such a call is a ``chat`` span (``embeddings`` on an ``*embed*`` model) without request
parameters; an embeddings body sent to an opaque model ARN is told apart only by Cohere's
``texts`` (a Titan/Nova embed body there reads as text completion / chat); stream spans carry
no ``aws.request_id`` (the accumulator sees only events).
"""

from __future__ import annotations

import dataclasses
import functools
import io
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from genai_otel._telemetry.semconv import AWS_BEDROCK_GUARDRAIL_ID, AWS_REQUEST_ID, PROVIDER_AWS_BEDROCK
from genai_otel.adapter import (
    EMBEDDINGS,
    PatchTarget,
    ProviderAdapter,
    RequestContent,
    RequestInfo,
    ResponseInfo,
)

from . import _converse as converse
from . import _invoke as invoke
from ._invoke_response import parse_body
from ._invoke_stream import InvokeStreamFold
from ._util import dict_get, dig, nonempty_text, parse_json

__all__ = ["ADAPTER", "AWS_BEDROCK_GUARDRAIL_ID", "AWS_REQUEST_ID", "TARGETS"]

#: semconv (registry ``aws``) keys not yet in the semconv module.

SERVICE = "bedrock-runtime"
#: operation -> whether it streams
_OPERATIONS = {
    "Converse": False,
    "ConverseStream": True,
    "InvokeModel": False,
    "InvokeModelWithResponseStream": True,
}
_CONVERSE = frozenset({"Converse", "ConverseStream"})
_DEFAULT_PORTS = {"https": 443, "http": 80}

TARGETS = (
    PatchTarget(
        "botocore.client",
        "BaseClient._make_api_call",
        api="bedrock",
        positional=("operation_name", "api_params"),
    ),
)


@functools.cache
def _botocore() -> tuple[type, type, type]:
    # Only ever called once botocore.client is imported: the engine patches on that import.
    from botocore.eventstream import EventStream
    from botocore.exceptions import ClientError
    from botocore.response import StreamingBody

    return EventStream, StreamingBody, ClientError


@functools.lru_cache(maxsize=32)
def _server(endpoint_url: str) -> tuple[str | None, int | None]:
    parts = urlsplit(endpoint_url)
    host = parts.hostname or None
    return host, (parts.port or _DEFAULT_PORTS.get(parts.scheme)) if host else None


def _call(instance: Any, kwargs: Mapping[str, Any]) -> tuple[str | None, Mapping[str, Any]] | None:
    """``(operation, api_params)`` of a Bedrock inference call, ``None`` for any other AWS call.
    An instance or call that names neither (minimal input) is read as Bedrock: functions stay total."""
    service = getattr(getattr(getattr(instance, "meta", None), "service_model", None), "service_name", None)
    name = kwargs.get("operation_name")
    if (service is not None and service != SERVICE) or (name is not None and name not in _OPERATIONS):
        return None
    params = kwargs.get("api_params")
    return name, params if isinstance(params, Mapping) else {}


def parse_request(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestInfo | None:
    call = _call(instance, kwargs)
    if call is None:
        return None
    name, params = call
    model = nonempty_text(params.get("modelId"))
    operation = None
    if name in _CONVERSE:
        fields = converse.request_params(params)
        guardrail = dig(params, "guardrailConfig", "guardrailIdentifier")
    else:
        body = invoke.request_body(params)
        operation = invoke.operation(model, body)
        fields = invoke.request_params(body)
        guardrail = params.get("guardrailIdentifier")
    url = getattr(getattr(instance, "meta", None), "endpoint_url", None)
    host, port = _server(url) if isinstance(url, str) else (None, None)
    return RequestInfo(
        provider=PROVIDER_AWS_BEDROCK,
        model=model,
        operation=operation,
        server_address=host,
        server_port=port,
        stream=_OPERATIONS.get(name or "", False),
        attributes={AWS_BEDROCK_GUARDRAIL_ID: guardrail} if isinstance(guardrail, str) and guardrail else {},
        **fields,
    )


def request_content(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestContent:
    call = _call(instance, kwargs)
    if call is None:
        return RequestContent()
    name, params = call
    if name in _CONVERSE:
        return RequestContent(
            input_messages=converse.messages(params.get("messages")),
            system_instructions=converse.parts(params.get("system")),
            tool_definitions=converse.tool_definitions(params.get("toolConfig")),
        )
    body = invoke.request_body(params)
    if invoke.operation(nonempty_text(params.get("modelId")), body) == EMBEDDINGS:
        return RequestContent()  # semconv defines no content attributes for embeddings
    return invoke.request_content(body)


class _Failed:
    """The raw stream of a body whose read failed here: the caller's first read raises the same
    exception (``StreamingBody`` calls ``read``/``readinto``/``readlines``/``close``)."""

    def __init__(self, exc: BaseException) -> None:
        self._exc = exc

    def read(self, amt: int | None = None) -> bytes:
        raise self._exc

    readinto = readlines = read

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        pass


def _read_body(result: dict[str, Any]) -> tuple[bytes | None, str | None]:
    """Reads InvokeModel's once-only body and puts an equivalent one back (see the docstring)."""
    _, streaming_body, _ = _botocore()
    body = result["body"]
    try:
        data = body.read()
    except Exception as exc:
        result["body"] = streaming_body(_Failed(exc), None)
        return None, f"{type(exc).__module__}.{type(exc).__qualname__}"
    result["body"] = streaming_body(io.BytesIO(data), len(data))
    return data, None


def parse_response(result: Any, target: PatchTarget, capture: bool) -> ResponseInfo:
    if not isinstance(result, Mapping):
        return ResponseInfo()
    if isinstance(result, dict) and isinstance(result.get("body"), _botocore()[1]):
        data, failed = _read_body(result)
        headers = dig(result, "ResponseMetadata", "HTTPHeaders")
        info = (
            parse_body(parse_json(data), headers, capture)
            if failed is None
            else ResponseInfo(error_type=failed)
        )
    else:
        info = converse.parse_response(result, capture)
    request_id = nonempty_text(dig(result, "ResponseMetadata", "RequestId"))
    return dataclasses.replace(info, attributes={AWS_REQUEST_ID: request_id}) if request_id else info


class BedrockStreamAccumulator:
    """ConverseStream events go to the Converse fold, InvokeModel chunks to the family fold."""

    __slots__ = ("_converse", "_invoke")

    def __init__(self, capture: bool) -> None:
        self._converse = converse.ConverseFold(capture)
        self._invoke = InvokeStreamFold(capture)

    def add(self, chunk: Any) -> None:
        payload = chunk.get("chunk") if isinstance(chunk, dict) else None
        if payload is not None:
            self._invoke.add(dict_get(payload, "bytes"))
        else:
            self._converse.add(chunk)

    def finish(self) -> ResponseInfo:
        info = self._invoke.finish()
        return info if info != ResponseInfo() else self._converse.finish()


def new_accumulator(target: PatchTarget, capture: bool) -> BedrockStreamAccumulator:
    return BedrockStreamAccumulator(capture)


def _stream_key(result: Any) -> str | None:
    if isinstance(result, Mapping):
        event_stream = _botocore()[0]
        for key in ("stream", "body"):
            if isinstance(result.get(key), event_stream):
                return key
    return None


def is_stream(result: Any, target: PatchTarget) -> bool:
    return _stream_key(result) is not None


def replace_stream(result: Any, target: PatchTarget, wrap: Callable[[Any], Any]) -> Any:
    """A new result dict whose ``EventStream`` is ``wrap(stream)``; the caller's dict is untouched."""
    key = _stream_key(result)
    return {**result, key: wrap(result[key])} if key is not None else wrap(result)


def error_type(exc: BaseException) -> str | None:
    if not isinstance(exc, _botocore()[2]):
        return None
    code = dig(getattr(exc, "response", None), "Error", "Code")
    return code if isinstance(code, str) and code else None


def error_response(exc: BaseException, target: PatchTarget) -> ResponseInfo | None:
    if not isinstance(exc, _botocore()[2]):
        return None
    request_id = nonempty_text(dig(getattr(exc, "response", None), "ResponseMetadata", "RequestId"))
    return ResponseInfo(attributes={AWS_REQUEST_ID: request_id}) if request_id else None


ADAPTER = ProviderAdapter(
    name="bedrock",
    distribution="botocore",
    targets=TARGETS,
    parse_request=parse_request,
    request_content=request_content,
    parse_response=parse_response,
    new_accumulator=new_accumulator,
    is_stream=is_stream,
    replace_stream=replace_stream,
    error_type=error_type,
    error_response=error_response,
)

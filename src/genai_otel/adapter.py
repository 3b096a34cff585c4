"""The contract between the engine and a provider adapter.

A provider module (``genai_otel/providers/<sdk>.py``) exports one ``ADAPTER``: the methods to
patch and pure functions that read the SDK's own objects and return the value objects below.
Adapters never import OpenTelemetry, never mutate the caller's arguments and never call the
network; the engine owns spans, metrics, events, context and error containment.

What the engine guarantees an adapter:
- ``parse_request`` runs before the SDK call, ``parse_response`` after a non-streamed result,
  and the accumulator sees every chunk of a stream; all inside guards, so an exception here
  costs telemetry, never the user's call.
- ``request_content`` / ``ChunkAccumulator(capture=True)`` / ``ResponseInfo.output_messages``
  matter only when content capture is on; message conversion is skipped otherwise.
- Adapter functions see the call's arguments as one mapping: keywords, plus the positional
  arguments named by ``PatchTarget.positional``.
- One LLM call is one span: while a genai_otel inference span is current, every other
  inference or embeddings target passes through untraced (a router such as LiteLLM calling an
  SDK that genai_otel also patches). A tool the SDK runs (``EXECUTE_TOOL`` targets) opens a new
  scope, so an LLM call made inside a tool is traced again.

The value objects (``RequestInfo``, ``ResponseInfo``, ``Usage`` ...) are built once per call and
never changed afterwards, by adapters or the engine. They are plain slotted dataclasses, not
frozen ones: a frozen dataclass sets each field through ``object.__setattr__``, which made
building a ``RequestInfo`` about 5x slower (measured ~8 µs more per call).

Message parts are plain dicts shaped like the GenAI semconv JSON schema; build them with the
helpers at the bottom of this module so every provider spells them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = [
    "AttributeValue",
    "ChunkAccumulator",
    "Message",
    "Part",
    "PatchTarget",
    "ProviderAdapter",
    "RequestContent",
    "RequestInfo",
    "ResponseInfo",
    "ToolCall",
    "Usage",
    "blob_part",
    "file_part",
    "generic_part",
    "message",
    "output_finish_reason",
    "reasoning_part",
    "server_tool_call_part",
    "server_tool_call_response_part",
    "text_part",
    "tool_call_part",
    "tool_call_response_part",
    "uri_part",
]

AttributeValue = str | bool | int | float | Sequence[str] | Sequence[int] | Sequence[float]
Part = dict[str, Any]
Message = dict[str, Any]

#: Operation names (``gen_ai.operation.name`` values) an adapter may declare. Kept here, not in
#: the semconv module, because adapters must not import telemetry code.
CHAT = "chat"
TEXT_COMPLETION = "text_completion"
EMBEDDINGS = "embeddings"
GENERATE_CONTENT = "generate_content"
#: A tool the SDK itself runs (automatic function calling): an INTERNAL span, see ``ToolCall``.
EXECUTE_TOOL = "execute_tool"
#: Not in semconv-genai yet (proposed in semantic-conventions-genai#253); a client operation
#: that is neither inference nor embeddings: duration metric only, no token metrics.
RERANK = "rerank"
#: Operations whose spans are inference spans (token metrics, ``gen_ai.client.inference.*``).
INFERENCE_OPERATIONS = frozenset((CHAT, TEXT_COMPLETION, GENERATE_CONTENT))


@dataclass(frozen=True, slots=True)
class PatchTarget:
    """One SDK method to wrap.

    ``module`` and ``method`` are what ``wrapt.wrap_function_wrapper`` takes (``"Class.method"``).
    ``api`` is a free-form tag the adapter uses to tell its surfaces apart (``"chat"``,
    ``"responses"``); the engine passes the target back to every adapter function.
    ``stream_manager`` marks a method that returns a context manager which sends the request on
    ``__enter__``; ``raw_stream_attr`` names the attribute of the entered object that holds the
    SDK's raw event stream, which the engine observes through its stream proxy.
    ``min_version`` gates the target on the SDK's distribution version.
    ``positional`` names the method's positional parameters in order (after ``self``), so a
    call like ``client.chat("llama3", messages)`` reaches the adapter as keywords.
    """

    module: str
    method: str
    operation: str = CHAT
    api: str = ""
    is_async: bool = False
    stream_manager: bool = False
    raw_stream_attr: str = ""
    min_version: str | None = None
    positional: tuple[str, ...] = ()


@dataclass(slots=True)
class Usage:
    """Token counts exactly as the provider reported them, already mapped to semconv meaning.

    ``input_tokens`` includes cached tokens; ``output_tokens`` includes reasoning tokens.
    ``input_by_modality`` / ``output_by_modality`` split the totals where the provider does.
    """

    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read_input_tokens: int | None = None
    cache_write_input_tokens: int | None = None
    reasoning_output_tokens: int | None = None
    input_by_modality: Mapping[str, int] = field(default_factory=dict)
    output_by_modality: Mapping[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class RequestInfo:
    """What the request says, read before the call; only parameters the caller passed."""

    provider: str
    model: str | None = None
    server_address: str | None = None
    server_port: int | None = None
    stream: bool = False
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    max_tokens: int | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    stop_sequences: Sequence[str] | None = None
    seed: int | None = None
    choice_count: int | None = None
    output_type: str | None = None
    reasoning_level: str | None = None
    encoding_formats: Sequence[str] | None = None
    previous_response_id: str | None = None
    conversation_id: str | None = None
    prompt_name: str | None = None
    prompt_version: str | None = None
    #: Vendor attributes (``openai.*``, ``anthropic.*``); keys come from the semconv module.
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    #: The operation, where one target serves several (Bedrock's ``InvokeModel`` does chat,
    #: text completion and embeddings); ``None`` means ``PatchTarget.operation``.
    operation: str | None = None


@dataclass(slots=True)
class RequestContent:
    """The request's content in semconv shape; built only when content capture is on."""

    input_messages: Sequence[Message] = ()
    system_instructions: Sequence[Part] = ()
    tool_definitions: Sequence[Mapping[str, Any]] = ()


@dataclass(slots=True)
class ResponseInfo:
    """What the response says. ``output_messages`` is filled only when asked to capture."""

    response_id: str | None = None
    response_model: str | None = None
    #: The provider's finish reasons exactly as sent (string form of an SDK enum's wire value),
    #: one per choice in order; ``"error"`` for a choice whose reason never arrived. Output
    #: messages carry the same reasons mapped by ``output_finish_reason``.
    finish_reasons: Sequence[str] = ()
    usage: Usage | None = None
    embedding_dimensions: int | None = None
    output_messages: Sequence[Message] = ()
    #: Vendor attributes also used as metric attributes (e.g. service tier).
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    #: The provider reported an error inside a successful transport (e.g. a stream error event).
    error_type: str | None = None


@dataclass(slots=True)
class ToolCall:
    """A tool the SDK runs on the caller's behalf (``EXECUTE_TOOL`` targets only).
    ``arguments`` is exported only when content capture is on, like the tool's result."""

    name: str
    call_id: str | None = None
    description: str | None = None
    tool_type: str | None = "function"
    arguments: Any = None


class ChunkAccumulator(Protocol):
    """Folds a stream's chunks into one ``ResponseInfo``. One instance per stream.

    ``add`` runs once per chunk on the user's thread: keep it to attribute reads and appends.
    ``finish`` runs once, when the stream ends for any reason, possibly after zero chunks.

    An accumulator may also define ``exhausted()`` (not part of this protocol, looked up once per
    stream): the engine calls it just before ``finish`` when the SDK's iterator ran to its end,
    that is, without an error, ``close()`` or an early ``break``. A stream that was cut short
    reports ``"error"`` for a choice whose finish reason never arrived; an accumulator that
    knows its SDK drops chunks of a stream that did end (LiteLLM with ``n > 1``) uses this to
    tell the two apart.
    """

    def add(self, chunk: Any) -> None: ...

    def finish(self) -> ResponseInfo: ...


@dataclass(frozen=True, slots=True)
class ProviderAdapter:
    """Everything the engine needs to know about one SDK.

    - ``name``: the adapter's name (``"openai"``), used by ``providers=``/``exclude=``.
    - ``distribution``: the PyPI distribution whose version gates targets.
    - ``parse_request(instance, kwargs, target)``: cheap; no content conversion. ``None``
      means "not an LLM call" (a generic dispatch method such as botocore's
      ``_make_api_call`` serving another service): the call passes through untraced.
    - ``request_content(instance, kwargs, target)``: only when capturing content.
    - ``parse_response(result, target, capture)``: a non-streamed result; ``capture`` says
      whether to fill ``output_messages``.
    - ``new_accumulator(target, capture)``: a fresh ``ChunkAccumulator`` for one stream.
    - ``is_stream(result, target)``: whether a result must be observed as a stream.
    - ``unwrap(result, target)``: the parsed object inside a raw-response wrapper, or ``result``.
    - ``replace_stream(result, target, wrap)``: ``result`` with its stream replaced by
      ``wrap(stream)``; the default wraps ``result`` itself. For SDKs that return the stream
      inside another object (Bedrock's ``{"stream": EventStream}``); return a new object.
    - ``is_raw_response(result, target)``: after ``unwrap``, a raw-response wrapper whose body
      the caller reads later through ``.parse()`` (``with_streaming_response``, async raw
      responses): the engine then observes that ``parse()``.
    - ``error_type(exc)``: a provider error code for ``error.type``, or ``None`` for the
      fully qualified exception class name.
    - ``error_response(exc, target)``: what a failed call still tells (an SDK that raises
      after a billed response carries it on the exception), or ``None``.
    - ``credentials(instance, kwargs)``: the secrets the call was made with (the client's API
      key, an ``api_key=`` argument), read only when the call failed: the engine removes these
      exact strings from the error it exports (error bodies echo keys that match no pattern).
    - ``parse_tool(instance, kwargs, target)``: for ``EXECUTE_TOOL`` targets, the tool about
      to run, or ``None`` to let the call through untraced.
    - ``extra_patches``: ``(module, "Class.attr", wrapper)`` installed and removed with the
      targets, for coexistence with the SDK's own tracing. ``wrapper`` has wrapt's signature.
    """

    name: str
    distribution: str
    targets: Sequence[PatchTarget]
    parse_request: Callable[[Any, Mapping[str, Any], PatchTarget], RequestInfo | None]
    request_content: Callable[[Any, Mapping[str, Any], PatchTarget], RequestContent]
    parse_response: Callable[[Any, PatchTarget, bool], ResponseInfo]
    new_accumulator: Callable[[PatchTarget, bool], ChunkAccumulator]
    is_stream: Callable[[Any, PatchTarget], bool]
    unwrap: Callable[[Any, PatchTarget], Any] = lambda result, target: result
    is_raw_response: Callable[[Any, PatchTarget], bool] = lambda result, target: False
    replace_stream: Callable[[Any, PatchTarget, Callable[[Any], Any]], Any] = lambda result, target, wrap: (
        wrap(result)
    )
    parse_tool: Callable[[Any, Mapping[str, Any], PatchTarget], ToolCall | None] = (
        lambda instance, kwargs, target: None
    )
    credentials: Callable[[Any, Mapping[str, Any]], Sequence[str | None]] = lambda instance, kwargs: ()
    error_type: Callable[[BaseException], str | None] = lambda exc: None
    error_response: Callable[[BaseException, PatchTarget], ResponseInfo | None] = lambda exc, target: None
    extra_patches: Sequence[tuple[str, str, Callable[..., Any]]] = ()
    #: Logged once at INFO when the adapter is installed (e.g. how it coexists with SDK tracing).
    install_note: str | None = None


# --- finish reasons -------------------------------------------------------------------------------

#: Every provider's known finish reasons (lower-cased) -> the output-message schema's
#: ``FinishReason`` (``stop``, ``length``, ``content_filter``, ``tool_call``, ``error``;
#: gen-ai-output-messages.json). One table for all adapters, so one wire value always reads the
#: same in every output message.
_FINISH_REASONS: dict[str, str] = {
    # stop: the model ended its turn, or hit a stop sequence
    "stop": "stop",  # OpenAI and every OpenAI-compatible API, Mistral, Ollama, Meta on Bedrock
    "end_turn": "stop",  # Anthropic, Bedrock Converse
    "stop_sequence": "stop",  # Anthropic, Bedrock Converse, TGI (Hugging Face)
    "eos": "stop",  # Together
    "eos_token": "stop",  # TGI (Hugging Face)
    "complete": "stop",  # Cohere (COMPLETE)
    "finish": "stop",  # Amazon Titan (FINISH)
    "stop_criteria_met": "stop",  # Amazon Titan
    "completed": "stop",  # OpenAI Responses (status)
    # length: a token limit
    "length": "length",  # OpenAI & co., Mistral, Ollama, Titan (LENGTH)
    "max_tokens": "length",  # Anthropic, Bedrock Converse, Gemini (MAX_TOKENS), Cohere
    "max_output_tokens": "length",  # OpenAI Responses (incomplete_details.reason)
    "model_length": "length",  # Mistral
    "model_context_window_exceeded": "length",  # Anthropic, Bedrock Converse
    "continuation": "length",  # Gemini: per-request token limit, to be continued
    "error_limit": "length",  # Cohere v1: the model's context limit was reached
    # content_filter: a safety system stopped or withheld the output
    "content_filter": "content_filter",  # OpenAI & co., OpenAI Responses
    "content_filtered": "content_filter",  # Bedrock Converse, Titan (CONTENT_FILTERED)
    "guardrail_intervened": "content_filter",  # Bedrock Converse
    "refusal": "content_filter",  # Anthropic
    "error_toxic": "content_filter",  # Cohere v1
    "safety": "content_filter",  # Gemini, and the rest of its safety reasons below
    "recitation": "content_filter",
    "blocklist": "content_filter",
    "prohibited_content": "content_filter",
    "spii": "content_filter",
    "image_safety": "content_filter",
    "image_prohibited_content": "content_filter",
    "image_recitation": "content_filter",
    "model_armor": "content_filter",
    "escalation": "content_filter",
    # tool_call: the model waits for the caller to run tools
    "tool_calls": "tool_call",  # OpenAI & co., Mistral, Together
    "function_call": "tool_call",  # OpenAI (deprecated functions)
    "tool_use": "tool_call",  # Anthropic, Bedrock Converse
    "tool_call": "tool_call",  # Cohere (TOOL_CALL)
    # error: the generation failed
    "error": "error",  # Mistral, Cohere (ERROR); genai_otel's own "never arrived"
    "timeout": "error",  # Cohere
    "failed": "error",  # OpenAI Responses (status)
    "cancelled": "error",  # OpenAI Responses (status)
    "user_cancel": "error",  # Cohere v1
    "malformed_function_call": "error",  # Gemini
    "unexpected_tool_call": "error",  # Gemini
    "too_many_tool_calls": "error",  # Gemini
    "missing_thought_signature": "error",  # Gemini
    "malformed_response": "error",  # Gemini
    "malformed_model_output": "error",  # Bedrock Converse
    "malformed_tool_use": "error",  # Bedrock Converse
}


def output_finish_reason(reason: str | None, parts: Sequence[Part] = ()) -> str | None:
    """An output message's ``finish_reason``: the provider's ``reason`` (as it sent it, any case)
    mapped to the output-message schema's enum (``stop``, ``length``, ``content_filter``,
    ``tool_call``, ``error``), for every adapter through one table.

    - A value the table does not know passes through unchanged: the schema's ``finish_reason``
      is an open enum (the enum or any string), and an unknown value is better kept than guessed
      (Gemini's ``OTHER``, Ollama's ``load``, Anthropic's ``pause_turn``).
    - ``stop`` becomes ``tool_call`` when ``parts`` (the message's) hold a ``tool_call`` part: the
      model ended its turn waiting for the caller to run tools, though some APIs say ``stop``
      then (OpenAI with a forced ``tool_choice``, Gemini, Ollama, OpenAI Responses' ``completed``).
    - ``None`` or ``""`` (no reason known) gives ``None``: ``message`` then leaves the key out.

    The span attribute ``gen_ai.response.finish_reasons`` is not mapped: it carries the
    provider's values as sent (``ResponseInfo.finish_reasons``).
    """
    if not isinstance(reason, str) or not reason:
        return None
    mapped = _FINISH_REASONS.get(reason.lower(), reason)
    if mapped == "stop" and any(p.get("type") == "tool_call" for p in parts):
        return "tool_call"
    return mapped


# --- message parts (semconv JSON schema) -------------------------------------------------------


def message(role: str, parts: Sequence[Part], **extra: Any) -> Message:
    out: Message = {"role": role, "parts": list(parts)}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def text_part(content: str) -> Part:
    return {"type": "text", "content": content}


def reasoning_part(content: str) -> Part:
    return {"type": "reasoning", "content": content}


def tool_call_part(call_id: str | None, name: str, arguments: Any) -> Part:
    return {"type": "tool_call", "id": call_id, "name": name, "arguments": arguments}


def tool_call_response_part(call_id: str | None, response: Any) -> Part:
    return {"type": "tool_call_response", "id": call_id, "response": response}


def server_tool_call_part(call_id: str | None, name: str, **details: Any) -> Part:
    """A tool the provider runs itself (web search, code execution); ``details`` go into the
    part's ``server_tool_call`` object next to its ``type`` (= ``name``)."""
    return {
        "type": "server_tool_call",
        "id": call_id,
        "name": name,
        "server_tool_call": {"type": name, **details},
    }


def server_tool_call_response_part(call_id: str | None, kind: str, **details: Any) -> Part:
    return {
        "type": "server_tool_call_response",
        "id": call_id,
        "server_tool_call_response": {"type": kind, **details},
    }


def blob_part(modality: str, content: bytes | str, mime_type: str | None = None) -> Part:
    """Inline data. ``content`` is raw bytes or base64 text; the engine exports a placeholder
    (size and sha256) unless the user opted into raw bytes."""
    part: Part = {"type": "blob", "modality": modality, "content": content}
    if mime_type:
        part["mime_type"] = mime_type
    return part


def uri_part(modality: str, uri: str, mime_type: str | None = None) -> Part:
    part: Part = {"type": "uri", "modality": modality, "uri": uri}
    if mime_type:
        part["mime_type"] = mime_type
    return part


def file_part(modality: str, file_id: str, mime_type: str | None = None) -> Part:
    part: Part = {"type": "file", "modality": modality, "file_id": file_id}
    if mime_type:
        part["mime_type"] = mime_type
    return part


def generic_part(generic_type: str, **fields: Any) -> Part:
    return {"type": "generic", "generic_type": generic_type, **fields}

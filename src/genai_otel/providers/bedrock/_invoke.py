"""InvokeModel request bodies, by model family -> ``RequestInfo`` fields, operation and content.

InvokeModel sends the model's own JSON body. The family is read from the body's keys, not from
``modelId``, because the id may be an opaque ARN (application inference profiles, provisioned
throughput) and cross-region profiles prefix it (``us.``, ``eu.``, ``global.``):

=======================  ===================================================================
family                   request body
=======================  ===================================================================
Anthropic Claude         Messages API body with ``anthropic_version`` (content via the
                         anthropic adapter's converters)
Amazon Nova              ``messages-v1``: Converse content blocks, ``inferenceConfig``
OpenAI-style chat        ``messages`` with string / typed content (Mistral Large, AI21 Jamba,
                         gpt-oss, DeepSeek, Qwen)
Cohere Command R         ``message``, ``chat_history``, ``preamble``
text completion          ``prompt`` (Llama, Mistral, Cohere Command, DeepSeek R1) or Titan's
                         ``inputText`` + ``textGenerationConfig``
embeddings               Titan ``inputText`` / Cohere ``texts`` on an ``*embed*`` model
=======================  ===================================================================

Sampling parameters keep each family's spelling (``max_gen_len``, ``maxTokenCount``, Cohere's
``p``/``k``); only what the body holds is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genai_otel.adapter import (
    CHAT,
    EMBEDDINGS,
    TEXT_COMPLETION,
    Message,
    Part,
    RequestContent,
    message,
    text_part,
    tool_call_part,
    tool_call_response_part,
)

from .._values import integer, number, seq
from ..anthropic import _convert as anthropic
from . import _converse as converse
from ._util import arguments, dict_get, first, nonempty_text, parse_json, strings

#: Nested configuration objects whose keys count as sampling parameters.
_NESTED = ("textGenerationConfig", "inferenceConfig")
_COHERE_ROLES = {"USER": "user", "CHATBOT": "assistant", "SYSTEM": "system", "TOOL": "tool"}


def request_body(params: Mapping[str, Any]) -> Any:
    """The JSON body the caller passed (bytes or str), decoded; ``None`` for a file object (its
    bytes belong to botocore, which has not read them yet) or invalid JSON."""
    return parse_json(params.get("body"))


def operation(model_id: str | None, body: Any) -> str:
    if "embed" in (model_id or "").lower() or "texts" in _keys(body):
        return EMBEDDINGS
    keys = _keys(body)
    if "messages" in keys or "message" in keys:
        return CHAT
    return TEXT_COMPLETION if "prompt" in keys or "inputText" in keys else CHAT


def request_params(body: Any) -> dict[str, Any]:
    if not isinstance(body, Mapping):
        return {}
    config: dict[str, Any] = dict(body)
    for name in _NESTED:
        nested = body.get(name)
        if isinstance(nested, Mapping):
            config.update(nested)
    stop = first(config, "stop_sequences", "stopSequences", "stop")
    formats = first(body, "embedding_types", "embeddingTypes")
    fmt = dict_get(body.get("response_format"), "type")
    return {
        "max_tokens": integer(
            first(config, "max_tokens", "max_gen_len", "maxTokenCount", "maxTokens", "max_new_tokens")
            or config.get("max_completion_tokens")
        ),
        "temperature": number(config.get("temperature")),
        "top_p": number(first(config, "top_p", "topP", "p")),
        "top_k": integer(first(config, "top_k", "topK", "k")),
        "stop_sequences": [stop] if isinstance(stop, str) else strings(stop),
        "seed": integer(config.get("seed")),
        "choice_count": integer(first(config, "num_generations", "n")),
        "encoding_formats": [formats] if isinstance(formats, str) else strings(formats),
        "output_type": "json" if fmt in ("json_object", "json_schema") else None,
    }


def request_content(body: Any) -> RequestContent:
    if not isinstance(body, Mapping) or "texts" in body:
        return RequestContent()
    if "anthropic_version" in body:
        system = body.get("system")
        return RequestContent(
            input_messages=[
                message(nonempty_text(dict_get(m, "role")) or "user", anthropic.parts(dict_get(m, "content")))
                for m in seq(body.get("messages"))
            ],
            system_instructions=anthropic.system_parts(system) if system is not None else (),
            tool_definitions=[anthropic.tool_definition(t) for t in seq(body.get("tools"))],
        )
    if "messages" in body and _converse_style(body):
        return RequestContent(
            input_messages=converse.messages(body["messages"]),
            system_instructions=converse.parts(body.get("system")),
            tool_definitions=converse.tool_definitions(body.get("toolConfig")),
        )
    if "messages" in body:
        return RequestContent(
            input_messages=[m for m in map(_chat_message, seq(body["messages"])) if m is not None],
            tool_definitions=_function_tools(body.get("tools")),
        )
    if "message" in body:
        history = [
            message(_COHERE_ROLES.get(dict_get(m, "role"), "user"), [text_part(dict_get(m, "message") or "")])
            for m in seq(body.get("chat_history"))
        ]
        preamble = nonempty_text(body.get("preamble"))
        return RequestContent(
            input_messages=[*history, message("user", [text_part(nonempty_text(body["message"]) or "")])],
            system_instructions=[text_part(preamble)] if preamble else (),
            tool_definitions=[_cohere_tool(t) for t in seq(body.get("tools"))],
        )
    prompt = first(body, "prompt", "inputText")
    return RequestContent(
        input_messages=[message("user", [text_part(prompt)])] if isinstance(prompt, str) else ()
    )


def _keys(body: Any) -> Any:
    return body if isinstance(body, Mapping) else ()


def _converse_style(body: Mapping[str, Any]) -> bool:
    """Nova's ``messages-v1``: Converse content blocks (no ``type`` key) rather than OpenAI's."""
    if "schemaVersion" in body or "inferenceConfig" in body or "toolConfig" in body:
        return True
    blocks = [b for m in seq(body.get("messages")) for b in seq(dict_get(m, "content"))]
    return bool(blocks) and all(isinstance(b, Mapping) and "type" not in b for b in blocks)


def chat_parts(content: Any) -> list[Part]:
    """OpenAI-style ``content``: a string or a list of ``{"type": "text", "text": ...}`` parts."""
    if isinstance(content, str):
        return [text_part(content)] if content else []  # "" next to tool calls is no content
    return [text_part(t) for p in seq(content) if isinstance(t := dict_get(p, "text"), str)]


def tool_calls(calls: Any) -> list[Part]:
    out = []
    for call in seq(calls):
        function = dict_get(call, "function")
        args = dict_get(function, "arguments")
        out.append(
            tool_call_part(
                nonempty_text(dict_get(call, "id")),
                dict_get(function, "name") or "",
                arguments(args) if isinstance(args, str) else args,
            )
        )
    return out


def _chat_message(msg: Any) -> Message | None:
    role = nonempty_text(dict_get(msg, "role"))
    if role is None:
        return None
    if role == "tool":
        return message(
            role,
            [tool_call_response_part(nonempty_text(dict_get(msg, "tool_call_id")), dict_get(msg, "content"))],
        )
    return message(role, [*chat_parts(dict_get(msg, "content")), *tool_calls(dict_get(msg, "tool_calls"))])


def _function_tools(tools: Any) -> list[dict[str, Any]]:
    out = []
    for tool in seq(tools):
        spec = dict_get(tool, "function")
        definition = {
            "type": "function",
            "name": dict_get(spec, "name"),
            "description": dict_get(spec, "description"),
            "parameters": dict_get(spec, "parameters"),
        }
        out.append({k: v for k, v in definition.items() if v is not None})
    return out


def _cohere_tool(tool: Any) -> dict[str, Any]:
    definition = {
        "type": "function",
        "name": dict_get(tool, "name"),
        "description": dict_get(tool, "description"),
        "parameters": dict_get(tool, "parameter_definitions"),
    }
    return {k: v for k, v in definition.items() if v is not None}

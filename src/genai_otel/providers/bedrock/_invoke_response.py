"""InvokeModel response bodies, by model family -> ``ResponseInfo``.

The family is recognised from the body's keys (``parse_response`` never sees the request):

==================  ===========================================  ==============================
body key            family                                       usage in the body
==================  ===========================================  ==============================
``type: message``   Anthropic Claude (Messages API)              ``usage`` (cache excluded)
``output``          Amazon Nova (Converse shape)                 ``usage`` (cache excluded)
``choices``         OpenAI-style chat (Mistral Large, gpt-oss)   ``usage`` (OpenAI meaning)
``generation``      Meta Llama                                   prompt/generation_token_count
``results``         Amazon Titan Text                            inputTextTokenCount, tokenCount
``outputs``         Mistral text completion                      none: headers
``generations``     Cohere Command                               none: headers
``text``            Cohere Command R                             none: headers
``embedding(s)``    Titan / Cohere / Nova embeddings             Titan: inputTextTokenCount
==================  ===========================================  ==============================

Where the body has no count, the response headers ``X-Amzn-Bedrock-Input-Token-Count`` /
``-Output-Token-Count`` (and the cache-read/write ones) fill it: Bedrock sets them for every
family. Their input count leaves cache reads and writes out, as CloudWatch's does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genai_otel.adapter import (
    Message,
    Part,
    ResponseInfo,
    Usage,
    message,
    output_finish_reason,
    text_part,
    tool_call_part,
)

from .._values import integer, seq
from ..anthropic import _convert as anthropic
from . import _converse as converse
from ._invoke import chat_parts, tool_calls
from ._util import dict_get, first, nonempty_text, usage

_HEADER = "x-amzn-bedrock-"


def header_usage(headers: Any) -> Usage | None:
    """Usage from botocore's ``ResponseMetadata.HTTPHeaders`` (names lower-cased)."""

    def count(name: str) -> int | None:
        value = dict_get(headers, f"{_HEADER}{name}-token-count")
        return int(value) if isinstance(value, str) and value.isdigit() else None

    return usage(
        count("input"),
        count("output"),
        count("cache-read-input"),
        count("cache-write-input"),
        fresh_only=True,
    )


def merged(body: Usage | None, headers: Usage | None) -> Usage | None:
    """The body's counts, each missing one taken from the headers."""
    if body is None or headers is None:
        return body or headers
    return Usage(
        input_tokens=body.input_tokens if body.input_tokens is not None else headers.input_tokens,
        output_tokens=body.output_tokens if body.output_tokens is not None else headers.output_tokens,
        cache_read_input_tokens=body.cache_read_input_tokens,
        cache_write_input_tokens=body.cache_write_input_tokens,
        reasoning_output_tokens=body.reasoning_output_tokens,
    )


def parse_body(body: Any, headers: Any, capture: bool) -> ResponseInfo:
    info = _parse(body, capture) if isinstance(body, Mapping) else ResponseInfo()
    fallback = header_usage(headers)
    if fallback is None:
        return info
    return ResponseInfo(
        response_id=info.response_id,
        response_model=info.response_model,
        finish_reasons=info.finish_reasons,
        usage=merged(info.usage, fallback),
        embedding_dimensions=info.embedding_dimensions,
        output_messages=info.output_messages,
    )


def _output(parts: list[Part], reason: str | None, role: str = "assistant") -> Message:
    """An output message; ``reason`` (the model's, as sent) mapped to the output-message schema."""
    return message(role, parts, finish_reason=output_finish_reason(reason, parts))


def _texts(texts: list[tuple[Any, Any]], capture: bool, **fields: Any) -> ResponseInfo:
    """One output message per ``(text, finish reason)`` generation."""
    reasons = tuple(nonempty_text(reason) or "error" for _, reason in texts)
    out: list[Message] = []
    if capture:
        out = [
            message(
                "assistant",
                [text_part(text if isinstance(text, str) else "")],
                finish_reason=output_finish_reason(reason),
            )
            for (text, _), reason in zip(texts, reasons, strict=True)
        ]
    return ResponseInfo(finish_reasons=reasons, output_messages=out, **fields)


def _parse(body: Mapping[str, Any], capture: bool) -> ResponseInfo:
    if body.get("type") == "message":
        stop = nonempty_text(body.get("stop_reason"))
        content = body.get("content")
        return ResponseInfo(
            response_id=nonempty_text(body.get("id")),
            response_model=nonempty_text(body.get("model")),
            finish_reasons=(stop,) if stop else (),
            usage=anthropic.usage(body.get("usage")),
            output_messages=(_output(anthropic.parts(content), stop),)
            if capture and isinstance(content, list)
            else (),
        )
    if "output" in body:
        return converse.parse_response(body, capture)
    if "choices" in body:
        return _choices(body, capture)
    if "generation" in body:
        u = usage(body.get("prompt_token_count"), body.get("generation_token_count"), fresh_only=False)
        return _texts([(body["generation"], body.get("stop_reason"))], capture, usage=u)
    if "results" in body:
        results = seq(body["results"])
        out = [integer(dict_get(r, "tokenCount")) for r in results]
        total = sum(n for n in out if n is not None) if any(n is not None for n in out) else None
        u = usage(body.get("inputTextTokenCount"), total, fresh_only=False)
        return _texts(
            [(dict_get(r, "outputText"), dict_get(r, "completionReason")) for r in results], capture, usage=u
        )
    if "outputs" in body:
        return _texts(
            [(dict_get(o, "text"), dict_get(o, "stop_reason")) for o in seq(body["outputs"])], capture
        )
    if "generations" in body:
        gens = seq(body["generations"])
        return _texts(
            [(dict_get(g, "text"), dict_get(g, "finish_reason")) for g in gens],
            capture,
            response_id=nonempty_text(body.get("id")),
        )
    if "text" in body and "finish_reason" in body:  # Cohere Command R
        return _cohere_chat(body, capture)
    return _embeddings(body)


def _choices(body: Mapping[str, Any], capture: bool) -> ResponseInfo:
    choices = seq(body["choices"])
    reasons = tuple(nonempty_text(first(c, "finish_reason", "stop_reason")) or "error" for c in choices)
    out: list[Message] = []
    if capture:
        for choice, reason in zip(choices, reasons, strict=True):
            msg = dict_get(choice, "message")
            parts = (
                [*chat_parts(dict_get(msg, "content")), *tool_calls(dict_get(msg, "tool_calls"))]
                if msg
                else chat_parts(dict_get(choice, "text"))
            )
            out.append(_output(parts, reason, nonempty_text(dict_get(msg, "role")) or "assistant"))
    u = body.get("usage")
    cached = dict_get(dict_get(u, "prompt_tokens_details"), "cached_tokens")
    return ResponseInfo(
        response_id=nonempty_text(body.get("id")),
        response_model=nonempty_text(body.get("model")),
        finish_reasons=reasons,
        usage=usage(dict_get(u, "prompt_tokens"), dict_get(u, "completion_tokens"), cached, fresh_only=False),
        output_messages=out,
    )


def _cohere_chat(body: Mapping[str, Any], capture: bool) -> ResponseInfo:
    reason = nonempty_text(body.get("finish_reason")) or "error"
    out: tuple[Message, ...] = ()
    if capture:
        calls = [
            tool_call_part(None, dict_get(c, "name") or "", dict_get(c, "parameters"))
            for c in seq(body.get("tool_calls"))
        ]
        text = nonempty_text(body.get("text"))
        out = (_output([*([text_part(text)] if text else []), *calls], reason),)
    billed = dict_get(dict_get(body, "meta"), "billed_units")
    return ResponseInfo(
        response_id=nonempty_text(first(body, "response_id", "generation_id")),
        finish_reasons=(reason,),
        usage=usage(dict_get(billed, "input_tokens"), dict_get(billed, "output_tokens"), fresh_only=False),
        output_messages=out,
    )


def _embeddings(body: Mapping[str, Any]) -> ResponseInfo:
    vectors = body.get("embeddings")
    if isinstance(vectors, Mapping):  # Cohere ``embeddings_by_type``: {"float": [[...]], ...}
        vectors = next(iter(vectors.values()), None)
    vector = first(body, "embedding") or next(iter(seq(vectors)), None)
    if isinstance(vector, Mapping):  # Nova multimodal: [{"embeddingType": ..., "embedding": [...]}]
        vector = vector.get("embedding")
    if vector is None and isinstance(body.get("embeddingsByType"), Mapping):  # Titan v2
        vector = next(iter(body["embeddingsByType"].values()), None)
    return ResponseInfo(
        response_id=nonempty_text(body.get("id")),
        embedding_dimensions=len(vector) if isinstance(vector, list) else None,
        usage=usage(body.get("inputTextTokenCount"), None, fresh_only=False),
    )

"""Converse / ConverseStream shapes -> semconv: content blocks, tools, usage, the stream fold.

Amazon Nova's InvokeModel body (``messages-v1``) uses the same content blocks, response shape and
stream events (as JSON chunks), so ``_invoke`` reuses everything here for Nova.

A content block is a one-key union: ``{"text": ...}``, ``{"image": {format, source}}``,
``{"toolUse": {...}}`` ... (botocore ``ContentBlock``). Usage: Converse's ``inputTokens`` leaves
cache reads and writes out (``totalTokens`` = input + output + cache read + cache write, as the
prompt-caching guide documents), so semconv's input is their sum.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genai_otel.adapter import (
    Message,
    Part,
    ResponseInfo,
    Usage,
    blob_part,
    generic_part,
    message,
    output_finish_reason,
    reasoning_part,
    text_part,
    tool_call_part,
    tool_call_response_part,
    uri_part,
)

from .._values import integer, number, seq
from ._util import arguments, dict_get, dig, first, nonempty_text
from ._util import usage as _usage

_DOCUMENT_MIME = {
    "pdf": "application/pdf",
    "csv": "text/csv",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "txt": "text/plain",
    "md": "text/markdown",
}
_MEDIA = ("image", "video", "audio")


def usage(u: Any) -> Usage | None:
    """``TokenUsage`` (Converse), or Nova's InvokeModel ``usage`` (``...InputTokenCount`` names)."""
    if not isinstance(u, Mapping):
        return None
    read = first(u, "cacheReadInputTokens", "cacheReadInputTokenCount")
    write = first(u, "cacheWriteInputTokens", "cacheWriteInputTokenCount")
    return _usage(u.get("inputTokens"), u.get("outputTokens"), read, write, fresh_only=True)


def _media_part(modality: str, block: Any) -> Part:
    fmt = nonempty_text(dict_get(block, "format"))
    source = dict_get(block, "source")
    mime = _DOCUMENT_MIME.get(fmt or "") if modality == "document" else f"{modality}/{fmt}" if fmt else None
    data = dict_get(source, "bytes")
    if isinstance(data, (bytes, bytearray, str)):
        return blob_part(modality, bytes(data) if isinstance(data, bytearray) else data, mime)
    uri = dig(source, "s3Location", "uri")
    if isinstance(uri, str):
        return uri_part(modality, uri, mime)
    return generic_part(modality, mime_type=mime)


def block_parts(block: Any) -> list[Part]:
    if not isinstance(block, Mapping):
        return []
    if "text" in block:
        return [text_part(nonempty_text(block["text"]) or "")]
    for modality in _MEDIA:
        if modality in block:
            return [_media_part(modality, block[modality])]
    if "document" in block:
        doc = block["document"]
        source = dict_get(doc, "source")
        if isinstance(dict_get(source, "text"), str):
            return [text_part(source["text"])]
        if isinstance(dict_get(source, "content"), list):
            return [text_part(t) for c in source["content"] if isinstance(t := dict_get(c, "text"), str)]
        return [_media_part("document", doc)]
    if "toolUse" in block:
        use = block["toolUse"]
        return [
            tool_call_part(
                nonempty_text(dict_get(use, "toolUseId")),
                nonempty_text(dict_get(use, "name")) or "",
                dict_get(use, "input"),
            )
        ]
    if "toolResult" in block:
        result = block["toolResult"]
        return [
            tool_call_response_part(
                nonempty_text(dict_get(result, "toolUseId")), _tool_output(dict_get(result, "content"))
            )
        ]
    if "reasoningContent" in block:
        # ``redactedContent`` is encrypted: the part records that reasoning happened, not its bytes.
        return [reasoning_part(nonempty_text(dig(block["reasoningContent"], "reasoningText", "text")) or "")]
    if "guardContent" in block:
        return [text_part(nonempty_text(dig(block["guardContent"], "text", "text")) or "")]
    if "citationsContent" in block:
        return [
            text_part(t)
            for c in seq(dict_get(block["citationsContent"], "content"))
            if (t := nonempty_text(dict_get(c, "text")))
        ]
    if "cachePoint" in block:
        return []  # a cache marker, not content
    return [generic_part(next(iter(block), "unknown"))]


def _tool_output(content: Any) -> Any:
    """A tool result's blocks: JSON values and texts as they are; other blocks as parts."""
    out: list[Any] = []
    for block in seq(content):
        if isinstance(block, Mapping) and "json" in block:
            out.append(block["json"])
        elif isinstance(block, Mapping) and "text" in block:
            out.append(block["text"])
        else:
            out.extend(block_parts(block))
    return out[0] if len(out) == 1 else out


def parts(content: Any) -> list[Part]:
    return [part for block in seq(content) for part in block_parts(block)]


def messages(value: Any) -> list[Message]:
    return [
        message(nonempty_text(dict_get(m, "role")) or "user", parts(dict_get(m, "content")))
        for m in seq(value)
    ]


def tool_definitions(tool_config: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for tool in seq(dict_get(tool_config, "tools")):
        spec = dict_get(tool, "toolSpec")
        if spec is not None:
            definition = {
                "type": "function",
                "name": dict_get(spec, "name"),
                "description": dict_get(spec, "description"),
                "parameters": dig(spec, "inputSchema", "json"),
            }
            out.append({k: v for k, v in definition.items() if v is not None})
        elif dict_get(tool, "systemTool") is not None:
            out.append({"type": "system_tool", "name": dig(tool, "systemTool", "name")})
    return out


def inference_params(config: Any) -> dict[str, Any]:
    """``inferenceConfig`` as ``RequestInfo`` fields: Converse spells it ``maxTokens``/``topP``,
    Nova's InvokeModel body also accepts ``max_new_tokens``/``top_p``/``top_k``."""
    stops = [s for s in seq(dict_get(config, "stopSequences")) if isinstance(s, str)]
    return {
        "max_tokens": integer(first(config, "maxTokens", "max_new_tokens")),
        "temperature": number(dict_get(config, "temperature")),
        "top_p": number(first(config, "topP", "top_p")),
        "top_k": integer(first(config, "topK", "top_k")),
        "stop_sequences": stops or None,
    }


def request_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Converse / ConverseStream ``RequestInfo`` fields. ``top_k`` is not a Converse parameter: the
    model-specific ``additionalModelRequestFields`` carry it (``top_k``, or Nova's ``inferenceConfig``)."""
    out = inference_params(params.get("inferenceConfig"))
    extra = params.get("additionalModelRequestFields")
    if out["top_k"] is None and isinstance(extra, Mapping):
        out["top_k"] = integer(first(extra, "top_k", "topK")) or integer(
            dig(extra, "inferenceConfig", "topK")
        )
    config = params.get("outputConfig")
    out["reasoning_level"] = nonempty_text(dict_get(config, "effort"))
    out["output_type"] = "json" if dig(config, "textFormat", "type") == "json_schema" else None
    return out


def parse_response(result: Any, capture: bool) -> ResponseInfo:
    """``ConverseResponse``, or a Nova InvokeModel body (the same ``output``/``stopReason``/``usage``)."""
    stop = nonempty_text(dict_get(result, "stopReason"))
    msg = dig(result, "output", "message")
    out: tuple[Message, ...] = ()
    if capture and isinstance(msg, Mapping):
        role = nonempty_text(msg.get("role")) or "assistant"
        content = parts(msg.get("content"))
        out = (message(role, content, finish_reason=output_finish_reason(stop, content)),)
    return ResponseInfo(
        response_model=nonempty_text(dig(result, "trace", "promptRouter", "invokedModelId")),
        finish_reasons=(stop,) if stop else (),
        usage=usage(dict_get(result, "usage")),
        output_messages=out,
    )


class ConverseFold:
    """Folds ``ConverseStream`` events (and Nova's InvokeModel stream chunks, the same events as JSON):
    ``messageStart`` / ``contentBlockStart`` / ``contentBlockDelta`` / ``contentBlockStop`` /
    ``messageStop`` (stopReason) / ``metadata`` (usage, metrics, trace)."""

    __slots__ = ("_blocks", "_capture", "_model", "_role", "_started", "_stop", "_usage")

    def __init__(self, capture: bool) -> None:
        self._capture = capture
        self._started = False
        self._role: str | None = None
        self._stop: str | None = None
        self._model: str | None = None
        self._usage: Any = None
        #: contentBlockIndex -> [kind, start (toolUse id/name), list of delta strings]; capture only.
        self._blocks: dict[int, list[Any]] = {}

    def add(self, event: Any) -> None:
        if not isinstance(event, Mapping):
            return
        if "contentBlockDelta" in event:
            if self._capture:
                self._delta(event["contentBlockDelta"])
        elif "contentBlockStart" in event:
            if self._capture:
                start = event["contentBlockStart"]
                index, use = integer(dict_get(start, "contentBlockIndex")), dig(start, "start", "toolUse")
                if index is not None and use is not None:
                    self._blocks[index] = ["toolUse", use, []]
        elif "messageStart" in event:
            self._started = True
            self._role = nonempty_text(dig(event, "messageStart", "role"))
        elif "messageStop" in event:
            self._stop = nonempty_text(dig(event, "messageStop", "stopReason")) or self._stop
        elif "metadata" in event:
            meta = event["metadata"]
            self._usage = dict_get(meta, "usage")
            self._model = nonempty_text(dig(meta, "trace", "promptRouter", "invokedModelId"))

    def _delta(self, event: Any) -> None:
        index, delta = integer(dict_get(event, "contentBlockIndex")), dict_get(event, "delta")
        if index is None or not isinstance(delta, Mapping):
            return
        if "text" in delta:
            kind, text = "text", delta["text"]
        elif "toolUse" in delta:
            kind, text = "toolUse", dig(delta, "toolUse", "input")
        elif "reasoningContent" in delta:
            kind, text = "reasoning", dig(delta, "reasoningContent", "text")
        else:  # citations, tool results and images streamed back: not folded
            return
        entry = self._blocks.setdefault(index, [kind, None, []])
        if isinstance(text, str) and text:
            entry[2].append(text)

    def finish(self) -> ResponseInfo:
        if not self._started and self._usage is None and self._stop is None:
            return ResponseInfo()
        # A message that started but never said why it stopped was cut short (semconv: "error").
        stop = self._stop or "error"
        out: tuple[Message, ...] = ()
        if self._capture:
            content = self._parts()
            reason = output_finish_reason(stop, content)
            out = (message(self._role or "assistant", content, finish_reason=reason),)
        return ResponseInfo(
            response_model=self._model,
            finish_reasons=(stop,),
            usage=usage(self._usage),
            output_messages=out,
        )

    def _parts(self) -> list[Part]:
        out: list[Part] = []
        for _, (kind, start, deltas) in sorted(self._blocks.items()):
            joined = "".join(deltas)
            if kind == "text":
                out.append(text_part(joined))
            elif kind == "reasoning":
                out.append(reasoning_part(joined))
            else:
                call_id, name = (
                    nonempty_text(dict_get(start, "toolUseId")),
                    nonempty_text(dict_get(start, "name")) or "",
                )
                out.append(tool_call_part(call_id, name, arguments(joined) if joined else {}))
        return out

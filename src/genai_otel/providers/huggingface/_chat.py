"""``chat_completion`` (also reached as ``client.chat.completions.create``): the OpenAI-shaped
chat API that TGI, the Hugging Face router and every upstream provider speak.

Request content: ``messages`` as dicts or ``ChatCompletionInputMessage`` (``content`` a string or
a list of ``text`` / ``image_url`` chunks, assistant ``tool_calls``, ``tool`` messages with
``tool_call_id``); system messages stay in the history (the API has no separate instructions).
Response: ``ChatCompletionOutput`` (``id``, ``model``, ``choices[].message`` with ``content``,
``reasoning`` and ``tool_calls``, ``usage``). Stream: ``ChatCompletionStreamOutput`` chunks whose
choices carry ``delta``s; a choice's ``finish_reason`` arrives on its last delta; ``usage`` on the
last chunk (``stream_options={"include_usage": True}``, and TGI sends it unasked). Finish reasons
are reported as sent (``tool_calls``, TGI's ``eos_token``), the output messages' mapped by
``adapter.output_finish_reason``; a choice whose finish reason never arrived (a stream cut short)
is reported as ``error``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genai_otel.adapter import (
    Message,
    Part,
    RequestContent,
    ResponseInfo,
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

from .._values import json_or_text, seq, text
from ._convert import attr_or_item, chat_usage, finish_reason, joined_text, text_parts, tool_call

#: ``response_format["type"]`` (HF grammar types and the OpenAI ones the router accepts).
OUTPUT_TYPES = {"json": "json", "json_object": "json", "json_schema": "json", "text": "text", "regex": "text"}


def output_type(fmt: Any) -> str | None:
    kind = attr_or_item(fmt, "type") if fmt is not None else None
    return OUTPUT_TYPES.get(kind, kind) if isinstance(kind, str) else None


def _url_part(url: Any) -> Part | None:
    if not isinstance(url, str) or not url:
        return None
    if url.startswith("data:"):  # data:[mime][;base64],payload -> inline bytes, as sent
        header, _, payload = url[5:].partition(",")
        return blob_part("image", payload, header.split(";", 1)[0] or None)
    return uri_part("image", url)


def content_parts(content: Any) -> list[Part]:
    if isinstance(content, str):
        return [text_part(content)]
    parts: list[Part] = []
    for chunk in seq(content):
        kind = attr_or_item(chunk, "type")
        part: Part | None
        if kind == "text":
            part = text_part(text(attr_or_item(chunk, "text")) or "")
        elif kind == "image_url":
            part = _url_part(attr_or_item(attr_or_item(chunk, "image_url"), "url"))
        else:
            part = generic_part(kind if isinstance(kind, str) else "unknown")
        if part is not None:
            parts.append(part)
    return parts


def _input_message(msg: Any) -> Message | None:
    role = text(attr_or_item(msg, "role"))
    if role is None:
        return None
    content = attr_or_item(msg, "content")
    if role == "tool":
        return message(
            role, [tool_call_response_part(text(attr_or_item(msg, "tool_call_id")), joined_text(content))]
        )
    parts = content_parts(content)
    if role == "assistant":
        parts.extend(tool_call(c) for c in seq(attr_or_item(msg, "tool_calls")))
    return message(role, parts, name=text(attr_or_item(msg, "name")))


def _tool_definition(tool: Any) -> dict[str, Any] | None:
    kind = text(attr_or_item(tool, "type")) or "function"
    spec = attr_or_item(tool, "function") if kind == "function" else tool
    name = text(attr_or_item(spec, "name"))
    if name is None:
        return None
    out: dict[str, Any] = {"type": kind, "name": name}
    for key in ("description", "parameters"):
        value = attr_or_item(spec, key)
        if value is not None:
            out[key] = value
    return out


def request_content(kwargs: Mapping[str, Any]) -> RequestContent:
    messages = [m for m in map(_input_message, seq(kwargs.get("messages"))) if m is not None]
    tools = [t for t in map(_tool_definition, seq(kwargs.get("tools"))) if t is not None]
    return RequestContent(input_messages=messages, tool_definitions=tools)


def _output_message(msg: Any, reason: str) -> Message:
    reasoning = text(attr_or_item(msg, "reasoning"))
    parts = [reasoning_part(reasoning)] if reasoning else []
    parts.extend(text_parts(attr_or_item(msg, "content")))
    parts.extend(tool_call(c) for c in _calls(attr_or_item(msg, "tool_calls")))
    role = text(attr_or_item(msg, "role")) or "assistant"
    return message(role, parts, finish_reason=output_finish_reason(reason, parts))


def _calls(value: Any) -> list[Any] | tuple[Any, ...]:
    """``tool_calls`` is a list; older TGI versions streamed a single object."""
    return [value] if isinstance(value, Mapping) else seq(value)


def parse_response(result: Any, capture: bool) -> ResponseInfo:
    choices = seq(attr_or_item(result, "choices")) if result is not None else ()
    reasons = tuple(finish_reason(attr_or_item(c, "finish_reason")) for c in choices)
    return ResponseInfo(
        response_id=text(attr_or_item(result, "id")) or None,
        response_model=text(attr_or_item(result, "model")) or None,
        finish_reasons=reasons,
        usage=chat_usage(attr_or_item(result, "usage")) if result is not None else None,
        output_messages=[
            _output_message(attr_or_item(c, "message"), r) for c, r in zip(choices, reasons, strict=True)
        ]
        if capture
        else (),
    )


class ChatAccumulator:
    """Folds ``ChatCompletionStreamOutput`` chunks; deltas are kept only when capturing."""

    __slots__ = ("_capture", "_choices", "_deltas", "_id", "_model", "_reasons", "_usage")

    def __init__(self, capture: bool) -> None:
        self._capture = capture
        self._id: Any = None
        self._model: Any = None
        self._usage: Any = None
        self._choices = 0
        self._reasons: dict[int, Any] = {}
        self._deltas: list[Any] = []

    def add(self, chunk: Any) -> None:
        if not self._id:
            self._id, self._model = attr_or_item(chunk, "id"), attr_or_item(chunk, "model")
        usage = attr_or_item(chunk, "usage")
        if usage is not None:
            self._usage = usage
        for choice in seq(attr_or_item(chunk, "choices")):
            index = attr_or_item(choice, "index")
            if not isinstance(index, int):
                continue
            if index >= self._choices:
                self._choices = index + 1
            reason = attr_or_item(choice, "finish_reason")
            if reason is not None:
                self._reasons[index] = reason
            if self._capture:
                self._deltas.append(choice)

    def finish(self) -> ResponseInfo:
        reasons = tuple(finish_reason(self._reasons.get(i)) for i in range(self._choices))
        return ResponseInfo(
            response_id=text(self._id) or None,
            response_model=text(self._model) or None,
            finish_reasons=reasons,
            usage=chat_usage(self._usage),
            output_messages=self._messages(reasons) if self._capture and self._choices else (),
        )

    def _messages(self, reasons: tuple[str, ...]) -> list[Message]:
        texts: dict[int, list[str]] = {}
        thoughts: dict[int, list[str]] = {}
        calls: dict[int, dict[Any, list[Any]]] = {}
        for choice in self._deltas:
            index, delta = attr_or_item(choice, "index"), attr_or_item(choice, "delta")
            for into, piece in (
                (thoughts, attr_or_item(delta, "reasoning")),
                (texts, attr_or_item(delta, "content")),
            ):
                if isinstance(piece, str) and piece:
                    into.setdefault(index, []).append(piece)
            for call in _calls(attr_or_item(delta, "tool_calls")):
                entry = calls.setdefault(index, {}).setdefault(
                    attr_or_item(call, "index") or 0, [None, "", []]
                )
                function = attr_or_item(call, "function")
                entry[0] = text(attr_or_item(call, "id")) or entry[0]
                entry[1] = text(attr_or_item(function, "name")) or entry[1]
                arguments = attr_or_item(function, "arguments")
                if isinstance(arguments, str):
                    entry[2].append(arguments)
        out: list[Message] = []
        for i in range(self._choices):
            parts: list[Part] = [reasoning_part("".join(thoughts[i]))] if i in thoughts else []
            if i in texts:
                parts.append(text_part("".join(texts[i])))
            for call_id, name, arguments in (calls.get(i) or {}).values():
                parts.append(tool_call_part(call_id, name, json_or_text("".join(arguments))))
            out.append(message("assistant", parts, finish_reason=output_finish_reason(reasons[i], parts)))
        return out

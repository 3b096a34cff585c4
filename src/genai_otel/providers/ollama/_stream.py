"""Folds a streamed ``chat`` / ``generate`` (``stream=True``) into one ``ResponseInfo``.

The server sends NDJSON; the SDK yields one ``ChatResponse`` / ``GenerateResponse`` per line.
Every part carries ``model``; text arrives as fragments in ``message.content`` (chat) or
``response`` (generate), reasoning in ``message.thinking`` / ``thinking``, tool calls whole in
``message.tool_calls``. The last part has ``done: true`` with ``done_reason`` and the token
counts. A stream cut before that part reports the finish reason ``error``. An ``{"error": ...}``
line is raised by the SDK as ``ResponseError`` (the engine records it), never yielded.
"""

from __future__ import annotations

from typing import Any

from genai_otel.adapter import Message, ResponseInfo

from .._values import text
from ._convert import output_message, usage


class PartsAccumulator:
    __slots__ = ("_calls", "_capture", "_chat", "_done", "_image", "_model", "_role", "_text", "_thinking")

    def __init__(self, capture: bool, chat: bool) -> None:
        self._capture = capture
        self._chat = chat
        self._model: Any = None
        self._done: Any = None
        self._role: Any = None
        self._image: Any = None
        self._text: list[str] = []
        self._thinking: list[str] = []
        self._calls: list[Any] = []

    def add(self, chunk: Any) -> None:
        self._model = getattr(chunk, "model", None) or self._model
        if getattr(chunk, "done", None):
            self._done = chunk
        if not self._capture:
            return
        if self._chat:
            source = getattr(chunk, "message", None)
            self._role = getattr(source, "role", None) or self._role
            content = getattr(source, "content", None)
        else:
            source = chunk
            content = getattr(chunk, "response", None)
            self._image = getattr(chunk, "image", None) or self._image
        if isinstance(content, str) and content:
            self._text.append(content)
        thinking = getattr(source, "thinking", None)
        if isinstance(thinking, str) and thinking:
            self._thinking.append(thinking)
        calls = getattr(source, "tool_calls", None)
        if calls:
            self._calls.extend(calls)

    def finish(self) -> ResponseInfo:
        if self._model is None and self._done is None:
            return ResponseInfo()
        done = self._done
        reason = (text(getattr(done, "done_reason", None)) or None) if done is not None else "error"
        out: tuple[Message, ...] = ()
        if self._capture:
            joined, thinking = "".join(self._text), "".join(self._thinking)
            out = (output_message(self._role, joined, thinking, self._calls, reason, self._image),)
        return ResponseInfo(
            response_model=text(self._model),
            finish_reasons=(reason,) if reason else (),
            usage=usage(done) if done is not None else None,
            output_messages=out,
        )

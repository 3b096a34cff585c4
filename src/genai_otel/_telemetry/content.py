"""Content capture: sanitise semconv messages, then put them on the span and/or the event.

Order (gen-ai-spans.md): the completion hook sees the adapter's objects first and may change
them; then every text is scrubbed (secrets always, PII on request, the user's ``redact`` last)
and cut to the per-part limit; inline bytes become a placeholder (modality, mime type, size,
sha256) unless raw bytes were asked for; finally each attribute is kept under its size limit by
dropping whole messages, so the JSON is always valid. A failure anywhere fails closed: nothing
is exported rather than something unredacted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from ..config import Settings
from .redaction import build_redactor

#: Fields whose values are structure, not user text: never redacted or cut.
_STRUCTURAL = frozenset(
    {"type", "role", "id", "name", "modality", "mime_type", "finish_reason", "generic_type", "file_id"}
)
_TRUNCATED = "…[truncated]"


def _raw_bytes(content: bytes | str) -> bytes:
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content)
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        return content.encode("utf-8", "surrogatepass")


class ContentPolicy:
    """Built once per ``instrument()`` from Settings."""

    def __init__(self, settings: Settings) -> None:
        self.redact = build_redactor(settings.redact_pii, settings.redact)
        self.capture_binary = settings.capture_binary
        self.max_part = settings.max_part_length
        self.max_attribute = settings.max_attribute_length

    # --- sanitising -----------------------------------------------------------------------------
    def _text(self, text: str) -> str:
        text = self.redact(text)
        if len(text) > self.max_part:
            text = text[: max(self.max_part - len(_TRUNCATED), 0)] + _TRUNCATED
        return text

    def _blob(self, part: dict[str, Any]) -> dict[str, Any]:
        data = _raw_bytes(part.get("content", b""))
        out = {k: v for k, v in part.items() if k != "content"}
        if self.capture_binary:
            out["content"] = base64.b64encode(data).decode("ascii")
        else:
            out["size"] = len(data)
            out["sha256"] = hashlib.sha256(data).hexdigest()
        return out

    def _value(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, str):
            return value if key in _STRUCTURAL else self._text(value)
        if isinstance(value, dict):
            if value.get("type") == "blob" and "content" in value:
                return self._blob(value)
            return {k: self._value(v, k) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._value(v) for v in value]
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, (bytes, bytearray)):
            return self._blob({"type": "blob", "modality": "unknown", "content": bytes(value)})
        return self._text(str(value))

    def sanitize(self, items: Sequence[Any]) -> list[Any]:
        return [self._value(item) for item in items]

    # --- size ------------------------------------------------------------------------------------
    def to_json(self, items: list[Any], keep_tail: bool) -> str | None:
        """JSON of ``items`` within the attribute limit, dropping whole items (oldest inputs,
        last outputs) so the result is always a valid JSON array; ``None`` if none fits.
        Each item is encoded once: the cost stays linear however many items are dropped."""
        encoded = [json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in items]
        size = sum(map(len, encoded)) + len(encoded) + 1  # brackets and commas
        start, end = 0, len(encoded)
        while size > self.max_attribute and start < end:
            if keep_tail:
                size -= len(encoded[start]) + 1
                start += 1
            else:
                end -= 1
                size -= len(encoded[end]) + 1
        return "[" + ",".join(encoded[start:end]) + "]" if start < end else None

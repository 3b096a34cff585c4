"""Content capture: sanitise semconv messages, then put them on the span and/or the event.

Order: every text is scrubbed (secrets always, PII on request, the user's ``redact`` last) and
cut to the per-part limit; inline bytes become a placeholder (modality, mime type, size, sha256)
unless raw bytes were asked for. That sanitised content is what the completion hook receives, and
what the span and the event export (with the hook's changes): content is sanitised once per call,
and what the hook adds or replaces is sanitised in turn (``after_hook``), so the user's ``redact``
sees each text once and no hook can put an unscrubbed text on the span. Finally each span
attribute is kept under its size limit by dropping whole messages, so the JSON is always valid.
A failure anywhere fails closed: nothing is exported, and the hook is not called, rather than
something unredacted.
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
    # ``known`` collects every text this policy produced (sanitised texts, placeholder hashes, base64
    # of captured bytes); after the hook, ``after_hook`` keeps those as they are, sanitises the rest.
    def _text(self, text: str, known: set[str] | None) -> str:
        text = self.redact(text)
        if len(text) > self.max_part:
            text = text[: max(self.max_part - len(_TRUNCATED), 0)] + _TRUNCATED
        if known is not None:
            known.add(text)
        return text

    def _blob(self, part: dict[str, Any], known: set[str] | None) -> dict[str, Any]:
        data = _raw_bytes(part.get("content", b""))
        out = {k: v for k, v in part.items() if k != "content"}
        if self.capture_binary:
            out["content"] = base64.b64encode(data).decode("ascii")
        else:
            out["size"] = len(data)
            out["sha256"] = hashlib.sha256(data).hexdigest()
        if known is not None:
            known.add(out["content"] if self.capture_binary else out["sha256"])
        return out

    def _value(self, value: Any, key: str | None, known: set[str] | None, keep: set[str] | None) -> Any:
        """``value`` sanitised; strings in ``keep`` (set only after the hook) stay as they are."""
        if isinstance(value, str):
            if key in _STRUCTURAL or (keep is not None and value in keep):
                return value
            return self._text(value, known)
        if isinstance(value, dict):
            if value.get("type") == "blob" and "content" in value:
                content = value["content"]
                if keep is None or not (isinstance(content, str) and content in keep):
                    return self._blob(value, known)
            return {k: self._value(v, k, known, keep) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._value(v, None, known, keep) for v in value]
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, (bytes, bytearray)):
            return self._blob({"type": "blob", "modality": "unknown", "content": bytes(value)}, known)
        return self._text(str(value), known)

    def sanitize(self, items: Sequence[Any], known: set[str] | None = None) -> list[Any]:
        """New, sanitised copies of ``items``; what was produced is added to ``known`` if given."""
        return [self._value(item, None, known, None) for item in items]

    def after_hook(self, items: Sequence[Any], known: set[str]) -> list[Any]:
        """``items`` as a completion hook left them: texts ``sanitize`` produced (``known``) are kept
        as they are, anything the hook added or replaced is sanitised now. So every exported text
        went through the scrubbers and the user's ``redact`` exactly once."""
        return [self._value(item, None, None, known) for item in items]

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

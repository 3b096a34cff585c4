"""Request and response content as semconv message parts, shared by the OpenAI surfaces.

Only called when content capture is on. Reads SDK models and plain dicts alike (callers send a
previous response's objects back as input); never mutates them, never raises on odd input.
Inline data (data URLs, base64 audio/files) becomes ``blob`` parts holding the base64 text as
sent; the engine replaces it with a placeholder unless the user opted into raw bytes.
"""

from __future__ import annotations

from typing import Any

from ...adapter import Part, blob_part, file_part, generic_part, text_part, uri_part
from .._values import get

_AUDIO_MIME = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    "opus": "audio/opus",
    "aac": "audio/aac",
    "pcm16": "audio/pcm",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
}


def _data_url(url: str) -> tuple[str | None, str] | None:
    """``data:[mime][;base64],payload`` -> (mime, payload); ``None`` when not a data URL."""
    if not url.startswith("data:"):
        return None
    header, _, payload = url[5:].partition(",")
    mime = header.split(";", 1)[0] or None
    return mime, payload


def url_part(modality: str, url: Any, mime_type: str | None = None) -> Part | None:
    """An http(s) URL becomes a ``uri`` part, a data URL an inline ``blob`` part."""
    if not isinstance(url, str) or not url:
        return None
    data = _data_url(url)
    if data is not None:
        return blob_part(modality, data[1], data[0] or mime_type)
    return uri_part(modality, url, mime_type)


def audio_part(audio: Any) -> Part | None:
    data = get(audio, "data")
    if not isinstance(data, str):
        return None
    fmt = get(audio, "format")
    mime = _AUDIO_MIME.get(fmt, f"audio/{fmt}") if isinstance(fmt, str) else None
    return blob_part("audio", data, mime)


def document_part(file_id: Any, file_data: Any, file_url: Any = None) -> Part | None:
    modality = "document"
    if isinstance(file_id, str) and file_id:
        return file_part(modality, file_id)
    if isinstance(file_data, str) and file_data:
        data = _data_url(file_data)
        return blob_part(modality, data[1], data[0]) if data else blob_part(modality, file_data)
    return url_part(modality, file_url)


def content_parts(content: Any) -> list[Part]:
    """Chat and Responses content (a string or a list of typed parts) as semconv parts."""
    if isinstance(content, str):
        return [text_part(content)]
    if not isinstance(content, (list, tuple)):
        return []
    parts: list[Part] = []
    for item in content:
        if isinstance(item, str):
            parts.append(text_part(item))
            continue
        kind = get(item, "type")
        part: Part | None
        if kind in ("text", "input_text", "output_text", "summary_text", "reasoning_text"):
            part = text_part(get(item, "text") or "")
        elif kind == "refusal":
            part = text_part(get(item, "refusal") or "")
        elif kind == "image_url":  # chat
            image = get(item, "image_url")
            part = url_part("image", get(image, "url") if image is not None else None)
        elif kind == "input_image":  # responses
            file_id = get(item, "file_id")
            part = file_part("image", file_id) if file_id else url_part("image", get(item, "image_url"))
        elif kind == "input_audio":
            part = audio_part(get(item, "input_audio"))
        elif kind == "file":  # chat
            file = get(item, "file")
            part = document_part(get(file, "file_id"), get(file, "file_data"))
        elif kind == "input_file":  # responses
            part = document_part(get(item, "file_id"), get(item, "file_data"), get(item, "file_url"))
        else:
            part = generic_part(kind if isinstance(kind, str) else "unknown")
        if part is not None:
            parts.append(part)
    return parts


def joined_text(content: Any) -> Any:
    """A tool result: the string itself, the text of a list of text parts, or as sent."""
    if isinstance(content, (list, tuple)):
        texts = [get(p, "text") for p in content]
        if texts and all(isinstance(t, str) for t in texts):
            return "".join(texts)
    return content


def tool_definitions(tools: Any, nested: bool = True) -> list[dict[str, Any]]:
    """Chat nests a tool's spec under its type (``{"type": "function", "function": {...}}``);
    Responses flattens it. Provider-run tools (web search, ...) keep their type as name."""
    definitions: list[dict[str, Any]] = []
    for tool in tools if isinstance(tools, (list, tuple)) else ():
        kind = get(tool, "type")
        spec = get(tool, kind) if nested and kind in ("function", "custom") else tool
        if kind is None and get(tool, "name") is not None:  # deprecated ``functions=[...]``
            kind = "function"
        if not isinstance(kind, str):
            continue
        name = get(spec, "name")
        definition: dict[str, Any] = {"type": kind, "name": name if isinstance(name, str) else kind}
        for key in ("description", "parameters"):
            value = get(spec, key)
            if value is not None:
                definition[key] = value
        definitions.append(definition)
    return definitions

"""Embeddings: ``client.embeddings.create`` (sync and async), operation ``embeddings``.

Never streamed. ``gen_ai.request.encoding_formats`` is reported only when the caller passed
``encoding_format``: when it is omitted, this SDK asks the API for ``base64`` on the wire and
decodes the vectors to floats itself (``openai.lib._parsing._embeddings``), which is the SDK's
business, not the caller's request. The dimension count is the length of the first vector; a
``base64`` vector (caller asked for it) is counted from its byte length (float32, 4 bytes each)
without decoding it.

Known gaps: embeddings inputs are not captured as content (semconv defines no content
attributes for embeddings); the response carries no id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...adapter import PatchTarget, RequestContent, RequestInfo, ResponseInfo, Usage
from .._values import integer, text
from ._common import passed, request_info
from .chat import is_raw_response


def parse_request(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestInfo:
    kwargs = passed(kwargs)
    fmt = text(kwargs.get("encoding_format"))
    return request_info(instance, kwargs, encoding_formats=[fmt] if fmt else None)


def request_content(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> RequestContent:
    return RequestContent()


def dimensions(vector: Any) -> int | None:
    """Dimensions of a float list, or of a base64 float32 vector (decoded length / 4)."""
    if isinstance(vector, str):
        size = len(vector.rstrip("="))
        return (size * 3 // 4) // 4
    try:
        return len(vector)
    except TypeError:
        return None


def parse_response(result: Any, target: PatchTarget, capture: bool) -> ResponseInfo:
    if is_raw_response(result):
        return ResponseInfo()
    data = getattr(result, "data", None)
    first = data[0] if isinstance(data, list) and data else None
    usage = getattr(result, "usage", None)
    input_tokens = integer(getattr(usage, "prompt_tokens", None))
    return ResponseInfo(
        response_model=text(getattr(result, "model", None)),
        usage=Usage(input_tokens=input_tokens) if input_tokens is not None else None,
        embedding_dimensions=dimensions(getattr(first, "embedding", None)) if first is not None else None,
    )


class EmbeddingsAccumulator:
    """Embeddings never stream; this exists so ``new_accumulator`` is total for every target."""

    __slots__ = ()

    def add(self, chunk: Any) -> None:
        pass

    def finish(self) -> ResponseInfo:
        return ResponseInfo()

"""Gemini API / Vertex AI response bodies, shaped like the real ones (camelCase JSON, as the REST
API sends it and as ``google.genai`` parses it): ``generateContent``, the ``alt=sse`` frames of
``streamGenerateContent``, ``batchEmbedContents`` / Vertex ``predict``, and the Google error
envelope ``{"error": {"code", "message", "status", "details"}}``."""

from __future__ import annotations

import json
from typing import Any

MODEL = "gemini-2.5-flash"
#: ``modelVersion`` echoes the model that answered
RESPONSE_MODEL = "gemini-2.5-flash"
EMBEDDING_MODEL = "gemini-embedding-001"
VERTEX_EMBEDDING_MODEL = "text-embedding-005"


def _response(
    response_id: str, parts: list[dict[str, Any]], usage: dict[str, Any], finish: str = "STOP"
) -> dict[str, Any]:
    return {
        "candidates": [{"content": {"parts": parts, "role": "model"}, "finishReason": finish, "index": 0}],
        "usageMetadata": usage,
        "modelVersion": RESPONSE_MODEL,
        "responseId": response_id,
    }


def _text_usage(prompt: int, answer: int, **extra: Any) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "promptTokenCount": prompt,
        "candidatesTokenCount": answer,
        "totalTokenCount": prompt
        + answer
        + extra.get("thoughtsTokenCount", 0)
        + extra.get("toolUsePromptTokenCount", 0),
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt}],
    }
    usage.update(extra)
    return usage


TEXT = _response(
    "gL8LaZ2iFqXbz7IP4K_YyAw",
    [{"text": "Hello! How can I help you today?"}],
    _text_usage(5, 9),
)

#: thinking model: thoughts are counted apart from the candidates (total = 12 + 40 + 812)
THINKING = _response(
    "hM8LaanUKofaz7IPq9u4sQ8",
    [{"text": "The sky looks blue because air scatters short wavelengths more (Rayleigh scattering)."}],
    _text_usage(12, 40, thoughtsTokenCount=812),
)

#: implicit/explicit context cache: promptTokenCount includes the cached tokens
CACHED = _response(
    "iN8LaYXvMNqAz7IPycGbwQs",
    [{"text": "The contract's termination clause requires 30 days' written notice."}],
    {
        **_text_usage(2100, 15),
        "cachedContentTokenCount": 2048,
        "cacheTokensDetails": [{"modality": "TEXT", "tokenCount": 2048}],
    },
)

#: an image in the prompt, split by modality
MULTIMODAL = _response(
    "jO8LaaX2Ns-Lz7IPsKDe-Ac",
    [{"text": "A plate of blueberry scones on a wooden table."}],
    {
        "promptTokenCount": 268,
        "candidatesTokenCount": 11,
        "totalTokenCount": 279,
        "promptTokensDetails": [
            {"modality": "TEXT", "tokenCount": 10},
            {"modality": "IMAGE", "tokenCount": 258},
        ],
        "candidatesTokensDetails": [{"modality": "TEXT", "tokenCount": 11}],
    },
)

#: google_search grounding: the search results fed back to the model are tool-use prompt tokens
GROUNDED = _response(
    "kP8LaYn6Lq2Gz7IPmbLv0Qk",
    [{"text": "Spain won Euro 2024, beating England 2-1 in the final."}],
    _text_usage(
        14,
        17,
        toolUsePromptTokenCount=121,
        toolUsePromptTokensDetails=[{"modality": "TEXT", "tokenCount": 121}],
    ),
)

#: the model asks for a function call (returned to the caller unless the SDK runs the function)
FUNCTION_CALL = _response(
    "lQ8MaaTmGu6Hz7IPl5bG4Ao",
    [
        {
            "functionCall": {"name": "get_weather", "args": {"location": "Paris"}},
            "thoughtSignature": "CiQBVKhc7vB2Zx1ZbG9uZ1NpZ25hdHVyZQ==",
        }
    ],
    _text_usage(61, 16),
)

#: the answer once the function's result is sent back
WEATHER_ANSWER = _response(
    "mR8MaZqXIeKIz7IPl9nHgAU",
    [{"text": "It's 18°C and sunny in Paris."}],
    _text_usage(104, 12),
)

MAX_TOKENS = _response(
    "nS8MaYrBDvGJz7IP2YfK4Qw",
    [{"text": "Once upon a time, in a kingdom by the sea, there lived"}],
    _text_usage(8, 16),
    finish="MAX_TOKENS",
)

#: candidateCount=2
TWO_CANDIDATES: dict[str, Any] = {
    "candidates": [
        {"content": {"parts": [{"text": "Blue."}], "role": "model"}, "finishReason": "STOP", "index": 0},
        {
            "content": {"parts": [{"text": "Azure, mostly."}], "role": "model"},
            "finishReason": "STOP",
            "index": 1,
        },
    ],
    "usageMetadata": _text_usage(6, 7),
    "modelVersion": RESPONSE_MODEL,
    "responseId": "oT8MaZ_PL4yKz7IPy4Lf8Qs",
}


def _pieces(parts: list[dict[str, Any]], pieces: int) -> list[dict[str, Any]]:
    out = []
    for part in parts:
        text = part.get("text")
        if isinstance(text, str) and len(text) >= pieces:
            size = -(-len(text) // pieces)
            out += [{**part, "text": text[k : k + size]} for k in range(0, len(text), size)]
        else:
            out.append(part)  # a function call arrives whole
    return out


def sse_of(body: dict[str, Any], pieces: int = 3) -> str:
    """The ``alt=sse`` stream the API sends for ``body``: each text part split in ``pieces``, one
    piece per candidate per frame, in order; every frame with ``responseId``, ``modelVersion``
    and a running ``usageMetadata`` (prompt only until the last frame, which carries the totals
    and each candidate's ``finishReason``)."""
    usage = body["usageMetadata"]
    partial = {k: usage[k] for k in ("promptTokenCount", "promptTokensDetails") if k in usage}
    partial["totalTokenCount"] = usage["promptTokenCount"]
    per_candidate = [_pieces(c["content"]["parts"], pieces) for c in body["candidates"]]
    count = max(len(p) for p in per_candidate)
    frames = []
    for i in range(count):
        last = i == count - 1
        candidates = []
        for candidate, parts in zip(body["candidates"], per_candidate, strict=True):
            piece: dict[str, Any] = {}
            if i < len(parts):
                piece["content"] = {"parts": [parts[i]], "role": "model"}
            if last:
                piece["finishReason"] = candidate["finishReason"]
            if piece:
                candidates.append({**piece, "index": candidate["index"]})
        frame = {
            "candidates": candidates,
            "usageMetadata": usage if last else partial,
            "modelVersion": body["modelVersion"],
            "responseId": body["responseId"],
        }
        frames.append(frame)
    return "".join(f"data: {_json(frame)}\r\n\r\n" for frame in frames)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def cut_sse(body: dict[str, Any], error: dict[str, Any] | None = None) -> str:
    """The first frame of ``body``'s stream, then (optionally) an error event, then nothing."""
    first = sse_of(body).split("\r\n\r\n")[0] + "\r\n\r\n"
    return first + (f"data: {_json(error)}\r\n\r\n" if error is not None else "")


EMBEDDINGS: dict[str, Any] = {
    "embeddings": [
        {"values": [0.0131, -0.0082, 0.0227, -0.0046, 0.0191, 0.0005, -0.0163, 0.0074]},
        {"values": [-0.0045, 0.0211, -0.0139, 0.0087, 0.0012, -0.0198, 0.0066, 0.0153]},
    ],
    "usageMetadata": {"promptTokenCount": 12, "totalTokenCount": 12},
}

#: Vertex AI ``:predict`` for a text-embedding model: a token count per instance
VERTEX_EMBEDDINGS: dict[str, Any] = {
    "predictions": [
        {
            "embeddings": {
                "values": [0.0212, -0.0107, 0.0035, 0.0164],
                "statistics": {"token_count": 5, "truncated": False},
            }
        },
        {
            "embeddings": {
                "values": [-0.0091, 0.0178, -0.0022, 0.0049],
                "statistics": {"token_count": 7, "truncated": False},
            }
        },
    ],
    "metadata": {"billableCharacterCount": 41},
}

INVALID_ARGUMENT: dict[str, Any] = {
    "error": {
        "code": 400,
        "message": "* GenerateContentRequest.contents: contents is not specified\n",
        "status": "INVALID_ARGUMENT",
    }
}
NOT_FOUND: dict[str, Any] = {
    "error": {
        "code": 404,
        "message": "models/gemini-0.9-nano is not found for API version v1beta, or is not supported for "
        "generateContent. Call ListModels to see the list of available models and their supported methods.",
        "status": "NOT_FOUND",
    }
}
RESOURCE_EXHAUSTED: dict[str, Any] = {
    "error": {
        "code": 429,
        "message": "You exceeded your current quota, please check your plan and billing details.",
        "status": "RESOURCE_EXHAUSTED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": (
                            "generativelanguage.googleapis.com/generate_content_free_tier_requests"
                        ),
                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                    }
                ],
            },
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "21s"},
        ],
    }
}
UNAVAILABLE: dict[str, Any] = {
    "error": {
        "code": 503,
        "message": "The model is overloaded. Please try again later.",
        "status": "UNAVAILABLE",
    }
}
#: an error event in the middle of an accepted stream
INTERNAL: dict[str, Any] = {
    "error": {
        "code": 500,
        "message": "An internal error has occurred. Please retry or report in "
        "https://developers.generativeai.google/guide/troubleshooting",
        "status": "INTERNAL",
    }
}

"""Ollama REST API bodies (``/api/chat``, ``/api/generate``, ``/api/embed``, ``/api/embeddings``),
shaped like a real server's: ``model`` echoed as requested, RFC 3339 ``created_at`` with
nanoseconds, ``done``/``done_reason``, the duration block in nanoseconds, ``prompt_eval_count`` /
``eval_count``; tool calls without ids (``function.index``, which the SDK ignores); NDJSON streams
whose last line has ``done: true`` and the counts; errors as ``{"error": "..."}``.
"""

from __future__ import annotations

import json
from typing import Any

MODEL = "llama3.2"
THINKING_MODEL = "gpt-oss:20b"
EMBED_MODEL = "all-minilm"
CREATED = "2025-10-14T09:31:05.848213Z"


def _counts(prompt: int, output: int) -> dict[str, Any]:
    return {
        "total_duration": 5191566416,
        "load_duration": 2154458,
        "prompt_eval_count": prompt,
        "prompt_eval_duration": 383809000,
        "eval_count": output,
        "eval_duration": 4799921000,
    }


def _chat(model: str, message: dict[str, Any], reason: str, prompt: int, output: int) -> dict[str, Any]:
    return {
        "model": model,
        "created_at": CREATED,
        "message": message,
        "done": True,
        "done_reason": reason,
        **_counts(prompt, output),
    }


CHAT = _chat(MODEL, {"role": "assistant", "content": "Hello! How can I help you today?"}, "stop", 26, 10)

CHAT_TOOL = _chat(
    MODEL,
    {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {
                "function": {
                    "index": 0,
                    "name": "get_weather",
                    "arguments": {"city": "Paris", "unit": "celsius"},
                }
            }
        ],
    },
    "stop",
    171,
    23,
)

CHAT_THINKING = _chat(
    THINKING_MODEL,
    {
        "role": "assistant",
        "content": "12 * 12 = 144.",
        "thinking": "The user asks for 12 times 12. That is 144.",
    },
    "stop",
    77,
    41,
)

CHAT_LENGTH = _chat(MODEL, {"role": "assistant", "content": "The sky is blue because"}, "length", 31, 5)

GENERATE = {
    "model": MODEL,
    "created_at": CREATED,
    "response": "The sky is blue because of Rayleigh scattering.",
    "done": True,
    "done_reason": "stop",
    "context": [128006, 9125, 128007, 271, 791, 13180, 374, 6437, 1606, 315, 13558, 64069, 72916, 13],
    **_counts(30, 12),
}

EMBED = {
    "model": EMBED_MODEL,
    "embeddings": [
        [
            0.010071029,
            -0.0017594862,
            0.05007221,
            0.04692972,
            0.054916814,
            0.008599704,
            0.105441414,
            -0.025878139,
        ],
        [
            -0.0098027075,
            0.06042469,
            0.025257962,
            -0.006364387,
            0.07272725,
            0.017194884,
            0.09032035,
            -0.051705178,
        ],
    ],
    "total_duration": 14143917,
    "load_duration": 1019500,
    "prompt_eval_count": 8,
}

EMBEDDINGS = {
    "embedding": [0.5670403838157654, 0.009260174818336964, 0.23178744316101074, -0.2916173040866852]
}

NOT_FOUND = {"error": f'model "{MODEL}" not found, try pulling it first'}
STREAM_ERROR_TEXT = "an error was encountered while running the model: unexpected EOF"


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, separators=(",", ":"))


def ndjson(body: dict[str, Any], step: int = 8) -> str:
    """The NDJSON stream a server sends for ``body`` (a chat or generate response): one line per
    fragment with ``done: false``, then the final line with ``done: true``, the reason and the
    counts (and, for generate, ``context``) and an empty fragment."""
    lines: list[dict[str, Any]] = []
    head = {"model": body["model"], "created_at": CREATED}
    if "message" in body:
        msg = body["message"]
        for field in ("thinking", "content"):
            value = msg.get(field) or ""
            for i in range(0, len(value), step):
                frag = {"role": "assistant", "content": ""}
                frag[field] = value[i : i + step]
                lines.append({**head, "message": frag, "done": False})
        if msg.get("tool_calls"):
            frag = {"role": "assistant", "content": "", "tool_calls": msg["tool_calls"]}
            lines.append({**head, "message": frag, "done": False})
        last = {**body, "message": {"role": "assistant", "content": ""}}
    else:
        for i in range(0, len(body["response"]), step):
            lines.append({**head, "response": body["response"][i : i + step], "done": False})
        last = {**body, "response": ""}
    lines.append(last)
    return "\n".join(_line(x) for x in lines) + "\n"


def stream_error(body: dict[str, Any] = CHAT) -> str:
    """Two fragments, then the ``{"error": ...}`` line a server sends when the runner fails."""
    lines = ndjson(body).splitlines()[:2]
    return "\n".join([*lines, _line({"error": STREAM_ERROR_TEXT})]) + "\n"


def parts_in(stream: str) -> int:
    return len([line for line in stream.splitlines() if line])

"""AWS Bedrock Runtime bodies, shaped like the real service's, and the event-stream framing.

- Converse: ``output.message`` with one-key content blocks, ``stopReason``, ``usage`` (``inputTokens``
  leaves cache reads/writes out; ``totalTokens`` counts all four), ``metrics.latencyMs``.
- ConverseStream / InvokeModelWithResponseStream: ``application/vnd.amazon.eventstream`` binary
  messages (prelude: total length, headers length, prelude CRC32; ``:event-type`` /
  ``:content-type`` / ``:message-type`` string headers; JSON payload; message CRC32), each JSON
  payload padded with a ``p`` field as the service does. InvokeModel stream chunks carry the
  model's JSON base64-encoded in ``bytes``; the last one has ``amazon-bedrock-invocationMetrics``.
- InvokeModel: each model family's own response JSON, plus the ``X-Amzn-Bedrock-*`` headers.
- Errors: ``x-amzn-ErrorType`` header plus ``{"message": ...}`` (restJson); a stream's exception
  event has ``:message-type: exception`` and ``:exception-type``.
"""

from __future__ import annotations

import base64
import json
import struct
from binascii import crc32
from typing import Any

REGION = "us-east-1"
HOST = f"bedrock-runtime.{REGION}.amazonaws.com"
REQUEST_ID = "0f3e5b7c-8a41-4d2e-9b6f-2c7d1e4a9b58"
DATE = "Tue, 14 Oct 2025 09:12:44 GMT"
MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
HEADERS = {
    "Date": DATE,
    "Content-Type": "application/json",
    "Connection": "keep-alive",
    "x-amzn-RequestId": REQUEST_ID,
}
STREAM_HEADERS = {
    "Date": DATE,
    "Content-Type": "application/vnd.amazon.eventstream",
    "Transfer-Encoding": "chunked",
    "Connection": "keep-alive",
    "x-amzn-RequestId": REQUEST_ID,
}
_PAD = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"


# --- event stream framing -----------------------------------------------------------------------------


def _header(name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode(), value.encode()
    return bytes([len(raw_name)]) + raw_name + b"\x07" + struct.pack(">H", len(raw_value)) + raw_value


def frame(headers: dict[str, str], payload: bytes) -> bytes:
    """One event-stream message: prelude (total length, headers length), prelude CRC32, headers,
    payload, CRC32 of everything before it."""
    header_bytes = b"".join(_header(k, v) for k, v in headers.items())
    prelude = struct.pack(">II", 12 + len(header_bytes) + len(payload) + 4, len(header_bytes))
    message = prelude + struct.pack(">I", crc32(prelude) & 0xFFFFFFFF) + header_bytes + payload
    return message + struct.pack(">I", crc32(message) & 0xFFFFFFFF)


def event(event_type: str, payload: dict[str, Any]) -> bytes:
    body = json.dumps({**payload, "p": _PAD[: 4 + len(event_type) % 20]}).encode()
    headers = {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"}
    return frame(headers, body)


def exception(exception_type: str, payload: dict[str, Any]) -> bytes:
    headers = {
        ":exception-type": exception_type,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return frame(headers, json.dumps(payload).encode())


def chunk(obj: dict[str, Any]) -> bytes:
    """An InvokeModelWithResponseStream ``chunk`` event holding the model's JSON."""
    return event("chunk", {"bytes": base64.b64encode(json.dumps(obj).encode()).decode()})


# --- Converse -------------------------------------------------------------------------------------------


def _usage(fresh: int, output: int, cache_read: int = 0, cache_write: int = 0) -> dict[str, Any]:
    usage = {
        "inputTokens": fresh,
        "outputTokens": output,
        "totalTokens": fresh + output + cache_read + cache_write,
    }
    if cache_read or cache_write:
        usage |= {"cacheReadInputTokens": cache_read, "cacheWriteInputTokens": cache_write}
    return usage


def converse(
    content: list[dict[str, Any]], stop: str, usage: dict[str, Any], latency: int = 412
) -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop,
        "usage": usage,
        "metrics": {"latencyMs": latency},
    }


TEXT = converse([{"text": "Hello! How can I help you today?"}], "end_turn", _usage(12, 11))
CACHED = converse(
    [{"text": "Based on the style guide, the heading should be sentence case."}],
    "end_turn",
    _usage(21, 393, cache_read=2048, cache_write=188),
    latency=1830,
)
TOOL_ID = "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q"
TOOL_USE = converse(
    [
        {"text": "I'll check the current weather in Paris for you."},
        {"toolUse": {"toolUseId": TOOL_ID, "name": "get_weather", "input": {"location": "Paris, France"}}},
    ],
    "tool_use",
    _usage(384, 76),
)
REASONING = converse(
    [
        {
            "reasoningContent": {
                "reasoningText": {"text": "27 * 453 = 12231.", "signature": "ErUBCkYIAxgCIkD"}
            }
        },
        {"text": "27 × 453 = 12,231."},
    ],
    "end_turn",
    _usage(45, 310),
)


def converse_stream(body: dict[str, Any], *, stop: bool = True) -> list[bytes]:
    """The ConverseStream events for the Converse response ``body``: ``messageStart``; per block an
    optional ``contentBlockStart`` (tool use only), deltas, ``contentBlockStop``; ``messageStop``;
    ``metadata`` (usage, metrics). ``stop=False`` cuts the stream before ``messageStop``."""
    events = [event("messageStart", {"role": "assistant"})]
    for index, block in enumerate(body["output"]["message"]["content"]):
        deltas: list[dict[str, Any]] = []
        if "text" in block:
            text = block["text"]
            deltas = [{"text": text[i : i + 10]} for i in range(0, len(text), 10)]
        elif "toolUse" in block:
            use = block["toolUse"]
            start = {"toolUse": {"toolUseId": use["toolUseId"], "name": use["name"]}}
            events.append(event("contentBlockStart", {"start": start, "contentBlockIndex": index}))
            arguments = json.dumps(use["input"])
            deltas = [{"toolUse": {"input": arguments[i : i + 8]}} for i in range(0, len(arguments), 8)]
        elif "reasoningContent" in block:
            reasoning = block["reasoningContent"]["reasoningText"]
            deltas = [
                {"reasoningContent": {"text": reasoning["text"]}},
                {"reasoningContent": {"signature": reasoning["signature"]}},
            ]
        events += [event("contentBlockDelta", {"delta": d, "contentBlockIndex": index}) for d in deltas]
        events.append(event("contentBlockStop", {"contentBlockIndex": index}))
    if stop:
        events.append(event("messageStop", {"stopReason": body["stopReason"]}))
        events.append(event("metadata", {"usage": body["usage"], "metrics": body["metrics"]}))
    return events


def converse_events(body: dict[str, Any]) -> int:
    return len(converse_stream(body))


MODEL_STREAM_ERROR = {
    "message": "The model returned an error while streaming.",
    "originalStatusCode": 500,
    "originalMessage": "Internal server error",
}

# --- errors ---------------------------------------------------------------------------------------------


def error_headers(code: str) -> dict[str, str]:
    return {
        **HEADERS,
        "x-amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/com.amazon.bedrock/",
    }


VALIDATION = {"message": "The provided model identifier is invalid."}
THROTTLING = {"message": "Too many requests, please wait before trying again."}


# --- InvokeModel: one body per model family ---------------------------------------------------------------


def invoke_headers(input_tokens: int, output_tokens: int | None = None, latency: int = 530) -> dict[str, str]:
    headers = {
        **HEADERS,
        "X-Amzn-Bedrock-Invocation-Latency": str(latency),
        "X-Amzn-Bedrock-Input-Token-Count": str(input_tokens),
    }
    if output_tokens is not None:
        headers["X-Amzn-Bedrock-Output-Token-Count"] = str(output_tokens)
    return headers


INVOKE_STREAM_HEADERS = {**STREAM_HEADERS, "X-Amzn-Bedrock-Content-Type": "application/json"}

ANTHROPIC_MODEL = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"
ANTHROPIC = {
    "id": "msg_bdrk_01LZ8wXg5qTGRnq7ZbdW3hkt",
    "type": "message",
    "role": "assistant",
    "model": "claude-3-7-sonnet-20250219",
    "content": [{"type": "text", "text": "Hello! How can I help you today?"}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {
        "input_tokens": 9,
        "cache_creation_input_tokens": 120,
        "cache_read_input_tokens": 1024,
        "output_tokens": 12,
    },
}
ANTHROPIC_TOOL_USE = {
    **ANTHROPIC,
    "id": "msg_bdrk_01Hd8x2Kq7VwPbN3mZr4TcYe",
    "content": [
        {"type": "text", "text": "Let me look that up."},
        {
            "type": "tool_use",
            "id": "toolu_bdrk_01T1x1fJ34qAmk2tNTrN7Up6",
            "name": "get_weather",
            "input": {"location": "Lyon"},
        },
    ],
    "stop_reason": "tool_use",
    "usage": {
        "input_tokens": 412,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": 61,
    },
}
LLAMA_MODEL = "meta.llama3-1-70b-instruct-v1:0"
LLAMA = {
    "generation": "The capital of France is Paris.",
    "prompt_token_count": 18,
    "generation_token_count": 8,
    "stop_reason": "stop",
}
TITAN_MODEL = "amazon.titan-text-express-v1"
TITAN = {
    "inputTextTokenCount": 6,
    "results": [
        {"tokenCount": 22, "outputText": "\nParis is the capital of France.", "completionReason": "FINISH"}
    ],
}
MISTRAL_MODEL = "mistral.mistral-7b-instruct-v0:2"
MISTRAL = {"outputs": [{"text": " Paris is the capital of France.", "stop_reason": "stop"}]}
MISTRAL_CHAT_MODEL = "mistral.mistral-large-2407-v1:0"
MISTRAL_CHAT = {
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "b3Xn9kPqR",
                        "function": {"name": "get_weather", "arguments": '{"location": "Paris"}'},
                    }
                ],
            },
            "stop_reason": "tool_calls",
        }
    ]
}
NOVA_MODEL = "amazon.nova-lite-v1:0"
NOVA = {
    "output": {"message": {"content": [{"text": "Paris is the capital of France."}], "role": "assistant"}},
    "stopReason": "end_turn",
    "usage": {
        "inputTokens": 5,
        "outputTokens": 9,
        "totalTokens": 14,
        "cacheReadInputTokenCount": 0,
        "cacheWriteInputTokenCount": 0,
    },
}
COHERE_MODEL = "cohere.command-r-plus-v1:0"
COHERE = {
    "response_id": "3b1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "text": "Paris is the capital of France.",
    "generation_id": "c4d5e6f7-0a1b-4c2d-9e3f-4a5b6c7d8e9f",
    "chat_history": [
        {"role": "USER", "message": "What is the capital of France?"},
        {"role": "CHATBOT", "message": "Paris is the capital of France."},
    ],
    "finish_reason": "COMPLETE",
}
COHERE_COMMAND_MODEL = "cohere.command-text-v14"
COHERE_COMMAND = {
    "generations": [
        {"finish_reason": "COMPLETE", "id": "5f5e0c1a-7b2d-4e3f-8a9b-1c2d3e4f5a6b", "text": " Paris."}
    ],
    "id": "8a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d",
    "prompt": "What is the capital of France?",
}
TITAN_EMBED_MODEL = "amazon.titan-embed-text-v2:0"
TITAN_EMBED = {
    "embedding": [0.0123, -0.0456, 0.0789, 0.0012],
    "embeddingsByType": {"float": [0.0123, -0.0456, 0.0789, 0.0012]},
    "inputTextTokenCount": 7,
}
COHERE_EMBED_MODEL = "cohere.embed-english-v3"
COHERE_EMBED = {
    "embeddings": [[0.021, -0.013, 0.044], [0.002, 0.031, -0.027]],
    "id": "d1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a",
    "response_type": "embeddings_floats",
    "texts": ["hello", "world"],
}


def invocation_metrics(input_tokens: int, output_tokens: int) -> dict[str, Any]:
    return {
        "amazon-bedrock-invocationMetrics": {
            "inputTokenCount": input_tokens,
            "outputTokenCount": output_tokens,
            "invocationLatency": 601,
            "firstByteLatency": 402,
        }
    }


def anthropic_chunks(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Anthropic's Messages stream events for ``body``, as Bedrock sends them in chunks."""
    usage = body["usage"]
    start = {**body, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    out: list[dict[str, Any]] = [{"type": "message_start", "message": start}]
    for index, block in enumerate(body["content"]):
        if block["type"] == "text":
            first, deltas = {"type": "text", "text": ""}, [{"type": "text_delta", "text": block["text"]}]
        else:
            arguments = json.dumps(block["input"])
            first = {**block, "input": {}}
            deltas = [
                {"type": "input_json_delta", "partial_json": arguments[i : i + 9]}
                for i in range(0, len(arguments), 9)
            ]
        out.append({"type": "content_block_start", "index": index, "content_block": first})
        out += [{"type": "content_block_delta", "index": index, "delta": d} for d in deltas]
        out.append({"type": "content_block_stop", "index": index})
    delta = {"stop_reason": body["stop_reason"], "stop_sequence": None}
    out.append({"type": "message_delta", "delta": delta, "usage": {"output_tokens": usage["output_tokens"]}})
    fresh = usage["input_tokens"]
    out.append({"type": "message_stop", **invocation_metrics(fresh, usage["output_tokens"])})
    return out


LLAMA_CHUNKS = [
    {"generation": "The capital", "prompt_token_count": 18, "generation_token_count": 2, "stop_reason": None},
    {
        "generation": " of France",
        "prompt_token_count": None,
        "generation_token_count": 5,
        "stop_reason": None,
    },
    {
        "generation": " is Paris.",
        "prompt_token_count": None,
        "generation_token_count": 8,
        "stop_reason": None,
    },
    {
        "generation": "",
        "prompt_token_count": None,
        "generation_token_count": 8,
        "stop_reason": "stop",
        **invocation_metrics(18, 8),
    },
]
TITAN_CHUNKS = [
    {
        "outputText": "\nParis is",
        "index": 0,
        "totalOutputTextTokenCount": None,
        "completionReason": None,
        "inputTextTokenCount": 6,
    },
    {
        "outputText": " the capital of France.",
        "index": 0,
        "totalOutputTextTokenCount": 22,
        "completionReason": "FINISH",
        "inputTextTokenCount": None,
        **invocation_metrics(6, 22),
    },
]
NOVA_CHUNKS = [
    {"messageStart": {"role": "assistant"}},
    {"contentBlockDelta": {"delta": {"text": "Paris is the capital"}, "contentBlockIndex": 0}},
    {"contentBlockDelta": {"delta": {"text": " of France."}, "contentBlockIndex": 0}},
    {"contentBlockStop": {"contentBlockIndex": 0}},
    {"messageStop": {"stopReason": "end_turn"}},
    {
        "metadata": {"usage": {"inputTokens": 5, "outputTokens": 9}, "metrics": {}, "trace": {}},
        **invocation_metrics(5, 9),
    },
]

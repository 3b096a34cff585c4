"""Hugging Face inference bodies, shaped like the real services':

- the router (``router.huggingface.co/{provider}/v1/chat/completions``) passes the upstream's
  OpenAI-shaped body through: Together's ids (``o4fJ...-2j9zxn-...``), its ``prompt: []`` and
  ``seed`` fields and ``cached_tokens`` in ``usage``; Groq's ``x_groq`` and timing fields, its
  ``reasoning`` message field and ``*_tokens_details``; SSE ``data:`` lines ending in
  ``data: [DONE]``, usage on the last chunk;
- TGI (``text-generation-inference``) ``/`` answers a list of ``{"generated_text", "details"}``
  (``details`` only when asked), streams ``data:{...}`` lines (no space, no ``[DONE]``) whose
  last one carries ``generated_text`` and ``details`` with ``input_length``;
- the Hub's model API answers ``inferenceProviderMapping`` as a dict keyed by provider;
- error bodies: the upstream's ``{"error": {"message", "type", "param", "code"}}``, HF
  Inference's ``{"error": "...", "estimated_time": ...}`` and TGI's ``{"error", "error_type"}``.

Functions return fresh objects, so a test may mutate what it gets.
"""

from __future__ import annotations

from typing import Any

#: Shaped like a Hugging Face token so a leak would be recognisable; never valid.
TOKEN = "hf_test_not_real"
MODEL = "meta-llama/Llama-3.3-70B-Instruct"
TOGETHER_MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"  # the model's id on Together
GROQ_MODEL = "openai/gpt-oss-120b"
TGI_MODEL = "meta-llama/Llama-3.1-8B-Instruct"
EMBED_MODEL = "BAAI/bge-base-en-v1.5"
CREATED = 1750166281
ROUTER_HEADERS = {
    "x-inference-provider": "together",
    "x-request-id": "Root=1-6851a3f0-0c8e4f6f1e9d2a7b3c4d5e6f",
}
CHAT_ID = "o4fJ2nR-2j9zxn-9a1b2c3d4e5f6a7b"


def hub_model(model: str = MODEL, **mapping: dict[str, Any]) -> dict[str, Any]:
    """``GET /api/models/{id}?expand=inferenceProviderMapping``."""
    return {"_id": "6745f28f9333dfcc06268b1e", "id": model, "inferenceProviderMapping": mapping}


def together_mapping(task: str = "conversational", provider_id: str = TOGETHER_MODEL) -> dict[str, Any]:
    return {"status": "live", "providerId": provider_id, "task": task}


# --- chat (Together through the router) -------------------------------------------------------------
def _choice(message: dict[str, Any], finish: str | None, index: int = 0) -> dict[str, Any]:
    return {
        "finish_reason": finish,
        "seed": 14709960733431132000,
        "logprobs": None,
        "index": index,
        "message": message,
    }


def together_usage(prompt: int = 42, completion: int = 9) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "cached_tokens": 0,
    }


def chat(content: str = "Hello! How can I help you today?", **extra: Any) -> dict[str, Any]:
    body = {
        "id": CHAT_ID,
        "object": "chat.completion",
        "created": CREATED,
        "model": TOGETHER_MODEL,
        "prompt": [],
        "choices": [_choice({"role": "assistant", "content": content, "tool_calls": []}, "stop")],
        "usage": together_usage(),
    }
    body.update(extra)
    return body


TOOL_CALL_ID = "call_6xqz1oj0sdiq8ik1uw9cx8pu"
WEATHER_ARGS = '{"location":"Lyon, France"}'


def chat_tool_call() -> dict[str, Any]:
    call = {
        "index": 0,
        "id": TOOL_CALL_ID,
        "type": "function",
        "function": {"name": "get_weather", "arguments": WEATHER_ARGS},
    }
    message = {"role": "assistant", "content": None, "tool_calls": [call]}
    return chat(choices=[_choice(message, "tool_calls")], usage=together_usage(203, 24))


def _chunk(
    delta: dict[str, Any], finish: str | None = None, usage: dict[str, Any] | None = None
) -> dict[str, Any]:
    text = delta.get("content") or ""
    return {
        "id": CHAT_ID,
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": TOGETHER_MODEL,
        "choices": [
            {
                "index": 0,
                "text": text,
                "logprobs": None,
                "finish_reason": finish,
                "seed": 14709960733431132000 if finish else None,
                "delta": {"token_id": 9906, "role": "assistant", **delta},
            }
        ],
        "usage": usage,
    }


def chat_chunks(text: str = "Hello! How can I help you today?") -> list[dict[str, Any]]:
    """Together's stream: one chunk per token, the last with ``finish_reason`` and ``usage``."""
    pieces = [text[i : i + 7] for i in range(0, len(text), 7)]
    chunks = [_chunk({"content": p, "tool_calls": None}) for p in pieces]
    chunks.append(_chunk({"content": "", "tool_calls": None}, "stop", together_usage()))
    return chunks


def tool_call_chunks() -> list[dict[str, Any]]:
    first = {
        "index": 0,
        "id": TOOL_CALL_ID,
        "type": "function",
        "function": {"name": "get_weather", "arguments": ""},
    }
    chunks = [_chunk({"content": None, "tool_calls": [first]})]
    for i in range(0, len(WEATHER_ARGS), 9):
        piece = {"index": 0, "function": {"arguments": WEATHER_ARGS[i : i + 9]}}
        chunks.append(_chunk({"content": None, "tool_calls": [piece]}))
    chunks.append(_chunk({"content": None, "tool_calls": None}, "tool_calls", together_usage(203, 24)))
    return chunks


# --- chat (Groq through the router: reasoning, cached and reasoning token details) ---------------------
GROQ_ID = "chatcmpl-b3b0a3f5-6c1d-4c5e-9f0e-1d2c3b4a5f6e"


def groq_usage() -> dict[str, Any]:
    return {
        "queue_time": 0.0412,
        "prompt_tokens": 2006,
        "prompt_time": 0.0931,
        "completion_tokens": 300,
        "completion_time": 0.5829,
        "total_tokens": 2306,
        "total_time": 0.676,
        "prompt_tokens_details": {"cached_tokens": 1920},
        "completion_tokens_details": {"reasoning_tokens": 192},
    }


def groq_reasoning() -> dict[str, Any]:
    message = {
        "role": "assistant",
        "content": "Lyon is 18°C and sunny.",
        "reasoning": "The user asks about Lyon.",
    }
    return {
        "id": GROQ_ID,
        "object": "chat.completion",
        "created": CREATED,
        "model": GROQ_MODEL,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}],
        "usage": groq_usage(),
        "usage_breakdown": None,
        "system_fingerprint": "fp_e10890e4b9",
        "x_groq": {"id": "req_01k0b2c3d4e5f6g7h8j9k0m1n2"},
        "service_tier": "on_demand",
    }


def groq_reasoning_chunks() -> list[dict[str, Any]]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
        return {
            "id": GROQ_ID,
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": GROQ_MODEL,
            "system_fingerprint": "fp_e10890e4b9",
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
            **extra,
        }

    return [
        chunk({"role": "assistant", "content": ""}, x_groq={"id": "req_01k0b2c3d4e5f6g7h8j9k0m1n2"}),
        chunk({"reasoning": "The user asks "}),
        chunk({"reasoning": "about Lyon."}),
        chunk({"content": "Lyon is 18°C "}),
        chunk({"content": "and sunny."}),
        chunk(
            {},
            "stop",
            x_groq={"id": "req_01k0b2c3d4e5f6g7h8j9k0m1n2", "usage": groq_usage()},
            usage=groq_usage(),
        ),
    ]


# --- TGI text generation ------------------------------------------------------------------------------------
TGI_TEXT = " a city in France, known for its cuisine"


def tgi_generate(details: bool) -> list[dict[str, Any]]:
    out: dict[str, Any] = {"generated_text": TGI_TEXT}
    if details:
        out["details"] = {
            "finish_reason": "length",
            "generated_tokens": 9,
            "seed": None,
            "prefill": [],
            "tokens": [
                {"id": 264, "text": " a", "logprob": -0.52, "special": False},
                {"id": 3363, "text": " city", "logprob": -0.31, "special": False},
            ],
        }
    return [out]


def tgi_stream_events(finish: str = "eos_token") -> list[dict[str, Any]]:
    pieces = [" a", " city", " in", " France", ",", " known", " for", " its", " cuisine"]
    events: list[dict[str, Any]] = []
    for i, piece in enumerate(pieces, 1):
        token = {"id": 1000 + i, "text": piece, "logprob": -0.4, "special": False}
        events.append(
            {"index": i, "token": token, "top_tokens": None, "generated_text": None, "details": None}
        )
    eos = {"id": 128009, "text": "<|eot_id|>", "logprob": -0.01, "special": True}
    details = {"finish_reason": finish, "generated_tokens": len(pieces) + 1, "seed": None, "input_length": 6}
    events.append(
        {
            "index": len(pieces) + 1,
            "token": eos,
            "top_tokens": None,
            "generated_text": TGI_TEXT,
            "details": details,
        }
    )
    return events


# --- embeddings (Together through the router, OpenAI-shaped) -----------------------------------------------
def together_embeddings(count: int = 1, size: int = 768) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [
            {
                "object": "embedding",
                "embedding": [0.0125 * ((i + j) % 7 - 3) for j in range(size)],
                "index": i,
            }
            for i in range(count)
        ],
        "model": EMBED_MODEL,
        "request_id": "9a1b2c3d4e5f6a7b-IAD",
    }


# --- errors -------------------------------------------------------------------------------------------------
def model_not_found(model: str = TOGETHER_MODEL) -> dict[str, Any]:
    """Together (and OpenAI-compatible upstreams) through the router."""
    return {
        "error": {
            "message": f"Unable to access model {model}. Please visit https://api.together.ai/models"
            " to view the list of supported models.",
            "type": "invalid_request_error",
            "param": None,
            "code": "model_not_found",
        }
    }


def rate_limited() -> dict[str, Any]:
    """An upstream error envelope whose ``code`` is null."""
    return {
        "error": {
            "message": "Rate limit reached for requests",
            "type": "requests",
            "param": None,
            "code": None,
        }
    }


LOADING = {"error": "Model meta-llama/Llama-3.1-8B-Instruct is currently loading", "estimated_time": 20.0}
TGI_VALIDATION = {
    "error": "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096."
    " Given: 4000 `inputs` tokens and 200 `max_new_tokens`",
    "error_type": "validation",
}
TGI_STREAM_ERROR = {
    "error": "Request failed during generation: Server error: CUDA out of memory",
    "error_type": "generation",
}
UNUSED_KWARGS = {
    "error": "The following `model_kwargs` are not used by the model: ['watermark'] (note: typos in the"
    " generate arguments will also show up in this list)"
}

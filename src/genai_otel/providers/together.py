"""Together adapter: the ``together`` SDK 2.x+ (written against together 3.1, Stainless, httpx),
provider ``together_ai``.

Patched, sync ``Class`` and async ``AsyncClass`` of each (``together>=2.0``; the 1.x SDK was a
different, hand-written client):

======================================  ================================  ============================
module (``together.resources.``)        method                            operation / api
======================================  ================================  ============================
``chat.completions``                    ``CompletionsResource.create``    chat / chat
``completions``                         ``CompletionsResource.create``    text_completion / completions
``embeddings``                          ``EmbeddingsResource.create``     embeddings / embeddings
``rerank``                              ``RerankResource.create``         rerank / rerank
======================================  ================================  ============================

The SDK is a Stainless sibling of openai's, so the openai adapter's surfaces parse it
(``providers/openai/compat.py``). Together specifics:

- chat posts to ``https://api-inference.together.ai`` unless the client's base URL was set
  (``base_url=`` or ``TOGETHER_BASE_URL``), so ``server.address`` is that host then; the other
  surfaces post to the base URL (``api.together.ai``);
- usage: Together reports cached prompt tokens as ``usage.cached_tokens`` (next to
  ``prompt_tokens``, which includes them), read as ``gen_ai.usage.cache_read.input_tokens``;
- ``top_k`` is reported; ``min_p`` / ``repetition_penalty`` have no semconv attribute;
- ``gen_ai.response.finish_reasons`` are Together's values as sent (``eos``, ``stop``, ``length``,
  ``tool_calls``); output messages map them like every adapter (``adapter.output_finish_reason``:
  ``eos`` -> ``stop``, ``tool_calls`` -> ``tool_call``);
- ``reasoning`` / ``reasoning_content`` are captured as reasoning parts;
- rerank (``RERANK``): model, id and usage only; query and documents are not content.

Not covered: images, audio, video, fine-tuning, batches, files, endpoints, evals and the
realtime client (none is an inference call semconv describes).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .._telemetry.semconv import PROVIDER_TOGETHER_AI
from ..adapter import CHAT, EMBEDDINGS, RERANK, TEXT_COMPLETION, PatchTarget, Usage
from ._values import integer
from .openai._common import completion_usage
from .openai.compat import Compat

__all__ = ["ADAPTER", "TARGETS"]

#: Where ``chat.completions.create`` posts when the base URL is the default.
INFERENCE_HOST = ("api-inference.together.ai", 443)

TARGETS: tuple[PatchTarget, ...] = tuple(
    PatchTarget(
        f"together.resources.{module}",
        f"{prefix}{cls}.create",
        operation,
        api,
        is_async=bool(prefix),
        min_version="2.0.0",
    )
    for module, cls, operation, api in (
        ("chat.completions", "CompletionsResource", CHAT, "chat"),
        ("completions", "CompletionsResource", TEXT_COMPLETION, "completions"),
        ("embeddings", "EmbeddingsResource", EMBEDDINGS, "embeddings"),
        ("rerank", "RerankResource", RERANK, "rerank"),
    )
    for prefix in ("", "Async")
)


def server(instance: Any, target: PatchTarget) -> tuple[str, int] | None:
    if (
        target.api == "chat"
        and getattr(getattr(instance, "_client", None), "_base_url_overridden", None) is False
    ):
        return INFERENCE_HOST
    return None


def usage(block: Any) -> Usage | None:
    """openai's reading, plus Together's top-level ``cached_tokens``."""
    info = completion_usage(block)
    cached = integer(getattr(block, "cached_tokens", None))
    if info is not None and cached is not None and info.cache_read_input_tokens is None:
        return replace(info, cache_read_input_tokens=cached)
    return info


ADAPTER = Compat("together", PROVIDER_TOGETHER_AI, server=server, usage=usage).adapter("together", TARGETS)
